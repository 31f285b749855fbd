// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the pool tests: see vmsched_pool.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmsched_pool.h"
#include "vmsched_test.h"

int cpulist_parse(const char *s, __u64 *words, unsigned int nwords)
{
	unsigned long a, b;
	char *end;

	memset(words, 0, nwords * sizeof(*words));
	while (*s) {
		a = strtoul(s, &end, 10);
		if (end == s)
			return -EINVAL;
		b = a;
		s = end;
		if (*s == '-') {
			b = strtoul(s + 1, &end, 10);
			if (end == s + 1 || b < a)
				return -EINVAL;
			s = end;
		}
		if (b >= nwords * 64ul)
			return -EINVAL;
		for (; a <= b; a++)
			words[a / 64] |= 1ull << (a % 64);
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
		else
			break;
	}
	return 0;
}

static int cpu_in(const __u64 *words, unsigned int cpu)
{
	return (words[cpu / 64] >> (cpu % 64)) & 1;
}

void cpulist_format(const __u64 *words, unsigned int nwords, char *buf, size_t len)
{
	unsigned int cpu = 0, end, n = nwords * 64;
	size_t used = 0;

	buf[0] = 0;
	while (cpu < n) {
		if (!cpu_in(words, cpu)) {
			cpu++;
			continue;
		}
		for (end = cpu; end + 1 < n && cpu_in(words, end + 1); end++)
			;
		if (used < len)
			used += snprintf(buf + used, len - used, end > cpu ? "%s%u-%u" : "%s%u",
					 used ? "," : "", cpu, end);
		cpu = end + 1;
	}
}

int cpulist_read(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

int pool_create(int fd, const char *name, const char *cpus)
{
	struct vmsched_pool_cpus pc = { 0 };

	snprintf(pc.name, sizeof(pc.name), "%s", name);
	if (cpulist_parse(cpus, pc.cpus, VMSCHED_CPU_WORDS))
		return -EINVAL;
	return vms_ioctl(fd, VMSCHED_IOC_POOL_CREATE, &pc);
}

static int pool_ref(int fd, unsigned long cmd, const char *name)
{
	struct vmsched_pool_ref r = { 0 };

	snprintf(r.name, sizeof(r.name), "%s", name);
	return vms_ioctl(fd, cmd, &r);
}

int pool_destroy(int fd, const char *name)
{
	return pool_ref(fd, VMSCHED_IOC_POOL_DESTROY, name);
}

int pool_deactivate(int fd, const char *name)
{
	return pool_ref(fd, VMSCHED_IOC_POOL_DEACTIVATE, name);
}

int pool_move(int fd, pid_t pid, const char *pool)
{
	struct vmsched_pool_move m = { .pid = pid };

	snprintf(m.pool, sizeof(m.pool), "%s", pool);
	return vms_ioctl(fd, VMSCHED_IOC_POOL_MOVE, &m);
}

int pool_activate(int fd, const char *pool, const char *policy, const struct vmsched_kv *kv,
		  unsigned int n)
{
	struct vmsched_activate a = { .params = (unsigned long)kv, .nr_params = n,
				      .kv_size = sizeof(*kv) };

	snprintf(a.name, sizeof(a.name), "%s", policy);
	snprintf(a.pool, sizeof(a.pool), "%s", pool);
	return vms_ioctl(fd, VMSCHED_IOC_ACTIVATE, &a);
}

int pool_list(int fd, struct vmsched_pool_info *buf, unsigned int cap)
{
	struct vmsched_list l = { .buf = (unsigned long)buf, .count = cap,
				  .entry_size = sizeof(*buf) };
	int ret;

	memset(buf, 0, cap * sizeof(*buf));
	ret = vms_ioctl(fd, VMSCHED_IOC_POOL_LIST, &l);
	return ret ? ret : (int)l.count;
}

const struct vmsched_pool_info *pool_find(const struct vmsched_pool_info *pi, int n,
					  const char *name)
{
	int i;

	for (i = 0; i < n && i < POOL_LIST_MAX; i++)
		if (!strncmp(pi[i].name, name, sizeof(pi[i].name)))
			return &pi[i];
	return NULL;
}

void check_pool(int fd, const char *name, const char *cpus, const char *active)
{
	struct vmsched_pool_info pi[POOL_LIST_MAX];
	const struct vmsched_pool_info *p;
	char got[64] = "";
	int n = pool_list(fd, pi, POOL_LIST_MAX);

	p = pool_find(pi, n, name);
	if (p)
		cpulist_format(p->cpus, VMSCHED_CPU_WORDS, got, sizeof(got));
	ktap_info("pool %s: %s, CPUs '%s', policy '%s' (want CPUs '%s', policy '%s')", name,
		  p ? "listed" : "not listed", got, p ? p->active : "", cpus, active);
	CHECK(p && !strcmp(got, cpus), "pool %s: CPUs '%s', want '%s'", name, got, cpus);
	CHECK(p && !strcmp(p->active, active), "pool %s: policy '%s', want '%s'", name,
	      p ? p->active : "(not listed)", active);
}

void check_pools_healthy(int fd, const char *when)
{
	struct vmsched_pool_info pi[POOL_LIST_MAX];
	int n = pool_list(fd, pi, POOL_LIST_MAX), i;

	CHECK(n > 0, "%s: POOL_LIST: %d (%s)", when, n, n < 0 ? strerror(-n) : "no pool");
	for (i = 0; i < n && i < POOL_LIST_MAX; i++) {
		ktap_info("%s: pool %s: watchdog events %llu, policy errors %llu", when,
			  pi[i].name, (unsigned long long)pi[i].watchdog_events,
			  (unsigned long long)pi[i].policy_errors);
		CHECK(!pi[i].watchdog_events && !pi[i].policy_errors,
		      "%s: pool %s: watchdog events %llu, policy errors %llu", when, pi[i].name,
		      (unsigned long long)pi[i].watchdog_events,
		      (unsigned long long)pi[i].policy_errors);
	}
}

int vm_pool_name(int fd, pid_t pid, char *buf, size_t len)
{
	struct vmsched_vm_stats vm = { 0 };
	unsigned int nvm = 1, nvc = 0;
	int ret = vms_stats_get(fd, pid, &vm, &nvm, NULL, &nvc);

	if (!ret && !nvm)
		ret = -ESRCH;
	if (!ret)
		snprintf(buf, len, "%.*s", (int)sizeof(vm.pool), vm.pool);
	return ret;
}

int cpu_set_online(unsigned int cpu, int on)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/online", cpu);
	return write_file(path, "%d", !!on);
}
