// SPDX-License-Identifier: GPL-2.0
/*
 * Pools under load, at scale: on a test VM with 8 CPUs, the default pool
 * keeps CPUs 0-1 and pools p1, p2, p3 take 2-3, 4-5, 6-7 (generally: one
 * pool per pair of online CPUs, the default pool the first pair and any
 * odd CPU). 8 workload VMs of 4 vCPUs (half spin, half duty: busy 2 ms,
 * halt 2 ms), 2 VMs per pool. For --seconds, one thread per pool
 * activates random policies (fair, rr, bvt, t_fifo, t_fifo2: those
 * registered) with random in-range global parameters in its pool as fast
 * as it can, all pools at once, while one thread moves a VM to the next
 * pool every ~200 ms and back (a different VM each round trip, to and
 * from the default pool too).
 *
 * Checked:
 *  - setup: the pools are listed with their CPUs, every VM is in its
 *    pool and its vCPU threads may run only on that pool's CPUs;
 *  - every activation succeeds or fails with an errno the race explains
 *    (EINVAL: a combination of values the policy refuses; ENOSPC: fair's
 *    reservations), every move succeeds; each pool swapped at least once
 *    every 2 s and the mover made at least one round trip every 4 s;
 *  - every vCPU progressed during the races as its VMM measured it (rate
 *    > 0; the minimum is printed per profile) and got grants and run time
 *    from the kernel;
 *  - POOL_LIST: no watchdog event or policy error in any pool, the pools'
 *    VM and vCPU counts add up to the VMs started (2 VMs in each), no pool
 *    holds more grants than it has CPUs;
 *  - each VM's vCPU threads' Cpus_allowed_list is within its pool's CPUs,
 *    and the kernel logged no confinement failure;
 *  - destroying every pool brings every VM back to the default pool (of
 *    every online CPU) with its threads' affinity of before the pools;
 *  - the kernel logged no splat.
 *
 *   pools_load [--seconds N]       default 10 s; `make soak` runs 30 s
 *
 * Needs at least 4 online CPUs (two pools of 2): with fewer it fails at
 * once, saying so, before loading anything (run_vm.sh leaves it out of
 * boots with fewer than 4 CPUs; make check gives it a boot of 8).
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

#include "vmsched_pool.h"
#include "vmsched_test.h"

#define MAX_POOLS	POOL_LIST_MAX	/* the default pool included */
#define VMS_PER_POOL	2
#define MAX_VMS		(MAX_POOLS * VMS_PER_POOL)
#define NR_VCPUS	4
#define MAX_POLICIES	8
#define MAX_PARAMS	24
#define NR_ERRNO	160
#define MOVE_MS		200
#define NR_CASES	7
/* the kernel's words for a thread it could not confine to its pool */
#define CONFINE_FAILED	"may run on none of its CPUs|affinity [0-9,-]* not set"

static const char *const profiles[] = { "spin", "duty" };
static const char *const candidates[] = { "t_fifo", "t_fifo2", "rr", "bvt", "fair" };

struct policy {
	const char *name;
	struct vmsched_param_info params[MAX_PARAMS];	/* its global ones */
	unsigned int nr_params;
};

struct pool {
	char name[VMSCHED_NAME_MAX];
	char cpus[64];			/* CPU list */
	__u64 mask[VMSCHED_CPU_WORDS];
	unsigned long long swaps0;	/* POOL_LIST's swaps before the races */
};

struct racer {
	pthread_t th;
	unsigned int seed;
	int pool;			/* index in pools[], -1: the mover */
	unsigned long ops, ok, by_errno[NR_ERRNO];
	unsigned long moves;		/* the mover's */
	char first_bad[160];		/* the first call that failed unexplained */
};

