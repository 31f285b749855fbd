/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lat.h - the latency scenario's percentiles over the wake-ups that should
 * have happened, not only over those that did.
 *
 * The latency VM (workload --profile latency) asks for a timer interrupt
 * every period. A wake-up that comes later than the next deadline skips
 * periods (the guest counts an overrun and restarts its period from then),
 * so a policy that keeps the VM off the CPU for long makes fewer, not
 * later, wake-ups, and percentiles over the wake-ups that happened hide it.
 * Here every missed period is a sample of its own, at least one period
 * long:
 *
 *   - a wake-up late by L >= one period P skipped the deadlines D + P,
 *     D + 2P, ... D + kP (k = floor(L / P)); the earliest the guest can
 *     serve the j-th of them is its next deadline, D + L + P, so its
 *     latency is at least L + P - jP: the samples L, L - P, ... L - (k-1)P,
 *     each at least P;
 *   - the VM missed max(overruns, floor(window / P) - wake-ups) periods in
 *     all (the guest's count of skips, or the deficit of wake-ups in the
 *     window, whichever is larger; the deficit also holds the fraction of
 *     a period each skip loses when the guest restarts its period); those
 *     the late wake-ups do not account for count one period each.
 *
 * L is the midpoint of the histogram bucket (within 3.1%, as the workload
 * VMM's own percentiles); the percentiles are then those of the workload
 * VMM (stats.c) over the histogram with these samples added.
 */
#ifndef BENCH_LAT_H
#define BENCH_LAT_H

#include <stdint.h>

#include "hist.h"

/* one non-empty bucket of the workload's "lat_hist": [lower_ns, count] */
struct lat_bucket {
	uint64_t lower;
	uint64_t count;
};

struct lat_summary {
	uint64_t woken;		/* wake-ups in the histogram */
	uint64_t missed;	/* periods missed, each a sample */
	uint64_t from_late;	/* of those, placed after a late wake-up */
	uint64_t p50, p90, p99, max;	/* ns, over woken + missed samples */
};

/*
 * Parse a "lat_hist" JSON array, "[[lower,count],...]" with strictly
 * increasing bucket lower bounds of hist.h, into @b (at most @max).
 * Returns the number of buckets, or -EINVAL (malformed, not a bucket
 * bound, out of order, a zero count) or -E2BIG (more than @max).
 */
int lat_hist_parse(const char *s, struct lat_bucket *b, int max);

/* periods missed in a window of @window_ns: see above */
uint64_t lat_missed_periods(uint64_t window_ns, uint64_t period_ns, uint64_t wakeups,
			    uint64_t overruns);

/*
 * Percentiles of the @n buckets in @b (the guest's maximum @max_ns) with
 * @missed periods of @period_ns added as samples. 0, or -EINVAL for a zero
 * period or a bucket that is no bucket of hist.h.
 */
int lat_summarize(const struct lat_bucket *b, int n, uint64_t max_ns, uint64_t missed,
		  uint64_t period_ns, struct lat_summary *out);

#endif /* BENCH_LAT_H */
