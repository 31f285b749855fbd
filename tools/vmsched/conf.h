/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The boot-time configuration, /etc/vmsched.conf: which policy is active,
 * its global parameters, and per-VM parameters keyed by VM name.
 *
 *   # comment (also after a blank at the end of a line)
 *   policy NAME [KEY=VALUE]...     exactly once; "policy none": host scheduler
 *                                  (of the default pool)
 *   pool NAME cpus=LIST [policy=P] [KEY=VALUE]...
 *                                  a pool of pCPUs (uapi 2.2), with policy P
 *                                  and its global parameters (conf_pools.c)
 *   vm NAME [pool=P] KEY=VALUE...  at most once per VM name; pool=P: the VM
 *                                  is in pool P, KEY=VALUE are for its policy
 *   metrics-textfile PATH|off      where apply -f writes the metrics
 *   metrics-interval TIME          how often (conf_metrics.c)
 *
 * Reading is two steps, so that everything is checked before anything is
 * applied: conf_parse() checks the syntax, conf_validate() checks every key
 * and value against the policy's descriptors (as the kernel reports them).
 * Both print each error as "vmsched: FILE:LINE: message" and return the
 * number of errors.
 */
#ifndef VMSCHED_CONF_H
#define VMSCHED_CONF_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/vmsched.h>

#include "params.h"
#include "snap.h"

#define VMSCHED_CONF_FILE	"/etc/vmsched.conf"
#define CONF_NONE		"none"	/* policy none: the host scheduler */
/* Debian's prometheus-node-exporter reads *.prom files of this directory */
#define CONF_METRICS_DIR	"/var/lib/prometheus/node-exporter"
#define CONF_METRICS_FILE	"vmsched.prom"
#define CONF_METRICS_INTERVAL	(15 * 1000000000ULL)

/* one "policy" or "vm" line */
struct conf_entry {
	unsigned int line;
	unsigned int scope;		/* VMSCHED_SCOPE_GLOBAL (policy) or _VM */
	char name[VM_NAME_LEN];		/* policy or VM name */
	unsigned int nr;		/* KEY=VALUE arguments */
	char *args[VMSCHED_MAX_KV];	/* as written */
	struct vmsched_kv kv[VMSCHED_MAX_KV];	/* after conf_validate() */
	char pool[VMSCHED_NAME_MAX];	/* vm: pool=, "" if not given */
};

/* one "pool" line */
struct conf_pool {
	unsigned int line;
	char name[VMSCHED_NAME_MAX];
	__u64 cpus[VMSCHED_CPU_WORDS];
	struct conf_entry policy;	/* .name: policy=, "" for none; its globals */
	struct pdesc d;			/* the policy's descriptors (apply_load.c) */
};

struct conf {
	const char *path;
	struct conf_entry policy;	/* .line 0: no policy line */
	struct conf_entry *vms;
	unsigned int nr_vms;
	struct conf_pool *pools;
	unsigned int nr_pools;
	unsigned int metrics_line;	/* of metrics-textfile, 0: none */
	char metrics_path[PATH_MAX];	/* "" with a line: off */
	unsigned int interval_line;	/* of metrics-interval, 0: none */
	uint64_t metrics_interval_ns;
};

int conf_parse(struct conf *c, const char *path, FILE *f);
/* @d: descriptors of c->policy.name (unused for "policy none") */
int conf_validate(struct conf *c, const struct pdesc *d);
/* check the KEY=VALUE arguments of @e (e->scope) into e->kv; errors */
int conf_check_entry(const struct conf *c, struct conf_entry *e, const struct pdesc *d);
void conf_free(struct conf *c);
/* the vm entry for VM @name, or NULL */
const struct conf_entry *conf_find_vm(const struct conf *c, const char *name);
/* conf_pools.c: a pool line (@w[0] is "pool"); errors */
int conf_pool_line(struct conf *c, unsigned int line, char **w, int n);
/* after parsing: pools' CPUs do not overlap, vm lines name pools that exist */
int conf_pools_check(const struct conf *c);
/* validate each pool's globals and the vm lines of its VMs; errors */
int conf_pools_validate(struct conf *c);
/* pool @name's line, NULL if none (the default pool has none) */
struct conf_pool *conf_find_pool(const struct conf *c, const char *name);
/* the pool of vm line @e (NULL: the default pool) */
struct conf_pool *conf_vm_pool(const struct conf *c, const struct conf_entry *e);
void conf_pools_free(struct conf *c);
/* conf_metrics.c: the defaults; a metrics-* line (@w[0] names it); errors */
void conf_metrics_init(struct conf *c);
int conf_metrics_line(struct conf *c, unsigned int line, char **w, int n);
/*
 * where apply -f writes the metrics: metrics-textfile, or without that line
 * CONF_METRICS_DIR/CONF_METRICS_FILE if the directory exists; NULL: nowhere
 */
const char *conf_metrics_path(const struct conf *c);
/* print "vmsched: FILE:LINE: message" (FILE: without a line for @line 0) */
/* (nothing while conf_quiet(true): a caller that only looks) */
void conf_quiet(bool quiet);
void conf_err(const struct conf *c, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "weight=512 cap=150%" of an entry, values as the admin wrote them */
char *conf_args_str(const struct conf_entry *e, char *buf, size_t len);

#endif
