/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmsched: live-swappable vCPU scheduling policies for KVM hosts.
 * The ioctl interface of /dev/vmsched.
 *
 * Versioning and extension
 * ------------------------
 * Every ioctl argument is a struct whose size is encoded in the command
 * (_IOC_SIZE), the way pidfd's PIDFD_GET_INFO does it. The kernel accepts
 * any size from the first published version of the struct (the *_SIZE_VER0
 * constants) upwards: a smaller struct fails with -EINVAL; a larger one
 * from a newer userspace is accepted if the bytes the kernel does not know
 * are zero (else -E2BIG), exactly like sched_setattr() and clone3(). The
 * kernel dispatches on _IOC_NR and _IOC_TYPE; it only writes back as many
 * bytes as userspace passed. New fields are only ever appended.
 *
 * Arrays (policies, parameters, statistics) are passed as a user pointer, a
 * capacity and the size of one element as userspace knows it; the kernel
 * writes min(its size, element size) bytes per element (and zeroes the rest
 * of a larger element) and returns the total number available, so
 * userspace can size its buffer and ask again. An element size from VER0
 * up is accepted: a binary built against an older header keeps working.
 *
 * Errors
 * ------
 *   ENOTTY  unknown command             EFAULT  bad pointer
 *   EINVAL  bad size, flags or string   E2BIG   unknown non-zero trailing bytes
 *   EPERM   mutating call without CAP_SYS_NICE or CAP_SYS_ADMIN
 *   ENOENT  unknown policy or parameter name
 *   ERANGE  parameter value out of range
 *   EINVAL  also: a combination of values the policy refuses
 *   ENOSPC  reservations would exceed the pool (fair)
 *   ESRCH   no such VM (pid) or vCPU
 *   ENOTUNIQ  that process runs several VMs: a pid names none of them
 *   ENODEV  per-VM/vCPU parameters asked while no policy is active
 *   EBUSY   a swap is in progress (never returned for activate: it waits)
 *   EAGAIN  statistics: VMs kept appearing while the snapshot was sized
 *   EEXIST  a pool of that name exists
 *   EBUSY   also: a CPU in another pool, or the default pool's last CPU
 * On any error nothing has changed.
 */
#ifndef _UAPI_LINUX_VMSCHED_H
#define _UAPI_LINUX_VMSCHED_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define VMSCHED_DEVICE		"/dev/vmsched"
/*
 * 2.0: the ioctl type is 0xD6 (1.x used 0xB7, nsfs' type: NS_GET_OWNER_UID
 * had the number of VMSCHED_IOC_DEACTIVATE); run_ns is CPU time; pids are
 * those of the caller's pid namespace (VMs of processes it cannot see are
 * not listed).
 */
#define VMSCHED_ABI_MAJOR	2
/*
 * 2.1: struct vmsched_vcpu_stats and struct vmsched_vm_stats gain the
 * wake-to-run latency's sum and log2 histogram (the *_SIZE_VER1 sizes). A
 * 2.0 module clears what a caller passes beyond VER0, so a caller that
 * wants to tell "no sample" from "not exported" reads the minor first.
 */
/*
 * 2.2: pools, after Xen's cpupools: sets of pCPUs, each with its own
 * active policy, parameters and live swap. The pool "default" holds every
 * online CPU that is in no other pool and every VM not moved to another
 * pool. struct vmsched_activate, vmsched_params and vmsched_stats gain
 * @pool, struct vmsched_vm_stats gains the VM's pool (the *_SIZE_VER1 and
 * VM_STATS_SIZE_VER2 sizes); a caller passing an older size, or an empty
 * name, means the default pool. VMSCHED_IOC_STATUS shows the default pool
 * (and the counts of the whole host); VMSCHED_IOC_POOL_LIST shows each.
 */
#define VMSCHED_ABI_MINOR	2

#define VMSCHED_NAME_MAX	32	/* names incl. NUL */
#define VMSCHED_DESC_MAX	96	/* descriptions incl. NUL */

