// SPDX-License-Identifier: GPL-2.0
/*
 * Shared helpers for vmsched test programs: module loading, /dev/vmsched,
 * and workload VMs as child processes (KTAP output is in ktap.c).
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmsched_test.h"
#include "workload_json.h"

/* ---- modules ------------------------------------------------------------- */

static const char *moddir(void)
{
	const char *d = getenv("VMSCHED_MODDIR");

	return d ? d : "/selftests/modules";
}

int mod_load(const char *name, const char *params)
{
	char path[PATH_MAX];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s.ko", moddir(), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params ? params : "", 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int mod_unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

bool mod_loaded(const char *name)
{
	char line[256];
	size_t len = strlen(name);
	bool found = false;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && line[len] == ' ') {
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

void mod_unload_all(void)
{
	char line[256], names[64][64];
	int n = 0, i, pass;
	FILE *f;

	/* plugins first (they hold the core), then the core */
	for (pass = 0; pass < 3; pass++) {
		f = fopen("/proc/modules", "r");
		if (!f)
			return;
		n = 0;
		while (n < 64 && fgets(line, sizeof(line), f)) {
			if (strstr(line, "_sched ") || strstr(line, "vmsched_test"))
				sscanf(line, "%63s", names[n++]);
		}
		fclose(f);
		for (i = 0; i < n; i++)
			mod_unload(names[i]);
	}
	if (mod_loaded(CORE_MODULE))
		mod_unload(CORE_MODULE);
}

/* ---- /dev/vmsched -------------------------------------------------------- */

int vms_open(void)
{
	int fd = open(VMSCHED_DEVICE, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int vms_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

int vms_activate(int fd, const char *name, const struct vmsched_kv *kv, unsigned int n)
{
	struct vmsched_activate a = {
		.params = (unsigned long)kv,
		.nr_params = n,
		.kv_size = sizeof(*kv),
	};

	snprintf(a.name, sizeof(a.name), "%s", name);
	return vms_ioctl(fd, VMSCHED_IOC_ACTIVATE, &a);
}

int vms_status(int fd, struct vmsched_status *st)
{
	memset(st, 0, sizeof(*st));
	return vms_ioctl(fd, VMSCHED_IOC_STATUS, st);
}

int vms_set_param(int fd, unsigned int scope, pid_t pid, unsigned int vcpu,
		  const char *key, unsigned long long value)
{
	struct vmsched_kv kv = { .value = value };
	struct vmsched_params p = { .scope = scope, .pid = pid, .vcpu_id = vcpu,
				    .nr_params = 1, .params = (unsigned long)&kv,
				    .kv_size = sizeof(kv) };

	snprintf(kv.key, sizeof(kv.key), "%s", key);
	return vms_ioctl(fd, VMSCHED_IOC_SET_PARAMS, &p);
}

int vms_get_param(int fd, unsigned int scope, pid_t pid, unsigned int vcpu,
		  const char *key, unsigned long long *value)
{
	struct vmsched_kv kv[VMSCHED_MAX_KV];
	int n = vms_get_params(fd, scope, pid, vcpu, kv, VMSCHED_MAX_KV), i;

	for (i = 0; i < n && i < VMSCHED_MAX_KV; i++) {
		if (!strcmp(kv[i].key, key)) {
			*value = kv[i].value;
			return 0;
		}
	}
	return n < 0 ? n : -ENOENT;
}

int time_scale(void)
{
	const char *e = getenv("VMSCHED_TIME_SCALE");
	int n = e ? atoi(e) : 1;

	return n >= 1 && n <= 16 ? n : 1;
}

void check_active(int fd, const char *want, const char *what)
{
	struct vmsched_status st = { 0 };
	int ret = vms_status(fd, &st);

	CHECK(ret == 0 && !strcmp(st.active, want), "%s: active '%s', want '%s' (%s)", what,
	      st.active, want, strerror(-ret));
}

int vms_wait_vm(int fd, pid_t pid, unsigned int nr_vcpus, int timeout_ms)
{
	long long deadline = now_ms() + (long long)timeout_ms * time_scale();
	struct vmsched_vm_stats vm;
	struct vmsched_stats s;

	do {
		memset(&s, 0, sizeof(s));
		s.pid = pid;
		s.vms.buf = (unsigned long)&vm;
		s.vms.count = 1;
		s.vms.entry_size = sizeof(vm);
		if (!vms_ioctl(fd, VMSCHED_IOC_STATS, &s) && s.vms.count == 1 &&
		    vm.nr_vcpus >= nr_vcpus)
			return 0;
		usleep(20000);
	} while (now_ms() < deadline);
	return -ETIMEDOUT;
}

int vms_set_slots(unsigned int n)
{
	return run_cmd("echo %u > /sys/module/" CORE_MODULE "/parameters/slots", n) ?
		-EIO : 0;
}

/* ---- workload VMs -------------------------------------------------------- */

const char *test_bin(const char *name)
{
	static char path[4][PATH_MAX];
	static int next;
	const char *d = getenv("VMSCHED_TESTDIR");
	char *p = path[next++ % 4];

	snprintf(p, PATH_MAX, "%s/bin/%s", d ? d : "/selftests", name);
	return p;
}

bool have_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int workload_start(struct workload *w, const char *const args[])
{
	const char *argv[64];
	char duration[32];
	int pfd[2], efd[2], n = 0, i;
	bool capture = false;

	memset(w, 0, sizeof(*w));
	w->err_fd = -1;
	for (i = 0; args[i]; i++)
		if (!strcmp(args[i], "--interval"))
			capture = true;
	if (capture && pipe2(efd, O_CLOEXEC))
		return -errno;
	argv[n++] = test_bin("workload");
	for (i = 0; args[i] && n < 62; i++) {
		argv[n++] = args[i];
		if (i && !strcmp(args[i - 1], "--duration") && time_scale() > 1) {
			snprintf(duration, sizeof(duration), "%g",
				 strtod(args[i], NULL) * time_scale());
			argv[n - 1] = duration;
		}
	}
	argv[n++] = "--json";
	argv[n] = NULL;
	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	w->pid = fork();
	if (w->pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (!w->pid) {
		/* a test that dies must not leave its VMs running */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(pfd[1], 1);
		if (capture)
			dup2(efd[1], 2);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	w->out_fd = pfd[0];
	if (capture) {
		close(efd[1]);
		w->err_fd = efd[0];
	}
	return 0;
}

long long read_number(const char *path)
{
	long long v;
	FILE *f;
	int n;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	n = fscanf(f, "%lld", &v);
	fclose(f);
	return n == 1 ? v : -EIO;
}

long long thread_cpu_ns(pid_t pid, pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", pid, tid);
	return read_number(path);
}

int vm_vcpu_tids(pid_t pid, pid_t *tids, int max)
{
	char path[320], comm[32];
	struct dirent *d;
	int found = 0;
	DIR *dir;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir)) && found < max) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", pid, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;	/* the thread ended */
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = 0;
		fclose(f);
		if (!strncmp(comm, "CPU ", 4))
			tids[found++] = atoi(d->d_name);
	}
	closedir(dir);
	return found;
}

long long vm_vcpus_cpu_ns(pid_t pid)
{
	pid_t tids[VM_MAX_VCPU_THREADS];
	long long sum = 0, ns;
	int n, i, found = 0;

	n = vm_vcpu_tids(pid, tids, VM_MAX_VCPU_THREADS);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		ns = thread_cpu_ns(pid, tids[i]);
		if (ns >= 0) {
			sum += ns;
			found++;
		}
	}
	return found ? sum : -ESRCH;
}

int thread_cpus_allowed(pid_t pid, pid_t tid, char *buf, size_t len)
{
	static const char key[] = "Cpus_allowed_list:";
	char path[64], line[256], *v;
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, sizeof(key) - 1))
			continue;
		v = line + sizeof(key) - 1;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = 0;
		snprintf(buf, len, "%s", v);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

