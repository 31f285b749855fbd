// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl fuzzing of /dev/vmsched while VMs run and policies swap.
 *
 * NR_CALLS random and edge-case calls: right and wrong command numbers,
 * directions and sizes (down to 0, up to the 14-bit maximum, with zero or
 * non-zero tails), argument pointers that are valid, NULL, unmapped,
 * read-only, kernel addresses or straddle a guard page, nested pointers of
 * the same kinds, names that are valid, empty, unterminated or unknown,
 * counts and element sizes at every boundary, parameter keys and values at
 * and beyond their ranges, scopes, pids and vCPU ids of live and absent VMs.
 * Pools are fuzzed too: names, CPU sets, moves of the two VMs; the pools
 * the fuzzer made are destroyed at the end. Meanwhile a second thread
 * swaps policies (t_fifo, t_fifo2 and the real policies, and back to the
 * host scheduler) every 50-100 ms in the default pool and two workload VMs
 * run. A swap waits for an RCU grace period, so the fuzzer's
 * own successful activations stop at FUZZ_SWAPS and its pool changes at
 * FUZZ_POOL_CHANGES (later ones are made invalid) to keep the run short.
 *
 * Checked for every call:
 *   - the errno is one uapi/linux/vmsched.h documents;
 *   - where the outcome follows from the command alone (foreign magic,
 *     unknown number, wrong direction, short size, bad pointer, read-only
 *     output) the errno is exactly the expected one;
 *   - a rejected call changed nothing: status (active policy, counters,
 *     swap times), the policy list and the global, VM and vCPU parameters
 *     are compared before and after (swaps are excluded by a lock).
 * Afterwards: no splat in the kernel log, the workloads ran to their end
 * with progress on every vCPU, and the module still activates, reports
 * and unloads. Prints the calls made and the distinct errnos seen.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmsched_test.h"


#define NR_CALLS	100000
#define PAGE		4096
#define ARG_PAGES	5		/* argument area; one guard page follows */
#define MAX_IOC_SIZE	((1 << _IOC_SIZEBITS) - 1)
#define HOLE_PAGES	6		/* PROT_NONE pages */
#define FUZZ_SWAPS	300		/* successful swap calls of the fuzzer, at most */
#define FUZZ_POOL_CHANGES	100	/* and pool changes (a grace period, affinities) */
#define NR_KNOWN_CMDS	14
/* fill_struct() writes whole structs: struct vmsched_pool_cpus is the largest */
#define LARGEST_STRUCT	((sizeof(struct vmsched_pool_cpus) + 63) & ~63ul)

static const char *const policy_pool[] = { "t_fifo", "t_fifo2", "rr", "bvt", "fair" };
static const char *swap_names[8];
static int nr_swap_names;

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool stop_swapper;
static atomic_ulong swaps_done;
static unsigned long swap_gen;	/* swap attempts, under state_lock */
static pid_t vm_pids[2];
static int vms_fd;

/* memory the fuzzer points the kernel at */
static char *arg_area;		/* ARG_PAGES read-write, then a guard page */
static char *data_area;		/* ARG_PAGES read-write, then a guard page */
static char *ro_page;		/* one read-only page of zeros */
static char *hole;		/* HOLE_PAGES inaccessible pages (PROT_NONE) */
static unsigned long fuzz_swaps;	/* activations/deactivations the fuzzer made */
static unsigned long fuzz_pool_changes;	/* pools made, destroyed, deactivated; VMs moved */

/* ---- random numbers ------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned int pick(unsigned int n)
{
	return rnd() % n;
}

#define ONE_OF(arr) ((arr)[pick(sizeof(arr) / sizeof((arr)[0]))])

static uint32_t edge_u32(void)
{
	static const uint32_t edges[] = {
		0, 1, 2, 15, 16, 17, 31, 32, 33, 39, 40, 41, 80, 88, 135, 136, 137, 159,
		160, 161, 4095, 4096, 4097, 65535, 65536, 65537, 0x7fffffff, 0x80000000,
		0xfffffffe, 0xffffffff,
	};

	return pick(4) ? ONE_OF(edges) : (uint32_t)rnd();
}

static uint64_t edge_u64(void)
{
	static const uint64_t edges[] = {
		0, 1, 9999, 10000, 99999, 100000, 100001, 5000000, 999999999, 1000000000,
		1000000001, 10000000000ull, 65535, 65536, 4194304, 4194305, 10, 11, 100,
		101, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull,
	};

	return pick(4) ? ONE_OF(edges) : rnd();
}

/* ---- pointers ------------------------------------------------------------ */

enum ptr_kind { P_GOOD, P_NULL, P_UNMAPPED, P_RO, P_KERNEL, P_EDGE, P_ODD, P_NR };

static bool ptr_bad(enum ptr_kind k)
{
	return k == P_NULL || k == P_UNMAPPED || k == P_KERNEL;
}

static enum ptr_kind pick_ptr_kind(void)
{
	return pick(10) < 6 ? P_GOOD : (enum ptr_kind)pick(P_NR);
}

