/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest.h - what the VMM and the guest code share.
 *
 * Each vCPU owns one struct guest_vcpu in guest memory; its %gs base points
 * at it. The VMM fills the parameters before the first KVM_RUN and then only
 * reads the struct (through its own mapping of guest memory), except for
 * lat_max_ns, which it resets when the measurement window opens. The guest
 * writes every other field; each is a naturally aligned 64-bit word, so a
 * plain load on the host sees either the old or the new value.
 */
#ifndef WORKLOAD_GUEST_H
#define WORKLOAD_GUEST_H

#include <stdint.h>

#include "hist.h"

/* Section holding all guest code, copied into the VM at the same address. */
#define GUEST_SECTION		"guest_text"

/* I/O ports the guest writes to; each write is a KVM_EXIT_IO. */
#define WL_PORT_TICK		0x5000	/* exit profile: one exit per loop */
#define WL_PORT_PANIC		0x5001	/* unexpected exception, see panic_* */

#define WL_TIMER_VECTOR		0x40
#define WL_SPURIOUS_VECTOR	0xff

enum wl_profile {
	WL_PROFILE_SPIN,
	WL_PROFILE_DUTY,
	WL_PROFILE_LATENCY,
	WL_PROFILE_EXIT,
};

struct guest_vcpu {
	/* Set by the VMM, read-only for the guest. */
	uint64_t self;		/* guest address of this struct (%gs:0) */
	uint64_t id;		/* vCPU index */
	uint64_t profile;	/* enum wl_profile */
	uint64_t tsc_khz;	/* guest TSC frequency */
	uint64_t run_cycles;	/* duty: busy phase length */
	uint64_t halt_cycles;	/* duty: halted phase length (0: never halt) */
	uint64_t period_cycles;	/* latency: timer period */

	/* Written by the guest. */
	uint64_t counter;	/* progress, see enum wl_profile */
	uint64_t wakeups;	/* timer interrupts handled */
	uint64_t lat_max_ns;	/* largest wake-up latency (VMM resets it) */
	uint64_t overruns;	/* latency: periods skipped, timer too late */
	uint64_t deadline;	/* TSC deadline currently programmed */
	uint64_t fired;		/* set by the timer handler */
	uint64_t panic_vector;	/* exception vector, for WL_PORT_PANIC */
	uint64_t panic_error;	/* its error code (0 if none) */
	uint64_t panic_rip;	/* faulting instruction */
	uint64_t hist[WL_HIST_BUCKETS];	/* wake-up latency, ns */
};

/* Guest code entry points, as addresses in this binary (and in the VM). */
struct guest_entries {
	uint64_t main;		/* initial RIP of every vCPU */
	uint64_t timer;		/* WL_TIMER_VECTOR handler */
	uint64_t spurious;	/* WL_SPURIOUS_VECTOR handler */
	uint64_t exc[32];	/* exception handlers */
};

extern const struct guest_entries guest_entries;

/* Bounds of GUEST_SECTION, provided by the linker. */
extern const char __start_guest_text[];
extern const char __stop_guest_text[];

#endif /* WORKLOAD_GUEST_H */
