/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The boot-time configuration, /etc/vmsched.conf: which policy is active,
 * its global parameters, and per-VM parameters keyed by VM name.
 *
 *   # comment (also after a blank at the end of a line)
 *   policy NAME [KEY=VALUE]...     exactly once; "policy none": host scheduler
 *   vm NAME KEY=VALUE...           at most once per VM name
 *
 * Reading is two steps, so that everything is checked before anything is
 * applied: conf_parse() checks the syntax, conf_validate() checks every key
 * and value against the policy's descriptors (as the kernel reports them).
 * Both print each error as "vmsched: FILE:LINE: message" and return the
 * number of errors.
 */
#ifndef VMSCHED_CONF_H
#define VMSCHED_CONF_H

#include <stdio.h>
#include <linux/vmsched.h>

#include "params.h"
#include "snap.h"

#define VMSCHED_CONF_FILE	"/etc/vmsched.conf"
#define CONF_NONE		"none"	/* policy none: the host scheduler */

/* one "policy" or "vm" line */
struct conf_entry {
	unsigned int line;
	unsigned int scope;		/* VMSCHED_SCOPE_GLOBAL (policy) or _VM */
	char name[VM_NAME_LEN];		/* policy or VM name */
	unsigned int nr;		/* KEY=VALUE arguments */
	char *args[VMSCHED_MAX_KV];	/* as written */
	struct vmsched_kv kv[VMSCHED_MAX_KV];	/* after conf_validate() */
};

struct conf {
	const char *path;
	struct conf_entry policy;	/* .line 0: no policy line */
	struct conf_entry *vms;
	unsigned int nr_vms;
};

int conf_parse(struct conf *c, const char *path, FILE *f);
/* @d: descriptors of c->policy.name (unused for "policy none") */
int conf_validate(struct conf *c, const struct pdesc *d);
void conf_free(struct conf *c);
/* the vm entry for VM @name, or NULL */
const struct conf_entry *conf_find_vm(const struct conf *c, const char *name);
/* print "vmsched: FILE:LINE: message" (FILE: without a line for @line 0) */
void conf_err(const struct conf *c, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "weight=512 cap=150%" of an entry, values as the admin wrote them */
char *conf_args_str(const struct conf_entry *e, char *buf, size_t len);

#endif
