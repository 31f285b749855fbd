// SPDX-License-Identifier: GPL-2.0
/*
 * fair: proportional share between VMs, with caps and reservations, after
 * Xen's credit scheduler (weight, cap, BOOST) and VMware's
 * shares/limit/reservation.
 *
 * Design
 * ------
 * Shares belong to VMs. Each VM has a virtual time vt that advances while
 * any of its vCPUs runs, by the run time times VT_WEIGHT_UNIT / weight.
 * Queued vCPUs wait on a FIFO in their VM, so a VM's share is divided among
 * its runnable vCPUs in turn. VMs with queued vCPUs sit in a red-black tree
 * (runq) ordered by vt, and a free slot takes the first vCPU of the VM with
 * the lowest vt for one slice: over any interval in which they stay
 * runnable, VMs get CPU in proportion to their weights. An idle VM is in no
 * tree, so its share goes to the busy ones (work-conserving).
 *
 * System virtual time svt is the largest vt at which a VM was picked from
 * runq (the lowest vt in runq then, see pinned vCPUs below); it never
 * decreases. A VM's credit is how far its vt is behind svt:
 * run time at its weight that it is owed of its share. It is earned as svt
 * moves on, whether the VM runs, waits or sleeps, spent as the VM runs, and
 * capped at one slice of run at the VM's weight: a VM placed into runq,
 * whether it wakes from idle or is queued again, gets vt = max(vt, svt -
 * one slice at its weight) (fair_vt_floor()). So a sleeper keeps at most
 * one slice of credit, and a VM whose weight asks for more than a whole
 * slot banks no more than that of what it cannot use. Virtual times are
 * compared modulo 2^64 (vt_before()), right while they lie within 2^63 of
 * each other: an idle VM's vt falls behind svt without bound, so it notes
 * svt's epoch when it goes idle and wakes at the floor outright once two
 * epochs have begun since (vt_wake_credit()).
 *
 * Caps and reservations are token buckets in nanoseconds of run time,
 * refilled at pct/100 ns per ns of wall time and holding at most pct/100 of
 * one period (global parameter):
 * - cap: a grant is taken from the bucket when it is made (the slice is
 *   cut to what is left) and the difference to the actual run time is
 *   settled at charge, so concurrent grants of a multi-vCPU VM can never
 *   overdraw it. A VM whose bucket holds less than one grant's worth
 *   (min(slice, bucket size / 2)) goes to a second tree, capq, keyed by
 *   when it will hold enough, and is in no other tree until then: a cap
 *   holds even when the host is otherwise idle. When only capped VMs are
 *   queued, pick_next returns NULL with *slice_ns set to the time until
 *   the first of them may run again: a request to be asked again then (a
 *   core that does not honour it asks at its next enqueue or charge).
 * - reservation: every run of the VM (however it was picked) drains its
 *   bucket. While the bucket is positive the VM is owed CPU, and a third
 *   tree, rsvq, holds every queued VM with a reservation keyed by the time
 *   its bucket turns positive; a free slot serves the earliest owed VM
 *   before anything in runq. Unused reservation spills out of the full
 *   bucket and goes to the others. The sum of reservations is kept within
 *   100% per slot; a reservation above the VM's cap or above 100% per
 *   vCPU of the VM (more than its vCPUs can run) is refused. The vCPUs
 *   counted are those attached when the reservation is set: a VM whose
 *   vCPUs are still being found may have to ask again (vmsched apply -f
 *   does), one that gains vCPUs may then ask for more, and one that loses
 *   some keeps its reservation, still counted in the total so that they
 *   find it when they come back; meanwhile the part above 100% per vCPU
 *   changes nothing (at 100% per vCPU the VM is owed CPU whenever it can
 *   use it).
 *
 * Wake-up preemption follows Xen credit's BOOST, with the credit above in
 * place of Xen's credits. A vCPU that wakes while its VM has credit left
 * (vt before svt; Xen: UNDER) queues ahead of the VMs that have less, so
 * it is dispatched ahead at the next free slot; when every slot is taken
 * it preempts the grant of a VM further ahead of its share (Xen: a
 * BOOSTed vCPU preempts an UNDER or OVER one). A VM owed its reservation
 * preempts likewise (pick_next serves it before runq); a VM over its cap
 * (in capq) never does (Xen does not boost a parked vCPU). The bonus is
 * the credit, bounded by its cap: over any interval, a VM that is not owed
 * a reservation runs at most its share (svt's advance at its weight) plus
 * one slice of credit plus the grants it holds at the end, however often
 * it wakes: a wake-up earns nothing, the VM keeps what svt's advance
 * earned, up to the cap (Xen stops crediting a vCPU that holds more than
 * one time slice's worth, and a BOOST ends at the next accounting tick).
 * Unlike Xen there is no boost priority: the credit orders runq, and a
 * wake-up ends a grant only when the pick that follows grants the waker's
 * VM. fair_check_preempt() works that pick out before ending the grant, as
 * pick_next makes it (the starvation guard's due vCPU, the VM owed
 * longest, the lowest vt), with the victim's VM queued again charged
 * nothing more: the core charges it the CPU time it used, 0 or more, which
 * only moves its VM back in each of these orders, so the victim is never
 * granted again at once. Of the grants that qualify, it ends the one whose
 * VM, charged for the wall time of the grant so far, is furthest ahead.
 * Grants the starvation guard made are never ended.
 *
 * Starvation bound: the guard of vmsched_policy.h. A vCPU queued for
 * vmsched_starve_after(slice) is served before runq and rsvq, unless its VM
 * is over its cap (that wait ends when the bucket refills, within one
 * period), and no wake-up ends that grant. So every runnable vCPU gets a
 * slice within fair_max_wait(), whatever the weights: a VM of weight 1
 * next to one of 65535 gets about one slice per 500 ms (at slices up to
 * 15 ms) instead of 1/65536 of the CPU.
 *
 * Pinned vCPUs: a free slot is that of one CPU, and each of the steps
 * above (guard, rsvq, runq) takes the first VM that has a queued vCPU
 * that may run there, and of that VM the first such vCPU of its FIFO. svt
 * moves to the lowest vt in runq, the picked VM's unless VMs pinned
 * elsewhere come first: VMs pinned to CPUs with less demand run ahead of
 * it, and those sharing the busier CPUs keep their weights among
 * themselves instead of being held at the floor.
 *
 * Cost: enqueue, dequeue, pick and charge are O(log n) in the number of
 * VMs with queued vCPUs (plus O(log n) for each VM leaving capq);
 * check_preempt is O(log n) per slot. With pinned vCPUs queued, a pick
 * (and check_preempt, per slot) also passes over the waiters, VMs and
 * vCPUs pinned elsewhere that come first: O(number queued) at worst.
 *
 * Locking
 * -------
 * fair has no lock of its own. The core calls every scheduling and
 * attach/detach callback of an instance under its scheduler lock with
 * interrupts off (asserted with vmsched_assert_sched_context()), so the
 * trees, budgets and counters are touched by one CPU at a time. No callback
 * may sleep or allocate; init and exit run in process context without the
 * lock and are the only places that allocate or free. check_preempt is
 * called like the others, right after the waker's enqueue: it evaluates
 * the pick on a copy of one VM on the stack and changes nothing but what
 * pick_next would change at the same time (VMs whose cap bucket refilled
 * leave capq).
 *
 * TODO
 * ----
 * - A rate limit like Xen credit's ratelimit_us: a wake-up may end a grant
 *   that began a moment ago, each ending a VM exit for the victim.
 */
