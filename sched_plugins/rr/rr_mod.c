// SPDX-License-Identifier: GPL-2.0
/*
 * rr_sched: module glue for the round robin policy (logic in rr.c).
 */
#include <linux/seq_file.h>

#include "rr.h"

/* called by the core under its scheduler lock */
void rr_dump(struct vmsched_sched *s, struct seq_file *m)
{
	struct rr_private *prv = rr_priv(s);

	seq_printf(m, "rr: slice %llu queued %llu picks %llu\n",
		   s->params[RR_SLICE], prv->nr_queued, prv->nr_picks);
}

static int __init rr_mod_init(void)
{
	return vmsched_register_policy(&rr_ops);
}

static void __exit rr_mod_exit(void)
{
	vmsched_unregister_policy(&rr_ops);
}

module_init(rr_mod_init);
module_exit(rr_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmsched policy rr: round robin");
