// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: pools of pCPUs, each with its own policy, after Xen's
 * cpupools.
 *
 * Design
 * ------
 * A pool is a set of CPUs (its slots, slots.c) and the VMs that run on
 * them, with its own active policy, parameters, live swap, statistics and
 * lock (struct vms_pool). The default pool always exists: it holds every
 * CPU that is in no other pool and every VM not moved to another pool, so
 * a host that never creates a pool has exactly one, as before pools.
 *
 * Creating a pool takes CPUs from the default pool; destroying it
 * deactivates its policy and gives its CPUs and VMs back. A grant that
 * holds the slot of a CPU leaving a pool runs to the end of its slice (a
 * few ms at most with two pools' grants on that CPU).
 *
 * Moving a VM: it leaves its pool's policy as a deactivation would leave
 * it (its grant ends, it leaves the queue) and joins the other pool's as
 * a new VM does, in one critical section under both pools' locks, so
 * none of its vCPUs is lost or runs ungated meanwhile. Its vCPU threads
 * may then only run on the new pool's CPUs (confine.c): a VM one of whose
 * threads would have none left is refused before anything changes.
 *
 * A pool whose last CPU goes offline hands its VMs to the default pool
 * (logged); it keeps its CPUs for when they come back.
 *
 * Locking: the pool list is written under vms_mutex and read under it or
 * RCU; a pool is freed after a grace period. Create, destroy and move run
 * in process context under vms_mutex and may sleep (affinity changes,
 * synchronize_rcu()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/ctype.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "policy_call.h"

/* every pool, the default one first: written under vms_mutex, read under RCU */
LIST_HEAD(vms_pools);
struct vms_pool *vms_default_pool;

static struct vms_pool *vms_pool_alloc(const char *name)
{
	struct vms_pool *pool = kzalloc(sizeof(*pool), GFP_KERNEL);

	if (!pool)
		return NULL;
	if (!zalloc_cpumask_var(&pool->cpus, GFP_KERNEL) ||
	    !zalloc_cpumask_var(&pool->slot_cpus, GFP_KERNEL) ||
	    !zalloc_cpumask_var(&pool->held_slots, GFP_KERNEL) ||
	    !zalloc_cpumask_var(&pool->free_slots, GFP_KERNEL)) {
		free_cpumask_var(pool->free_slots);
		free_cpumask_var(pool->held_slots);
		free_cpumask_var(pool->slot_cpus);
		free_cpumask_var(pool->cpus);
		kfree(pool);
		return NULL;
	}
	strscpy(pool->name, name, sizeof(pool->name));
	raw_spin_lock_init(&pool->lock);
	INIT_LIST_HEAD(&pool->vms);
	INIT_LIST_HEAD(&pool->granted);
	INIT_LIST_HEAD(&pool->queued);
	pool->last_slot = 1;
	vms_repoll_init(pool);
	vms_eject_init(pool);
	return pool;
}

/*
 * free a pool that has no VM, no policy and is on no list; waits for
 * lockless readers and the pool's timer and work; may sleep
 */
static void vms_pool_free(struct vms_pool *pool)
{
	synchronize_rcu();
	hrtimer_cancel(&pool->repoll_timer);
	cancel_work_sync(&pool->eject_work);
	free_cpumask_var(pool->free_slots);
	free_cpumask_var(pool->held_slots);
	free_cpumask_var(pool->slot_cpus);
	free_cpumask_var(pool->cpus);
	kfree(pool);
}

bool vms_pool_name_valid(const char *name)
{
	size_t i, n = strnlen(name, VMSCHED_NAME_LEN);

	if (!n || n == VMSCHED_NAME_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!islower(name[i]) && !isdigit(name[i]) && name[i] != '_' && name[i] != '-')
			return false;
	return true;
}

/* the pool called @name ("" is the default pool), or NULL; vms_mutex or RCU */
struct vms_pool *vms_find_pool(const char *name)
{
	struct vms_pool *pool;

	if (!name[0])
		return vms_default_pool;
	list_for_each_entry_rcu(pool, &vms_pools, node, lockdep_is_held(&vms_mutex))
		if (!strncmp(pool->name, name, VMSCHED_NAME_LEN))
			return pool;
	return NULL;
}

/* @pool's slots follow a change of its CPUs; under the CPU hotplug lock */
static void vms_pool_resize(struct vms_pool *pool)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&pool->lock, flags);
	vms_slots_set(pool, nr_cpu_ids);
	vms_dispatch(pool, ktime_get_ns());
	raw_spin_unlock_irqrestore(&pool->lock, flags);
}

