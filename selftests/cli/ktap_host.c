// SPDX-License-Identifier: GPL-2.0
/*
 * The KTAP part of selftests/lib for host-side test programs, which must
 * build without the VM and workload helpers of vmsched_test.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ktap.h"

static int n, pass, fail, skipped;
int ktap_case_failures;

void ktap_plan(int count)
{
	printf("TAP version 13\n1..%d\n", count);
}

void ktap_result(bool ok, const char *name)
{
	n++;
	ok ? pass++ : fail++;
	printf("%sok %d %s\n", ok ? "" : "not ", n, name);
	fflush(stdout);
	ktap_case_failures = 0;
}

void ktap_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	n++;
	skipped++;
	printf("ok %d %s # SKIP ", n, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	ktap_case_failures = 0;
}

void ktap_skip_all(const char *fmt, ...)
{
	va_list ap;

	printf("TAP version 13\n1..0 # SKIP ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(KSFT_SKIP);
}

void ktap_info(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int ktap_finish(void)
{
	printf("# totals: pass:%d fail:%d skip:%d\n", pass, fail, skipped);
	return fail ? KSFT_FAIL : (skipped && !pass) ? KSFT_SKIP : KSFT_PASS;
}
