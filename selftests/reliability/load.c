// SPDX-License-Identifier: GPL-2.0
/*
 * Races under load: 4 threads issue activate, deactivate and parameter
 * sets (random policies, keys and in-range values from the policies' own
 * descriptors) as fast as they can while 16 VMs with 64 vCPUs in total run
 * spin, duty and latency workloads.
 *
 * Checked: every call succeeds or fails with an errno the race explains
 * (ENODEV, ENOENT, ESRCH, ERANGE, EINVAL, ENOSPC); afterwards the core knows
 * exactly the 16 VMs and 64 vCPUs, grants never exceed slots, no watchdog
 * event or policy error happened, per-VM statistics are the sums of their
 * vCPUs', deactivation leaves nothing granted or gated, and every vCPU
 * made progress during the races as its VMM measured it (the minimum rate
 * is printed per profile) and got grants from the kernel.
 *
 *   load [--seconds N] [--vms N] [--vcpus N]     defaults: 10 s, 16 VMs x 4
 *
 * The default run races 10 s; `make soak` runs the full 30 s.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmsched_test.h"


#define MAX_VMS		32
#define MAX_VCPUS	8
#define NR_THREADS	4
#define MAX_POLICIES	8

static const char *const profiles[] = { "spin", "duty", "latency" };
static const char *const candidates[] = { "t_fifo", "t_fifo2", "rr", "bvt", "fair" };

struct policy {
	const char *name;
	struct vmsched_param_info params[24];
	unsigned int nr_params;
};

static struct policy policies[MAX_POLICIES];
static int nr_policies, nr_vms = 16, nr_vcpus = 4, seconds = 10, fd;
static pid_t pids[MAX_VMS];
static atomic_bool racing;

struct racer {
	pthread_t th;
	unsigned int seed;
	unsigned long ops, ok, by_errno[160];
};

static unsigned int rnd(struct racer *r)
{
	return rand_r(&r->seed);
}

static void set_random_param(struct racer *r)
{
	const struct policy *p = &policies[rnd(r) % nr_policies];
	const struct vmsched_param_info *d;
	unsigned long long span, v;
	int ret;

	if (!p->nr_params) {
		ret = vms_ioctl(fd, VMSCHED_IOC_STATUS, &(struct vmsched_status){ 0 });
	} else {
		d = &p->params[rnd(r) % p->nr_params];
		span = d->max - d->min;
		v = d->min + (span ? ((unsigned long long)rnd(r) << 31 | rnd(r)) % (span + 1) : 0);
		ret = vms_set_param(fd, d->scope, pids[rnd(r) % nr_vms], rnd(r) % nr_vcpus,
				    d->name, v);
	}
	r->ops++;
	if (!ret)
		r->ok++;
	else
		r->by_errno[-ret < 160 ? -ret : 0]++;
}

static void *race(void *arg)
{
	struct racer *r = arg;
	unsigned int what;
	int ret;

	while (atomic_load(&racing)) {
		what = rnd(r) % 10;
		if (what < 5) {
			set_random_param(r);
			continue;
		}
		if (what < 8)
			ret = vms_activate(fd, policies[rnd(r) % nr_policies].name, NULL, 0);
		else
			ret = vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
		r->ops++;
		if (!ret)
			r->ok++;
		else
			r->by_errno[-ret < 160 ? -ret : 0]++;
	}
	return NULL;
}

static void find_policies(void)
{
	static const char *const mods[] = { "rr_sched", "bvt_sched", "fair_sched" };
	unsigned int i;

	for (i = 0; i < 3; i++)
		mod_load(mods[i], NULL);
	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		struct policy *p = &policies[nr_policies];
		struct vmsched_policy_params pp = {
			.list = { .buf = (unsigned long)p->params, .count = 24,
				  .entry_size = sizeof(p->params[0]) },
		};

		snprintf(pp.name, sizeof(pp.name), "%s", candidates[i]);
		if (vms_ioctl(fd, VMSCHED_IOC_POLICY_PARAMS, &pp))
			continue;
		p->name = candidates[i];
		p->nr_params = pp.list.count < 24 ? pp.list.count : 24;
		nr_policies++;
	}
}

/* add every interval line the workloads printed since the last call */
static void collect(struct workload *w, long long sum[][MAX_VCPUS], int lines[])
{
	long long r[MAX_VCPUS];
	int i, v, n;

	for (i = 0; i < nr_vms; i++) {
		while ((n = workload_sample(&w[i], r, MAX_VCPUS, 0)) > 0) {
			for (v = 0; v < n && v < nr_vcpus; v++)
				sum[i][v] += r[v];
			lines[i]++;
		}
	}
}