/**
 * vms_pool_create() - a pool of @cpus, taken from the default pool
 * @name: its name, 1-31 characters of [a-z0-9_-], not "default"
 * @cpus: its CPUs
 *
 * Context: process, may sleep; takes vms_mutex.
 * Return: 0; -EINVAL for a bad name, no CPU or an offline one; -EEXIST if
 * the name is taken; -EBUSY if a CPU is in another pool or the default
 * pool would keep no online CPU; -ENOMEM.
 */
int vms_pool_create(const char *name, const struct cpumask *cpus)
{
	struct vms_pool *pool, *def = vms_default_pool;
	int ret = 0;

	if (!vms_pool_name_valid(name) || !strcmp(name, VMSCHED_POOL_DEFAULT) ||
	    cpumask_empty(cpus))
		return -EINVAL;
	pool = vms_pool_alloc(name);
	if (!pool)
		return -ENOMEM;
	cpumask_copy(pool->cpus, cpus);
	mutex_lock(&vms_mutex);
	cpus_read_lock();
	if (vms_find_pool(name))
		ret = -EEXIST;
	else if (!cpumask_subset(cpus, cpu_online_mask))
		ret = -EINVAL;
	else if (!cpumask_subset(cpus, def->cpus))
		ret = -EBUSY;
	/* the default pool must keep an online CPU (scratch: the new slots) */
	else if (!cpumask_andnot(pool->slot_cpus, def->cpus, cpus) ||
		 !cpumask_intersects(pool->slot_cpus, cpu_online_mask))
		ret = -EBUSY;
	if (!ret) {
		cpumask_andnot(def->cpus, def->cpus, cpus);
		vms_pool_resize(def);
		vms_pool_resize(pool);
		list_add_tail_rcu(&pool->node, &vms_pools);
		WRITE_ONCE(vms_nr_pools, vms_nr_pools + 1);
		pr_info("pool %s created: CPUs %*pbl\n", name, cpumask_pr_args(cpus));
	}
	cpus_read_unlock();
	/* the default pool's VMs leave its CPUs */
	if (!ret)
		vms_confine_refresh_all();
	mutex_unlock(&vms_mutex);
	if (ret)
		vms_pool_free(pool);
	return ret;
}

/* ---- moving VMs ---------------------------------------------------------- */

/* lock @a and @b, lower address first; IRQs off */
static void vms_pools_lock2(struct vms_pool *a, struct vms_pool *b)
	__acquires(&a->lock) __acquires(&b->lock)
{
	if (a > b)
		swap(a, b);
	raw_spin_lock(&a->lock);
	raw_spin_lock_nested(&b->lock, SINGLE_DEPTH_NESTING);
}

static void vms_pools_unlock2(struct vms_pool *a, struct vms_pool *b)
	__releases(&a->lock) __releases(&b->lock)
{
	raw_spin_unlock(&a->lock);
	raw_spin_unlock(&b->lock);
}

/*
 * @vm leaves @from's policy and joins @to's, in one critical section;
 * vms_mutex held. Its vCPUs without a grant in @to are kicked out of the
 * guest to pass @to's gate.
 */
static void vms_move_locked(struct vms_vm *vm, struct vms_pool *from, struct vms_pool *to)
{
	struct vms_instance *oin, *nin;
	struct vms_vcpu *vc;
	unsigned long flags;
	u64 now;

	raw_spin_lock_irqsave(&vms_vms_lock, flags);
	vms_pools_lock2(from, to);
	now = ktime_get_ns();
	oin = vms_instance_locked(from);
	nin = vms_instance_locked(to);
	list_for_each_entry(vc, &vm->vcpus, vm_node) {
		if (oin)
			vms_detach_vcpu(oin, vc, now);
		vms_release_vcpu(vc, now);	/* out of @from's lists */
	}
	if (oin)
		vms_detach_vm(oin, vm);
	list_move_tail(&vm->pool_node, &to->vms);
	from->nr_vms--;
	from->nr_vcpus -= vm->nr_vcpus;
	to->nr_vms++;
	to->nr_vcpus += vm->nr_vcpus;
	WRITE_ONCE(vm->pool, to);
	if (nin) {
		vms_attach_vm(nin, vm, now);
		list_for_each_entry(vc, &vm->vcpus, vm_node) {
			vms_slots_update_vcpu(vc);
			vms_revoke_vcpu(vc, now);
			vms_attach_vcpu(nin, vc, now);
			if (vc->state == VMS_QUEUED)
				vms_op_enqueue(nin, vc, now, VMSCHED_ENQ_WAKEUP);
		}
	} else {
		list_for_each_entry(vc, &vm->vcpus, vm_node)
			if (vc->in_gate)
				wake_up_process(vc->task);
	}
	vms_dispatch(from, now);
	vms_dispatch(to, now);
	/* running ones without a grant leave the guest and pass @to's gate */
	if (nin)
		list_for_each_entry(vc, &vm->vcpus, vm_node)
			if (!vc->granted && !kvm_vcpu_is_blocking(vc->vcpu))
				kvm_vcpu_kick(vc->vcpu);
	vms_pools_unlock2(from, to);
	raw_spin_unlock_irqrestore(&vms_vms_lock, flags);
}