#include "fair.h"

#define FAIR_MIN_GRANT		VMSCHED_SLICE_MIN_NS	/* core's shortest slice */
#define FAIR_MAX_DEBT		((s64)(10 * NSEC_PER_SEC))	/* budget floor */
#define FAIR_MAX_REFILL_NS	(1ULL << 40)	/* refill at most this at once */

static inline u32 fair_weight(const struct vmsched_vm *vm)
{
	return (u32)vm->params[FAIR_WEIGHT];
}

/* the most credit a VM holds, in vt units: one slice of run at its weight */
static u64 fair_credit_max(const struct vmsched_sched *s, const struct vmsched_vm *vm)
{
	return vt_from_ns(s->params[FAIR_SLICE], fair_weight(vm));
}

/* the least vt of a queued VM: svt less the most credit it may hold */
static u64 fair_vt_floor(const struct vmsched_sched *s, const struct vmsched_vm *vm)
{
	return fair_priv(s)->clock.svt - fair_credit_max(s, vm);
}

static bool fair_vt_less(struct rb_node *a, const struct rb_node *b)
{
	return vt_before(rb_entry(a, struct fair_vm, node)->vt,
			 rb_entry(b, struct fair_vm, node)->vt);
}

static bool fair_cap_less(struct rb_node *a, const struct rb_node *b)
{
	return vt_before(rb_entry(a, struct fair_vm, node)->key,
			 rb_entry(b, struct fair_vm, node)->key);
}

static bool fair_rsv_less(struct rb_node *a, const struct rb_node *b)
{
	return vt_before(rb_entry(a, struct fair_vm, rsv_node)->key,
			 rb_entry(b, struct fair_vm, rsv_node)->key);
}

