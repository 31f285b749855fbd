// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: /dev/vmsched and its ioctls (uapi/linux/vmsched.h).
 *
 * Every argument struct is size-checked the way sched_setattr() and
 * pidfd's PIDFD_GET_INFO do it (the size comes from the command; older
 * sizes down to *_SIZE_VER0 are accepted, newer ones if the unknown tail is
 * zero). Mutating commands need CAP_SYS_NICE or CAP_SYS_ADMIN. Every
 * command validates all of its input before it changes anything.
 *
 * Context: process context, may sleep (copies to and from user memory,
 * allocation, vms_mutex).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include "core.h"

static_assert(sizeof(struct vmsched_version) == VMSCHED_VERSION_SIZE_VER0);
static_assert(sizeof(struct vmsched_policy_info) == VMSCHED_POLICY_INFO_SIZE_VER0);
static_assert(sizeof(struct vmsched_list) == VMSCHED_LIST_SIZE_VER0);
static_assert(sizeof(struct vmsched_param_info) == VMSCHED_PARAM_INFO_SIZE_VER0);
static_assert(sizeof(struct vmsched_policy_params) == VMSCHED_POLICY_PARAMS_SIZE_VER0);
static_assert(sizeof(struct vmsched_kv) == VMSCHED_KV_SIZE_VER0);
static_assert(sizeof(struct vmsched_activate) == VMSCHED_ACTIVATE_SIZE_VER1);
static_assert(offsetof(struct vmsched_activate, pool) == VMSCHED_ACTIVATE_SIZE_VER0);
static_assert(sizeof(struct vmsched_params) == VMSCHED_PARAMS_SIZE_VER1);
static_assert(offsetof(struct vmsched_params, pool) == VMSCHED_PARAMS_SIZE_VER0);
static_assert(sizeof(struct vmsched_status) == VMSCHED_STATUS_SIZE_VER0);
static_assert(sizeof(struct vmsched_vcpu_stats) == VMSCHED_VCPU_STATS_SIZE_VER1);
static_assert(sizeof(struct vmsched_vm_stats) == VMSCHED_VM_STATS_SIZE_VER2);
static_assert(offsetof(struct vmsched_vm_stats, pool) == VMSCHED_VM_STATS_SIZE_VER1);
static_assert(offsetof(struct vmsched_vcpu_stats, lat_sum_ns) == VMSCHED_VCPU_STATS_SIZE_VER0);
static_assert(offsetof(struct vmsched_vm_stats, lat_sum_ns) == VMSCHED_VM_STATS_SIZE_VER0);
static_assert(sizeof(struct vmsched_stats) == VMSCHED_STATS_SIZE_VER1);
static_assert(offsetof(struct vmsched_stats, pool) == VMSCHED_STATS_SIZE_VER0);
static_assert(sizeof(struct vmsched_pool_cpus) == VMSCHED_POOL_CPUS_SIZE_VER0);
static_assert(sizeof(struct vmsched_pool_ref) == VMSCHED_POOL_REF_SIZE_VER0);
static_assert(sizeof(struct vmsched_pool_info) == VMSCHED_POOL_INFO_SIZE_VER0);
static_assert(sizeof(struct vmsched_pool_move) == VMSCHED_POOL_MOVE_SIZE_VER0);
static_assert(VMSCHED_NAME_MAX == VMSCHED_NAME_LEN);

/* the argument of one command, as userspace passed it */
struct vms_arg {
	void __user *uptr;
	size_t usize;
};

static int vms_copy_in(void *karg, size_t ksize, const struct vms_arg *a, size_t ver0)
{
	if (a->usize < ver0)
		return -EINVAL;
	return copy_struct_from_user(karg, ksize, a->uptr, a->usize);
}

static int vms_copy_out(const struct vms_arg *a, const void *karg, size_t ksize)
{
	return copy_to_user(a->uptr, karg, min(a->usize, ksize)) ? -EFAULT : 0;
}

