// SPDX-License-Identifier: GPL-2.0
/*
 * bvt: Borrowed Virtual Time for vCPUs, after Duda & Cheriton (SOSP 1999)
 * and Xen's sched_bvt.c.
 *
 * Design
 * ------
 * The entity BVT schedules is the VM. Each VM has an actual virtual time A
 * that advances while any of its vCPUs runs, by the run time times
 * VT_WEIGHT_UNIT / weight, so that over a long run VMs get CPU in proportion
 * to their weights. Its effective virtual time E is A, or A - warp while the
 * VM is warped: a latency-sensitive VM borrows against its future share to
 * be dispatched ahead of the others, without getting more in the long run
 * (its A still advances by everything it runs).
 *
 * Queued vCPUs wait on a FIFO in their VM; VMs with queued vCPUs sit in
 * one red-black tree ordered by E. A free slot takes the first vCPU of the
 * VM with the lowest E. Its slice lets it run until its E passes the next
 * VM's E by the context switch allowance C, i.e. (E_next - E) * weight /
 * VT_WEIGHT_UNIT + C, bounded by the global slice. When a vCPU wakes up
 * while every slot is taken, the grant of another VM is ended if, charged
 * for it so far, that VM's E would not be below the E of the VM heading
 * the tree (the waker's, or one queued before it): BVT switches to that
 * VM within C from now, and policies cannot arm timers, so the switch is
 * made at the wake-up, up to C early, and the pick that follows never
 * grants the victim's VM again. A warped waker is thus dispatched at once.
 * A waker whose E is above every running VM's E now waits for a grant to
 * end: BVT would switch once one of them passes it by C, but with no timer
 * to arm that switch comes at the end of a grant, up to a slice late.
 *
 * System virtual time SVT approximates the smallest A of runnable VMs: it is
 * the largest E at which a VM was picked (the lowest E in the tree then,
 * never above the A of any queued VM) and it never decreases. A VM that wakes from idle gets A = max(A,
 * SVT), so sleeping earns no credit; a VM that is queued again without
 * having slept (its vCPU was preempted, or it held a slot all along because
 * its weight exceeded what one slot gives) is kept within C of SVT.
 *
 * Warping, as in Xen's BVT: warp_limit bounds one run of a warped VM, not
 * the sum of its runs. The limit is armed when the VM is dispatched (one
 * of its vCPUs is granted while none holds a grant) and cancelled when it
 * is descheduled (its last grant ends); a VM whose warped run time in one
 * run reaches warp_limit is unwarped, stays so for unwarp_req (wall time,
 * idle or running unwarped) and then warps again, the limit armed afresh.
 * So a VM that wakes often for short bursts keeps its warp for good, and
 * one that spins warped is unwarped once per warp_limit of run. Each grant
 * is warped or not as its VM was when it was made. The warped grants a VM
 * holds count against the limit at their whole slices until they end and
 * are settled against what they ran, so that its vCPUs cannot together
 * run past warp_limit: the slice of a warped grant ends where the run's
 * warped time, grants in flight included, would reach the limit, and a
 * VM with less than the shortest slice (10 us) of it left queues unwarped
 * (a run that ends that close to the limit has reached it). Warp state
 * changes only when the VM is charged, granted, (re)inserted into the
 * tree or given new parameters; the end of unwarp_req is noticed at its
 * next charge or insertion.
 *
 * Virtual times are u64 compared modulo 2^64 (vt_before()), which holds
 * while the values compared lie within 2^63: the A of a VM with active
 * vCPUs stays within a few slices of SVT. An idle VM's A falls behind
 * without bound; the VM notes SVT's epoch when it goes idle, and wakes
 * with A = SVT outright once two epochs have begun since (vt_wake()): SVT
 * moving 2^63 units on while it sleeps (417 days next to a VM of weight 1
 * on one slot) does not make it look far in the future.
 *
 * Starvation bound: the guard of vmsched_policy.h. A vCPU queued for
 * vmsched_starve_after(slice) is served first, with the slice BVT gives a VM ahead
 * of the lowest E (the allowance C, or less), and SVT does not move; so
 * every runnable vCPU gets a slice within bvt_max_wait() whatever the
 * weights and warps.
 *
 * Pinned vCPUs: a free slot is that of one CPU; the guard serves the
 * oldest due waiter that may run there, else the slot takes the VM with
 * the lowest E of those that have a queued vCPU that may run there, and of
 * its FIFO the first such vCPU. SVT moves to the lowest E in the tree,
 * the picked VM's unless VMs pinned elsewhere come first, so VMs pinned
 * to less busy CPUs run ahead of SVT instead of holding the others at the
 * floor. The VM a grant competes with (its slice) is still the lowest E
 * but its own, wherever that one may run. check_preempt weighs a grant
 * against the VMs that may run on its CPU.
 *
 * Cost: enqueue, dequeue, pick and charge are O(log n) in the number of VMs
 * with queued vCPUs; check_preempt is O(number of slots). With pinned
 * vCPUs queued, a pick (and check_preempt, per slot) also passes over the
 * waiters, VMs and vCPUs pinned elsewhere that come first: O(number
 * queued) at worst.
 *
 * Locking
 * -------
 * BVT has no lock of its own. The core calls every scheduling and
 * attach/detach callback of an instance under its scheduler lock with
 * interrupts off (asserted with vmsched_assert_sched_context()), so all of
 * bvt_private, bvt_vm and bvt_vcpu are only ever touched by one CPU at a
 * time. No callback may sleep or allocate; init and exit run in process
 * context without the lock and are the only places that allocate or free.
 *
 * TODO
 * ----
 * - Preempt exactly at the point BVT would switch, if the core offers a
 *   "shorten this grant to end at T" answer to check_preempt.
 */
