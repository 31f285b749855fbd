/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/vmsched: the ioctl calls of the uapi, arrays sized and re-asked as
 * the kernel reports their length. Calls return 0 or -errno; dev_err()
 * turns an errno nobody handled more specifically into a message.
 */
#ifndef VMSCHED_DEV_H
#define VMSCHED_DEV_H

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
int dev_activate(const char *policy, const struct vmsched_kv *kv, unsigned int n);
int dev_deactivate(void);
int dev_status(struct vmsched_status *st);
int dev_set_params(unsigned int scope, pid_t pid, unsigned int vcpu,
		   const struct vmsched_kv *kv, unsigned int n);
int dev_get_params(unsigned int scope, pid_t pid, unsigned int vcpu,
		   struct vmsched_kv **out, unsigned int *n);
/* entries of the size vmsched knows, the fields a 2.0 module lacks zeroed */
int dev_stats(pid_t pid, uint64_t *now_ns, struct vmsched_vm_stats **vms, unsigned int *nr_vms,
	      struct vmsched_vcpu_stats **vcpus, unsigned int *nr_vcpus);

/* print "vmsched: WHAT: <reason>" for @err (negative errno), return EXIT_FAIL */
int dev_err(const char *what, int err);

#endif