/* size of a bucket refilled at @pct percent: @pct of one period */
static s64 fair_bucket(const struct vmsched_sched *s, u64 pct)
{
	return div_u64(s->params[FAIR_PERIOD] * pct, 100);
}

/* wall time a bucket refilled at @pct takes to gain @ns, rounded up */
static u64 fair_time_for(u64 ns, u64 pct)
{
	return div_u64(ns * 100 + pct - 1, (u32)pct);
}

/* least a capped VM must have in its bucket to be granted */
static s64 fair_cap_min(const struct vmsched_sched *s, u64 cap)
{
	s64 min_grant = min_t(s64, s->params[FAIR_SLICE], fair_bucket(s, cap) / 2);

	return max_t(s64, min_grant, FAIR_MIN_GRANT);
}

static s64 fair_fill(s64 budget, u64 dt, u64 pct, s64 bucket)
{
	return min_t(s64, budget + div_u64(dt * pct, 100), bucket);
}

static void fair_refill(const struct vmsched_sched *s, struct vmsched_vm *vm,
			struct fair_vm *fvm, u64 now)
{
	u64 cap = vm->params[FAIR_CAP], rsv = vm->params[FAIR_RESERVATION];
	u64 dt = 0;

	if (vt_before(fvm->stamp, now)) {
		dt = min_t(u64, now - fvm->stamp, FAIR_MAX_REFILL_NS);
		fvm->stamp = now;
	}
	if (cap)
		fvm->cap_budget = fair_fill(fvm->cap_budget, dt, cap,
					    fair_bucket(s, cap));
	if (rsv)
		fvm->rsv_budget = fair_fill(fvm->rsv_budget, dt, rsv,
					    fair_bucket(s, rsv));
}

/* when the reservation bucket of @fvm turns (or turned) positive */
static u64 fair_owed_from(const struct fair_vm *fvm, u64 rsv)
{
	if (fvm->rsv_budget > 0)
		return fvm->stamp - fair_time_for(fvm->rsv_budget, rsv);
	return fvm->stamp + fair_time_for(1 - fvm->rsv_budget, rsv);
}

/* put a VM with queued vCPUs into capq, or into runq (and rsvq) */
static void fair_place(struct vmsched_sched *s, struct vmsched_vm *vm,
		       struct fair_vm *fvm, u64 now)
{
	struct fair_private *prv = fair_priv(s);
	u64 cap = vm->params[FAIR_CAP], rsv = vm->params[FAIR_RESERVATION];
	s64 need;

	fair_refill(s, vm, fvm, now);
	need = cap ? fair_cap_min(s, cap) - fvm->cap_budget : 0;
	if (need > 0) {
		fvm->key = fvm->stamp + fair_time_for(need, cap);
		rb_add_cached(&fvm->node, &prv->capq, fair_cap_less);
		fvm->where = FAIR_CAPQ;
		prv->nr_throttles++;
		return;
	}
	fvm->vt = vt_max(fvm->vt, fair_vt_floor(s, vm));
	rb_add_cached(&fvm->node, &prv->runq, fair_vt_less);
	fvm->where = FAIR_RUNQ;
	if (rsv) {
		fvm->key = fair_owed_from(fvm, rsv);
		rb_add_cached(&fvm->rsv_node, &prv->rsvq, fair_rsv_less);
	}
}

static void fair_unplace(struct fair_private *prv, struct fair_vm *fvm)
{
	if (fvm->where == FAIR_RUNQ)
		rb_erase_cached(&fvm->node, &prv->runq);
	else if (fvm->where == FAIR_CAPQ)
		rb_erase_cached(&fvm->node, &prv->capq);
	if (!RB_EMPTY_NODE(&fvm->rsv_node)) {
		rb_erase_cached(&fvm->rsv_node, &prv->rsvq);
		RB_CLEAR_NODE(&fvm->rsv_node);
	}
	fvm->where = FAIR_IDLE;
}

/* budgets or parameters of a placed VM changed: place it again */
static void fair_replace(struct vmsched_sched *s, struct vmsched_vm *vm,
			 struct fair_vm *fvm, u64 now)
{
	if (fvm->where == FAIR_IDLE)
		return;
	fair_unplace(fair_priv(s), fvm);
	fair_place(s, vm, fvm, now);
}

/* move the VMs whose cap bucket has refilled from capq to runq */
static void fair_unthrottle(struct vmsched_sched *s, u64 now)
{
	struct fair_private *prv = fair_priv(s);
	struct rb_node *node;
	struct fair_vm *fvm;

	while ((node = rb_first_cached(&prv->capq))) {
		fvm = rb_entry(node, struct fair_vm, node);
		if (vt_before(now, fvm->key))
			break;
		fair_replace(s, fair_vm_of(fvm), fvm, now);
	}
}

