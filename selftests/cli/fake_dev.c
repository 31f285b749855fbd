// SPDX-License-Identifier: GPL-2.0
/*
 * A /dev/vmsched of its own for host tests of the CLI (LD_PRELOAD): open()
 * of the device gives a descriptor whose ioctl()s are answered from a state
 * file, so several vmsched runs see one host. It follows the uapi's rules
 * that the CLI depends on: SET is all or nothing; ACTIVATE of the active
 * policy changes only the values it names; a VM keeps its values while the
 * policy stays active; GET returns every parameter of a scope.
 *
 * VMSCHED_FAKE_STATE=FILE, lines of:
 *   active NAME            the active policy (none: no line)
 *   g KEY VALUE            a global value of the active policy
 *   v PID KEY VALUE        a per-VM value of the active policy
 *   pid PID [TID...]      a VM the core knows: one vCPU per TID (vCPU 0, 1, ...
 *                          with that thread id), or one vCPU of unknown thread
 *   fail OP WHO ERRNO      OP fails with ERRNO: set/get (WHO: a pid, 0 for
 *                          global), activate/params (WHO: a policy name)
 *   failnth OP N ERRNO     the Nth call of OP from now fails once
 *   abi MINOR              the uapi minor version it speaks (default: the
 *                          header's); 0 writes only the 2.0 part of each
 *                          statistics entry and zeroes the rest, as a 2.0
 *                          module does
 *   hist PID BUCKET N      VM PID's (and its first vCPU's) latency bucket holds N
 *   latsum PID NS          VM PID's (and its first vCPU's) latency sum
 *   log OP ...             appended by each changing call (set, activate,
 *                          deactivate, the pool calls) and by stats (the
 *                          element sizes passed), for tests to read
 *   trace                  also log "ioc NR SIZE" for each call: the struct
 *                          size (_IOC_SIZE) vmsched passed
 *   ncpus N                the host's CPUs (default 4), CPUs 0 to N-1; the
 *                          online ones are /sys/devices/system/cpu/online
 *   offline CPU            CPU is offline (pool creation refuses it)
 *   pool NAME MASK         a pool (2.2) of the CPUs of hex MASK (CPUs < 64)
 *   pactive POOL NAME      the active policy of a pool other than default
 *   pg POOL KEY VALUE      a global value of that pool's policy
 *   in PID POOL            VM PID is in POOL (none: in the default pool)
 *
 * Structs are checked as the module checks them: a size below VER0 is
 * EINVAL, bytes past the size the speaking ABI knows must be zero (E2BIG);
 * a 2.0 or 2.1 module (abi 0, abi 1) knows no pools (ENOTTY) and no pool
 * fields. Moving a VM checks its vCPU threads' real affinity (the TIDs of
 * its pid line) against the pool's CPUs.
 *
 * VMSCHED_FAKE_DEV=PATH: the device node is the file PATH: opening the
 * device opens it (ENOENT while it does not exist, as without the module),
 * so that a test can remove and create it as rmmod and modprobe do, and see
 * in /proc/PID/fd who holds it; inotify_add_watch() of the device's
 * directory watches PATH's. VMSCHED_FAKE_NO_LIBVIRT=1: dlopen() of
 * libvirt.so.0 fails, as on a host without libvirt.
 * Policies: "alpha" (global slice, per-VM weight and cap, per-vCPU boost)
 * and "beta" (global quantum, per-VM prio).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgen.h>
#include <sys/inotify.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vmsched.h>

#include "fake_dev.h"

#pragma GCC visibility push(hidden)

#define MS	1000000ULL

static const struct fpol pols[] = {
	{ "alpha", "test policy with weights", {
		{ "slice", "time slice", VMSCHED_SCOPE_GLOBAL, VMSCHED_UNIT_NS, MS, 1000 * MS, 10 * MS },
		{ "weight", "share", VMSCHED_SCOPE_VM, VMSCHED_UNIT_NONE, 1, 10000, 256 },
		{ "cap", "limit", VMSCHED_SCOPE_VM, VMSCHED_UNIT_PERCENT, 0, 1000, 0 },
		{ "boost", "wake-up boost", VMSCHED_SCOPE_VCPU, VMSCHED_UNIT_NONE, 0, 1, 0 },
	  }, 4 },
	{ "beta", "test policy with priorities", {
		{ "quantum", "time quantum", VMSCHED_SCOPE_GLOBAL, VMSCHED_UNIT_NS, MS, 100 * MS, 5 * MS },
		{ "prio", "priority", VMSCHED_SCOPE_VM, VMSCHED_UNIT_NONE, 0, 7, 4 },
	  }, 2 },
};
#define NR_POLS	(sizeof(pols) / sizeof(pols[0]))

char lines[MAX_LINES][128];
unsigned int nr_lines;
static int fake_fd[64], nr_fds;

static const char *state_path(void)
{
	const char *p = getenv("VMSCHED_FAKE_STATE");

	return p && *p ? p : "/tmp/vmsched-fake-state";
}

static void load(void)
{
	FILE *f = fopen(state_path(), "r");

	nr_lines = 0;
	if (!f)
		return;
	while (nr_lines < MAX_LINES && fgets(lines[nr_lines], sizeof(lines[0]), f)) {
		lines[nr_lines][strcspn(lines[nr_lines], "\n")] = '\0';
		if (lines[nr_lines][0])
			nr_lines++;
	}
	fclose(f);
}

static void save(void)
{
	FILE *f = fopen(state_path(), "w");
	unsigned int i;

	if (!f)
		return;
	for (i = 0; i < nr_lines; i++)
		fprintf(f, "%s\n", lines[i]);
	fclose(f);
}

void add(const char *fmt, ...)
{
	va_list ap;

	if (nr_lines == MAX_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(lines[nr_lines++], sizeof(lines[0]), fmt, ap);
	va_end(ap);
}

void drop(unsigned int i)
{
	memmove(lines[i], lines[i + 1], (nr_lines - i - 1) * sizeof(lines[0]));
	nr_lines--;
}

/* drop the lines that start with @prefix */
void drop_all(const char *prefix)
{
	unsigned int i;

	for (i = nr_lines; i-- > 0;)
		if (!strncmp(lines[i], prefix, strlen(prefix)))
			drop(i);
}

