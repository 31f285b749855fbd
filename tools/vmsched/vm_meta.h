/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM's parameters from its libvirt domain's metadata (libvirt.h), merged
 * with its vm line of the configuration file: the file's keys win, the
 * metadata gives the others. Metadata that is not valid for the policy
 * (unknown key, bad value or range) is reported with the domain's name and
 * ignored for that VM as a whole.
 */
#ifndef VMSCHED_VM_META_H
#define VMSCHED_VM_META_H

#include <stddef.h>

#include "conf.h"
#include "params.h"

/* the attributes of <sched KEY="VALUE".../> in @xml as KEY=VALUE args of @e; 0 or -EINVAL (@why) */
int meta_parse(const char *xml, struct conf_entry *e, char *why, size_t len);

enum meta_state {
	META_NONE,		/* no such domain, or no vmsched metadata */
	META_FOUND,		/* valid, in the entry */
	META_BAD,		/* reported (unless conf_quiet) and ignored */
	META_UNREACHABLE,	/* no libvirt (built without, or not reachable): @why */
};

/*
 * The metadata of domain @vm into @m (e->kv checked against @d, the active
 * policy's descriptors; free it with meta_free()). @why (may be NULL) says
 * why META_BAD or META_UNREACHABLE.
 */
enum meta_state meta_load(const char *vm, const struct pdesc *d, struct conf_entry *m,
			  char *why, size_t len);
void meta_free(struct conf_entry *m);

/*
 * @out: @file's keys, then those of @meta that @file does not give (both
 * may be NULL). @out shares their strings: not to be freed.
 */
void meta_merge(const struct conf_entry *file, const struct conf_entry *meta,
		struct conf_entry *out);
/*
 * The configuration of VM @name: its vm line in @c merged with its domain's
 * metadata (looked up only if @d, the policy's descriptors, has any), into
 * @merged; @meta holds the metadata (meta_free() it). Returns where it came
 * from: "file", "libvirt", "file+libvirt", or NULL for neither.
 */
const char *vm_config(const struct conf *c, const struct pdesc *d, const char *name,
		      struct conf_entry *meta, struct conf_entry *merged);
/* the value @e gives @key, or false */
bool entry_value(const struct conf_entry *e, const char *key, uint64_t *v);

#endif
