// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: the registry of policy modules.
 *
 * Locking: vms_policies is protected by vms_mutex. Registration may sleep
 * (it takes the mutex); unregistration of the active policy swaps to the
 * host scheduler first and waits for an RCU grace period, so that when
 * vmsched_unregister_policy() returns no code or data of the policy is in
 * use and its module may go.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/string.h>
#include "core.h"

/* registered policies, under vms_mutex */
static LIST_HEAD(vms_policies);
static unsigned int vms_policy_count;

struct vmsched_ops *vms_find_policy(const char *name)
{
	struct vmsched_ops *ops;

	lockdep_assert_held(&vms_mutex);
	list_for_each_entry(ops, &vms_policies, list)
		if (!strcmp(ops->name, name))
			return ops;
	return NULL;
}

unsigned int vms_nr_policies(void)
{
	return vms_policy_count;
}

int vms_for_each_policy(int (*fn)(struct vmsched_ops *ops, void *arg), void *arg)
{
	struct vmsched_ops *ops;
	int ret;

	lockdep_assert_held(&vms_mutex);
	list_for_each_entry(ops, &vms_policies, list) {
		ret = fn(ops, arg);
		if (ret)
			return ret;
	}
	return 0;
}

static bool vms_valid_name(const char *name)
{
	size_t len = strnlen(name, VMSCHED_NAME_LEN);
	size_t i;

	if (!len || len == VMSCHED_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!(islower(name[i]) || isdigit(name[i]) || name[i] == '_'))
			return false;
	return true;
}

/* refuse a malformed ops table with a readable reason */
static const char *vms_check_ops(const struct vmsched_ops *ops)
{
	unsigned int i, per_scope[VMSCHED_NR_SCOPES] = { 0 };

	if (!vms_valid_name(ops->name))
		return "name must be 1-31 characters of [a-z0-9_]";
	if (!ops->enqueue || !ops->dequeue || !ops->pick_next || !ops->charge)
		return "enqueue, dequeue, pick_next and charge are required";
	if (ops->vcpu_data_size > VMSCHED_DATA_BYTES || ops->vm_data_size > VMSCHED_DATA_BYTES)
		return "private data larger than VMSCHED_DATA_BYTES";
	if (ops->nr_params && !ops->params)
		return "nr_params without a params table";
	for (i = 0; i < ops->nr_params; i++) {
		const struct vmsched_param_desc *d = &ops->params[i];

		if (!d->name || !vms_valid_name(d->name))
			return "parameter name must be 1-31 characters of [a-z0-9_]";
		if (d->scope >= VMSCHED_NR_SCOPES || d->unit > VMSCHED_UNIT_PERCENT)
			return "parameter with an unknown scope or unit";
		if (d->min > d->max || d->def < d->min || d->def > d->max)
			return "parameter default outside its range";
		if (++per_scope[d->scope] > VMSCHED_MAX_PARAMS)
			return "more than VMSCHED_MAX_PARAMS parameters in one scope";
	}
	return NULL;
}

/**
 * vmsched_register_policy() - make a policy available for activation
 * @ops: the policy; must stay valid until vmsched_unregister_policy()
 *
 * Called from the plugin's module_init. May sleep.
 *
 * Return: 0; -EINVAL for a malformed table (the kernel log says why);
 * -EEXIST if a policy with the same name is registered.
 */
int vmsched_register_policy(struct vmsched_ops *ops)
{
	const char *why = vms_check_ops(ops);
	int ret = 0;

	if (why) {
		pr_err("policy %.*s refused: %s\n", VMSCHED_NAME_LEN, ops->name, why);
		return -EINVAL;
	}
	mutex_lock(&vms_mutex);
	if (vms_find_policy(ops->name)) {
		ret = -EEXIST;
	} else {
		list_add_tail(&ops->list, &vms_policies);
		vms_policy_count++;
		pr_info("policy %s registered\n", ops->name);
		vms_maybe_activate_default(ops->name);
	}
	mutex_unlock(&vms_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(vmsched_register_policy);

/**
 * vmsched_unregister_policy() - withdraw a policy
 * @ops: a policy registered with vmsched_register_policy()
 *
 * Called from the plugin's module_exit. In every pool where @ops is
 * active, the host scheduler takes over first (a live swap to the default: every gated vCPU
 * is released). When this returns, the core no longer references @ops.
 * May sleep.
 */
void vmsched_unregister_policy(struct vmsched_ops *ops)
{
	struct vms_pool *pool;

	mutex_lock(&vms_mutex);
	list_for_each_entry(pool, &vms_pools, node) {
		if (vms_active_ops_locked(pool) != ops)
			continue;
		pr_info("pool %s: policy %s is active and unloading: the host scheduler takes over\n",
			pool->name, ops->name);
		vms_deactivate_locked(pool);
	}
	list_del(&ops->list);
	vms_policy_count--;
	pr_info("policy %s unregistered\n", ops->name);
	mutex_unlock(&vms_mutex);
}
EXPORT_SYMBOL_GPL(vmsched_unregister_policy);
