// SPDX-License-Identifier: GPL-2.0
/*
 * vmsched's metrics in the Prometheus text format (see metrics.h). Names
 * follow Prometheus' conventions: base units (seconds), _total for
 * counters, what varies in labels. Every sample of a family follows its
 * HELP and TYPE lines; a VM that ended is in no family (each call prints
 * one snapshot), and the counters are the kernel's, monotonic for the
 * lifetime of a VM and across swaps, but vmsched_vcpu_host_*: the vCPU
 * threads' schedstat, with or without a policy.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "main.h"
#include "metrics.h"
#include "pools.h"
#include "prom.h"

/* a family of one field of a struct: struct vmsched_status or _vm_stats */
enum { F_U64, F_U32, F_NS };	/* F_NS: u64 ns, printed in seconds */

struct family {
	const char *name, *type, *help;
	size_t off;
	int kind;
};

#define STF(n, t, f, k, h)	{ n, t, h, offsetof(struct vmsched_status, f), k }
#define VMF(n, t, f, k, h)	{ n, t, h, offsetof(struct vmsched_vm_stats, f), k }

static const struct family pool_families[] = {
	STF("vmsched_pool_slots", "gauge", nr_slots, F_U32,
	    "vCPUs the pool grants a pCPU at a time."),
	STF("vmsched_pool_swaps_total", "counter", swaps, F_U64,
	    "Completed activations, live swaps and deactivations."),
	STF("vmsched_pool_last_swap_duration_seconds", "gauge", last_swap_ns, F_NS,
	    "Duration of the last swap, from the request taking the core's lock to the "
	    "new policy being live."),
	STF("vmsched_pool_max_swap_duration_seconds", "gauge", max_swap_ns, F_NS,
	    "Longest swap since kvm_schedswap was loaded."),
	STF("vmsched_pool_watchdog_ejections_total", "counter", watchdog_events, F_U64,
	    "Policies the watchdog ejected (a runnable vCPU waited too long)."),
	STF("vmsched_pool_watchdog_timeout_seconds", "gauge", watchdog_ns, F_NS,
	    "How long a runnable vCPU may wait before the watchdog ejects the policy "
	    "(0: off)."),
	STF("vmsched_pool_policy_errors_total", "counter", policy_errors, F_U64,
	    "Calls the policy got wrong (contained by kvm_schedswap)."),
};

static const struct family vm_families[] = {
	VMF("vmsched_vm_run_seconds_total", "counter", run_ns, F_NS,
	    "CPU time the VM's vCPU threads used under grants of the policy."),
	VMF("vmsched_vm_wait_seconds_total", "counter", wait_ns, F_NS,
	    "Time the VM's vCPUs were runnable but held at the gate (run-queue wait)."),
	VMF("vmsched_vm_grants_total", "counter", grants, F_U64,
	    "Grants of a pCPU slot to the VM's vCPUs."),
	VMF("vmsched_vm_preemptions_total", "counter", preemptions, F_U64,
	    "Slices of the VM's vCPUs that ended while they were still runnable."),
	VMF("vmsched_vm_wakeups_total", "counter", wakeups, F_U64,
	    "Halts of the VM's vCPUs that ended."),
	VMF("vmsched_vm_vcpus", "gauge", nr_vcpus, F_U32,
	    "vCPUs of the VM known to kvm_schedswap."),
};

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* the sample of @fam's field in @obj */
static void field_sample(FILE *f, const struct family *fam, const char *labels, const void *obj)
{
	const char *p = (const char *)obj + fam->off;

	if (fam->kind == F_U32)
		prom_u64(f, fam->name, labels, NULL, *(const uint32_t *)p);
	else if (fam->kind == F_NS)
		prom_seconds(f, fam->name, labels, NULL, *(const uint64_t *)p);
	else
		prom_u64(f, fam->name, labels, NULL, *(const uint64_t *)p);
}

static const char *const state_names[] = {
	[VMSCHED_VCPU_RUNNING] = "running",
	[VMSCHED_VCPU_QUEUED] = "queued",
	[VMSCHED_VCPU_BLOCKED] = "blocked",
	[VMSCHED_VCPU_OUTSIDE] = "outside",
};
#define NR_STATES	ARRAY_LEN(state_names)

