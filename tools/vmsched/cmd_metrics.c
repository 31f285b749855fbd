// SPDX-License-Identifier: GPL-2.0
/*
 * metrics [--textfile PATH]: the metrics of metrics.c on stdout, or
 * written atomically to PATH for the node exporter's textfile collector.
 * Without kvm_schedswap (no /dev/vmsched) it prints vmsched_build_info and
 * vmsched_up 0 and succeeds, so that a scrape says "not loaded" instead of
 * failing or leaving an old file; any other error (no permission, an
 * incompatible module) fails and changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dev.h"
#include "main.h"
#include "metrics.h"
#include "snap.h"
#include "textfile.h"

static void fill(FILE *f, void *arg)
{
	metrics_print(f, arg, VMSCHED_TOOL_VERSION);
}

/*
 * the snapshot into *@s; 0 (*@s NULL: no module), DEV_REPORTED (dev_fd()
 * printed why), or -errno with @why filled
 */
static int take(struct snap **s, char *why, size_t len)
{
	int ret;

	if (!snap_feed_mode()) {
		ret = dev_try_open();
		if (ret == -ENOENT || ret == -ENODEV || ret == -ENXIO) {
			*s = NULL;
			return 0;
		}
		if (ret < 0 && dev_fd() < 0)
			return DEV_REPORTED;
	}
	ret = snap_take(*s, 0);
	if (ret == -ENODATA)
		snprintf(why, len, "cannot read statistics: the feed has no more snapshots");
	else if (ret)
		snprintf(why, len, "cannot read statistics: %s", strerror(-ret));
	return ret;
}

int metrics_write(const char *path, char *why, size_t len)
{
	struct snap snap, *s = &snap;
	int ret;

	ret = take(&s, why, len);
	if (ret)
		return ret;
	if (path) {
		ret = textfile_write(path, fill, s, why, len);
	} else {
		fill(stdout, s);
		if (fflush(stdout) || ferror(stdout)) {
			ret = -(errno ? errno : EIO);
			snprintf(why, len, "cannot write the metrics: %s", strerror(-ret));
		}
	}
	if (s)
		snap_free(s);
	return ret;
}

int do_metrics(int argc, char **argv)
{
	char why[512];
	int ret;

	(void)argv;
	if (argc)
		return usage_err("metrics takes no arguments");
	ret = metrics_write(opt.textfile, why, sizeof(why));
	if (ret == DEV_REPORTED)
		return EXIT_FAIL;
	return ret ? op_err("%s", why) : EXIT_OK;
}