#include "bvt.h"

static inline u32 bvt_weight(const struct vmsched_vm *vm)
{
	return (u32)vm->params[BVT_WEIGHT];
}

static inline bool bvt_vm_queued(const struct bvt_vm *bvm)
{
	return !RB_EMPTY_NODE(&bvm->node);
}

static bool bvt_evt_less(struct rb_node *a, const struct rb_node *b)
{
	return vt_before(rb_entry(a, struct bvt_vm, node)->evt,
			 rb_entry(b, struct bvt_vm, node)->evt);
}

/* E of @vm now, from A and the warp state */
static u64 bvt_evt(const struct vmsched_vm *vm, const struct bvt_vm *bvm)
{
	if (!bvm->warped)
		return bvm->avt;
	return bvm->avt - vt_from_ns(vm->params[BVT_WARP], bvt_weight(vm));
}

/* @vm may warp: not unwarped by the limit, and room for a warped grant */
static bool bvt_can_warp(const struct vmsched_vm *vm, const struct bvt_vm *bvm)
{
	return vm->params[BVT_WARP] && !bvm->limited &&
	       bvm->warp_ran + bvm->warp_held + VMSCHED_SLICE_MIN_NS <=
	       vm->params[BVT_WARP_LIMIT];
}

/* end a forced unwarp once unwarp_req has passed; decide whether @vm warps */
static void bvt_update_warp(const struct vmsched_vm *vm, struct bvt_vm *bvm, u64 now)
{
	if (bvm->limited && now - bvm->unwarped_at >= vm->params[BVT_UNWARP_REQ]) {
		bvm->limited = false;
		bvm->warp_ran = 0;
	}
	bvm->warped = bvt_can_warp(vm, bvm);
}

/* the least A of a VM queued without having slept: within C of SVT */
static u64 bvt_avt_floor(const struct vmsched_sched *s, const struct vmsched_vm *vm)
{
	return bvt_priv(s)->clock.svt - vt_from_ns(s->params[BVT_CTX_ALLOW], bvt_weight(vm));
}

