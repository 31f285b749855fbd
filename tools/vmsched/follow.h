/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bookkeeping of apply --follow: which VMs have their parameters, and
 * whose failure to get them was reported. A VM counts as done only once
 * its parameters are set; until then every round tries again, and says
 * that it failed once per VM, not every round. And whether there is
 * anything to follow at all.
 */
#ifndef VMSCHED_FOLLOW_H
#define VMSCHED_FOLLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf.h"
#include "params.h"

/* a set of VM pids */
struct pidset {
	pid_t *pid;
	unsigned int n;
};

bool pidset_has(const struct pidset *ps, pid_t pid);
/* out of memory: not added (done VMs are then set again next round) */
void pidset_add(struct pidset *ps, pid_t pid);

/*
 * Setting VM @pid's parameters returned @ret: on success it is added to
 * @done; a failure leaves it to the next round and is added to @reported.
 * True if the result is to be printed: a success, or the VM's first
 * failure other than -ESRCH (it exited, or the core does not know it yet).
 */
bool follow_note(struct pidset *done, struct pidset *reported, pid_t pid, int ret);

/*
 * The next run of a job done every @period that was due at @due, now
 * @now (ns, one clock): @due + @period, or if that has passed already
 * (the job took longer, the host was suspended) @now + @period: always
 * after @now, so a late job runs once, not again and again to catch up.
 */
uint64_t follow_next(uint64_t due, uint64_t period, uint64_t now);

/*
 * Whether following new VMs can give one parameters under configuration
 * @c (@d: its policy's descriptors; @lv_why: why libvirt metadata cannot
 * be read, NULL if it can): the file has vm lines, or the policy has
 * per-VM parameters that domain metadata may set. A VM without either
 * has the policy's defaults from its start, which is what apply gives it.
 * @why says which, or why there is nothing to follow.
 */
bool follow_needed(const struct conf *c, const struct pdesc *d, const char *lv_why,
		   char *why, size_t len);

#endif
