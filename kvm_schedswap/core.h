/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_schedswap private definitions, shared by the core's files only.
 *
 * Locking
 * -------
 * vms_mutex (mutex): serialises every control operation that may sleep:
 *	the policy registry, activation/swap/deactivation, parameter changes,
 *	registering the KVM hooks, and reaping dead VMs. Taken first.
 *
 * vms_lock (raw spinlock, IRQ-safe): protects all scheduling state: the
 *	VM and vCPU lists, every vCPU's state, grant and queue membership, its
 *	thread (vc->task) and CPU-time mark, the slots (slots.c), statistics, and
 *	every call into a policy instance's scheduling and attach/detach
 *	callbacks. Taken from the kvm_entry probe (IRQs off), the slice and
 *	stop hrtimers (hardirq), the halt kprobe, the gate task_work and
 *	ioctls. Nests inside vms_mutex. Under it we may wake tasks (pi_lock
 *	and rq locks nest inside it) and kick vCPUs; we never take it with a
 *	scheduler lock held: the sched_switch probe (track.c) takes no lock.
 *
 * vms_vcpu_hash is written under vms_lock and read under RCU (the probe
 * runs with preemption disabled, which is an RCU read-side section).
 *
 * vms_active is the RCU-protected pointer to the active instance: written
 * under vms_mutex and vms_lock, read under vms_lock (scheduling paths) or
 * RCU (lockless checks).
 */
#ifndef _KVM_SCHEDSWAP_CORE_H
#define _KVM_SCHEDSWAP_CORE_H

#include <linux/hashtable.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/kvm_host.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/task_work.h>
#include <linux/vmsched.h>

#include "vmsched_plugin.h"

/* log2 buckets of wake-to-run latency, as exported (bounds in the uapi) */
#define VMS_LAT_BUCKETS		VMSCHED_LAT_BUCKETS
#define VMS_SAVED_POLICIES	4	/* per-VM parameter sets remembered */
/* how long a vCPU woken with a grant may take to run before it loses it */
#define VMS_START_ALLOWANCE_NS	(100 * NSEC_PER_MSEC)
/* how long a granted thread may stay blocked before it loses its slot */
#define VMS_STOP_GRACE_NS	(1 * NSEC_PER_MSEC)
/*
 * a vCPU that left the gate on a signal and is back within this time
 * still waits since it first queued (the watchdog sees signals through)
 */
#define VMS_SIGNAL_RETURN_NS	(100 * NSEC_PER_MSEC)

/*
 * vms_cpu_vcpu (per CPU) is written by the vCPU thread running on that CPU
 * (kvm_entry probe, gate) and read by the sched_switch probe there; the
 * vCPU it points to stays valid for an RCU grace period after the reaper
 * clears every pointer to it (vms_track_forget()).
 */

/* vCPU states, as exported in struct vmsched_vcpu_stats */
enum vms_state {
	VMS_GRANTED = VMSCHED_VCPU_RUNNING,	/* holds a slot */
	VMS_QUEUED = VMSCHED_VCPU_QUEUED,	/* enqueued in the policy */
	VMS_BLOCKED = VMSCHED_VCPU_BLOCKED,	/* halted in the guest */
	VMS_OUTSIDE = VMSCHED_VCPU_OUTSIDE,	/* not known to the policy */
};

/* one live policy instance */
struct vms_instance {
	struct vmsched_ops *ops;	/* the policy */
	struct vmsched_sched sched;	/* the policy's view */
	cpumask_var_t cpus;		/* its pool's CPUs, one slot each */
	unsigned int limit;		/* at most this many (slots=), 0: all */
	unsigned int slot;		/* index of its vmsched_vcpu/vm copies */
	struct vmsched_vcpu **running;	/* scratch for check_preempt, nr_cpu_ids */
	u64 activated_ns;		/* when it went live */
};

/* statistics of a vCPU, summed into its VM when it leaves */
struct vms_stats {
	u64 run_ns;		/* CPU time charged to grants */
	u64 wait_ns;		/* time queued */
	u64 grants;
	u64 preemptions;
	u64 wakeups;
	u64 lat_max_ns;
	u64 lat_sum_ns;			/* saturating sum of the samples */
	u64 lat_hist[VMS_LAT_BUCKETS];	/* wake-to-run, log2 ns buckets */
};

/* parameters a VM had under a policy, kept across swaps */
struct vms_saved_params {
	char policy[VMSCHED_NAME_LEN];	/* "" = unused */
	u64 params[VMSCHED_MAX_PARAMS];
};

/* one VM (struct kvm) the core has seen */
struct vms_vm {
	struct list_head node;		/* vms_vms, under vms_lock */
	struct kvm *kvm;		/* reference held until reaped */
	struct pid *tgid;		/* VMM process, reference held */
	pid_t pid;			/* its number in the initial namespace (logs) */
	char comm[TASK_COMM_LEN];	/* VMM name */
	struct list_head vcpus;		/* vms_vcpu.vm_node, under vms_lock */
	unsigned int nr_vcpus;
	struct vmsched_vm pv[2];	/* per-instance policy views */
	bool attached[2];		/* pv[i] attached to an instance */
	struct vms_saved_params saved[VMS_SAVED_POLICIES];
	struct vms_stats gone;		/* stats of vCPUs that left */
};

