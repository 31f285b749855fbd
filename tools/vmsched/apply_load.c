// SPDX-License-Identifier: GPL-2.0
/*
 * apply: read, load and check the configuration (apply_load.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "apply_load.h"
#include "dev.h"
#include "json.h"
#include "main.h"
#include "modprobe.h"
#include "output.h"

/* "kvm_schedswap and fair_sched": the modules of @m, "" if none */
static const char *missing_str(const struct missing *m, const char *sep, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", m->core ? "kvm_schedswap" : "",
		 m->core && m->policy[0] ? sep : "", m->policy);
	return buf;
}

/*
 * The descriptors of the file's policy into @d, its module loaded if
 * needed, or with @check noted in @missing; 0 or the exit code.
 */
static int load_policy(const struct conf *c, const struct conf_entry *pe, bool needed,
		       struct pdesc *d, bool check, struct missing *missing)
{
	const char *name = pe->name;
	char mod[VM_NAME_LEN + 8], mods[2 * sizeof(mod)], why[1024];
	int ret = missing->core ? -ENOENT : pdesc_load(name, d);

	snprintf(mod, sizeof(mod), "%s_sched", name);
	if (ret == -ENOENT && !check) {
		if (modprobe(mod, why, sizeof(why))) {
			conf_err(c, pe->line, "policy \"%s\" is not loaded, and loading "
				 "%s failed: %s%s", name, mod, why, modprobe_hint(why));
			return EXIT_FAIL;
		}
		ret = pdesc_load(name, d);
	}
	if (ret == -ENOENT && check) {
		snprintf(missing->policy, sizeof(missing->policy), "%s", mod);
		if (!needed)
			return 0;	/* nothing to check against its descriptors */
		conf_err(c, pe->line, "policy \"%s\" is not loaded: apply would load %s; "
			 "its parameters can be checked once it is loaded (modprobe %s)", name,
			 missing_str(missing, " and ", mods, sizeof(mods)), mod);
		return EXIT_FAIL;
	}
	if (ret == -ENOENT) {
		conf_err(c, pe->line, "policy \"%s\" is not loaded, and module %s "
			 "(loaded) registered no policy of that name", name, mod);
		return EXIT_FAIL;
	}
	return ret ? dev_err("cannot read the policy's parameters", ret) : 0;
}

/* a VM of pool @p has a vm line */
static bool pool_has_vms(const struct conf *c, const struct conf_pool *p)
{
	unsigned int i;

	for (i = 0; i < c->nr_vms; i++)
		if (conf_vm_pool(c, &c->vms[i]) == p)
			return true;
	return false;
}

/* pools need a module that has them; the descriptors of their policies */
static int load_pools(struct conf *c, bool check, struct missing *missing)
{
	struct conf_pool *p;
	unsigned int i;

	if (!c->nr_pools || missing->core)
		return 0;
	if (!dev_has_pools()) {
		conf_err(c, c->pools[0].line, "pool %s: " DEV_NO_POOLS_FMT, c->pools[0].name,
			 dev_abi_minor());
		return EXIT_FAIL;
	}
	for (i = 0; i < c->nr_pools; i++) {
		p = &c->pools[i];
		if (p->policy.name[0] &&
		    load_policy(c, &p->policy, p->policy.nr || pool_has_vms(c, p), &p->d,
				check, missing))
			return EXIT_FAIL;
	}
	return 0;
}

int load_conf(const char *path, struct conf *c, struct pdesc *d, bool check,
	      struct missing *missing)
{
	FILE *f = fopen(path, "r");
	char why[1024];
	int errs;

	memset(d, 0, sizeof(*d));
	memset(missing, 0, sizeof(*missing));
	if (!f)
		return op_err("cannot open %s: %s", path, strerror(errno));
	errs = conf_parse(c, path, f);
	fclose(f);
	if (errs)
		goto bad;
	if (dev_try_open() == -ENOENT) {
		if (check) {
			missing->core = true;
		} else if (modprobe("kvm_schedswap", why, sizeof(why))) {
			op_err("cannot load kvm_schedswap: %s%s", why, modprobe_hint(why));
			goto bad;
		}
	}
	if (!missing->core && dev_fd() < 0)
		goto bad;
	if (strcmp(c->policy.name, CONF_NONE) &&
	    load_policy(c, &c->policy, c->policy.nr || c->nr_vms, d, check, missing))
		goto bad;
	if (load_pools(c, check, missing))
		goto bad;
	errs = conf_validate(c, d);
	if (!errs)
		return 0;
bad:
	pdesc_free(d);
	conf_free(c);
	return EXIT_FAIL;
}

void print_missing(const struct missing *m)
{
	char mods[2 * sizeof(m->policy)];

	if (!out_json()) {
		if (m->core || m->policy[0])
			out_kv_str(NULL, "would load", missing_str(m, " ", mods, sizeof(mods)));
		return;
	}
	jw_array_begin("would_load");
	if (m->core)
		jw_string(NULL, "kvm_schedswap");
	if (m->policy[0])
		jw_string(NULL, m->policy);
	jw_array_end();
}
