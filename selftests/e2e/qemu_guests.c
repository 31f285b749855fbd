// SPDX-License-Identifier: GPL-2.0
/*
 * End to end with real QEMU: three small Linux guests (web, db, batch) run
 * a CPU loop and report progress on their serial consoles. QEMU is pinned
 * to one CPU and the core runs a pool of one slot, so the guests compete
 * and every policy decides who runs.
 *
 *  1. host scheduler: the three share the CPU about equally
 *  2. fair, weights set by VM name through the CLI: granted time and the
 *     guests' work follow them
 *  3. QMP stop and cont take effect promptly while fair gates the vCPUs;
 *     while batch is stopped its grants go to web and db, after cont the
 *     three are back at their targets
 *  4. vCPU kicks (run_on_cpu, as savevm and migration use) are not held
 *     at the gate
 *  5. the guests' clocks and timer interrupts stay sane under every policy
 *  6. rmmod of the active policy hands the vCPUs back to Linux
 *  7. SIGTERM to a QEMU whose vCPU is gated ends it within a second
 *
 * Needs qemu-system-x86_64 and the guest kit in $VMSCHED_E2E (run_vm.sh
 * --with-qemu packs both); skips without them.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guests.h"
#include "vmsched_test.h"

#define NR_VMS	3
#define PIN_CPU	"1"

static struct gvm vms[NR_VMS];
static const int weight[NR_VMS] = { 1024, 512, 256 };	/* under fair */
static const char *const names[NR_VMS] = { "web", "db", "batch" };

static const char *e2e_dir(void)
{
	const char *d = getenv("VMSCHED_E2E");

	return d ? d : "/e2e";
}

static void print_shares(const char *what, const struct gshare *sh)
{
	int i;

	for (i = 0; i < NR_VMS; i++)
		ktap_info("%s: %-5s share %5.1f%%  guest/host time %lld/%lld ms  ticks %lld  "
			  "max gap %lld us", what, names[i], sh[i].share * 100, sh[i].guest_ms,
			  sh[i].host_ms, sh[i].ticks, sh[i].gap_us);
}

/* CPU time the three QEMUs' vCPU threads have run (schedstat), into @ns */
static int vcpu_cpu_ns(long long *ns)
{
	int i;

	for (i = 0; i < NR_VMS; i++) {
		ns[i] = vm_vcpus_cpu_ns(vms[i].pid);
		if (ns[i] < 0)
			return -1;
	}
	return 0;
}

/*
 * Shares of the guests are checked on what the emulator does not move: the
 * CPU time of their vCPU threads (schedstat) and the time the core charged
 * them, each within SHARE_TOL of the target (relative). Measured: host
 * scheduler 33.3-33.4% each (1/3); fair 56-59/28-30/13-14% for
 * 57/29/14%. With 100 ms slices a window of SHARE_WINDOW_MS holds about 14
 * of batch's slices, so one slice more or less is 7% of its share; the
 * bound allows that twice.
 */
#define SHARE_TOL	0.15
#define SHARE_WINDOW_MS	10000

/* |share / target - 1| <= SHARE_TOL */
static bool share_ok(double share, double target)
{
	return fabs(share / target - 1) <= SHARE_TOL;
}

/*
 * Linux's own shares of the three guests' CPU: a third each of the CPU time
 * their vCPU threads get. The guests' work per guest second is printed
 * too, but checked nowhere: under multi-threaded TCG the test VM stalls a
 * guest for up to 2.6 s in a 3-4 s window (its max gap), which took a
 * guest's work share to 4.5% with the host scheduler in charge. Linux's
 * fair class divides CPU time, which the stalls do not change.
 */

static void check_host_shares(const char *what)
{
	long long c0[NR_VMS], c1[NR_VMS], sum = 0, t0 = now_ns();
	struct gshare sh[NR_VMS];
	double busy;
	int i;

	/* the guests' work and their threads' CPU time over the same window */
	CHECK(vcpu_cpu_ns(c0) == 0, "schedstat of the QEMUs");
	CHECK(gvm_measure(vms, NR_VMS, 3000, sh) == 0, "measure");
	CHECK(vcpu_cpu_ns(c1) == 0, "schedstat of the QEMUs");
	print_shares(what, sh);
	for (i = 0; i < NR_VMS; i++)
		sum += c1[i] - c0[i];
	busy = (double)sum / (double)(now_ns() - t0);
	for (i = 0; i < NR_VMS; i++) {
		double share = sum > 0 ? (double)(c1[i] - c0[i]) / (double)sum : 0;

		ktap_info("%s: %-5s vCPU thread CPU share %5.1f%% (of %.2f CPUs)", what,
			  names[i], share * 100, busy);
		CHECK(share_ok(share, 1.0 / 3), "%s: %s: CPU share %.3f, not within %.0f%% of 1/3",
		      what, names[i], share, SHARE_TOL * 100);
	}
}

