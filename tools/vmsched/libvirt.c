// SPDX-License-Identifier: GPL-2.0
/*
 * Domain metadata through libvirt (libvirt.h). One read-only connection
 * per process, opened at the first question; when it cannot be opened the
 * next try waits RETRY_S (apply --follow asks every round).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "libvirt.h"

#define RETRY_S		10

static virConnectPtr conn;
static char conn_why[256];
static time_t next_try;

/* libvirt's errors are ours to report, not printed by its default handler */
static void quiet(void *data, virErrorPtr err)
{
	(void)data;
	(void)err;
}

static const char *last_error(void)
{
	const virError *e = virGetLastError();

	return e && e->message ? e->message : "unknown libvirt error";
}

static int lv_connect(char *why, size_t len)
{
	struct timespec now;

	if (conn && virConnectIsAlive(conn) == 1)
		return 0;
	if (conn) {
		virConnectClose(conn);
		conn = NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (next_try && now.tv_sec < next_try) {
		snprintf(why, len, "%s", conn_why);
		return -ENOTCONN;
	}
	virSetErrorFunc(NULL, quiet);
	/* the host's VMs: never a user's session daemon, started for asking */
	conn = virConnectOpenReadOnly(getenv("LIBVIRT_DEFAULT_URI") ? NULL : "qemu:///system");
	if (!conn) {
		snprintf(conn_why, sizeof(conn_why), "cannot connect to libvirt: %s",
			 last_error());
		snprintf(why, len, "%s", conn_why);
		next_try = now.tv_sec + RETRY_S;
		return -ENOTCONN;
	}
	next_try = 0;
	return 0;
}

int lv_metadata(const char *name, char **xml, char *why, size_t len)
{
	virDomainPtr dom;
	int ret = lv_connect(why, len);

	*xml = NULL;
	if (ret)
		return ret;
	dom = virDomainLookupByName(conn, name);
	if (!dom)
		return -ENOENT;
	*xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, VMSCHED_XMLNS, 0);
	virDomainFree(dom);
	return *xml ? 0 : -ENOENT;
}
