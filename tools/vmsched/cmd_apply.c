// SPDX-License-Identifier: GPL-2.0
/*
 * apply: make the host match /etc/vmsched.conf, all or nothing; with
 * --follow, keep applying per-VM parameters to VMs that start later.
 *
 * Order: parse the file, load the modules it needs (kvm_schedswap and
 * NAME_sched, by modprobe; --check loads none and lists them), check every
 * key and value against the policy's descriptors (apply_load.c), and only
 * then change anything: activate the policy with its global parameters
 * (one atomic call), then set the parameters of each running VM the file
 * names. If the kernel refuses one of these (a combination of values the
 * policy does not allow), everything done so far is undone: the VMs'
 * previous values, then the previous policy with its previous global
 * parameters.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply_load.h"
#include "conf.h"
#include "dev.h"
#include "follow.h"
#include "main.h"
#include "output.h"
#include "params.h"
#include "perm.h"
#include "snap.h"
#include "units.h"

/* what to put back if a later step fails */
struct undo {
	char policy[VMSCHED_NAME_MAX];	/* active before, "" for none */
	struct vmsched_kv *globals;
	unsigned int nr_globals;
	struct {
		pid_t pid;
		struct vmsched_kv *kv;
		unsigned int n;
	} vm[256];
	unsigned int nr_vms;
};

static volatile sig_atomic_t got_hup, got_term;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

static const char *reason(int err)
{
	static char why[256], perm[300];

	switch (-err) {
	case EINVAL:
		return "the policy refused the values (a combination it does not allow)";
	case ENOSPC:
		return "the values ask for more than the pool has";
	case EPERM:
	case EACCES:
		snprintf(perm, sizeof(perm), "permission denied: %s",
			 perm_call_why_here(why, sizeof(why)));
		return perm;
	case ENOENT:
		return "the policy was unloaded or swapped meanwhile";
	default:
		return strerror(-err);
	}
}

/* forget pids that are no longer VMs (a new VM may reuse one) */
static void pidset_prune(struct pidset *ps, const struct snap *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < ps->n; i++)
		if (snap_find(s, ps->pid[i]))
			ps->pid[n++] = ps->pid[i];
	ps->n = n;
}

/* put back what apply_conf() changed, newest first */
static void rollback(struct undo *u, bool activated)
{
	unsigned int i;

	for (i = u->nr_vms; i-- > 0;)
		dev_set_params(VMSCHED_SCOPE_VM, u->vm[i].pid, 0, u->vm[i].kv, u->vm[i].n);
	if (!activated)
		return;
	if (u->policy[0])
		dev_activate(u->policy, u->globals, u->nr_globals);
	else
		dev_deactivate();
}

static void undo_free(struct undo *u)
{
	unsigned int i;

	free(u->globals);
	for (i = 0; i < u->nr_vms; i++)
		free(u->vm[i].kv);
}

static const struct out_col vm_cols[] = {
	{ "name", "VM", -16, O_STR },
	{ "pid", "PID", 8, O_U64 },
	{ "state", "STATE", -12, O_STR },
	{ "params", "PARAMS", -1, O_STR },
};

static void vm_row(const struct conf_entry *e, pid_t pid, const char *state)
{
	char args[1024];
	struct out_cell row[] = {
		CELL_STR(e->name), pid ? CELL_U64(pid) : (struct out_cell){ 0 },
		CELL_STR(state), CELL_STR(conf_args_str(e, args, sizeof(args))),
	};

	out_row(row);
}

/* set the parameters of every running VM named in @c; 0 or the exit code */
static int apply_vms(const struct conf *c, const struct snap *s, struct undo *u,
		     bool dry, struct pidset *done)
{
	const struct conf_entry *e;
	unsigned int i, j;
	int ret;

	for (i = 0; i < c->nr_vms; i++) {
		bool found = false;

		e = &c->vms[i];
		for (j = 0; j < s->nr_vms; j++) {
			pid_t pid = s->vms[j].s.pid;

			if (strcmp(s->vms[j].name, e->name))
				continue;
			found = true;
			if (dry) {
				vm_row(e, pid, "running");
				continue;
			}
			if (u->nr_vms == sizeof(u->vm) / sizeof(u->vm[0]))
				return op_err("more than %u VMs to change at once",
					      u->nr_vms);
			ret = dev_get_params(VMSCHED_SCOPE_VM, pid, 0, &u->vm[u->nr_vms].kv,
					     &u->vm[u->nr_vms].n);
			if (ret == -ESRCH)	/* it just exited */
				continue;
			if (ret) {
				conf_err(c, e->line, "vm %s (pid %d): %s", e->name, pid,
					 reason(ret));
				return EXIT_FAIL;
			}
			u->vm[u->nr_vms++].pid = pid;
			ret = dev_set_params(VMSCHED_SCOPE_VM, pid, 0, e->kv, e->nr);
			if (ret == -ESRCH)
				continue;
			if (ret) {
				conf_err(c, e->line, "vm %s (pid %d): %s", e->name, pid,
					 reason(ret));
				return EXIT_FAIL;
			}
			pidset_add(done, pid);
			vm_row(e, pid, "applied");
		}
		if (!found)
			vm_row(e, 0, "not running");
	}
	return 0;
}

/*
 * Make the host match @c, all or nothing (@dry: only report what would be
 * done). The VMs given parameters are added to @done. 0 or the exit code.
 */
