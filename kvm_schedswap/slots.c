// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: the pool's slots, one per pCPU.
 *
 * Design
 * ------
 * A grant is for the slot of one CPU of the pool (vms_slot_cpus: the first
 * `slots` online CPUs at activation, all of them by default), and a slot is
 * held by one grant at a time. A vCPU may be granted the slots of the CPUs
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
 * Locking: everything here runs under vms_lock, except vms_slots_init()
 * and vms_slots_exit() at load and unload (process context, may sleep:
 * they register the hotplug callbacks).
 */
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include "core.h"

/* the pool's CPUs, those whose slot a grant holds, and the rest; vms_lock */
static cpumask_var_t vms_slot_cpus, vms_held_slots;
cpumask_var_t vms_free_slots;
/* queued vCPUs that may not use every slot, under vms_lock */
unsigned int vms_nr_queued_pinned;

/*
 * CPU hotplug: the active pool becomes the first `slots` online CPUs again,
 * without @except. A grant on a CPU that left keeps running (Linux moved
 * its thread) to the end of its slice; the slot of a CPU that came online
 * is offered at once. Runs in the hotplug thread with the hotplug lock
 * held, so no activation picks CPUs meanwhile (swap.c holds the lock for
 * reading across its switch); takes vms_lock only, never vms_mutex, which
 * is held around cpus_read_lock().
 */
static void vms_slots_follow(unsigned int except)
{
	struct vms_instance *in;
	unsigned long flags;

	raw_spin_lock_irqsave(&vms_lock, flags);
	in = vms_instance_locked();
	if (in) {
		in->sched.nr_slots = vms_slots_pick_cpus(in->cpus, in->limit, except);
		vms_slots_set(in->cpus);
		vms_dispatch(in, ktime_get_ns());
	}
	raw_spin_unlock_irqrestore(&vms_lock, flags);
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

int vms_slots_init(void)
{
	int ret = -ENOMEM;

	if (!zalloc_cpumask_var(&vms_slot_cpus, GFP_KERNEL))
		return ret;
	if (!zalloc_cpumask_var(&vms_held_slots, GFP_KERNEL))
		goto err_cpus;
	if (!zalloc_cpumask_var(&vms_free_slots, GFP_KERNEL))
		goto err_held;
	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "vmsched:slots",
					vms_slots_cpu_online, vms_slots_cpu_offline);
	if (ret < 0)
		goto err_free;
	vms_cpuhp_state = ret;
	return 0;
err_free:
	free_cpumask_var(vms_free_slots);
err_held:
	free_cpumask_var(vms_held_slots);
err_cpus:
	free_cpumask_var(vms_slot_cpus);
	return ret;
}

void vms_slots_exit(void)
{
	cpuhp_remove_state_nocalls(vms_cpuhp_state);
	free_cpumask_var(vms_free_slots);
	free_cpumask_var(vms_held_slots);
	free_cpumask_var(vms_slot_cpus);
}

/*
 * The CPUs of a pool: the first @limit online CPUs (0: all of them) but
 * @except (a CPU going offline, or nr_cpu_ids). Returns how many. The
 * caller holds the CPU hotplug lock or runs in a hotplug callback.
 */
unsigned int vms_slots_pick_cpus(struct cpumask *cpus, unsigned int limit,
				 unsigned int except)
{
	unsigned int cpu, n = 0;

	cpumask_clear(cpus);
	for_each_online_cpu(cpu) {
		if (limit && n == limit)
			break;
		if (cpu == except)
			continue;
		__cpumask_set_cpu(cpu, cpus);
		n++;
	}
	return n;
}

/* read which of the pool's slots @vc may use; it is neither queued nor granted */
void vms_slots_update_vcpu(struct vms_vcpu *vc)
{
	lockdep_assert_held(&vms_lock);
	if (!cpumask_and(vc->cpus, &vc->task->cpus_mask, vms_slot_cpus))
		cpumask_copy(vc->cpus, vms_slot_cpus);
	vc->pinned = !cpumask_equal(vc->cpus, vms_slot_cpus);
}

/*
 * The pool's CPUs become @cpus (NULL: none, the host scheduler). Grants
 * keep their slots to the end of their slices, also on a CPU that left the
 * pool; every vCPU without a grant learns which slots it may use.
 */
void vms_slots_set(const struct cpumask *cpus)
{
	struct vms_vcpu *vc;
	struct vms_vm *vm;

	lockdep_assert_held(&vms_lock);
	if (cpus)
		cpumask_copy(vms_slot_cpus, cpus);
	else
		cpumask_clear(vms_slot_cpus);
	cpumask_andnot(vms_free_slots, vms_slot_cpus, vms_held_slots);
	vms_nr_queued_pinned = 0;
	for_each_vms_vcpu(vm, vc) {
		if (vc->state == VMS_GRANTED)
			continue;
		vms_slots_update_vcpu(vc);
		if (vc->state == VMS_QUEUED && vc->pinned)
			vms_nr_queued_pinned++;
	}
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
	unsigned int here = task_cpu(vc->task), other;

	lockdep_assert_held(&vms_lock);
	if (here != cpu && !vms_nr_queued_pinned && cpumask_test_cpu(here, vms_free_slots) &&
	    cpumask_test_cpu(here, vc->cpus))
		return here;
	if (cpumask_test_cpu(cpu, vc->cpus))
		return cpu;
	other = cpumask_first_and(vms_free_slots, vc->cpus);
	return other < nr_cpu_ids ? other : cpu;
}

/* @vc is granted the free slot of @cpu */
void vms_slot_take(struct vms_vcpu *vc, unsigned int cpu)
{
	lockdep_assert_held(&vms_lock);
	__cpumask_clear_cpu(cpu, vms_free_slots);
	__cpumask_set_cpu(cpu, vms_held_slots);
	vms_slot_show(vc, cpu);
}

/* @vc's grant ended: its slot is free again if its CPU is still the pool's */
void vms_slot_put(struct vms_vcpu *vc)
{
	int cpu = vc->slot_cpu;

	lockdep_assert_held(&vms_lock);
	if (cpu < 0)
		return;
	__cpumask_clear_cpu(cpu, vms_held_slots);
	if (cpumask_test_cpu(cpu, vms_slot_cpus))
		__cpumask_set_cpu(cpu, vms_free_slots);
	vms_slot_show(vc, -1);
}

/* may @vc take the slot @vv holds? */
bool vms_slot_usable(const struct vms_vcpu *vc, const struct vms_vcpu *vv)
{
	return vv->slot_cpu >= 0 && cpumask_test_cpu(vv->slot_cpu, vc->cpus);
}