/* struct vmsched_version: VMSCHED_IOC_VERSION, read only */
struct vmsched_version {
	__u32 major;		/* VMSCHED_ABI_MAJOR */
	__u32 minor;		/* VMSCHED_ABI_MINOR */
	char release[32];	/* module version string */
};
#define VMSCHED_VERSION_SIZE_VER0	40

/* one registered policy, element of VMSCHED_IOC_LIST_POLICIES */
#define VMSCHED_POLICY_ACTIVE	0x1
struct vmsched_policy_info {
	char name[VMSCHED_NAME_MAX];
	char description[VMSCHED_DESC_MAX];
	__u32 flags;		/* VMSCHED_POLICY_ACTIVE */
	__u32 nr_params;	/* parameter descriptors it has */
};
#define VMSCHED_POLICY_INFO_SIZE_VER0	136

/* VMSCHED_IOC_LIST_POLICIES: fill @buf with up to @count entries */
struct vmsched_list {
	__u64 buf;		/* user pointer to the array */
	__u32 count;		/* in: capacity; out: total available */
	__u32 entry_size;	/* in: size of one element in userspace */
};
#define VMSCHED_LIST_SIZE_VER0		16

/* scopes and units of parameters (same values as the plugin API) */
#define VMSCHED_SCOPE_GLOBAL	0
#define VMSCHED_SCOPE_VM	1
#define VMSCHED_SCOPE_VCPU	2
#define VMSCHED_UNIT_NONE	0
#define VMSCHED_UNIT_NS		1
#define VMSCHED_UNIT_PERCENT	2

/* one parameter descriptor, element of VMSCHED_IOC_POLICY_PARAMS */
struct vmsched_param_info {
	char name[VMSCHED_NAME_MAX];
	char help[VMSCHED_DESC_MAX];
	__u32 scope;
	__u32 unit;
	__u64 min;
	__u64 max;
	__u64 def;
};
#define VMSCHED_PARAM_INFO_SIZE_VER0	160

/* VMSCHED_IOC_POLICY_PARAMS: the descriptors of policy @name */
struct vmsched_policy_params {
	char name[VMSCHED_NAME_MAX];
	struct vmsched_list list;	/* of struct vmsched_param_info */
};
#define VMSCHED_POLICY_PARAMS_SIZE_VER0	48

/* a key=value pair; times are in nanoseconds */
struct vmsched_kv {
	char key[VMSCHED_NAME_MAX];
	__u64 value;
};
#define VMSCHED_KV_SIZE_VER0		40
#define VMSCHED_MAX_KV			16	/* pairs per call */

/*
 * VMSCHED_IOC_ACTIVATE: make policy @name active, with global parameters.
 * If another policy is active this is a live swap. Activating the active
 * policy again only applies @params (all or nothing). Parameters not in
 * @params (global, and each VM's) start from the values they had when the
 * policy was last active, or from its defaults.
 */
struct vmsched_activate {
	char name[VMSCHED_NAME_MAX];
	__u64 params;		/* user pointer to struct vmsched_kv[] */
	__u32 nr_params;	/* <= VMSCHED_MAX_KV */
	__u32 kv_size;		/* sizeof(struct vmsched_kv) in userspace */
	__u64 flags;		/* must be 0 */
	/* 2.2 */
	char pool[VMSCHED_NAME_MAX];	/* "" or "default": the default pool */
};
#define VMSCHED_ACTIVATE_SIZE_VER0	56
#define VMSCHED_ACTIVATE_SIZE_VER1	88

/*
 * VMSCHED_IOC_SET_PARAMS / VMSCHED_IOC_GET_PARAMS: parameters of the active
 * policy. @scope selects global, one VM (@pid: the VMM's pid) or one vCPU
 * (@pid and @vcpu_id). SET applies all pairs or none. GET fills up to
 * @nr_params pairs (in: capacity, out: number available) with the current
 * values of every parameter of that scope. Global parameters are those of
 * @pool's active policy; a VM's are those of its own pool's, and a @pool
 * other than "" that is not the VM's fails with ESRCH.
 */