/* the line that starts with @prefix, or NULL */
const char *find(const char *prefix)
{
	unsigned int i;

	for (i = 0; i < nr_lines; i++)
		if (!strncmp(lines[i], prefix, strlen(prefix)))
			return lines[i];
	return NULL;
}

const struct fpol *policy(const char *name)
{
	unsigned int i;

	for (i = 0; i < NR_POLS; i++)
		if (!strcmp(pols[i].name, name))
			return &pols[i];
	return NULL;
}

static const struct fpol *active(void)
{
	return fp_active("");
}

/* an injected failure of @op for @who, or 0 */
int injected(const char *op, const char *who)
{
	char pfx[96];
	const char *l;
	unsigned int i, n;
	int err;

	snprintf(pfx, sizeof(pfx), "fail %s %s ", op, who);
	l = find(pfx);
	if (l)
		return atoi(l + strlen(pfx));
	snprintf(pfx, sizeof(pfx), "failnth %s ", op);
	for (i = 0; i < nr_lines; i++) {
		if (strncmp(lines[i], pfx, strlen(pfx)) ||
		    sscanf(lines[i] + strlen(pfx), "%u %d", &n, &err) != 2)
			continue;
		drop(i);
		if (n <= 1)
			return err;
		add("%s%u %d", pfx, n - 1, err);
		return 0;
	}
	return 0;
}

static const struct vmsched_param_info *param(const struct fpol *p, const char *key)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (!strcmp(p->p[i].name, key))
			return &p->p[i];
	return NULL;
}

static unsigned long long value(const char *pool, const struct vmsched_param_info *pi, int pid)
{
	char pfx[96], g[48];
	const char *l;

	if (pid)
		snprintf(pfx, sizeof(pfx), "v %d %s ", pid, pi->name);
	else
		snprintf(pfx, sizeof(pfx), "%s%s ", fp_global_prefix(pool, g, sizeof(g)), pi->name);
	l = find(pfx);
	return l ? strtoull(l + strlen(pfx), NULL, 10) : pi->def;
}

