// SPDX-License-Identifier: GPL-2.0
/*
 * Pool lines of /etc/vmsched.conf (conf.h):
 *   pool NAME cpus=LIST [policy=P] [KEY=VALUE]...
 * and the pool= of vm lines. Nothing here talks to the kernel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "cpulist.h"

struct conf_pool *conf_find_pool(const struct conf *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->nr_pools; i++)
		if (!strcmp(c->pools[i].name, name))
			return &c->pools[i];
	return NULL;
}

struct conf_pool *conf_vm_pool(const struct conf *c, const struct conf_entry *e)
{
	if (!e || !e->pool[0] || !strcmp(e->pool, VMSCHED_POOL_DEFAULT))
		return NULL;
	return conf_find_pool(c, e->pool);
}

void conf_pools_free(struct conf *c)
{
	unsigned int i, k;

	for (i = 0; i < c->nr_pools; i++) {
		for (k = 0; k < c->pools[i].policy.nr; k++)
			free(c->pools[i].policy.args[k]);
		free(c->pools[i].d.p);
	}
	free(c->pools);
	c->pools = NULL;
	c->nr_pools = 0;
}

/* cpus= and policy= of pool @p; the other words are its globals; errors */
static int pool_args(struct conf *c, struct conf_pool *p, char **w, int n)
{
	char why[128];
	bool cpus = false;
	int k, errs = 0;

	for (k = 2; k < n; k++) {
		char *eq = strchr(w[k], '=');

		if (!eq || eq == w[k] || !eq[1]) {
			conf_err(c, p->line, "expected KEY=VALUE, got \"%s\"", w[k]);
			errs++;
		} else if (!strncmp(w[k], "cpus=", 5)) {
			if (cpus) {
				conf_err(c, p->line, "pool %s: cpus= is given twice", p->name);
				errs++;
			} else if (cpulist_parse(w[k] + 5, p->cpus, why, sizeof(why))) {
				conf_err(c, p->line, "pool %s: bad cpus=%s: %s", p->name, w[k] + 5,
					 why);
				errs++;
			}
			cpus = true;
		} else if (!strncmp(w[k], "policy=", 7)) {
			if (p->policy.name[0] || strlen(w[k] + 7) >= VMSCHED_NAME_MAX) {
				conf_err(c, p->line, "pool %s: %s", p->name, p->policy.name[0] ?
					 "policy= is given twice" : "policy name too long");
				errs++;
			} else {
				snprintf(p->policy.name, sizeof(p->policy.name), "%s", w[k] + 7);
			}
		} else {
			p->policy.args[p->policy.nr] = strdup(w[k]);
			if (!p->policy.args[p->policy.nr]) {
				conf_err(c, p->line, "out of memory");
				return errs + 1;
			}
			p->policy.nr++;
		}
	}
	if (!cpus && !errs) {
		conf_err(c, p->line, "pool %s: missing cpus=LIST (e.g. cpus=2-3)", p->name);
		errs++;
	}
	if (p->policy.nr && !p->policy.name[0] && !errs) {
		conf_err(c, p->line, "pool %s: parameters without policy=POLICY", p->name);
		errs++;
	}
	return errs;
}

int conf_pool_line(struct conf *c, unsigned int line, char **w, int n)
{
	const struct conf_pool *old;
	struct conf_pool *pools, p;
	int errs;

	if (n < 2) {
		conf_err(c, line, "pool: missing pool name");
		return 1;
	}
	if (!pool_name_ok(w[1])) {
		conf_err(c, line, "bad pool name \"%s\": 1 to %d characters of a-z, 0-9, _ and -",
			 w[1], VMSCHED_NAME_MAX - 1);
		return 1;
	}
	if (!strcmp(w[1], VMSCHED_POOL_DEFAULT)) {
		conf_err(c, line, "pool default has the CPUs of no other pool: its policy is "
			 "the policy line");
		return 1;
	}
	old = conf_find_pool(c, w[1]);
	if (old) {
		conf_err(c, line, "pool %s is already configured at line %u", w[1], old->line);
		return 1;
	}
	memset(&p, 0, sizeof(p));
	p.line = line;
	p.policy.line = line;
	p.policy.scope = VMSCHED_SCOPE_GLOBAL;
	snprintf(p.name, sizeof(p.name), "%s", w[1]);
	errs = pool_args(c, &p, w, n);
	pools = errs ? NULL : realloc(c->pools, (c->nr_pools + 1) * sizeof(*pools));
	if (!pools) {
		if (!errs)
			conf_err(c, line, "out of memory");
		for (n = 0; n < (int)p.policy.nr; n++)
			free(p.policy.args[n]);
		return errs ? errs : 1;
	}
	c->pools = pools;
	c->pools[c->nr_pools++] = p;
	return 0;
}

int conf_pools_check(const struct conf *c)
{
	char list[64];
	unsigned int i, j;
	int cpu, errs = 0;

	for (i = 0; i < c->nr_pools; i++)
		for (j = 0; j < i; j++) {
			cpu = cpus_first_common(c->pools[i].cpus, c->pools[j].cpus);
			if (cpu < 0)
				continue;
			conf_err(c, c->pools[i].line, "pool %s: CPU %d is also in pool %s "
				 "(line %u)", c->pools[i].name, cpu, c->pools[j].name,
				 c->pools[j].line);
			errs++;
		}
	for (i = 0; i < c->nr_vms; i++)
		if (c->vms[i].pool[0] && !conf_vm_pool(c, &c->vms[i]) &&
		    strcmp(c->vms[i].pool, VMSCHED_POOL_DEFAULT)) {
			snprintf(list, sizeof(list), "%s", c->vms[i].pool);
			conf_err(c, c->vms[i].line, "vm %s: no pool line for pool=%s",
				 c->vms[i].name, list);
			errs++;
		}
	return errs;
}

int conf_pools_validate(struct conf *c)
{
	struct conf_pool *p;
	unsigned int i;
	int errs = 0;

	for (i = 0; i < c->nr_pools; i++)
		if (c->pools[i].policy.name[0])
			errs += conf_check_entry(c, &c->pools[i].policy, &c->pools[i].d);
	for (i = 0; i < c->nr_vms; i++) {
		p = conf_vm_pool(c, &c->vms[i]);
		if (!p)
			continue;
		if (p->policy.name[0]) {
			errs += conf_check_entry(c, &c->vms[i], &p->d);
		} else if (c->vms[i].nr) {
			conf_err(c, c->vms[i].line, "vm %s: pool %s has no policy= for its "
				 "per-VM parameters", c->vms[i].name, p->name);
			errs++;
		}
	}
	return errs;
}
