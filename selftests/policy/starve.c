// SPDX-License-Identifier: GPL-2.0
/*
 * Legal parameters never look like a broken policy. On a pool of two
 * pCPUs, for 12 s each:
 *  - fair with weight 1 for a one-vCPU VM next to weight 65535 for a VM
 *    with two spinning vCPUs (by weight the light VM would wait minutes:
 *    fair's starvation guard serves it about every 500 ms);
 *  - rr with 1 s slices and three runnable vCPUs per slot (a vCPU waits
 *    two slices: rr declares that bound, and the watchdog's limit grows).
 * The watchdog must not fire, the policy must stay active, and every vCPU
 * must run (its thread's CPU time from schedstat grows, and the core
 * granted it). That the watchdog still ejects a policy that never grants is
 * checked by reliability/faults (t_never).
 */
#include <string.h>
#include <unistd.h>

#include "policy_test.h"

#define RUN_S		12
#define MAX_VCPUS	8

static void check_all_run(int fd, const char *label, struct vm_set *s,
			  long long *cpu0)
{
	struct vmsched_vcpu_stats vcs[2];
	unsigned int nvm, nvc, i;
	int k, ret;

	for (k = 0; k < s->nr; k++) {
		long long cpu = vm_vcpus_cpu_ns(s->w[k].pid) - cpu0[k];

		ktap_info("%s: VM %d: its vCPUs ran %.1f ms", label, k, cpu / 1e6);
		CHECK(cpu > 0, "%s: VM %d did not run", label, k);
		nvm = 0;
		nvc = 2;
		ret = vms_stats_get(fd, s->w[k].pid, NULL, &nvm, vcs, &nvc);
		CHECK(ret == 0, "%s: stats of VM %d: %s", label, k, strerror(-ret));
		for (i = 0; !ret && i < nvc && i < 2; i++) {
			ktap_info("%s: VM %d vCPU %u: %llu grants, %.1f ms run, %.1f ms waited",
				  label, k, vcs[i].vcpu_id, (unsigned long long)vcs[i].grants,
				  vcs[i].run_ns / 1e6, vcs[i].wait_ns / 1e6);
			CHECK(vcs[i].grants > 0, "%s: VM %d vCPU %u never granted", label, k,
			      vcs[i].vcpu_id);
		}
	}
}

static void run_case(int fd, const char *label, const char *policy, const char *key,
		     unsigned long long value, const struct wl_spec *spec, int nr,
		     const unsigned long long *weights)
{
	struct vmsched_status st0 = { 0 }, st1 = { 0 };
	long long cpu0[MAX_VCPUS];
	struct vm_set s;
	int ret, k;

	ret = activate_with(fd, policy, key, value);
	CHECK(ret == 0, "%s: activate: %s", label, strerror(-ret));
	vms_status(fd, &st0);
	ret = vm_set_start(&s, fd, spec, nr);
	CHECK(ret == 0, "%s: start VMs: %s", label, strerror(-ret));
	if (!ret && weights)
		CHECK(vm_set_param(&s, fd, "weight", weights) == 0, "%s: weights", label);
	for (k = 0; k < s.nr; k++)
		cpu0[k] = vm_vcpus_cpu_ns(s.w[k].pid);
	usleep(RUN_S * 1000000);
	vms_status(fd, &st1);
	if (!ret)
		check_all_run(fd, label, &s, cpu0);
	ktap_info("%s: watchdog limit %.1f s, %llu watchdog events", label,
		  st1.watchdog_ns / 1e9,
		  (unsigned long long)(st1.watchdog_events - st0.watchdog_events));
	CHECK(st1.watchdog_events == st0.watchdog_events, "%s: the watchdog fired", label);
	CHECK(!strcmp(st1.active, policy), "%s: active policy is '%s'", label, st1.active);
	vm_set_kill(&s);
}

int main(void)
{
	const struct wl_spec fair_spec[] = {
		{ "light", 1, "spin", NULL, RUN_S + 6, 0 },
		{ "heavy", 2, "spin", NULL, RUN_S + 6, 0 },
	};
	const unsigned long long weights[] = { 1, 65535 };
	const struct wl_spec rr_spec[] = {
		{ "rr-a", 2, "spin", NULL, RUN_S + 6, 0 },
		{ "rr-b", 2, "spin", NULL, RUN_S + 6, 0 },
		{ "rr-c", 2, "spin", NULL, RUN_S + 6, 0 },
	};
	int fd = policy_test_setup(2, NULL);

	ktap_plan(2);
	run_case(fd, "fair, weights 1 and 65535", "fair", "slice", 10000000ULL, fair_spec, 2,
		 weights);
	ktap_case_done("fair_extreme_weights");
	run_case(fd, "rr, 1 s slices, 3 vCPUs per slot", "rr", "slice", 1000000000ULL,
		 rr_spec, 3, NULL);
	ktap_case_done("rr_long_slices");
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
