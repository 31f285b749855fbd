// SPDX-License-Identifier: GPL-2.0
/*
 * lat.c - wake-up latency percentiles with missed periods (see lat.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lat.h"
#include "workload.h"

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

/* an unsigned decimal at @s into @v; the end, or NULL */
static const char *parse_u64(const char *s, uint64_t *v)
{
	char *end;

	s = skip_ws(s);
	if (*s < '0' || *s > '9')
		return NULL;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno ? NULL : skip_ws(end);
}

int lat_hist_parse(const char *s, struct lat_bucket *b, int max)
{
	struct lat_bucket x;
	int n = 0;

	if (!s || *(s = skip_ws(s)) != '[')
		return -EINVAL;
	s = skip_ws(s + 1);
	if (*s == ']')
		return 0;
	for (;;) {
		if (*s != '[' || !(s = parse_u64(s + 1, &x.lower)) || *s != ',' ||
		    !(s = parse_u64(s + 1, &x.count)) || *s != ']')
			return -EINVAL;
		if (!x.count || wl_hist_lower(wl_hist_index(x.lower)) != x.lower ||
		    (n && x.lower <= b[n - 1].lower))
			return -EINVAL;
		if (n == max)
			return -E2BIG;
		b[n++] = x;
		s = skip_ws(s + 1);
		if (*s == ']')
			return n;
		if (*s != ',')
			return -EINVAL;
		s = skip_ws(s + 1);
	}
}

uint64_t lat_missed_periods(uint64_t window_ns, uint64_t period_ns, uint64_t wakeups,
			    uint64_t overruns)
{
	uint64_t expected = period_ns ? window_ns / period_ns : 0;
	uint64_t deficit = expected > wakeups ? expected - wakeups : 0;

	return deficit > overruns ? deficit : overruns;
}

static uint64_t bucket_mid(unsigned int idx)
{
	uint64_t lo = wl_hist_lower(idx), hi = wl_hist_upper(idx);

	return hi == UINT64_MAX ? lo : lo + (hi - lo) / 2;
}

/*
 * Add to @hist the periods skipped by @count wake-ups late by @late: the
 * samples late, late - P, ... down to at least P, counted per bucket (one
 * pass over the buckets, however many periods). Returns how many.
 */
static uint64_t add_skipped(uint64_t *hist, uint64_t late, uint64_t count, uint64_t period)
{
	uint64_t k = late / period, lo, hi, j_lo, j_hi, added = 0;
	unsigned int t;

	if (!k)
		return 0;
	/* sample j (0..k-1) is late - j * period, in [late - (k-1) * period, late] */
	for (t = wl_hist_index(late - (k - 1) * period); t <= wl_hist_index(late); t++) {
		lo = wl_hist_lower(t);
		hi = wl_hist_upper(t);
		j_hi = (late - lo) / period;
		if (j_hi > k - 1)
			j_hi = k - 1;
		j_lo = late > hi ? (late - hi + period - 1) / period : 0;
		if (j_lo > j_hi)
			continue;
		hist[t] += (j_hi - j_lo + 1) * count;
		added += (j_hi - j_lo + 1) * count;
	}
	return added;
}

int lat_summarize(const struct lat_bucket *b, int n, uint64_t max_ns, uint64_t missed,
		  uint64_t period_ns, struct lat_summary *out)
{
	static uint64_t hist[WL_HIST_BUCKETS];
	struct wl_lat lat;
	uint64_t late;
	unsigned int idx;
	int i;

	if (!period_ns)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (wl_hist_lower(wl_hist_index(b[i].lower)) != b[i].lower)
			return -EINVAL;
	memset(hist, 0, sizeof(hist));
	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		idx = wl_hist_index(b[i].lower);
		hist[idx] += b[i].count;
		out->woken += b[i].count;
		/* the guest's exact maximum, where it is below the top bucket's
		 * middle or the top bucket is the open last one */
		late = bucket_mid(idx);
		if (i == n - 1 && max_ns >= b[i].lower && max_ns <= wl_hist_upper(idx) &&
		    (max_ns < late || idx == WL_HIST_BUCKETS - 1))
			late = max_ns;
		out->from_late += add_skipped(hist, late, b[i].count, period_ns);
	}
	out->missed = missed > out->from_late ? missed : out->from_late;
	if (out->missed > out->from_late) {
		hist[wl_hist_index(period_ns)] += out->missed - out->from_late;
		if (max_ns < period_ns)
			max_ns = period_ns;
	}
	wl_lat_compute(hist, max_ns, &lat);
	out->p50 = lat.p50;
	out->p90 = lat.p90;
	out->p99 = lat.p99;
	out->max = lat.max;
	return 0;
}
