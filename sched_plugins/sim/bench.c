// SPDX-License-Identifier: GPL-2.0
/*
 * Per-decision cost of a policy, for `make bench` (bench.sh runs this under
 * valgrind --tool=callgrind and counts instructions in bench_decide()).
 *
 *   bench POLICY NR_VCPUS DECISIONS
 *
 * NR_VCPUS single-vCPU VMs, all always runnable, on BENCH_SLOTS slots: the
 * policy's tree holds about NR_VCPUS entries, the worst case for pick and
 * insert. One decision is what the core does at every slice end: charge
 * the vCPU, enqueue it again (PREEMPTED) and pick the next for the slot.
 * The host is first run long enough for every vCPU to have run a few times.
 */
#include <string.h>

#include "sim.h"
#include "bvt/bvt.h"
#include "fair/fair.h"
#include "rr/rr.h"

#define BENCH_SLOTS	4

typedef struct vmsched_vcpu *(*decide_fn)(struct vmsched_ops *ops,
					   struct vmsched_sched *s,
					   struct vmsched_vcpu *v, unsigned int cpu,
					   u64 ran, u64 now, u64 *slice);

struct vmsched_vcpu *bench_decide(struct vmsched_ops *ops, struct vmsched_sched *s,
				  struct vmsched_vcpu *v, unsigned int cpu, u64 ran,
				  u64 now, u64 *slice);
struct vmsched_vcpu *bench_warm_up(struct vmsched_ops *ops, struct vmsched_sched *s,
				   struct vmsched_vcpu *v, unsigned int cpu, u64 ran,
				   u64 now, u64 *slice);

/* the measured function: one scheduling decision, nothing else */
__attribute__((noipa))
struct vmsched_vcpu *bench_decide(struct vmsched_ops *ops, struct vmsched_sched *s,
				  struct vmsched_vcpu *v, unsigned int cpu, u64 ran,
				  u64 now, u64 *slice)
{
	ops->charge(s, v, ran, now);
	ops->enqueue(s, v, now, VMSCHED_ENQ_PREEMPTED);
	return ops->pick_next(s, cpu, now, slice);
}

/* the same, not counted */
__attribute__((noipa))
struct vmsched_vcpu *bench_warm_up(struct vmsched_ops *ops, struct vmsched_sched *s,
				   struct vmsched_vcpu *v, unsigned int cpu, u64 ran,
				   u64 now, u64 *slice)
{
	ops->charge(s, v, ran, now);
	ops->enqueue(s, v, now, VMSCHED_ENQ_PREEMPTED);
	return ops->pick_next(s, cpu, now, slice);
}

/* run @n decisions, each at the slot whose slice ends first */
static void bench_run(struct sim *sim, u64 n, decide_fn decide)
{
	struct sim_slot *slot;
	struct vmsched_vcpu *pv;
	struct sim_vcpu *v;
	u64 slice, end;
	u32 i;

	while (n--) {
		slot = &sim->slots[0];
		for (i = 1; i < sim->nr_slots; i++)
			if (sim->slots[i].start + sim->slots[i].slice <
			    slot->start + slot->slice)
				slot = &sim->slots[i];
		end = slot->start + slot->slice;
		v = slot->v;
		v->pv.cpu = -1;
		sim_in_sched_cb = true;
		pv = decide(sim->ops, &sim->s, &v->pv, (unsigned int)(slot - sim->slots),
			    end - slot->start, end, &slice);
		sim_in_sched_cb = false;
		v->state = SIM_QUEUED;
		v = container_of(pv, struct sim_vcpu, pv);
		v->state = SIM_RUNNING;
		v->slot = (int)(slot - sim->slots);
		v->pv.cpu = v->slot;
		slot->v = v;
		slot->start = end;
		slot->slice = clamp_t(u64, slice, SIM_MIN_SLICE, SIM_MAX_SLICE);
		sim->now = end;
	}
}

int main(int argc, char **argv)
{
	struct vmsched_ops *all[] = { &bvt_ops, &fair_ops, &rr_ops }, *ops = NULL;
	u64 n, decisions;
	struct sim *sim;
	size_t i;

	if (argc != 4) {
		fprintf(stderr, "usage: %s bvt|fair|rr NR_VCPUS DECISIONS\n", argv[0]);
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(all); i++)
		if (!strcmp(all[i]->name, argv[1]))
			ops = all[i];
	n = strtoull(argv[2], NULL, 0);
	decisions = strtoull(argv[3], NULL, 0);
	if (!ops || n < BENCH_SLOTS) {
		fprintf(stderr, "unknown policy or too few vCPUs\n");
		return 2;
	}
	sim = sim_create(ops, BENCH_SLOTS, NULL, NULL);
	for (i = 0; i < n; i++)
		sim_add_vm(sim, NULL, 1, SIM_LOAD_SPIN);
	/* every vCPU runs a few times before anything is counted */
	bench_run(sim, 8 * n, bench_warm_up);
	/* callgrind counts from here: bench_decide() only */
	bench_run(sim, decisions, bench_decide);
	sim_destroy(sim);
	if (sim_warnings) {
		fprintf(stderr, "policy warnings: %lu\n", sim_warnings);
		return 1;
	}
	return 0;
}
