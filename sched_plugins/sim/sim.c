// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated host (see sim.h).
 *
 * Event loop: the next event is the earliest of a slot's grant ending (its
 * slice, or its vCPU's burst of CPU running out), a blocked vCPU waking
 * (a binary heap) and a re-poll the policy asked for. Events at the same
 * instant run slots first (in slot order), then wake-ups (in wake order,
 * ties by vCPU id). Each event calls the policy the way the core does:
 *
 *   wake-up      enqueue(WAKEUP); a free slot -> pick_next, else
 *                check_preempt -> charge + enqueue(PREEMPTED) + pick_next
 *                (a victim that pick_next grants again is counted, and
 *                so is a slot given to a third VM)
 *   slice end    charge, enqueue(PREEMPTED), pick_next for the slot
 *   halt         charge, pick_next for the slot
 *   attach       vm_attach, vcpu_attach, enqueue(WAKEUP) if runnable
 *   detach       dequeue (queued) or charge (granted), vcpu_detach, vm_detach
 *
 * Slot n is the slot of CPU n. pick_next is asked for every free slot in
 * turn (in slot order, or the reverse with fill_reverse) while vCPUs are
 * queued; a NULL ends the round unless pinned vCPUs are queued: they may
 * be waiting for the slot of another CPU. A vCPU returned for a slot it may not
 * run on, or a slice outside 10 us..10 s, is a policy error, as in the
 * core; so is a NULL for a slot that a queued vCPU may run on, unless the
 * policy asks for a re-poll (idle_picks). A NULL with *slice_ns set arms a
 * re-poll at now + *slice_ns (the facility proposed to the core for caps).
 * check_preempt is called when no slot the woken vCPU may run on is free,
 * with the vCPUs granted those slots.
 */
#include <string.h>

#include "sim.h"

unsigned long sim_warnings;
bool sim_in_sched_cb;

void sim_warn(const char *file, int line, const char *cond)
{
	sim_warnings++;
	printf("# WARNING: %s:%d: %s\n", file, line, cond);
}

void sim_assert_sched_context(void)
{
	if (!sim_in_sched_cb)
		sim_warn(__FILE__, __LINE__, "scheduling callback outside the lock");
}

/* --- wake heap ------------------------------------------------------- */

static bool heap_before(const struct sim_vcpu *a, const struct sim_vcpu *b)
{
	return a->wake_at < b->wake_at ||
	       (a->wake_at == b->wake_at && a->id < b->id);
}

static void heap_set(struct sim *sim, u32 i, struct sim_vcpu *v)
{
	sim->heap[i] = v;
	v->heap_idx = i;
}

