// SPDX-License-Identifier: GPL-2.0
/*
 * The pool ioctls (ABI 2.2) reject bad input with the documented errno and
 * change nothing, with the core and the policies loaded and one workload
 * VM running (fair active in the default pool). "Nothing" is the whole
 * POOL_LIST output (names, CPUs, active policies, slot, VM and vCPU
 * counts, swaps, watchdog events, policy errors), the VM's pool and its
 * vCPU thread's affinity, compared before and after every call.
 *  - create: bad names, "default", no CPU, a CPU past nr_cpu_ids, an
 *    offline CPU (EINVAL); a taken name (EEXIST); a CPU of another pool or
 *    every online CPU of the default pool (EBUSY);
 *  - destroy / deactivate: no such pool (ENOENT), "default" (EINVAL);
 *  - move: no such pool (ENOENT), no such VM (ESRCH), a thread that may
 *    run on none of the pool's CPUs (EINVAL);
 *  - activate / params / stats naming an unknown pool (ENOENT) or a bad
 *    name (EINVAL), a VM's parameters through a pool that is not its own
 *    (ESRCH), global ones of a pool without a policy (ENODEV);
 *  - sizes below VER0 (EINVAL), larger with a non-zero tail (E2BIG), flags
 *    and reserved fields (EINVAL), names without a NUL (EINVAL);
 *  - no CAP_SYS_NICE / CAP_SYS_ADMIN (uid 65534): EPERM for create,
 *    destroy, deactivate and move; POOL_LIST still answers.
 * And what the calls that succeed show: create "lat" of CPU 1 leaves the
 * default pool the other CPUs (STATUS: one slot), destroy gives them back;
 * ACTIVATE with the 2.0 size activates in the default pool.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy_test.h"
#include "vmsched_pool.h"

#define CMD_WITH_SIZE(cmd, size) \
	_IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), (size))
#define STATE_LEN	2048
#define POSSIBLE	"/sys/devices/system/cpu/possible"

static pid_t vm_pid;		/* the workload VM */
static pid_t vm_tid;		/* its vCPU thread */
static char possible[64];	/* the possible CPUs: the default pool's at first */
static char rest[64];		/* the default pool's with lat of CPU 1 */
static unsigned int nr_cpu_ids;	/* the last possible CPU + 1, as the kernel's */

/* what the calls must not change, as one comparable line */
static void state(int fd, char *buf, size_t len)
{
	struct vmsched_pool_info pi[POOL_LIST_MAX];
	char cpus[64], vmpool[VMSCHED_NAME_MAX] = "?", aff[64] = "?";
	size_t used = 0;
	int n, i;

	n = pool_list(fd, pi, POOL_LIST_MAX);
	used += snprintf(buf, len, "pools=%d:", n);
	for (i = 0; i < n && i < POOL_LIST_MAX && used < len; i++) {
		cpulist_format(pi[i].cpus, VMSCHED_CPU_WORDS, cpus, sizeof(cpus));
		used += snprintf(buf + used, len - used,
				 " %s[%s] cpus=%s slots=%u vms=%u vcpus=%u swaps=%llu wd=%llu err=%llu;",
				 pi[i].name, pi[i].active, cpus, pi[i].nr_cpus, pi[i].nr_vms,
				 pi[i].nr_vcpus, (unsigned long long)pi[i].swaps,
				 (unsigned long long)pi[i].watchdog_events,
				 (unsigned long long)pi[i].policy_errors);
	}
	vm_pool_name(fd, vm_pid, vmpool, sizeof(vmpool));
	thread_cpus_allowed(vm_pid, vm_tid, aff, sizeof(aff));
	if (used < len)
		snprintf(buf + used, len - used, " vm in %s, its thread on %s", vmpool, aff);
}

/* ioctl @cmd on @arg must fail with @want and change nothing */
static void expect_err(int fd, unsigned long cmd, void *arg, int want, const char *what)
{
	char before[STATE_LEN], after[STATE_LEN];
	int ret;

	state(fd, before, sizeof(before));
	ret = vms_ioctl(fd, cmd, arg);
	state(fd, after, sizeof(after));
	CHECK(ret == -want, "%s: %d (%s), want -%d (%s)", what, ret, strerror(-ret), want,
	      strerror(want));
	CHECK(!strcmp(before, after), "%s changed the state:\n#  before:%s\n#  after: %s", what,
	      before, after);
}

