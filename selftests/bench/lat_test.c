// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of lat.c: the latency scenario's histogram parsing, missed
 * periods and percentiles over the wake-ups that should have happened.
 * KTAP output.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ktap.h"
#include "lat.h"

#define MS	1000000ULL

/* the bucket holding @ns, as the workload prints it */
static struct lat_bucket bucket(uint64_t ns, uint64_t count)
{
	return (struct lat_bucket){ wl_hist_lower(wl_hist_index(ns)), count };
}

/* @v within the bucket width (6.25%) of @want */
static int near(uint64_t v, uint64_t want)
{
	return v >= want - want / 16 && v <= want + want / 16;
}

static void test_parse(void)
{
	struct lat_bucket b[4] = { { 0, 0 } };
	char ok[128];

	snprintf(ok, sizeof(ok), "[[0,5], [16,3],[%llu,2]]",
		 (unsigned long long)bucket(30 * MS, 1).lower);
	CHECK(lat_hist_parse(ok, b, 4) == 3, "three buckets");
	CHECK(b[0].lower == 0 && b[0].count == 5 && b[1].lower == 16 && b[1].count == 3 &&
	      b[2].lower == bucket(30 * MS, 1).lower && b[2].count == 2, "values");
	CHECK(lat_hist_parse("[]", b, 4) == 0, "empty");
	CHECK(lat_hist_parse(" [ ] ", b, 4) == 0, "empty with spaces");
	CHECK(lat_hist_parse(ok, b, 2) == -E2BIG, "more than max");
	CHECK(lat_hist_parse("[[16,3],[0,5]]", b, 4) == -EINVAL, "out of order");
	CHECK(lat_hist_parse("[[16,3],[16,5]]", b, 4) == -EINVAL, "same bucket twice");
	CHECK(lat_hist_parse("[[33,3]]", b, 4) == -EINVAL, "33 is in bucket 32");
	CHECK(lat_hist_parse("[[16,0]]", b, 4) == -EINVAL, "empty bucket listed");
	CHECK(lat_hist_parse("[[16,-3]]", b, 4) == -EINVAL, "negative count");
	CHECK(lat_hist_parse("[[16,3]", b, 4) == -EINVAL, "unclosed");
	CHECK(lat_hist_parse("[[16,3],]", b, 4) == -EINVAL, "trailing comma");
	CHECK(lat_hist_parse("[16,3]", b, 4) == -EINVAL, "not pairs");
	CHECK(lat_hist_parse("{}", b, 4) == -EINVAL, "not an array");
	CHECK(lat_hist_parse(NULL, b, 4) == -EINVAL, "no array");
	CHECK(lat_hist_parse("[[99999999999999999999,1]]", b, 4) == -EINVAL, "overflow");
	ktap_case_done("lat_hist_parse: workload arrays, and every malformed one refused");
}

static void test_missed(void)
{
	/* 6 s at 1 ms: 6,000 wake-ups expected */
	CHECK(lat_missed_periods(6000 * MS, MS, 6000, 0) == 0, "all there");
	CHECK(lat_missed_periods(6000 * MS + MS / 2, MS, 6000, 0) == 0, "a partial period");
	CHECK(lat_missed_periods(6000 * MS, MS, 6001, 0) == 0, "one more at the ends");
	CHECK(lat_missed_periods(6000 * MS, MS, 192, 190) == 5808, "fair at 32/s: the deficit");
	CHECK(lat_missed_periods(6000 * MS, MS, 5990, 30) == 30, "overruns above the deficit");
	CHECK(lat_missed_periods(6000 * MS, 0, 10, 3) == 3, "no period: the overruns");
	ktap_case_done("lat_missed_periods: the larger of the deficit and the overruns");
}

