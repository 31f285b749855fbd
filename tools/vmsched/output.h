/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print layer for text and JSON: commands describe each value once
 * (JSON key, text label or column, type) and the layer renders it in the
 * selected format, so the two outputs cannot drift apart.
 *
 * Key/value blocks: text "label:  value" lines, JSON object members.
 * Tables: text columns (optionally with a header line), JSON arrays of
 * objects; a table begun inside an open row nests (indented in text, an
 * array member of the row's object in JSON).
 */
#ifndef VMSCHED_OUTPUT_H
#define VMSCHED_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

enum out_type {
	O_STR,
	O_U64,
	O_TIME,		/* ns: text 3 significant digits, JSON integer ns */
	O_VALUE,	/* u64 with a VMSCHED_UNIT_*: text exact with unit */
	O_PCT,		/* double percent: text "12.3", JSON number */
	O_BOOL,
};

struct out_col {
	const char *key;	/* JSON member name, NULL: text only */
	const char *head;	/* text label or column header */
	int width;		/* text column width, negative: left aligned, 0: JSON only */
	enum out_type type;
};

struct out_cell {
	bool set;		/* false: text "-", JSON null */
	const char *s;
	uint64_t u;
	double d;
	unsigned int unit;	/* O_VALUE */
};

#define CELL_STR(x)		((struct out_cell){ .set = true, .s = (x) })
#define CELL_U64(x)		((struct out_cell){ .set = true, .u = (x) })
#define CELL_PCT(x)		((struct out_cell){ .set = true, .d = (x) })
#define CELL_VAL(x, un)		((struct out_cell){ .set = true, .u = (x), .unit = (un) })

#define OUT_NOHEADER	0x1

void out_init(bool json, bool pretty);
bool out_json(void);

/* key/value blocks */
void out_obj_begin(const char *key, const char *title);
void out_obj_end(void);
void out_kv(const struct out_col *c, struct out_cell v);
void out_kv_str(const char *key, const char *label, const char *s);
void out_kv_u64(const char *key, const char *label, uint64_t v);
void out_kv_time(const char *key, const char *label, uint64_t ns);
/* a line of free text in text mode only (JSON: nothing) */
void out_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* tables */
void out_table_begin(const char *key, const struct out_col *cols, int n, unsigned int flags);
void out_table_end(void);
void out_row_begin(const struct out_cell *cells);
void out_row_end(void);
static inline void out_row(const struct out_cell *cells)
{
	out_row_begin(cells);
	out_row_end();
}

/* render one cell as text, as a table would */
char *out_cell_text(const struct out_col *c, const struct out_cell *v, char *buf, int len);

#endif
