/* SPDX-License-Identifier: GPL-2.0 */
/*
 * apply --follow (the service): after the first apply, keep running.
 *
 * New VMs are looked for every opt.interval_ns only while one can get
 * parameters from it (follow_needed(): vm lines in the file, or libvirt
 * metadata for a policy with per-VM parameters); otherwise it sleeps
 * until a signal or the next metrics write. SIGHUP reads the file again,
 * SIGTERM and SIGINT end it.
 *
 * /dev/vmsched is open only during a round, so that rmmod kvm_schedswap
 * works while it runs. The device's directory is watched (devwatch.h):
 * when the device goes, one line says so and nothing is followed; when
 * it comes back, one line says so and the file is applied again (a new
 * kvm_schedswap starts without a policy).
 */
#ifndef VMSCHED_APPLY_FOLLOW_H
#define VMSCHED_APPLY_FOLLOW_H

#include <stdbool.h>

#include "apply_load.h"
#include "conf.h"
#include "follow.h"
#include "params.h"

/*
 * cmd_apply.c: make the host match @c (@d: its policy's descriptors), all
 * or nothing (@dry: only report); VMs given parameters are added to @done.
 * 0 or the exit code.
 */
int apply_conf(const struct conf *c, const struct pdesc *d, bool dry,
	       const struct missing *m, struct pidset *done);

/* follow @path after it was applied as @c, @d, @done (they are updated on reloads) */
int apply_follow(const char *path, struct conf *c, struct pdesc *d, struct pidset *done);

#endif
