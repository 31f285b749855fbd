// SPDX-License-Identifier: GPL-2.0
/*
 * Per-VM parameters from libvirt domain metadata (vm_meta.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt.h"
#include "vm_meta.h"

/* XML's five predefined entities in place; false for another '&' */
static bool unescape(char *s)
{
	static const char *const ent[][2] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
		{ "&apos;", "'" },
	};
	char *r = s, *w = s;
	unsigned int i;

	while (*r) {
		if (*r != '&') {
			*w++ = *r++;
			continue;
		}
		for (i = 0; i < sizeof(ent) / sizeof(ent[0]); i++)
			if (!strncmp(r, ent[i][0], strlen(ent[i][0])))
				break;
		if (i == sizeof(ent) / sizeof(ent[0]))
			return false;
		*w++ = ent[i][1][0];
		r += strlen(ent[i][0]);
	}
	*w = '\0';
	return true;
}

static const char *skip_space(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* one attribute at @p into @e; the position after it, or NULL (@why) */
static const char *parse_attr(const char *p, struct conf_entry *e, char *why, size_t len)
{
	size_t nlen = strcspn(p, "= \t\r\n/>");
	const char *v, *end;
	char quote, *arg;

	v = skip_space(p + nlen);
	if (!nlen || *v != '=') {
		snprintf(why, len, "expected KEY=\"VALUE\" at \"%.20s\"", p);
		return NULL;
	}
	v = skip_space(v + 1);
	quote = *v;
	end = quote == '"' || quote == '\'' ? strchr(v + 1, quote) : NULL;
	if (!end) {
		snprintf(why, len, "the value of %.*s is not quoted", (int)nlen, p);
		return NULL;
	}
	if ((nlen == 5 && !strncmp(p, "xmlns", 5)) || !strncmp(p, "xmlns:", 6))
		return end + 1;
	if (e->nr == VMSCHED_MAX_KV) {
		snprintf(why, len, "more than %d parameters", VMSCHED_MAX_KV);
		return NULL;
	}
	if (asprintf(&arg, "%.*s=%.*s", (int)nlen, p, (int)(end - v - 1), v + 1) < 0) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	e->args[e->nr++] = arg;
	if (!unescape(arg) || !arg[nlen + 1]) {
		snprintf(why, len, "bad value \"%.*s\" for %.*s", (int)(end - v - 1), v + 1,
			 (int)nlen, p);
		return NULL;
	}
	return end + 1;
}

int meta_parse(const char *xml, struct conf_entry *e, char *why, size_t len)
{
	const char *p = skip_space(xml), *name;
	size_t nlen;

	memset(e, 0, sizeof(*e));
	e->scope = VMSCHED_SCOPE_VM;
	if (*p++ != '<') {
		snprintf(why, len, "not an XML element");
		return -EINVAL;
	}
	nlen = strcspn(p, " \t\r\n/>");
	name = memchr(p, ':', nlen);
	name = name ? name + 1 : p;
	if (p + nlen - name != 5 || strncmp(name, "sched", 5)) {
		snprintf(why, len, "element <%.*s>, expected <sched KEY=\"VALUE\" .../>",
			 (int)nlen, p);
		return -EINVAL;
	}
	p = skip_space(p + nlen);
	while (*p && *p != '/' && *p != '>') {
		p = parse_attr(p, e, why, len);
		if (!p)
			return -EINVAL;
		p = skip_space(p);
	}
	return 0;
}

void meta_free(struct conf_entry *m)
{
	unsigned int k;

	for (k = 0; k < m->nr; k++)
		free(m->args[k]);
	m->nr = 0;
}

enum meta_state meta_load(const char *vm, const struct pdesc *d, struct conf_entry *m,
			  char *why, size_t len)
{
	char path[VM_NAME_LEN + 32], buf[256];
	struct conf c = { .path = path };
	char *xml;
	int ret;

	if (!why) {
		why = buf;
		len = sizeof(buf);
	}
	memset(m, 0, sizeof(*m));
	ret = lv_metadata(vm, &xml, why, len);
	if (ret == -ENOENT)
		return META_NONE;
	if (ret)
		return META_UNREACHABLE;
	snprintf(path, sizeof(path), "libvirt domain %s", vm);
	ret = meta_parse(xml, m, why, len);
	free(xml);
	if (ret) {
		conf_err(&c, 0, "vmsched metadata: %s; ignored for this VM", why);
		meta_free(m);
		return META_BAD;
	}
	snprintf(m->name, sizeof(m->name), "%s", vm);
	if (!m->nr)
		return META_NONE;
	if (conf_check_entry(&c, m, d)) {
		snprintf(why, len, "not valid for policy %s", d->policy);
		conf_err(&c, 0, "vmsched metadata ignored for this VM (see above)");
		meta_free(m);
		return META_BAD;
	}
	return META_FOUND;
}

bool entry_value(const struct conf_entry *e, const char *key, uint64_t *v)
{
	unsigned int k;

	for (k = 0; e && k < e->nr; k++)
		if (!strcmp(e->kv[k].key, key)) {
			*v = e->kv[k].value;
			return true;
		}
	return false;
}

void meta_merge(const struct conf_entry *file, const struct conf_entry *meta,
		struct conf_entry *out)
{
	const struct conf_entry *src = file ? file : meta;
	unsigned int k;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	if (!src)
		return;
	out->line = file ? file->line : 0;
	out->scope = VMSCHED_SCOPE_VM;
	snprintf(out->name, sizeof(out->name), "%s", src->name);
	for (k = 0; file && k < file->nr; k++) {
		out->args[out->nr] = file->args[k];
		out->kv[out->nr++] = file->kv[k];
	}
	for (k = 0; meta && k < meta->nr && out->nr < VMSCHED_MAX_KV; k++) {
		if (entry_value(file, meta->kv[k].key, &v))
			continue;
		out->args[out->nr] = meta->args[k];
		out->kv[out->nr++] = meta->kv[k];
	}
}

const char *vm_config(const struct conf *c, const struct pdesc *d, const char *name,
		      struct conf_entry *meta, struct conf_entry *merged)
{
	const struct conf_entry *file = conf_find_vm(c, name);
	bool have_meta = d->n && meta_load(name, d, meta, NULL, 0) == META_FOUND;

	if (!have_meta)
		memset(meta, 0, sizeof(*meta));
	meta_merge(file, have_meta ? meta : NULL, merged);
	return file && have_meta ? "file+libvirt" : file ? "file" : have_meta ? "libvirt" : NULL;
}