static struct policy policies[MAX_POLICIES];
static struct pool pools[MAX_POOLS];
static int nr_policies, nr_pools, nr_vms, seconds = 10, fd;
static struct workload w[MAX_VMS];
static pid_t tids[MAX_VMS][NR_VCPUS];
static char home_affinity[MAX_VMS][NR_VCPUS][64];
static char default_cpus0[256];	/* the default pool's CPUs before the pools */
static atomic_bool racing;

static unsigned int rnd(struct racer *r)
{
	return rand_r(&r->seed);
}

/* VM @k's pool: 2 per pool, the first two in the default pool */
static int home_pool(int k)
{
	return k / VMS_PER_POOL;
}

static void count(struct racer *r, int ret, const char *what)
{
	r->ops++;
	if (!ret) {
		r->ok++;
		return;
	}
	r->by_errno[-ret < NR_ERRNO ? -ret : 0]++;
	if (!r->first_bad[0] && ((r->pool >= 0 && ret != -EINVAL && ret != -ENOSPC) ||
				 r->pool < 0))
		snprintf(r->first_bad, sizeof(r->first_bad), "%s: %s", what, strerror(-ret));
}

/* a random policy with up to 3 random in-range global parameters, in its pool */
static void *race_pool(void *arg)
{
	struct racer *r = arg;
	struct vmsched_kv kv[3];
	char what[128];
	unsigned int n, i, j, tries;
	int ret;

	while (atomic_load(&racing)) {
		const struct policy *p = &policies[rnd(r) % nr_policies];

		n = p->nr_params ? rnd(r) % (p->nr_params < 3 ? p->nr_params + 1 : 4) : 0;
		for (i = 0; i < n; i++) {
			const struct vmsched_param_info *d;
			unsigned long long span;

			/* distinct keys: a pair picked twice is dropped */
			for (tries = 0; tries < 8; tries++) {
				d = &p->params[rnd(r) % p->nr_params];
				for (j = 0; j < i && strcmp(kv[j].key, d->name); j++)
					;
				if (j == i)
					break;
			}
			if (tries == 8)
				break;
			span = d->max - d->min;
			memset(&kv[i], 0, sizeof(kv[i]));
			snprintf(kv[i].key, sizeof(kv[i].key), "%s", d->name);
			kv[i].value = d->min + (span ? ((unsigned long long)rnd(r) << 31 | rnd(r)) %
						       (span + 1) : 0);
		}
		n = i;
		ret = pool_activate(fd, pools[r->pool].name, p->name, kv, n);
		snprintf(what, sizeof(what), "activate %s in %s with %u parameters", p->name,
			 pools[r->pool].name, n);
		count(r, ret, what);
	}
	return NULL;
}

/* VM k to the next pool and back, every MOVE_MS, k taking turns; ends home */
static void *race_moves(void *arg)
{
	struct racer *r = arg;
	char what[128];
	int round, k, to, ret;

	for (round = 0; atomic_load(&racing); round++) {
		k = round % nr_vms;
		to = (home_pool(k) + 1) % nr_pools;
		ret = pool_move(fd, w[k].pid, pools[to].name);
		snprintf(what, sizeof(what), "move VM %d to %s", k, pools[to].name);
		count(r, ret, what);
		r->moves += !ret;
		usleep(MOVE_MS * 1000);
		ret = pool_move(fd, w[k].pid, pools[home_pool(k)].name);
		snprintf(what, sizeof(what), "move VM %d back to %s", k, pools[home_pool(k)].name);
		count(r, ret, what);
		r->moves += !ret;
		usleep(MOVE_MS * 1000);
	}
	return NULL;
}