static char *vm_labels(char *buf, size_t len, const struct snap_vm *vm)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", vm->s.pid);
	return prom_labels(buf, len, (const char *const[]){ "vm", vm->name, "pid", pid,
			   "pool", snap_vm_pool(vm), NULL });
}

static void build_info(FILE *f, const struct snap *s, const char *version)
{
	char labels[PROM_LABELS_LEN], abi[32] = "", rel[sizeof(s->ver.release) + 1] = "";

	if (s && s->have_version) {
		snprintf(abi, sizeof(abi), "%u.%u", s->ver.major, s->ver.minor);
		snprintf(rel, sizeof(rel), "%.*s", (int)sizeof(s->ver.release), s->ver.release);
	}
	prom_family(f, "vmsched_build_info", "gauge",
		    "Versions of vmsched, of the loaded kvm_schedswap and of the uapi it "
		    "speaks (empty: not loaded).");
	prom_u64(f, "vmsched_build_info", prom_labels(labels, sizeof(labels),
		 (const char *const[]){ "version", version, "module_version", rel,
		 "abi_version", abi, NULL }), NULL, 1);
	prom_family(f, "vmsched_up", "gauge",
		    "1 if kvm_schedswap's statistics were read, 0 if it is not loaded.");
	prom_u64(f, "vmsched_up", NULL, NULL, !!s);
}

/* a pool as the metrics see it: its label, its status if it was read */
struct pool_view {
	char label[PROM_LABELS_LEN];
	const char *name;
	bool have_status;
	struct vmsched_status st;
};

/* the pools of @s (uapi 2.2), else the default pool of the status; count */
static unsigned int pool_views(const struct snap *s, struct pool_view **out)
{
	unsigned int i, n = s->nr_pools ? s->nr_pools : 1;
	struct pool_view *v = calloc(n, sizeof(*v));

	if (!v)
		return 0;
	for (i = 0; i < n; i++) {
		if (s->nr_pools) {
			v[i].name = s->pools[i].name;
			v[i].have_status = true;
			pool_status_of(&s->pools[i], &v[i].st);
		} else {
			v[i].name = METRICS_POOL;
			v[i].have_status = s->have_status;
			v[i].st = s->st;
		}
		prom_labels(v[i].label, sizeof(v[i].label),
			    (const char *const[]){ "pool", v[i].name, NULL });
	}
	*out = v;
	return n;
}

static void pool_status(FILE *f, const struct pool_view *v, unsigned int n)
{
	char pl[PROM_LABELS_LEN], policy[VMSCHED_NAME_MAX + 1];
	unsigned int i, k;

	prom_family(f, "vmsched_pool_policy_info", "gauge",
		    "The pool's active policy (none: the host scheduler).");
	for (k = 0; k < n; k++) {
		if (!v[k].have_status)
			continue;
		snprintf(policy, sizeof(policy), "%.*s", VMSCHED_NAME_MAX, v[k].st.active);
		prom_u64(f, "vmsched_pool_policy_info", v[k].label, prom_labels(pl, sizeof(pl),
			 (const char *const[]){ "policy", policy[0] ? policy : "none", NULL }), 1);
	}
	for (i = 0; i < ARRAY_LEN(pool_families); i++) {
		prom_family(f, pool_families[i].name, pool_families[i].type,
			    pool_families[i].help);
		for (k = 0; k < n; k++)
			if (v[k].have_status)
				field_sample(f, &pool_families[i], v[k].label, &v[k].st);
	}
}

/* the pool of @vm among @v, or n */
static unsigned int view_of(const struct pool_view *v, unsigned int n, const struct snap_vm *vm)
{
	unsigned int k;

	for (k = 0; k < n && strcmp(v[k].name, snap_vm_pool(vm)); k++)
		;
	return k;
}