/* the number of pools listed (-errno) */
static int nr_pools(int fd)
{
	struct vmsched_pool_info pi[POOL_LIST_MAX];

	return pool_list(fd, pi, POOL_LIST_MAX);
}

static int nr_slots(int fd)
{
	struct vmsched_status st;

	return vms_status(fd, &st) ? -1 : (int)st.nr_slots;
}

static void test_create_destroy(int fd)
{
	int ret, n;

	check_pool(fd, VMSCHED_POOL_DEFAULT, possible, "fair");
	n = nr_pools(fd);
	ktap_info("pools before create: %d (want 1)", n);
	CHECK(n == 1, "pools before create: %d, want 1", n);
	ret = pool_create(fd, "lat", "1");
	CHECK(ret == 0, "create lat of CPU 1: %s", strerror(-ret));
	n = nr_pools(fd);
	ktap_info("pools after create: %d (want 2)", n);
	CHECK(n == 2, "pools after create: %d, want 2", n);
	/* the default pool keeps every possible CPU but 1 */
	check_pool(fd, VMSCHED_POOL_DEFAULT, rest, "fair");
	check_pool(fd, "lat", "1", "");
	n = nr_slots(fd);
	ktap_info("STATUS nr_slots with lat of CPU 1: %d (want 1)", n);
	CHECK(n == 1, "STATUS nr_slots with lat of CPU 1: %d, want 1", n);
	ret = pool_destroy(fd, "lat");
	CHECK(ret == 0, "destroy lat: %s", strerror(-ret));
	n = nr_pools(fd);
	ktap_info("pools after destroy: %d (want 1)", n);
	CHECK(n == 1, "pools after destroy: %d, want 1", n);
	check_pool(fd, VMSCHED_POOL_DEFAULT, possible, "fair");
	n = nr_slots(fd);
	ktap_info("STATUS nr_slots after destroy: %d (want 2)", n);
	CHECK(n == 2, "STATUS nr_slots after destroy: %d, want 2", n);
	ktap_case_done("pool_create_destroy_visible");
}

/* a create argument of @name and CPU list @cpus */
static void pool_cpus_set(struct vmsched_pool_cpus *pc, const char *name, const char *cpus)
{
	memset(pc, 0, sizeof(*pc));
	snprintf(pc->name, sizeof(pc->name), "%s", name);
	cpulist_parse(cpus, pc->cpus, VMSCHED_CPU_WORDS);
}

/* a create of @name with CPU list @cpus and the errno it gets (lat of CPU 1 exists) */
struct create_case {
	const char *name, *cpus;
	int err;
	const char *what;
};

static const struct create_case create_cases[] = {
	{ "", "0", EINVAL, "an empty name" },
	{ "Lat", "0", EINVAL, "an upper-case name" },
	{ "a b", "0", EINVAL, "a name with a space" },
	{ "l@t", "0", EINVAL, "a name with '@'" },
	{ "default", "0", EINVAL, "the default pool's name" },
	{ "empty", "", EINVAL, "no CPU" },
	{ "lat", "0", EEXIST, "lat's name again (CPU 0)" },
	{ "lat", "1", EEXIST, "lat's name again (CPU 1)" },
	{ "other", "1", EBUSY, "lat's CPU 1" },
	{ "other", "0", EBUSY, "the default pool's last CPU 0" },
	{ "other", "0-1", EBUSY, "CPUs 0-1 (1 is lat's)" },
};

