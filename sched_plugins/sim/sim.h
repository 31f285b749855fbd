/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated host for vmsched policies: N slots, VMs with vCPUs that run
 * a workload model, and a clock. It drives a policy's ops exactly the way
 * the kvm_schedswap core does (see vmsched_plugin.h), checks what the
 * policy answers like the core would, and measures shares, wake-to-grant
 * delays and decisions. Deterministic: same inputs, same trace.
 */
#ifndef _SIM_H
#define _SIM_H

#include "vmsched_policy.h"

#define SIM_MIN_SLICE	VMSCHED_SLICE_MIN_NS	/* slices the core accepts */
#define SIM_MAX_SLICE	VMSCHED_SLICE_MAX_NS
#define SIM_NEVER	U64_MAX
#define SIM_VCPU_MAGIC	0x76637075U

/* what a vCPU does when it holds a grant */
enum sim_load_kind {
	SIM_SPIN,	/* always runnable */
	SIM_DUTY,	/* runs run_ns of CPU, halts halt_ns, again */
	SIM_LATENCY,	/* wakes every period_ns (at phase_ns), runs run_ns */
};

struct sim_load {
	enum sim_load_kind kind;
	u64 run_ns;
	u64 halt_ns;
	u64 period_ns;
	u64 phase_ns;
};

#define SIM_LOAD_SPIN		((struct sim_load){ .kind = SIM_SPIN })
#define SIM_LOAD_DUTY(r, h)	((struct sim_load){ .kind = SIM_DUTY,	\
				  .run_ns = (r), .halt_ns = (h) })
#define SIM_LOAD_LATENCY(p, r, ph) ((struct sim_load){ .kind = SIM_LATENCY, \
				  .period_ns = (p), .run_ns = (r),	\
				  .phase_ns = (ph) })

enum sim_vcpu_state {
	SIM_BLOCKED,
	SIM_QUEUED,
	SIM_RUNNING,
	SIM_DETACHED,
};

struct sim_vm;

struct sim_vcpu {
	struct vmsched_vcpu pv;		/* what the policy sees */
	struct cpumask cpus;		/* slots it may be granted (pv.cpus) */
	u32 magic;			/* SIM_VCPU_MAGIC */
	struct sim_vm *vm;
	struct sim_load load;
	enum sim_vcpu_state state;
	u32 id;				/* host-wide index, for traces */
	int slot;			/* while SIM_RUNNING */
	u64 need;			/* CPU left in this burst (SIM_NEVER: spin) */
	u64 wake_at;			/* next wake-up while blocked */
	u64 woke;			/* last wake-up not yet granted, or SIM_NEVER */
	u64 queued_at;			/* last enqueue, of any kind */
	u32 heap_idx;			/* in the wake heap while blocked */
	/* measurements, cleared by sim_reset_stats() */
	u64 run_ns;
	u64 grants;
	u64 wakes;
	u64 wait_max;			/* longest enqueue-to-grant, any enqueue */
	u64 delay_max;			/* longest wake-to-grant */
	u64 delay_sum;
	u64 nr_delays;
	u64 *delays;			/* every sample when the VM keeps them */
	u64 delays_cap;
};

struct sim_vm {
	struct vmsched_vm pv;		/* what the policy sees */
	u32 id;
	u32 nr_vcpus;
	struct sim_vcpu *vcpus;
	bool attached;
	bool keep_delays;		/* store every wake-to-grant delay */
	u64 run_ns;			/* since sim_reset_stats() */
	u64 run_total;			/* since attach */
};

struct sim_slot {
	struct sim_vcpu *v;
	u64 start;
	u64 slice;
};

struct sim;
typedef void (*sim_hook_fn)(struct sim *sim, void *arg);
typedef void (*sim_grant_fn)(struct sim *sim, struct sim_vcpu *v, u64 slice,
			     void *arg);
typedef void (*sim_end_fn)(struct sim *sim, struct sim_vcpu *v, u64 ran, void *arg);

