// SPDX-License-Identifier: GPL-2.0
/*
 * vmshare: the demo's view of the QEMU guests started by qemu_vm.sh. Over a
 * window it measures each guest's CPU share from the guest's own progress
 * reports, the kernel's view (grant time, when a policy is active) and the
 * worst delays the guest saw, and prints them next to the target shares.
 *
 *   vmshare [-s SECONDS] NAME[=TARGET_PERCENT]...
 *
 * Exit status: 0, or 1 if a VM reported nothing or missed its target by
 * more than 10% (of the target).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guests.h"

#define MAX_VMS 8

static void usage(void)
{
	fprintf(stderr, "usage: vmshare [-s SECONDS] NAME[=TARGET_PERCENT]...\n");
	exit(2);
}

static void ms_cell(char *buf, size_t len, long long us)
{
	if (us <= 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1fms", us / 1000.0);
}

int main(int argc, char **argv)
{
	struct gvm g[MAX_VMS];
	struct gshare sh[MAX_VMS];
	double target[MAX_VMS];
	double secs = 4, run_sum = 0;
	int i, nr = 0, c, bad = 0;

	while ((c = getopt(argc, argv, "s:")) != -1) {
		if (c != 's')
			usage();
		secs = atof(optarg);
	}
	if (optind == argc || argc - optind > MAX_VMS || secs <= 0)
		usage();
	for (i = optind; i < argc; i++, nr++) {
		char name[32], *eq;

		snprintf(name, sizeof(name), "%s", argv[i]);
		eq = strchr(name, '=');
		target[nr] = eq ? atof(eq + 1) : -1;
		if (eq)
			*eq = '\0';
		if (gvm_attach(&g[nr], name))
			return 1;
	}
	if (gvm_measure(g, nr, (int)(secs * 1000), sh))
		return 1;
	for (i = 0; i < nr; i++)
		run_sum += sh[i].have_run ? sh[i].run_ns : 0;
	printf("VM        TARGET   SHARE   RUN%%  MAX-GAP  WAKE-LAT\n");
	for (i = 0; i < nr; i++) {
		char tgt[16] = "-", run[16] = "-", gap[16], lat[16];
		const char *mark = "";

		/*
		 * Under a policy, judge what it decides: the granted time of each
		 * VM over the granted time of all. Work follows it on hardware;
		 * under emulation a switch between guests costs the incoming one
		 * milliseconds of work, so work is shown, not judged. With the
		 * host scheduler, judge the work.
		 */
		if (target[i] >= 0) {
			bool granted = sh[i].have_run && run_sum > 0;
			double got = granted ? sh[i].run_ns / run_sum : sh[i].share;
			bool ok = fabs(got * 100 - target[i]) <= target[i] * 0.10;

			snprintf(tgt, sizeof(tgt), "%.0f%%", target[i]);
			if (granted)
				mark = ok ? "  ok (granted share within 10%)" :
					    "  MISSED (granted share off by more than 10%)";
			else
				mark = ok ? "  ok (within 10%)" : "  MISSED (off by more than 10%)";
			bad += !ok;
		}
		if (sh[i].have_run)
			snprintf(run, sizeof(run), "%.1f%%",
				 sh[i].run_ns / 1e4 / (double)sh[i].host_ms);
		ms_cell(gap, sizeof(gap), sh[i].gap_us);
		ms_cell(lat, sizeof(lat), sh[i].lat_us);
		printf("%-8s %7s %6.1f%% %6s %8s %9s%s\n", g[i].name, tgt, sh[i].share * 100,
		       run, gap, lat, mark);
	}
	printf("(SHARE: the guest's own work rate over the sum of all; RUN%%: time the policy\n"
	       " granted it, per wall time; MAX-GAP: longest time the guest did not run;\n"
	       " WAKE-LAT: worst lateness of its timer wake-ups; over %.0fs)\n", secs);
	return bad ? 1 : 0;
}
