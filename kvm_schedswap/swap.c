// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: activation, live swap, deactivation and ejection.
 *
 * Design
 * ------
 * activate(B) while A is active builds a new instance of B (ops.init may
 * sleep and allocate), then, in one critical section under vms_lock:
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
 * vms_lock. Paths that may sleep: ops.init/exit, synchronize_rcu(),
 * allocation of the instance.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "policy_call.h"

/* swap statistics, under vms_mutex (read without it for status) */
u64 vms_swaps, vms_last_swap_ns, vms_max_swap_ns;
u64 vms_watchdog_events, vms_policy_errors;
char vms_last_ejected[VMSCHED_NAME_LEN];

/*
 * global parameters of the policies' last instances, under vms_mutex: a
 * policy activated again starts from them
 */
static struct vms_saved_params vms_saved_globals[VMS_SAVED_POLICIES];

/* the last instance slot used: a new one takes the other */
static unsigned int vms_last_slot = 1;

struct vmsched_ops *vms_active_ops_locked(void)
{
	struct vms_instance *in;

	in = rcu_dereference_protected(vms_active, lockdep_is_held(&vms_mutex));
	return in ? in->ops : NULL;
}

static struct vms_instance *vms_instance_new(struct vmsched_ops *ops,
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
	in->slot = vms_last_slot ^ 1;
	if (!zalloc_cpumask_var(&in->cpus, GFP_KERNEL)) {
		kfree(in);
		return ERR_PTR(-ENOMEM);
	}
	/* the pool: the slots parameter is read at activation */
	in->limit = READ_ONCE(vms_param_slots);
	cpus_read_lock();
	in->sched.nr_slots = vms_slots_pick_cpus(in->cpus, in->limit, nr_cpu_ids);
	cpus_read_unlock();
	in->sched.cpus = in->cpus;
	in->running = kcalloc(nr_cpu_ids, sizeof(*in->running), GFP_KERNEL);
	if (!in->running) {
		ret = -ENOMEM;
		goto err;
	}
	vms_params_restore(vms_saved_globals, ops, VMSCHED_SCOPE_GLOBAL, in->sched.params);
	for (i = 0; i < n; i++)
		in->sched.params[idx[i]] = kv[i].value;
	/*
	 * Not published yet, but the contract is the same for every call:
	 * the scheduler lock held, IRQs off (a debug kernel's
	 * lockdep_assert_irqs_disabled() in the policies checks it).
	 */
	raw_spin_lock_irqsave(&vms_lock, flags);
	ret = vms_op_param_changed(in, VMSCHED_SCOPE_GLOBAL, NULL, NULL);
	raw_spin_unlock_irqrestore(&vms_lock, flags);
	if (ret)
		goto err;
	ret = ops->init ? ops->init(&in->sched) : 0;
	if (ret)
		goto err;
	return in;
err:
	kfree(in->running);
	free_cpumask_var(in->cpus);
	kfree(in);
	return ERR_PTR(ret);
}

