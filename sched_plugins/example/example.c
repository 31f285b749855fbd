// SPDX-License-Identifier: GPL-2.0
/*
 * example: the smallest complete vmsched policy, to copy when writing one.
 *
 * Design
 * ------
 * One FIFO of runnable vCPUs. A free slot takes the first vCPU that may
 * run on its CPU (the head, unless vCPUs ahead are pinned to other CPUs:
 * then the pick scans past them); its slice is the
 * global "slice" scaled by its VM's "weight" in percent (weight=200: twice
 * as long a turn, so about twice the CPU time of a busy VM of weight 100).
 * A vCPU whose slice ended, or that woke up, joins the tail.
 *
 * It shows each part of a policy once: a global and a per-VM parameter
 * with ranges (checked by the core), a combination refused in
 * param_changed (a scaled slice above VMSCHED_SLICE_MAX_NS), per-vCPU
 * private data through an accessor, a counter in the debugfs dump, and the
 * module glue. What it does not do: no preemption on wake-up, no fairness
 * between VMs with different numbers of busy vCPUs, no caps.
 *
 * Locking
 * -------
 * None of its own. The core calls every scheduling, attach/detach and
 * param_changed callback under its scheduler lock with interrupts off, one
 * at a time per instance; init and exit run in process context with no
 * lock held and are the only places that allocate or free.
 */
#include <linux/seq_file.h>

#include "vmsched_policy.h"

enum { EX_SLICE };			/* global parameters */
enum { EX_WEIGHT };			/* per-VM parameters */

/* One per instance (vmsched_sched.priv). */
struct ex_private {
	struct list_head fifo;		/* queued vCPUs, the head runs next */
	u64 nr_picks;			/* grants handed out */
};

/* One per vCPU (vmsched_vcpu.data). */
struct ex_vcpu {
	struct list_head link;		/* in fifo while queued */
};

static struct ex_private *ex_priv(const struct vmsched_sched *s)
{
	return s->priv;
}

static struct ex_vcpu *ex_vcpu(struct vmsched_vcpu *v)
{
	return VMSCHED_DATA(struct ex_vcpu, v);
}

/* the slice of a vCPU of @vm, before the core's clamp */
static u64 ex_slice(const struct vmsched_sched *s, const struct vmsched_vm *vm)
{
	return div_u64(s->params[EX_SLICE] * vm->params[EX_WEIGHT], 100);
}

static void ex_enqueue(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 now,
		       unsigned int flags)
{
	vmsched_assert_sched_context();
	list_add_tail(&ex_vcpu(v)->link, &ex_priv(s)->fifo);
}

static void ex_dequeue(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 now)
{
	vmsched_assert_sched_context();
	list_del_init(&ex_vcpu(v)->link);
}

/* the first queued vCPU that may run on @cpu; only those may be returned */
static struct vmsched_vcpu *ex_pick_next(struct vmsched_sched *s, unsigned int cpu,
					 u64 now, u64 *slice_ns)
{
	struct ex_private *prv = ex_priv(s);
	struct vmsched_vcpu *v;

	vmsched_assert_sched_context();
	v = vmsched_first_may_run(&prv->fifo, struct ex_vcpu, link, cpu);
	if (!v)
		return NULL;
	list_del_init(&ex_vcpu(v)->link);
	prv->nr_picks++;
	*slice_ns = clamp_t(u64, ex_slice(s, v->vm), VMSCHED_SLICE_MIN_NS,
			    VMSCHED_SLICE_MAX_NS);
	return v;
}

/* a FIFO keeps no account of time used */
static void ex_charge(struct vmsched_sched *s, struct vmsched_vcpu *v,
		      u64 ran_ns, u64 now)
{
}

static void ex_vcpu_attach(struct vmsched_sched *s, struct vmsched_vcpu *v,
			   u64 now)
{
	INIT_LIST_HEAD(&ex_vcpu(v)->link);
}

/**
 * ex_param_changed() - refuse a weight that makes a slice too long
 * @s: instance
 * @scope: VMSCHED_SCOPE_*
 * @vm: the VM for a per-VM parameter, else NULL
 * @v: always NULL (no per-vCPU parameters)
 *
 * Return: 0, or -EINVAL when slice * weight / 100 exceeds the longest
 * slice the core grants (the core then restores the previous value).
 */
static int ex_param_changed(struct vmsched_sched *s, u32 scope,
			    struct vmsched_vm *vm, struct vmsched_vcpu *v)
{
	if (scope == VMSCHED_SCOPE_VM && ex_slice(s, vm) > VMSCHED_SLICE_MAX_NS)
		return -EINVAL;
	return 0;
}

static int ex_init(struct vmsched_sched *s)
{
	struct ex_private *prv = kzalloc(sizeof(*prv), GFP_KERNEL);

	if (!prv)
		return -ENOMEM;
	INIT_LIST_HEAD(&prv->fifo);
	s->priv = prv;
	return 0;
}

static void ex_exit(struct vmsched_sched *s)
{
	WARN_ON_ONCE(!list_empty(&ex_priv(s)->fifo));
	kfree(s->priv);
	s->priv = NULL;
}

static void ex_dump(struct vmsched_sched *s, struct seq_file *m)
{
	seq_printf(m, "example: slice %llu picks %llu\n", s->params[EX_SLICE],
		   ex_priv(s)->nr_picks);
}

static const struct vmsched_param_desc ex_params[] = {
	{ .name = "slice", .scope = VMSCHED_SCOPE_GLOBAL,
	  .help = "turn of a vCPU of weight 100",
	  .unit = VMSCHED_UNIT_NS, .min = 100 * NSEC_PER_USEC,
	  .max = NSEC_PER_SEC, .def = 5 * NSEC_PER_MSEC },
	{ .name = "weight", .scope = VMSCHED_SCOPE_VM,
	  .help = "slice of its vCPUs, in percent of slice",
	  .unit = VMSCHED_UNIT_NONE, .min = 1, .max = 10000, .def = 100 },
};

static struct vmsched_ops ex_ops = {
	.enqueue	= ex_enqueue,
	.dequeue	= ex_dequeue,
	.pick_next	= ex_pick_next,
	.charge		= ex_charge,
	.vcpu_attach	= ex_vcpu_attach,
	.param_changed	= ex_param_changed,
	.init		= ex_init,
	.exit		= ex_exit,
	.dump		= ex_dump,
	.params		= ex_params,
	.nr_params	= ARRAY_SIZE(ex_params),
	.vcpu_data_size	= sizeof(struct ex_vcpu),
	.name		= "example",
	.description	= "example: FIFO, slice scaled by the VM's weight",
	.owner		= THIS_MODULE,
};

static int __init ex_mod_init(void)
{
	return vmsched_register_policy(&ex_ops);
}

static void __exit ex_mod_exit(void)
{
	vmsched_unregister_policy(&ex_ops);
}

module_init(ex_mod_init);
module_exit(ex_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmsched policy example: the smallest complete policy");
