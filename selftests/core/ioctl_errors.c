// SPDX-License-Identifier: GPL-2.0
/*
 * Every ioctl of /dev/vmsched rejects bad input with the documented errno
 * and changes nothing; registration refuses duplicates; mutating calls need
 * CAP_SYS_NICE or CAP_SYS_ADMIN (checked after dropping to uid 65534 with
 * the descriptor opened as root), read-only ones do not; the device node
 * is root-only.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmsched_test.h"

#define CMD_WITH_SIZE(cmd, size) \
	_IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), (size))

static void test_registry(int fd)
{
	struct vmsched_policy_info info[16];
	struct vmsched_list l = { .buf = (unsigned long)info, .count = 16,
				  .entry_size = sizeof(info[0]) };
	unsigned int registered;
	int ret, i, found = 0;

	ret = vms_ioctl(fd, VMSCHED_IOC_LIST_POLICIES, &l);
	CHECK(ret == 0, "list: %s", strerror(-ret));
	registered = l.count;
	for (i = 0; i < (int)l.count && i < 16; i++)
		found += !strncmp(info[i].name, "t_", 2);
	CHECK(found == 5, "test policies listed: %d", found);
	/*
	 * Another module registering a name that exists: the core refuses it
	 * (the module loader would refuse the same module name by itself).
	 */
	ret = mod_load("vmsched_test_dup", NULL);
	CHECK(ret == -EEXIST, "a second t_fifo: %d (%s), want EEXIST", ret, strerror(-ret));
	CHECK(!mod_loaded("vmsched_test_dup"), "the refused module stayed loaded");
	l.count = 16;
	CHECK(vms_ioctl(fd, VMSCHED_IOC_LIST_POLICIES, &l) == 0 && l.count == registered,
	      "policies after the refused registration: %u, want %u", l.count, registered);
	/* the same module with a new name registers: EEXIST came from the name */
	ret = mod_load("vmsched_test_dup", "name=t_dup");
	CHECK(ret == 0, "t_dup: %s", strerror(-ret));
	ret = mod_unload("vmsched_test_dup");
	CHECK(ret == 0, "rmmod t_dup: %s", strerror(-ret));
	ktap_case_done("registry_list_and_duplicates");
}