/* a pointer of kind @k into @area for @size bytes */
static char *make_ptr(enum ptr_kind k, char *area, size_t size)
{
	char *end = area + ARG_PAGES * PAGE;

	switch (k) {
	case P_GOOD:	/* room for the largest struct even if @size is short */
		size = size < LARGEST_STRUCT ? LARGEST_STRUCT : size;
		return size <= ARG_PAGES * PAGE ? end - ((size + 63) & ~63ul) - 64 * pick(4) :
						   area;
	case P_NULL:
		return NULL;
	case P_UNMAPPED:	/* below mmap_min_addr, or a PROT_NONE page */
		return pick(2) ? (char *)(uintptr_t)(PAGE + pick(8 * PAGE)) : hole + pick(PAGE);
	case P_RO:
		return ro_page;
	case P_KERNEL:
		return (char *)(pick(2) ? 0xffff888000000000ull : 0xffffffff81000000ull);
	case P_EDGE:	/* starts before the guard page, ends inside it */
		return end - (size > 1 ? 1 + pick(size - 1) : 0);
	case P_ODD:
	default:
		return area + 1 + pick(7);
	}
}

static uint64_t nested_ptr(enum ptr_kind *kind)
{
	*kind = pick_ptr_kind();
	if (*kind == P_EDGE)
		return (uint64_t)(uintptr_t)(data_area + ARG_PAGES * PAGE - 8 * (1 + pick(20)));
	return (uint64_t)(uintptr_t)make_ptr(*kind, data_area, 64 * (1 + pick(8)));
}

/* ---- argument contents --------------------------------------------------- */

static void fill_name(char *name)
{
	static const char *const pool[] = {
		"t_fifo", "t_fifo2", "rr", "bvt", "fair", "nonexistent", "T_FIFO",
		"t_fifo ", "../t_fifo", "a", "abcdefghijklmnopqrstuvwxyz01234",
	};

	memset(name, 0, VMSCHED_NAME_MAX);
	switch (pick(8)) {
	case 0:		/* unterminated */
		memset(name, 'a' + pick(26), VMSCHED_NAME_MAX);
		break;
	case 1:		/* empty */
		break;
	case 2:		/* random bytes */
		for (int i = 0; i < VMSCHED_NAME_MAX; i++)
			name[i] = rnd();
		break;
	case 3:		/* a known name with junk after the NUL */
		strcpy(name, ONE_OF(pool));
		name[VMSCHED_NAME_MAX - 1 - pick(4)] = 'x';
		break;
	default:
		strcpy(name, ONE_OF(pool));
	}
}

static void fill_key(char *key)
{
	static const char *const pool[] = {
		"slice", "weight", "boost", "pid", "warp", "quantum", "min_share",
		"reservation", "cap", "nosuchkey", "SLICE", "",
	};

	memset(key, 0, VMSCHED_NAME_MAX);
	if (!pick(10))
		memset(key, 'k', VMSCHED_NAME_MAX);
	else
		strcpy(key, ONE_OF(pool));
}

/* @n key/value pairs of @kv_size bytes each at @p, when it is writable */
static void fill_kv(uint64_t p, enum ptr_kind kind, uint32_t n, uint32_t kv_size)
{
	char *base = (char *)(uintptr_t)p, *end = data_area + ARG_PAGES * PAGE;
	struct vmsched_kv kv;
	uint32_t i;

	if (kind != P_GOOD && kind != P_ODD && kind != P_EDGE)
		return;
	for (i = 0; i < n && i < VMSCHED_MAX_KV + 2; i++) {
		char *at = base + (size_t)i * kv_size;

		if (at < data_area || at + sizeof(kv) > end || kv_size < sizeof(kv))
			break;
		fill_key(kv.key);
		kv.value = edge_u64();
		memcpy(at, &kv, sizeof(kv));
		if (kv_size > sizeof(kv) && at + kv_size <= end)
			memset(at + sizeof(kv), pick(8) ? 0 : 0xff, kv_size - sizeof(kv));
	}
}

static void fill_list(struct vmsched_list *l)
{
	enum ptr_kind k;

	l->buf = nested_ptr(&k);
	l->count = pick(2) ? pick(20) : edge_u32();
	l->entry_size = pick(2) ? 0 : edge_u32();
}

/* a pool name: mostly "" (the default pool) or one the fuzzer creates */
static void fill_pool_name(char *name)
{
	static const char *const pool[] = {
		"", "default", "fz", "fz2", "rr", "Fz", "fz ", "nonexistent",
	};

	if (pick(4)) {
		memset(name, 0, VMSCHED_NAME_MAX);
		strcpy(name, ONE_OF(pool));
	} else {
		fill_name(name);
	}
}

