// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - latency percentiles from a log-linear histogram (hist.h).
 *
 * A percentile is reported as the midpoint of the bucket that holds it
 * (error at most half a bucket, 3.1%), and never above the maximum.
 * The maximum is the guest's exact maximum, clamped to the highest
 * non-empty bucket of the window.
 */
#include "workload.h"

static uint64_t clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static uint64_t bucket_mid(unsigned int idx)
{
	uint64_t lo = wl_hist_lower(idx), hi = wl_hist_upper(idx);

	if (hi == UINT64_MAX)
		return lo;
	return lo + (hi - lo) / 2;
}

/* Value at percentile @pct (1..100) of @count samples in @hist. */
static uint64_t percentile(const uint64_t *hist, uint64_t count, unsigned int pct)
{
	uint64_t rank = (count * pct + 99) / 100, seen = 0;
	unsigned int i;

	if (!rank)
		rank = 1;
	for (i = 0; i < WL_HIST_BUCKETS; i++) {
		seen += hist[i];
		if (seen >= rank)
			return bucket_mid(i);
	}
	return 0;
}

void wl_lat_compute(const uint64_t *hist, uint64_t max_ns, struct wl_lat *lat)
{
	unsigned int i, top = 0;

	lat->count = 0;
	for (i = 0; i < WL_HIST_BUCKETS; i++) {
		lat->count += hist[i];
		if (hist[i])
			top = i;
	}
	if (!lat->count) {
		lat->p50 = lat->p90 = lat->p99 = lat->max = 0;
		return;
	}
	lat->max = clamp(max_ns, wl_hist_lower(top), wl_hist_upper(top));
	lat->p50 = percentile(hist, lat->count, 50);
	lat->p90 = percentile(hist, lat->count, 90);
	lat->p99 = percentile(hist, lat->count, 99);
	if (lat->p50 > lat->max)
		lat->p50 = lat->max;
	if (lat->p90 > lat->max)
		lat->p90 = lat->max;
	if (lat->p99 > lat->max)
		lat->p99 = lat->max;
}
