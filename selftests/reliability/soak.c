// SPDX-License-Identifier: GPL-2.0
/*
 * Long run (make soak): mixed load and swaps for --seconds (default 600).
 *
 * Six VM slots run workloads of random profile (spin, duty, latency) and
 * size (1-3 vCPUs) for random durations; some are killed with SIGKILL,
 * every one is replaced. A thread activates random policies, deactivates
 * and sets parameters every 20-300 ms. Every second the statistics are
 * sampled and checked against the previous sample of the same vCPU, and
 * every swap is bracketed by two samples that are compared too:
 *   - every counter is monotonic (run_ns, wait_ns, grants, preemptions,
 *     wakeups, lat_count, lat_max_ns) and the swap count too;
 *   - nothing overflows or wraps: run_ns and wait_ns grow by at most the
 *     wall time that passed (plus 50 ms), grants by at most one per 10 us,
 *     no value reaches 2^62; lat_p50 <= lat_p99 <= lat_max;
 *   - grants never exceed slots, no watchdog event, no policy error.
 * At the end every VM is reaped. Prints samples, checks and the largest
 * values seen.
 *
 * -H (host only): the same churning VMs with none of our modules loaded and
 * no checks but the VMs' own exit status: the control run that tells a
 * failure of the (emulated) machine from one of ours.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmsched_test.h"


#define SLOTS		6
#define MAX_SEEN	4096
#define HUGE		(1ull << 62)

static const char *const profiles[] = { "spin", "duty", "latency" };
static const char *const policies[] = { "t_fifo", "t_fifo2", "rr", "bvt", "fair" };
static int fd, seconds = 600;
static atomic_bool running = true;
static atomic_ulong swaps_made, swap_checks;

/* the last sample of one vCPU (key: pid, vcpu_id, tid) */
struct seen {
	struct vmsched_vcpu_stats s;
	long long t_ms;
};

static struct seen seen[MAX_SEEN];
static int nr_seen;
static unsigned long checks, violations;

static pthread_mutex_t violation_lock = PTHREAD_MUTEX_INITIALIZER;

static void violation(const char *what, int pid, unsigned int id, unsigned long long a,
		      unsigned long long b)
{
	pthread_mutex_lock(&violation_lock);
	violations++;
	if (violations <= 10)
		CHECK(0, "VM %d vCPU %u: %s (%llu -> %llu)", pid, id, what, a, b);
	pthread_mutex_unlock(&violation_lock);
}

static struct seen *find_seen(const struct vmsched_vcpu_stats *s)
{
	int i;

	for (i = 0; i < nr_seen; i++)
		if (seen[i].s.pid == s->pid && seen[i].s.vcpu_id == s->vcpu_id &&
		    seen[i].s.tid == s->tid)
			return &seen[i];
	if (nr_seen == MAX_SEEN)
		return NULL;
	memset(&seen[nr_seen], 0, sizeof(seen[0]));
	seen[nr_seen].t_ms = -1;
	return &seen[nr_seen++];
}

#define MONOTONIC(field)						\
	do {								\
		checks++;						\
		if (s->field < p->s.field)				\
			violation(#field " went back", s->pid, s->vcpu_id, \
				  p->s.field, s->field);		\
		if (s->field >= HUGE)					\
			violation(#field " absurd", s->pid, s->vcpu_id,	\
				  p->s.field, s->field);		\
	} while (0)

static void check_vcpu(const struct vmsched_vcpu_stats *s, long long t)
{
	struct seen *p = find_seen(s);
	unsigned long long wall_ns;

	if (!p)
		return;
	if (s->lat_count) {
		checks++;
		if (s->lat_p50_ns > s->lat_p99_ns || s->lat_p99_ns > s->lat_max_ns)
			violation("latency percentiles out of order", s->pid, s->vcpu_id,
				  s->lat_p50_ns, s->lat_max_ns);
	}
	if (p->t_ms >= 0) {
		MONOTONIC(run_ns);
		MONOTONIC(wait_ns);
		MONOTONIC(grants);
		MONOTONIC(preemptions);
		MONOTONIC(wakeups);
		MONOTONIC(lat_count);
		MONOTONIC(lat_max_ns);
		wall_ns = (t - p->t_ms) * 1000000ull + 50000000ull;
		checks += 3;
		/* growth within the wall time (a counter that went back is reported above) */
		if (s->run_ns >= p->s.run_ns && s->run_ns - p->s.run_ns > wall_ns)
			violation("ran longer than the wall time", s->pid, s->vcpu_id,
				  p->s.run_ns, s->run_ns);
		if (s->wait_ns >= p->s.wait_ns && s->wait_ns - p->s.wait_ns > wall_ns)
			violation("waited longer than the wall time", s->pid, s->vcpu_id,
				  p->s.wait_ns, s->wait_ns);
		if (s->grants >= p->s.grants && s->grants - p->s.grants > wall_ns / 10000)
			violation("more grants than 10 us slices fit", s->pid, s->vcpu_id,
				  p->s.grants, s->grants);
	}
	p->s = *s;
	p->t_ms = t;
}