static void case_host_scheduler(void)
{
	check_host_shares("host scheduler");
	ktap_case_done("host_scheduler_shares_equal");
}

/* by name; a VM is known to the core from its first guest entry under a policy */
static int set_weight(const char *vm, int w)
{
	int i, ret = -1;

	for (i = 0; i < 20 && ret; i++) {
		if (i)
			usleep(100000);
		ret = run_cmd("%s set vm %s weight=%d 2>/dev/null", test_bin("vmsched"), vm, w);
	}
	return ret;
}

/*
 * Shares over @sh of one window against the weights: the kernel's (CPU
 * time the core charged each VM) and the vCPU threads' CPU time (@cpu_ns,
 * NULL: not measured), each within SHARE_TOL of each target, into
 * *@kernel_ok; the guests' (work done) into *@guest_ok; printed.
 */
static void fair_window(const struct gshare *sh, const long long *cpu_ns, int window,
			bool *kernel_ok, bool *guest_ok)
{
	double run_sum = 0, cpu_sum = 0;
	int i;

	for (i = 0; i < NR_VMS; i++) {
		run_sum += sh[i].run_ns;
		cpu_sum += cpu_ns ? cpu_ns[i] : 0;
	}
	*kernel_ok = *guest_ok = true;
	for (i = 0; i < NR_VMS; i++) {
		double target = weight[i] / 1792.0, run = run_sum ? sh[i].run_ns / run_sum : 0;
		double cpu = cpu_sum ? cpu_ns[i] / cpu_sum : 0;

		ktap_info("fair, window %d: %-5s target %5.1f%%  granted %5.1f%% (%.1f%% of wall)  "
			  "vCPU CPU time %5.1f%%  guest work %5.1f%%  max gap %lld ms", window,
			  names[i], target * 100, run * 100,
			  sh[i].run_ns / 1e4 / (double)sh[i].host_ms, cpu * 100,
			  sh[i].share * 100, sh[i].gap_us / 1000);
		*kernel_ok &= share_ok(run, target) && (!cpu_ns || share_ok(cpu, target));
		/*
		 * The work a guest gets out of its granted time trails it under
		 * emulation, most for the VM switched to most often (the
		 * lowest weight): 12-40% below for batch in quiet runs, 51%
		 * below (7.0% of the work for 14.3% granted, granted time exact)
		 * in a 6.1 boot whose guests stalled up to 0.7 s. The guests'
		 * work must follow the weights' order and be within 60% of
		 * each target.
		 */
		*guest_ok &= fabs(sh[i].share - target) <= 0.6 * target;
		if (i)
			*guest_ok &= sh[i].share < sh[i - 1].share;
	}
}

/*
 * Two views of the same window: the kernel's (time the policy granted each
 * VM) and the guests' (work done). Both must follow the weights. The
 * emulator stalls a guest now and then for a large part of a second, which
 * takes its work far off its granted time in that window while the
 * granted time stays exact: the guests' work is measured in up to three
 * windows and must follow the weights in one of them; a policy that gets
 * the work wrong gets it wrong in all three.
 */
