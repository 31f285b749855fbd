// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap: core of vmsched. Module init and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/vmsched.h>

static long vms_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return -ENOTTY;
}

static const struct file_operations vms_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = vms_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice vms_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vmsched",
	.fops = &vms_fops,
	.mode = 0600,
};

static int __init vms_init(void)
{
	return misc_register(&vms_misc);
}

static void __exit vms_exit(void)
{
	misc_deregister(&vms_misc);
}

module_init(vms_init);
module_exit(vms_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmsched core: live-swappable vCPU scheduling policies for KVM");
