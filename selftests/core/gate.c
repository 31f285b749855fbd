// SPDX-License-Identifier: GPL-2.0
/*
 * The gate holds back what the policy does not grant, measured on real
 * vCPUs: with t_one granting only vCPU 0 of VM A, VM A's vCPU 1 and all of
 * VM B make no progress; when the policy is deactivated everyone resumes.
 * The debugfs status agrees. Also: a signal to a gated vCPU thread ends its KVM_RUN within 50 ms (the
 * VMM stops on SIGTERM by signalling its vCPU threads and times each).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmsched_test.h"

#define INTERVAL_MS "200"
#define DEBUGFS_STATUS	"/sys/kernel/debug/vmsched/status"
/* a signal to a gated vCPU thread ends its KVM_RUN within this (times the time scale) */
#define SIGNAL_LIMIT_NS	(50 * 1000000LL)

/* how many vCPUs of VM @pid wait at the gate now; -errno on failure */
static int gated(int fd, pid_t pid)
{
	struct vmsched_vcpu_stats vcs[WL_MEASURE_VCPUS];
	unsigned int nvm = 0, nvc = WL_MEASURE_VCPUS, i;
	int ret = vms_stats_get(fd, pid, NULL, &nvm, vcs, &nvc), n = 0;

	if (ret)
		return ret;
	for (i = 0; i < nvc && i < WL_MEASURE_VCPUS; i++)
		n += vcs[i].state == VMSCHED_VCPU_QUEUED;
	return n;
}

/*
 * Average rates over @n interval lines of both workloads, after @skip from
 * now: lines already written (while the test did other things, which on a
 * slow kernel takes seconds) describe the past and are dropped first.
 */
static int sample(struct workload w[2], int skip, int n, long long avg[2][2])
{
	long long prog[2][WL_MEASURE_VCPUS], rates[WL_MEASURE_VCPUS];
	int k, v, ret;

	for (k = 0; k < 2; k++)
		while (workload_sample(&w[k], rates, WL_MEASURE_VCPUS, 0) > 0)
			;
	ret = workloads_measure(w, 2, skip, n, prog);

	for (k = 0; k < 2; k++)
		for (v = 0; v < 2; v++)
			avg[k][v] = prog[k][v] / n;
	return ret;
}

/* the read-only debugfs status says what the ioctls say */
static void debugfs_agrees(const struct workload w[2])
{
	char cmd[160];
	int k;

	CHECK(run_cmd("grep -qx 'policy: t_one' " DEBUGFS_STATUS) == 0, "policy line");
	CHECK(run_cmd("grep -qx 'vms: 2 vcpus: 4 .*' " DEBUGFS_STATUS) == 0, "counts line");
	/* " gated" marks the vCPUs the ioctl counts as gated (in_gate) */
	for (k = 0; k < 20 * time_scale(); k++) {
		if (!run_cmd("test $(grep -c ' gated ' " DEBUGFS_STATUS ") = 3"))
			break;
		usleep(50000);
	}
	CHECK(k < 20 * time_scale(), "debugfs does not show three gated vCPUs");
	if (k == 20 * time_scale())
		run_cmd("sed 's/^/# # debugfs: /' " DEBUGFS_STATUS);
	for (k = 0; k < 2; k++) {
		snprintf(cmd, sizeof(cmd), "grep -q '^vm %d .* vcpus 2$' " DEBUGFS_STATUS,
			 w[k].pid);
		CHECK(run_cmd("%s", cmd) == 0, "no line for VM %d", w[k].pid);
	}
}

