/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every policy logic file includes: the plugin API, the environment it
 * runs in (the kernel, or the simulator in sched_plugins/sim/) and small
 * helpers shared by the policies (virtual time arithmetic).
 *
 * Policy logic files (bvt/bvt.c, rr/rr.c, fair/fair.c) include this header
 * and nothing else, so that the same source builds into the module and into
 * the simulator. Kernel-only glue (module init/exit, seq_file dumps) lives
 * in the *_mod.c files.
 */
#ifndef _VMSCHED_POLICY_H
#define _VMSCHED_POLICY_H

#ifdef __KERNEL__
#include <linux/bug.h>
#include <linux/build_bug.h>
#include <linux/container_of.h>
#include <linux/errno.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/time64.h>
#endif

#include "vmsched_plugin.h"

/*
 * Scheduling callbacks run under the core's scheduler lock with interrupts
 * off. The lock itself is private to the core; what a policy can check is
 * the interrupt state (the simulator checks that it is inside a callback).
 */
#ifdef __KERNEL__
#define vmsched_assert_sched_context()	lockdep_assert_irqs_disabled()
#else
#define vmsched_assert_sched_context()	sim_assert_sched_context()
#endif

/*
 * Virtual time
 * ------------
 * A VM of weight VT_WEIGHT_UNIT advances its virtual time by one unit per
 * nanosecond it runs; a VM of weight w by VT_WEIGHT_UNIT / w units. The
 * division remainder is carried per VM, so the sum of the advances equals
 * the run time scaled by the weight exactly, however short the slices.
 *
 * Virtual times are u64 and wrap: they are only ever compared through
 * vt_before(), which is correct as long as the values compared lie within
 * 2^63 of each other. Like INITIAL_JIFFIES, every instance starts its clock
 * at VT_ORIGIN, a few minutes of weight-1 run time before the wrap, so that
 * a comparison done without vt_before() breaks at once.
 *
 * A runnable VM's virtual time stays within a few slices of the system
 * virtual time (svt), or runs ahead of it slowly when the starvation guard
 * serves it against its weight. An idle VM's does not move while svt
 * does: by 256 units per ns that a VM of weight 1 runs, 2^63 in 417 days
 * on one slot (less with more slots), after which vt_before() would take
 * the sleeper for one far ahead. So svt lives in a struct vt_clock that
 * also counts its epochs (2^VT_EPOCH_SHIFT units each); a VM notes the
 * epoch when it goes idle, and vt_wake() raises it to svt on waking,
 * outright when two or more epochs have begun since: svt then moved more
 * than 2^61 units, past any VM that was less than that ahead of it when it
 * went idle (one the guard serves gets that far only after months of it).
 * vt_wake_credit() raises it to svt less a credit the policy allows (fair:
 * one slice at the VM's weight, at most 2^38 units), the same way.
 */
#define VT_WEIGHT_UNIT		256U
#define VT_ORIGIN		((u64)-(1ULL << 42))
#define VT_MAX_CHARGE_NS	(1ULL << 40)	/* ~18 min: no overflow below */
#define VT_EPOCH_SHIFT		61

/* a is earlier than b, modulo 2^64 */
static inline bool vt_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

static inline u64 vt_max(u64 a, u64 b)
{
	return vt_before(a, b) ? b : a;
}

static inline u64 vt_min(u64 a, u64 b)
{
	return vt_before(a, b) ? a : b;
}

/* virtual time worth @ns nanoseconds of run at @weight */
static inline u64 vt_from_ns(u64 ns, u32 weight)
{
	ns = min_t(u64, ns, VT_MAX_CHARGE_NS);
	return div_u64(ns * VT_WEIGHT_UNIT, weight);
}

/* run time at @weight that advances virtual time by @vt, at most @limit */
static inline u64 vt_to_ns(u64 vt, u32 weight, u64 limit)
{
	if (vt >= vt_from_ns(limit, weight))
		return limit;
	return div_u64(vt * weight, VT_WEIGHT_UNIT);
}

