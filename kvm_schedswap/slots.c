// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: the pool's slots, one per pCPU.
 *
 * Design
 * ------
 * A grant is for the slot of one CPU of the pool (pool->slot_cpus: its
 * online CPUs; for the default pool the first `slots` of them if that
 * module parameter was set at activation), and a slot is held by one grant
 * at a time. A vCPU may be granted the slots of the CPUs
 * its thread may run on (vc->cpus: its affinity within the pool, as the
 * admin, libvirt or a cpuset set it; every slot if that leaves none, so
 * that a vCPU pinned outside the pool still runs). The core asks the policy
 * for each free slot in turn (sched.c), so a slot whose CPU only some
 * vCPUs may use goes to one of them, and a pinned vCPU never waits for a
 * slot it cannot use while its own CPU's slot idles: with VM P0 pinned to
 * CPU 0 and VMs P1a, P1b pinned to CPU 1, P0 holds slot 0 whenever it is
 * runnable, and P1a and P1b share slot 1.
 *
 * Placement: the grant names a CPU, but the core does not move threads.
 * Changing a thread's affinity would fight the admin's (and may sleep);
 * Linux has no interface for a module to place a wake-up on a CPU. A
 * pinned vCPU runs where its affinity says, which is its slot's CPU. An
 * unpinned vCPU runs where Linux puts it: the gate wakes it like any
 * thread, and with at most one granted vCPU per slot, Linux's wake-up
 * placement and idle balancing spread the granted threads over the pool's
 * CPUs. A grant takes the slot of the CPU its thread last ran on when that
 * slot is free and no pinned vCPU waits, so the name matches where it
 * runs. Limits: an unpinned thread may share a CPU with another granted
 * thread until Linux's balancer moves it (a few ms at most under load),
 * and host tasks outside the VMs compete for the CPUs as before.
 *
 * A vCPU's CPUs are read from its thread's affinity mask when it is queued
 * (an affinity change applies from its next grant on) and kept while it is
 * queued or granted, as the plugin API promises.
 *
 * The pool follows CPU hotplug (vms_slots_follow()).
 *
 * Locking: everything here runs under the pool's lock, except the hotplug
 * callbacks (which take it) and their registration at load and unload
 * (process context, may sleep).
 */
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include "core.h"

/*
 * The CPUs of @pool's slots: its online CPUs but @except (a CPU going
 * offline, or nr_cpu_ids), at most pool->limit of them if that is set.
 * Returns how many. The caller holds the CPU hotplug lock or runs in a
 * hotplug callback, and the pool's lock or vms_mutex (pool->cpus).
 */
unsigned int vms_slots_pick_cpus(struct vms_pool *pool, struct cpumask *cpus,
				 unsigned int except)
{
	unsigned int cpu, n = 0;

	cpumask_clear(cpus);
	for_each_cpu_and(cpu, pool->cpus, cpu_online_mask) {
		if (pool->limit && n == pool->limit)
			break;
		if (cpu == except)
			continue;
		__cpumask_set_cpu(cpu, cpus);
		n++;
	}
	return n;
}

/*
 * read which of the pool's slots @vc may use; it is neither queued nor
 * granted. The thread's affinity is read without the scheduler's locks: one
 * that changes meanwhile may be read half old, half new on a host of more
 * than 64 CPUs, and is read again the next time the vCPU queues.
 */
void vms_slots_update_vcpu(struct vms_vcpu *vc)
{
	const struct cpumask *pool_cpus = vms_vcpu_pool(vc)->slot_cpus;

	if (!cpumask_and(vc->cpus, &vc->task->cpus_mask, pool_cpus))
		cpumask_copy(vc->cpus, pool_cpus);
	vc->pinned = !cpumask_equal(vc->cpus, pool_cpus);
}

/*
 * @pool's slots become its online CPUs but @except (nr_cpu_ids: none).
 * Grants keep their slots to the end of their slices, also on a CPU that
 * left the pool; every vCPU without a grant learns which slots it may use.
 * Returns the number of slots.
 */
unsigned int vms_slots_set(struct vms_pool *pool, unsigned int except)
{
	struct vms_instance *in = vms_instance_locked(pool);
	unsigned int n = vms_slots_pick_cpus(pool, pool->slot_cpus, except);
	struct vms_vcpu *vc;
	struct vms_vm *vm;

	lockdep_assert_held(&pool->lock);
	if (in)
		in->sched.nr_slots = max(n, 1U);	/* policies divide by it */
	cpumask_andnot(pool->free_slots, pool->slot_cpus, pool->held_slots);
	pool->nr_queued_pinned = 0;
	for_each_pool_vcpu(pool, vm, vc) {
		if (vc->state == VMS_GRANTED)
			continue;
		vms_slots_update_vcpu(vc);
		if (vc->state == VMS_QUEUED && vc->pinned)
			pool->nr_queued_pinned++;
	}
	return n;
}