static void set_value(const char *pool, const char *key, int pid, unsigned long long v)
{
	char pfx[96], g[48];

	if (pid)
		snprintf(pfx, sizeof(pfx), "v %d %s ", pid, key);
	else
		snprintf(pfx, sizeof(pfx), "%s%s ", fp_global_prefix(pool, g, sizeof(g)), key);
	drop_all(pfx);
	add("%s%llu", pfx, v);
}

bool known_vm(int pid)
{
	char pfx[32];
	unsigned int i;

	snprintf(pfx, sizeof(pfx), "pid %d", pid);
	for (i = 0; i < nr_lines; i++)
		if (!strncmp(lines[i], pfx, strlen(pfx)) &&
		    (!lines[i][strlen(pfx)] || lines[i][strlen(pfx)] == ' '))
			return true;
	return false;
}

/* check @n pairs of @kv for @scope; 0 or -errno */
static int check_kv(const struct fpol *p, unsigned int scope, const struct vmsched_kv *kv,
		    unsigned int n)
{
	const struct vmsched_param_info *pi;
	unsigned int i;

	if (n > VMSCHED_MAX_KV)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		pi = param(p, kv[i].key);
		if (!pi || pi->scope != scope)
			return -ENOENT;
		if (kv[i].value < pi->min || kv[i].value > pi->max)
			return -ERANGE;
	}
	return 0;
}

static void log_kv(const char *what, const struct vmsched_kv *kv, unsigned int n)
{
	char buf[128];
	size_t len;
	unsigned int i;

	len = snprintf(buf, sizeof(buf), "log %s", what);
	for (i = 0; i < n && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, " %s=%llu", kv[i].key,
				(unsigned long long)kv[i].value);
	add("%s", buf);
}

int copy_list(struct vmsched_list *l, const void *src, unsigned int n, size_t esz)
{
	unsigned int i, cap = l->count;
	size_t sz = l->entry_size < esz ? l->entry_size : esz;

	for (i = 0; i < n && i < cap; i++)
		memcpy((char *)(uintptr_t)l->buf + i * l->entry_size, (const char *)src + i * esz, sz);
	l->count = n;
	return 0;
}

static int do_list(struct vmsched_list *l)
{
	struct vmsched_policy_info info[NR_POLS];
	const struct fpol *a = active();
	unsigned int i;

	memset(info, 0, sizeof(info));
	for (i = 0; i < NR_POLS; i++) {
		snprintf(info[i].name, sizeof(info[i].name), "%s", pols[i].name);
		snprintf(info[i].description, sizeof(info[i].description), "%s", pols[i].desc);
		info[i].flags = a == &pols[i] ? VMSCHED_POLICY_ACTIVE : 0;
		info[i].nr_params = pols[i].n;
	}
	return copy_list(l, info, NR_POLS, sizeof(info[0]));
}

static int do_params(struct vmsched_policy_params *pp)
{
	const struct fpol *p = policy(pp->name);
	int err = injected("params", pp->name);

	if (err)
		return -err;
	if (!p)
		return -ENOENT;
	return copy_list(&pp->list, p->p, p->n, sizeof(p->p[0]));
}

static int do_activate(const struct vmsched_activate *a)
{
	const struct vmsched_kv *kv = (const void *)(uintptr_t)a->params;
	const struct fpol *p = policy(a->name), *old;
	char what[96];
	unsigned int i;
	int err;

	if (a->flags)
		return -EINVAL;
	if (!fp_exists(a->pool))
		return -ENOENT;
	old = fp_active(a->pool);
	if (!p)
		return -ENOENT;
	err = check_kv(p, VMSCHED_SCOPE_GLOBAL, kv, a->nr_params);
	if (err)
		return err;
	err = injected("activate", a->name);
	if (err)
		return -err;
	if (old != p) {		/* a swap: values start from the defaults */
		fp_reset(a->pool);
		if (fp_is_default(a->pool))
			add("active %s", p->name);
		else
			add("pactive %s %s", a->pool, p->name);
	}
	for (i = 0; i < a->nr_params; i++)
		set_value(a->pool, kv[i].key, 0, kv[i].value);
	if (fp_is_default(a->pool))
		snprintf(what, sizeof(what), "%s", a->name);
	else
		snprintf(what, sizeof(what), "%s in %s", a->name, a->pool);
	log_kv(what, kv, a->nr_params);
	return 0;
}

