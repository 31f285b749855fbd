// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: following what vCPU threads really do.
 *
 * Design
 * ------
 * A grant is CPU time on a pCPU, not a promise of wall time, so the core
 * follows three things the host scheduler and KVM know better than it:
 *
 * Run time. A grant is charged the CPU time its thread used, read from the
 * host scheduler's own account of the thread (se.sum_exec_runtime, what
 * /proc/PID/task/TID/schedstat shows). Each charge takes the time used
 * since the previous charge (vms_account_cputime()): the grant's run time plus
 * what the thread used between two grants (the gate, halt polling, the
 * VMM's handling of an exit), which is the vCPU's too. The scheduler
 * updates the sum at every context switch and tick, so one charge may miss
 * up to one tick of a thread running on another CPU; the next charge gets
 * it, so nothing is lost over time. Time waiting on the host's run queue
 * while granted is not charged.
 *
 * Stops. A granted vCPU whose thread blocks for any reason other than a
 * halt (the VMM paused it: SIGSTOP, QEMU's "stop", a thread waiting for
 * INIT/SIPI, a userfaultfd fault, the thread's exit) gives its slot back
 * VMS_STOP_GRACE_NS later if it is still blocked then, and is not granted
 * again before it enters the guest again. A probe on the sched_switch
 * tracepoint sees the thread leave its CPU: every CPU remembers the vCPU
 * that last entered a guest or passed the gate there (vms_cpu_vcpu), and
 * the probe's only work on any other switch is one per-CPU load and one
 * compare. A thread that moved to another CPU and stops there before its
 * next guest entry escapes the probe: its slice end then finds it blocked
 * and frees the slot (sched.c), so the bound there is one slice.
 *
 * The current thread. KVM lets any thread run a vCPU fd (QEMU does when it
 * re-plugs a parked vCPU). The thread in KVM_RUN now is the vCPU's thread:
 * the kvm_entry probe compares it with vc->task on every entry and adopts
 * a new one (vms_track_rethread()), so wake-ups, kicks and the gate follow.
 * Only one thread can be in KVM_RUN for a vCPU (vcpu->mutex), so the old
 * thread cannot be sleeping in the gate when that happens.
 *
 * Context: the sched_switch probe runs inside the scheduler with its run
 * queue lock held and IRQs off: it takes no lock (pool locks nest outside
 * the scheduler's locks) and only arms the stop timer, an hrtimer whose
 * base lock the scheduler itself takes under its run queue lock (hrtick).
 * The stop timer runs in hardirq context and takes its pool's lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <linux/sched/task.h>
#include <linux/tracepoint.h>
#include "core.h"

/* the vCPU that last entered a guest or passed the gate on this CPU (RCU) */
DEFINE_PER_CPU(struct vms_vcpu *, vms_cpu_vcpu);

static struct tracepoint *vms_tp_sched_switch;

/*
 * CPU time @vc's thread used since the last call: add it to the vCPU's
 * run_ns and return it, for the policy's charge (its pool's lock held)
 */
u64 vms_account_cputime(struct vms_vcpu *vc)
{
	u64 d = vms_cputime_pending(vc);

	lockdep_assert_held(&vms_vcpu_pool(vc)->lock);
	vc->cpu_mark += d;
	vc->stats.run_ns += d;
	return d;
}

/* the time used from here on is charged; what came before is not */
void vms_track_reset(struct vms_vcpu *vc)
{
	vc->cpu_mark = READ_ONCE(vc->task->se.sum_exec_runtime);
}

/*
 * kvm_entry probe, IRQs off: @vc runs in a thread that is not vc->task.
 * Adopt it. put_task_struct() of the old thread is safe with IRQs off on
 * a !PREEMPT_RT kernel (linux/sched/task.h), and so is put_pid() (a pid
 * is freed from RCU callbacks too).
 */
void vms_track_rethread(struct vms_vcpu *vc)
{
	struct task_struct *old = NULL;
	struct pid *old_pid = NULL;
	struct vms_pool *pool;

	pool = vms_pool_lock_irqsoff(vc->vm);
	if (vc->task != current && !vc->released) {
		old = vc->task;
		old_pid = vc->tpid;
		get_task_struct(current);
		vc->task = current;
		vc->tpid = get_pid(task_pid(current));
		vc->tid = pid_nr(vc->tpid);
		vms_track_reset(vc);
		vc->rethreads++;
	}
	raw_spin_unlock(&pool->lock);
	if (old) {
		pr_debug("vCPU %d of VM %d moved to thread %d\n", vc->vcpu_id, vc->vm->pid,
			 vc->tid);
		put_task_struct(old);
		put_pid(old_pid);
	}
}

/*
 * sched_switch: @prev leaves this CPU. If it is the thread of the vCPU
 * that last ran here, holds a grant and blocks (not preempted: a sleep
 * that a pending signal cancelled leaves it TASK_RUNNING), arm its stop
 * timer. Scheduler context: no locks, no wake-ups.
 */
static void vms_probe_switch(void *data, bool preempt, struct task_struct *prev,
			     struct task_struct *next, unsigned int prev_state)
{
	struct vms_vcpu *vc = __this_cpu_read(vms_cpu_vcpu);

	if (likely(!vc || READ_ONCE(vc->task) != prev))
		return;
	/* a grant made while it slept in the gate starts when it runs */
	if (preempt || task_is_running(prev) || READ_ONCE(vc->state) != VMS_GRANTED ||
	    READ_ONCE(vc->slice_ns))
		return;
	if (!hrtimer_is_queued(&vc->stop_timer))
		hrtimer_start(&vc->stop_timer, ns_to_ktime(VMS_STOP_GRACE_NS),
			      HRTIMER_MODE_REL_PINNED_HARD);
}

/*
 * the stop timer: a granted thread blocked a while ago; still blocked? A
 * grant whose slice has not started is left alone: its thread was woken in
 * the gate to take it and may not have run yet (a waking thread is not
 * TASK_RUNNING for a moment); the slice timer guards that case.
 */
static enum hrtimer_restart vms_stop_timer_fn(struct hrtimer *t)
{
	struct vms_vcpu *vc = container_of(t, struct vms_vcpu, stop_timer);
	struct vms_instance *in;
	struct vms_pool *pool;
	unsigned long flags;
	u64 now;

	pool = vms_pool_lock(vc->vm, &flags);
	in = vms_instance_locked(pool);
	if (in && vc->state == VMS_GRANTED && !vc->slice_ns && !task_is_running(vc->task)) {
		now = ktime_get_ns();
		vms_end_grant(in, vc, now, false);
		vc->stops++;
		vms_dispatch(pool, now);
	}
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	return HRTIMER_NORESTART;
}

void vms_track_init_vcpu(struct vms_vcpu *vc)
{
	hrtimer_init(&vc->stop_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	vc->stop_timer.function = vms_stop_timer_fn;
	vms_track_reset(vc);
}

/*
 * @vc is going away: no CPU may remember it. The caller waits for a grace
 * period after this (sched_switch probes run with IRQs off), then cancels
 * the stop timer, before freeing @vc. Nothing sets the pointer again: the
 * vCPU is no longer found by the kvm_entry probe and its gate has run.
 */
void vms_track_forget(struct vms_vcpu *vc)
{
	int cpu;

	for_each_possible_cpu(cpu)
		cmpxchg(per_cpu_ptr(&vms_cpu_vcpu, cpu), vc, NULL);
}

static void vms_find_tracepoint(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_switch"))
		vms_tp_sched_switch = tp;
}

/* at module load; may sleep (text patching) */
int vms_track_register(void)
{
	int ret;

	for_each_kernel_tracepoint(vms_find_tracepoint, NULL);
	if (!vms_tp_sched_switch) {
		pr_err("no sched_switch tracepoint\n");
		return -ENOENT;
	}
	ret = tracepoint_probe_register(vms_tp_sched_switch, vms_probe_switch, NULL);
	if (ret)
		pr_err("cannot attach to the sched_switch tracepoint: %d\n", ret);
	return ret;
}

/* the caller waits for running probes (tracepoint_synchronize_unregister) */
void vms_track_unregister(void)
{
	tracepoint_probe_unregister(vms_tp_sched_switch, vms_probe_switch, NULL);
}