static void heap_up(struct sim *sim, u32 i)
{
	struct sim_vcpu *v = sim->heap[i];

	while (i && heap_before(v, sim->heap[(i - 1) / 2])) {
		heap_set(sim, i, sim->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(sim, i, v);
}

static void heap_down(struct sim *sim, u32 i)
{
	struct sim_vcpu *v = sim->heap[i];
	u32 c;

	while ((c = 2 * i + 1) < sim->heap_len) {
		if (c + 1 < sim->heap_len && heap_before(sim->heap[c + 1], sim->heap[c]))
			c++;
		if (!heap_before(sim->heap[c], v))
			break;
		heap_set(sim, i, sim->heap[c]);
		i = c;
	}
	heap_set(sim, i, v);
}

static void heap_push(struct sim *sim, struct sim_vcpu *v)
{
	if (sim->heap_len == sim->heap_cap) {
		sim->heap_cap = sim->heap_cap ? 2 * sim->heap_cap : 64;
		sim->heap = realloc(sim->heap, sim->heap_cap * sizeof(*sim->heap));
	}
	heap_set(sim, sim->heap_len++, v);
	heap_up(sim, sim->heap_len - 1);
}

static void heap_remove(struct sim *sim, struct sim_vcpu *v)
{
	u32 i = v->heap_idx;

	sim->heap_len--;
	if (i == sim->heap_len)
		return;
	heap_set(sim, i, sim->heap[sim->heap_len]);
	heap_up(sim, i);
	heap_down(sim, sim->heap[i]->heap_idx);
}

/* --- parameters, checked the way the core checks them ---------------- */

int sim_parse_value(const char *str, u64 *value)
{
	static const struct { const char *sfx; u64 mul; } units[] = {
		{ "ns", 1 }, { "us", NSEC_PER_USEC }, { "ms", NSEC_PER_MSEC },
		{ "s", NSEC_PER_SEC }, { "", 1 },
	};
	char *end;
	unsigned long long v = strtoull(str, &end, 0);
	size_t i;

	if (end == str)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (!strcmp(end, units[i].sfx)) {
			*value = v * units[i].mul;
			return 0;
		}
	}
	return -EINVAL;
}

/* the descriptor of @key in @scope, and its index within the scope */
static const struct vmsched_param_desc *
sim_find_param(const struct vmsched_ops *ops, u32 scope, const char *key,
	       unsigned int *index)
{
	unsigned int i, n = 0;

	for (i = 0; i < ops->nr_params; i++) {
		if (ops->params[i].scope != scope)
			continue;
		if (!strcmp(ops->params[i].name, key)) {
			*index = n;
			return &ops->params[i];
		}
		n++;
	}
	return NULL;
}

static void sim_param_defaults(const struct vmsched_ops *ops, u32 scope,
			       u64 *params)
{
	unsigned int i, n = 0;

	for (i = 0; i < ops->nr_params; i++)
		if (ops->params[i].scope == scope)
			params[n++] = ops->params[i].def;
}

/* store "k=v,k=v" into @params of @scope without calling the policy */
static int sim_store_params(const struct vmsched_ops *ops, u32 scope,
			    u64 *params, const char *list)
{
	char buf[256], *tok, *save = NULL, *eq;
	const struct vmsched_param_desc *d;
	unsigned int idx;
	u64 val;

	if (!list)
		return 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		eq = strchr(tok, '=');
		if (!eq)
			return -EINVAL;
		*eq = '\0';
		d = sim_find_param(ops, scope, tok, &idx);
		if (!d)
			return -ENOENT;
		if (sim_parse_value(eq + 1, &val))
			return -EINVAL;
		if (val < d->min || val > d->max)
			return -ERANGE;
		params[idx] = val;
	}
	return 0;
}

int sim_set_param(struct sim *sim, struct sim_vm *vm, const char *key, u64 value)
{
	u32 scope = vm ? VMSCHED_SCOPE_VM : VMSCHED_SCOPE_GLOBAL;
	u64 *params = vm ? vm->pv.params : sim->s.params;
	const struct vmsched_param_desc *d;
	unsigned int idx;
	u64 old;
	int ret = 0;

	d = sim_find_param(sim->ops, scope, key, &idx);
	if (!d)
		return -ENOENT;
	if (value < d->min || value > d->max)
		return -ERANGE;
	old = params[idx];
	params[idx] = value;
	if (sim->ops->param_changed) {
		sim_in_sched_cb = true;
		ret = sim->ops->param_changed(&sim->s, scope, vm ? &vm->pv : NULL, NULL);
		sim_in_sched_cb = false;
	}
	if (ret)
		params[idx] = old;
	return ret;
}

u64 sim_get_param(struct sim *sim, struct sim_vm *vm, const char *key)
{
	u32 scope = vm ? VMSCHED_SCOPE_VM : VMSCHED_SCOPE_GLOBAL;
	unsigned int idx;

	if (!sim_find_param(sim->ops, scope, key, &idx))
		return 0;
	return vm ? vm->pv.params[idx] : sim->s.params[idx];
}

/* --- calling the policy ----------------------------------------------- */

static void sim_enqueue(struct sim *sim, struct sim_vcpu *v, unsigned int flags)
{
	v->state = SIM_QUEUED;
	v->queued_at = sim->now;
	sim->nr_queued++;
	sim_in_sched_cb = true;
	sim->ops->enqueue(&sim->s, &v->pv, sim->now, flags);
	sim_in_sched_cb = false;
}