/* lat of CPU 1 exists */
static void test_create_errors(int fd)
{
	static struct vmsched_pool_cpus pc;
	static char big[sizeof(pc) + 64];
	unsigned int beyond = nr_cpu_ids;
	char what[96];
	size_t i;

	for (i = 0; i < sizeof(create_cases) / sizeof(create_cases[0]); i++) {
		pool_cpus_set(&pc, create_cases[i].name, create_cases[i].cpus);
		snprintf(what, sizeof(what), "create '%s' of CPUs '%s': %s", create_cases[i].name,
			 create_cases[i].cpus, create_cases[i].what);
		expect_err(fd, VMSCHED_IOC_POOL_CREATE, &pc, create_cases[i].err, what);
	}
	pool_cpus_set(&pc, "x", "0");
	memset(pc.name, 'x', sizeof(pc.name));
	expect_err(fd, VMSCHED_IOC_POOL_CREATE, &pc, EINVAL, "create with a name without NUL");
	if (beyond < VMSCHED_CPU_WORDS * 64) {
		pool_cpus_set(&pc, "far", "");
		pc.cpus[beyond / 64] |= 1ull << (beyond % 64);
		snprintf(what, sizeof(what), "create with CPU %u (nr_cpu_ids)", beyond);
		expect_err(fd, VMSCHED_IOC_POOL_CREATE, &pc, EINVAL, what);
	}
	pool_cpus_set(&pc, "far", "");
	pc.cpus[VMSCHED_CPU_WORDS - 1] = 1ull << 63;
	expect_err(fd, VMSCHED_IOC_POOL_CREATE, &pc, EINVAL, "create with CPU 8191");
	pool_cpus_set(&pc, "other", "0");
	pc.flags = 1;
	expect_err(fd, VMSCHED_IOC_POOL_CREATE, &pc, EINVAL, "create with flags 1");
	pc.flags = 0;
	pc.reserved = 1;
	expect_err(fd, VMSCHED_IOC_POOL_CREATE, &pc, EINVAL, "create with reserved 1");
	pool_cpus_set(&pc, "other", "0");
	expect_err(fd, CMD_WITH_SIZE(VMSCHED_IOC_POOL_CREATE, VMSCHED_POOL_CPUS_SIZE_VER0 - 8),
		   &pc, EINVAL, "create below the VER0 size");
	memset(big, 0, sizeof(big));
	memcpy(big, &pc, sizeof(pc));
	big[sizeof(big) - 1] = 1;
	expect_err(fd, CMD_WITH_SIZE(VMSCHED_IOC_POOL_CREATE, sizeof(big)), big, E2BIG,
		   "create with a non-zero unknown tail");
	expect_err(fd, VMSCHED_IOC_POOL_CREATE, (void *)8, EFAULT, "create from an unmapped address");
	ktap_case_done("pool_create_errors");
}

/* CPU 1 offline, lat destroyed: an offline CPU is refused, so is only CPU 0 */
static void test_create_offline(int fd)
{
	static struct vmsched_pool_cpus pc;
	int ret;

	ret = cpu_set_online(1, 0);
	CHECK(ret == 0, "offline CPU 1: %s", strerror(-ret));
	if (ret) {
		ktap_case_done("pool_create_offline_cpu");
		return;
	}
	pool_cpus_set(&pc, "off", "1");
	expect_err(fd, VMSCHED_IOC_POOL_CREATE, &pc, EINVAL, "create of offline CPU 1");
	/* the default pool would keep CPU 1 only, which is offline */
	pool_cpus_set(&pc, "zero", "0");
	expect_err(fd, VMSCHED_IOC_POOL_CREATE, &pc, EBUSY,
		   "create of CPU 0 with CPU 1 offline (default keeps no online CPU)");
	ret = cpu_set_online(1, 1);
	CHECK(ret == 0, "online CPU 1: %s", strerror(-ret));
	ktap_case_done("pool_create_offline_cpu");
}

/* lat of CPU 1 exists */
static void test_ref_errors(int fd)
{
	static const unsigned long cmds[] = { VMSCHED_IOC_POOL_DESTROY,
					      VMSCHED_IOC_POOL_DEACTIVATE };
	static const char *const names[] = { "destroy", "deactivate" };
	struct vmsched_pool_ref r;
	char big[sizeof(r) + 16], what[96];
	int i;

	for (i = 0; i < 2; i++) {
		memset(&r, 0, sizeof(r));
		strcpy(r.name, "nosuch");
		snprintf(what, sizeof(what), "%s nosuch", names[i]);
		expect_err(fd, cmds[i], &r, ENOENT, what);
		/* deactivate '' is the default pool's: not an error */
		if (cmds[i] == VMSCHED_IOC_POOL_DESTROY) {
			strcpy(r.name, "");
			expect_err(fd, cmds[i], &r, EINVAL, "destroy ''");
		}
		strcpy(r.name, "Lat");
		snprintf(what, sizeof(what), "%s Lat (not a pool name)", names[i]);
		expect_err(fd, cmds[i], &r, EINVAL, what);
		memset(r.name, 'l', sizeof(r.name));
		snprintf(what, sizeof(what), "%s with a name without NUL", names[i]);
		expect_err(fd, cmds[i], &r, EINVAL, what);
		strcpy(r.name, "lat");
		r.flags = 1;
		snprintf(what, sizeof(what), "%s lat with flags 1", names[i]);
		expect_err(fd, cmds[i], &r, EINVAL, what);
		r.flags = 0;
		r.reserved = 1;
		snprintf(what, sizeof(what), "%s lat with reserved 1", names[i]);
		expect_err(fd, cmds[i], &r, EINVAL, what);
		r.reserved = 0;
		snprintf(what, sizeof(what), "%s lat below the VER0 size", names[i]);
		expect_err(fd, CMD_WITH_SIZE(cmds[i], VMSCHED_POOL_REF_SIZE_VER0 - 4), &r, EINVAL,
			   what);
		memset(big, 0, sizeof(big));
		memcpy(big, &r, sizeof(r));
		big[sizeof(big) - 1] = 1;
		snprintf(what, sizeof(what), "%s lat with a non-zero unknown tail", names[i]);
		expect_err(fd, CMD_WITH_SIZE(cmds[i], sizeof(big)), big, E2BIG, what);
	}
	memset(&r, 0, sizeof(r));
	strcpy(r.name, VMSCHED_POOL_DEFAULT);
	expect_err(fd, VMSCHED_IOC_POOL_DESTROY, &r, EINVAL, "destroy default");
	ktap_case_done("pool_destroy_deactivate_errors");
}

