// SPDX-License-Identifier: GPL-2.0
/*
 * /init of the small Linux guests of the end-to-end tests and the demo.
 *
 * The guest does CPU work in fixed units and reports its progress on the
 * serial console, so whoever runs the VM sees its work rate without any
 * agent in the guest:
 *
 *   vmsched-guest: n=UNITS t=MS loc=TICKS gap=US lat=US
 *
 * n     work units done since boot (one unit is the same CPU work in every
 *       mode, so rates of several guests compare as CPU shares)
 * t     guest CLOCK_MONOTONIC in ms
 * loc   local timer interrupts received (LOC in /proc/interrupts)
 * gap   longest stretch in the last report period in which the guest did
 *       not run (between two clock reads of the work loop), in us
 * lat   in tick mode, the worst lateness of a timer wake-up in the period
 *
 * Modes (kernel command line "vmsched.mode="):
 *   spin             work forever (a CPU hog)
 *   tick:PERIOD:BUSY every PERIOD us wake up and work BUSY us, sleep the
 *                    rest (a latency-sensitive server)
 * A report is printed every second of guest time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#define REPORT_NS	1000000000LL	/* a report costs ~55 exits to QEMU: keep them rare */
#define UNIT_LOOPS	20000

static volatile uint64_t sink;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* one unit of work: a fixed number of dependent multiply-adds */
static void work_unit(void)
{
	uint64_t x = sink;
	int i;

	for (i = 0; i < UNIT_LOOPS; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	sink = x;
}

static long long timer_irqs(void)
{
	char buf[16384], *p, *end;
	long long sum = 0;
	ssize_t n;
	int fd;

	fd = open("/proc/interrupts", O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "LOC:");
	if (!p)
		return -1;
	p += 4;
	for (;;) {		/* one column per CPU */
		long long v = strtoll(p, &end, 10);

		if (end == p)
			break;
		sum += v;
		p = end;
	}
	return sum;
}

struct state {
	long long units;
	int64_t last;		/* last clock read of the work loop */
	int64_t gap;		/* longest gap in this period */
	int64_t lat;		/* worst wake-up lateness in this period */
	int64_t next_report;
};

static void report(struct state *s, int64_t now)
{
	printf("vmsched-guest: n=%lld t=%lld loc=%lld gap=%lld lat=%lld\n", s->units,
	       (long long)(now / 1000000), timer_irqs(), (long long)(s->gap / 1000),
	       (long long)(s->lat / 1000));
	fflush(stdout);
	s->gap = 0;
	s->lat = 0;
	s->next_report = now + REPORT_NS;
}

/* work until @until (ns), tracking gaps and reporting on time */
static void work_until(struct state *s, int64_t until)
{
	int64_t now;

	do {
		work_unit();
		s->units++;
		now = now_ns();
		if (now - s->last > s->gap)
			s->gap = now - s->last;
		s->last = now;
		if (now >= s->next_report)
			report(s, now);
	} while (now < until);
}

static void run_tick(struct state *s, long period_us, long busy_us)
{
	int64_t deadline = now_ns();
	struct timespec ts;

	for (;;) {
		int64_t now;

		deadline += period_us * 1000LL;
		ts.tv_sec = deadline / 1000000000LL;
		ts.tv_nsec = deadline % 1000000000LL;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		now = now_ns();
		if (now - deadline > s->lat)
			s->lat = now - deadline;
		if (now - deadline > period_us * 1000LL)	/* fell behind: catch up */
			deadline = now;
		s->last = now;
		work_until(s, now + busy_us * 1000LL);
	}
}

/* "vmsched.mode=..." from the kernel command line, "spin" by default */
static void read_mode(char *mode, size_t len)
{
	char buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(mode, len, "spin");
	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = strstr(buf, "vmsched.mode=");
	if (p)
		snprintf(mode, len, "%.*s", (int)strcspn(p + 13, " \n"), p + 13);
}

int main(void)
{
	struct state s = { 0 };
	long period_us, busy_us;
	char mode[64];
	int fd;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/dev/ttyS0", O_WRONLY | O_NOCTTY);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	read_mode(mode, sizeof(mode));
	printf("vmsched-guest: mode %s\n", mode);
	s.last = now_ns();
	s.next_report = s.last;
	if (sscanf(mode, "tick:%ld:%ld", &period_us, &busy_us) == 2 &&
	    period_us > 0 && busy_us > 0 && busy_us < period_us)
		run_tick(&s, period_us, busy_us);
	work_until(&s, INT64_MAX);
	return 0;
}