struct vmsched_params {
	__u32 scope;
	__s32 pid;
	__u32 vcpu_id;
	__u32 nr_params;
	__u64 params;		/* user pointer to struct vmsched_kv[] */
	__u32 kv_size;
	__u32 flags;		/* must be 0 */
	/* 2.2 */
	char pool[VMSCHED_NAME_MAX];
};
#define VMSCHED_PARAMS_SIZE_VER0	32
#define VMSCHED_PARAMS_SIZE_VER1	64

/* VMSCHED_IOC_STATUS */
struct vmsched_status {
	char active[VMSCHED_NAME_MAX];	/* "" when the host scheduler rules */
	__u32 nr_policies;	/* registered */
	__u32 nr_vms;		/* VMs known to the core */
	__u32 nr_vcpus;		/* vCPUs known to the core */
	__u32 nr_slots;		/* pool size (pCPUs) */
	__u32 nr_granted;	/* vCPUs holding a grant now */
	__u32 nr_gated;		/* runnable vCPUs waiting at the gate now */
	__u64 swaps;		/* completed activations/swaps/deactivations */
	/*
	 * duration of the last one, from the request taking the core's lock
	 * to the new policy being live; the RCU grace period and the old
	 * instance's teardown after it are not counted
	 */
	__u64 last_swap_ns;
	__u64 max_swap_ns;	/* longest so far, counted the same way */
	__u64 watchdog_events;	/* policies ejected by the watchdog */
	/*
	 * how long a runnable vCPU may wait before the watchdog ejects the
	 * policy: watchdog_ms, or twice the wait the active policy declares
	 * for its parameters and load if that is longer; 0: watchdog off
	 */
	__u64 watchdog_ns;
	__u64 policy_errors;	/* calls a policy got wrong (contained) */
	char last_ejected[VMSCHED_NAME_MAX];	/* policy the watchdog ejected last */
};
#define VMSCHED_STATUS_SIZE_VER0	136

/* vCPU states in struct vmsched_vcpu_stats */
#define VMSCHED_VCPU_RUNNING	0	/* holds a grant (or no policy active) */
#define VMSCHED_VCPU_QUEUED	1	/* runnable, waiting at the gate */
#define VMSCHED_VCPU_BLOCKED	2	/* halted in the guest */
#define VMSCHED_VCPU_OUTSIDE	3	/* in the VMM, outside KVM_RUN */

/*
 * Wake-to-run latency histogram (2.1): lat_hist[i] counts the samples of
 *   i == 0:                         0 <= ns <= 1
 *   1 <= i <= VMSCHED_LAT_BUCKETS-2: 2^(i-1) < ns <= 2^i
 *   i == VMSCHED_LAT_BUCKETS-1:      ns > 2^(VMSCHED_LAT_BUCKETS-2)
 * so 2^i ns is bucket i's inclusive upper bound (a Prometheus "le") and
 * the last one holds everything above 2^38 ns (about 275 s). The buckets
 * add up to lat_count; lat_sum_ns is the sum of the samples in ns,
 * saturating at 2^64-1 (584 years of summed latency, so in practice
 * exact). Both only ever grow while the VM lives.
 */
#define VMSCHED_LAT_BUCKETS	40

struct vmsched_vcpu_stats {
	__s32 pid;		/* VMM pid */
	__u32 vcpu_id;
	__s32 tid;		/* vCPU thread id, 0 if unknown */
	__u32 state;		/* VMSCHED_VCPU_* */
	__u64 run_ns;		/* CPU time its thread used under grants */
	__u64 wait_ns;		/* runnable but gated */
	__u64 grants;		/* grants received */
	__u64 preemptions;	/* slices that ended while still runnable */
	__u64 wakeups;		/* halts that ended */
	__u64 lat_count;	/* wake-to-run samples: from the wake-up to running */
	__u64 lat_p50_ns;	/* upper bound of the p50 bucket */
	__u64 lat_p99_ns;
	__u64 lat_max_ns;
	/* 2.1 */
	__u64 lat_sum_ns;	/* sum of the wake-to-run samples */
	__u64 lat_hist[VMSCHED_LAT_BUCKETS];	/* see VMSCHED_LAT_BUCKETS */
};
#define VMSCHED_VCPU_STATS_SIZE_VER0	88
#define VMSCHED_VCPU_STATS_SIZE_VER1	416

