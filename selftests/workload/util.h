/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h - errors, assertions and clocks for the workload VMM.
 */
#ifndef WORKLOAD_UTIL_H
#define WORKLOAD_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Exit codes; 4 is the kselftest SKIP code. */
#define WL_EXIT_OK	0
#define WL_EXIT_FAIL	1
#define WL_EXIT_USAGE	2
#define WL_EXIT_SKIP	4

/* Also print errors as {"error": "..."} on stdout. */
extern bool wl_json_errors;

void __attribute__((noreturn, format(printf, 2, 3)))
wl_die(int code, const char *fmt, ...);

void __attribute__((noreturn, format(printf, 4, 5)))
wl_assert_fail(const char *file, int line, const char *cond, const char *fmt, ...);

/* Host-side invariant or KVM ioctl that must not fail: file:line and errno. */
#define WL_ASSERT(cond, fmt, ...)					\
	do {								\
		if (!(cond))						\
			wl_assert_fail(__FILE__, __LINE__, #cond,	\
				       fmt, ##__VA_ARGS__);		\
	} while (0)

void wl_json_string(const char *s);

static inline uint64_t wl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline struct timespec wl_ns_to_ts(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / 1000000000ull,
		.tv_nsec = ns % 1000000000ull,
	};

	return ts;
}

/* @count events in @ns nanoseconds, per second, without overflow. */
static inline uint64_t wl_per_sec(uint64_t count, uint64_t ns)
{
	if (!ns)
		return 0;
	return (unsigned __int128)count * 1000000000ull / ns;
}

#endif /* WORKLOAD_UTIL_H */
