/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The statistics of stats and top -j (cmd_stats.c), and their view with no
 * policy active, from the vCPU threads' schedstat (stats_host.c).
 */
#ifndef VMSCHED_STATS_H
#define VMSCHED_STATS_H

#include "snap.h"

#define HOST_NOTE	"no policy active: Linux schedules these vCPUs; times from the threads' " \
			"schedstat"

const char *vcpu_state_name(unsigned int state);
/* the VMs of @cur, rates since @prev (NULL: since each VM started) */
void print_stats(const struct snap *prev, const struct snap *cur);
/* the "vms" table of print_stats with no policy active */
void print_host_vms(const struct snap *prev, const struct snap *cur);

#endif
