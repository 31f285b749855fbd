// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: grants, queueing and slices.
 *
 * Design
 * ------
 * A vCPU may enter the guest while it holds a grant. A grant holds the slot
 * of one pCPU of the pool (slots.c). Whenever a slot is free the policy is
 * asked (pick_next, for that slot's CPU) which queued vCPU that may run
 * there gets it and for how long; the slice
 * hrtimer ends the grant, the vCPU is charged and, being still runnable,
 * queued again, and the freed slot is offered to the policy at once (which
 * may hand it straight back: then the vCPU simply keeps running). A vCPU
 * whose grant ended is kicked out of the guest and stops at the gate (see
 * gate.c) at its next entry. A granted vCPU that halts gives its slot back
 * at once (work-conserving); one whose thread stops for any other reason
 * gives it back within VMS_STOP_GRACE_NS (track.c) or, at the latest, when
 * its slice ends. A grant is charged the CPU time its thread used (track.c).
 *
 * Every function here runs under the lock of the pool of the vCPUs it
 * touches (vms_vcpu_pool()), with IRQs off, and never sleeps.
 *
 * A policy that leaves a slot idle although vCPUs are queued (a capped VM
 * must wait for its budget) returns NULL from pick_next with the time until
 * it wants to be asked again in *slice_ns; the re-poll hrtimer then calls
 * dispatch again, so a cap ends on time even when nothing else happens.
 *
 * What a policy returns is checked, never trusted: a vCPU that is not queued
 * in the asking instance, or a slice outside [10 us, 10 s], is a policy
 * error; the core counts it, contains it (ignores the vCPU, clamps the
 * slice) and ejects the policy (swap.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include "policy_call.h"

/*
 * the one place a vCPU changes state: keeps its pool's granted and queued
 * lists (vms_vcpu.state_node) in step
 */
void vms_set_state(struct vms_vcpu *vc, enum vms_state state)
{
	struct vms_pool *pool = vms_vcpu_pool(vc);

	lockdep_assert_held(&pool->lock);
	if (vc->pinned && (vc->state == VMS_QUEUED) != (state == VMS_QUEUED)) {
		if (state == VMS_QUEUED)
			pool->nr_queued_pinned++;
		else
			pool->nr_queued_pinned--;
	}
	list_del_init(&vc->state_node);
	if (state == VMS_GRANTED)
		list_add_tail(&vc->state_node, &pool->granted);
	else if (state == VMS_QUEUED)
		list_add_tail(&vc->state_node, &pool->queued);
	vc->state = state;
}

static inline struct vms_vcpu *pv_to_vcpu(struct vms_instance *in, struct vmsched_vcpu *v)
{
	return container_of(v, struct vms_vcpu, pv[in->slot]);
}

void vms_attach_vm(struct vms_instance *in, struct vms_vm *vm, u64 now)
{
	struct vmsched_vm *pvm = &vm->pv[in->slot];

	memset(pvm, 0, sizeof(*pvm));
	pvm->pid = vm->pid;
	vms_params_restore(vm->saved, in->ops, VMSCHED_SCOPE_VM, pvm->params);
	vm->attached[in->slot] = true;
	vms_op_vm_attach(in, vm, now);
}

void vms_detach_vm(struct vms_instance *in, struct vms_vm *vm)
{
	if (!vm->attached[in->slot])
		return;
	/* remembered for the next instance of this policy */
	vms_params_save(vm->saved, in->ops, vm->pv[in->slot].params);
	vms_op_vm_detach(in, vm);
	vm->attached[in->slot] = false;
}

void vms_attach_vcpu(struct vms_instance *in, struct vms_vcpu *vc, u64 now)
{
	struct vmsched_vcpu *v = &vc->pv[in->slot];

	memset(v, 0, sizeof(*v));
	v->vm = &vc->vm->pv[in->slot];
	v->vcpu_id = vc->vcpu_id;
	v->cpus = vc->cpus;
	v->cpu = vc->slot_cpu;
	vms_params_defaults(in->ops, VMSCHED_SCOPE_VCPU, v->params);
	v->vm->nr_vcpus++;
	vc->attached[in->slot] = true;
	vms_op_vcpu_attach(in, vc, now);
}

void vms_detach_vcpu(struct vms_instance *in, struct vms_vcpu *vc, u64 now)
{
	struct vmsched_vcpu *v = &vc->pv[in->slot];

	if (!vc->attached[in->slot])
		return;
	if (vc->state == VMS_GRANTED) {
		vms_end_grant(in, vc, now, false);
	} else if (vc->state == VMS_QUEUED) {
		vms_op_dequeue(in, vc, now);
		vms_set_state(vc, VMS_OUTSIDE);
	}
	vms_op_vcpu_detach(in, vc);
	v->vm->nr_vcpus--;
	vc->attached[in->slot] = false;
}

/* grant @vc the slot of @cpu for @slice ns */
static void vms_grant(struct vms_vcpu *vc, unsigned int cpu, u64 now, u64 slice)
{
	u64 waited = now - vc->queued_ns;

	vms_set_state(vc, VMS_GRANTED);
	vms_slot_take(vc, cpu);
	WRITE_ONCE(vc->granted, true);
	vc->grant_adopted = false;
	vc->wait_since_ns = 0;
	vms_vcpu_pool(vc)->nr_granted++;
	vc->stats.grants++;
	vc->stats.wait_ns += waited;
	if (!vc->in_gate) {
		/* running (or about to enter): the slice starts now */
		vms_slice_start(vc, now, slice);
		return;
	}
	/*
	 * Sleeping in the gate: the slice starts when the thread runs again
	 * (vms_gate_leave), so that its wake-up latency is not taken out of
	 * it. Until then the timer guards against a thread that never runs.
	 */
	vc->slice_ns = slice;
	hrtimer_start(&vc->slice_timer, ns_to_ktime(slice + VMS_START_ALLOWANCE_NS),
		      HRTIMER_MODE_REL_HARD);
	wake_up_process(vc->task);
}

/* @vc holds a grant and runs from @now on: arm its slice */
void vms_slice_start(struct vms_vcpu *vc, u64 now, u64 slice)
{
	lockdep_assert_held(&vms_vcpu_pool(vc)->lock);
	vc->slice_ns = 0;
	if (vc->wake_ns) {
		/* first run after a halt: from the wake-up to running */
		vms_stats_latency(&vc->stats, now - vc->wake_ns);
		vc->wake_ns = 0;
	}
	hrtimer_start(&vc->slice_timer, ns_to_ktime(slice), HRTIMER_MODE_REL_HARD);
}

/*
 * Map a vCPU a policy returned back to the core's vCPU, without trusting
 * it: it must be this instance's copy in a vCPU the core knows, found by
 * address alone before anything is read through it (a policy may return
 * a stale pointer into freed memory), attached and in @state.
 */
static struct vms_vcpu *vms_check_vcpu(struct vms_instance *in, struct vmsched_vcpu *v,
				       enum vms_state state)
{
	struct vms_vcpu *vc = pv_to_vcpu(in, v);

	if (!vms_known_vcpu(in->pool, vc) || !vc->attached[in->slot])
		return NULL;
	return vc->state == state ? vc : NULL;
}

/* ask @pool's policy again in @delay ns (an earlier request is kept) */
static void vms_repoll(struct vms_pool *pool, u64 delay)
{
	struct hrtimer *t = &pool->repoll_timer;
	ktime_t when;

	delay = clamp_t(u64, delay, VMSCHED_SLICE_MIN_NS, VMSCHED_SLICE_MAX_NS);
	when = ktime_add_ns(ktime_get(), delay);
	if (hrtimer_is_queued(t) && ktime_before(hrtimer_get_expires(t), when))
		return;
	hrtimer_start(t, when, HRTIMER_MODE_ABS_HARD);
}

static enum hrtimer_restart vms_repoll_fn(struct hrtimer *t)
{
	struct vms_pool *pool = container_of(t, struct vms_pool, repoll_timer);
	unsigned long flags;

	raw_spin_lock_irqsave(&pool->lock, flags);
	vms_dispatch(pool, ktime_get_ns());
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	return HRTIMER_NORESTART;
}

/* the pool is freed only after hrtimer_cancel() of this timer (pool.c) */
void vms_repoll_init(struct vms_pool *pool)
{
	hrtimer_init(&pool->repoll_timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	pool->repoll_timer.function = vms_repoll_fn;
}

/*
 * Fill the free slots from the policy's queue, asking for each in turn. A
 * slot the policy has nothing for ends the round, unless pinned vCPUs wait:
 * they may run on a later slot. So a round costs one pick_next per grant
 * plus one, or one per free slot while pinned vCPUs wait.
 */
void vms_dispatch(struct vms_pool *pool, u64 now)
{
	struct vms_instance *in = vms_instance_locked(pool);
	struct vmsched_vcpu *v;
	struct vms_vcpu *vc;
	unsigned int cpu, to;
	u64 slice;

	lockdep_assert_held(&pool->lock);
	if (!in)
		return;
	cpu = cpumask_first(pool->free_slots);
	while (cpu < nr_cpu_ids && !list_empty(&pool->queued)) {
		slice = 0;
		v = vms_op_pick_next(in, cpu, now, &slice);
		if (!v) {
			if (slice)
				vms_repoll(pool, slice);
			if (!pool->nr_queued_pinned)
				break;
			cpu = cpumask_next(cpu, pool->free_slots);
			continue;
		}
		vc = vms_check_vcpu(in, v, VMS_QUEUED);
		if (unlikely(!vc)) {
			vms_policy_error(in, "pick_next returned a vCPU that is not queued in it");
			break;
		}
		if (unlikely(slice < VMSCHED_SLICE_MIN_NS || slice > VMSCHED_SLICE_MAX_NS)) {
			vms_policy_error(in, "pick_next returned a slice outside 10us..10s");
			slice = clamp_t(u64, slice, VMSCHED_SLICE_MIN_NS, VMSCHED_SLICE_MAX_NS);
		}
		if (unlikely(!cpumask_test_cpu(cpu, vc->cpus)))
			vms_policy_error(in, "pick_next returned a vCPU that may not run on that CPU");
		to = vms_slot_choose(vc, cpu);
		vms_grant(vc, to, now, slice);
		/* granted elsewhere: @cpu's slot is still free, ask for it again */
		if (to == cpu)
			cpu = cpumask_next(cpu, pool->free_slots);
	}
}

/*
 * @vc wants to run (it reached the gate, woke from a halt, or is new): queue
 * it in the policy and offer the free slots. Returns true if it holds a
 * grant afterwards.
 */
bool vms_make_runnable(struct vms_instance *in, struct vms_vcpu *vc, u64 now)
{
	struct vmsched_vcpu *victim;
	struct vms_pool *pool;
	struct vms_vcpu *vv;
	unsigned int n = 0;

	if (vc->state == VMS_GRANTED)
		return true;
	if (!in || !vc->attached[in->slot])
		return false;
	pool = in->pool;
	lockdep_assert_held(&pool->lock);
	if (vc->state == VMS_QUEUED)
		return false;
	if (vc->state == VMS_BLOCKED) {
		vc->stats.wakeups++;
		vc->wake_ns = now;
	}
	vms_slots_update_vcpu(vc);
	/*
	 * The wait the watchdog judges starts here, unless the vCPU only left
	 * the gate to take a signal (QEMU's SIG_IPI) and is back: then its
	 * first wait goes on, and a starved vCPU cannot hide behind signals.
	 */
	if (!vc->wait_since_ns || now - vc->left_gate_ns > VMS_SIGNAL_RETURN_NS)
		vc->wait_since_ns = now;
	vms_set_state(vc, VMS_QUEUED);
	vc->queued_ns = now;
	vms_op_enqueue(in, vc, now, VMSCHED_ENQ_WAKEUP);

	if (!cpumask_intersects(pool->free_slots, vc->cpus) && in->ops->check_preempt) {
		/* the grants whose slot it could take */
		list_for_each_entry(vv, &pool->granted, state_node)
			if (n < nr_cpu_ids && vv->attached[in->slot] &&
			    vms_slot_usable(vc, vv))
				in->running[n++] = &vv->pv[in->slot];
		victim = vms_op_check_preempt(in, vc, in->running, n, now);
		vv = victim ? vms_check_vcpu(in, victim, VMS_GRANTED) : NULL;
		if (vv) {
			vms_end_grant(in, vv, now, true);
			kvm_vcpu_kick(vv->vcpu);
		} else if (victim) {
			vms_policy_error(in, "check_preempt returned a vCPU that is not running");
		}
	}
	vms_dispatch(pool, now);
	return vc->state == VMS_GRANTED;
}

/*
 * The bookkeeping of every grant that ends: free the slot, account the CPU
 * time its thread used and stop the slice. Returns that time. Leaves @vc
 * OUTSIDE; the policy is not told.
 *
 * The timers are only tried: one that already fires waits for the lock and
 * then finds no grant to end, or a newer grant whose slice timer is queued
 * again (vms_slice_end), and leaves it alone.
 */
u64 vms_release_slot(struct vms_vcpu *vc, u64 now)
{
	u64 ran = vms_account_cputime(vc);

	vc->slice_ns = 0;
	WRITE_ONCE(vc->granted, false);
	vms_set_state(vc, VMS_OUTSIDE);
	vms_slot_put(vc);
	vms_vcpu_pool(vc)->nr_granted--;
	hrtimer_try_to_cancel(&vc->slice_timer);
	hrtimer_try_to_cancel(&vc->stop_timer);
	return ran;
}

/*
 * End @vc's grant: charge the policy and free the slot. If @requeue, the
 * vCPU is still runnable and goes back to the policy's queue. The caller
 * dispatches the freed slot.
 */
void vms_end_grant(struct vms_instance *in, struct vms_vcpu *vc, u64 now, bool requeue)
{
	u64 ran = vms_release_slot(vc, now);

	if (!in || !vc->attached[in->slot])
		return;
	/* charge() pairs with the instance's own pick_next() (vmsched_plugin.h) */
	if (!vc->grant_adopted)
		vms_op_charge(in, vc, ran, now);
	vc->grant_adopted = false;
	if (requeue && !(vc->task->flags & PF_EXITING)) {
		vc->stats.preemptions++;
		vms_slots_update_vcpu(vc);
		vms_set_state(vc, VMS_QUEUED);
		vc->queued_ns = now;
		vc->wait_since_ns = now;
		vms_op_enqueue(in, vc, now, VMSCHED_ENQ_PREEMPTED);
	}
}

/* @vc halts in the guest: give its slot back, leave the queue */
void vms_block(struct vms_vcpu *vc, u64 now)
{
	struct vms_pool *pool = vms_vcpu_pool(vc);
	struct vms_instance *in = vms_instance_locked(pool);

	if (vc->state == VMS_GRANTED) {
		vms_end_grant(in, vc, now, false);
	} else if (vc->state == VMS_QUEUED) {
		if (in && vc->attached[in->slot])
			vms_op_dequeue(in, vc, now);
		vc->stats.wait_ns += now - vc->queued_ns;
	}
	vms_set_state(vc, VMS_BLOCKED);
	vc->wake_ns = 0;
	vc->wait_since_ns = 0;
	vms_dispatch(pool, now);
}

/*
 * the slice timer: the grant ends; the policy decides who runs next. A
 * thread that is blocked now (it stopped where the stop probe could not see
 * it, track.c) is not queued again: it is out of the policy's hands until
 * it enters the guest again.
 */
static enum hrtimer_restart vms_slice_end(struct hrtimer *t)
{
	struct vms_vcpu *vc = container_of(t, struct vms_vcpu, slice_timer);
	struct vms_instance *in;
	struct vms_pool *pool;
	unsigned long flags;
	bool kick = false, runnable;
	u64 now;

	pool = vms_pool_lock(vc->vm, &flags);
	/* read the clock under the lock: statistics snapshots are ordered by it */
	now = ktime_get_ns();
	in = vms_instance_locked(pool);
	/* queued again: the grant this run was for ended, a newer one runs */
	if (vc->state == VMS_GRANTED && in && !hrtimer_is_queued(t)) {
		/* woken with a grant but not run yet: that thread is runnable */
		runnable = vc->slice_ns || task_is_running(vc->task);
		vms_end_grant(in, vc, now, runnable);
		if (!runnable)
			vc->stops++;
		vms_dispatch(pool, now);
		kick = runnable && vc->state != VMS_GRANTED;
	}
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	/* make it leave the guest and stop at the gate */
	if (kick)
		kvm_vcpu_kick(vc->vcpu);
	return HRTIMER_NORESTART;
}

void vms_vcpu_init_sched(struct vms_vcpu *vc)
{
	hrtimer_init(&vc->slice_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	vc->slice_timer.function = vms_slice_end;
	vms_track_init_vcpu(vc);
	INIT_LIST_HEAD(&vc->state_node);
	vc->state = VMS_OUTSIDE;
	vc->slot_cpu = -1;
}