/*
 * Call @cmd with @arg whose pool name field is @field, naming no pool
 * (ENOENT), a bad name and a name without NUL (EINVAL); @field is "" after
 */
static void bad_pool_names(int fd, unsigned long cmd, void *arg, char *field, const char *call)
{
	char what[96];

	strcpy(field, "nosuch");
	snprintf(what, sizeof(what), "%s in pool nosuch", call);
	expect_err(fd, cmd, arg, ENOENT, what);
	strcpy(field, "Lat");
	snprintf(what, sizeof(what), "%s in pool 'Lat'", call);
	expect_err(fd, cmd, arg, EINVAL, what);
	memset(field, 'l', VMSCHED_NAME_MAX);
	snprintf(what, sizeof(what), "%s in a pool named without NUL", call);
	expect_err(fd, cmd, arg, EINVAL, what);
	memset(field, 0, VMSCHED_NAME_MAX);
}

/* lat of CPU 1 exists, the VM is in the default pool */
static void test_move_errors(int fd)
{
	struct vmsched_pool_move m = { .pid = vm_pid };
	char big[sizeof(m) + 16];
	cpu_set_t all, zero;
	int ret;

	bad_pool_names(fd, VMSCHED_IOC_POOL_MOVE, &m, m.pool, "move the VM");
	strcpy(m.pool, "lat");
	m.pid = getpid();
	expect_err(fd, VMSCHED_IOC_POOL_MOVE, &m, ESRCH, "move of the test (no VM)");
	m.pid = 0;
	expect_err(fd, VMSCHED_IOC_POOL_MOVE, &m, ESRCH, "move of pid 0");
	m.pid = -1;
	expect_err(fd, VMSCHED_IOC_POOL_MOVE, &m, ESRCH, "move of pid -1");
	m.pid = 0x3ffffff0;
	expect_err(fd, VMSCHED_IOC_POOL_MOVE, &m, ESRCH, "move of a pid no process has");
	m.pid = vm_pid;
	m.flags = 1;
	expect_err(fd, VMSCHED_IOC_POOL_MOVE, &m, EINVAL, "move with flags 1");
	m.flags = 0;
	expect_err(fd, CMD_WITH_SIZE(VMSCHED_IOC_POOL_MOVE, VMSCHED_POOL_MOVE_SIZE_VER0 - 4), &m,
		   EINVAL, "move below the VER0 size");
	memset(big, 0, sizeof(big));
	memcpy(big, &m, sizeof(m));
	big[sizeof(big) - 1] = 1;
	expect_err(fd, CMD_WITH_SIZE(VMSCHED_IOC_POOL_MOVE, sizeof(big)), big, E2BIG,
		   "move with a non-zero unknown tail");

	/*
	 * A thread that may run on CPU 0 only cannot go to lat (CPU 1). It is
	 * pinned before lat exists: while lat exists the core itself narrows
	 * the default pool's threads to CPU 0, and an admin's pin to the same
	 * CPU cannot be told from it.
	 */
	ret = pool_destroy(fd, "lat");
	CHECK(ret == 0, "destroy lat to pin the VM first: %s", strerror(-ret));
	CPU_ZERO(&zero);
	CPU_SET(0, &zero);
	ret = sched_getaffinity(vm_tid, sizeof(all), &all);
	CHECK(ret == 0, "affinity of thread %d: %s", vm_tid, strerror(errno));
	ret = sched_setaffinity(vm_tid, sizeof(zero), &zero);
	CHECK(ret == 0, "pin thread %d to CPU 0: %s", vm_tid, strerror(errno));
	ret = pool_create(fd, "lat", "1");
	CHECK(ret == 0, "create lat again: %s", strerror(-ret));
	if (!ret) {
		expect_err(fd, VMSCHED_IOC_POOL_MOVE, &m, EINVAL,
			   "move of a VM pinned to CPU 0 to lat (CPU 1)");
		ret = sched_setaffinity(vm_tid, sizeof(all), &all);
		CHECK(ret == 0, "unpin thread %d: %s", vm_tid, strerror(errno));
	}
	ktap_case_done("pool_move_errors");
}

