// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: a pool's vCPU threads run on its CPUs.
 *
 * Design
 * ------
 * While more than one pool exists, the vCPU threads of each pool's VMs may
 * only run on that pool's CPUs, as Xen's domains run on their cpupool's:
 * a pool's CPUs are its own, whatever the policies in the others do. The
 * core narrows each thread's affinity to its "home" affinity (what it had
 * before the core first narrowed it: the admin's, libvirt's) within its
 * pool's CPUs, and gives the home affinity back when a single pool is left
 * again. Three paths do it:
 *
 * - a move (pool.c) sets the affinity of each of the VM's threads for its
 *   new pool, and refuses a VM one of whose threads would have no CPU left;
 * - the kvm_entry probe notices a thread that enters the guest on a CPU
 *   outside its pool (a VM that was in the default pool when a pool took
 *   CPUs from it, a vCPU thread that appeared later) and sends it through
 *   the gate, where it narrows its own affinity (process context, its own
 *   thread: it may sleep there) before it enters the guest again;
 * - creating or destroying a pool sets every thread's affinity for its
 *   pool (vms_confine_refresh_all()): the default pool's VMs leave a new
 *   pool's CPUs at once, and the last pool but the default one going
 *   away gives every thread its home affinity back.
 *
 * A VM moved back to the default pool, or handed to it, always goes: a
 * thread whose home affinity has none of the default pool's CPUs keeps
 * its home affinity.
 *
 * A thread whose home affinity has no CPU of its pool (pinned by the admin
 * to another pool's CPUs) is left alone and logged once: the core does not
 * fight the admin's affinity. It counts as pinned outside the pool (it may
 * use every slot) until it moves.
 *
 * An admin who changes a thread's affinity while the core has it narrowed
 * is heard: the core sees that the thread's affinity is no longer the one
 * it set (applied_cpus) and takes the admin's as the new home affinity.
 *
 * Locking: home_cpus, applied_cpus, confined and confine_failed are
 * written under the vCPU's pool lock. A change of the thread's affinity
 * (reading what it is, deciding, setting it: set_cpus_allowed_ptr() may
 * sleep) holds the vCPU's confine_lock, a mutex, so that a move (which
 * holds vms_mutex) and the gate never act on what the other is changing;
 * the gate takes no other sleeping lock. A move sets the VM's new pool
 * before its threads' affinity, so both compute for the same pool.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include "core.h"

/* pools that exist, the default one included; written under vms_mutex */
unsigned int vms_nr_pools = 1;

/*
 * The affinity @vc's thread @task gets in @pool, into @mask: its home
 * affinity within the pool's CPUs, or its home affinity when a single pool
 * exists. False if that leaves no CPU. @vc's pool lock held.
 */
bool vms_confine_mask(const struct vms_vcpu *vc, const struct task_struct *task,
		      const struct vms_pool *pool, struct cpumask *mask)
{
	const struct cpumask *home = &task->cpus_mask;

	/* narrowed by the core, and not changed by the admin since */
	if (vc->confined && cpumask_equal(home, vc->applied_cpus))
		home = vc->home_cpus;

	if (READ_ONCE(vms_nr_pools) == 1) {
		cpumask_copy(mask, home);
		return true;
	}
	return cpumask_and(mask, home, pool->cpus);
}

/*
 * @vc's thread @task is about to get @mask, which vms_confine_mask() gave:
 * remember its home affinity first. @vc's pool lock held.
 */
void vms_confine_commit(struct vms_vcpu *vc, const struct task_struct *task,
			const struct cpumask *mask)
{
	if (!vc->confined || !cpumask_equal(&task->cpus_mask, vc->applied_cpus))
		cpumask_copy(vc->home_cpus, &task->cpus_mask);
	cpumask_copy(vc->applied_cpus, mask);
	vc->confined = READ_ONCE(vms_nr_pools) > 1;
	vc->confine_failed = false;
}

/**
 * vms_confine_thread() - give a vCPU thread its affinity in a pool
 * @vc: the vCPU
 * @task: its thread (a reference held, or current)
 * @to: the pool it is in or moves to; NULL: the one it is in
 * @mask: scratch
 *
 * A thread whose home affinity has none of the pool's CPUs gets its home
 * affinity (and is logged). Context: process, no lock held; may sleep.
 */