static void find_policies(void)
{
	static const char *const mods[] = { "rr_sched", "bvt_sched", "fair_sched" };
	struct vmsched_param_info all[MAX_PARAMS];
	unsigned int i, j, n;

	for (i = 0; i < 3; i++)
		mod_load(mods[i], NULL);
	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		struct policy *p = &policies[nr_policies];
		struct vmsched_policy_params pp = {
			.list = { .buf = (unsigned long)all, .count = MAX_PARAMS,
				  .entry_size = sizeof(all[0]) },
		};

		snprintf(pp.name, sizeof(pp.name), "%s", candidates[i]);
		if (vms_ioctl(fd, VMSCHED_IOC_POLICY_PARAMS, &pp))
			continue;
		p->name = candidates[i];
		n = pp.list.count < MAX_PARAMS ? pp.list.count : MAX_PARAMS;
		for (j = 0; j < n; j++)
			if (all[j].scope == VMSCHED_SCOPE_GLOBAL)
				p->params[p->nr_params++] = all[j];
		nr_policies++;
	}
}

/*
 * the pools of the online CPUs: the default pool the first pair, one pool
 * per further pair (MAX_POOLS in all), the default pool any CPU left
 */
static void plan_pools(const __u64 *online)
{
	int cpu, n = 0, i;

	memset(pools, 0, sizeof(pools));
	snprintf(pools[0].name, sizeof(pools[0].name), VMSCHED_POOL_DEFAULT);
	nr_pools = 1;
	for (cpu = 0; cpu < VMSCHED_CPU_WORDS * 64; cpu++) {
		if (!(online[cpu / 64] >> (cpu % 64) & 1))
			continue;
		i = n / 2 < MAX_POOLS ? n / 2 : 0;
		if (i && n % 2 == 0) {
			/* a pool only for a whole pair: look for the pair's second CPU */
			int next = cpu + 1;

			while (next < VMSCHED_CPU_WORDS * 64 && !(online[next / 64] >> (next % 64) & 1))
				next++;
			if (next == VMSCHED_CPU_WORDS * 64)
				i = 0;
		}
		if (i && i == nr_pools) {
			snprintf(pools[i].name, sizeof(pools[i].name), "p%d", i);
			nr_pools++;
		}
		pools[i].mask[cpu / 64] |= 1ull << (cpu % 64);
		n++;
	}
	for (i = 0; i < nr_pools; i++)
		cpulist_format(pools[i].mask, VMSCHED_CPU_WORDS, pools[i].cpus,
			       sizeof(pools[i].cpus));
	nr_vms = nr_pools * VMS_PER_POOL;
}

static int pool_index(const char *name)
{
	int i;

	for (i = 0; i < nr_pools; i++)
		if (!strcmp(pools[i].name, name))
			return i;
	return -1;
}

static bool subset(const __u64 *a, const __u64 *b)
{
	int i;

	for (i = 0; i < VMSCHED_CPU_WORDS; i++)
		if (a[i] & ~b[i])
			return false;
	return true;
}

/*
 * CHECK that every VM is in pool @want (its home pool if NULL) and that
 * its vCPU threads may run only on that pool's CPUs, or (@home) exactly
 * on the CPUs they had before the pools
 */
static void check_vms_placed(const char *want, bool home, const char *when)
{
	__u64 got[VMSCHED_CPU_WORDS];
	char pool[VMSCHED_NAME_MAX], list[64];
	int k, v, p, ret, bad = 0;

	for (k = 0; k < nr_vms; k++) {
		p = want ? pool_index(want) : home_pool(k);
		ret = vm_pool_name(fd, w[k].pid, pool, sizeof(pool));
		CHECK(ret == 0 && p >= 0 && !strcmp(pool, pools[p].name),
		      "%s: VM %d in pool '%s' (%s), want '%s'", when, k, ret ? "?" : pool,
		      strerror(-ret), p >= 0 ? pools[p].name : "?");
		for (v = 0; v < NR_VCPUS; v++) {
			list[0] = 0;
			ret = thread_cpus_allowed(w[k].pid, tids[k][v], list, sizeof(list));
			if (!ret)
				ret = cpulist_parse(list, got, VMSCHED_CPU_WORDS);
			if (home) {
				ret = ret ? ret : strcmp(list, home_affinity[k][v]) ? -EDOM : 0;
				CHECK(ret == 0, "%s: VM %d vCPU thread %d on CPUs '%s', before the pools '%s'",
				      when, k, tids[k][v], list, home_affinity[k][v]);
			} else {
				const __u64 *m = p >= 0 ? pools[p].mask : NULL;

				ret = ret ? ret : (!m || !subset(got, m)) ? -EDOM : 0;
				CHECK(ret == 0, "%s: VM %d vCPU thread %d on CPUs '%s', outside pool %s's '%s'",
				      when, k, tids[k][v], list, p >= 0 ? pools[p].name : "?",
				      p >= 0 ? pools[p].cpus : "?");
			}
			bad += ret != 0;
		}
	}
	ktap_info("%s: %d VMs placed, %d of %d vCPU threads on the wrong CPUs", when, nr_vms, bad,
		  nr_vms * NR_VCPUS);
}

