/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_schedswap private definitions, shared by the core's files only.
 *
 * Locking
 * -------
 * vms_mutex (mutex): serialises every control operation that may sleep:
 *	the policy registry, the pool list, activation/swap/deactivation,
 *	parameter changes, moving VMs between pools, registering the KVM hooks
 *	and reaping dead VMs. Taken first.
 *
 * vms_vms_lock (raw spinlock, IRQ-safe): the list of every VM (vms_vms),
 *	the vCPU hashes and the counts of VMs and vCPUs, for writers; readers
 *	walk vms_vms and the hashes under RCU (VMs and vCPUs are freed after
 *	a grace period). A VM's pool (vm->pool) changes under it and both
 *	pools' locks. Taken by discovery, reaping and moves, never on a
 *	scheduling path. Nests inside vms_mutex, outside every pool lock.
 *
 * pool->lock (raw spinlock, IRQ-safe, one per pool, struct vms_pool):
 *	all scheduling state of the pool: its VMs (pool->vms) and their vCPU
 *	lists, every vCPU's state, grant and queue membership, its thread
 *	(vc->task) and CPU-time mark, the pool's slots (slots.c), statistics,
 *	the pool's active instance, and every call into its instances'
 *	scheduling and attach/detach callbacks. Taken from the kvm_entry probe
 *	(IRQs off), the slice and stop hrtimers (hardirq), the halt kprobe,
 *	the gate task_work and ioctls. A vCPU's pool is found through its VM
 *	with vms_pool_lock(), which retries if the VM moved meanwhile. Two
 *	pool locks are only held together by a move, lower address first.
 *	Under it we may wake tasks (pi_lock and rq locks nest inside it) and
 *	kick vCPUs; we never take it with a scheduler lock held: the
 *	sched_switch probe (track.c) takes no lock.
 *
 * pool->active is the RCU-protected pointer to the pool's active instance:
 * written under vms_mutex and pool->lock, read under pool->lock
 * (scheduling paths) or RCU (lockless checks). Pools are freed after a
 * grace period, so a pool pointer read under RCU stays valid.
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

struct vms_pool;

/* one live policy instance, in one pool */
struct vms_instance {
	struct vmsched_ops *ops;	/* the policy */
	struct vmsched_sched sched;	/* the policy's view; .cpus: pool->slot_cpus */
	struct vms_pool *pool;		/* the pool it schedules */
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
	struct list_head node;		/* vms_vms: vms_vms_lock, RCU for readers */
	struct list_head pool_node;	/* pool->vms, under pool->lock */
	bool unlinked;			/* reaped: RCU readers skip it (pool->lock) */
	struct vms_pool *pool;		/* its pool: see Locking */
	struct kvm *kvm;		/* reference held until reaped */
	struct pid *tgid;		/* VMM process, reference held */
	pid_t pid;			/* its number in the initial namespace (logs) */
	char comm[TASK_COMM_LEN];	/* VMM name */
	struct list_head vcpus;		/* vms_vcpu.vm_node, under pool->lock */
	unsigned int nr_vcpus;
	struct vmsched_vm pv[2];	/* per-instance policy views */
	bool attached[2];		/* pv[i] attached to an instance */
	struct vms_saved_params saved[VMS_SAVED_POLICIES];
	struct vms_stats gone;		/* stats of vCPUs that left */
};

/* one vCPU thread the core has seen */
struct vms_vcpu {
	struct hlist_node hnode;	/* vms_vcpu_hash, RCU */
	struct hlist_node self_node;	/* vms_self_hash, RCU */
	struct list_head vm_node;	/* vm->vcpus */
	struct vms_vm *vm;
	struct kvm_vcpu *vcpu;		/* valid while vm->kvm is held */
	/* the thread in KVM_RUN now, reference held; written under pool->lock */
	struct task_struct *task;
	int vcpu_id;
	struct pid *tpid;		/* vc->task's pid, reference held */
	pid_t tid;			/* its number in the initial namespace (logs) */

	/* scheduling state, under its pool's lock */
	enum vms_state state;
	bool granted;			/* may enter; read locklessly by the probe */
	bool released;			/* VM going away: never wait again */
	bool in_gate;			/* sleeping in the gate */
	u64 slice_ns;			/* granted slice not started yet, or 0 */
	int slot_cpu;			/* CPU whose slot its grant holds, or -1 */
	cpumask_var_t cpus;		/* slots it may be granted (slots.c) */
	bool pinned;			/* not every slot: its thread's affinity */
	/* confine.c, under its pool's lock */
	cpumask_var_t home_cpus;	/* its thread's affinity before the core's */
	cpumask_var_t applied_cpus;	/* the affinity the core gave it */
	bool confined;			/* home_cpus saved, affinity narrowed */
	bool confine_failed;		/* home has none of its pool's CPUs */
	bool confine_pending;		/* ran outside its pool: the gate narrows it */
	struct mutex confine_lock;	/* one change of its thread's affinity at a time */
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