/* a CPU set: mostly one or both of the test VM's CPUs, at times none or absurd */
static void fill_cpus(__u64 *cpus)
{
	memset(cpus, 0, VMSCHED_CPU_WORDS * sizeof(*cpus));
	switch (pick(8)) {
	case 0:
		break;
	case 1:
		cpus[VMSCHED_CPU_WORDS - 1] = 1ULL << 63;
		break;
	case 2:
		memset(cpus, 0xff, VMSCHED_CPU_WORDS * sizeof(*cpus));
		break;
	default:
		cpus[0] = 1 + pick(3);
	}
}

static pid_t fuzz_pid(void)
{
	static const pid_t pool[] = { 0, 1, -1, -2147483647 - 1, 2147483647, 4194304 };

	switch (pick(4)) {
	case 0:
	case 1:
		return vm_pids[pick(2)];
	case 2:
		return getpid();
	default:
		return ONE_OF(pool);
	}
}

/* the struct of command @nr (ioctl number) with random, mostly sane contents */
static void fill_struct(unsigned int nr, char *buf)
{
	enum ptr_kind k;

	switch (nr) {
	case 1: {
		struct vmsched_list *l = (void *)buf;

		fill_list(l);
		break;
	}
	case 2: {
		struct vmsched_policy_params *pp = (void *)buf;

		fill_name(pp->name);
		fill_list(&pp->list);
		break;
	}
	case 3: {
		struct vmsched_activate *a = (void *)buf;

		fill_name(a->name);
		a->params = nested_ptr(&k);
		a->nr_params = pick(3) ? pick(VMSCHED_MAX_KV + 2) : edge_u32();
		a->kv_size = pick(3) ? sizeof(struct vmsched_kv) : edge_u32();
		a->flags = pick(20) ? 0 : edge_u64();
		fill_pool_name(a->pool);
		fill_kv(a->params, k, a->nr_params, a->kv_size);
		break;
	}
	case 6:
	case 7: {
		struct vmsched_params *p = (void *)buf;

		p->scope = pick(8) ? pick(3) : edge_u32();
		p->pid = fuzz_pid();
		p->vcpu_id = pick(4) ? pick(3) : edge_u32();
		p->params = nested_ptr(&k);
		p->nr_params = pick(3) ? pick(VMSCHED_MAX_KV + 2) : edge_u32();
		p->kv_size = pick(3) ? sizeof(struct vmsched_kv) : edge_u32();
		p->flags = pick(20) ? 0 : edge_u32();
		fill_pool_name(p->pool);
		if (nr == 6)
			fill_kv(p->params, k, p->nr_params, p->kv_size);
		break;
	}
	case 8: {
		struct vmsched_stats *s = (void *)buf;

		s->pid = fuzz_pid();
		s->flags = pick(20) ? 0 : edge_u32();
		fill_list(&s->vms);
		fill_list(&s->vcpus);
		fill_pool_name(s->pool);
		break;
	}
	case 9: {
		struct vmsched_pool_cpus *pc = (void *)buf;

		fill_pool_name(pc->name);
		fill_cpus(pc->cpus);
		pc->flags = pick(20) ? 0 : edge_u32();
		pc->reserved = pick(20) ? 0 : edge_u32();
		break;
	}
	case 10:
	case 11: {
		struct vmsched_pool_ref *r = (void *)buf;

		fill_pool_name(r->name);
		r->flags = pick(20) ? 0 : edge_u32();
		r->reserved = pick(20) ? 0 : edge_u32();
		break;
	}
	case 12:
		fill_list((void *)buf);
		break;
	case 13: {
		struct vmsched_pool_move *m = (void *)buf;

		fill_pool_name(m->pool);
		m->pid = fuzz_pid();
		m->flags = pick(20) ? 0 : edge_u32();
		break;
	}
	}
}

/* ---- commands and what the kernel must answer ----------------------------- */

struct known_cmd {
	unsigned int cmd;
	size_t ver0;		/* 0: no argument */
};

static const struct known_cmd known[NR_KNOWN_CMDS] = {
	{ VMSCHED_IOC_VERSION, VMSCHED_VERSION_SIZE_VER0 },
	{ VMSCHED_IOC_LIST_POLICIES, VMSCHED_LIST_SIZE_VER0 },
	{ VMSCHED_IOC_POLICY_PARAMS, VMSCHED_POLICY_PARAMS_SIZE_VER0 },
	{ VMSCHED_IOC_ACTIVATE, VMSCHED_ACTIVATE_SIZE_VER0 },
	{ VMSCHED_IOC_DEACTIVATE, 0 },
	{ VMSCHED_IOC_STATUS, VMSCHED_STATUS_SIZE_VER0 },
	{ VMSCHED_IOC_SET_PARAMS, VMSCHED_PARAMS_SIZE_VER0 },
	{ VMSCHED_IOC_GET_PARAMS, VMSCHED_PARAMS_SIZE_VER0 },
	{ VMSCHED_IOC_STATS, VMSCHED_STATS_SIZE_VER0 },
	{ VMSCHED_IOC_POOL_CREATE, VMSCHED_POOL_CPUS_SIZE_VER0 },
	{ VMSCHED_IOC_POOL_DESTROY, VMSCHED_POOL_REF_SIZE_VER0 },
	{ VMSCHED_IOC_POOL_DEACTIVATE, VMSCHED_POOL_REF_SIZE_VER0 },
	{ VMSCHED_IOC_POOL_LIST, VMSCHED_LIST_SIZE_VER0 },
	{ VMSCHED_IOC_POOL_MOVE, VMSCHED_POOL_MOVE_SIZE_VER0 },
};

