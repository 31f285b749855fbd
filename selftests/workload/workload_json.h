/* SPDX-License-Identifier: GPL-2.0 */
/*
 * workload_json.h - read results from the line printed by `workload --json`.
 *
 * Header only, no allocation, C99. The input is one JSON object whose
 * values are integers or strings, plus one array "vcpu" of such objects:
 *
 *   long long n = wl_json_get(line, "total_progress", -1);   top level
 *   long long r = wl_json_get(line, "rate", 1);              vcpu[1].rate
 *   int nr = wl_json_vcpus(line);                            vcpu[] length
 *   wl_json_get_str(line, "profile", buf, sizeof(buf));
 *   long long t = wl_json_get_opt(line, "threads", 0);       0 if not printed
 *
 * A missing key, a non-integer value or a bad index gives WL_JSON_MISSING
 * (LLONG_MIN, so "< 0" also catches it); an {"error": "..."} line has no
 * other keys.
 *
 * Keys newer than some workload binaries (vCPU "threads" and "old_tid",
 * from --rethread-ms) are best read with wl_json_get_opt(), which gives 0
 * for a key the object does not have, as a line from such a binary.
 */
#ifndef WORKLOAD_JSON_H
#define WORKLOAD_JSON_H

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define WL_JSON_MISSING	LLONG_MIN

static inline const char *wl_json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* @p at a value: return the first character after it, or NULL. */
static inline const char *wl_json_skip(const char *p)
{
	int depth = 0;

	do {
		switch (*p) {
		case '\0':
			return NULL;
		case '"':
			for (p++; *p != '"'; p++) {
				if (!*p || (*p == '\\' && !*++p))
					return NULL;
			}
			p++;
			break;
		case '{':
		case '[':
			depth++;
			p++;
			break;
		case '}':
		case ']':
			if (!depth)
				return p;	/* end of the enclosing container */
			depth--;
			p++;
			break;
		case ',':
			if (!depth)
				return p;
			p++;
			break;
		default:
			p++;
		}
	} while (depth || (*p != ',' && *p != '}' && *p != ']' && *p));
	return p;
}

/* @obj at '{': return the value of its member @key, or NULL. */
static inline const char *wl_json_member(const char *obj, const char *key)
{
	size_t len = strlen(key);
	const char *p = wl_json_ws(obj);

	if (!p || *p != '{')
		return NULL;
	p = wl_json_ws(p + 1);
	while (*p == '"') {
		const char *name = p + 1, *end = name;
		int match;

		while (*end && *end != '"')
			end += *end == '\\' && end[1] ? 2 : 1;
		if (!*end)
			return NULL;
		match = (size_t)(end - name) == len && !strncmp(name, key, len);
		p = wl_json_ws(end + 1);
		if (*p != ':')
			return NULL;
		p = wl_json_ws(p + 1);
		if (match)
			return p;
		p = wl_json_skip(p);
		if (!p)
			return NULL;
		p = wl_json_ws(p);
		if (*p != ',')
			return NULL;
		p = wl_json_ws(p + 1);
	}
	return NULL;
}

/* @arr at '[': return element @idx, or NULL. */
static inline const char *wl_json_element(const char *arr, int idx)
{
	const char *p = arr ? wl_json_ws(arr) : NULL;

	if (!p || *p != '[' || idx < 0)
		return NULL;
	p = wl_json_ws(p + 1);
	if (*p == ']')
		return NULL;
	while (idx--) {
		p = wl_json_skip(p);
		if (!p || *p != ',')
			return NULL;
		p = wl_json_ws(p + 1);
	}
	return p;
}

/* The top-level object if @vcpu < 0, else vcpu[@vcpu], or NULL. */
static inline const char *wl_json_object(const char *json, int vcpu)
{
	const char *obj = json ? strchr(json, '{') : NULL;

	if (obj && vcpu >= 0)
		obj = wl_json_element(wl_json_member(obj, "vcpu"), vcpu);
	return obj && *obj == '{' ? obj : NULL;
}

/* Where the value of @key is: top level if @vcpu < 0, else in vcpu[@vcpu]. */
static inline const char *wl_json_find(const char *json, const char *key, int vcpu)
{
	const char *obj = wl_json_object(json, vcpu);

	return obj ? wl_json_member(obj, key) : NULL;
}

/* @p at a value: the integer there, or WL_JSON_MISSING. */
static inline long long wl_json_int(const char *p)
{
	char *end;
	long long val;

	if (!p || (*p != '-' && (*p < '0' || *p > '9')))
		return WL_JSON_MISSING;
	val = strtoll(p, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E')
		return WL_JSON_MISSING;
	return val;
}

static inline long long wl_json_get(const char *json, const char *key, int vcpu_index)
{
	return wl_json_int(wl_json_find(json, key, vcpu_index));
}

/*
 * wl_json_get() for a key older output lacks: 0 if the object (top level,
 * or vcpu[@vcpu_index]) exists without @key; WL_JSON_MISSING if there is
 * no such object (error line, bad index) or the value is not an integer.
 */
static inline long long wl_json_get_opt(const char *json, const char *key, int vcpu_index)
{
	const char *obj = wl_json_object(json, vcpu_index);
	const char *p;

	if (!obj || wl_json_member(obj, "error"))
		return WL_JSON_MISSING;
	p = wl_json_member(obj, key);
	return p ? wl_json_int(p) : 0;
}

/* Number of elements of "vcpu", or -1. */
static inline int wl_json_vcpus(const char *json)
{
	const char *obj = json ? strchr(json, '{') : NULL;
	int n = 0;

	if (!obj || !wl_json_member(obj, "vcpu"))
		return -1;
	while (wl_json_element(wl_json_member(obj, "vcpu"), n))
		n++;
	return n;
}

/*
 * Copy the string value of @key (top level if @vcpu < 0) into @buf, with
 * \" and \\ unescaped. Returns its length, or -1 if missing or not a string.
 */
static inline int wl_json_get_str(const char *json, const char *key, int vcpu,
				  char *buf, size_t size)
{
	const char *p = wl_json_find(json, key, vcpu);
	size_t n = 0;

	if (!p || *p != '"' || !size)
		return -1;
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		if (n + 1 < size)
			buf[n++] = *p;
	}
	buf[n] = '\0';
	return *p == '"' ? (int)n : -1;
}

#endif /* WORKLOAD_JSON_H */
