/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What happened between two snapshots (or since a VM started): run and
 * wait time, CPU share, counts. Shared by stats and top.
 */
#ifndef VMSCHED_RATES_H
#define VMSCHED_RATES_H

#include "snap.h"

struct rate {
	uint64_t wall_ns;	/* length of the window, 0: unknown */
	uint64_t run_ns, wait_ns, grants, preemptions, wakeups;	/* in the window */
	double cpu_pct;		/* run_ns / wall_ns, 100 = one CPU */
	double wait_pct;	/* wait_ns / wall_ns */
};

/* @prev NULL: since the VM started (needs vm->start_ns) */
void vm_rate(const struct snap *prev, const struct snap *cur, const struct snap_vm *vm,
	     struct rate *r);
void vcpu_rate(const struct snap *prev, const struct snap *cur, const struct snap_vm *vm,
	       const struct vmsched_vcpu_stats *v, struct rate *r);

#endif
