// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: registers one policy under the name given by name=
 * (default "t_fifo", which vmsched_test_policies already registers), so
 * that the core's duplicate check is what refuses it, not the module
 * loader. It never schedules: activating it is not part of any test.
 *
 * Design: every hook does nothing. Locking: none.
 */
#include <linux/module.h>
#include "vmsched_plugin.h"


static void dup_enqueue(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 now,
			unsigned int flags)
{
}

static void dup_dequeue(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 now)
{
}

static struct vmsched_vcpu *dup_pick_next(struct vmsched_sched *s, unsigned int cpu, u64 now,
					  u64 *slice_ns)
{
	return NULL;
}

static void dup_charge(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 ran_ns, u64 now)
{
}

static struct vmsched_ops dup_ops = {
	.name = "t_fifo",
	.description = "test: a second registration of a name",
	.owner = THIS_MODULE,
	.enqueue = dup_enqueue,
	.dequeue = dup_dequeue,
	.pick_next = dup_pick_next,
	.charge = dup_charge,
};

static int __init dup_init(void)
{
	return vmsched_register_policy(&dup_ops);
}

module_param_string(name, dup_ops.name, sizeof(dup_ops.name), 0444);
MODULE_PARM_DESC(name, "policy name to register");

static void __exit dup_exit(void)
{
	vmsched_unregister_policy(&dup_ops);
}

module_init(dup_init);
module_exit(dup_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmsched test-only: registers a policy name given as a parameter");
