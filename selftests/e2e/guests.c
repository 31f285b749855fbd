// SPDX-License-Identifier: GPL-2.0
/*
 * Real QEMU guests: start/stop through qemu_vm.sh, progress from the serial
 * console, QMP over the VM's unix socket, shares over a window.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "guests.h"
#include "vmsched_test.h"

const char *gvm_dir(void)
{
	const char *d = getenv("VMSCHED_VM_DIR");

	return d ? d : "/tmp/vms";
}

int gvm_attach(struct gvm *g, const char *name)
{
	char path[256];
	FILE *f;
	int pid = 0, ok;

	snprintf(g->name, sizeof(g->name), "%s", name);
	snprintf(path, sizeof(path), "%s/%s.pid", gvm_dir(), name);
	f = fopen(path, "r");
	ok = f && fscanf(f, "%d", &pid) == 1 && pid > 0;
	if (f)
		fclose(f);
	g->pid = ok ? pid : 0;
	if (!ok)
		printf("# VM %s: no pid in %s\n", name, path);
	return ok ? 0 : -1;
}

int gvm_start(struct gvm *g, const char *name, const char *mode)
{
	g->pid = 0;
	if (run_cmd("%s start %s %s >/dev/null", test_bin("qemu_vm.sh"), name, mode) ||
	    gvm_attach(g, name))
		return -1;
	return run_cmd("%s wait %s", test_bin("qemu_vm.sh"), name) ? -1 : 0;
}

void gvm_stop(struct gvm *g)
{
	if (g->pid > 0)
		run_cmd("%s stop %s", test_bin("qemu_vm.sh"), g->name);
	g->pid = 0;
}

/* the tail of the serial log, NUL terminated; its length or -1 */
static ssize_t read_tail(const struct gvm *g, char *buf, size_t len)
{
	char path[256];
	ssize_t n;
	off_t size;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.serial", gvm_dir(), g->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size = lseek(fd, 0, SEEK_END);
	lseek(fd, size > (off_t)len - 1 ? size - (off_t)len + 1 : 0, SEEK_SET);
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* parse the report at @p if it is a complete line; 0 or -1 */
static int parse_report(const char *p, struct gsample *s)
{
	if (!strchr(p, '\n'))
		return -1;
	return sscanf(p, "vmsched-guest: n=%lld t=%lld loc=%lld gap=%lld lat=%lld",
		      &s->n, &s->t_ms, &s->loc, &s->gap_us, &s->lat_us) == 5 ? 0 : -1;
}

#define REPORT "vmsched-guest: n="

int gvm_sample(const struct gvm *g, struct gsample *s)
{
	static char buf[8192];
	struct gsample tmp;
	char *p;
	int ret = -1;

	if (read_tail(g, buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; (p = strstr(p, REPORT)); p++)
		if (!parse_report(p, &tmp)) {
			*s = tmp;
			ret = 0;
		}
	s->host_ms = now_ms();
	return ret;
}

/* worst gap and lateness of the reports after guest time @from up to @to */
static void worst_in(const struct gvm *g, long long from, long long to, struct gshare *o)
{
	static char buf[65536];
	struct gsample s;
	char *p;

	o->gap_us = o->lat_us = 0;
	if (read_tail(g, buf, sizeof(buf)) < 0)
		return;
	for (p = buf; (p = strstr(p, REPORT)); p++) {
		if (parse_report(p, &s) || s.t_ms <= from || s.t_ms > to)
			continue;
		if (s.gap_us > o->gap_us)
			o->gap_us = s.gap_us;
		if (s.lat_us > o->lat_us)
			o->lat_us = s.lat_us;
	}
}

int gvm_next_sample(const struct gvm *g, const struct gsample *after, struct gsample *s,
		    int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	do {
		if (!gvm_sample(g, s) && (!after || s->t_ms > after->t_ms))
			return 0;
		usleep(20000);
	} while (now_ms() < end);
	return -1;
}

/* read one JSON line (QMP replies and events are one line each) */
static int qmp_line(int fd, char *buf, size_t len, long long end)
{
	size_t n = 0;

	while (n < len - 1) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = end - now_ms();

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		if (read(fd, buf + n, 1) != 1)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

/* read until a reply ("return" or "error"), skipping events */
static int qmp_reply(int fd, char *buf, size_t len, long long end)
{
	do {
		if (qmp_line(fd, buf, len, end))
			return -1;
	} while (!strstr(buf, "\"return\"") && !strstr(buf, "\"error\""));
	return 0;
}

long long gvm_qmp(const struct gvm *g, const char *cmd, char *reply, size_t len,
		  int timeout_ms)
{
	static const char caps[] = "{\"execute\":\"qmp_capabilities\"}\n";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long end = now_ms() + timeout_ms, t0, t = -1;
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s.qmp", gvm_dir(), g->name);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    qmp_line(fd, reply, len, end) ||			/* greeting */
	    write(fd, caps, sizeof(caps) - 1) != sizeof(caps) - 1 ||
	    qmp_reply(fd, reply, len, end))
		goto out;
	t0 = now_ms();
	if (write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd) || write(fd, "\n", 1) != 1 ||
	    qmp_reply(fd, reply, len, end))
		goto out;
	t = now_ms() - t0;
out:
	if (t < 0)
		printf("# QMP %s on %s: %s\n", cmd, g->name, errno ? strerror(errno) : "no reply");
	close(fd);
	return t;
}

/* the core's run time of VMM @pid so far; false without a policy */
static bool kernel_run_ns(int fd, pid_t pid, long long *run_ns)
{
	return fd >= 0 && !vms_vm_run_ns(fd, pid, run_ns);
}

#define MAX_GVM 8

int gvm_measure(const struct gvm *g, int nr, int ms, struct gshare *out)
{
	struct gsample a[MAX_GVM], b[MAX_GVM];
	long long r0[MAX_GVM], r1[MAX_GVM];
	bool k0[MAX_GVM], k1[MAX_GVM];
	double sum = 0;
	int i, fd = vms_open();

	if (nr > MAX_GVM)
		return -1;
	for (i = 0; i < nr; i++) {
		if (gvm_next_sample(&g[i], NULL, &a[i], 5000))
			goto fail;
		k0[i] = kernel_run_ns(fd, g[i].pid, &r0[i]);
	}
	usleep(ms * 1000);
	for (i = 0; i < nr; i++) {
		/* a report newer than the window's end, or the latest one */
		if (gvm_sample(&g[i], &b[i]) || b[i].t_ms <= a[i].t_ms)
			goto fail;
		k1[i] = kernel_run_ns(fd, g[i].pid, &r1[i]);
	}
	for (i = 0; i < nr; i++) {
		struct gshare *o = &out[i];

		o->guest_ms = b[i].t_ms - a[i].t_ms;
		o->host_ms = b[i].host_ms - a[i].host_ms;
		o->rate = (double)(b[i].n - a[i].n) * 1000.0 / (double)o->guest_ms;
		o->ticks = b[i].loc - a[i].loc;
		worst_in(&g[i], a[i].t_ms, b[i].t_ms, o);
		o->have_run = k0[i] && k1[i];
		o->run_ns = o->have_run ? r1[i] - r0[i] : 0;
		sum += o->rate;
	}
	for (i = 0; i < nr; i++)
		out[i].share = sum > 0 ? out[i].rate / sum : 0;
	if (fd >= 0)
		close(fd);
	return 0;
fail:
	printf("# VM %s: no progress report\n", g[i].name);
	if (fd >= 0)
		close(fd);
	return -1;
}
