// SPDX-License-Identifier: GPL-2.0
/*
 * Pools on real vCPUs, on the test VM's two CPUs: pool "lat" of CPU 1
 * under bvt, the default pool (CPU 0) under fair; VM A (one spinning,
 * unpinned vCPU) moved to lat, VMs B and C (the same) in the default pool
 * with fair weights 1:2. All with the share tests' slice.
 *  - A pool's CPUs are its own: creating lat narrows every default-pool
 *    vCPU thread to CPU 0 (A's Cpus_allowed_list "0" before its move);
 *    the move narrows A's thread to CPU 1 ("1"), and the VM statistics
 *    name each VM's pool (A lat, B and C default).
 *  - A has CPU 1 to itself: its vCPU thread runs at least 0.85 of a CPU
 *    per wall second; B:C by CPU time is 1:2 within 10%.
 *  - A live swap to rr in lat changes nothing in the default pool: fair is
 *    still active there, B:C still 1:2 within 10%, A still at least 0.85.
 *  - Destroying lat gives A back to the default pool with the affinity
 *    its thread had before the move.
 *  - A pool whose last CPU goes offline hands its VMs to the default pool:
 *    A, moved to a new lat of CPU 1, shows pool "default" within 2 s of
 *    CPU 1 going offline and keeps running (CPU time and progress); with
 *    CPU 1 back it is a default-pool VM while lat exists (its thread on
 *    CPU 0), and has its affinity of before the moves once lat is gone.
 *  - No pool had a watchdog event or a policy error, and the kernel logged
 *    no splat while the test ran.
 * CPU 1 is brought back online at exit, whatever failed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy_test.h"
#include "vmsched_pool.h"

#define NR_VMS		3
#define MEASURE_S	5	/* intervals measured per phase, after one dropped */
#define RUN_S		60	/* the VMs' lifetime: every phase fits in it */
#define MIN_A_CPU	0.85	/* A's vCPU thread's CPU time per wall second */
#define MAX_BC_ERR	0.10	/* |(C/B) / 2 - 1| by CPU time */
#define RESCUE_MS	2000	/* A back in the default pool after CPU 1 left */
#define OFFLINE_S	2	/* intervals A is measured with CPU 1 offline */
#define NR_CASES	6

enum { A, B, C };

static const struct wl_spec spec[NR_VMS] = {
	{ "pool-a", 1, "spin", NULL, RUN_S, INTERVAL_MS },
	{ "pool-b", 1, "spin", NULL, RUN_S, INTERVAL_MS },
	{ "pool-c", 1, "spin", NULL, RUN_S, INTERVAL_MS },
};
static const unsigned long long fair_weight[NR_VMS] = { 1024, 256, 512 };

static char a_affinity[64];	/* A's thread's Cpus_allowed_list before any move */

static void cpu1_back(void)
{
	cpu_set_online(1, 1);
}

/* @policy active in @pool with the share tests' slice */
static int activate_in(int fd, const char *pool, const char *policy)
{
	struct vmsched_kv kv = { .key = "slice", .value = TEST_SLICE_NS };

	return pool_activate(fd, pool, policy, &kv, 1);
}

/* CHECK that VM @k's statistics name pool @want */
static void check_vm_pool(const struct vm_set *s, int k, const char *want, const char *when)
{
	char got[VMSCHED_NAME_MAX] = "";
	int ret = vm_pool_name(s->fd, s->w[k].pid, got, sizeof(got));

	ktap_info("%s: %s is in pool '%s' (want '%s')", when, spec[k].name, got, want);
	CHECK(ret == 0 && !strcmp(got, want), "%s: %s in pool '%s', want '%s' (%s)", when,
	      spec[k].name, got, want, strerror(-ret));
}

/* CHECK that A's vCPU thread may run on CPUs @want */
static void check_a_affinity(const struct vm_set *s, const char *want, const char *when)
{
	pid_t tid;
	char got[64] = "";
	int ret = vm_vcpu_tids(s->w[A].pid, &tid, 1);

	ret = ret == 1 ? thread_cpus_allowed(s->w[A].pid, tid, got, sizeof(got)) :
			 (ret < 0 ? ret : -ESRCH);
	ktap_info("%s: A's vCPU thread Cpus_allowed_list '%s' (want '%s')", when, got, want);
	CHECK(ret == 0 && !strcmp(got, want), "%s: A's thread on CPUs '%s', want '%s' (%s)", when,
	      got, want, strerror(-ret));
}

/* drop the interval lines the VMs wrote before now: a measurement starts now */
static void drain(struct vm_set *s)
{
	long long r[WL_MEASURE_VCPUS];
	int k;

	for (k = 0; k < s->nr; k++)
		while (workload_sample(&s->w[k], r, WL_MEASURE_VCPUS, 0) > 0)
			;
}

