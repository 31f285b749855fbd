/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apply's undo: what the host had before apply changed it (the active
 * policy and its global values, each changed VM's values), put back newest
 * first when a later step fails. Every value that cannot be put back is
 * reported (which VM or policy, which keys, the errno), so that "nothing
 * was changed" is only said when it is true.
 */
#ifndef VMSCHED_APPLY_UNDO_H
#define VMSCHED_APPLY_UNDO_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/vmsched.h>

#include "conf.h"
#include "params.h"

#define UNDO_MAX_VMS	256

struct undo {
	char policy[VMSCHED_NAME_MAX];	/* active before, "" for none */
	struct vmsched_kv *globals;
	unsigned int nr_globals;
	struct {
		pid_t pid;
		char name[VM_NAME_LEN];
		struct vmsched_kv *kv;
		unsigned int n;
	} vm[UNDO_MAX_VMS];
	unsigned int nr_vms;
};

/* the active policy and its global values; 0 or the exit code (reported) */
int undo_save_policy(struct undo *u);
/* VM @pid's values before changing them; 0, -ENOSPC (full) or -errno */
int undo_save_vm(struct undo *u, pid_t pid, const char *name);
/* forget the VM saved last (it was not changed after all) */
void undo_drop_vm(struct undo *u);
/*
 * Put back the VMs' values, and with @activated the policy and its global
 * values. Each failure is reported against @c's file; VMs that exited are
 * not failures. Returns the number of failures.
 */
unsigned int undo_rollback(struct undo *u, bool activated, const struct conf *c,
			   const struct pdesc *d);
void undo_free(struct undo *u);

/* why the kernel refused a change of apply, for its messages */
const char *apply_why(int err);

#endif