/* advance *@vt by @ran_ns at @weight, carrying the remainder in *@rem */
static inline void vt_charge(u64 *vt, u32 *rem, u64 ran_ns, u32 weight)
{
	u64 units;

	ran_ns = min_t(u64, ran_ns, VT_MAX_CHARGE_NS);
	units = ran_ns * VT_WEIGHT_UNIT + *rem;
	*vt += div_u64_rem(units, weight, rem);
}

/* the system virtual time of an instance */
struct vt_clock {
	u64 svt;		/* never decreases */
	u64 epoch;		/* multiples of 2^VT_EPOCH_SHIFT that svt passed */
};

static inline void vt_clock_init(struct vt_clock *c)
{
	c->svt = VT_ORIGIN;
	c->epoch = 0;
}

/* move svt forward to @vt if that is later, counting the epochs it passes */
static inline void vt_clock_advance(struct vt_clock *c, u64 vt)
{
	const u64 mask = (1ULL << VT_EPOCH_SHIFT) - 1;

	if (!vt_before(c->svt, vt))
		return;
	c->epoch += ((c->svt & mask) + (vt - c->svt)) >> VT_EPOCH_SHIFT;
	c->svt = vt;
}

/*
 * virtual time, on waking, of a VM that went idle with @vt at epoch @idle,
 * keeping at most @credit units (far below 2^61) of what it is behind svt
 */
static inline u64 vt_wake_credit(const struct vt_clock *c, u64 vt, u64 idle, u64 credit)
{
	u64 floor = c->svt - credit;

	if (c->epoch - idle > 1)
		return floor;
	return vt_max(vt, floor);
}

/* virtual time, on waking, of a VM that went idle with @vt at epoch @idle */
static inline u64 vt_wake(const struct vt_clock *c, u64 vt, u64 idle)
{
	return vt_wake_credit(c, vt, idle, 0);
}

/*
 * Pinned vCPUs
 * ------------
 * A free slot is the slot of one CPU, and a vCPU whose thread's affinity
 * leaves out some of the pool's CPUs may only be granted theirs
 * (vmsched_may_run()). A policy that keeps vCPUs in a FIFO grants the
 * first one that may run on the slot's CPU: the head when nothing is
 * pinned, so that case stays O(1); past the vCPUs ahead of it that are
 * pinned elsewhere otherwise.
 */
static inline struct vmsched_vcpu *__vmsched_first_may_run(struct list_head *head,
							   size_t offset, unsigned int cpu)
{
	struct vmsched_vcpu *v;
	struct list_head *pos;

	for (pos = head->next; pos != head; pos = pos->next) {
		v = container_of((void *)((char *)pos - offset), struct vmsched_vcpu, data);
		if (vmsched_may_run(v, cpu))
			return v;
	}
	return NULL;
}

/**
 * vmsched_first_may_run() - the first vCPU of a FIFO that may run on a CPU
 * @head: the FIFO, of the policy's per-vCPU data
 * @type: the type of that data (at vmsched_vcpu.data)
 * @member: the name of the list_head within @type
 * @cpu: the CPU of the free slot
 *
 * Return: the vCPU, left in the FIFO, or NULL if none may run on @cpu.
 */
#define vmsched_first_may_run(head, type, member, cpu)			\
	__vmsched_first_may_run(head, offsetof(type, member), cpu)

static inline struct vmsched_vcpu *
__vmsched_tree_first_may_run(struct rb_node *node, size_t node_offset, size_t queue_offset,
			     size_t link_offset, unsigned int cpu, const void *skip)
{
	struct vmsched_vcpu *v;
	char *vm;

	for (; node; node = rb_next(node)) {
		vm = (char *)node - node_offset;
		if (vm == skip)
			continue;
		v = __vmsched_first_may_run((struct list_head *)(vm + queue_offset),
					    link_offset, cpu);
		if (v)
			return v;
	}
	return NULL;
}

