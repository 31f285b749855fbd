// SPDX-License-Identifier: GPL-2.0
/*
 * apply's pools (apply_pools.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_plan.h"
#include "apply_pools.h"
#include "apply_undo.h"
#include "cpulist.h"
#include "dev.h"
#include "main.h"
#include "output.h"
#include "pools.h"

enum { PS_CREATED, PS_DESTROYED, PS_POLICY, PS_MOVED };

struct pool_step {
	int kind;
	char pool[VMSCHED_NAME_MAX];
	struct vmsched_pool_info before;	/* PS_DESTROYED, PS_POLICY */
	struct vmsched_kv *globals;		/* of before.active */
	unsigned int nr_globals;
	pid_t pid;				/* PS_MOVED */
	char from[VMSCHED_NAME_MAX];		/* PS_MOVED: its pool before */
	pid_t *vms;				/* PS_DESTROYED: its VMs */
	unsigned int nr_vms;
};

static const struct out_col pool_cols[] = {
	{ "name", "POOL", -16, O_STR },
	{ "cpus", "CPUS", -16, O_STR },
	{ "policy", "POLICY", -12, O_STR },
	{ "state", "STATE", -1, O_STR },
};

static void pool_row(const char *name, const __u64 *cpus, const char *policy, const char *state)
{
	char list[256];
	struct out_cell row[] = {
		CELL_STR(name), CELL_STR(cpulist_format(cpus, list, sizeof(list))),
		policy[0] ? CELL_STR(policy) : (struct out_cell){ 0 }, CELL_STR(state),
	};

	out_row(row);
}

static struct pool_step *step(struct pool_undo *u, int kind, const char *pool)
{
	struct pool_step *s = realloc(u->steps, (u->n + 1) * sizeof(*s));

	if (!s)
		exit(op_err("out of memory"));
	u->steps = s;
	s = &u->steps[u->n++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	snprintf(s->pool, sizeof(s->pool), "%s", pool);
	return s;
}

/* the globals of @q's policy and its VMs, into @s; 0 or -errno */
static int save_pool(const struct vmsched_pool_info *q, struct pool_step *s, bool vms)
{
	struct vmsched_vm_stats *vm;
	struct vmsched_vcpu_stats *vc;
	unsigned int nv, nc, i;
	uint64_t now;
	int ret = 0;

	s->before = *q;
	if (q->active[0])
		ret = dev_get_params(q->name, VMSCHED_SCOPE_GLOBAL, 0, 0, &s->globals,
				     &s->nr_globals);
	if (ret || !vms)
		return ret;
	ret = dev_stats(q->name, 0, &now, &vm, &nv, &vc, &nc);
	if (ret)
		return ret;
	s->vms = calloc(nv ? nv : 1, sizeof(*s->vms));
	for (i = 0; s->vms && i < nv; i++)
		s->vms[s->nr_vms++] = vm[i].pid;
	free(vm);
	free(vc);
	return s->vms ? 0 : -ENOMEM;
}

/* remove the module's pools that the file lacks or has with other CPUs */
static int remove_pools(const struct conf *c, const struct vmsched_pool_info *cur,
			unsigned int n, bool *gone, struct pool_undo *u, bool dry)
{
	const struct conf_pool *fp;
	struct pool_step *s;
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		if (!strcmp(cur[i].name, VMSCHED_POOL_DEFAULT))
			continue;
		fp = conf_find_pool(c, cur[i].name);
		if (fp && !memcmp(fp->cpus, cur[i].cpus, sizeof(fp->cpus)))
			continue;
		gone[i] = true;
		pool_row(cur[i].name, cur[i].cpus, cur[i].active, dry ? "would remove" : "removed");
		if (dry)
			continue;
		s = step(u, PS_DESTROYED, cur[i].name);
		ret = save_pool(&cur[i], s, true);
		if (!ret)
			ret = dev_pool_destroy(cur[i].name);
		if (ret) {
			u->n--;
			free(s->globals);
			free(s->vms);
			conf_err(c, fp ? fp->line : 0, "pool %s: cannot remove it: %s", cur[i].name,
				 strerror(-ret));
			return EXIT_FAIL;
		}
	}
	return 0;
}

