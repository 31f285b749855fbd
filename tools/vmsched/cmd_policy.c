// SPDX-License-Identifier: GPL-2.0
/*
 * Policy commands: list, activate, deactivate, status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"
#include "json.h"
#include "main.h"
#include "output.h"
#include "params.h"
#include "pools.h"
#include "cpulist.h"
#include "units.h"

static const struct out_col policy_cols[] = {
	{ "active", "", 1, O_BOOL },		/* text: '*' (see below) */
	{ "name", "POLICY", -12, O_STR },
	{ "description", "DESCRIPTION", -1, O_STR },
};

static const struct out_col param_cols[] = {
	{ "name", "PARAM", -14, O_STR },
	{ "scope", "SCOPE", -7, O_STR },
	{ "unit", "UNIT", -8, O_STR },
	{ "min", "MIN", 7, O_VALUE },
	{ "max", "MAX", 7, O_VALUE },
	{ "default", "DEFAULT", 8, O_VALUE },
	{ "help", "", -1, O_STR },
};

/*
 * a parameter block that could not be read, in place: JSON "params": null
 * and "params_error"; text @label's line (NULL: an indented line)
 */
static void params_not_read(const char *label, int err)
{
	char why[256];

	if (out_json()) {
		jw_null("params");
		jw_string("params_error", strerror(-err));
	} else if (label) {
		snprintf(why, sizeof(why), "(not read: %s)", strerror(-err));
		out_kv_str(NULL, label, why);
	} else {
		out_text("    (parameters not read: %s)", strerror(-err));
	}
}

/* the descriptors of @policy as a nested table; 0 or the exit code */
static int list_params(const char *policy)
{
	struct pdesc d;
	unsigned int i;
	int ret = pdesc_load(policy, &d);

	if (ret) {
		params_not_read(NULL, ret);
		return p_err_in_place(EXIT_FAIL, "policy %s: cannot read its parameters: %s",
				      policy, strerror(-ret));
	}
	out_table_begin("params", param_cols, 7, OUT_NOHEADER);
	for (i = 0; i < d.n; i++) {
		const struct vmsched_param_info *p = &d.p[i];
		struct out_cell row[] = {
			CELL_STR(p->name), CELL_STR(scope_key(p->scope)),
			CELL_STR(unit_name(p->unit)), CELL_VAL(p->min, p->unit),
			CELL_VAL(p->max, p->unit), CELL_VAL(p->def, p->unit), CELL_STR(p->help),
		};

		out_row(row);
	}
	out_table_end();
	pdesc_free(&d);
	return EXIT_OK;
}

int do_list(int argc, char **argv)
{
	struct vmsched_policy_info *pol;
	struct out_col cols[3];
	unsigned int i, n;
	int ret, status = EXIT_OK;

	(void)argv;
	if (argc)
		return usage_err("list takes no arguments (did you mean -v?)");
	ret = dev_list_policies(&pol, &n);
	if (ret)
		return dev_err("cannot list policies", ret);
	memcpy(cols, policy_cols, sizeof(cols));
	if (!out_json())
		cols[0].type = O_STR;	/* "*" marks the active one */
	out_table_begin(NULL, cols, 3, OUT_NOHEADER);
	for (i = 0; i < n; i++) {
		bool active = pol[i].flags & VMSCHED_POLICY_ACTIVE;
		struct out_cell row[] = {
			out_json() ? CELL_U64(active) : CELL_STR(active ? "*" : " "),
			CELL_STR(pol[i].name), CELL_STR(pol[i].description),
		};

		pol[i].name[VMSCHED_NAME_MAX - 1] = '\0';
		pol[i].description[VMSCHED_DESC_MAX - 1] = '\0';
		out_row_begin(row);
		if (opt.verbose && list_params(pol[i].name))
			status = EXIT_FAIL;
		out_row_end();
	}
	out_table_end();
	if (!n)
		out_text("no policy is loaded (load one with modprobe NAME_sched, "
			 "e.g. modprobe fair_sched)");
	free(pol);
	return status;
}

int activate_report(const char *pool, const char *policy, const struct pdesc *d,
		    const struct vmsched_kv *kv, unsigned int n, int err)
{
	char where[64];

	/* ENOENT: the policy, or the pool (gone since it was checked) */
	if (err == -ENOENT && !pool_is_default(pool) && dev_has_pools() &&
	    pool_info(pool, &(struct vmsched_pool_info){ 0 }) == -ENOENT)
		return report_no_pool(pool);
	if (err == -ENOENT)
		return report_unknown_policy(policy);
	if (err == -ERANGE)
		return report_range(d, kv, n);
	if (err == -EINVAL && n)
		return op_err("activate %s%s: the policy refused these parameters", policy,
			      in_pool(pool, where, sizeof(where)));
	char what[80];

	snprintf(what, sizeof(what), "activate%s", in_pool(pool, where, sizeof(where)));
	return dev_err(what, err);
}