/* copy @n elements of @ksize bytes from @kbuf into a user array described by @l */
int vms_copy_array_out(const struct vmsched_list *l, const void *kbuf, size_t ksize,
			      unsigned int n)
{
	size_t esize = min_t(size_t, l->entry_size, ksize);
	void __user *dst = u64_to_user_ptr(l->buf);
	unsigned int i;

	for (i = 0; i < n && i < l->count; i++) {
		if (copy_to_user(dst + (size_t)i * l->entry_size, kbuf + i * ksize, esize))
			return -EFAULT;
		/* zero what a newer userspace expects beyond our struct */
		if (l->entry_size > ksize &&
		    clear_user(dst + (size_t)i * l->entry_size + ksize, l->entry_size - ksize))
			return -EFAULT;
	}
	return 0;
}

static int vms_check_list(const struct vmsched_list *l, size_t ver0)
{
	if (l->count && (l->entry_size < ver0 || l->entry_size > PAGE_SIZE))
		return -EINVAL;
	if (l->count > 65536)
		return -EINVAL;
	return 0;
}

/* read @n key/value pairs of @kv_size bytes each from userspace */
static int vms_copy_kv_in(struct vmsched_kv *kv, u64 uptr, u32 n, u32 kv_size)
{
	u32 i;
	int ret;

	if (n > VMSCHED_MAX_KV)
		return -EINVAL;
	if (n && (kv_size < VMSCHED_KV_SIZE_VER0 || kv_size > PAGE_SIZE))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		ret = copy_struct_from_user(&kv[i], sizeof(kv[i]),
					    u64_to_user_ptr(uptr) + (size_t)i * kv_size, kv_size);
		if (ret)
			return ret;
		if (strnlen(kv[i].key, sizeof(kv[i].key)) == sizeof(kv[i].key) || !kv[i].key[0])
			return -EINVAL;
	}
	return 0;
}

static bool vms_valid_string(const char *s, size_t len)
{
	return strnlen(s, len) < len && s[0];
}

/* a pool name as a call passes it: "" (the default pool) or a valid name */
static bool vms_valid_pool(const char *s, size_t len)
{
	return !s[0] || (strnlen(s, len) < len && vms_pool_name_valid(s));
}

/* ---- commands ------------------------------------------------------------ */

static int vms_cmd_version(const struct vms_arg *a)
{
	struct vmsched_version v = {
		.major = VMSCHED_ABI_MAJOR,
		.minor = VMSCHED_ABI_MINOR,
	};

	if (a->usize < VMSCHED_VERSION_SIZE_VER0)
		return -EINVAL;
	strscpy(v.release, THIS_MODULE->version ? THIS_MODULE->version : "", sizeof(v.release));
	return vms_copy_out(a, &v, sizeof(v));
}

struct vms_policy_walk {
	struct vmsched_policy_info *buf;
	unsigned int n, cap;
	struct vmsched_ops *active;
};

static int vms_policy_walk_fn(struct vmsched_ops *ops, void *arg)
{
	struct vms_policy_walk *w = arg;
	struct vmsched_policy_info *pi;

	if (w->n < w->cap) {
		pi = &w->buf[w->n];
		strscpy(pi->name, ops->name, sizeof(pi->name));
		strscpy(pi->description, ops->description ? ops->description : "",
			sizeof(pi->description));
		pi->flags = ops == w->active ? VMSCHED_POLICY_ACTIVE : 0;
		pi->nr_params = ops->nr_params;
	}
	w->n++;
	return 0;
}

static int vms_cmd_list_policies(const struct vms_arg *a)
{
	struct vms_policy_walk w = { 0 };
	struct vmsched_list l;
	int ret;

	ret = vms_copy_in(&l, sizeof(l), a, VMSCHED_LIST_SIZE_VER0);
	if (!ret)
		ret = vms_check_list(&l, VMSCHED_POLICY_INFO_SIZE_VER0);
	if (ret)
		return ret;
	mutex_lock(&vms_mutex);
	w.cap = min(l.count, vms_nr_policies());
	w.buf = kcalloc(max(w.cap, 1U), sizeof(*w.buf), GFP_KERNEL);
	if (!w.buf) {
		mutex_unlock(&vms_mutex);
		return -ENOMEM;
	}
	w.active = vms_active_ops_locked(vms_default_pool);
	vms_for_each_policy(vms_policy_walk_fn, &w);
	mutex_unlock(&vms_mutex);
	ret = vms_copy_array_out(&l, w.buf, sizeof(*w.buf), min(w.n, w.cap));
	l.count = w.n;
	if (!ret)
		ret = vms_copy_out(a, &l, sizeof(l));
	kfree(w.buf);
	return ret;
}

