// SPDX-License-Identifier: GPL-2.0
/*
 * libvirt.h when vmsched is built without libvirt (a static build, or
 * LIBVIRT=0): there is no domain metadata to read.
 */
#include <errno.h>
#include <stdio.h>

#include "libvirt.h"

int lv_metadata(const char *name, char **xml, char *why, size_t len)
{
	(void)name;
	*xml = NULL;
	snprintf(why, len, "vmsched was built without libvirt");
	return -ENOTSUP;
}

int lv_usable(char *why, size_t len)
{
	snprintf(why, len, "vmsched was built without libvirt");
	return -ENOTSUP;
}
