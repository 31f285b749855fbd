// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: core of vmsched. Module parameters, global state, init
 * and exit.
 *
 * Unloading: plugin modules depend on this one (they use its symbols), so
 * the core can only go once every plugin has unregistered, which left the
 * host scheduler active. Exit then reaps every VM it knows (dropping its
 * references, draining gate work) before its code goes away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/workqueue.h>
#include "core.h"

/* serialises control operations: see core.h */
DEFINE_MUTEX(vms_mutex);
/* the list of every VM and the vCPU hashes, for writers: see core.h */
DEFINE_RAW_SPINLOCK(vms_vms_lock);
/* every VM the core knows (RCU for readers) and the counts, under vms_vms_lock */
LIST_HEAD(vms_vms);
unsigned int vms_nr_vms, vms_nr_vcpus;

unsigned int vms_param_slots;
module_param_named(slots, vms_param_slots, uint, 0644);
MODULE_PARM_DESC(slots, "default pool size: its first N online CPUs, one slot each; 0 = all; read at activation");

unsigned int vms_param_watchdog_ms = 2000;
module_param_named(watchdog_ms, vms_param_watchdog_ms, uint, 0644);
MODULE_PARM_DESC(watchdog_ms, "eject a policy that gates a runnable vCPU this long (0 = off)");

static char vms_param_default[VMSCHED_NAME_LEN];
module_param_string(default_policy, vms_param_default, sizeof(vms_param_default), 0444);
MODULE_PARM_DESC(default_policy, "policy to activate as soon as it registers");

static void vms_default_fn(struct work_struct *work)
{
	int ret;

	mutex_lock(&vms_mutex);
	ret = vms_activate(vms_default_pool, vms_param_default, NULL, 0);
	mutex_unlock(&vms_mutex);

	if (ret)
		pr_err("default_policy=%s: activation failed: %d\n", vms_param_default, ret);
}
static DECLARE_WORK(vms_default_work, vms_default_fn);

/*
 * Activate default_policy= once it registers. Called from registration
 * with vms_mutex held, so the activation itself runs from a work item.
 */
void vms_maybe_activate_default(const char *name)
{
	if (vms_param_default[0] && !strcmp(vms_param_default, name))
		schedule_work(&vms_default_work);
}

static int __init vms_init(void)
{
	int ret;

	ret = vms_pools_init();
	if (ret)
		return ret;
	ret = vms_hotplug_init();
	if (ret)
		goto err_pools;
	ret = vms_hooks_register();
	if (ret)
		goto err_hotplug;
	ret = vms_dev_init();
	if (ret)
		goto err_hooks;
	vms_debugfs_init();
	vms_reaper_start();
	vms_watchdog_start();
	pr_info("loaded: %u slots, watchdog %u ms\n", num_online_cpus(), vms_param_watchdog_ms);
	return 0;
err_hooks:
	vms_hooks_unregister();
err_hotplug:
	vms_hotplug_exit();
err_pools:
	vms_pools_free();
	return ret;
}

static void __exit vms_exit(void)
{
	vms_dev_exit();
	vms_debugfs_exit();
	cancel_work_sync(&vms_default_work);
	vms_watchdog_stop();
	vms_reaper_stop();
	vms_hooks_unregister();
	/* nothing is active: no plugin is left; VMs get their affinity back */
	vms_pools_exit();
	mutex_lock(&vms_mutex);
	vms_reap(true);
	mutex_unlock(&vms_mutex);
	vms_hotplug_exit();
	vms_pools_free();
	rcu_barrier();			/* vCPUs freed with call_rcu */
	/*
	 * A gate_work that cleared gate_queued may still be returning
	 * through this module's text; it does not sleep from there, so
	 * once every task has passed a voluntary switch it has left.
	 */
	synchronize_rcu_tasks();
	pr_info("unloaded\n");
}

module_init(vms_init);
module_exit(vms_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(VMSCHED_VERSION);	/* dkms.conf, see Kbuild */
MODULE_DESCRIPTION("vmsched core: live-swappable vCPU scheduling policies for KVM");
MODULE_SOFTDEP("pre: kvm");