/* one vCPU of the VM stopped being queued or granted */
static void fair_vm_put(struct fair_private *prv, struct fair_vm *fvm)
{
	if (WARN_ON_ONCE(!fvm->nr_active))
		return;
	if (!--fvm->nr_active)
		fvm->idle_epoch = prv->clock.epoch;
}

/**
 * fair_enqueue() - a vCPU became runnable: queue it behind its VM's others
 * @s: instance
 * @v: the vCPU, neither queued nor granted
 * @now: current time (ns)
 * @flags: VMSCHED_ENQ_WAKEUP or VMSCHED_ENQ_PREEMPTED
 *
 * A VM that wakes from idle has its virtual time raised to svt less the
 * credit it may keep (one slice at its weight). A VM that had nothing
 * queued is placed into runq or, over its cap, capq.
 */
static void fair_enqueue(struct vmsched_sched *s, struct vmsched_vcpu *v,
			 u64 now, unsigned int flags)
{
	struct fair_private *prv = fair_priv(s);
	struct vmsched_vm *vm = v->vm;
	struct fair_vm *fvm = fair_vm(vm);

	vmsched_assert_sched_context();
	if (fvm->nr_active++ == 0 && (flags & VMSCHED_ENQ_WAKEUP))
		fvm->vt = vt_wake_credit(&prv->clock, fvm->vt, fvm->idle_epoch,
					 fair_credit_max(s, vm));
	list_add_tail(&fair_vcpu(v)->link, &fvm->queue);
	vmsched_waiter_add(&prv->waiters, &fair_vcpu(v)->wait, v, now);
	prv->nr_queued++;
	if (fvm->where == FAIR_IDLE)
		fair_place(s, vm, fvm, now);
}

/**
 * fair_dequeue() - a queued vCPU leaves the queue without being picked
 * @s: instance
 * @v: the vCPU, queued
 * @now: current time (unused)
 */
static void fair_dequeue(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 now)
{
	struct fair_vm *fvm = fair_vm(v->vm);

	vmsched_assert_sched_context();
	list_del_init(&fair_vcpu(v)->link);
	vmsched_waiter_del(&fair_vcpu(v)->wait);
	fair_priv(s)->nr_queued--;
	if (list_empty(&fvm->queue))
		fair_unplace(fair_priv(s), fvm);
	fair_vm_put(fair_priv(s), fvm);
}

/* the slice of a new grant of @kind; a capped VM pays for it up front */
static u64 fair_grant(const struct vmsched_sched *s, struct vmsched_vm *vm,
		      struct fair_vm *fvm, struct fair_vcpu *fv,
		      enum fair_grant_kind kind, u64 now)
{
	u64 slice = s->params[FAIR_SLICE];

	fv->start = now;
	fv->grant = kind;
	fv->granted = 0;
	if (vm->params[FAIR_CAP]) {
		slice = min_t(u64, slice, max_t(s64, fvm->cap_budget,
						FAIR_MIN_GRANT));
		fvm->cap_budget -= slice;
		fv->granted = slice;
	}
	return slice;
}

/* nothing may run: ask to be polled again when the first capped VM may */
static struct vmsched_vcpu *fair_idle(struct fair_private *prv, u64 now,
				      u64 *slice_ns)
{
	struct rb_node *node = rb_first_cached(&prv->capq);

	if (node) {
		*slice_ns = rb_entry(node, struct fair_vm, node)->key - now;
		prv->nr_idle++;
	}
	return NULL;
}

/* the VM of queued vCPU @fv */
static struct fair_vm *fair_vm_of_vcpu(struct fair_vcpu *fv)
{
	return fair_vm(fair_vcpu_of(fv)->vm);
}

/* the vCPU the starvation guard serves now on @cpu, or NULL */
static struct fair_vcpu *fair_starving(struct vmsched_sched *s, struct fair_private *prv,
				       u64 now, unsigned int cpu)
{
	struct vmsched_waiter *w;
	struct fair_vcpu *fv;

	w = vmsched_waiter_due(&prv->waiters, now, s->params[FAIR_SLICE], cpu);
	if (!w)
		return NULL;
	fv = fair_vcpu(w->v);
	/* over its cap: it waits for its bucket, not for its share */
	return fair_vm_of_vcpu(fv)->where == FAIR_RUNQ ? fv : NULL;
}

/*
 * the first vCPU that may run on @cpu of the VM owed its reservation
 * longest of those that have one, at @now; VM @skip left out; or NULL
 */
