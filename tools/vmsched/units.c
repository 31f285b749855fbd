// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing and printing of values with units. Times are parsed exactly in
 * integer arithmetic (no floating point), so "1.5ms" is 1500000 ns and
 * every value printed by fmt_time() parses back to the same number.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/vmsched.h>

#include "units.h"

static const struct {
	const char *suffix;
	uint64_t ns;
} time_units[] = {	/* largest first: fmt_time() picks the first that fits */
	{ "s", NSEC_PER_SEC },
	{ "ms", 1000000ULL },
	{ "us", 1000ULL },
	{ "ns", 1ULL },
};
#define NR_TIME_UNITS (sizeof(time_units) / sizeof(time_units[0]))

/* decimal digits of @s into @v; returns the first non-digit or NULL */
static const char *scan_uint(const char *s, uint64_t *v, int *ndigits)
{
	*v = 0;
	*ndigits = 0;
	for (; isdigit((unsigned char)*s); s++, (*ndigits)++) {
		unsigned int d = *s - '0';

		if (*v > (UINT64_MAX - d) / 10)
			return NULL;
		*v = *v * 10 + d;
	}
	return s;
}

int parse_time_default(const char *s, uint64_t default_unit, uint64_t *ns)
{
	uint64_t ip, frac = 0, mult = 0, scale = 1;
	int nd, nf = 0, i;
	const char *p;
	size_t k;

	p = scan_uint(s, &ip, &nd);
	if (!p)
		return -ERANGE;
	if (*p == '.') {
		const char *q = p + 1;

		while (isdigit((unsigned char)*q) && nf < 9) {
			frac = frac * 10 + (*q++ - '0');
			nf++;
		}
		while (*q == '0')	/* trailing zeros beyond 9 digits are fine */
			q++;
		if (isdigit((unsigned char)*q) || (!nd && !nf))
			return -EINVAL;
		p = q;
	}
	if (!nd && !nf)
		return -EINVAL;
	for (k = 0; k < NR_TIME_UNITS; k++)
		if (!strcmp(p, time_units[k].suffix))
			mult = time_units[k].ns;
	if (!*p) {
		if (!default_unit && (ip || frac))
			return -EDOM;
		mult = default_unit ? default_unit : 1;
	}
	if (!mult)
		return -EINVAL;
	for (i = 0; i < nf; i++)
		scale *= 10;
	if ((frac * mult) % scale)
		return -EINVAL;	/* finer than a nanosecond */
	if (ip > UINT64_MAX / mult || ip * mult > UINT64_MAX - frac * mult / scale)
		return -ERANGE;
	*ns = ip * mult + frac * mult / scale;
	return 0;
}

int parse_time(const char *s, uint64_t *ns)
{
	return parse_time_default(s, 0, ns);
}

int parse_uint(const char *s, uint64_t *v)
{
	const char *p;
	int nd;

	p = scan_uint(s, v, &nd);
	if (!p)
		return -ERANGE;
	return nd && !*p ? 0 : -EINVAL;
}

int parse_percent(const char *s, uint64_t *v)
{
	char buf[FMT_LEN];
	size_t len = strlen(s);

	if (len && s[len - 1] == '%') {
		if (len >= sizeof(buf))
			return -ERANGE;
		memcpy(buf, s, len - 1);
		buf[len - 1] = '\0';
		return parse_uint(buf, v);
	}
	return parse_uint(s, v);
}

int parse_value(const char *s, unsigned int unit, uint64_t *v)
{
	switch (unit) {
	case VMSCHED_UNIT_NS:
		return parse_time(s, v);
	case VMSCHED_UNIT_PERCENT:
		return parse_percent(s, v);
	default:
		return parse_uint(s, v);
	}
}

char *fmt_time(uint64_t ns, char *buf)
{
	size_t k;
	int digits, len;

	if (!ns) {
		strcpy(buf, "0");
		return buf;
	}
	for (k = 0; k < NR_TIME_UNITS - 1 && ns < time_units[k].ns; k++)
		;
	len = snprintf(buf, FMT_LEN, "%llu", (unsigned long long)(ns / time_units[k].ns));
	if (ns % time_units[k].ns) {
		digits = 3 * (int)(NR_TIME_UNITS - 1 - k);
		len += snprintf(buf + len, FMT_LEN - len, ".%0*llu", digits,
				(unsigned long long)(ns % time_units[k].ns));
		while (buf[len - 1] == '0')
			buf[--len] = '\0';
	}
	snprintf(buf + len, FMT_LEN - len, "%s", time_units[k].suffix);
	return buf;
}

char *fmt_time_short(uint64_t ns, char *buf)
{
	size_t k;
	double v;
	char *dot, *end;

	if (!ns) {
		strcpy(buf, "0");
		return buf;
	}
	for (k = 0; k < NR_TIME_UNITS - 1 && ns < time_units[k].ns; k++)
		;
	v = (double)ns / time_units[k].ns;
	/* 999.7us rounds to 1000us: show it as 1ms instead */
	if (k > 0 && v >= 999.5) {
		k--;
		v = (double)ns / time_units[k].ns;
	}
	snprintf(buf, FMT_LEN, v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f", v);
	dot = strchr(buf, '.');
	if (dot) {
		end = buf + strlen(buf);
		while (end[-1] == '0')
			*--end = '\0';
		if (end[-1] == '.')
			end[-1] = '\0';
	}
	strcat(buf, time_units[k].suffix);
	return buf;
}

char *fmt_value(uint64_t v, unsigned int unit, char *buf)
{
	switch (unit) {
	case VMSCHED_UNIT_NS:
		return fmt_time(v, buf);
	case VMSCHED_UNIT_PERCENT:
		snprintf(buf, FMT_LEN, "%llu%%", (unsigned long long)v);
		return buf;
	default:
		snprintf(buf, FMT_LEN, "%llu", (unsigned long long)v);
		return buf;
	}
}

const char *unit_hint(unsigned int unit)
{
	switch (unit) {
	case VMSCHED_UNIT_NS:
		return "a time with a unit: ns, us, ms or s (e.g. 500us, 2ms, 1.5s)";
	case VMSCHED_UNIT_PERCENT:
		return "an integer percent of one CPU (e.g. 50 or 150%)";
	default:
		return "a non-negative integer";
	}
}

const char *unit_name(unsigned int unit)
{
	switch (unit) {
	case VMSCHED_UNIT_NS:
		return "time";
	case VMSCHED_UNIT_PERCENT:
		return "percent";
	default:
		return "integer";
	}
}