static int vms_cmd_policy_params(const struct vms_arg *a)
{
	struct vmsched_policy_params pp;
	struct vmsched_param_info *buf;
	const struct vmsched_ops *ops;
	unsigned int i, n;
	int ret;

	ret = vms_copy_in(&pp, sizeof(pp), a, VMSCHED_POLICY_PARAMS_SIZE_VER0);
	if (!ret)
		ret = vms_check_list(&pp.list, VMSCHED_PARAM_INFO_SIZE_VER0);
	if (ret)
		return ret;
	if (!vms_valid_string(pp.name, sizeof(pp.name)))
		return -EINVAL;
	buf = kcalloc(VMSCHED_MAX_PARAMS * VMSCHED_NR_SCOPES, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&vms_mutex);
	ops = vms_find_policy(pp.name);
	n = ops ? ops->nr_params : 0;
	for (i = 0; ops && i < n; i++) {
		strscpy(buf[i].name, ops->params[i].name, sizeof(buf[i].name));
		strscpy(buf[i].help, ops->params[i].help ? ops->params[i].help : "",
			sizeof(buf[i].help));
		buf[i].scope = ops->params[i].scope;
		buf[i].unit = ops->params[i].unit;
		buf[i].min = ops->params[i].min;
		buf[i].max = ops->params[i].max;
		buf[i].def = ops->params[i].def;
	}
	mutex_unlock(&vms_mutex);
	if (!ops) {
		ret = -ENOENT;
	} else {
		ret = vms_copy_array_out(&pp.list, buf, sizeof(*buf), n);
		pp.list.count = n;
		if (!ret)
			ret = vms_copy_out(a, &pp, sizeof(pp));
	}
	kfree(buf);
	return ret;
}

static int vms_cmd_activate(const struct vms_arg *a)
{
	struct vmsched_kv kv[VMSCHED_MAX_KV];
	struct vmsched_activate act;
	struct vms_pool *pool;
	int ret;

	ret = vms_copy_in(&act, sizeof(act), a, VMSCHED_ACTIVATE_SIZE_VER0);
	if (ret)
		return ret;
	if (act.flags || !vms_valid_string(act.name, sizeof(act.name)) ||
	    !vms_valid_pool(act.pool, sizeof(act.pool)))
		return -EINVAL;
	ret = vms_copy_kv_in(kv, act.params, act.nr_params, act.kv_size);
	if (ret)
		return ret;
	mutex_lock(&vms_mutex);
	pool = vms_find_pool(act.pool);
	ret = pool ? vms_activate(pool, act.name, kv, act.nr_params) : -ENOENT;
	mutex_unlock(&vms_mutex);
	return ret;
}

/* deactivate pool @name's policy ("": the default pool's) */
static int vms_deactivate_pool(const char *name)
{
	struct vms_pool *pool;

	mutex_lock(&vms_mutex);
	pool = vms_find_pool(name);
	if (pool)
		vms_deactivate_locked(pool);
	mutex_unlock(&vms_mutex);
	return pool ? 0 : -ENOENT;
}

/* the figures of @pool; vms_mutex held */
static void vms_pool_figures(struct vms_pool *pool, struct vmsched_pool_info *pi)
{
	struct vms_instance *in;
	unsigned long flags;

	strscpy(pi->name, pool->name, sizeof(pi->name));
	pi->swaps = pool->swaps;
	pi->last_swap_ns = pool->last_swap_ns;
	pi->max_swap_ns = pool->max_swap_ns;
	strscpy(pi->last_ejected, pool->last_ejected, sizeof(pi->last_ejected));
	bitmap_copy((unsigned long *)pi->cpus, cpumask_bits(pool->cpus),
		    min_t(unsigned int, nr_cpu_ids, VMSCHED_CPU_WORDS * 64));
	raw_spin_lock_irqsave(&pool->lock, flags);
	in = vms_instance_locked(pool);
	if (in)
		strscpy(pi->active, in->ops->name, sizeof(pi->active));
	pi->nr_cpus = cpumask_weight(pool->slot_cpus);
	pi->nr_vms = pool->nr_vms;
	pi->nr_vcpus = pool->nr_vcpus;
	pi->nr_granted = pool->nr_granted;
	pi->nr_gated = vms_nr_gated_locked(pool);
	pi->watchdog_events = pool->watchdog_events;
	pi->policy_errors = pool->policy_errors;
	pi->watchdog_ns = vms_watchdog_limit(in);
	raw_spin_unlock_irqrestore(&pool->lock, flags);
}