int do_activate(int argc, char **argv)
{
	struct vmsched_kv kv[VMSCHED_MAX_KV];
	unsigned int n = 0;
	struct pdesc d = { 0 };
	int ret;

	if (argc < 1)
		return usage_err("activate: missing POLICY, try vmsched list");
	ret = pool_check(opt.pool);
	if (ret)
		return ret;
	if (strlen(argv[0]) >= VMSCHED_NAME_MAX)
		return report_unknown_policy(argv[0]);
	if (argc > 1) {
		ret = pdesc_load(argv[0], &d);
		if (ret == -ENOENT)
			return report_unknown_policy(argv[0]);
		if (ret)
			return dev_err("cannot read the policy's parameters", ret);
		ret = parse_kv_args(&d, VMSCHED_SCOPE_GLOBAL, argc - 1, argv + 1, kv, &n);
		if (ret)
			goto out;
	}
	ret = dev_activate(opt.pool, argv[0], kv, n);
	if (ret)
		ret = activate_report(opt.pool, argv[0], &d, kv, n, ret);
	else
		p_done();
out:
	pdesc_free(&d);
	return ret;
}

int do_deactivate(int argc, char **argv)
{
	int ret;

	(void)argv;
	if (argc)
		return usage_err("deactivate takes no arguments");
	ret = pool_check(opt.pool);
	if (ret)
		return ret;
	ret = dev_deactivate(opt.pool);
	if (ret == -ENOENT)
		return report_no_pool(opt.pool);
	if (ret)
		return dev_err("deactivate", ret);
	p_done();
	return EXIT_OK;
}

/* global parameters of the active policy, as a "params" block; 0 or the exit code */
static int status_params(const char *policy)
{
	struct vmsched_kv *kv;
	struct pdesc d;
	unsigned int n;
	int ret = pdesc_load(policy, &d);

	if (!ret) {
		ret = dev_get_params(opt.pool, VMSCHED_SCOPE_GLOBAL, 0, 0, &kv, &n);
		if (ret)
			pdesc_free(&d);
	}
	if (ret) {
		params_not_read("params", ret);
		return op_err("cannot read the global parameters of policy %s: %s", policy,
			      strerror(-ret));
	}
	out_obj_begin("params", "params:");
	print_param_values(&d, kv, n);
	out_obj_end();
	free(kv);
	pdesc_free(&d);
	return EXIT_OK;
}

/* the status block; @p: of that pool (status -P), else of the default one */
static int print_status(struct vmsched_status *st, const struct vmsched_pool_info *p)
{
	static const struct out_col active_col = { "active", "policy", 0, O_STR };
	static const struct out_col ejected_col = { "last_ejected", "last ejected", 0, O_STR };
	char cpus[256];
	int status = EXIT_OK;

	st->active[VMSCHED_NAME_MAX - 1] = '\0';
	st->last_ejected[VMSCHED_NAME_MAX - 1] = '\0';
	out_obj_begin(NULL, NULL);
	if (p) {
		out_kv_str("pool", "pool", p->name);
		out_kv_str("cpus", "CPUs", cpulist_format(p->cpus, cpus, sizeof(cpus)));
	}
	if (st->active[0]) {
		out_kv(&active_col, CELL_STR(st->active));
		status = status_params(st->active);
	} else if (out_json()) {
		out_kv(&active_col, (struct out_cell){ 0 });
	} else {
		out_kv(&active_col, CELL_STR("none (host scheduler)"));
	}
	if (!p)
		out_kv_u64("policies", "policies loaded", st->nr_policies);
	out_kv_u64("vms", "VMs", st->nr_vms);
	out_kv_u64("vcpus", "vCPUs", st->nr_vcpus);
	out_kv_u64("slots", "slots (pCPUs)", st->nr_slots);
	out_kv_u64("granted", "vCPUs granted", st->nr_granted);
	out_kv_u64("gated", "vCPUs waiting", st->nr_gated);
	out_kv_u64("swaps", "swaps", st->swaps);
	out_kv_time("last_swap_ns", "last swap took", st->last_swap_ns);
	out_kv_time("max_swap_ns", "longest swap", st->max_swap_ns);
	out_kv_u64("watchdog_events", "watchdog events", st->watchdog_events);
	out_kv_time("watchdog_ns", "watchdog limit", st->watchdog_ns);
	out_kv(&ejected_col, st->last_ejected[0] ? CELL_STR(st->last_ejected)
						: (struct out_cell){ 0 });
	out_kv_u64("policy_errors", "policy errors", st->policy_errors);
	out_obj_end();
	return status;
}

/* status -P POOL: the pool's line of POOL_LIST */
static int pool_status(void)
{
	struct vmsched_pool_info p;
	struct vmsched_status st;
	int ret = pool_check(opt.pool);

	if (ret)
		return ret;
	ret = pool_info(opt.pool, &p);
	if (ret == -ENOENT)
		return report_no_pool(opt.pool);
	if (ret)
		return dev_err("cannot list the pools", ret);
	pool_status_of(&p, &st);
	return print_status(&st, &p);
}

int do_status(int argc, char **argv)
{
	struct vmsched_status st;
	int ret;

	(void)argv;
	if (argc)
		return usage_err("status takes no arguments");
	if (!pool_is_default(opt.pool))
		return pool_status();
	ret = dev_status(&st);
	if (ret)
		return dev_err("cannot read the status", ret);
	return print_status(&st, NULL);
}