static struct fair_vcpu *fair_owed(struct fair_private *prv, u64 now, unsigned int cpu,
				   const struct fair_vm *skip)
{
	struct vmsched_vcpu *v;

	v = vmsched_tree_first_may_run(&prv->rsvq, struct fair_vm, rsv_node, queue,
				       struct fair_vcpu, link, cpu, skip);
	/* rsvq is in key order: no VM after this one is owed either */
	if (!v || vt_before(now, fair_vm(v->vm)->key))
		return NULL;
	return fair_vcpu(v);
}

/*
 * the first vCPU that may run on @cpu of the VM with the lowest vt of those
 * that have one; VM @skip left out; or NULL
 */
static struct fair_vcpu *fair_lowest(struct fair_private *prv, unsigned int cpu,
				     const struct fair_vm *skip)
{
	struct vmsched_vcpu *v;

	v = vmsched_tree_first_may_run(&prv->runq, struct fair_vm, node, queue,
				       struct fair_vcpu, link, cpu, skip);
	return v ? fair_vcpu(v) : NULL;
}

/**
 * fair_pick_next() - grant a starving vCPU, else one of the owed VM, else
 * one of the VM with the lowest vt; each the first that may run on @cpu
 * @s: instance
 * @cpu: the CPU whose slot is free
 * @now: current time (ns)
 * @slice_ns: out: how long it may run; with NULL, when to ask again
 *
 * Return: the vCPU, removed from the queue, or NULL when nothing may run
 * on @cpu (then *@slice_ns is 0, or the time until a capped VM may run
 * again).
 */
static struct vmsched_vcpu *fair_pick_next(struct vmsched_sched *s, unsigned int cpu,
					   u64 now, u64 *slice_ns)
{
	struct fair_private *prv = fair_priv(s);
	enum fair_grant_kind kind = FAIR_SHARE_GRANT;
	struct fair_vcpu *fv;
	struct fair_vm *fvm;

	vmsched_assert_sched_context();
	fair_unthrottle(s, now);
	fv = fair_starving(s, prv, now, cpu);
	if (fv) {
		/* svt is left alone */
		prv->nr_starve_picks++;
		kind = FAIR_GUARD_GRANT;
	} else if ((fv = fair_owed(prv, now, cpu, NULL))) {
		prv->nr_rsv_picks++;
		kind = FAIR_RSV_GRANT;
	} else {
		fv = fair_lowest(prv, cpu, NULL);
		if (!fv)
			return fair_idle(prv, now, slice_ns);
		/* the lowest vt in runq: VMs ahead of fv's may be pinned elsewhere */
		vt_clock_advance(&prv->clock, rb_entry(rb_first_cached(&prv->runq),
						       struct fair_vm, node)->vt);
	}
	fvm = fair_vm_of_vcpu(fv);
	list_del_init(&fv->link);
	vmsched_waiter_del(&fv->wait);
	prv->nr_queued--;
	fair_unplace(prv, fvm);
	*slice_ns = fair_grant(s, fair_vm_of(fvm), fvm, fv, kind, now);
	if (!list_empty(&fvm->queue))
		fair_place(s, fair_vm_of(fvm), fvm, now);
	prv->nr_picks++;
	return fair_vcpu_of(fv);
}

/**
 * fair_charge() - account what a vCPU ran to its VM
 * @s: instance
 * @v: the vCPU whose grant ended
 * @ran_ns: how long it held the grant
 * @now: current time (ns)
 *
 * Advances vt, settles the cap bucket against what was taken at the grant
 * and drains the reservation bucket.
 */
static void fair_charge(struct vmsched_sched *s, struct vmsched_vcpu *v,
			u64 ran_ns, u64 now)
{
	struct vmsched_vm *vm = v->vm;
	struct fair_vm *fvm = fair_vm(vm);
	struct fair_vcpu *fv = fair_vcpu(v);
	u64 cap = vm->params[FAIR_CAP];

	vmsched_assert_sched_context();
	ran_ns = min_t(u64, ran_ns, VT_MAX_CHARGE_NS);
	vt_charge(&fvm->vt, &fvm->vrem, ran_ns, fair_weight(vm));
	fair_refill(s, vm, fvm, now);
	if (cap) {
		fvm->cap_budget += (s64)fv->granted - (s64)ran_ns;
		fvm->cap_budget = clamp_t(s64, fvm->cap_budget, -FAIR_MAX_DEBT,
					  fair_bucket(s, cap));
	}
	if (vm->params[FAIR_RESERVATION])
		fvm->rsv_budget = max_t(s64, fvm->rsv_budget - (s64)ran_ns,
					-FAIR_MAX_DEBT);
	fv->granted = 0;
	fv->grant = FAIR_NO_GRANT;
	fair_vm_put(fair_priv(s), fvm);
	fair_replace(s, vm, fvm, now);
}

