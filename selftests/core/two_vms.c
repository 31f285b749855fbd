// SPDX-License-Identifier: GPL-2.0
/*
 * With the core loaded and no policy active, two workload VMs with two
 * spinning vCPUs each run side by side: every vCPU makes progress and the
 * VMM's numbers are consistent. Then the core unloads cleanly.
 */
#include <string.h>
#include <unistd.h>

#include "vmsched_test.h"

#define SECONDS "3"

int main(void)
{
	const char *a[] = { "--name", "alpha", "--vcpus", "2", "--duration", SECONDS,
			    "--profile", "spin", NULL };
	const char *b[] = { "--name", "beta", "--vcpus", "2", "--duration", SECONDS,
			    "--profile", "spin", NULL };
	struct workload w[2];
	int ret, i, v;

	if (getuid())
		ktap_skip_all("must run as root");
	if (!have_kvm())
		ktap_skip_all("no /dev/kvm");
	mod_unload_all();
	ktap_plan(2);

	ret = mod_load(CORE_MODULE, NULL);
	CHECK(ret == 0, "insmod: %s", strerror(-ret));
	CHECK(workload_start(&w[0], a) == 0, "start alpha");
	CHECK(workload_start(&w[1], b) == 0, "start beta");
	for (i = 0; i < 2; i++) {
		ret = workload_wait(&w[i]);
		CHECK(ret == 0, "workload %d exited with %d", i, ret);
		CHECK(workload_get(&w[i], "vcpus", -1) == 2, "vcpus");
		long long dur = workload_get(&w[i], "duration_ns", -1);

		CHECK(dur > 2000000000LL * time_scale() && dur < 6000000000LL * time_scale(),
		      "duration %lld ns", dur);
		for (v = 0; v < 2; v++) {
			long long prog = workload_get(&w[i], "progress", v);
			long long rate = workload_get(&w[i], "rate", v);

			ktap_info("vm %d vcpu %d: progress %lld, rate %lld/s", i, v, prog, rate);
			CHECK(prog > 0, "vm %d vcpu %d made no progress", i, v);
			/* rate is progress per second of the measured interval */
			CHECK(rate > 0 && rate * 2 >= prog * 1000000000LL / dur / 2 &&
			      rate <= 2 * prog * 1000000000LL / dur + 1,
			      "vm %d vcpu %d: rate %lld inconsistent with progress %lld",
			      i, v, rate, prog);
		}
		long long total = workload_get(&w[i], "total_progress", -1);

		CHECK(total == workload_get(&w[i], "progress", 0) +
			       workload_get(&w[i], "progress", 1),
		      "total_progress %lld is not the sum", total);
	}
	ktap_case_done("two_vms_progress");

	ret = mod_unload(CORE_MODULE);
	CHECK(ret == 0, "rmmod: %s", strerror(-ret));
	ktap_case_done("unload_after_vms");
	return ktap_finish();
}
