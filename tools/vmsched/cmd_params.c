// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VM and per-vCPU parameters: set/get vm VM, set/get vcpu VM:N.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "main.h"
#include "output.h"
#include "params.h"
#include "pools.h"
#include "units.h"
#include "vm_lookup.h"
#include "vm_source.h"
#include "snap.h"

/* what a set/get names: a VM, or one vCPU of it */
struct target {
	unsigned int scope;
	pid_t pid;
	unsigned int vcpu;
	char name[VM_NAME_LEN];
	char policy[VMSCHED_NAME_MAX];
	char pool[VMSCHED_NAME_MAX];	/* the pool whose policy it is */
};

static int no_policy(unsigned int scope, const char *pool)
{
	if (pool_is_default(pool))
		return op_err("no policy is active: %s parameters belong to a policy "
			      "(vmsched activate POLICY first)", scope_name(scope));
	return op_err("no policy is active in pool %s: %s parameters belong to a policy "
		      "(vmsched -P %s activate POLICY first)", pool, scope_name(scope), pool);
}

/* is a policy active in any pool? (a pool list that cannot be read: yes) */
static bool any_pool_policy(void)
{
	struct vmsched_pool_info *p;
	unsigned int i, n;
	bool any = false;

	if (pools_load(&p, &n))
		return true;
	for (i = 0; i < n && !any; i++)
		any = p[i].active[0] != '\0';
	free(p);
	return any;
}

/* VM or VM:N to a target; the policy must be active; 0 or exit code */
static int resolve_target(unsigned int scope, const char *arg, struct target *t)
{
	char vm[256], *colon;
	uint64_t n;
	int ret;

	memset(t, 0, sizeof(*t));
	t->scope = scope;
	snprintf(vm, sizeof(vm), "%s", arg);
	if (scope == VMSCHED_SCOPE_VCPU) {
		colon = strrchr(vm, ':');
		if (!colon || parse_uint(colon + 1, &n) || n > UINT32_MAX)
			return usage_err("expected VM:N (e.g. %s:0), got \"%s\"",
					 colon ? (*colon = '\0', vm) : vm, arg);
		*colon = '\0';
		t->vcpu = n;
	}
	/* with pools and no -P: the policy of the pool the VM is in */
	if (!opt.pool && dev_has_pools()) {
		/* said at once, before looking for the VM, which may wait for it */
		if (!any_pool_policy())
			return no_policy(scope, NULL);
		ret = vm_resolve(vm, &t->pid, t->name, sizeof(t->name));
		if (ret)
			return ret;
		ret = vm_pool(t->pid, t->pool);
		if (ret == -ESRCH)
			return op_err("VM %s (pid %d) is gone", t->name, t->pid);
		if (ret)
			return dev_err("cannot read the VM's pool", ret);
		ret = pool_policy(t->pool, t->policy);
		if (ret)
			return ret;
		return t->policy[0] ? 0 : no_policy(scope, t->pool);
	}
	snprintf(t->pool, sizeof(t->pool), "%s", opt.pool ? opt.pool : "");
	ret = pool_policy(opt.pool, t->policy);
	if (ret)
		return ret;
	/* before looking for the VM, which may wait for it to show up */
	if (!t->policy[0])
		return no_policy(scope, opt.pool);
	return vm_resolve(vm, &t->pid, t->name, sizeof(t->name));
}

/* errors of SET/GET that concern the target */
static int target_err(const struct target *t, const char *what, int err)
{
	char pool[VMSCHED_NAME_MAX];

	if (err == -ESRCH && t->scope == VMSCHED_SCOPE_VCPU)
		return op_err("%s: VM %s (pid %d) has no vCPU %u", what, t->name, t->pid, t->vcpu);
	if (err == -ESRCH && opt.pool && !vm_pool(t->pid, pool) && strcmp(pool, t->pool))
		return op_err("%s: VM %s (pid %d) is in pool %s, not in pool %s", what, t->name,
			      t->pid, pool, t->pool);
	if (err == -ESRCH)
		return op_err("%s: VM %s (pid %d) is gone", what, t->name, t->pid);
	if (err == -ENODEV)
		return op_err("%s: no policy is active (vmsched activate POLICY first)", what);
	if (err == -ENOTUNIQ)
		return op_err("%s: process %d runs several VMs: a pid cannot name one of them",
			      what, t->pid);
	return dev_err(what, err);
}

static const char *target_syntax(unsigned int scope)
{
	return scope == VMSCHED_SCOPE_VM ? "VM" : "VM:N";
}

/* resolve VM or VM:N and load its policy's descriptors; 0 or the exit code */
static int load_target(unsigned int scope, const char *arg, struct target *t,
		       struct pdesc *d)
{
	int ret = resolve_target(scope, arg, t);

	if (ret)
		return ret;
	ret = pdesc_load(t->policy, d);
	return ret ? dev_err("cannot read the policy's parameters", ret) : 0;
}

