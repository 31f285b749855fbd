// SPDX-License-Identifier: GPL-2.0
/*
 * Parameters of the real policies: every bad value, key or target fails
 * with its exact errno and changes nothing (checked by reading the values
 * back), a good set takes effect, times and ranges are those the policies
 * document, and a policy swapped away and back keeps its tuned values.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "policy_test.h"

#define MS 1000000ULL

static unsigned long long get(int fd, unsigned int scope, pid_t pid, const char *key)
{
	unsigned long long v = ~0ULL;
	int ret = vms_get_param(fd, scope, pid, 0, key, &v);

	CHECK(ret == 0, "get %s: %s", key, strerror(-ret));
	return v;
}

/* set @key=@value on @pid; expect @err; then @key must read @expect */
static void try_set(int fd, unsigned int scope, pid_t pid, const char *key,
		    unsigned long long value, int err, unsigned long long expect)
{
	int ret = vms_set_param(fd, scope, pid, 0, key, value);

	CHECK(ret == err, "%s=%llu: got %s, want %s", key, value, strerror(-ret),
	      strerror(-err));
	if (err != -ENOENT && err != -ESRCH)
		CHECK(get(fd, scope, pid, key) == expect, "%s changed by a failed call", key);
}

static void test_fair(int fd, pid_t vm)
{
	struct vmsched_kv kv[2] = { { "weight", 700 }, { "cap", 5000000 } };
	struct vmsched_params p = { .scope = VMSCHED_SCOPE_VM, .pid = vm, .nr_params = 2,
				    .params = (unsigned long)kv, .kv_size = sizeof(kv[0]) };

	CHECK(vms_activate(fd, "fair", NULL, 0) == 0, "activate fair");
	CHECK(get(fd, VMSCHED_SCOPE_VM, vm, "weight") == 256, "default weight");
	try_set(fd, VMSCHED_SCOPE_VM, vm, "weight", 0, -ERANGE, 256);
	try_set(fd, VMSCHED_SCOPE_VM, vm, "weight", 65536, -ERANGE, 256);
	try_set(fd, VMSCHED_SCOPE_VM, vm, "weight", 65535, 0, 65535);
	try_set(fd, VMSCHED_SCOPE_VM, vm, "wieght", 1, -ENOENT, 0);
	try_set(fd, VMSCHED_SCOPE_VM, 1, "weight", 512, -ESRCH, 0);
	/* a reservation above the cap is refused by the policy */
	try_set(fd, VMSCHED_SCOPE_VM, vm, "cap", 50, 0, 50);
	try_set(fd, VMSCHED_SCOPE_VM, vm, "reservation", 80, -EINVAL, 0);
	try_set(fd, VMSCHED_SCOPE_VM, vm, "reservation", 40, 0, 40);
	/* all or nothing: a good weight next to an absurd cap changes neither */
	CHECK(vms_ioctl(fd, VMSCHED_IOC_SET_PARAMS, &p) == -ERANGE, "weight + bad cap");
	CHECK(get(fd, VMSCHED_SCOPE_VM, vm, "weight") == 65535, "weight changed");
	CHECK(get(fd, VMSCHED_SCOPE_VM, vm, "cap") == 50, "cap changed");
	/* a zero or absurd slice is refused, not obeyed */
	try_set(fd, VMSCHED_SCOPE_GLOBAL, 0, "slice", 0, -ERANGE, 10 * MS);
	try_set(fd, VMSCHED_SCOPE_GLOBAL, 0, "slice", 2000 * MS, -ERANGE, 10 * MS);
	try_set(fd, VMSCHED_SCOPE_GLOBAL, 0, "slice", 5 * MS, 0, 5 * MS);
	/* per-vCPU: fair has none */
	CHECK(vms_set_param(fd, VMSCHED_SCOPE_VCPU, vm, 0, "weight", 1) == -ENOENT,
	      "vcpu scope");
}

static void test_bvt(int fd, pid_t vm)
{
	struct vmsched_kv kv = { "ctx_allow", 0 };

	/* activation with a bad global parameter leaves the active policy alone */
	CHECK(vms_activate(fd, "bvt", &kv, 1) == -ERANGE, "bvt ctx_allow=0");
	strcpy(kv.key, "nosuch");
	CHECK(vms_activate(fd, "bvt", &kv, 1) == -ENOENT, "bvt unknown key");
	CHECK(vms_activate(fd, "nosuch", NULL, 0) == -ENOENT, "unknown policy");
	{
		struct vmsched_status st;

		vms_status(fd, &st);
		CHECK(!strcmp(st.active, "fair"), "active is %s after failed activations",
		      st.active);
	}
	strcpy(kv.key, "ctx_allow");
	kv.value = 2 * MS;
	CHECK(vms_activate(fd, "bvt", &kv, 1) == 0, "activate bvt ctx_allow=2ms");
	CHECK(get(fd, VMSCHED_SCOPE_GLOBAL, 0, "ctx_allow") == 2 * MS, "ctx_allow");
	try_set(fd, VMSCHED_SCOPE_VM, vm, "warp", 1001 * MS, -ERANGE, 0);
	try_set(fd, VMSCHED_SCOPE_VM, vm, "warp", 2 * MS, 0, 2 * MS);
	try_set(fd, VMSCHED_SCOPE_VM, vm, "warp_limit", 10000, -ERANGE, 2000 * MS);
	try_set(fd, VMSCHED_SCOPE_VM, vm, "unwarp_req", 61000 * MS, -ERANGE, 1000 * MS);
	try_set(fd, VMSCHED_SCOPE_VM, vm, "weight", 512, 0, 512);
}

static void test_rr(int fd)
{
	struct vmsched_kv kv = { "slice", 50000 };

	CHECK(vms_activate(fd, "rr", &kv, 1) == -ERANGE, "rr slice=50us");
	kv.value = 20 * MS;
	CHECK(vms_activate(fd, "rr", &kv, 1) == 0, "rr slice=20ms");
	CHECK(get(fd, VMSCHED_SCOPE_GLOBAL, 0, "slice") == 20 * MS, "slice");
	/* swapped away and back: the tuned value is there again */
	CHECK(vms_activate(fd, "fair", NULL, 0) == 0, "swap to fair");
	CHECK(get(fd, VMSCHED_SCOPE_GLOBAL, 0, "slice") == 5 * MS, "fair kept its slice");
	CHECK(vms_activate(fd, "rr", NULL, 0) == 0, "swap back to rr");
	CHECK(get(fd, VMSCHED_SCOPE_GLOBAL, 0, "slice") == 20 * MS, "rr lost its slice");
	/* rr has no per-VM parameters */
	CHECK(vms_set_param(fd, VMSCHED_SCOPE_VM, getpid(), 0, "weight", 1) == -ENOENT,
	      "rr weight");
}

int main(void)
{
	const struct wl_spec spec = { "params", 1, "spin", NULL, 60, 0 };
	int fd = policy_test_setup(1, "fair");
	struct vm_set s;

	ktap_plan(3);
	CHECK(vm_set_start(&s, fd, &spec, 1) == 0, "start VM");
	test_fair(fd, s.w[0].pid);
	ktap_case_done("fair_params");
	test_bvt(fd, s.w[0].pid);
	ktap_case_done("bvt_params");
	test_rr(fd);
	ktap_case_done("rr_params");
	vm_set_kill(&s);
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
