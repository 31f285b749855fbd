// SPDX-License-Identifier: GPL-2.0
/*
 * A stopped VM gives its CPUs back. Two VMs with two spinning vCPUs each
 * share a pool of two pCPUs; the first VMM is stopped (SIGSTOP) for a
 * while. The second VM's vCPU threads must then get at least 1.6 times the
 * CPU time they had before (their run time from /proc/PID/task/TID/schedstat);
 * the host scheduler gives about 2x and is measured first, in the same run,
 * as the control. Under a policy, while the first VMM is stopped, none of
 * its vCPUs may hold a grant or wait in the queue, and the core charges it
 * (almost) nothing. After SIGCONT both VMs share the pool again, and no
 * policy is ejected by the watchdog.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "policy_test.h"

#define MEASURE_MS	3000
#define SETTLE_MS	1000
/* the host scheduler gives 2x when the other VM stops; a slot kept by it gave 1.07-1.37x */
#define MIN_GAIN	1.6
/* each VM's share of the pool when both run: half, within this (emulation noise) */
#define SHARE_TOL	0.30

struct stop_case {
	const char *policy;	/* NULL: the host scheduler */
	unsigned long long slice_ns;
};

static long long cpu_over(pid_t pid, int ms, long long *other, pid_t other_pid)
{
	long long a0 = vm_vcpus_cpu_ns(pid), b0 = other ? vm_vcpus_cpu_ns(other_pid) : 0;

	usleep(ms * 1000);
	if (other)
		*other = vm_vcpus_cpu_ns(other_pid) - b0;
	return vm_vcpus_cpu_ns(pid) - a0;
}

/* none of VM @pid's vCPUs holds a grant or is queued */
static void check_out_of_policy(int fd, pid_t pid, const char *label)
{
	struct vmsched_vcpu_stats vcs[4];
	unsigned int nvm = 0, nvc = 4, i;
	int ret;

	ret = vms_stats_get(fd, pid, NULL, &nvm, vcs, &nvc);
	CHECK(ret == 0, "%s: stats of the stopped VM: %s", label, strerror(-ret));
	for (i = 0; !ret && i < nvc && i < 4; i++)
		CHECK(vcs[i].state == VMSCHED_VCPU_OUTSIDE || vcs[i].state == VMSCHED_VCPU_BLOCKED,
		      "%s: vCPU %u of the stopped VM is in state %u", label, vcs[i].vcpu_id,
		      vcs[i].state);
}

static void test_stop(int fd, const struct stop_case *c, struct vm_set *s)
{
	const char *label = c->policy ? c->policy : "host scheduler";
	pid_t a = s->w[0].pid, b = s->w[1].pid;
	struct vmsched_status st0 = { 0 }, st1 = { 0 };
	long long before, stopped, a_run0 = 0, a_run1 = 0, a_cpu, b_cpu;
	int ret0 = 0, ret1 = 0;
	double gain, share;
	int ret;

	if (c->policy)
		ret = activate_with(fd, c->policy, "slice", c->slice_ns);
	else
		ret = vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	CHECK(ret == 0, "%s: activate: %s", label, strerror(-ret));
	if (c->policy) {
		CHECK(vms_wait_vm(fd, a, 2, 10000) == 0, "%s: VM a not known", label);
		CHECK(vms_wait_vm(fd, b, 2, 10000) == 0, "%s: VM b not known", label);
	}
	vms_status(fd, &st0);
	usleep(SETTLE_MS * 1000);

	before = cpu_over(b, MEASURE_MS, NULL, 0);
	CHECK(kill(a, SIGSTOP) == 0, "SIGSTOP");
	usleep(300 * 1000);
	if (c->policy)
		ret0 = vms_vm_run_ns(fd, a, &a_run0);
	stopped = cpu_over(b, MEASURE_MS, &a_cpu, a);
	if (c->policy) {
		ret1 = vms_vm_run_ns(fd, a, &a_run1);
		check_out_of_policy(fd, a, label);
	}
	CHECK(kill(a, SIGCONT) == 0, "SIGCONT");
	usleep(SETTLE_MS * 1000);
	a_cpu = cpu_over(a, MEASURE_MS, &b_cpu, b);
	vms_status(fd, &st1);

	gain = before > 0 ? (double)stopped / before : 0;
	share = a_cpu + b_cpu > 0 ? (double)a_cpu / (a_cpu + b_cpu) : 0;
	ktap_info("%s: VM b's vCPUs ran %.2f CPUs, %.2f while VM a was stopped (%.2fx); "
		  "after SIGCONT a %.1f%% b %.1f%%", label, before / 1e6 / MEASURE_MS,
		  stopped / 1e6 / MEASURE_MS, gain, 100 * share, 100 * (1 - share));
	CHECK(gain >= MIN_GAIN, "%s: VM b got %.2fx, not %.1fx, while VM a was stopped",
	      label, gain, MIN_GAIN);
	CHECK(share > 0.5 - SHARE_TOL / 2 && share < 0.5 + SHARE_TOL / 2,
	      "%s: after SIGCONT VM a has %.1f%% of the CPU time", label, 100 * share);
	if (c->policy) {
		/* a stopped thread uses no CPU: nothing to charge */
		ktap_info("%s: the core charged the stopped VM %.2f ms", label,
			  (a_run1 - a_run0) / 1e6);
		CHECK(!ret0 && !ret1 && a_run1 >= a_run0 && a_run1 - a_run0 < 10000000,
		      "%s: stopped VM charged %lld ns", label, a_run1 - a_run0);
		CHECK(!strcmp(st1.active, c->policy), "%s: active is '%s' at the end", label,
		      st1.active);
	}
	CHECK(st1.watchdog_events == st0.watchdog_events, "%s: %llu watchdog events", label,
	      (unsigned long long)(st1.watchdog_events - st0.watchdog_events));
	ktap_case_done(label);
}

int main(void)
{
	static const struct stop_case cases[] = {
		{ NULL, 0 },
		{ "fair", TEST_SLICE_NS },
		{ "rr", TEST_SLICE_NS },
	};
	const int life = (int)(sizeof(cases) / sizeof(cases[0])) *
			 (3 * MEASURE_MS + 2 * SETTLE_MS + 2000) / 1000 + 20;
	const struct wl_spec spec[] = {
		{ "stop-a", 2, "spin", NULL, life, 0 },
		{ "stop-b", 2, "spin", NULL, life, 0 },
	};
	struct vm_set s;
	unsigned int i;
	int fd, ret;

	fd = policy_test_setup(2, "fair");
	ktap_plan(sizeof(cases) / sizeof(cases[0]));
	ret = vm_set_start(&s, fd, spec, 2);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (ret) {
			CHECK(ret == 0, "start VMs: %s", strerror(-ret));
			ktap_case_done(cases[i].policy ? cases[i].policy : "host scheduler");
			continue;
		}
		test_stop(fd, &cases[i], &s);
	}
	vm_set_kill(&s);
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
