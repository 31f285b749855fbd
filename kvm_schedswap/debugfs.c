// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: /sys/kernel/debug/vmsched/status, a read-only quick look
 * at the active policy, the pool, and every VM and vCPU.
 *
 * Context: seq_file show in process context; the pools are walked under
 * RCU, each under its lock (seq_printf does not sleep).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "policy_call.h"

static struct dentry *vms_debugfs_dir;

static void vms_pool_show(struct seq_file *m, struct vms_pool *pool)
{
	struct vms_instance *in;
	struct vms_vcpu *vc;
	struct vms_vm *vm;
	unsigned long flags;

	raw_spin_lock_irqsave(&pool->lock, flags);
	in = vms_instance_locked(pool);
	seq_printf(m, "pool: %s\npolicy: %s\n", pool->name,
		   in ? in->ops->name : "(host scheduler)");
	seq_printf(m, "cpus: %*pbl slots: %*pbl free: %*pbl granted: %u\n",
		   cpumask_pr_args(pool->cpus), cpumask_pr_args(pool->slot_cpus),
		   cpumask_pr_args(pool->free_slots), pool->nr_granted);
	seq_printf(m, "vms: %u vcpus: %u swaps: %llu last_swap_ns: %llu\n", pool->nr_vms,
		   pool->nr_vcpus, pool->swaps, pool->last_swap_ns);
	seq_printf(m, "watchdog_events: %llu policy_errors: %llu\n", pool->watchdog_events,
		   pool->policy_errors);
	list_for_each_entry(vm, &pool->vms, pool_node) {
		seq_printf(m, "vm %d %s vcpus %u\n", vm->pid, vm->comm, vm->nr_vcpus);
		list_for_each_entry(vc, &vm->vcpus, vm_node)
			seq_printf(m, "  vcpu %d tid %d %s%s slot %d cpus %*pbl run_ns %llu wait_ns %llu grants %llu stops %llu rethreads %llu\n",
				   vc->vcpu_id, vc->tid, vms_state_name(vc->state),
				   vc->in_gate ? " gated" : "", vc->slot_cpu,
				   cpumask_pr_args(vc->cpus), vc->stats.run_ns,
				   vc->stats.wait_ns, vc->stats.grants, vc->stops, vc->rethreads);
	}
	if (in)
		vms_op_dump(in, m);
	raw_spin_unlock_irqrestore(&pool->lock, flags);
}

static int vms_status_show(struct seq_file *m, void *unused)
{
	struct vms_pool *pool;

	rcu_read_lock();
	list_for_each_entry_rcu(pool, &vms_pools, node)
		vms_pool_show(m, pool);
	rcu_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vms_status);

void vms_debugfs_init(void)
{
	vms_debugfs_dir = debugfs_create_dir("vmsched", NULL);
	debugfs_create_file("status", 0400, vms_debugfs_dir, NULL, &vms_status_fops);
}

void vms_debugfs_exit(void)
{
	debugfs_remove_recursive(vms_debugfs_dir);
}