/* one vCPU thread the core has seen */
struct vms_vcpu {
	struct hlist_node hnode;	/* vms_vcpu_hash, RCU */
	struct hlist_node self_node;	/* vms_self_hash, under vms_lock */
	struct list_head vm_node;	/* vm->vcpus */
	struct vms_vm *vm;
	struct kvm_vcpu *vcpu;		/* valid while vm->kvm is held */
	/* the thread in KVM_RUN now, reference held; written under vms_lock */
	struct task_struct *task;
	int vcpu_id;
	struct pid *tpid;		/* vc->task's pid, reference held */
	pid_t tid;			/* its number in the initial namespace (logs) */

	/* scheduling state, under vms_lock */
	enum vms_state state;
	bool granted;			/* may enter; read locklessly by the probe */
	bool released;			/* VM going away: never wait again */
	bool in_gate;			/* sleeping in the gate */
	u64 slice_ns;			/* granted slice not started yet, or 0 */
	int slot_cpu;			/* CPU whose slot its grant holds, or -1 */
	cpumask_var_t cpus;		/* slots it may be granted (slots.c) */
	bool pinned;			/* not every slot: its thread's affinity */
	bool grant_adopted;		/* grant made by an earlier instance */
	struct list_head state_node;	/* on vms_granted or vms_queued, by state */
	u64 queued_ns;			/* when it was enqueued */
	u64 wake_ns;			/* woke from a halt, not run yet (or 0) */
	u64 wait_since_ns;		/* runnable without a grant since (or 0) */
	u64 left_gate_ns;		/* left the gate on a signal */
	u64 cpu_mark;			/* thread's CPU time charged up to here */
	u64 stops;			/* grants freed because the thread stopped (debugfs) */
	u64 rethreads;			/* times another thread took the vCPU over (debugfs) */
	struct vmsched_vcpu pv[2];	/* per-instance policy views */
	bool attached[2];

	struct vms_stats stats;		/* under vms_lock */

	struct hrtimer slice_timer;	/* ends the grant */
	struct hrtimer stop_timer;	/* frees the slot of a stopped thread */
	struct irq_work kick;		/* self-IPI: force a VM exit on this CPU */
	struct callback_head gate_work;	/* the gate, run by the vCPU thread */
	atomic_t gate_queued;		/* gate_work queued or running */
	struct rcu_head rcu;
};

/* CPU time of @vc's thread not charged yet */
static inline u64 vms_cputime_pending(const struct vms_vcpu *vc)
{
	u64 sum = READ_ONCE(vc->task->se.sum_exec_runtime);

	return sum > vc->cpu_mark ? sum - vc->cpu_mark : 0;
}

/* every vCPU the core knows, under vms_lock */
#define for_each_vms_vcpu(vm, vc)					\
	list_for_each_entry(vm, &vms_vms, node)				\
		list_for_each_entry(vc, &(vm)->vcpus, vm_node)

/* main.c */
extern struct mutex vms_mutex;
extern raw_spinlock_t vms_lock;
extern struct vms_instance __rcu *vms_active;
extern struct list_head vms_vms;
extern unsigned int vms_nr_vms, vms_nr_vcpus;
extern unsigned int vms_param_slots;
extern unsigned int vms_param_watchdog_ms;
void vms_maybe_activate_default(const char *name);

/* registry.c: the list of registered policies, under vms_mutex */
struct vmsched_ops *vms_find_policy(const char *name);
unsigned int vms_nr_policies(void);
int vms_for_each_policy(int (*fn)(struct vmsched_ops *ops, void *arg), void *arg);

/* vcpu.c: discovery and lifetime */
struct vms_vcpu *vms_lookup(struct kvm_vcpu *vcpu);
bool vms_known_vcpu(const struct vms_vcpu *vc);
struct vms_vcpu *vms_discover(struct kvm_vcpu *vcpu);
struct vms_vm *vms_find_vm(pid_t nr);
struct pid *vms_caller_pid(pid_t nr);
bool vms_vm_selected(const struct vms_vm *vm, const struct pid *want);
void vms_reap(bool all);
int vms_hooks_register(void);
void vms_hooks_unregister(void);
void vms_reaper_start(void);
void vms_reaper_stop(void);

/* sched.c: grants, queueing, slices */
static inline struct vms_instance *vms_instance_locked(void)
{
	return rcu_dereference_protected(vms_active, lockdep_is_held(&vms_lock));
}

