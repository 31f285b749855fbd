// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: finding vCPUs through KVM's own hooks, and their lifetime.
 *
 * Design
 * ------
 * A probe on KVM's kvm_entry tracepoint runs in every vCPU thread before
 * each guest entry. An unknown vCPU is discovered there, whether a policy
 * is active or not (an admin sees the host's VMs and what Linux gives them
 * before choosing a policy): the core takes a reference on its VM
 * (kvm_get_kvm_safe, so the struct kvm and all its vCPUs stay valid) and
 * on its thread, and attaches it to the active policy if there is one. A
 * kprobe on kvm_vcpu_halt() tells the core that a vCPU halts, so that it
 * gives its slot back at once.
 *
 * Both hooks are registered while the core is loaded: registering them
 * patches kernel text, which stalled a loaded host for seconds in our tests,
 * so activation must not do it. With no policy active the probe looks the
 * vCPU up (an RCU hash lookup by address) and returns; so does the halt
 * probe, after a look at its pool's active pointer. The benchmark's overhead
 * scenario measures that cost.
 *
 * VMs end when their VMM closes the VM and vCPU file descriptors (normally
 * or by dying): then the core's reference is the last one. The reaper, a
 * delayed work, notices that, detaches the VM from the policy, drains its
 * vCPUs' gate work and drops the reference, which destroys the VM. That
 * last kvm_put_kvm() runs in a kworker; KVM allows it from any process
 * context (irqfd and VFIO drop the last reference from workers too):
 * kvm_destroy_vm() unregisters from the VMM's mm through its own
 * reference, and on VMX every loaded VMCS is cleared on its CPU by IPI.
 *
 * What the gate does not see: on Intel VMX, a vCPU whose state needs KVM's
 * instruction emulator (emulation_required: real mode on a CPU without
 * unrestricted guest, or invalid guest state) returns from vmx_vcpu_run()
 * before trace_kvm_entry, so it is not gated while KVM emulates it; it
 * does not run guest code then, only the host's emulator in its thread,
 * whose CPU time is charged at its next grant. Every VMX CPU of the last
 * decade has unrestricted guest, where only invalid guest state (a VMM
 * bug) takes that path; SVM has no such path.
 *
 * Context: the probe runs with IRQs and preemption off and must not sleep;
 * discovery allocates with GFP_ATOMIC once per vCPU, never per entry. The
 * reaper runs in process context and may sleep (it waits for gate work to
 * finish, for an RCU grace period, and kvm_put_kvm() may destroy the VM).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>
#include "compat.h"
#include "core.h"

/*
 * vCPUs by struct kvm_vcpu pointer, and the same vCPUs by their own
 * address (vms_known_vcpu): written under vms_vms_lock, read under RCU.
 * 8192 buckets each (64 KiB): a host of 10,000 vCPUs has 1.2 per bucket
 * on average. Not an rhashtable: its inserts take bottom-half locks on
 * 6.1, and vCPUs are found in the kvm_entry probe with IRQs off.
 */
#define VMS_VCPU_HASH_BITS	13
static DEFINE_HASHTABLE(vms_vcpu_hash, VMS_VCPU_HASH_BITS);
static DEFINE_HASHTABLE(vms_self_hash, VMS_VCPU_HASH_BITS);

extern struct tracepoint __tracepoint_kvm_entry;

struct vms_vcpu *vms_lookup(struct kvm_vcpu *vcpu)
{
	struct vms_vcpu *vc;

	hash_for_each_possible_rcu_notrace(vms_vcpu_hash, vc, hnode, (unsigned long)vcpu)
		if (vc->vcpu == vcpu)
			return vc;
	return NULL;
}

/*
 * Is @vc a vCPU of @pool? Addresses are compared before anything is read
 * through @vc: it may come from a policy and point anywhere, freed memory
 * included. @pool's lock held (IRQs off: an RCU read-side section).
 */
