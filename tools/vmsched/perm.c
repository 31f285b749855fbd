// SPDX-License-Identifier: GPL-2.0
/*
 * Permission messages (perm.h).
 */
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "perm.h"

char *perm_open_why(unsigned int mode, uid_t owner, uid_t uid, char *buf, size_t len)
{
	snprintf(buf, len, "it is mode %04o, owner uid %u, and vmsched runs as uid %u; vmsched "
		 PERM_HINT, mode & 07777, (unsigned int)owner, (unsigned int)uid);
	return buf;
}

char *perm_call_why(uint64_t capeff, bool own_userns, char *buf, size_t len)
{
	bool has = capeff & (1ULL << CAP_SYS_NICE | 1ULL << CAP_SYS_ADMIN);

	snprintf(buf, len, "the call needs CAP_SYS_NICE (or CAP_SYS_ADMIN) %s; vmsched "
		 PERM_HINT, !has ? "and this process has neither" : own_userns ?
		 "in the host's user namespace, and this process has it only in its own" :
		 "and refused it although this process has it (a security module?)");
	return buf;
}

/* CapEff of /proc/self/status; 0 if unknown */
static uint64_t capeff(void)
{
	unsigned long long v = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* the host's user namespace maps every uid onto itself */
static bool in_own_userns(void)
{
	unsigned long a = 0, b = 0, n = 0;
	FILE *f = fopen("/proc/self/uid_map", "r");
	int got;

	if (!f)
		return false;
	got = fscanf(f, "%lu %lu %lu", &a, &b, &n);
	fclose(f);
	return got == 3 && !(a == 0 && b == 0 && n == 4294967295UL);
}

char *perm_open_why_here(char *buf, size_t len)
{
	struct stat st;

	if (stat(VMSCHED_DEVICE, &st)) {
		snprintf(buf, len, "vmsched " PERM_HINT);
		return buf;
	}
	return perm_open_why(st.st_mode, st.st_uid, geteuid(), buf, len);
}

char *perm_call_why_here(char *buf, size_t len)
{
	return perm_call_why(capeff(), in_own_userns(), buf, len);
}