struct call {
	unsigned int cmd;
	enum ptr_kind kind;
	char *arg;
	int expect;		/* errno the command alone implies, 0 if it depends */
};

static size_t pick_size(size_t ver0)
{
	static const size_t extra[] = { 0, 0, 0, 0, 8, 64, PAGE, MAX_IOC_SIZE };

	switch (pick(8)) {
	case 0:
		return pick(ver0 + 1);
	case 1:
		return ver0 ? ver0 - 1 : 0;
	default: {
		size_t s = ver0 + ONE_OF(extra);

		return s > MAX_IOC_SIZE ? MAX_IOC_SIZE : s;
	}
	}
}

/* bytes an output-only command writes back */
static size_t out_size(unsigned int nr, size_t usize)
{
	size_t ksize = nr == 0 ? sizeof(struct vmsched_version) : sizeof(struct vmsched_status);

	return usize < ksize ? usize : ksize;
}

/* what the dispatcher must answer before it looks at the contents */
static int oracle(const struct call *c)
{
	unsigned int nr = _IOC_NR(c->cmd), dir = _IOC_DIR(c->cmd);
	size_t size = _IOC_SIZE(c->cmd);
	const struct known_cmd *k;

	if (_IOC_TYPE(c->cmd) != VMSCHED_IOC_MAGIC || nr >= NR_KNOWN_CMDS)
		return ENOTTY;
	k = &known[nr];
	if (nr == 4)
		return c->cmd == VMSCHED_IOC_DEACTIVATE ? 0 : ENOTTY;
	if (dir != _IOC_DIR(k->cmd))
		return ENOTTY;
	if (size < k->ver0)
		return EINVAL;
	if (ptr_bad(c->kind))
		return EFAULT;
	/* input is read in full (tail checked for zeros); output as far as the kernel knows */
	if (c->kind == P_EDGE && (_IOC_DIR(k->cmd) & _IOC_WRITE))
		return EFAULT;
	if (c->kind == P_EDGE && arg_area + ARG_PAGES * PAGE - c->arg < (long)out_size(nr, size))
		return EFAULT;
	/* read-only output of a command without input */
	if (c->kind == P_RO && (nr == 0 || nr == 5))
		return EFAULT;
	return 0;
}

static void make_call(struct call *c)
{
	const struct known_cmd *k;
	unsigned int r = pick(100), dir, nr;
	size_t size, slen;

	if (r < 3) {			/* anything at all */
		c->cmd = rnd();
	} else if (r < 8) {		/* a foreign magic */
		c->cmd = _IOC(pick(4), 'k' + pick(3), pick(16), pick(256));
	} else if (r < 14) {		/* our magic, an unknown number */
		c->cmd = _IOC(pick(4), VMSCHED_IOC_MAGIC, NR_KNOWN_CMDS + pick(247), pick(256));
	} else {
		k = &known[pick(NR_KNOWN_CMDS)];
		dir = pick(10) ? _IOC_DIR(k->cmd) : pick(4);
		size = k->ver0 && pick(3) ? pick_size(k->ver0) : _IOC_SIZE(k->cmd);
		nr = _IOC_NR(k->cmd);
		c->cmd = (k->cmd == VMSCHED_IOC_DEACTIVATE && pick(2)) ? k->cmd :
			 _IOC(dir, VMSCHED_IOC_MAGIC, nr, size);
	}
	size = _IOC_SIZE(c->cmd);
	c->kind = pick_ptr_kind();
	c->arg = make_ptr(c->kind, arg_area, size);
	if (c->kind == P_GOOD || c->kind == P_ODD) {
		slen = ARG_PAGES * PAGE - (size_t)(c->arg - arg_area);
		if (pick(4))
			memset(c->arg, 0, slen);
		else
			for (size_t i = 0; i + 8 <= slen; i += 8)
				*(uint64_t *)(c->arg + i) = rnd();
		if (_IOC_TYPE(c->cmd) == VMSCHED_IOC_MAGIC)
			fill_struct(_IOC_NR(c->cmd), c->arg);
	}
	if (c->kind == P_EDGE && size)
		memset(c->arg, 0, arg_area + ARG_PAGES * PAGE - c->arg);
	/* enough real swaps done by the fuzzer itself: keep the rest cheap */
	if (fuzz_swaps >= FUZZ_SWAPS && _IOC_TYPE(c->cmd) == VMSCHED_IOC_MAGIC) {
		if (c->cmd == VMSCHED_IOC_DEACTIVATE)
			c->cmd = _IOC(_IOC_NONE, VMSCHED_IOC_MAGIC, 4, 8);
		else if (_IOC_NR(c->cmd) == 3 && (c->kind == P_GOOD || c->kind == P_ODD) &&
			 _IOC_SIZE(c->cmd) >= VMSCHED_ACTIVATE_SIZE_VER0)
			((struct vmsched_activate *)c->arg)->flags |= 1;
	}
	/* the same for pool changes: a flag makes them invalid */
	if (fuzz_pool_changes >= FUZZ_POOL_CHANGES && _IOC_TYPE(c->cmd) == VMSCHED_IOC_MAGIC &&
	    (c->kind == P_GOOD || c->kind == P_ODD)) {
		nr = _IOC_NR(c->cmd);
		if (nr == 9 && _IOC_SIZE(c->cmd) >= VMSCHED_POOL_CPUS_SIZE_VER0)
			((struct vmsched_pool_cpus *)c->arg)->flags |= 1;
		else if ((nr == 10 || nr == 11) && _IOC_SIZE(c->cmd) >= VMSCHED_POOL_REF_SIZE_VER0)
			((struct vmsched_pool_ref *)c->arg)->flags |= 1;
		else if (nr == 13 && _IOC_SIZE(c->cmd) >= VMSCHED_POOL_MOVE_SIZE_VER0)
			((struct vmsched_pool_move *)c->arg)->flags |= 1;
	}
	c->expect = oracle(c);
}