void vms_vcpu_init_sched(struct vms_vcpu *vc);
void vms_attach_vm(struct vms_instance *in, struct vms_vm *vm, u64 now);
void vms_detach_vm(struct vms_instance *in, struct vms_vm *vm);
void vms_attach_vcpu(struct vms_instance *in, struct vms_vcpu *vc, u64 now);
void vms_detach_vcpu(struct vms_instance *in, struct vms_vcpu *vc, u64 now);
bool vms_make_runnable(struct vms_instance *in, struct vms_vcpu *vc, u64 now);
void vms_block(struct vms_vcpu *vc, u64 now);
void vms_slice_start(struct vms_vcpu *vc, u64 now, u64 slice);
u64 vms_release_slot(struct vms_vcpu *vc, u64 now);
void vms_dispatch(struct vms_instance *in, u64 now);
void vms_repoll_init(void);
void vms_repoll_exit(void);
void vms_end_grant(struct vms_instance *in, struct vms_vcpu *vc, u64 now, bool requeue);
void vms_policy_error(struct vms_instance *in, const char *what);
extern unsigned int vms_nr_granted;
extern struct list_head vms_granted, vms_queued;
void vms_set_state(struct vms_vcpu *vc, enum vms_state state);

/* slots.c: one slot per pCPU of the pool */
extern cpumask_var_t vms_free_slots;
extern unsigned int vms_nr_queued_pinned;
int vms_slots_init(void);
void vms_slots_exit(void);
unsigned int vms_slots_pick_cpus(struct cpumask *cpus, unsigned int limit,
				 unsigned int except);
void vms_slots_update_vcpu(struct vms_vcpu *vc);
void vms_slots_set(const struct cpumask *cpus);
unsigned int vms_slot_choose(struct vms_vcpu *vc, unsigned int cpu);
void vms_slot_take(struct vms_vcpu *vc, unsigned int cpu);
void vms_slot_put(struct vms_vcpu *vc);
bool vms_slot_usable(const struct vms_vcpu *vc, const struct vms_vcpu *vv);

/* track.c: run time, stops and the current thread of vCPUs */
DECLARE_PER_CPU(struct vms_vcpu *, vms_cpu_vcpu);

/* @vc's thread runs on this CPU (its stops are seen here); IRQs off */
static inline void vms_track_here(struct vms_vcpu *vc)
{
	if (__this_cpu_read(vms_cpu_vcpu) != vc)
		__this_cpu_write(vms_cpu_vcpu, vc);
}

u64 vms_account_cputime(struct vms_vcpu *vc);
void vms_track_reset(struct vms_vcpu *vc);
void vms_track_rethread(struct vms_vcpu *vc);
void vms_track_init_vcpu(struct vms_vcpu *vc);
void vms_track_forget(struct vms_vcpu *vc);
int vms_track_register(void);
void vms_track_unregister(void);

/* gate.c: holding vCPUs back between two guest entries */
void vms_gate_request(struct vms_vcpu *vc);
void vms_gate_release_all(void);
void vms_gate_drain(struct vms_vcpu *vc);

/* swap.c */
int vms_activate(const char *name, const struct vmsched_kv *kv, unsigned int n);
int vms_deactivate(void);
void vms_deactivate_locked(void);
struct vmsched_ops *vms_active_ops_locked(void);
void vms_swap_exit(void);
void vms_eject(const char *why);
bool vms_eject_pending(void);
extern u64 vms_swaps, vms_last_swap_ns, vms_max_swap_ns;
extern u64 vms_watchdog_events, vms_policy_errors;
extern char vms_last_ejected[VMSCHED_NAME_LEN];

/* params.c */
int vms_params_check(const struct vmsched_ops *ops, u32 scope, const struct vmsched_kv *kv,
		     unsigned int n, int *idx);
void vms_params_defaults(const struct vmsched_ops *ops, u32 scope, u64 *params);
void vms_params_save(struct vms_saved_params *saved, const struct vmsched_ops *ops,
		     const u64 *params);
void vms_params_restore(const struct vms_saved_params *saved, const struct vmsched_ops *ops,
			u32 scope, u64 *params);
int vms_set_params(u32 scope, pid_t pid, u32 vcpu_id, const struct vmsched_kv *kv,
		   unsigned int n);
int vms_get_params(u32 scope, pid_t pid, u32 vcpu_id, struct vmsched_kv *kv,
		   unsigned int *n);

/* stats.c */
void vms_stats_latency(struct vms_stats *st, u64 ns);
void vms_stats_add(struct vms_stats *sum, const struct vms_stats *st);
u64 vms_stats_percentile(const struct vms_stats *st, unsigned int pct);
u64 vms_stats_count(const struct vms_stats *st);
unsigned int vms_nr_gated_locked(void);
const char *vms_state_name(enum vms_state state);
int vms_stats_snapshot(struct vmsched_stats *s);

/* watchdog.c */
#define VMS_WATCHDOG_MAX_NS	(60 * NSEC_PER_SEC)	/* longest a policy may declare */
u64 vms_watchdog_limit(struct vms_instance *in);
void vms_watchdog_start(void);
void vms_watchdog_stop(void);

/* dev.c and debugfs.c */
int vms_copy_array_out(const struct vmsched_list *l, const void *kbuf, size_t ksize,
		       unsigned int n);
int vms_dev_init(void);
void vms_dev_exit(void);
void vms_debugfs_init(void);
void vms_debugfs_exit(void);

#endif /* _KVM_SCHEDSWAP_CORE_H */
