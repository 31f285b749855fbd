// SPDX-License-Identifier: GPL-2.0
/*
 * The vmsched CLI against the real kvm_schedswap, in the test VM: every
 * command, JSON output checked against the kernel's own numbers and the
 * workload VMM's, and every error path (no module, no permission, unknown
 * policy, bad key, bad value, VM not found, ambiguous name) checked for
 * exit code and message. With no policy active, VMs are listed with their
 * vCPU threads' schedstat.
 *
 * Policies come from the test module vmsched_test_policies (t_fifo has a
 * global "slice" 100us..1s, a per-VM "weight" 1..65535 and a per-vCPU
 * "boost" 0..10; t_fifo2 is the same under another name).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmsched_test.h"

#define NOBODY		65534
#define NO_MODULE_MSG	"vmsched: /dev/vmsched not found: is kvm_schedswap loaded? " \
			"(modprobe kvm_schedswap)\n"
#define WL_SECONDS	"30"

/* one run of the CLI */
struct res {
	int rc;
	char out[65536];
	char err[4096];
};

static struct res r;

static void read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size - 1 && ((n = read(fd, buf + len, size - 1 - len)) > 0 ||
				  (n < 0 && errno == EINTR)))
		if (n > 0)
			len += n;
	buf[len] = '\0';
}

/* the next runs as root without CAP_SYS_NICE and CAP_SYS_ADMIN */
static bool cli_nocap;

/* run "vmsched ARGS" (split at blanks) as @uid; result in r */
static int cli_as(uid_t uid, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int cli_as(uid_t uid, const char *fmt, ...)
{
	char line[1024], *argv[64], *save, *tok;
	int out[2], err[2], argc = 0, st;
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	argv[argc++] = (char *)test_bin("vmsched");
	for (tok = strtok_r(line, " ", &save); tok && argc < 63; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (pipe(out) || pipe(err))
		return r.rc = -1;
	pid = fork();
	if (!pid) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		int exe = open(argv[0], O_RDONLY | O_CLOEXEC);

		close(out[0]);
		close(err[0]);
		if (uid && (setgroups(0, NULL) || setgid(uid) || setuid(uid)))
			_exit(126);
		/* out of the bounding set: root's exec does not give them back */
		if (cli_nocap && (prctl(PR_CAPBSET_DROP, CAP_SYS_NICE, 0, 0, 0) ||
				  prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0)))
			_exit(126);
		/* by fd: the binary's folders need not be searchable for @uid */
		fexecve(exe, argv, environ);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	/* stderr is small: read stdout fully first, then stderr */
	read_all(out[0], r.out, sizeof(r.out));
	read_all(err[0], r.err, sizeof(r.err));
	close(out[0]);
	close(err[0]);
	waitpid(pid, &st, 0);
	r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (r.rc)
		ktap_info("vmsched %s -> %d: %.300s", line, r.rc, r.err);
	return r.rc;
}

#define cli(...) cli_as(0, __VA_ARGS__)

/* expect exit code @rc and @msg in stderr of the last run */
#define EXPECT(rc_, msg)							\
	do {									\
		CHECK(r.rc == (rc_), "exit %d, want %d", r.rc, (rc_));		\
		CHECK(strstr(r.err, (msg)), "stderr \"%s\" lacks \"%s\"", r.err, (msg)); \
		CHECK(!r.rc || !strncmp(r.err, "vmsched: ", 9), "stderr: %s", r.err); \
	} while (0)

/* ---- JSON of the CLI: keys in a known order, looked up after a point ---- */

static double jnum(const char *from, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = from ? strstr(from, pat) : NULL;
	return p ? strtod(p + strlen(pat), NULL) : -1;
}

/* start of VM @pid's object in "stats -j" output */
static const char *jvm(const char *json, pid_t pid)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"pid\":%d,", pid);
	p = strstr(json, pat);
	if (!p)
		return NULL;
	while (p > json && *p != '{')
		p--;
	return p;
}

/* start of vCPU object @idx of the VM object at @vm */
static const char *jvcpu(const char *vm, int idx)
{
	const char *p = vm ? strstr(vm, "\"vcpus\":[") : NULL;

	while (p && idx-- >= 0)
		p = strchr(p + 1, '{');
	return p;
}

/* ---- kernel side --------------------------------------------------------- */

static int fd = -1;

static long long kparam(unsigned int scope, pid_t pid, unsigned int vcpu, const char *key)
{
	struct vmsched_kv kv[VMSCHED_MAX_KV] = { 0 };
	struct vmsched_params p = {
		.scope = scope, .pid = pid, .vcpu_id = vcpu, .nr_params = VMSCHED_MAX_KV,
		.params = (unsigned long)kv, .kv_size = sizeof(kv[0]),
	};
	unsigned int i;

	if (vms_ioctl(fd, VMSCHED_IOC_GET_PARAMS, &p))
		return -1;
	for (i = 0; i < p.nr_params && i < VMSCHED_MAX_KV; i++)
		if (!strcmp(kv[i].key, key))
			return kv[i].value;
	return -1;
}

