// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - error reporting for the workload VMM.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

bool wl_json_errors;

/* Print @s as a JSON string literal on stdout. */
void wl_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void __attribute__((noreturn)) report(int code, const char *msg)
{
	fflush(stdout);
	fprintf(stderr, "workload: %s\n", msg);
	if (wl_json_errors) {
		fputs("{\"error\":", stdout);
		wl_json_string(msg);
		fputs("}\n", stdout);
	}
	fflush(NULL);
	exit(code);
}

void wl_die(int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report(code, msg);
}

void wl_assert_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	char msg[512], what[256];
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s:%d: %s (%s failed, errno %d: %s)",
		 file, line, what, cond, err, strerror(err));
	report(WL_EXIT_FAIL, msg);
}
