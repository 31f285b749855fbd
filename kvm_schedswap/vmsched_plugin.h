/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmsched plugin API: what a policy module sees of the kvm_schedswap core.
 *
 * A policy is a table of callbacks (struct vmsched_ops) that the core calls
 * to decide which vCPUs may enter the guest and for how long. A policy never
 * touches KVM, never sleeps in a scheduling callback and needs no lock of its
 * own: the core serialises every scheduling callback of an instance under
 * one lock, its pool's (see "Calling context" below).
 *
 * Model
 * -----
 * The core owns pools of pCPUs (Xen's cpupools: the default pool holds
 * every online CPU no other pool holds), each with its own active policy
 * instance: an instance schedules one pool's VMs on that pool's slots, one
 * per pCPU. A vCPU that wants to enter the guest must hold a grant; a
 * grant occupies the slot of one pCPU for a slice chosen by the policy. A
 * vCPU whose thread may only run on some of the pool's CPUs (the admin's or
 * libvirt's affinity) may only be granted their slots: vmsched_may_run()
 * says which. When the slot of a CPU is free and the policy has runnable
 * vCPUs, the core calls ops.pick_next() for that CPU, grants the returned
 * vCPU and arms its slice timer. When the slice ends, a granted vCPU
 * blocks (guest HLT) or its thread stops, the core calls ops.charge() with
 * the CPU time it used; if the vCPU is still runnable the core hands it
 * back with ops.enqueue(PREEMPTED) and calls ops.pick_next() for the freed
 * slot (which may pick it again: then it simply keeps running). A VM moved
 * to another pool leaves the instance as if it ended (its vCPUs are
 * detached) and joins the other pool's as a new VM.
 *
 * Calling context
 * ---------------
 * Unless a callback says otherwise it is called with its pool's scheduler
 * lock held and interrupts disabled: it must not sleep, allocate with
 * anything but GFP_ATOMIC (better: not at all) or call back into the core
 * except through the helpers documented as safe under the lock. Callbacks of
 * one instance never run concurrently. "now" arguments are ktime_get_ns()
 * values; all times are nanoseconds.
 *
 * Per-vCPU and per-VM storage
 * ---------------------------
 * Each instance gets its own struct vmsched_vcpu and struct vmsched_vm for
 * every vCPU and VM, with VMSCHED_DATA_BYTES of zeroed private storage
 * (->data). During a live swap the old and the new instance each see their
 * own copies, so the new policy builds its state while the old one still
 * runs. A policy declares how much it uses in ops.vcpu_data_size and
 * ops.vm_data_size; registration fails with -EINVAL when it asks for more.
 *
 * The same header builds in user space (without __KERNEL__) for the policy
 * simulator in sched_plugins/sim/.
 */
#ifndef _VMSCHED_PLUGIN_H
#define _VMSCHED_PLUGIN_H

#ifdef __KERNEL__
#include <linux/cpumask.h>
#include <linux/types.h>
#include <linux/list.h>
#include <linux/time64.h>
struct module;
struct seq_file;
#else
#include "sim_kernel.h"
#endif
#include <linux/vmsched.h>

#define VMSCHED_NAME_LEN	32	/* policy and parameter names, with NUL */
#define VMSCHED_DATA_BYTES	128	/* private storage per vCPU and per VM */
#define VMSCHED_MAX_PARAMS	8	/* parameters per scope */
#define VMSCHED_SLICE_MIN_NS	(10 * NSEC_PER_USEC)	/* slices pick_next may return */
#define VMSCHED_SLICE_MAX_NS	(10 * NSEC_PER_SEC)

/*
 * Parameter scopes (VMSCHED_SCOPE_GLOBAL: one value per instance, in
 * vmsched_sched.params; _VM: per VM, vmsched_vm.params; _VCPU: per vCPU,
 * vmsched_vcpu.params) and units (VMSCHED_UNIT_NONE: plain integer;
 * _NS: nanoseconds, tools accept ns/us/ms/s; _PERCENT: percent of one CPU)
 * are those of the ioctl ABI.
 */
#define VMSCHED_NR_SCOPES	3

/**
 * struct vmsched_param_desc - one tunable of a policy
 * @name: key as typed by admins ("weight", "slice")
 * @help: one line for `vmsched list -v` and the man page
 * @scope: VMSCHED_SCOPE_*
 * @unit: VMSCHED_UNIT_*
 * @min: smallest accepted value (inclusive)
 * @max: largest accepted value (inclusive)
 * @def: value a new instance, VM or vCPU starts with
 *
 * The core checks keys and ranges before any policy code runs: an unknown
 * key fails with -ENOENT, a value outside [@min, @max] with -ERANGE, and
 * nothing is changed. The index of a descriptor within its scope is the
 * index into the matching params[] array.
 */
struct vmsched_param_desc {
	const char *name;
	const char *help;
	u32 scope;
	u32 unit;
	u64 min;
	u64 max;
	u64 def;
};