bool vms_known_vcpu(const struct vms_pool *pool, const struct vms_vcpu *vc)
{
	struct vms_vcpu *x;

	lockdep_assert_held(&pool->lock);
	hash_for_each_possible_rcu(vms_self_hash, x, self_node, (unsigned long)vc)
		if (x == vc)
			return x->vm->pool == pool;
	return false;
}

/*
 * Process @nr as the caller of an ioctl names it: in its own pid namespace
 * (a number reused by a new process is a new struct pid, so a VM is never
 * mistaken for another process's). NULL if there is none. Under RCU.
 */
struct pid *vms_caller_pid(pid_t nr)
{
	return nr > 0 ? find_vpid(nr) : NULL;
}

/* is @vm visible to the caller, and the VM of @want if that is set? */
bool vms_vm_selected(const struct vms_vm *vm, const struct pid *want)
{
	if (want)
		return vm->tgid == want;
	return pid_vnr(vm->tgid) != 0;
}

/*
 * The VM of process @nr (in the caller's pid namespace); under RCU, or
 * vms_mutex for a VM that must stay (only the reaper frees VMs, under it).
 * ERR_PTR(-ESRCH) if there is none, ERR_PTR(-ENOTUNIQ) if that process
 * runs several VMs: a pid cannot say which one is meant.
 */
struct vms_vm *vms_find_vm(pid_t nr)
{
	struct pid *want = vms_caller_pid(nr);
	struct vms_vm *vm, *found = NULL;

	if (!want)
		return ERR_PTR(-ESRCH);
	list_for_each_entry_rcu(vm, &vms_vms, node, lockdep_is_held(&vms_mutex)) {
		if (vm->tgid != want)
			continue;
		if (found)
			return ERR_PTR(-ENOTUNIQ);
		found = vm;
	}
	return found ? found : ERR_PTR(-ESRCH);
}

/* vms_vms_lock held */
static struct vms_vm *vms_find_kvm(struct kvm *kvm)
{
	struct vms_vm *vm;

	list_for_each_entry(vm, &vms_vms, node)
		if (vm->kvm == kvm)
			return vm;
	return NULL;
}

static void vms_kick_fn(struct irq_work *w)
{
	/* nothing to do: the interrupt itself made the vCPU leave the guest */
}

static void vms_vcpu_free_masks(struct vms_vcpu *vc)
{
	free_cpumask_var(vc->applied_cpus);
	free_cpumask_var(vc->home_cpus);
	free_cpumask_var(vc->cpus);
}

/* the CPU masks of a new vCPU; GFP_ATOMIC, in the probe */
static bool vms_vcpu_alloc_masks(struct vms_vcpu *vc)
{
	if (zalloc_cpumask_var(&vc->cpus, GFP_ATOMIC | __GFP_NOWARN) &&
	    zalloc_cpumask_var(&vc->home_cpus, GFP_ATOMIC | __GFP_NOWARN) &&
	    zalloc_cpumask_var(&vc->applied_cpus, GFP_ATOMIC | __GFP_NOWARN))
		return true;
	vms_vcpu_free_masks(vc);
	return false;
}

/* a new VM: reference its struct kvm; GFP_ATOMIC, in the probe */
static struct vms_vm *vms_new_vm(struct kvm *kvm)
{
	struct vms_vm *vm = kzalloc(sizeof(*vm), GFP_ATOMIC | __GFP_NOWARN);

	if (!vm)
		return NULL;
	if (!kvm_get_kvm_safe(kvm)) {
		kfree(vm);
		return NULL;
	}
	/* the vCPU thread's process: KVM's userspace_pid is the VM creator's */
	vm->kvm = kvm;
	vm->tgid = get_pid(task_tgid(current));
	vm->pid = pid_nr(vm->tgid);
	strscpy(vm->comm, current->group_leader->comm, sizeof(vm->comm));
	INIT_LIST_HEAD(&vm->vcpus);
	vm->pool = vms_default_pool;
	return vm;
}

/*
 * First sight of @vcpu in its own thread (kvm_entry probe, IRQs off):
 * allocate, reference the VM and the thread, attach to the active policy.
 * Returns NULL if memory is short; the next entry tries again.
 */
