// SPDX-License-Identifier: GPL-2.0
/*
 * The bookkeeping of apply --follow (see follow.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "follow.h"

bool pidset_has(const struct pidset *ps, pid_t pid)
{
	unsigned int i;

	for (i = 0; i < ps->n; i++)
		if (ps->pid[i] == pid)
			return true;
	return false;
}

void pidset_add(struct pidset *ps, pid_t pid)
{
	pid_t *p = realloc(ps->pid, (ps->n + 1) * sizeof(*p));

	if (!p)
		return;
	ps->pid = p;
	ps->pid[ps->n++] = pid;
}

bool follow_note(struct pidset *done, struct pidset *reported, pid_t pid, int ret)
{
	if (!ret) {
		pidset_add(done, pid);
		return true;
	}
	if (ret == -ESRCH || pidset_has(reported, pid))
		return false;
	pidset_add(reported, pid);
	return true;
}

uint64_t follow_next(uint64_t due, uint64_t period, uint64_t now)
{
	return due + period > now ? due + period : now + period;
}

bool follow_needed(const struct conf *c, const struct pdesc *d, const char *lv_why,
		   char *why, size_t len)
{
	unsigned int i;

	if (!strcmp(c->policy.name, CONF_NONE)) {
		snprintf(why, len, "policy none");
		return false;
	}
	if (c->nr_vms) {
		snprintf(why, len, "%u vm line%s", c->nr_vms, c->nr_vms == 1 ? "" : "s");
		return true;
	}
	for (i = 0; i < d->n; i++)
		if (d->p[i].scope == VMSCHED_SCOPE_VM)
			break;
	if (i == d->n)
		snprintf(why, len, "no vm lines, and policy %s has no per-VM parameters",
			 c->policy.name);
	else if (lv_why)
		snprintf(why, len, "no vm lines, and %s", lv_why);
	else
		snprintf(why, len, "libvirt metadata");
	return i < d->n && !lv_why;
}
