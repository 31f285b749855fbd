// SPDX-License-Identifier: GPL-2.0
/*
 * Simulation tests of the vmsched policies. Output is TAP ("TAP version
 * 13", "1..N", "ok"/"not ok" lines, diagnostics as "# ..."), ending with
 * the line "N passed, M failed".
 *
 *   tests            run everything
 *   tests -l         list the tests
 *   tests -t NAME    run the tests whose name contains NAME
 *
 * Every check compares a measured number with a target and a tolerance and
 * prints both, whether it passes or not. Each test runs in a child process,
 * so a crash is reported as a failure of that test.
 */
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "bvt/bvt.h"
#include "fair/fair.h"
#include "rr/rr.h"

#define MS	NSEC_PER_MSEC
#define US	NSEC_PER_USEC
#define SEC	NSEC_PER_SEC

struct test_ctx {
	const char *name;
	int failed;
};

#define CHECK(t, cond, fmt, ...)					\
	do {								\
		if (!(cond)) {						\
			(t)->failed = 1;				\
			printf("# %s:%d: FAIL %s: " fmt "\n", __FILE__,	\
			       __LINE__, #cond, ##__VA_ARGS__);		\
		}							\
	} while (0)

/* |got - want| <= tol, printed either way */
#define CHECK_NEAR(t, what, got, want, tol)				\
	check_near(t, __FILE__, __LINE__, what, got, want, tol)

static void check_near(struct test_ctx *t, const char *file, int line,
		       const char *what, double got, double want, double tol)
{
	bool ok = got >= want - tol && got <= want + tol;

	printf("# %-38s %10.5f want %10.5f +- %.5f%s\n", what, got, want, tol,
	       ok ? "" : "  FAIL");
	if (!ok) {
		printf("# %s:%d: FAIL %s\n", file, line, what);
		t->failed = 1;
	}
}

/* a bound on a measured time, printed either way */
static void check_at_most(struct test_ctx *t, const char *what, u64 got, u64 bound)
{
	bool ok = got <= bound;

	printf("# %-38s %10.3f ms, bound %.3f ms%s\n", what, got / 1e6,
	       bound / 1e6, ok ? "" : "  FAIL");
	if (!ok)
		t->failed = 1;
}

/* a lower bound on a measured time, printed either way */
static void check_at_least(struct test_ctx *t, const char *what, u64 got, u64 bound)
{
	bool ok = got >= bound;

	printf("# %-38s %10.3f ms, at least %.3f ms%s\n", what, got / 1e6,
	       bound / 1e6, ok ? "" : "  FAIL");
	if (!ok)
		t->failed = 1;
}

/* the simulated core saw no policy bug; @idle_ok: NULL picks are allowed */
static void sim_ok(struct test_ctx *t, struct sim *sim, bool idle_ok)
{
	CHECK(t, sim->policy_errors == 0, "%llu bad picks",
	      (unsigned long long)sim->policy_errors);
	CHECK(t, sim->stalls == 0, "%llu stalls", (unsigned long long)sim->stalls);
	CHECK(t, sim_warnings == 0, "%lu warnings", sim_warnings);
	if (!idle_ok)
		CHECK(t, sim->idle_picks == 0,
		      "slot left idle %llu times with vCPUs queued",
		      (unsigned long long)sim->idle_picks);
}

static struct sim *new_sim(struct test_ctx *t, struct vmsched_ops *ops,
			   u32 nr_slots, const char *params)
{
	int err;
	struct sim *sim = sim_create(ops, nr_slots, params, &err);

	if (!sim) {
		printf("# cannot create %s with \"%s\": %d\n", ops->name,
		       params ? params : "", err);
		t->failed = 1;
	}
	return sim;
}

static void label(char *buf, size_t len, const char *fmt, u32 i)
{
	snprintf(buf, len, fmt, i);
}

/* the share of one pCPU a vCPU running @l wants */
static double load_demand(struct sim_load l)
{
	switch (l.kind) {
	case SIM_DUTY:
		return (double)l.run_ns / (double)(l.run_ns + l.halt_ns);
	case SIM_LATENCY:
		return (double)l.run_ns / (double)l.period_ns;
	default:
		return 1.0;
	}
}

/*
 * The ideal shares of @slots pCPUs among @n VMs: VM k of weight @w[k]
 * wants @want[k] pCPUs (its demand, within its vCPUs and its cap) and has
 * @rsv[k] reserved. A VM that wants no more than its reservation gets what
 * it wants; the others share the rest by weight, max-min fair: one that
 * wants less than its weight's part of what is left gets what it wants,
 * and the rest is shared again among the others.
 */
static void ideal_shares(u32 n, const double *w, const double *want, const double *rsv,
			 double slots, double *ideal)
{
	bool fixed[8] = { false }, grew;
	double left = slots, wsum = 0;
	u32 k;

	for (k = 0; k < n; k++) {
		if (want[k] <= rsv[k]) {
			ideal[k] = want[k];
			left -= want[k];
			fixed[k] = true;
		} else {
			wsum += w[k];
		}
	}
	/* each VM given what it wants leaves larger parts to the others */
	do {
		grew = false;
		for (k = 0; k < n; k++) {
			if (fixed[k] || want[k] > left * w[k] / wsum)
				continue;
			ideal[k] = want[k];
			left -= want[k];
			wsum -= w[k];
			fixed[k] = true;
			grew = true;
		}
	} while (grew);
	for (k = 0; k < n; k++)
		if (!fixed[k])
			ideal[k] = left * w[k] / wsum;
}

/* --- rbtree ------------------------------------------------------------ */

struct rb_item {
	struct rb_node node;
	u64 key;
	bool in;
};

static bool rb_item_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct rb_item, node)->key <
	       rb_entry(b, struct rb_item, node)->key;
}

static void test_rbtree(struct test_ctx *t)
{
	enum { N = 3000, OPS = 200000 };
	static struct rb_item items[N];
	struct rb_root_cached root = RB_ROOT_CACHED;
	u64 seed = 42, nr_in = 0, min_key, count, prev;
	struct rb_node *node;
	int i, bad = 0;

	for (i = 0; i < N; i++) {
		RB_CLEAR_NODE(&items[i].node);
		items[i].key = (u64)i * 7919 % N;	/* distinct keys */
	}
	for (i = 0; i < OPS && !bad; i++) {
		struct rb_item *it;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		it = &items[(seed >> 33) % N];
		if (it->in) {
			rb_erase_cached(&it->node, &root);
			RB_CLEAR_NODE(&it->node);
			nr_in--;
		} else {
			rb_add_cached(&it->node, &root, rb_item_less);
			nr_in++;
		}
		it->in = !it->in;
		if (i % 997)
			continue;
		/* full check now and then: colours, order, count, leftmost */
		bad |= sim_rb_check(&root.rb_root) < 0;
		count = 0;
		prev = 0;
		min_key = U64_MAX;
		for (node = rb_first(&root.rb_root); node; node = rb_next(node)) {
			u64 k = rb_entry(node, struct rb_item, node)->key;

			bad |= count && k <= prev;
			prev = k;
			min_key = min(min_key, k);
			count++;
		}
		bad |= count != nr_in;
		bad |= nr_in && rb_entry(rb_first_cached(&root), struct rb_item,
					 node)->key != min_key;
		bad |= !nr_in && rb_first_cached(&root);
	}
	printf("# %d random inserts/erases on %d keys, tree checked every 997\n",
	       i, N);
	CHECK(t, !bad, "red-black tree invariant broken at op %d", i);
}

/* --- shares ------------------------------------------------------------ */

/* single-vCPU spinning VMs with @weights on @nr_slots; check @want shares */
static void weights_case(struct test_ctx *t, struct vmsched_ops *ops,
			 u32 nr_slots, const u32 *weights, const double *want,
			 u32 n, u64 run)
{
	struct sim_vm *vms[8];
	char buf[64];
	struct sim *sim = new_sim(t, ops, nr_slots, NULL);
	u32 i;

	if (!sim)
		return;
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "weight=%u", weights[i]);
		vms[i] = sim_add_vm(sim, buf, 1, SIM_LOAD_SPIN);
	}
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, run);
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%s %u slot(s) weight %u share",
			 ops->name, nr_slots, weights[i]);
		CHECK_NEAR(t, buf, sim_vm_share(sim, vms[i]), want[i],
			   want[i] * 0.01);
	}
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static const u32 w124[] = { 256, 512, 1024 };
static const double one_slot_124[] = { 1.0 / 7, 2.0 / 7, 4.0 / 7 };
/* 2 slots: weight 4 would deserve 8/7 slot, gets 1; the rest splits 1:2 */
static const double two_slots_124[] = { 1.0 / 3, 2.0 / 3, 1.0 };

static void test_fair_weights(struct test_ctx *t)
{
	weights_case(t, &fair_ops, 1, w124, one_slot_124, 3, 10 * SEC);
	weights_case(t, &fair_ops, 2, w124, two_slots_124, 3, 10 * SEC);
}

static void test_bvt_weights(struct test_ctx *t)
{
	weights_case(t, &bvt_ops, 1, w124, one_slot_124, 3, 10 * SEC);
	weights_case(t, &bvt_ops, 2, w124, two_slots_124, 3, 10 * SEC);
}