struct vms_vcpu *vms_discover(struct kvm_vcpu *vcpu)
{
	struct vms_vm *vm, *new_vm = NULL;
	struct vms_instance *in;
	struct vms_pool *pool;
	struct vms_vcpu *vc;
	u64 now = ktime_get_ns();

	vc = kzalloc(sizeof(*vc), GFP_ATOMIC | __GFP_NOWARN);
	if (!vc)
		return NULL;
	if (!vms_vcpu_alloc_masks(vc)) {
		kfree(vc);
		return NULL;
	}
	vc->vcpu = vcpu;
	vc->vcpu_id = vcpu->vcpu_id;
	vc->task = current;
	vc->tid = task_pid_nr(current);
	vms_vcpu_init_sched(vc);
	mutex_init(&vc->confine_lock);
	init_irq_work(&vc->kick, vms_kick_fn);
	atomic_set(&vc->gate_queued, 0);

	raw_spin_lock(&vms_vms_lock);
	vm = vms_find_kvm(vcpu->kvm);
	if (!vm) {
		raw_spin_unlock(&vms_vms_lock);
		new_vm = vms_new_vm(vcpu->kvm);
		if (!new_vm) {
			vms_vcpu_free_masks(vc);
			kfree(vc);
			return NULL;
		}
		raw_spin_lock(&vms_vms_lock);
		vm = vms_find_kvm(vcpu->kvm);	/* raced with another vCPU? */
	}
	pool = vm ? vm->pool : new_vm->pool;	/* stable: moves take vms_vms_lock */
	raw_spin_lock(&pool->lock);
	if (!vm) {
		vm = new_vm;
		new_vm = NULL;
		list_add_tail_rcu(&vm->node, &vms_vms);
		list_add_tail(&vm->pool_node, &pool->vms);
		pool->nr_vms++;
		vms_nr_vms++;
	}
	/* only this thread (it holds vcpu->mutex in KVM_RUN) discovers @vcpu */
	get_task_struct(current);
	vc->tpid = get_pid(task_pid(current));
	vc->vm = vm;
	list_add_tail(&vc->vm_node, &vm->vcpus);
	vm->nr_vcpus++;
	pool->nr_vcpus++;
	vms_nr_vcpus++;
	hash_add_rcu(vms_vcpu_hash, &vc->hnode, (unsigned long)vcpu);
	hash_add_rcu(vms_self_hash, &vc->self_node, (unsigned long)vc);
	in = vms_instance_locked(pool);
	if (in) {
		if (!vm->attached[in->slot])
			vms_attach_vm(in, vm, now);
		vms_attach_vcpu(in, vc, now);
	}
	raw_spin_unlock(&pool->lock);
	raw_spin_unlock(&vms_vms_lock);
	if (new_vm) {
		/* lost the race; the reference cannot be the last one here */
		kvm_put_kvm_no_destroy(new_vm->kvm);
		put_pid(new_vm->tgid);
		kfree(new_vm);
	}
	return vc;
}

/* ---- the hooks ----------------------------------------------------------- */

/* kvm_entry: IRQs off, preemption off, current is the vCPU thread */
static void vms_probe_entry(void *data, VMS_KVM_ENTRY_PROTO)
{
	struct vms_instance *in;
	struct vms_pool *pool;
	struct vms_vcpu *vc;
	bool granted;

	/*
	 * Every vCPU is known from its first entry, a policy active or not,
	 * so that an admin sees the host's VMs before choosing one
	 */
	vc = vms_lookup(vcpu);
	if (unlikely(!vc)) {
		vc = vms_discover(vcpu);
		if (!vc)
			return;
	}
	if (unlikely(vc->task != current))
		vms_track_rethread(vc);
	pool = READ_ONCE(vc->vm->pool);
	/* on another pool's CPU: the gate narrows its affinity first (confine.c) */
	if (vms_confine_wanted(vc, pool) && !READ_ONCE(vc->confine_pending)) {
		WRITE_ONCE(vc->confine_pending, true);
		vms_gate_request(vc);
		return;
	}
	/* no policy in its pool: the host scheduler decides, nothing more to do */
	if (likely(!rcu_access_pointer(pool->active)))
		return;
	vms_track_here(vc);
	if (likely(READ_ONCE(vc->granted)))
		return;

	/* not granted: try to get a slot right here, else stop at the gate */
	pool = vms_pool_lock_irqsoff(vc->vm);
	in = vms_instance_locked(pool);
	granted = !in || vc->released;
	if (!granted && vc->state != VMS_QUEUED)
		granted = vms_make_runnable(in, vc, ktime_get_ns());
	raw_spin_unlock(&pool->lock);
	if (!granted)
		vms_gate_request(vc);
}