/* has the waker's VM @fvm credit left (used less than its share), or is it owed? */
static bool fair_may_preempt(const struct fair_private *prv, const struct fair_vm *fvm,
			     u64 now)
{
	if (fvm->where != FAIR_RUNQ)
		return false;
	if (vt_before(fvm->vt, prv->clock.svt))
		return true;
	return !RB_EMPTY_NODE(&fvm->rsv_node) && !vt_before(now, fvm->key);
}

/*
 * from when VM @vm (of granted @r) would be owed its reservation, were it
 * queued again with @r's grant charged nothing; false if it has none
 */
static bool fair_owed_if_requeued(const struct vmsched_sched *s, struct vmsched_vm *vm,
				  u64 now, u64 *key)
{
	u64 rsv = vm->params[FAIR_RESERVATION];
	struct fair_vm after;

	if (!rsv)
		return false;
	after = *fair_vm(vm);
	fair_refill(s, vm, &after, now);
	*key = fair_owed_from(&after, rsv);
	return true;
}

/*
 * Would pick_next for @cpu at @now grant @wvm (queued, in runq) first,
 * were a grant of @vm on @cpu ended and @vm queued again, charged nothing
 * for it? Mirrors pick_next: the starvation guard, then the VM owed
 * longest, then the lowest vt, each among the VMs with a vCPU that may
 * run on @cpu (@vm has one: the vCPU whose grant ends); @vm goes in behind
 * VMs with the same key. A charge (0 or more) only moves @vm back in each
 * order, so the answer holds for it.
 */
static bool fair_picks_first(struct vmsched_sched *s, struct fair_vm *wvm,
			     struct vmsched_vm *vm, u64 now, unsigned int cpu)
{
	struct fair_private *prv = fair_priv(s);
	struct fair_vm *vfvm = fair_vm(vm), *head = NULL;
	struct vmsched_waiter *w;
	struct fair_vcpu *fv;
	u64 key;

	w = vmsched_waiter_due(&prv->waiters, now, s->params[FAIR_SLICE], cpu);
	if (w) {
		head = fair_vm(w->v->vm);
		if (head == wvm)
			return true;
		/* @vm may leave capq when charged nothing: count it as queued */
		if (head == vfvm || head->where == FAIR_RUNQ)
			return false;
		head = NULL;
	}
	fv = fair_owed(prv, now, cpu, vfvm);
	if (fv)
		head = fair_vm_of_vcpu(fv);
	if (fair_owed_if_requeued(s, vm, now, &key) && !vt_before(now, key) &&
	    (!head || vt_before(key, head->key)))
		return false;
	if (head)
		return head == wvm;
	fv = fair_lowest(prv, cpu, vfvm);
	return fv && fair_vm_of_vcpu(fv) == wvm &&
	       !vt_before(vt_max(vfvm->vt, fair_vt_floor(s, vm)), wvm->vt);
}

/* vt of granted @r's VM charged for the wall time of @r's grant so far */
static u64 fair_vt_so_far(struct vmsched_vcpu *r, u64 now)
{
	const struct fair_vcpu *fv = fair_vcpu(r);
	u64 vt = fair_vm(r->vm)->vt;

	if (fv->grant == FAIR_NO_GRANT)
		return vt;
	return vt + vt_from_ns(now - fv->start, fair_weight(r->vm));
}

/**
 * fair_check_preempt() - should a wake-up end one of the running grants?
 * @s: instance
 * @woken: the vCPU just enqueued with VMSCHED_ENQ_WAKEUP
 * @running: the granted vCPUs on the CPUs @woken may run on
 * @nr_running: entries in @running
 * @now: current time (ns)
 *
 * Only a waker whose VM has credit left (vt before svt) or is owed its
 * reservation preempts, not one over its cap. A grant of another VM is
 * ended only if @woken may run on its CPU and pick_next for that CPU would
 * then grant the waker's VM, the grant's own VM queued again charged
 * nothing more (fair_picks_first()), and never a grant the starvation
 * guard made. Of those that qualify, the one whose
 * VM, charged for the wall time of the grant so far, is furthest ahead
 * (most over its share) is ended. A grant adopted from the previous
 * policy at a swap counts at its VM's vt as it is.
 *
 * Return: the vCPU to preempt, or NULL.
 */
