// SPDX-License-Identifier: GPL-2.0
/*
 * A thread's schedstat (schedstat.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedstat.h"

int schedstat_read(pid_t pid, pid_t tid, struct sched_times *t)
{
	const char *root = getenv("VMSCHED_PROC_ROOT");
	unsigned long long run, wait, slices;
	char path[256];
	FILE *f;
	int n;

	memset(t, 0, sizeof(*t));
	if (pid <= 0 || tid <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "%s/%d/task/%d/schedstat",
		 root && *root ? root : "/proc", pid, tid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fscanf(f, "%llu %llu %llu", &run, &wait, &slices);
	fclose(f);
	if (n != 3)
		return -EINVAL;
	t->ok = true;
	t->run_ns = run;
	t->wait_ns = wait;
	t->slices = slices;
	return 0;
}