/**
 * vmsched_tree_first_may_run() - the first vCPU that may run on a CPU of
 * the first VM in a tree that has one
 * @tree: a struct rb_root_cached of the policy's per-VM data
 * @vm_type: the type of that data (at vmsched_vm.data)
 * @node_member: the name of its rb_node in @tree
 * @queue_member: the name of its FIFO of queued vCPUs
 * @vcpu_type: the type of the per-vCPU data in the FIFOs
 * @link_member: the name of the list_head within @vcpu_type
 * @cpu: the CPU of the free slot
 * @skip: a VM (per-VM data) to pass over, or NULL
 *
 * VMs are taken in tree order, and of the first with a vCPU that may run
 * on @cpu the first such vCPU of its FIFO: the head of the first VM when
 * nothing is pinned.
 *
 * Return: the vCPU, left in its FIFO, or NULL.
 */
#define vmsched_tree_first_may_run(tree, vm_type, node_member, queue_member,	\
				   vcpu_type, link_member, cpu, skip)		\
	__vmsched_tree_first_may_run(rb_first_cached(tree),			\
				     offsetof(vm_type, node_member),		\
				     offsetof(vm_type, queue_member),		\
				     offsetof(vcpu_type, link_member), cpu, skip)

/*
 * Starvation guard
 * ----------------
 * A share-based policy picks the VM furthest behind its share, so a VM of
 * weight 1 next to one of weight 65535 (both legal) would wait minutes for
 * its next slice: the VM looks hung, and the core's watchdog takes the
 * policy for a broken one. The guard bounds every wait: queued vCPUs are
 * also kept in the order they queued, and once the oldest has waited
 * vmsched_starve_after() (500 ms, or 32 slices if that is longer), pick_next
 * serves it before anything the share order prefers (and does not let that
 * pick move the system virtual time). A runnable vCPU thus gets a slice at
 * least that often, plus the slices of the vCPUs served before it: a floor
 * under tiny shares (weight ratios beyond about 30:1 per slot) that
 * ordinary weights never reach. vmsched_guarded_wait() is that bound, for
 * ops.max_wait.
 */
#define VMSCHED_STARVE_NS	(500 * NSEC_PER_MSEC)
#define VMSCHED_STARVE_SLICES	32

/* how long the oldest queued vCPU may wait before the guard serves it */
static inline u64 vmsched_starve_after(u64 slice)
{
	return max_t(u64, VMSCHED_STARVE_NS, VMSCHED_STARVE_SLICES * slice);
}

/* a queued vCPU in the guard's list, in the policy's per-vCPU data */
struct vmsched_waiter {
	struct list_head link;	/* in the instance's list while queued */
	struct vmsched_vcpu *v;	/* the vCPU */
	u64 since;		/* when it queued */
};

static inline void vmsched_waiter_init(struct vmsched_waiter *w)
{
	INIT_LIST_HEAD(&w->link);
}

static inline void vmsched_waiter_add(struct list_head *waiters, struct vmsched_waiter *w,
				      struct vmsched_vcpu *v, u64 now)
{
	w->v = v;
	w->since = now;
	list_add_tail(&w->link, waiters);
}

static inline void vmsched_waiter_del(struct vmsched_waiter *w)
{
	list_del_init(&w->link);
}

/*
 * the vCPU that waited longest of those that may run on @cpu, if it waited
 * long enough for the guard
 */
static inline struct vmsched_waiter *vmsched_waiter_due(struct list_head *waiters, u64 now,
							u64 slice, unsigned int cpu)
{
	struct vmsched_waiter *w;

	list_for_each_entry(w, waiters, link) {
		if (now - w->since < vmsched_starve_after(slice))
			return NULL;
		if (vmsched_may_run(w->v, cpu))
			return w;
	}
	return NULL;
}

/*
 * longest wait under the guard: until the guard serves the oldest, then
 * one slice per vCPU served first, and the slice in progress. All of them
 * may be pinned to the one CPU the waiter may use, so the slots of the
 * other CPUs do not shorten the bound.
 */
static inline u64 vmsched_guarded_wait(u64 nr_queued, u64 slice)
{
	return vmsched_starve_after(slice) + (nr_queued + 1) * slice;
}

#endif /* _VMSCHED_POLICY_H */
