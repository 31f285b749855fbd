// SPDX-License-Identifier: GPL-2.0
/*
 * Policy parameters: descriptors, KEY=VALUE parsing and range messages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "main.h"
#include "output.h"
#include "params.h"
#include "units.h"

int pdesc_load(const char *policy, struct pdesc *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->policy, sizeof(d->policy), "%s", policy);
	return dev_policy_params(policy, &d->p, &d->n);
}

void pdesc_free(struct pdesc *d)
{
	free(d->p);
	d->p = NULL;
	d->n = 0;
}

const struct vmsched_param_info *pdesc_find(const struct pdesc *d, const char *key)
{
	unsigned int i;

	for (i = 0; i < d->n; i++)
		if (!strncmp(d->p[i].name, key, VMSCHED_NAME_MAX))
			return &d->p[i];
	return NULL;
}

const char *scope_name(unsigned int scope)
{
	return scope == VMSCHED_SCOPE_VM ? "per-VM" :
	       scope == VMSCHED_SCOPE_VCPU ? "per-vCPU" : "global";
}

const char *scope_key(unsigned int scope)
{
	return scope == VMSCHED_SCOPE_VM ? "vm" : scope == VMSCHED_SCOPE_VCPU ? "vcpu" : "global";
}

void key_list(const struct pdesc *d, unsigned int scope, char *out, size_t len)
{
	size_t n = 0;
	unsigned int i;

	out[0] = '\0';
	for (i = 0; i < d->n && n < len; i++)
		if (d->p[i].scope == scope)
			n += snprintf(out + n, len - n, "%s%.*s", n ? ", " : "",
				      VMSCHED_NAME_MAX, d->p[i].name);
}

static int unknown_key(const struct pdesc *d, unsigned int scope, const char *key)
{
	const struct vmsched_param_info *p = pdesc_find(d, key);
	char keys[512], how[128];

	if (p) {
		if (p->scope == VMSCHED_SCOPE_GLOBAL)
			snprintf(how, sizeof(how), "vmsched activate %s %s=VALUE", d->policy, key);
		else
			snprintf(how, sizeof(how), "vmsched set %s %s %s=VALUE", scope_key(p->scope),
				 p->scope == VMSCHED_SCOPE_VM ? "VM" : "VM:N", key);
		return op_err("\"%s\" is a %s parameter of policy %s, not %s: use %s", key,
			      scope_name(p->scope), d->policy, scope_name(scope), how);
	}
	key_list(d, scope, keys, sizeof(keys));
	if (!keys[0])
		return op_err("policy %s has no %s parameter \"%s\" (it has no %s parameters)",
			      d->policy, scope_name(scope), key, scope_name(scope));
	return op_err("policy %s has no %s parameter \"%s\"; its %s parameters: %s",
		      d->policy, scope_name(scope), key, scope_name(scope), keys);
}

int parse_kv_args(const struct pdesc *d, unsigned int scope, int argc, char **argv,
		  struct vmsched_kv *kv, unsigned int *n)
{
	const struct vmsched_param_info *p;
	uint64_t v;
	int i, ret;

	if (argc > VMSCHED_MAX_KV)
		return usage_err("too many parameters: at most %d per call", VMSCHED_MAX_KV);
	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t klen = eq ? (size_t)(eq - argv[i]) : 0;

		if (!eq || !klen)
			return usage_err("expected KEY=VALUE, got \"%s\"", argv[i]);
		if (klen >= VMSCHED_NAME_MAX)
			return op_err("parameter name \"%.*s\" is too long", (int)klen, argv[i]);
		memset(&kv[i], 0, sizeof(kv[i]));
		memcpy(kv[i].key, argv[i], klen);
		p = pdesc_find(d, kv[i].key);
		if (!p || p->scope != scope)
			return unknown_key(d, scope, kv[i].key);
		ret = parse_value(eq + 1, p->unit, &v);
		kv[i].value = v;
		if (ret == -EDOM)
			return usage_err("value \"%s\" of %s needs a unit: ns, us, ms or s "
					 "(e.g. %s%s)", eq + 1, kv[i].key, eq + 1, "ms");
		if (ret)
			return usage_err("bad value \"%s\" for %s: expected %s", eq + 1,
					 kv[i].key, unit_hint(p->unit));
	}
	*n = argc;
	return 0;
}

int report_range(const struct pdesc *d, const struct vmsched_kv *kv, unsigned int n)
{
	const struct vmsched_param_info *p;
	char v[FMT_LEN], lo[FMT_LEN], hi[FMT_LEN];
	unsigned int i;

	for (i = 0; i < n; i++) {
		p = pdesc_find(d, kv[i].key);
		if (!p || (kv[i].value >= p->min && kv[i].value <= p->max))
			continue;
		return op_err("%s=%s is out of range for policy %s: allowed %s..%s", p->name,
			      fmt_value(kv[i].value, p->unit, v), d->policy,
			      fmt_value(p->min, p->unit, lo), fmt_value(p->max, p->unit, hi));
	}
	return op_err("policy %s refused the values as out of range (a combination it does "
		      "not allow); see vmsched list -v for the ranges", d->policy);
}

int report_unknown_policy(const char *name)
{
	struct vmsched_policy_info *pol;
	unsigned int i, n;
	char names[1024];
	size_t len = 0;
	int ret;

	ret = dev_list_policies(&pol, &n);
	if (ret)
		return dev_err("cannot list policies", ret);
	names[0] = '\0';
	for (i = 0; i < n && len < sizeof(names); i++)
		len += snprintf(names + len, sizeof(names) - len, "%s%.*s", i ? ", " : "",
				VMSCHED_NAME_MAX, pol[i].name);
	free(pol);
	if (!n)
		return op_err("policy \"%s\" is not loaded, and no policy is: "
			      "modprobe %s_sched loads it", name, name);
	return op_err("policy \"%s\" is not loaded; loaded policies: %s "
		      "(modprobe %s_sched loads it)", name, names, name);
}

int active_policy(char *name)
{
	struct vmsched_status st;
	int ret = dev_status(&st);

	if (ret)
		return dev_err("cannot read the status", ret);
	snprintf(name, VMSCHED_NAME_MAX, "%.*s", VMSCHED_NAME_MAX - 1, st.active);
	return 0;
}

void print_param_values(const struct pdesc *d, struct vmsched_kv *kv, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct vmsched_param_info *p;
		struct out_col c = { NULL, NULL, 0, O_VALUE };

		kv[i].key[VMSCHED_NAME_MAX - 1] = '\0';
		p = pdesc_find(d, kv[i].key);
		c.key = c.head = kv[i].key;
		out_kv(&c, CELL_VAL(kv[i].value, p ? p->unit : VMSCHED_UNIT_NONE));
	}
}
