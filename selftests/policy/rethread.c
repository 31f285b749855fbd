// SPDX-License-Identifier: GPL-2.0
/*
 * The core follows the thread that runs a vCPU now. Under fair, on a pool
 * of two pCPUs shared with a second two-vCPU VM, a VM's vCPU threads exit
 * halfway and new threads run the same vCPU fds (workload --rethread-ms,
 * what QEMU does when it re-plugs a parked vCPU). The vCPUs must go on
 * making progress in every second after the hand-over, the core must name
 * the new threads in its statistics, and the policy must stay active with
 * no watchdog event.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "policy_test.h"

#define LIFE_S		8
#define RETHREAD_MS	"3000"

int main(void)
{
	const char *args[] = { "--name", "rethread", "--vcpus", "2", "--profile", "spin",
			       "--duration", "8", "--interval", "1000",
			       "--rethread-ms", RETHREAD_MS, NULL };
	const struct wl_spec other = { "rethread-o", 2, "spin", NULL, LIFE_S + 4, 0 };
	struct vmsched_vcpu_stats vcs[2];
	struct vmsched_status st0 = { 0 }, st1 = { 0 };
	struct workload w, o;
	unsigned int nvm, nvc, i;
	long long rates[2];
	char path[64];
	int fd, ret, n, t = 0, v;

	fd = policy_test_setup(2, NULL);
	ktap_plan(2);
	ret = activate_with(fd, "fair", "slice", TEST_SLICE_NS);
	CHECK(ret == 0, "activate fair: %s", strerror(-ret));
	vms_status(fd, &st0);
	CHECK(workload_spawn(&o, &other) == 0, "start the other VM");
	CHECK(workload_start(&w, args) == 0, "start the VM whose threads change");
	CHECK(vms_wait_vm(fd, w.pid, 2, 10000) == 0, "VM not known to the core");

	/* progress in every second, before and after the hand-over */
	while ((n = workload_sample(&w, rates, 2, 5000 * time_scale())) > 0) {
		t++;
		ktap_info("second %d: rates %lld %lld", t, rates[0], n > 1 ? rates[1] : 0);
		for (v = 0; v < n; v++)
			CHECK(rates[v] > 0, "second %d: vCPU %d made no progress", t, v);
		if (t == 5) {
			/* the hand-over is done: the core must name live threads */
			nvm = 0;
			nvc = 2;
			ret = vms_stats_get(fd, w.pid, NULL, &nvm, vcs, &nvc);
			CHECK(ret == 0 && nvc == 2, "stats: %s, %u vCPUs", strerror(-ret), nvc);
			for (i = 0; !ret && i < nvc && i < 2; i++) {
				snprintf(path, sizeof(path), "/proc/%d/task/%d", w.pid, vcs[i].tid);
				CHECK(access(path, F_OK) == 0,
				      "vCPU %u: the core names thread %d, which has exited",
				      vcs[i].vcpu_id, vcs[i].tid);
			}
		}
	}
	CHECK(t >= 6, "only %d interval lines", t);
	ret = workload_wait(&w);
	CHECK(ret == 0, "workload exited with %d", ret);
	for (v = 0; v < 2; v++) {
		long long tid = workload_get(&w, "tid", v), old = workload_get(&w, "old_tid", v);

		ktap_info("vCPU %d: thread %lld, then %lld", v, old, tid);
		CHECK(workload_get(&w, "threads", v) == 2, "vCPU %d ran on %lld threads", v,
		      workload_get(&w, "threads", v));
		CHECK(old > 0 && tid > 0 && tid != old, "vCPU %d: threads %lld, %lld", v, old,
		      tid);
	}
	ktap_case_done("vcpus_follow_their_new_threads");

	vms_status(fd, &st1);
	CHECK(!strcmp(st1.active, "fair"), "active policy is '%s'", st1.active);
	CHECK(st1.watchdog_events == st0.watchdog_events, "%llu watchdog events",
	      (unsigned long long)(st1.watchdog_events - st0.watchdog_events));
	ktap_case_done("policy_stays_active");

	workload_kill(&o);
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