/*
 * the pool whose policy parameters of @scope for @pid in @pool (as passed)
 * are: @pool's for global ones, else the VM's own, which @pool must be
 */
static int params_pool(const char *pool, unsigned int scope, int pid, const char **out)
{
	if (scope == VMSCHED_SCOPE_GLOBAL) {
		*out = pool;
		return fp_exists(pool) ? 0 : -ENOENT;
	}
	if (!known_vm(pid))
		return -ESRCH;
	*out = fp_vm_pool(pid);
	if (*pool && strcmp(pool, *out))
		return -ESRCH;
	return 0;
}

/* the pool and active policy that SET or GET @pp acts on; 0 or -errno */
static int params_policy(const struct vmsched_params *pp, const char **pool,
			 const struct fpol **p)
{
	int err;

	if (pp->flags)
		return -EINVAL;
	err = params_pool(pp->pool, pp->scope, pp->pid, pool);
	if (err)
		return err;
	*p = fp_active(*pool);
	return *p ? 0 : -ENODEV;
}

static int do_set(const struct vmsched_params *sp)
{
	const struct vmsched_kv *kv = (const void *)(uintptr_t)sp->params;
	const struct fpol *p;
	const char *pool;
	char who[16], what[80];
	unsigned int i;
	int err;

	err = params_policy(sp, &pool, &p);
	if (err)
		return err;
	err = check_kv(p, sp->scope, kv, sp->nr_params);
	if (err)
		return err;
	snprintf(who, sizeof(who), "%d", sp->scope == VMSCHED_SCOPE_GLOBAL ? 0 : sp->pid);
	err = injected("set", who);
	if (err)
		return -err;
	if (sp->scope == VMSCHED_SCOPE_VCPU)
		return 0;	/* not kept: no test reads vCPU values back */
	for (i = 0; i < sp->nr_params; i++)
		set_value(pool, kv[i].key, sp->scope == VMSCHED_SCOPE_GLOBAL ? 0 : sp->pid,
			  kv[i].value);
	if (sp->pool[0])
		snprintf(what, sizeof(what), "set %s in %s", who, sp->pool);
	else
		snprintf(what, sizeof(what), "set %s", who);
	log_kv(what, kv, sp->nr_params);
	return 0;
}

static int do_get(struct vmsched_params *gp)
{
	struct vmsched_kv kv[VMSCHED_MAX_KV];
	const struct fpol *p;
	const char *pool;
	unsigned int i, n = 0;
	char who[16];
	int pid = gp->scope == VMSCHED_SCOPE_GLOBAL ? 0 : gp->pid;
	int err;

	err = params_policy(gp, &pool, &p);
	if (err)
		return err;
	snprintf(who, sizeof(who), "%d", pid);
	err = injected("get", who);
	if (err)
		return -err;
	memset(kv, 0, sizeof(kv));
	for (i = 0; i < p->n; i++) {
		if (p->p[i].scope != gp->scope)
			continue;
		snprintf(kv[n].key, sizeof(kv[n].key), "%s", p->p[i].name);
		kv[n++].value = value(pool, &p->p[i], gp->scope == VMSCHED_SCOPE_VCPU ? -1 : pid);
	}
	for (i = 0; i < n && i < gp->nr_params; i++)
		memcpy((char *)(uintptr_t)gp->params + i * gp->kv_size, &kv[i],
		       gp->kv_size < sizeof(kv[i]) ? gp->kv_size : sizeof(kv[i]));
	gp->nr_params = n;
	return 0;
}

