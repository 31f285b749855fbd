// SPDX-License-Identifier: GPL-2.0
/*
 * bvt_sched: module glue for the BVT policy (logic in bvt.c).
 */
#include <linux/seq_file.h>

#include "bvt.h"

#define BVT_DUMP_VMS	16	/* queued VMs listed by the dump */

/* called by the core under its scheduler lock */
void bvt_dump(struct vmsched_sched *s, struct seq_file *m)
{
	struct bvt_private *prv = bvt_priv(s);
	struct rb_node *node;
	int n = 0;

	seq_printf(m, "bvt: svt %llu epoch %llu queued %llu picks %llu starve_picks %llu preempts %llu warp_limits %llu\n",
		   prv->clock.svt, prv->clock.epoch, prv->nr_queued, prv->nr_picks,
		   prv->nr_starve_picks, prv->nr_preempts, prv->nr_limits);
	for (node = rb_first_cached(&prv->runq); node && n < BVT_DUMP_VMS;
	     node = rb_next(node), n++) {
		struct bvt_vm *bvm = rb_entry(node, struct bvt_vm, node);
		struct vmsched_vm *vm = bvt_vm_of(bvm);

		seq_printf(m, "  vm %d weight %llu avt %llu evt %llu warped %d warp_ran %llu warp_held %llu limited %d\n",
			   vm->pid, vm->params[BVT_WEIGHT], bvm->avt, bvm->evt,
			   bvm->warped, bvm->warp_ran, bvm->warp_held, bvm->limited);
	}
}

static int __init bvt_mod_init(void)
{
	return vmsched_register_policy(&bvt_ops);
}

static void __exit bvt_mod_exit(void)
{
	vmsched_unregister_policy(&bvt_ops);
}

module_init(bvt_mod_init);
module_exit(bvt_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmsched policy bvt: borrowed virtual time");