static void sim_block(struct sim *sim, struct sim_vcpu *v)
{
	const struct sim_load *l = &v->load;
	u64 k;

	v->state = SIM_BLOCKED;
	if (l->kind == SIM_DUTY) {
		v->wake_at = sim->now + l->halt_ns;
	} else {
		/* next period boundary strictly after now */
		k = sim->now < l->phase_ns ? 0 :
		    (sim->now - l->phase_ns) / l->period_ns + 1;
		v->wake_at = l->phase_ns + k * l->period_ns;
	}
	heap_push(sim, v);
}

/* end the grant in @slot: charge; requeue if still runnable, else block */
static void sim_end_grant(struct sim *sim, struct sim_slot *slot, bool detach)
{
	struct sim_vcpu *v = slot->v;
	u64 ran = sim->now - slot->start;

	slot->v = NULL;
	v->pv.cpu = -1;
	v->run_ns += ran;
	v->vm->run_ns += ran;
	v->vm->run_total += ran;
	if (v->need != SIM_NEVER)
		v->need -= ran;
	if (sim->on_end)
		sim->on_end(sim, v, ran, sim->on_end_arg);
	sim_in_sched_cb = true;
	sim->ops->charge(&sim->s, &v->pv, ran, sim->now);
	sim_in_sched_cb = false;
	if (detach)
		v->state = SIM_DETACHED;
	else if (v->need == 0)
		sim_block(sim, v);
	else
		sim_enqueue(sim, v, VMSCHED_ENQ_PREEMPTED);
}

/* how late this slice's end comes: xorshift64, uniform in [0, late_max] */
static u64 sim_lateness(struct sim *sim)
{
	u64 x = sim->late_seed ? sim->late_seed : 0x9e3779b97f4a7c15ULL;

	if (!sim->late_max)
		return 0;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	sim->late_seed = x;
	return x % (sim->late_max + 1);
}

static void sim_grant(struct sim *sim, struct sim_slot *slot,
		      struct sim_vcpu *v, u64 slice)
{
	u64 delay;

	/* the core counts this as a policy error and ejects the policy */
	if (slice < SIM_MIN_SLICE || slice > SIM_MAX_SLICE) {
		sim->policy_errors++;
		slice = clamp_t(u64, slice, SIM_MIN_SLICE, SIM_MAX_SLICE);
	}
	sim->nr_queued--;
	sim->decisions++;
	v->state = SIM_RUNNING;
	v->slot = (int)(slot - sim->slots);
	v->pv.cpu = v->slot;
	v->grants++;
	v->wait_max = max(v->wait_max, sim->now - v->queued_at);
	slot->v = v;
	slot->start = sim->now;
	slot->slice = slice + sim_lateness(sim);
	if (v->woke != SIM_NEVER) {
		delay = sim->now - v->woke;
		v->woke = SIM_NEVER;
		v->delay_max = max(v->delay_max, delay);
		v->delay_sum += delay;
		v->nr_delays++;
		if (v->vm->keep_delays) {
			if (v->nr_delays > v->delays_cap) {
				v->delays_cap = v->delays_cap ? 2 * v->delays_cap : 1024;
				v->delays = realloc(v->delays, v->delays_cap * sizeof(u64));
			}
			v->delays[v->nr_delays - 1] = delay;
		}
	}
	if (sim->on_grant)
		sim->on_grant(sim, v, slice, sim->on_grant_arg);
}

/* is @pv one of our vCPUs, queued? (the core's check of a pick) */
static struct sim_vcpu *sim_check_pick(struct vmsched_vcpu *pv)
{
	struct sim_vcpu *v = container_of(pv, struct sim_vcpu, pv);

	if (v->magic != SIM_VCPU_MAGIC || v->state != SIM_QUEUED)
		return NULL;
	return v;
}