/* with nothing missed, the percentiles are the workload VMM's own */
static void test_nothing_missed(void)
{
	struct lat_bucket b[] = { bucket(20000, 90), bucket(200000, 9), bucket(700000, 1) };
	struct lat_summary s;

	CHECK(!lat_summarize(b, 3, 720000, 0, MS, &s), "summarize");
	CHECK(s.woken == 100 && s.missed == 0 && s.from_late == 0, "%llu %llu",
	      (unsigned long long)s.woken, (unsigned long long)s.missed);
	CHECK(near(s.p50, 20000) && near(s.p90, 20000) && near(s.p99, 200000),
	      "p50 %llu p90 %llu p99 %llu", (unsigned long long)s.p50,
	      (unsigned long long)s.p90, (unsigned long long)s.p99);
	CHECK(s.max == 720000, "max %llu", (unsigned long long)s.max);
	ktap_case_done("no missed period: the workload VMM's percentiles");
}

/*
 * A VM woken only every 30 ms (a slice of a spinner in between): over the
 * wake-ups that happened it waits 30 ms every time; over the periods it
 * should have had, the 29 it skipped after each wait for 30 ms, 29 ms ...
 * 2 ms: uniform up to 30 ms, p50 near 15 ms.
 */
static void test_late_wakeups(void)
{
	struct lat_bucket b[] = { bucket(30 * MS, 200) };
	struct lat_summary s;
	uint64_t missed = lat_missed_periods(6000 * MS, MS, 200, 200);

	CHECK(missed == 5800, "missed %llu", (unsigned long long)missed);
	CHECK(!lat_summarize(b, 1, 30 * MS, missed, MS, &s), "summarize");
	/* the bucket's middle is near 30 ms: 29 or 30 periods skipped each */
	CHECK(s.from_late >= 200 * 29 && s.from_late <= 200 * 30, "from late %llu",
	      (unsigned long long)s.from_late);
	CHECK(s.missed == missed, "missed %llu", (unsigned long long)s.missed);
	CHECK(s.p50 >= 14 * MS && s.p50 <= 17 * MS, "p50 %llu", (unsigned long long)s.p50);
	CHECK(near(s.p99, 30 * MS), "p99 %llu", (unsigned long long)s.p99);
	CHECK(s.max == 30 * MS, "max %llu", (unsigned long long)s.max);
	ktap_case_done("skipped periods after late wake-ups: uniform up to the wait");
}

/*
 * A policy cannot look good by dropping wake-ups: a VM that got half of its
 * wake-ups, each on time, has half its samples at least a period long.
 */
static void test_dropped(void)
{
	struct lat_bucket b[] = { bucket(100000, 1000) };
	struct lat_summary s;

	CHECK(!lat_summarize(b, 1, 110000, lat_missed_periods(2000 * MS, MS, 1000, 0), MS, &s),
	      "summarize");
	CHECK(s.missed == 1000 && s.from_late == 0, "missed %llu", (unsigned long long)s.missed);
	CHECK(s.p50 < MS && near(s.p50, 100000), "p50 %llu", (unsigned long long)s.p50);
	CHECK(near(s.p90, MS) && near(s.p99, MS), "p90 %llu p99 %llu",
	      (unsigned long long)s.p90, (unsigned long long)s.p99);
	CHECK(s.max >= MS - MS / 16, "max %llu", (unsigned long long)s.max);
	ktap_case_done("dropped wake-ups: a period each, the maximum too");
}

/* periods of 1 ns and waits in the last bucket: one pass over the buckets */
static void test_extremes(void)
{
	struct lat_bucket b[] = { bucket(1ULL << 42, 3) };
	struct lat_summary s;

	CHECK(!lat_summarize(b, 1, 1ULL << 42, 0, 1, &s), "summarize");
	CHECK(s.from_late == 3 * (1ULL << 42), "from late %llu", (unsigned long long)s.from_late);
	CHECK(lat_summarize(b, 1, 0, 0, 0, &s) == -EINVAL, "zero period");
	b[0].lower = 33;
	CHECK(lat_summarize(b, 1, 0, 0, MS, &s) == -EINVAL, "not a bucket");
	ktap_case_done("extremes: 1 ns periods, the last bucket, bad input refused");
}

int main(void)
{
	ktap_plan(6);
	test_parse();
	test_missed();
	test_nothing_missed();
	test_late_wakeups();
	test_dropped();
	test_extremes();
	return ktap_finish();
}