/* ---- state that a rejected call must not change -------------------------- */

#define MAX_POOLS	4

struct state {
	struct vmsched_status st;
	struct vmsched_policy_info pol[16];
	unsigned int npol;
	struct vmsched_pool_info pools[MAX_POOLS];
	unsigned int npools;
	int pret[5];
	struct vmsched_kv kv[5][VMSCHED_MAX_KV];
};

static void snapshot(struct state *s)
{
	struct vmsched_list l = { .buf = (unsigned long)s->pol, .count = 16,
				  .entry_size = sizeof(s->pol[0]) };
	int i;

	memset(s, 0, sizeof(*s));
	vms_status(vms_fd, &s->st);
	vms_ioctl(vms_fd, VMSCHED_IOC_LIST_POLICIES, &l);
	s->npol = l.count;
	l = (struct vmsched_list){ .buf = (unsigned long)s->pools, .count = MAX_POOLS,
				   .entry_size = sizeof(s->pools[0]) };
	vms_ioctl(vms_fd, VMSCHED_IOC_POOL_LIST, &l);
	s->npools = l.count;
	/* what moves by itself: VMs found, grants, gated vCPUs */
	for (i = 0; i < MAX_POOLS; i++) {
		s->pools[i].nr_vms = 0;
		s->pools[i].nr_vcpus = 0;
		s->pools[i].nr_granted = 0;
		s->pools[i].nr_gated = 0;
	}
	s->pret[0] = vms_get_params(vms_fd, VMSCHED_SCOPE_GLOBAL, 0, 0, s->kv[0], VMSCHED_MAX_KV);
	for (i = 0; i < 2; i++) {
		s->pret[1 + 2 * i] = vms_get_params(vms_fd, VMSCHED_SCOPE_VM, vm_pids[i], 0,
						    s->kv[1 + 2 * i], VMSCHED_MAX_KV);
		s->pret[2 + 2 * i] = vms_get_params(vms_fd, VMSCHED_SCOPE_VCPU, vm_pids[i], 1,
						    s->kv[2 + 2 * i], VMSCHED_MAX_KV);
	}
}

/*
 * Differences between two snapshots, as text; "" if none. The counts of
 * VMs, vCPUs, grants and gated vCPUs move by themselves and are left out;
 * a VM that the active policy discovers between the two (ESRCH to success)
 * is not a change either.
 */
static const char *state_diff(const struct state *a, const struct state *b)
{
	const struct vmsched_status *x = &a->st, *y = &b->st;
	int i;

	if (strcmp(x->active, y->active))
		return "active policy";
	if (x->nr_policies != y->nr_policies || a->npol != b->npol ||
	    memcmp(a->pol, b->pol, sizeof(a->pol)))
		return "policy list";
	if (x->swaps != y->swaps || x->last_swap_ns != y->last_swap_ns ||
	    x->max_swap_ns != y->max_swap_ns)
		return "swap counters";
	if (x->watchdog_events != y->watchdog_events || strcmp(x->last_ejected, y->last_ejected))
		return "watchdog";
	if (x->policy_errors != y->policy_errors)
		return "policy errors";
	if (x->nr_slots != y->nr_slots || x->watchdog_ns != y->watchdog_ns)
		return "pool or watchdog limit";
	if (a->npools != b->npools || memcmp(a->pools, b->pools, sizeof(a->pools)))
		return "pools (names, CPUs, policies, counters)";
	for (i = 0; i < 5; i++) {
		if (a->pret[i] == -ESRCH && b->pret[i] >= 0)
			continue;	/* discovered meanwhile */
		if (a->pret[i] != b->pret[i])
			return "parameter availability";
		if (a->pret[i] >= 0 && memcmp(a->kv[i], b->kv[i], sizeof(a->kv[i])))
			return "parameter values";
	}
	return "";
}

