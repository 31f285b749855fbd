// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON rendering of key/value blocks and tables.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "json.h"
#include "output.h"
#include "units.h"

#define MAX_NEST	8
#define KV_LABEL_WIDTH	18
#define NEST_INDENT	4	/* text indentation of a nested table */

static bool json;
static int indent;		/* text indentation, spaces */

/* open tables, innermost last */
static struct {
	const struct out_col *cols;
	int n;
	bool row_open;
} tables[MAX_NEST];
static int nr_tables;

void out_init(bool want_json, bool pretty)
{
	json = want_json;
	if (json)
		jw_init(pretty);
}

bool out_json(void)
{
	return json;
}

void out_obj_begin(const char *key, const char *title)
{
	if (json) {
		jw_object_begin(key);
		return;
	}
	if (title) {
		printf("%*s%s\n", indent, "", title);
		indent += 2;
	}
}

void out_obj_end(void)
{
	if (json && jw_level() == 1)	/* a failed command's errors join its object */
		err_json_members();
	if (json)
		jw_object_end();
	else if (indent >= 2)
		indent -= 2;
}

char *out_cell_text(const struct out_col *c, const struct out_cell *v, char *buf, int len)
{
	char tmp[FMT_LEN];

	if (!v->set) {
		snprintf(buf, len, "-");
		return buf;
	}
	switch (c->type) {
	case O_STR:
		snprintf(buf, len, "%s", v->s ? v->s : "");
		break;
	case O_U64:
		snprintf(buf, len, "%llu", (unsigned long long)v->u);
		break;
	case O_TIME:
		snprintf(buf, len, "%s", fmt_time_short(v->u, tmp));
		break;
	case O_VALUE:
		snprintf(buf, len, "%s", fmt_value(v->u, v->unit, tmp));
		break;
	case O_PCT:
		snprintf(buf, len, "%.1f", v->d);
		break;
	case O_BOOL:
		snprintf(buf, len, "%s", v->u ? "yes" : "no");
		break;
	}
	return buf;
}

static void json_cell(const struct out_col *c, const struct out_cell *v)
{
	if (!c->key)		/* text only */
		return;
	if (!v->set) {
		jw_null(c->key);
		return;
	}
	switch (c->type) {
	case O_STR:
		jw_string(c->key, v->s ? v->s : "");
		break;
	case O_U64:
	case O_TIME:
	case O_VALUE:
		jw_u64(c->key, v->u);
		break;
	case O_PCT:
		jw_double(c->key, v->d);
		break;
	case O_BOOL:
		jw_bool(c->key, v->u);
		break;
	}
}

void out_kv(const struct out_col *c, struct out_cell v)
{
	char buf[256], label[64];

	if (json) {
		json_cell(c, &v);
		return;
	}
	snprintf(label, sizeof(label), "%s:", c->head);
	printf("%*s%-*s %s\n", indent, "", KV_LABEL_WIDTH, label,
	       out_cell_text(c, &v, buf, sizeof(buf)));
}

void out_kv_str(const char *key, const char *label, const char *s)
{
	struct out_col c = { key, label, 0, O_STR };

	out_kv(&c, CELL_STR(s));
}

void out_kv_u64(const char *key, const char *label, uint64_t v)
{
	struct out_col c = { key, label, 0, O_U64 };

	out_kv(&c, CELL_U64(v));
}

void out_kv_time(const char *key, const char *label, uint64_t ns)
{
	struct out_col c = { key, label, 0, O_TIME };

	out_kv(&c, CELL_U64(ns));
}

void out_text(const char *fmt, ...)
{
	va_list ap;

	if (json)
		return;
	printf("%*s", indent, "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* one text line of cells (or headers when @cells is NULL) */
static void text_row(const struct out_col *cols, int n, const struct out_cell *cells)
{
	char line[1024], buf[256];
	int i, len = 0, w;

	for (i = 0; i < n; i++) {
		if (!cols[i].width)	/* JSON only */
			continue;
		const char *s = cells ? out_cell_text(&cols[i], &cells[i], buf, sizeof(buf))
				      : cols[i].head;

		w = abs(cols[i].width);
		len += snprintf(line + len, sizeof(line) - len, "%s%*s",
				len ? " " : "", cols[i].width < 0 ? -w : w, s);
		if (len >= (int)sizeof(line))
			len = sizeof(line) - 1;
	}
	while (len && line[len - 1] == ' ')
		line[--len] = '\0';
	printf("%*s%s\n", indent, "", line);
}

void out_table_begin(const char *key, const struct out_col *cols, int n, unsigned int flags)
{
	bool nested = nr_tables && tables[nr_tables - 1].row_open;

	if (nr_tables < MAX_NEST) {
		tables[nr_tables].cols = cols;
		tables[nr_tables].n = n;
		tables[nr_tables].row_open = false;
		nr_tables++;
	}
	if (json) {
		jw_array_begin(key);
		return;
	}
	if (nested)
		indent += NEST_INDENT;
	if (!(flags & OUT_NOHEADER))
		text_row(cols, n, NULL);
}

void out_table_end(void)
{
	bool nested;

	if (nr_tables)
		nr_tables--;
	nested = nr_tables && tables[nr_tables - 1].row_open;
	if (json)
		jw_array_end();
	else if (nested && indent >= NEST_INDENT)
		indent -= NEST_INDENT;
}

void out_row_begin(const struct out_cell *cells)
{
	int i;

	if (!nr_tables)
		return;
	tables[nr_tables - 1].row_open = true;
	if (!json) {
		text_row(tables[nr_tables - 1].cols, tables[nr_tables - 1].n, cells);
		return;
	}
	jw_object_begin(NULL);
	for (i = 0; i < tables[nr_tables - 1].n; i++)
		json_cell(&tables[nr_tables - 1].cols[i], &cells[i]);
}

void out_row_end(void)
{
	if (!nr_tables)
		return;
	tables[nr_tables - 1].row_open = false;
	if (json)
		jw_object_end();
}