static struct vmsched_vm_stats kvms[64];
static struct vmsched_vcpu_stats kvcpus[256];

/* kernel statistics of VM @pid; 0 or -errno */
static int kstats(pid_t pid, struct vmsched_vm_stats **vm)
{
	struct vmsched_stats s = {
		.pid = pid,
		.vms = { (unsigned long)kvms, 64, sizeof(kvms[0]) },
		.vcpus = { (unsigned long)kvcpus, 256, sizeof(kvcpus[0]) },
	};
	int ret = vms_ioctl(fd, VMSCHED_IOC_STATS, &s);

	*vm = ret || !s.vms.count ? NULL : &kvms[0];
	return ret ? ret : s.vms.count ? 0 : -ESRCH;
}

static bool wait_vm(pid_t pid, unsigned int nr_vcpus)
{
	struct vmsched_vm_stats *vm;
	int i;

	for (i = 0; i < 200 * time_scale(); i++) {
		if (!kstats(pid, &vm) && vm->nr_vcpus >= nr_vcpus)
			return true;
		usleep(50000);
	}
	return false;
}

static const char *policies_mod = "vmsched_test_policies";

/* ---- test cases ---------------------------------------------------------- */

static void t_no_module(void)
{
	cli("list");
	CHECK(r.rc == 1 && !strcmp(r.err, NO_MODULE_MSG), "list: %d %s", r.rc, r.err);
	cli("-j status");
	CHECK(r.rc == 1 && strstr(r.out, "{\"error\":\"/dev/vmsched not found"), "%s", r.out);
	cli("version");
	CHECK(r.rc == 0 && strstr(r.out, "not loaded"), "version: %d %s", r.rc, r.out);
	cli("-V");
	CHECK(r.rc == 0 && strstr(r.out, "kvm_schedswap:     not loaded\n"), "-V: %d %s", r.rc,
	      r.out);
	ktap_case_done("no_module");
}

static void t_version_list(void)
{
	struct vmsched_policy_info pol[32];
	struct vmsched_list l = { (unsigned long)pol, 32, sizeof(pol[0]) };
	struct vmsched_version v = { 0 };
	unsigned int i;
	char want[256];

	CHECK(!vms_ioctl(fd, VMSCHED_IOC_VERSION, &v), "VERSION");
	cli("-j version");
	snprintf(want, sizeof(want), "\"release\":\"%.31s\",\"abi\":\"%u.%u\"", v.release, v.major,
		 v.minor);
	CHECK(r.rc == 0 && strstr(r.out, want), "version: %s, want %s", r.out, want);
	/* one package, one version: vmsched's is the module's */
	snprintf(want, sizeof(want), "{\"version\":\"%.31s\",\"abi\":\"%u.%u\",\"module\":{"
		 "\"release\":\"%.31s\",\"abi\":\"%u.%u\"}}\n", v.release, VMSCHED_ABI_MAJOR,
		 VMSCHED_ABI_MINOR, v.release, v.major, v.minor);
	CHECK(!strcmp(r.out, want), "version: %s, want %s", r.out, want);
	cli("--version");
	snprintf(want, sizeof(want), "kvm_schedswap:\n  %-18s %.31s\n  %-18s %u.%u\n", "version:",
		 v.release, "uapi:", v.major, v.minor);
	CHECK(r.rc == 0 && strstr(r.out, want), "--version: %s, want %s", r.out, want);
	/* without access to the device: the version from sysfs, the uapi unknown */
	cli_as(NOBODY, "-j -V");
	snprintf(want, sizeof(want), "\"module\":{\"release\":\"%.31s\",\"abi\":null}", v.release);
	CHECK(r.rc == 0 && strstr(r.out, want), "-V as uid 65534: %s, want %s", r.out, want);

	CHECK(!vms_ioctl(fd, VMSCHED_IOC_LIST_POLICIES, &l), "LIST_POLICIES");
	cli("-j list");
	CHECK(r.rc == 0, "list -j");
	for (i = 0; i < l.count && i < 32; i++) {
		snprintf(want, sizeof(want), "{\"active\":%s,\"name\":\"%.31s\",\"description\":\"",
			 pol[i].flags & VMSCHED_POLICY_ACTIVE ? "true" : "false", pol[i].name);
		CHECK(strstr(r.out, want), "list -j lacks %s: %s", want, r.out);
	}
	cli("list");
	CHECK(r.rc == 0 && strstr(r.out, "  t_fifo ") && !strchr(r.out, '*'), "list: %s", r.out);
	cli("list -v");
	CHECK(r.rc == 0 && strstr(r.out, "slice") && strstr(r.out, "100us") &&
	      strstr(r.out, "1s") && strstr(r.out, "weight"), "list -v: %s", r.out);
	ktap_case_done("version_list");
}

