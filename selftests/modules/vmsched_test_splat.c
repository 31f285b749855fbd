// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: prints a kernel WARNING on load and refuses to stay
 * loaded. The VM runner's self-test loads it to prove that a splat in the
 * guest log fails a run whose tests all passed.
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init splat_init(void)
{
	WARN(1, "vmsched_test_splat: deliberate warning for the runner self-test\n");
	return -EAGAIN;
}
module_init(splat_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmsched runner self-test: emits one WARNING");
