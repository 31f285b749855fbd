// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming JSON writer: tracks nesting so that commas, indentation and the
 * final newline are always right, whatever order the callers emit in.
 */
#include <inttypes.h>
#include <stdio.h>

#include "json.h"

#define JW_MAX_DEPTH	16

static bool jw_pretty;
static int jw_depth;
static bool jw_first[JW_MAX_DEPTH];	/* nothing emitted yet at this level */
static char jw_kind[JW_MAX_DEPTH];	/* '{' or '[' of each open level */

void jw_init(bool pretty)
{
	jw_pretty = pretty;
	jw_depth = 0;
	jw_first[0] = true;
}

void json_quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void indent(void)
{
	int i;

	if (!jw_pretty)
		return;
	fputc('\n', stdout);
	for (i = 0; i < jw_depth; i++)
		fputs("    ", stdout);
}

/* separator, indentation and key before a value */
static void jw_key(const char *key)
{
	if (!jw_first[jw_depth])
		fputc(',', stdout);
	if (jw_depth)
		indent();
	jw_first[jw_depth] = false;
	if (key) {
		json_quote(stdout, key);
		fputs(jw_pretty ? ": " : ":", stdout);
	}
}

/* after a complete top-level value: newline */
static void jw_value_done(void)
{
	if (!jw_depth) {
		fputc('\n', stdout);
		jw_first[0] = true;
	}
}

static void jw_open(const char *key, char c)
{
	jw_key(key);
	fputc(c, stdout);
	if (jw_depth < JW_MAX_DEPTH - 1)
		jw_depth++;
	jw_first[jw_depth] = true;
	jw_kind[jw_depth] = c;
}

static void jw_close(char c)
{
	bool empty = jw_first[jw_depth];

	if (jw_depth)
		jw_depth--;
	if (!empty)
		indent();
	fputc(c, stdout);
	jw_value_done();
}

int jw_level(void)
{
	return jw_depth;
}

bool jw_in_object(void)
{
	return jw_depth && jw_kind[jw_depth] == '{';
}

void jw_unwind(int level)
{
	while (jw_depth > level)
		jw_close(jw_kind[jw_depth] == '{' ? '}' : ']');
}

void jw_object_begin(const char *key) { jw_open(key, '{'); }
void jw_object_end(void) { jw_close('}'); }
void jw_array_begin(const char *key) { jw_open(key, '['); }
void jw_array_end(void) { jw_close(']'); }

void jw_string(const char *key, const char *s)
{
	jw_key(key);
	json_quote(stdout, s);
	jw_value_done();
}

void jw_u64(const char *key, uint64_t v)
{
	jw_key(key);
	printf("%" PRIu64, v);
	jw_value_done();
}

void jw_s64(const char *key, int64_t v)
{
	jw_key(key);
	printf("%" PRId64, v);
	jw_value_done();
}

void jw_double(const char *key, double v)
{
	jw_key(key);
	printf("%.2f", v);
	jw_value_done();
}

void jw_bool(const char *key, bool v)
{
	jw_key(key);
	fputs(v ? "true" : "false", stdout);
	jw_value_done();
}

void jw_null(const char *key)
{
	jw_key(key);
	fputs("null", stdout);
	jw_value_done();
}