static void sample(unsigned long long *last_swaps, unsigned long long *max_run)
{
	static struct vmsched_vcpu_stats vcs[64];
	struct vmsched_vm_stats vms[16];
	unsigned int nvm = 16, nvc = 64, i;
	struct vmsched_status st;
	long long t = now_ms();

	if (vms_stats_get(fd, 0, vms, &nvm, vcs, &nvc)) {
		violation("STATS failed", 0, 0, 0, 0);
		return;
	}
	for (i = 0; i < nvc && i < 64; i++) {
		check_vcpu(&vcs[i], t);
		if (vcs[i].run_ns > *max_run)
			*max_run = vcs[i].run_ns;
	}
	vms_status(fd, &st);
	checks += 4;
	if (st.swaps < *last_swaps)
		violation("swap count went back", 0, 0, *last_swaps, st.swaps);
	if (st.max_swap_ns < st.last_swap_ns)
		violation("longest swap shorter than the last", 0, 0, st.max_swap_ns,
			  st.last_swap_ns);
	if (st.nr_granted > st.nr_slots)
		violation("more grants than slots", 0, 0, st.nr_slots, st.nr_granted);
	if (st.watchdog_events || st.policy_errors)
		violation("watchdog events or policy errors", 0, 0, st.watchdog_events,
			  st.policy_errors);
	*last_swaps = st.swaps;
}

static unsigned int snap(struct vmsched_vcpu_stats *vcs, unsigned int max)
{
	unsigned int nvm = 0, nvc = max;

	return vms_stats_get(fd, 0, NULL, &nvm, vcs, &nvc) ? 0 : (nvc < max ? nvc : max);
}

/* counters "survive swaps" (uapi): compare right before and after one */
static void check_swap(const struct vmsched_vcpu_stats *b, unsigned int nb,
		       const struct vmsched_vcpu_stats *a, unsigned int na, bool deact)
{
	unsigned int i, j;

	for (i = 0; i < na; i++) {
		/* one entry per vCPU: a second one would be a vCPU discovered twice */
		for (j = 0; j < i; j++)
			if (a[j].pid == a[i].pid && a[j].vcpu_id == a[i].vcpu_id)
				violation("two statistics entries for one vCPU", a[i].pid,
					  a[i].vcpu_id, a[j].tid, a[i].tid);
		for (j = 0; j < nb; j++)
			if (b[j].pid == a[i].pid && b[j].vcpu_id == a[i].vcpu_id &&
			    b[j].tid == a[i].tid)
				break;
		if (j == nb)
			continue;
		atomic_fetch_add(&swap_checks, 1);
		if (a[i].run_ns < b[j].run_ns)
			violation(deact ? "run_ns went back across a deactivation" :
				  "run_ns went back across a swap", a[i].pid, a[i].vcpu_id,
				  b[j].run_ns, a[i].run_ns);
		if (a[i].wait_ns < b[j].wait_ns)
			violation(deact ? "wait_ns went back across a deactivation" :
				  "wait_ns went back across a swap", a[i].pid, a[i].vcpu_id,
				  b[j].wait_ns, a[i].wait_ns);
		if (a[i].grants < b[j].grants || a[i].preemptions < b[j].preemptions ||
		    a[i].wakeups < b[j].wakeups || a[i].lat_count < b[j].lat_count)
			violation("an event count went back across a swap", a[i].pid,
				  a[i].vcpu_id, b[j].grants, a[i].grants);
	}
}

static void *swapper(void *arg)
{
	static struct vmsched_vcpu_stats before[64], after[64];
	unsigned int seed = getpid(), r, nb, na;

	(void)arg;
	while (atomic_load(&running)) {
		r = rand_r(&seed) % 10;
		if (r < 7) {
			nb = snap(before, 64);
			if (r == 6)
				vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
			else if (!vms_activate(fd, policies[rand_r(&seed) % 5], NULL, 0))
				atomic_fetch_add(&swaps_made, 1);
			na = snap(after, 64);
			check_swap(before, nb, after, na, r == 6);
		} else {
			vms_set_param(fd, VMSCHED_SCOPE_GLOBAL, 0, 0, "slice",
				      100000 + rand_r(&seed) % 20000000);
		}
		usleep(20000 + rand_r(&seed) % 280000);
	}
	return NULL;
}

