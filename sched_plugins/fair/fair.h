/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fair: private types, shared by fair.c, fair_mod.c and the simulator's
 * tests. Nothing else includes this.
 */
#ifndef _VMSCHED_FAIR_H
#define _VMSCHED_FAIR_H

#include "vmsched_policy.h"

/* global parameters: index into vmsched_sched.params */
enum fair_global_param {
	FAIR_SLICE,		/* longest grant (ns) */
	FAIR_PERIOD,		/* window of cap and reservation budgets (ns) */
	FAIR_NR_GLOBAL_PARAMS,
};

/* per-VM parameters: index into vmsched_vm.params */
enum fair_vm_param {
	FAIR_WEIGHT,		/* share relative to other VMs */
	FAIR_CAP,		/* most it may use, % of one pCPU; 0: none */
	FAIR_RESERVATION,	/* least it gets when it wants, % of one pCPU, <= 100 per vCPU */
	FAIR_NR_VM_PARAMS,
};

/* where a VM is (fair_vm.where) */
enum fair_where {
	FAIR_IDLE,		/* no queued vCPU: in no tree */
	FAIR_RUNQ,		/* in runq (and rsvq if it has a reservation) */
	FAIR_CAPQ,		/* over its cap: in capq only */
};

/* how the grant a vCPU holds was made (fair_vcpu.grant) */
enum fair_grant_kind {
	FAIR_NO_GRANT,		/* none, or one adopted from the previous policy */
	FAIR_SHARE_GRANT,	/* its VM had the lowest vt */
	FAIR_RSV_GRANT,		/* its VM was owed its reservation */
	FAIR_GUARD_GRANT,	/* the starvation guard served it */
};

/* One per instance (vmsched_sched.priv). */
struct fair_private {
	struct rb_root_cached runq;	/* VMs that may run, by vt */
	struct rb_root_cached rsvq;	/* those with a reservation, by key */
	struct rb_root_cached capq;	/* VMs over their cap, by key */
	struct vt_clock clock;		/* system virtual time svt */
	u64 rsv_total;			/* sum of VM reservations (%) */
	u64 nr_queued;			/* queued vCPUs */
	u64 nr_picks;			/* grants handed out */
	u64 nr_rsv_picks;		/* of those, owed to a reservation */
	u64 nr_throttles;		/* times a VM went over its cap */
	u64 nr_idle;			/* slots left idle with vCPUs queued */
	u64 nr_starve_picks;		/* grants the starvation guard made */
	u64 nr_preempts;		/* wake-ups that ended a grant */
	struct list_head waiters;	/* queued vCPUs in queue order (guard) */
};

/* One per VM (vmsched_vm.data): the entity that shares are given to. */
struct fair_vm {
	struct rb_node node;		/* in runq or capq, see @where */
	struct rb_node rsv_node;	/* in rsvq while in runq with a rsv */
	struct list_head queue;		/* its queued vCPUs, FIFO */
	u64 vt;				/* virtual time */
	u64 key;			/* capq: may run from; rsvq: owed from */
	s64 cap_budget;			/* run time left under the cap (ns) */
	s64 rsv_budget;			/* reserved run time owed to it (ns) */
	u64 stamp;			/* when the budgets were last refilled */
	u64 idle_epoch;			/* svt's epoch when it last went idle */
	u32 vrem;			/* remainder of the vt division */
	u32 rsv;			/* reservation counted in rsv_total (%) */
	u32 nr_active;			/* vCPUs queued or holding a grant */
	u32 where;			/* enum fair_where */
};

/* One per vCPU (vmsched_vcpu.data). */
struct fair_vcpu {
	struct list_head link;		/* in its VM's queue while queued */
	struct vmsched_waiter wait;	/* in waiters while queued */
	u64 granted;			/* slice taken from the cap budget */
	u64 start;			/* when its current grant began */
	u32 grant;			/* enum fair_grant_kind of that grant */
};

static inline struct fair_private *fair_priv(const struct vmsched_sched *s)
{
	return s->priv;
}

static inline struct fair_vm *fair_vm(struct vmsched_vm *vm)
{
	return VMSCHED_DATA(struct fair_vm, vm);
}

static inline struct vmsched_vm *fair_vm_of(struct fair_vm *fvm)
{
	return container_of((void *)fvm, struct vmsched_vm, data);
}

static inline struct fair_vcpu *fair_vcpu(struct vmsched_vcpu *v)
{
	return VMSCHED_DATA(struct fair_vcpu, v);
}

static inline struct vmsched_vcpu *fair_vcpu_of(struct fair_vcpu *fv)
{
	return container_of((void *)fv, struct vmsched_vcpu, data);
}

extern struct vmsched_ops fair_ops;

#ifdef __KERNEL__
void fair_dump(struct vmsched_sched *s, struct seq_file *m);
#else
#define fair_dump NULL
#endif

#endif /* _VMSCHED_FAIR_H */