/* create pool @fp if @q (its pool now) is NULL, and give it its policy */
static int make_pool(const struct conf *c, const struct conf_pool *fp,
		     const struct vmsched_pool_info *q, struct pool_undo *u, bool dry)
{
	struct vmsched_kv kv[VMSCHED_MAX_KV];
	struct pool_step *s;
	unsigned int n = 0;
	int ret;

	pool_row(fp->name, fp->cpus, fp->policy.name, dry ? (q ? "would apply" : "would create")
						     : (q ? "applied" : "created"));
	if (dry)
		return 0;
	if (!q) {
		ret = dev_pool_create(fp->name, fp->cpus);
		if (ret) {
			conf_err(c, fp->line, "pool %s: cannot create it: %s", fp->name,
				 ret == -EBUSY ? "a CPU is in use by another pool, or it would "
				 "take the default pool's last CPU" : strerror(-ret));
			return EXIT_FAIL;
		}
		step(u, PS_CREATED, fp->name);
	}
	if (!fp->policy.name[0] && !(q && q->active[0]))
		return 0;
	s = step(u, PS_POLICY, fp->name);
	ret = q ? save_pool(q, s, false) : 0;
	if (!ret && fp->policy.name[0]) {
		ret = plan_values(&fp->d, VMSCHED_SCOPE_GLOBAL, &fp->policy, kv, &n);
		if (!ret)
			ret = dev_activate(fp->name, fp->policy.name, kv, n);
	} else if (!ret) {
		ret = dev_deactivate(fp->name);
	}
	if (ret) {
		u->n--;
		free(s->globals);
		conf_err(c, fp->line, "pool %s: policy %s: %s", fp->name,
			 fp->policy.name[0] ? fp->policy.name : "none", apply_why(ret));
		return EXIT_FAIL;
	}
	return 0;
}

int pools_apply(const struct conf *c, struct pool_undo *u, bool dry)
{
	struct vmsched_pool_info *cur = NULL;
	const struct vmsched_pool_info *q;
	unsigned int n = 0, i, k;
	bool *gone = NULL;
	int ret;

	if (!dev_has_pools())
		return 0;
	ret = pools_load(&cur, &n);
	if (ret)
		return dev_err("cannot list the pools", ret);
	gone = calloc(n ? n : 1, sizeof(*gone));
	if (!gone) {
		free(cur);
		return op_err("out of memory");
	}
	if (c->nr_pools || n > 1)
		out_table_begin("pools", pool_cols, 4, 0);
	ret = remove_pools(c, cur, n, gone, u, dry);
	for (i = 0; i < c->nr_pools && !ret; i++) {
		for (k = 0, q = NULL; k < n && !q; k++)
			if (!gone[k] && !strcmp(cur[k].name, c->pools[i].name))
				q = &cur[k];
		ret = make_pool(c, &c->pools[i], q, u, dry);
	}
	if (c->nr_pools || n > 1)
		out_table_end();
	free(gone);
	free(cur);
	return ret;
}

/* the pool VM @name belongs in */
static const char *vm_target(const struct conf *c, const char *name)
{
	const struct conf_pool *p = conf_vm_pool(c, conf_find_vm(c, name));

	return p ? p->name : VMSCHED_POOL_DEFAULT;
}

const struct pdesc *pools_vm_descs(const struct conf *c, const struct pdesc *d,
				   const char *name)
{
	const struct conf_pool *p = conf_vm_pool(c, conf_find_vm(c, name));

	if (!p)
		return strcmp(c->policy.name, CONF_NONE) ? d : NULL;
	return p->policy.name[0] ? &p->d : NULL;
}

