// SPDX-License-Identifier: GPL-2.0
/*
 * Deltas of monotonic counters and shares of wall time.
 */
#include <string.h>

#include "rates.h"

static uint64_t delta(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

/* the window: between the snapshots, or since the VM started */
static uint64_t window(const struct snap *prev, const struct snap *cur,
		       const struct snap_vm *vm, bool found_before)
{
	if (prev && found_before)
		return delta(cur->now_ns, prev->now_ns);
	if (vm->start_ns)
		return delta(cur->now_ns, vm->start_ns);
	return 0;
}

static void shares(struct rate *r)
{
	if (!r->wall_ns)
		return;
	r->cpu_pct = 100.0 * r->run_ns / r->wall_ns;
	r->wait_pct = 100.0 * r->wait_ns / r->wall_ns;
}

/* the core's counters, in struct vmsched_vm_stats and _vcpu_stats alike */
#define CORE_DELTAS(r, now, then)						\
	do {									\
		(r)->run_ns = delta((now)->run_ns, (then)->run_ns);		\
		(r)->wait_ns = delta((now)->wait_ns, (then)->wait_ns);		\
		(r)->grants = delta((now)->grants, (then)->grants);		\
		(r)->preemptions = delta((now)->preemptions, (then)->preemptions); \
		(r)->wakeups = delta((now)->wakeups, (then)->wakeups);		\
	} while (0)

void vm_rate(const struct snap *prev, const struct snap *cur, const struct snap_vm *vm,
	     struct rate *r)
{
	const struct snap_vm *old = prev ? snap_find(prev, vm->s.pid) : NULL;
	struct vmsched_vm_stats zero = { 0 };
	const struct vmsched_vm_stats *o = old ? &old->s : &zero;

	memset(r, 0, sizeof(*r));
	r->wall_ns = window(prev, cur, vm, old);
	CORE_DELTAS(r, &vm->s, o);
	shares(r);
}

/* @v in @prev: the same vCPU of the same VM (and, for the host, thread) */
static const struct snap_vcpu *prev_vcpu(const struct snap *prev, const struct snap_vcpu *v,
					 bool host)
{
	unsigned int i;

	for (i = 0; prev && i < prev->nr_vcpus; i++) {
		const struct snap_vcpu *o = &prev->vcpus[i];

		if (o->s.pid != v->s.pid || o->s.vcpu_id != v->s.vcpu_id)
			continue;
		if (host && (!o->host.ok || o->s.tid != v->s.tid))
			return NULL;
		return o;
	}
	return NULL;
}

void vcpu_rate(const struct snap *prev, const struct snap *cur, const struct snap_vm *vm,
	       const struct snap_vcpu *v, struct rate *r)
{
	const struct snap_vcpu *old = prev_vcpu(prev, v, false);
	struct vmsched_vcpu_stats zero = { 0 };
	const struct vmsched_vcpu_stats *o = old ? &old->s : &zero;

	memset(r, 0, sizeof(*r));
	r->wall_ns = window(prev, cur, vm, old);
	CORE_DELTAS(r, &v->s, o);
	shares(r);
}

/* @v's schedstat since @o's (NULL: since the thread started) */
static void host_delta(const struct snap_vcpu *v, const struct snap_vcpu *o, struct rate *r)
{
	struct sched_times zero = { 0 };
	const struct sched_times *b = o ? &o->host : &zero;

	r->run_ns += delta(v->host.run_ns, b->run_ns);
	r->wait_ns += delta(v->host.wait_ns, b->wait_ns);
	r->slices += delta(v->host.slices, b->slices);
}

void vcpu_host_rate(const struct snap *prev, const struct snap *cur, const struct snap_vm *vm,
		    const struct snap_vcpu *v, struct rate *r)
{
	const struct snap_vcpu *o = prev_vcpu(prev, v, true);

	memset(r, 0, sizeof(*r));
	r->unknown = !v->host.ok;
	if (r->unknown)
		return;
	r->wall_ns = window(prev, cur, vm, o);
	host_delta(v, o, r);
	shares(r);
}

void vm_host_rate(const struct snap *prev, const struct snap *cur, const struct snap_vm *vm,
		  struct rate *r)
{
	bool before = prev && snap_find(prev, vm->s.pid);
	unsigned int j;

	memset(r, 0, sizeof(*r));
	r->unknown = true;
	r->wall_ns = window(prev, cur, vm, before);
	for (j = 0; j < vm->nr_vcpus; j++) {
		const struct snap_vcpu *v = &cur->vcpus[vm->first_vcpu + j];
		const struct snap_vcpu *o = prev_vcpu(prev, v, true);

		/* a vCPU not read before has no share of this window */
		if (!v->host.ok || (before && !o))
			continue;
		r->unknown = false;
		host_delta(v, o, r);
	}
	if (r->unknown)
		r->wall_ns = 0;
	shares(r);
}