struct vmsched_vm_stats {
	__s32 pid;		/* VMM pid */
	__u32 nr_vcpus;
	char comm[16];		/* VMM thread group name */
	__u64 run_ns;		/* sums over its vCPUs */
	__u64 wait_ns;
	__u64 grants;
	__u64 preemptions;
	__u64 wakeups;
	__u64 lat_p99_ns;	/* worst vCPU */
	__u64 lat_max_ns;
	/*
	 * 2.1: over all its vCPUs, those that ended included, so that they
	 * never go back; the buckets add up to the VM's wake-to-run samples
	 */
	__u64 lat_sum_ns;
	__u64 lat_hist[VMSCHED_LAT_BUCKETS];
	/* 2.2 */
	char pool[VMSCHED_NAME_MAX];	/* the pool it is in */
};
#define VMSCHED_VM_STATS_SIZE_VER0	80
#define VMSCHED_VM_STATS_SIZE_VER1	408
#define VMSCHED_VM_STATS_SIZE_VER2	440

/*
 * VMSCHED_IOC_STATS: statistics of one VM (@pid) or all (@pid == 0), of
 * every pool or (2.2) only those in @pool. Counters are monotonic for the
 * lifetime of a VM and survive swaps and moves between pools.
 */
struct vmsched_stats {
	__s32 pid;
	__u32 flags;			/* must be 0 */
	struct vmsched_list vms;	/* of struct vmsched_vm_stats */
	struct vmsched_list vcpus;	/* of struct vmsched_vcpu_stats */
	__u64 now_ns;			/* out: CLOCK_MONOTONIC of the snapshot */
	/* 2.2 */
	char pool[VMSCHED_NAME_MAX];	/* "": every pool */
};
#define VMSCHED_STATS_SIZE_VER0		48
#define VMSCHED_STATS_SIZE_VER1		80

/*
 * Pools (2.2). A pool name is 1-31 characters of [a-z0-9_-]; "default" is
 * the default pool, which always exists and keeps at least one CPU. CPU
 * sets are bitmaps as sched_setaffinity() takes them: bit n of word n / 64
 * is CPU n; bits past the kernel's CPU count must be zero.
 */
#define VMSCHED_POOL_DEFAULT	"default"
#define VMSCHED_CPU_WORDS	128	/* 8192 CPUs, x86-64's NR_CPUS limit */

/*
 * VMSCHED_IOC_POOL_CREATE: a pool @name of the CPUs @cpus, taken from the
 * default pool, with no policy (its VMs, none yet, run under the host
 * scheduler). EEXIST: the name is taken; EINVAL: a bad name, no CPU, an
 * offline CPU; EBUSY: a CPU in another pool, or every CPU of the default
 * pool.
 */
struct vmsched_pool_cpus {
	char name[VMSCHED_NAME_MAX];
	__u64 cpus[VMSCHED_CPU_WORDS];
	__u32 flags;		/* must be 0 */
	__u32 reserved;		/* must be 0 */
};
#define VMSCHED_POOL_CPUS_SIZE_VER0	1064

/*
 * VMSCHED_IOC_POOL_DESTROY: pool @name's VMs and CPUs go back to the
 * default pool (the VMs' vCPU threads get the affinity they had when they
 * were moved to it back), then its policy ends. ENOENT: no such pool;
 * EINVAL: "default" or "". The one exception to "nothing changed": ENOMEM
 * while moving its VMs leaves those moved in the default pool.
 * VMSCHED_IOC_POOL_DEACTIVATE: pool @name's VMs go back to the host
 * scheduler ("" or "default": VMSCHED_IOC_DEACTIVATE).
 */
struct vmsched_pool_ref {
	char name[VMSCHED_NAME_MAX];
	__u32 flags;		/* must be 0 */
	__u32 reserved;		/* must be 0 */
};
#define VMSCHED_POOL_REF_SIZE_VER0	40

