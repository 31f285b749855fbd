// SPDX-License-Identifier: GPL-2.0
/*
 * Live swaps between fair, bvt and rr under load: three spinning VMs and a
 * latency VM while the active policy changes every 250 ms for 10 s, on one
 * pinned pCPU (single-vCPU VMs) and on two (two-vCPU spinners). Every vCPU
 * progresses in every second, no policy error and no watchdog event
 * happens, and per-VM parameters set under one policy are there again when
 * it comes back.
 */
#include <string.h>
#include <unistd.h>

#include "policy_test.h"

#define SECONDS		10
#define SWAPS_PER_S	4

/* one run on a pool of @slots pCPUs: one-vCPU VMs pinned to CPU 0, or two-vCPU VMs */
static void swap_under_load(int fd, unsigned int slots)
{
	static const char *const policies[] = { "fair", "bvt", "rr" };
	const char *pin = slots == 1 ? "0" : NULL;
	const int vcpus = slots;
	const struct wl_spec spec[] = {
		{ "swap-a", vcpus, "spin", pin, SECONDS + 8, INTERVAL_MS },
		{ "swap-b", vcpus, "spin", pin, SECONDS + 8, INTERVAL_MS },
		{ "swap-c", vcpus, "spin", pin, SECONDS + 8, INTERVAL_MS },
		{ "swap-lat", 1, "latency", pin, SECONDS + 8, INTERVAL_MS },
	};
	const unsigned long long weights[] = { 256, 512, 1024, 300 };
	long long min_rate[4][WL_MEASURE_VCPUS];
	struct vmsched_status st0, st1;
	unsigned long long w;
	int ret, sec, i, k, v, next = 1, failed_swaps = 0;
	struct vm_set s;

	memset(min_rate, 0xff, sizeof(min_rate));	/* -1: none yet */
	CHECK(vms_set_slots(slots) == 0, "slots=%u", slots);
	ret = vms_activate(fd, "fair", NULL, 0);
	CHECK(ret == 0, "activate fair: %s", strerror(-ret));
	ret = vm_set_start(&s, fd, spec, 4);
	CHECK(ret == 0, "start VMs: %s", strerror(-ret));
	CHECK(vm_set_param(&s, fd, "weight", weights) == 0, "set fair weights");
	CHECK(vm_set_measure(&s, 1, 0) == 0, "settle");
	vms_status(fd, &st0);
	for (sec = 0; sec < SECONDS; sec++) {
		for (i = 0; i < SWAPS_PER_S; i++) {
			usleep(1000000 / SWAPS_PER_S);
			ret = vms_activate(fd, policies[next], NULL, 0);
			failed_swaps += ret != 0;
			next = (next + 1) % 3;
		}
		ret = vm_set_measure(&s, 0, 1);
		CHECK(ret == 0, "measure: %s", strerror(-ret));
		for (k = 0; k < s.nr; k++)
			for (v = 0; v < spec[k].vcpus; v++)
				if (min_rate[k][v] < 0 || s.prog[k][v] < min_rate[k][v])
					min_rate[k][v] = s.prog[k][v];
	}
	vms_status(fd, &st1);
	for (k = 0; k < s.nr; k++)
		for (v = 0; v < spec[k].vcpus; v++) {
			ktap_info("%u pCPU%s, vm %s vCPU %d: lowest progress rate in any second %lld/s",
				  slots, slots > 1 ? "s" : "", spec[k].name, v, min_rate[k][v]);
			CHECK(min_rate[k][v] > 0, "vm %s vCPU %d stalled for a second",
			      spec[k].name, v);
		}
	ktap_info("%llu swaps in %d s, last %llu us, longest %llu us, policy errors %llu, watchdog events %llu",
		  (unsigned long long)(st1.swaps - st0.swaps), SECONDS,
		  (unsigned long long)st1.last_swap_ns / 1000,
		  (unsigned long long)st1.max_swap_ns / 1000,
		  (unsigned long long)st1.policy_errors,
		  (unsigned long long)st1.watchdog_events);
	CHECK(failed_swaps == 0, "%d swaps failed", failed_swaps);
	CHECK(st1.swaps - st0.swaps == SECONDS * SWAPS_PER_S, "swaps counted: %llu",
	      (unsigned long long)(st1.swaps - st0.swaps));
	CHECK(st1.policy_errors == 0 && st1.watchdog_events == 0, "errors or watchdog");

	/* back to fair: the weights set under fair before the swaps are there */
	CHECK(vms_activate(fd, "fair", NULL, 0) == 0, "activate fair");
	for (k = 0; k < s.nr; k++) {
		w = 0;
		ret = vms_get_param(fd, VMSCHED_SCOPE_VM, s.w[k].pid, 0, "weight", &w);
		CHECK(ret == 0 && w == weights[k], "vm %d: weight %llu after swaps, set %llu",
		      k, w, weights[k]);
	}
	vm_set_kill(&s);
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
}

int main(void)
{
	int fd = policy_test_setup(1, NULL);

	ktap_plan(2);
	swap_under_load(fd, 1);
	ktap_case_done("every_vcpu_progresses_params_survive_one_pcpu");
	swap_under_load(fd, 2);
	ktap_case_done("every_vcpu_progresses_params_survive_two_pcpus");
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