/* ---- the swapper thread --------------------------------------------------- */

static void *swapper(void *arg)
{
	unsigned int i = 0;
	int ret;

	(void)arg;
	while (!atomic_load(&stop_swapper)) {
		pthread_mutex_lock(&state_lock);
		if (i % (nr_swap_names + 1) == (unsigned int)nr_swap_names)
			ret = vms_ioctl(vms_fd, VMSCHED_IOC_DEACTIVATE, NULL);
		else
			ret = vms_activate(vms_fd, swap_names[i % (nr_swap_names + 1)], NULL, 0);
		swap_gen++;
		pthread_mutex_unlock(&state_lock);
		if (!ret)
			atomic_fetch_add(&swaps_done, 1);
		i++;
		/* a swap waits for a grace period: about 15 ms here under TCG */
		usleep(50000 + pick(50000));
	}
	return NULL;
}

/*
 * An element size is only bounded by its u32: the kernel checks that the
 * bytes of an element it does not know are zero, so one pair of 4 GiB over
 * a readable zero mapping is 4 GiB of reads in one call. It must be refused
 * (or at least answered) quickly.
 */
static void test_huge_element_size(void)
{
	const size_t len = (size_t)4 << 30;
	struct vmsched_activate a = { .name = "t_fifo", .nr_params = 1, .kv_size = 0xffffffff };
	struct vmsched_params p = { .scope = VMSCHED_SCOPE_GLOBAL, .nr_params = 1,
				    .kv_size = 0xffffffff };
	long long t0, t1, t2;
	char *zeros;
	int r1, r2;

	zeros = mmap(NULL, len + PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		     -1, 0);
	if (zeros == MAP_FAILED) {
		ktap_skip("huge_element_size_answered_quickly", "no 4 GiB mapping");
		return;
	}
	a.params = p.params = (unsigned long)zeros;
	t0 = now_ms();
	r1 = vms_ioctl(vms_fd, VMSCHED_IOC_ACTIVATE, &a);
	t1 = now_ms();
	r2 = vms_ioctl(vms_fd, VMSCHED_IOC_SET_PARAMS, &p);
	t2 = now_ms();
	munmap(zeros, len + PAGE);
	ktap_info("pair of 4 GiB over zeros: ACTIVATE %s in %lld ms, SET_PARAMS %s in %lld ms",
		  strerror(-r1), t1 - t0, strerror(-r2), t2 - t1);
	CHECK(r1 == -EINVAL && r2 == -EINVAL, "ACTIVATE %d, SET_PARAMS %d, want EINVAL", r1, r2);
	CHECK(t1 - t0 < 1000 && t2 - t1 < 1000, "took %lld and %lld ms", t1 - t0, t2 - t1);
	ktap_case_done("huge_element_size_answered_quickly");
}

/* ---- main ---------------------------------------------------------------- */

static const char *errno_name(int e)
{
	switch (e) {
	case 0: return "ok";
	case ENOTTY: return "ENOTTY";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ERANGE: return "ERANGE";
	case ENOSPC: return "ENOSPC";
	case ESRCH: return "ESRCH";
	case ENODEV: return "ENODEV";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENOTUNIQ: return "ENOTUNIQ";
	default: return NULL;
	}
}