static int vms_cmd_status(const struct vms_arg *a)
{
	struct vmsched_status st = { 0 };
	struct vmsched_pool_info *pi;

	if (a->usize < VMSCHED_STATUS_SIZE_VER0)
		return -EINVAL;
	pi = kzalloc(sizeof(*pi), GFP_KERNEL);
	if (!pi)
		return -ENOMEM;
	/* the default pool's figures, and the host's counts */
	mutex_lock(&vms_mutex);
	st.nr_policies = vms_nr_policies();
	vms_pool_figures(vms_default_pool, pi);
	st.nr_vms = READ_ONCE(vms_nr_vms);
	st.nr_vcpus = READ_ONCE(vms_nr_vcpus);
	mutex_unlock(&vms_mutex);
	strscpy(st.active, pi->active, sizeof(st.active));
	st.nr_slots = pi->nr_cpus;
	st.nr_granted = pi->nr_granted;
	st.nr_gated = pi->nr_gated;
	st.swaps = pi->swaps;
	st.last_swap_ns = pi->last_swap_ns;
	st.max_swap_ns = pi->max_swap_ns;
	st.watchdog_events = pi->watchdog_events;
	st.watchdog_ns = pi->watchdog_ns;
	st.policy_errors = pi->policy_errors;
	strscpy(st.last_ejected, pi->last_ejected, sizeof(st.last_ejected));
	kfree(pi);
	return vms_copy_out(a, &st, sizeof(st));
}

static int vms_cmd_params(const struct vms_arg *a, bool set)
{
	struct vmsched_kv kv[VMSCHED_MAX_KV];
	struct vmsched_params p;
	struct vmsched_list l;
	unsigned int n;
	int ret;

	ret = vms_copy_in(&p, sizeof(p), a, VMSCHED_PARAMS_SIZE_VER0);
	if (ret)
		return ret;
	if (p.flags || p.scope >= VMSCHED_NR_SCOPES || p.nr_params > VMSCHED_MAX_KV ||
	    !vms_valid_pool(p.pool, sizeof(p.pool)))
		return -EINVAL;
	if (p.scope != VMSCHED_SCOPE_GLOBAL && p.pid <= 0)
		return -ESRCH;
	/* bounded like list elements: the unknown tail is read or cleared in full */
	if (p.nr_params && (p.kv_size < VMSCHED_KV_SIZE_VER0 || p.kv_size > PAGE_SIZE))
		return -EINVAL;
	if (set) {
		ret = vms_copy_kv_in(kv, p.params, p.nr_params, p.kv_size);
		if (ret)
			return ret;
		mutex_lock(&vms_mutex);
		ret = vms_set_params(p.pool, p.scope, p.pid, p.vcpu_id, kv, p.nr_params);
		mutex_unlock(&vms_mutex);
		return ret;
	}
	memset(kv, 0, sizeof(kv));
	n = p.nr_params;
	mutex_lock(&vms_mutex);
	ret = vms_get_params(p.pool, p.scope, p.pid, p.vcpu_id, kv, &n);
	mutex_unlock(&vms_mutex);
	if (ret)
		return ret;
	l = (struct vmsched_list){ .buf = p.params, .count = p.nr_params,
				   .entry_size = p.kv_size };
	ret = vms_copy_array_out(&l, kv, sizeof(kv[0]), min(n, p.nr_params));
	p.nr_params = n;
	if (!ret)
		ret = vms_copy_out(a, &p, sizeof(p));
	return ret;
}