#define PERM_HINT	"vmsched needs root (or CAP_SYS_NICE with access to /dev/vmsched)"
#define NO_CAP		"permission denied: the call needs CAP_SYS_NICE (or CAP_SYS_ADMIN) " \
			"and this process has neither; " PERM_HINT

static void t_no_permission(void)
{
	const char *conf = "/tmp/cli_test.conf";
	struct vmsched_status st;
	FILE *f;

	/* the device is 0600 root: uid 65534 cannot open it */
	cli_as(NOBODY, "activate t_fifo");
	EXPECT(1, "vmsched: cannot open /dev/vmsched: permission denied: it is mode 0600, "
	       "owner uid 0, and vmsched runs as uid 65534; " PERM_HINT "\n");
	cli_as(NOBODY, "set vm 1 weight=2");
	EXPECT(1, PERM_HINT);
	/* root without the capabilities opens it; the kernel refuses changes */
	cli_nocap = true;
	cli("activate t_fifo");
	EXPECT(1, "vmsched: activate: " NO_CAP "\n");
	cli("-j deactivate");
	CHECK(r.rc == 1 && !strcmp(r.out, "{\"error\":\"deactivate: " NO_CAP "\"}\n"), "%s", r.out);
	/* apply's activation failure: its report and the error, one object */
	f = fopen(conf, "w");
	CHECK(f && fputs("policy t_fifo slice=2ms\n", f) >= 0 && !fclose(f), "%s", conf);
	cli("-j apply %s", conf);
	CHECK(r.rc == 1 && !strcmp(r.out, "{\"file\":\"/tmp/cli_test.conf\",\"policy\":\"t_fifo\","
				  "\"params\":\"slice=2ms\",\"error\":\"/tmp/cli_test.conf:1: "
				  "policy t_fifo: " NO_CAP "; nothing was changed\"}\n"),
	      "%s", r.out);
	cli_nocap = false;
	unlink(conf);
	CHECK(!vms_status(fd, &st) && !st.active[0], "active: %s", st.active);
	ktap_case_done("no_permission");
}

static void t_activate(void)
{
	struct vmsched_status st;

	cli("activate nosuch");
	EXPECT(1, "policy \"nosuch\" is not loaded; loaded policies: ");
	CHECK(strstr(r.err, "t_fifo") && strstr(r.err, "modprobe nosuch_sched"), "%s", r.err);
	cli("-j activate nosuch");
	CHECK(!strncmp(r.out, "{\"error\":\"policy \\\"nosuch\\\" is not loaded", 41), "%s", r.out);

	cli("activate t_fifo slice=2ms");
	EXPECT(0, "");
	CHECK(!vms_status(fd, &st) && !strcmp(st.active, "t_fifo"), "active %s", st.active);
	CHECK(kparam(VMSCHED_SCOPE_GLOBAL, 0, 0, "slice") == 2000000, "slice");

	cli("activate t_fifo slice=1ns");
	EXPECT(1, "slice=1ns is out of range for policy t_fifo: allowed 100us..1s");
	cli("activate t_fifo slice=5x");
	EXPECT(2, "bad value \"5x\" for slice");
	cli("activate t_fifo slice=5");
	EXPECT(2, "needs a unit");
	cli("activate t_fifo bogus=1");
	EXPECT(1, "policy t_fifo has no global parameter \"bogus\"; its global parameters: slice");
	cli("activate t_fifo weight=3");
	EXPECT(1, "\"weight\" is a per-VM parameter of policy t_fifo");
	CHECK(kparam(VMSCHED_SCOPE_GLOBAL, 0, 0, "slice") == 2000000, "slice changed");

	cli("-j status");
	CHECK(r.rc == 0 && strstr(r.out, "\"active\":\"t_fifo\",\"params\":{\"slice\":2000000}"),
	      "status -j: %s", r.out);
	cli("status");
	CHECK(r.rc == 0 && strstr(r.out, "t_fifo") && strstr(r.out, "slice:") &&
	      strstr(r.out, "2ms"), "status: %s", r.out);
	cli("list");
	CHECK(strstr(r.out, "* t_fifo "), "list marks the active one: %s", r.out);
	ktap_case_done("activate");
}

