// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: statistics. Callers hold the lock of the pool whose vCPUs
 * they read, but for the snapshot, which takes each VM's pool lock in turn
 * while it walks the VMs under RCU (no lock is held across all VMs).
 *
 * Wake-to-run latency is kept as a histogram of log2(ns) buckets per vCPU
 * (no allocation, constant time per sample), with the bounds the uapi
 * exports (VMSCHED_LAT_BUCKETS): bucket i holds 2^(i-1) < ns <= 2^i, the
 * first everything up to 1 ns, the last everything above. Percentiles are
 * the upper bound of the bucket that holds them.
 */
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include "core.h"

static_assert(VMS_LAT_BUCKETS >= 2 && VMS_LAT_BUCKETS <= 64);
static_assert(sizeof_field(struct vmsched_vcpu_stats, lat_hist) ==
	      sizeof_field(struct vms_stats, lat_hist));

/* @a + @b, U64_MAX if that does not fit: a sum that never goes back */
static u64 vms_add_sat(u64 a, u64 b)
{
	u64 sum;

	return check_add_overflow(a, b, &sum) ? U64_MAX : sum;
}

/**
 * vms_stats_latency() - record one wake-to-run sample
 * @st: the vCPU's statistics
 * @ns: from the end of the halt to running, in ns
 *
 * Context: the vCPU's pool lock held.
 */
void vms_stats_latency(struct vms_stats *st, u64 ns)
{
	/* fls64(ns - 1): the smallest i with ns <= 2^i */
	unsigned int b = ns > 1 ? fls64(ns - 1) : 0;

	if (b >= VMS_LAT_BUCKETS)
		b = VMS_LAT_BUCKETS - 1;
	st->lat_hist[b]++;
	st->lat_sum_ns = vms_add_sat(st->lat_sum_ns, ns);
	if (ns > st->lat_max_ns)
		st->lat_max_ns = ns;
}

/**
 * vms_stats_add() - add the statistics of one vCPU to a sum
 * @sum: the sum (a VM's vCPUs that ended, or a snapshot's total)
 * @st: what to add
 *
 * Context: the pool lock of both held, or both private to the caller.
 */
void vms_stats_add(struct vms_stats *sum, const struct vms_stats *st)
{
	unsigned int i;

	sum->run_ns += st->run_ns;
	sum->wait_ns += st->wait_ns;
	sum->grants += st->grants;
	sum->preemptions += st->preemptions;
	sum->wakeups += st->wakeups;
	sum->lat_max_ns = max(sum->lat_max_ns, st->lat_max_ns);
	sum->lat_sum_ns = vms_add_sat(sum->lat_sum_ns, st->lat_sum_ns);
	for (i = 0; i < VMS_LAT_BUCKETS; i++)
		sum->lat_hist[i] += st->lat_hist[i];
}

u64 vms_stats_count(const struct vms_stats *st)
{
	u64 n = 0;
	unsigned int i;

	for (i = 0; i < VMS_LAT_BUCKETS; i++)
		n += st->lat_hist[i];
	return n;
}

/* upper bound (ns) of the bucket holding the @pct percentile; 0 if empty */
u64 vms_stats_percentile(const struct vms_stats *st, unsigned int pct)
{
	u64 n = vms_stats_count(st), seen = 0, want;
	unsigned int i;

	if (!n)
		return 0;
	want = div_u64(n * pct + 99, 100);
	/* the last bucket has no upper bound but the longest sample */
	for (i = 0; i < VMS_LAT_BUCKETS - 1; i++) {
		seen += st->lat_hist[i];
		if (seen >= want)
			return min(1ULL << i, st->lat_max_ns);
	}
	return st->lat_max_ns;
}

