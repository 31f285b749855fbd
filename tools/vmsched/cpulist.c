// SPDX-License-Identifier: GPL-2.0
/*
 * CPU lists: "2-3", "4,6,8-11" to a bitmap and back; pool names.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpulist.h"

/* a CPU number at *@s; 0 or -1 with @why */
static int cpu_num(const char **s, unsigned long *cpu, char *why, size_t len)
{
	const char *p = *s;
	char *end;

	if (!isdigit((unsigned char)*p)) {
		snprintf(why, len, "expected a CPU number at \"%s\"", *p ? p : "the end");
		return -1;
	}
	errno = 0;
	*cpu = strtoul(p, &end, 10);
	if (errno || *cpu >= CPULIST_MAX) {
		snprintf(why, len, "CPU %.*s is out of range (CPUs are 0 to %d)",
			 (int)(end - p), p, CPULIST_MAX - 1);
		return -1;
	}
	*s = end;
	return 0;
}

int cpulist_parse(const char *s, __u64 *cpus, char *why, size_t len)
{
	unsigned long a, b, c;

	memset(cpus, 0, VMSCHED_CPU_WORDS * sizeof(*cpus));
	if (!*s) {
		snprintf(why, len, "the list is empty");
		return -1;
	}
	for (;;) {
		if (cpu_num(&s, &a, why, len))
			return -1;
		b = a;
		if (*s == '-') {
			s++;
			if (cpu_num(&s, &b, why, len))
				return -1;
			if (b < a) {
				snprintf(why, len, "range %lu-%lu is reversed (%lu-%lu?)",
					 a, b, b, a);
				return -1;
			}
		}
		for (c = a; c <= b; c++) {
			if (cpu_isset(cpus, c)) {
				snprintf(why, len, "CPU %lu is listed twice", c);
				return -1;
			}
			cpus[c / 64] |= 1ULL << (c % 64);
		}
		if (!*s)
			return 0;
		if (*s != ',') {
			snprintf(why, len, "unexpected \"%s\" (expected N or N-M, and commas "
				 "between)", s);
			return -1;
		}
		s++;
	}
}

char *cpulist_format(const __u64 *cpus, char *buf, size_t len)
{
	unsigned int c = 0, end;
	size_t n = 0;

	buf[0] = '\0';
	while (c < CPULIST_MAX) {
		if (!cpu_isset(cpus, c)) {
			c++;
			continue;
		}
		for (end = c; end + 1 < CPULIST_MAX && cpu_isset(cpus, end + 1); end++)
			;
		if (len - n < 24) {	/* room for ",8190-8191" and "..." */
			if (len - n >= 4)
				strcpy(buf + n, "...");
			return buf;
		}
		if (end == c)
			n += snprintf(buf + n, len - n, "%s%u", n ? "," : "", c);
		else
			n += snprintf(buf + n, len - n, "%s%u-%u", n ? "," : "", c, end);
		c = end + 1;
	}
	return buf;
}

int cpus_first_common(const __u64 *a, const __u64 *b)
{
	unsigned int w;

	for (w = 0; w < VMSCHED_CPU_WORDS; w++)
		if (a[w] & b[w])
			return w * 64 + __builtin_ctzll(a[w] & b[w]);
	return -1;
}

unsigned int cpus_count(const __u64 *cpus)
{
	unsigned int w, n = 0;

	for (w = 0; w < VMSCHED_CPU_WORDS; w++)
		n += __builtin_popcountll(cpus[w]);
	return n;
}

bool pool_name_ok(const char *name)
{
	size_t len = strlen(name);

	return len && len < VMSCHED_NAME_MAX &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == len;
}