/* key @vm by its current E */
static void bvt_runq_insert(struct vmsched_sched *s, struct vmsched_vm *vm,
			    struct bvt_vm *bvm)
{
	bvm->avt = vt_max(bvm->avt, bvt_avt_floor(s, vm));
	bvm->evt = bvt_evt(vm, bvm);
	rb_add_cached(&bvm->node, &bvt_priv(s)->runq, bvt_evt_less);
}

static void bvt_runq_remove(struct bvt_private *prv, struct bvt_vm *bvm)
{
	rb_erase_cached(&bvm->node, &prv->runq);
	RB_CLEAR_NODE(&bvm->node);
}

/* A, warp or weight of a queued VM changed: move it to its new place */
static void bvt_runq_requeue(struct vmsched_sched *s, struct vmsched_vm *vm,
			     struct bvt_vm *bvm)
{
	if (!bvt_vm_queued(bvm))
		return;
	bvt_runq_remove(bvt_priv(s), bvm);
	bvt_runq_insert(s, vm, bvm);
}

/* one vCPU of the VM stopped being queued or granted */
static void bvt_vm_put(struct vmsched_sched *s, struct bvt_vm *bvm)
{
	if (WARN_ON_ONCE(!bvm->nr_active))
		return;
	if (!--bvm->nr_active)
		bvm->idle_epoch = bvt_priv(s)->clock.epoch;
}

/* the VM of queued vCPU @bv */
static struct bvt_vm *bvt_vm_of_vcpu(struct bvt_vcpu *bv)
{
	return bvt_vm(bvt_vcpu_of(bv)->vm);
}

/*
 * the first vCPU that may run on @cpu of the VM with the lowest E of those
 * that have one; VM @skip left out; or NULL
 */
static struct bvt_vcpu *bvt_lowest(struct bvt_private *prv, unsigned int cpu,
				   const struct bvt_vm *skip)
{
	struct vmsched_vcpu *v;

	v = vmsched_tree_first_may_run(&prv->runq, struct bvt_vm, node, queue,
				       struct bvt_vcpu, link, cpu, skip);
	return v ? bvt_vcpu(v) : NULL;
}

static u64 bvt_slice(const struct vmsched_sched *s, const struct vmsched_vm *vm,
		     const struct bvt_vm *bvm, const struct rb_node *next)
{
	u64 max = s->params[BVT_SLICE], slice = max;
	u64 limit = vm->params[BVT_WARP_LIMIT];
	const struct bvt_vm *nbvm;

	if (next) {
		nbvm = rb_entry(next, struct bvt_vm, node);
		slice = s->params[BVT_CTX_ALLOW];
		if (vt_before(bvm->evt, nbvm->evt))
			slice += vt_to_ns(nbvm->evt - bvm->evt, bvt_weight(vm), max);
		slice = min(slice, max);
	}
	/* bvt_can_warp() left at least the shortest slice */
	if (bvm->warped)
		slice = min(slice, limit - bvm->warp_ran - bvm->warp_held);
	return clamp_t(u64, slice, VMSCHED_SLICE_MIN_NS, VMSCHED_SLICE_MAX_NS);
}

/**
 * bvt_enqueue() - a vCPU became runnable: queue it behind its VM's others
 * @s: instance
 * @v: the vCPU, neither queued nor granted
 * @now: current time (ns)
 * @flags: VMSCHED_ENQ_WAKEUP or VMSCHED_ENQ_PREEMPTED
 *
 * A VM that wakes from idle has its virtual time raised to SVT. The VM
 * enters the tree if this is its only queued vCPU.
 */
static void bvt_enqueue(struct vmsched_sched *s, struct vmsched_vcpu *v,
			u64 now, unsigned int flags)
{
	struct vmsched_vm *vm = v->vm;
	struct bvt_vm *bvm = bvt_vm(vm);
	struct bvt_vcpu *bv = bvt_vcpu(v);

	vmsched_assert_sched_context();
	/* the VM had nothing queued or running: no credit for its sleep */
	if (bvm->nr_active++ == 0 && (flags & VMSCHED_ENQ_WAKEUP))
		bvm->avt = vt_wake(&bvt_priv(s)->clock, bvm->avt, bvm->idle_epoch);
	list_add_tail(&bv->link, &bvm->queue);
	vmsched_waiter_add(&bvt_priv(s)->waiters, &bv->wait, v, now);
	bvt_priv(s)->nr_queued++;
	if (!bvt_vm_queued(bvm)) {
		bvt_update_warp(vm, bvm, now);
		bvt_runq_insert(s, vm, bvm);
	}
}