static int do_status(struct vmsched_status *st)
{
	const struct fpol *a = active();
	unsigned int i;

	memset(st, 0, sizeof(*st));
	if (a)
		snprintf(st->active, sizeof(st->active), "%s", a->name);
	st->nr_policies = NR_POLS;
	for (i = 0; i < nr_lines; i++)
		st->nr_vms += !strncmp(lines[i], "pid ", 4);
	st->nr_vcpus = st->nr_vms;
	st->nr_slots = 2;
	return 0;
}

unsigned int abi_minor(void)
{
	unsigned int i, m;

	for (i = 0; i < nr_lines; i++)
		if (sscanf(lines[i], "abi %u", &m) == 1)
			return m;
	return VMSCHED_ABI_MINOR;
}

/* the hist and latsum lines of VM @pid into its entry and its vCPU's */
static void lat_lines(int pid, struct vmsched_vm_stats *vm, struct vmsched_vcpu_stats *vc)
{
	unsigned long long v;
	unsigned int i, b;
	int p;

	for (i = 0; i < nr_lines; i++) {
		if (sscanf(lines[i], "hist %d %u %llu", &p, &b, &v) == 3 && p == pid &&
		    b < VMSCHED_LAT_BUCKETS) {
			vm->lat_hist[b] = vc->lat_hist[b] = v;
			vc->lat_count += v;
		} else if (sscanf(lines[i], "latsum %d %llu", &p, &v) == 2 && p == pid) {
			vm->lat_sum_ns = vc->lat_sum_ns = v;
		}
	}
}

/* a 2.0 module: the 2.0 part of each element of @esz bytes, the rest zeroed */
static void copy_list_ver0(struct vmsched_list *l, const void *src, unsigned int n,
			   size_t esz, size_t ver0)
{
	char *dst = (char *)(uintptr_t)l->buf;
	unsigned int i;

	for (i = 0; i < n && i < l->count; i++) {
		memset(dst + i * l->entry_size, 0, l->entry_size);
		memcpy(dst + i * l->entry_size, (const char *)src + i * esz,
		       l->entry_size < ver0 ? l->entry_size : ver0);
	}
	l->count = n;
}

static int do_stats(struct vmsched_stats *s)
{
	struct vmsched_vm_stats vms[64];
	struct vmsched_vcpu_stats vcpus[64];
	unsigned int i, n = 0, nv = 0, first;

	memset(vms, 0, sizeof(vms));
	memset(vcpus, 0, sizeof(vcpus));
	if (!fp_exists(s->pool))
		return -ENOENT;
	for (i = 0; i < nr_lines && n < 64; i++) {
		char *p, *end;
		long tid;

		if (strncmp(lines[i], "pid ", 4))
			continue;
		vms[n].pid = strtol(lines[i] + 4, &end, 10);
		if ((s->pool[0] && strcmp(s->pool, fp_vm_pool(vms[n].pid))) ||
		    (s->pid && s->pid != vms[n].pid))
			continue;
		snprintf(vms[n].pool, sizeof(vms[n].pool), "%s", fp_vm_pool(vms[n].pid));
		first = nv;
		do {
			p = end;
			tid = strtol(p, &end, 10);
			if (nv == 64 || (end == p && vms[n].nr_vcpus))
				break;
			vcpus[nv].pid = vms[n].pid;
			vcpus[nv].vcpu_id = vms[n].nr_vcpus++;
			vcpus[nv].tid = tid;
			vcpus[nv].state = VMSCHED_VCPU_BLOCKED;
			nv++;
		} while (*end);
		lat_lines(vms[n].pid, &vms[n], &vcpus[first]);
		n++;
	}
	if (s->pid && !n)
		return -ESRCH;
	add("log stats %u %u", s->vms.entry_size, s->vcpus.entry_size);
	if (abi_minor() < 1) {
		copy_list_ver0(&s->vms, vms, n, sizeof(vms[0]), VMSCHED_VM_STATS_SIZE_VER0);
		copy_list_ver0(&s->vcpus, vcpus, nv, sizeof(vcpus[0]),
			       VMSCHED_VCPU_STATS_SIZE_VER0);
	} else if (abi_minor() < 2) {
		copy_list_ver0(&s->vms, vms, n, sizeof(vms[0]), VMSCHED_VM_STATS_SIZE_VER1);
		copy_list(&s->vcpus, vcpus, nv, sizeof(vcpus[0]));
	} else {
		copy_list(&s->vms, vms, n, sizeof(vms[0]));
		copy_list(&s->vcpus, vcpus, nv, sizeof(vcpus[0]));
	}
	s->now_ns = 1000 * MS;
	return 0;
}