/* is a vCPU queued that may run on @cpu (any CPU: SIM_NR_CPUS) but not on all? */
static bool sim_queued_for(const struct sim *sim, u32 cpu, bool pinned)
{
	u32 i, j;

	for (i = 0; i < sim->nr_vms; i++)
		for (j = 0; j < sim->vms[i]->nr_vcpus; j++) {
			const struct sim_vcpu *v = &sim->vms[i]->vcpus[j];

			if (v->state != SIM_QUEUED)
				continue;
			if (pinned && v->cpus.bits[0] == sim->cpus.bits[0])
				continue;
			if (cpu == SIM_NR_CPUS || cpumask_test_cpu(cpu, &v->cpus))
				return true;
		}
	return false;
}

/*
 * ask the policy for every free slot in turn while vCPUs are queued; a
 * NULL ends the round unless pinned vCPUs are queued (as the core does)
 */
static void sim_fill(struct sim *sim)
{
	struct vmsched_vcpu *pv;
	struct sim_vcpu *v;
	u64 slice;
	u32 k, i;

	for (k = 0; k < sim->nr_slots && sim->nr_queued; k++) {
		i = sim->fill_reverse ? sim->nr_slots - 1 - k : k;
		if (sim->slots[i].v)
			continue;
		slice = 0;
		sim_in_sched_cb = true;
		pv = sim->ops->pick_next(&sim->s, i, sim->now, &slice);
		sim_in_sched_cb = false;
		if (!pv) {
			if (slice) {
				sim->repolls++;
				sim->repoll_at = min(sim->repoll_at, sim->now + slice);
			} else if (sim_queued_for(sim, i, false)) {
				sim->idle_picks++;
			}
			if (!sim_queued_for(sim, SIM_NR_CPUS, true))
				return;
			continue;
		}
		v = sim_check_pick(pv);
		if (!v) {
			sim->policy_errors++;
			return;
		}
		if (!cpumask_test_cpu(i, &v->cpus)) {
			printf("# policy error: vCPU %u granted slot %u outside its CPUs\n",
			       v->id, i);
			sim->policy_errors++;
		}
		sim_grant(sim, &sim->slots[i], v, slice);
	}
}

/* is the slot of a CPU that @v may run on free? */
static bool sim_free_slot_for(const struct sim *sim, const struct sim_vcpu *v)
{
	u32 i;

	for (i = 0; i < sim->nr_slots; i++)
		if (!sim->slots[i].v && cpumask_test_cpu(i, &v->cpus))
			return true;
	return false;
}

/* every slot @woken may run on is taken: may it end one of those grants? */
static void sim_check_preempt(struct sim *sim, struct sim_vcpu *woken)
{
	struct vmsched_vcpu *running[sim->nr_slots], *pv;
	struct sim_vcpu *victim;
	struct sim_slot *slot;
	u32 i, n = 0;

	for (i = 0; i < sim->nr_slots; i++)
		if (cpumask_test_cpu(i, &woken->cpus))
			running[n++] = &sim->slots[i].v->pv;
	sim_in_sched_cb = true;
	pv = sim->ops->check_preempt(&sim->s, &woken->pv, running, n, sim->now);
	sim_in_sched_cb = false;
	if (!pv)
		return;
	victim = container_of(pv, struct sim_vcpu, pv);
	if (victim->state != SIM_RUNNING || sim->slots[victim->slot].v != victim ||
	    !cpumask_test_cpu((u32)victim->slot, &woken->cpus)) {
		sim->policy_errors++;
		return;
	}
	sim->preemptions++;
	slot = &sim->slots[victim->slot];
	sim_end_grant(sim, slot, false);
	sim_fill(sim);
	/* a kick for nothing: the policy gave the slot straight back */
	if (victim->state == SIM_RUNNING)
		sim->preempt_regrants++;
	else if (!slot->v || slot->v->vm != woken->vm)
		sim->preempt_others++;
}

static void sim_wake(struct sim *sim, struct sim_vcpu *v)
{
	v->need = v->load.kind == SIM_SPIN ? SIM_NEVER : v->load.run_ns;
	v->woke = sim->now;
	v->wakes++;
	sim_enqueue(sim, v, VMSCHED_ENQ_WAKEUP);
	if (sim_free_slot_for(sim, v))
		sim_fill(sim);
	else if (sim->ops->check_preempt)
		sim_check_preempt(sim, v);
}