const char *vms_state_name(enum vms_state state)
{
	static const char *const names[] = {
		[VMS_GRANTED] = "granted",
		[VMS_QUEUED] = "queued",
		[VMS_BLOCKED] = "blocked",
		[VMS_OUTSIDE] = "outside",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "?";
}

/*
 * runnable vCPUs of @pool the gate holds back now: in the gate without a
 * grant while a policy is active (one woken to pass, by a grant or because
 * the host scheduler took over, is not counted while it waits for a CPU);
 * the pool's lock held
 */
unsigned int vms_nr_gated_locked(struct vms_pool *pool)
{
	struct vms_vcpu *vc;
	struct vms_vm *vm;
	unsigned int n = 0;

	if (!vms_instance_locked(pool))
		return 0;
	for_each_pool_vcpu(pool, vm, vc)
		n += vc->in_gate && !vc->granted && !vc->released;
	return n;
}

/* @vc's statistics at @now, the grant or the wait in progress included */
static void vms_vcpu_stats_now(const struct vms_vcpu *vc, u64 now, struct vms_stats *st)
{
	*st = vc->stats;
	if (vc->state == VMS_GRANTED)
		st->run_ns += vms_cputime_pending(vc);
	else if (vc->state == VMS_QUEUED)
		st->wait_ns += now - vc->queued_ns;
}

static void vms_fill_vcpu(struct vmsched_vcpu_stats *o, const struct vms_vm *vm,
			  const struct vms_vcpu *vc, u64 now)
{
	struct vms_stats st;

	vms_vcpu_stats_now(vc, now, &st);
	/* pids as the caller's namespace numbers them */
	o->pid = pid_vnr(vm->tgid);
	o->vcpu_id = vc->vcpu_id;
	o->tid = pid_vnr(vc->tpid);
	o->state = rcu_access_pointer(vm->pool->active) ? vc->state : VMSCHED_VCPU_RUNNING;
	o->run_ns = st.run_ns;
	o->wait_ns = st.wait_ns;
	o->grants = st.grants;
	o->preemptions = st.preemptions;
	o->wakeups = st.wakeups;
	o->lat_count = vms_stats_count(&st);
	o->lat_p50_ns = vms_stats_percentile(&st, 50);
	o->lat_p99_ns = vms_stats_percentile(&st, 99);
	o->lat_max_ns = st.lat_max_ns;
	o->lat_sum_ns = st.lat_sum_ns;
	memcpy(o->lat_hist, st.lat_hist, sizeof(o->lat_hist));
}

/*
 * @vm's entry: the sums over its vCPUs and those that ended (vm->gone), so
 * that its counters and histogram never go back; its p99 is its worst
 * running vCPU's
 */
static void vms_fill_vm(struct vmsched_vm_stats *o, const struct vms_vm *vm, u64 now)
{
	struct vms_stats sum = vm->gone, st;
	const struct vms_vcpu *vc;

	memset(o, 0, sizeof(*o));
	o->pid = pid_vnr(vm->tgid);
	o->nr_vcpus = vm->nr_vcpus;
	memcpy(o->comm, vm->comm, sizeof(o->comm));
	strscpy(o->pool, vm->pool->name, sizeof(o->pool));
	list_for_each_entry(vc, &vm->vcpus, vm_node) {
		vms_vcpu_stats_now(vc, now, &st);
		vms_stats_add(&sum, &st);
		o->lat_p99_ns = max(o->lat_p99_ns, vms_stats_percentile(&st, 99));
	}
	o->run_ns = sum.run_ns;
	o->wait_ns = sum.wait_ns;
	o->grants = sum.grants;
	o->preemptions = sum.preemptions;
	o->wakeups = sum.wakeups;
	o->lat_max_ns = sum.lat_max_ns;
	o->lat_sum_ns = sum.lat_sum_ns;
	memcpy(o->lat_hist, sum.lat_hist, sizeof(o->lat_hist));
}

/* does the request select @vm: @want's (or any visible), in @pool (or any)? */
static bool vms_selected(const struct vms_vm *vm, const struct pid *want,
			 const struct vms_pool *pool)
{
	return vms_vm_selected(vm, want) && (!pool || READ_ONCE(vm->pool) == pool);
}

/* the snapshot's arrays: sized from one count, filled under a later lock */
struct vms_snapshot {
	struct vmsched_vm_stats *vms;
	struct vmsched_vcpu_stats *vcs;
	unsigned int cvm, cvc;		/* entries allocated */
};

/* process context: may sleep to allocate */
static int vms_snapshot_alloc(struct vms_snapshot *sn, unsigned int cvm, unsigned int cvc)
{
	sn->cvm = cvm;
	sn->cvc = cvc;
	sn->vms = cvm ? kvcalloc(cvm, sizeof(*sn->vms), GFP_KERNEL) : NULL;
	sn->vcs = cvc ? kvcalloc(cvc, sizeof(*sn->vcs), GFP_KERNEL) : NULL;
	if ((cvm && !sn->vms) || (cvc && !sn->vcs)) {
		kvfree(sn->vms);
		kvfree(sn->vcs);
		return -ENOMEM;
	}
	return 0;
}

static void vms_snapshot_free(struct vms_snapshot *sn)
{
	kvfree(sn->vms);
	kvfree(sn->vcs);
}

/* VMs may appear between counting and filling: so many tries, then -EAGAIN */
#define VMS_SNAPSHOT_TRIES	8

/*
 * the pool a request names, NULL for "" (every pool), ERR_PTR(-ENOENT);
 * under RCU: the pool is only used within the same read-side section
 */
static struct vms_pool *vms_snapshot_pool(const char *name)
{
	struct vms_pool *pool;

	if (!name[0])
		return NULL;
	pool = vms_find_pool(name);
	return pool ? pool : ERR_PTR(-ENOENT);
}

/*
 * Walk the VMs request @s selects, under RCU and each under its pool's lock
 * while its entries are written (its values are those at a time read under
 * that lock), into @sn as far as it has room; *@nvm and *@nvc: how many VMs
 * and vCPUs there are. 0, or -ENOENT for a pool that does not exist.
 */
static int vms_snapshot_walk(const struct vmsched_stats *s, struct vms_snapshot *sn,
			     unsigned int *nvm, unsigned int *nvc)
{
	struct vms_pool *pool, *vp;
	struct vms_vcpu *vc;
	struct vms_vm *vm;
	unsigned long flags;
	struct pid *want;
	int ret = 0;
	u64 now;

	*nvm = 0;
	*nvc = 0;
	rcu_read_lock();
	/* @s->pid in the caller's pid namespace: a VM it does not see is not listed */
	want = vms_caller_pid(s->pid);
	pool = vms_snapshot_pool(s->pool);
	if (IS_ERR(pool)) {
		ret = PTR_ERR(pool);
		goto out;
	}
	list_for_each_entry_rcu(vm, &vms_vms, node) {
		if (!vms_selected(vm, want, pool))
			continue;
		vp = vms_pool_lock(vm, &flags);
		if ((!pool || vp == pool) && !vm->unlinked) {
			now = ktime_get_ns();
			if (*nvm < sn->cvm)
				vms_fill_vm(&sn->vms[*nvm], vm, now);
			(*nvm)++;
			list_for_each_entry(vc, &vm->vcpus, vm_node) {
				if (*nvc < sn->cvc)
					vms_fill_vcpu(&sn->vcs[*nvc], vm, vc, now);
				(*nvc)++;
			}
		}
		raw_spin_unlock_irqrestore(&vp->lock, flags);
	}
out:
	rcu_read_unlock();
	return ret;
}

/*
 * Fill the arrays of a VMSCHED_IOC_STATS request for the VMs of the pool
 * it names (every pool if none). Process context: it counts, allocates the
 * snapshot, fills it (vms_snapshot_walk(): no lock is held across all VMs,
 * all values are from before s->now_ns) and copies it out. Every entry up
 * to min(total, capacity) is written: if VMs appeared after the arrays
 * were sized, it sizes them again.
 */
int vms_stats_snapshot(struct vmsched_stats *s)
{
	struct vms_snapshot sn = { 0 };
	unsigned int nvm, nvc, tries = 0;
	int ret;

	ret = vms_snapshot_walk(s, &sn, &nvm, &nvc);	/* counts only: no room */
	while (!ret) {
		ret = vms_snapshot_alloc(&sn, min(nvm, s->vms.count), min(nvc, s->vcpus.count));
		if (ret)
			return ret;
		ret = vms_snapshot_walk(s, &sn, &nvm, &nvc);
		if (ret || (min(nvm, s->vms.count) <= sn.cvm && min(nvc, s->vcpus.count) <= sn.cvc))
			break;
		vms_snapshot_free(&sn);
		if (++tries == VMS_SNAPSHOT_TRIES)
			return -EAGAIN;
	}
	if (!ret && s->pid && !nvm)
		ret = -ESRCH;
	if (!ret)
		ret = vms_copy_array_out(&s->vms, sn.vms, sizeof(*sn.vms), min(nvm, sn.cvm));
	if (!ret)
		ret = vms_copy_array_out(&s->vcpus, sn.vcs, sizeof(*sn.vcs), min(nvc, sn.cvc));
	s->vms.count = nvm;
	s->vcpus.count = nvc;
	s->now_ns = ktime_get_ns();
	vms_snapshot_free(&sn);
	return ret;
}
