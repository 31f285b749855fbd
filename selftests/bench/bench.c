// SPDX-License-Identifier: GPL-2.0
/*
 * bench: the vmsched benchmark scenarios, run on a KVM host with the
 * modules at hand, comparing the host scheduler and each policy side by
 * side on the same machine in the same run. Prints one JSON object per
 * measurement on stdout (lines starting with {"bench":), progress as "# "
 * lines.
 *
 *   bench [-s SCENARIO]... [-r REPEATS] [-p POLICIES] [-q]
 *   SCENARIO := { share | latency | swap | overhead | ctxsw }   (default: all)
 *   POLICIES := comma separated list of host, fair, rr, bvt (default: all)
 *   -q or BENCH_QUICK=1: short durations, for development
 *
 * Scenarios (see selftests/bench/README.md for what each number means):
 *   share     3 spinning VMs weighted 1:2:4, on 1 pCPU (pinned, pool of 1)
 *             and on 2 (pool of 2, 2 vCPUs per VM); max relative error of
 *             the progress shares. host: cgroup v2 cpu.weight 100/200/400.
 *   latency   one latency VM (1,000 wake-ups a second) among N = 1, 3, 7
 *             spinning VMs on 1 pinned pCPU; wake-to-run p50/p99/max over
 *             the periods the VM should have been woken in (lat.h) and the
 *             histogram, measured in the guest. bvt twice: without warp
 *             and with warp 20 ms for the latency VM.
 *   swap      1,000 live swaps (fair -> rr -> bvt -> fair ...) among 8, 64
 *             and 256 spinning vCPUs; swap latency and the longest stall
 *             of a vCPU (no progress) during the swaps and, as a baseline,
 *             during as long a time without swaps.
 *   overhead  exit-heavy guest loop (workload --profile exit) with the
 *             module absent, loaded idle, and each policy active (6
 *             repeats by default: short and noisy).
 *   ctxsw     two processes that are no VM ping-pong a byte over pipes, on
 *             one CPU and across two, with the module absent, loaded idle,
 *             and fair active with a VM known on each CPU (10 repeats by
 *             default): what the core's sched_switch probe costs every
 *             process of the host.
 *
 * Every activation names every global parameter of the policy (params.h):
 * the defaults from the policy's descriptors, and in the share scenario
 * slice=30ms; each measurement records them ("params").
 *
 * Needs root, /dev/kvm and the modules in $VMSCHED_MODDIR; the workload VMM
 * in $VMSCHED_TESTDIR/bin (as the selftests).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lat.h"
#include "params.h"
#include "policy_test.h"
#include "workload_json.h"

#define NR_POLICIES	4
#define SWAP_VCPUS_PER_VM 8
#define SWAP_MAX_VMS	32
#define WARP_NS		20000000ULL	/* bvt warp of the latency VM */
#define LAT_RATE_HZ	1000		/* the latency VM's wake-ups a second */
/*
 * The swap scenario's watchdog: 256 spinning vCPUs on 2 slots wait 128
 * slices for their turn, longer than the default 2 s once emulation makes
 * slices run late; the limit of sched_ext's watchdog instead.
 */
#define SWAP_WATCHDOG_MS 30000
#define CG_ROOT		"/sys/fs/cgroup"
#define CG_BENCH	CG_ROOT "/vmsched-bench"

static const char *const all_policies[NR_POLICIES] = { "host", "fair", "rr", "bvt" };

/* durations and counts, shrunk by -q */
static struct {
	int repeats;
	int share_skip_s, share_measure_s;
	int latency_s;
	int swaps;
	int swap_interval_ms;
	int overhead_s;
	int overhead_repeats;	/* cheap and noisy: more repeats */
	int ctxsw_ms;		/* each ping-pong */
	int ctxsw_repeats;	/* a few percent at most to see: more repeats */
} cfg = { 3, 2, 6, 6, 1000, 50, 4, 6, 2000, 10 };

static const char *policies[NR_POLICIES];
static int nr_policies;
static char kernel[65];
static int vfd = -1;		/* /dev/vmsched */
static struct bench_params active;	/* of the active policy (n = 0: host) */

/* ---- output ------------------------------------------------------------ */

/* one JSON line, built with the jo_* calls */
static char jbuf[262144];
static size_t jlen;