/* measure the three and check A's CPU and B:C */
static void measure_shares(struct vm_set *s, const char *label)
{
	double cpu[NR_VMS], run[NR_VMS], bc = 0, err;
	int ret, k;

	drain(s);
	ret = vm_set_measure(s, 1, MEASURE_S);
	CHECK(ret == 0, "%s: measure: %s", label, strerror(-ret));
	for (k = 0; k < NR_VMS; k++) {
		cpu[k] = s->window_ns > 0 ? (double)s->cpu_ns[k] / (double)s->window_ns : 0;
		run[k] = s->window_ns > 0 ? (double)s->run_ns[k] / (double)s->window_ns : 0;
		ktap_info("%s: %s: vCPU thread ran %.3f of a CPU, core run time %.3f, progress %lld/s",
			  label, spec[k].name, cpu[k], run[k], s->total[k] / MEASURE_S);
	}
	ktap_info("%s: A ran %.3f of CPU 1 (at least %.2f)", label, cpu[A], MIN_A_CPU);
	CHECK(cpu[A] >= MIN_A_CPU, "%s: A ran %.3f of a CPU, below %.2f", label, cpu[A],
	      MIN_A_CPU);
	if (cpu[B] > 0)
		bc = cpu[C] / cpu[B];
	err = bc / 2 - 1;
	err = err < 0 ? -err : err;
	ktap_info("%s: C/B by CPU time %.3f (want 2 within %.0f%%: error %.1f%%), by core run time %.3f",
		  label, bc, 100 * MAX_BC_ERR, 100 * err, run[B] > 0 ? run[C] / run[B] : 0);
	CHECK(bc > 0 && err <= MAX_BC_ERR, "%s: C/B by CPU time %.3f, error %.1f%% above %.0f%%",
	      label, bc, 100 * err, 100 * MAX_BC_ERR);
}

/* lat of CPU 1 under bvt, fair in the default pool; A moved to lat */
static void test_move(struct vm_set *s)
{
	int ret, k;

	ret = pool_create(s->fd, "lat", "1");
	CHECK(ret == 0, "create lat of CPU 1: %s", strerror(-ret));
	ret = activate_in(s->fd, "lat", "bvt");
	CHECK(ret == 0, "activate bvt in lat: %s", strerror(-ret));
	check_pool(s->fd, "lat", "1", "bvt");
	check_pool(s->fd, VMSCHED_POOL_DEFAULT, "0", "fair");
	for (k = B; k <= C; k++) {
		ret = vms_set_param(s->fd, VMSCHED_SCOPE_VM, s->w[k].pid, 0, "weight",
				    fair_weight[k]);
		CHECK(ret == 0, "weight=%llu on %s: %s", fair_weight[k], spec[k].name,
		      strerror(-ret));
	}
	/* lat's CPU is lat's alone: the default pool's VMs left it */
	check_a_affinity(s, "0", "before the move");
	ret = pool_move(s->fd, s->w[A].pid, "lat");
	CHECK(ret == 0, "move A to lat: %s", strerror(-ret));
	check_a_affinity(s, "1", "A in lat");
	check_vm_pool(s, A, "lat", "after the move");
	check_vm_pool(s, B, VMSCHED_POOL_DEFAULT, "after the move");
	check_vm_pool(s, C, VMSCHED_POOL_DEFAULT, "after the move");
	ktap_case_done("move_narrows_affinity_stats_name_pools");
}

static void test_live_swap(struct vm_set *s)
{
	int ret;

	ret = activate_in(s->fd, "lat", "rr");
	CHECK(ret == 0, "activate rr in lat (live swap): %s", strerror(-ret));
	check_pool(s->fd, "lat", "1", "rr");
	check_pool(s->fd, VMSCHED_POOL_DEFAULT, "0", "fair");
	check_active(s->fd, "fair", "STATUS after the swap in lat");
	measure_shares(s, "rr in lat, fair in default");
	check_pool(s->fd, VMSCHED_POOL_DEFAULT, "0", "fair");
	check_vm_pool(s, A, "lat", "after the swap");
	check_pools_healthy(s->fd, "rr in lat");
	ktap_case_done("live_swap_in_lat_leaves_default_alone");
}

static void test_destroy(struct vm_set *s)
{
	int ret;

	ret = pool_destroy(s->fd, "lat");
	CHECK(ret == 0, "destroy lat: %s", strerror(-ret));
	check_pool(s->fd, VMSCHED_POOL_DEFAULT, "0-1", "fair");
	check_vm_pool(s, A, VMSCHED_POOL_DEFAULT, "after destroy");
	check_a_affinity(s, a_affinity, "after destroy");
	ktap_case_done("destroy_gives_vm_and_affinity_back");
}

