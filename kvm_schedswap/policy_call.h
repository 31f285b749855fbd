/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_schedswap: every call into a policy instance on a scheduling path,
 * in one place.
 *
 * As Xen's scheduler wrappers (private.h) and sched_ext's SCX_CALL_OP()
 * do, the core never calls a struct vmsched_ops member directly while it
 * schedules: these wrappers assert the context the plugin API promises
 * (the instance's pool's lock held, so IRQs off), hand the instance its
 * own copy of a vCPU or VM, and skip the optional callbacks a policy does
 * not have. What a policy
 * returns is checked by the callers (sched.c), which count and contain its
 * mistakes through vms_policy_error(). ops.init and ops.exit run in process
 * context without the lock and are called by swap.c alone.
 */
#ifndef _KVM_SCHEDSWAP_POLICY_CALL_H
#define _KVM_SCHEDSWAP_POLICY_CALL_H

#include "core.h"

static inline struct vmsched_vcpu *vms_pv(struct vms_instance *in, struct vms_vcpu *vc)
{
	return &vc->pv[in->slot];
}

static inline void vms_op_enqueue(struct vms_instance *in, struct vms_vcpu *vc, u64 now,
				  unsigned int flags)
{
	lockdep_assert_held(&in->pool->lock);
	in->ops->enqueue(&in->sched, vms_pv(in, vc), now, flags);
}

static inline void vms_op_dequeue(struct vms_instance *in, struct vms_vcpu *vc, u64 now)
{
	lockdep_assert_held(&in->pool->lock);
	in->ops->dequeue(&in->sched, vms_pv(in, vc), now);
}

static inline struct vmsched_vcpu *vms_op_pick_next(struct vms_instance *in,
						    unsigned int cpu, u64 now, u64 *slice)
{
	lockdep_assert_held(&in->pool->lock);
	return in->ops->pick_next(&in->sched, cpu, now, slice);
}

static inline void vms_op_charge(struct vms_instance *in, struct vms_vcpu *vc, u64 ran,
				 u64 now)
{
	lockdep_assert_held(&in->pool->lock);
	in->ops->charge(&in->sched, vms_pv(in, vc), ran, now);
}

/* NULL when the policy has no check_preempt */
static inline struct vmsched_vcpu *vms_op_check_preempt(struct vms_instance *in,
							struct vms_vcpu *woken,
							struct vmsched_vcpu **running,
							unsigned int n, u64 now)
{
	lockdep_assert_held(&in->pool->lock);
	if (!in->ops->check_preempt)
		return NULL;
	return in->ops->check_preempt(&in->sched, vms_pv(in, woken), running, n, now);
}

/* 0 when the policy declares no bound */
static inline u64 vms_op_max_wait(struct vms_instance *in)
{
	lockdep_assert_held(&in->pool->lock);
	return in->ops->max_wait ? in->ops->max_wait(&in->sched) : 0;
}

static inline void vms_op_vm_attach(struct vms_instance *in, struct vms_vm *vm, u64 now)
{
	lockdep_assert_held(&in->pool->lock);
	if (in->ops->vm_attach)
		in->ops->vm_attach(&in->sched, &vm->pv[in->slot], now);
}

static inline void vms_op_vm_detach(struct vms_instance *in, struct vms_vm *vm)
{
	lockdep_assert_held(&in->pool->lock);
	if (in->ops->vm_detach)
		in->ops->vm_detach(&in->sched, &vm->pv[in->slot]);
}

static inline void vms_op_vcpu_attach(struct vms_instance *in, struct vms_vcpu *vc, u64 now)
{
	lockdep_assert_held(&in->pool->lock);
	if (in->ops->vcpu_attach)
		in->ops->vcpu_attach(&in->sched, vms_pv(in, vc), now);
}

static inline void vms_op_vcpu_detach(struct vms_instance *in, struct vms_vcpu *vc)
{
	lockdep_assert_held(&in->pool->lock);
	if (in->ops->vcpu_detach)
		in->ops->vcpu_detach(&in->sched, vms_pv(in, vc));
}

/* 0 when the policy has no param_changed: every value in range is taken */
static inline int vms_op_param_changed(struct vms_instance *in, u32 scope,
				       struct vmsched_vm *pvm, struct vmsched_vcpu *pv)
{
	lockdep_assert_held(&in->pool->lock);
	if (!in->ops->param_changed)
		return 0;
	return in->ops->param_changed(&in->sched, scope, pvm, pv);
}

static inline void vms_op_dump(struct vms_instance *in, struct seq_file *m)
{
	lockdep_assert_held(&in->pool->lock);
	if (in->ops->dump)
		in->ops->dump(&in->sched, m);
}

#endif /* _KVM_SCHEDSWAP_POLICY_CALL_H */