static struct vmsched_vcpu *fair_check_preempt(struct vmsched_sched *s,
					       struct vmsched_vcpu *woken,
					       struct vmsched_vcpu **running,
					       unsigned int nr_running, u64 now)
{
	struct fair_private *prv = fair_priv(s);
	struct fair_vm *wvm = fair_vm(woken->vm);
	struct vmsched_vcpu *victim = NULL;
	u64 vt, ahead = 0;
	unsigned int i;

	vmsched_assert_sched_context();
	/* what pick_next does first, at the same time */
	fair_unthrottle(s, now);
	if (!fair_may_preempt(prv, wvm, now))
		return NULL;
	for (i = 0; i < nr_running; i++) {
		struct vmsched_vcpu *r = running[i];

		if (r->vm == woken->vm || fair_vcpu(r)->grant == FAIR_GUARD_GRANT)
			continue;
		if (r->cpu < 0 || !vmsched_may_run(woken, r->cpu))
			continue;
		if (!fair_picks_first(s, wvm, r->vm, now, r->cpu))
			continue;
		vt = fair_vt_so_far(r, now);
		if (!victim || vt_before(ahead, vt)) {
			victim = r;
			ahead = vt;
		}
	}
	if (victim)
		prv->nr_preempts++;
	return victim;
}

/**
 * fair_max_wait() - the longest a runnable vCPU waits now
 * @s: instance
 *
 * Return: the guard's bound, plus one period for a VM over its cap.
 */
static u64 fair_max_wait(struct vmsched_sched *s)
{
	return vmsched_guarded_wait(fair_priv(s)->nr_queued, s->params[FAIR_SLICE]) +
	       s->params[FAIR_PERIOD];
}

static void fair_vm_attach(struct vmsched_sched *s, struct vmsched_vm *vm,
			   u64 now)
{
	struct fair_private *prv = fair_priv(s);
	struct fair_vm *fvm = fair_vm(vm);

	vmsched_assert_sched_context();
	RB_CLEAR_NODE(&fvm->node);
	RB_CLEAR_NODE(&fvm->rsv_node);
	INIT_LIST_HEAD(&fvm->queue);
	fvm->vt = prv->clock.svt;
	fvm->idle_epoch = prv->clock.epoch;
	fvm->stamp = now;
	fvm->cap_budget = fair_bucket(s, vm->params[FAIR_CAP]);
	fvm->rsv = (u32)vm->params[FAIR_RESERVATION];
	prv->rsv_total += fvm->rsv;
}

static void fair_vm_detach(struct vmsched_sched *s, struct vmsched_vm *vm)
{
	struct fair_vm *fvm = fair_vm(vm);

	vmsched_assert_sched_context();
	WARN_ON_ONCE(fvm->where != FAIR_IDLE || fvm->nr_active);
	fair_priv(s)->rsv_total -= fvm->rsv;
}

static void fair_vcpu_attach(struct vmsched_sched *s, struct vmsched_vcpu *v,
			     u64 now)
{
	vmsched_assert_sched_context();
	INIT_LIST_HEAD(&fair_vcpu(v)->link);
	vmsched_waiter_init(&fair_vcpu(v)->wait);
}

static void fair_vcpu_detach(struct vmsched_sched *s, struct vmsched_vcpu *v)
{
	vmsched_assert_sched_context();
	WARN_ON_ONCE(!list_empty(&fair_vcpu(v)->link));
}

/*
 * combinations the ranges cannot express; raising the total is refused,
 * and a new reservation must fit the VM's vCPUs (an old one is kept)
 */
static int fair_check_vm(const struct vmsched_sched *s,
			 const struct vmsched_vm *vm, const struct fair_vm *fvm)
{
	u64 cap = vm->params[FAIR_CAP], rsv = vm->params[FAIR_RESERVATION];
	u64 total = fair_priv(s)->rsv_total - fvm->rsv + rsv;

	if (cap && rsv > cap)
		return -EINVAL;
	if (rsv != fvm->rsv && rsv > 100ULL * vm->nr_vcpus)
		return -EINVAL;
	if (rsv > fvm->rsv && total > 100ULL * s->nr_slots)
		return -ENOSPC;
	return 0;
}

/**
 * fair_param_changed() - apply a parameter the core has stored
 * @s: instance
 * @scope: enum vmsched_param_scope
 * @vm: the VM for VM parameters, else NULL
 * @v: always NULL (fair has no vCPU parameters)
 *
 * Budgets are trimmed to the new bucket sizes and a queued VM is placed
 * again (it may move between runq and capq); vt is kept.
 *
 * Return: 0; -EINVAL for a reservation above the cap or a new one above
 * 100% per vCPU of the VM; -ENOSPC when the reservations would exceed 100%
 * per slot.
 */