/**
 * struct vmsched_sched - one instance of a policy, as the policy sees it
 * @params: global parameters, indexed like the policy's global descriptors
 * @nr_slots: number of slots (pCPUs) in the pool
 * @cpus: the pool's CPUs, one slot each (read-only; set before ops.init)
 * @priv: free for the policy (set it in ops.init)
 */
struct vmsched_sched {
	u64 params[VMSCHED_MAX_PARAMS];
	u32 nr_slots;
	const struct cpumask *cpus;
	void *priv;
};

/**
 * struct vmsched_vm - one VM, as one policy instance sees it
 * @params: per-VM parameters
 * @pid: the VMM's pid (identity for admins)
 * @nr_vcpus: vCPUs of this VM attached to this instance
 * @data: private storage for the policy, zeroed at attach
 */
struct vmsched_vm {
	u64 params[VMSCHED_MAX_PARAMS];
	s32 pid;
	u32 nr_vcpus;
	u64 data[VMSCHED_DATA_BYTES / sizeof(u64)];
};

/**
 * struct vmsched_vcpu - one vCPU, as one policy instance sees it
 * @vm: its VM, in the same instance
 * @params: per-vCPU parameters
 * @cpus: the pool's CPUs whose slots it may be granted (read-only; use
 *	vmsched_may_run()): those its thread's affinity allows, or all of
 *	them if it allows none. The core updates it only while the vCPU is
 *	neither queued nor granted, so it does not change between an
 *	enqueue and the pick_next or dequeue that follows.
 * @vcpu_id: KVM's vcpu_id
 * @cpu: the CPU whose slot it holds while granted, else -1 (read-only)
 * @data: private storage for the policy, zeroed at attach
 */
struct vmsched_vcpu {
	struct vmsched_vm *vm;
	u64 params[VMSCHED_MAX_PARAMS];
	const struct cpumask *cpus;
	u32 vcpu_id;
	s32 cpu;
	u64 data[VMSCHED_DATA_BYTES / sizeof(u64)];
};

/* flags for ops.enqueue() */
#define VMSCHED_ENQ_WAKEUP	0x1	/* was blocked (halted) or newly attached */
#define VMSCHED_ENQ_PREEMPTED	0x2	/* slice ended while still runnable */

/**
 * struct vmsched_ops - a scheduling policy
 *
 * Required: @name, @owner, @enqueue, @dequeue, @pick_next, @charge.
 * Everything else is optional; a missing callback means "nothing to do".
 * Registration validates the table and fails with -EINVAL (with a log line
 * saying why) if a required callback is missing, a descriptor is malformed
 * or the declared data sizes exceed VMSCHED_DATA_BYTES.
 */
struct vmsched_ops {
	/* --- scheduling, under the core's scheduler lock, IRQs off --- */

	/**
	 * @enqueue: @v became runnable and wants a grant.
	 *
	 * @flags is VMSCHED_ENQ_WAKEUP when @v was blocked (or is new to this
	 * instance), VMSCHED_ENQ_PREEMPTED when its slice just ended. Paired
	 * with exactly one later @pick_next returning @v or one @dequeue of
	 * @v. Never called for a vCPU that is already queued or granted.
	 */
	void (*enqueue)(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 now,
			unsigned int flags);

	/**
	 * @dequeue: @v is queued (enqueued, not yet picked) and leaves the
	 * queue without being picked: it blocked, its thread exited or its VM
	 * is going away. Not called for granted vCPUs (those get @charge).
	 */
	void (*dequeue)(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 now);

	/**
	 * @pick_next: choose a queued vCPU for the free slot of @cpu.
	 *
	 * Only a vCPU that may run there (vmsched_may_run(v, @cpu)) may be
	 * returned. Remove it from the policy's queue and return it with
	 * *@slice_ns set to the slice it may run. The core asks for every
	 * free slot in turn; NULL for one CPU does not end the round while
	 * queued vCPUs that may only run elsewhere wait. Return NULL to leave the slot idle (a capped
	 * VM, or nothing runnable); a policy that holds queued vCPUs back sets
	 * *@slice_ns to the time after which it wants to be asked again (the
	 * core calls @pick_next again then, or earlier on any enqueue or
	 * charge), and leaves it 0 otherwise. Policy bugs are contained, counted and
	 * end in the policy's deactivation: a slice outside
	 * [VMSCHED_SLICE_MIN_NS, VMSCHED_SLICE_MAX_NS] is clamped; a vCPU
	 * that is not queued in this instance is ignored; one that may not
	 * run on @cpu is granted a slot it may use if one is free, else
	 * @cpu's.
	 */
	struct vmsched_vcpu *(*pick_next)(struct vmsched_sched *s, unsigned int cpu,
					  u64 now, u64 *slice_ns);

	/**
	 * @charge: @v held a grant and gave it up (slice end, block, stop,
	 * detach, or the swap that ends this instance). @ran_ns is the CPU
	 * time its thread used, from the host scheduler's accounting: the
	 * grant's run time (not the wall time it was held: time on the host's
	 * run queue is not in it) plus the little the thread used since the
	 * previous charge outside any grant. Called once per grant, before any
	 * @enqueue of the same vCPU.
	 */
	void (*charge)(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 ran_ns,
		       u64 now);

