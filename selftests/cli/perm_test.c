// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of tools/vmsched/perm.c: the permission messages name the
 * device's mode and owner, the capability a refused call lacked, and the
 * hint matches the device (0600: root, or CAP_SYS_NICE with access to it).
 * KTAP output.
 */
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ktap.h"
#include "perm.h"

#define HINT "vmsched needs root (or CAP_SYS_NICE with access to /dev/vmsched)"
#define NEEDS "the call needs CAP_SYS_NICE (or CAP_SYS_ADMIN) "

static const struct {
	uint64_t caps;
	bool userns;
	const char *want;
} call_cases[] = {
	{ 0, false, NEEDS "and this process has neither; " HINT },
	{ ~(1ULL << CAP_SYS_NICE | 1ULL << CAP_SYS_ADMIN), false,
	  NEEDS "and this process has neither; " HINT },
	{ 0, true, NEEDS "and this process has neither; " HINT },
	{ 1ULL << CAP_SYS_NICE, true,
	  NEEDS "in the host's user namespace, and this process has it only in its own; " HINT },
	{ 1ULL << CAP_SYS_ADMIN, true,
	  NEEDS "in the host's user namespace, and this process has it only in its own; " HINT },
	{ 1ULL << CAP_SYS_NICE, false,
	  NEEDS "and refused it although this process has it (a security module?); " HINT },
};

/* CapEff of this process, as the test reads it */
static uint64_t own_caps(void)
{
	unsigned long long v = 0;
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f) && sscanf(line, "CapEff: %llx", &v) != 1)
		;
	if (f)
		fclose(f);
	return v;
}

int main(void)
{
	char buf[512];
	unsigned int i;
	bool nice;

	ktap_plan(3);
	perm_open_why(020600, 0, 1000, buf, sizeof(buf));
	CHECK(!strcmp(buf, "it is mode 0600, owner uid 0, and vmsched runs as uid 1000; " HINT),
	      "%s", buf);
	perm_open_why(0100640, 0, 65534, buf, sizeof(buf));
	CHECK(!strcmp(buf, "it is mode 0640, owner uid 0, and vmsched runs as uid 65534; " HINT),
	      "%s", buf);
	ktap_case_done("open");

	for (i = 0; i < sizeof(call_cases) / sizeof(call_cases[0]); i++) {
		perm_call_why(call_cases[i].caps, call_cases[i].userns, buf, sizeof(buf));
		CHECK(!strcmp(buf, call_cases[i].want), "caps %#llx%s: \"%s\", want \"%s\"",
		      (unsigned long long)call_cases[i].caps,
		      call_cases[i].userns ? " in a user namespace" : "", buf, call_cases[i].want);
	}
	ktap_case_done("call");

	/* this process: what /proc/self/status says */
	nice = own_caps() & (1ULL << CAP_SYS_NICE | 1ULL << CAP_SYS_ADMIN);
	perm_call_why_here(buf, sizeof(buf));
	ktap_info("here: %s", buf);
	CHECK(!strstr(buf, "has neither") == nice, "CapEff %#llx: %s",
	      (unsigned long long)own_caps(), buf);
	ktap_case_done("this_process");
	return ktap_finish();
}
