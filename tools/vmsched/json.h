/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer on stdout (compact, or indented with
 * pretty). Keys are NULL inside arrays and for the top-level value.
 */
#ifndef VMSCHED_JSON_H
#define VMSCHED_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

void jw_init(bool pretty);
void jw_object_begin(const char *key);
void jw_object_end(void);
void jw_array_begin(const char *key);
void jw_array_end(void);
void jw_string(const char *key, const char *s);
void jw_u64(const char *key, uint64_t v);
void jw_s64(const char *key, int64_t v);
void jw_double(const char *key, double v);
void jw_bool(const char *key, bool v);
void jw_null(const char *key);
/* open objects and arrays: 0 when no top-level value is being written */
int jw_level(void);
/* the innermost open value is an object */
bool jw_in_object(void);
/* close open objects and arrays down to @level */
void jw_unwind(int level);
/* print @s as a JSON string literal on @f */
void json_quote(FILE *f, const char *s);

#endif
