/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VM's vmsched parameters in its libvirt domain: the element
 *
 *   <metadata>
 *     <vmsched:sched xmlns:vmsched="urn:vmsched:sched:1" weight="512" cap="50%"/>
 *   </metadata>
 *
 * read with virDomainGetMetadata() (libvirt carries it through migration
 * and virsh edit). The connection is read-only, to LIBVIRT_DEFAULT_URI or
 * else qemu:///system. libvirt.c loads libvirt.so.0 at the first question;
 * in a static build (or LIBVIRT=0) libvirt_none.c stands in for it.
 */
#ifndef VMSCHED_LIBVIRT_H
#define VMSCHED_LIBVIRT_H

#include <stddef.h>

#define VMSCHED_XMLNS	"urn:vmsched:sched:1"

/*
 * The vmsched element of domain @name's metadata, as XML in *@xml (free
 * it). 0; -ENOENT: no such domain, or no vmsched metadata; -ENOTCONN:
 * libvirt is not reachable, -ENOTSUP: vmsched was built without libvirt
 * or libvirt is not installed (both with the reason in @why).
 */
int lv_metadata(const char *name, char **xml, char *why, size_t len);
/*
 * Whether domain metadata can be read at all: 0 once libvirt.so.0 is
 * loaded (whether libvirtd answers is not asked), or -ENOTSUP with the
 * reason in @why.
 */
int lv_usable(char *why, size_t len);

#endif