/* add every interval line the workloads printed since the last call */
static void collect(long long sum[][NR_VCPUS], int lines[])
{
	long long r[WL_MEASURE_VCPUS];
	int k, v, n;

	for (k = 0; k < nr_vms; k++) {
		while ((n = workload_sample(&w[k], r, WL_MEASURE_VCPUS, 0)) > 0) {
			for (v = 0; v < n && v < NR_VCPUS; v++)
				sum[k][v] += r[v];
			lines[k]++;
		}
	}
}

static void parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			seconds = atoi(optarg);
		else
			ktap_fail_all("pools_load_arguments", "usage: pools_load [--seconds N]");
	}
	if (seconds < 1)
		ktap_fail_all("pools_load_arguments", "bad arguments: --seconds must be at least 1");
}

/* the online CPUs into @online; fail (before loading anything) with fewer than 4 */
static void need_cpus(__u64 *online)
{
	char list[256];
	int ret = cpulist_read("/sys/devices/system/cpu/online", list, sizeof(list)), n = 0, i;

	if (!ret)
		ret = cpulist_parse(list, online, VMSCHED_CPU_WORDS);
	if (ret)
		ktap_fail_all("pools_load_cpus", "cannot read the online CPUs: %s", strerror(-ret));
	for (i = 0; i < VMSCHED_CPU_WORDS; i++)
		n += __builtin_popcountll(online[i]);
	if (n < 4)
		ktap_fail_all("pools_load_cpus",
			      "needs at least 4 online CPUs (two pools of 2), this machine has %d (%s)",
			      n, list);
}

