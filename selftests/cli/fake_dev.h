/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fake /dev/vmsched (fake_dev.c): its state file's lines, shared with
 * the pools (fake_pools.c). Hidden: vmsched's own symbols must not bind
 * to them, nor they to vmsched's.
 */
#ifndef FAKE_DEV_H
#define FAKE_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/vmsched.h>

#pragma GCC visibility push(hidden)

struct fpol {
	const char *name, *desc;
	struct vmsched_param_info p[4];
	unsigned int n;
};

#define MAX_LINES	512
extern char lines[MAX_LINES][128];
extern unsigned int nr_lines;

void add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void drop(unsigned int i);
void drop_all(const char *prefix);
const char *find(const char *prefix);
const struct fpol *policy(const char *name);
int injected(const char *op, const char *who);
bool known_vm(int pid);
unsigned int abi_minor(void);
int copy_list(struct vmsched_list *l, const void *src, unsigned int n, size_t esz);

/* pools (fake_pools.c); "" is the default pool */
#define FP_DEFAULT	VMSCHED_POOL_DEFAULT
bool fp_is_default(const char *pool);
bool fp_exists(const char *pool);
/* the pool VM @pid is in */
const char *fp_vm_pool(int pid);
/* the active policy of @pool, or NULL */
const struct fpol *fp_active(const char *pool);
/* "g " or "pg POOL ": the prefix of @pool's global values in the state */
const char *fp_global_prefix(const char *pool, char *buf, size_t len);
/* a swap or deactivation in @pool: its policy, values and its VMs' values go */
void fp_reset(const char *pool);
/* "0-2,3" */
void fp_online_list(char *buf, size_t len);
/* VMSCHED_IOC_POOL_* by _IOC_NR; 0 or -errno */
int fp_ioctl(unsigned int nr, void *arg);

#pragma GCC visibility pop

#endif
