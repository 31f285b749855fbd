// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: the watchdog.
 *
 * Every 100 ms, while a policy is active, it looks for a vCPU sleeping in
 * the gate that has been runnable without a grant longer than watchdog_ms
 * (module parameter, default 2000, 0 disables), or than twice the wait its
 * policy declares (ops.max_wait: a long slice times the vCPUs queued ahead)
 * if that is longer, up to VMS_WATCHDOG_MAX_NS. The wait starts when the
 * vCPU queues and survives the gate's returns for signals (sched.c). If it
 * finds one, the kernel log names the policy and the vCPU, and the policy
 * is ejected: the host scheduler takes over, which releases every gated
 * vCPU at once.
 *
 * Each pool is scanned on its own, under its lock, and only its policy is
 * ejected.
 *
 * Context: a delayed work (process context); the scan walks the pools
 * under RCU and each under its lock, and only schedules the ejection,
 * which runs from the pool's work item.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/workqueue.h>
#include "policy_call.h"

#define VMS_WATCHDOG_PERIOD	msecs_to_jiffies(100)

static void vms_watchdog_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(vms_watchdog, vms_watchdog_fn);
static bool vms_watchdog_stopping;

/*
 * the limit for an active instance: watchdog_ms, or twice the wait the
 * policy declares for its parameters and load if that is longer; its
 * pool's lock held
 */
u64 vms_watchdog_limit(struct vms_instance *in)
{
	u64 limit = (u64)READ_ONCE(vms_param_watchdog_ms) * NSEC_PER_MSEC;

	if (limit && in)
		limit = max(limit, min(vms_op_max_wait(in), VMS_WATCHDOG_MAX_NS / 2) * 2);
	return limit;
}

static void vms_watchdog_scan(struct vms_pool *pool)
{
	struct vms_instance *in = vms_instance_locked(pool);
	u64 now = ktime_get_ns(), limit;
	struct vms_vcpu *vc;
	struct vms_vm *vm;

	/* said once: the ejection may wait for a swap in progress */
	if (!in || vms_eject_pending(pool))
		return;
	limit = vms_watchdog_limit(in);
	if (!limit)
		return;
	for_each_pool_vcpu(pool, vm, vc) {
		if (!vc->in_gate || vc->granted || now - vc->wait_since_ns <= limit)
			continue;
		pr_err("watchdog: policy %s left vCPU %d of VM %d (%s) in pool %s runnable but gated for %llu ms, limit %llu ms (%s%s, %u of %u slots granted)\n",
		       in->ops->name, vc->vcpu_id, vm->pid, vm->comm, pool->name,
		       div_u64(now - vc->wait_since_ns, NSEC_PER_MSEC),
		       div_u64(limit, NSEC_PER_MSEC), vms_state_name(vc->state),
		       vc->attached[in->slot] ? "" : ", not attached", pool->nr_granted,
		       in->sched.nr_slots);
		pool->watchdog_events++;
		vms_eject(pool, "watchdog: a vCPU waited at the gate too long");
		return;
	}
}

static void vms_watchdog_fn(struct work_struct *work)
{
	unsigned int ms = READ_ONCE(vms_param_watchdog_ms);
	struct vms_pool *pool;
	unsigned long flags;

	rcu_read_lock();
	list_for_each_entry_rcu(pool, &vms_pools, node) {
		/* nothing can be gated while the host scheduler rules */
		if (!ms || !rcu_access_pointer(pool->active))
			continue;
		raw_spin_lock_irqsave(&pool->lock, flags);
		vms_watchdog_scan(pool);
		raw_spin_unlock_irqrestore(&pool->lock, flags);
	}
	rcu_read_unlock();
	if (!READ_ONCE(vms_watchdog_stopping))
		schedule_delayed_work(&vms_watchdog, VMS_WATCHDOG_PERIOD);
}

void vms_watchdog_start(void)
{
	WRITE_ONCE(vms_watchdog_stopping, false);
	schedule_delayed_work(&vms_watchdog, VMS_WATCHDOG_PERIOD);
}

void vms_watchdog_stop(void)
{
	WRITE_ONCE(vms_watchdog_stopping, true);
	cancel_delayed_work_sync(&vms_watchdog);
}
