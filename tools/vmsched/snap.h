/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Statistics snapshots: from VMSCHED_IOC_STATS (plus VMSCHED_IOC_STATUS),
 * or, for tests without the kernel module, from a recorded feed.
 *
 * Feed (VMSCHED_STATS_FEED=FILE): one snapshot per line, '#' lines are
 * comments. A line is whitespace-separated records TYPE:KEY=VALUE,...:
 *
 *   now:ns=N
 *   status:policy=NAME,swaps=N,last_swap=N,max_swap=N,slots=N,granted=N,gated=N,
 *          watchdog=N,errors=N
 *   version:release=STRING,major=N,minor=N
 *   pool:name=NAME,policy=NAME,cpus=N,vms=N,vcpus=N,granted=N,gated=N,swaps=N,
 *        last_swap=N,max_swap=N,watchdog=N,watchdog_ns=N,errors=N   (2.2)
 *   vm:pid=N,name=NAME,comm=COMM,vcpus=N,run=N,wait=N,grants=N,preempt=N,
 *      wakeups=N,p99=N,max=N,sum=N,hist=B:N;B:N...,start=N,pool=NAME
 *   vcpu:pid=N,id=N,tid=N,state=N,run=N,wait=N,grants=N,preempt=N,
 *        wakeups=N,lat_count=N,p50=N,p99=N,max=N,sum=N,hist=B:N;B:N...,
 *        sched=RUN/WAIT/SLICES
 *
 * sum and hist are the latency's lat_sum_ns and lat_hist[] (2.1): hist
 * lists the buckets B (0..VMSCHED_LAT_BUCKETS-1) that are not empty. They
 * count only if the version record says 2.1 or later, as with the module;
 * pool (the VM's, 2.2) only if it says 2.2 or later.
 *
 * Times are ns (CLOCK_MONOTONIC for now/start); keys left out are 0. A vm
 * without name= is named from /proc like a live one. sched= is the vCPU
 * thread's schedstat (schedstat.h); without it the thread's was not read. Each snapshot taken
 * reads the next line; at the end of the file there are no more.
 * VMSCHED_STATS_RECORD=FILE appends every live snapshot in this format.
 */
#ifndef VMSCHED_SNAP_H
#define VMSCHED_SNAP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/vmsched.h>

#include "schedstat.h"

#define VM_NAME_LEN	64

struct snap_vm {
	struct vmsched_vm_stats s;
	char name[VM_NAME_LEN];		/* display name, see vm_name() */
	uint64_t start_ns;		/* VMM start (CLOCK_MONOTONIC), 0: unknown */
	unsigned int first_vcpu;	/* its vCPUs in snap.vcpus[] */
	unsigned int nr_vcpus;
};

struct snap_vcpu {
	struct vmsched_vcpu_stats s;	/* the core's */
	struct sched_times host;	/* its thread's schedstat, read with s */
};

struct snap {
	uint64_t now_ns;
	struct snap_vm *vms;		/* sorted by pid */
	unsigned int nr_vms;
	struct snap_vcpu *vcpus;	/* sorted by pid, vcpu_id */
	unsigned int nr_vcpus;
	bool have_status;
	struct vmsched_status st;
	bool have_version;		/* the module's, VMSCHED_IOC_VERSION */
	struct vmsched_version ver;
	bool have_hist;			/* lat_sum_ns and lat_hist[] (uapi 2.1) */
	bool have_pools;		/* each VM's pool (uapi 2.2) */
	struct vmsched_pool_info *pools;	/* uapi 2.2: every pool (no CPUs in a feed) */
	unsigned int nr_pools;
};

/*
 * the pool whose VMs (and status) snap_take() takes from the kernel: NULL
 * or "" all VMs (and the default pool's status)
 */
extern const char *snap_pool;
/* all VMs (@pid 0) or one; 0, -ENODATA at the end of a feed, or -errno */
int snap_take(struct snap *s, pid_t pid);
void snap_free(struct snap *s);
const struct snap_vm *snap_find(const struct snap *s, pid_t pid);
/* the pool of @vm ("default" before uapi 2.2) */
const char *snap_vm_pool(const struct snap_vm *vm);
/* no policy is active: the host scheduler decides, its schedstat tells */
bool snap_host_view(const struct snap *s);
bool snap_feed_mode(void);
/* read a feed from its start again (nothing for the kernel) */
void snap_rewind(void);

#endif