/* --- host ------------------------------------------------------------- */

struct sim *sim_create(struct vmsched_ops *ops, u32 nr_slots,
		       const char *params, int *err)
{
	struct sim *sim;
	int ret;
	u32 i;

	if (!nr_slots || nr_slots > SIM_NR_CPUS) {
		if (err)
			*err = -EINVAL;
		return NULL;
	}
	sim = calloc(1, sizeof(*sim));
	sim->ops = ops;
	sim->nr_slots = nr_slots;
	sim->slots = calloc(nr_slots, sizeof(*sim->slots));
	for (i = 0; i < nr_slots; i++)
		cpumask_set_cpu(i, &sim->cpus);
	sim->s.nr_slots = nr_slots;
	sim->s.cpus = &sim->cpus;
	sim->repoll_at = SIM_NEVER;
	sim->now = NSEC_PER_SEC;	/* like ktime: not zero */
	sim->stamp = sim->now;
	sim_param_defaults(ops, VMSCHED_SCOPE_GLOBAL, sim->s.params);
	ret = sim_store_params(ops, VMSCHED_SCOPE_GLOBAL, sim->s.params, params);
	if (!ret && ops->init)
		ret = ops->init(&sim->s);
	if (err)
		*err = ret;
	if (ret) {
		free(sim->slots);
		free(sim);
		return NULL;
	}
	return sim;
}

struct sim_vm *sim_add_vm(struct sim *sim, const char *params, u32 nr_vcpus,
			  struct sim_load load)
{
	return sim_add_vm_on(sim, params, nr_vcpus, load, NULL);
}

struct sim_vm *sim_add_vm_loads(struct sim *sim, const char *params,
				u32 nr_vcpus, const struct sim_load *loads)
{
	return sim_add_vm_loads_on(sim, params, nr_vcpus, loads, NULL);
}

struct sim_vm *sim_add_vm_on(struct sim *sim, const char *params, u32 nr_vcpus,
			     struct sim_load load, const struct cpumask *cpus)
{
	struct sim_load loads[nr_vcpus];
	u32 i;

	for (i = 0; i < nr_vcpus; i++)
		loads[i] = load;
	return sim_add_vm_loads_on(sim, params, nr_vcpus, loads, cpus);
}

struct sim_vm *sim_add_vm_loads_on(struct sim *sim, const char *params, u32 nr_vcpus,
				   const struct sim_load *loads, const struct cpumask *cpus)
{
	struct sim_vm *vm = calloc(1, sizeof(*vm));
	struct cpumask mask = sim->cpus;
	u32 i;

	/* the slots it allows, or all of them if it allows none */
	if (cpus && (cpus->bits[0] & sim->cpus.bits[0]))
		mask.bits[0] = cpus->bits[0] & sim->cpus.bits[0];

	vm->id = sim->nr_vms;
	vm->pv.pid = 1000 + (s32)vm->id;
	vm->pv.nr_vcpus = nr_vcpus;
	vm->nr_vcpus = nr_vcpus;
	vm->attached = true;
	vm->vcpus = calloc(nr_vcpus, sizeof(*vm->vcpus));
	sim_param_defaults(sim->ops, VMSCHED_SCOPE_VM, vm->pv.params);
	if (sim_store_params(sim->ops, VMSCHED_SCOPE_VM, vm->pv.params, params)) {
		printf("# bad VM parameters \"%s\"\n", params);
		abort();
	}
	sim->vms = realloc(sim->vms, (sim->nr_vms + 1) * sizeof(*sim->vms));
	sim->vms[sim->nr_vms++] = vm;

	sim_in_sched_cb = true;
	if (sim->ops->vm_attach)
		sim->ops->vm_attach(&sim->s, &vm->pv, sim->now);
	for (i = 0; i < nr_vcpus; i++) {
		struct sim_vcpu *v = &vm->vcpus[i];

		v->pv.vm = &vm->pv;
		v->pv.vcpu_id = i;
		v->cpus = mask;
		v->pv.cpus = &v->cpus;
		v->pv.cpu = -1;
		v->vm = vm;
		v->id = sim->nr_vcpus++;
		v->load = loads[i];
		v->woke = SIM_NEVER;
		v->state = SIM_BLOCKED;
		v->magic = SIM_VCPU_MAGIC;
		if (sim->ops->vcpu_attach)
			sim->ops->vcpu_attach(&sim->s, &v->pv, sim->now);
	}
	sim_in_sched_cb = false;
	for (i = 0; i < nr_vcpus; i++) {
		if (loads[i].kind == SIM_LATENCY)
			sim_block(sim, &vm->vcpus[i]);
		else
			sim_wake(sim, &vm->vcpus[i]);
	}
	return vm;
}