struct sim {
	struct vmsched_ops *ops;
	struct vmsched_sched s;
	u64 now;
	u32 nr_slots;			/* the slots of CPUs 0..nr_slots-1 */
	struct cpumask cpus;		/* those CPUs (s.cpus) */
	struct sim_slot *slots;
	bool fill_reverse;		/* ask free slots from the last to the first */
	struct sim_vm **vms;
	u32 nr_vms;
	u32 nr_vcpus;			/* ever created, for ids */
	struct sim_vcpu **heap;		/* blocked vCPUs by wake_at */
	u32 heap_len;
	u32 heap_cap;
	u64 repoll_at;			/* re-poll asked by a NULL pick */
	u64 nr_queued;			/* as the simulated core sees it */
	/*
	 * slice ends come up to this late (a timer firing late on a busy
	 * host): pseudo-random, deterministic, 0 = never
	 */
	u64 late_max;
	u64 late_seed;
	/* counters, cleared by sim_reset_stats() */
	u64 decisions;			/* grants */
	u64 preemptions;		/* by check_preempt */
	u64 preempt_regrants;		/* of those, the victim granted again at once */
	u64 preempt_others;		/* of the others, the slot given to another VM than the waker's */
	u64 idle_picks;			/* NULL picks for a slot while vCPUs that may run there were queued */
	u64 repolls;			/* NULL picks asking for a re-poll */
	u64 stamp;			/* when the stats were reset */
	/* never cleared: any of these is a policy bug */
	u64 policy_errors;		/* bad picks (not queued, or not allowed on the slot), bad slices, bad victims */
	u64 stalls;			/* queued vCPUs, no grant, nothing pending */
	/* optional observers */
	sim_hook_fn after_event;
	void *after_event_arg;
	sim_grant_fn on_grant;
	void *on_grant_arg;
	sim_end_fn on_end;		/* a grant ends, before the policy's charge */
	void *on_end_arg;
};

/* "key=value,key=value" with ns/us/ms/s suffixes for times; 1..64 slots */
struct sim *sim_create(struct vmsched_ops *ops, u32 nr_slots,
		       const char *params, int *err);
void sim_destroy(struct sim *sim);
int sim_set_param(struct sim *sim, struct sim_vm *vm, const char *key, u64 value);
u64 sim_get_param(struct sim *sim, struct sim_vm *vm, const char *key);

struct sim_vm *sim_add_vm(struct sim *sim, const char *params, u32 nr_vcpus,
			  struct sim_load load);
struct sim_vm *sim_add_vm_loads(struct sim *sim, const char *params,
				u32 nr_vcpus, const struct sim_load *loads);
/*
 * a VM whose vCPUs may only be granted the slots in @cpus (NULL, or none
 * of the slots: all of them), like threads whose affinity the admin set
 */
struct sim_vm *sim_add_vm_on(struct sim *sim, const char *params, u32 nr_vcpus,
			     struct sim_load load, const struct cpumask *cpus);
struct sim_vm *sim_add_vm_loads_on(struct sim *sim, const char *params, u32 nr_vcpus,
				   const struct sim_load *loads, const struct cpumask *cpus);
/* the mask of the slots in @bits (bit n: slot n) */
static inline struct cpumask sim_cpus(unsigned long bits)
{
	return (struct cpumask){ { bits } };
}
void sim_remove_vm(struct sim *sim, struct sim_vm *vm);
void sim_remove_vcpu(struct sim *sim, struct sim_vcpu *v);

void sim_run_for(struct sim *sim, u64 ns);
void sim_run_decisions(struct sim *sim, u64 n);
void sim_reset_stats(struct sim *sim);

/* run time and share of one pCPU (1.0) since the last reset */
u64 sim_vm_run(const struct sim *sim, const struct sim_vm *vm);
u64 sim_vcpu_run(const struct sim *sim, const struct sim_vcpu *v);
double sim_vm_share(const struct sim *sim, const struct sim_vm *vm);
double sim_vcpu_share(const struct sim *sim, const struct sim_vcpu *v);
/* percentile (0..100) of a VM's stored wake-to-grant delays */
u64 sim_vm_delay_pct(const struct sim_vm *vm, double pct);
u64 sim_vm_delay_max(const struct sim_vm *vm);

/* parse "10ms" and friends; returns -EINVAL on garbage */
int sim_parse_value(const char *str, u64 *value);

extern unsigned long sim_warnings;
/* set while the simulated core holds its scheduler lock */
extern bool sim_in_sched_cb;

#endif /* _SIM_H */
