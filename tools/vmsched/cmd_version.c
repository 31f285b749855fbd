// SPDX-License-Identifier: GPL-2.0
/*
 * version, -V, --version: vmsched's version and uapi, the loaded
 * kvm_schedswap's version (from sysfs, so it shows without access to the
 * device) and the uapi it speaks (VMSCHED_IOC_VERSION, if the device opens).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dev.h"
#include "json.h"
#include "main.h"
#include "output.h"

#ifndef VMSCHED_TOOL_VERSION
#error "VMSCHED_TOOL_VERSION comes from dkms.conf (see Makefile)"
#endif

#define MODULE_SYSFS	"/sys/module/kvm_schedswap"

/* the module's version into @buf; -ENOENT if it is not loaded */
static int module_version(char *buf, size_t len)
{
	struct stat st;
	FILE *f;

	if (stat(MODULE_SYSFS, &st))
		return -ENOENT;
	snprintf(buf, len, "unknown");
	f = fopen(MODULE_SYSFS "/version", "r");
	if (!f)
		return 0;
	if (!fgets(buf, len, f))
		snprintf(buf, len, "unknown");
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int do_version(int argc, char **argv)
{
	struct vmsched_version v;
	char abi[32], release[64], why[128];
	int ret;

	(void)argv;
	if (argc)
		return usage_err("version takes no arguments");
	out_obj_begin(NULL, NULL);
	out_kv_str("version", "vmsched", VMSCHED_TOOL_VERSION);
	snprintf(abi, sizeof(abi), "%d.%d", VMSCHED_ABI_MAJOR, VMSCHED_ABI_MINOR);
	out_kv_str("abi", "uapi", abi);
	if (module_version(release, sizeof(release))) {
		if (out_json())
			jw_null("module");
		else
			out_kv_str(NULL, "kvm_schedswap", "not loaded");
		out_obj_end();
		return EXIT_OK;
	}
	out_obj_begin("module", "kvm_schedswap:");
	out_kv_str("release", "version", release);
	ret = dev_read_version(&v);
	if (!ret) {
		snprintf(abi, sizeof(abi), "%u.%u", v.major, v.minor);
		out_kv_str("abi", "uapi", abi);
	} else if (out_json()) {
		jw_null("abi");
	} else {
		snprintf(why, sizeof(why), "unknown (%s: %s)", VMSCHED_DEVICE,
			 ret == -ENOTTY ? "a module older than uapi 2.0" : strerror(-ret));
		out_kv_str(NULL, "uapi", why);
	}
	out_obj_end();
	out_obj_end();
	return EXIT_OK;
}
