// SPDX-License-Identifier: GPL-2.0
/*
 * apply: make the host match /etc/vmsched.conf, all or nothing; with
 * --follow, keep applying per-VM parameters to VMs that start later and
 * write the metrics for the node exporter (metrics-textfile; apply_follow.h).
 *
 * Order: parse the file, load the modules it needs (kvm_schedswap and
 * NAME_sched, by modprobe; --check loads none and lists them), check every
 * key and value against the policy's descriptors (apply_load.c), and only
 * then change anything: activate the policy with its global parameters
 * (one atomic call), then set the parameters of each running VM the file
 * names or whose libvirt domain carries vmsched metadata (vm_meta.h; the
 * file wins key by key), and put the other running VMs back to the
 * defaults: the file is the whole configuration (apply_plan.h). If the kernel refuses one of
 * these (a combination of values the policy does not allow), everything
 * done so far is undone (apply_undo.h): the VMs' previous values, then the
 * previous policy with its previous global parameters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply_follow.h"
#include "apply_load.h"
#include "apply_plan.h"
#include "apply_pools.h"
#include "apply_undo.h"
#include "conf.h"
#include "dev.h"
#include "follow.h"
#include "main.h"
#include "output.h"
#include "params.h"
#include "perm.h"
#include "snap.h"
#include "vm_meta.h"

static const struct out_col vm_cols[] = {
	{ "name", "VM", -16, O_STR },
	{ "pid", "PID", 8, O_U64 },
	{ "state", "STATE", -12, O_STR },
	{ "from", "FROM", -12, O_STR },
	{ "params", "PARAMS", -1, O_STR },
};

/* @from: "file", "libvirt" (domain metadata), "file+libvirt" or NULL (defaults) */
static void vm_row(const char *name, pid_t pid, const char *state, const char *from,
		   const char *params)
{
	struct out_cell row[] = {
		CELL_STR(name), pid ? CELL_U64(pid) : (struct out_cell){ 0 },
		CELL_STR(state), from ? CELL_STR(from) : (struct out_cell){ 0 },
		CELL_STR(params),
	};

	out_row(row);
}

/*
 * Give running VM @pid (@name) the values @kv; with @e (its vm line) they
 * are the file's, else the defaults, set only if the VM has others. The
 * VM's values before go to @u. 0, VM_SKIPPED (it exited, or has the
 * defaults already) or the exit code.
 */
#define VM_SKIPPED	(-1)
static int apply_vm(const struct conf *c, const struct pdesc *d, const struct conf_entry *e,
		    pid_t pid, const char *name, const struct vmsched_kv *kv, unsigned int n,
		    struct undo *u)
{
	char vals[1024];
	int ret = undo_save_vm(u, pid, name);

	if (ret == -ESRCH)	/* it just exited */
		return VM_SKIPPED;
	if (ret == -ENOSPC)
		return op_err("more than %u VMs to change at once", UNDO_MAX_VMS);
	if (ret) {
		conf_err(c, e ? e->line : 0, "vm %s (pid %d): cannot read its parameters: %s",
			 name, pid, apply_why(ret));
		return EXIT_FAIL;
	}
	if (!e && kv_same(u->vm[u->nr_vms - 1].kv, u->vm[u->nr_vms - 1].n, kv, n)) {
		undo_drop_vm(u);	/* at the defaults already */
		return VM_SKIPPED;
	}
	ret = dev_set_params(NULL, VMSCHED_SCOPE_VM, pid, 0, kv, n);
	if (ret)
		undo_drop_vm(u);	/* all or nothing: unchanged */
	if (ret == -ESRCH)
		return VM_SKIPPED;
	if (ret) {
		conf_err(c, e ? e->line : 0, "vm %s (pid %d): %s%s", name, pid,
			 e ? "" : "cannot put back the defaults: ", apply_why(ret));
		return EXIT_FAIL;
	}
	if (!e)
		vm_row(name, pid, "defaults", NULL, kv_str(d, kv, n, vals, sizeof(vals)));
	return 0;
}

/* a running VM of @s is named @name */
static bool running(const struct snap *s, const char *name)
{
	unsigned int j;

	for (j = 0; j < s->nr_vms; j++)
		if (!strcmp(s->vms[j].name, name))
			return true;
	return false;
}

/*
 * Set the parameters of every running VM: those the file names or whose
 * libvirt domain has vmsched metadata to these values (the rest of their
 * keys to the defaults), the others back to the defaults; @dry: only list
 * the VMs that have a configuration. 0 or the exit code.
 */
static int apply_vms(const struct conf *c, const struct pdesc *d0, const struct snap *s,
		     struct undo *u, bool dry, struct pidset *done)
{
	const struct pdesc *d;
	struct vmsched_kv kv[VMSCHED_MAX_KV];
	struct conf_entry meta, merged;
	const char *from, *name;
	char args[1024];
	unsigned int i, j, n;
	int ret = 0;

