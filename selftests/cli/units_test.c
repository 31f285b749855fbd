// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of tools/vmsched/units.c: parsing and printing of times,
 * percents and integers, and exact round trips. KTAP output.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vmsched.h>

#include "ktap.h"
#include "units.h"

static const struct {
	const char *in;
	int ret;
	uint64_t ns;
} time_cases[] = {
	{ "0", 0, 0 }, { "1ns", 0, 1 }, { "500us", 0, 500000 }, { "2ms", 0, 2000000 },
	{ "1.5s", 0, 1500000000 }, { "1.5ms", 0, 1500000 }, { ".5ms", 0, 500000 },
	{ "10s", 0, 10000000000ULL }, { "0.000000001s", 0, 1 }, { "1.000001ms", 0, 1000001 },
	{ "2.50ms", 0, 2500000 }, { "18446744073709551615ns", 0, UINT64_MAX },
	{ "10", -EDOM, 0 }, { "", -EINVAL, 0 }, { "ms", -EINVAL, 0 }, { "5x", -EINVAL, 0 },
	{ "5 ms", -EINVAL, 0 }, { "-1ms", -EINVAL, 0 }, { "1.5ns", -EINVAL, 0 },
	{ "0.0000000001s", -EINVAL, 0 }, { "1.2.3ms", -EINVAL, 0 }, { "5m", -EINVAL, 0 },
	{ "18446744073709551616ns", -ERANGE, 0 }, { "18446744074s", -ERANGE, 0 },
};

static const struct {
	uint64_t ns;
	const char *exact, *shortf;
} fmt_cases[] = {
	{ 0, "0", "0" }, { 1, "1ns", "1ns" }, { 999, "999ns", "999ns" },
	{ 1000, "1us", "1us" }, { 1500, "1.5us", "1.5us" }, { 500000, "500us", "500us" },
	{ 2000000, "2ms", "2ms" }, { 1234567, "1.234567ms", "1.23ms" },
	{ 1500000000, "1.5s", "1.5s" }, { 12345678901ULL, "12.345678901s", "12.3s" },
	{ 999700, "999.7us", "1ms" }, { 3600000000000ULL, "3600s", "3600s" },
};

static const struct {
	const char *in;
	unsigned int unit;
	int ret;
	uint64_t v;
	const char *out;
} value_cases[] = {
	{ "256", VMSCHED_UNIT_NONE, 0, 256, "256" },
	{ "0", VMSCHED_UNIT_NONE, 0, 0, "0" },
	{ "2ms", VMSCHED_UNIT_NONE, -EINVAL, 0, NULL },
	{ "1.5", VMSCHED_UNIT_NONE, -EINVAL, 0, NULL },
	{ "150", VMSCHED_UNIT_PERCENT, 0, 150, "150%" },
	{ "150%", VMSCHED_UNIT_PERCENT, 0, 150, "150%" },
	{ "%", VMSCHED_UNIT_PERCENT, -EINVAL, 0, NULL },
	{ "50%%", VMSCHED_UNIT_PERCENT, -EINVAL, 0, NULL },
	{ "5ms", VMSCHED_UNIT_NS, 0, 5000000, "5ms" },
	{ "5", VMSCHED_UNIT_NS, -EDOM, 0, NULL },
};

static uint64_t rnd64(void)
{
	return ((uint64_t)random() << 33) ^ ((uint64_t)random() << 11) ^ random();
}

int main(void)
{
	char buf[FMT_LEN];
	uint64_t v, x;
	size_t i;
	int ret, k;

	ktap_plan(5);

	for (i = 0; i < sizeof(time_cases) / sizeof(time_cases[0]); i++) {
		v = 0;
		ret = parse_time(time_cases[i].in, &v);
		CHECK(ret == time_cases[i].ret, "parse_time(\"%s\") = %d, want %d",
		      time_cases[i].in, ret, time_cases[i].ret);
		if (!ret && !time_cases[i].ret)
			CHECK(v == time_cases[i].ns, "parse_time(\"%s\") = %" PRIu64 ", want %"
			      PRIu64, time_cases[i].in, v, time_cases[i].ns);
	}
	ret = parse_time_default("0.5", NSEC_PER_SEC, &v);
	CHECK(!ret && v == 500000000, "plain seconds: %d %" PRIu64, ret, v);
	ktap_case_done("parse_time");

	for (i = 0; i < sizeof(fmt_cases) / sizeof(fmt_cases[0]); i++) {
		fmt_time(fmt_cases[i].ns, buf);
		CHECK(!strcmp(buf, fmt_cases[i].exact), "fmt_time(%" PRIu64 ") = %s, want %s",
		      fmt_cases[i].ns, buf, fmt_cases[i].exact);
		fmt_time_short(fmt_cases[i].ns, buf);
		CHECK(!strcmp(buf, fmt_cases[i].shortf), "fmt_time_short(%" PRIu64
		      ") = %s, want %s", fmt_cases[i].ns, buf, fmt_cases[i].shortf);
	}
	ktap_case_done("fmt_time");

	for (i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
		v = 0;
		ret = parse_value(value_cases[i].in, value_cases[i].unit, &v);
		CHECK(ret == value_cases[i].ret, "parse_value(\"%s\", %u) = %d, want %d",
		      value_cases[i].in, value_cases[i].unit, ret, value_cases[i].ret);
		if (ret || !value_cases[i].out)
			continue;
		CHECK(v == value_cases[i].v, "value %" PRIu64, v);
		fmt_value(v, value_cases[i].unit, buf);
		CHECK(!strcmp(buf, value_cases[i].out), "fmt_value = %s, want %s", buf,
		      value_cases[i].out);
	}
	ktap_case_done("values_by_unit");

	/* every printed time parses back to the same number of ns */
	srandom(1);
	for (k = 0; k < 200000; k++) {
		x = k < 64 ? (1ULL << k) - 1 : rnd64() >> (random() % 64);
		if (k % 3 == 0)	/* round numbers: 1.5ms, 20us ... */
			x = (x % 100000) * (uint64_t[]){ 1, 1000, 1000000, 1000000000 }[k % 4];
		fmt_time(x, buf);
		ret = parse_time(buf, &v);
		if (ret || v != x) {
			CHECK(0, "round trip of %" PRIu64 ": \"%s\" -> %d, %" PRIu64, x, buf, ret, v);
			break;
		}
	}
	ktap_case_done("time_round_trip");

	for (k = 0; k < 100000; k++) {
		uint64_t units[] = { VMSCHED_UNIT_NONE, VMSCHED_UNIT_PERCENT };

		x = rnd64() >> (random() % 64);
		fmt_value(x, units[k % 2], buf);
		ret = parse_value(buf, units[k % 2], &v);
		if (ret || v != x) {
			CHECK(0, "round trip of %" PRIu64 ": \"%s\"", x, buf);
			break;
		}
	}
	ktap_case_done("value_round_trip");
	return ktap_finish();
}
