// SPDX-License-Identifier: GPL-2.0
/*
 * Atomic replacement of a file (see textfile.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "textfile.h"

static int fail(const char *path, const char *what, int err, char *why, size_t len)
{
	snprintf(why, len, "cannot write %s: %s%s", path, what, strerror(err));
	return -err;
}

int textfile_write(const char *path, void (*fill)(FILE *f, void *arg), void *arg,
		   char *why, size_t len)
{
	char tmp[PATH_MAX];
	const char *what;
	int fd, err;
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return fail(path, "", ENAMETOOLONG, why, len);
	fd = mkstemp(tmp);
	if (fd < 0)
		return fail(path, "cannot create a temporary file beside it: ", errno, why, len);
	f = fdopen(fd, "w");
	if (!f) {
		err = errno;
		close(fd);
		unlink(tmp);
		return fail(path, "", err, why, len);
	}
	fill(f, arg);
	what = "";
	err = 0;
	if (fflush(f) || ferror(f))
		err = errno ? errno : EIO;
	else if (fchmod(fd, 0644))
		err = errno;
	else if (fsync(fd))
		err = errno;
	if (fclose(f) && !err)
		err = errno;
	if (!err && rename(tmp, path)) {
		err = errno;
		what = "cannot rename the temporary file over it: ";
	}
	if (err) {
		unlink(tmp);
		return fail(path, what, err, why, len);
	}
	return 0;
}
