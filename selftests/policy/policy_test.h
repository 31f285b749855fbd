/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the policy tests share: a set of workload VMs started together under
 * a policy, with per-VM parameters set as soon as the core knows them, and
 * their progress measured over the same intervals.
 */
#ifndef VMSCHED_POLICY_TEST_H
#define VMSCHED_POLICY_TEST_H

#include "vmsched_test.h"

#define MAX_VMS		8
#define INTERVAL_MS	1000

/*
 * Share tests run with 30 ms slices: under emulation, slice timers fire a
 * few ms late, which at 10 ms slices is noise of several percent in who ran
 * how long. Run time (the core's accounting of each grant) must be within
 * 5% of the target; so must progress on one pCPU. On two pCPUs the core
 * does not choose which pCPU a granted vCPU runs on (Linux does), so two
 * granted vCPUs can share one pCPU for a while, and the two emulated CPUs
 * run at different speeds (they share one host thread under single-threaded
 * TCG: while one idles the other runs faster): progress there is bounded at
 * 30% (20% measured on a quiet host with run time within 0.2%).
 */
#define TEST_SLICE_NS	30000000ULL
#define TOL_RUN		0.05
#define TOL_ONE_PCPU	0.05
#define TOL_PCPUS	0.30
/*
 * Spinners next to a VM that wakes 1,000 times a second and preempts one of
 * them at each wake-up (bvt with warp): under emulation every switch costs
 * the incoming VM work that its run time does not show, most for the VM
 * that runs most (weight 4 of 1:2:4): 7-21% measured in parallel suite
 * runs, with run time shares within 0.4%.
 */
#define TOL_PREEMPTED	0.30

struct vm_set {
	int nr;
	struct workload w[MAX_VMS];
	long long prog[MAX_VMS][WL_MEASURE_VCPUS];	/* last measurement */
	long long total[MAX_VMS];			/* summed over vCPUs */
	long long run_ns[MAX_VMS];	/* the core's run time in the measurement (0
					 * with no policy: the core knows no VMs) */
	long long cpu_ns[MAX_VMS];	/* its vCPU threads' CPU time (schedstat) */
	long long window_ns;		/* wall time between the two readings */
	int fd;				/* /dev/vmsched */
};

/*
 * Load the core and the policies, open /dev/vmsched, set the pool size and
 * activate @policy (NULL: none); skips the whole test if that fails.
 * Returns the descriptor.
 */
int policy_test_setup(unsigned int slots, const char *policy);

/* start @nr VMs from @spec and wait until the core knows all their vCPUs */
int vm_set_start(struct vm_set *s, int fd, const struct wl_spec *spec, int nr);

/* set per-VM parameter @key of VM k to @values[k] for every VM */
int vm_set_param(struct vm_set *s, int fd, const char *key, const unsigned long long *values);

/*
 * drop @skip intervals, then measure @count; fills prog, total, cpu_ns,
 * window_ns and, while a policy is active, run_ns (a VM the core does not
 * know then: -ESRCH)
 */
int vm_set_measure(struct vm_set *s, int skip, int count);

/* SIGKILL every VM and reap it */
void vm_set_kill(struct vm_set *s);

/*
 * Print each VM's progress share and run time share next to its target;
 * return the largest relative errors of both through @prog_err/@run_err.
 */
void vm_set_report(const struct vm_set *s, const char *label, const double *weights,
		   double *prog_err, double *run_err);

/*
 * Check the shares of a measured set: run time (the grants the policy
 * made) within @run_tol, progress (what the guests got) within @prog_tol.
 */
void vm_set_check_shares(const struct vm_set *s, const char *label, const double *weights,
			 double prog_tol, double run_tol);

/* activate @policy with one global parameter */
int activate_with(int fd, const char *policy, const char *key, unsigned long long value);

#endif
