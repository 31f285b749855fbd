/* SPDX-License-Identifier: GPL-2.0 */
/*
 * params.h - the global parameters the bench activates a policy with.
 *
 * The core remembers a policy's global parameters from its last instance
 * and starts the next one from them (uapi: VMSCHED_IOC_ACTIVATE), so a
 * scenario that activates a policy with only some of them, or none, gets
 * what an earlier scenario left. The bench therefore names every global
 * parameter at every activation: the policy's defaults, read from its
 * descriptors (VMSCHED_IOC_POLICY_PARAMS), with the scenario's overrides.
 */
#ifndef BENCH_PARAMS_H
#define BENCH_PARAMS_H

#include <linux/vmsched.h>

struct bench_params {
	unsigned int n;
	struct vmsched_kv kv[VMSCHED_MAX_KV];
	unsigned int unit[VMSCHED_MAX_KV];	/* VMSCHED_UNIT_* of kv[i] */
};

/* "ns", "%" or "" for a VMSCHED_UNIT_* */
const char *params_unit_name(unsigned int unit);

/*
 * Every global parameter of @policy at its default, then @key (NULL: none)
 * set to @value. 0, or -errno (-ENOENT: @key is no global parameter of
 * @policy; -E2BIG: more global parameters than one activation takes).
 */
int params_defaults(int fd, const char *policy, struct bench_params *p, const char *key,
		    unsigned long long value);

/*
 * Activate @policy with exactly @p, then read the active global parameters
 * back into @p (what the results record; units kept by name). 0 or -errno.
 */
int params_activate(int fd, const char *policy, struct bench_params *p);

#endif /* BENCH_PARAMS_H */