/* kvm_vcpu_halt() entry: the vCPU halts; give its slot back */
static int vms_halt_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct kvm_vcpu *vcpu = (struct kvm_vcpu *)regs_get_kernel_argument(regs, 0);
	struct vms_pool *pool;
	struct vms_vcpu *vc;
	unsigned long flags;

	rcu_read_lock();
	vc = vms_lookup(vcpu);
	if (vc && rcu_access_pointer(READ_ONCE(vc->vm->pool)->active)) {
		pool = vms_pool_lock(vc->vm, &flags);
		if (vms_instance_locked(pool))
			vms_block(vc, ktime_get_ns());
		raw_spin_unlock_irqrestore(&pool->lock, flags);
	}
	rcu_read_unlock();
	return 0;
}

static struct kprobe vms_halt_kprobe = {
	.symbol_name = "kvm_vcpu_halt",
	.pre_handler = vms_halt_pre,
};

/* register the hooks at module load; may sleep (text patching) */
int vms_hooks_register(void)
{
	int ret;

	ret = register_kprobe(&vms_halt_kprobe);
	if (ret) {
		pr_err("cannot probe kvm_vcpu_halt: %d\n", ret);
		return ret;
	}
	ret = tracepoint_probe_register(&__tracepoint_kvm_entry, vms_probe_entry, NULL);
	if (ret) {
		pr_err("cannot attach to the kvm_entry tracepoint: %d\n", ret);
		goto err_halt;
	}
	ret = vms_track_register();
	if (ret)
		goto err_entry;
	return 0;
err_entry:
	tracepoint_probe_unregister(&__tracepoint_kvm_entry, vms_probe_entry, NULL);
	tracepoint_synchronize_unregister();
err_halt:
	unregister_kprobe(&vms_halt_kprobe);
	return ret;
}

/* unregister the hooks and wait until no probe runs; may sleep */
void vms_hooks_unregister(void)
{
	vms_track_unregister();
	tracepoint_probe_unregister(&__tracepoint_kvm_entry, vms_probe_entry, NULL);
	unregister_kprobe(&vms_halt_kprobe);
	tracepoint_synchronize_unregister();
}

/* ---- reaping ------------------------------------------------------------- */

static void vms_free_vcpu(struct rcu_head *rcu)
{
	struct vms_vcpu *vc = container_of(rcu, struct vms_vcpu, rcu);

	put_task_struct(vc->task);
	put_pid(vc->tpid);
	vms_vcpu_free_masks(vc);
	kfree(vc);
}

/*
 * Tear down the VMs on @dead (linked by pool_node), already unlinked from
 * vms_vms and their pools. Process context, no locks held: waits for gate
 * work and two RCU grace periods (for all of them at once), and may
 * destroy the VMs.
 */