/* @vc's CPU, as both instances' copies show it to their policies */
static void vms_slot_show(struct vms_vcpu *vc, int cpu)
{
	vc->slot_cpu = cpu;
	vc->pv[0].cpu = cpu;
	vc->pv[1].cpu = cpu;
}

/*
 * The free slot to grant @vc, which the policy picked for @cpu's: where
 * its thread last ran if that slot is free and no pinned vCPU waits for
 * a slot (it might need @cpu's), else @cpu's. A vCPU that may not run on
 * @cpu (a policy error, counted by the caller) gets a free slot it may
 * use if there is one.
 */
unsigned int vms_slot_choose(struct vms_vcpu *vc, unsigned int cpu)
{
	struct vms_pool *pool = vms_vcpu_pool(vc);
	unsigned int here = task_cpu(vc->task), other;

	lockdep_assert_held(&pool->lock);
	if (here != cpu && !pool->nr_queued_pinned &&
	    cpumask_test_cpu(here, pool->free_slots) && cpumask_test_cpu(here, vc->cpus))
		return here;
	if (cpumask_test_cpu(cpu, vc->cpus))
		return cpu;
	other = cpumask_first_and(pool->free_slots, vc->cpus);
	return other < nr_cpu_ids ? other : cpu;
}

/* @vc is granted the free slot of @cpu */
void vms_slot_take(struct vms_vcpu *vc, unsigned int cpu)
{
	struct vms_pool *pool = vms_vcpu_pool(vc);

	__cpumask_clear_cpu(cpu, pool->free_slots);
	__cpumask_set_cpu(cpu, pool->held_slots);
	vms_slot_show(vc, cpu);
}

/* @vc's grant ended: its slot is free again if its CPU is still the pool's */
void vms_slot_put(struct vms_vcpu *vc)
{
	struct vms_pool *pool = vms_vcpu_pool(vc);
	int cpu = vc->slot_cpu;

	if (cpu < 0)
		return;
	__cpumask_clear_cpu(cpu, pool->held_slots);
	if (cpumask_test_cpu(cpu, pool->slot_cpus))
		__cpumask_set_cpu(cpu, pool->free_slots);
	vms_slot_show(vc, -1);
}

/* may @vc take the slot @vv holds? */
bool vms_slot_usable(const struct vms_vcpu *vc, const struct vms_vcpu *vv)
{
	return vv->slot_cpu >= 0 && cpumask_test_cpu(vv->slot_cpu, vc->cpus);
}

/*
 * CPU hotplug: every pool's slots become its online CPUs again, without
 * @except. A grant on a CPU that left keeps running (Linux moved its
 * thread) to the end of its slice; the slot of a CPU that came online is
 * offered at once. A pool other than the default one left without a CPU
 * hands its VMs to the default pool (pool.c, from a work item). Runs in
 * the hotplug thread with the hotplug lock held, so no activation reads
 * CPUs meanwhile (swap.c holds it for reading across its switch); takes
 * pool locks only, never vms_mutex, which is held around cpus_read_lock().
 */
static void vms_slots_follow(unsigned int except)
{
	struct vms_pool *pool;
	unsigned long flags;
	unsigned int n;

	rcu_read_lock();
	list_for_each_entry_rcu(pool, &vms_pools, node) {
		raw_spin_lock_irqsave(&pool->lock, flags);
		n = vms_slots_set(pool, except);
		vms_dispatch(pool, ktime_get_ns());
		raw_spin_unlock_irqrestore(&pool->lock, flags);
		if (!n)
			vms_pool_cpus_changed(pool);
	}
	rcu_read_unlock();
}

static int vms_slots_cpu_online(unsigned int cpu)
{
	vms_slots_follow(nr_cpu_ids);
	return 0;
}

static int vms_slots_cpu_offline(unsigned int cpu)
{
	vms_slots_follow(cpu);
	return 0;
}

static int vms_cpuhp_state;

/* at load, after the default pool exists; may sleep */
int vms_hotplug_init(void)
{
	int ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "vmsched:slots",
					    vms_slots_cpu_online, vms_slots_cpu_offline);

	if (ret < 0)
		return ret;
	vms_cpuhp_state = ret;
	return 0;
}

void vms_hotplug_exit(void)
{
	cpuhp_remove_state_nocalls(vms_cpuhp_state);
}