static void jo_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void jo_raw(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (jlen >= sizeof(jbuf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(jbuf + jlen, sizeof(jbuf) - jlen, fmt, ap);
	va_end(ap);
	jlen += n > 0 ? (size_t)n : 0;
	if (jlen >= sizeof(jbuf))
		jlen = sizeof(jbuf) - 1;
}

static void jo_begin(const char *scenario, const char *policy, int rep)
{
	jlen = 0;
	jo_raw("{\"bench\":\"%s\",\"kernel\":\"%s\",\"policy\":\"%s\",\"rep\":%d", scenario,
	       kernel, policy, rep);
}

static void jo_int(const char *key, long long v)
{
	jo_raw(",\"%s\":%lld", key, v);
}

static void jo_dbl(const char *key, double v)
{
	jo_raw(isfinite(v) ? ",\"%s\":%.6g" : ",\"%s\":null", key, v);
}

static void jo_str(const char *key, const char *v)
{
	jo_raw(",\"%s\":\"%s\"", key, v);
}

/* ,"vm_params":{"@key":[v0,v1,...]}: VM k's value of @key (NULL: none set) */
static void jo_vm_params(const char *key, const unsigned long long *v, int n)
{
	int i;

	jo_raw(",\"vm_params\":{");
	if (key) {
		jo_raw("\"%s\":[", key);
		for (i = 0; i < n; i++)
			jo_raw("%s%llu", i ? "," : "", v[i]);
		jo_raw("]");
	}
	jo_raw("}");
}

/* {"name":value,...} */
static void jo_params_body(const struct bench_params *p)
{
	unsigned int i;

	jo_raw("{");
	for (i = 0; i < p->n; i++)
		jo_raw("%s\"%s\":%llu", i ? "," : "", p->kv[i].key,
		       (unsigned long long)p->kv[i].value);
	jo_raw("}");
}

/* {"name":"unit",...}: "ns", "%" or "" */
static void jo_units_body(const struct bench_params *p)
{
	unsigned int i;

	jo_raw("{");
	for (i = 0; i < p->n; i++)
		jo_raw("%s\"%s\":\"%s\"", i ? "," : "", p->kv[i].key,
		       params_unit_name(p->unit[i]));
	jo_raw("}");
}

/* ,"params":{"name":value,...},"param_units":{"name":"unit",...} */
static void jo_params(const struct bench_params *p)
{
	jo_raw(",\"params\":");
	jo_params_body(p);
	jo_raw(",\"param_units\":");
	jo_units_body(p);
}

static void jo_dbl_array(const char *key, const double *v, int n)
{
	int i;

	jo_raw(",\"%s\":[", key);
	for (i = 0; i < n; i++)
		jo_raw("%s%.6g", i ? "," : "", v[i]);
	jo_raw("]");
}

static void jo_end(void)
{
	jo_raw("}");
	printf("%s\n", jbuf);
	fflush(stdout);
}

static void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void info(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* a measurement that could not be made: say so in the results; returns @err */
static int jo_error(const char *scenario, const char *policy, int rep, const char *what,
		     int err)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "%s: %s", what, strerror(err < 0 ? -err : err));
	jo_begin(scenario, policy, rep);
	jo_str("error", msg);
	jo_end();
	info("%s/%s rep %d: %s", scenario, policy, rep, msg);
	return err;
}

static bool is_host(const char *policy)
{
	return !strcmp(policy, "host");
}

/* ---- modules and policies ------------------------------------------------ */

/* fresh modules: the core's counters (max swap time) start at zero */
static int modules_fresh(void)
{
	int ret;

	if (vfd >= 0)
		close(vfd);
	vfd = -1;
	active.n = 0;
	mod_unload_all();
	ret = load_core_and_policies();
	if (ret)
		return ret;
	vfd = vms_open();
	return vfd < 0 ? vfd : 0;
}

static void modules_absent(void)
{
	if (vfd >= 0)
		close(vfd);
	vfd = -1;
	active.n = 0;
	mod_unload_all();
}

/*
 * host: no policy active; else activate @policy on @slots slots with every
 * global parameter at its default, @slice (0: the default) for "slice";
 * the parameters it runs with are in @active then
 */
static int policy_select(const char *policy, unsigned int slots, unsigned long long slice)
{
	int ret;

	if (vfd < 0 && (ret = modules_fresh()))
		return ret;
	active.n = 0;
	ret = vms_ioctl(vfd, VMSCHED_IOC_DEACTIVATE, NULL);
	if (ret && ret != -ENOENT && ret != -ENODEV)
		info("deactivate: %s", strerror(-ret));
	if (is_host(policy))
		return 0;
	if ((ret = vms_set_slots(slots)))
		return ret;
	ret = params_defaults(vfd, policy, &active, slice ? "slice" : NULL, slice);
	if (!ret)
		ret = params_activate(vfd, policy, &active);
	if (ret)
		active.n = 0;
	return ret;
}

/* ---- cgroup v2 weights (the host scheduler's shares, as libvirt sets them) */

static bool cg_ok;

/* mount cgroup2 if nothing is mounted there, enable the cpu controller */
static void cg_setup(void)
{
	int ret;

	if (access(CG_ROOT "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CG_ROOT, "cgroup2", 0, NULL)) {
		info("cgroup2: cannot mount at " CG_ROOT ": %s: host runs without weights",
		     strerror(errno));
		return;
	}
	ret = write_file(CG_ROOT "/cgroup.subtree_control", "+cpu");
	if (!ret && mkdir(CG_BENCH, 0755) && errno != EEXIST)
		ret = -errno;
	if (!ret)
		ret = write_file(CG_BENCH "/cgroup.subtree_control", "+cpu");
	if (ret) {
		info("cgroup2: cannot enable the cpu controller: %s: host runs without weights",
		     strerror(-ret));
		return;
	}
	cg_ok = true;
}

/* move process @pid into its own cgroup vm<k> with cpu.weight @weight */
static int cg_place(int k, pid_t pid, unsigned int weight)
{
	char dir[128], path[160];
	int ret;

	snprintf(dir, sizeof(dir), CG_BENCH "/vm%d", k);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/cpu.weight", dir);
	if ((ret = write_file(path, "%u", weight)))
		return ret;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	return write_file(path, "%d", pid);
}

static void cg_remove(int nr)
{
	char dir[128];
	int k;

	for (k = 0; k < nr; k++) {
		snprintf(dir, sizeof(dir), CG_BENCH "/vm%d", k);
		rmdir(dir);
	}
}

/* ---- VMs ------------------------------------------------------------------ */

/* the latency VM: one vCPU pinned to CPU 0, its histogram in the JSON */
static int latency_vm_spawn(struct workload *w, int duration_s)
{
	char dur[16], rate[16];
	const char *const args[] = { "--name", "latency", "--vcpus", "1", "--duration", dur,
				     "--profile", "latency", "--rate", rate, "--pin", "0",
				     "--hist", NULL };

	snprintf(dur, sizeof(dur), "%d", duration_s);
	snprintf(rate, sizeof(rate), "%d", LAT_RATE_HZ);
	return workload_start(w, args);
}

/*
 * Start the VMs of @a into @s (a latency profile VM gets --hist); under a
 * policy, wait until the core knows them.
 */
static int vms_start(struct vm_set *s, const struct wl_spec *a, int nr, bool policy)
{
	int k, ret;

	memset(s, 0, sizeof(*s));
	s->fd = vfd;
	for (k = 0; k < nr; k++) {
		ret = !strcmp(a[k].profile, "latency") ?
			latency_vm_spawn(&s->w[k], a[k].duration_s) :
			workload_spawn(&s->w[k], &a[k]);
		if (ret)
			return ret;
		s->nr++;
	}
	for (k = 0; policy && k < nr; k++)
		if ((ret = vms_wait_vm(vfd, s->w[k].pid, a[k].vcpus, 20000)))
			return ret;
	return 0;
}

static void vms_stop(struct vm_set *s)
{
	vm_set_kill(s);
}

/* ---- scenario: share accuracy -------------------------------------------- */

/*
 * Keep this process and the VMs it starts on CPUs 0..@n-1 (0: all CPUs), so
 * that "2 pCPUs" means two on a bigger host too, for the host scheduler as
 * for the policies (whose pool is then 2 slots).
 */
static void limit_cpus(int n)
{
	static cpu_set_t all;
	static bool saved;
	cpu_set_t set;
	int i;

	if (!saved && !sched_getaffinity(0, sizeof(all), &all))
		saved = true;
	if (!n) {
		if (saved)
			sched_setaffinity(0, sizeof(all), &all);
		return;
	}
	CPU_ZERO(&set);
	for (i = 0; i < n; i++)
		CPU_SET(i, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		info("cannot limit to %d CPUs: %s", n, strerror(errno));
}

static int share_one(const char *policy, unsigned int pcpus, int rep)
{
	static const double weights[] = { 1, 2, 4 };
	static const unsigned long long pol_weight[] = { 256, 512, 1024 };
	static const unsigned int cg_weight[] = { 100, 200, 400 };
	const char *pin = pcpus == 1 ? "0" : NULL;
	int dur = cfg.share_skip_s + cfg.share_measure_s + 8;
	const struct wl_spec a[] = {
		{ "share-w1", (int)pcpus, "spin", pin, dur, INTERVAL_MS },
		{ "share-w2", (int)pcpus, "spin", pin, dur, INTERVAL_MS },
		{ "share-w4", (int)pcpus, "spin", pin, dur, INTERVAL_MS },
	};
	double share[3], run_share[3];
	unsigned long long vm_weight[3];
	struct share_errors errs;
	bool weighted = false, host = is_host(policy);
	struct vm_set s;
	char label[64];
	int ret, k;

	ret = policy_select(policy, pcpus, TEST_SLICE_NS);
	if (ret)
		return jo_error("share", policy, rep, "activate", ret);
	limit_cpus(pcpus);
	ret = vms_start(&s, a, 3, !host);
	limit_cpus(0);
	if (ret) {
		vms_stop(&s);
		return jo_error("share", policy, rep, "start VMs", ret);
	}
	if (host && cg_ok) {
		for (k = 0, ret = 0; k < 3 && !ret; k++)
			ret = cg_place(k, s.w[k].pid, cg_weight[k]);
		weighted = !ret;
	} else if (!strcmp(policy, "fair") || !strcmp(policy, "bvt")) {
		ret = vm_set_param(&s, vfd, "weight", pol_weight);
		weighted = !ret;
	}
	if (ret)
		info("share/%s: weights not set: %s", policy, strerror(-ret));
	ret = vm_set_measure(&s, cfg.share_skip_s, cfg.share_measure_s);
	if (ret) {
		vms_stop(&s);
		cg_remove(3);
		return jo_error("share", policy, rep, "measure", ret);
	}
	snprintf(label, sizeof(label), "share/%s %u pCPU rep %d", policy, pcpus, rep);
	vm_set_report(&s, label, weights, &errs);
	share_error(s.total, weights, 3, share);
	share_error(s.run_ns, weights, 3, run_share);
	vms_stop(&s);
	cg_remove(3);

	jo_begin("share", policy, rep);
	jo_int("pcpus", pcpus);
	jo_int("vcpus_per_vm", pcpus);
	jo_int("weighted", weighted);
	jo_params(&active);
	for (k = 0; k < 3; k++)
		vm_weight[k] = host ? cg_weight[k] : pol_weight[k];
	jo_vm_params(!weighted ? NULL : host ? "cpu.weight" : "weight", vm_weight, 3);
	jo_dbl_array("target", (const double[]){ 1 / 7.0, 2 / 7.0, 4 / 7.0 }, 3);
	jo_dbl_array("share", share, 3);
	jo_dbl("err", errs.progress);
	jo_dbl("cpu_err", errs.cpu);
	if (!host) {
		jo_dbl_array("run_share", run_share, 3);
		jo_dbl("run_err", errs.run);
	}
	jo_int("measure_s", cfg.share_measure_s);
	jo_end();
	return 0;
}

static void scenario_share(void)
{
	static const unsigned int pcpus[] = { 1, 2 };
	unsigned int c;
	int rep, p;

	cg_setup();
	for (c = 0; c < 2; c++)
		for (rep = 0; rep < cfg.repeats; rep++)
			for (p = 0; p < nr_policies; p++)
				share_one(policies[p], pcpus[c], rep);
}

/* ---- scenario: wake-up latency ---------------------------------------------- */

/* the "lat_hist" array of vCPU 0 of a workload's JSON, or NULL */
static const char *lat_hist_json(const struct workload *w, int *len)
{
	const char *p = wl_json_find(w->json, "lat_hist", 0), *end;

	end = p ? wl_json_skip(p) : NULL;
	if (!p || !end || *p != '[')
		return NULL;
	*len = (int)(end - p);
	return p;
}

/*
 * The latency VM's percentiles over the periods it should have been woken
 * in (lat.h) into @sum; 0 or -errno.
 */
static int latency_summary(const struct workload *lat, struct lat_summary *sum)
{
	static struct lat_bucket b[WL_HIST_BUCKETS];
	/* the VM's one vCPU's counts; the window is the VM's (top level) */
	long long wakeups = workload_get(lat, "wakeups", 0);
	long long overruns = workload_get(lat, "overruns", 0);
	long long window = workload_get(lat, "duration_ns", -1);
	const char *hist;
	int n, len;

	hist = lat_hist_json(lat, &len);
	if (!hist || wakeups < 0 || overruns < 0 || window <= 0)
		return -EPROTO;
	n = lat_hist_parse(hist, b, WL_HIST_BUCKETS);
	if (n < 0)
		return n;
	return lat_summarize(b, n, workload_get(lat, "lat_max_ns", 0),
			     lat_missed_periods(window, 1000000000ULL / LAT_RATE_HZ, wakeups,
						overruns),
			     1000000000ULL / LAT_RATE_HZ, sum);
}

/* bvt: @warp_ns for the latency VM (0: no warp), explicitly 0 for the spinners */
static int latency_one(const char *policy, int spinners, int rep, unsigned long long warp_ns)
{
	static const char *const names[] = { "spin-1", "spin-2", "spin-3", "spin-4",
					     "spin-5", "spin-6", "spin-7" };
	struct wl_spec a[MAX_VMS];
	unsigned long long warp[MAX_VMS] = { 0 };
	bool host = is_host(policy), bvt = !strcmp(policy, "bvt");
	const char *label = bvt && warp_ns ? "bvt warp" : policy;	/* errors, progress */
	struct lat_summary sum;
	struct workload *lat;
	const char *hist;
	struct vm_set s;
	int ret, k, st, len;

	for (k = 0; k < spinners; k++)
		a[k] = (struct wl_spec){ names[k], 1, "spin", "0", cfg.latency_s + 10, 0 };
	a[spinners] = (struct wl_spec){ "latency", 1, "latency", "0", cfg.latency_s, 0 };
	warp[spinners] = warp_ns;

	ret = policy_select(policy, 1, 0);
	if (ret)
		return jo_error("latency", label, rep, "activate", ret);
	ret = vms_start(&s, a, spinners + 1, !host);
	if (!ret && bvt)
		ret = vm_set_param(&s, vfd, "warp", warp);
	if (ret) {
		vms_stop(&s);
		return jo_error("latency", label, rep, "start VMs", ret);
	}
	lat = &s.w[spinners];
	st = workload_wait(lat);
	lat->pid = 0;
	vms_stop(&s);
	if (st)
		return jo_error("latency", label, rep, "latency VM failed", EIO);
	ret = latency_summary(lat, &sum);
	if (ret)
		return jo_error("latency", label, rep, "latency VM's histogram", ret);

	jo_begin("latency", policy, rep);
	jo_int("spinners", spinners);
	jo_int("pcpus", 1);
	jo_params(&active);
	jo_vm_params(bvt ? "warp" : NULL, warp, spinners + 1);
	jo_int("warp_ns", bvt ? (long long)warp_ns : 0);
	jo_int("period_ns", 1000000000LL / LAT_RATE_HZ);
	/* over the periods it should have been woken in: missed ones count */
	jo_int("p50_ns", sum.p50);
	jo_int("p90_ns", sum.p90);
	jo_int("p99_ns", sum.p99);
	jo_int("max_ns", sum.max);
	jo_int("missed_periods", sum.missed);
	jo_int("missed_after_late", sum.from_late);
	/* the workload VMM's own, over the wake-ups that happened */
	jo_int("woken_p50_ns", workload_get(lat, "lat_p50_ns", 0));
	jo_int("woken_p90_ns", workload_get(lat, "lat_p90_ns", 0));
	jo_int("woken_p99_ns", workload_get(lat, "lat_p99_ns", 0));
	jo_int("woken_max_ns", workload_get(lat, "lat_max_ns", 0));
	jo_int("wakeups", workload_get(lat, "wakeups", 0));
	jo_int("overruns", workload_get(lat, "overruns", 0));
	jo_int("duration_ns", workload_get(lat, "duration_ns", -1));
	hist = lat_hist_json(lat, &len);	/* there: the summary read it */
	jo_raw(",\"lat_hist\":%.*s", len, hist);
	jo_end();
	info("latency/%s N=%d rep %d: p50 %.3f ms p99 %.3f ms max %.3f ms, %llu periods missed (woken only: p50 %.3f ms p99 %.3f ms)",
	     label, spinners, rep, sum.p50 / 1e6, sum.p99 / 1e6,
	     sum.max / 1e6, (unsigned long long)sum.missed,
	     workload_get(lat, "lat_p50_ns", 0) / 1e6, workload_get(lat, "lat_p99_ns", 0) / 1e6);
	return 0;
}

/* the controls beside bvt with warp: every policy at its defaults, bvt without warp */
static void scenario_latency(void)
{
	static const int spinners[] = { 1, 3, 7 };
	int n, rep, p;

	for (n = 0; n < 3; n++)
		for (rep = 0; rep < cfg.repeats; rep++)
			for (p = 0; p < nr_policies; p++) {
				latency_one(policies[p], spinners[n], rep, 0);
				if (!strcmp(policies[p], "bvt"))
					latency_one(policies[p], spinners[n], rep, WARP_NS);
			}
}

/* ---- scenario: live swaps ------------------------------------------------- */

/*
 * The longest stall: a reader thread follows every VM's --interval lines;
 * for each vCPU it adds up the lengths (from t_ms) of consecutive intervals
 * in which the vCPU made no progress at all, and keeps the longest such run
 * per phase (1: during the swaps, 2: baseline without swaps). A stall of L
 * ms means at least L ms without progress (and less than L + 2 intervals).
 */
struct stall_vm {
	int fd;
	char buf[8192];
	size_t len;
	long long last_t_ms;
	long long lines;
	long long zero_ms[SWAP_VCPUS_PER_VM];
};

static struct stall_state {
	pthread_mutex_t lock;
	struct stall_vm vm[SWAP_MAX_VMS];
	int nr;
	int phase;		/* 0: ignore, 1: swaps, 2: baseline */
	bool stop;
	long long max_ms[3];
	long long lines;
} stall;

static void stall_end_run(long long *zero)
{
	if (*zero > stall.max_ms[stall.phase])
		stall.max_ms[stall.phase] = *zero;
	*zero = 0;
}

static void stall_line(struct stall_vm *v, const char *line)
{
	const char *p = strstr(line, "\"rates\":[");
	long long t_ms, dt, rate;
	char *end;
	int i;

	if (strncmp(line, "{\"t_ms\":", 8) || !p)
		return;
	t_ms = strtoll(line + 8, NULL, 10);
	dt = v->last_t_ms ? t_ms - v->last_t_ms : cfg.swap_interval_ms;
	v->last_t_ms = t_ms;
	p += 9;
	pthread_mutex_lock(&stall.lock);
	stall.lines++;
	v->lines++;
	for (i = 0; i < SWAP_VCPUS_PER_VM && *p && *p != ']'; i++) {
		rate = strtoll(p, &end, 10);
		if (end == p)
			break;
		p = *end == ',' ? end + 1 : end;
		if (rate)
			stall_end_run(&v->zero_ms[i]);
		else
			v->zero_ms[i] += dt;
	}
	pthread_mutex_unlock(&stall.lock);
}

static void *stall_reader(void *arg)
{
	struct pollfd pfd[SWAP_MAX_VMS];
	struct stall_vm *v;
	char *nl;
	ssize_t r;
	int k;

	(void)arg;
	while (!__atomic_load_n(&stall.stop, __ATOMIC_RELAXED)) {
		for (k = 0; k < stall.nr; k++)
			pfd[k] = (struct pollfd){ .fd = stall.vm[k].fd, .events = POLLIN };
		if (poll(pfd, stall.nr, 100) <= 0)
			continue;
		for (k = 0; k < stall.nr; k++) {
			if (!(pfd[k].revents & (POLLIN | POLLHUP)))
				continue;
			v = &stall.vm[k];
			r = read(v->fd, v->buf + v->len, sizeof(v->buf) - 1 - v->len);
			if (r <= 0) {
				v->fd = -1;	/* poll ignores it from now on */
				continue;
			}
			v->len += r;
			v->buf[v->len] = '\0';
			while ((nl = strchr(v->buf, '\n'))) {
				*nl = '\0';
				stall_line(v, v->buf);
				v->len -= nl + 1 - v->buf;
				memmove(v->buf, nl + 1, v->len + 1);
			}
			if (v->len == sizeof(v->buf) - 1)
				v->len = 0;
		}
	}
	return NULL;
}

/* VMs that printed an interval line: their windows are open */
static int stall_vms_started(void)
{
	int k, n = 0;

	pthread_mutex_lock(&stall.lock);
	for (k = 0; k < stall.nr; k++)
		n += stall.vm[k].lines > 0;
	pthread_mutex_unlock(&stall.lock);
	return n;
}

/* switch phases; runs still going count for the phase that ends */
static void stall_phase(int phase)
{
	int k, i;

	pthread_mutex_lock(&stall.lock);
	for (k = 0; k < stall.nr; k++)
		for (i = 0; i < SWAP_VCPUS_PER_VM; i++)
			stall_end_run(&stall.vm[k].zero_ms[i]);
	stall.phase = phase;
	pthread_mutex_unlock(&stall.lock);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static long long pct(const long long *sorted, int n, int p)
{
	int i = (int)((long long)n * p / 100);

	return n ? sorted[i < n ? i : n - 1] : 0;
}

static int swap_one(int vcpus, int rep)
{
	static const char *const cycle[] = { "fair", "rr", "bvt" };
	static struct workload w[SWAP_MAX_VMS];
	int nr = vcpus / SWAP_VCPUS_PER_VM, k, i, ret, done = 0;
	long long *dt, *live, t0, t_swaps, wait;
	struct vmsched_status st;
	struct wl_spec a = { "swap", SWAP_VCPUS_PER_VM, "spin", NULL, 3600,
			     cfg.swap_interval_ms };
	static struct bench_params cp[3];	/* each policy's, at its defaults */
	bool reading = false;
	pthread_t reader;
	char label[16];

	if (nr < 1) {
		nr = 1;
		a.vcpus = vcpus;
	}
	snprintf(label, sizeof(label), "swap-%d", vcpus);
	ret = modules_fresh();
	if (!ret && run_cmd("echo %d > /sys/module/" CORE_MODULE "/parameters/watchdog_ms",
			    SWAP_WATCHDOG_MS))
		ret = -EIO;
	for (i = 0; !ret && i < 3; i++)
		ret = params_defaults(vfd, cycle[i], &cp[i], NULL, 0);
	dt = calloc(cfg.swaps, sizeof(*dt));
	live = calloc(cfg.swaps, sizeof(*live));
	if (ret || !dt || !live) {
		free(dt);
		free(live);
		return jo_error("swap", "fair,rr,bvt", rep, "set up", ret ? ret : -ENOMEM);
	}
	memset(&stall, 0, sizeof(stall));
	pthread_mutex_init(&stall.lock, NULL);
	/* start under the host scheduler: a VM whose vCPUs are gated from the
	 * start may not open its window within the VMM's 10 s */
	for (k = 0; k < nr; k++) {
		a.name = label;
		if ((ret = workload_spawn(&w[k], &a)))
			break;
		stall.vm[k].fd = w[k].err_fd;
		stall.nr++;
	}
	if (!ret && !(ret = -pthread_create(&reader, NULL, stall_reader, NULL)))
		reading = true;
	/* every VM's window is open once it printed an interval line */
	for (t0 = now_ms(); !ret && stall_vms_started() < nr; usleep(100000))
		if (now_ms() - t0 > 120000)
			ret = -ETIMEDOUT;
	if (!ret)
		ret = policy_select(cycle[0], 0, 0);
	for (k = 0; !ret && k < nr; k++)
		ret = vms_wait_vm(vfd, w[k].pid, a.vcpus, 60000);
	if (ret)
		goto out;
	sleep(2);

	stall_phase(1);
	t0 = now_ns();
	for (i = 0; i < cfg.swaps; i++) {
		long long s0 = now_ns();

		ret = vms_activate(vfd, cycle[(i + 1) % 3], cp[(i + 1) % 3].kv,
				   cp[(i + 1) % 3].n);
		dt[i] = now_ns() - s0;
		if (!ret)
			ret = vms_status(vfd, &st);
		if (ret)
			break;
		live[i] = st.last_swap_ns;
		done++;
	}
	t_swaps = now_ns() - t0;
	/* the baseline: as long, the same policies in turn, no swaps but 3 */
	stall_phase(2);
	for (i = 0; i < 3; i++) {
		vms_activate(vfd, cycle[i], cp[i].kv, cp[i].n);
		wait = t_swaps / 3 / 1000;
		usleep(wait > 100000 ? wait : 100000);
	}
	stall_phase(0);
out:
	if (reading) {
		__atomic_store_n(&stall.stop, true, __ATOMIC_RELAXED);
		pthread_join(reader, NULL);
	}
	vms_status(vfd, &st);
	vms_ioctl(vfd, VMSCHED_IOC_DEACTIVATE, NULL);
	for (k = 0; k < stall.nr; k++)
		workload_kill(&w[k]);
	if (ret || !done) {
		free(dt);
		free(live);
		return jo_error("swap", "fair,rr,bvt", rep, done ? "swap" : "start VMs",
				ret ? ret : -EIO);
	}
	qsort(dt, done, sizeof(*dt), cmp_ll);
	qsort(live, done, sizeof(*live), cmp_ll);
	jo_begin("swap", "fair,rr,bvt", rep);
	jo_int("vcpus", vcpus);
	jo_raw(",\"params\":{");
	for (i = 0; i < 3; i++) {
		jo_raw("%s\"%s\":", i ? "," : "", cycle[i]);
		jo_params_body(&cp[i]);
	}
	jo_raw("},\"param_units\":{");
	for (i = 0; i < 3; i++) {
		jo_raw("%s\"%s\":", i ? "," : "", cycle[i]);
		jo_units_body(&cp[i]);
	}
	jo_raw("}");
	jo_int("vms", nr);
	jo_int("swaps", done);
	jo_int("swaps_ms", t_swaps / 1000000);
	jo_int("swap_p50_ns", pct(dt, done, 50));
	jo_int("swap_p99_ns", pct(dt, done, 99));
	jo_int("swap_max_ns", dt[done - 1]);
	jo_int("live_p50_ns", pct(live, done, 50));
	jo_int("live_p99_ns", pct(live, done, 99));
	jo_int("live_max_ns", live[done - 1]);
	jo_int("core_max_swap_ns", st.max_swap_ns);
	jo_int("interval_ms", cfg.swap_interval_ms);
	jo_int("stall_max_ms", stall.max_ms[1]);
	jo_int("baseline_stall_max_ms", stall.max_ms[2]);
	jo_int("interval_lines", stall.lines);
	jo_int("watchdog_ms", SWAP_WATCHDOG_MS);
	jo_int("watchdog_events", st.watchdog_events);
	jo_int("policy_errors", st.policy_errors);
	jo_end();
	info("swap %d vCPUs rep %d: %d swaps in %lld ms, p50 %.3f ms max %.3f ms; longest stall %lld ms (baseline %lld ms)",
	     vcpus, rep, done, t_swaps / 1000000, pct(dt, done, 50) / 1e6, dt[done - 1] / 1e6,
	     stall.max_ms[1], stall.max_ms[2]);
	free(dt);
	free(live);
	return 0;
}

static void scenario_swap(void)
{
	static const int sizes[] = { 8, 64, 256 };
	int n, rep;

	for (n = 0; n < 3; n++)
		for (rep = 0; rep < cfg.repeats; rep++)
			swap_one(sizes[n], rep);
}

/* ---- scenario: overhead ----------------------------------------------------- */

/* exits per second of one exit-profile vCPU; 0 on failure */
static double overhead_rate(void)
{
	const struct wl_spec a = { "exit", 1, "exit", NULL, cfg.overhead_s, 0 };
	struct workload w;
	long long prog, ns;

	if (workload_spawn(&w, &a))
		return 0;
	if (workload_wait(&w))
		return 0;
	prog = workload_get(&w, "total_progress", -1);
	ns = workload_get(&w, "duration_ns", -1);
	return prog > 0 && ns > 0 ? prog * 1e9 / ns : 0;
}

static void scenario_overhead(void)
{
	const char *configs[2 + NR_POLICIES];
	int nr = 0, rep, c, p, ret;
	double rate, absent;

	configs[nr++] = "absent";
	configs[nr++] = "idle";
	for (p = 0; p < nr_policies; p++)
		if (!is_host(policies[p]))
			configs[nr++] = policies[p];
	modules_absent();
	overhead_rate();	/* warm-up, not counted */
	for (rep = 0; rep < cfg.overhead_repeats; rep++) {
		absent = 0;
		for (c = 0; c < nr; c++) {
			if (!strcmp(configs[c], "absent")) {
				modules_absent();
				ret = 0;
			} else {
				ret = modules_fresh();
				if (!ret && strcmp(configs[c], "idle"))
					ret = policy_select(configs[c], 0, 0);
			}
			if (ret) {
				jo_error("overhead", configs[c], rep, "set up", ret);
				continue;
			}
			rate = overhead_rate();
			if (!strcmp(configs[c], "absent"))
				absent = rate;
			jo_begin("overhead", configs[c], rep);
			jo_dbl("exits_per_s", rate);
			jo_dbl("ratio", absent > 0 ? rate / absent : NAN);
			jo_int("duration_s", cfg.overhead_s);
			jo_params(&active);
			jo_end();
			info("overhead/%s rep %d: %.0f exits/s (%.3f of absent)", configs[c], rep,
			     rate, absent > 0 ? rate / absent : 0);
		}
	}
	modules_absent();
}

/* ---- scenario: context switches of processes that are no VM ---------------- */

/*
 * The core's sched_switch probe runs on every context switch of the host:
 * one per-CPU load and one compare (a second load once a vCPU ran on that
 * CPU) before it returns for a thread that is no vCPU. Two processes
 * ping-pong one byte over a pair of pipes, on one CPU (every round trip is
 * two switches between them) and on two (each round trip wakes a process
 * on the other CPU), in three states side by side in every repeat:
 *   absent  none of our modules loaded
 *   idle    the core and the policies loaded, no policy active
 *   fair    fair active and one 1-vCPU spinning VM pinned to each CPU of
 *           the ping-pong, known to the core: every CPU's pointer is set,
 *           so each switch takes the probe's longest path for a thread
 *           that is no vCPU. The VMs are stopped (SIGSTOP) while the
 *           ping-pong runs: under single-threaded TCG both emulated CPUs
 *           share one host thread, and a spinning VM on either CPU would
 *           take host time from the ping-pong, which is no cost of ours.
 */
#define CTXSW_CPU_A	0
#define CTXSW_CPU_B	1

static const char *const ctxsw_states[] = { "absent", "idle", "fair" };

/* what the two ping-pong processes report (shared memory) */
struct pingpong {
	long long round_trips;		/* in the timed window */
	long long ns;			/* time spent in them */
	long long self_ns;		/* as many round trips through its own pipe */
	double cost;			/* median of the chunks' ns / self_ns */
	long long chunks;
	long long window_ns;		/* the timed window, both kinds */
	long long all_round_trips;	/* with the warm-up */
	long long csw[2];		/* context switches of each, in all */
	int err[2];			/* errno of a failure */
};

static int pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? errno : 0;
}

static long long csw_self(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

/* the echo side: read a byte, write it back, until end of file */
static void __attribute__((noreturn)) pingpong_echo(struct pingpong *pp, int cpu, int in, int out)
{
	char c;
	ssize_t r;

	if ((pp->err[1] = pin_self(cpu)))
		_exit(1);
	while ((r = read(in, &c, 1)) == 1)
		if (write(out, &c, 1) != 1) {
			pp->err[1] = errno;
			_exit(1);
		}
	if (r < 0)
		pp->err[1] = errno;
	pp->csw[1] = csw_self();
	_exit(r ? 1 : 0);
}

/* @n round trips of one byte out through @out and back in from @in */
static void round_trips(struct pingpong *pp, int out, int in, int n)
{
	char c = 'x';

	while (n--) {
		if (write(out, &c, 1) != 1 || read(in, &c, 1) != 1) {
			pp->err[0] = errno ? errno : EPIPE;
			_exit(1);
		}
	}
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

/*
 * The timing side: 100 ms of warm-up, then @ms ms timed. After every 16
 * round trips with the echo side (a chunk), 16 through a pipe of its own
 * (write a byte, read it back: the same system calls, no context switch),
 * timed apart. The emulator's speed changes with the load of the machine
 * it runs on, by up to 2x within seconds, and changes both nearly alike
 * (they are a millisecond apart), while the module's cost is in the
 * switches only: the cost is the median over the chunks of the ping-pong
 * time over the own-pipe time (the median, as the machine's host may stall
 * the emulator for longer than a chunk now and then).
 */
#define PINGPONG_CHUNK		16
#define PINGPONG_MAX_CHUNKS	(1 << 18)
static void __attribute__((noreturn)) pingpong_ping(struct pingpong *pp, int cpu, int out, int in,
						    int ms)
{
	long long start = now_ns(), end = start + 100000000LL, t0, t1, t2;
	long long n = 0, all = 0, pp_ns = 0, self_ns = 0, chunks = 0;
	static float ratio[PINGPONG_MAX_CHUNKS];
	bool timed = false;
	int self[2];

	if ((pp->err[0] = pin_self(cpu)))
		_exit(1);
	if (pipe(self)) {
		pp->err[0] = errno;
		_exit(1);
	}
	for (;;) {
		t0 = now_ns();
		round_trips(pp, out, in, PINGPONG_CHUNK);
		t1 = now_ns();
		round_trips(pp, self[1], self[0], PINGPONG_CHUNK);
		t2 = now_ns();
		all += PINGPONG_CHUNK;
		if (timed) {
			n += PINGPONG_CHUNK;
			pp_ns += t1 - t0;
			self_ns += t2 - t1;
			if (chunks < PINGPONG_MAX_CHUNKS && t2 > t1)
				ratio[chunks++] = (float)(t1 - t0) / (t2 - t1);
		}
		if (t2 < end)
			continue;
		if (timed)
			break;
		timed = true;
		start = t2;
		end = start + ms * 1000000LL;
	}
	qsort(ratio, chunks, sizeof(ratio[0]), cmp_float);
	pp->round_trips = n;
	pp->ns = pp_ns;
	pp->self_ns = self_ns;
	pp->cost = chunks ? ratio[chunks / 2] : NAN;
	pp->chunks = chunks;
	pp->window_ns = t2 - start;
	pp->all_round_trips = all;
	pp->csw[0] = csw_self();
	_exit(0);
}

/*
 * One ping-pong between CPUs @cpu_a (timing) and @cpu_b (echo) for @ms ms:
 * fills @res; 0 or -errno.
 */
static int pingpong_run(int cpu_a, int cpu_b, int ms, struct pingpong *res)
{
	int ab[2] = { -1, -1 }, ba[2] = { -1, -1 }, st, ret = 0, k;
	pid_t pid[2] = { -1, -1 };
	struct pingpong *pp;
	bool failed = false;

	pp = mmap(NULL, sizeof(*pp), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pp == MAP_FAILED)
		return -errno;
	memset(pp, 0, sizeof(*pp));
	if (pipe(ab) || pipe(ba))
		ret = -errno;
	fflush(stdout);
	if (!ret && (pid[1] = fork()) < 0)
		ret = -errno;
	if (!pid[1]) {
		close(ab[1]);
		close(ba[0]);
		pingpong_echo(pp, cpu_b, ab[0], ba[1]);
	}
	if (!ret && (pid[0] = fork()) < 0)
		ret = -errno;
	if (!pid[0]) {
		close(ab[0]);
		close(ba[1]);
		pingpong_ping(pp, cpu_a, ab[1], ba[0], ms);
	}
	/* the echo side sees end of file once the timing side is gone */
	for (k = 0; k < 2; k++) {
		if (ab[k] >= 0)
			close(ab[k]);
		if (ba[k] >= 0)
			close(ba[k]);
	}
	for (k = 0; k < 2; k++) {
		if (pid[k] <= 0)
			continue;
		while (waitpid(pid[k], &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			failed = true;
	}
	/* the echo side's error first: the timing side's is then EPIPE */
	if (!ret && failed)
		ret = -(pp->err[1] ? pp->err[1] : pp->err[0] ? pp->err[0] : EIO);
	if (!ret && (pp->round_trips <= 0 || pp->ns <= 0 || !(pp->cost > 0)))
		ret = -EIO;
	*res = *pp;
	munmap(pp, sizeof(*pp));
	return ret;
}

/*
 * The fair state's VMs: one spinning 1-vCPU VM pinned to each of the first
 * @nr CPUs, started under fair. The core discovers a vCPU at its first
 * guest entry under a policy and points that CPU's pointer at it then, so
 * once it knows both VMs, both CPUs' pointers are set; then stop them.
 */
static int ctxsw_vms_start(struct vm_set *s, int nr)
{
	const struct wl_spec a[] = {
		{ "ctxsw-0", 1, "spin", "0", 3600, 0 },
		{ "ctxsw-1", 1, "spin", "1", 3600, 0 },
	};
	int ret, k, st;

	ret = vms_start(s, a, nr, true);
	for (k = 0; !ret && k < s->nr; k++) {
		if (kill(s->w[k].pid, SIGSTOP))
			ret = -errno;
		else if (waitpid(s->w[k].pid, &st, WUNTRACED) < 0)
			ret = -errno;
		else if (!WIFSTOPPED(st))
			ret = -ECHILD;	/* it ended */
	}
	return ret;
}

/* set up one state; the fair state starts VMs into @s */
static int ctxsw_state(const char *state, struct vm_set *s, int nr_cpus)
{
	int ret;

	memset(s, 0, sizeof(*s));
	if (!strcmp(state, "absent")) {
		modules_absent();
		return 0;
	}
	ret = modules_fresh();
	if (ret || !strcmp(state, "idle"))
		return ret;
	ret = policy_select(state, 0, 0);
	return ret ? ret : ctxsw_vms_start(s, nr_cpus);
}

static void scenario_ctxsw(void)
{
	static const struct {
		const char *name;
		int cpu_a, cpu_b;
	} rows[] = {
		{ "same-cpu", CTXSW_CPU_A, CTXSW_CPU_A },
		{ "cross-cpu", CTXSW_CPU_A, CTXSW_CPU_B },
	};
	int nr_cpus = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
	int nr_states = sizeof(ctxsw_states) / sizeof(ctxsw_states[0]);
	double rate, cost, csw, absent_rate[2], absent_cost[2];
	const char *state;
	struct pingpong pp;
	struct vm_set s;
	int rep, c, r, ret;

	if (nr_cpus < 2)
		info("ctxsw: one CPU: no cross-CPU row");
	modules_absent();
	pingpong_run(CTXSW_CPU_A, CTXSW_CPU_A, 200, &pp);	/* warm-up, not counted */
	for (rep = 0; rep < cfg.ctxsw_repeats; rep++) {
		for (r = 0; r < 2; r++)
			absent_rate[r] = absent_cost[r] = NAN;
		for (c = 0; c < nr_states; c++) {
			state = ctxsw_states[c];
			ret = ctxsw_state(state, &s, nr_cpus);
			if (ret) {
				vms_stop(&s);
				jo_error("ctxsw", state, rep, "set up", ret);
				continue;
			}
			usleep(500000);	/* module load and VM start settle alike */
			for (r = 0; r < nr_cpus; r++) {
				ret = pingpong_run(rows[r].cpu_a, rows[r].cpu_b, cfg.ctxsw_ms, &pp);
				if (ret) {
					jo_error("ctxsw", state, rep, rows[r].name, ret);
					continue;
				}
				rate = pp.round_trips * 1e9 / pp.ns;
				/* a round trip in units of a round trip through its own pipe */
				cost = pp.cost;
				if (!strcmp(state, "absent")) {
					absent_rate[r] = rate;
					absent_cost[r] = cost;
				}
				csw = (double)(pp.csw[0] + pp.csw[1]) / pp.all_round_trips;
				jo_begin("ctxsw", state, rep);
				jo_str("placement", rows[r].name);
				jo_params(&active);
				jo_int("cpu_a", rows[r].cpu_a);
				jo_int("cpu_b", rows[r].cpu_b);
				jo_int("vms", s.nr);
				jo_int("round_trips", pp.round_trips);
				jo_int("pingpong_ns", pp.ns);
				jo_int("self_ns", pp.self_ns);
				jo_int("duration_ns", pp.window_ns);
				jo_dbl("round_trips_per_s", rate);
				jo_dbl("ns_per_round_trip", 1e9 / rate);
				jo_dbl("self_ns_per_round_trip", (double)pp.self_ns / pp.round_trips);
				jo_dbl("relative_cost", cost);
				jo_int("chunks", pp.chunks);
				jo_dbl("switches_per_round_trip", csw);
				jo_dbl("ratio", rate / absent_rate[r]);
				jo_dbl("ratio_normalized", absent_cost[r] / cost);
				jo_end();
				info("ctxsw/%s %s rep %d: %.0f round trips/s, %.1f us each (%.1f own-pipe round trips), %.2f switches each; of absent: %.3f, normalized %.3f",
				     state, rows[r].name, rep, rate, 1e6 / rate, cost, csw,
				     rate / absent_rate[r], absent_cost[r] / cost);
			}
			vms_stop(&s);
		}
	}
	modules_absent();
}

/* ---- main ----------------------------------------------------------------- */

static const struct scenario {
	const char *name;
	void (*run)(void);
} scenarios[] = {
	{ "share", scenario_share },
	{ "latency", scenario_latency },
	{ "swap", scenario_swap },
	{ "overhead", scenario_overhead },
	{ "ctxsw", scenario_ctxsw },
};
#define NR_SCENARIOS (int)(sizeof(scenarios) / sizeof(scenarios[0]))

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: bench [-s SCENARIO]... [-r REPEATS] [-p POLICIES] [-q]\n"
			"SCENARIO := { share | latency | swap | overhead | ctxsw }\n"
			"POLICIES := comma separated list of { host | fair | rr | bvt }\n");
	exit(2);
}

static void parse_policies(char *list)
{
	char *tok, *save = NULL;
	int i;

	nr_policies = 0;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NR_POLICIES && strcmp(tok, all_policies[i]); i++)
			;
		if (i == NR_POLICIES || nr_policies == NR_POLICIES) {
			fprintf(stderr, "bench: policy \"%s\" is unknown\n", tok);
			usage();
		}
		policies[nr_policies++] = all_policies[i];
	}
}

static void quick(void)
{
	cfg.repeats = 1;
	cfg.share_skip_s = 1;
	cfg.share_measure_s = 2;
	cfg.latency_s = 2;
	cfg.swaps = 60;
	cfg.overhead_s = 1;
	cfg.overhead_repeats = 1;
	cfg.ctxsw_ms = 1000;
	cfg.ctxsw_repeats = 3;	/* still a spread next to each ratio */
}

int main(int argc, char **argv)
{
	bool selected[NR_SCENARIOS] = { false }, any = false;
	const char *q = getenv("BENCH_QUICK");
	struct utsname u;
	long long t0 = now_ms();
	int c, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < NR_POLICIES; i++)
		policies[i] = all_policies[i];
	nr_policies = NR_POLICIES;
	if (q && *q && strcmp(q, "0"))
		quick();
	while ((c = getopt(argc, argv, "s:r:p:qh")) != -1) {
		switch (c) {
		case 's':
			for (i = 0; i < NR_SCENARIOS && strcmp(optarg, scenarios[i].name); i++)
				;
			if (i == NR_SCENARIOS) {
				fprintf(stderr, "bench: scenario \"%s\" is unknown\n", optarg);
				usage();
			}
			selected[i] = any = true;
			break;
		case 'r':
			cfg.repeats = cfg.overhead_repeats = cfg.ctxsw_repeats = atoi(optarg);
			if (cfg.repeats < 1)
				usage();
			break;
		case 'p':
			parse_policies(optarg);
			break;
		case 'q':
			quick();
			break;
		default:
			usage();
		}
	}
	if (getuid()) {
		fprintf(stderr, "bench: must run as root\n");
		return 4;
	}
	if (!have_kvm()) {
		fprintf(stderr, "bench: no usable /dev/kvm\n");
		return 4;
	}
	uname(&u);
	snprintf(kernel, sizeof(kernel), "%s", u.release);
	c = modules_fresh();
	if (c) {
		fprintf(stderr, "bench: cannot load the modules: %s\n", strerror(-c));
		return 1;
	}
	info("bench on %s, %ld CPUs, %d repeats%s", kernel, sysconf(_SC_NPROCESSORS_ONLN),
	     cfg.repeats, cfg.swaps < 1000 ? " (quick)" : "");
	for (i = 0; i < NR_SCENARIOS; i++) {
		if (any && !selected[i])
			continue;
		info("scenario %s", scenarios[i].name);
		scenarios[i].run();
	}
	modules_absent();
	info("bench done in %lld s", (now_ms() - t0) / 1000);
	return 0;
}
