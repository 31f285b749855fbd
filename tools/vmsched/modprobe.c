// SPDX-License-Identifier: GPL-2.0
/*
 * modprobe(8) with its messages kept for the caller (modprobe.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "modprobe.h"

/* all of @fd into @buf (what does not fit is read and dropped) */
static void read_all(int fd, char *buf, size_t len)
{
	char tmp[512];
	size_t n = 0, k;
	ssize_t r;

	while ((r = read(fd, tmp, sizeof(tmp))) > 0 || (r < 0 && errno == EINTR)) {
		k = r > 0 && n < len - 1 ? len - 1 - n : 0;
		if (k > (size_t)r)
			k = r;
		memcpy(buf + n, tmp, k);
		n += k;
	}
	buf[n] = '\0';
}

/* @in's lines as one in @out: "a; b" */
static void one_line(const char *in, char *out, size_t len)
{
	size_t n = 0, l;

	out[0] = '\0';
	for (; *in; in += l + !!in[l]) {
		l = strcspn(in, "\n");
		if (l && n < len)
			n += snprintf(out + n, len - n, "%s%.*s", n ? "; " : "", (int)l, in);
	}
}

int modprobe(const char *mod, char *why, size_t len)
{
	char out[1024];
	int pfd[2], status;
	pid_t pid;

	why[0] = '\0';
	fflush(NULL);
	if (pipe2(pfd, O_CLOEXEC) || (pid = fork()) < 0) {
		snprintf(why, len, "cannot run modprobe: %s", strerror(errno));
		return -1;
	}
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		/* not on our stdout, which may be JSON; its messages go to stderr */
		dup2(null, STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		execlp("modprobe", "modprobe", mod, (char *)NULL);
		dprintf(STDERR_FILENO, "cannot run modprobe: %s", strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	read_all(pfd[0], out, sizeof(out));
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(why, len, "modprobe %s: %s", mod, strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	one_line(out, why, len);
	if (!why[0] && WIFEXITED(status))
		snprintf(why, len, "modprobe %s failed (exit status %d)", mod,
			 WEXITSTATUS(status));
	else if (!why[0])
		snprintf(why, len, "modprobe %s was killed by signal %d", mod, WTERMSIG(status));
	return -1;
}

const char *modprobe_hint(const char *why)
{
	if (strstr(why, "Key was rejected by service") || strstr(why, "Required key not available"))
		return " (Secure Boot: the module must be signed with a key enrolled with "
		       "mokutil, see README.md)";
	return "";
}