/**
 * bvt_dequeue() - a queued vCPU leaves the queue without being picked
 * @s: instance
 * @v: the vCPU, queued
 * @now: current time (ns)
 */
static void bvt_dequeue(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 now)
{
	struct bvt_vm *bvm = bvt_vm(v->vm);
	struct bvt_vcpu *bv = bvt_vcpu(v);

	vmsched_assert_sched_context();
	list_del_init(&bv->link);
	vmsched_waiter_del(&bv->wait);
	bvt_priv(s)->nr_queued--;
	if (list_empty(&bvm->queue))
		bvt_runq_remove(bvt_priv(s), bvm);
	bvt_vm_put(s, bvm);
}

/**
 * bvt_pick_next() - grant a starving vCPU, else the first vCPU of the VM
 * with the lowest E; each the first that may run on @cpu
 * @s: instance
 * @cpu: the CPU whose slot is free
 * @now: current time (ns)
 * @slice_ns: out: how long it may run
 *
 * Return: the vCPU, removed from the queue, or NULL when none queued may
 * run on @cpu.
 */
static struct vmsched_vcpu *bvt_pick_next(struct vmsched_sched *s, unsigned int cpu,
					  u64 now, u64 *slice_ns)
{
	struct bvt_private *prv = bvt_priv(s);
	struct vmsched_waiter *w = vmsched_waiter_due(&prv->waiters, now,
						      s->params[BVT_SLICE], cpu);
	struct rb_node *node, *next;
	struct bvt_vcpu *bv;
	struct bvt_vm *bvm;

	vmsched_assert_sched_context();
	if (w) {
		/* SVT is left alone */
		bv = bvt_vcpu(w->v);
		prv->nr_starve_picks++;
	} else {
		bv = bvt_lowest(prv, cpu, NULL);
		if (!bv)
			return NULL;
		/* the lowest E in the tree: VMs ahead of bv's may be pinned elsewhere */
		vt_clock_advance(&prv->clock, rb_entry(rb_first_cached(&prv->runq),
						       struct bvt_vm, node)->evt);
	}
	bvm = bvt_vm_of_vcpu(bv);
	node = &bvm->node;
	list_del_init(&bv->link);
	vmsched_waiter_del(&bv->wait);
	prv->nr_queued--;
	if (list_empty(&bvm->queue)) {
		bvt_runq_remove(prv, bvm);
		next = rb_first_cached(&prv->runq);
	} else {
		/* the VM it competes with: the lowest E but its own */
		next = rb_first_cached(&prv->runq);
		if (next == node)
			next = rb_next(node);
	}
	bv->start = now;
	bv->granted = true;
	bv->warped = bvm->warped;
	bv->slice = bvt_slice(s, bvt_vm_of(bvm), bvm, next);
	bvm->nr_granted++;
	if (bv->warped) {
		/* held against the limit until it ends: its other vCPUs see it */
		bvm->warp_held += bv->slice;
		if (!bvt_can_warp(bvt_vm_of(bvm), bvm)) {
			bvm->warped = false;
			bvt_runq_requeue(s, bvt_vm_of(bvm), bvm);
		}
	}
	*slice_ns = bv->slice;
	prv->nr_picks++;
	return bvt_vcpu_of(bv);
}

/*
 * @bv's grant of VM @vm ended after @ran_ns: advance A and settle the run's
 * warp; true when the run reached warp_limit. Changes nothing but @bvm's
 * times and warp state (no tree, no counter).
 */