static int vms_cmd_stats(const struct vms_arg *a)
{
	struct vmsched_stats s;
	int ret;

	ret = vms_copy_in(&s, sizeof(s), a, VMSCHED_STATS_SIZE_VER0);
	/* elements from the 2.0 size up: an older binary gets what it knows */
	if (!ret)
		ret = vms_check_list(&s.vms, VMSCHED_VM_STATS_SIZE_VER0);
	if (!ret)
		ret = vms_check_list(&s.vcpus, VMSCHED_VCPU_STATS_SIZE_VER0);
	if (ret)
		return ret;
	if (s.flags || s.pid < 0 || !vms_valid_pool(s.pool, sizeof(s.pool)))
		return -EINVAL;
	ret = vms_stats_snapshot(&s);
	if (!ret)
		ret = vms_copy_out(a, &s, sizeof(s));
	return ret;
}

/* ---- pools --------------------------------------------------------------- */

static int vms_cmd_pool_create(const struct vms_arg *a)
{
	struct vmsched_pool_cpus *pc;
	cpumask_var_t cpus;
	unsigned int bits = VMSCHED_CPU_WORDS * 64;
	int ret;

	pc = kzalloc(sizeof(*pc), GFP_KERNEL);
	if (!pc)
		return -ENOMEM;
	ret = vms_copy_in(pc, sizeof(*pc), a, VMSCHED_POOL_CPUS_SIZE_VER0);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (pc->flags || pc->reserved || !vms_valid_string(pc->name, sizeof(pc->name)))
		goto out;
	/* no CPU beyond the kernel's */
	if (nr_cpu_ids < bits &&
	    find_next_bit((unsigned long *)pc->cpus, bits, nr_cpu_ids) < bits)
		goto out;
	ret = -ENOMEM;
	if (!zalloc_cpumask_var(&cpus, GFP_KERNEL))
		goto out;
	bitmap_copy(cpumask_bits(cpus), (unsigned long *)pc->cpus, min(nr_cpu_ids, bits));
	ret = vms_pool_create(pc->name, cpus);
	free_cpumask_var(cpus);
out:
	kfree(pc);
	return ret;
}

static int vms_pool_ref_in(const struct vms_arg *a, struct vmsched_pool_ref *r)
{
	int ret = vms_copy_in(r, sizeof(*r), a, VMSCHED_POOL_REF_SIZE_VER0);

	if (ret)
		return ret;
	if (r->flags || r->reserved || !vms_valid_pool(r->name, sizeof(r->name)))
		return -EINVAL;
	return 0;
}

static int vms_cmd_pool_destroy(const struct vms_arg *a)
{
	struct vmsched_pool_ref r;
	int ret = vms_pool_ref_in(a, &r);

	return ret ? ret : vms_pool_destroy(r.name);
}

static int vms_cmd_pool_deactivate(const struct vms_arg *a)
{
	struct vmsched_pool_ref r;
	int ret = vms_pool_ref_in(a, &r);

	return ret ? ret : vms_deactivate_pool(r.name);
}

static int vms_cmd_pool_list(const struct vms_arg *a)
{
	struct vmsched_pool_info *buf;
	struct vms_pool *pool;
	struct vmsched_list l;
	unsigned int n = 0, cap;
	int ret;

	ret = vms_copy_in(&l, sizeof(l), a, VMSCHED_LIST_SIZE_VER0);
	if (!ret)
		ret = vms_check_list(&l, VMSCHED_POOL_INFO_SIZE_VER0);
	if (ret)
		return ret;
	mutex_lock(&vms_mutex);
	list_for_each_entry(pool, &vms_pools, node)
		n++;
	cap = min(l.count, n);
	buf = kvcalloc(max(cap, 1U), sizeof(*buf), GFP_KERNEL);
	if (!buf) {
		mutex_unlock(&vms_mutex);
		return -ENOMEM;
	}
	n = 0;
	list_for_each_entry(pool, &vms_pools, node) {
		if (n < cap)
			vms_pool_figures(pool, &buf[n]);
		n++;
	}
	mutex_unlock(&vms_mutex);
	ret = vms_copy_array_out(&l, buf, sizeof(*buf), min(n, cap));
	l.count = n;
	if (!ret)
		ret = vms_copy_out(a, &l, sizeof(l));
	kvfree(buf);
	return ret;
}

