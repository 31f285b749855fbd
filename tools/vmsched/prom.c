// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus text exposition format (see prom.h).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "prom.h"
#include "units.h"

/* length of the valid UTF-8 sequence at @s (1..4), or 0 if it is not one */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, c = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, c = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and beyond U+10FFFF are not UTF-8 */
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return n;
}

char *prom_escape(char *buf, size_t len, const char *v)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t o = 0;

	while (*s) {
		const char *rep = NULL;
		size_t n = utf8_len(s), k;
		char one[2] = { (char)*s, 0 };

		if (*s == '\\')
			rep = "\\\\";
		else if (*s == '"')
			rep = "\\\"";
		else if (*s == '\n')
			rep = "\\n";
		else if (!n)
			rep = "\xef\xbf\xbd";	/* U+FFFD for a byte that is not UTF-8 */
		else if (n == 1)
			rep = one;
		if (rep) {
			k = strlen(rep);
			n = 1;
		} else {
			rep = (const char *)s;
			k = n;
		}
		if (o + k >= len)	/* cut at a character, never inside one */
			break;
		memcpy(buf + o, rep, k);
		o += k;
		s += n;
	}
	buf[o] = '\0';
	return buf;
}

char *prom_labels(char *buf, size_t len, const char *const *kv)
{
	char val[PROM_LABELS_LEN];
	size_t o = 0;

	buf[0] = '\0';
	for (; kv[0] && kv[1] && o < len; kv += 2)
		o += snprintf(buf + o, len - o, "%s%s=\"%s\"", o ? "," : "", kv[0],
			      prom_escape(val, sizeof(val), kv[1]));
	return buf;
}

void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void prom_sample(FILE *f, const char *name, const char *labels, const char *extra,
		   const char *value)
{
	bool l = labels && *labels, e = extra && *extra;

	if (l || e)
		fprintf(f, "%s{%s%s%s} %s\n", name, l ? labels : "", l && e ? "," : "",
			e ? extra : "", value);
	else
		fprintf(f, "%s %s\n", name, value);
}

void prom_u64(FILE *f, const char *name, const char *labels, const char *extra, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	prom_sample(f, name, labels, extra, buf);
}

char *prom_fmt_seconds(uint64_t ns, char *buf, size_t len)
{
	uint64_t frac = ns % NSEC_PER_SEC;
	int digits = 9;

	if (!frac) {
		snprintf(buf, len, "%" PRIu64, (uint64_t)(ns / NSEC_PER_SEC));
		return buf;
	}
	while (!(frac % 10)) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64, (uint64_t)(ns / NSEC_PER_SEC), digits, frac);
	return buf;
}

void prom_seconds(FILE *f, const char *name, const char *labels, const char *extra,
		  uint64_t ns)
{
	char buf[32];

	prom_sample(f, name, labels, extra, prom_fmt_seconds(ns, buf, sizeof(buf)));
}
