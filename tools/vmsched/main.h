/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmsched: admin CLI of the vmsched vCPU scheduling framework.
 * Declarations shared by the command files.
 */
#ifndef VMSCHED_MAIN_H
#define VMSCHED_MAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/vmsched.h>

#include "errors.h"

typedef uint64_t u64;

/* options, see optdefs[] in opts.c; a command accepts a subset (OPT_* mask) */
enum {
	OPT_JSON	= 1 << 0,
	OPT_PRETTY	= 1 << 1,
	OPT_HELP	= 1 << 2,
	OPT_VERBOSE	= 1 << 3,	/* list -v */
	OPT_INTERVAL	= 1 << 4,	/* stats -i TIME */
	OPT_SINCE	= 1 << 5,	/* stats -s */
	OPT_DELAY	= 1 << 6,	/* top -d SECONDS */
	OPT_BATCH	= 1 << 7,	/* top -b */
	OPT_ITER	= 1 << 8,	/* top -n N */
	OPT_CHECK	= 1 << 9,	/* apply -c */
	OPT_FOLLOW	= 1 << 10,	/* apply -f */
	OPT_VERSION	= 1 << 11,	/* -V: the version command */
	OPT_TEXTFILE	= 1 << 12,	/* metrics -t PATH */
	OPT_POOL	= 1 << 13,	/* -P POOL: the pool a command acts on */
	OPT_COMMON	= OPT_JSON | OPT_PRETTY | OPT_HELP,
};

struct options {
	bool json, pretty, help, version, verbose, since_start, batch, check, follow;
	u64 interval_ns;	/* stats -i, top -d, apply -f -i */
	long iterations;	/* top -n, 0 = forever */
	const char *textfile;	/* metrics -t */
	const char *pool;	/* -P, NULL: the default pool (stats, top: all VMs) */
	unsigned int given;	/* OPT_* seen on the command line */
};
extern struct options opt;

/* a command, or an object of set/get */
struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
	unsigned int opts;	/* the options it accepts */
	bool changes;		/* it changes the host: never abbreviated */
	const char *usage;	/* lines of grammar (commands only) */
	const char *summary;	/* a line for each usage line */
};

bool is_prefix(const char *pfx, const char *str);
/*
 * Run the object of @group (set or get) that argv[0] names in @cmds (its
 * name, or an unambiguous prefix if it changes nothing), or @help;
 * @objects names them for the error of a missing one ("vm or vcpu").
 */
int cmd_select(const struct cmd *cmds, int argc, char **argv, const char *group,
	       const char *objects, int (*help)(void));

/* JSON mode: a successful command without output prints null (as bpftool) */
void p_done(void);

/* commands */
int do_list(int argc, char **argv);
int do_activate(int argc, char **argv);
int do_deactivate(int argc, char **argv);
int do_status(int argc, char **argv);
int do_set(int argc, char **argv);
int do_get(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_top(int argc, char **argv);
int do_version(int argc, char **argv);
int do_help(int argc, char **argv);
int do_apply(int argc, char **argv);
int do_metrics(int argc, char **argv);
int do_pool(int argc, char **argv);

int help_set(void);
int help_get(void);
int help_pool(void);

#endif