/*
 * Move @vm to @to: check that each of its threads keeps a CPU there (the
 * default pool takes any VM), move it, then set their affinity for @to.
 * vms_mutex held; may sleep.
 */
static int vms_move_vm(struct vms_vm *vm, struct vms_pool *to)
{
	struct vms_pool *from = vm->pool;	/* stable: moves hold vms_mutex */
	struct vms_thread *t = NULL;
	struct vms_pool *pool;
	cpumask_var_t mask;
	unsigned long flags;
	int n, i, ret = 0;
	bool ok;

	lockdep_assert_held(&vms_mutex);
	if (from == to)
		return 0;
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	n = vms_vm_threads(vm, &t);
	if (n < 0) {
		free_cpumask_var(mask);
		return n;
	}
	for (i = 0; i < n && to != vms_default_pool && !ret; i++) {
		pool = vms_pool_lock(vm, &flags);
		ok = vms_confine_mask(t[i].vc, t[i].task, to, mask);
		raw_spin_unlock_irqrestore(&pool->lock, flags);
		if (!ok)
			ret = -EINVAL;
	}
	if (ret)
		goto out;
	/*
	 * Moved first, narrowed after: a thread that enters the guest outside
	 * its pool's CPUs meanwhile narrows itself for the same pool (the
	 * gate), never for the one it leaves.
	 */
	vms_move_locked(vm, from, to);
	for (i = 0; i < n; i++)
		vms_confine_thread(t[i].vc, t[i].task, to, mask);
	pr_info("VM %d (%s) moved from pool %s to pool %s\n", vm->pid, vm->comm, from->name,
		to->name);
out:
	vms_vm_threads_put(t, n);
	free_cpumask_var(mask);
	return ret;
}

/**
 * vms_pool_move() - move the VM of process @pid to pool @name
 * @pid: the VMM, in the caller's pid namespace
 * @name: the pool ("" or "default": the default pool)
 *
 * Context: process, may sleep; takes vms_mutex.
 * Return: 0; -ENOENT: no such pool; -ESRCH, -ENOTUNIQ: as vms_find_vm();
 * -EINVAL: a vCPU thread may run on none of the pool's CPUs; -ENOMEM.
 */
int vms_pool_move(pid_t pid, const char *name)
{
	struct vms_pool *to;
	struct vms_vm *vm;
	int ret;

	mutex_lock(&vms_mutex);
	to = vms_find_pool(name);
	if (!to) {
		ret = -ENOENT;
		goto out;
	}
	rcu_read_lock();
	vm = vms_find_vm(pid);
	rcu_read_unlock();
	/* @vm stays valid: the reaper needs vms_mutex */
	ret = IS_ERR(vm) ? PTR_ERR(vm) : vms_move_vm(vm, to);
out:
	mutex_unlock(&vms_mutex);
	return ret;
}

/* every VM of @pool goes to the default pool; vms_mutex held */
static void vms_pool_empty(struct vms_pool *pool)
{
	struct vms_vm *vm;
	int ret;

	for (;;) {
		vm = list_first_entry_or_null(&pool->vms, struct vms_vm, pool_node);
		if (!vm)
			break;
		ret = vms_move_vm(vm, vms_default_pool);
		if (ret) {
			/* only allocation can fail: leave the rest, say so */
			pr_err("pool %s: VM %d not moved to the default pool: %d\n", pool->name,
			       vm->pid, ret);
			break;
		}
	}
}

