// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmsched calls. Every struct goes in with the size this tool was
 * built with (the ioctl command encodes it), arrays with our element size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dev.h"
#include "main.h"
#include "perm.h"

#define MAX_TRIES	8	/* the kernel's arrays may grow between calls */

static int fd = -1;
static unsigned int abi_minor;	/* of the module behind fd */

int dev_try_open(void)
{
	struct vmsched_version v = { 0 };

	if (fd >= 0)
		return fd;
	fd = open(VMSCHED_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0 && (errno == EACCES || errno == EPERM))
		fd = open(VMSCHED_DEVICE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/*
	 * a module of another major ABI would misread our structs; one from
	 * before 2.0 does not even know our ioctl type
	 */
	if (ioctl(fd, VMSCHED_IOC_VERSION, &v) ? errno == ENOTTY : v.major != VMSCHED_ABI_MAJOR) {
		close(fd);
		fd = -1;
		return -EPROTO;
	}
	abi_minor = v.minor;
	return fd;
}

void dev_close(void)
{
	if (fd >= 0)
		close(fd);
	fd = -1;
}

unsigned int dev_abi_minor(void)
{
	return fd >= 0 ? abi_minor : 0;
}

int dev_fd(void)
{
	char why[256];
	int err;

	if (fd >= 0)
		return fd;
	err = -dev_try_open();
	if (err <= 0)
		return fd;
	if (err == ENOENT || err == ENXIO || err == ENODEV)
		op_err("%s not found: is kvm_schedswap loaded? (modprobe kvm_schedswap)",
		       VMSCHED_DEVICE);
	else if (err == EPROTO)
		op_err("the loaded kvm_schedswap speaks another major uapi version than "
		       "vmsched (%d.%d): install matching versions", VMSCHED_ABI_MAJOR,
		       VMSCHED_ABI_MINOR);
	else if (err == EACCES || err == EPERM)
		op_err("cannot open %s: permission denied: %s", VMSCHED_DEVICE,
		       perm_open_why_here(why, sizeof(why)));
	else
		op_err("cannot open %s: %s", VMSCHED_DEVICE, strerror(err));
	return -1;
}

static int xioctl(unsigned long cmd, void *arg)
{
	if (dev_fd() < 0)
		return DEV_REPORTED;
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* @cmd with the struct size @size encoded instead of this header's */
static unsigned long ioc_sized(unsigned long cmd, size_t size)
{
	return (cmd & ~((unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
	       ((unsigned long)size << _IOC_SIZESHIFT);
}

bool dev_has_pools(void)
{
	return dev_try_open() >= 0 && abi_minor >= 2;
}

bool pool_is_default(const char *pool)
{
	return !pool || !*pool || !strcmp(pool, VMSCHED_POOL_DEFAULT);
}

/*
 * a call that names @pool in a struct of @size bytes (@old before 2.2):
 * the pool's field only for a module that knows it; -EOPNOTSUPP for
 * another pool than the default one on an older module
 */
static int pooled(unsigned long cmd, void *arg, size_t old, char *field, const char *pool)
{
	if (dev_fd() < 0)
		return DEV_REPORTED;
	if (abi_minor < 2) {
		if (!pool_is_default(pool))
			return -EOPNOTSUPP;
		return xioctl(ioc_sized(cmd, old), arg);
	}
	if (pool && *pool) {
		if (strlen(pool) >= VMSCHED_NAME_MAX)
			return -ENOENT;
		snprintf(field, VMSCHED_NAME_MAX, "%s", pool);
	}
	return xioctl(cmd, arg);
}

int dev_err(const char *what, int err)
{
	char why[256];

	if (err == DEV_REPORTED)
		return EXIT_FAIL;
	switch (-err) {
	case EPERM:
	case EACCES:
		return op_err("%s: permission denied: %s", what,
			      perm_call_why_here(why, sizeof(why)));
	case ENODEV:
		return op_err("%s: no policy is active (vmsched activate POLICY)", what);
	case EBUSY:
		return op_err("%s: a policy swap is in progress, try again", what);
	case ENOTTY:
		return op_err("%s: not supported by the loaded kvm_schedswap (older ABI?)", what);
	case EOPNOTSUPP:
		return op_err("%s: " DEV_NO_POOLS_FMT, what, abi_minor);
	case E2BIG:
		return op_err("%s: the loaded kvm_schedswap is older than vmsched and refused "
			      "a field it does not know", what);
	default:
		return op_err("%s: %s", what, strerror(-err));
	}
}

/*
 * Fill the array of @l: start with @cap elements, and ask again with the
 * size the kernel reported while it does not fit.
 */
static int dev_array(unsigned long cmd, void *arg, struct vmsched_list *l, size_t esz,
		     unsigned int cap, void **out, unsigned int *n)
{
	void *buf = NULL;
	int tries, ret;

	for (tries = 0; tries < MAX_TRIES; tries++) {
		free(buf);
		buf = calloc(cap ? cap : 1, esz);
		if (!buf)
			return -ENOMEM;
		l->buf = (uintptr_t)buf;
		l->count = cap;
		l->entry_size = esz;
		ret = xioctl(cmd, arg);
		if (ret) {
			free(buf);
			return ret;
		}
		if (l->count <= cap) {
			*out = buf;
			*n = l->count;
			return 0;
		}
		cap = l->count + 8;
	}
	free(buf);
	return -EAGAIN;
}

int dev_read_version(struct vmsched_version *v)
{
	int f = open(VMSCHED_DEVICE, O_RDONLY | O_CLOEXEC), ret;

	memset(v, 0, sizeof(*v));
	if (f < 0)
		return -errno;
	ret = ioctl(f, VMSCHED_IOC_VERSION, v) ? -errno : 0;
	close(f);
	return ret;
}

int dev_version(struct vmsched_version *v)
{
	memset(v, 0, sizeof(*v));
	return xioctl(VMSCHED_IOC_VERSION, v);
}

int dev_list_policies(struct vmsched_policy_info **out, unsigned int *n)
{
	struct vmsched_list l = { 0 };

	return dev_array(VMSCHED_IOC_LIST_POLICIES, &l, &l, sizeof(**out), 16,
			 (void **)out, n);
}

int dev_policy_params(const char *policy, struct vmsched_param_info **out, unsigned int *n)
{
	struct vmsched_policy_params p = { 0 };

	snprintf(p.name, sizeof(p.name), "%s", policy);
	if (strlen(policy) >= sizeof(p.name))
		return -ENOENT;
	return dev_array(VMSCHED_IOC_POLICY_PARAMS, &p, &p.list, sizeof(**out), 16,
			 (void **)out, n);
}

int dev_activate(const char *pool, const char *policy, const struct vmsched_kv *kv,
		 unsigned int n)
{
	struct vmsched_activate a = {
		.params = (uintptr_t)kv,
		.nr_params = n,
		.kv_size = sizeof(*kv),
	};

	if (strlen(policy) >= sizeof(a.name))
		return -ENOENT;
	snprintf(a.name, sizeof(a.name), "%s", policy);
	return pooled(VMSCHED_IOC_ACTIVATE, &a, VMSCHED_ACTIVATE_SIZE_VER0, a.pool, pool);
}

static int pool_ref(unsigned long cmd, const char *pool)
{
	struct vmsched_pool_ref r = { 0 };

	if (strlen(pool) >= sizeof(r.name))
		return -ENOENT;
	snprintf(r.name, sizeof(r.name), "%s", pool);
	return dev_has_pools() || dev_fd() < 0 ? xioctl(cmd, &r) : -EOPNOTSUPP;
}

int dev_deactivate(const char *pool)
{
	if (pool_is_default(pool))
		return xioctl(VMSCHED_IOC_DEACTIVATE, NULL);
	return pool_ref(VMSCHED_IOC_POOL_DEACTIVATE, pool);
}

int dev_pool_create(const char *name, const __u64 *cpus)
{
	struct vmsched_pool_cpus c = { 0 };

	if (strlen(name) >= sizeof(c.name))
		return -EINVAL;
	snprintf(c.name, sizeof(c.name), "%s", name);
	memcpy(c.cpus, cpus, sizeof(c.cpus));
	return dev_has_pools() || dev_fd() < 0 ? xioctl(VMSCHED_IOC_POOL_CREATE, &c)
					       : -EOPNOTSUPP;
}

int dev_pool_destroy(const char *name)
{
	return pool_ref(VMSCHED_IOC_POOL_DESTROY, name);
}

int dev_pool_list(struct vmsched_pool_info **out, unsigned int *n)
{
	struct vmsched_list l = { 0 };

	*out = NULL;
	*n = 0;
	if (dev_fd() < 0)
		return DEV_REPORTED;
	if (!dev_has_pools())
		return -EOPNOTSUPP;
	return dev_array(VMSCHED_IOC_POOL_LIST, &l, &l, sizeof(**out), 8, (void **)out, n);
}

int dev_pool_move(const char *pool, pid_t pid)
{
	struct vmsched_pool_move m = { .pid = pid };

	if (strlen(pool) >= sizeof(m.pool))
		return -ENOENT;
	snprintf(m.pool, sizeof(m.pool), "%s", pool);
	return dev_has_pools() || dev_fd() < 0 ? xioctl(VMSCHED_IOC_POOL_MOVE, &m)
					       : -EOPNOTSUPP;
}

int dev_status(struct vmsched_status *st)
{
	memset(st, 0, sizeof(*st));
	return xioctl(VMSCHED_IOC_STATUS, st);
}

int dev_set_params(const char *pool, unsigned int scope, pid_t pid, unsigned int vcpu,
		   const struct vmsched_kv *kv, unsigned int n)
{
	struct vmsched_params p = {
		.scope = scope,
		.pid = pid,
		.vcpu_id = vcpu,
		.nr_params = n,
		.params = (uintptr_t)kv,
		.kv_size = sizeof(*kv),
	};

	return pooled(VMSCHED_IOC_SET_PARAMS, &p, VMSCHED_PARAMS_SIZE_VER0, p.pool, pool);
}

int dev_get_params(const char *pool, unsigned int scope, pid_t pid, unsigned int vcpu,
		   struct vmsched_kv **out, unsigned int *n)
{
	unsigned int cap = VMSCHED_MAX_KV;
	struct vmsched_kv *kv = NULL;
	int tries, ret;

	for (tries = 0; tries < MAX_TRIES; tries++) {
		struct vmsched_params p = {
			.scope = scope,
			.pid = pid,
			.vcpu_id = vcpu,
			.nr_params = cap,
			.kv_size = sizeof(*kv),
		};

		free(kv);
		kv = calloc(cap, sizeof(*kv));
		if (!kv)
			return -ENOMEM;
		p.params = (uintptr_t)kv;
		ret = pooled(VMSCHED_IOC_GET_PARAMS, &p, VMSCHED_PARAMS_SIZE_VER0, p.pool, pool);
		if (ret) {
			free(kv);
			return ret;
		}
		if (p.nr_params <= cap) {
			*out = kv;
			*n = p.nr_params;
			return 0;
		}
		cap = p.nr_params;
	}
	free(kv);
	return -EAGAIN;
}

/*
 * @n elements the kernel wrote @esz bytes apart in @buf moved to @full
 * bytes apart, what it did not write zeroed
 */
static void spread(void *buf, unsigned int n, size_t esz, size_t full)
{
	char *p = buf;

	while (n--) {
		memmove(p + n * full, p + n * esz, esz);
		memset(p + n * full + esz, 0, full - esz);
	}
}

int dev_stats(const char *pool, pid_t pid, uint64_t *now_ns, struct vmsched_vm_stats **vms,
	      unsigned int *nr_vms,
	      struct vmsched_vcpu_stats **vcpus, unsigned int *nr_vcpus)
{
	unsigned int cap_vm = 32, cap_vcpu = 128;
	size_t vm_sz = sizeof(**vms), vcpu_sz = sizeof(**vcpus);
	int tries, ret;

	*vms = NULL;
	*vcpus = NULL;
	if (dev_fd() < 0)
		return DEV_REPORTED;
	/* the 2.1 elements only from a module that fills them (see the uapi) */
	if (dev_abi_minor() < 1) {
		vm_sz = VMSCHED_VM_STATS_SIZE_VER0;
		vcpu_sz = VMSCHED_VCPU_STATS_SIZE_VER0;
	} else if (dev_abi_minor() < 2) {
		vm_sz = VMSCHED_VM_STATS_SIZE_VER1;
	}
	for (tries = 0; tries < MAX_TRIES; tries++) {
		struct vmsched_stats s = { .pid = pid };

		free(*vms);
		free(*vcpus);
		*vms = calloc(cap_vm, sizeof(**vms));
		*vcpus = calloc(cap_vcpu, sizeof(**vcpus));
		if (!*vms || !*vcpus)
			return -ENOMEM;
		s.vms = (struct vmsched_list){ (uintptr_t)*vms, cap_vm, vm_sz };
		s.vcpus = (struct vmsched_list){ (uintptr_t)*vcpus, cap_vcpu, vcpu_sz };
		/* "" is every pool here; before 2.2 every VM is in the default one */
		if (pool && *pool && abi_minor >= 2)
			ret = pooled(VMSCHED_IOC_STATS, &s, 0, s.pool, pool);
		else if (pool && *pool && !pool_is_default(pool))
			ret = -EOPNOTSUPP;
		else
			ret = xioctl(abi_minor >= 2 ? VMSCHED_IOC_STATS :
				     ioc_sized(VMSCHED_IOC_STATS, VMSCHED_STATS_SIZE_VER0), &s);
		if (ret)
			break;
		if (s.vms.count <= cap_vm && s.vcpus.count <= cap_vcpu) {
			spread(*vms, s.vms.count, vm_sz, sizeof(**vms));
			spread(*vcpus, s.vcpus.count, vcpu_sz, sizeof(**vcpus));
			*nr_vms = s.vms.count;
			*nr_vcpus = s.vcpus.count;
			*now_ns = s.now_ns;
			return 0;
		}
		if (s.vms.count > cap_vm)
			cap_vm = s.vms.count + 8;
		if (s.vcpus.count > cap_vcpu)
			cap_vcpu = s.vcpus.count + 32;
		ret = -EAGAIN;
	}
	free(*vms);
	free(*vcpus);
	*vms = NULL;
	*vcpus = NULL;
	return ret;
}