static void t_params(const struct workload *a, const struct workload *b)
{
	char want[256];

	cli("set vm alpha weight=512");
	EXPECT(0, "");
	CHECK(kparam(VMSCHED_SCOPE_VM, a->pid, 0, "weight") == 512, "weight of alpha");
	CHECK(kparam(VMSCHED_SCOPE_VM, b->pid, 0, "weight") == 256, "weight of beta");
	cli("get vm alpha");
	CHECK(r.rc == 0 && strstr(r.out, "weight:") && strstr(r.out, "512"), "%s", r.out);
	cli("-j get vm %d", a->pid);
	snprintf(want, sizeof(want), "{\"name\":\"alpha\",\"pid\":%d,\"policy\":\"t_fifo\","
		 "\"params\":{\"weight\":512},\"sources\":{\"weight\":\"set by hand", a->pid);
	CHECK(r.rc == 0 && strstr(r.out, want), "get -j: %s, want %s", r.out, want);

	cli("set vm alpha nosuch=1");
	EXPECT(1, "policy t_fifo has no per-VM parameter \"nosuch\"; its per-VM parameters: weight");
	cli("set vm alpha weight=0");
	EXPECT(1, "weight=0 is out of range for policy t_fifo: allowed 1..65535");
	cli("set vm alpha weight=abc");
	EXPECT(2, "bad value \"abc\" for weight");
	CHECK(kparam(VMSCHED_SCOPE_VM, a->pid, 0, "weight") == 512, "weight changed");

	cli("set vcpu alpha:1 boost=3");
	EXPECT(0, "");
	CHECK(kparam(VMSCHED_SCOPE_VCPU, a->pid, 1, "boost") == 3, "boost of vcpu 1");
	CHECK(kparam(VMSCHED_SCOPE_VCPU, a->pid, 0, "boost") == 0, "boost of vcpu 0");
	cli("-j get vcpu alpha:1");
	CHECK(r.rc == 0 && strstr(r.out, "\"vcpu\":1,") && strstr(r.out, "\"boost\":3"), "%s",
	      r.out);
	cli("get vcpu alpha:7");
	EXPECT(1, "has no vCPU 7");
	cli("set vcpu alpha:0 boost=11");
	EXPECT(1, "boost=11 is out of range for policy t_fifo: allowed 0..10");

	cli("get vm nosuch");
	EXPECT(1, "VM \"nosuch\" not found: known VMs: ");
	snprintf(want, sizeof(want), "alpha (pid %d)", a->pid);
	CHECK(strstr(r.err, want), "%s", r.err);
	cli("get vm 1");
	EXPECT(1, "VM \"1\" not found");
	ktap_case_done("params");
}

static void t_ambiguous(const struct workload *a)
{
	const char *args[] = { "--name", "alpha", "--vcpus", "1", "--duration", "4",
			       "--profile", "spin", NULL };
	struct workload c;
	char want[256];

	CHECK(workload_start(&c, args) == 0, "start second alpha");
	CHECK(wait_vm(c.pid, 1), "second alpha never showed up");
	cli("get vm alpha");
	snprintf(want, sizeof(want), "VM name \"alpha\" is ambiguous, it matches alpha (pid %d), "
		 "alpha (pid %d): use the pid", a->pid < c.pid ? a->pid : c.pid,
		 a->pid < c.pid ? c.pid : a->pid);
	EXPECT(1, want);
	cli("get vm %d", c.pid);
	EXPECT(0, "");
	workload_kill(&c);
	ktap_case_done("ambiguous_name");
}

static void t_stats(const struct workload *a, const struct workload *b)
{
	struct vmsched_vm_stats *kvm;
	const char *vm, *vc;
	double cpu, run, sum, interval;
	int v;

	cli("-j stats -i 1s");
	CHECK(r.rc == 0, "stats -j");
	interval = jnum(r.out, "interval_ns");
	/* never shorter than asked; a loaded (emulated) machine may make it longer */
	CHECK(interval > 0.95e9 && interval < 10e9, "interval_ns %.0f", interval);
	vm = jvm(r.out, a->pid);
	CHECK(vm && !strncmp(vm, "{\"name\":\"alpha\"", 15), "alpha in %s", r.out);
	CHECK(jvm(r.out, b->pid), "beta in stats");
	if (!vm)
		goto out;
	CHECK(jnum(vm, "nr_vcpus") == 2, "nr_vcpus %f", jnum(vm, "nr_vcpus"));
	cpu = jnum(vm, "cpu_pct");
	run = jnum(vm, "run_ns");
	CHECK(cpu > 5 && cpu <= 205, "alpha cpu_pct %.1f", cpu);
	CHECK(run > 0 && run <= 2.05 * interval, "alpha run_ns %.0f", run);
	CHECK(cpu > 100.0 * run / interval - 1 && cpu < 100.0 * run / interval + 1,
	      "cpu_pct %.1f is not run/wall %.0f/%.0f", cpu, run, interval);
	for (v = 0, sum = 0; v < 2; v++) {
		vc = jvcpu(vm, v);
		CHECK(vc && jnum(vc, "vcpu") == v, "vcpu %d", v);
		sum += jnum(vc, "run_ns");
		/* the VMM's own idea of its vCPU threads */
		CHECK(jnum(vc, "tid") > 0, "vcpu %d tid", v);
	}
	CHECK(sum >= run - 1000 && sum <= run + 1000, "vCPU run_ns sum %.0f != VM %.0f", sum, run);
	/* counters are monotonic: the kernel, asked later, has at least as much */
	CHECK(!kstats(a->pid, &kvm) && kvm->run_ns >= jnum(vm, "total_run_ns") &&
	      kvm->grants >= jnum(vm, "total_grants"), "kernel counters behind the CLI");

	cli("stats alpha");
	CHECK(r.rc == 0 && strstr(r.out, "NAME") && strstr(r.out, "alpha") &&
	      strstr(r.out, "vcpu1") && !strstr(r.out, "beta"), "stats alpha: %s", r.out);
	cli("stats -s beta");
	CHECK(r.rc == 0 && strstr(r.out, "since each VM started"), "%s", r.out);
	cli("top -b -n 2 -d 0.3");
	CHECK(r.rc == 0 && strstr(r.out, "policy: t_fifo") && strstr(r.out, "alpha") &&
	      strstr(r.out, "beta") && !strchr(r.out, '\033'), "top -b: %s", r.out);
	cli("top");
	EXPECT(2, "top needs a terminal");
out:
	ktap_case_done("stats");
}