int main(void)
{
	const char *a[] = { "--name", "gate-a", "--vcpus", "2", "--duration", "30",
			    "--profile", "spin", "--interval", INTERVAL_MS, NULL };
	const char *b[] = { "--name", "gate-b", "--vcpus", "2", "--duration", "30",
			    "--profile", "spin", "--interval", INTERVAL_MS, NULL };
	struct workload w[2];
	struct vmsched_kv kv = { .key = "pid" };
	struct vmsched_status st;
	long long avg[2][2], t0, stop_ms;
	int fd, ret, k, v;

	setup_or_skip(true);
	/* t_one holds three vCPUs back on purpose: the watchdog (2 s) must not eject it */
	CHECK(write_file(WATCHDOG_PARAM, "60000") == 0, "watchdog_ms");
	fd = vms_open();
	ktap_plan(3);

	CHECK(workload_start(&w[0], a) == 0, "start A");
	CHECK(workload_start(&w[1], b) == 0, "start B");
	CHECK(sample(w, 0, 2, avg) == 0, "no interval lines from the workloads");
	ktap_info("host scheduler: A %lld %lld  B %lld %lld", avg[0][0], avg[0][1],
		  avg[1][0], avg[1][1]);

	kv.value = w[0].pid;
	ret = vms_activate(fd, "t_one", &kv, 1);
	CHECK(ret == 0, "activate t_one: %s", strerror(-ret));
	CHECK(sample(w, 3, 5, avg) == 0, "sampling under t_one");
	ktap_info("t_one(pid A): A %lld %lld  B %lld %lld", avg[0][0], avg[0][1],
		  avg[1][0], avg[1][1]);
	CHECK(avg[0][0] > 0, "A vCPU 0 is granted but made no progress");
	CHECK(avg[0][1] == 0, "A vCPU 1 progressed while gated: %lld/s", avg[0][1]);
	CHECK(avg[1][0] == 0 && avg[1][1] == 0, "B progressed while gated: %lld %lld",
	      avg[1][0], avg[1][1]);
	vms_status(fd, &st);
	ktap_info("status: %s vms %u vcpus %u granted %u gated %u", st.active, st.nr_vms,
		  st.nr_vcpus, st.nr_granted, st.nr_gated);
	CHECK(st.nr_vms == 2 && st.nr_vcpus == 4, "vms %u vcpus %u", st.nr_vms, st.nr_vcpus);
	CHECK(st.nr_granted == 1, "granted %u", st.nr_granted);
	CHECK(st.nr_gated == 3, "gated %u", st.nr_gated);
	CHECK(st.watchdog_events == 0, "the watchdog ejected t_one");
	debugfs_agrees(w);
	ktap_case_done("only_granted_vcpu_progresses");

	ret = vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	CHECK(ret == 0, "deactivate: %s", strerror(-ret));
	CHECK(sample(w, 2, 3, avg) == 0, "sampling after deactivation");
	ktap_info("host scheduler again: A %lld %lld  B %lld %lld", avg[0][0], avg[0][1],
		  avg[1][0], avg[1][1]);
	for (k = 0; k < 2; k++)
		for (v = 0; v < 2; v++)
			CHECK(avg[k][v] > 0, "vm %d vcpu %d did not resume", k, v);
	ktap_case_done("all_resume_after_deactivate");

	/* gate B again, then stop it: its gated vCPU threads must leave KVM_RUN */
	ret = vms_activate(fd, "t_one", &kv, 1);
	CHECK(ret == 0, "activate t_one: %s", strerror(-ret));
	sample(w, 2, 1, avg);
	CHECK(gated(fd, w[1].pid) == 2, "B's vCPUs are not both at the gate before the signal");
	t0 = now_ms();
	kill(w[1].pid, SIGTERM);
	ret = workload_wait(&w[1]);
	stop_ms = now_ms() - t0;
	ktap_info("SIGTERM to a VMM with gated vCPUs: exited after %lld ms (status %d)",
		  stop_ms, ret);
	CHECK(ret == 0, "workload B exit status %d", ret);
	CHECK(stop_ms < 1000, "took %lld ms", stop_ms);
	/* the VMM signals each vCPU thread (SIGUSR1) and times KVM_RUN's EINTR */
	for (v = 0; v < 2; v++) {
		long long ns = workload_get(&w[1], "stop_ns", v);

		ktap_info("B vCPU %d: KVM_RUN returned %lld us after the signal", v, ns / 1000);
		CHECK(ns > 0 && ns < SIGNAL_LIMIT_NS * time_scale(),
		      "B vCPU %d: KVM_RUN returned after %lld us", v, ns / 1000);
	}
	ktap_case_done("signal_ends_gated_kvm_run");

	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	kill(w[0].pid, SIGTERM);
	workload_wait(&w[0]);
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
