// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_schedswap coming and going (devwatch.h).
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "dev.h"
#include "devwatch.h"

int devwatch_open(char *why, size_t len)
{
	char dir[] = VMSCHED_DEVICE;
	int fd, err;

	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0) {
		err = errno;
		snprintf(why, len, "inotify: %s", strerror(err));
		return -err;
	}
	if (inotify_add_watch(fd, dirname(dir), IN_CREATE | IN_DELETE | IN_MOVED_TO |
			      IN_MOVED_FROM | IN_ATTRIB) < 0) {
		err = errno;
		snprintf(why, len, "cannot watch %s: %s", dir, strerror(err));
		close(fd);
		return -err;
	}
	return fd;
}

void devwatch_drain(int fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

bool devwatch_present(void)
{
	int ret = dev_try_open();

	return ret >= 0 || (ret != -ENOENT && ret != -ENXIO && ret != -ENODEV);
}