static bool bvt_settle(const struct vmsched_vm *vm, struct bvt_vm *bvm,
		       const struct bvt_vcpu *bv, u64 ran_ns, u64 now)
{
	bool reached = false;

	vt_charge(&bvm->avt, &bvm->vrem, ran_ns, bvt_weight(vm));
	if (!WARN_ON_ONCE(!bvm->nr_granted))
		bvm->nr_granted--;
	if (bv->warped) {
		bvm->warp_held -= bv->slice;
		bvm->warp_ran += ran_ns;
		/* no warped grant fits any more: the limit is reached */
		if (!bvm->limited &&
		    bvm->warp_ran + VMSCHED_SLICE_MIN_NS > vm->params[BVT_WARP_LIMIT]) {
			bvm->limited = true;
			bvm->unwarped_at = now;
			reached = true;
		}
	}
	/* descheduled: the limit of its run is cancelled */
	if (!bvm->nr_granted && !bvm->limited)
		bvm->warp_ran = 0;
	bvt_update_warp(vm, bvm, now);
	return reached;
}

/**
 * bvt_charge() - advance the VM's virtual time by what its vCPU ran
 * @s: instance
 * @v: the vCPU whose grant ended
 * @ran_ns: how long it held the grant
 * @now: current time (ns)
 *
 * A warped grant's run time replaces its slice in what the run holds
 * against warp_limit; a VM that reaches the limit is unwarped and waits
 * out unwarp_req. A VM whose last grant ended is descheduled: the limit of
 * its run is cancelled.
 */
static void bvt_charge(struct vmsched_sched *s, struct vmsched_vcpu *v,
		       u64 ran_ns, u64 now)
{
	struct vmsched_vm *vm = v->vm;
	struct bvt_vm *bvm = bvt_vm(vm);

	vmsched_assert_sched_context();
	if (bvt_settle(vm, bvm, bvt_vcpu(v), ran_ns, now))
		bvt_priv(s)->nr_limits++;
	bvt_vcpu(v)->granted = false;
	bvt_vm_put(s, bvm);
	bvt_runq_requeue(s, vm, bvm);
}

/*
 * E of granted vCPU @r's VM were @r charged now and queued again, the wall
 * time of its grant standing for its run time (the charge may be less); a
 * grant adopted from the previous policy at a swap is not charged here
 */
static u64 bvt_evt_if_preempted(const struct vmsched_sched *s, struct vmsched_vcpu *r,
				u64 now)
{
	struct bvt_vcpu *bv = bvt_vcpu(r);
	struct bvt_vm after = *bvt_vm(r->vm);

	if (bv->granted)
		bvt_settle(r->vm, &after, bv, now - bv->start, now);
	after.avt = vt_max(after.avt, bvt_avt_floor(s, r->vm));
	return bvt_evt(r->vm, &after);
}

/**
 * bvt_check_preempt() - should a wake-up end one of the running grants?
 * @s: instance
 * @woken: the vCPU just enqueued with VMSCHED_ENQ_WAKEUP
 * @running: the granted vCPUs on the CPUs @woken may run on
 * @nr_running: entries in @running
 * @now: current time (ns)
 *
 * Only a preemption after which the next pick grants another VM than the
 * victim's is made: the victim's VM, charged for its grant so far and
 * queued again, must not come before the VM heading the tree among those
 * that may run on the victim's CPU (but for the victim's own, which moves;
 * a tie leaves the one queued first), and @woken must be able to run there. Of the
 * grants of VMs other than the waker's that qualify, the one whose VM
 * would then have the highest E is ended.
 *
 * Return: the vCPU to preempt, or NULL.
 */
