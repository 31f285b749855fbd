/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal KTAP output for vmsched test programs, kselftest style:
 *
 *	ktap_plan(3);
 *	ktap_result(ok, "name");   ...
 *	return ktap_finish();      // exit code: 0 pass, 1 fail, 4 all skipped
 *
 * CHECK() records a failed expectation with file:line and both values and
 * lets the test case go on; the case fails if any CHECK failed.
 */
#ifndef VMSCHED_KTAP_H
#define VMSCHED_KTAP_H

#include <stdio.h>
#include <stdbool.h>

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

void ktap_plan(int n);
void ktap_result(bool ok, const char *name);
void ktap_skip(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ktap_skip_all(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* the test cannot run what it needs: one failed case with the reason, exit 1 */
void ktap_fail_all(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
void ktap_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ktap_finish(void);

/* failed expectations in the current test case (reset by ktap_result) */
extern int ktap_case_failures;

#define CHECK(cond, fmt, ...)							\
	do {									\
		if (!(cond)) {							\
			ktap_case_failures++;					\
			printf("# %s:%d: check failed: %s: " fmt "\n",		\
			       __FILE__, __LINE__, #cond, ##__VA_ARGS__);	\
			fflush(stdout);						\
		}								\
	} while (0)

/* the current case passes if no CHECK failed since the last result */
#define ktap_case_done(name) ktap_result(ktap_case_failures == 0, (name))

#endif
