// SPDX-License-Identifier: GPL-2.0
/*
 * fair on real vCPUs.
 *  - Three spinning VMs weighted 1:2:4 get 1/7, 2/7 and 4/7 of the CPU
 *    time and of the core's run time (each within 5% of its target) over
 *    10 s, on one pCPU (single-vCPU VMs pinned to CPU 0, pool of 1) and on
 *    two (two-vCPU VMs, pool of 2: the 4/7 VM needs more than one pCPU's
 *    worth). See policy_test.h for the slice and the bounds.
 *  - A capped VM stays under its cap on an otherwise idle host: one vCPU
 *    capped at 30% of a pCPU on one pCPU, two vCPUs capped at 150% on two:
 *    its vCPU threads' CPU time and the core's run time stay within the
 *    cap (the policy leaves the pool idle and asks to be polled again).
 *  - Wake-ups keep their pace: a latency VM below its share next to three
 *    spinners on one pCPU gets, under fair at its defaults, at least 90%
 *    of the timer wake-ups Linux's scheduler gives it next to the same
 *    spinners in the same run.
 *  - A reservation is met promptly: a light VM whose weight alone would
 *    hold it to 2% gets, with 50% reserved, at least 90% of the work or
 *    the CPU time Linux's scheduler gives it; without the reservation (the
 *    control) at most half of both.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
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
	vm_set_check_shares(&s, label, weights, slots == 1 ? TOL_CPU : TOL_CPU_PCPUS, TOL_RUN);
	vm_set_kill(&s);
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
}

/*
 * A VM capped at @cap percent of one pCPU, on an idle pool of @slots: one
 * pinned vCPU capped at 30% on one pCPU; two vCPUs capped at 150% on two.
 * What it got is its vCPU threads' CPU time (schedstat) per wall time of
 * the window; the core's run time is checked against the same window.
 */
static void test_cap(int fd, unsigned int slots, unsigned long long cap)
{
	const struct wl_spec spec = { "fair-cap", (int)slots, "spin", slots == 1 ? "0" : NULL,
				      20, INTERVAL_MS };
	const double limit = cap / 100.0;	/* in pCPUs */
	double uncapped, cpu, run, progress;
	long long base;
	struct vm_set s;
	int ret;

	vms_set_slots(slots);
	ret = vms_activate(fd, "fair", NULL, 0);
	CHECK(ret == 0, "activate fair: %s", strerror(-ret));
	ret = vm_set_start(&s, fd, &spec, 1);
	CHECK(ret == 0, "start VM: %s", strerror(-ret));
	CHECK(vm_set_measure(&s, 1, 3) == 0, "measure uncapped");
	base = s.total[0];
	uncapped = (double)s.cpu_ns[0] / (double)s.window_ns;
	CHECK(vm_set_param(&s, fd, "cap", &cap) == 0, "set cap=%llu", cap);
	CHECK(vm_set_measure(&s, 1, 6) == 0, "measure capped");
	cpu = (double)s.cpu_ns[0] / (double)s.window_ns;
	run = (double)s.run_ns[0] / (double)s.window_ns;
	/* printed only: under emulation a guest's progress per CPU second varies 2x */
	progress = base > 0 ? (double)s.total[0] / 6 / ((double)base / 3) : 0;
	ktap_info("cap %llu%% on %u pCPU%s: vCPU threads ran %.3f pCPUs uncapped, %.3f capped; core run time %.3f; progress capped/uncapped %.3f",
		  cap, slots, slots > 1 ? "s" : "", uncapped, cpu, run, progress);
	CHECK(s.total[0] > 0, "the capped VM made no progress");
	/* the uncapped VM takes its whole pool: the cap below is not idle time */
	CHECK(uncapped >= slots * 0.8, "uncapped, the VM ran only %.3f pCPUs", uncapped);
	/*
	 * The bucket lets the VM run ahead by up to fair's period times the
	 * cap inside the 6 s (30 and 150 ms at the default 100 ms period:
	 * 1.7% and 1.7% of 6 s x cap); schedstat and the core both count the
	 * threads' run time: 5% above the cap is a cap that does not hold.
	 */
	CHECK(cpu <= limit * 1.05, "its vCPU threads ran %.3f pCPUs, above the cap", cpu);
	CHECK(run <= limit * 1.05, "core run time %.3f pCPUs, above the cap", run);
	CHECK(run >= limit * 0.7, "core run time %.3f pCPUs, far below the cap", run);
	vm_set_kill(&s);
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
}

