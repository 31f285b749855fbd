// SPDX-License-Identifier: GPL-2.0
/*
 * params.c - explicit global parameters for every activation (params.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "params.h"
#include "vmsched_test.h"

#define MAX_DESCS	32

int params_defaults(int fd, const char *policy, struct bench_params *p, const char *key,
		    unsigned long long value)
{
	static struct vmsched_param_info info[MAX_DESCS];
	struct vmsched_policy_params pp = {
		.list = { .buf = (unsigned long)info, .count = MAX_DESCS,
			  .entry_size = sizeof(info[0]) },
	};
	bool found = !key;
	unsigned int i;
	int ret;

	snprintf(pp.name, sizeof(pp.name), "%s", policy);
	if ((ret = vms_ioctl(fd, VMSCHED_IOC_POLICY_PARAMS, &pp)))
		return ret;
	if (pp.list.count > MAX_DESCS)
		return -E2BIG;
	p->n = 0;
	for (i = 0; i < pp.list.count; i++) {
		if (info[i].scope != VMSCHED_SCOPE_GLOBAL)
			continue;
		if (p->n == VMSCHED_MAX_KV)
			return -E2BIG;
		/* both VMSCHED_NAME_MAX long, the name terminated by the core */
		memcpy(p->kv[p->n].key, info[i].name, sizeof(p->kv[p->n].key));
		p->kv[p->n].key[sizeof(p->kv[p->n].key) - 1] = '\0';
		p->kv[p->n].value = info[i].def;
		p->unit[p->n] = info[i].unit;
		if (key && !strcmp(info[i].name, key)) {
			p->kv[p->n].value = value;
			found = true;
		}
		p->n++;
	}
	return found ? 0 : -ENOENT;
}

const char *params_unit_name(unsigned int unit)
{
	return unit == VMSCHED_UNIT_NS ? "ns" : unit == VMSCHED_UNIT_PERCENT ? "%" : "";
}

int params_activate(int fd, const char *policy, struct bench_params *p)
{
	static struct bench_params asked;
	unsigned int i, j;
	int ret = vms_activate(fd, policy, p->kv, p->n);

	if (ret)
		return ret;
	asked = *p;
	ret = vms_get_params(fd, VMSCHED_SCOPE_GLOBAL, 0, 0, p->kv, VMSCHED_MAX_KV);
	if (ret < 0)
		return ret;
	p->n = ret < VMSCHED_MAX_KV ? ret : VMSCHED_MAX_KV;
	for (i = 0; i < p->n; i++) {
		p->unit[i] = VMSCHED_UNIT_NONE;
		for (j = 0; j < asked.n; j++)
			if (!strcmp(asked.kv[j].key, p->kv[i].key))
				p->unit[i] = asked.unit[j];
	}
	return 0;
}
