/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmsched's metrics in the Prometheus text format, from one statistics
 * snapshot: each pool (the active policy, swaps, watchdog ejections, policy
 * errors, vCPUs by state), every VM (CPU time, wait, grants, preemptions,
 * a histogram of its wake-to-run latency) and every vCPU (its thread's
 * schedstat: CPU time, run-queue wait, timeslices; from a module of uapi
 * 2.0, which exports no buckets, a summary of its wake-to-run latency).
 * Nothing here reads the kernel: the snapshot may come from a feed
 * (snap.h), so the format is tested without the module.
 */
#ifndef VMSCHED_METRICS_H
#define VMSCHED_METRICS_H

#include <stdio.h>

#include "snap.h"

#define METRICS_POOL	"default"	/* the one pool before uapi 2.2 */

/*
 * Print the metrics of @s; @s NULL: kvm_schedswap is not loaded, only
 * vmsched_build_info and vmsched_up 0. @version: vmsched's own.
 */
void metrics_print(FILE *f, const struct snap *s, const char *version);

/*
 * Take a snapshot and print its metrics to @path (atomically, see
 * textfile.h), or to stdout if @path is NULL (cmd_metrics.c). 0,
 * DEV_REPORTED (the device's error was printed), or -errno with @why set.
 */
int metrics_write(const char *path, char *why, size_t len);

#endif