static int apply_conf(const struct conf *c, bool dry, const struct missing *m,
		      struct pidset *done)
{
	bool none = !strcmp(c->policy.name, CONF_NONE);
	struct undo u = { 0 };
	char args[1024];
	struct snap s = { 0 };
	int ret;

	ret = m->core ? 0 : active_policy(u.policy);
	if (ret)
		return ret;
	if (u.policy[0] && !dry) {
		ret = dev_get_params(VMSCHED_SCOPE_GLOBAL, 0, 0, &u.globals, &u.nr_globals);
		if (ret)
			return dev_err("cannot read the global parameters", ret);
	}
	out_obj_begin(NULL, NULL);
	out_kv_str("file", "file", c->path);
	out_kv_str("policy", "policy", c->policy.name);
	out_kv_str("params", "params", conf_args_str(&c->policy, args, sizeof(args)));
	if (dry)
		print_missing(m);
	if (!dry && none && u.policy[0])
		ret = dev_deactivate();
	else if (!dry && !none)
		ret = dev_activate(c->policy.name, c->policy.kv, c->policy.nr);
	if (ret) {
		conf_err(c, c->policy.line, "policy %s: %s; nothing was changed",
			 c->policy.name, reason(ret));
		out_obj_end();
		undo_free(&u);
		return EXIT_FAIL;
	}
	/* the core learns of VMs at their next guest entry after a policy change */
	if (!dry && strcmp(u.policy, c->policy.name))
		nanosleep(&(struct timespec){ .tv_nsec = 200 * 1000000L }, NULL);
	ret = m->core ? 0 : snap_take(&s, 0);	/* no core, no VMs known */
	if (ret) {
		rollback(&u, !dry);
		undo_free(&u);
		ret = dev_err("cannot list VMs", ret);
		out_obj_end();
		return ret;
	}
	out_table_begin("vms", vm_cols, 4, 0);
	ret = apply_vms(c, &s, &u, dry, done);
	out_table_end();
	out_kv_str("result", "result", ret ? "failed, rolled back" :
		   dry ? "valid, nothing changed" : "applied");
	if (ret) {
		rollback(&u, true);
		conf_err(c, 0, "nothing was changed (the policy and the VMs changed before "
			 "the error are back as they were)");
	}
	out_obj_end();
	snap_free(&s);
	undo_free(&u);
	return ret;
}

/*
 * one follow round: VMs of @c that started since, or whose parameters could
 * not be set before; messages on stdout, a failure once per VM (@reported)
 */
static void follow_round(const struct conf *c, struct pidset *done, struct pidset *reported)
{
	char policy[VMSCHED_NAME_MAX], args[1024];
	const struct conf_entry *e;
	unsigned int i;
	struct snap s;
	int ret;

	/* per-VM parameters belong to the configured policy only */
	if (active_policy(policy) || strcmp(policy, c->policy.name))
		return;
	if (snap_take(&s, 0))
		return;
	pidset_prune(done, &s);
	pidset_prune(reported, &s);
	for (i = 0; i < s.nr_vms; i++) {
		pid_t pid = s.vms[i].s.pid;

		e = conf_find_vm(c, s.vms[i].name);
		if (!e || pidset_has(done, pid))
			continue;
		ret = dev_set_params(VMSCHED_SCOPE_VM, pid, 0, e->kv, e->nr);
		if (!follow_note(done, reported, pid, ret))
			continue;
		if (ret)
			conf_err(c, e->line, "vm %s (pid %d): %s", e->name, pid, reason(ret));
		else
			printf("vm %s (pid %d): applied %s\n", e->name, pid,
			       conf_args_str(e, args, sizeof(args)));
		fflush(stdout);
	}
	snap_free(&s);
}

/* SIGHUP: read the file again; a bad file keeps the old configuration */
static void reload(const char *path, struct conf *c, struct pdesc *d, struct pidset *done,
		   struct pidset *reported)
{
	struct conf nc;
	struct pdesc nd;
	struct pidset nps = { 0 };
	struct missing m;

	printf("vmsched: %s: reloading\n", path);
	fflush(stdout);
	if (load_conf(path, &nc, &nd, false, &m))
		goto keep;
	if (apply_conf(&nc, false, &m, &nps)) {
		conf_free(&nc);
		pdesc_free(&nd);
		free(nps.pid);
		goto keep;
	}
	conf_free(c);
	pdesc_free(d);
	free(done->pid);
	*c = nc;
	*d = nd;
	*done = nps;
	reported->n = 0;	/* the new file's failures are news */
	return;
keep:
	op_err("%s: keeping the configuration read before", path);
}

static int follow(const char *path, struct conf *c, struct pdesc *d, struct pidset *done)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct pidset reported = { 0 };
	struct timespec ts = {
		.tv_sec = opt.interval_ns / NSEC_PER_SEC,
		.tv_nsec = opt.interval_ns % NSEC_PER_SEC,
	};

	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("vmsched: %s: following new VMs every %.3gs\n", path,
	       (double)opt.interval_ns / NSEC_PER_SEC);
	fflush(stdout);
	while (!got_term) {
		if (got_hup) {
			got_hup = 0;
			reload(path, c, d, done, &reported);
		}
		follow_round(c, done, &reported);
		nanosleep(&ts, NULL);	/* a signal ends it early */
	}
	free(reported.pid);
	return EXIT_OK;
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
	ret = apply_conf(&c, opt.check, &m, &done);
	if (!ret && opt.follow)
		ret = follow(path, &c, &d, &done);
	free(done.pid);
	conf_free(&c);
	pdesc_free(&d);
	return ret;
}