	struct vms_stats stats;		/* under its pool's lock */

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

/*
 * A pool: a set of pCPUs with its own active policy (Xen's cpupool). See
 * pool.c; the default pool holds every CPU and VM no other pool holds.
 */
struct vms_pool {
	/* under vms_mutex; read under RCU or the pool's lock */
	struct list_head node;		/* vms_pools, RCU */
	char name[VMSCHED_NAME_LEN];
	cpumask_var_t cpus;		/* the admin's CPUs (default: the others) */

	raw_spinlock_t lock;		/* the pool's scheduling state: see Locking */
	struct vms_instance __rcu *active;	/* NULL: the host scheduler */
	struct list_head vms;		/* its VMs (vms_vm.pool_node) */
	unsigned int nr_vms, nr_vcpus;
	struct list_head granted;	/* vCPUs holding a grant */
	struct list_head queued;	/* queued vCPUs, in the order they queued */
	unsigned int nr_granted;
	unsigned int nr_queued_pinned;	/* queued that may not use every slot */
	unsigned int limit;		/* slots= when the policy went live (0: all) */
	cpumask_var_t slot_cpus;	/* its online CPUs, one slot each */
	cpumask_var_t held_slots;	/* slots a grant holds */
	cpumask_var_t free_slots;	/* the others */
	struct hrtimer repoll_timer;	/* asks the policy again when it asked */
	struct vmsched_ops *eject_target;	/* policy to eject, under lock */
	struct work_struct eject_work;	/* ejects it (process context) */

