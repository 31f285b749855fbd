// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: the gate that holds back vCPUs the policy has not granted.
 *
 * Design
 * ------
 * The kvm_entry probe runs in the vCPU thread right before it enters the
 * guest, with IRQs off, after KVM's last check for pending work. If the vCPU
 * has no grant (or its thread runs outside its pool's CPUs, confine.c), the
 * probe queues gate_work as a TWA_RESUME task_work and
 * raises a self-IPI (irq_work), so that the entry in progress leaves the
 * guest at once and KVM's run loop runs the task_work before the next
 * entry, in process context, inside KVM_RUN. There the gate sleeps until a
 * grant arrives, a signal is pending (so that the VMM can always pause and
 * kick its vCPU threads: KVM_RUN then returns -EINTR), the policy is gone,
 * or the VM is being reaped.
 *
 * A task_work cannot be cancelled by a module, so gate_work is owned by the
 * vCPU until it has run: gate_queued is set when it is queued and cleared
 * as the last action of the callback; it is never queued twice, and the
 * core waits for it to clear (vms_gate_drain) before freeing the vCPU.
 *
 * Locking: the gate takes its pool's lock around state changes and sleeps
 * with no lock held. It may sleep because it runs from task_work_run() in the vCPU
 * thread's own context with no locks held (vcpu->mutex is held by KVM_RUN,
 * which is why the sleep must end on a signal).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/sched/signal.h>
#include "policy_call.h"

static bool vms_gate_open(struct vms_vcpu *vc)
{
	bool open;

	if (READ_ONCE(vc->granted) || READ_ONCE(vc->released))
		return true;
	/* the VM's pool, or the one it moved to: pools go after a grace period */
	rcu_read_lock();
	open = !rcu_access_pointer(READ_ONCE(vc->vm->pool)->active);
	rcu_read_unlock();
	return open;
}

static void vms_gate_work(struct callback_head *head)
{
	struct vms_vcpu *vc = container_of(head, struct vms_vcpu, gate_work);
	struct vms_instance *in;
	struct vms_pool *pool;
	unsigned long flags;
	bool wait = false;
	u64 now;

	if (current->flags & PF_EXITING)
		goto out;
	if (READ_ONCE(vc->confine_pending)) {
		WRITE_ONCE(vc->confine_pending, false);
		vms_confine_self(vc);
	}

	pool = vms_pool_lock(vc->vm, &flags);
	in = vms_instance_locked(pool);
	if (in && !vc->released) {
		now = ktime_get_ns();
		wait = !vms_make_runnable(in, vc, now);
		vc->in_gate = wait;
		/* the watchdog's clock runs whenever a vCPU sleeps here */
		if (wait && !vc->wait_since_ns)
			vc->wait_since_ns = now;
	}
	raw_spin_unlock_irqrestore(&pool->lock, flags);

	while (wait) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (vms_gate_open(vc) || signal_pending(current))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);

	if (wait) {
		/* the thread runs here now: its stops are seen on this CPU */
		this_cpu_write(vms_cpu_vcpu, vc);
		pool = vms_pool_lock(vc->vm, &flags);
		vc->in_gate = false;
		in = vms_instance_locked(pool);
		if (vc->state == VMS_GRANTED && vc->slice_ns)
			vms_slice_start(vc, ktime_get_ns(), vc->slice_ns);
		/* left on a signal: out of the policy's hands until it returns */
		if (in && vc->state == VMS_QUEUED && vc->attached[in->slot]) {
			now = ktime_get_ns();
			vms_op_dequeue(in, vc, now);
			vc->stats.wait_ns += now - vc->queued_ns;
			vc->left_gate_ns = now;	/* its wait goes on if it is back soon */
			vms_set_state(vc, VMS_OUTSIDE);
		}
		raw_spin_unlock_irqrestore(&pool->lock, flags);
	}
out:
	/* last touch of @vc: after this the core may free it */
	atomic_set_release(&vc->gate_queued, 0);
}

/*
 * Called by the kvm_entry probe (IRQs off, in the vCPU thread) for a vCPU
 * without a grant: make it stop at the gate before its next entry.
 */
void vms_gate_request(struct vms_vcpu *vc)
{
	if (atomic_xchg(&vc->gate_queued, 1))
		return;		/* already queued or running */
	init_task_work(&vc->gate_work, vms_gate_work);
	if (task_work_add(current, &vc->gate_work, TWA_RESUME)) {
		/* the thread is exiting */
		atomic_set(&vc->gate_queued, 0);
		return;
	}
	/* the entry in progress must exit at once: self-IPI */
	irq_work_queue(&vc->kick);
}

/* wake every vCPU of @pool sleeping in the gate; caller holds its lock */
void vms_gate_release_all(struct vms_pool *pool)
{
	struct vms_vcpu *vc;
	struct vms_vm *vm;

	lockdep_assert_held(&pool->lock);
	for_each_pool_vcpu(pool, vm, vc)
		if (vc->in_gate)
			wake_up_process(vc->task);
}

/*
 * Wait until @vc's gate_work has run. A vCPU halted in the guest runs its
 * pending task_work only when it leaves the halt, so unblock it the way KVM
 * itself does. May sleep; call without locks, with @vc->released set.
 *
 * The wait has no end on purpose: a queued task_work cannot be cancelled
 * from a module, and its callback is this module's text, so neither the
 * vCPU nor the module may go before it has run. A thread that cannot run
 * it (stuck in an uninterruptible sleep inside KVM_RUN) is named in the
 * log every 10 s, so that an admin sees what an rmmod waits for.
 */
void vms_gate_drain(struct vms_vcpu *vc)
{
	unsigned int i;

	for (i = 1; atomic_read_acquire(&vc->gate_queued); i++) {
		if (!(i % 10)) {
			kvm_make_request(KVM_REQ_UNBLOCK, vc->vcpu);
			kvm_vcpu_kick(vc->vcpu);
			wake_up_process(vc->task);
		}
		if (!(i % 10000))
			pr_warn("waiting %u s for thread %d (vCPU %d of VM %d, state %#x) to leave the gate\n",
				i / 1000, vc->tid, vc->vcpu_id, vc->vm->pid,
				READ_ONCE(vc->task->__state));
		msleep(1);
	}
	irq_work_sync(&vc->kick);
	hrtimer_cancel(&vc->slice_timer);
}
