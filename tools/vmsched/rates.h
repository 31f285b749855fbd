/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What happened between two snapshots (or since a VM started): run and
 * wait time, CPU share, counts. Shared by stats and top. The core's
 * numbers (vm_rate, vcpu_rate) or the host's, from the vCPU threads'
 * schedstat (*_host_rate: run, run-queue wait and timeslices).
 */
#ifndef VMSCHED_RATES_H
#define VMSCHED_RATES_H

#include "snap.h"

struct rate {
	uint64_t wall_ns;	/* length of the window, 0: unknown */
	uint64_t run_ns, wait_ns, grants, preemptions, wakeups;	/* in the window */
	uint64_t slices;	/* host: timeslices in the window */
	bool unknown;		/* host: no schedstat was read */
	double cpu_pct;		/* run_ns / wall_ns, 100 = one CPU */
	double wait_pct;	/* wait_ns / wall_ns */
};

/* @prev NULL: since the VM started (needs vm->start_ns) */
void vm_rate(const struct snap *prev, const struct snap *cur, const struct snap_vm *vm,
	     struct rate *r);
void vcpu_rate(const struct snap *prev, const struct snap *cur, const struct snap_vm *vm,
	       const struct snap_vcpu *v, struct rate *r);
/*
 * A VM's: the sum over its vCPUs whose schedstat was read now (and before,
 * if the VM was in @prev); unknown when none was.
 */
void vm_host_rate(const struct snap *prev, const struct snap *cur, const struct snap_vm *vm,
		  struct rate *r);
void vcpu_host_rate(const struct snap *prev, const struct snap *cur, const struct snap_vm *vm,
		    const struct snap_vcpu *v, struct rate *r);

#endif