long long now_ms(void)
{
	return now_ns() / 1000000;
}

/* parse {"t_ms":N,"rates":[a,b,...]} */
static int parse_rates(const char *line, long long *rates, int max)
{
	const char *p = strstr(line, "\"rates\":[");
	int n = 0;
	char *end;

	if (!p)
		return -1;
	p += strlen("\"rates\":[");
	while (*p && *p != ']' && n < max) {
		rates[n++] = strtoll(p, &end, 10);
		if (end == p)
			return -1;
		p = end;
		if (*p == ',')
			p++;
	}
	return n;
}

int workload_sample(struct workload *w, long long *rates, int max, int timeout_ms)
{
	long long deadline = now_ms() + (long long)timeout_ms * time_scale();
	struct pollfd pfd = { .fd = w->err_fd, .events = POLLIN };
	long long left;
	char *nl;
	ssize_t r;
	int n;

	if (w->err_fd < 0)
		return -EINVAL;
	for (;;) {
		while ((nl = memchr(w->errbuf, '\n', w->errlen))) {
			*nl = '\0';
			n = !strncmp(w->errbuf, "{\"t_ms\"", 7) ?
				parse_rates(w->errbuf, rates, max) : -1;
			w->errlen -= nl + 1 - w->errbuf;
			memmove(w->errbuf, nl + 1, w->errlen);
			if (n >= 0)
				return n;
		}
		if (w->errlen == sizeof(w->errbuf))
			w->errlen = 0;	/* an absurd line: drop it */
		/* poll at least once, so that a zero timeout reads what is there */
		left = deadline - now_ms();
		if (poll(&pfd, 1, left > 0 ? left : 0) <= 0) {
			if (now_ms() >= deadline)
				return -ETIMEDOUT;
			continue;
		}
		r = read(w->err_fd, w->errbuf + w->errlen, sizeof(w->errbuf) - w->errlen);
		if (r <= 0)
			return 0;
		w->errlen += r;
	}
}