#define HALT_POLL_NS	"/sys/module/kvm/parameters/halt_poll_ns"

/* a probe VM next to three spinners, all pinned to one pCPU: s.w[0] is the probe */
struct probe_set {
	struct vm_set s;
	long long halt_poll;	/* KVM's, restored at the end */
};

/* the probe's progress rate (per second) and CPU time per wall time over @seconds */
static void probe_measure(struct probe_set *p, int seconds, const char *what,
			  double *rate, double *cpu)
{
	int ret = vm_set_measure(&p->s, 1, seconds);

	/* the core's run time is not there under the host scheduler */
	CHECK(ret == 0 || ret == -ESRCH, "%s: measure: %s", what, strerror(-ret));
	*rate = (double)p->s.total[0] / seconds;
	*cpu = (double)p->s.cpu_ns[0] / (double)p->s.window_ns;
	ktap_info("%s: progress %.0f/s, its vCPU thread ran %.1f%% of the pCPU", what, *rate,
		  100 * *cpu);
}

/*
 * Start @probe and three spinners on one pCPU and measure what the probe
 * gets under the host scheduler (@rate, @cpu over @seconds): Linux gives a
 * VM that sleeps most of the time what it asks for, and the spinners load
 * the emulator as in the measurements under fair that follow. Then
 * activate fair at its defaults and set the probe's per-VM parameters @kv
 * (@n of them).
 */
