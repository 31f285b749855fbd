/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replace a file atomically, for readers that may open it at any time
 * (the node exporter's textfile collector): the new content goes to a
 * temporary file in the same directory (PATH.XXXXXX, which the collector
 * ignores: it reads *.prom), is synced, made mode 0644 and renamed over
 * PATH. A reader sees the old file or the new one, never a part.
 */
#ifndef VMSCHED_TEXTFILE_H
#define VMSCHED_TEXTFILE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Write what @fill prints to @path. 0, or -errno with @why ("cannot write
 * PATH: reason") filled; on failure PATH is as it was and no temporary
 * file is left.
 */
int textfile_write(const char *path, void (*fill)(FILE *f, void *arg), void *arg,
		   char *why, size_t len);

#endif