static struct vmsched_vcpu *bvt_check_preempt(struct vmsched_sched *s,
					      struct vmsched_vcpu *woken,
					      struct vmsched_vcpu **running,
					      unsigned int nr_running, u64 now)
{
	struct bvt_private *prv = bvt_priv(s);
	struct vmsched_vcpu *victim = NULL;
	struct bvt_vcpu *ahead;
	u64 evt, best = 0;
	unsigned int i;

	vmsched_assert_sched_context();
	if (!bvt_vm_queued(bvt_vm(woken->vm)))
		return NULL;
	for (i = 0; i < nr_running; i++) {
		struct vmsched_vcpu *r = running[i];

		if (r->vm == woken->vm || r->cpu < 0 || !vmsched_may_run(woken, r->cpu))
			continue;
		/* the waker's VM is queued, is not r's and may run there */
		ahead = bvt_lowest(prv, r->cpu, bvt_vm(r->vm));
		if (WARN_ON_ONCE(!ahead))
			continue;
		evt = bvt_evt_if_preempted(s, r, now);
		if (vt_before(evt, bvt_vm_of_vcpu(ahead)->evt))
			continue;
		if (!victim || vt_before(best, evt)) {
			victim = r;
			best = evt;
		}
	}
	if (victim)
		prv->nr_preempts++;
	return victim;
}

static void bvt_vm_attach(struct vmsched_sched *s, struct vmsched_vm *vm, u64 now)
{
	struct bvt_vm *bvm = bvt_vm(vm);

	vmsched_assert_sched_context();
	RB_CLEAR_NODE(&bvm->node);
	INIT_LIST_HEAD(&bvm->queue);
	bvm->avt = bvt_priv(s)->clock.svt;
	bvm->idle_epoch = bvt_priv(s)->clock.epoch;
	bvm->unwarped_at = now;
}

static void bvt_vm_detach(struct vmsched_sched *s, struct vmsched_vm *vm)
{
	struct bvt_vm *bvm = bvt_vm(vm);

	vmsched_assert_sched_context();
	WARN_ON_ONCE(bvt_vm_queued(bvm) || bvm->nr_active);
}

static void bvt_vcpu_attach(struct vmsched_sched *s, struct vmsched_vcpu *v,
			    u64 now)
{
	vmsched_assert_sched_context();
	INIT_LIST_HEAD(&bvt_vcpu(v)->link);
	vmsched_waiter_init(&bvt_vcpu(v)->wait);
}

static void bvt_vcpu_detach(struct vmsched_sched *s, struct vmsched_vcpu *v)
{
	vmsched_assert_sched_context();
	WARN_ON_ONCE(!list_empty(&bvt_vcpu(v)->link));
}

/* the one combination the ranges cannot express */
static int bvt_check_global(const struct vmsched_sched *s)
{
	return s->params[BVT_CTX_ALLOW] > s->params[BVT_SLICE] ? -EINVAL : 0;
}

/**
 * bvt_param_changed() - apply a parameter the core has stored
 * @s: instance
 * @scope: enum vmsched_param_scope
 * @vm: the VM for VM parameters, else NULL
 * @v: always NULL (BVT has no vCPU parameters)
 *
 * A queued VM whose weight or warp changed moves to its new place in the
 * tree; its A is kept.
 *
 * Return: 0, or -EINVAL when ctx_allow would exceed slice.
 */
static int bvt_param_changed(struct vmsched_sched *s, u32 scope,
			     struct vmsched_vm *vm, struct vmsched_vcpu *v)
{
	vmsched_assert_sched_context();
	if (scope == VMSCHED_SCOPE_GLOBAL)
		return bvt_check_global(s);
	if (scope == VMSCHED_SCOPE_VM && vm) {
		bvt_vm(vm)->warped = bvt_can_warp(vm, bvt_vm(vm));
		bvt_runq_requeue(s, vm, bvt_vm(vm));
	}
	return 0;
}

static int bvt_init(struct vmsched_sched *s)
{
	struct bvt_private *prv;
	int ret = bvt_check_global(s);

	if (ret)
		return ret;
	prv = kzalloc(sizeof(*prv), GFP_KERNEL);
	if (!prv)
		return -ENOMEM;
	prv->runq = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&prv->waiters);
	vt_clock_init(&prv->clock);
	s->priv = prv;
	return 0;
}

