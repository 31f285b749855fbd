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

int do_activate(int argc, char **argv)
{
	struct vmsched_kv kv[VMSCHED_MAX_KV];
	unsigned int n = 0;
	struct pdesc d = { 0 };
	int ret;

	if (argc < 1)
		return usage_err("activate: missing POLICY, try vmsched list");
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
	ret = dev_activate(argv[0], kv, n);
	if (ret == -ENOENT)
		ret = report_unknown_policy(argv[0]);
	else if (ret == -ERANGE)
		ret = report_range(&d, kv, n);
	else if (ret == -EINVAL && n)
		ret = op_err("activate %s: the policy refused these parameters", argv[0]);
	else if (ret)
		ret = dev_err("activate", ret);
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
	ret = dev_deactivate();
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
		ret = dev_get_params(VMSCHED_SCOPE_GLOBAL, 0, 0, &kv, &n);
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

int do_status(int argc, char **argv)
{
	static const struct out_col active_col = { "active", "policy", 0, O_STR };
	static const struct out_col ejected_col = { "last_ejected", "last ejected", 0, O_STR };
	struct vmsched_status st;
	int ret, status = EXIT_OK;

	(void)argv;
	if (argc)
		return usage_err("status takes no arguments");
	ret = dev_status(&st);
	if (ret)
		return dev_err("cannot read the status", ret);
	st.active[VMSCHED_NAME_MAX - 1] = '\0';
	st.last_ejected[VMSCHED_NAME_MAX - 1] = '\0';
	out_obj_begin(NULL, NULL);
	if (st.active[0]) {
		out_kv(&active_col, CELL_STR(st.active));
		status = status_params(st.active);
	} else if (out_json()) {
		out_kv(&active_col, (struct out_cell){ 0 });
	} else {
		out_kv(&active_col, CELL_STR("none (host scheduler)"));
	}
	out_kv_u64("policies", "policies loaded", st.nr_policies);
	out_kv_u64("vms", "VMs", st.nr_vms);
	out_kv_u64("vcpus", "vCPUs", st.nr_vcpus);
	out_kv_u64("slots", "slots (pCPUs)", st.nr_slots);
	out_kv_u64("granted", "vCPUs granted", st.nr_granted);
	out_kv_u64("gated", "vCPUs waiting", st.nr_gated);
	out_kv_u64("swaps", "swaps", st.swaps);
	out_kv_time("last_swap_ns", "last swap took", st.last_swap_ns);
	out_kv_time("max_swap_ns", "longest swap", st.max_swap_ns);
	out_kv_u64("watchdog_events", "watchdog events", st.watchdog_events);
	out_kv_time("watchdog_ns", "watchdog limit", st.watchdog_ns);
	out_kv(&ejected_col, st.last_ejected[0] ? CELL_STR(st.last_ejected)
					       : (struct out_cell){ 0 });
	out_kv_u64("policy_errors", "policy errors", st.policy_errors);
	out_obj_end();
	return status;
}