static void test_activate_errors(int fd)
{
	struct vmsched_kv kv = { .key = "slice", .value = 5000000 };
	struct vmsched_activate a = { .name = "t_fifo" };
	int ret;

	CHECK(vms_activate(fd, "nonexistent", NULL, 0) == -ENOENT, "unknown policy");
	check_active(fd, "", "after unknown policy");
	strcpy(kv.key, "nosuchkey");
	CHECK(vms_activate(fd, "t_fifo", &kv, 1) == -ENOENT, "unknown key");
	strcpy(kv.key, "slice");
	kv.value = 1;
	CHECK(vms_activate(fd, "t_fifo", &kv, 1) == -ERANGE, "slice out of range");
	kv.value = 0;
	CHECK(vms_activate(fd, "t_fifo", &kv, 1) == -ERANGE, "zero slice");
	check_active(fd, "", "after bad params");
	a.flags = 1;
	CHECK(vms_ioctl(fd, VMSCHED_IOC_ACTIVATE, &a) == -EINVAL, "flags");
	a.flags = 0;
	a.nr_params = VMSCHED_MAX_KV + 1;
	a.kv_size = sizeof(kv);
	a.params = (unsigned long)&kv;
	CHECK(vms_ioctl(fd, VMSCHED_IOC_ACTIVATE, &a) == -EINVAL, "too many params");
	a.nr_params = 1;
	a.params = 8;	/* unmapped */
	CHECK(vms_ioctl(fd, VMSCHED_IOC_ACTIVATE, &a) == -EFAULT, "bad params pointer");
	memset(a.name, 'x', sizeof(a.name));	/* no NUL */
	a.nr_params = 0;
	CHECK(vms_ioctl(fd, VMSCHED_IOC_ACTIVATE, &a) == -EINVAL, "unterminated name");
	check_active(fd, "", "after malformed calls");
	ret = vms_activate(fd, "t_fifo", NULL, 0);
	CHECK(ret == 0, "activate: %s", strerror(-ret));
	check_active(fd, "t_fifo", "after activate");
	CHECK(vms_activate(fd, "nonexistent", NULL, 0) == -ENOENT, "unknown while active");
	check_active(fd, "t_fifo", "unknown policy changed the active one");
	CHECK(vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");
	check_active(fd, "", "after deactivate");
	ktap_case_done("activate_errors");
}

static void test_sizes_and_commands(int fd)
{
	char big[512] = { 0 };
	struct vmsched_status st;
	int ret;

	CHECK(vms_ioctl(fd, _IO(VMSCHED_IOC_MAGIC, 0x7f), NULL) == -ENOTTY, "unknown nr");
	CHECK(vms_ioctl(fd, _IO('k', 1), NULL) == -ENOTTY, "foreign magic");
	CHECK(vms_ioctl(fd, _IOW(VMSCHED_IOC_MAGIC, 0x05, struct vmsched_status), &st) ==
	      -ENOTTY, "status with the wrong direction");
	/* a smaller struct than version 0 */
	CHECK(vms_ioctl(fd, CMD_WITH_SIZE(VMSCHED_IOC_STATUS, 8), &st) == -EINVAL, "short");
	/* a newer, larger struct is fine for output */
	ret = vms_ioctl(fd, CMD_WITH_SIZE(VMSCHED_IOC_STATUS, sizeof(big)), big);
	CHECK(ret == 0, "large status: %d", ret);
	/* a newer input struct with non-zero unknown bytes */
	memset(big, 0, sizeof(big));
	strcpy(big, "t_fifo");
	big[200] = 1;
	CHECK(vms_ioctl(fd, CMD_WITH_SIZE(VMSCHED_IOC_ACTIVATE, 256), big) == -E2BIG, "E2BIG");
	big[200] = 0;
	ret = vms_ioctl(fd, CMD_WITH_SIZE(VMSCHED_IOC_ACTIVATE, 256), big);
	CHECK(ret == 0, "larger zero-tailed activate: %d", ret);
	CHECK(vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");
	CHECK(vms_ioctl(fd, VMSCHED_IOC_STATUS, (void *)8) == -EFAULT, "unmapped status");
	ktap_case_done("sizes_and_unknown_commands");
}

static void test_params_errors(int fd)
{
	struct vmsched_kv kv[2] = { { .key = "weight", .value = 512 } };
	struct vmsched_params p = { .scope = VMSCHED_SCOPE_VM, .pid = getpid(),
				    .nr_params = 1, .params = (unsigned long)kv,
				    .kv_size = sizeof(kv[0]) };

	CHECK(vms_ioctl(fd, VMSCHED_IOC_SET_PARAMS, &p) == -ENODEV, "no policy active");
	CHECK(vms_activate(fd, "t_fifo", NULL, 0) == 0, "activate");
	CHECK(vms_ioctl(fd, VMSCHED_IOC_SET_PARAMS, &p) == -ESRCH, "not a VM");
	p.scope = 7;
	CHECK(vms_ioctl(fd, VMSCHED_IOC_SET_PARAMS, &p) == -EINVAL, "bad scope");
	p.scope = VMSCHED_SCOPE_GLOBAL;
	strcpy(kv[0].key, "slice");
	kv[0].value = 50;
	CHECK(vms_ioctl(fd, VMSCHED_IOC_SET_PARAMS, &p) == -ERANGE, "slice too small");
	/* all or nothing: a good pair and a bad one change nothing */
	kv[0].value = 7000000;
	strcpy(kv[1].key, "bogus");
	p.nr_params = 2;
	CHECK(vms_ioctl(fd, VMSCHED_IOC_SET_PARAMS, &p) == -ENOENT, "unknown key");
	memset(kv, 0, sizeof(kv));
	p.nr_params = 2;
	CHECK(vms_ioctl(fd, VMSCHED_IOC_GET_PARAMS, &p) == 0, "get");
	CHECK(p.nr_params == 1 && !strcmp(kv[0].key, "slice") && kv[0].value == 5000000,
	      "slice changed by a failed call: %s=%llu", kv[0].key,
	      (unsigned long long)kv[0].value);
	CHECK(vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");
	ktap_case_done("params_errors_change_nothing");
}

/* in a child: drop to uid 65534 keeping the open descriptor */
static void test_privileges(int fd)
{
	pid_t pid = fork();
	int st;

	if (!pid) {
		struct vmsched_status s;
		int bad = 0;

		if (setgid(65534) || setuid(65534))
			_exit(100);
		if (open(VMSCHED_DEVICE, O_RDWR) >= 0 || errno != EACCES)
			bad |= 1;
		if (vms_activate(fd, "t_fifo", NULL, 0) != -EPERM)
			bad |= 2;
		if (vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) != -EPERM)
			bad |= 4;
		if (vms_status(fd, &s) != 0)
			bad |= 8;
		_exit(bad);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "unprivileged: status %x (1 open, 2 activate, 4 deactivate, 8 status)",
	      WEXITSTATUS(st));
	check_active(fd, "", "unprivileged activate changed state");
	ktap_case_done("unprivileged_cannot_change");
}

int main(void)
{
	int fd, ret;

	if (getuid())
		ktap_skip_all("must run as root");
	mod_unload_all();
	ret = load_core_and_test_policies();
	if (ret)
		ktap_skip_all("cannot load modules: %s", strerror(-ret));
	fd = vms_open();
	ktap_plan(5);
	test_registry(fd);
	test_activate_errors(fd);
	test_sizes_and_commands(fd);
	test_params_errors(fd);
	test_privileges(fd);
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