static int all_vcpus_known(int ms)
{
	struct vmsched_status st;
	long long t0 = now_ms();

	do {
		vms_status(fd, &st);
		if (st.nr_vcpus == (unsigned int)(nr_vms * nr_vcpus))
			return 1;
		usleep(50000);
	} while (now_ms() - t0 < ms);
	return 0;
}

static void parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "vms", required_argument, NULL, 'm' },
		{ "vcpus", required_argument, NULL, 'c' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			seconds = atoi(optarg);
		else if (c == 'm')
			nr_vms = atoi(optarg);
		else if (c == 'c')
			nr_vcpus = atoi(optarg);
		else
			ktap_skip_all("usage: load [--seconds N] [--vms N] [--vcpus N]");
	}
	if (nr_vms < 1 || nr_vms > MAX_VMS || nr_vcpus < 1 || nr_vcpus > MAX_VCPUS ||
	    seconds < 1)
		ktap_skip_all("bad arguments");
}

int main(int argc, char **argv)
{
	static struct vmsched_vcpu_stats before[MAX_VMS * MAX_VCPUS], after[MAX_VMS * MAX_VCPUS];
	static long long sum[MAX_VMS][MAX_VCPUS];
	struct vmsched_vm_stats vms[MAX_VMS];
	static struct workload w[MAX_VMS];
	struct racer racers[NR_THREADS];
	unsigned long ops = 0, ok = 0, errs[160] = { 0 };
	long long t0, min_rate[3] = { -1, -1, -1 };
	int lines[MAX_VMS] = { 0 }, i, v, e, bad = 0;
	unsigned int nvm, nvc, total = 0;
	struct vmsched_status st;
	char vcpus[8], name[16], line[256];
	size_t len = 0;

	parse_args(argc, argv);
	setup_or_skip(true);
	fd = vms_open();
	find_policies();
	/*
	 * Not a watchdog test (faults is): an overloaded host stalls the TCG
	 * test VM for seconds ("clocksource: Long readout interval"), which
	 * the default 2 s limit takes for starvation. 10 s still catches it.
	 */
	write_file(WATCHDOG_PARAM, "10000");
	ktap_plan(3);
	total = nr_vms * nr_vcpus;
	snprintf(vcpus, sizeof(vcpus), "%d", nr_vcpus);
	for (i = 0; i < nr_vms; i++) {
		const char *args[] = { "--name", name, "--vcpus", vcpus, "--duration", "3600",
				       "--profile", profiles[i % 3], "--run-us", "2000",
				       "--halt-us", "2000", "--rate", "100", "--interval", "500",
				       NULL };

		snprintf(name, sizeof(name), "load%d", i);
		CHECK(workload_start(&w[i], args) == 0, "start VM %d", i);
		pids[i] = w[i].pid;
	}
	CHECK(vms_activate(fd, "t_fifo", NULL, 0) == 0, "activate");
	CHECK(all_vcpus_known(60000), "not all %u vCPUs discovered", total);
	sleep(1);
	nvm = MAX_VMS;
	nvc = total;
	CHECK(vms_stats_get(fd, 0, vms, &nvm, before, &nvc) == 0 && nvc == total, "stats");
	collect(w, sum, lines);
	memset(sum, 0, sizeof(sum));
	memset(lines, 0, sizeof(lines));

	ktap_info("%d VMs, %u vCPUs (spin, duty, latency), %d threads racing %d s over %d policies",
		  nr_vms, total, NR_THREADS, seconds, nr_policies);
	atomic_store(&racing, true);
	for (i = 0; i < NR_THREADS; i++) {
		memset(&racers[i], 0, sizeof(racers[i]));
		racers[i].seed = getpid() * 31 + i;
		pthread_create(&racers[i].th, NULL, race, &racers[i]);
	}
	t0 = now_ms();
	while (now_ms() - t0 < seconds * 1000LL) {
		usleep(200000);
		collect(w, sum, lines);
	}
	atomic_store(&racing, false);
	for (i = 0; i < NR_THREADS; i++) {
		pthread_join(racers[i].th, NULL);
		ops += racers[i].ops;
		ok += racers[i].ok;
		for (e = 0; e < 160; e++)
			errs[e] += racers[i].by_errno[e];
	}
	for (e = 0; e < 160; e++) {
		if (!errs[e])
			continue;
		len += snprintf(line + len, sizeof(line) - len, " %s=%lu",
				e ? strerrorname_np(e) : "other", errs[e]);
		if (e != ENODEV && e != ENOENT && e != ESRCH && e != ERANGE && e != EINVAL &&
		    e != ENOSPC)
			bad++;
	}
	ktap_info("%lu calls (%lu/s), %lu succeeded, errors:%s", ops, ops / seconds, ok, line);
	CHECK(bad == 0, "errnos the races do not explain:%s", line);
	/* every swap waits for a grace period, and sets queue behind swaps */
	CHECK(ops >= (unsigned long)seconds * 3, "only %lu calls", ops);

	vms_status(fd, &st);
	ktap_info("after the races: active '%s', %u VMs, %u vCPUs, %u of %u slots granted, %u gated, %llu swaps in all",
		  st.active, st.nr_vms, st.nr_vcpus, st.nr_granted, st.nr_slots, st.nr_gated,
		  (unsigned long long)st.swaps);
	CHECK(st.nr_vms == (unsigned int)nr_vms && st.nr_vcpus == total, "%u VMs %u vCPUs",
	      st.nr_vms, st.nr_vcpus);
	CHECK(st.nr_granted <= st.nr_slots, "%u granted > %u slots", st.nr_granted, st.nr_slots);
	CHECK(st.watchdog_events == 0 && st.policy_errors == 0, "watchdog %llu, errors %llu",
	      (unsigned long long)st.watchdog_events, (unsigned long long)st.policy_errors);
	nvm = MAX_VMS;
	nvc = total;
	CHECK(vms_stats_get(fd, 0, vms, &nvm, after, &nvc) == 0 && nvc == total, "stats");
	for (i = 0; i < (int)nvm && i < MAX_VMS; i++) {
		unsigned long long g = 0;

		for (v = 0; v < (int)nvc; v++)
			if (after[v].pid == vms[i].pid)
				g += after[v].grants;
		CHECK(g == vms[i].grants, "VM %d: %llu grants, its vCPUs' sum %llu", vms[i].pid,
		      (unsigned long long)vms[i].grants, g);
	}
	CHECK(vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");
	vms_status(fd, &st);
	CHECK(st.nr_granted == 0 && st.nr_gated == 0, "after deactivation: %u granted %u gated",
	      st.nr_granted, st.nr_gated);
	ktap_case_done("races_leave_consistent_state");

	for (i = 0; i < nr_vms; i++) {
		for (v = 0; v < nr_vcpus; v++) {
			long long rate = lines[i] ? sum[i][v] / lines[i] : -1;

			if (rate <= 0)
				CHECK(0, "VM %d (%s) vCPU %d: rate %lld over %d lines", i,
				      profiles[i % 3], v, rate, lines[i]);
			if (min_rate[i % 3] < 0 || rate < min_rate[i % 3])
				min_rate[i % 3] = rate;
		}
	}
	ktap_info("minimum progress rate during the races: spin %lld/s, duty %lld/s, latency %lld wake-ups/s",
		  min_rate[0], min_rate[1], min_rate[2]);
	for (v = 0; v < (int)nvc; v++) {
		const struct vmsched_vcpu_stats *b = NULL, *a = &after[v];

		for (i = 0; i < (int)total; i++)
			if (before[i].pid == a->pid && before[i].vcpu_id == a->vcpu_id)
				b = &before[i];
		CHECK(b && a->grants > b->grants && a->run_ns > b->run_ns,
		      "VM %d vCPU %u got no grant during the races", a->pid, a->vcpu_id);
	}
	ktap_case_done("every_vcpu_progressed");

	for (i = 0; i < nr_vms; i++) {
		kill(w[i].pid, SIGTERM);
		e = workload_wait(&w[i]);
		CHECK(e == 0, "VM %d exit %d", i, e);
	}
	vms_status(fd, &st);
	for (i = 0; i < 50 && st.nr_vms; i++) {
		usleep(100000);
		vms_status(fd, &st);
	}
	CHECK(st.nr_vms == 0 && st.nr_vcpus == 0, "%u VMs %u vCPUs left after exit", st.nr_vms,
	      st.nr_vcpus);
	close(fd);
	mod_unload_all();
	ktap_case_done("clean_exit");
	return ktap_finish();
}
