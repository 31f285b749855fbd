/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What apply sets: the file is the whole truth. Every parameter of a scope
 * is given a value on each apply, the file's where it names the key, else
 * the policy's default (its descriptor's def), so a key or a vm line taken
 * out of the file goes back to the default on the next apply or reload
 * instead of keeping what the kernel had. Per-vCPU parameters are not in
 * the file and are left alone.
 */
#ifndef VMSCHED_APPLY_PLAN_H
#define VMSCHED_APPLY_PLAN_H

#include <stdbool.h>
#include <linux/vmsched.h>

#include "conf.h"
#include "params.h"

/*
 * Every parameter of @scope in @d into @kv (VMSCHED_MAX_KV entries): the
 * value @e gives (@e may be NULL: all defaults), else the default. 0, or
 * -E2BIG if the policy has more parameters of @scope than one call takes.
 */
int plan_values(const struct pdesc *d, unsigned int scope, const struct conf_entry *e,
		struct vmsched_kv *kv, unsigned int *n);
/* @a and @b hold the same keys with the same values (in any order) */
bool kv_same(const struct vmsched_kv *a, unsigned int na, const struct vmsched_kv *b,
	     unsigned int nb);
/* "weight=512 cap=0": @kv's values in the units of @d's descriptors */
char *kv_str(const struct pdesc *d, const struct vmsched_kv *kv, unsigned int n, char *buf,
	     size_t len);

#endif
