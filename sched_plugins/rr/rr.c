// SPDX-License-Identifier: GPL-2.0
/*
 * rr: round robin over vCPUs.
 *
 * Design
 * ------
 * One FIFO of runnable vCPUs per instance. A vCPU that wakes up, is newly
 * attached or whose slice ended joins the tail; a free slot takes the head
 * for one slice (the global "slice" parameter). A vCPU that halts gives its
 * slot away at once (the core charges it and picks again): the rest of its
 * slice is lost, not carried over. A vCPU pinned to some CPUs is passed
 * over by the slots of the others: a slot takes the first vCPU in the FIFO
 * that may run on its CPU.
 *
 * What it does not do: VMs, weights and caps play no part, so a VM with
 * more busy vCPUs gets more CPU; a woken vCPU never preempts. It is the
 * baseline the other policies are measured against, and the simplest
 * complete policy to read first. Every operation is O(1) but a pick with
 * pinned vCPUs queued, which scans past those pinned elsewhere: O(number
 * queued) at worst.
 *
 * Starvation bound: a vCPU at the tail waits one slice per vCPU ahead of
 * it, plus the slice in progress: all of them may be pinned to the one CPU
 * it may use, so other slots do not shorten that. rr_max_wait() declares
 * it, so that a long slice with many vCPUs queued (1 s, three) is not
 * taken for a starved vCPU.
 *
 * Locking
 * -------
 * None of its own: the core calls every scheduling and attach/detach
 * callback under its scheduler lock with interrupts off, so the FIFO and
 * the counters are touched by one CPU at a time. init and exit run in
 * process context and are the only places that allocate or free.
 */
#include "rr.h"

/**
 * rr_enqueue() - a vCPU became runnable: append it to the FIFO
 * @s: instance
 * @v: the vCPU
 * @now: current time (unused)
 * @flags: VMSCHED_ENQ_* (woken and preempted vCPUs both go to the tail)
 */
static void rr_enqueue(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 now,
		       unsigned int flags)
{
	vmsched_assert_sched_context();
	list_add_tail(&rr_vcpu(v)->link, &rr_priv(s)->fifo);
	rr_priv(s)->nr_queued++;
}

/**
 * rr_dequeue() - a queued vCPU leaves the FIFO without running
 * @s: instance
 * @v: the vCPU
 * @now: current time (unused)
 */
static void rr_dequeue(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 now)
{
	vmsched_assert_sched_context();
	list_del_init(&rr_vcpu(v)->link);
	rr_priv(s)->nr_queued--;
}

/**
 * rr_pick_next() - grant the first vCPU of the FIFO that may run on @cpu
 * @s: instance
 * @cpu: the CPU whose slot is free
 * @now: current time (unused)
 * @slice_ns: out: the global slice
 *
 * Return: the vCPU, or NULL when none queued may run on @cpu.
 */
static struct vmsched_vcpu *rr_pick_next(struct vmsched_sched *s, unsigned int cpu,
					 u64 now, u64 *slice_ns)
{
	struct rr_private *prv = rr_priv(s);
	struct vmsched_vcpu *v;

	vmsched_assert_sched_context();
	v = vmsched_first_may_run(&prv->fifo, struct rr_vcpu, link, cpu);
	if (!v)
		return NULL;
	list_del_init(&rr_vcpu(v)->link);
	prv->nr_queued--;
	prv->nr_picks++;
	*slice_ns = s->params[RR_SLICE];
	return v;
}

/**
 * rr_charge() - a grant ended; round robin keeps no account
 * @s: instance
 * @v: the vCPU
 * @ran_ns: how long it ran (unused)
 * @now: current time (unused)
 */
static void rr_charge(struct vmsched_sched *s, struct vmsched_vcpu *v,
		      u64 ran_ns, u64 now)
{
	vmsched_assert_sched_context();
}

/**
 * rr_max_wait() - the longest a queued vCPU waits now
 * @s: instance
 *
 * Return: one slice per queued vCPU, plus one: a pinned vCPU may wait
 * behind all of them on its one CPU.
 */
static u64 rr_max_wait(struct vmsched_sched *s)
{
	return (rr_priv(s)->nr_queued + 1) * s->params[RR_SLICE];
}

static void rr_vcpu_attach(struct vmsched_sched *s, struct vmsched_vcpu *v,
			   u64 now)
{
	INIT_LIST_HEAD(&rr_vcpu(v)->link);
}

static int rr_init(struct vmsched_sched *s)
{
	struct rr_private *prv = kzalloc(sizeof(*prv), GFP_KERNEL);

	if (!prv)
		return -ENOMEM;
	INIT_LIST_HEAD(&prv->fifo);
	s->priv = prv;
	return 0;
}

static void rr_exit(struct vmsched_sched *s)
{
	WARN_ON_ONCE(!list_empty(&rr_priv(s)->fifo));
	kfree(s->priv);
	s->priv = NULL;
}

static const struct vmsched_param_desc rr_params[] = {
	{ .name = "slice", .scope = VMSCHED_SCOPE_GLOBAL,
	  .help = "length of every grant",
	  .unit = VMSCHED_UNIT_NS, .min = 100 * NSEC_PER_USEC,
	  .max = NSEC_PER_SEC, .def = 10 * NSEC_PER_MSEC },
};

/**
 * DOC: rr_ops
 *
 * The four required scheduling callbacks and nothing else that schedules:
 * no check_preempt (a woken vCPU waits its turn), no per-VM state;
 * max_wait declares how long a turn can take.
 */
struct vmsched_ops rr_ops = {
	.enqueue	= rr_enqueue,
	.dequeue	= rr_dequeue,
	.pick_next	= rr_pick_next,
	.charge		= rr_charge,
	.max_wait	= rr_max_wait,
	.vcpu_attach	= rr_vcpu_attach,
	.init		= rr_init,
	.exit		= rr_exit,
	.dump		= rr_dump,
	.params		= rr_params,
	.nr_params	= ARRAY_SIZE(rr_params),
	.vcpu_data_size	= sizeof(struct rr_vcpu),
	.name		= "rr",
	.description	= "round robin: one FIFO of vCPUs, fixed slice",
	.owner		= THIS_MODULE,
};