int pools_move_vms(const struct conf *c, const struct snap *s, struct pool_undo *u, bool dry)
{
	const char *to;
	struct pool_step *st;
	unsigned int i;
	int ret;

	if (dry || !s->have_pools)
		return 0;
	for (i = 0; i < s->nr_vms; i++) {
		to = vm_target(c, s->vms[i].name);
		if (!strcmp(snap_vm_pool(&s->vms[i]), to))
			continue;
		ret = dev_pool_move(to, s->vms[i].s.pid);
		if (ret == -ESRCH)
			continue;	/* it just exited */
		if (ret) {
			conf_err(c, conf_find_vm(c, s->vms[i].name) ?
				 conf_find_vm(c, s->vms[i].name)->line : 0,
				 "vm %s (pid %d): cannot move it to pool %s: %s", s->vms[i].name,
				 s->vms[i].s.pid, to, ret == -EINVAL ? "a vCPU thread may run on "
				 "none of its CPUs (vmsched pool move says which)" : strerror(-ret));
			return EXIT_FAIL;
		}
		st = step(u, PS_MOVED, to);
		st->pid = s->vms[i].s.pid;
		snprintf(st->from, sizeof(st->from), "%s", snap_vm_pool(&s->vms[i]));
	}
	return 0;
}

/* put pool @s->before back with its policy; failures */
static unsigned int policy_back(const struct conf *c, const struct pool_step *s)
{
	const struct vmsched_pool_info *b = &s->before;
	int ret;

	if (b->active[0])
		ret = dev_activate(s->pool, b->active, s->globals, s->nr_globals);
	else
		ret = dev_deactivate(s->pool);
	if (!ret)
		return 0;
	conf_err(c, 0, "rollback: pool %s: cannot make %s active again: %s (errno %d)", s->pool,
		 b->active[0] ? b->active : "no policy", strerror(-ret), -ret);
	return 1;
}

static unsigned int undo_step(const struct conf *c, const struct pool_step *s)
{
	unsigned int i, fails = 0;
	int ret;

	switch (s->kind) {
	case PS_MOVED:
		ret = dev_pool_move(s->from, s->pid);
		if (!ret || ret == -ESRCH)
			return 0;
		conf_err(c, 0, "rollback: pid %d: cannot move it back to pool %s: %s (errno %d)",
			 s->pid, s->from, strerror(-ret), -ret);
		return 1;
	case PS_POLICY:
		return policy_back(c, s);
	case PS_CREATED:
		ret = dev_pool_destroy(s->pool);
		if (!ret)
			return 0;
		conf_err(c, 0, "rollback: pool %s: cannot remove it again: %s (errno %d)", s->pool,
			 strerror(-ret), -ret);
		return 1;
	default:	/* PS_DESTROYED */
		ret = dev_pool_create(s->pool, s->before.cpus);
		if (ret) {
			conf_err(c, 0, "rollback: pool %s: cannot create it again: %s (errno %d)",
				 s->pool, strerror(-ret), -ret);
			return 1;
		}
		if (s->before.active[0])
			fails += policy_back(c, s);
		for (i = 0; i < s->nr_vms; i++) {
			ret = dev_pool_move(s->pool, s->vms[i]);
			if (ret && ret != -ESRCH) {
				conf_err(c, 0, "rollback: pid %d: cannot move it back to pool %s: "
					 "%s (errno %d)", s->vms[i], s->pool, strerror(-ret), -ret);
				fails++;
			}
		}
		return fails;
	}
}

unsigned int pools_rollback(struct pool_undo *u, const struct conf *c)
{
	unsigned int i, fails = 0;

	for (i = u->n; i-- > 0;)
		fails += undo_step(c, &u->steps[i]);
	return fails;
}

void pools_undo_free(struct pool_undo *u)
{
	unsigned int i;

	for (i = 0; i < u->n; i++) {
		free(u->steps[i].globals);
		free(u->steps[i].vms);
	}
	free(u->steps);
	memset(u, 0, sizeof(*u));
}