static void case_fair_weights(int fd)
{
	struct gshare sh[NR_VMS];
	bool kernel_ok = false, guest_ok = false, k_ok, g_ok;
	long long c0[NR_VMS], c1[NR_VMS];
	int i, window;

	/*
	 * 100 ms slices: under emulation a switch between two QEMU guests costs
	 * the incoming one milliseconds of work (its TLB is refilled by
	 * software page walks), so with 10 ms slices the VMs that are switched
	 * to most often (the low-weight ones) get visibly less work than their
	 * granted time. On hardware the switch costs microseconds.
	 */
	struct vmsched_kv slice = { .key = "slice", .value = 100000000 };

	CHECK(vms_activate(fd, "fair", &slice, 1) == 0, "activate fair");
	for (i = 0; i < NR_VMS; i++)	/* by name: -name guest=NAME */
		CHECK(set_weight(names[i], weight[i]) == 0, "set vm %s weight", names[i]);
	sleep(1);
	for (window = 1; window <= 3 && !guest_ok; window++) {
		CHECK(vcpu_cpu_ns(c0) == 0, "schedstat of the QEMUs");
		CHECK(gvm_measure(vms, NR_VMS, window == 1 ? SHARE_WINDOW_MS : 5000, sh) == 0,
		      "measure");
		CHECK(vcpu_cpu_ns(c1) == 0, "schedstat of the QEMUs");
		for (i = 0; i < NR_VMS; i++)
			c1[i] -= c0[i];
		fair_window(sh, window == 1 ? c1 : NULL, window, &k_ok, &g_ok);
		if (window == 1)
			kernel_ok = k_ok;	/* CPU time shares: no retry */
		guest_ok = g_ok;
	}
	CHECK(kernel_ok, "granted or vCPU CPU time off its target by more than %.0f%% (window 1)",
	      SHARE_TOL * 100);
	ktap_case_done("fair_weights_by_name_granted_time");
	CHECK(guest_ok, "guest work out of the weights' order or off by more than 60%% "
	      "in 3 windows (the last printed above)");
	ktap_case_done("fair_weights_by_name_guest_work");
}

/* idle and all time of the CPU the guests are pinned to (/proc/stat), in ticks */
static void pin_cpu_times(long long *idle, long long *all)
{
	long long v[8] = { 0 };
	char line[256];
	FILE *f = fopen("/proc/stat", "r");
	int i;

	*idle = *all = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "cpu" PIN_CPU " ", strlen("cpu" PIN_CPU " ")))
			continue;
		sscanf(line + strlen("cpu" PIN_CPU " "), "%lld %lld %lld %lld %lld %lld %lld %lld",
		       &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
		for (i = 0; i < 8; i++)
			*all += v[i];
		*idle = v[3] + v[4];
	}
	if (f)
		fclose(f);
}

/*
 * CPU time the core charged each VM over @ms, per wall time, into @frac;
 * and the guests' CPU's idle fraction over the same time into *@idle
 */
static int granted(int fd, int ms, double *frac, double *idle)
{
	long long r0[NR_VMS], r1, t0, t1, i0, a0, i1, a1;
	int i, ret = 0;

	pin_cpu_times(&i0, &a0);
	for (i = 0; i < NR_VMS; i++)
		ret |= vms_vm_run_ns(fd, vms[i].pid, &r0[i]);
	t0 = now_ms();
	usleep(ms * 1000);
	for (i = 0; i < NR_VMS; i++) {
		ret |= vms_vm_run_ns(fd, vms[i].pid, &r1);
		frac[i] = r1 - r0[i];
	}
	t1 = now_ms();
	pin_cpu_times(&i1, &a1);
	for (i = 0; i < NR_VMS; i++)
		frac[i] /= 1e6 * (double)(t1 - t0);
	*idle = a1 > a0 ? (double)(i1 - i0) / (a1 - a0) : 1;
	return ret;
}

/* wait until VM @g's vCPU 0 holds a grant (up to 5 s); 0 or -ETIMEDOUT */
static int wait_granted(int fd, const struct gvm *g)
{
	struct vmsched_vcpu_stats vc;
	unsigned int nvm, nvc;
	long long end = now_ms() + 5000;

	while (now_ms() < end) {
		nvm = 0;
		nvc = 1;
		if (!vms_stats_get(fd, g->pid, NULL, &nvm, &vc, &nvc) && nvc &&
		    vc.state == VMSCHED_VCPU_RUNNING)
			return 0;
		usleep(1000);
	}
	return -ETIMEDOUT;
}

/*
 * fair is active and batch (weight 256 of 1792) waits at the gate most of
 * the time; it is stopped while it holds a grant (a stop while it waits at
 * the gate takes it out of the queue anyway: the gate returns for QEMU's
 * signal). Stopped by QMP, its vCPU thread blocks in QEMU: the core must
 * charge it nothing, and its grants must go to web and db, so that the
 * guests' CPU does not idle (a slot kept by the stopped batch idled it
 * about 14% of the time, its share). The guests' CPU time per wall time
 * drifts by 20-40% between two windows under emulation, so what is
 * checked is the idle time of their CPU, which the emulator's speed does
 * not change. After cont the three are back to their targets.
 */