	/**
	 * @check_preempt: optional; @woken was just enqueued with
	 * VMSCHED_ENQ_WAKEUP while every slot is taken. Return a granted vCPU
	 * whose slice should end now (the core charges it, re-enqueues it and
	 * picks again for its slot), or NULL. @running lists the granted
	 * vCPUs holding a slot that @woken may run on.
	 */
	struct vmsched_vcpu *(*check_preempt)(struct vmsched_sched *s,
					      struct vmsched_vcpu *woken,
					      struct vmsched_vcpu **running,
					      unsigned int nr_running, u64 now);

	/**
	 * @max_wait: optional; the longest a runnable vCPU can wait for a
	 * grant under this instance's parameters and present load, in ns.
	 * The core's watchdog ejects a policy that leaves a runnable vCPU
	 * without a grant longer than its limit (watchdog_ms); with
	 * @max_wait, longer than twice what it returns, if that is more. A
	 * policy without it promises every runnable vCPU a grant within half
	 * the watchdog limit whatever its legal parameters; one whose waits
	 * grow with its parameters or its queue (a long slice times the
	 * vCPUs ahead) declares them here. Called under the lock.
	 */
	u64 (*max_wait)(struct vmsched_sched *s);

	/* --- lifetime of VMs and vCPUs in this instance, under the lock --- */

	/**
	 * @vm_attach: @vm appears in this instance (before its first vCPU).
	 * ->params hold the defaults or the values carried over from an
	 * earlier instance of the same policy.
	 */
	void (*vm_attach)(struct vmsched_sched *s, struct vmsched_vm *vm, u64 now);
	/** @vm_detach: @vm leaves (after its last vCPU detached). */
	void (*vm_detach)(struct vmsched_sched *s, struct vmsched_vm *vm);
	/**
	 * @vcpu_attach: @v appears in this instance, not queued. If it is
	 * runnable the core follows with @enqueue(WAKEUP).
	 */
	void (*vcpu_attach)(struct vmsched_sched *s, struct vmsched_vcpu *v, u64 now);
	/** @vcpu_detach: @v leaves; it is neither queued nor granted. */
	void (*vcpu_detach)(struct vmsched_sched *s, struct vmsched_vcpu *v);

	/**
	 * @param_changed: a parameter of @scope was set (already stored in the
	 * matching params[] array and range-checked). @vm and @v are NULL for
	 * a global parameter, @v is NULL for a VM parameter. Return 0, or a
	 * negative errno to refuse the combination: the core then restores the
	 * previous values and returns the error to userspace.
	 */
	int (*param_changed)(struct vmsched_sched *s, u32 scope,
			     struct vmsched_vm *vm, struct vmsched_vcpu *v);

	/* --- instance lifetime: process context, may sleep, no locks --- */

	/**
	 * @init: a new instance is being built (activation or swap); @s->params
	 * hold the validated global parameters (those given with the
	 * activation, else the values of the policy's last instance, else the
	 * defaults). Allocate what the instance
	 * needs into @s->priv. Return 0 or a negative errno (activation then
	 * fails and nothing changes). VMs and vCPUs are attached after this.
	 */
	int (*init)(struct vmsched_sched *s);
	/**
	 * @exit: the instance is gone: every vCPU and VM has been detached and
	 * an RCU grace period has passed. Free what @init allocated.
	 */
	void (*exit)(struct vmsched_sched *s);

	/**
	 * @dump: optional; print instance state for the debugfs status file.
	 * Called under the scheduler lock: no sleeping beyond seq_printf.
	 */
	void (*dump)(struct vmsched_sched *s, struct seq_file *m);

	/* --- data --- */
	const struct vmsched_param_desc *params;	/* table, may be NULL */
	unsigned int nr_params;
	unsigned int vcpu_data_size;	/* bytes of vmsched_vcpu.data used */
	unsigned int vm_data_size;	/* bytes of vmsched_vm.data used */
	char name[VMSCHED_NAME_LEN];	/* "bvt": [a-z0-9_], unique */
	const char *description;	/* one line for `vmsched list` */
	struct module *owner;		/* THIS_MODULE */
	struct list_head list;		/* core-private: registry link */
};

#ifdef __KERNEL__
int vmsched_register_policy(struct vmsched_ops *ops);
void vmsched_unregister_policy(struct vmsched_ops *ops);
#endif

/**
 * vmsched_may_run() - may @v be granted the slot of @cpu?
 * @v: a vCPU of the asking instance
 * @cpu: a CPU of the pool (pick_next's @cpu)
 *
 * Return: true if @cpu is in @v->cpus. Constant while @v is queued.
 */
static inline bool vmsched_may_run(const struct vmsched_vcpu *v, unsigned int cpu)
{
	return cpumask_test_cpu(cpu, v->cpus);
}

/* Accessors for policy data: one typed view per policy, no casts elsewhere. */
#define VMSCHED_DATA(type, ptr)						\
	({								\
		BUILD_BUG_ON(sizeof(type) > VMSCHED_DATA_BYTES);	\
		(type *)(ptr)->data;					\
	})

#endif /* _VMSCHED_PLUGIN_H */
