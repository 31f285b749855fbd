// SPDX-License-Identifier: GPL-2.0
/*
 * stats [VM]: per VM and per vCPU run time, wait time, share of CPU,
 * grants, preemptions and wake-to-run latency; with no policy active, what
 * the host scheduler gives the vCPU threads (their schedstat).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dev.h"
#include "main.h"
#include "output.h"
#include "pools.h"
#include "rates.h"
#include "stats.h"
#include "units.h"
#include "vm_lookup.h"

static const char *const vcpu_states[] = {
	[VMSCHED_VCPU_RUNNING] = "running",
	[VMSCHED_VCPU_QUEUED] = "queued",
	[VMSCHED_VCPU_BLOCKED] = "blocked",
	[VMSCHED_VCPU_OUTSIDE] = "outside",
};

const char *vcpu_state_name(unsigned int state)
{
	return state < 4 ? vcpu_states[state] : "unknown";
}

/* columns shared by VM and vCPU rows; the text widths add up to 80 */
#define RATE_COLS(first_key, first_head, first_w, id_key, id_head)			\
	{ first_key, first_head, first_w, O_STR }, { id_key, id_head, 7, O_U64 },	\
	{ "cpu_pct", "CPU%", 6, O_PCT }, { "run_ns", "RUN", 7, O_TIME },		\
	{ "wait_ns", "WAIT", 7, O_TIME }, { "grants", "GRANTS", 7, O_U64 },		\
	{ "preemptions", "PREEMPT", 7, O_U64 }, { "lat_p50_ns", "P50", 6, O_TIME },	\
	{ "lat_p99_ns", "P99", 6, O_TIME }, { "lat_max_ns", "MAX", 6, O_TIME },	\
	{ "wait_pct", NULL, 0, O_PCT }, { "wakeups", NULL, 0, O_U64 },			\
	{ "wall_ns", NULL, 0, O_U64 }, { "total_run_ns", NULL, 0, O_U64 },		\
	{ "total_wait_ns", NULL, 0, O_U64 }, { "total_grants", NULL, 0, O_U64 },	\
	{ "total_preemptions", NULL, 0, O_U64 }
#define NR_RATE_COLS	17

/* under a policy, the run-queue wait of the threads' schedstat: JSON only */
static const struct out_col vm_cols[] = {
	RATE_COLS("name", "NAME", -11, "pid", "PID"),
	{ "comm", NULL, 0, O_STR }, { "nr_vcpus", NULL, 0, O_U64 },
	{ "rq_wait_ns", NULL, 0, O_U64 }, { "pool", NULL, 0, O_STR },	/* uapi 2.2 */
};

static const struct out_col vcpu_cols[] = {
	RATE_COLS(NULL, "", -7, "tid", "TID"),
	{ "vcpu", NULL, 0, O_U64 }, { "state", NULL, 0, O_STR },
	{ "lat_count", NULL, 0, O_U64 }, { "rq_wait_ns", NULL, 0, O_U64 },
};


static void rate_cells(struct out_cell *c, const struct rate *r, uint64_t p50, bool has_p50,
		       uint64_t p99, uint64_t max, uint64_t tot_run, uint64_t tot_wait,
		       uint64_t tot_grants, uint64_t tot_preempt)
{
	c[2] = r->wall_ns ? CELL_PCT(r->cpu_pct) : (struct out_cell){ 0 };
	c[3] = CELL_U64(r->run_ns);
	c[4] = CELL_U64(r->wait_ns);
	c[5] = CELL_U64(r->grants);
	c[6] = CELL_U64(r->preemptions);
	c[7] = has_p50 ? CELL_U64(p50) : (struct out_cell){ 0 };
	c[8] = CELL_U64(p99);
	c[9] = CELL_U64(max);
	c[10] = r->wall_ns ? CELL_PCT(r->wait_pct) : (struct out_cell){ 0 };
	c[11] = CELL_U64(r->wakeups);
	c[12] = CELL_U64(r->wall_ns);
	c[13] = CELL_U64(tot_run);
	c[14] = CELL_U64(tot_wait);
	c[15] = CELL_U64(tot_grants);
	c[16] = CELL_U64(tot_preempt);
}

static struct out_cell rq_wait_cell(const struct rate *host)
{
	return host->unknown ? (struct out_cell){ 0 } : CELL_U64(host->wait_ns);
}