/* pools created, a policy active in each, VMs started and moved to their pools */
static void set_up(void)
{
	const char *first = nr_policies ? policies[0].name : "t_fifo";
	struct vmsched_pool_info pi[POOL_LIST_MAX];
	const struct vmsched_pool_info *def;
	char name[16], vcpus[8];
	int k, v, i, n, ret;

	ret = vms_activate(fd, first, NULL, 0);
	CHECK(ret == 0, "activate %s in the default pool: %s", first, strerror(-ret));
	snprintf(vcpus, sizeof(vcpus), "%d", NR_VCPUS);
	for (k = 0; k < nr_vms; k++) {
		const char *args[] = { "--name", name, "--vcpus", vcpus, "--duration", "3600",
				       "--profile", profiles[k % 2], "--run-us", "2000",
				       "--halt-us", "2000", "--interval", "500", NULL };

		snprintf(name, sizeof(name), "pload%d", k);
		ret = workload_start(&w[k], args);
		CHECK(ret == 0, "start VM %d: %s", k, strerror(-ret));
	}
	for (k = 0; k < nr_vms; k++) {
		ret = vms_wait_vm(fd, w[k].pid, NR_VCPUS, 60000);
		CHECK(ret == 0, "VM %d: the core does not know its %d vCPUs: %s", k, NR_VCPUS,
		      strerror(-ret));
		ret = vm_vcpu_tids(w[k].pid, tids[k], NR_VCPUS);
		CHECK(ret == NR_VCPUS, "VM %d: %d vCPU threads, want %d", k, ret, NR_VCPUS);
		for (v = 0; v < NR_VCPUS; v++)
			if (v >= ret || thread_cpus_allowed(w[k].pid, tids[k][v], home_affinity[k][v],
							    sizeof(home_affinity[k][v])))
				snprintf(home_affinity[k][v], sizeof(home_affinity[k][v]), "?");
	}
	ktap_info("before the pools: VM 0 vCPU thread %d on CPUs '%s'", tids[0][0],
		  home_affinity[0][0]);

	/* its possible CPUs, which may be more than the online ones */
	n = pool_list(fd, pi, POOL_LIST_MAX);
	def = pool_find(pi, n, VMSCHED_POOL_DEFAULT);
	CHECK(n == 1 && def, "POOL_LIST before the pools: %d pools (%s)", n,
	      n < 0 ? strerror(-n) : def ? "default listed" : "no default");
	if (def)
		cpulist_format(def->cpus, VMSCHED_CPU_WORDS, default_cpus0, sizeof(default_cpus0));
	for (i = 1; i < nr_pools; i++) {
		ret = pool_create(fd, pools[i].name, pools[i].cpus);
		CHECK(ret == 0, "create pool %s of CPUs %s: %s", pools[i].name, pools[i].cpus,
		      strerror(-ret));
		ret = pool_activate(fd, pools[i].name, first, NULL, 0);
		CHECK(ret == 0, "activate %s in %s: %s", first, pools[i].name, strerror(-ret));
	}
	n = pool_list(fd, pi, POOL_LIST_MAX);
	def = pool_find(pi, n, VMSCHED_POOL_DEFAULT);
	for (i = 1; i < nr_pools && def; i++)
		for (k = 0; k < VMSCHED_CPU_WORDS; k++)
			CHECK(!(def->cpus[k] & pools[i].mask[k]), "the default pool kept CPUs of %s",
			      pools[i].name);
	if (def) {	/* the online ones planned and any offline possible one */
		memcpy(pools[0].mask, def->cpus, sizeof(pools[0].mask));
		cpulist_format(pools[0].mask, VMSCHED_CPU_WORDS, pools[0].cpus,
			       sizeof(pools[0].cpus));
	}
	for (i = 0; i < nr_pools; i++)
		check_pool(fd, pools[i].name, pools[i].cpus, first);
	for (k = VMS_PER_POOL; k < nr_vms; k++) {
		ret = pool_move(fd, w[k].pid, pools[home_pool(k)].name);
		CHECK(ret == 0, "move VM %d to %s: %s", k, pools[home_pool(k)].name,
		      strerror(-ret));
	}
	check_vms_placed(NULL, false, "set up");
	ktap_case_done("pools_set_up");
}