int workload_spawn(struct workload *w, const struct wl_spec *spec)
{
	return workload_spawn_more(w, spec, NULL);
}

int workload_spawn_more(struct workload *w, const struct wl_spec *spec,
			const char *const *more)
{
	char vcpus[16], duration[16], interval[16];
	const char *args[24];
	int n = 0, i;

	snprintf(vcpus, sizeof(vcpus), "%d", spec->vcpus);
	snprintf(duration, sizeof(duration), "%d", spec->duration_s);
	snprintf(interval, sizeof(interval), "%d", spec->interval_ms);
	args[n++] = "--name";
	args[n++] = spec->name;
	args[n++] = "--vcpus";
	args[n++] = vcpus;
	args[n++] = "--duration";
	args[n++] = duration;
	args[n++] = "--profile";
	args[n++] = spec->profile;
	if (spec->pin) {
		args[n++] = "--pin";
		args[n++] = spec->pin;
	}
	if (spec->interval_ms) {
		args[n++] = "--interval";
		args[n++] = interval;
	}
	for (i = 0; more && more[i] && n < (int)(sizeof(args) / sizeof(args[0])) - 1; i++)
		args[n++] = more[i];
	args[n] = NULL;
	return workload_start(w, args);
}

int workloads_measure(struct workload *w, int nr, int skip, int count,
		      long long prog[][WL_MEASURE_VCPUS])
{
	long long r[WL_MEASURE_VCPUS];
	int i, k, v, n;

	memset(prog, 0, sizeof(prog[0]) * nr);
	for (i = 0; i < skip + count; i++) {
		for (k = 0; k < nr; k++) {
			n = workload_sample(&w[k], r, WL_MEASURE_VCPUS, 5000);
			if (n <= 0)
				return n ? n : -EPIPE;
			for (v = 0; i >= skip && v < n; v++)
				prog[k][v] += r[v];
		}
	}
	return 0;
}

double share_error(const long long *got, const double *weights, int n, double *share)
{
	double sum = 0, wsum = 0, err = 0, sh, e;
	int i;

	for (i = 0; i < n; i++) {
		sum += got[i];
		wsum += weights[i];
	}
	for (i = 0; i < n; i++) {
		sh = sum > 0 ? got[i] / sum : 0;
		e = fabs(sh / (weights[i] / wsum) - 1);
		if (e > err)
			err = e;
		if (share)
			share[i] = sh;
	}
	return err;
}

int load_core_and_policies(void)
{
	static const char *const mods[] = { CORE_MODULE, "bvt_sched", "rr_sched", "fair_sched" };
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		ret = mod_load(mods[i], NULL);
		if (ret && ret != -EEXIST)
			return ret;
	}
	return 0;
}