static void print_core_vms(const struct snap *prev, const struct snap *cur)
{
	unsigned int i, j;

	out_table_begin("vms", vm_cols, NR_RATE_COLS + 3 + cur->have_pools, 0);
	for (i = 0; i < cur->nr_vms; i++) {
		const struct snap_vm *vm = &cur->vms[i];
		struct out_cell c[NR_RATE_COLS + 4];
		struct rate r, h;

		vm_rate(prev, cur, vm, &r);
		c[0] = CELL_STR(vm->name);
		c[1] = CELL_U64(vm->s.pid);
		rate_cells(c, &r, 0, false, vm->s.lat_p99_ns, vm->s.lat_max_ns, vm->s.run_ns,
			   vm->s.wait_ns, vm->s.grants, vm->s.preemptions);
		c[NR_RATE_COLS] = CELL_STR(vm->s.comm);
		c[NR_RATE_COLS + 1] = CELL_U64(vm->s.nr_vcpus);
		vm_host_rate(prev, cur, vm, &h);
		c[NR_RATE_COLS + 2] = rq_wait_cell(&h);
		c[NR_RATE_COLS + 3] = CELL_STR(snap_vm_pool(vm));
		out_row_begin(c);
		out_table_begin("vcpus", vcpu_cols, NR_RATE_COLS + 4, OUT_NOHEADER);
		for (j = 0; j < vm->nr_vcpus; j++) {
			const struct snap_vcpu *sv = &cur->vcpus[vm->first_vcpu + j];
			const struct vmsched_vcpu_stats *v = &sv->s;
			char label[16];

			vcpu_rate(prev, cur, vm, sv, &r);
			vcpu_host_rate(prev, cur, vm, sv, &h);
			snprintf(label, sizeof(label), "vcpu%u", v->vcpu_id);
			c[0] = CELL_STR(label);
			c[1] = v->tid ? CELL_U64(v->tid) : (struct out_cell){ 0 };
			rate_cells(c, &r, v->lat_p50_ns, true, v->lat_p99_ns, v->lat_max_ns,
				   v->run_ns, v->wait_ns, v->grants, v->preemptions);
			c[NR_RATE_COLS] = CELL_U64(v->vcpu_id);
			c[NR_RATE_COLS + 1] = CELL_STR(vcpu_state_name(v->state));
			c[NR_RATE_COLS + 2] = CELL_U64(v->lat_count);
			c[NR_RATE_COLS + 3] = rq_wait_cell(&h);
			out_row(c);
		}
		out_table_end();
		out_row_end();
	}
	out_table_end();
}

void print_stats(const struct snap *prev, const struct snap *cur)
{
	bool host = snap_host_view(cur);
	char buf[FMT_LEN];

	out_obj_begin(NULL, NULL);
	if (out_json()) {
		out_kv_u64("now_ns", "now", cur->now_ns);
		out_kv_u64("interval_ns", "interval", prev ? cur->now_ns - prev->now_ns : 0);
		if (cur->have_status)
			out_kv((struct out_col[]){ { "policy", NULL, 0, O_STR } },
			       host ? (struct out_cell){ 0 } : CELL_STR(cur->st.active));
		out_kv_str("stats_from", NULL, host ? "schedstat" : "vmsched");
	} else if (host) {
		out_text("%s", HOST_NOTE);
		if (prev)
			out_text("over %s: CPU%% = run/wall time (100 = one CPU); WAIT: on a run queue",
				 fmt_time_short(cur->now_ns - prev->now_ns, buf));
		else
			out_text("since each VM started: CPU%% = run/wall time (100 = one CPU); "
				 "WAIT: on a run queue");
	} else if (prev) {
		out_text("over %s: CPU%% = run/wall time (100 = one CPU); latency since start",
			 fmt_time_short(cur->now_ns - prev->now_ns, buf));
	} else {
		out_text("since each VM started: CPU%% = run/wall time (100 = one CPU)");
	}
	if (host)
		print_host_vms(prev, cur);
	else
		print_core_vms(prev, cur);
	if (!cur->nr_vms)
		out_text("no VMs are running");
	out_obj_end();
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { ns / NSEC_PER_SEC, ns % NSEC_PER_SEC };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int do_stats(int argc, char **argv)
{
	struct snap a, b;
	char name[VM_NAME_LEN];
	pid_t pid = 0;
	int ret;

	if (argc > 1)
		return usage_err("stats takes at most one VM");
	if ((opt.given & OPT_INTERVAL) && opt.since_start)
		return usage_err("stats: -i and -s exclude each other");
	ret = pool_check(opt.pool);
	if (ret)
		return ret;
	snap_pool = opt.pool;
	if (argc) {
		ret = vm_resolve(argv[0], &pid, name, sizeof(name));
		if (ret)
			return ret;
	}
	ret = snap_take(&a, pid);
	if (ret == -ESRCH)
		return op_err("VM %s (pid %d) is gone", argv[0], pid);
	if (ret)
		return dev_err("cannot read statistics", ret);
	if (opt.since_start) {
		print_stats(NULL, &a);
		snap_free(&a);
		return EXIT_OK;
	}
	if (!snap_feed_mode())
		sleep_ns(opt.interval_ns);
	ret = snap_take(&b, pid);
	if (ret) {
		snap_free(&a);
		if (ret == -ESRCH)
			return op_err("VM %s (pid %d) is gone", argv[0], pid);
		return dev_err("cannot read statistics", ret);
	}
	print_stats(&a, &b);
	snap_free(&a);
	snap_free(&b);
	return EXIT_OK;
}
