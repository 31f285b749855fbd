// SPDX-License-Identifier: GPL-2.0
/*
 * Errors on stderr, and with -j as one JSON object on stdout (errors.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "json.h"

static bool json;
static char **msgs;		/* kept for JSON, not yet printed there */
static unsigned int nr_msgs;

void err_init(bool want_json)
{
	json = want_json;
}

static void vp_err(bool keep, const char *fmt, va_list ap)
{
	char msg[2048], **m;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fflush(stdout);		/* what came before, first */
	fprintf(stderr, "vmsched: %s\n", msg);
	if (!json || !keep)
		return;
	m = realloc(msgs, (nr_msgs + 1) * sizeof(*msgs));
	if (m) {
		msgs = m;
		msgs[nr_msgs] = strdup(msg);
		nr_msgs += !!msgs[nr_msgs];
	}
}

int p_err(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vp_err(true, fmt, ap);
	va_end(ap);
	return code;
}

int p_err_in_place(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vp_err(false, fmt, ap);
	va_end(ap);
	return code;
}

void err_json_members(void)
{
	unsigned int i;

	if (!nr_msgs)
		return;
	jw_string("error", msgs[0]);
	if (nr_msgs > 1) {
		jw_array_begin("errors");
		for (i = 0; i < nr_msgs; i++)
			jw_string(NULL, msgs[i]);
		jw_array_end();
	}
	for (i = 0; i < nr_msgs; i++)
		free(msgs[i]);
	nr_msgs = 0;
}

void err_flush(void)
{
	if (!nr_msgs)
		return;
	/* a command that failed halfway: close what it left open */
	jw_unwind(1);
	if (!jw_in_object()) {
		jw_unwind(0);
		jw_object_begin(NULL);
	}
	err_json_members();
	jw_object_end();
}