/* one pool, element of VMSCHED_IOC_POOL_LIST (in struct vmsched_list) */
struct vmsched_pool_info {
	char name[VMSCHED_NAME_MAX];
	char active[VMSCHED_NAME_MAX];	/* its policy, "" for the host scheduler */
	__u32 nr_cpus;		/* CPUs in the pool (its slots) */
	__u32 nr_vms;		/* VMs in it */
	__u32 nr_vcpus;
	__u32 nr_granted;	/* vCPUs holding a grant now */
	__u32 nr_gated;		/* runnable vCPUs waiting at the gate now */
	__u32 reserved;
	__u64 swaps;		/* as in struct vmsched_status, for this pool */
	__u64 last_swap_ns;
	__u64 max_swap_ns;
	__u64 watchdog_events;
	__u64 watchdog_ns;
	__u64 policy_errors;
	char last_ejected[VMSCHED_NAME_MAX];
	__u64 cpus[VMSCHED_CPU_WORDS];	/* its CPUs */
};
#define VMSCHED_POOL_INFO_SIZE_VER0	1192

/*
 * VMSCHED_IOC_POOL_MOVE: the VM of process @pid moves to pool @pool, live:
 * it leaves its pool's policy and joins the other's (parameters it had
 * under that policy in that pool come back). Its vCPU threads may then run
 * only on the new pool's CPUs: each thread's affinity becomes its
 * affinity when it joined a pool other than the default one, intersected
 * with the pool's CPUs; back in the default pool it is that affinity
 * again. ENOENT: no such pool; ESRCH/ENOTUNIQ: as for parameters; EINVAL:
 * a vCPU thread may run on none of the pool's CPUs.
 */
struct vmsched_pool_move {
	char pool[VMSCHED_NAME_MAX];
	__s32 pid;
	__u32 flags;		/* must be 0 */
};
#define VMSCHED_POOL_MOVE_SIZE_VER0	40

/* not in Documentation/userspace-api/ioctl/ioctl-number.rst */
#define VMSCHED_IOC_MAGIC	0xD6

#define VMSCHED_IOC_VERSION		_IOR(VMSCHED_IOC_MAGIC, 0x00, struct vmsched_version)
#define VMSCHED_IOC_LIST_POLICIES	_IOWR(VMSCHED_IOC_MAGIC, 0x01, struct vmsched_list)
#define VMSCHED_IOC_POLICY_PARAMS	_IOWR(VMSCHED_IOC_MAGIC, 0x02, struct vmsched_policy_params)
#define VMSCHED_IOC_ACTIVATE		_IOW(VMSCHED_IOC_MAGIC, 0x03, struct vmsched_activate)
#define VMSCHED_IOC_DEACTIVATE		_IO(VMSCHED_IOC_MAGIC, 0x04)
#define VMSCHED_IOC_STATUS		_IOR(VMSCHED_IOC_MAGIC, 0x05, struct vmsched_status)
#define VMSCHED_IOC_SET_PARAMS		_IOW(VMSCHED_IOC_MAGIC, 0x06, struct vmsched_params)
#define VMSCHED_IOC_GET_PARAMS		_IOWR(VMSCHED_IOC_MAGIC, 0x07, struct vmsched_params)
#define VMSCHED_IOC_STATS		_IOWR(VMSCHED_IOC_MAGIC, 0x08, struct vmsched_stats)
#define VMSCHED_IOC_POOL_CREATE		_IOW(VMSCHED_IOC_MAGIC, 0x09, struct vmsched_pool_cpus)
#define VMSCHED_IOC_POOL_DESTROY	_IOW(VMSCHED_IOC_MAGIC, 0x0a, struct vmsched_pool_ref)
#define VMSCHED_IOC_POOL_DEACTIVATE	_IOW(VMSCHED_IOC_MAGIC, 0x0b, struct vmsched_pool_ref)
#define VMSCHED_IOC_POOL_LIST		_IOWR(VMSCHED_IOC_MAGIC, 0x0c, struct vmsched_list)
#define VMSCHED_IOC_POOL_MOVE		_IOW(VMSCHED_IOC_MAGIC, 0x0d, struct vmsched_pool_move)

#endif /* _UAPI_LINUX_VMSCHED_H */