/* late in the workloads' lives: the kernel's run time against theirs */
/* ---- metrics --------------------------------------------------------------- */

/* the value of the sample line that starts with @series in @text; -1 if none */
static double sample(const char *text, const char *series)
{
	const char *p = text;
	size_t n = strlen(series);

	while ((p = strstr(p, series)))
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		else
			p += n;
	return -1;
}

#define HIST	"vmsched_vm_wake_latency_seconds"

/* samples of a VM's latency histogram in @k (what the buckets add up to) */
static uint64_t khist_count(const struct vmsched_vm_stats *k)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < VMSCHED_LAT_BUCKETS; i++)
		n += k->lat_hist[i];
	return n;
}

/*
 * The histogram of the VM with @labels in @text: its buckets rise with le
 * from 2^10 ns to le="+Inf", which is _count; _count into @count, _sum
 * into @sum; false (and why, checked) if it is not so
 */
static bool hist_of(const char *text, const char *labels, double *count, double *sum)
{
	char pfx[320], series[320];
	const char *p = text;
	double prev = 0, v, le = 0;
	int n = 0;

	snprintf(pfx, sizeof(pfx), HIST "_bucket{%s,le=\"", labels);
	while ((p = strstr(p, pfx))) {
		p += strlen(pfx);
		v = strtod(strchr(p, ' ') + 1, NULL);
		CHECK(v >= prev, "%s: bucket le=%.12s %f below the one before, %f", labels, p,
		      v, prev);
		if (v < prev)
			return false;
		prev = v;
		le = strncmp(p, "+Inf\"", 5) ? strtod(p, NULL) : INFINITY;
		n++;
	}
	snprintf(series, sizeof(series), HIST "_count{%s}", labels);
	*count = sample(text, series);
	snprintf(series, sizeof(series), HIST "_sum{%s}", labels);
	*sum = sample(text, series);
	CHECK(n == 30 && isinf(le) && prev == *count && *sum >= 0,
	      "%s: %d buckets, the last le %g holds %f, _count %f, _sum %f", labels, n, le, prev,
	      *count, *sum);
	return n == 30 && isinf(le) && prev == *count && *sum >= 0;
}

/* create @path with @text */
static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f && fputs(text, f) >= 0 && !fclose(f), "cannot write %s", path);
}

/* promtool's lint of @file says nothing; skipped without promtool */
static void promtool_ok(const char *file)
{
	const char *pt = test_bin("promtool");
	char out[4096] = "";
	FILE *f;

	char lint[512];

	/* run_vm.sh puts promtool into the test VM */
	CHECK(!access(pt, X_OK), "no %s", pt);
	snprintf(lint, sizeof(lint), "%s.lint", file);
	CHECK(!run_cmd("%s check metrics < %s > %s 2>&1", pt, file, lint),
	      "promtool check metrics %s failed", file);
	f = fopen(lint, "r");
	if (f) {
		out[fread(out, 1, sizeof(out) - 1, f)] = '\0';
		fclose(f);
	}
	unlink(lint);
	CHECK(!out[0], "promtool on %s: %s", file, out);
}

/*
 * vmsched metrics under t_fifo with alpha and beta running: promtool's
 * lint, their series, counters that do not go back and are not ahead of
 * the kernel; each VM's latency histogram is cumulative, ends in +Inf ==
 * _count, and its count and sum lie between the kernel's before and after;
 * apply -f writes them to its metrics-textfile every interval, atomically,
 * and removes the file when it ends
 */
