// SPDX-License-Identifier: GPL-2.0
/*
 * A process that only looks like a VMM: it sleeps until killed, so that
 * host tests can name VMs with -name/--name on a real /proc/PID/cmdline.
 */
#include <unistd.h>

int main(void)
{
	for (;;)
		pause();
}
