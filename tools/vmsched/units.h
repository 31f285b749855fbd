/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Values with units: times (ns/us/ms/s), percents and plain integers, as
 * typed by admins and as printed. Kernel values are u64, times in ns.
 */
#ifndef VMSCHED_UNITS_H
#define VMSCHED_UNITS_H

#include <stddef.h>
#include <stdint.h>

#define FMT_LEN		32	/* enough for any formatted value */
#define NSEC_PER_SEC	1000000000ULL

/*
 * All parsers return 0, -EINVAL for bad syntax (or a time finer than 1 ns),
 * -ERANGE if the value does not fit in 64 bits, and parse_time -EDOM for a
 * number without a unit (only "0" needs none).
 */
int parse_time(const char *s, uint64_t *ns);
/* like parse_time, a plain number counts in @default_unit (in ns) */
int parse_time_default(const char *s, uint64_t default_unit, uint64_t *ns);
int parse_uint(const char *s, uint64_t *v);
/* an integer with an optional '%' suffix */
int parse_percent(const char *s, uint64_t *v);
/* by VMSCHED_UNIT_* */
int parse_value(const char *s, unsigned int unit, uint64_t *v);

/* exact: parse_time(fmt_time(x)) == x ("1.5s", "500us", "1.000001ms") */
char *fmt_time(uint64_t ns, char *buf);
/* three significant digits, for statistics ("1.23ms", "12.3s") */
char *fmt_time_short(uint64_t ns, char *buf);
/* exact, by VMSCHED_UNIT_* ("2ms", "150%", "256") */
char *fmt_value(uint64_t v, unsigned int unit, char *buf);
/* what a value of @unit looks like, for error messages */
const char *unit_hint(unsigned int unit);
const char *unit_name(unsigned int unit);

#endif