void vms_confine_thread(struct vms_vcpu *vc, struct task_struct *task, struct vms_pool *to,
			struct cpumask *mask)
{
	struct vms_pool *pool;
	unsigned long flags;
	bool ok;
	int ret;

	/* one change at a time: what it reads of the thread is what it last set */
	mutex_lock(&vc->confine_lock);
	pool = vms_pool_lock(vc->vm, &flags);
	if (!to)
		to = pool;
	ok = vms_confine_mask(vc, task, to, mask);
	if (ok) {
		vms_confine_commit(vc, task, mask);
	} else {
		if (vc->confined && cpumask_equal(&task->cpus_mask, vc->applied_cpus))
			cpumask_copy(mask, vc->home_cpus);
		else
			cpumask_copy(mask, &task->cpus_mask);
		vc->confined = false;
		WRITE_ONCE(vc->confine_failed, true);
	}
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	if (!ok)
		pr_warn("pool %s: thread %d (vCPU %d of VM %d) may run on none of its CPUs: left as it is\n",
			to->name, task->pid, vc->vcpu_id, vc->vm->pid);
	if (!cpumask_equal(mask, &task->cpus_mask)) {
		ret = set_cpus_allowed_ptr(task, mask);
		if (ret) {
			/* none of them online: not again before the next move or refresh */
			WRITE_ONCE(vc->confine_failed, true);
			pr_warn("thread %d of VM %d: affinity %*pbl not set: %d\n", task->pid,
				vc->vm->pid, cpumask_pr_args(mask), ret);
		}
	}
	mutex_unlock(&vc->confine_lock);
}

/*
 * The gate, in @vc's own thread, which entered the guest outside its
 * pool's CPUs. Process context, no lock held; may sleep.
 */
void vms_confine_self(struct vms_vcpu *vc)
{
	cpumask_var_t mask;

	/* short of memory: the probe asks again at the next guest entry */
	if (!alloc_cpumask_var(&mask, GFP_KERNEL))
		return;
	vms_confine_thread(vc, current, NULL, mask);
	free_cpumask_var(mask);
}

/**
 * vms_vm_threads() - reference every vCPU thread of a VM
 * @vm: the VM (vms_mutex held: it is not reaped meanwhile)
 * @out: the array, for vms_vm_threads_put()
 *
 * Return: how many, or -ENOMEM.
 */
int vms_vm_threads(struct vms_vm *vm, struct vms_thread **out)
{
	struct vms_thread *t;
	struct vms_pool *pool;
	struct vms_vcpu *vc;
	unsigned long flags;
	unsigned int n, i = 0;

	pool = vms_pool_lock(vm, &flags);
	n = vm->nr_vcpus;
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	t = kcalloc(max(n, 1U), sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	/* vCPUs are freed only by the reaper, which needs vms_mutex */
	pool = vms_pool_lock(vm, &flags);
	list_for_each_entry(vc, &vm->vcpus, vm_node) {
		if (i == n)
			break;
		t[i].vc = vc;
		t[i].task = get_task_struct(vc->task);
		i++;
	}
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	*out = t;
	return i;
}

void vms_vm_threads_put(struct vms_thread *t, int n)
{
	while (n-- > 0)
		put_task_struct(t[n].task);
	kfree(t);
}

/*
 * Pools were created or destroyed: every vCPU thread gets its affinity in
 * its pool (its home affinity again when a single pool is left). vms_mutex
 * held (no VM is reaped or moved meanwhile); may sleep.
 */
void vms_confine_refresh_all(void)
{
	struct vms_thread *t;
	cpumask_var_t mask;
	struct vms_vm *vm;
	int n, i;

	lockdep_assert_held(&vms_mutex);
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return;
	list_for_each_entry(vm, &vms_vms, node) {
		n = vms_vm_threads(vm, &t);
		for (i = 0; i < n; i++)
			vms_confine_thread(t[i].vc, t[i].task, NULL, mask);
		if (n >= 0)
			vms_vm_threads_put(t, n);
	}
	free_cpumask_var(mask);
}