/* the racers' calls: CHECK that every error is one the race explains */
static void check_races(struct racer *racers, int n)
{
	unsigned long errs[NR_ERRNO] = { 0 }, ops = 0, ok = 0;
	struct vmsched_pool_info pi[POOL_LIST_MAX];
	const struct vmsched_pool_info *p;
	char line[256] = "";
	size_t len = 0;
	int i, e, np;

	for (i = 0; i < n; i++) {
		ops += racers[i].ops;
		ok += racers[i].ok;
		for (e = 0; e < NR_ERRNO; e++)
			errs[e] += racers[i].by_errno[e];
		CHECK(!racers[i].first_bad[0], "%s: an errno the races do not explain: %s",
		      racers[i].pool < 0 ? "mover" : pools[racers[i].pool].name,
		      racers[i].first_bad);
	}
	for (e = 0; e < NR_ERRNO; e++)
		if (errs[e] && len < sizeof(line))
			len += snprintf(line + len, sizeof(line) - len, " %s=%lu",
					e ? strerrorname_np(e) : "other", errs[e]);
	ktap_info("%lu calls (%lu/s), %lu succeeded, errors:%s", ops, ops / seconds, ok,
		  len ? line : " none");

	np = pool_list(fd, pi, POOL_LIST_MAX);
	for (i = 0; i < nr_pools; i++) {
		unsigned long long swaps;

		p = pool_find(pi, np, pools[i].name);
		swaps = p ? p->swaps - pools[i].swaps0 : 0;
		ktap_info("pool %s (CPUs %s): %llu swaps in %d s (%.1f/s), %lu of %lu activations succeeded, last swap %llu us, longest %llu us",
			  pools[i].name, pools[i].cpus, swaps, seconds, (double)swaps / seconds,
			  racers[i].ok, racers[i].ops, p ? (unsigned long long)p->last_swap_ns / 1000 : 0,
			  p ? (unsigned long long)p->max_swap_ns / 1000 : 0);
		/* each swap waits for a grace period; the pools share the core's lock */
		CHECK(p && swaps >= (unsigned long long)seconds / 2 + 1,
		      "pool %s: %llu swaps in %d s", pools[i].name, swaps, seconds);
	}
	ktap_info("mover: %lu moves done (%.1f/s)", racers[n - 1].moves,
		  (double)racers[n - 1].moves / seconds);
	CHECK(racers[n - 1].moves >= (unsigned long)seconds / 2 + 2,
	      "only %lu moves in %d s", racers[n - 1].moves, seconds);
	ktap_case_done("races_errnos_explained");
}

/* CHECK that every vCPU progressed and got grants during the races */
static void check_progress(long long sum[][NR_VCPUS], const int *lines,
			   const struct vmsched_vcpu_stats *before, unsigned int nb,
			   const struct vmsched_vcpu_stats *after, unsigned int na)
{
	long long min_rate[2] = { -1, -1 }, rate;
	unsigned int i, j;
	int k, v, seen;

	for (k = 0; k < nr_vms; k++) {
		for (v = 0; v < NR_VCPUS; v++) {
			rate = lines[k] ? sum[k][v] / lines[k] : -1;
			CHECK(rate > 0, "VM %d (%s) vCPU %d: rate %lld over %d lines", k,
			      profiles[k % 2], v, rate, lines[k]);
			if (min_rate[k % 2] < 0 || rate < min_rate[k % 2])
				min_rate[k % 2] = rate;
		}
	}
	ktap_info("minimum progress rate during the races: spin %lld/s, duty %lld/s", min_rate[0],
		  min_rate[1]);
	for (k = 0; k < nr_vms; k++) {
		seen = 0;
		for (i = 0; i < na; i++) {
			const struct vmsched_vcpu_stats *a = &after[i], *b = NULL;

			if (a->pid != w[k].pid)
				continue;
			seen++;
			for (j = 0; j < nb; j++)
				if (before[j].pid == a->pid && before[j].vcpu_id == a->vcpu_id)
					b = &before[j];
			CHECK(b && a->grants > b->grants && a->run_ns > b->run_ns,
			      "VM %d vCPU %u got no grant or run time during the races", k,
			      a->vcpu_id);
		}
		CHECK(seen == NR_VCPUS, "VM %d: %d vCPUs in the statistics, want %d", k, seen,
		      NR_VCPUS);
	}
	ktap_case_done("every_vcpu_progressed");
}

