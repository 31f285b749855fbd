/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the pool tests: CPU lists, the pool ioctls and a VM's pool.
 */
#ifndef VMSCHED_POOL_H
#define VMSCHED_POOL_H

#include <stddef.h>
#include <sys/types.h>
#include <linux/vmsched.h>

#define POOL_LIST_MAX	8	/* pools a test lists at most */

/* parse a CPU list ("0", "0-1,3") into bitmap @words (cleared first); 0 or -EINVAL */
int cpulist_parse(const char *s, __u64 *words, unsigned int nwords);
/* format bitmap @words as a CPU list ("0-1", "" if empty) into @buf */
void cpulist_format(const __u64 *words, unsigned int nwords, char *buf, size_t len);
/* the CPU list in sysfs file @path (e.g. /sys/devices/system/cpu/possible); 0 or -errno */
int cpulist_read(const char *path, char *buf, size_t len);

/* VMSCHED_IOC_POOL_CREATE of @name with the CPUs of list @cpus; 0 or -errno */
int pool_create(int fd, const char *name, const char *cpus);
/* VMSCHED_IOC_POOL_DESTROY / _DEACTIVATE of @name; 0 or -errno */
int pool_destroy(int fd, const char *name);
int pool_deactivate(int fd, const char *name);
/* VMSCHED_IOC_POOL_MOVE of the VM of @pid to @pool; 0 or -errno */
int pool_move(int fd, pid_t pid, const char *pool);
/* VMSCHED_IOC_ACTIVATE of @policy in @pool with @n global parameters @kv; 0 or -errno */
int pool_activate(int fd, const char *pool, const char *policy, const struct vmsched_kv *kv,
		  unsigned int n);
/* VMSCHED_IOC_POOL_LIST into @buf (capacity @cap): the number of pools or -errno */
int pool_list(int fd, struct vmsched_pool_info *buf, unsigned int cap);
/* the entry of pool @name in a list of @n, or NULL */
const struct vmsched_pool_info *pool_find(const struct vmsched_pool_info *pi, int n,
					  const char *name);
/* CHECK (and print) that pool @name is listed with CPU list @cpus and policy @active */
void check_pool(int fd, const char *name, const char *cpus, const char *active);
/* CHECK (and print) that no listed pool had a watchdog event or a policy error */
void check_pools_healthy(int fd, const char *when);
/* the pool VM @pid is in (its vmsched_vm_stats.pool) into @buf; 0 or -errno */
int vm_pool_name(int fd, pid_t pid, char *buf, size_t len);
/* write /sys/devices/system/cpu/cpuN/online: CPU @cpu on (1) or off (0); 0 or -errno */
int cpu_set_online(unsigned int cpu, int on);

#endif
