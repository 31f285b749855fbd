/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rr: private types, shared by rr.c, rr_mod.c and the simulator's tests.
 */
#ifndef _VMSCHED_RR_H
#define _VMSCHED_RR_H

#include "vmsched_policy.h"

enum rr_global_param {
	RR_SLICE,		/* length of every grant (ns) */
	RR_NR_GLOBAL_PARAMS,
};

/* One per instance (vmsched_sched.priv). */
struct rr_private {
	struct list_head fifo;		/* queued vCPUs, head runs next */
	u64 nr_queued;			/* entries in fifo */
	u64 nr_picks;			/* grants handed out */
};

/* One per vCPU (vmsched_vcpu.data). */
struct rr_vcpu {
	struct list_head link;		/* in fifo while queued */
};

static inline struct rr_private *rr_priv(const struct vmsched_sched *s)
{
	return s->priv;
}

static inline struct rr_vcpu *rr_vcpu(struct vmsched_vcpu *v)
{
	return VMSCHED_DATA(struct rr_vcpu, v);
}

extern struct vmsched_ops rr_ops;

#ifdef __KERNEL__
void rr_dump(struct vmsched_sched *s, struct seq_file *m);
#else
#define rr_dump NULL
#endif

#endif /* _VMSCHED_RR_H */
