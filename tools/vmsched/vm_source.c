// SPDX-License-Identifier: GPL-2.0
/*
 * Where a VM's values come from (vm_source.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "units.h"
#include "vm_meta.h"
#include "vm_source.h"

const char *conf_file(void)
{
	const char *f = getenv("VMSCHED_CONF");

	return f && *f ? f : VMSCHED_CONF_FILE;
}

/*
 * @c from the file, if it parses, is valid and gives VM @vm's pool policy
 * @d (the default pool's: the policy line); else empty. VM @vm's line, or
 * NULL.
 */
static const struct conf_entry *read_conf(struct conf *c, const struct pdesc *d,
					  const char *vm)
{
	FILE *f = fopen(conf_file(), "r");
	const struct conf_pool *p;
	struct conf_entry *e = NULL;
	int errs = 1;

	memset(c, 0, sizeof(*c));
	if (!f)
		return NULL;
	errs = conf_parse(c, conf_file(), f);
	fclose(f);
	if (!errs) {
		e = (struct conf_entry *)conf_find_vm(c, vm);
		p = conf_vm_pool(c, e);
		if (strcmp(p ? p->policy.name : c->policy.name, d->policy))
			errs = 1;
		else if (!c->nr_pools)
			errs = conf_validate(c, d);
		else if (e)	/* the pools' other policies are not at hand */
			errs = conf_check_entry(c, e, d);
	}
	if (!errs)
		return e;
	conf_free(c);
	return NULL;
}

void vm_sources(const char *vm, const struct pdesc *d, const struct vmsched_kv *kv,
		unsigned int n, char (*src)[SOURCE_LEN], char *lv, size_t lvlen)
{
	const struct vmsched_param_info *p;
	const struct conf_entry *file;
	struct conf_entry meta;
	enum meta_state ms;
	char why[256], val[FMT_LEN];
	struct conf c;
	unsigned int i;
	uint64_t want;

	conf_quiet(true);
	file = read_conf(&c, d, vm);
	ms = meta_load(vm, d, &meta, why, sizeof(why));
	conf_quiet(false);
	snprintf(lv, lvlen, "%s", ms == META_FOUND ? "vmsched metadata used" :
		 ms == META_NONE ? "no vmsched metadata for this domain" : why);
	if (ms == META_BAD)
		snprintf(lv, lvlen, "vmsched metadata ignored: %s (vmsched apply -c shows why)",
			 why);
	for (i = 0; i < n; i++) {
		p = pdesc_find(d, kv[i].key);
		want = p ? p->def : kv[i].value;
		if (entry_value(file, kv[i].key, &want))
			snprintf(src[i], SOURCE_LEN, "%s:%u", c.path, file->line);
		else if (ms == META_FOUND && entry_value(&meta, kv[i].key, &want))
			snprintf(src[i], SOURCE_LEN, "libvirt metadata");
		else
			snprintf(src[i], SOURCE_LEN, "default");
		if (want != kv[i].value)
			snprintf(src[i], SOURCE_LEN, "set by hand (the configuration says %s)",
				 fmt_value(want, p ? p->unit : VMSCHED_UNIT_NONE, val));
	}
	if (ms == META_FOUND)
		meta_free(&meta);
	conf_free(&c);
}
