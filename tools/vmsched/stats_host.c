// SPDX-License-Identifier: GPL-2.0
/*
 * stats with no policy active (stats.h): each VM and vCPU with what the
 * host scheduler gave its vCPU threads, from their schedstat; "-" (JSON
 * null) where a thread's could not be read.
 */
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "rates.h"
#include "stats.h"

/* no policy: the host's numbers, from schedstat */
#define HOST_COLS(first_key, first_head, first_w, id_key, id_head)			\
	{ first_key, first_head, first_w, O_STR }, { id_key, id_head, 7, O_U64 },	\
	{ "cpu_pct", "CPU%", 6, O_PCT }, { "run_ns", "RUN", 7, O_TIME },		\
	{ "wait_pct", "WAIT%", 6, O_PCT }, { "wait_ns", "WAIT", 7, O_TIME },		\
	{ "slices", "SLICES", 8, O_U64 }, { "wait_per_slice_ns", "WAIT/SL", 7, O_TIME },\
	{ "wall_ns", NULL, 0, O_U64 }, { "total_run_ns", NULL, 0, O_U64 },		\
	{ "total_wait_ns", NULL, 0, O_U64 }, { "total_slices", NULL, 0, O_U64 }
#define NR_HOST_COLS	12

static const struct out_col host_vm_cols[] = {
	HOST_COLS("name", "NAME", -11, "pid", "PID"),
	{ "comm", NULL, 0, O_STR }, { "nr_vcpus", NULL, 0, O_U64 },
	{ "pool", NULL, 0, O_STR },	/* uapi 2.2 */
};

static const struct out_col host_vcpu_cols[] = {
	HOST_COLS(NULL, "", -7, "tid", "TID"),
	{ "vcpu", NULL, 0, O_U64 }, { "state", NULL, 0, O_STR },
};

/* the host's numbers of a VM or vCPU: @r in the window, @tot since it started */
static void host_cells(struct out_cell *c, const struct rate *r, const struct sched_times *tot)
{
	int k;

	for (k = 2; k < NR_HOST_COLS; k++)
		c[k] = (struct out_cell){ 0 };
	if (r->unknown)
		return;
	if (r->wall_ns) {
		c[2] = CELL_PCT(r->cpu_pct);
		c[4] = CELL_PCT(r->wait_pct);
		c[8] = CELL_U64(r->wall_ns);
	}
	c[3] = CELL_U64(r->run_ns);
	c[5] = CELL_U64(r->wait_ns);
	c[6] = CELL_U64(r->slices);
	if (r->slices)
		c[7] = CELL_U64(r->wait_ns / r->slices);
	if (tot->ok) {
		c[9] = CELL_U64(tot->run_ns);
		c[10] = CELL_U64(tot->wait_ns);
		c[11] = CELL_U64(tot->slices);
	}
}

/* the schedstat of @vm's vCPUs that were read, summed */
static void vm_host_total(const struct snap *s, const struct snap_vm *vm, struct sched_times *t)
{
	unsigned int j;

	memset(t, 0, sizeof(*t));
	for (j = 0; j < vm->nr_vcpus; j++) {
		const struct sched_times *h = &s->vcpus[vm->first_vcpu + j].host;

		if (!h->ok)
			continue;
		t->ok = true;
		t->run_ns += h->run_ns;
		t->wait_ns += h->wait_ns;
		t->slices += h->slices;
	}
}

void print_host_vms(const struct snap *prev, const struct snap *cur)
{
	struct out_cell c[NR_HOST_COLS + 3];
	struct sched_times tot;
	struct rate r;
	unsigned int i, j;

	out_table_begin("vms", host_vm_cols, NR_HOST_COLS + 2 + cur->have_pools, 0);
	for (i = 0; i < cur->nr_vms; i++) {
		const struct snap_vm *vm = &cur->vms[i];

		vm_host_rate(prev, cur, vm, &r);
		vm_host_total(cur, vm, &tot);
		c[0] = CELL_STR(vm->name);
		c[1] = CELL_U64(vm->s.pid);
		host_cells(c, &r, &tot);
		c[NR_HOST_COLS] = CELL_STR(vm->s.comm);
		c[NR_HOST_COLS + 1] = CELL_U64(vm->s.nr_vcpus);
		c[NR_HOST_COLS + 2] = CELL_STR(snap_vm_pool(vm));
		out_row_begin(c);
		out_table_begin("vcpus", host_vcpu_cols, NR_HOST_COLS + 2, OUT_NOHEADER);
		for (j = 0; j < vm->nr_vcpus; j++) {
			const struct snap_vcpu *v = &cur->vcpus[vm->first_vcpu + j];
			char label[16];

			vcpu_host_rate(prev, cur, vm, v, &r);
			snprintf(label, sizeof(label), "vcpu%u", v->s.vcpu_id);
			c[0] = CELL_STR(label);
			c[1] = v->s.tid ? CELL_U64(v->s.tid) : (struct out_cell){ 0 };
			host_cells(c, &r, &v->host);
			c[NR_HOST_COLS] = CELL_U64(v->s.vcpu_id);
			c[NR_HOST_COLS + 1] = CELL_STR(vcpu_state_name(v->s.state));
			out_row(c);
		}
		out_table_end();
		out_row_end();
	}
	out_table_end();
}

