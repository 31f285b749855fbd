// SPDX-License-Identifier: GPL-2.0
/*
 * The bookkeeping of apply --follow (see follow.h).
 */
#include <errno.h>
#include <stdlib.h>

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