static void sim_detach_vcpu(struct sim *sim, struct sim_vcpu *v)
{
	switch (v->state) {
	case SIM_QUEUED:
		sim->nr_queued--;
		sim_in_sched_cb = true;
		sim->ops->dequeue(&sim->s, &v->pv, sim->now);
		sim_in_sched_cb = false;
		break;
	case SIM_RUNNING:
		sim_end_grant(sim, &sim->slots[v->slot], true);
		break;
	case SIM_BLOCKED:
		heap_remove(sim, v);
		break;
	case SIM_DETACHED:
		return;
	}
	v->state = SIM_DETACHED;
	sim_in_sched_cb = true;
	if (sim->ops->vcpu_detach)
		sim->ops->vcpu_detach(&sim->s, &v->pv);
	sim_in_sched_cb = false;
	v->vm->pv.nr_vcpus--;
}

void sim_remove_vcpu(struct sim *sim, struct sim_vcpu *v)
{
	sim_detach_vcpu(sim, v);
	sim_fill(sim);
}

void sim_remove_vm(struct sim *sim, struct sim_vm *vm)
{
	u32 i;

	for (i = 0; i < vm->nr_vcpus; i++)
		sim_detach_vcpu(sim, &vm->vcpus[i]);
	vm->attached = false;
	sim_in_sched_cb = true;
	if (sim->ops->vm_detach)
		sim->ops->vm_detach(&sim->s, &vm->pv);
	sim_in_sched_cb = false;
	sim_fill(sim);
}

void sim_destroy(struct sim *sim)
{
	u32 i, j;

	for (i = 0; i < sim->nr_vms; i++) {
		if (sim->vms[i]->attached)
			sim_remove_vm(sim, sim->vms[i]);
		for (j = 0; j < sim->vms[i]->nr_vcpus; j++)
			free(sim->vms[i]->vcpus[j].delays);
		free(sim->vms[i]->vcpus);
		free(sim->vms[i]);
	}
	if (sim->ops->exit)
		sim->ops->exit(&sim->s);
	free(sim->vms);
	free(sim->heap);
	free(sim->slots);
	free(sim);
}

/* when the grant in @slot ends, by slice or by halt */
static u64 sim_slot_end(const struct sim_slot *slot)
{
	u64 need = slot->v->need;

	return slot->start + (need < slot->slice ? need : slot->slice);
}

/* run one instant's events; false once the next event is after @until */
static bool sim_step(struct sim *sim, u64 until)
{
	u64 t = sim->repoll_at;
	u32 i;

	for (i = 0; i < sim->nr_slots; i++)
		if (sim->slots[i].v)
			t = min(t, sim_slot_end(&sim->slots[i]));
	if (sim->heap_len)
		t = min(t, sim->heap[0]->wake_at);
	if (t > until) {
		if (sim->nr_queued && t == SIM_NEVER)
			sim->stalls++;
		sim->now = until;
		return false;
	}
	sim->now = t;
	for (i = 0; i < sim->nr_slots; i++) {
		if (sim->slots[i].v && sim_slot_end(&sim->slots[i]) == t) {
			sim_end_grant(sim, &sim->slots[i], false);
			sim_fill(sim);
		}
	}
	while (sim->heap_len && sim->heap[0]->wake_at == t) {
		struct sim_vcpu *v = sim->heap[0];

		heap_remove(sim, v);
		sim_wake(sim, v);
	}
	if (sim->repoll_at == t) {
		sim->repoll_at = SIM_NEVER;
		sim_fill(sim);
	}
	if (sim->after_event)
		sim->after_event(sim, sim->after_event_arg);
	return true;
}