static void pool_vcpus(FILE *f, const struct snap *s, const struct pool_view *v, unsigned int n)
{
	unsigned int (*nr)[NR_STATES + 1] = calloc(n + 1, sizeof(*nr)), i, j, k;
	char sl[64];

	if (!nr)
		return;
	for (i = 0; i < s->nr_vms; i++) {	/* [k][NR_STATES]: VMs */
		const struct snap_vm *vm = &s->vms[i];

		k = view_of(v, n, vm);
		nr[k][NR_STATES]++;
		for (j = 0; j < vm->nr_vcpus; j++)
			if (s->vcpus[vm->first_vcpu + j].s.state < NR_STATES)
				nr[k][s->vcpus[vm->first_vcpu + j].s.state]++;
	}
	prom_family(f, "vmsched_pool_vms", "gauge", "VMs known to kvm_schedswap.");
	for (k = 0; k < n; k++)
		prom_u64(f, "vmsched_pool_vms", v[k].label, NULL, nr[k][NR_STATES]);
	prom_family(f, "vmsched_pool_vcpus", "gauge",
		    "vCPUs by state: running (granted, or no policy), queued (runnable, "
		    "waiting at the gate), blocked (halted), outside (in the VMM).");
	for (k = 0; k < n; k++)
		for (i = 0; i < NR_STATES; i++) {
			snprintf(sl, sizeof(sl), "state=\"%s\"", state_names[i]);
			prom_u64(f, "vmsched_pool_vcpus", v[k].label, sl, nr[k][i]);
		}
	free(nr);
}

static void vms(FILE *f, const struct snap *s)
{
	char labels[PROM_LABELS_LEN];
	unsigned int k, i;

	for (k = 0; k < ARRAY_LEN(vm_families); k++) {
		prom_family(f, vm_families[k].name, vm_families[k].type, vm_families[k].help);
		for (i = 0; i < s->nr_vms; i++)
			field_sample(f, &vm_families[k], vm_labels(labels, sizeof(labels),
				     &s->vms[i]), &s->vms[i].s);
	}
}

/* @vm's labels and vCPU @v's; @labels holds PROM_LABELS_LEN + 32 */
static char *vcpu_labels(char *labels, const struct snap_vm *vm, const struct snap_vcpu *v)
{
	vm_labels(labels, PROM_LABELS_LEN, vm);
	snprintf(labels + strlen(labels), 32, ",vcpu=\"%u\"", v->s.vcpu_id);
	return labels;
}

/*
 * What the host scheduler gave each vCPU thread (its schedstat), under a
 * policy or not; a thread whose schedstat was not read has no sample
 */
static void vcpu_host(FILE *f, const struct snap *s)
{
	static const struct {
		const char *name, *help;
		size_t off;
		bool ns;
	} fams[] = {
		{ "vmsched_vcpu_host_run_seconds_total",
		  "CPU time of the vCPU thread (its schedstat: under a policy or the host "
		  "scheduler).", offsetof(struct sched_times, run_ns), true },
		{ "vmsched_vcpu_host_runqueue_wait_seconds_total",
		  "Time the vCPU thread was runnable on a run queue of the host scheduler "
		  "(its schedstat).", offsetof(struct sched_times, wait_ns), true },
		{ "vmsched_vcpu_host_timeslices_total",
		  "Timeslices the vCPU thread ran (its schedstat).",
		  offsetof(struct sched_times, slices), false },
	};
	char labels[PROM_LABELS_LEN + 32];
	unsigned int k, i, j;

	for (k = 0; k < ARRAY_LEN(fams); k++) {
		prom_family(f, fams[k].name, "counter", fams[k].help);
		for (i = 0; i < s->nr_vms; i++) {
			const struct snap_vm *vm = &s->vms[i];

			for (j = 0; j < vm->nr_vcpus; j++) {
				const struct snap_vcpu *v = &s->vcpus[vm->first_vcpu + j];
				uint64_t x;

				if (!v->host.ok)
					continue;
				memcpy(&x, (const char *)&v->host + fams[k].off, sizeof(x));
				vcpu_labels(labels, vm, v);
				if (fams[k].ns)
					prom_seconds(f, fams[k].name, labels, NULL, x);
				else
					prom_u64(f, fams[k].name, labels, NULL, x);
			}
		}
	}
}