static void test_fair_vcpus_share(struct test_ctx *t)
{
	struct sim *sim = new_sim(t, &fair_ops, 1, NULL);
	struct sim_vm *a, *b;
	char buf[64];
	u32 i;

	if (!sim)
		return;
	a = sim_add_vm(sim, NULL, 4, SIM_LOAD_SPIN);
	b = sim_add_vm(sim, NULL, 1, SIM_LOAD_SPIN);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	CHECK_NEAR(t, "4-vCPU VM share", sim_vm_share(sim, a), 0.5, 0.005);
	CHECK_NEAR(t, "1-vCPU VM share", sim_vm_share(sim, b), 0.5, 0.005);
	for (i = 0; i < 4; i++) {
		label(buf, sizeof(buf), "4-vCPU VM, vCPU %u share", i);
		CHECK_NEAR(t, buf, sim_vcpu_share(sim, &a->vcpus[i]),
			   0.125, 0.005);
	}
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_fair_work_conserving(struct test_ctx *t)
{
	struct sim *sim = new_sim(t, &fair_ops, 1, NULL);
	struct sim_vm *a, *b;

	if (!sim)
		return;
	/* A deserves 80% but wants 25% at most; B takes the rest */
	a = sim_add_vm(sim, "weight=1024", 1, SIM_LOAD_DUTY(2 * MS, 6 * MS));
	b = sim_add_vm(sim, "weight=256", 1, SIM_LOAD_SPIN);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	CHECK_NEAR(t, "slot busy", sim_vm_share(sim, a) + sim_vm_share(sim, b),
		   1.0, 0.0001);
	CHECK_NEAR(t, "busy VM gets the idle share", sim_vm_share(sim, b),
		   0.80, 0.05);
	CHECK(t, sim_vm_share(sim, a) <= 0.25 + 0.001, "A over its demand");
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

/* --- caps and reservations -------------------------------------------- */

static void test_fair_cap_idle_host(struct test_ctx *t)
{
	struct sim *sim = new_sim(t, &fair_ops, 1, NULL);
	struct sim_vm *a;

	if (!sim)
		return;
	a = sim_add_vm(sim, "cap=30", 1, SIM_LOAD_SPIN);
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	CHECK_NEAR(t, "cap 30%, alone on 1 slot", sim_vm_share(sim, a), 0.30,
		   0.003);
	CHECK(t, sim->repolls > 0, "no re-poll asked");
	sim_ok(t, sim, true);
	sim_destroy(sim);

	/* 4 vCPUs on 4 slots, capped at one and a half pCPUs */
	sim = new_sim(t, &fair_ops, 4, NULL);
	if (!sim)
		return;
	a = sim_add_vm(sim, "cap=150", 4, SIM_LOAD_SPIN);
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	CHECK_NEAR(t, "cap 150%, 4 vCPUs alone on 4 slots",
		   sim_vm_share(sim, a), 1.50, 0.015);
	sim_ok(t, sim, true);
	sim_destroy(sim);
}

static void test_fair_cap_busy_host(struct test_ctx *t)
{
	struct sim *sim = new_sim(t, &fair_ops, 1, NULL);
	struct sim_vm *a, *b;

	if (!sim)
		return;
	/* A's weight asks for 80%, its cap allows 20% */
	a = sim_add_vm(sim, "weight=1024,cap=20", 1, SIM_LOAD_SPIN);
	b = sim_add_vm(sim, "weight=256", 1, SIM_LOAD_SPIN);
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	CHECK_NEAR(t, "capped heavy VM (cap 20%)", sim_vm_share(sim, a), 0.20,
		   0.002);
	CHECK_NEAR(t, "uncapped light VM", sim_vm_share(sim, b), 0.80, 0.002);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_fair_reservation(struct test_ctx *t)
{
	const struct sim_load duty = SIM_LOAD_DUTY(1 * MS, 9 * MS);
	struct sim *sim = new_sim(t, &fair_ops, 1, NULL);
	struct sim_vm *a, *b, *c;

	if (!sim)
		return;
	/* by weight A would get 1/513; its reservation says 30% */
	a = sim_add_vm(sim, "weight=1,reservation=30", 1, SIM_LOAD_SPIN);
	b = sim_add_vm(sim, "weight=256", 1, SIM_LOAD_SPIN);
	c = sim_add_vm(sim, "weight=256", 1, SIM_LOAD_SPIN);
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	CHECK_NEAR(t, "weight 1, reservation 30%", sim_vm_share(sim, a), 0.30,
		   0.005);
	CHECK_NEAR(t, "weight 256 (B)", sim_vm_share(sim, b), 0.35, 0.005);
	CHECK_NEAR(t, "weight 256 (C)", sim_vm_share(sim, c), 0.35, 0.005);
	sim_ok(t, sim, false);
	sim_destroy(sim);

	/* reservation below the weight share changes nothing */
	sim = new_sim(t, &fair_ops, 1, NULL);
	if (!sim)
		return;
	a = sim_add_vm(sim, "weight=512,reservation=20", 1, SIM_LOAD_SPIN);
	b = sim_add_vm(sim, "weight=256", 1, SIM_LOAD_SPIN);
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	CHECK_NEAR(t, "weight 2:1 with reservation 20%", sim_vm_share(sim, a),
		   2.0 / 3, 0.007);
	sim_ok(t, sim, false);
	sim_destroy(sim);

	/* unused reservation goes to the others */
	sim = new_sim(t, &fair_ops, 1, NULL);
	if (!sim)
		return;
	a = sim_add_vm(sim, "weight=1,reservation=50", 1, duty);
	b = sim_add_vm(sim, "weight=256", 1, SIM_LOAD_SPIN);
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	CHECK_NEAR(t, "rsv 50% wanting 10%: gets its demand",
		   sim_vm_share(sim, a), load_demand(duty), 0.01);
	CHECK_NEAR(t, "the rest goes to the other VM",
		   sim_vm_share(sim, a) + sim_vm_share(sim, b), 1.0, 0.0001);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

/* set @key of @vm (NULL: global) to @value: want @err, and nothing changed on an error */
static void set_case(struct test_ctx *t, struct sim *sim, struct sim_vm *vm,
		     const char *key, u64 value, int err)
{
	u64 old = sim_get_param(sim, vm, key), now;
	int ret = sim_set_param(sim, vm, key, value);

	now = sim_get_param(sim, vm, key);
	CHECK(t, ret == err, "%s=%llu: %d, want %d", key, (unsigned long long)value, ret, err);
	CHECK(t, now == (ret ? old : value), "%s=%llu: reads %llu after %d", key,
	      (unsigned long long)value, (unsigned long long)now, ret);
}

static void test_fair_params(struct test_ctx *t)
{
	struct sim *sim = new_sim(t, &fair_ops, 2, NULL);
	struct sim_vm *a, *b;

	if (!sim)
		return;
	a = sim_add_vm(sim, "cap=50", 1, SIM_LOAD_SPIN);
	b = sim_add_vm(sim, NULL, 2, SIM_LOAD_SPIN);
	set_case(t, sim, a, "reservation", 60, -EINVAL);	/* above the cap */
	set_case(t, sim, a, "reservation", 40, 0);
	set_case(t, sim, a, "cap", 30, -EINVAL);		/* below the reservation */
	set_case(t, sim, b, "reservation", 170, -ENOSPC);	/* 210% on 2 slots */
	set_case(t, sim, b, "reservation", 160, 0);		/* 200% on 2 slots */
	set_case(t, sim, b, "reservation", 100, 0);		/* lowered */
	set_case(t, sim, a, "weight", 0, -ERANGE);
	set_case(t, sim, a, "weight", 65536, -ERANGE);
	set_case(t, sim, NULL, "slice", 0, -ERANGE);
	set_case(t, sim, NULL, "slice", 100 * SEC, -ERANGE);
	set_case(t, sim, a, "bogus", 1, -ENOENT);
	sim_run_for(sim, SEC);
	sim_ok(t, sim, true);
	sim_destroy(sim);

	/* a weight change applies from then on */
	sim = new_sim(t, &fair_ops, 1, NULL);
	if (!sim)
		return;
	a = sim_add_vm(sim, NULL, 1, SIM_LOAD_SPIN);
	b = sim_add_vm(sim, NULL, 1, SIM_LOAD_SPIN);
	sim_run_for(sim, SEC);
	CHECK(t, sim_set_param(sim, a, "weight", 768) == 0, "set weight");
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	CHECK_NEAR(t, "weight 256 -> 768 mid-run", sim_vm_share(sim, a), 0.75,
		   0.0075);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

/*
 * A reservation beyond 100% per vCPU cannot be used (a VM runs at most one
 * pCPU per vCPU) but would hold on to the pool's total. On 2 slots: A (1
 * vCPU) asks 150% and is refused; B (1 vCPU, weight 1) asks 60%, which
 * then fits, and gets its reservation: 60% of a pCPU, where its weight
 * alone gives it 1/513 of the rest. A VM that loses a vCPU keeps what was
 * set, and its weight can still be changed.
 */
static void test_fair_reservation_vcpus(struct test_ctx *t)
{
	struct sim *sim = new_sim(t, &fair_ops, 2, NULL);
	struct sim_vm *a, *b, *c;

	if (!sim)
		return;
	a = sim_add_vm(sim, NULL, 1, SIM_LOAD_SPIN);
	b = sim_add_vm(sim, "weight=1", 1, SIM_LOAD_SPIN);
	c = sim_add_vm(sim, NULL, 2, SIM_LOAD_SPIN);
	set_case(t, sim, a, "reservation", 150, -EINVAL);
	set_case(t, sim, b, "reservation", 60, 0);
	set_case(t, sim, c, "reservation", 250, -EINVAL);
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	CHECK_NEAR(t, "1 vCPU, reservation 60%, weight 1", sim_vm_share(sim, b),
		   0.60, 0.01);
	/* A and C split the other 1.4 pCPUs by weight */
	CHECK_NEAR(t, "1 vCPU, weight 256", sim_vm_share(sim, a), 0.7, 0.014);
	CHECK_NEAR(t, "2 vCPUs, weight 256", sim_vm_share(sim, c), 0.7, 0.014);

	/*
	 * C reserves the other 140%, then loses a vCPU: it keeps 140%, runs
	 * its one vCPU whenever it wants, B keeps its 60% and A has the rest
	 */
	set_case(t, sim, c, "reservation", 140, 0);
	sim_remove_vcpu(sim, &c->vcpus[1]);
	set_case(t, sim, c, "weight", 512, 0);
	set_case(t, sim, c, "reservation", 120, -EINVAL);
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	CHECK_NEAR(t, "1 vCPU left, reservation 140%", sim_vm_share(sim, c), 1.0, 0.02);
	CHECK_NEAR(t, "1 vCPU, reservation 60%, weight 1", sim_vm_share(sim, b),
		   0.60, 0.01);
	CHECK_NEAR(t, "1 vCPU, weight 256", sim_vm_share(sim, a), 0.4, 0.01);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

/* --- fair at wake-up ------------------------------------------------------ */

/* spinning VMs and one VM that wakes, on a few slots */
struct wake_setup {
	u32 slots;
	u32 nr_spin;		/* spinning VMs, @slots vCPUs each */
	u32 spin_w[3];		/* their weights */
	u32 weight;		/* the waking VM's: one vCPU running @load */
	u32 cap;		/* its cap (%), 0: none */
	u32 rsv;		/* its reservation (%) */
	struct sim_load load;
};

struct wake_result {
	double share[4];	/* the spinners', then the waking VM's */
	double ideal[4];
	double entitled;	/* the waking VM's share by weight alone */
	double most;		/* its largest share in one second */
	u64 p99, max;		/* its wake-to-grant */
	u64 preemptions;
};

/*
 * run @ws under fair for @ns after a second's warm-up; measure into @res
 * and find its ideal from each VM's demand, weight, cap and reservation
 */
static void wake_run(struct test_ctx *t, const struct wake_setup *ws, u64 ns,
		     struct wake_result *res)
{
	double w[4], want[4], rsv[4] = { 0 }, none[4] = { 0 }, wide[4], prev = 0;
	struct sim_vm *vms[4];
	u32 i, n = ws->nr_spin;
	struct sim *sim;
	char buf[64];
	u64 s;

	memset(res, 0, sizeof(*res));
	sim = new_sim(t, &fair_ops, ws->slots, NULL);
	if (!sim)
		return;
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "weight=%u", ws->spin_w[i]);
		vms[i] = sim_add_vm(sim, buf, ws->slots, SIM_LOAD_SPIN);
		w[i] = ws->spin_w[i];
		want[i] = ws->slots;
	}
	snprintf(buf, sizeof(buf), "weight=%u,cap=%u,reservation=%u", ws->weight, ws->cap,
		 ws->rsv);
	vms[n] = sim_add_vm(sim, buf, 1, ws->load);
	vms[n]->keep_delays = true;
	w[n] = ws->weight;
	want[n] = load_demand(ws->load);
	if (ws->cap)
		want[n] = min(want[n], ws->cap / 100.0);
	rsv[n] = ws->rsv / 100.0;
	ideal_shares(n + 1, w, want, rsv, ws->slots, res->ideal);
	want[n] = 1.0;
	ideal_shares(n + 1, w, want, none, ws->slots, wide);
	res->entitled = wide[n];
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	for (s = 0; s < ns / SEC; s++) {
		sim_run_for(sim, SEC);
		res->most = max(res->most, (sim_vm_run(sim, vms[n]) - prev) / 1e9);
		prev = sim_vm_run(sim, vms[n]);
	}
	for (i = 0; i <= n; i++)
		res->share[i] = sim_vm_share(sim, vms[i]);
	res->p99 = sim_vm_delay_pct(vms[n], 99);
	res->max = sim_vm_delay_max(vms[n]);
	res->preemptions = sim->preemptions;
	/* each preemption gave the slot to the waker (see test_fair_preempt) */
	CHECK(t, sim->preempt_regrants + sim->preempt_others == 0,
	      "%llu preemptions for nothing", (unsigned long long)(sim->preempt_regrants +
								  sim->preempt_others));
	printf("# %u slot(s), %u spinners, waking VM weight %u cap %u%% rsv %u%%: wants %.4f, entitled %.4f; wake-to-grant p99 %.3f ms max %.3f ms; %llu preemptions\n",
	       ws->slots, n, ws->weight, ws->cap, ws->rsv, load_demand(ws->load),
	       res->entitled, res->p99 / 1e6, res->max / 1e6,
	       (unsigned long long)res->preemptions);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

/*
 * Waking VMs that want less than their share, by test: (1) entitled to 80%
 * it wants 25% (runs 2 ms, halts 6 ms): weight 1024 next to a spinner of
 * 256, 3072 next to three, on one slot; 512 next to three 2-vCPU spinners
 * on two. (2) A latency VM entitled to 25% (weight 256 next to three
 * spinners of 256 on one slot; 50% on two) wakes 1,000 times a second for
 * 50 us: 5%. (3) A VM of weight 1 with 50% reserved wants 10% (runs 1 ms,
 * halts 9 ms) next to spinners of 256: its weight gives it nothing, its
 * reservation everything it wants (its bucket holds 50 ms, of which it
 * spends 1 ms in 10).
 */
static const struct wake_setup lighter[][3] = {
	{ { 1, 1, { 256 }, 1024, 0, 0, SIM_LOAD_DUTY(2 * MS, 6 * MS) },
	  { 1, 3, { 256, 256, 256 }, 3072, 0, 0, SIM_LOAD_DUTY(2 * MS, 6 * MS) },
	  { 2, 3, { 256, 256, 256 }, 512, 0, 0, SIM_LOAD_DUTY(2 * MS, 6 * MS) } },
	{ { 1, 3, { 256, 256, 256 }, 256, 0, 0, SIM_LOAD_LATENCY(MS, 50 * US, 300 * US) },
	  { 2, 3, { 256, 256, 256 }, 256, 0, 0, SIM_LOAD_LATENCY(MS, 50 * US, 300 * US) } },
	{ { 1, 1, { 256 }, 1, 0, 50, SIM_LOAD_DUTY(1 * MS, 9 * MS) },
	  { 1, 3, { 256, 256, 256 }, 1, 0, 50, SIM_LOAD_DUTY(1 * MS, 9 * MS) },
	  { 2, 3, { 256, 256, 256 }, 1, 0, 50, SIM_LOAD_DUTY(1 * MS, 9 * MS) } },
};

/*
 * Run the cases of lighter[@test] (to the first with no slots): the
 * waking VM, entitled to @entitled of a pCPU by its weight (0: any),
 * gets its demand, within @tol of a pCPU (@tol of its demand if
 * @relative), and is granted at every wake-up at once. It falls behind
 * svt by more than its credit between two wake-ups, or stays owed its
 * reservation, so each wake-up finds it ahead of every running spinner:
 * a free slot or a preemption grants it then. The bound on its
 * wake-to-grant is therefore 0 (preemption takes no simulated time; on a
 * host the core adds a kick), where it waited for running grants to end
 * (slices of 10 ms), and got (1) 2 ms in 8 ms plus that wait.
 */
static void wake_cases(struct test_ctx *t, u32 test, double entitled, double tol,
		       bool relative)
{
	const struct wake_setup *ws;
	struct wake_result r;

	for (ws = lighter[test]; ws < lighter[test] + 3 && ws->slots; ws++) {
		wake_run(t, ws, 20 * SEC, &r);
		if (entitled)
			CHECK_NEAR(t, "entitled by its weight", r.entitled, entitled, 0.0001);
		CHECK_NEAR(t, "waking VM's share (its demand)", r.share[ws->nr_spin],
			   r.ideal[ws->nr_spin], relative ? tol * r.ideal[ws->nr_spin] : tol);
		check_at_most(t, "its wake-to-grant p99", r.p99, 0);
		check_at_most(t, "its longest wake-to-grant", r.max, 0);
	}
}

static void test_fair_wake_share(struct test_ctx *t)
{
	wake_cases(t, 0, 0.80, 0.01, false);
}

/* its demand within 1% */
static void test_fair_wake_latency(struct test_ctx *t)
{
	wake_cases(t, 1, 0, 0.01, true);
}

/* a VM owed its reservation preempts */
static void test_fair_wake_reservation(struct test_ctx *t)
{
	wake_cases(t, 2, 0, 0.01, false);
}

/*
 * Spinners weighted 1:2:4 on one slot next to a VM of weight 256 that
 * wakes every 200 us for 100 us, or runs 100 us and halts 100 us: it wants
 * 50%, more than its share (1/8). Credit kept across wake-ups is capped at
 * a slice, so however often it wakes it gets its share, not more, in any
 * second (at most its share plus a slice of credit and a slice in flight);
 * capped at 10%, at most its cap. The spinners keep 1:2:4 within 2%.
 */
static void test_fair_wake_bounded(struct test_ctx *t)
{
	static const struct wake_setup cases[] = {
		{ 1, 3, { 256, 512, 1024 }, 256, 0, 0,
		  SIM_LOAD_LATENCY(200 * US, 100 * US, 0) },
		{ 1, 3, { 256, 512, 1024 }, 256, 0, 0, SIM_LOAD_DUTY(100 * US, 100 * US) },
		{ 1, 3, { 256, 512, 1024 }, 1024, 10, 0,
		  SIM_LOAD_LATENCY(200 * US, 100 * US, 0) },
	};
	const double slice = 10 * MS / 1e9;
	struct wake_result r;
	char buf[64];
	u32 c, i, n;

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		wake_run(t, &cases[c], 30 * SEC, &r);
		n = cases[c].nr_spin;
		for (i = 0; i < n; i++) {
			label(buf, sizeof(buf), "spinner %u share", i);
			CHECK_NEAR(t, buf, r.share[i], r.ideal[i], 0.02 * r.ideal[i]);
		}
		CHECK_NEAR(t, "waking VM's share (its share)", r.share[n], r.ideal[n], 0.01);
		CHECK(t, r.most <= r.ideal[n] + 2 * slice, "%.4f of a second, share %.4f",
		      r.most, r.ideal[n]);
		printf("# its most in one second %.4f, bound %.4f\n", r.most,
		       r.ideal[n] + 2 * slice);
	}
}

/*
 * A preemption that pick_next undoes at once (the victim granted again)
 * costs a VM exit for nothing, and so does one that gives the slot to
 * neither the waker's VM nor the victim's. Spinners 1:2:4 (or equal), with
 * as many vCPUs as slots, next to VMs that wake with credit: duty cycles,
 * a latency VM, a reserved and a capped VM, a VM with two waking vCPUs,
 * and a VM of weight 1 that only the starvation guard serves (its grants
 * are not ended: it still gets a slice within the bound fair declares).
 */
static void fair_preempt_case(struct test_ctx *t, u32 slots, const u32 *spin_w,
			      const char *const *params, const struct sim_load *loads,
			      const u32 *vcpus, u32 nr)
{
	struct sim *sim = new_sim(t, &fair_ops, slots, NULL);
	struct sim_load two[2];
	struct sim_vm *vm;
	u64 bound;
	char buf[64];
	u32 i;

	if (!sim)
		return;
	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "weight=%u", spin_w[i]);
		sim_add_vm(sim, buf, slots, SIM_LOAD_SPIN);
	}
	for (i = 0; i < nr; i++) {
		two[0] = two[1] = loads[i];
		sim_add_vm_loads(sim, params[i], vcpus[i], two);
	}
	vm = sim_add_vm(sim, "weight=1", 1, SIM_LOAD_SPIN);
	sim_reset_stats(sim);
	sim_run_for(sim, 20 * SEC);
	printf("# %u slot(s), spinners %u:%u:%u, %u waking VM(s): %llu preemptions, %llu undone at once, %llu to a third VM\n",
	       slots, spin_w[0], spin_w[1], spin_w[2], nr,
	       (unsigned long long)sim->preemptions,
	       (unsigned long long)sim->preempt_regrants,
	       (unsigned long long)sim->preempt_others);
	CHECK(t, sim->preemptions > 0, "no preemption at all");
	CHECK(t, sim->preempt_regrants == 0, "%llu victims granted again",
	      (unsigned long long)sim->preempt_regrants);
	CHECK(t, sim->preempt_others == 0, "%llu slots to a third VM",
	      (unsigned long long)sim->preempt_others);
	sim_in_sched_cb = true;
	bound = fair_ops.max_wait(&sim->s);
	sim_in_sched_cb = false;
	check_at_most(t, "longest wait of the weight-1 VM", vm->vcpus[0].wait_max, bound);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_fair_preempt(struct test_ctx *t)
{
	static const char *const params[] = {
		"weight=256", "weight=1,reservation=40", "weight=1024,cap=15", "weight=512",
	};
	static const struct sim_load loads[] = {
		SIM_LOAD_DUTY(1 * MS, 9 * MS), SIM_LOAD_DUTY(1 * MS, 4 * MS),
		SIM_LOAD_LATENCY(MS, 100 * US, 300 * US), SIM_LOAD_DUTY(500 * US, 2 * MS),
	};
	static const struct sim_load lat[] = { SIM_LOAD_LATENCY(MS, 100 * US, 300 * US) };
	static const u32 ones[] = { 1, 1, 1, 2 }, eq[] = { 256, 256, 256 };

	fair_preempt_case(t, 1, w124, params, loads, ones, 1);
	fair_preempt_case(t, 1, eq, params, lat, ones, 1);
	fair_preempt_case(t, 1, w124, params, loads, ones, 4);
	fair_preempt_case(t, 2, w124, params, loads, ones, 4);
}

/* --- bvt warp ------------------------------------------------------------ */

/* 3 spinning VMs and a latency VM (wakes every 10 ms, runs 200 us) */
static void latency_case(struct test_ctx *t, struct vmsched_ops *ops,
			 u32 nr_slots, const char *lat_params, u64 *p99,
			 u64 *max_delay, double *spin_share)
{
	struct sim *sim = new_sim(t, ops, nr_slots, NULL);
	struct sim_vm *lat, *spin[3];
	u32 i;

	if (!sim)
		return;
	for (i = 0; i < 3; i++)
		spin[i] = sim_add_vm(sim, NULL, nr_slots, SIM_LOAD_SPIN);
	lat = sim_add_vm(sim, lat_params, 1,
			 SIM_LOAD_LATENCY(10 * MS, 200 * US, 3333 * US));
	lat->keep_delays = true;
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 20 * SEC);
	*p99 = sim_vm_delay_pct(lat, 99);
	*max_delay = sim_vm_delay_max(lat);
	for (i = 0; i < 3; i++)
		spin_share[i] = sim_vm_share(sim, spin[i]);
	spin_share[3] = sim_vm_share(sim, lat);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_bvt_warp_latency(struct test_ctx *t)
{
	u64 p99, max_delay, rr_p99, rr_max, nowarp_p99, nowarp_max;
	u64 ctx_allow = 5 * MS;
	double share[4], rr_share[4];
	char buf[64];
	u32 slots, i;

	for (slots = 1; slots <= 2; slots++) {
		printf("# %u slot(s): 3 spinning VMs with %u vCPUs, 1 latency VM\n",
		       slots, slots);
		latency_case(t, &bvt_ops, slots, "warp=20ms", &p99, &max_delay,
			     share);
		latency_case(t, &bvt_ops, slots, NULL, &nowarp_p99, &nowarp_max,
			     rr_share);
		latency_case(t, &rr_ops, slots, NULL, &rr_p99, &rr_max, rr_share);
		check_at_most(t, "bvt warped wake-to-grant p99", p99, ctx_allow);
		check_at_most(t, "bvt warped wake-to-grant max", max_delay,
			      ctx_allow);
		printf("# bvt unwarped p99 %.3f ms max %.3f ms; rr p99 %.3f ms max %.3f ms\n",
		       nowarp_p99 / 1e6, nowarp_max / 1e6, rr_p99 / 1e6,
		       rr_max / 1e6);
		CHECK(t, rr_p99 > 10 * p99 + MS,
		      "rr p99 %llu ns not far above bvt p99 %llu ns",
		      (unsigned long long)rr_p99, (unsigned long long)p99);
		/* the latency VM wants 2%; the spinners share the rest */
		for (i = 0; i < 3; i++) {
			label(buf, sizeof(buf), "bvt spinning VM %u share", i);
			CHECK_NEAR(t, buf, share[i] / slots,
				   (1.0 - share[3] / slots) / 3,
				   0.05 * (1.0 - share[3] / slots) / 3);
		}
		CHECK_NEAR(t, "bvt latency VM share (wants 2%)", share[3], 0.02,
			   0.0005);
	}
}

/*
 * Slice timers that fire up to 20 ms late (a busy host) lengthen grants at
 * random; policies charge what ran, so run time shares must still follow
 * the weights: 3 spinning VMs 1:1:1 and 1:2:4 next to a latency VM that
 * wakes 1,000 times a second (warped under bvt), on one slot.
 */
static void test_late_timers(struct test_ctx *t)
{
	static const char *const weights[2][3] = {
		{ "weight=256", "weight=256", "weight=256" },
		{ "weight=256", "weight=512", "weight=1024" },
	};
	static const double target[2][3] = { { 1, 1, 1 }, { 1, 2, 4 } };
	struct vmsched_ops *ops[] = { &bvt_ops, &fair_ops };
	struct sim_vm *spin[3], *lat;
	struct sim *sim;
	double sum, share;
	char buf[96];
	u32 p, w, i;

	for (p = 0; p < 2; p++) {
		for (w = 0; w < 2; w++) {
			sim = new_sim(t, ops[p], 1, NULL);
			if (!sim)
				return;
			sim->late_max = 20 * MS;
			for (i = 0; i < 3; i++)
				spin[i] = sim_add_vm(sim, weights[w][i], 1, SIM_LOAD_SPIN);
			lat = sim_add_vm(sim, p ? NULL : "warp=20ms", 1,
					 SIM_LOAD_LATENCY(MS, 50 * US, 300 * US));
			sim_run_for(sim, SEC);
			sim_reset_stats(sim);
			sim_run_for(sim, 30 * SEC);
			sum = 0;
			for (i = 0; i < 3; i++)
				sum += sim_vm_run(sim, spin[i]);
			for (i = 0; i < 3; i++) {
				share = sim_vm_run(sim, spin[i]) / sum;
				snprintf(buf, sizeof(buf), "%s %s spinner %u share, late timers",
					 ops[p]->name, w ? "1:2:4" : "1:1:1", i);
				CHECK_NEAR(t, buf, share, target[w][i] / (w ? 7 : 3),
					   0.02 * target[w][i] / (w ? 7 : 3));
			}
			printf("# %s %s: latency VM share %.4f\n", ops[p]->name,
			       w ? "1:2:4" : "1:1:1", sim_vm_share(sim, lat));
			sim_ok(t, sim, false);
			sim_destroy(sim);
		}
	}
}

static void test_bvt_warp_share(struct test_ctx *t)
{
	struct sim *sim = new_sim(t, &bvt_ops, 1, NULL);
	struct sim_vm *a, *b;

	if (!sim)
		return;
	/* warp without effective limit: borrowing must not raise the share */
	a = sim_add_vm(sim, "warp=50ms,warp_limit=60s", 1, SIM_LOAD_SPIN);
	b = sim_add_vm(sim, NULL, 1, SIM_LOAD_SPIN);
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 20 * SEC);
	CHECK_NEAR(t, "warped spinning VM share", sim_vm_share(sim, a), 0.5,
		   0.005);
	CHECK_NEAR(t, "unwarped spinning VM share", sim_vm_share(sim, b), 0.5,
		   0.005);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

/* is the grant @v was just given a warped one? */
static bool bvt_grant_warped(struct sim_vcpu *v)
{
	return bvt_vcpu(&v->pv)->warped;
}

/*
 * The warped grants of one VM, watched from the simulated core: warp_limit
 * is armed by a warped grant that starts while none is held, after the VM
 * held no grant at all (Xen arms it at each dispatch and cancels it at
 * deschedule) or after it ran no warped grant for unwarp_req; @ran is the
 * warped run time since, whatever the policy's own accounting.
 */
struct warp_arms {
	struct sim_vm *vm;
	u64 limit;		/* the VM's warp_limit */
	u64 unwarp_req;
	u32 granted;		/* its vCPUs holding a grant */
	u32 warped;		/* of those, warped grants */
	bool in_warp[8];	/* per vCPU id: its grant is warped */
	u64 ran;		/* warped run time of the current arm */
	u64 last_end;		/* when its last warped grant ended */
	u64 arms;
	u64 limits;		/* arms that ran to the limit */
	u64 max_ran;		/* most warped run time in one arm */
	u64 min_gap;		/* shortest time from a limit to a warped grant */
	bool at_limit;		/* the last arm ran to the limit */
};

static void warp_arms_grant(struct sim *sim, struct sim_vcpu *v, u64 slice, void *arg)
{
	struct warp_arms *w = arg;

	if (v->vm != w->vm)
		return;
	w->granted++;
	w->in_warp[v->pv.vcpu_id] = bvt_grant_warped(v);
	if (!w->in_warp[v->pv.vcpu_id])
		return;
	if (w->at_limit)
		w->min_gap = min(w->min_gap, sim->now - w->last_end);
	if (!w->warped && (!w->ran || sim->now - w->last_end >= w->unwarp_req)) {
		w->ran = 0;
		w->arms++;
	}
	w->at_limit = false;
	w->warped++;
}

static void warp_arms_end(struct sim *sim, struct sim_vcpu *v, u64 ran, void *arg)
{
	struct warp_arms *w = arg;

	if (v->vm != w->vm)
		return;
	w->granted--;
	if (w->in_warp[v->pv.vcpu_id]) {
		w->in_warp[v->pv.vcpu_id] = false;
		w->warped--;
		w->ran += ran;
		w->last_end = sim->now;
		w->max_ran = max(w->max_ran, w->ran);
		/* no warped grant of the shortest slice fits any more */
		if (!w->at_limit && w->ran + VMSCHED_SLICE_MIN_NS > w->limit) {
			w->at_limit = true;
			w->limits++;
		}
	}
	if (!w->granted)
		w->ran = 0;
}

/* add VM @params with @nr vCPUs of @load to @sim and watch its warped grants */
static struct sim_vm *warp_arms_add(struct sim *sim, struct warp_arms *w,
				    const char *params, u32 nr, struct sim_load load)
{
	struct sim_vm *vm;
	u32 i;

	memset(w, 0, sizeof(*w));
	w->min_gap = U64_MAX;
	sim->on_grant = warp_arms_grant;
	sim->on_grant_arg = w;
	sim->on_end = warp_arms_end;
	sim->on_end_arg = w;
	vm = sim_add_vm(sim, params, nr, load);
	w->vm = vm;
	w->limit = sim_get_param(sim, vm, "warp_limit");
	w->unwarp_req = sim_get_param(sim, vm, "unwarp_req");
	/* granted while it was added, before it could be told apart */
	for (i = 0; i < nr; i++)
		if (vm->vcpus[i].state == SIM_RUNNING)
			warp_arms_grant(sim, &vm->vcpus[i], 0, w);
	return vm;
}

/*
 * A warped VM with @nr spinning vCPUs (warp 20 ms, warp_limit 10 ms,
 * unwarp_req 50 ms) next to two other such spinners without warp, on @nr
 * slots: its vCPUs together run at most warp_limit warped per arm, wait
 * unwarp_req after reaching it, and all three share the slots equally.
 */
static void warp_limit_case(struct test_ctx *t, u32 nr)
{
	struct sim *sim = new_sim(t, &bvt_ops, nr, NULL);
	struct sim_vm *b, *c;
	struct warp_arms w;
	double share = nr / 3.0;

	if (!sim)
		return;
	warp_arms_add(sim, &w, "warp=20ms,warp_limit=10ms,unwarp_req=50ms", nr,
		      SIM_LOAD_SPIN);
	b = sim_add_vm(sim, NULL, nr, SIM_LOAD_SPIN);
	c = sim_add_vm(sim, NULL, nr, SIM_LOAD_SPIN);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	printf("# %u vCPU(s) on %u slot(s): %llu arms of warp_limit, %llu ran to it\n",
	       nr, nr, (unsigned long long)w.arms, (unsigned long long)w.limits);
	CHECK(t, w.limits >= 50, "too few warps to judge: %llu",
	      (unsigned long long)w.limits);
	check_at_most(t, "most warped run time in one arm", w.max_ran, w.limit);
	check_at_least(t, "shortest unwarped stretch (unwarp_req)", w.min_gap,
		       w.unwarp_req);
	CHECK_NEAR(t, "warped VM share", sim_vm_share(sim, w.vm), share, 0.01 * nr);
	CHECK_NEAR(t, "other VM share", sim_vm_share(sim, b), share, 0.01 * nr);
	CHECK_NEAR(t, "other VM share", sim_vm_share(sim, c), share, 0.01 * nr);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_bvt_warp_limit(struct test_ctx *t)
{
	warp_limit_case(t, 1);
}

/* bursts that end 5 us short of warp_limit, closer than the shortest slice */
static void test_bvt_warp_odd_bursts(struct test_ctx *t)
{
	struct sim *sim = new_sim(t, &bvt_ops, 1, NULL);
	struct warp_arms w;

	if (!sim)
		return;
	warp_arms_add(sim, &w, "warp=20ms,warp_limit=10ms,unwarp_req=50ms", 1,
		      SIM_LOAD_DUTY(9995 * US, 1 * MS));
	sim_add_vm(sim, NULL, 1, SIM_LOAD_SPIN);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	printf("# %llu arms of warp_limit, %llu ran to it\n",
	       (unsigned long long)w.arms, (unsigned long long)w.limits);
	check_at_most(t, "longest warped run (warp_limit 10 ms)", w.max_ran, w.limit);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

/*
 * Xen's BVT arms warp_limit when a warped VM is dispatched and cancels it
 * when the VM is descheduled: the limit bounds one run. A VM that wakes
 * 1,000 times a second and runs 100 us each time, next to three spinners
 * on one slot, never runs warp_limit (2 s by default) in one go: the limit
 * must never end its warp, and every wake-up finds it warped with the
 * lowest E, dispatched at once, for a whole minute.
 */
static void test_bvt_warp_per_run(struct test_ctx *t)
{
	const u64 period = MS, burst = 100 * US;
	struct sim *sim = new_sim(t, &bvt_ops, 1, NULL);
	u64 runs, want_limits;
	struct warp_arms w;
	u32 i;

	if (!sim)
		return;
	for (i = 0; i < 3; i++)
		sim_add_vm(sim, NULL, 1, SIM_LOAD_SPIN);
	warp_arms_add(sim, &w, "warp=20ms", 1, SIM_LOAD_LATENCY(period, burst, 300 * US));
	sim_reset_stats(sim);
	sim_run_for(sim, 60 * SEC);
	runs = w.vm->vcpus[0].wakes;
	/* a run of @burst reaches the limit only if the limit is that short */
	want_limits = burst >= w.limit ? runs : 0;
	printf("# %llu runs of %.3f ms, warp_limit %.0f ms: reached %llu, unwarped %llu, want %llu\n",
	       (unsigned long long)runs, burst / 1e6, w.limit / 1e6,
	       (unsigned long long)w.limits, (unsigned long long)bvt_priv(&sim->s)->nr_limits,
	       (unsigned long long)want_limits);
	CHECK(t, w.limits == want_limits, "warp_limit reached %llu times",
	      (unsigned long long)w.limits);
	CHECK(t, bvt_priv(&sim->s)->nr_limits == want_limits, "unwarped %llu times",
	      (unsigned long long)bvt_priv(&sim->s)->nr_limits);
	check_at_most(t, "longest wake-to-grant of the warped VM",
		      sim_vm_delay_max(w.vm), 0);
	CHECK_NEAR(t, "latency VM share (its demand)", sim_vm_share(sim, w.vm),
		   (double)burst / period, 0.01 * burst / period);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

/* two warped vCPUs of one VM, whose grants run at the same time */
static void test_bvt_warp_concurrent(struct test_ctx *t)
{
	warp_limit_case(t, 2);
}

/*
 * A preemption ends a grant so that pick_next gives the slot to someone
 * else; one that pick_next undoes at once (it grants the victim again)
 * costs the victim a VM exit for nothing. Spinners of weights 1:2:4 (or
 * equal) with as many vCPUs as slots, next to @nr VMs that wake up (run
 * 2 ms, halt 3 ms, or latency VMs warped): not one such preemption, and a
 * warped waker is still dispatched at once.
 */
static void preempt_case(struct test_ctx *t, u32 slots, bool w124_spin,
			 const char *params, struct sim_load load, u32 nr)
{
	struct sim *sim = new_sim(t, &bvt_ops, slots, NULL);
	struct sim_vm *vm = NULL;
	char buf[80];
	u32 i;

	if (!sim)
		return;
	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "weight=%u", w124_spin ? w124[i] : 256);
		sim_add_vm(sim, buf, slots, SIM_LOAD_SPIN);
	}
	for (i = 0; i < nr; i++)
		vm = sim_add_vm(sim, params, 1, load);
	sim_reset_stats(sim);
	sim_run_for(sim, 20 * SEC);
	snprintf(buf, sizeof(buf), "%u slot(s), spinners %s, %u %s VM(s)", slots,
		 w124_spin ? "1:2:4" : "1:1:1", nr, params ? params : "unwarped");
	printf("# %s: %llu preemptions, %llu undone at once, %llu to a third VM\n", buf,
	       (unsigned long long)sim->preemptions,
	       (unsigned long long)sim->preempt_regrants,
	       (unsigned long long)sim->preempt_others);
	CHECK(t, sim->preempt_regrants == 0, "%s: %llu victims granted again", buf,
	      (unsigned long long)sim->preempt_regrants);
	if (params)
		check_at_most(t, "longest wake-to-grant of a warped VM",
			      sim_vm_delay_max(vm), 0);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_bvt_preempt(struct test_ctx *t)
{
	const struct sim_load duty = SIM_LOAD_DUTY(2 * MS, 3 * MS);
	const struct sim_load lat = SIM_LOAD_LATENCY(MS, 100 * US, 300 * US);

	preempt_case(t, 1, true, NULL, duty, 1);
	preempt_case(t, 2, true, NULL, duty, 3);
	preempt_case(t, 1, false, "warp=20ms", lat, 1);
	preempt_case(t, 2, true, "warp=20ms", lat, 1);
}

static void test_bvt_params(struct test_ctx *t)
{
	struct sim *sim;
	struct sim_vm *a;
	int err, ret;

	sim = sim_create(&bvt_ops, 1, "ctx_allow=20ms,slice=10ms", &err);
	CHECK(t, !sim && err == -EINVAL, "init with ctx_allow > slice: %d", err);
	if (sim)
		sim_destroy(sim);
	sim = new_sim(t, &bvt_ops, 1, NULL);
	if (!sim)
		return;
	a = sim_add_vm(sim, NULL, 1, SIM_LOAD_SPIN);
	ret = sim_set_param(sim, NULL, "ctx_allow", 40 * MS);
	CHECK(t, ret == -EINVAL, "ctx_allow above slice: %d", ret);
	CHECK(t, sim_get_param(sim, NULL, "ctx_allow") == 5 * MS, "value changed");
	ret = sim_set_param(sim, NULL, "ctx_allow", 5 * US);
	CHECK(t, ret == -ERANGE, "ctx_allow below 10 us: %d", ret);
	ret = sim_set_param(sim, NULL, "slice", 0);
	CHECK(t, ret == -ERANGE, "slice 0: %d", ret);
	ret = sim_set_param(sim, a, "warp", 2 * SEC);
	CHECK(t, ret == -ERANGE, "warp 2 s: %d", ret);
	ret = sim_set_param(sim, a, "warp", 10 * MS);
	CHECK(t, ret == 0, "warp 10 ms: %d", ret);
	ret = sim_set_param(sim, a, "weight", 0);
	CHECK(t, ret == -ERANGE, "weight 0: %d", ret);
	sim_run_for(sim, SEC);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

/* --- rr ------------------------------------------------------------------ */

struct rr_trace {
	u32 ids[64];
	u64 starts[64];
	u64 slices[64];
	u32 n;
};

static void rr_record(struct sim *sim, struct sim_vcpu *v, u64 slice, void *arg)
{
	struct rr_trace *tr = arg;

	if (tr->n < ARRAY_SIZE(tr->ids)) {
		tr->ids[tr->n] = v->id;
		tr->starts[tr->n] = sim->now;
		tr->slices[tr->n] = slice;
		tr->n++;
	}
}

static void test_rr_rotation(struct test_ctx *t)
{
	struct rr_trace tr = { .n = 0 };
	struct sim *sim = new_sim(t, &rr_ops, 1, "slice=1ms");
	struct sim_vm *lat;
	u32 i, bad = 0, lat_pos = 0;

	if (!sim)
		return;
	sim->on_grant = rr_record;
	sim->on_grant_arg = &tr;
	sim_add_vm(sim, NULL, 2, SIM_LOAD_SPIN);	/* vCPUs 0, 1 */
	sim_add_vm(sim, NULL, 2, SIM_LOAD_SPIN);	/* vCPUs 2, 3 */
	sim_run_for(sim, 40 * MS - 1);
	for (i = 0; i < 40; i++) {
		bad += tr.ids[i] != i % 4;
		bad += tr.starts[i] != SEC + i * MS;
		bad += tr.slices[i] != MS;
	}
	printf("# first 40 grants: order 0 1 2 3 0 1 ..., 1 ms apart: %u wrong\n",
	       bad);
	CHECK(t, tr.n == 40 && bad == 0, "rotation broken");

	/* a vCPU waking at 40.5 ms joins the tail: after 0 1 2 3 */
	tr.n = 0;
	lat = sim_add_vm(sim, NULL, 1, SIM_LOAD_LATENCY(SEC, 100 * US,
							SEC + 40 * MS + 500 * US));
	lat->keep_delays = true;
	sim_run_for(sim, 6 * MS);
	for (i = 0; i < tr.n; i++)
		if (tr.ids[i] == lat->vcpus[0].id)
			lat_pos = i;
	printf("# woken vCPU granted %u-th after its wake, delay %.3f ms\n",
	       lat_pos, sim_vm_delay_max(lat) / 1e6);
	CHECK(t, lat_pos == 4, "woken vCPU was %u-th, want 4-th", lat_pos);
	/* it halts 100 us into its slice: the next grant starts then */
	CHECK(t, tr.starts[lat_pos + 1] == tr.starts[lat_pos] + 100 * US,
	      "slot not given away at once on halt");
	/* vCPU 0 was preempted after the wake-up: it queued behind */
	CHECK(t, tr.ids[lat_pos + 1] == 0, "order after the woken vCPU");
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_rr_equal(struct test_ctx *t)
{
	struct sim *sim = new_sim(t, &rr_ops, 2, NULL);
	struct sim_vm *vms[5];
	char buf[64];
	u32 i;

	if (!sim)
		return;
	for (i = 0; i < 5; i++)
		vms[i] = sim_add_vm(sim, NULL, 1, SIM_LOAD_SPIN);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	for (i = 0; i < 5; i++) {
		label(buf, sizeof(buf), "rr VM %u on 2 slots", i);
		CHECK_NEAR(t, buf, sim_vm_share(sim, vms[i]), 0.4, 0.004);
	}
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

/* --- credit a VM cannot use ------------------------------------------------ */

/*
 * 2 slots. VM A (weight 1024) deserves 4/3 slots but its spinning vCPU can
 * use one; B and C (256) split the other. A's second vCPU wakes for 200 ms
 * every 5 s. Had A banked the credit it could not use, that vCPU would hold
 * the second slot for its whole burst and B and C would wait 200 ms; kept
 * within a slice of the system virtual time, they wait about a slice.
 */
static void hoard_case(struct test_ctx *t, struct vmsched_ops *ops, u64 bound)
{
	struct sim_load loads[2] = { SIM_LOAD_SPIN,
				     SIM_LOAD_DUTY(200 * MS, 5 * SEC) };
	struct sim *sim = new_sim(t, ops, 2, NULL);
	struct sim_vm *a, *b, *c;
	char buf[64];

	if (!sim)
		return;
	a = sim_add_vm_loads(sim, "weight=1024", 2, loads);
	b = sim_add_vm(sim, "weight=256", 1, SIM_LOAD_SPIN);
	c = sim_add_vm(sim, "weight=256", 1, SIM_LOAD_SPIN);
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 30 * SEC);
	snprintf(buf, sizeof(buf), "%s longest wait of B", ops->name);
	check_at_most(t, buf, b->vcpus[0].wait_max, bound);
	check_at_most(t, "longest wait of C", c->vcpus[0].wait_max, bound);
	CHECK(t, a->vcpus[1].grants > 0, "bursty vCPU never ran");
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_no_hoarding(struct test_ctx *t)
{
	hoard_case(t, &fair_ops, 40 * MS);
	hoard_case(t, &bvt_ops, 70 * MS);
}

/* --- sleepers ------------------------------------------------------------ */

/*
 * A VM that sleeps 1.5 s then needs 500 ms of CPU, next to a spinning VM of
 * the same weight. Raised to the system virtual time on wake-up (fair:
 * less one slice of credit), it shares 50/50 while awake: 500 ms of CPU
 * take 1 s (fair: less up to 3 slices, its credit and the slices in
 * progress at its wake-up and at its end), share 500 / 2500 = 0.2 (fair:
 * up to 500 / 2470 = 0.2024). Had it banked credit while asleep it would
 * run alone: share 0.25.
 */
static void sleeper_case(struct test_ctx *t, struct vmsched_ops *ops)
{
	struct sim *sim = new_sim(t, ops, 1, NULL);
	struct sim_vm *a, *b;
	char buf[64];

	if (!sim)
		return;
	a = sim_add_vm(sim, NULL, 1, SIM_LOAD_DUTY(500 * MS, 1500 * MS));
	b = sim_add_vm(sim, NULL, 1, SIM_LOAD_SPIN);
	sim_run_for(sim, 5 * SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 50 * SEC);
	snprintf(buf, sizeof(buf), "%s sleeper share", ops->name);
	CHECK_NEAR(t, buf, sim_vm_share(sim, a), 0.2, 0.005);
	CHECK_NEAR(t, "spinner share", sim_vm_share(sim, b), 0.8, 0.005);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_sleeper(struct test_ctx *t)
{
	sleeper_case(t, &fair_ops);
	sleeper_case(t, &bvt_ops);
}

/* --- long runs ------------------------------------------------------------ */

static struct vt_clock *bvt_clock(struct sim *sim)
{
	return &bvt_priv(&sim->s)->clock;
}

static struct vt_clock *fair_clock(struct sim *sim)
{
	return &fair_priv(&sim->s)->clock;
}

static void long_run_case(struct test_ctx *t, struct vmsched_ops *ops,
			  const char *params, struct vt_clock *(*clock_of)(struct sim *sim))
{
	struct sim *sim = new_sim(t, ops, 1, params);
	struct sim_vm *vms[3];
	u64 decisions = 1000000, start = 0, *svt;
	char buf[80];
	clock_t c0 = clock();
	u32 i;

	if (!sim)
		return;
	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "weight=%u", 1U << i);
		vms[i] = sim_add_vm(sim, buf, 1, SIM_LOAD_SPIN);
	}
	svt = &clock_of(sim)->svt;
	CHECK(t, *svt == VT_ORIGIN, "svt does not start at VT_ORIGIN");
	sim_run_decisions(sim, 1000);
	sim_reset_stats(sim);
	start = *svt;
	sim_run_decisions(sim, decisions);
	printf("# %s: %llu decisions, %.0f s simulated in %.2f s, svt %#llx -> %#llx\n",
	       ops->name, (unsigned long long)sim->decisions,
	       (sim->now - sim->stamp) / 1e9,
	       (double)(clock() - c0) / CLOCKS_PER_SEC,
	       (unsigned long long)start, (unsigned long long)*svt);
	/* from VT_ORIGIN = -2^42, an advance past 2^42 crossed zero */
	CHECK(t, *svt - VT_ORIGIN > -VT_ORIGIN, "virtual time did not wrap: %#llx",
	      (unsigned long long)*svt);
	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "%s weight %u, 1 s slices", ops->name,
			 1U << i);
		CHECK_NEAR(t, buf, sim_vm_share(sim, vms[i]), (1 << i) / 7.0,
			   (1 << i) / 7.0 * 0.01);
	}
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void extremes_case(struct test_ctx *t, struct vmsched_ops *ops,
			  const char *params)
{
	struct sim *sim = new_sim(t, ops, 1, params);
	struct sim_vm *lo, *hi;
	char buf[80];

	if (!sim)
		return;
	lo = sim_add_vm(sim, "weight=1", 1, SIM_LOAD_SPIN);
	hi = sim_add_vm(sim, "weight=65535", 1, SIM_LOAD_SPIN);
	sim_reset_stats(sim);
	/* 1 s slices: 20 slices of the light VM by its weight */
	sim_run_for(sim, 20 * 65536 * SEC);
	/*
	 * The starvation guard serves the light VM once it waited 32 slices:
	 * it gets at least its weight's share and never waits longer than the
	 * policy declares; the heavy VM keeps almost everything.
	 */
	snprintf(buf, sizeof(buf), "%s weight 1 vs 65535: share x 65536 >= 1",
		 ops->name);
	CHECK(t, sim_vm_share(sim, lo) * 65536 >= 0.9, "%s: %.3f", buf,
	      sim_vm_share(sim, lo) * 65536);
	printf("# %s: light VM share %.5f, longest wait %.1f s (guard after %.0f s)\n",
	       ops->name, sim_vm_share(sim, lo), lo->vcpus[0].wait_max / 1e9,
	       vmsched_starve_after(SEC) / 1e9);
	CHECK(t, lo->vcpus[0].wait_max <= vmsched_guarded_wait(1, SEC),
	      "%s: the light VM waited %llu ns", ops->name,
	      (unsigned long long)lo->vcpus[0].wait_max);
	CHECK(t, sim_vm_share(sim, hi) >= 0.96, "weight 65535 share %.4f",
	      sim_vm_share(sim, hi));
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

/*
 * The longest wait of any vCPU of @nr VMs (weights in @params, @vcpus[k]
 * spinning vCPUs each) over @ns on one slot, against the policy's own
 * declared bound (ops.max_wait, read at the end: every vCPU queued but one) and
 * against half of the core's default watchdog limit (1 s) if @half_wd.
 */
static void starve_case(struct test_ctx *t, struct vmsched_ops *ops, const char *global,
			const char *const *params, const u32 *vcpus, int nr, u64 ns,
			bool half_wd)
{
	struct sim *sim = new_sim(t, ops, 1, global);
	struct sim_vm *vms[4];
	u64 wait = 0, bound;
	int k;
	u32 i;

	if (!sim)
		return;
	for (k = 0; k < nr; k++)
		vms[k] = sim_add_vm(sim, params[k], vcpus[k], SIM_LOAD_SPIN);
	sim_reset_stats(sim);
	sim_run_for(sim, ns);
	for (k = 0; k < nr; k++)
		for (i = 0; i < vms[k]->nr_vcpus; i++) {
			CHECK(t, vms[k]->vcpus[i].grants > 0, "%s: %s vCPU %u never ran",
			      ops->name, params[k], i);
			wait = max_t(u64, wait, vms[k]->vcpus[i].wait_max);
		}
	/* spinners on one slot: all but the granted vCPU are queued now */
	sim_in_sched_cb = true;
	bound = ops->max_wait(&sim->s);
	sim_in_sched_cb = false;
	printf("# %s %s: longest wait %.3f s, declared bound %.3f s\n", ops->name,
	       global ? global : "(defaults)", wait / 1e9, bound / 1e9);
	CHECK(t, wait <= bound, "%s: waited %llu ns, declared %llu ns", ops->name,
	      (unsigned long long)wait, (unsigned long long)bound);
	if (half_wd)
		CHECK(t, wait <= SEC, "%s: waited %llu ns, more than half the watchdog",
		      ops->name, (unsigned long long)wait);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_starvation_bound(struct test_ctx *t)
{
	static const char *const extreme[] = { "weight=1", "weight=65535" };
	static const char *const ratio256[] = { "weight=1", "weight=256" };
	static const char *const plain[] = { "", "", "" };
	static const u32 one_two[] = { 1, 2 }, ones[] = { 1, 1, 1 };

	starve_case(t, &fair_ops, NULL, extreme, one_two, 2, 60 * SEC, true);
	starve_case(t, &bvt_ops, NULL, extreme, one_two, 2, 60 * SEC, true);
	starve_case(t, &fair_ops, NULL, ratio256, ones, 2, 60 * SEC, true);
	starve_case(t, &bvt_ops, NULL, ratio256, ones, 2, 60 * SEC, true);
	/* a long slice with three vCPUs per slot: the bound is declared */
	starve_case(t, &rr_ops, "slice=1s", plain, ones, 3, 60 * SEC, false);
}

/*
 * A VM of weight 1 runs 1 s, sleeps 500 days and wakes needing 1 s again,
 * next to a spinner of weight 1: while it sleeps, the system virtual time
 * moves 256 units per ns, 2^63 units in 417 days, past the point where
 * the sleeper's old virtual time compares as far ahead of it. Raised to
 * the system virtual time on waking, it shares half and half again: its
 * first grant comes within one slice, and its 1 s of CPU within 1 s / (1/2)
 * plus that slice.
 */
static void idle_wrap_case(struct test_ctx *t, struct vmsched_ops *ops, const char *params,
			   struct vt_clock *(*clock_of)(struct sim *sim))
{
	const u64 burst = SEC, idle = 500ULL * 86400 * SEC;
	struct sim *sim = new_sim(t, ops, 1, params);
	u64 slice = sim ? sim_get_param(sim, NULL, "slice") : 0;
	struct sim_vcpu *v;
	struct sim_vm *vm;
	double share = 0.5;
	u64 epoch;
	char buf[80];
	clock_t c0 = clock();

	if (!sim)
		return;
	vm = sim_add_vm(sim, "weight=1", 1, SIM_LOAD_DUTY(burst, idle));
	sim_add_vm(sim, "weight=1", 1, SIM_LOAD_SPIN);
	v = &vm->vcpus[0];
	sim_run_for(sim, 10 * SEC);
	CHECK(t, v->state == SIM_BLOCKED, "first burst not done in 10 s");
	epoch = clock_of(sim)->epoch;
	sim_run_for(sim, v->wake_at - sim->now - 1);
	/* 2^63 units are 4 epochs: svt went that far while it slept */
	epoch = clock_of(sim)->epoch - epoch;
	CHECK(t, epoch >= 4, "svt moved %llu epochs only", (unsigned long long)epoch);
	sim_reset_stats(sim);
	sim_run_for(sim, 1 + burst / share + slice);
	printf("# %s: %.0f days asleep (svt %llu epochs of 2^61 on) in %.2f s; then %.3f s run\n",
	       ops->name, idle / 86400e9, (unsigned long long)epoch,
	       (double)(clock() - c0) / CLOCKS_PER_SEC, sim_vm_run(sim, vm) / 1e9);
	snprintf(buf, sizeof(buf), "%s first grant after 500 days asleep", ops->name);
	if (v->grants) {
		check_at_most(t, buf, v->delay_max, slice);
	} else {
		printf("# %s: none in %.3f s  FAIL\n", buf, (sim->now - sim->stamp) / 1e9);
		t->failed = 1;
	}
	check_at_least(t, "its run within 1 s / share + slice", sim_vm_run(sim, vm), burst);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_long_run(struct test_ctx *t)
{
	long_run_case(t, &bvt_ops, "slice=1s,ctx_allow=1s", bvt_clock);
	long_run_case(t, &fair_ops, "slice=1s", fair_clock);
	extremes_case(t, &bvt_ops, "slice=1s,ctx_allow=10ms");
	extremes_case(t, &fair_ops, "slice=1s");
}

static void test_idle_wrap(struct test_ctx *t)
{
	idle_wrap_case(t, &bvt_ops, "slice=1s", bvt_clock);
	idle_wrap_case(t, &fair_ops, "slice=1s", fair_clock);
}

/* --- attach and detach ---------------------------------------------------- */

static void attach_detach_case(struct test_ctx *t, struct vmsched_ops *ops,
			       bool weighted)
{
	struct sim *sim = new_sim(t, ops, 1, NULL);
	struct sim_vm *v0, *v1, *v2, *v3;
	double s0, s1, s3, sum;
	char buf[80];
	u64 run2;

	if (!sim)
		return;
	v0 = sim_add_vm(sim, weighted ? "weight=256" : NULL, 1, SIM_LOAD_SPIN);
	v1 = sim_add_vm(sim, weighted ? "weight=512" : NULL, 1, SIM_LOAD_SPIN);
	v2 = sim_add_vm(sim, weighted ? "weight=1024" : NULL, 1, SIM_LOAD_SPIN);
	sim_run_for(sim, 2 * SEC + 3333 * US);

	/* a 2-vCPU VM of weight 512 arrives */
	v3 = sim_add_vm(sim, weighted ? "weight=512" : NULL, 2, SIM_LOAD_SPIN);
	sim_reset_stats(sim);
	sim_run_for(sim, 9 * SEC + 1234 * US);
	sum = weighted ? 9.0 : 5.0;
	s0 = 1.0 / sum;
	s1 = (weighted ? 2.0 : 1.0) / sum;
	s3 = 2.0 / sum;
	snprintf(buf, sizeof(buf), "%s after attach: VM0", ops->name);
	CHECK_NEAR(t, buf, sim_vm_share(sim, v0), s0, s0 * 0.02);
	CHECK_NEAR(t, "after attach: VM1", sim_vm_share(sim, v1), s1, s1 * 0.02);
	CHECK_NEAR(t, "after attach: VM2", sim_vm_share(sim, v2),
		   (weighted ? 4.0 : 1.0) / sum, (weighted ? 4.0 : 1.0) / sum * 0.02);
	CHECK_NEAR(t, "after attach: new VM3", sim_vm_share(sim, v3), s3,
		   s3 * 0.02);

	/* VM2 leaves mid-slice */
	sim_remove_vm(sim, v2);
	run2 = v2->run_total;
	sim_reset_stats(sim);
	sim_run_for(sim, 5 * SEC);
	CHECK(t, v2->run_total == run2, "detached VM ran");
	sum = weighted ? 5.0 : 4.0;
	CHECK_NEAR(t, "after detach: VM0", sim_vm_share(sim, v0), 1.0 / sum,
		   0.02 / sum);
	CHECK_NEAR(t, "after detach: VM1", sim_vm_share(sim, v1),
		   (weighted ? 2.0 : 1.0) / sum, 0.04 / sum);
	CHECK_NEAR(t, "after detach: VM3", sim_vm_share(sim, v3), 2.0 / sum,
		   0.04 / sum);

	/* one vCPU of VM3 goes: per-VM shares hold, rr counts vCPUs */
	sim_remove_vcpu(sim, &v3->vcpus[1]);
	sim_reset_stats(sim);
	sim_run_for(sim, 5 * SEC);
	sum = weighted ? 5.0 : 3.0;
	CHECK_NEAR(t, "after vCPU detach: VM3", sim_vm_share(sim, v3),
		   (weighted ? 2.0 : 1.0) / sum, 0.02);
	CHECK(t, v3->vcpus[1].run_ns == 0, "detached vCPU ran");
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_attach_detach(struct test_ctx *t)
{
	attach_detach_case(t, &fair_ops, true);
	attach_detach_case(t, &bvt_ops, true);
	attach_detach_case(t, &rr_ops, false);
}

/* --- scale ---------------------------------------------------------------- */

static void scale_case(struct test_ctx *t, struct vmsched_ops *ops)
{
	enum { VMS = 2500, VCPUS = 4, SLOTS = 64 };
	struct sim *sim = new_sim(t, ops, SLOTS, NULL);
	static struct sim_vm *vms[VMS];
	double lo = 1e9, hi = 0, sum = 0, s;
	u64 starved = 0;
	clock_t c0 = clock();
	char buf[80];
	u32 i, j, n = 0;

	if (!sim)
		return;
	for (i = 0; i < VMS; i++)
		vms[i] = sim_add_vm(sim, NULL, VCPUS, i % 5 ? SIM_LOAD_SPIN :
				    SIM_LOAD_DUTY(1 * MS, 3 * MS));
	sim_run_for(sim, 2 * SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 60 * SEC);
	for (i = 0; i < VMS; i++) {
		for (j = 0; j < VCPUS; j++)
			starved += vms[i]->vcpus[j].grants == 0;
		if (!(i % 5))
			continue;
		s = sim_vm_share(sim, vms[i]);
		lo = s < lo ? s : lo;
		hi = s > hi ? s : hi;
		sum += s;
		n++;
	}
	printf("# %s: 10000 vCPUs on %u slots, %llu decisions in %.2f s; spinning VM share min %.5f max %.5f\n",
	       ops->name, SLOTS, (unsigned long long)sim->decisions,
	       (double)(clock() - c0) / CLOCKS_PER_SEC, lo, hi);
	CHECK(t, starved == 0, "%llu vCPUs never granted",
	      (unsigned long long)starved);
	snprintf(buf, sizeof(buf), "%s min/mean spinning VM share", ops->name);
	CHECK_NEAR(t, buf, lo / (sum / n), 1.0, 0.1);
	CHECK_NEAR(t, "max/mean spinning VM share", hi / (sum / n), 1.0, 0.1);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_scale(struct test_ctx *t)
{
	scale_case(t, &fair_ops);
	scale_case(t, &bvt_ops);
	scale_case(t, &rr_ops);
}

/* --- pinned vCPUs ----------------------------------------------------------- */

static const struct vmsched_ops *const pin_ops[] = { &rr_ops, &fair_ops, &bvt_ops };

/*
 * 2 slots: VM P0 pinned to slot 0, VMs P1a and P1b pinned to slot 1, one
 * spinning vCPU each, equal weights. P0 has slot 0 to itself, the others
 * share slot 1 half and half; no vCPU is granted a slot it may not use and
 * no slot idles while a vCPU that may run there waits (sim_ok).
 */
static void pinned_split_case(struct test_ctx *t, struct vmsched_ops *ops, const char *p1b_params,
			      double want)
{
	const struct cpumask on0 = sim_cpus(1), on1 = sim_cpus(2);
	struct sim *sim = new_sim(t, ops, 2, NULL);
	struct sim_vm *p0, *p1a, *p1b;
	double a, b;
	char buf[80];

	if (!sim)
		return;
	/* those of slot 1 first: slot 0 is asked first and must pass them over */
	p1a = sim_add_vm_on(sim, NULL, 1, SIM_LOAD_SPIN, &on1);
	p1b = sim_add_vm_on(sim, p1b_params, 1, SIM_LOAD_SPIN, &on1);
	p0 = sim_add_vm_on(sim, NULL, 1, SIM_LOAD_SPIN, &on0);
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	a = sim_vm_share(sim, p1a);
	b = sim_vm_share(sim, p1b);
	snprintf(buf, sizeof(buf), "%s P0 (slot 0) share", ops->name);
	CHECK_NEAR(t, buf, sim_vm_share(sim, p0), 1.0, 0.05);
	snprintf(buf, sizeof(buf), "%s P1a / P1b (slot 1) %s", ops->name,
		 p1b_params ? p1b_params : "");
	CHECK_NEAR(t, buf, b > 0 ? a / b : 0, want, want * 0.05);
	snprintf(buf, sizeof(buf), "%s P1a + P1b (slot 1)", ops->name);
	CHECK_NEAR(t, buf, a + b, 1.0, 0.05);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_pinned_split(struct test_ctx *t)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pin_ops); i++)
		pinned_split_case(t, (struct vmsched_ops *)pin_ops[i], NULL, 1.0);
	/* the weights of the VMs sharing slot 1 hold between them */
	pinned_split_case(t, &fair_ops, "weight=512", 0.5);
	pinned_split_case(t, &bvt_ops, "weight=512", 0.5);
}

/*
 * 2 slots: VM P pinned to slot 1 and an unpinned VM U, one spinning vCPU
 * each: both always run, whichever slot is asked first, with slice ends
 * on time or up to 1 ms late.
 */
static void pinned_mixed_case(struct test_ctx *t, struct vmsched_ops *ops, bool reverse,
			      u64 late_max)
{
	const struct cpumask on1 = sim_cpus(2);
	struct sim *sim = new_sim(t, ops, 2, NULL);
	struct sim_vm *p, *u;
	char buf[80];

	if (!sim)
		return;
	sim->fill_reverse = reverse;
	sim->late_max = late_max;
	/*
	 * slot 0 must pass P over: asked first in slot order, so P comes
	 * first; in reverse order U takes slot 1 first and P must wait
	 */
	if (reverse) {
		u = sim_add_vm(sim, NULL, 1, SIM_LOAD_SPIN);
		p = sim_add_vm_on(sim, NULL, 1, SIM_LOAD_SPIN, &on1);
	} else {
		p = sim_add_vm_on(sim, NULL, 1, SIM_LOAD_SPIN, &on1);
		u = sim_add_vm(sim, NULL, 1, SIM_LOAD_SPIN);
	}
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	snprintf(buf, sizeof(buf), "%s %s%s: pinned P share", ops->name,
		 reverse ? "slots 1, 0" : "slots 0, 1", late_max ? ", late" : "");
	CHECK(t, sim_vm_share(sim, p) >= 0.95, "%s %.4f", buf, sim_vm_share(sim, p));
	printf("# %-38s %10.5f, U %.5f (each >= 0.95)\n", buf, sim_vm_share(sim, p),
	       sim_vm_share(sim, u));
	CHECK(t, sim_vm_share(sim, u) >= 0.95, "%s: U share %.4f", buf,
	      sim_vm_share(sim, u));
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_pinned_mixed(struct test_ctx *t)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pin_ops); i++) {
		struct vmsched_ops *ops = (struct vmsched_ops *)pin_ops[i];

		pinned_mixed_case(t, ops, false, 0);
		pinned_mixed_case(t, ops, true, 0);
		pinned_mixed_case(t, ops, false, MS);
		pinned_mixed_case(t, ops, true, MS);
	}
}

/*
 * 2 slots: VMs of weights 1 and 65535 pinned to slot 0, an unpinned VM U
 * (weight 256) next to them, one spinning vCPU each. The starvation guard
 * serves the light VM on slot 0 within its bound, at least once per
 * vmsched_starve_after(); the guard never hands slot 1 a vCPU pinned to
 * slot 0 (sim_ok); U keeps slot 1.
 */
static void pinned_guard_case(struct test_ctx *t, struct vmsched_ops *ops)
{
	const struct cpumask on0 = sim_cpus(1);
	struct sim *sim = new_sim(t, ops, 2, NULL);
	struct sim_vm *lo, *hi, *u;
	u64 slice, run = 30 * SEC;
	char buf[80];

	if (!sim)
		return;
	slice = sim_get_param(sim, NULL, "slice");
	lo = sim_add_vm_on(sim, "weight=1", 1, SIM_LOAD_SPIN, &on0);
	hi = sim_add_vm_on(sim, "weight=65535", 1, SIM_LOAD_SPIN, &on0);
	u = sim_add_vm(sim, NULL, 1, SIM_LOAD_SPIN);
	sim_reset_stats(sim);
	sim_run_for(sim, run);
	printf("# %s: light VM %llu grants, share %.5f, longest wait %.3f s; heavy %.4f, U %.4f\n",
	       ops->name, (unsigned long long)lo->vcpus[0].grants, sim_vm_share(sim, lo),
	       lo->vcpus[0].wait_max / 1e9, sim_vm_share(sim, hi), sim_vm_share(sim, u));
	snprintf(buf, sizeof(buf), "%s light VM pinned: longest wait", ops->name);
	check_at_most(t, buf, lo->vcpus[0].wait_max, vmsched_guarded_wait(2, slice));
	CHECK(t, lo->vcpus[0].grants >= run / (vmsched_starve_after(slice) + 2 * slice),
	      "%s: the light VM was granted %llu times in %llu s", ops->name,
	      (unsigned long long)lo->vcpus[0].grants, (unsigned long long)(run / SEC));
	CHECK(t, sim_vm_share(sim, hi) >= 0.9, "%s: heavy VM share %.4f", ops->name,
	      sim_vm_share(sim, hi));
	CHECK(t, sim_vm_share(sim, u) >= 0.95, "%s: U share %.4f", ops->name,
	      sim_vm_share(sim, u));
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

/*
 * 2 slots: VMs X1, X2 spinning pinned to slot 0, S spinning and L waking
 * every 20 ms for 1 ms pinned to slot 1. L's wake-ups end S's grants (the
 * only ones on a slot L may use), at once: L gets its demand with no
 * wait, and slot 0 is never touched (X1 and X2 half and half).
 */
static void pinned_wake_case(struct test_ctx *t, struct vmsched_ops *ops)
{
	const struct cpumask on0 = sim_cpus(1), on1 = sim_cpus(2);
	struct sim *sim = new_sim(t, ops, 2, NULL);
	struct sim_vm *x1, *x2, *l;
	char buf[80];

	if (!sim)
		return;
	x1 = sim_add_vm_on(sim, NULL, 1, SIM_LOAD_SPIN, &on0);
	x2 = sim_add_vm_on(sim, NULL, 1, SIM_LOAD_SPIN, &on0);
	sim_add_vm_on(sim, NULL, 1, SIM_LOAD_SPIN, &on1);
	l = sim_add_vm_on(sim, NULL, 1, SIM_LOAD_LATENCY(20 * MS, MS, 2 * SEC + 3 * MS), &on1);
	l->keep_delays = true;
	sim_run_for(sim, SEC);
	sim_reset_stats(sim);
	sim_run_for(sim, 10 * SEC);
	snprintf(buf, sizeof(buf), "%s pinned waker share", ops->name);
	CHECK_NEAR(t, buf, sim_vm_share(sim, l), 0.05, 0.0025);
	snprintf(buf, sizeof(buf), "%s pinned waker p99 wake-to-grant", ops->name);
	check_at_most(t, buf, sim_vm_delay_pct(l, 99), 0);
	snprintf(buf, sizeof(buf), "%s X1 + X2 (slot 0)", ops->name);
	CHECK_NEAR(t, buf, sim_vm_share(sim, x1) + sim_vm_share(sim, x2), 1.0, 0.001);
	CHECK(t, sim->preempt_regrants == 0 && sim->preempt_others == 0,
	      "%s: %llu preemptions undone, %llu to a third VM", ops->name,
	      (unsigned long long)sim->preempt_regrants,
	      (unsigned long long)sim->preempt_others);
	sim_ok(t, sim, false);
	sim_destroy(sim);
}

static void test_pinned_wake(struct test_ctx *t)
{
	pinned_wake_case(t, &fair_ops);
	pinned_wake_case(t, &bvt_ops);
}

static void test_pinned_guard(struct test_ctx *t)
{
	pinned_guard_case(t, &fair_ops);
	pinned_guard_case(t, &bvt_ops);
}

/* --- runner --------------------------------------------------------------- */

struct test {
	const char *name;
	void (*run)(struct test_ctx *t);
	const char *desc;
};

static const struct test tests[] = {
	{ "rbtree", test_rbtree,
	  "simulator red-black tree keeps order, colours, leftmost" },
	{ "fair_weights", test_fair_weights,
	  "fair: weights 1:2:4 give 1/7:2/7:4/7 (1 slot) and 1/3:2/3:1 (2 slots)" },
	{ "fair_vcpus_share", test_fair_vcpus_share,
	  "fair: a VM's share is divided among its vCPUs" },
	{ "fair_work_conserving", test_fair_work_conserving,
	  "fair: idle share goes to busy VMs" },
	{ "fair_cap_idle_host", test_fair_cap_idle_host,
	  "fair: a capped VM stays under its cap on an idle host" },
	{ "fair_cap_busy_host", test_fair_cap_busy_host,
	  "fair: cap beats weight; the rest goes to others" },
	{ "fair_reservation", test_fair_reservation,
	  "fair: reservation guaranteed, unused part given away" },
	{ "fair_params", test_fair_params,
	  "fair: parameter errors and live changes" },
	{ "fair_reservation_vcpus", test_fair_reservation_vcpus,
	  "fair: a reservation is at most 100% per vCPU of the VM" },
	{ "fair_wake_share", test_fair_wake_share,
	  "fair: a VM entitled to 80% that wants 25% gets 25%" },
	{ "fair_wake_latency", test_fair_wake_latency,
	  "fair: a latency VM gets its demand, granted at its wake-ups" },
	{ "fair_wake_reservation", test_fair_wake_reservation,
	  "fair: a VM below its reservation is granted at its wake-ups" },
	{ "fair_wake_bounded", test_fair_wake_bounded,
	  "fair: a VM waking often gets its share, not more; 1:2:4 kept" },
	{ "fair_preempt", test_fair_preempt,
	  "fair: no preemption that pick_next undoes or gives a third VM" },
	{ "bvt_weights", test_bvt_weights,
	  "bvt: weights 1:2:4 on 1 and 2 slots" },
	{ "late_timers", test_late_timers,
	  "late slice timers: bvt and fair shares still follow the weights" },
	{ "bvt_warp_latency", test_bvt_warp_latency,
	  "bvt: warped wake-to-grant within ctx_allow, shares kept" },
	{ "bvt_warp_share", test_bvt_warp_share,
	  "bvt: warping does not raise the long-run share" },
	{ "bvt_warp_limit", test_bvt_warp_limit,
	  "bvt: warp_limit and unwarp_req enforced" },
	{ "bvt_warp_odd_bursts", test_bvt_warp_odd_bursts,
	  "bvt: bursts just short of warp_limit get valid slices within it" },
	{ "bvt_warp_per_run", test_bvt_warp_per_run,
	  "bvt: warp_limit bounds one run; short runs keep their warp" },
	{ "bvt_warp_concurrent", test_bvt_warp_concurrent,
	  "bvt: a VM's concurrent warped grants stay within one warp_limit" },
	{ "bvt_preempt", test_bvt_preempt,
	  "bvt: no preemption that pick_next undoes at once" },
	{ "bvt_params", test_bvt_params,
	  "bvt: parameter errors" },
	{ "rr_rotation", test_rr_rotation,
	  "rr: FIFO order, woken vCPUs at the tail, halt frees the slot" },
	{ "rr_equal", test_rr_equal,
	  "rr: equal VMs get equal shares" },
	{ "no_hoarding", test_no_hoarding,
	  "fair, bvt: a VM weighted above one slot banks no credit" },
	{ "sleeper_no_credit", test_sleeper,
	  "fair, bvt: sleeping banks no credit (fair: a slice at most)" },
	{ "long_run", test_long_run,
	  "bvt, fair: 10^6 decisions across the virtual time wrap; weights 1 and 65535" },
	{ "idle_wrap", test_idle_wrap,
	  "bvt, fair: a VM of weight 1 asleep 500 days gets its share at once" },
	{ "starvation_bound", test_starvation_bound,
	  "fair, bvt, rr: no vCPU waits longer than the policy declares; weights 1 and 65535" },
	{ "attach_detach", test_attach_detach,
	  "fair, bvt, rr: VMs and vCPUs attached and detached mid-run" },
	{ "scale_10000", test_scale,
	  "fair, bvt, rr: 10,000 vCPUs on 64 slots" },
	{ "pinned_split", test_pinned_split,
	  "rr, fair, bvt: one VM pinned to slot 0, two sharing slot 1 half and half" },
	{ "pinned_mixed", test_pinned_mixed,
	  "rr, fair, bvt: an unpinned and a pinned VM on 2 slots both always run" },
	{ "pinned_wake", test_pinned_wake,
	  "fair, bvt: a pinned waker ends the grant on its slot at once, not another" },
	{ "pinned_guard", test_pinned_guard,
	  "fair, bvt: weights 1 and 65535 pinned to one slot: the guard serves the light VM" },
};

/* run @test in a child; returns and records in @t whether it failed */
static int run_one(const struct test *test, struct test_ctx *t)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		sim_warnings = 0;
		test->run(t);
		fflush(stdout);
		_exit(t->failed ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		exit(2);
	}
	if (WIFSIGNALED(status))
		printf("# crashed: signal %d\n", WTERMSIG(status));
	t->failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	return t->failed;
}

int main(int argc, char **argv)
{
	const char *filter = NULL;
	unsigned int i, n = 0, passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "-l")) {
			for (n = 0; n < ARRAY_SIZE(tests); n++)
				printf("%-22s %s\n", tests[n].name, tests[n].desc);
			return 0;
		}
		if (!strcmp(argv[i], "-t") && i + 1 < (unsigned int)argc) {
			filter = argv[++i];
			continue;
		}
		fprintf(stderr, "usage: %s [-l] [-t NAME]\n", argv[0]);
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(tests); i++)
		n += !filter || strstr(tests[i].name, filter);
	printf("TAP version 13\n1..%u\n", n);
	n = 0;
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		struct test_ctx t = { .name = tests[i].name };

		if (filter && !strstr(tests[i].name, filter))
			continue;
		printf("# %s: %s\n", tests[i].name, tests[i].desc);
		if (run_one(&tests[i], &t))
			failed++;
		else
			passed++;
		printf("%sok %u %s\n", t.failed ? "not " : "", ++n, tests[i].name);
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