/* vms_mutex held: the instance has ended, its global parameters are kept */
static void vms_instance_free(struct vms_instance *in)
{
	lockdep_assert_held(&vms_mutex);
	vms_params_save(vms_saved_globals, in->ops, in->sched.params);
	if (in->ops->exit)
		in->ops->exit(&in->sched);
	kfree(in->running);
	free_cpumask_var(in->cpus);
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
static void vms_switch_free(struct vms_vcpu *vc, u64 now)
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
 * The switch from @old to @new (either may be NULL), under vms_lock. Every
 * vCPU keeps its place: granted ones keep their grant, queued ones move to
 * @new's queue in the order they waited, blocked and outside ones stay so.
 */
static void vms_switch(struct vms_instance *old, struct vms_instance *new, u64 now)
{
	struct vms_vcpu *vc;
	struct vms_vm *vm;

	lockdep_assert_held(&vms_lock);
	list_for_each_entry(vm, &vms_vms, node) {
		if (new)
			vms_attach_vm(new, vm, now);
		list_for_each_entry(vc, &vm->vcpus, vm_node) {
			if (old)
				vms_switch_forget(old, vc, now);
			if (new)
				vms_switch_adopt(new, vc, now);
			else
				vms_switch_free(vc, now);
		}
		if (old)
			vms_detach_vm(old, vm);
	}
	vms_slots_set(new ? new->cpus : NULL);
	/*
	 * Queued vCPUs join @new in the order they were queued, longest
	 * waiting first: a swap must not send anyone to the back of the line
	 * (rebuilt in list order, frequent swaps starved the last VMs).
	 */
	if (new)
		list_for_each_entry(vc, &vms_queued, state_node)
			vms_op_enqueue(new, vc, now, VMSCHED_ENQ_WAKEUP);
	rcu_assign_pointer(vms_active, new);
	if (new)
		vms_dispatch(new, now);
	else
		vms_gate_release_all();
}

/* from the host scheduler to a policy: everyone passes the gate again */
static void vms_revoke_all(u64 now)
{
	struct vms_vcpu *vc;
	struct vms_vm *vm;

	for_each_vms_vcpu(vm, vc) {
		WRITE_ONCE(vc->granted, false);
		/*
		 * A thread released by the last deactivation may not have
		 * left the gate yet: it waits again, so queue it.
		 */
		vms_set_state(vc, vc->in_gate ? VMS_QUEUED : VMS_OUTSIDE);
		vc->queued_ns = now;
		vc->wait_since_ns = vc->in_gate ? now : 0;
		vc->wake_ns = 0;
		/* the policy is charged from now on */
		vms_track_reset(vc);
	}
}

/*
 * make running vCPUs leave the guest and pass the gate; halted ones pass
 * it when they wake, and a kick would only wake them for nothing
 */
static void vms_kick_all(void)
{
	struct vms_vcpu *vc;
	struct vms_vm *vm;
	unsigned long flags;

	raw_spin_lock_irqsave(&vms_lock, flags);
	for_each_vms_vcpu(vm, vc)
		if (!vc->granted && !kvm_vcpu_is_blocking(vc->vcpu))
			kvm_vcpu_kick(vc->vcpu);
	raw_spin_unlock_irqrestore(&vms_lock, flags);
}

static void vms_record_swap(u64 start)
{
	u64 d = ktime_get_ns() - start;

	vms_swaps++;
	WRITE_ONCE(vms_last_swap_ns, d);
	if (d > vms_max_swap_ns)
		WRITE_ONCE(vms_max_swap_ns, d);
}

/* swap to @new (NULL: host scheduler); vms_mutex held; may sleep */
static void vms_swap_to(struct vms_instance *new, u64 start)
{
	struct vms_instance *old;
	unsigned long flags;
	u64 now;

	old = rcu_dereference_protected(vms_active, lockdep_is_held(&vms_mutex));
	/* no CPU comes or goes between reading the pool and publishing it */
	cpus_read_lock();
	if (new)
		new->sched.nr_slots = vms_slots_pick_cpus(new->cpus, new->limit, nr_cpu_ids);
	raw_spin_lock_irqsave(&vms_lock, flags);
	now = ktime_get_ns();
	if (!old)
		vms_revoke_all(now);
	vms_switch(old, new, now);
	raw_spin_unlock_irqrestore(&vms_lock, flags);
	cpus_read_unlock();
	if (new)
		vms_last_slot = new->slot;
	vms_record_swap(start);
	if (!old)
		vms_kick_all();

	synchronize_rcu();	/* no probe sees the old instance any more */
	/*
	 * The old policy's module cannot be gone: unloading it ends in
	 * vmsched_unregister_policy(), which waits for vms_mutex.
	 */
	if (old)
		vms_instance_free(old);
}

int vms_activate(const char *name, const struct vmsched_kv *kv, unsigned int n)
{
	struct vms_instance *new, *old;
	struct vmsched_ops *ops;
	u64 start;
	int ret;

	mutex_lock(&vms_mutex);
	start = ktime_get_ns();
	ops = vms_find_policy(name);
	if (!ops || !try_module_get(ops->owner)) {
		ret = -ENOENT;
		goto out;
	}
	old = rcu_dereference_protected(vms_active, lockdep_is_held(&vms_mutex));
	if (old && old->ops == ops) {
		/* already active: only apply the global parameters */
		module_put(ops->owner);
		ret = vms_set_params(VMSCHED_SCOPE_GLOBAL, 0, 0, kv, n);
		goto out;
	}
	new = vms_instance_new(ops, kv, n);
	if (IS_ERR(new)) {
		module_put(ops->owner);
		ret = PTR_ERR(new);
		goto out;
	}
	vms_swap_to(new, start);
	pr_info("policy %s active (swap took %llu ns)\n", name, vms_last_swap_ns);
	/* the active policy holds no module reference: see the Design above */
	module_put(ops->owner);
	ret = 0;
out:
	mutex_unlock(&vms_mutex);
	return ret;
}

/* vms_mutex held */
void vms_deactivate_locked(void)
{
	u64 start = ktime_get_ns();
	struct vms_instance *old;

	old = rcu_dereference_protected(vms_active, lockdep_is_held(&vms_mutex));
	if (!old)
		return;
	vms_swap_to(NULL, start);
	pr_info("host scheduler active (swap took %llu ns)\n", vms_last_swap_ns);
}

int vms_deactivate(void)
{
	mutex_lock(&vms_mutex);
	vms_deactivate_locked();
	mutex_unlock(&vms_mutex);
	return 0;
}

/* ---- ejection ------------------------------------------------------------ */

static struct vmsched_ops *vms_eject_target;	/* under vms_lock */

static void vms_eject_fn(struct work_struct *work)
{
	struct vmsched_ops *target;
	unsigned long flags;

	mutex_lock(&vms_mutex);
	raw_spin_lock_irqsave(&vms_lock, flags);
	target = vms_eject_target;
	vms_eject_target = NULL;
	raw_spin_unlock_irqrestore(&vms_lock, flags);
	if (target && vms_active_ops_locked() == target) {
		strscpy(vms_last_ejected, target->name, sizeof(vms_last_ejected));
		vms_deactivate_locked();
	}
	mutex_unlock(&vms_mutex);
}

static DECLARE_WORK(vms_eject_work, vms_eject_fn);

/* is the active policy's ejection scheduled and not yet done? vms_lock held */
bool vms_eject_pending(void)
{
	struct vms_instance *in = vms_instance_locked();

	lockdep_assert_held(&vms_lock);
	return in && vms_eject_target == in->ops;
}

/* schedule deactivation of the active policy; vms_lock held, atomic */
void vms_eject(const char *why)
{
	struct vms_instance *in = vms_instance_locked();

	if (!in || vms_eject_pending())
		return;
	pr_err("ejecting policy %s: %s\n", in->ops->name, why);
	vms_eject_target = in->ops;
	schedule_work(&vms_eject_work);
}

/* a policy callback returned garbage: count, contain (caller), eject */
void vms_policy_error(struct vms_instance *in, const char *what)
{
	vms_policy_errors++;
	vms_eject(what);
}

void vms_swap_exit(void)
{
	cancel_work_sync(&vms_eject_work);
}