/* lat of CPU 1 exists without a policy, the VM is in the default pool under fair */
static void test_pool_names_elsewhere(int fd)
{
	struct vmsched_kv kv = { .key = "weight", .value = 512 };
	struct vmsched_activate a = { .name = "rr" };
	struct vmsched_params p = { .scope = VMSCHED_SCOPE_GLOBAL,
				    .nr_params = 1, .params = (unsigned long)&kv,
				    .kv_size = sizeof(kv) };
	struct vmsched_vm_stats vs;
	struct vmsched_stats s = { .vms = { .buf = (unsigned long)&vs, .count = 1,
					    .entry_size = sizeof(vs) } };
	unsigned long long w = 0;
	int ret;

	bad_pool_names(fd, VMSCHED_IOC_ACTIVATE, &a, a.pool, "activate rr");
	strcpy(kv.key, "slice");
	kv.value = 20000000;
	bad_pool_names(fd, VMSCHED_IOC_SET_PARAMS, &p, p.pool, "set slice");
	bad_pool_names(fd, VMSCHED_IOC_GET_PARAMS, &p, p.pool, "get global params");
	strcpy(p.pool, "lat");
	expect_err(fd, VMSCHED_IOC_SET_PARAMS, &p, ENODEV, "set slice in lat (no policy there)");
	p.scope = VMSCHED_SCOPE_VM;
	p.pid = vm_pid;
	strcpy(kv.key, "weight");
	kv.value = 512;
	p.nr_params = 1;
	bad_pool_names(fd, VMSCHED_IOC_SET_PARAMS, &p, p.pool, "set the VM's weight");
	strcpy(p.pool, "lat");
	expect_err(fd, VMSCHED_IOC_SET_PARAMS, &p, ESRCH, "set the VM's params through lat");
	p.nr_params = 1;
	expect_err(fd, VMSCHED_IOC_GET_PARAMS, &p, ESRCH, "get the VM's params through lat");
	/* through its own pool, by name, they answer */
	strcpy(p.pool, VMSCHED_POOL_DEFAULT);
	p.nr_params = 1;
	kv.value = 0;
	ret = vms_ioctl(fd, VMSCHED_IOC_GET_PARAMS, &p);
	w = kv.value;
	ktap_info("the VM's %s through pool default: %llu (%s)", kv.key, w, strerror(-ret));
	CHECK(ret == 0 && !strcmp(kv.key, "weight") && w > 0,
	      "get the VM's params through default: %s, %s=%llu", strerror(-ret), kv.key, w);
	bad_pool_names(fd, VMSCHED_IOC_STATS, &s, s.pool, "stats");
	ktap_case_done("pool_names_in_activate_params_stats");
}

/* a 2.0 caller's activate (56 bytes) means the default pool; lat has none */
static void test_old_activate(int fd)
{
	struct vmsched_activate a = { .name = "rr", .pool = "lat" };
	int ret;

	/* the kernel must not read .pool: a VER0 call cannot name lat */
	ret = vms_ioctl(fd, CMD_WITH_SIZE(VMSCHED_IOC_ACTIVATE, VMSCHED_ACTIVATE_SIZE_VER0), &a);
	ktap_info("ACTIVATE rr with the %d-byte 2.0 struct: %d (%s)", VMSCHED_ACTIVATE_SIZE_VER0,
		  ret, strerror(-ret));
	CHECK(ret == 0, "ACTIVATE rr with the 2.0 size: %s", strerror(-ret));
	check_pool(fd, VMSCHED_POOL_DEFAULT, rest, "rr");
	check_pool(fd, "lat", "1", "");
	check_active(fd, "rr", "STATUS after the 2.0-size activate");
	ret = vms_activate(fd, "fair", NULL, 0);
	CHECK(ret == 0, "activate fair back: %s", strerror(-ret));
	ktap_case_done("old_size_activate_means_default_pool");
}

