/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Errors. Each is printed at once as "vmsched: MESSAGE" on stderr. With -j
 * they also go to stdout, where a run prints one JSON object for them:
 * the command's own top-level object when one is being written (the errors
 * join it as members), else {"error":...} at the end of the run. "error"
 * is the first message; "errors" lists all of them when there are several
 * (config files report every bad line).
 */
#ifndef VMSCHED_ERRORS_H
#define VMSCHED_ERRORS_H

#include <stdbool.h>

/* exit codes */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* the operation failed */
#define EXIT_USAGE	2	/* bad command line */

/* whether errors are kept for JSON on stdout */
void err_init(bool json);
/* print and keep one message; return @code */
int p_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * An error the output shows where it happened (JSON: a member of the value
 * it concerns, as list -v's "params_error"): on stderr only; return @code
 */
int p_err_in_place(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define usage_err(...)	p_err(EXIT_USAGE, __VA_ARGS__)
#define op_err(...)	p_err(EXIT_FAIL, __VA_ARGS__)

/* JSON: the "error" and "errors" members, into the object being written */
void err_json_members(void);
/* JSON: the errors no object took, in a top-level object of their own */
void err_flush(void);

#endif
