// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: policy parameters.
 *
 * The core validates keys and ranges against the policy's descriptor table
 * before any policy code runs (unknown key: -ENOENT, out of range: -ERANGE),
 * stores the values, and lets the policy refuse a combination in
 * param_changed(), in which case the previous values are restored. All or
 * nothing: a call with several pairs changes none of them on any error.
 *
 * Locking: called with vms_mutex held (so the active instance cannot
 * change); values are written under the pool's lock, which every reader
 * holds.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>
#include "policy_call.h"

/* index of parameter @name within @scope, or -ENOENT */
static int vms_param_index(const struct vmsched_ops *ops, u32 scope, const char *name,
			   const struct vmsched_param_desc **desc)
{
	unsigned int i;
	int idx = 0;

	for (i = 0; i < ops->nr_params; i++) {
		if (ops->params[i].scope != scope)
			continue;
		if (!strcmp(ops->params[i].name, name)) {
			if (desc)
				*desc = &ops->params[i];
			return idx;
		}
		idx++;
	}
	return -ENOENT;
}

/* check @n pairs of @scope; fill @idx with their indices. No side effects. */
int vms_params_check(const struct vmsched_ops *ops, u32 scope, const struct vmsched_kv *kv,
		     unsigned int n, int *idx)
{
	const struct vmsched_param_desc *d;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (strnlen(kv[i].key, VMSCHED_NAME_LEN) == VMSCHED_NAME_LEN)
			return -EINVAL;
		idx[i] = vms_param_index(ops, scope, kv[i].key, &d);
		if (idx[i] < 0)
			return -ENOENT;
		if (kv[i].value < d->min || kv[i].value > d->max)
			return -ERANGE;
	}
	return 0;
}

/**
 * vms_params_save() - remember parameter values a policy instance had
 * @saved: VMS_SAVED_POLICIES entries (a VM's, or the global ones)
 * @ops: the policy
 * @params: its values of one scope
 *
 * Takes the entry of the same policy or a free one; when all are taken by
 * other policies, the first is reused.
 */
void vms_params_save(struct vms_saved_params *saved, const struct vmsched_ops *ops,
		     const u64 *params)
{
	struct vms_saved_params *sp = &saved[0];
	int i;

	for (i = 0; i < VMS_SAVED_POLICIES; i++) {
		if (!strcmp(saved[i].policy, ops->name) || !saved[i].policy[0]) {
			sp = &saved[i];
			break;
		}
	}
	strscpy(sp->policy, ops->name, sizeof(sp->policy));
	memcpy(sp->params, params, sizeof(sp->params));
}

/**
 * vms_params_restore() - starting values of one scope for a new instance
 * @saved: as for vms_params_save()
 * @ops: the policy
 * @scope: VMSCHED_SCOPE_*
 * @params: out: the defaults, replaced by the values remembered for this
 *	policy that are within the ranges of its (maybe reloaded) descriptors
 */
void vms_params_restore(const struct vms_saved_params *saved, const struct vmsched_ops *ops,
			u32 scope, u64 *params)
{
	const struct vms_saved_params *sp = NULL;
	unsigned int i, idx = 0;
	u64 v;

	vms_params_defaults(ops, scope, params);
	for (i = 0; i < VMS_SAVED_POLICIES && !sp; i++)
		if (!strcmp(saved[i].policy, ops->name))
			sp = &saved[i];
	if (!sp)
		return;
	for (i = 0; i < ops->nr_params; i++) {
		if (ops->params[i].scope != scope)
			continue;
		v = sp->params[idx];
		if (v >= ops->params[i].min && v <= ops->params[i].max)
			params[idx] = v;
		idx++;
	}
}

void vms_params_defaults(const struct vmsched_ops *ops, u32 scope, u64 *params)
{
	unsigned int i, idx = 0;

	memset(params, 0, sizeof(u64) * VMSCHED_MAX_PARAMS);
	for (i = 0; i < ops->nr_params; i++)
		if (ops->params[i].scope == scope)
			params[idx++] = ops->params[i].def;
}

/*
 * The pool whose parameters of @scope a call means: global ones are
 * @name's; a VM's and a vCPU's are those of the VM's own pool, which must
 * be @name if that is not "" (else -ESRCH). vms_mutex held: the VM (*@vm,
 * NULL for global ones) stays in its pool. The errors come in the order
 * they did before pools: no such pool, no policy (-ENODEV), a bad key
 * (@kv, for a set; checked against @name's policy when there is no VM),
 * no such VM.
 */
static int vms_params_pool(const char *name, u32 scope, pid_t pid,
			   const struct vmsched_kv *kv, unsigned int n,
			   struct vms_pool **pool, struct vms_vm **vm)
{
	struct vms_pool *named = vms_find_pool(name);
	struct vms_instance *in;
	int idx[VMSCHED_MAX_KV], ret;

