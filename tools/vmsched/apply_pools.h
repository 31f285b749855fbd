/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apply and pools (uapi 2.2): the pools of the file are created, changed
 * and removed to match it (a pool whose CPUs changed is removed and
 * created again), each gets its policy and global parameters, and each
 * running VM moves to the pool of its vm line (the default pool without
 * one). Every step is recorded so that a later failure puts the pools back
 * as they were: newest first, moves back, policies and their global values
 * back, created pools removed, removed ones created again with their
 * policy and VMs.
 */
#ifndef VMSCHED_APPLY_POOLS_H
#define VMSCHED_APPLY_POOLS_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/vmsched.h>

#include "conf.h"
#include "snap.h"

struct pool_step;

struct pool_undo {
	struct pool_step *steps;
	unsigned int n;
};

/*
 * Make the module's pools match @c, before the default pool's policy is
 * applied; @dry: only list what would be done. A "pools" table; 0 or the
 * exit code (reported; what was done is in @u).
 */
int pools_apply(const struct conf *c, struct pool_undo *u, bool dry);
/* move each running VM of @s to its pool; 0 or the exit code */
int pools_move_vms(const struct conf *c, const struct snap *s, struct pool_undo *u, bool dry);
/* the descriptors of the policy VM @name gets (its pool's), NULL: none */
const struct pdesc *pools_vm_descs(const struct conf *c, const struct pdesc *d,
				   const char *name);
/* put back what @u recorded; failures are reported; returns their number */
unsigned int pools_rollback(struct pool_undo *u, const struct conf *c);
void pools_undo_free(struct pool_undo *u);

#endif