	for (j = 0; j < s->nr_vms && !ret; j++) {
		pid_t pid = s->vms[j].s.pid;

		name = s->vms[j].name;
		d = pools_vm_descs(c, d0, name);	/* its pool's policy */
		if (!d)
			continue;	/* a pool without a policy: no parameters */
		from = vm_config(c, d, name, &meta, &merged);
		conf_args_str(&merged, args, sizeof(args));
		if (dry) {
			if (from)
				vm_row(name, pid, "running", from, args);
		} else if (plan_values(d, VMSCHED_SCOPE_VM, from ? &merged : NULL, kv, &n)) {
			ret = op_err("policy %s has more per-VM parameters than %d: apply "
				     "cannot set them in one call", d->policy, VMSCHED_MAX_KV);
		} else {
			ret = apply_vm(c, d, from ? &merged : NULL, pid, name, kv, n, u);
			if (!ret && from) {
				pidset_add(done, pid);
				vm_row(name, pid, "applied", from, args);
			}
			ret = ret == VM_SKIPPED ? 0 : ret;
		}
		meta_free(&meta);
	}
	for (i = 0; i < c->nr_vms && !ret; i++)
		if (!running(s, c->vms[i].name))
			vm_row(c->vms[i].name, 0, "not running", "file",
			       conf_args_str(&c->vms[i], args, sizeof(args)));
	return ret;
}

/* after a failure: put back what was changed, say whether that worked */
static void undo_all(const struct conf *c, const struct pdesc *d, struct undo *u,
		     bool activated, struct pool_undo *pu)
{
	unsigned int fails = undo_rollback(u, activated, c, d) + pools_rollback(pu, c);

	out_kv_str("result", "result", fails ? "failed, rollback incomplete" :
		   "failed, rolled back");
	if (fails)
		conf_err(c, 0, "the host is left partly changed: %u rollback step%s failed "
			 "(see above)", fails, fails == 1 ? "" : "s");
	else
		conf_err(c, 0, "nothing was changed (the policy and the VMs changed before "
			 "the error are back as they were)");
}

/*
 * Make the host match @c (@d: its policy's descriptors), all or nothing
 * (@dry: only report what would be done). The VMs given parameters are
 * added to @done. 0 or the exit code.
 */
int apply_conf(const struct conf *c, const struct pdesc *d, bool dry,
		      const struct missing *m, struct pidset *done)
{
	bool none = !strcmp(c->policy.name, CONF_NONE);
	struct vmsched_kv gkv[VMSCHED_MAX_KV];
	struct pool_undo pu = { 0 };
	struct undo u = { 0 };
	char args[1024];
	struct snap s = { 0 };
	unsigned int gn = 0;
	int ret = 0;

	if (!none && !dry && plan_values(d, VMSCHED_SCOPE_GLOBAL, &c->policy, gkv, &gn))
		return op_err("policy %s has more global parameters than %d: apply cannot "
			      "set them in one call", d->policy, VMSCHED_MAX_KV);
	if (!m->core)
		ret = dry ? active_policy(u.policy) : undo_save_policy(&u);
	if (ret) {
		undo_free(&u);
		return ret;
	}
	out_obj_begin(NULL, NULL);
	out_kv_str("file", "file", c->path);
	out_kv_str("policy", "policy", c->policy.name);
	out_kv_str("params", "params", conf_args_str(&c->policy, args, sizeof(args)));
	if (dry)
		print_missing(m);
	ret = m->core ? 0 : pools_apply(c, &pu, dry);
	if (ret) {
		undo_all(c, d, &u, false, &pu);
		goto out;
	}
	if (!dry && none && u.policy[0])
		ret = dev_deactivate(NULL);
	else if (!dry && !none)
		ret = dev_activate(NULL, c->policy.name, gkv, gn);
	if (ret && pu.n) {
		conf_err(c, c->policy.line, "policy %s: %s", c->policy.name, apply_why(ret));
		undo_all(c, d, &u, false, &pu);
		ret = EXIT_FAIL;
		goto out;
	}
	if (ret) {
		conf_err(c, c->policy.line, "policy %s: %s; nothing was changed",
			 c->policy.name, apply_why(ret));
		out_obj_end();
		undo_free(&u);
		return EXIT_FAIL;
	}
	/* the core learns of VMs at their next guest entry after a policy change */
	if (!dry && strcmp(u.policy, c->policy.name))
		nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000000L }, NULL);
	/* no core, or no policy: no VM has parameters */
	ret = m->core || (none && !dev_has_pools()) ? 0 : snap_take(&s, 0);
	if (ret) {
		dev_err("cannot list VMs", ret);
		if (!dry)
			undo_all(c, d, &u, true, &pu);
		ret = EXIT_FAIL;
		goto out;
	}
	ret = pools_move_vms(c, &s, &pu, dry);
	if (!ret) {
		out_table_begin("vms", vm_cols, 5, 0);
		ret = apply_vms(c, d, &s, &u, dry, done);
		out_table_end();
	}
	if (ret)
		undo_all(c, d, &u, true, &pu);
	else
		out_kv_str("result", "result", dry ? "valid, nothing changed" : "applied");
out:
	out_obj_end();
	snap_free(&s);
	undo_free(&u);
	pools_undo_free(&pu);
	return ret;
}

int do_apply(int argc, char **argv)
{
	const char *path = argc ? argv[0] : VMSCHED_CONF_FILE;
	struct pidset done = { 0 };
	struct missing m;
	struct conf c;
	struct pdesc d;
	int ret;

	if (argc > 1)
		return usage_err("apply takes at most one FILE (default %s)", VMSCHED_CONF_FILE);
	if (opt.check && opt.follow)
		return usage_err("--check and --follow exclude each other");
	if (opt.follow && opt.json)
		return usage_err("--follow prints lines of text, not JSON");
	ret = load_conf(path, &c, &d, opt.check, &m);
	if (ret)
		return ret;
	ret = apply_conf(&c, &d, opt.check, &m, &done);
	if (!ret && opt.follow)
		ret = apply_follow(path, &c, &d, &done);
	free(done.pid);
	conf_free(&c);
	pdesc_free(&d);
	return ret;
}