static void case_stop_cont(int fd)
{
	double before[NR_VMS], stopped[NR_VMS], after[NR_VMS], idle[3];
	struct gvm *b = &vms[2];
	struct gsample s0, s1;
	bool back = true;
	char reply[4096];
	long long t;
	int i;

	CHECK(granted(fd, 4000, before, &idle[0]) == 0, "stats before the stop");
	CHECK(wait_granted(fd, b) == 0, "batch never held a grant");

	t = gvm_qmp(b, "{\"execute\":\"stop\"}", reply, sizeof(reply), 5000);
	ktap_info("QMP stop of batch took %lld ms", t);
	CHECK(t >= 0 && t < 1000, "stop took %lld ms", t);
	CHECK(gvm_sample(b, &s0) == 0, "sample");
	/* a paused guest reports nothing: no report newer than s0 for 1.5 s */
	CHECK(gvm_next_sample(b, &s0, &s1, 1500) != 0,
	      "batch went on while stopped: t %lld -> %lld ms", s0.t_ms, s1.t_ms);
	CHECK(granted(fd, 4000, stopped, &idle[1]) == 0, "stats while batch is stopped");
	for (i = 0; i < NR_VMS; i++)
		ktap_info("stop: %-5s CPU %5.1f%% before, %5.1f%% while batch is stopped",
			  names[i], before[i] * 100, stopped[i] * 100);
	ktap_info("stop: the guests' CPU idled %.1f%% before, %.1f%% while batch is stopped",
		  idle[0] * 100, idle[1] * 100);
	CHECK(stopped[2] < 0.02, "stopped batch still got %.1f%% of the CPU", stopped[2] * 100);
	/*
	 * measured 0.0% idle (three runs); a core that kept granting the
	 * stopped batch idled it 8.8% (and charged batch 12.5%)
	 */
	CHECK(idle[1] < 0.04, "the guests' CPU idled %.1f%% while batch was stopped",
	      idle[1] * 100);
	t = gvm_qmp(b, "{\"execute\":\"cont\"}", reply, sizeof(reply), 5000);
	ktap_info("QMP cont of batch took %lld ms", t);
	CHECK(t >= 0 && t < 1000, "cont took %lld ms", t);
	t = now_ms();
	/* 3.0 s once in a 6.1 boot whose vCPU threads got 13% of the CPU for 4 s */
	CHECK(gvm_next_sample(b, &s0, &s1, 6000) == 0, "no progress after cont");
	ktap_info("first report after cont: %lld ms", now_ms() - t);
	/*
	 * back in the game: granted time within SHARE_TOL of each target
	 * (batch got 4.8% over 4 s once, in a boot that had stalled the
	 * guests: its first window after cont starts at its first report)
	 */
	CHECK(granted(fd, SHARE_WINDOW_MS, after, &idle[2]) == 0, "stats after cont");
	for (i = 0; i < NR_VMS; i++) {
		double sum = after[0] + after[1] + after[2], target = weight[i] / 1792.0;

		ktap_info("cont: %-5s %5.1f%% of the granted CPU, target %5.1f%%", names[i],
			  sum ? after[i] / sum * 100 : 0, target * 100);
		back &= sum && share_ok(after[i] / sum, target);
	}
	CHECK(back, "after cont the shares are off their targets by more than %.0f%%",
	      SHARE_TOL * 100);
	ktap_case_done("qmp_stop_cont_while_gated");
}

/*
 * "info registers" makes QEMU run_on_cpu() on the vCPU thread: a signal
 * kick, then the vCPU leaves KVM_RUN, which is what savevm and migration
 * do to every vCPU. A kick held at the gate would wait for batch's turn.
 */
