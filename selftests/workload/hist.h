/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hist.h - log-linear histogram buckets, shared by guest and VMM.
 *
 * Values below 2 * WL_HIST_SUB land in a bucket of their own; above that,
 * each power of two is split into WL_HIST_SUB equal buckets, so a bucket is
 * at most 1/16 (6.25%) of its lower bound wide. Values of 2^(MAX_EXP + 1)
 * and more share the last bucket. With nanoseconds, that is up to ~36 min.
 */
#ifndef WORKLOAD_HIST_H
#define WORKLOAD_HIST_H

#include <stdint.h>

#define WL_HIST_SUB_BITS	4
#define WL_HIST_SUB		(1 << WL_HIST_SUB_BITS)
#define WL_HIST_MAX_EXP		40
#define WL_HIST_BUCKETS		((WL_HIST_MAX_EXP - WL_HIST_SUB_BITS + 2) * WL_HIST_SUB)

/* Inlined everywhere: the guest copy must stay inside guest code. */
static inline __attribute__((always_inline)) unsigned int wl_hist_index(uint64_t v)
{
	unsigned int e;

	if (v < WL_HIST_SUB)
		return v;
	e = 63 - __builtin_clzll(v);
	if (e > WL_HIST_MAX_EXP)
		return WL_HIST_BUCKETS - 1;
	return (e - WL_HIST_SUB_BITS + 1) * WL_HIST_SUB +
	       ((v >> (e - WL_HIST_SUB_BITS)) & (WL_HIST_SUB - 1));
}

/* Smallest value that falls into bucket @idx. */
static inline __attribute__((always_inline)) uint64_t wl_hist_lower(unsigned int idx)
{
	unsigned int group = idx / WL_HIST_SUB, sub = idx % WL_HIST_SUB;

	if (group == 0)
		return sub;
	return (uint64_t)(WL_HIST_SUB + sub) << (group - 1);
}

/* Largest value that falls into bucket @idx. */
static inline __attribute__((always_inline)) uint64_t wl_hist_upper(unsigned int idx)
{
	if (idx >= WL_HIST_BUCKETS - 1)
		return UINT64_MAX;
	return wl_hist_lower(idx + 1) - 1;
}

#endif /* WORKLOAD_HIST_H */
