// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of tools/vmsched/follow.c, the bookkeeping of apply --follow:
 * a VM is done only once its parameters are set, one whose setting failed
 * is tried again every round, and its failure is printed once; the next
 * round (or metrics write) is always after now, once per period; it
 * follows only when a new VM can get parameters from it. KTAP output.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "follow.h"
#include "ktap.h"

#define ROUNDS	6

struct vm {
	pid_t pid;
	int ret[ROUNDS];	/* what setting its parameters returns, by round */
	int tries, printed;
};

/* the rounds of follow_round() over @vms, with a result scripted per round */
static void run(struct vm *vms, unsigned int n)
{
	struct pidset done = { 0 }, reported = { 0 };
	unsigned int r, i;

	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < n; i++) {
			if (pidset_has(&done, vms[i].pid))
				continue;
			vms[i].tries++;
			if (follow_note(&done, &reported, vms[i].pid, vms[i].ret[r]))
				vms[i].printed++;
		}
	free(done.pid);
	free(reported.pid);
}

int main(void)
{
	ktap_plan(6);

	{
		struct vm v = { .pid = 100, .ret = { 0 } };

		run(&v, 1);
		CHECK(v.tries == 1 && v.printed == 1, "tries %d, printed %d", v.tries, v.printed);
	}
	ktap_case_done("set_once");

	{
		/* refused three rounds (e.g. a value it cannot take yet), then set */
		struct vm v = { .pid = 100,
				.ret = { -EINVAL, -EINVAL, -EIO, 0, -EINVAL, -EINVAL } };

		run(&v, 1);
		CHECK(v.tries == 4, "tries %d, want 4: tried until set, not after", v.tries);
		CHECK(v.printed == 2, "printed %d, want 2: the first failure and the success",
		      v.printed);
	}
	ktap_case_done("failure_retried_reported_once");

	{
		/* not known to the core yet: tried again, nothing printed until set */
		struct vm v = { .pid = 100, .ret = { -ESRCH, -ESRCH, 0 } };

		run(&v, 1);
		CHECK(v.tries == 3 && v.printed == 1, "tries %d, printed %d", v.tries, v.printed);
	}
	ktap_case_done("esrch_retried_quietly");

	{
		struct vm v[] = {
			{ .pid = 100, .ret = { -EIO, -EIO, -EIO, -EIO, -EIO, -EIO } },
			{ .pid = 200, .ret = { -EPERM, 0 } },
			{ .pid = 300, .ret = { 0 } },
		};

		run(v, 3);
		CHECK(v[0].tries == ROUNDS && v[0].printed == 1, "vm 100: tries %d, printed %d",
		      v[0].tries, v[0].printed);
		CHECK(v[1].tries == 2 && v[1].printed == 2, "vm 200: tries %d, printed %d",
		      v[1].tries, v[1].printed);
		CHECK(v[2].tries == 1 && v[2].printed == 1, "vm 300: tries %d, printed %d",
		      v[2].tries, v[2].printed);
	}
	ktap_case_done("per_vm");

	{
		/* on the grid while on time; after a stall, one period from now */
		uint64_t due = 1000, t;
		unsigned int runs = 0;

		CHECK(follow_next(1000, 15, 1000) == 1015, "on time: %llu",
		      (unsigned long long)follow_next(1000, 15, 1000));
		CHECK(follow_next(1000, 15, 1010) == 1015, "a little late: still 1015");
		CHECK(follow_next(1000, 15, 1100) == 1115, "after a stall: %llu, want 1115",
		      (unsigned long long)follow_next(1000, 15, 1100));
		CHECK(follow_next(1000, 15, 1015) == 1030, "due now: the next one, 1030");
		/* a loop that wakes at each due time runs once per period */
		for (t = 1000; t < 1000 + 15 * 100; t = due)
			if (t >= due) {
				runs++;
				due = follow_next(due, 15, t);
				CHECK(due > t, "next %llu not after now %llu",
				      (unsigned long long)due, (unsigned long long)t);
			}
		CHECK(runs == 100, "%u runs in 100 periods", runs);
	}
	ktap_case_done("next_run");

	{
		struct vmsched_param_info p[2] = {
			{ .name = "slice", .scope = VMSCHED_SCOPE_GLOBAL },
			{ .name = "weight", .scope = VMSCHED_SCOPE_VM },
		};
		struct pdesc d = { .policy = "alpha", .p = p, .n = 2 }, g = { .p = p, .n = 1 };
		struct conf_entry vm = { .name = "web" };
		struct conf c = { .policy = { .name = "alpha" } };
		char why[256];

		CHECK(!follow_needed(&c, &d, "no libvirt", why, sizeof(why)) &&
		      !strcmp(why, "no vm lines, and no libvirt"), "no vm, no libvirt: %s", why);
		CHECK(follow_needed(&c, &d, NULL, why, sizeof(why)) &&
		      !strcmp(why, "libvirt metadata"), "libvirt: %s", why);
		CHECK(!follow_needed(&c, &g, NULL, why, sizeof(why)) &&
		      !strcmp(why, "no vm lines, and policy alpha has no per-VM parameters"),
		      "no per-VM parameters: %s", why);
		c.vms = &vm;
		c.nr_vms = 1;
		CHECK(follow_needed(&c, &d, "no libvirt", why, sizeof(why)) &&
		      !strcmp(why, "1 vm line"), "a vm line: %s", why);
		strcpy(c.policy.name, "none");
		CHECK(!follow_needed(&c, &d, NULL, why, sizeof(why)) &&
		      !strcmp(why, "policy none"), "policy none: %s", why);
	}
	ktap_case_done("needed");
	return ktap_finish();
}