/* CHECK POOL_LIST: healthy pools whose counts add up to the VMs started */
static void check_pools_consistent(void)
{
	struct vmsched_pool_info pi[POOL_LIST_MAX];
	const struct vmsched_pool_info *p;
	unsigned int vms = 0, vcpus = 0;
	int n = pool_list(fd, pi, POOL_LIST_MAX), i;

	check_pools_healthy(fd, "after the races");
	CHECK(n == nr_pools, "POOL_LIST: %d pools, want %d", n, nr_pools);
	for (i = 0; i < nr_pools; i++) {
		p = pool_find(pi, n, pools[i].name);
		CHECK(p, "pool %s not listed", pools[i].name);
		if (!p)
			continue;
		vms += p->nr_vms;
		vcpus += p->nr_vcpus;
		ktap_info("pool %s: policy '%s', %u VMs, %u vCPUs, %u of %u CPUs granted, %u gated",
			  p->name, p->active, p->nr_vms, p->nr_vcpus, p->nr_granted, p->nr_cpus,
			  p->nr_gated);
		CHECK(p->nr_vms == VMS_PER_POOL && p->nr_vcpus == VMS_PER_POOL * NR_VCPUS,
		      "pool %s: %u VMs %u vCPUs, want %d and %d", p->name, p->nr_vms, p->nr_vcpus,
		      VMS_PER_POOL, VMS_PER_POOL * NR_VCPUS);
		CHECK(p->nr_granted <= p->nr_cpus, "pool %s: %u granted > %u CPUs", p->name,
		      p->nr_granted, p->nr_cpus);
	}
	CHECK(vms == (unsigned int)nr_vms && vcpus == (unsigned int)(nr_vms * NR_VCPUS),
	      "the pools hold %u VMs and %u vCPUs, %d and %d were started", vms, vcpus, nr_vms,
	      nr_vms * NR_VCPUS);
	ktap_case_done("pools_consistent");
}

/* destroy every pool: every VM back in the default pool with its affinity */
static void check_destroy(void)
{
	struct vmsched_pool_info pi[POOL_LIST_MAX];
	const struct vmsched_pool_info *def;
	int i, n, ret;

	for (i = nr_pools - 1; i > 0; i--) {
		ret = pool_destroy(fd, pools[i].name);
		CHECK(ret == 0, "destroy pool %s: %s", pools[i].name, strerror(-ret));
	}
	n = pool_list(fd, pi, POOL_LIST_MAX);
	def = pool_find(pi, n, VMSCHED_POOL_DEFAULT);
	ktap_info("after destroying the pools: %d listed, default with %u VMs %u vCPUs",
		  n, def ? def->nr_vms : 0, def ? def->nr_vcpus : 0);
	CHECK(n == 1 && def && def->nr_vms == (unsigned int)nr_vms &&
	      def->nr_vcpus == (unsigned int)(nr_vms * NR_VCPUS),
	      "POOL_LIST: %d pools, default with %u VMs %u vCPUs, want 1 and %d, %d", n,
	      def ? def->nr_vms : 0, def ? def->nr_vcpus : 0, nr_vms, nr_vms * NR_VCPUS);
	check_pool(fd, VMSCHED_POOL_DEFAULT, default_cpus0, def ? def->active : "");
	check_vms_placed(VMSCHED_POOL_DEFAULT, true, "pools destroyed");
	ktap_case_done("destroy_restores_default_and_affinity");
}

