// SPDX-License-Identifier: GPL-2.0
/*
 * KTAP output for vmsched test programs (see ktap.h). No dependencies
 * beyond libc, so host-side tests link it too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ktap.h"

static int ktap_n, ktap_pass, ktap_fail, ktap_skipped;
int ktap_case_failures;

void ktap_plan(int n)
{
	printf("TAP version 13\n1..%d\n", n);
	fflush(stdout);
}

void ktap_result(bool ok, const char *name)
{
	ktap_n++;
	if (ok)
		ktap_pass++;
	else
		ktap_fail++;
	printf("%sok %d %s\n", ok ? "" : "not ", ktap_n, name);
	fflush(stdout);
	ktap_case_failures = 0;
}

void ktap_skip(const char *name, const char *fmt, ...)
{
	va_list ap;

	ktap_n++;
	ktap_skipped++;
	printf("ok %d %s # SKIP ", ktap_n, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
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
	fflush(stdout);
	exit(KSFT_SKIP);
}

void ktap_fail_all(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("TAP version 13\n1..1\n# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\nnot ok 1 %s\n", name);
	fflush(stdout);
	exit(KSFT_FAIL);
}

void ktap_info(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int ktap_finish(void)
{
	printf("# totals: pass:%d fail:%d skip:%d\n", ktap_pass, ktap_fail, ktap_skipped);
	fflush(stdout);
	if (ktap_fail)
		return KSFT_FAIL;
	if (ktap_skipped && !ktap_pass)
		return KSFT_SKIP;
	return KSFT_PASS;
}
