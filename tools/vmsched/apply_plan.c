// SPDX-License-Identifier: GPL-2.0
/*
 * What apply sets (apply_plan.h). Nothing here talks to the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apply_plan.h"
#include "units.h"

int plan_values(const struct pdesc *d, unsigned int scope, const struct conf_entry *e,
		struct vmsched_kv *kv, unsigned int *n)
{
	const struct vmsched_param_info *p;
	unsigned int i, k;

	*n = 0;
	for (i = 0; i < d->n; i++) {
		p = &d->p[i];
		if (p->scope != scope)
			continue;
		if (*n == VMSCHED_MAX_KV)
			return -E2BIG;
		memset(&kv[*n], 0, sizeof(kv[*n]));
		snprintf(kv[*n].key, sizeof(kv[*n].key), "%.*s", VMSCHED_NAME_MAX - 1, p->name);
		kv[*n].value = p->def;
		for (k = 0; e && k < e->nr; k++)
			if (!strcmp(e->kv[k].key, kv[*n].key))
				kv[*n].value = e->kv[k].value;
		(*n)++;
	}
	return 0;
}

bool kv_same(const struct vmsched_kv *a, unsigned int na, const struct vmsched_kv *b,
	     unsigned int nb)
{
	unsigned int i, j;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb; j++)
			if (!strncmp(a[i].key, b[j].key, VMSCHED_NAME_MAX))
				break;
		if (j == nb || a[i].value != b[j].value)
			return false;
	}
	return true;
}

char *kv_str(const struct pdesc *d, const struct vmsched_kv *kv, unsigned int n, char *buf,
	     size_t len)
{
	const struct vmsched_param_info *p;
	char v[FMT_LEN];
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		p = pdesc_find(d, kv[i].key);
		used += snprintf(buf + used, len - used, "%s%.*s=%s", i ? " " : "",
				 VMSCHED_NAME_MAX, kv[i].key,
				 fmt_value(kv[i].value, p ? p->unit : VMSCHED_UNIT_NONE, v));
	}
	return buf;
}