static void t_metrics(const struct workload *a, const struct workload *b)
{
	static char first[65536];
	const char *dir = "/tmp/prom", *file = "/tmp/prom/vmsched.prom";
	char series[256], conf[] = "/tmp/metrics.conf";
	struct vmsched_vm_stats *kvm;
	uint64_t kcount = 0, ksum = 0;
	struct stat st1, st2;
	double run1, run2, count, sum;
	pid_t apply;
	int i, st;

	if (!kstats(b->pid, &kvm)) {
		kcount = khist_count(kvm);
		ksum = kvm->lat_sum_ns;
	}
	cli("metrics");
	CHECK(r.rc == 0 && strstr(r.out, "\nvmsched_up 1\n") &&
	      strstr(r.out, "vmsched_pool_policy_info{pool=\"default\",policy=\"t_fifo\"} 1"),
	      "metrics: %.500s", r.out);
	snprintf(first, sizeof(first), "%s", r.out);
	put_file("/tmp/metrics1.prom", r.out);
	promtool_ok("/tmp/metrics1.prom");
	snprintf(series, sizeof(series),
		 "vmsched_vm_run_seconds_total{vm=\"alpha\",pid=\"%d\",pool=\"default\"}", a->pid);
	run1 = sample(first, series);
	CHECK(run1 > 0, "%s: %f", series, run1);
	CHECK(strstr(first, "\n# TYPE " HIST " histogram\n") &&
	      !strstr(first, "vmsched_vcpu_wake_latency_seconds"),
	      "a 2.1 module: no histogram, or still the summary");
	snprintf(series, sizeof(series), "vm=\"beta\",pid=\"%d\",pool=\"default\"", b->pid);
	if (hist_of(first, series, &count, &sum)) {
		CHECK(!kstats(b->pid, &kvm), "beta's statistics");
		CHECK(kvm && count >= kcount && count <= khist_count(kvm),
		      "beta: %f samples in the metrics, the kernel's %llu before, %llu after",
		      count, (unsigned long long)kcount,
		      kvm ? (unsigned long long)khist_count(kvm) : 0ULL);
		CHECK(kvm && sum * 1e9 >= (double)ksum - 1 && sum * 1e9 <= (double)kvm->lat_sum_ns + 1,
		      "beta: _sum %f s, the kernel's %llu ns before, %llu after", sum,
		      (unsigned long long)ksum, kvm ? (unsigned long long)kvm->lat_sum_ns : 0ULL);
	}
	cli("metrics");
	snprintf(series, sizeof(series),
		 "vmsched_vm_run_seconds_total{vm=\"alpha\",pid=\"%d\",pool=\"default\"}", a->pid);
	run2 = sample(r.out, series);
	CHECK(run2 >= run1, "alpha's run seconds went back: %f then %f", run1, run2);
	CHECK(!kstats(a->pid, &kvm) && kvm->run_ns >= run2 * 1e9 - 1,
	      "metrics ahead of the kernel: %f s", run2);

	/* apply -f writes them every metrics-interval */
	mkdir(dir, 0755);
	unlink(file);
	put_file(conf, "policy t_fifo\nmetrics-textfile /tmp/prom/vmsched.prom\n"
		 "metrics-interval 1s\n");
	apply = fork();
	if (!apply) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execl(test_bin("vmsched"), "vmsched", "apply", "-f", conf, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100 * time_scale() && stat(file, &st1); i++)
		usleep(100000);
	CHECK(!stat(file, &st1) && (st1.st_mode & 0777) == 0644, "%s: mode %o", file,
	      st1.st_mode & 0777);
	for (i = 0; i < 50 * time_scale(); i++) {
		usleep(100000);
		if (!stat(file, &st2) && st2.st_ino != st1.st_ino)
			break;
	}
	CHECK(st2.st_ino != st1.st_ino, "%s not replaced within %d s", file, 5 * time_scale());
	promtool_ok(file);
	kill(apply, SIGTERM);
	waitpid(apply, &st, 0);
	CHECK(WIFEXITED(st) && !WEXITSTATUS(st), "apply -f ended with %#x", st);
	CHECK(stat(file, &st1) && errno == ENOENT, "%s left after apply -f ended", file);
	CHECK(!rmdir(dir), "%s: temporary files left (%s)", dir, strerror(errno));
	unlink(conf);
	ktap_case_done("metrics");
}