static void kick_times(const char *what, long long *max, long long *med)
{
	static const char cmd[] = "{\"execute\":\"human-monitor-command\","
				  "\"arguments\":{\"command-line\":\"info registers\"}}";
	long long t[15], tmp;
	char reply[16384];
	int i, j, n = 15;

	for (i = 0; i < n; i++) {
		t[i] = gvm_qmp(&vms[2], cmd, reply, sizeof(reply), 5000);
		if (t[i] < 0)
			t[i] = 5000;
		usleep(37000);	/* not in step with the policy's period */
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (t[j] < t[i]) {
				tmp = t[i];
				t[i] = t[j];
				t[j] = tmp;
			}
	*max = t[n - 1];
	*med = t[n / 2];
	ktap_info("vCPU kick (info registers) on batch, %s: median %lld ms, max %lld ms",
		  what, *med, *max);
}

/*
 * Under fair with 100 ms slices (case_fair_weights), batch at weight 64
 * next to web and db at 1024 holds one grant per 100 ms x 2112 / 64 =
 * 3.3 s: a kick held at the gate until batch's turn would wait 1.65 s in
 * the median and up to 3.3 s. Measured not held: median 49-91 ms under
 * fair, 83-115 ms under the host scheduler (printed for reference, not
 * compared: the emulator moves both by tens of ms between runs).
 */
#define KICK_SLICE_MS	100
#define KICK_W_BATCH	64
#define KICK_W_OTHERS	1024

static void case_kicks(int fd)
{
	const long long turn_ms = KICK_SLICE_MS * (2 * KICK_W_OTHERS + KICK_W_BATCH) /
				  KICK_W_BATCH;
	long long max_fair, med_fair, max_host, med_host;

	CHECK(set_weight("web", KICK_W_OTHERS) == 0 && set_weight("db", KICK_W_OTHERS) == 0 &&
	      set_weight("batch", KICK_W_BATCH) == 0, "weights");
	sleep(1);
	kick_times("fair", &max_fair, &med_fair);
	/* fair remembers per-VM values: later cases start from equal weights */
	CHECK(set_weight("web", 256) == 0 && set_weight("db", 256) == 0 &&
	      set_weight("batch", 256) == 0, "weights back to the default");
	CHECK(vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");
	kick_times("host scheduler", &max_host, &med_host);
	CHECK(med_fair < turn_ms / 2 / 3,
	      "kicks under fair took %lld ms in the median: held for batch's turn (%lld ms)?",
	      med_fair, turn_ms);
	CHECK(max_fair < turn_ms, "a kick took %lld ms under fair, batch's turn is %lld ms",
	      max_fair, turn_ms);
	ktap_case_done("vcpu_kicks_not_delayed_by_gate");
}

static void check_clocks(const char *policy)
{
	struct gshare sh[NR_VMS];
	int i;

	if (gvm_measure(vms, NR_VMS, 3000, sh)) {
		CHECK(false, "no progress reports under %s", policy);
		return;
	}
	print_shares(policy, sh);
	for (i = 0; i < NR_VMS; i++) {
		double hz = sh[i].ticks * 1000.0 / (double)sh[i].guest_ms;

		/* a stall past the core's 2 s watchdog is a hang, not noise */
		CHECK(hz > 5, "%s under %s: %.1f timer interrupts/s", names[i], policy, hz);
		CHECK(sh[i].gap_us < 3000000, "%s under %s: did not run for %lld us",
		      names[i], policy, sh[i].gap_us);
	}
}

/*
 * Every policy, each activated from the host scheduler. Over the whole
 * case the guests' clocks must keep pace with the host's (a window of a
 * minute or so, so a late report is a small error).
 */
/*
 * the next report of @g, read as it arrives: the latest one on file may be
 * a second old (reports come each guest second), which took a 12-15 s
 * window's guest/host ratio to 1.22 and 0.93 on a loaded host
 */
static int fresh_sample(const struct gvm *g, struct gsample *s)
{
	struct gsample last;

	return gvm_sample(g, &last) || gvm_next_sample(g, &last, s, 3000) ? -1 : 0;
}

static void case_clocks(int fd)
{
	static const char *const policies[] = { "fair", "bvt", "rr" };
	struct gsample a[NR_VMS], b[NR_VMS];
	size_t i;

	for (i = 0; i < NR_VMS; i++)
		CHECK(fresh_sample(&vms[i], &a[i]) == 0, "sample");
	check_clocks("host scheduler");
	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		CHECK(vms_activate(fd, policies[i], NULL, 0) == 0, "activate %s", policies[i]);
		check_clocks(policies[i]);
		if (strcmp(policies[i], "rr"))
			CHECK(vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");
	}
	for (i = 0; i < NR_VMS; i++) {
		double ratio;

		CHECK(fresh_sample(&vms[i], &b[i]) == 0, "sample");
		ratio = (double)(b[i].t_ms - a[i].t_ms) / (double)(b[i].host_ms - a[i].host_ms);
		ktap_info("%s: guest clock %lld ms over %lld ms of host time (%.3f)", names[i],
			  b[i].t_ms - a[i].t_ms, b[i].host_ms - a[i].host_ms, ratio);
		CHECK(ratio > 0.9 && ratio < 1.1, "%s: guest/host time %.3f", names[i], ratio);
	}
	ktap_case_done("guest_clock_and_timer_under_every_policy");
}

/* rr is active */
static void case_rmmod(int fd)
{
	struct vmsched_status st;

	CHECK(mod_unload("rr_sched") == 0, "rmmod rr_sched");
	CHECK(vms_status(fd, &st) == 0 && st.active[0] == '\0',
	      "still active after rmmod: \"%s\"", st.active);
	/* no vCPU left at a gate: Linux shares the CPU as it did at the start */
	check_host_shares("after rmmod rr_sched");
	ktap_case_done("rmmod_active_policy_falls_back");
}

static bool gone(pid_t pid)
{
	char path[64], st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	if (fscanf(f, "%*d (%*[^)]) %c", &st) != 1)
		st = 'Z';
	fclose(f);
	return st == 'Z' || st == 'X';
}

static void case_sigterm(int fd)
{
	struct gvm *d = &vms[1];
	long long t0, t;

	CHECK(mod_load("fair_sched", NULL) == 0 || mod_loaded("fair_sched"), "fair");
	CHECK(vms_activate(fd, "fair", NULL, 0) == 0, "activate fair");
	CHECK(set_weight("web", 4096) == 0, "weight");
	usleep(500000);
	t0 = now_ms();
	CHECK(kill(d->pid, SIGTERM) == 0, "kill: %s", strerror(errno));
	while (!gone(d->pid) && now_ms() - t0 < 5000)
		usleep(5000);
	t = now_ms() - t0;
	ktap_info("SIGTERM to db's QEMU (pid %d) under fair: gone after %lld ms", d->pid, t);
	CHECK(t < 1000, "QEMU took %lld ms to exit", t);
	d->pid = 0;
	ktap_case_done("sigterm_exits_within_1s");
}

static void cleanup(void)
{
	int i;

	for (i = 0; i < NR_VMS; i++)
		gvm_stop(&vms[i]);
	mod_unload_all();
}

int main(void)
{
	static const char *const plugins[] = { "fair_sched", "bvt_sched", "rr_sched" };
	char path[512];
	size_t i;
	int fd, ret;

	if (getuid())
		ktap_skip_all("must run as root");
	if (!have_kvm())
		ktap_skip_all("no /dev/kvm");
	snprintf(path, sizeof(path), "%s/guest.cpio.gz", e2e_dir());
	if (access(path, R_OK) || run_cmd("command -v qemu-system-x86_64 >/dev/null"))
		ktap_skip_all("no QEMU or guest kit (%s): boot with run_vm.sh --with-qemu",
			      e2e_dir());
	mod_unload_all();
	ktap_plan(8);

	ret = mod_load(CORE_MODULE, "slots=1");
	for (i = 0; !ret && i < 3; i++)
		ret = mod_load(plugins[i], NULL);
	fd = ret ? -1 : vms_open();
	if (fd < 0) {
		printf("# cannot load the modules or open /dev/vmsched: %s\n",
		       strerror(ret ? -ret : -fd));
		mod_unload_all();
		return KSFT_FAIL;
	}
	setenv("VMSCHED_VM_CPUS", PIN_CPU, 1);
	ret = 0;
	for (i = 0; i < NR_VMS; i++)	/* boot all three at once */
		ret |= run_cmd("%s start %s spin >/dev/null", test_bin("qemu_vm.sh"), names[i]);
	for (i = 0; !ret && i < NR_VMS; i++)
		ret = gvm_attach(&vms[i], names[i]) ||
		      run_cmd("%s wait %s", test_bin("qemu_vm.sh"), names[i]);
	if (ret) {
		printf("# the QEMU guests did not start\n");
		cleanup();
		return KSFT_FAIL;
	}

	/*
	 * Measured right after the three guests' first lines, the host
	 * scheduler once gave web 52% (1 run in 5): let them run a moment
	 * first.
	 */
	sleep(2);
	case_host_scheduler();
	case_fair_weights(fd);
	case_stop_cont(fd);
	case_kicks(fd);
	case_clocks(fd);
	case_rmmod(fd);
	case_sigterm(fd);

	close(fd);
	cleanup();
	return ktap_finish();
}
