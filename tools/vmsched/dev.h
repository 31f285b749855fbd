/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/vmsched: the ioctl calls of the uapi, arrays sized and re-asked as
 * the kernel reports their length. Calls return 0 or -errno; dev_err()
 * turns an errno nobody handled more specifically into a message.
 */
#ifndef VMSCHED_DEV_H
#define VMSCHED_DEV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/vmsched.h>

/* open /dev/vmsched once; on failure print why and return -1 */
/* calls return DEV_REPORTED when opening failed (already reported) */
#define DEV_REPORTED	(-100000)
int dev_fd(void);
/* open without printing anything: fd or -errno */
int dev_try_open(void);
/*
 * close the device opened by the calls above (the next call opens it
 * again): a process that keeps running holds it only while it uses it,
 * so that kvm_schedswap can be removed in between
 */
void dev_close(void);
/* the uapi minor version of the module opened (0 if none is) */
unsigned int dev_abi_minor(void);

/* VMSCHED_IOC_VERSION on a device of its own, whatever uapi the module speaks */
int dev_read_version(struct vmsched_version *v);
/* VMSCHED_IOC_VERSION on the device the other calls use */
int dev_version(struct vmsched_version *v);
/* arrays are malloc'ed (free them); *n is the number of entries */
int dev_list_policies(struct vmsched_policy_info **out, unsigned int *n);
int dev_policy_params(const char *policy, struct vmsched_param_info **out, unsigned int *n);
/*
 * Calls that name a pool: NULL, "" or "default" is the default pool; any
 * other fails with -EOPNOTSUPP on a module without pools (before 2.2),
 * which gets the structs of its own version.
 */
bool pool_is_default(const char *pool);
/* the module has pools (uapi 2.2): false also when it cannot be opened */
bool dev_has_pools(void);
#define DEV_NO_POOLS_FMT	"this kvm_schedswap has no pools (ABI 2.%u); pools need 2.2"
int dev_activate(const char *pool, const char *policy, const struct vmsched_kv *kv,
		 unsigned int n);
/* VMSCHED_IOC_DEACTIVATE, or VMSCHED_IOC_POOL_DEACTIVATE for another pool */
int dev_deactivate(const char *pool);
/* @cpus: VMSCHED_CPU_WORDS words */
int dev_pool_create(const char *name, const __u64 *cpus);
int dev_pool_destroy(const char *name);
int dev_pool_list(struct vmsched_pool_info **out, unsigned int *n);
int dev_pool_move(const char *pool, pid_t pid);
int dev_status(struct vmsched_status *st);
int dev_set_params(const char *pool, unsigned int scope, pid_t pid, unsigned int vcpu,
		   const struct vmsched_kv *kv, unsigned int n);
int dev_get_params(const char *pool, unsigned int scope, pid_t pid, unsigned int vcpu,
		   struct vmsched_kv **out, unsigned int *n);
/* entries of the size vmsched knows, the fields a 2.0 module lacks zeroed */
/* @pool: only its VMs; NULL or "": all (with "default", only its own) */
int dev_stats(const char *pool, pid_t pid, uint64_t *now_ns, struct vmsched_vm_stats **vms,
	      unsigned int *nr_vms,
	      struct vmsched_vcpu_stats **vcpus, unsigned int *nr_vcpus);

/* print "vmsched: WHAT: <reason>" for @err (negative errno), return EXIT_FAIL */
int dev_err(const char *what, int err);

#endif