static void t_stats_vs_workload(struct workload *a, struct workload *b, char *late,
				double late_age)
{
	const char *vm, *vc;
	int v, nr;
	long long tid, cpu_ns;
	double total, dur;

	CHECK(workload_wait(a) == 0, "alpha exit %d", a->status);
	CHECK(workload_wait(b) == 0, "beta exit %d", b->status);
	vm = jvm(late, a->pid);
	CHECK(vm, "alpha in the late stats");
	nr = workload_get(a, "vcpus", -1);
	CHECK(nr == 2, "workload vcpus %d", nr);
	dur = workload_get(a, "duration_ns", -1);
	for (v = 0; vm && v < nr; v++) {
		vc = jvcpu(vm, v);
		tid = workload_get(a, "tid", v);
		cpu_ns = workload_get(a, "cpu_ns", v);
		total = jnum(vc, "total_run_ns");
		ktap_info("alpha vcpu%d: tid %lld/%.0f, kernel run %.0f ns at %.1f s, VMM cpu %lld ns "
			  "over %.1f s", v, tid, jnum(vc, "tid"), total, late_age / 1e9, cpu_ns,
			  dur / 1e9);
		CHECK(tid <= 0 || jnum(vc, "tid") == tid, "vcpu %d tid %.0f, VMM says %lld", v,
		      jnum(vc, "tid"), tid);
		/* same order of magnitude: catches unit and field mix-ups */
		if (cpu_ns > 0 && dur > 0)
			CHECK(total > 0.2 * cpu_ns * (late_age / dur) - 2e8 &&
			      total < 3.0 * cpu_ns + 1e9,
			      "vcpu %d: kernel run %.0f vs VMM cpu %lld", v, total, cpu_ns);
	}
	ktap_case_done("stats_vs_workload");
}

static void t_swap_deactivate(const struct workload *a)
{
	struct vmsched_status st;
	char want[64];
	double t0;

	cli("activate t_fifo2");
	EXPECT(0, "");
	CHECK(!vms_status(fd, &st) && !strcmp(st.active, "t_fifo2"), "active %s", st.active);
	cli("-j status");
	snprintf(want, sizeof(want), "\"swaps\":%llu,", (unsigned long long)st.swaps);
	CHECK(strstr(r.out, want), "status -j %s lacks %s", r.out, want);
	/* no abbreviation changes the host */
	cli("d");
	EXPECT(2, "command \"d\" is unknown: commands that change the host are spelled out "
	       "(deactivate?)");
	cli("dea");
	EXPECT(2, "(deactivate?)");
	cli("act t_fifo");
	EXPECT(2, "(activate?)");
	cli("se vm alpha weight=9");
	EXPECT(2, "(set?)");
	cli("set v alpha weight=9");
	EXPECT(2, "set: object \"v\" is ambiguous: vm, vcpu");
	CHECK(!vms_status(fd, &st) && !strcmp(st.active, "t_fifo2"), "active %s", st.active);
	CHECK(kparam(VMSCHED_SCOPE_VM, a->pid, 0, "weight") != 9, "weight of alpha set to 9");
	cli("statu");	/* what changes nothing is */
	CHECK(r.rc == 0 && strstr(r.out, "t_fifo2"), "statu: %d %s", r.rc, r.out);
	cli("deactivate");
	EXPECT(0, "");
	CHECK(!vms_status(fd, &st) && !st.active[0], "still active: %s", st.active);
	cli("status");
	CHECK(strstr(r.out, "none (host scheduler)"), "%s", r.out);
	cli("-j status");
	CHECK(strstr(r.out, "\"active\":null"), "%s", r.out);
	cli("get vm alpha");
	EXPECT(1, "no policy is active");
	cli("set vm alpha weight=2");
	EXPECT(1, "no policy is active");
	/* said at once, not "not found" after waiting for the VM to show up */
	t0 = now_ns();
	cli("set vm nosuch weight=2");
	EXPECT(1, "vmsched: no policy is active: per-VM parameters belong to a policy");
	cli("get vcpu nosuch:0");
	EXPECT(1, "vmsched: no policy is active: per-vCPU parameters belong to a policy");
	CHECK(now_ns() - t0 < 0.9e9 * time_scale(), "took %.2f s", (now_ns() - t0) / 1e9);
	ktap_case_done("swap_deactivate");
}

/*
 * no policy active: a VM started now is listed all the same, with what
 * Linux gives its vCPU threads (their schedstat)
 */