static int do_set_scope(unsigned int scope, int argc, char **argv)
{
	struct vmsched_kv kv[VMSCHED_MAX_KV];
	struct target t;
	struct pdesc d;
	unsigned int n;
	int ret;

	if (argc < 1)
		return usage_err("set %s: missing %s", scope_key(scope),
				 target_syntax(scope));
	if (argc < 2)
		return usage_err("set %s %s: missing KEY=VALUE", scope_key(scope), argv[0]);
	ret = load_target(scope, argv[0], &t, &d);
	if (ret)
		return ret;
	ret = parse_kv_args(&d, scope, argc - 1, argv + 1, kv, &n);
	if (ret)
		goto out;
	ret = dev_set_params(opt.pool, scope, t.pid, t.vcpu, kv, n);
	if (ret == -ERANGE)
		ret = report_range(&d, kv, n);
	else if (ret == -ENOENT)	/* the policy changed under us */
		ret = op_err("set: policy %s no longer has these parameters (swapped?)",
			     t.policy);
	else if (ret)
		ret = target_err(&t, "set", ret);
	else
		p_done();
out:
	pdesc_free(&d);
	return ret;
}

/*
 * get vm: the values and where each comes from (text: after the value;
 * JSON: "sources" beside "params"), and what libvirt had
 */
static void print_vm_values(const struct target *t, const struct pdesc *d,
			    struct vmsched_kv *kv, unsigned int n)
{
	char src[VMSCHED_MAX_KV][SOURCE_LEN], lv[512], val[FMT_LEN], line[FMT_LEN + SOURCE_LEN];
	const struct vmsched_param_info *p;
	unsigned int i;

	n = n < VMSCHED_MAX_KV ? n : VMSCHED_MAX_KV;
	for (i = 0; i < n; i++)
		kv[i].key[VMSCHED_NAME_MAX - 1] = '\0';
	vm_sources(t->name, d, kv, n, src, lv, sizeof(lv));
	if (out_json()) {
		out_obj_begin("params", NULL);
		print_param_values(d, kv, n);
		out_obj_end();
	} else {
		out_obj_begin(NULL, "params:");
		for (i = 0; i < n; i++) {
			p = pdesc_find(d, kv[i].key);
			snprintf(line, sizeof(line), "%-10s %.*s",
				 fmt_value(kv[i].value, p ? p->unit : VMSCHED_UNIT_NONE, val),
				 SOURCE_LEN, src[i]);
			out_kv_str(NULL, kv[i].key, line);
		}
		out_obj_end();
	}
	if (out_json()) {
		out_obj_begin("sources", NULL);
		for (i = 0; i < n; i++)
			out_kv_str(kv[i].key, NULL, src[i]);
		out_obj_end();
	}
	out_kv_str("libvirt", "libvirt", lv);
}

static int do_get_scope(unsigned int scope, int argc, char **argv)
{
	struct vmsched_kv *kv;
	struct target t;
	struct pdesc d;
	unsigned int n;
	int ret;

	if (argc != 1)
		return usage_err("get %s: expected one %s", scope_key(scope),
				 target_syntax(scope));
	ret = load_target(scope, argv[0], &t, &d);
	if (ret)
		return ret;
	ret = dev_get_params(opt.pool, scope, t.pid, t.vcpu, &kv, &n);
	if (ret) {
		pdesc_free(&d);
		return target_err(&t, "get", ret);
	}
	out_obj_begin(NULL, NULL);
	out_kv_str("name", "VM", t.name);
	out_kv_u64("pid", "pid", t.pid);
	if (scope == VMSCHED_SCOPE_VCPU)
		out_kv_u64("vcpu", "vCPU", t.vcpu);
	out_kv_str("policy", "policy", t.policy);
	if (scope == VMSCHED_SCOPE_VM && n) {
		print_vm_values(&t, &d, kv, n);
	} else {
		out_obj_begin("params", "params:");
		print_param_values(&d, kv, n);
		if (!n)
			out_text("(policy %s has no %s parameters)", t.policy, scope_name(scope));
		out_obj_end();
	}
	out_obj_end();
	free(kv);
	pdesc_free(&d);
	return EXIT_OK;
}

static int set_vm(int argc, char **argv) { return do_set_scope(VMSCHED_SCOPE_VM, argc, argv); }
static int set_vcpu(int argc, char **argv) { return do_set_scope(VMSCHED_SCOPE_VCPU, argc, argv); }
static int get_vm(int argc, char **argv) { return do_get_scope(VMSCHED_SCOPE_VM, argc, argv); }
static int get_vcpu(int argc, char **argv) { return do_get_scope(VMSCHED_SCOPE_VCPU, argc, argv); }

int do_set(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "vm", set_vm, 0, true, NULL, NULL }, { "vcpu", set_vcpu, 0, true, NULL, NULL },
		{ NULL, NULL, 0, false, NULL, NULL },
	};

	return cmd_select(cmds, argc, argv, "set", "vm or vcpu", help_set);
}

int do_get(int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "vm", get_vm, 0, false, NULL, NULL }, { "vcpu", get_vcpu, 0, false, NULL, NULL },
		{ NULL, NULL, 0, false, NULL, NULL },
	};

	return cmd_select(cmds, argc, argv, "get", "vm or vcpu", help_get);
}
