// SPDX-License-Identifier: GPL-2.0
/*
 * The core module loads, creates /dev/vmsched (mode 0600, answers the
 * version query), unloads cleanly, and refuses to load without kvm.
 * Loaded with default_policy=, it activates that policy as soon as the
 * policy registers, and only that one.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmsched_test.h"

static void test_load_unload(void)
{
	struct vmsched_version v = { 0 };
	struct stat st;
	int fd, ret;

	ret = mod_load(CORE_MODULE, NULL);
	CHECK(ret == 0, "insmod: %s", strerror(-ret));
	CHECK(stat(VMSCHED_DEVICE, &st) == 0, "%s: %s", VMSCHED_DEVICE, strerror(errno));
	CHECK(S_ISCHR(st.st_mode), "mode %o", st.st_mode);
	CHECK((st.st_mode & 0777) == 0600, "permissions %o, want 600", st.st_mode & 0777);
	fd = vms_open();
	CHECK(fd >= 0, "open: %s", strerror(-fd));
	if (fd >= 0) {
		ret = vms_ioctl(fd, VMSCHED_IOC_VERSION, &v);
		CHECK(ret == 0, "VERSION: %s", strerror(-ret));
		CHECK(v.major == VMSCHED_ABI_MAJOR, "major %u", v.major);
		ktap_info("ABI %u.%u, release %s", v.major, v.minor, v.release);
		/* an open file holds the module */
		ret = mod_unload(CORE_MODULE);
		CHECK(ret == -EWOULDBLOCK || ret == -EBUSY, "unload while open: %d", ret);
		close(fd);
	}
	ret = mod_unload(CORE_MODULE);
	CHECK(ret == 0, "rmmod: %s", strerror(-ret));
	CHECK(!mod_loaded(CORE_MODULE), "still listed in /proc/modules");
	CHECK(access(VMSCHED_DEVICE, F_OK) != 0, "%s still exists", VMSCHED_DEVICE);
	ktap_case_done("load_unload");
}

static void test_reload(void)
{
	int i, ret = 0;

	for (i = 0; i < 20 && !ret; i++) {
		ret = mod_load(CORE_MODULE, NULL);
		if (!ret)
			ret = mod_unload(CORE_MODULE);
	}
	CHECK(ret == 0, "cycle %d: %s", i, strerror(-ret));
	ktap_case_done("reload_20_times");
}

static void test_default_policy(void)
{
	struct vmsched_status st = { 0 };
	int fd, ret, i;

	ret = mod_load(CORE_MODULE, "default_policy=t_fifo2");
	CHECK(ret == 0, "insmod default_policy=t_fifo2: %s", strerror(-ret));
	fd = vms_open();
	CHECK(fd >= 0, "open: %s", strerror(-fd));
	if (fd < 0)
		return;
	check_active(fd, "", "before the policy registers");
	ret = mod_load("vmsched_test_policies", NULL);
	CHECK(ret == 0, "insmod vmsched_test_policies: %s", strerror(-ret));
	/* activation runs from a work item right after registration */
	for (i = 0; i < 50 && !vms_status(fd, &st) && !st.active[0]; i++)
		usleep(100000);
	check_active(fd, "t_fifo2", "after it registered");
	CHECK(st.swaps == 1, "%llu swaps, want 1", (unsigned long long)st.swaps);
	/* the active policy unloads: the host scheduler takes over */
	ret = mod_unload("vmsched_test_policies");
	CHECK(ret == 0, "rmmod vmsched_test_policies: %s", strerror(-ret));
	check_active(fd, "", "after rmmod of the default policy");
	close(fd);
	ret = mod_unload(CORE_MODULE);
	CHECK(ret == 0, "rmmod core: %s", strerror(-ret));
	ktap_case_done("default_policy_activates_on_registration");
}

/* kvm modules the VM runner loaded, in load order */
static int kvm_modules(char names[][64], int max)
{
	FILE *f = fopen("/lib/modules/kvm/modules.load", "r");
	char line[60];
	int n = 0;

	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		line[strcspn(line, ".\n")] = '\0';
		snprintf(names[n++], 64, "%s", line);
	}
	fclose(f);
	return n;
}

static void test_no_kvm(void)
{
	char names[8][64], mod[64];
	int n, i, ret;

	n = kvm_modules(names, 8);
	if (!n) {
		ktap_skip("refuses_without_kvm", "kvm modules not from the VM runner");
		return;
	}
	for (i = n - 1; i >= 0; i--) {
		snprintf(mod, sizeof(mod), "%s", names[i]);
		for (char *p = mod; *p; p++)
			if (*p == '-')
				*p = '_';
		ret = mod_unload(mod);
		CHECK(ret == 0 || ret == -ENOENT, "rmmod %s: %s", mod, strerror(-ret));
	}
	ret = mod_load(CORE_MODULE, NULL);
	CHECK(ret == -ENOENT, "insmod without kvm: %d (%s), want ENOENT", ret, strerror(-ret));
	if (!ret)
		mod_unload(CORE_MODULE);
	CHECK(run_cmd("dmesg | tail -5 | grep -q 'kvm_schedswap: Unknown symbol'") == 0,
	      "no 'Unknown symbol' line in the kernel log");
	for (i = 0; i < n; i++) {
		ret = run_cmd("insmod /lib/modules/kvm/%s.ko", names[i]);
		CHECK(ret == 0, "reload %s", names[i]);
	}
	CHECK(have_kvm(), "/dev/kvm gone after reloading kvm");
	ktap_case_done("refuses_without_kvm");
}

int main(void)
{
	if (getuid())
		ktap_skip_all("must run as root");
	mod_unload_all();
	ktap_plan(4);
	test_load_unload();
	test_reload();
	test_default_policy();
	test_no_kvm();
	mod_unload_all();
	return ktap_finish();
}
