// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only policies for the core's selftests. Not for production.
 *
 *   t_fifo, t_fifo2  FIFO with a fixed slice (two names, for swap tests)
 *   t_one            grants only vCPU 0 of the VM whose VMM pid is the
 *                    global parameter "pid"; everything else waits
 *   t_never          never grants anything (the watchdog must eject it)
 *   t_bad            returns a vCPU it does not own and zero slices
 *
 * Design: one FIFO (list_head in each vCPU's private data); a pick for a
 * CPU's slot takes the first vCPU that may run there (t_one: and is the
 * one vCPU it grants), scanning past those pinned elsewhere. Locking:
 * none of its own; the core calls everything under its scheduler lock.
 */
#include <linux/module.h>
#include <linux/list.h>
#include <linux/slab.h>
#include "vmsched_plugin.h"

struct tp_vcpu {
	struct list_head node;	/* in tp_sched.queue while enqueued */
};

struct tp_sched {
	struct list_head queue;	/* FIFO of enqueued vCPUs */
};

static struct tp_sched *tp_priv(struct vmsched_sched *s)
{
	return s->priv;
}

static int tp_init(struct vmsched_sched *s)
{
	struct tp_sched *ts = kzalloc(sizeof(*ts), GFP_KERNEL);

	if (!ts)
		return -ENOMEM;
	INIT_LIST_HEAD(&ts->queue);
	s->priv = ts;
	return 0;
}

static void tp_exit(struct vmsched_sched *s)
{
	kfree(s->priv);
}

static void tp_enqueue(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 now,
		       unsigned int flags)
{
	list_add_tail(&VMSCHED_DATA(struct tp_vcpu, v)->node, &tp_priv(s)->queue);
}

static void tp_dequeue(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 now)
{
	list_del_init(&VMSCHED_DATA(struct tp_vcpu, v)->node);
}

static void tp_charge(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 ran, u64 now)
{
}

static bool tp_eligible(struct vmsched_sched *s, struct vmsched_vcpu *v, bool one)
{
	return !one || (v->vm->pid == (s32)s->params[0] && v->vcpu_id == 0);
}

static struct vmsched_vcpu *tp_pick(struct vmsched_sched *s, unsigned int cpu,
				    u64 *slice, bool one)
{
	struct tp_vcpu *tv;

	list_for_each_entry(tv, &tp_priv(s)->queue, node) {
		struct vmsched_vcpu *v = container_of((void *)tv, struct vmsched_vcpu, data);

		if (vmsched_may_run(v, cpu) && tp_eligible(s, v, one)) {
			list_del_init(&tv->node);
			*slice = 5 * NSEC_PER_MSEC;
			return v;
		}
	}
	return NULL;
}

static struct vmsched_vcpu *tp_pick_fifo(struct vmsched_sched *s, unsigned int cpu,
					  u64 now, u64 *slice)
{
	return tp_pick(s, cpu, slice, false);
}

static struct vmsched_vcpu *tp_pick_one(struct vmsched_sched *s, unsigned int cpu,
					 u64 now, u64 *slice)
{
	return tp_pick(s, cpu, slice, true);
}

static struct vmsched_vcpu *tp_pick_never(struct vmsched_sched *s, unsigned int cpu,
					   u64 now, u64 *slice)
{
	return NULL;
}

/* garbage: a pointer into its own private state, and a zero slice */
static struct vmsched_vcpu *tp_pick_bad(struct vmsched_sched *s, unsigned int cpu,
					 u64 now, u64 *slice)
{
	*slice = 0;
	return (struct vmsched_vcpu *)tp_priv(s);
}

static const struct vmsched_param_desc tp_one_params[] = {
	{ .name = "pid", .help = "VMM pid whose vCPU 0 alone may run",
	  .scope = VMSCHED_SCOPE_GLOBAL, .unit = VMSCHED_UNIT_NONE,
	  .min = 0, .max = 4194304, .def = 0 },
};

static const struct vmsched_param_desc tp_fifo_params[] = {
	{ .name = "weight", .help = "ignored; for parameter tests",
	  .scope = VMSCHED_SCOPE_VM, .unit = VMSCHED_UNIT_NONE,
	  .min = 1, .max = 65535, .def = 256 },
	{ .name = "slice", .help = "ignored; for parameter tests",
	  .scope = VMSCHED_SCOPE_GLOBAL, .unit = VMSCHED_UNIT_NS,
	  .min = 100000, .max = 1000000000, .def = 5000000 },
	{ .name = "boost", .help = "ignored; for parameter tests",
	  .scope = VMSCHED_SCOPE_VCPU, .unit = VMSCHED_UNIT_NONE,
	  .min = 0, .max = 10, .def = 0 },
};

#define TP_OPS(_name, _pick, _params, _desc)					\
	{									\
		.name = _name, .description = _desc, .owner = THIS_MODULE,	\
		.enqueue = tp_enqueue, .dequeue = tp_dequeue,			\
		.pick_next = _pick, .charge = tp_charge,			\
		.init = tp_init, .exit = tp_exit,				\
		.params = _params, .nr_params = ARRAY_SIZE(_params),		\
		.vcpu_data_size = sizeof(struct tp_vcpu),			\
	}

static struct vmsched_ops tp_ops[] = {
	TP_OPS("t_fifo", tp_pick_fifo, tp_fifo_params, "test: FIFO, 5 ms slices"),
	TP_OPS("t_fifo2", tp_pick_fifo, tp_fifo_params, "test: FIFO, a second name"),
	TP_OPS("t_one", tp_pick_one, tp_one_params, "test: only vCPU 0 of VM pid= runs"),
	TP_OPS("t_never", tp_pick_never, tp_fifo_params, "test: never grants"),
	TP_OPS("t_bad", tp_pick_bad, tp_fifo_params, "test: returns garbage"),
};

static int __init tp_mod_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(tp_ops); i++) {
		ret = vmsched_register_policy(&tp_ops[i]);
		if (ret) {
			while (--i >= 0)
				vmsched_unregister_policy(&tp_ops[i]);
			return ret;
		}
	}
	return 0;
}

static void __exit tp_mod_exit(void)
{
	int i;

	for (i = ARRAY_SIZE(tp_ops) - 1; i >= 0; i--)
		vmsched_unregister_policy(&tp_ops[i]);
}

module_init(tp_mod_init);
module_exit(tp_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmsched test-only policies");