static int real_open(const char *path, int flags, mode_t mode);

/*
 * the state file, for one call of one process at a time: FILE.lock is
 * locked (flock) from reading it to writing it back; a test that changes
 * the file while vmsched runs takes that lock too (flock(1))
 */
static int lock_state(void)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s.lock", state_path());
	fd = real_open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		flock(fd, LOCK_EX);
	return fd;
}

/* the struct sizes of each call: VER0, and what each ABI minor knows */
static const struct {
	unsigned int nr;
	size_t ver0, v21, v22;	/* 2.0 and 2.1 alike but for stats elements */
	bool out;		/* written back */
} calls[] = {
	{ 0x00, VMSCHED_VERSION_SIZE_VER0, 40, 40, true },
	{ 0x01, VMSCHED_LIST_SIZE_VER0, 16, 16, true },
	{ 0x02, VMSCHED_POLICY_PARAMS_SIZE_VER0, 48, 48, true },
	{ 0x03, VMSCHED_ACTIVATE_SIZE_VER0, 56, VMSCHED_ACTIVATE_SIZE_VER1, false },
	{ 0x04, 0, 0, 0, false },	/* deactivate: no argument */
	{ 0x05, 0, 0, 0, true },	/* status: the size vmsched passes */
	{ 0x06, VMSCHED_PARAMS_SIZE_VER0, 32, VMSCHED_PARAMS_SIZE_VER1, false },
	{ 0x07, VMSCHED_PARAMS_SIZE_VER0, 32, VMSCHED_PARAMS_SIZE_VER1, true },
	{ 0x08, VMSCHED_STATS_SIZE_VER0, 48, VMSCHED_STATS_SIZE_VER1, true },
	{ 0x09, VMSCHED_POOL_CPUS_SIZE_VER0, 0, VMSCHED_POOL_CPUS_SIZE_VER0, false },
	{ 0x0a, VMSCHED_POOL_REF_SIZE_VER0, 0, VMSCHED_POOL_REF_SIZE_VER0, false },
	{ 0x0b, VMSCHED_POOL_REF_SIZE_VER0, 0, VMSCHED_POOL_REF_SIZE_VER0, false },
	{ 0x0c, VMSCHED_LIST_SIZE_VER0, 0, VMSCHED_LIST_SIZE_VER0, true },
	{ 0x0d, VMSCHED_POOL_MOVE_SIZE_VER0, 0, VMSCHED_POOL_MOVE_SIZE_VER0, false },
};
#define NR_CALLS	(sizeof(calls) / sizeof(calls[0]))

static int dispatch(unsigned int nr, void *arg)
{
	switch (nr) {
	case 0x01: return do_list(arg);
	case 0x02: return do_params(arg);
	case 0x03: return do_activate(arg);
	case 0x04:
		fp_reset("");
		add("log deactivate");
		return 0;
	case 0x05: return do_status(arg);
	case 0x06: return do_set(arg);
	case 0x07: return do_get(arg);
	case 0x08: return do_stats(arg);
	default: return fp_ioctl(nr, arg);
	}
}

/*
 * the module's checks of a struct of @size at @user: then the call on a
 * copy of the size this fake knows, the fields the caller left out zero
 */
