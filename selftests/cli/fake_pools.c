// SPDX-License-Identifier: GPL-2.0
/*
 * Pools of the fake /dev/vmsched (see fake_dev.c for the state lines):
 * VMSCHED_IOC_POOL_* with the uapi's rules and errnos.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_dev.h"

#pragma GCC visibility push(hidden)

bool fp_is_default(const char *pool)
{
	return !*pool || !strcmp(pool, FP_DEFAULT);
}

/* the CPUs of the fake host, as a mask (CPUs < 64) */
static uint64_t host_cpus(void)
{
	const char *l = find("ncpus ");
	unsigned int n = l ? atoi(l + 6) : 4;

	return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

static uint64_t online_cpus(void)
{
	uint64_t m = host_cpus();
	unsigned int i, c;

	for (i = 0; i < nr_lines; i++)
		if (sscanf(lines[i], "offline %u", &c) == 1 && c < 64)
			m &= ~(1ULL << c);
	return m;
}

void fp_online_list(char *buf, size_t len)
{
	uint64_t m = online_cpus();
	size_t n = 0;
	int c, end;

	buf[0] = '\0';
	for (c = 0; c < 64 && n < len; c = end + 1) {
		if (!((m >> c) & 1)) {
			end = c;
			continue;
		}
		for (end = c; end < 63 && ((m >> (end + 1)) & 1); end++)
			;
		n += snprintf(buf + n, len - n, end == c ? "%s%d" : "%s%d-%d", n ? "," : "", c,
			      end);
	}
	if (n < len - 1)
		strcat(buf, "\n");
}

/* the line of pool @name ("pool NAME MASK"), or -1 */
static int pool_line(const char *name)
{
	char pfx[64];
	unsigned int i;

	snprintf(pfx, sizeof(pfx), "pool %s ", name);
	for (i = 0; i < nr_lines; i++)
		if (!strncmp(lines[i], pfx, strlen(pfx)))
			return i;
	return -1;
}

static uint64_t pool_mask(int line)
{
	return strtoull(strrchr(lines[line], ' ') + 1, NULL, 16);
}

/* the default pool's CPUs: the online ones no other pool has */
static uint64_t default_mask(void)
{
	uint64_t m = online_cpus();
	unsigned int i;

	for (i = 0; i < nr_lines; i++)
		if (!strncmp(lines[i], "pool ", 5))
			m &= ~pool_mask(i);
	return m;
}

bool fp_exists(const char *pool)
{
	return fp_is_default(pool) || pool_line(pool) >= 0;
}

const char *fp_vm_pool(int pid)
{
	static char name[VMSCHED_NAME_MAX];
	char pfx[32];
	const char *l;

	snprintf(pfx, sizeof(pfx), "in %d ", pid);
	l = find(pfx);
	snprintf(name, sizeof(name), "%s", l ? l + strlen(pfx) : FP_DEFAULT);
	return name;
}

const struct fpol *fp_active(const char *pool)
{
	char pfx[64];
	const char *l;

	if (fp_is_default(pool))
		snprintf(pfx, sizeof(pfx), "active ");
	else
		snprintf(pfx, sizeof(pfx), "pactive %s ", pool);
	l = find(pfx);
	return l ? policy(l + strlen(pfx)) : NULL;
}

const char *fp_global_prefix(const char *pool, char *buf, size_t len)
{
	if (fp_is_default(pool))
		snprintf(buf, len, "g ");
	else
		snprintf(buf, len, "pg %s ", pool);
	return buf;
}

/* drop the per-VM values of the VMs in @pool */
static void drop_vm_values(const char *pool)
{
	unsigned int i;
	int pid;

	for (i = nr_lines; i-- > 0;)
		if (sscanf(lines[i], "v %d ", &pid) == 1 &&
		    !strcmp(fp_vm_pool(pid), fp_is_default(pool) ? FP_DEFAULT : pool))
			drop(i);
}

void fp_reset(const char *pool)
{
	char pfx[64];

	drop_vm_values(pool);
	drop_all(fp_global_prefix(pool, pfx, sizeof(pfx)));
	if (fp_is_default(pool)) {
		drop_all("active ");
	} else {
		snprintf(pfx, sizeof(pfx), "pactive %s ", pool);
		drop_all(pfx);
	}
}

static bool name_ok(const char *name)
{
	size_t len = strnlen(name, VMSCHED_NAME_MAX);

	return len && len < VMSCHED_NAME_MAX &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") == len;
}

static int create(const struct vmsched_pool_cpus *c)
{
	uint64_t m = c->cpus[0], def = default_mask();
	unsigned int w;
	int err;

	if (c->flags || c->reserved || !name_ok(c->name))
		return -EINVAL;
	if (fp_exists(c->name))
		return -EEXIST;
	for (w = 1; w < VMSCHED_CPU_WORDS; w++)
		if (c->cpus[w])
			return -EINVAL;		/* past the fake's CPUs */
	if (!m || (m & ~online_cpus()))
		return -EINVAL;
	if ((m & ~def) || !(def & ~m))
		return -EBUSY;
	err = injected("create", c->name);
	if (err)
		return -err;
	add("pool %s %llx", c->name, (unsigned long long)m);
	add("log pool create %s %llx", c->name, (unsigned long long)m);
	return 0;
}

static int destroy(const struct vmsched_pool_ref *r)
{
	char pfx[64];
	int line, err;

	if (r->flags || r->reserved || !name_ok(r->name))
		return -EINVAL;
	if (fp_is_default(r->name))
		return -EINVAL;
	line = pool_line(r->name);
	if (line < 0)
		return -ENOENT;
	err = injected("destroy", r->name);
	if (err)
		return -err;
	fp_reset(r->name);
	drop(line);
	snprintf(pfx, sizeof(pfx), "in ");
	for (line = nr_lines; line-- > 0;)
		if (!strncmp(lines[line], pfx, 3) &&
		    !strcmp(strrchr(lines[line], ' ') + 1, r->name))
			drop(line);
	add("log pool destroy %s", r->name);
	return 0;
}

static int deactivate(const struct vmsched_pool_ref *r)
{
	if (r->flags || r->reserved || !name_ok(r->name))
		return -EINVAL;
	if (!fp_exists(r->name))
		return -ENOENT;
	fp_reset(r->name);
	add("log pool deactivate %s", r->name);
	return 0;
}

/* VMs and vCPUs of @pool ("default" included) */
static void pool_counts(const char *pool, struct vmsched_pool_info *p)
{
	unsigned int i;
	const char *t;
	int pid;

	for (i = 0; i < nr_lines; i++) {
		if (sscanf(lines[i], "pid %d", &pid) != 1 || strcmp(fp_vm_pool(pid), pool))
			continue;
		p->nr_vms++;
		p->nr_vcpus++;
		for (t = strchr(lines[i] + 4, ' '); t && strchr(t + 1, ' '); t = strchr(t + 1, ' '))
			p->nr_vcpus++;
	}
}

static void info(struct vmsched_pool_info *p, const char *name, uint64_t mask)
{
	const struct fpol *a = fp_active(name);

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (a)
		snprintf(p->active, sizeof(p->active), "%s", a->name);
	p->cpus[0] = mask;
	p->nr_cpus = __builtin_popcountll(mask);
	pool_counts(p->name, p);
}

static int list(struct vmsched_list *l)
{
	struct vmsched_pool_info p[16];
	char name[VMSCHED_NAME_MAX];
	unsigned int i, n = 1;

	info(&p[0], FP_DEFAULT, default_mask());
	for (i = 0; i < nr_lines && n < 16; i++)
		if (sscanf(lines[i], "pool %31s", name) == 1)
			info(&p[n++], name, pool_mask(i));
	return copy_list(l, p, n, sizeof(p[0]));
}

/* a thread of the VM may run on none of @mask's CPUs */
static bool stuck(int pid, uint64_t mask)
{
	char pfx[32], *end;
	const char *l, *t;
	cpu_set_t set;
	long tid;
	int c;

	snprintf(pfx, sizeof(pfx), "pid %d ", pid);
	l = find(pfx);
	for (t = l ? l + strlen(pfx) : ""; *t; t = end) {
		tid = strtol(t, &end, 10);
		if (end == t)
			break;
		if (sched_getaffinity(tid, sizeof(set), &set))
			continue;
		for (c = 0; c < 64; c++)
			if (((mask >> c) & 1) && CPU_ISSET(c, &set))
				break;
		if (c == 64)
			return true;
	}
	return false;
}

static int move(const struct vmsched_pool_move *m)
{
	char pfx[32], who[16];
	int line = -1, err;

	if (m->flags || !name_ok(m->pool))
		return -EINVAL;
	if (!fp_is_default(m->pool)) {
		line = pool_line(m->pool);
		if (line < 0)
			return -ENOENT;
	}
	if (!known_vm(m->pid))
		return -ESRCH;
	if (stuck(m->pid, line < 0 ? default_mask() : pool_mask(line)))
		return -EINVAL;
	snprintf(who, sizeof(who), "%d", m->pid);
	err = injected("move", who);
	if (err)
		return -err;
	snprintf(pfx, sizeof(pfx), "v %d ", m->pid);
	drop_all(pfx);
	snprintf(pfx, sizeof(pfx), "in %d ", m->pid);
	drop_all(pfx);
	if (line >= 0)
		add("in %d %s", m->pid, m->pool);
	add("log pool move %d %s", m->pid, m->pool);
	return 0;
}

int fp_ioctl(unsigned int nr, void *arg)
{
	switch (nr) {
	case 0x09: return create(arg);
	case 0x0a: return destroy(arg);
	case 0x0b: return deactivate(arg);
	case 0x0c: return list(arg);
	case 0x0d: return move(arg);
	default: return -ENOTTY;
	}
}

#pragma GCC visibility pop