static void start_slot(struct workload *w, unsigned int *seed)
{
	char vcpus[4], dur[8];
	const char *args[] = { "--name", "soak", "--vcpus", vcpus, "--duration", dur,
			       "--profile", profiles[rand_r(seed) % 3], "--rate", "200", NULL };

	snprintf(vcpus, sizeof(vcpus), "%u", 1 + rand_r(seed) % 3);
	snprintf(dur, sizeof(dur), "%u", 20 + rand_r(seed) % 40);
	if (workload_start(w, args))
		w->pid = 0;
}

int main(int argc, char **argv)
{
	static struct workload w[SLOTS];
	unsigned long long last_swaps = 0, max_run = 0;
	unsigned long started = 0, killed = 0, samples = 0;
	unsigned int seed;
	struct vmsched_status st;
	pthread_t th;
	long long t0;
	bool host_only = false;
	int i, opt, status;

	while ((opt = getopt(argc, argv, "s:H")) != -1) {
		if (opt == 's')
			seconds = atoi(optarg);
		else if (opt == 'H')
			host_only = true;
		else
			ktap_skip_all("usage: soak [-s SECONDS] [-H]");
	}
	seed = getpid();
	if (host_only) {
		if (getuid() || !have_kvm())
			ktap_skip_all("needs root and /dev/kvm");
		mod_unload_all();
	} else {
		setup_or_skip(true);
		mod_load("rr_sched", NULL);
		mod_load("bvt_sched", NULL);
		mod_load("fair_sched", NULL);
		fd = vms_open();
		/*
		 * Not a watchdog test (faults is): an overloaded host stalls
		 * the TCG test VM for seconds ("clocksource: Long readout
		 * interval"), which the default 2 s limit takes for
		 * starvation. 10 s still catches it.
		 */
		write_file(WATCHDOG_PARAM, "10000");
	}
	ktap_plan(2);
	ktap_info("soak: %d s of 6 churning VMs and %s", seconds,
		  host_only ? "none of our modules (control run)" : "random swaps");
	for (i = 0; i < SLOTS; i++, started++)
		start_slot(&w[i], &seed);
	if (!host_only)
		pthread_create(&th, NULL, swapper, NULL);
	t0 = now_ms();
	while (now_ms() - t0 < seconds * 1000LL) {
		sleep(1);
		if (!host_only)
			sample(&last_swaps, &max_run);
		samples++;
		for (i = 0; i < SLOTS; i++) {
			if (w[i].pid > 0 && !(rand_r(&seed) % 60)) {
				kill(w[i].pid, SIGKILL);
				killed++;
			}
			if (w[i].pid > 0 && waitpid(w[i].pid, &status, WNOHANG) == 0)
				continue;
			if (w[i].pid > 0) {
				close(w[i].out_fd);
				checks++;
				if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) &&
				    !(WIFEXITED(status) && !WEXITSTATUS(status)))
					violation("workload failed", w[i].pid, 0, 0, status);
			}
			start_slot(&w[i], &seed);
			started++;
		}
	}
	atomic_store(&running, false);
	if (!host_only)
		pthread_join(th, NULL);
	ktap_info("%lu samples, %lu checks, %lu vCPUs compared across swaps, %lu violations",
		  samples, checks, atomic_load(&swap_checks), violations);
	ktap_info("%lu VMs started, %lu killed, %lu activations; largest run_ns %llu",
		  started, killed, atomic_load(&swaps_made), max_run);
	CHECK(violations == 0, "%lu violations", violations);
	CHECK(samples >= (unsigned long)seconds / 2, "only %lu samples", samples);
	ktap_case_done("counters_monotonic_and_bounded");

	if (host_only) {
		for (i = 0; i < SLOTS; i++)
			if (w[i].pid > 0)
				workload_kill(&w[i]);
		ktap_skip("everything_reaped", "no core loaded");
		return ktap_finish();
	}
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	for (i = 0; i < SLOTS; i++)
		if (w[i].pid > 0)
			workload_kill(&w[i]);
	for (i = 0; i < 50; i++) {
		vms_status(fd, &st);
		if (!st.nr_vms)
			break;
		usleep(100000);
	}
	CHECK(st.nr_vms == 0 && st.nr_vcpus == 0 && st.nr_granted == 0,
	      "left: %u VMs %u vCPUs %u granted", st.nr_vms, st.nr_vcpus, st.nr_granted);
	close(fd);
	mod_unload_all();
	ktap_case_done("everything_reaped");
	return ktap_finish();
}