static int vms_cmd_pool_move(const struct vms_arg *a)
{
	struct vmsched_pool_move m;
	int ret;

	ret = vms_copy_in(&m, sizeof(m), a, VMSCHED_POOL_MOVE_SIZE_VER0);
	if (ret)
		return ret;
	if (m.flags || !vms_valid_pool(m.pool, sizeof(m.pool)))
		return -EINVAL;
	if (m.pid <= 0)
		return -ESRCH;
	return vms_pool_move(m.pid, m.pool);
}

/* ---- dispatch ------------------------------------------------------------ */

static bool vms_may_change(void)
{
	return capable(CAP_SYS_NICE) || capable(CAP_SYS_ADMIN);
}

static long vms_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct vms_arg a = { .uptr = u64_to_user_ptr((u64)arg), .usize = _IOC_SIZE(cmd) };
	unsigned int dir = _IOC_DIR(cmd);

	if (_IOC_TYPE(cmd) != VMSCHED_IOC_MAGIC)
		return -ENOTTY;

	switch (_IOC_NR(cmd)) {
	case _IOC_NR(VMSCHED_IOC_VERSION):
		return dir == _IOC_READ ? vms_cmd_version(&a) : -ENOTTY;
	case _IOC_NR(VMSCHED_IOC_LIST_POLICIES):
		return dir == (_IOC_READ | _IOC_WRITE) ? vms_cmd_list_policies(&a) : -ENOTTY;
	case _IOC_NR(VMSCHED_IOC_POLICY_PARAMS):
		return dir == (_IOC_READ | _IOC_WRITE) ? vms_cmd_policy_params(&a) : -ENOTTY;
	case _IOC_NR(VMSCHED_IOC_ACTIVATE):
		if (dir != _IOC_WRITE)
			return -ENOTTY;
		return vms_may_change() ? vms_cmd_activate(&a) : -EPERM;
	case _IOC_NR(VMSCHED_IOC_DEACTIVATE):
		if (cmd != VMSCHED_IOC_DEACTIVATE)
			return -ENOTTY;
		return vms_may_change() ? vms_deactivate_pool("") : -EPERM;
	case _IOC_NR(VMSCHED_IOC_STATUS):
		return dir == _IOC_READ ? vms_cmd_status(&a) : -ENOTTY;
	case _IOC_NR(VMSCHED_IOC_SET_PARAMS):
		if (dir != _IOC_WRITE)
			return -ENOTTY;
		return vms_may_change() ? vms_cmd_params(&a, true) : -EPERM;
	case _IOC_NR(VMSCHED_IOC_GET_PARAMS):
		return dir == (_IOC_READ | _IOC_WRITE) ? vms_cmd_params(&a, false) : -ENOTTY;
	case _IOC_NR(VMSCHED_IOC_STATS):
		return dir == (_IOC_READ | _IOC_WRITE) ? vms_cmd_stats(&a) : -ENOTTY;
	case _IOC_NR(VMSCHED_IOC_POOL_CREATE):
		if (dir != _IOC_WRITE)
			return -ENOTTY;
		return vms_may_change() ? vms_cmd_pool_create(&a) : -EPERM;
	case _IOC_NR(VMSCHED_IOC_POOL_DESTROY):
		if (dir != _IOC_WRITE)
			return -ENOTTY;
		return vms_may_change() ? vms_cmd_pool_destroy(&a) : -EPERM;
	case _IOC_NR(VMSCHED_IOC_POOL_DEACTIVATE):
		if (dir != _IOC_WRITE)
			return -ENOTTY;
		return vms_may_change() ? vms_cmd_pool_deactivate(&a) : -EPERM;
	case _IOC_NR(VMSCHED_IOC_POOL_LIST):
		return dir == (_IOC_READ | _IOC_WRITE) ? vms_cmd_pool_list(&a) : -ENOTTY;
	case _IOC_NR(VMSCHED_IOC_POOL_MOVE):
		if (dir != _IOC_WRITE)
			return -ENOTTY;
		return vms_may_change() ? vms_cmd_pool_move(&a) : -EPERM;
	}
	return -ENOTTY;
}

static const struct file_operations vms_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = vms_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice vms_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmsched",
	.fops = &vms_fops,
	.mode = 0600,
};

int vms_dev_init(void)
{
	return misc_register(&vms_misc);
}

void vms_dev_exit(void)
{
	misc_deregister(&vms_misc);
}
