// SPDX-License-Identifier: GPL-2.0
/*
 * fair_sched: module glue for the proportional share policy (logic in
 * fair.c).
 */
#include <linux/seq_file.h>

#include "fair.h"

#define FAIR_DUMP_VMS	16	/* VMs listed per tree by the dump */

static void fair_dump_tree(struct seq_file *m, const char *name,
			   struct rb_root_cached *tree)
{
	struct rb_node *node;
	int n = 0;

	for (node = rb_first_cached(tree); node && n < FAIR_DUMP_VMS;
	     node = rb_next(node), n++) {
		struct fair_vm *fvm = rb_entry(node, struct fair_vm, node);
		struct vmsched_vm *vm = fair_vm_of(fvm);

		seq_printf(m, "  %s vm %d weight %llu cap %llu rsv %llu vt %llu key %llu cap_budget %lld rsv_budget %lld\n",
			   name, vm->pid, vm->params[FAIR_WEIGHT],
			   vm->params[FAIR_CAP], vm->params[FAIR_RESERVATION],
			   fvm->vt, fvm->key, fvm->cap_budget, fvm->rsv_budget);
	}
}

/* called by the core under its scheduler lock */
void fair_dump(struct vmsched_sched *s, struct seq_file *m)
{
	struct fair_private *prv = fair_priv(s);

	seq_printf(m, "fair: svt %llu epoch %llu rsv_total %llu%% queued %llu picks %llu rsv_picks %llu starve_picks %llu preempts %llu throttles %llu idle %llu\n",
		   prv->clock.svt, prv->clock.epoch, prv->rsv_total, prv->nr_queued,
		   prv->nr_picks, prv->nr_rsv_picks, prv->nr_starve_picks, prv->nr_preempts,
		   prv->nr_throttles, prv->nr_idle);
	fair_dump_tree(m, "runq", &prv->runq);
	fair_dump_tree(m, "capq", &prv->capq);
}

static int __init fair_mod_init(void)
{
	return vmsched_register_policy(&fair_ops);
}

static void __exit fair_mod_exit(void)
{
	vmsched_unregister_policy(&fair_ops);
}

module_init(fair_mod_init);
module_exit(fair_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmsched policy fair: proportional share, caps, reservations");
