// SPDX-License-Identifier: GPL-2.0
/*
 * apply's undo (apply_undo.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_plan.h"
#include "apply_undo.h"
#include "dev.h"
#include "main.h"
#include "perm.h"

const char *apply_why(int err)
{
	static char why[256], perm[300];

	switch (-err) {
	case EINVAL:
		return "the policy refused the values (a combination it does not allow)";
	case ENOSPC:
		return "the values ask for more than the pool has";
	case EPERM:
	case EACCES:
		snprintf(perm, sizeof(perm), "permission denied: %s",
			 perm_call_why_here(why, sizeof(why)));
		return perm;
	case ENOENT:
		return "the policy was unloaded or swapped meanwhile";
	default:
		return strerror(-err);
	}
}

int undo_save_policy(struct undo *u)
{
	int ret = active_policy(u->policy);

	if (ret || !u->policy[0])
		return ret;
	ret = dev_get_params(NULL, VMSCHED_SCOPE_GLOBAL, 0, 0, &u->globals, &u->nr_globals);
	return ret ? dev_err("cannot read the global parameters", ret) : 0;
}

int undo_save_vm(struct undo *u, pid_t pid, const char *name)
{
	int ret;

	if (u->nr_vms == UNDO_MAX_VMS)
		return -ENOSPC;
	ret = dev_get_params(NULL, VMSCHED_SCOPE_VM, pid, 0, &u->vm[u->nr_vms].kv,
			     &u->vm[u->nr_vms].n);
	if (ret)
		return ret;
	u->vm[u->nr_vms].pid = pid;
	snprintf(u->vm[u->nr_vms].name, sizeof(u->vm[0].name), "%s", name);
	u->nr_vms++;
	return 0;
}

void undo_drop_vm(struct undo *u)
{
	free(u->vm[--u->nr_vms].kv);
}

unsigned int undo_rollback(struct undo *u, bool activated, const struct conf *c,
			   const struct pdesc *d)
{
	static const struct pdesc none;
	unsigned int i, fails = 0;
	char vals[512];
	int ret;

	for (i = u->nr_vms; i-- > 0;) {
		ret = dev_set_params(NULL, VMSCHED_SCOPE_VM, u->vm[i].pid, 0, u->vm[i].kv,
				     u->vm[i].n);
		if (!ret || ret == -ESRCH)	/* put back, or the VM is gone */
			continue;
		conf_err(c, 0, "rollback: vm %s (pid %d): cannot put back %s: %s (errno %d)",
			 u->vm[i].name, u->vm[i].pid,
			 kv_str(d, u->vm[i].kv, u->vm[i].n, vals, sizeof(vals)),
			 strerror(-ret), -ret);
		fails++;
	}
	if (!activated)
		return fails;
	if (strcmp(u->policy, d->policy))
		d = &none;	/* another policy's keys: values without units */
	if (u->policy[0]) {
		ret = dev_activate(NULL, u->policy, u->globals, u->nr_globals);
		if (ret) {
			conf_err(c, 0, "rollback: cannot make policy %s active again with %s: "
				 "%s (errno %d)", u->policy,
				 kv_str(d, u->globals, u->nr_globals, vals, sizeof(vals)),
				 strerror(-ret), -ret);
			fails++;
		}
	} else {
		ret = dev_deactivate(NULL);
		if (ret) {
			conf_err(c, 0, "rollback: cannot deactivate the policy again (the host "
				 "scheduler ran before): %s (errno %d)", strerror(-ret), -ret);
			fails++;
		}
	}
	return fails;
}

void undo_free(struct undo *u)
{
	unsigned int i;

	free(u->globals);
	for (i = 0; i < u->nr_vms; i++)
		free(u->vm[i].kv);
	memset(u, 0, sizeof(*u));
}
