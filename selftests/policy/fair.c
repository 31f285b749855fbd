// SPDX-License-Identifier: GPL-2.0
/*
 * fair on real vCPUs.
 *  - Three spinning VMs weighted 1:2:4 get 1/7, 2/7 and 4/7 of the run
 *    time and of the progress (each within 5% of its target) over 10 s, on
 *    one pCPU (single-vCPU VMs pinned to CPU 0, pool of 1) and on two
 *    (two-vCPU VMs, pool of 2: the 4/7 VM needs more than one pCPU's
 *    worth). See policy_test.h for the slice and the two-pCPU bound.
 *  - A capped VM stays under its cap on an otherwise idle host: one vCPU
 *    capped at 30% of a pCPU on one pCPU, two vCPUs capped at 150% on two:
 *    the core's run time stays within the cap, and so does the progress
 *    rate on one pCPU (the policy leaves the pool idle and asks to be
 *    polled again).
 */
#include <string.h>
#include <unistd.h>

#include "policy_test.h"

#define MEASURE_S	10

static const double weights[] = { 1, 2, 4 };
static const unsigned long long fair_weights[] = { 256, 512, 1024 };

static void test_weights(int fd, unsigned int slots)
{
	const char *pin = slots == 1 ? "0" : NULL;
	const int vcpus = slots;
	const struct wl_spec spec[] = {
		{ "fair-w1", vcpus, "spin", pin, MEASURE_S + 6, INTERVAL_MS },
		{ "fair-w2", vcpus, "spin", pin, MEASURE_S + 6, INTERVAL_MS },
		{ "fair-w4", vcpus, "spin", pin, MEASURE_S + 6, INTERVAL_MS },
	};
	char label[64];
	struct vm_set s;
	int ret;

	ret = vms_set_slots(slots);
	CHECK(ret == 0, "slots=%u", slots);
	ret = activate_with(fd, "fair", "slice", TEST_SLICE_NS);
	CHECK(ret == 0, "activate fair: %s", strerror(-ret));
	ret = vm_set_start(&s, fd, spec, 3);
	CHECK(ret == 0, "start VMs: %s", strerror(-ret));
	CHECK(vm_set_param(&s, fd, "weight", fair_weights) == 0, "set weights");
	ret = vm_set_measure(&s, 2, MEASURE_S);
	CHECK(ret == 0, "measure: %s", strerror(-ret));
	snprintf(label, sizeof(label), "fair 1:2:4, %u pCPU%s, %d vCPU%s per VM", slots,
		 slots > 1 ? "s" : "", vcpus, vcpus > 1 ? "s" : "");
	vm_set_check_shares(&s, label, weights, slots == 1 ? TOL_ONE_PCPU : TOL_PCPUS, TOL_RUN);
	vm_set_kill(&s);
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
}

/*
 * A VM capped at @cap percent of one pCPU, on an idle pool of @slots: one
 * pinned vCPU capped at 30% on one pCPU; two vCPUs capped at 150% on two.
 */
static void test_cap(int fd, unsigned int slots, unsigned long long cap)
{
	const struct wl_spec spec = { "fair-cap", (int)slots, "spin", slots == 1 ? "0" : NULL,
				      20, INTERVAL_MS };
	const double limit = cap / 100.0;	/* in pCPUs */
	long long base, capped;
	struct vm_set s;
	double rate_ratio, run_ratio;
	int ret;

	vms_set_slots(slots);
	ret = vms_activate(fd, "fair", NULL, 0);
	CHECK(ret == 0, "activate fair: %s", strerror(-ret));
	ret = vm_set_start(&s, fd, &spec, 1);
	CHECK(ret == 0, "start VM: %s", strerror(-ret));
	CHECK(vm_set_measure(&s, 1, 3) == 0, "measure uncapped");
	base = s.total[0] / 3;		/* all of its vCPUs on the whole pool */
	CHECK(vm_set_param(&s, fd, "cap", &cap) == 0, "set cap=%llu", cap);
	CHECK(vm_set_measure(&s, 1, 6) == 0, "measure capped");
	capped = s.total[0] / 6;
	rate_ratio = base > 0 ? (double)capped / base * slots : 1;
	run_ratio = (double)s.run_ns[0] / (6 * INTERVAL_MS * 1e6);
	ktap_info("cap %llu%% on %u pCPU%s: uncapped %lld/s, capped %lld/s: %.3f pCPUs of progress, core run time %.3f pCPUs",
		  cap, slots, slots > 1 ? "s" : "", base, capped, rate_ratio, run_ratio);
	CHECK(capped > 0, "the capped VM made no progress");
	/*
	 * Progress is a measure of pCPU time on one pCPU only (10% slack for
	 * emulation noise). The test VM's two CPUs share one host thread
	 * (single-threaded TCG): while one idles, the other runs up to twice
	 * as fast, so on two pCPUs the core's run time alone is checked.
	 */
	if (slots == 1)
		CHECK(rate_ratio <= limit * 1.10, "progress %.3f pCPUs above the cap",
		      rate_ratio);
	CHECK(run_ratio <= limit * 1.03, "run time %.3f pCPUs above the cap", run_ratio);
	CHECK(run_ratio >= limit * 0.7, "run time %.3f pCPUs far below the cap", run_ratio);
	vm_set_kill(&s);
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
}

int main(void)
{
	struct vmsched_status st;
	int fd = policy_test_setup(1, NULL);

	ktap_plan(4);
	test_weights(fd, 1);
	ktap_case_done("fair_weights_1_2_4_one_pcpu");
	test_weights(fd, 2);
	ktap_case_done("fair_weights_1_2_4_two_pcpus");
	test_cap(fd, 1, 30);
	ktap_case_done("fair_cap_on_idle_host_one_pcpu");
	test_cap(fd, 2, 150);
	vms_status(fd, &st);
	CHECK(st.watchdog_events == 0 && st.policy_errors == 0,
	      "watchdog events %llu, policy errors %llu",
	      (unsigned long long)st.watchdog_events, (unsigned long long)st.policy_errors);
	ktap_case_done("fair_cap_on_idle_host_two_pcpus");
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