/* wake-to-run latency of each vCPU: quantiles are log2 bucket upper bounds (2.0) */
static void vcpu_latency(FILE *f, const struct snap *s)
{
	static const char *const name = "vmsched_vcpu_wake_latency_seconds";
	static const char *const quantiles[] = {
		"quantile=\"0.5\"", "quantile=\"0.99\"", "quantile=\"1\"",
	};
	char labels[PROM_LABELS_LEN + 32];
	unsigned int i, j, k;

	prom_family(f, name, "summary",
		    "Wake-to-run latency of the vCPU: from the end of a halt to running "
		    "(quantiles: the upper bound of the log2 bucket that holds them; 1: "
		    "the longest).");
	for (i = 0; i < s->nr_vms; i++) {
		const struct snap_vm *vm = &s->vms[i];

		for (j = 0; j < vm->nr_vcpus; j++) {
			const struct vmsched_vcpu_stats *v = &s->vcpus[vm->first_vcpu + j].s;
			const uint64_t qv[] = { v->lat_p50_ns, v->lat_p99_ns, v->lat_max_ns };

			vcpu_labels(labels, vm, &s->vcpus[vm->first_vcpu + j]);
			for (k = 0; k < 3; k++)	/* no sample: no quantile (NaN) */
				if (v->lat_count)
					prom_seconds(f, name, labels, quantiles[k], qv[k]);
				else
					prom_sample(f, name, labels, quantiles[k], "NaN");
			prom_u64(f, "vmsched_vcpu_wake_latency_seconds_count", labels, NULL,
				 v->lat_count);
		}
	}
}

/* the lowest bucket printed, le 2^10 ns (1.024 us), holds all below it */
#define HIST_FIRST	10

/*
 * wake-to-run latency of each VM, its vCPUs that ended included, as a
 * histogram of the kernel's log2 buckets (uapi 2.1): le="2^i ns"
 */
static void vm_latency(FILE *f, const struct snap *s)
{
	static const char *const name = "vmsched_vm_wake_latency_seconds";
	char labels[PROM_LABELS_LEN], le[64], sec[32];
	unsigned int i, b;

	prom_family(f, name, "histogram",
		    "Wake-to-run latency of the VM's vCPUs, those that ended included: from "
		    "the end of a halt to running (buckets of the kernel's: le is 2^i ns).");
	for (i = 0; i < s->nr_vms; i++) {
		const struct vmsched_vm_stats *v = &s->vms[i].s;
		uint64_t n = 0;

		vm_labels(labels, sizeof(labels), &s->vms[i]);
		for (b = 0; b < VMSCHED_LAT_BUCKETS - 1; b++) {
			n += v->lat_hist[b];
			if (b < HIST_FIRST)
				continue;
			snprintf(le, sizeof(le), "le=\"%s\"",
				 prom_fmt_seconds(1ULL << b, sec, sizeof(sec)));
			prom_u64(f, "vmsched_vm_wake_latency_seconds_bucket", labels, le, n);
		}
		n += v->lat_hist[VMSCHED_LAT_BUCKETS - 1];
		prom_u64(f, "vmsched_vm_wake_latency_seconds_bucket", labels, "le=\"+Inf\"", n);
		prom_seconds(f, "vmsched_vm_wake_latency_seconds_sum", labels, NULL, v->lat_sum_ns);
		prom_u64(f, "vmsched_vm_wake_latency_seconds_count", labels, NULL, n);
	}
}

void metrics_print(FILE *f, const struct snap *s, const char *version)
{
	struct pool_view *v = NULL;
	unsigned int n;

	build_info(f, s, version);
	if (!s)
		return;
	n = pool_views(s, &v);
	if (s->have_status)
		pool_status(f, v, n);
	pool_vcpus(f, s, v, n);
	free(v);
	vms(f, s);
	/* a 2.0 module exports no buckets: the quantiles of each vCPU */
	if (s->have_hist)
		vm_latency(f, s);
	else
		vcpu_latency(f, s);
	vcpu_host(f, s);
}
