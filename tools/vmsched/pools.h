/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pools of pCPUs (uapi 2.2): names, the module's list of them, and the
 * messages that name the pool, CPU or VM a call failed on.
 */
#ifndef VMSCHED_POOLS_H
#define VMSCHED_POOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/vmsched.h>

#include "cpulist.h"

/* the module has pools; else print why (and its ABI) and return the exit code */
int pools_require(void);
/* the pools of the module (malloc'ed), NUL-terminated; 0 or -errno */
int pools_load(struct vmsched_pool_info **out, unsigned int *n);
/* pool @name in @p, or NULL */
const struct vmsched_pool_info *pools_find(const struct vmsched_pool_info *p, unsigned int n,
					   const char *name);
/* the pool that holds CPU @cpu, or NULL */
const struct vmsched_pool_info *pools_of_cpu(const struct vmsched_pool_info *p, unsigned int n,
					     unsigned int cpu);
/*
 * @pool (-P) is the default one or one that exists on a module with pools;
 * 0, or the exit code after saying why not
 */
int pool_check(const char *pool);
/* one pool's info; 0, -ENOENT or -errno */
int pool_info(const char *name, struct vmsched_pool_info *out);
/* "no pool NAME: pools are a, b" and EXIT_FAIL */
int report_no_pool(const char *name);
/*
 * The active policy of @pool (the default one: NULL, "", "default") into
 * @name ("" if none); 0 or the exit code after printing why.
 */
int pool_policy(const char *pool, char *name);
/* the pool VM @pid is in ("default" before 2.2); 0 or -errno */
int vm_pool(pid_t pid, char *pool);
/* "" for the default pool, or " in pool NAME": for messages */
const char *in_pool(const char *pool, char *buf, size_t len);

/* the status of pool @p, as VMSCHED_IOC_STATUS reports the default one's */
void pool_status_of(const struct vmsched_pool_info *p, struct vmsched_status *st);

#endif
