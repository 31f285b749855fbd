// SPDX-License-Identifier: GPL-2.0
/*
 * Live swaps under load: 4 VMs with 8 spinning vCPUs each; 1,000 swaps
 * between two policies. Every vCPU keeps running (its granted time grows
 * during the swaps and the VMM sees progress), the swap count is exact,
 * no counter goes back, per-VM statistics are the sums of their vCPUs'
 * (in one snapshot), and the longest swap is printed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmsched_test.h"

#define NR_VMS		4
#define NR_VCPUS	8
#define NR_SWAPS	1000

static int snapshot(int fd, struct vmsched_vm_stats *vms, struct vmsched_vcpu_stats *vcs)
{
	struct vmsched_stats s = {
		.vms = { .buf = (unsigned long)vms, .count = NR_VMS,
			 .entry_size = sizeof(*vms) },
		.vcpus = { .buf = (unsigned long)vcs, .count = NR_VMS * NR_VCPUS,
			   .entry_size = sizeof(*vcs) },
	};
	int ret = vms_ioctl(fd, VMSCHED_IOC_STATS, &s);

	if (ret)
		return ret;
	return s.vcpus.count == NR_VMS * NR_VCPUS && s.vms.count == NR_VMS ? 0 : -EAGAIN;
}

static const struct vmsched_vcpu_stats *find(const struct vmsched_vcpu_stats *vcs,
					     int pid, unsigned int id)
{
	int i;

	for (i = 0; i < NR_VMS * NR_VCPUS; i++)
		if (vcs[i].pid == pid && vcs[i].vcpu_id == id)
			return &vcs[i];
	return NULL;
}

int main(void)
{
	static struct vmsched_vcpu_stats before[NR_VMS * NR_VCPUS], after[NR_VMS * NR_VCPUS];
	struct vmsched_vm_stats vms[NR_VMS];
	struct vmsched_status st0, st1;
	const char *args[] = { "--name", "swap", "--vcpus", "8", "--duration", "120",
			       "--profile", "spin", NULL };
	struct workload w[NR_VMS];
	long long t0, elapsed;
	int fd, ret, i, v, retry;

	setup_or_skip(true);
	fd = vms_open();
	ktap_plan(3);

	for (i = 0; i < NR_VMS; i++)
		CHECK(workload_start(&w[i], args) == 0, "start %d", i);
	sleep(3);
	CHECK(vms_activate(fd, "t_fifo", NULL, 0) == 0, "activate");
	/* wait until every vCPU has been seen by the core */
	for (retry = 0; retry < 100 && snapshot(fd, vms, before); retry++)
		usleep(100000);
	CHECK(snapshot(fd, vms, before) == 0, "not all 32 vCPUs discovered");
	vms_status(fd, &st0);

	t0 = now_ms();
	for (i = 0; i < NR_SWAPS; i++) {
		ret = vms_activate(fd, i % 2 ? "t_fifo" : "t_fifo2", NULL, 0);
		if (ret) {
			CHECK(ret == 0, "swap %d: %s", i, strerror(-ret));
			break;
		}
	}
	elapsed = now_ms() - t0;
	sleep(1);
	CHECK(snapshot(fd, vms, after) == 0, "stats after swaps");
	vms_status(fd, &st1);
	ktap_info("%d swaps in %lld ms; last swap %llu ns, longest %llu ns", NR_SWAPS, elapsed,
		  (unsigned long long)st1.last_swap_ns, (unsigned long long)st1.max_swap_ns);
	CHECK(st1.swaps - st0.swaps == NR_SWAPS, "swap count grew by %llu",
	      (unsigned long long)(st1.swaps - st0.swaps));
	CHECK(!strcmp(st1.active, NR_SWAPS % 2 ? "t_fifo2" : "t_fifo"), "active %s", st1.active);
	CHECK(st1.watchdog_events == 0 && st1.policy_errors == 0, "watchdog %llu errors %llu",
	      (unsigned long long)st1.watchdog_events, (unsigned long long)st1.policy_errors);
	ktap_case_done("swaps_counted");

	for (i = 0; i < NR_VMS; i++) {
		struct vmsched_vcpu_stats sum = { 0 };
		const struct vmsched_vm_stats *vm = NULL;

		for (v = 0; v < NR_VMS; v++)
			if (vms[v].pid == w[i].pid)
				vm = &vms[v];
		CHECK(vm, "vm %d missing from stats", i);
		for (v = 0; v < NR_VCPUS; v++) {
			const struct vmsched_vcpu_stats *b = find(before, w[i].pid, v);
			const struct vmsched_vcpu_stats *a = find(after, w[i].pid, v);

			CHECK(a && b, "vm %d vcpu %d missing from stats", i, v);
			if (!a || !b)
				continue;
			CHECK(a->run_ns > b->run_ns && a->grants > b->grants,
			      "vm %d vcpu %d did not run during the swaps (run %llu -> %llu)",
			      i, v, (unsigned long long)b->run_ns, (unsigned long long)a->run_ns);
			CHECK(a->wait_ns >= b->wait_ns && a->preemptions >= b->preemptions &&
			      a->wakeups >= b->wakeups && a->lat_count >= b->lat_count,
			      "vm %d vcpu %d: a counter went back across the swaps", i, v);
			sum.run_ns += a->run_ns;
			sum.wait_ns += a->wait_ns;
			sum.grants += a->grants;
			sum.preemptions += a->preemptions;
			sum.wakeups += a->wakeups;
		}
		ktap_info("vm %d: %llu grants, %llu ms run", i, (unsigned long long)sum.grants,
			  (unsigned long long)sum.run_ns / 1000000);
		/* one snapshot: a VM's counters are the sums of its vCPUs' */
		CHECK(!vm || (vm->run_ns == sum.run_ns && vm->wait_ns == sum.wait_ns &&
			      vm->grants == sum.grants && vm->preemptions == sum.preemptions &&
			      vm->wakeups == sum.wakeups && vm->nr_vcpus == NR_VCPUS),
		      "vm %d: VM statistics are not the sums of its vCPUs' (grants %llu vs %llu)",
		      i, vm ? (unsigned long long)vm->grants : 0ULL,
		      (unsigned long long)sum.grants);
	}
	ktap_case_done("every_vcpu_ran_during_swaps");

	CHECK(vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");
	for (i = 0; i < NR_VMS; i++) {
		kill(w[i].pid, SIGTERM);
		ret = workload_wait(&w[i]);
		CHECK(ret == 0, "workload %d: %d", i, ret);
		for (v = 0; v < NR_VCPUS; v++)
			CHECK(workload_get(&w[i], "progress", v) > 0, "vm %d vcpu %d", i, v);
		ktap_info("vm %d: min rate %lld/s, max rate %lld/s", i,
			  workload_get(&w[i], "min_rate", -1), workload_get(&w[i], "max_rate", -1));
	}
	ktap_case_done("vmm_saw_progress");
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
