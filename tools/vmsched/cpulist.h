/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU lists as the kernel prints them ("0-3,8,10-11") and the CPU bitmaps
 * of the uapi (VMSCHED_CPU_WORDS words, bit n of word n / 64 is CPU n),
 * and the names of the pools that hold them.
 */
#ifndef VMSCHED_CPULIST_H
#define VMSCHED_CPULIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vmsched.h>

#define CPULIST_MAX	(VMSCHED_CPU_WORDS * 64)

static inline bool cpu_isset(const __u64 *cpus, unsigned int cpu)
{
	return cpu < CPULIST_MAX && (cpus[cpu / 64] >> (cpu % 64)) & 1;
}

/*
 * Parse @s strictly into @cpus: N or N-M (N <= M) items, comma separated,
 * each CPU below CPULIST_MAX and named once. 0, or -1 with the reason in
 * @why ("CPU 3 is listed twice").
 */
int cpulist_parse(const char *s, __u64 *cpus, char *why, size_t len);
/* "0-3,8"; "" for no CPU; returns @buf (truncated with "..." if too long) */
char *cpulist_format(const __u64 *cpus, char *buf, size_t len);
/* the first CPU set in both, or -1 */
int cpus_first_common(const __u64 *a, const __u64 *b);
unsigned int cpus_count(const __u64 *cpus);
/* a pool name: 1 to 31 characters of [a-z0-9_-] */
bool pool_name_ok(const char *name);

#endif
