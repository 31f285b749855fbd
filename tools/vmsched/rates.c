// SPDX-License-Identifier: GPL-2.0
/*
 * Deltas of monotonic counters and shares of wall time.
 */
#include <string.h>

#include "rates.h"

static uint64_t delta(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

/* the window: between the snapshots, or since the VM started */
static uint64_t window(const struct snap *prev, const struct snap *cur,
		       const struct snap_vm *vm, bool found_before)
{
	if (prev && found_before)
		return delta(cur->now_ns, prev->now_ns);
	if (vm->start_ns)
		return delta(cur->now_ns, vm->start_ns);
	return 0;
}

static void shares(struct rate *r)
{
	if (!r->wall_ns)
		return;
	r->cpu_pct = 100.0 * r->run_ns / r->wall_ns;
	r->wait_pct = 100.0 * r->wait_ns / r->wall_ns;
}

void vm_rate(const struct snap *prev, const struct snap *cur, const struct snap_vm *vm,
	     struct rate *r)
{
	const struct snap_vm *old = prev ? snap_find(prev, vm->s.pid) : NULL;
	struct vmsched_vm_stats zero = { 0 };
	const struct vmsched_vm_stats *o = old ? &old->s : &zero;

	memset(r, 0, sizeof(*r));
	r->wall_ns = window(prev, cur, vm, old);
	r->run_ns = delta(vm->s.run_ns, o->run_ns);
	r->wait_ns = delta(vm->s.wait_ns, o->wait_ns);
	r->grants = delta(vm->s.grants, o->grants);
	r->preemptions = delta(vm->s.preemptions, o->preemptions);
	r->wakeups = delta(vm->s.wakeups, o->wakeups);
	shares(r);
}

void vcpu_rate(const struct snap *prev, const struct snap *cur, const struct snap_vm *vm,
	       const struct vmsched_vcpu_stats *v, struct rate *r)
{
	const struct vmsched_vcpu_stats *o = NULL;
	struct vmsched_vcpu_stats zero = { 0 };
	unsigned int i;

	for (i = 0; prev && i < prev->nr_vcpus; i++)
		if (prev->vcpus[i].pid == v->pid && prev->vcpus[i].vcpu_id == v->vcpu_id)
			o = &prev->vcpus[i];
	memset(r, 0, sizeof(*r));
	r->wall_ns = window(prev, cur, vm, o);
	if (!o)
		o = &zero;
	r->run_ns = delta(v->run_ns, o->run_ns);
	r->wait_ns = delta(v->wait_ns, o->wait_ns);
	r->grants = delta(v->grants, o->grants);
	r->preemptions = delta(v->preemptions, o->preemptions);
	r->wakeups = delta(v->wakeups, o->wakeups);
	shares(r);
}