/**
 * vms_pool_destroy() - pool @name's VMs and CPUs go back to the default pool
 * @name: the pool
 *
 * Context: process, may sleep; takes vms_mutex.
 * Return: 0; -EINVAL for the default pool; -ENOENT: no such pool; -ENOMEM
 * if a VM could not be moved (the pool stays, with its policy and the VMs
 * not moved yet; those moved stay in the default pool).
 */
int vms_pool_destroy(const char *name)
{
	struct vms_pool *pool;
	int ret = 0;

	mutex_lock(&vms_mutex);
	pool = vms_find_pool(name);
	if (!pool) {
		ret = -ENOENT;
	} else if (pool == vms_default_pool) {
		ret = -EINVAL;
	} else {
		/* its VMs leave its policy one by one, then it ends */
		vms_pool_empty(pool);
		if (!list_empty(&pool->vms))
			ret = -ENOMEM;
		else
			vms_deactivate_locked(pool);
	}
	if (!ret) {
		cpus_read_lock();
		list_del_rcu(&pool->node);
		WRITE_ONCE(vms_nr_pools, vms_nr_pools - 1);
		cpumask_or(vms_default_pool->cpus, vms_default_pool->cpus, pool->cpus);
		vms_pool_resize(vms_default_pool);
		cpus_read_unlock();
		/* the default pool's VMs may use its CPUs (all of theirs if it is the last) */
		vms_confine_refresh_all();
		pr_info("pool %s destroyed: CPUs %*pbl back in the default pool\n", pool->name,
			cpumask_pr_args(pool->cpus));
	}
	mutex_unlock(&vms_mutex);
	if (!ret)
		vms_pool_free(pool);
	return ret;
}

/* ---- a pool without CPUs --------------------------------------------------- */

/*
 * hands the VMs of pools left without an online CPU to the default pool;
 * queued from a hotplug callback, it waits for the hotplug operation to
 * end (cpus_read_lock) before it reads which CPUs are online
 */
static void vms_rescue_fn(struct work_struct *work)
{
	struct vms_pool *pool;
	bool offline;

	mutex_lock(&vms_mutex);
	list_for_each_entry(pool, &vms_pools, node) {
		cpus_read_lock();
		offline = !cpumask_intersects(pool->cpus, cpu_online_mask);
		cpus_read_unlock();
		if (pool == vms_default_pool || list_empty(&pool->vms) || !offline)
			continue;
		pr_warn("pool %s has no online CPU: its VMs go to the default pool\n",
			pool->name);
		vms_pool_empty(pool);
	}
	mutex_unlock(&vms_mutex);
}

static DECLARE_WORK(vms_rescue_work, vms_rescue_fn);

/*
 * @pool has no slot left after a CPU went offline (hotplug callback:
 * atomic as far as vms_mutex goes); its VMs move from a work item
 */
void vms_pool_cpus_changed(struct vms_pool *pool)
{
	if (pool != vms_default_pool)
		schedule_work(&vms_rescue_work);
}

/* ---- load and unload ------------------------------------------------------- */

/* at load, before any hook: the default pool holds every CPU */
int vms_pools_init(void)
{
	struct vms_pool *pool = vms_pool_alloc(VMSCHED_POOL_DEFAULT);

	if (!pool)
		return -ENOMEM;
	cpumask_copy(pool->cpus, cpu_possible_mask);
	cpus_read_lock();
	vms_slots_set(pool, nr_cpu_ids);
	cpus_read_unlock();
	vms_default_pool = pool;
	list_add_rcu(&pool->node, &vms_pools);
	return 0;
}

/*
 * at unload, once no policy is registered: every pool but the default one
 * gives its VMs (and their threads' affinity) back, then goes; the default
 * pool goes after the VMs were reaped (vms_pools_free)
 */
void vms_pools_exit(void)
{
	struct vms_pool *pool, *tmp;

	flush_work(&vms_rescue_work);
	list_for_each_entry_safe(pool, tmp, &vms_pools, node)
		if (pool != vms_default_pool)
			vms_pool_destroy(pool->name);
}

/*
 * at unload, after the hotplug callbacks are gone and every VM was reaped:
 * no work may run this module's text after it, and every pool goes (also
 * one vms_pools_exit() could not destroy)
 */
void vms_pools_free(void)
{
	struct vms_pool *pool, *tmp;

	cancel_work_sync(&vms_rescue_work);
	list_for_each_entry_safe(pool, tmp, &vms_pools, node) {
		list_del_rcu(&pool->node);
		vms_pool_free(pool);
	}
	vms_default_pool = NULL;
}
