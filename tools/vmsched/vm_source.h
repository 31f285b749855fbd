/* SPDX-License-Identifier: GPL-2.0 */
/*
 * get vm: where each of a VM's values comes from. The configuration is
 * read as apply reads it (the file's vm line, then the libvirt domain's
 * metadata, then the policy's default), without reporting its errors: a
 * value is credited to the first that gives it, when the VM has that
 * value; a value that none of them gives was set by hand (vmsched set).
 */
#ifndef VMSCHED_VM_SOURCE_H
#define VMSCHED_VM_SOURCE_H

#include <linux/vmsched.h>

#include "params.h"

#define SOURCE_LEN	128

/* the file: $VMSCHED_CONF, else /etc/vmsched.conf */
const char *conf_file(void);

/*
 * For each of VM @vm's @n values @kv (of @d's policy, the active one): its
 * source into @src[i], "FILE:LINE", "libvirt metadata", "default" or
 * "set by hand (the configuration says VALUE)". @lv: what libvirt had for
 * the VM.
 */
void vm_sources(const char *vm, const struct pdesc *d, const struct vmsched_kv *kv,
		unsigned int n, char (*src)[SOURCE_LEN], char *lv, size_t lvlen);

#endif
