/* SPDX-License-Identifier: GPL-2.0 */
/*
 * workload.h - the workload VMM: options, per-vCPU run state, samples.
 *
 * Locking
 *   None. Each vCPU thread is the only writer of its counters (C11 atomics,
 *   so the main thread can sample them at any time) and of its guest data;
 *   the main thread writes only the stop and hand-over flags and, when the
 *   window opens, guest lat_max_ns. run_ns is published under a sequence
 *   count so that a sample taken while the vCPU is inside KVM_RUN includes
 *   the time so far.
 *
 *   --rethread-ms: the main thread hands a vCPU to a new thread while no
 *   thread runs it: the old thread has left its loop and been joined, the
 *   new one is not created yet. The counters pass from one thread to the
 *   other through pthread_join() and pthread_create(); the main thread alone
 *   writes and reads threads, old_tid, cpu_base_ns and cpu_clock.
 */
#ifndef WORKLOAD_H
#define WORKLOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hist.h"
#include "vm.h"

#define WL_NAME_MAX	64

struct wl_opts {
	char name[WL_NAME_MAX];		/* --name */
	unsigned int nr_vcpus;		/* --vcpus */
	uint64_t duration_ns;		/* --duration */
	enum wl_profile profile;	/* --profile */
	uint64_t run_us;		/* --run-us (duty) */
	uint64_t halt_us;		/* --halt-us (duty) */
	uint64_t rate_hz;		/* --rate (latency) */
	int pin[WL_MAX_VCPUS];		/* --pin: host CPUs */
	unsigned int nr_pin;		/* 0: no pinning */
	bool json;			/* --json */
	uint64_t interval_ms;		/* --interval, 0: off */
	bool hist;			/* --hist: latency histogram in JSON */
	bool rethread;			/* --rethread-ms given */
	uint64_t rethread_ns;		/* --rethread-ms, after the window opens */
};

/* Everything reported per vCPU, sampled at both ends of the window. */
struct wl_sample {
	uint64_t progress;	/* guest counter */
	uint64_t wakeups;	/* guest timer interrupts */
	uint64_t overruns;	/* latency periods skipped */
	uint64_t exits;		/* KVM_RUN returns */
	uint64_t io_exits;	/* KVM_EXIT_IO on WL_PORT_TICK */
	uint64_t intr_exits;	/* KVM_RUN returned EINTR */
	uint64_t run_ns;	/* time spent inside KVM_RUN */
	uint64_t cpu_ns;	/* CPU time of the vCPU's threads */
	int64_t kvm_stat[VCPU_STAT_NR];	/* KVM binary stats, -1: none */
};

/* Latency summary of one vCPU's window, in ns. */
struct wl_lat {
	uint64_t count;
	uint64_t p50, p90, p99, max;
};

struct wl_vcpu {
	struct vcpu vcpu;
	pthread_t thread;		/* the thread that runs it now */
	bool started;			/* thread created */
	clockid_t cpu_clock;		/* of the thread */
	int pin_cpu;			/* host CPU, -1: none */
	_Atomic pid_t tid;		/* 0 until the thread runs */
	unsigned int threads;		/* threads that ran it so far */
	pid_t old_tid;			/* the first thread, 0: not handed over */
	uint64_t cpu_base_ns;		/* CPU time of its earlier threads */
	_Atomic uint64_t cpu_exit_ns;	/* a thread's own CPU time as it leaves */
	_Atomic bool handover;		/* current thread: leave, a new one follows */

	_Atomic uint64_t exits;
	_Atomic uint64_t io_exits;
	_Atomic uint64_t intr_exits;
	_Atomic unsigned int run_seq;	/* odd while run_* change */
	_Atomic uint64_t run_acc_ns;	/* completed KVM_RUN calls */
	_Atomic uint64_t run_enter_ns;	/* start of current KVM_RUN, 0: none */
	_Atomic uint64_t stop_ns;	/* stop request to KVM_RUN's EINTR, 0: none */

	_Atomic bool failed;
	char error[256];

	struct wl_sample start, end;	/* window */
	uint64_t *hist_start;		/* guest hist[] at window start */
	uint64_t *hist;			/* hist[] over the window */
	struct wl_lat lat;
};

struct wl {
	struct wl_opts opts;
	struct vm vm;
	struct wl_vcpu *vcpus;
	uint32_t tsc_khz;		/* of vCPU 0 */
	uint64_t t_start, t_end;	/* window, CLOCK_MONOTONIC ns */
};

/* run.c */
void wl_vcpus_start(struct wl *wl);
void wl_vcpus_wait_ready(struct wl *wl, uint64_t timeout_ns);
void wl_vcpus_stop(struct wl *wl);
void wl_vcpus_rethread(struct wl *wl);
void wl_sample(struct wl *wl, uint64_t *t_ns, bool end);
uint64_t wl_progress(struct wl_vcpu *v);
void wl_wait(uint64_t deadline_ns);
void wl_wake(void);
void wl_check_failed(struct wl *wl);
extern atomic_bool wl_interrupted;

/* stats.c */
void wl_lat_compute(const uint64_t *hist, uint64_t max_ns, struct wl_lat *lat);

/* report.c */
const char *wl_profile_name(enum wl_profile profile);
void wl_report(struct wl *wl);
void wl_report_interval(struct wl *wl, uint64_t t_ms, const uint64_t *rates);

#endif /* WORKLOAD_H */
