// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: activation, live swap, deactivation and ejection.
 *
 * Design
 * ------
 * Each pool has its own active policy and swaps it on its own: a swap
 * takes only that pool's lock, so vCPUs of other pools never wait for it.
 *
 * activate(B) while A is active builds a new instance of B (ops.init may
 * sleep and allocate), then, in one critical section under the pool's lock:
 * A is charged for the grants it made, up to now, and forgets every vCPU;
 * every VM and vCPU is attached to B with its current state: queued vCPUs
 * are enqueued in B in the order they waited, vCPUs holding a grant keep it
 * to the end of its slice (B is not charged for a grant it did not make:
 * charge() pairs with the policy's own pick_next()); B is published as the
 * active instance and fills the free slots. No vCPU is paused or lost and
 * none waits longer because of the swap. After an RCU grace period no
 * lockless reader can see A; A's ops.exit runs and A is freed.
 *
 * Deactivation is a swap to the host scheduler: every vCPU is released and
 * Linux alone schedules vCPU threads (the hooks stay registered and return
 * at once while no policy is active).
 *
 * A policy module is pinned (module reference) only while a swap to or
 * from it is in progress; while it is active its module_exit must call
 * vmsched_unregister_policy(), which swaps to the host scheduler before
 * returning, so that `rmmod` of the active policy works and falls back.
 *
 * Ejection (watchdog, or a policy returning garbage) runs deactivation from
 * a work item, because it is detected in atomic context.
 *
 * Locking: everything here runs under vms_mutex; the switch itself under
 * the pool's lock. Paths that may sleep: ops.init/exit, synchronize_rcu(),
 * allocation of the instance.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "policy_call.h"

struct vmsched_ops *vms_active_ops_locked(struct vms_pool *pool)
{
	struct vms_instance *in;

	in = rcu_dereference_protected(pool->active, lockdep_is_held(&vms_mutex));
	return in ? in->ops : NULL;
}

static struct vms_instance *vms_instance_new(struct vms_pool *pool, struct vmsched_ops *ops,
					     const struct vmsched_kv *kv, unsigned int n)
{
	struct vms_instance *in;
	int idx[VMSCHED_MAX_KV], ret;
	unsigned long flags;
	unsigned int i;

	ret = vms_params_check(ops, VMSCHED_SCOPE_GLOBAL, kv, n, idx);
	if (ret)
		return ERR_PTR(ret);
	in = kzalloc(sizeof(*in), GFP_KERNEL);
	if (!in)
		return ERR_PTR(-ENOMEM);
	in->ops = ops;
	in->pool = pool;
	in->slot = pool->last_slot ^ 1;
	/* the slots as they are now; the switch reads them again (vms_swap_to) */
	in->sched.cpus = pool->slot_cpus;
	in->sched.nr_slots = max(cpumask_weight(pool->slot_cpus), 1U);
	in->running = kcalloc(nr_cpu_ids, sizeof(*in->running), GFP_KERNEL);
	if (!in->running) {
		kfree(in);
		return ERR_PTR(-ENOMEM);
	}
	vms_params_restore(pool->saved_globals, ops, VMSCHED_SCOPE_GLOBAL, in->sched.params);
	for (i = 0; i < n; i++)
		in->sched.params[idx[i]] = kv[i].value;
	/*
	 * Not published yet, but the contract is the same for every call:
	 * the scheduler lock held, IRQs off (a debug kernel's
	 * lockdep_assert_irqs_disabled() in the policies checks it).
	 */
	raw_spin_lock_irqsave(&pool->lock, flags);
	ret = vms_op_param_changed(in, VMSCHED_SCOPE_GLOBAL, NULL, NULL);
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	if (ret)
		goto err;
	ret = ops->init ? ops->init(&in->sched) : 0;
	if (ret)
		goto err;
	return in;
err:
	kfree(in->running);
	kfree(in);
	return ERR_PTR(ret);
}

/* vms_mutex held: the instance has ended, its global parameters are kept */
static void vms_instance_free(struct vms_instance *in)
{
	lockdep_assert_held(&vms_mutex);
	vms_params_save(in->pool->saved_globals, in->ops, in->sched.params);
	if (in->ops->exit)
		in->ops->exit(&in->sched);
	kfree(in->running);
	kfree(in);
}

/* @old forgets @vc without touching its grant or its place in the queue */
static void vms_switch_forget(struct vms_instance *old, struct vms_vcpu *vc, u64 now)
{
	u64 ran;

	if (!vc->attached[old->slot])
		return;
	if (vc->state == VMS_GRANTED) {
		/* the grant goes on; what it used so far is @old's */
		ran = vms_account_cputime(vc);
		if (!vc->grant_adopted)
			vms_op_charge(old, vc, ran, now);
	} else if (vc->state == VMS_QUEUED) {
		vms_op_dequeue(old, vc, now);
	}
	vms_op_vcpu_detach(old, vc);
	vc->attached[old->slot] = false;
}

/*
 * @new takes @vc over in its current state (queued ones: vms_switch). A
 * grant it did not give runs to the end of its slice and is not charged to
 * it: policies pair charge() with their own pick_next() (bvt and fair count
 * active vCPUs per VM that way).
 */
static void vms_switch_adopt(struct vms_instance *new, struct vms_vcpu *vc, u64 now)
{
	vms_attach_vcpu(new, vc, now);
	if (vc->state == VMS_GRANTED)
		vc->grant_adopted = true;
}

/* the host scheduler takes @vc over: it may run */
void vms_release_vcpu(struct vms_vcpu *vc, u64 now)
{
	if (vc->state == VMS_GRANTED) {
		vms_release_slot(vc, now);
	} else if (vc->state == VMS_QUEUED) {
		vc->stats.wait_ns += now - vc->queued_ns;	/* the wait ends here */
		vms_set_state(vc, VMS_OUTSIDE);
	}
	WRITE_ONCE(vc->granted, true);
}

/*
 * The switch of @pool from @old to @new (either may be NULL), under the
 * pool's lock. Every vCPU keeps its place: granted ones keep their grant,
 * queued ones move to @new's queue in the order they waited, blocked and
 * outside ones stay so.
 */
static void vms_switch(struct vms_pool *pool, struct vms_instance *old,
		       struct vms_instance *new, u64 now)
{
	struct vms_vcpu *vc;
	struct vms_vm *vm;

	lockdep_assert_held(&pool->lock);
	list_for_each_entry(vm, &pool->vms, pool_node) {
		if (new)
			vms_attach_vm(new, vm, now);
		list_for_each_entry(vc, &vm->vcpus, vm_node) {
			if (old)
				vms_switch_forget(old, vc, now);
			if (new)
				vms_switch_adopt(new, vc, now);
			else
				vms_release_vcpu(vc, now);
		}
		if (old)
			vms_detach_vm(old, vm);
	}
	/*
	 * Queued vCPUs join @new in the order they were queued, longest
	 * waiting first: a swap must not send anyone to the back of the line
	 * (rebuilt in list order, frequent swaps starved the last VMs).
	 */
	if (new)
		list_for_each_entry(vc, &pool->queued, state_node)
			vms_op_enqueue(new, vc, now, VMSCHED_ENQ_WAKEUP);
	rcu_assign_pointer(pool->active, new);
	if (new)
		vms_dispatch(pool, now);
	else
		vms_gate_release_all(pool);
}

/*
 * from the host scheduler to a policy: @vc passes the gate again (pool
 * lock held)
 */
void vms_revoke_vcpu(struct vms_vcpu *vc, u64 now)
{
	WRITE_ONCE(vc->granted, false);
	/*
	 * A thread released by the last deactivation may not have left the
	 * gate yet: it waits again, so queue it.
	 */
	vms_set_state(vc, vc->in_gate ? VMS_QUEUED : VMS_OUTSIDE);
	vc->queued_ns = now;
	vc->wait_since_ns = vc->in_gate ? now : 0;
	vc->wake_ns = 0;
	/* the policy is charged from now on */
	vms_track_reset(vc);
}

/*
 * make @pool's running vCPUs leave the guest and pass the gate; halted
 * ones pass it when they wake, and a kick would only wake them for nothing
 */
void vms_kick_all(struct vms_pool *pool)
{
	struct vms_vcpu *vc;
	struct vms_vm *vm;
	unsigned long flags;

	raw_spin_lock_irqsave(&pool->lock, flags);
	for_each_pool_vcpu(pool, vm, vc)
		if (!vc->granted && !kvm_vcpu_is_blocking(vc->vcpu))
			kvm_vcpu_kick(vc->vcpu);
	raw_spin_unlock_irqrestore(&pool->lock, flags);
}

static void vms_record_swap(struct vms_pool *pool, u64 start)
{
	u64 d = ktime_get_ns() - start;

	pool->swaps++;
	WRITE_ONCE(pool->last_swap_ns, d);
	if (d > pool->max_swap_ns)
		WRITE_ONCE(pool->max_swap_ns, d);
}

/* swap @pool to @new (NULL: host scheduler); vms_mutex held; may sleep */
static void vms_swap_to(struct vms_pool *pool, struct vms_instance *new, u64 start)
{
	struct vms_instance *old;
	struct vms_vcpu *vc;
	struct vms_vm *vm;
	unsigned long flags;
	unsigned int n;
	u64 now;

	old = rcu_dereference_protected(pool->active, lockdep_is_held(&vms_mutex));
	/*
	 * No CPU comes or goes between reading the slots and publishing them.
	 * Tried first: cpus_read_lock() is a voluntary preemption point, and
	 * on a busy host the swap would wait a time slice there.
	 */
	if (!cpus_read_trylock())
		cpus_read_lock();
	raw_spin_lock_irqsave(&pool->lock, flags);
	now = ktime_get_ns();
	if (!old) {
		/* the default pool's size: slots= as it is now */
		if (pool == vms_default_pool)
			pool->limit = READ_ONCE(vms_param_slots);
		for_each_pool_vcpu(pool, vm, vc)
			vms_revoke_vcpu(vc, now);
		/* and what each vCPU may use of them, not followed without a policy */
		n = vms_slots_set(pool, nr_cpu_ids);
	} else {
		/* from policy to policy the slots stay (hotplug and pools change them at once) */
		n = cpumask_weight(pool->slot_cpus);
	}
	if (new)
		new->sched.nr_slots = max(n, 1U);
	vms_switch(pool, old, new, now);
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	cpus_read_unlock();
	if (new)
		pool->last_slot = new->slot;
	vms_record_swap(pool, start);
	if (!old)
		vms_kick_all(pool);

	synchronize_rcu();	/* no probe sees the old instance any more */
	/*
	 * The old policy's module cannot be gone: unloading it ends in
	 * vmsched_unregister_policy(), which waits for vms_mutex.
	 */
	if (old)
		vms_instance_free(old);
}

/**
 * vms_activate() - make a policy @pool's active one, or swap to it live
 * @pool: the pool
 * @name: the policy
 * @kv: global parameters
 * @n: how many
 *
 * Context: process, may sleep; vms_mutex held.
 * Return: 0 or a negative errno (nothing changed).
 */
int vms_activate(struct vms_pool *pool, const char *name, const struct vmsched_kv *kv,
		 unsigned int n)
{
	struct vms_instance *new, *old;
	struct vmsched_ops *ops;
	u64 start;

	lockdep_assert_held(&vms_mutex);
	start = ktime_get_ns();
	ops = vms_find_policy(name);
	if (!ops || !try_module_get(ops->owner))
		return -ENOENT;
	old = rcu_dereference_protected(pool->active, lockdep_is_held(&vms_mutex));
	if (old && old->ops == ops) {
		/* already active: only apply the global parameters */
		module_put(ops->owner);
		return vms_set_params(pool->name, VMSCHED_SCOPE_GLOBAL, 0, 0, kv, n);
	}
	new = vms_instance_new(pool, ops, kv, n);
	if (IS_ERR(new)) {
		module_put(ops->owner);
		return PTR_ERR(new);
	}
	vms_swap_to(pool, new, start);
	pr_info("pool %s: policy %s active (swap took %llu ns)\n", pool->name, name,
		pool->last_swap_ns);
	/* the active policy holds no module reference: see the Design above */
	module_put(ops->owner);
	return 0;
}

/* vms_mutex held */
void vms_deactivate_locked(struct vms_pool *pool)
{
	u64 start = ktime_get_ns();
	struct vms_instance *old;

	old = rcu_dereference_protected(pool->active, lockdep_is_held(&vms_mutex));
	if (!old)
		return;
	vms_swap_to(pool, NULL, start);
	pr_info("pool %s: host scheduler active (swap took %llu ns)\n", pool->name,
		pool->last_swap_ns);
}

/* ---- ejection ------------------------------------------------------------ */

/* ejects what vms_eject() asked, in every pool */
static void vms_eject_fn(struct work_struct *work)
{
	struct vms_pool *pool = container_of(work, struct vms_pool, eject_work);
	struct vmsched_ops *target;
	unsigned long flags;

	mutex_lock(&vms_mutex);
	raw_spin_lock_irqsave(&pool->lock, flags);
	target = pool->eject_target;
	pool->eject_target = NULL;
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	if (target && vms_active_ops_locked(pool) == target) {
		strscpy(pool->last_ejected, target->name, sizeof(pool->last_ejected));
		vms_deactivate_locked(pool);
	}
	mutex_unlock(&vms_mutex);
}

/*
 * the pool is freed only after its eject work has run or was cancelled
 * (pool.c: flush_work() without vms_mutex held)
 */
void vms_eject_init(struct vms_pool *pool)
{
	INIT_WORK(&pool->eject_work, vms_eject_fn);
}

/* is the active policy's ejection scheduled and not yet done? pool lock held */
bool vms_eject_pending(struct vms_pool *pool)
{
	struct vms_instance *in = vms_instance_locked(pool);

	return in && pool->eject_target == in->ops;
}

/* schedule deactivation of @pool's active policy; pool lock held, atomic */
void vms_eject(struct vms_pool *pool, const char *why)
{
	struct vms_instance *in = vms_instance_locked(pool);

	if (!in || vms_eject_pending(pool))
		return;
	pr_err("pool %s: ejecting policy %s: %s\n", pool->name, in->ops->name, why);
	pool->eject_target = in->ops;
	schedule_work(&pool->eject_work);
}

/* a policy callback returned garbage: count, contain (caller), eject */
void vms_policy_error(struct vms_instance *in, const char *what)
{
	in->pool->policy_errors++;
	vms_eject(in->pool, what);
}