/* A in a new lat of CPU 1; CPU 1 goes offline */
static void test_offline(struct vm_set *s)
{
	char pool[VMSCHED_NAME_MAX] = "";
	long long t0, waited = -1;
	double cpu;
	int ret;

	ret = pool_create(s->fd, "lat", "1");
	CHECK(ret == 0, "create lat of CPU 1 again: %s", strerror(-ret));
	ret = activate_in(s->fd, "lat", "bvt");
	CHECK(ret == 0, "activate bvt in the new lat: %s", strerror(-ret));
	ret = pool_move(s->fd, s->w[A].pid, "lat");
	CHECK(ret == 0, "move A to the new lat: %s", strerror(-ret));
	check_vm_pool(s, A, "lat", "before CPU 1 goes offline");
	check_a_affinity(s, "1", "before CPU 1 goes offline");
	check_pools_healthy(s->fd, "before CPU 1 goes offline");

	ret = cpu_set_online(1, 0);
	CHECK(ret == 0, "offline CPU 1: %s", strerror(-ret));
	t0 = now_ms();
	while (!ret && now_ms() - t0 < (long long)RESCUE_MS * time_scale()) {
		if (!vm_pool_name(s->fd, s->w[A].pid, pool, sizeof(pool)) &&
		    !strcmp(pool, VMSCHED_POOL_DEFAULT)) {
			waited = now_ms() - t0;
			break;
		}
		usleep(10000);
	}
	ktap_info("CPU 1 offline: A in pool '%s' after %lld ms (want default within %d ms)",
		  pool, waited, RESCUE_MS);
	CHECK(waited >= 0, "CPU 1 offline: A still in pool '%s' after %d ms", pool, RESCUE_MS);
	drain(s);
	ret = vm_set_measure(s, 1, OFFLINE_S);
	CHECK(ret == 0, "CPU 1 offline: measure: %s", strerror(-ret));
	cpu = s->window_ns > 0 ? (double)s->cpu_ns[A] / (double)s->window_ns : 0;
	ktap_info("CPU 1 offline: A ran %.3f of a CPU, progress %lld/s", cpu,
		  s->total[A] / OFFLINE_S);
	CHECK(s->cpu_ns[A] > 0 && s->total[A] > 0,
	      "CPU 1 offline: A ran %.3f of a CPU, progress %lld: it stopped", cpu, s->total[A]);
	check_pools_healthy(s->fd, "CPU 1 offline");

	ret = cpu_set_online(1, 1);
	CHECK(ret == 0, "online CPU 1: %s", strerror(-ret));
	check_pool(s->fd, "lat", "1", "bvt");
	check_a_affinity(s, "0", "CPU 1 back, lat still there");
	check_vm_pool(s, A, VMSCHED_POOL_DEFAULT, "CPU 1 back");
	ret = pool_destroy(s->fd, "lat");
	CHECK(ret == 0, "destroy the new lat: %s", strerror(-ret));
	check_a_affinity(s, a_affinity, "lat gone");
	ktap_case_done("cpu_offline_hands_vms_to_default");
}

int main(void)
{
	struct vm_set s;
	int fd, ret, splats0, splats, k;
	pid_t tid;

	fd = policy_test_setup(0, NULL);
	atexit(cpu1_back);
	ktap_plan(NR_CASES);
	splats0 = kernel_splats();
	ret = activate_with(fd, "fair", "slice", TEST_SLICE_NS);
	CHECK(ret == 0, "activate fair in the default pool: %s", strerror(-ret));
	ret = vm_set_start(&s, fd, spec, NR_VMS);
	CHECK(ret == 0, "start the VMs: %s", strerror(-ret));
	if (ret) {
		vm_set_kill(&s);
		for (k = 0; k < NR_CASES; k++)
			ktap_result(false, "vms_start");
		return ktap_finish();
	}
	if (vm_vcpu_tids(s.w[A].pid, &tid, 1) != 1 ||
	    thread_cpus_allowed(s.w[A].pid, tid, a_affinity, sizeof(a_affinity)))
		snprintf(a_affinity, sizeof(a_affinity), "?");
	ktap_info("A's vCPU thread before any move: Cpus_allowed_list '%s'", a_affinity);

	test_move(&s);
	measure_shares(&s, "bvt in lat, fair in default");
	check_pools_healthy(fd, "bvt in lat");
	ktap_case_done("lat_has_cpu1_default_shares_cpu0");
	test_live_swap(&s);
	test_destroy(&s);
	test_offline(&s);

	check_pools_healthy(fd, "at the end");
	splats = kernel_splats();
	ktap_info("kernel log splats: %d at the start, %d at the end", splats0, splats);
	CHECK(splats == splats0, "kernel log splats: %d at the start, %d at the end", splats0,
	      splats);
	ktap_case_done("no_watchdog_policy_errors_or_splats");

	vm_set_kill(&s);
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
