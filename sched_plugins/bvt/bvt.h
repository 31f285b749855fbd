/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bvt: private types, shared by the policy logic (bvt.c), the module glue
 * (bvt_mod.c) and the simulator's tests. Nothing else includes this.
 */
#ifndef _VMSCHED_BVT_H
#define _VMSCHED_BVT_H

#include "vmsched_policy.h"

/* global parameters: index into vmsched_sched.params */
enum bvt_global_param {
	BVT_CTX_ALLOW,		/* context switch allowance C (ns) */
	BVT_SLICE,		/* longest grant (ns) */
	BVT_NR_GLOBAL_PARAMS,
};

/* per-VM parameters: index into vmsched_vm.params */
enum bvt_vm_param {
	BVT_WEIGHT,		/* share; virtual time advances as 1/weight */
	BVT_WARP,		/* run time a warped VM may borrow (ns) */
	BVT_WARP_LIMIT,		/* warped run time of one run before a forced unwarp (ns) */
	BVT_UNWARP_REQ,		/* unwarped time needed to warp again (ns) */
	BVT_NR_VM_PARAMS,
};

/* One per instance (vmsched_sched.priv). */
struct bvt_private {
	struct rb_root_cached runq;	/* VMs with queued vCPUs, by evt */
	struct vt_clock clock;		/* system virtual time SVT */
	u64 nr_queued;			/* queued vCPUs */
	u64 nr_picks;			/* grants handed out */
	u64 nr_preempts;		/* wake-ups that preempted a grant */
	u64 nr_limits;			/* warps ended by warp_limit */
	u64 nr_starve_picks;		/* grants the starvation guard made */
	struct list_head waiters;	/* queued vCPUs in queue order (guard) */
};

/* One per VM (vmsched_vm.data): the entity BVT schedules. */
struct bvt_vm {
	struct rb_node node;		/* in runq while it has queued vCPUs */
	struct list_head queue;		/* its queued vCPUs, FIFO */
	u64 avt;			/* actual virtual time A */
	u64 evt;			/* runq key: effective virtual time E */
	u64 warp_ran;			/* warped run time since the limit was armed */
	u64 warp_held;			/* slices of its warped grants in flight */
	u64 unwarped_at;		/* when warp_limit last unwarped it */
	u64 idle_epoch;			/* SVT's epoch when it last went idle */
	u32 vrem;			/* remainder of the avt division */
	u32 nr_active;			/* vCPUs queued or holding a grant */
	u32 nr_granted;			/* vCPUs holding a grant */
	bool warped;			/* E = A - warp right now */
	bool limited;			/* unwarped by warp_limit */
};

/* One per vCPU (vmsched_vcpu.data). */
struct bvt_vcpu {
	struct list_head link;		/* in its VM's queue while queued */
	struct vmsched_waiter wait;	/* in waiters while queued */
	u64 start;			/* when its current grant began */
	u64 slice;			/* length of its current grant */
	bool granted;			/* holds a grant this instance made */
	bool warped;			/* its current grant is a warped one */
};

static inline struct bvt_private *bvt_priv(const struct vmsched_sched *s)
{
	return s->priv;
}

static inline struct bvt_vm *bvt_vm(struct vmsched_vm *vm)
{
	return VMSCHED_DATA(struct bvt_vm, vm);
}

static inline struct vmsched_vm *bvt_vm_of(struct bvt_vm *bvm)
{
	return container_of((void *)bvm, struct vmsched_vm, data);
}

static inline struct bvt_vcpu *bvt_vcpu(struct vmsched_vcpu *v)
{
	return VMSCHED_DATA(struct bvt_vcpu, v);
}

static inline struct vmsched_vcpu *bvt_vcpu_of(struct bvt_vcpu *bv)
{
	return container_of((void *)bv, struct vmsched_vcpu, data);
}

extern struct vmsched_ops bvt_ops;

#ifdef __KERNEL__
void bvt_dump(struct vmsched_sched *s, struct seq_file *m);
#else
#define bvt_dump NULL
#endif

#endif /* _VMSCHED_BVT_H */
