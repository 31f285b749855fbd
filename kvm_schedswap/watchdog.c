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
 * Context: a delayed work (process context); the scan runs under vms_lock
 * and only schedules the ejection, which runs from its own work item.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/workqueue.h>
#include "policy_call.h"

#define VMS_WATCHDOG_PERIOD	msecs_to_jiffies(100)

static void vms_watchdog_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(vms_watchdog, vms_watchdog_fn);
static bool vms_watchdog_stopping;

/*
 * the limit for the active instance: watchdog_ms, or twice the wait the
 * policy declares for its parameters and load if that is longer
 */
u64 vms_watchdog_limit(struct vms_instance *in)
{
	u64 limit = (u64)READ_ONCE(vms_param_watchdog_ms) * NSEC_PER_MSEC;

	lockdep_assert_held(&vms_lock);
	if (limit && in)
		limit = max(limit, min(vms_op_max_wait(in), VMS_WATCHDOG_MAX_NS / 2) * 2);
	return limit;
}

static void vms_watchdog_scan(void)
{
	struct vms_instance *in = vms_instance_locked();
	u64 now = ktime_get_ns(), limit;
	struct vms_vcpu *vc;
	struct vms_vm *vm;

	/* said once: the ejection may wait for a swap in progress */
	if (!in || vms_eject_pending())
		return;
	limit = vms_watchdog_limit(in);
	if (!limit)
		return;
	for_each_vms_vcpu(vm, vc) {
		if (!vc->in_gate || vc->granted || now - vc->wait_since_ns <= limit)
			continue;
		pr_err("watchdog: policy %s left vCPU %d of VM %d (%s) runnable but gated for %llu ms, limit %llu ms (%s%s, %u of %u slots granted)\n",
		       in->ops->name, vc->vcpu_id, vm->pid, vm->comm,
		       div_u64(now - vc->wait_since_ns, NSEC_PER_MSEC),
		       div_u64(limit, NSEC_PER_MSEC), vms_state_name(vc->state),
		       vc->attached[in->slot] ? "" : ", not attached", vms_nr_granted,
		       in->sched.nr_slots);
		vms_watchdog_events++;
		vms_eject("watchdog: a vCPU waited at the gate too long");
		return;
	}
}

static void vms_watchdog_fn(struct work_struct *work)
{
	unsigned int ms = READ_ONCE(vms_param_watchdog_ms);
	unsigned long flags;

	/* nothing can be gated while the host scheduler rules */
	if (ms && rcu_access_pointer(vms_active)) {
		raw_spin_lock_irqsave(&vms_lock, flags);
		vms_watchdog_scan();
		raw_spin_unlock_irqrestore(&vms_lock, flags);
	}
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
