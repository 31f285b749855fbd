// SPDX-License-Identifier: GPL-2.0
/*
 * /etc/vmsched.conf: syntax (conf_parse) and validation against the
 * policy's parameter descriptors (conf_validate). Nothing here talks to the
 * kernel: the caller loads the descriptors, so the parser is tested on the
 * host with descriptors of its own.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "main.h"
#include "units.h"

static bool quiet;

void conf_quiet(bool q)
{
	quiet = q;
}

void conf_err(const struct conf *c, unsigned int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		op_err("%s:%u: %s", c->path, line, msg);
	else
		op_err("%s: %s", c->path, msg);
}

void conf_free(struct conf *c)
{
	unsigned int i, k;

	for (k = 0; k < c->policy.nr; k++)
		free(c->policy.args[k]);
	for (i = 0; i < c->nr_vms; i++)
		for (k = 0; k < c->vms[i].nr; k++)
			free(c->vms[i].args[k]);
	free(c->vms);
	conf_pools_free(c);
	memset(c, 0, sizeof(*c));
}

const struct conf_entry *conf_find_vm(const struct conf *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->nr_vms; i++)
		if (!strcmp(c->vms[i].name, name))
			return &c->vms[i];
	return NULL;
}

char *conf_args_str(const struct conf_entry *e, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int k;

	buf[0] = '\0';
	for (k = 0; k < e->nr && n < len; k++)
		n += snprintf(buf + n, len - n, "%s%s", k ? " " : "", e->args[k]);
	return buf;
}

/* split @line at blanks, up to the first '#' that starts a word */
static int split_words(char *line, char **w, int max)
{
	char *save, *tok;
	int n = 0;

	for (tok = strtok_r(line, " \t\r\n", &save); tok && *tok != '#';
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == max)
			return max + 1;
		w[n++] = tok;
	}
	return n;
}

/* "policy NAME [KEY=VALUE]..." or "vm NAME KEY=VALUE..." into @e; errors */
static int parse_entry(struct conf *c, struct conf_entry *e, unsigned int line,
		       char **w, int n)
{
	int k, errs = 0;

	memset(e, 0, sizeof(*e));
	e->line = line;
	e->scope = w[0][0] == 'p' ? VMSCHED_SCOPE_GLOBAL : VMSCHED_SCOPE_VM;
	if (n < 2) {
		conf_err(c, line, "%s: missing %s name", w[0], w[0]);
		return 1;
	}
	if (strlen(w[1]) >= (e->scope == VMSCHED_SCOPE_VM ? VM_NAME_LEN : VMSCHED_NAME_MAX)) {
		conf_err(c, line, "%s name \"%s\" is too long", w[0], w[1]);
		return 1;
	}
	snprintf(e->name, sizeof(e->name), "%s", w[1]);
	if (e->scope == VMSCHED_SCOPE_VM && n < 3) {
		conf_err(c, line, "vm %s: missing KEY=VALUE (e.g. vm %s weight=512)",
			 w[1], w[1]);
		return 1;
	}
	if (n - 2 > VMSCHED_MAX_KV) {
		conf_err(c, line, "too many parameters: at most %d per line", VMSCHED_MAX_KV);
		return 1;
	}
	for (k = 2; k < n; k++) {
		char *eq = strchr(w[k], '=');

		if (e->scope == VMSCHED_SCOPE_VM && !strncmp(w[k], "pool=", 5)) {
			if (e->pool[0] || !w[k][5] || strlen(w[k] + 5) >= sizeof(e->pool)) {
				conf_err(c, line, "vm %s: %s", w[1], e->pool[0] ? "pool= is given "
					 "twice" : "bad pool= (a pool name of 1 to 31 characters)");
				errs++;
			} else {
				snprintf(e->pool, sizeof(e->pool), "%s", w[k] + 5);
			}
			continue;
		}
		if (!eq || eq == w[k] || !eq[1]) {
			conf_err(c, line, "expected KEY=VALUE, got \"%s\"", w[k]);
			errs++;
			continue;
		}
		e->args[e->nr] = strdup(w[k]);
		if (!e->args[e->nr]) {
			conf_err(c, line, "out of memory");
			return errs + 1;
		}
		e->nr++;
	}
	return errs;
}

static int add_vm(struct conf *c, const struct conf_entry *e)
{
	const struct conf_entry *old = conf_find_vm(c, e->name);
	struct conf_entry *vms;

	if (old) {
		conf_err(c, e->line, "vm %s is already configured at line %u", e->name,
			 old->line);
		return 1;
	}
	vms = realloc(c->vms, (c->nr_vms + 1) * sizeof(*vms));
	if (!vms) {
		conf_err(c, e->line, "out of memory");
		return 1;
	}
	c->vms = vms;
	c->vms[c->nr_vms++] = *e;
	return 0;
}