/**
 * bvt_max_wait() - the longest a runnable vCPU waits now
 * @s: instance
 *
 * Return: the guard's bound.
 */
static u64 bvt_max_wait(struct vmsched_sched *s)
{
	return vmsched_guarded_wait(bvt_priv(s)->nr_queued, s->params[BVT_SLICE]);
}

static void bvt_exit(struct vmsched_sched *s)
{
	kfree(s->priv);
	s->priv = NULL;
}

static const struct vmsched_param_desc bvt_params[] = {
	/* global, in enum bvt_global_param order */
	{ .name = "ctx_allow", .scope = VMSCHED_SCOPE_GLOBAL,
	  .help = "context switch allowance: run past the next VM by this much",
	  .unit = VMSCHED_UNIT_NS, .min = 10 * NSEC_PER_USEC,
	  .max = NSEC_PER_SEC, .def = 5 * NSEC_PER_MSEC },
	{ .name = "slice", .scope = VMSCHED_SCOPE_GLOBAL,
	  .help = "longest grant (must be >= ctx_allow)",
	  .unit = VMSCHED_UNIT_NS, .min = 100 * NSEC_PER_USEC,
	  .max = NSEC_PER_SEC, .def = 30 * NSEC_PER_MSEC },
	/* per VM, in enum bvt_vm_param order */
	{ .name = "weight", .scope = VMSCHED_SCOPE_VM,
	  .help = "share relative to other VMs; virtual time runs as 1/weight",
	  .unit = VMSCHED_UNIT_NONE, .min = 1, .max = 65535, .def = 256 },
	{ .name = "warp", .scope = VMSCHED_SCOPE_VM,
	  .help = "run time a latency-sensitive VM may borrow (0: never warp)",
	  .unit = VMSCHED_UNIT_NS, .min = 0, .max = NSEC_PER_SEC, .def = 0 },
	{ .name = "warp_limit", .scope = VMSCHED_SCOPE_VM,
	  .help = "warped run time of one run (dispatch to deschedule) before the VM is unwarped",
	  .unit = VMSCHED_UNIT_NS, .min = 100 * NSEC_PER_USEC,
	  .max = 60 * NSEC_PER_SEC, .def = 2 * NSEC_PER_SEC },
	{ .name = "unwarp_req", .scope = VMSCHED_SCOPE_VM,
	  .help = "time to stay unwarped (or idle) before warping again",
	  .unit = VMSCHED_UNIT_NS, .min = 0,
	  .max = 60 * NSEC_PER_SEC, .def = NSEC_PER_SEC },
};

/**
 * DOC: bvt_ops
 *
 * Required scheduling callbacks: bvt_enqueue(), bvt_dequeue(),
 * bvt_pick_next(), bvt_charge(); bvt_check_preempt() gives wake-ups their
 * low latency. Attach and detach only initialise and check the private
 * data (a new VM starts at SVT). init and exit allocate and free
 * struct bvt_private; dump is module glue (bvt_mod.c).
 */
struct vmsched_ops bvt_ops = {
	.enqueue	= bvt_enqueue,
	.dequeue	= bvt_dequeue,
	.pick_next	= bvt_pick_next,
	.charge		= bvt_charge,
	.check_preempt	= bvt_check_preempt,
	.max_wait	= bvt_max_wait,
	.vm_attach	= bvt_vm_attach,
	.vm_detach	= bvt_vm_detach,
	.vcpu_attach	= bvt_vcpu_attach,
	.vcpu_detach	= bvt_vcpu_detach,
	.param_changed	= bvt_param_changed,
	.init		= bvt_init,
	.exit		= bvt_exit,
	.dump		= bvt_dump,
	.params		= bvt_params,
	.nr_params	= ARRAY_SIZE(bvt_params),
	.vcpu_data_size	= sizeof(struct bvt_vcpu),
	.vm_data_size	= sizeof(struct bvt_vm),
	.name		= "bvt",
	.description	= "borrowed virtual time: weighted shares, warp for fast wake-up",
	.owner		= THIS_MODULE,
};