static void probe_start(int fd, struct probe_set *p, const struct wl_spec *probe,
			const char *const *more, const struct vmsched_kv *kv, int n,
			int seconds, double *rate, double *cpu)
{
	const struct wl_spec spin = { "fair-spin", 1, "spin", "0", 4 * seconds + 15,
				      INTERVAL_MS };
	int ret, k;

	memset(p, 0, sizeof(*p));
	p->s.fd = fd;
	p->halt_poll = read_number(HALT_POLL_NS);
	CHECK(p->halt_poll >= 0, "read %s", HALT_POLL_NS);
	/*
	 * KVM's halt polling burns CPU in the thread of a halting vCPU while
	 * its pCPU has nothing else to run: that is CPU time the VM does not
	 * ask for. Off while measuring.
	 */
	CHECK(run_cmd("echo 0 > " HALT_POLL_NS) == 0, "halt_poll_ns=0");
	CHECK(vms_set_slots(1) == 0, "slots=1");
	CHECK(vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");
	ret = workload_spawn_more(&p->s.w[0], probe, more);
	CHECK(ret == 0, "start %s: %s", probe->name, strerror(-ret));
	p->s.nr = 1;
	for (k = 1; k <= 3; k++) {
		ret = workload_spawn(&p->s.w[k], &spin);
		CHECK(ret == 0, "start spinner %d: %s", k, strerror(-ret));
		p->s.nr++;
	}
	probe_measure(p, seconds, "host scheduler, next to 3 spinners", rate, cpu);

	/* fair's default slice: a previous test left 30 ms, which fair keeps */
	ret = activate_with(fd, "fair", "slice", 10000000);
	CHECK(ret == 0, "activate fair: %s", strerror(-ret));
	for (k = 0; k < p->s.nr; k++)
		CHECK(vms_wait_vm(fd, p->s.w[k].pid, 1, 10000) == 0, "VM %d not seen", k);
	for (k = 0; k < n; k++)
		CHECK(vms_set_param(fd, VMSCHED_SCOPE_VM, p->s.w[0].pid, 0, kv[k].key,
				    kv[k].value) == 0, "set %s=%llu", kv[k].key,
		      (unsigned long long)kv[k].value);
}

static void probe_stop(int fd, struct probe_set *p)
{
	vm_set_kill(&p->s);
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	run_cmd("echo %lld > " HALT_POLL_NS, p->halt_poll);
}

/*
 * Under emulation a timer wake-up costs the vCPU thread about 0.77 ms of
 * CPU time (57% of the pCPU at 738 wake-ups/s alone, halt polling off):
 * 1,000 a second would be more than the latency VM's fourth of the pCPU,
 * and fair rightly holds it to its share. At 100 a second it wants about
 * 8%. Its 10 ms period is one of fair's slices: a wake-up that waits for
 * the spinners' slices misses periods. Linux's own scheduler, next to the
 * same spinners, is the control.
 */
static void test_wakeup_pace(int fd)
{
	static const char *const rate_100[] = { "--rate", "100", NULL };
	const struct wl_spec lat = { "fair-lat", 1, "latency", "0", 60, INTERVAL_MS };
	double host, fair, cpu;
	struct probe_set p;

	probe_start(fd, &p, &lat, rate_100, NULL, 0, 6, &host, &cpu);
	probe_measure(&p, 6, "under fair, next to 3 spinners", &fair, &cpu);
	probe_stop(fd, &p);
	CHECK(host > 0, "no wake-ups under the host scheduler");
	CHECK(fair >= 0.9 * host, "fair: %.0f wake-ups/s, below 90%% of the host scheduler's %.0f/s",
	      fair, host);
}

/*
 * A VM that wants about a tenth of the pCPU (busy 1 ms, halted 9 ms; more
 * under emulation, where its wake-ups cost CPU too) at weight 16 next to
 * three spinners at 256: its weight's share is 2%. With 50% reserved it
 * gets all it wants: its work or its CPU time at least 90% of what it gets
 * under Linux's scheduler next to the same spinners, which gives a mostly
 * sleeping VM what it asks for. The control, in the same run, is the
 * reservation set back to 0: held to its share, it gets at most half of
 * both.
 */
static void test_reservation_met(int fd)
{
	static const char *const duty_10[] = { "--run-us", "1000", "--halt-us", "9000", NULL };
	const struct wl_spec rsv = { "fair-rsv", 1, "duty", "0", 60, INTERVAL_MS };
	const struct vmsched_kv kv[] = { { "weight", 16 }, { "reservation", 50 } };
	double host, reserved, share, host_cpu, reserved_cpu, share_cpu, got;
	struct probe_set p;

	probe_start(fd, &p, &rsv, duty_10, kv, 2, 6, &host, &host_cpu);
	probe_measure(&p, 6, "weight 16, 50% reserved, under fair next to 3 spinners",
		      &reserved, &reserved_cpu);
	CHECK(vms_set_param(fd, VMSCHED_SCOPE_VM, p.s.w[0].pid, 0, "reservation", 0) == 0,
	      "reservation=0");
	probe_measure(&p, 6, "weight 16, nothing reserved, under fair next to 3 spinners",
		      &share, &share_cpu);
	probe_stop(fd, &p);
	CHECK(host > 0 && host_cpu > 0, "no progress under the host scheduler");
	/*
	 * The emulator moves each measure on its own (the other suite VM
	 * beside it took the work to 73% of the host scheduler's while the
	 * CPU time was 129% of it; other runs the other way round): the
	 * reservation is met if either is at least 90%. Starved, both fall
	 * (the control: 2-3% of each).
	 */
	got = fmax(reserved / host, reserved_cpu / host_cpu);
	CHECK(got >= 0.9, "with 50%% reserved: work %.0f/s and CPU %.1f%%, below 90%% of the host scheduler's %.0f/s and %.1f%%",
	      reserved, 100 * reserved_cpu, host, 100 * host_cpu);
	CHECK(share <= 0.5 * host && share_cpu <= 0.5 * host_cpu,
	      "control: at weight 16 without its reservation it did %.0f/s and ran %.1f%%, more than half of the host scheduler's",
	      share, 100 * share_cpu);
}

int main(void)
{
	struct vmsched_status st;
	int fd = policy_test_setup(1, NULL);

	ktap_plan(6);
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
	test_wakeup_pace(fd);
	ktap_case_done("fair_latency_vm_keeps_its_wakeups");
	test_reservation_met(fd);
	ktap_case_done("fair_reservation_met_for_a_light_vm");
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