static void t_host_view(void)
{
	const char *args[] = { "--name", "gamma", "--vcpus", "2", "--duration", "4",
			       "--profile", "spin", NULL };
	struct vmsched_status st;
	struct workload c;
	const char *vm, *vc;
	long long host;
	double run, tid;
	int v;

	CHECK(!vms_status(fd, &st) && !st.active[0], "a policy is active: %s", st.active);
	CHECK(workload_start(&c, args) == 0, "start gamma");
	CHECK(wait_vm(c.pid, 2), "gamma never showed up without a policy");
	cli("-j stats -i 0.5s gamma");
	CHECK(r.rc == 0 && strstr(r.out, "\"policy\":null,\"stats_from\":\"schedstat\""),
	      "stats -j: %s", r.out);
	vm = jvm(r.out, c.pid);
	CHECK(vm && !strncmp(vm, "{\"name\":\"gamma\"", 15), "gamma in %s", r.out);
	CHECK(jnum(vm, "nr_vcpus") == 2, "nr_vcpus %f", jnum(vm, "nr_vcpus"));
	CHECK(jnum(vm, "total_run_ns") > 0 && jnum(vm, "cpu_pct") > 0, "gamma: %.300s", vm);
	for (v = 0; vm && v < 2; v++) {
		vc = jvcpu(vm, v);
		tid = jnum(vc, "tid");
		run = jnum(vc, "total_run_ns");
		CHECK(vc && jnum(vc, "vcpu") == v && tid > 0, "vcpu %d: %.200s", v, vc);
		/* the thread's own schedstat, read later, has at least as much */
		host = thread_cpu_ns(c.pid, tid);
		CHECK(run > 0 && host >= run, "vcpu %d: total_run_ns %.0f, schedstat %lld", v,
		      run, host);
	}
	cli("stats gamma");
	CHECK(r.rc == 0 && strstr(r.out, "no policy active: Linux schedules these vCPUs") &&
	      strstr(r.out, "vcpu1"), "stats: %s", r.out);
	cli("top -b -n 1");
	CHECK(r.rc == 0 && strstr(r.out, "gamma") && strstr(r.out, "SLICES/s"), "top: %s", r.out);
	workload_kill(&c);
	ktap_case_done("host_view");
}

int main(void)
{
	const char *aa[] = { "--name", "alpha", "--vcpus", "2", "--duration", WL_SECONDS,
			     "--profile", "spin", NULL };
	const char *ba[] = { "--name", "beta", "--vcpus", "1", "--duration", WL_SECONDS,
			     "--profile", "spin", NULL };
	static char late[65536];
	struct workload a, b;
	double t0, age;
	int ret;

	if (getuid())
		ktap_skip_all("must run as root");
	if (access(test_bin("vmsched"), X_OK))
		ktap_skip_all("no %s", test_bin("vmsched"));
	mod_unload_all();
	ktap_plan(12);

	t_no_module();

	ret = mod_load(CORE_MODULE, NULL);
	if (ret)
		ktap_skip_all("cannot load %s: %s", CORE_MODULE, strerror(-ret));
	ret = mod_load(policies_mod, NULL);
	fd = vms_open();
	if (ret || fd < 0) {
		ktap_info("%s: %s, /dev/vmsched: %s", policies_mod, strerror(-ret),
			  fd < 0 ? strerror(-fd) : "ok");
		mod_unload_all();
		ktap_skip_all("test policies or /dev/vmsched unavailable");
	}
	t_version_list();
	t_no_permission();
	t_activate();

	if (!have_kvm()) {
		ktap_skip("params", "no /dev/kvm");
		ktap_skip("ambiguous_name", "no /dev/kvm");
		ktap_skip("stats", "no /dev/kvm");
		ktap_skip("metrics", "no /dev/kvm");
		ktap_skip("stats_vs_workload", "no /dev/kvm");
		ktap_skip("swap_deactivate", "no /dev/kvm");
		ktap_skip("host_view", "no /dev/kvm");
		goto out;
	}
	t0 = now_ns();
	if (workload_start(&a, aa) || workload_start(&b, ba) || !wait_vm(a.pid, 2) ||
	    !wait_vm(b.pid, 1)) {
		ktap_info("workloads did not show up in VMSCHED_IOC_STATS");
		ktap_result(false, "params");
		goto out;
	}
	t_params(&a, &b);
	t_ambiguous(&a);
	t_stats(&a, &b);
	t_metrics(&a, &b);
	/*
	 * a late cumulative snapshot, to compare with what the VMMs measured:
	 * at least 8 s into their lives, and well before their end (the
	 * metrics case runs promtool, a large program that takes seconds to
	 * start under emulation, and waits for apply -f's writes)
	 */
	while ((age = now_ns() - t0) < 8e9)
		usleep(100000);
	CHECK(age < (atoi(WL_SECONDS) - 5) * 1e9, "the cases before took %.1f s: the VMs end at %s s",
	      age / 1e9, WL_SECONDS);
	cli("-j stats -s");
	snprintf(late, sizeof(late), "%s", r.out);
	t_swap_deactivate(&a);
	t_host_view();
	t_stats_vs_workload(&a, &b, late, age);
out:
	close(fd);
	mod_unload_all();
	cli("status");
	CHECK(r.rc == 1 && !strcmp(r.err, NO_MODULE_MSG), "after unload: %s", r.err);
	ktap_case_done("unloaded");
	return ktap_finish();
}