	/* under vms_mutex (read without it for status) */
	unsigned int last_slot;		/* instance slot last used */
	u64 swaps, last_swap_ns, max_swap_ns;
	/* under the pool's lock */
	u64 watchdog_events, policy_errors;
	char last_ejected[VMSCHED_NAME_LEN];
	/* global parameters of the policies' last instances in this pool */
	struct vms_saved_params saved_globals[VMS_SAVED_POLICIES];
	struct rcu_head rcu;
};

/* every vCPU of @pool, under its lock */
#define for_each_pool_vcpu(pool, vm, vc)				\
	list_for_each_entry(vm, &(pool)->vms, pool_node)		\
		list_for_each_entry(vc, &(vm)->vcpus, vm_node)

/*
 * Lock @vm's pool, IRQs already off, and return it: the pool it is in
 * while the lock is held. IRQs off make this an RCU read-side section, so
 * a pool the VM has just left is not freed under us.
 */
static inline struct vms_pool *vms_pool_lock_irqsoff(struct vms_vm *vm)
{
	struct vms_pool *pool;

	for (;;) {
		pool = READ_ONCE(vm->pool);
		raw_spin_lock(&pool->lock);
		if (likely(pool == READ_ONCE(vm->pool)))
			return pool;
		raw_spin_unlock(&pool->lock);
	}
}

/* the same from any context; unlock with raw_spin_unlock_irqrestore() */
static inline struct vms_pool *vms_pool_lock(struct vms_vm *vm, unsigned long *flags)
{
	local_irq_save(*flags);
	return vms_pool_lock_irqsoff(vm);
}

/* main.c */
extern struct mutex vms_mutex;
extern raw_spinlock_t vms_vms_lock;
extern struct list_head vms_vms;
extern unsigned int vms_nr_vms, vms_nr_vcpus;
extern unsigned int vms_param_slots;
extern unsigned int vms_param_watchdog_ms;
void vms_maybe_activate_default(const char *name);

/* registry.c: the list of registered policies, under vms_mutex */
struct vmsched_ops *vms_find_policy(const char *name);
unsigned int vms_nr_policies(void);
int vms_for_each_policy(int (*fn)(struct vmsched_ops *ops, void *arg), void *arg);

/* pool.c: the pools */
extern struct vms_pool *vms_default_pool;
extern struct list_head vms_pools;
int vms_pools_init(void);
void vms_pools_exit(void);
void vms_pools_free(void);
struct vms_pool *vms_find_pool(const char *name);
bool vms_pool_name_valid(const char *name);
int vms_pool_create(const char *name, const struct cpumask *cpus);
int vms_pool_destroy(const char *name);
int vms_pool_move(pid_t pid, const char *name);
void vms_pool_cpus_changed(struct vms_pool *pool);

/* confine.c: a pool's vCPU threads run on its CPUs */
struct vms_thread {
	struct vms_vcpu *vc;
	struct task_struct *task;	/* reference held */
};

extern unsigned int vms_nr_pools;
bool vms_confine_mask(const struct vms_vcpu *vc, const struct task_struct *task,
		      const struct vms_pool *pool, struct cpumask *mask);
void vms_confine_commit(struct vms_vcpu *vc, const struct task_struct *task,
			const struct cpumask *mask);

/*
 * Does @vc's thread, entering the guest on this CPU, run outside its pool?
 * kvm_entry probe, IRQs off: one load while a single pool exists.
 */
static inline bool vms_confine_wanted(const struct vms_vcpu *vc, const struct vms_pool *pool)
{
	return unlikely(READ_ONCE(vms_nr_pools) > 1) && !READ_ONCE(vc->confine_failed) &&
	       !cpumask_test_cpu(smp_processor_id(), pool->cpus);
}
void vms_confine_thread(struct vms_vcpu *vc, struct task_struct *task, struct vms_pool *to,
			struct cpumask *mask);
void vms_confine_self(struct vms_vcpu *vc);
int vms_vm_threads(struct vms_vm *vm, struct vms_thread **out);
void vms_vm_threads_put(struct vms_thread *t, int n);
void vms_confine_refresh_all(void);

/* vcpu.c: discovery and lifetime */
struct vms_vcpu *vms_lookup(struct kvm_vcpu *vcpu);
bool vms_known_vcpu(const struct vms_pool *pool, const struct vms_vcpu *vc);
struct vms_vcpu *vms_discover(struct kvm_vcpu *vcpu);
struct vms_vm *vms_find_vm(pid_t nr);
struct pid *vms_caller_pid(pid_t nr);
bool vms_vm_selected(const struct vms_vm *vm, const struct pid *want);
void vms_reap(bool all);
int vms_hooks_register(void);
void vms_hooks_unregister(void);
void vms_reaper_start(void);
void vms_reaper_stop(void);

/* sched.c: grants, queueing, slices; all under the pool's lock */
static inline struct vms_instance *vms_instance_locked(struct vms_pool *pool)
{
	return rcu_dereference_protected(pool->active, lockdep_is_held(&pool->lock));
}

/* the pool of @vc, whose lock the caller holds */
static inline struct vms_pool *vms_vcpu_pool(const struct vms_vcpu *vc)
{
	return vc->vm->pool;
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
void vms_dispatch(struct vms_pool *pool, u64 now);
void vms_repoll_init(struct vms_pool *pool);
void vms_end_grant(struct vms_instance *in, struct vms_vcpu *vc, u64 now, bool requeue);
void vms_policy_error(struct vms_instance *in, const char *what);
void vms_set_state(struct vms_vcpu *vc, enum vms_state state);

/* slots.c: one slot per pCPU of the pool; under the pool's lock */
unsigned int vms_slots_pick_cpus(struct vms_pool *pool, struct cpumask *cpus,
				 unsigned int except);
void vms_slots_update_vcpu(struct vms_vcpu *vc);
unsigned int vms_slots_set(struct vms_pool *pool, unsigned int except);
unsigned int vms_slot_choose(struct vms_vcpu *vc, unsigned int cpu);
void vms_slot_take(struct vms_vcpu *vc, unsigned int cpu);
void vms_slot_put(struct vms_vcpu *vc);
bool vms_slot_usable(const struct vms_vcpu *vc, const struct vms_vcpu *vv);
int vms_hotplug_init(void);
void vms_hotplug_exit(void);

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
void vms_gate_release_all(struct vms_pool *pool);
void vms_gate_drain(struct vms_vcpu *vc);

/* swap.c: activation, live swap, deactivation of a pool's policy */
int vms_activate(struct vms_pool *pool, const char *name, const struct vmsched_kv *kv,
		 unsigned int n);
void vms_deactivate_locked(struct vms_pool *pool);
struct vmsched_ops *vms_active_ops_locked(struct vms_pool *pool);
void vms_eject(struct vms_pool *pool, const char *why);
bool vms_eject_pending(struct vms_pool *pool);
void vms_eject_init(struct vms_pool *pool);
void vms_revoke_vcpu(struct vms_vcpu *vc, u64 now);
void vms_release_vcpu(struct vms_vcpu *vc, u64 now);
void vms_kick_all(struct vms_pool *pool);

/* params.c */
int vms_params_check(const struct vmsched_ops *ops, u32 scope, const struct vmsched_kv *kv,
		     unsigned int n, int *idx);
void vms_params_defaults(const struct vmsched_ops *ops, u32 scope, u64 *params);
void vms_params_save(struct vms_saved_params *saved, const struct vmsched_ops *ops,
		     const u64 *params);
void vms_params_restore(const struct vms_saved_params *saved, const struct vmsched_ops *ops,
			u32 scope, u64 *params);
int vms_set_params(const char *pool, u32 scope, pid_t pid, u32 vcpu_id,
		   const struct vmsched_kv *kv, unsigned int n);
int vms_get_params(const char *pool, u32 scope, pid_t pid, u32 vcpu_id,
		   struct vmsched_kv *kv, unsigned int *n);

/* stats.c */
void vms_stats_latency(struct vms_stats *st, u64 ns);
void vms_stats_add(struct vms_stats *sum, const struct vms_stats *st);
u64 vms_stats_percentile(const struct vms_stats *st, unsigned int pct);
u64 vms_stats_count(const struct vms_stats *st);
unsigned int vms_nr_gated_locked(struct vms_pool *pool);
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