static int checked_call(unsigned long req, void *user)
{
	unsigned int nr = _IOC_NR(req), i;
	size_t size = _IOC_SIZE(req), known;
	char buf[2048];
	int ret;

	if (_IOC_TYPE(req) != VMSCHED_IOC_MAGIC || nr >= NR_CALLS)
		return -ENOTTY;
	known = abi_minor() >= 2 ? calls[nr].v22 : calls[nr].v21;
	if (nr == 0x05)
		known = size;
	if (find("trace"))
		add("log ioc %u %zu", nr, size);
	if (nr != 0x04 && !known)
		return -ENOTTY;		/* a pool call to a module without pools */
	if (size < calls[nr].ver0 || size > sizeof(buf))
		return -EINVAL;
	for (i = known; i < size; i++)
		if (((const char *)user)[i])
			return -E2BIG;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, user, size < known ? size : known);
	ret = dispatch(nr, buf);
	if (!ret && calls[nr].out)
		memcpy(user, buf, size < known ? size : known);
	return ret;
}

static int fake_ioctl(unsigned long req, void *arg)
{
	int ret, lock = lock_state();

	load();
	if (req == VMSCHED_IOC_VERSION) {
		struct vmsched_version *v = arg;

		if (lock >= 0)
			close(lock);
		memset(v, 0, sizeof(*v));
		v->major = VMSCHED_ABI_MAJOR;
		v->minor = abi_minor();
		snprintf(v->release, sizeof(v->release), "fake");
		return 0;
	}
	ret = checked_call(req, arg);
	save();
	if (lock >= 0)
		close(lock);
	return ret;
}

#pragma GCC visibility pop

static bool is_fake(int fd)
{
	int i;

	for (i = 0; i < nr_fds; i++)
		if (fake_fd[i] == fd)
			return true;
	return false;
}

static int real_open(const char *path, int flags, mode_t mode)
{
	static int (*o)(const char *, int, ...);

	if (!o)
		o = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	return o(path, flags, mode);
}

/* the fake host's online CPUs, as the kernel lists them, in a memfd */
static int fake_online(void)
{
	int lock = lock_state(), fd = memfd_create("online", MFD_CLOEXEC);
	char buf[64];

	load();
	if (lock >= 0)
		close(lock);
	if (fd < 0)
		return fd;
	fp_online_list(buf, sizeof(buf));
	if (write(fd, buf, strlen(buf)) < 0 || lseek(fd, 0, SEEK_SET)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int fake_open(const char *path, int flags, mode_t mode)
{
	int fd;

	const char *node = getenv("VMSCHED_FAKE_DEV");

	if (!strcmp(path, "/sys/devices/system/cpu/online"))
		return fake_online();
	if (strcmp(path, VMSCHED_DEVICE))
		return real_open(path, flags, mode);
	fd = real_open(node && *node ? node : "/dev/null", O_RDWR | (flags & O_CLOEXEC), 0);
	if (fd >= 0 && nr_fds < 64)
		fake_fd[nr_fds++] = fd;
	return fd;
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	va_start(ap, flags);
	if (flags & (O_CREAT | O_TMPFILE))
		mode = va_arg(ap, mode_t);
	va_end(ap);
	return fake_open(path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int close(int fd)
{
	static int (*real)(int);
	int i;

	for (i = 0; i < nr_fds; i++)
		if (fake_fd[i] == fd)
			fake_fd[i] = fake_fd[--nr_fds];
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "close");
	return real(fd);
}

int ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!is_fake(fd)) {
		if (!real)
			real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
		return real(fd, req, arg);
	}
	ret = fake_ioctl(req, arg);
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

int inotify_add_watch(int fd, const char *path, uint32_t mask)
{
	static int (*real)(int, const char *, uint32_t);
	const char *node = getenv("VMSCHED_FAKE_DEV");
	char dev[] = VMSCHED_DEVICE, dir[4096];

	if (!real)
		real = (int (*)(int, const char *, uint32_t))dlsym(RTLD_NEXT, "inotify_add_watch");
	if (node && *node && !strcmp(path, dirname(dev))) {
		snprintf(dir, sizeof(dir), "%s", node);
		path = dirname(dir);
	}
	return real(fd, path, mask);
}

void *dlopen(const char *file, int flags)
{
	static void *(*real)(const char *, int);
	const char *no = getenv("VMSCHED_FAKE_NO_LIBVIRT");

	if (!real)
		real = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
	if (no && *no == '1' && file && !strncmp(file, "libvirt.so", 10))
		return NULL;
	return real(file, flags);
}
