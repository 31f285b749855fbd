/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus text exposition format (version 0.0.4): a family's HELP
 * and TYPE lines, then its samples, each "name{labels} value". Label
 * values are escaped (backslash, double quote, newline) and made valid
 * UTF-8; times are printed in seconds, exactly (no float rounding).
 */
#ifndef VMSCHED_PROM_H
#define VMSCHED_PROM_H

#include <stdint.h>
#include <stdio.h>

#define PROM_LABELS_LEN	512	/* a label set, escaped */

/* "k1=\"v1\",k2=\"v2\"" from @kv: name, value, name, value, ..., NULL */
char *prom_labels(char *buf, size_t len, const char *const *kv);
/* @v escaped as a label value (without the quotes) into @buf */
char *prom_escape(char *buf, size_t len, const char *v);

/* "# HELP name help" and "# TYPE name type" */
void prom_family(FILE *f, const char *name, const char *type, const char *help);
/* name{labels[,extra]} value, @value as written ("NaN", "+Inf") */
void prom_sample(FILE *f, const char *name, const char *labels, const char *extra,
		 const char *value);
/* name{labels[,extra]} value; @labels and @extra may be NULL or "" */
void prom_u64(FILE *f, const char *name, const char *labels, const char *extra, uint64_t v);
/* the same with @ns printed in seconds */
void prom_seconds(FILE *f, const char *name, const char *labels, const char *extra,
		  uint64_t ns);
/* @ns as seconds, exact and shortest: "0.000512", "3", "1.5" */
char *prom_fmt_seconds(uint64_t ns, char *buf, size_t len);

#endif
