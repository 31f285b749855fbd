// SPDX-License-Identifier: GPL-2.0
/*
 * Domain metadata through libvirt (libvirt.h), loaded at run time: the
 * first question dlopen()s libvirt.so.0, so that the commands that do not
 * ask (all but apply and get vm) do not pay for loading it. Without
 * libvirt installed there is no metadata, said once in @why. One
 * read-only connection per process, opened at the first question; when it
 * cannot be opened the next try waits RETRY_S (apply --follow asks every
 * round).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libvirt.h"
#include "libvirt_api.h"

#define RETRY_S		10

static struct libvirt_api lv;
static int loaded;		/* 0: not tried, 1: loaded, -1: failed (lv_why) */
static char lv_why[256];
static virConnectPtr conn;
static char conn_why[256];
static time_t next_try;

#define SYM(name)	{ #name, offsetof(struct libvirt_api, name) }

static const struct {
	const char *name;
	size_t off;
} syms[] = {
	SYM(virConnectOpenReadOnly), SYM(virConnectIsAlive), SYM(virConnectClose),
	SYM(virSetErrorFunc), SYM(virGetLastError), SYM(virDomainLookupByName),
	SYM(virDomainGetMetadata), SYM(virDomainFree),
};

/* libvirt's errors are ours to report, not printed by its default handler */
static void quiet(void *data, virErrorPtr err)
{
	(void)data;
	(void)err;
}

static int lv_load(char *why, size_t len)
{
	void *h;
	size_t i;

	if (!loaded) {
		loaded = -1;
		h = dlopen(LIBVIRT_SONAME, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			const char *e = dlerror();

			snprintf(lv_why, sizeof(lv_why),
				 "libvirt is not installed (%s), no domain metadata",
				 e ? e : LIBVIRT_SONAME);
			goto out;
		}
		for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
			void *f = dlsym(h, syms[i].name);

			if (!f) {
				snprintf(lv_why, sizeof(lv_why), "%s lacks %s, no domain metadata",
					 LIBVIRT_SONAME, syms[i].name);
				dlclose(h);
				goto out;
			}
			memcpy((char *)&lv + syms[i].off, &f, sizeof(f));
		}
		lv.virSetErrorFunc(NULL, quiet);
		loaded = 1;
	}
out:
	if (loaded > 0)
		return 0;
	snprintf(why, len, "%s", lv_why);
	return -ENOTSUP;
}

int lv_usable(char *why, size_t len)
{
	return lv_load(why, len);
}

static const char *last_error(void)
{
	const virError *e = lv.virGetLastError();

	return e && e->message ? e->message : "unknown libvirt error";
}

static int lv_connect(char *why, size_t len)
{
	struct timespec now;
	int ret = lv_load(why, len);

	if (ret)
		return ret;
	if (conn && lv.virConnectIsAlive(conn) == 1)
		return 0;
	if (conn) {
		lv.virConnectClose(conn);
		conn = NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (next_try && now.tv_sec < next_try) {
		snprintf(why, len, "%s", conn_why);
		return -ENOTCONN;
	}
	/* the host's VMs: never a user's session daemon, started for asking */
	conn = lv.virConnectOpenReadOnly(getenv("LIBVIRT_DEFAULT_URI") ? NULL : "qemu:///system");
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
	dom = lv.virDomainLookupByName(conn, name);
	if (!dom)
		return -ENOENT;
	*xml = lv.virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, VMSCHED_XMLNS, 0);
	lv.virDomainFree(dom);
	return *xml ? 0 : -ENOENT;
}
