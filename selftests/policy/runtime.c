// SPDX-License-Identifier: GPL-2.0
/*
 * The core charges what ran: each vCPU's run_ns in the core's statistics
 * grows as its thread's CPU time in the host's own accounting
 * (/proc/PID/task/TID/schedstat, field 1), within 5%, over the same
 * interval. Under fair with two slots:
 *  - two VMs with two spinning vCPUs each, free to run on both pCPUs;
 *  - two one-vCPU VMs both pinned to CPU 0: both hold a grant and share one
 *    pCPU, so each runs half of the time it holds its grant (a charge of
 *    grant time would be twice the CPU time).
 * And the latency statistics count from the wake-up: a VM that halts 1 ms
 * between timer wake-ups, alone on the host, is granted at once when it
 * wakes, so its wake-to-run p50 in the core's statistics is far below the
 * 1 ms it spends halted (measured from the halt, it was about 1 ms).
 */
#include <string.h>
#include <unistd.h>

#include "policy_test.h"

#define MEASURE_MS	4000
#define TOL		0.05
#define MAX_VCPUS	4

struct sample {
	pid_t pid[MAX_VCPUS], tid[MAX_VCPUS];
	long long core[MAX_VCPUS], host[MAX_VCPUS];
	int n;
};

/* the core's and the host's run time of every vCPU of @s, read back to back */
static int sample(int fd, const struct vm_set *s, struct sample *out)
{
	struct vmsched_vcpu_stats vcs[MAX_VCPUS];
	unsigned int nvm, nvc, i;
	int k, ret;

	out->n = 0;
	for (k = 0; k < s->nr; k++) {
		nvm = 0;
		nvc = MAX_VCPUS;
		ret = vms_stats_get(fd, s->w[k].pid, NULL, &nvm, vcs, &nvc);
		if (ret)
			return ret;
		for (i = 0; i < nvc && out->n < MAX_VCPUS; i++, out->n++) {
			out->pid[out->n] = vcs[i].pid;
			out->tid[out->n] = vcs[i].tid;
			out->core[out->n] = vcs[i].run_ns;
			out->host[out->n] = thread_cpu_ns(vcs[i].pid, vcs[i].tid);
		}
	}
	return 0;
}

static void check_runtime(int fd, const char *label, const struct wl_spec *spec, int nr,
			  double want_cpus)
{
	struct sample a, b;
	long long core_sum = 0, host_sum = 0, dc, dh;
	struct vm_set s;
	int ret, i;

	ret = vm_set_start(&s, fd, spec, nr);
	CHECK(ret == 0, "%s: start VMs: %s", label, strerror(-ret));
	if (ret) {
		vm_set_kill(&s);
		return;
	}
	usleep(1000 * 1000);
	ret = sample(fd, &s, &a);
	usleep(MEASURE_MS * 1000);
	ret = ret ? ret : sample(fd, &s, &b);
	CHECK(ret == 0 && a.n == b.n && a.n > 0, "%s: statistics: %s", label, strerror(-ret));
	for (i = 0; !ret && i < a.n && i < b.n; i++) {
		CHECK(a.tid[i] == b.tid[i] && a.host[i] >= 0 && b.host[i] >= 0,
		      "%s: thread %d of VM %d", label, a.tid[i], a.pid[i]);
		dc = b.core[i] - a.core[i];
		dh = b.host[i] - a.host[i];
		core_sum += dc;
		host_sum += dh;
		ktap_info("%s: VM %d thread %d: core %.1f ms, schedstat %.1f ms (%+.2f%%)",
			  label, a.pid[i], a.tid[i], dc / 1e6, dh / 1e6,
			  dh ? 100.0 * (dc - dh) / dh : 0);
		CHECK(dh > 0 && dc >= dh * (1 - TOL) && dc <= dh * (1 + TOL),
		      "%s: thread %d: core %lld ns, host %lld ns", label, a.tid[i], dc, dh);
	}
	ktap_info("%s: the vCPUs ran %.2f CPUs (core) / %.2f (schedstat)", label,
		  core_sum / 1e6 / MEASURE_MS, host_sum / 1e6 / MEASURE_MS);
	/* they had the CPUs we expect: the comparison above is not of idle threads */
	CHECK(host_sum / 1e6 / MEASURE_MS > want_cpus * 0.7, "%s: %.2f CPUs", label,
	      host_sum / 1e6 / MEASURE_MS);
	vm_set_kill(&s);
}

static void check_latency(int fd)
{
	const struct wl_spec spec[] = { { "rt-lat", 1, "latency", NULL, 6, 0 } };
	struct vmsched_vcpu_stats vc;
	unsigned int nvm = 0, nvc = 1;
	struct vm_set s;
	int ret;

	ret = vm_set_start(&s, fd, spec, 1);
	CHECK(ret == 0, "start the latency VM: %s", strerror(-ret));
	usleep(4000 * 1000);
	ret = ret ? ret : vms_stats_get(fd, s.w[0].pid, NULL, &nvm, &vc, &nvc);
	CHECK(ret == 0 && nvc == 1, "stats: %s", strerror(-ret));
	if (!ret) {
		ktap_info("latency VM: %llu wake-ups, wake-to-run p50 %.3f ms, p99 %.3f ms, max %.3f ms",
			  (unsigned long long)vc.lat_count, vc.lat_p50_ns / 1e6,
			  vc.lat_p99_ns / 1e6, vc.lat_max_ns / 1e6);
		/* it woke about 1,000 times a second */
		CHECK(vc.lat_count > 1000, "%llu wake-ups", (unsigned long long)vc.lat_count);
		CHECK(vc.lat_p50_ns < 1000000, "p50 %llu ns", (unsigned long long)vc.lat_p50_ns);
	}
	vm_set_kill(&s);
}

int main(void)
{
	const struct wl_spec spread[] = {
		{ "rt-a", 2, "spin", NULL, 20, 0 },
		{ "rt-b", 2, "spin", NULL, 20, 0 },
	};
	const struct wl_spec stacked[] = {
		{ "rt-c", 1, "spin", "0", 20, 0 },
		{ "rt-d", 1, "spin", "0", 20, 0 },
	};
	int fd = policy_test_setup(2, NULL);
	int ret;

	ktap_plan(3);
	ret = activate_with(fd, "fair", "slice", TEST_SLICE_NS);
	CHECK(ret == 0, "activate fair: %s", strerror(-ret));
	check_runtime(fd, "two VMs on two pCPUs", spread, 2, 2);
	ktap_case_done("runtime_two_pcpus");
	check_runtime(fd, "two grants on one pCPU", stacked, 2, 1);
	ktap_case_done("runtime_stacked_grants");
	check_latency(fd);
	ktap_case_done("latency_from_the_wake_up");
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
