/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parameters of a policy: descriptors from VMSCHED_IOC_POLICY_PARAMS,
 * KEY=VALUE arguments parsed by each key's unit, and the error messages
 * that name the keys and ranges an admin can use.
 */
#ifndef VMSCHED_PARAMS_H
#define VMSCHED_PARAMS_H

#include <stddef.h>
#include <linux/vmsched.h>

struct pdesc {
	char policy[VMSCHED_NAME_MAX];
	struct vmsched_param_info *p;
	unsigned int n;
};

/* load the descriptors of @policy; 0 or -errno (-ENOENT: no such policy) */
int pdesc_load(const char *policy, struct pdesc *d);
void pdesc_free(struct pdesc *d);
const struct vmsched_param_info *pdesc_find(const struct pdesc *d, const char *key);

/* "weight, cap, reservation": the keys of @scope ("" if none) */
void key_list(const struct pdesc *d, unsigned int scope, char *out, size_t len);
const char *scope_name(unsigned int scope);	/* "global", "per-VM", "per-vCPU" */
const char *scope_key(unsigned int scope);	/* "global", "vm", "vcpu" */

/*
 * Parse KEY=VALUE arguments for @scope into @kv (VMSCHED_MAX_KV entries).
 * Returns 0, or prints the error and returns the exit code.
 */
int parse_kv_args(const struct pdesc *d, unsigned int scope, int argc, char **argv,
		  struct vmsched_kv *kv, unsigned int *n);
/* the kernel said ERANGE for @kv: say which value and the allowed range */
int report_range(const struct pdesc *d, const struct vmsched_kv *kv, unsigned int n);
/* print @n values from the kernel as "key value" with each key's unit */
void print_param_values(const struct pdesc *d, struct vmsched_kv *kv, unsigned int n);
/* "policy X is not loaded; loaded policies: ..." */
int report_unknown_policy(const char *name);
/*
 * ACTIVATE of @policy with @n pairs @kv (@d their descriptors) in @pool
 * failed with @err: say why, return the exit code
 */
int activate_report(const char *pool, const char *policy, const struct pdesc *d,
		    const struct vmsched_kv *kv, unsigned int n, int err);
/* the name of the active policy ("" if none); 0 or exit code */
int active_policy(char *name);

#endif
