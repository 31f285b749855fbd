// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics snapshots while vCPUs appear: VMs with 8 vCPUs each start and
 * end one after another under a policy (every new vCPU is discovered and
 * added), while a reader takes snapshots as fast as it can into buffers
 * larger than needed, filled with a pattern before each call. Every entry
 * up to the count the kernel returns must be written and belong to a live
 * VM, and the VMs' vCPU counts must add up to the vCPU entries (one
 * snapshot, one moment).
 *
 * The wake-to-run histograms (ABI 2.1) of the same snapshots: a vCPU's
 * buckets add up to its lat_count, a VM's to the lat_count of its vCPUs
 * (a vCPU only ends with its VM, so none of a listed VM has ended), and
 * neither exceeds the wake-ups; each sum lies between the samples' lower
 * and upper bucket bounds (the last bucket's bound: the longest sample).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "vmsched_test.h"

#define NR_VCPUS	8
#define NR_STARTS	24	/* VMs started, at most IN_FLIGHT at a time */
#define IN_FLIGHT	3
#define CAP_VMS		64
#define CAP_VCPUS	512
#define PATTERN		0xa5

static int fd;
static atomic_bool reading = true;
static unsigned long calls, changes, entries, bad, sum_mismatch, errors;
static unsigned long hist_bad, samples;
static char hist_why[256];
static int first_error;

/* samples in @hist; their sum's least and greatest value into @lo, @hi */
static uint64_t hist_count(const __u64 *hist, uint64_t max_ns, uint64_t *lo, uint64_t *hi)
{
	uint64_t n = 0;
	unsigned int i;

	*lo = *hi = 0;
	for (i = 0; i < VMSCHED_LAT_BUCKETS; i++) {
		uint64_t low = i ? (1ULL << (i - 1)) + 1 : 0;
		uint64_t up = i < VMSCHED_LAT_BUCKETS - 1 ? 1ULL << i : max_ns;

		n += hist[i];
		*lo += hist[i] * low;
		*hi += hist[i] * up;
	}
	return n;
}

/* one entry's histogram: @count samples expected, at most @wakeups */
static void hist_check(const char *what, pid_t pid, const __u64 *hist, uint64_t sum,
		       uint64_t max_ns, uint64_t count, uint64_t wakeups)
{
	uint64_t lo, hi, n = hist_count(hist, max_ns, &lo, &hi);

	samples += n;
	if (n == count && n <= wakeups && sum >= lo && sum <= hi)
		return;
	if (!hist_bad++)
		snprintf(hist_why, sizeof(hist_why),
			 "%s of pid %d: %llu in the buckets, %llu expected, %llu wake-ups, "
			 "sum %llu not in [%llu, %llu]", what, pid, (unsigned long long)n,
			 (unsigned long long)count, (unsigned long long)wakeups,
			 (unsigned long long)sum, (unsigned long long)lo, (unsigned long long)hi);
}

/* the histograms of one snapshot of @nvm VMs and @nvc vCPUs, all returned */
static void hists_check(const struct vmsched_vm_stats *vms, unsigned int nvm,
			const struct vmsched_vcpu_stats *vcs, unsigned int nvc)
{
	unsigned int i, j;
	uint64_t count;

	for (i = 0; i < nvc; i++)
		hist_check("vCPU", vcs[i].pid, vcs[i].lat_hist, vcs[i].lat_sum_ns,
			   vcs[i].lat_max_ns, vcs[i].lat_count, vcs[i].wakeups);
	for (i = 0; i < nvm; i++) {
		for (j = 0, count = 0; j < nvc; j++)
			if (vcs[j].pid == vms[i].pid)
				count += vcs[j].lat_count;
		hist_check("VM", vms[i].pid, vms[i].lat_hist, vms[i].lat_sum_ns,
			   vms[i].lat_max_ns, count, vms[i].wakeups);
	}
}

static bool vcpu_entry_ok(const struct vmsched_vcpu_stats *s)
{
	return s->pid > 0 && s->tid > 0 && s->vcpu_id < NR_VCPUS;
}

static bool vm_entry_ok(const struct vmsched_vm_stats *s)
{
	return s->pid > 0 && s->nr_vcpus >= 1 && s->nr_vcpus <= NR_VCPUS;
}

static void *reader(void *arg)
{
	static struct vmsched_vcpu_stats vcs[CAP_VCPUS];
	static struct vmsched_vm_stats vms[CAP_VMS];
	unsigned int nvm, nvc, last = 0, i, sum;
	int ret;

	(void)arg;
	while (atomic_load(&reading)) {
		memset(vcs, PATTERN, sizeof(vcs));
		memset(vms, PATTERN, sizeof(vms));
		nvm = CAP_VMS;
		nvc = CAP_VCPUS;
		ret = vms_stats_get(fd, 0, vms, &nvm, vcs, &nvc);
		calls++;
		if (ret) {
			if (!errors++)
				first_error = ret;
			continue;
		}
		changes += nvc != last;
		last = nvc;
		sum = 0;
		for (i = 0; i < nvm && i < CAP_VMS; i++) {
			bad += !vm_entry_ok(&vms[i]);
			sum += vms[i].nr_vcpus;
		}
		for (i = 0; i < nvc && i < CAP_VCPUS; i++)
			bad += !vcpu_entry_ok(&vcs[i]);
		entries += i;
		sum_mismatch += nvm <= CAP_VMS && sum != nvc;
		if (nvm <= CAP_VMS && nvc <= CAP_VCPUS)
			hists_check(vms, nvm, vcs, nvc);
	}
	return NULL;
}

int main(void)
{
	struct wl_spec spec = { "snap", NR_VCPUS, "duty", NULL, 1, 0 };
	struct workload w[NR_STARTS];
	int ret, started = 0, waited = 0;
	pthread_t thr;

	setup_or_skip(true);
	fd = vms_open();
	ktap_plan(2);
	CHECK(fd >= 0, "open: %s", strerror(-fd));
	ret = vms_activate(fd, "t_fifo", NULL, 0);
	CHECK(ret == 0, "activate t_fifo: %s", strerror(-ret));
	CHECK(pthread_create(&thr, NULL, reader, NULL) == 0, "reader thread");

	while (waited < NR_STARTS) {
		if (started < NR_STARTS && started - waited < IN_FLIGHT) {
			ret = workload_spawn(&w[started], &spec);
			CHECK(ret == 0, "start VM %d: %s", started, strerror(-ret));
			started++;
			continue;
		}
		ret = workload_wait(&w[waited]);
		CHECK(ret == 0, "VM %d exited with %d", waited, ret);
		waited++;
	}
	atomic_store(&reading, false);
	pthread_join(thr, NULL);
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);

	ktap_info("%lu snapshots, %lu with a new vCPU count, %lu entries checked", calls,
		  changes, entries);
	CHECK(errors == 0, "%lu snapshots failed, the first with %s", errors,
	      strerror(-first_error));
	CHECK(changes >= NR_STARTS, "the vCPU count changed only %lu times: no churn seen",
	      changes);
	CHECK(bad == 0, "%lu entries within the returned count were not written", bad);
	CHECK(sum_mismatch == 0, "%lu snapshots: VMs' vCPU counts do not add up", sum_mismatch);
	ktap_case_done("snapshot_while_vcpus_appear");

	ktap_info("%lu wake-to-run samples in the histograms checked", samples);
	CHECK(hist_bad == 0, "%lu histograms wrong, the first: %s", hist_bad, hist_why);
	CHECK(samples > 0, "no wake-to-run sample in any histogram: nothing checked");
	ktap_case_done("latency_histograms_add_up");
	return ktap_finish();
}