/* in a child that dropped to uid 65534 (no capabilities), the open descriptor kept */
static void test_unprivileged(int fd)
{
	char before[STATE_LEN], after[STATE_LEN];
	struct vmsched_pool_info pi[POOL_LIST_MAX];
	int st, bad = 0;
	pid_t pid;

	state(fd, before, sizeof(before));
	pid = fork();
	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(100);
		if (pool_create(fd, "other", "0") != -EPERM)
			bad |= 1;
		if (pool_destroy(fd, "lat") != -EPERM)
			bad |= 2;
		if (pool_deactivate(fd, VMSCHED_POOL_DEFAULT) != -EPERM)
			bad |= 4;
		if (pool_move(fd, vm_pid, "lat") != -EPERM)
			bad |= 8;
		if (pool_list(fd, pi, POOL_LIST_MAX) != 2)
			bad |= 16;
		_exit(bad);
	}
	waitpid(pid, &st, 0);
	ktap_info("unprivileged child: exit status %d (0: EPERM for each, POOL_LIST answers)",
		  WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "unprivileged: status %d (1 create, 2 destroy, 4 deactivate, 8 move not EPERM; 16 list failed; 100 setuid)",
	      WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	state(fd, after, sizeof(after));
	CHECK(!strcmp(before, after), "unprivileged calls changed the state:\n#  before:%s\n#  after: %s",
	      before, after);
	ktap_case_done("unprivileged_pool_calls_eperm");
}

static void cpu1_back(void)
{
	cpu_set_online(1, 1);
}

int main(void)
{
	static const struct wl_spec spec = { "pool-err", 1, "spin", NULL, 120, 0 };
	struct workload w = { 0 };
	pid_t tids[VM_MAX_VCPU_THREADS];
	__u64 cpus[VMSCHED_CPU_WORDS];
	unsigned int i;
	int fd, ret;

	fd = policy_test_setup(0, NULL);
	atexit(cpu1_back);
	ktap_plan(8);
	cpulist_read(POSSIBLE, possible, sizeof(possible));
	cpulist_parse(possible, cpus, VMSCHED_CPU_WORDS);
	for (i = 0; i < VMSCHED_CPU_WORDS * 64; i++)
		if (cpus[i / 64] >> (i % 64) & 1)
			nr_cpu_ids = i + 1;
	cpus[0] &= ~2ull;
	cpulist_format(cpus, VMSCHED_CPU_WORDS, rest, sizeof(rest));
	ktap_info("possible CPUs: %s (nr_cpu_ids %u); without CPU 1: %s", possible, nr_cpu_ids,
		  rest);
	ret = vms_activate(fd, "fair", NULL, 0);
	CHECK(ret == 0, "activate fair: %s", strerror(-ret));
	ret = workload_spawn(&w, &spec);
	CHECK(ret == 0, "start the VM: %s", strerror(-ret));
	vm_pid = w.pid;
	ret = ret ? ret : vms_wait_vm(fd, vm_pid, 1, 10000);
	CHECK(ret == 0, "the core does not know the VM: %s", strerror(-ret));
	CHECK(vm_vcpu_tids(vm_pid, tids, 1) == 1, "no vCPU thread of VM %d", vm_pid);
	vm_tid = tids[0];

	test_create_destroy(fd);
	ret = pool_create(fd, "lat", "1");
	CHECK(ret == 0, "create lat of CPU 1: %s", strerror(-ret));
	test_create_errors(fd);
	test_ref_errors(fd);
	test_move_errors(fd);
	test_pool_names_elsewhere(fd);
	test_old_activate(fd);
	test_unprivileged(fd);
	ret = pool_destroy(fd, "lat");
	CHECK(ret == 0, "destroy lat: %s", strerror(-ret));
	test_create_offline(fd);

	workload_kill(&w);
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
