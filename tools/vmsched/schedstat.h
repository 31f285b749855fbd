/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the host scheduler gives a thread: /proc/PID/task/TID/schedstat,
 * "RUN WAIT SLICES" (ns on a CPU, ns runnable on a run queue, timeslices
 * run), monotonic for the thread's lifetime. Without a policy this is
 * what vmsched shows of each vCPU thread; under a policy the run-queue
 * wait is shown beside the core's numbers.
 *
 * VMSCHED_PROC_ROOT=DIR reads DIR/PID/task/TID/schedstat instead (tests).
 */
#ifndef VMSCHED_SCHEDSTAT_H
#define VMSCHED_SCHEDSTAT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct sched_times {
	bool ok;		/* read; false: the thread ended or is unreadable */
	uint64_t run_ns, wait_ns, slices;
};

/* thread @tid of process @pid into @t; 0 or -errno (@t->ok false) */
int schedstat_read(pid_t pid, pid_t tid, struct sched_times *t);

#endif