void sim_run_for(struct sim *sim, u64 ns)
{
	u64 until = sim->now + ns;

	while (sim_step(sim, until))
		;
}

void sim_run_decisions(struct sim *sim, u64 n)
{
	u64 target = sim->decisions + n;

	while (sim->decisions < target && sim_step(sim, SIM_NEVER - 1))
		;
}

/*
 * Run time is added when a grant ends. So that a window [reset, now] counts
 * exactly the time run inside it, a reset starts running vCPUs in debt of
 * what they ran before it, and readers add what running grants ran so far.
 */
void sim_reset_stats(struct sim *sim)
{
	u32 i, j;

	sim->decisions = 0;
	sim->preemptions = 0;
	sim->preempt_regrants = 0;
	sim->preempt_others = 0;
	sim->idle_picks = 0;
	sim->repolls = 0;
	sim->stamp = sim->now;
	for (i = 0; i < sim->nr_vms; i++) {
		struct sim_vm *vm = sim->vms[i];

		vm->run_ns = 0;
		for (j = 0; j < vm->nr_vcpus; j++) {
			struct sim_vcpu *v = &vm->vcpus[j];

			v->run_ns = 0;
			v->grants = 0;
			v->wakes = 0;
			v->wait_max = 0;
			v->delay_max = 0;
			v->delay_sum = 0;
			v->nr_delays = 0;
		}
	}
	for (i = 0; i < sim->nr_slots; i++) {
		struct sim_slot *slot = &sim->slots[i];

		if (slot->v) {
			slot->v->run_ns -= sim->now - slot->start;
			slot->v->vm->run_ns -= sim->now - slot->start;
		}
	}
}

u64 sim_vcpu_run(const struct sim *sim, const struct sim_vcpu *v)
{
	if (v->state != SIM_RUNNING)
		return v->run_ns;
	return v->run_ns + sim->now - sim->slots[v->slot].start;
}

u64 sim_vm_run(const struct sim *sim, const struct sim_vm *vm)
{
	u64 run = vm->run_ns;
	u32 i;

	for (i = 0; i < sim->nr_slots; i++)
		if (sim->slots[i].v && sim->slots[i].v->vm == vm)
			run += sim->now - sim->slots[i].start;
	return run;
}

double sim_vm_share(const struct sim *sim, const struct sim_vm *vm)
{
	u64 elapsed = sim->now - sim->stamp;

	return elapsed ? (double)sim_vm_run(sim, vm) / (double)elapsed : 0.0;
}

double sim_vcpu_share(const struct sim *sim, const struct sim_vcpu *v)
{
	u64 elapsed = sim->now - sim->stamp;

	return elapsed ? (double)sim_vcpu_run(sim, v) / (double)elapsed : 0.0;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

u64 sim_vm_delay_pct(const struct sim_vm *vm, double pct)
{
	u64 n = 0, *all, r;
	u32 i;

	for (i = 0; i < vm->nr_vcpus; i++)
		n += vm->vcpus[i].delays ? vm->vcpus[i].nr_delays : 0;
	if (!n)
		return 0;
	all = malloc(n * sizeof(*all));
	n = 0;
	for (i = 0; i < vm->nr_vcpus; i++) {
		if (!vm->vcpus[i].delays)
			continue;
		memcpy(all + n, vm->vcpus[i].delays,
		       vm->vcpus[i].nr_delays * sizeof(u64));
		n += vm->vcpus[i].nr_delays;
	}
	qsort(all, n, sizeof(*all), cmp_u64);
	r = all[(u64)((double)(n - 1) * pct / 100.0)];
	free(all);
	return r;
}

u64 sim_vm_delay_max(const struct sim_vm *vm)
{
	u64 m = 0;
	u32 i;

	for (i = 0; i < vm->nr_vcpus; i++)
		m = max(m, vm->vcpus[i].delay_max);
	return m;
}