int conf_parse(struct conf *c, const char *path, FILE *f)
{
	char buf[4096], *w[VMSCHED_MAX_KV + 3];
	struct conf_entry e;
	unsigned int line = 0;
	int n, errs = 0, ret;

	memset(c, 0, sizeof(*c));
	c->path = path;
	conf_metrics_init(c);
	while (fgets(buf, sizeof(buf), f)) {
		line++;
		if (!strchr(buf, '\n') && !feof(f)) {
			conf_err(c, line, "line too long (at most %zu characters)",
				 sizeof(buf) - 2);
			return errs + 1;
		}
		n = split_words(buf, w, VMSCHED_MAX_KV + 2);
		if (!n)
			continue;
		if (n > VMSCHED_MAX_KV + 2) {
			conf_err(c, line, "too many parameters: at most %d per line",
				 VMSCHED_MAX_KV);
			errs++;
			continue;
		}
		if (!strncmp(w[0], "metrics-", 8) && (!strcmp(w[0] + 8, "textfile") ||
						      !strcmp(w[0] + 8, "interval"))) {
			errs += conf_metrics_line(c, line, w, n);
			continue;
		}
		if (!strcmp(w[0], "pool")) {
			errs += conf_pool_line(c, line, w, n);
			continue;
		}
		if (strcmp(w[0], "policy") && strcmp(w[0], "vm")) {
			conf_err(c, line, "unknown keyword \"%s\", expected policy, pool, vm, "
				 "metrics-textfile or metrics-interval", w[0]);
			errs++;
			continue;
		}
		ret = parse_entry(c, &e, line, w, n);
		errs += ret;
		if (ret) {
			for (unsigned int k = 0; k < e.nr; k++)
				free(e.args[k]);
			continue;
		}
		if (e.scope == VMSCHED_SCOPE_VM) {
			ret = add_vm(c, &e);
		} else if (c->policy.line) {
			conf_err(c, line, "a second policy line (the first is line %u)",
				 c->policy.line);
			ret = 1;
		} else {
			c->policy = e;
		}
		if (ret)
			for (unsigned int k = 0; k < e.nr; k++)
				free(e.args[k]);
		errs += ret;
	}
	if (ferror(f)) {
		conf_err(c, 0, "read error");
		errs++;
	}
	if (!c->policy.line && !errs) {
		conf_err(c, 0, "no policy line: add \"policy NAME\" (or \"policy none\")");
		errs++;
	}
	if (!errs)
		errs += conf_pools_check(c);
	return errs;
}

/* one KEY=VALUE of @e into e->kv[@k]; 0 or 1 (error printed) */
static int check_arg(const struct conf *c, struct conf_entry *e, unsigned int k,
		     const struct pdesc *d)
{
	const struct vmsched_param_info *p;
	const char *arg = e->args[k], *val = strchr(arg, '=') + 1;
	char keys[512], lo[FMT_LEN], hi[FMT_LEN];
	size_t klen = val - 1 - arg;
	unsigned int j;
	uint64_t v;
	int ret;

	if (klen >= VMSCHED_NAME_MAX) {
		conf_err(c, e->line, "parameter name \"%.*s\" is too long", (int)klen, arg);
		return 1;
	}
	memset(&e->kv[k], 0, sizeof(e->kv[k]));
	memcpy(e->kv[k].key, arg, klen);
	for (j = 0; j < k; j++)
		if (!strcmp(e->kv[j].key, e->kv[k].key)) {
			conf_err(c, e->line, "%s is given twice", e->kv[k].key);
			return 1;
		}
	p = pdesc_find(d, e->kv[k].key);
	if (!p || p->scope != e->scope) {
		key_list(d, e->scope, keys, sizeof(keys));
		conf_err(c, e->line, "policy %s has no %s parameter \"%s\" (%s parameters: %s)%s",
			 d->policy, scope_name(e->scope), e->kv[k].key, scope_name(e->scope),
			 keys[0] ? keys : "none", p ? (p->scope == VMSCHED_SCOPE_GLOBAL ?
				    "; it is global: put it on the policy line" :
				    "; it is per-VM: put it on a vm line") : "");
		return 1;
	}
	ret = parse_value(val, p->unit, &v);
	if (ret) {
		conf_err(c, e->line, "bad value \"%s\" for %s: expected %s", val,
			 e->kv[k].key, unit_hint(p->unit));
		return 1;
	}
	if (v < p->min || v > p->max) {
		conf_err(c, e->line, "%s=%s is out of range for policy %s: allowed %s..%s",
			 e->kv[k].key, val, d->policy, fmt_value(p->min, p->unit, lo),
			 fmt_value(p->max, p->unit, hi));
		return 1;
	}
	e->kv[k].value = v;
	return 0;
}

int conf_check_entry(const struct conf *c, struct conf_entry *e, const struct pdesc *d)
{
	unsigned int k;
	int errs = 0;

	for (k = 0; k < e->nr; k++)
		errs += check_arg(c, e, k, d);
	return errs;
}

int conf_validate(struct conf *c, const struct pdesc *d)
{
	bool none = !strcmp(c->policy.name, CONF_NONE);
	unsigned int i;
	int errs = conf_pools_validate(c);

	if (none && c->policy.nr) {
		conf_err(c, c->policy.line, "policy none takes no parameters");
		errs++;
	}
	if (!none)
		errs += conf_check_entry(c, &c->policy, d);
	for (i = 0; i < c->nr_vms; i++) {
		if (conf_vm_pool(c, &c->vms[i]))
			continue;	/* checked against its pool's policy */
		if (!none) {
			errs += conf_check_entry(c, &c->vms[i], d);
		} else if (c->vms[i].nr) {
			conf_err(c, c->vms[i].line, "vm %s: per-VM parameters need a policy, "
				 "not \"policy none\"", c->vms[i].name);
			return errs + 1;
		}
	}
	return errs;
}