int load_core_and_test_policies(void)
{
	int ret = mod_load(CORE_MODULE, NULL);

	if (ret && ret != -EEXIST)
		return ret;
	ret = mod_load("vmsched_test_policies", NULL);
	return ret == -EEXIST ? 0 : ret;
}

void setup_or_skip(bool need_kvm)
{
	int ret;

	if (getuid())
		ktap_skip_all("must run as root");
	if (need_kvm && !have_kvm())
		ktap_skip_all("no /dev/kvm");
	mod_unload_all();
	ret = load_core_and_test_policies();
	if (ret)
		ktap_skip_all("cannot load the core and test policies: %s", strerror(-ret));
}

int workload_wait(struct workload *w)
{
	size_t len = 0;
	ssize_t r;

	while (len < sizeof(w->json) - 1) {
		r = read(w->out_fd, w->json + len, sizeof(w->json) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += r;
	}
	w->json[len] = '\0';
	close(w->out_fd);
	w->out_fd = -1;
	if (w->err_fd >= 0)
		close(w->err_fd);
	w->err_fd = -1;
	while (waitpid(w->pid, &w->status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(w->status))
		return WEXITSTATUS(w->status);
	return 128 + WTERMSIG(w->status);
}

long long workload_get(const struct workload *w, const char *key, int vcpu)
{
	return wl_json_get(w->json, key, vcpu);
}

void workload_kill(struct workload *w)
{
	if (w->pid > 0) {
		kill(w->pid, SIGKILL);
		workload_wait(w);
	}
}

int run_cmd(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* ---- helpers of the reliability tests ------------------------------------- */

int vms_stats_get(int fd, pid_t pid, struct vmsched_vm_stats *vms, unsigned int *nvm,
		  struct vmsched_vcpu_stats *vcs, unsigned int *nvc)
{
	struct vmsched_stats s = {
		.pid = pid,
		.vms = { .buf = (unsigned long)vms, .count = *nvm, .entry_size = sizeof(*vms) },
		.vcpus = { .buf = (unsigned long)vcs, .count = *nvc, .entry_size = sizeof(*vcs) },
	};
	int ret = vms_ioctl(fd, VMSCHED_IOC_STATS, &s);

	if (!ret) {
		*nvm = s.vms.count;
		*nvc = s.vcpus.count;
	}
	return ret;
}

int vms_vm_run_ns(int fd, pid_t pid, long long *ns)
{
	struct vmsched_vm_stats vm;
	unsigned int nvm = 1, nvc = 0;
	int ret = vms_stats_get(fd, pid, &vm, &nvm, NULL, &nvc);

	if (!ret && !nvm)
		ret = -ESRCH;
	*ns = ret ? 0 : (long long)vm.run_ns;
	return ret;
}

int vms_get_params(int fd, unsigned int scope, pid_t pid, unsigned int vcpu_id,
		   struct vmsched_kv *kv, unsigned int n)
{
	struct vmsched_params p = { .scope = scope, .pid = pid, .vcpu_id = vcpu_id,
				    .nr_params = n, .params = (unsigned long)kv,
				    .kv_size = sizeof(*kv) };
	int ret;

	memset(kv, 0, sizeof(*kv) * n);
	ret = vms_ioctl(fd, VMSCHED_IOC_GET_PARAMS, &p);
	return ret ? ret : (int)p.nr_params;
}

int write_file(const char *path, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int fd, len, ret = 0;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

const char *const kernel_splat_regex =
	"BUG:|WARNING:|Oops|Kernel panic|general protection fault|scheduling while atomic|"
	"possible circular locking|possible recursive locking|inconsistent lock state|"
	"rcu: INFO|self-detected stall|detected stalls on CPU|blocked for more than|"
	"UBSAN:|KASAN:|kmemleak: [0-9]+ new suspected|unreferenced object 0x|"
	"list_add corruption|list_del corruption|Call Trace:";

int kernel_splats(void)
{
	return kernel_log_count(kernel_splat_regex);
}

int kernel_log_count(const char *ere)
{
	char cmd[1024];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "dmesg | grep -Ec '%s'", ere);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (fscanf(p, "%d", &n) != 1)
		n = -1;
	pclose(p);
	return n;
}
