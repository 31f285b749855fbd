// SPDX-License-Identifier: GPL-2.0
/*
 * Pools: the module's list, names, and what commands say about them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpulist.h"
#include "dev.h"
#include "main.h"
#include "params.h"
#include "pools.h"

int pools_require(void)
{
	if (dev_fd() < 0)
		return EXIT_FAIL;
	if (!dev_has_pools())
		return op_err(DEV_NO_POOLS_FMT, dev_abi_minor());
	return 0;
}

int pools_load(struct vmsched_pool_info **out, unsigned int *n)
{
	unsigned int i;
	int ret = dev_pool_list(out, n);

	if (ret)
		return ret;
	for (i = 0; i < *n; i++) {
		(*out)[i].name[VMSCHED_NAME_MAX - 1] = '\0';
		(*out)[i].active[VMSCHED_NAME_MAX - 1] = '\0';
		(*out)[i].last_ejected[VMSCHED_NAME_MAX - 1] = '\0';
	}
	return 0;
}

const struct vmsched_pool_info *pools_find(const struct vmsched_pool_info *p, unsigned int n,
					   const char *name)
{
	unsigned int i;

	if (!name || !*name)
		name = VMSCHED_POOL_DEFAULT;
	for (i = 0; i < n; i++)
		if (!strcmp(p[i].name, name))
			return &p[i];
	return NULL;
}

const struct vmsched_pool_info *pools_of_cpu(const struct vmsched_pool_info *p, unsigned int n,
					     unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (cpu_isset(p[i].cpus, cpu))
			return &p[i];
	return NULL;
}

int pool_info(const char *name, struct vmsched_pool_info *out)
{
	const struct vmsched_pool_info *f;
	struct vmsched_pool_info *p;
	unsigned int n;
	int ret = pools_load(&p, &n);

	if (ret)
		return ret;
	f = pools_find(p, n, name);
	if (f)
		*out = *f;
	free(p);
	return f ? 0 : -ENOENT;
}

int report_no_pool(const char *name)
{
	struct vmsched_pool_info *p;
	char names[512] = "";
	unsigned int i, n;
	size_t len = 0;

	if (pools_load(&p, &n))
		return op_err("no pool \"%s\" (vmsched pool list)", name);
	for (i = 0; i < n && len < sizeof(names); i++)
		len += snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "",
				p[i].name);
	free(p);
	return op_err("no pool \"%s\"; pools: %s (vmsched pool add creates one)", name, names);
}

int pool_policy(const char *pool, char *name)
{
	struct vmsched_pool_info info;
	int ret;

	if (pool_is_default(pool))
		return active_policy(name);
	ret = pools_require();
	if (ret)
		return ret;
	ret = pool_info(pool, &info);
	if (ret == -ENOENT)
		return report_no_pool(pool);
	if (ret)
		return dev_err("cannot list the pools", ret);
	snprintf(name, VMSCHED_NAME_MAX, "%s", info.active);
	return 0;
}

int vm_pool(pid_t pid, char *pool)
{
	struct vmsched_vm_stats *vms;
	struct vmsched_vcpu_stats *vcpus;
	unsigned int nv, nc, i;
	uint64_t now;
	int ret = dev_stats(NULL, pid, &now, &vms, &nv, &vcpus, &nc);

	if (ret)
		return ret;
	for (i = 0; i < nv && vms[i].pid != pid; i++)
		;
	if (i < nv)
		snprintf(pool, VMSCHED_NAME_MAX, "%.*s", VMSCHED_NAME_MAX - 1,
			 vms[i].pool[0] ? vms[i].pool : VMSCHED_POOL_DEFAULT);
	free(vms);
	free(vcpus);
	return i < nv ? 0 : -ESRCH;
}

const char *in_pool(const char *pool, char *buf, size_t len)
{
	if (pool_is_default(pool))
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, " in pool %s", pool);
	return buf;
}

/* the status of a pool, as VMSCHED_IOC_STATUS reports the default one */
void pool_status_of(const struct vmsched_pool_info *p, struct vmsched_status *st)
{
	memset(st, 0, sizeof(*st));
	memcpy(st->active, p->active, sizeof(st->active));
	st->nr_vms = p->nr_vms;
	st->nr_vcpus = p->nr_vcpus;
	st->nr_slots = p->nr_cpus;
	st->nr_granted = p->nr_granted;
	st->nr_gated = p->nr_gated;
	st->swaps = p->swaps;
	st->last_swap_ns = p->last_swap_ns;
	st->max_swap_ns = p->max_swap_ns;
	st->watchdog_events = p->watchdog_events;
	st->watchdog_ns = p->watchdog_ns;
	memcpy(st->last_ejected, p->last_ejected, sizeof(st->last_ejected));
	st->policy_errors = p->policy_errors;
}


int pool_check(const char *pool)
{
	int ret;

	if (pool_is_default(pool))
		return 0;
	ret = pools_require();
	if (ret)
		return ret;
	ret = pool_info(pool, &(struct vmsched_pool_info){ 0 });
	if (ret == -ENOENT)
		return report_no_pool(pool);
	return ret ? dev_err("cannot list the pools", ret) : 0;
}
