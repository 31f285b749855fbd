/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real QEMU guests for the end-to-end tests and the demo's share table:
 * start them (through qemu_vm.sh, the one place that knows QEMU's command
 * line), read their progress reports from the serial console, talk QMP.
 */
#ifndef VMSCHED_E2E_GUESTS_H
#define VMSCHED_E2E_GUESTS_H

#include <stdbool.h>
#include <sys/types.h>

struct gvm {
	char name[32];
	pid_t pid;		/* QEMU's pid */
};

/* one "vmsched-guest:" report of guest_init */
struct gsample {
	long long n;		/* work units since boot */
	long long t_ms;		/* guest CLOCK_MONOTONIC */
	long long loc;		/* timer interrupts */
	long long gap_us;	/* longest stretch without running, last period */
	long long lat_us;	/* worst timer wake-up lateness, last period */
	long long host_ms;	/* host CLOCK_MONOTONIC when it was read */
};

/* state folder of qemu_vm.sh */
const char *gvm_dir(void);
/* a VM started by qemu_vm.sh (reads its pid file); 0 or -1 */
int gvm_attach(struct gvm *g, const char *name);
/* start QEMU for @name with guest workload @mode ("spin", "tick:P:B") and
 * wait for the guest's first report; 0 or -1 (message printed) */
int gvm_start(struct gvm *g, const char *name, const char *mode);
/* SIGTERM and wait (qemu_vm.sh stop) */
void gvm_stop(struct gvm *g);
/* the latest report; 0, or -1 if there is none yet */
int gvm_sample(const struct gvm *g, struct gsample *s);
/* wait until a report newer than @after (by guest time) arrives, up to
 * @timeout_ms; 0 or -1 */
int gvm_next_sample(const struct gvm *g, const struct gsample *after, struct gsample *s,
		    int timeout_ms);
/*
 * Run one QMP command (a JSON object) and read its reply into @reply.
 * Returns the milliseconds the command took (from sending it to its
 * "return"/"error"), or -1.
 */
long long gvm_qmp(const struct gvm *g, const char *cmd, char *reply, size_t len,
		  int timeout_ms);

/* CPU shares measured over @ms of host time: units per guest second of
 * each VM over the sum of all; also the worst gap and lateness seen */
struct gshare {
	double share;		/* 0..1 */
	double rate;		/* units per guest second */
	long long gap_us, lat_us;
	long long guest_ms, host_ms;	/* window length on both clocks */
	long long ticks;	/* timer interrupts in the window */
	long long run_ns;	/* kernel view: grant time in the window (vmsched stats) */
	bool have_run;
};
int gvm_measure(const struct gvm *g, int nr, int ms, struct gshare *out);

#endif