static void vms_free_vms(struct list_head *dead)
{
	struct vms_vcpu *vc, *tmp;
	struct vms_vm *vm, *vtmp;

	if (list_empty(dead))
		return;
	synchronize_rcu();	/* no probe finds these vCPUs: none queues gate work */
	list_for_each_entry(vm, dead, pool_node)
		list_for_each_entry(vc, &vm->vcpus, vm_node) {
			vms_gate_drain(vc);
			vms_track_forget(vc);
		}
	synchronize_rcu();	/* no sched_switch probe sees them: none arms a timer */
	list_for_each_entry_safe(vm, vtmp, dead, pool_node) {
		list_for_each_entry_safe(vc, tmp, &vm->vcpus, vm_node) {
			hrtimer_cancel(&vc->stop_timer);
			list_del(&vc->vm_node);
			call_rcu(&vc->rcu, vms_free_vcpu);
		}
		list_del(&vm->pool_node);
		kvm_put_kvm(vm->kvm);
		put_pid(vm->tgid);
		kfree(vm);
	}
}

/* is our reference the last one (VMM closed the VM and all vCPU fds)? */
static bool vms_vm_dead(struct vms_vm *vm)
{
	return refcount_read(&vm->kvm->users_count) == 1;
}

/* @vm leaves its pool and the core's lists; vms_vms_lock and the pool's lock held */
static void vms_unlink_vm(struct vms_pool *pool, struct vms_vm *vm, u64 now)
{
	struct vms_instance *in = vms_instance_locked(pool);
	struct vms_vcpu *vc;

	list_for_each_entry(vc, &vm->vcpus, vm_node) {
		if (in)
			vms_detach_vcpu(in, vc, now);
		vms_set_state(vc, VMS_OUTSIDE);
		WRITE_ONCE(vc->released, true);
		if (vc->in_gate)
			wake_up_process(vc->task);
		hash_del_rcu(&vc->hnode);
		hash_del_rcu(&vc->self_node);
		vms_stats_add(&vm->gone, &vc->stats);
		vms_nr_vcpus--;
		pool->nr_vcpus--;
	}
	if (in)
		vms_detach_vm(in, vm);
	/* its vCPUs' statistics are in vm->gone now: a snapshot must not add them twice */
	vm->unlinked = true;
	list_del(&vm->pool_node);
	pool->nr_vms--;
	list_del_rcu(&vm->node);
	vms_nr_vms--;
}

/*
 * Reap dead VMs (@all: every VM, for module unload). vms_mutex held.
 * Detaches them from their pools' policies under the pools' locks, then
 * frees them.
 */
void vms_reap(bool all)
{
	struct vms_vm *vm, *tmp;
	struct vms_pool *pool;
	unsigned long flags;
	LIST_HEAD(dead);
	u64 now;

	lockdep_assert_held(&vms_mutex);
	raw_spin_lock_irqsave(&vms_vms_lock, flags);
	now = ktime_get_ns();
	list_for_each_entry_safe(vm, tmp, &vms_vms, node) {
		if (!all && !vms_vm_dead(vm))
			continue;
		pool = vm->pool;	/* stable under vms_vms_lock */
		raw_spin_lock(&pool->lock);
		vms_unlink_vm(pool, vm, now);
		vms_dispatch(pool, now);
		raw_spin_unlock(&pool->lock);
		list_add(&vm->pool_node, &dead);
	}
	raw_spin_unlock_irqrestore(&vms_vms_lock, flags);

	vms_free_vms(&dead);
}

#define VMS_REAP_INTERVAL	msecs_to_jiffies(100)

static void vms_reaper_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(vms_reaper, vms_reaper_fn);
static bool vms_reaper_stopping;

static void vms_reaper_fn(struct work_struct *work)
{
	mutex_lock(&vms_mutex);
	vms_reap(false);
	mutex_unlock(&vms_mutex);
	if (!READ_ONCE(vms_reaper_stopping))
		schedule_delayed_work(&vms_reaper, VMS_REAP_INTERVAL);
}

void vms_reaper_start(void)
{
	WRITE_ONCE(vms_reaper_stopping, false);
	schedule_delayed_work(&vms_reaper, VMS_REAP_INTERVAL);
}

void vms_reaper_stop(void)
{
	WRITE_ONCE(vms_reaper_stopping, true);
	cancel_delayed_work_sync(&vms_reaper);
}