	lockdep_assert_held(&vms_mutex);
	*vm = NULL;
	if (!named)
		return -ENOENT;
	*pool = named;
	if (scope == VMSCHED_SCOPE_GLOBAL)
		return 0;
	rcu_read_lock();
	*vm = vms_find_vm(pid);
	rcu_read_unlock();
	if (!IS_ERR(*vm)) {
		*pool = (*vm)->pool;
		return name[0] && *pool != named ? -ESRCH : 0;
	}
	in = rcu_dereference_protected(named->active, lockdep_is_held(&vms_mutex));
	if (!in)
		return -ENODEV;
	ret = kv ? vms_params_check(in->ops, scope, kv, n, idx) : 0;
	return ret ? ret : PTR_ERR(*vm);
}

/* the params[] array of @scope for @vm / its vCPU @vcpu_id; the pool's lock held */
static int vms_params_target(struct vms_instance *in, u32 scope, struct vms_vm *vm,
			     u32 vcpu_id, u64 **params, struct vmsched_vm **pvm,
			     struct vmsched_vcpu **pv)
{
	struct vms_vcpu *vc;

	*pvm = NULL;
	*pv = NULL;
	if (scope == VMSCHED_SCOPE_GLOBAL) {
		*params = in->sched.params;
		return 0;
	}
	if (!vm->attached[in->slot])
		return -ESRCH;
	*pvm = &vm->pv[in->slot];
	if (scope == VMSCHED_SCOPE_VM) {
		*params = (*pvm)->params;
		return 0;
	}
	list_for_each_entry(vc, &vm->vcpus, vm_node) {
		if (vc->vcpu_id == vcpu_id && vc->attached[in->slot]) {
			*pv = &vc->pv[in->slot];
			*params = (*pv)->params;
			return 0;
		}
	}
	return -ESRCH;
}

/* vms_mutex held */
int vms_set_params(const char *name, u32 scope, pid_t pid, u32 vcpu_id,
		   const struct vmsched_kv *kv, unsigned int n)
{
	u64 saved[VMSCHED_MAX_PARAMS], *params;
	int idx[VMSCHED_MAX_KV], ret;
	struct vms_instance *in;
	struct vmsched_vcpu *pv;
	struct vmsched_vm *pvm;
	struct vms_pool *pool;
	struct vms_vm *vm;
	unsigned long flags;
	unsigned int i;

	ret = vms_params_pool(name, scope, pid, kv, n, &pool, &vm);
	if (ret)
		return ret;
	in = rcu_dereference_protected(pool->active, lockdep_is_held(&vms_mutex));
	if (!in)
		return -ENODEV;
	ret = vms_params_check(in->ops, scope, kv, n, idx);
	if (ret)
		return ret;

	raw_spin_lock_irqsave(&pool->lock, flags);
	ret = vms_params_target(in, scope, vm, vcpu_id, &params, &pvm, &pv);
	if (!ret) {
		memcpy(saved, params, sizeof(saved));
		for (i = 0; i < n; i++)
			params[idx[i]] = kv[i].value;
		ret = vms_op_param_changed(in, scope, pvm, pv);
		if (ret)
			memcpy(params, saved, sizeof(saved));
	}
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	return ret;
}

/* vms_mutex held */
int vms_get_params(const char *name, u32 scope, pid_t pid, u32 vcpu_id,
		   struct vmsched_kv *kv, unsigned int *n)
{
	const struct vmsched_ops *ops;
	struct vms_instance *in;
	struct vmsched_vcpu *pv;
	struct vmsched_vm *pvm;
	struct vms_pool *pool;
	struct vms_vm *vm;
	unsigned int i, cnt = 0;
	unsigned long flags;
	u64 *params;
	int ret, idx = 0;

	ret = vms_params_pool(name, scope, pid, NULL, 0, &pool, &vm);
	if (ret)
		return ret;
	in = rcu_dereference_protected(pool->active, lockdep_is_held(&vms_mutex));
	if (!in)
		return -ENODEV;
	ops = in->ops;
	raw_spin_lock_irqsave(&pool->lock, flags);
	ret = vms_params_target(in, scope, vm, vcpu_id, &params, &pvm, &pv);
	for (i = 0; !ret && i < ops->nr_params; i++) {
		if (ops->params[i].scope != scope)
			continue;
		if (cnt < *n) {
			strscpy(kv[cnt].key, ops->params[i].name, sizeof(kv[cnt].key));
			kv[cnt].value = params[idx];
		}
		idx++;
		cnt++;
	}
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	*n = cnt;
	return ret;
}