static int fair_param_changed(struct vmsched_sched *s, u32 scope,
			      struct vmsched_vm *vm, struct vmsched_vcpu *v)
{
	struct fair_vm *fvm;
	int ret;

	vmsched_assert_sched_context();
	if (scope != VMSCHED_SCOPE_VM || !vm)
		return 0;
	fvm = fair_vm(vm);
	ret = fair_check_vm(s, vm, fvm);
	if (ret)
		return ret;
	fair_priv(s)->rsv_total += vm->params[FAIR_RESERVATION] - fvm->rsv;
	fvm->rsv = (u32)vm->params[FAIR_RESERVATION];
	/* no time passes: refill at the last stamp only trims the budgets */
	fair_refill(s, vm, fvm, fvm->stamp);
	fair_replace(s, vm, fvm, fvm->stamp);
	return 0;
}

static int fair_init(struct vmsched_sched *s)
{
	struct fair_private *prv = kzalloc(sizeof(*prv), GFP_KERNEL);

	if (!prv)
		return -ENOMEM;
	prv->runq = RB_ROOT_CACHED;
	prv->rsvq = RB_ROOT_CACHED;
	prv->capq = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&prv->waiters);
	vt_clock_init(&prv->clock);
	s->priv = prv;
	return 0;
}

static void fair_exit(struct vmsched_sched *s)
{
	kfree(s->priv);
	s->priv = NULL;
}

static const struct vmsched_param_desc fair_params[] = {
	/* global, in enum fair_global_param order */
	{ .name = "slice", .scope = VMSCHED_SCOPE_GLOBAL,
	  .help = "longest grant",
	  .unit = VMSCHED_UNIT_NS, .min = 100 * NSEC_PER_USEC,
	  .max = NSEC_PER_SEC, .def = 10 * NSEC_PER_MSEC },
	{ .name = "period", .scope = VMSCHED_SCOPE_GLOBAL,
	  .help = "window of caps and reservations: most that can be banked",
	  .unit = VMSCHED_UNIT_NS, .min = NSEC_PER_MSEC,
	  .max = NSEC_PER_SEC, .def = 100 * NSEC_PER_MSEC },
	/* per VM, in enum fair_vm_param order */
	{ .name = "weight", .scope = VMSCHED_SCOPE_VM,
	  .help = "share relative to other VMs, divided among its busy vCPUs",
	  .unit = VMSCHED_UNIT_NONE, .min = 1, .max = 65535, .def = 256 },
	{ .name = "cap", .scope = VMSCHED_SCOPE_VM,
	  .help = "most CPU it may use, even on an idle host (0: no cap)",
	  .unit = VMSCHED_UNIT_PERCENT, .min = 0, .max = 409600, .def = 0 },
	{ .name = "reservation", .scope = VMSCHED_SCOPE_VM,
	  .help = "CPU guaranteed when it wants it, <= 100% per vCPU; unused goes to others",
	  .unit = VMSCHED_UNIT_PERCENT, .min = 0, .max = 409600, .def = 0 },
};

/**
 * DOC: fair_ops
 *
 * Required scheduling callbacks: fair_enqueue(), fair_dequeue(),
 * fair_pick_next(), fair_charge(); fair_check_preempt() lets a waker with
 * credit left or a reservation owed end the grant of a VM further ahead
 * of its share, only when the next pick grants the waker's VM; max_wait
 * declares the guard's bound. Attach starts a VM at svt with a full cap
 * bucket and counts its reservation; param_changed enforces the
 * combinations the ranges cannot. init and exit allocate and free struct
 * fair_private; dump is module glue (fair_mod.c).
 */
struct vmsched_ops fair_ops = {
	.enqueue	= fair_enqueue,
	.dequeue	= fair_dequeue,
	.pick_next	= fair_pick_next,
	.charge		= fair_charge,
	.check_preempt	= fair_check_preempt,
	.max_wait	= fair_max_wait,
	.vm_attach	= fair_vm_attach,
	.vm_detach	= fair_vm_detach,
	.vcpu_attach	= fair_vcpu_attach,
	.vcpu_detach	= fair_vcpu_detach,
	.param_changed	= fair_param_changed,
	.init		= fair_init,
	.exit		= fair_exit,
	.dump		= fair_dump,
	.params		= fair_params,
	.nr_params	= ARRAY_SIZE(fair_params),
	.vcpu_data_size	= sizeof(struct fair_vcpu),
	.vm_data_size	= sizeof(struct fair_vm),
	.name		= "fair",
	.description	= "proportional share per VM with caps and reservations",
	.owner		= THIS_MODULE,
};