static int map_areas(void)
{
	arg_area = mmap(NULL, (ARG_PAGES + 1) * PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	data_area = mmap(NULL, (ARG_PAGES + 1) * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* larger than any _IOC_SIZE past its first page: nothing readable follows */
	hole = mmap(NULL, HOLE_PAGES * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arg_area == MAP_FAILED || data_area == MAP_FAILED || ro_page == MAP_FAILED ||
	    hole == MAP_FAILED)
		return -1;
	if (mprotect(arg_area + ARG_PAGES * PAGE, PAGE, PROT_NONE) ||
	    mprotect(data_area + ARG_PAGES * PAGE, PAGE, PROT_NONE))
		return -1;
	return 0;
}

static void load_policies(void)
{
	static const char *const mods[] = { "rr_sched", "bvt_sched", "fair_sched" };
	unsigned int i;
	int ret;

	for (i = 0; i < 3; i++) {
		ret = mod_load(mods[i], NULL);
		if (ret && ret != -EEXIST)
			ktap_info("%s not loaded: %s", mods[i], strerror(-ret));
	}
}

static void find_swap_names(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(policy_pool) / sizeof(policy_pool[0]); i++) {
		struct vmsched_policy_params pp = { 0 };

		snprintf(pp.name, sizeof(pp.name), "%s", policy_pool[i]);
		if (!vms_ioctl(vms_fd, VMSCHED_IOC_POLICY_PARAMS, &pp))
			swap_names[nr_swap_names++] = policy_pool[i];
	}
}

static void fuzz(void)
{
	unsigned long counts[256] = { 0 }, calls = 0, rejected = 0, oracle_checked = 0;
	unsigned long changed = 0, undocumented = 0, wrong = 0, succeeded = 0;
	struct state before, after;
	struct call c;
	char line[512];
	int e, ret, distinct = 0;
	unsigned long before_gen = 0;
	bool before_valid = false;
	size_t len = 0;
	long long t0 = now_ms();

	for (calls = 0; calls < NR_CALLS; calls++) {
		make_call(&c);
		pthread_mutex_lock(&state_lock);
		/* after a rejected call and no swap, the last snapshot is still current */
		if (!before_valid || before_gen != swap_gen)
			snapshot(&before);
		before_gen = swap_gen;
		ret = ioctl(vms_fd, c.cmd, c.arg);
		e = ret ? errno : 0;
		if (e)
			snapshot(&after);
		pthread_mutex_unlock(&state_lock);
		counts[e & 255]++;
		if (!e)
			succeeded++;
		if (!e && _IOC_TYPE(c.cmd) == VMSCHED_IOC_MAGIC &&
		    (_IOC_NR(c.cmd) == 3 || _IOC_NR(c.cmd) == 4))
			fuzz_swaps++;
		if (!e && _IOC_TYPE(c.cmd) == VMSCHED_IOC_MAGIC &&
		    (_IOC_NR(c.cmd) == 9 || _IOC_NR(c.cmd) == 10 || _IOC_NR(c.cmd) == 11 ||
		     _IOC_NR(c.cmd) == 13))
			fuzz_pool_changes++;
		if (e && (e > 255 || !errno_name(e)) && undocumented++ < 5)
			ktap_info("call %lu: cmd %#x kind %d: undocumented errno %d (%s)",
				  calls, c.cmd, c.kind, e, strerror(e));
		if (c.expect || _IOC_TYPE(c.cmd) != VMSCHED_IOC_MAGIC) {
			oracle_checked++;
			if (e != c.expect && wrong++ < 10)
				ktap_info("call %lu: cmd %#x (nr %u dir %u size %u) kind %d: %s, want %s",
					  calls, c.cmd, _IOC_NR(c.cmd), _IOC_DIR(c.cmd),
					  _IOC_SIZE(c.cmd), c.kind, errno_name(e) ?: "?",
					  errno_name(c.expect) ?: "?");
		}
		before_valid = e != 0;
		if (e) {
			const char *d = state_diff(&before, &after);

			rejected++;
			if (*d && changed++ < 10)
				ktap_info("call %lu: cmd %#x kind %d failed with %s but changed %s",
					  calls, c.cmd, c.kind, errno_name(e) ?: "?", d);
			before = after;
		}
	}
	for (e = 0; e < 256; e++) {
		if (!counts[e] || !e)
			continue;
		distinct++;
		len += snprintf(line + len, sizeof(line) - len, " %s=%lu",
				errno_name(e) ?: "?", counts[e]);
	}
	ktap_info("%lu calls in %lld ms (%lu succeeded, %lu rejected), %d distinct errnos:%s",
		  calls, now_ms() - t0, succeeded, rejected, distinct, line);
	ktap_info("%lu calls checked against the expected errno, %lu wrong; %lu activations and %lu pool changes by the fuzzer, %lu swaps by the swapper",
		  oracle_checked, wrong, fuzz_swaps, fuzz_pool_changes, atomic_load(&swaps_done));
	CHECK(undocumented == 0, "%lu calls failed with an undocumented errno", undocumented);
	CHECK(wrong == 0, "%lu calls gave another errno than the command implies", wrong);
	CHECK(changed == 0, "%lu rejected calls changed state", changed);
	CHECK(distinct >= 8, "only %d distinct errnos: the fuzzer misses paths", distinct);
	CHECK(succeeded > NR_CALLS / 50, "only %lu calls succeeded", succeeded);
	CHECK(atomic_load(&swaps_done) > 50, "only %lu swaps", atomic_load(&swaps_done));
	CHECK(fuzz_swaps >= FUZZ_SWAPS, "only %lu activations by the fuzzer", fuzz_swaps);
}

/*
 * the pools the fuzzer made go; none had a watchdog event or a policy
 * error, and the default pool has every CPU again
 */
static void destroy_fuzz_pools(void)
{
	struct vmsched_pool_info p[MAX_POOLS];
	struct vmsched_list l = { .buf = (unsigned long)p, .count = MAX_POOLS,
				  .entry_size = sizeof(p[0]) };
	struct vmsched_pool_ref r;
	unsigned int i, n;
	int ret;

	ret = vms_ioctl(vms_fd, VMSCHED_IOC_POOL_LIST, &l);
	CHECK(ret == 0, "pool list: %s", strerror(-ret));
	n = ret ? 0 : l.count;
	ktap_info("%u pools after fuzzing", n);
	for (i = 0; i < n && i < MAX_POOLS; i++) {
		CHECK(p[i].watchdog_events == 0 && p[i].policy_errors == 0,
		      "pool %s: watchdog %llu errors %llu", p[i].name,
		      (unsigned long long)p[i].watchdog_events,
		      (unsigned long long)p[i].policy_errors);
		if (!strcmp(p[i].name, VMSCHED_POOL_DEFAULT))
			continue;
		memset(&r, 0, sizeof(r));
		strcpy(r.name, p[i].name);
		ret = vms_ioctl(vms_fd, VMSCHED_IOC_POOL_DESTROY, &r);
		CHECK(ret == 0, "destroy pool %s: %s", r.name, strerror(-ret));
	}
	l.count = MAX_POOLS;
	ret = vms_ioctl(vms_fd, VMSCHED_IOC_POOL_LIST, &l);
	CHECK(ret == 0 && l.count == 1 && p[0].nr_cpus == (unsigned int)sysconf(_SC_NPROCESSORS_ONLN),
	      "after the pools went: %u pools, the default one of %u CPUs", l.count, p[0].nr_cpus);
}

int main(void)
{
	/* light loads: the fuzzer needs the CPUs more than the VMs do */
	const char *a[] = { "--name", "fz-duty", "--vcpus", "2", "--duration", "600",
			    "--profile", "duty", "--run-us", "200", "--halt-us", "2000", NULL };
	const char *b[] = { "--name", "fz-latency", "--vcpus", "2", "--duration", "600",
			    "--profile", "latency", "--rate", "200", NULL };
	struct workload w[2];
	struct vmsched_status st;
	pthread_t th;
	int ret, i, v, splats;

	setup_or_skip(true);
	load_policies();
	/*
	 * Not a watchdog test (faults is): an overloaded host stalls the TCG
	 * test VM for seconds ("clocksource: Long readout interval"), which
	 * the default 2 s limit takes for starvation. 10 s still catches it.
	 */
	write_file(WATCHDOG_PARAM, "10000");
	vms_fd = vms_open();
	if (vms_fd < 0 || map_areas())
		ktap_skip_all("set-up failed");
	rng_state ^= (uint64_t)getpid() << 32;
	find_swap_names();
	ktap_plan(4);
	ktap_info("seed %#llx, swapping between %d policies and the host scheduler",
		  (unsigned long long)rng_state, nr_swap_names);

	CHECK(workload_start(&w[0], a) == 0, "start duty VM");
	CHECK(workload_start(&w[1], b) == 0, "start latency VM");
	vm_pids[0] = w[0].pid;
	vm_pids[1] = w[1].pid;
	sleep(2);
	splats = kernel_splats();
	pthread_create(&th, NULL, swapper, NULL);
	fuzz();
	atomic_store(&stop_swapper, true);
	pthread_join(th, NULL);
	destroy_fuzz_pools();
	ktap_case_done("fuzz_rejects_cleanly");
	test_huge_element_size();

	/* the module still works: activate, both VMs known and running, deactivate */
	ret = vms_activate(vms_fd, "t_fifo", NULL, 0);
	CHECK(ret == 0, "activate after fuzzing: %s", strerror(-ret));
	sleep(1);
	CHECK(vms_status(vms_fd, &st) == 0, "status");
	ktap_info("after fuzzing: %s, %u VMs, %u vCPUs, %u granted of %u slots, %llu swaps",
		  st.active, st.nr_vms, st.nr_vcpus, st.nr_granted, st.nr_slots,
		  (unsigned long long)st.swaps);
	CHECK(!strcmp(st.active, "t_fifo"), "active '%s'", st.active);
	CHECK(st.nr_vms == 2 && st.nr_vcpus == 4, "%u VMs %u vCPUs", st.nr_vms, st.nr_vcpus);
	CHECK(st.nr_granted <= st.nr_slots, "%u granted > %u slots", st.nr_granted, st.nr_slots);
	CHECK(st.watchdog_events == 0 && st.policy_errors == 0, "watchdog %llu errors %llu",
	      (unsigned long long)st.watchdog_events, (unsigned long long)st.policy_errors);
	CHECK(vms_ioctl(vms_fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");
	for (i = 0; i < 2; i++) {
		kill(w[i].pid, SIGTERM);
		ret = workload_wait(&w[i]);
		CHECK(ret == 0, "workload %d exit %d", i, ret);
		for (v = 0; v < 2; v++)
			CHECK(workload_get(&w[i], "progress", v) > 0, "vm %d vcpu %d no progress",
			      i, v);
	}
	ktap_case_done("module_still_works");

	close(vms_fd);
	mod_unload_all();
	CHECK(!mod_loaded(CORE_MODULE), "core still loaded");
	ret = load_core_and_test_policies();
	CHECK(ret == 0, "reload: %s", strerror(-ret));
	mod_unload_all();
	i = kernel_splats();
	CHECK(i == splats, "kernel log splats: %d before fuzzing, %d after", splats, i);
	ktap_case_done("no_splat_and_reload");
	return ktap_finish();
}
