/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The first steps of apply: read the configuration file, load the modules
 * it needs (kvm_schedswap and NAME_sched, by modprobe) and check it against
 * the policy's descriptors. apply -c loads nothing: it lists the modules
 * apply would load instead.
 */
#ifndef VMSCHED_APPLY_LOAD_H
#define VMSCHED_APPLY_LOAD_H

#include <stdbool.h>

#include "conf.h"
#include "params.h"

/* the modules apply would load (apply -c loads none) */
struct missing {
	bool core;				/* kvm_schedswap */
	char policy[VM_NAME_LEN + 8];		/* NAME_sched, "" if loaded */
};

/*
 * Parse @path, load the modules it needs (with @check none: they are
 * noted in @missing) and validate it; 0 or the exit code.
 */
int load_conf(const char *path, struct conf *c, struct pdesc *d, bool check,
	      struct missing *missing);
/* apply -c: the modules apply would load */
void print_missing(const struct missing *m);

#endif