int main(int argc, char **argv)
{
	static struct vmsched_vcpu_stats before[MAX_VMS * NR_VCPUS], after[MAX_VMS * NR_VCPUS];
	static struct vmsched_vm_stats vms[MAX_VMS];
	static long long sum[MAX_VMS][NR_VCPUS];
	struct vmsched_pool_info pi[POOL_LIST_MAX];
	struct racer racers[MAX_POOLS + 1];
	const struct vmsched_pool_info *p;
	int lines[MAX_VMS] = { 0 }, i, k, ret, np, splats0, splats, confine0, confine;
	__u64 online[VMSCHED_CPU_WORDS];
	unsigned int nvm, nb, na, total;
	long long t0;

	parse_args(argc, argv);
	need_cpus(online);
	setup_or_skip(true);
	fd = vms_open();
	if (fd < 0)
		ktap_fail_all("pools_load_device", "cannot open /dev/vmsched: %s", strerror(-fd));
	find_policies();
	plan_pools(online);
	total = nr_vms * NR_VCPUS;
	/* not a watchdog test: a stalled TCG test VM must not look like starvation */
	write_file(WATCHDOG_PARAM, "10000");
	ktap_plan(NR_CASES);
	splats0 = kernel_splats();
	confine0 = kernel_log_count(CONFINE_FAILED);
	ktap_info("%d pools of %d online CPUs, %d VMs of %d vCPUs (spin, duty), %d policies, racing %d s",
		  nr_pools, nr_pools * 2, nr_vms, NR_VCPUS, nr_policies, seconds);
	for (i = 0; i < nr_pools; i++)
		ktap_info("pool %s: CPUs %s, VMs %d and %d", pools[i].name, pools[i].cpus,
			  i * VMS_PER_POOL, i * VMS_PER_POOL + 1);
	CHECK(nr_policies > 0, "no policy registered");
	if (!nr_policies) {
		for (i = 0; i < NR_CASES; i++)
			ktap_result(false, "policies");
		mod_unload_all();
		return ktap_finish();
	}
	set_up();

	sleep(1);
	nvm = MAX_VMS;
	nb = total;
	ret = vms_stats_get(fd, 0, vms, &nvm, before, &nb);
	CHECK(ret == 0 && nb == total, "stats before: %s, %u vCPUs", strerror(-ret), nb);
	np = pool_list(fd, pi, POOL_LIST_MAX);
	for (i = 0; i < nr_pools; i++) {
		p = pool_find(pi, np, pools[i].name);
		pools[i].swaps0 = p ? p->swaps : 0;
	}
	collect(sum, lines);
	memset(sum, 0, sizeof(sum));
	memset(lines, 0, sizeof(lines));

	atomic_store(&racing, true);
	memset(racers, 0, sizeof(racers));
	for (i = 0; i <= nr_pools; i++) {
		racers[i].seed = getpid() * 31 + i;
		racers[i].pool = i < nr_pools ? i : -1;
		pthread_create(&racers[i].th, NULL, i < nr_pools ? race_pool : race_moves,
			       &racers[i]);
	}
	t0 = now_ms();
	while (now_ms() - t0 < seconds * 1000LL) {
		usleep(200000);
		collect(sum, lines);
	}
	atomic_store(&racing, false);
	for (i = 0; i <= nr_pools; i++)
		pthread_join(racers[i].th, NULL);
	collect(sum, lines);
	nvm = MAX_VMS;
	na = total;
	ret = vms_stats_get(fd, 0, vms, &nvm, after, &na);
	CHECK(ret == 0 && na == total, "stats after: %s, %u vCPUs", strerror(-ret), na);

	check_races(racers, nr_pools + 1);
	check_progress(sum, lines, before, nb < total ? nb : total, after,
		       na < total ? na : total);
	check_pools_consistent();

	check_vms_placed(NULL, false, "after the races");
	confine = kernel_log_count(CONFINE_FAILED);
	ktap_info("kernel log: %d confinement failures before, %d after", confine0, confine);
	CHECK(confine == confine0, "the kernel could not confine threads: %d lines before, %d after",
	      confine0, confine);
	ktap_case_done("affinity_within_pools");

	check_destroy();

	for (k = 0; k < nr_vms; k++) {
		if (w[k].pid <= 0)
			continue;
		kill(w[k].pid, SIGTERM);
		ret = workload_wait(&w[k]);
		CHECK(ret == 0, "VM %d exit %d", k, ret);
	}
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	close(fd);
	mod_unload_all();
	splats = kernel_splats();
	ktap_info("kernel log splats: %d at the start, %d at the end", splats0, splats);
	CHECK(splats == splats0, "kernel log splats: %d at the start, %d at the end", splats0,
	      splats);
	ktap_case_done("no_splat_clean_exit");
	return ktap_finish();
}
