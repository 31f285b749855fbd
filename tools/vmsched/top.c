// SPDX-License-Identifier: GPL-2.0
/*
 * top: a live view of the VMs sorted by CPU share, in the spirit of xentop.
 * Plain ANSI escapes and a raw termios, so it works in a static binary on
 * any terminal of at least 80x24; "top -b" prints frames without terminal
 * control for scripts. Keys: q quits, v shows or hides vCPUs.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "dev.h"
#include "pools.h"
#include "main.h"
#include "rates.h"
#include "stats.h"
#include "units.h"

#define MAX_LINES	200
#define LINE_LEN	256


struct screen {
	int w, h;
	int n;
	char line[MAX_LINES][LINE_LEN];
	int reverse;		/* index of the header line shown reversed, -1 none */
};

static volatile sig_atomic_t quit, resized;
static struct termios saved_tio;
static bool tio_saved;

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		resized = 1;
	else
		quit = 1;
}

static void term_restore(void)
{
	if (!tio_saved)
		return;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
	fputs("\033[?25h\033[?1049l", stdout);	/* cursor on, main screen back */
	fflush(stdout);
	tio_saved = false;
}

static void term_setup(void)
{
	struct termios tio;
	struct sigaction sa = { .sa_handler = on_signal };

	tcgetattr(STDIN_FILENO, &saved_tio);
	tio = saved_tio;
	tio.c_lflag &= ~(ICANON | ECHO);
	tio.c_cc[VMIN] = 0;
	tio.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &tio);
	tio_saved = true;
	atexit(term_restore);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
	fputs("\033[?1049h\033[?25l", stdout);	/* alternate screen, cursor off */
}

static void term_size(struct screen *s)
{
	struct winsize ws;

	s->w = 80;
	s->h = 24;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col && ws.ws_row) {
		s->w = ws.ws_col;
		s->h = ws.ws_row;
	}
	if (s->w >= LINE_LEN)
		s->w = LINE_LEN - 1;
	if (s->h > MAX_LINES)
		s->h = MAX_LINES;
}

static void add(struct screen *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct screen *s, const char *fmt, ...)
{
	va_list ap;

	if (s->n >= MAX_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(s->line[s->n], LINE_LEN, fmt, ap);
	va_end(ap);
	s->line[s->n][s->w] = '\0';	/* ASCII only: a byte is a column */
	s->n++;
}

static const struct snap *sort_snap;
static struct rate *sort_rates;

static int cmp_share(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;
	double dx = sort_rates[x].cpu_pct, dy = sort_rates[y].cpu_pct;

	if (dx != dy)
		return dx < dy ? 1 : -1;
	return sort_snap->vms[x].s.pid - sort_snap->vms[y].s.pid;
}

static uint64_t per_sec(uint64_t n, uint64_t wall_ns)
{
	return wall_ns ? (uint64_t)((double)n * NSEC_PER_SEC / wall_ns + 0.5) : 0;
}

#define ROW_FMT "%7s %-16.16s %5s %6s %6s %8s %9s %7s %7s"
#define HOST_FMT "%7s %-16.16s %5s %6s %6s %8s %8s"

/* "%.1f" of a share, "-" if it is not known */
static char *pct(char *buf, size_t len, const struct rate *r, double v)
{
	if (r->unknown || !r->wall_ns)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f", v);
	return buf;
}

/* no policy: CPU and run-queue wait shares, timeslices/s, wait per slice */
static void host_row(struct screen *s, const char *id, const char *label, const char *nv,
		     const struct rate *r)
{
	char cpu[16], wait[16], sl[24], ws[FMT_LEN];

	snprintf(sl, sizeof(sl), "-");
	snprintf(ws, sizeof(ws), "-");
	if (!r->unknown && r->wall_ns)
		snprintf(sl, sizeof(sl), "%llu",
			 (unsigned long long)per_sec(r->slices, r->wall_ns));
	if (!r->unknown && r->slices)
		fmt_time_short(r->wait_ns / r->slices, ws);
	add(s, HOST_FMT, id, label, nv, pct(cpu, sizeof(cpu), r, r->cpu_pct),
	    pct(wait, sizeof(wait), r, r->wait_pct), sl, ws);
}

static void render(struct screen *s, const struct snap *prev, const struct snap *cur,
		   bool show_vcpus, const char *note)
{
	char t1[FMT_LEN], t2[FMT_LEN], clock[16], cpu[16], wait[16], g[24], p[24];
	unsigned int *order, i, j, shown = 0;
	struct rate *rates, r;
	const struct vmsched_status *st = &cur->st;
	time_t now = time(NULL);
	bool host = snap_host_view(cur);
	int room;

	s->n = 0;
	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
	if (cur->have_status) {
		add(s, "vmsched top - %s - %s%s%spolicy: %s - swaps: %llu (last %s) - watchdog: %llu",
		    clock, pool_is_default(snap_pool) ? "" : "pool ",
		    pool_is_default(snap_pool) ? "" : snap_pool,
		    pool_is_default(snap_pool) ? "" : " ",
		    st->active[0] ? st->active : "none (host)",
		    (unsigned long long)st->swaps, fmt_time_short(st->last_swap_ns, t1),
		    (unsigned long long)st->watchdog_events);
		add(s, "VMs: %u  vCPUs: %u  slots: %u (%u granted, %u waiting)  %s %s",
		    cur->nr_vms, cur->nr_vcpus, st->nr_slots, st->nr_granted, st->nr_gated,
		    prev ? "interval" : "since start", prev ?
		    fmt_time_short(cur->now_ns - prev->now_ns, t2) : "");
	} else {
		add(s, "vmsched top - %s", clock);
		add(s, "VMs: %u  vCPUs: %u  %s %s", cur->nr_vms, cur->nr_vcpus,
		    prev ? "interval" : "since start",
		    prev ? fmt_time_short(cur->now_ns - prev->now_ns, t2) : "");
	}
	if (host)
		add(s, "%s", HOST_NOTE);
	add(s, "%s", note ? note : "");
	s->reverse = s->n;
	if (host)
		add(s, HOST_FMT, "PID", "NAME", "VCPUS", "CPU%", "WAIT%", "SLICES/s", "WAIT/SL");
	else
		add(s, ROW_FMT, "PID", "NAME", "VCPUS", "CPU%", "WAIT%", "GRANTS/s", "PREEMPT/s",
		    "P99", "MAX");

	order = calloc(cur->nr_vms + 1, sizeof(*order));
	rates = calloc(cur->nr_vms + 1, sizeof(*rates));
	if (!order || !rates) {
		free(order);
		free(rates);
		return;
	}
	for (i = 0; i < cur->nr_vms; i++) {
		order[i] = i;
		if (host)
			vm_host_rate(prev, cur, &cur->vms[i], &rates[i]);
		else
			vm_rate(prev, cur, &cur->vms[i], &rates[i]);
	}
	sort_snap = cur;
	sort_rates = rates;
	qsort(order, cur->nr_vms, sizeof(*order), cmp_share);

	room = s->h - s->n - 1;		/* the last line is the key help */
	for (i = 0; i < cur->nr_vms; i++) {
		const struct snap_vm *vm = &cur->vms[order[i]];
		const struct rate *vr = &rates[order[i]];
		char pid[16], nv[16];
		int need = 1 + (show_vcpus ? vm->nr_vcpus : 0);

		if (need > room - (i + 1 < cur->nr_vms)) {
			add(s, "  ... %u more VMs (make the terminal taller)", cur->nr_vms - i);
			break;
		}
		snprintf(pid, sizeof(pid), "%d", vm->s.pid);
		snprintf(nv, sizeof(nv), "%u", vm->s.nr_vcpus);
		room--;
		shown++;
		if (host) {
			host_row(s, pid, vm->name, nv, vr);
			for (j = 0; show_vcpus && j < vm->nr_vcpus; j++) {
				const struct snap_vcpu *v = &cur->vcpus[vm->first_vcpu + j];
				char label[40];

				vcpu_host_rate(prev, cur, vm, v, &r);
				snprintf(pid, sizeof(pid), "%d", v->s.tid);
				snprintf(label, sizeof(label), "  vcpu%u", v->s.vcpu_id);
				host_row(s, v->s.tid ? pid : "-", label, "", &r);
				room--;
			}
			continue;
		}
		snprintf(cpu, sizeof(cpu), "%.1f", vr->cpu_pct);
		snprintf(wait, sizeof(wait), "%.1f", vr->wait_pct);
		snprintf(g, sizeof(g), "%llu", (unsigned long long)per_sec(vr->grants, vr->wall_ns));
		snprintf(p, sizeof(p), "%llu",
			 (unsigned long long)per_sec(vr->preemptions, vr->wall_ns));
		add(s, ROW_FMT, pid, vm->name, nv, cpu, wait, g, p,
		    fmt_time_short(vm->s.lat_p99_ns, t1), fmt_time_short(vm->s.lat_max_ns, t2));
		for (j = 0; show_vcpus && j < vm->nr_vcpus; j++) {
			const struct vmsched_vcpu_stats *v = &cur->vcpus[vm->first_vcpu + j].s;
			char label[40];

			vcpu_rate(prev, cur, vm, &cur->vcpus[vm->first_vcpu + j], &r);
			snprintf(pid, sizeof(pid), "%d", v->tid);
			snprintf(label, sizeof(label), "  vcpu%u %s", v->vcpu_id,
				 vcpu_state_name(v->state));
			snprintf(cpu, sizeof(cpu), "%.1f", r.cpu_pct);
			snprintf(wait, sizeof(wait), "%.1f", r.wait_pct);
			snprintf(g, sizeof(g), "%llu",
				 (unsigned long long)per_sec(r.grants, r.wall_ns));
			snprintf(p, sizeof(p), "%llu",
				 (unsigned long long)per_sec(r.preemptions, r.wall_ns));
			add(s, ROW_FMT, v->tid ? pid : "-", label, "", cpu, wait, g, p,
			    fmt_time_short(v->lat_p99_ns, t1), fmt_time_short(v->lat_max_ns, t2));
			room--;
		}
	}
	if (!cur->nr_vms)
		add(s, "  no VMs are running");
	while (s->n < s->h - 1)
		add(s, "%s", "");
	add(s, "q quit  v %s vCPUs  (CPU%%: 100 = one CPU; %s)", show_vcpus ? "hide" : "show",
	    host ? "WAIT/SL: run-queue wait per slice" : "P99/MAX: wake-to-run latency");
	free(order);
	free(rates);
}

static void draw(const struct screen *s, bool interactive)
{
	int i;

	if (!interactive) {
		for (i = 0; i < s->n; i++) {
			/* batch: no padding lines, one blank line between frames */
			if (!s->line[i][0] && i > s->reverse)
				continue;
			puts(s->line[i]);
		}
		putchar('\n');
		fflush(stdout);
		return;
	}
	fputs("\033[H", stdout);
	for (i = 0; i < s->n && i < s->h; i++) {
		if (i == s->reverse)
			printf("\033[7m%-*s\033[m", s->w, s->line[i]);
		else
			printf("%s\033[K", s->line[i]);
		if (i + 1 < s->n && i + 1 < s->h)
			fputs("\r\n", stdout);
	}
	fputs("\033[J", stdout);
	fflush(stdout);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* wait for the next refresh; returns 'q', 'v', 'r' (redraw) or 0 (time) */
static int wait_key(uint64_t deadline)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	uint64_t t;
	char c;

	while (!quit && (t = now_ns()) < deadline) {
		int ms = (deadline - t + 999999) / 1000000;

		if (resized) {
			resized = 0;
			return 'r';
		}
		if (poll(&pfd, 1, ms) <= 0)
			continue;
		if (read(STDIN_FILENO, &c, 1) != 1)
			continue;
		if (c == 'q' || c == 'Q')
			return 'q';
		if (c == 'v' || c == 'V')
			return 'v';
	}
	return quit ? 'q' : 0;
}

int do_top(int argc, char **argv)
{
	bool interactive = !opt.batch, show_vcpus = false, have_prev = false, ended = false;
	struct snap prev = { 0 }, cur = { 0 }, next;
	static struct screen scr;
	uint64_t deadline;
	long frames = 0;
	int ret, key;

	(void)argv;
	if (argc)
		return usage_err("top takes no arguments");
	if (interactive && opt.json)
		return usage_err("top: -j needs batch mode (top -b -j)");
	if (interactive && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		return usage_err("top needs a terminal; use top -b for batch output");
	if (!(opt.given & OPT_DELAY))
		opt.interval_ns = NSEC_PER_SEC;
	ret = pool_check(opt.pool);
	if (ret)
		return ret;
	snap_pool = opt.pool;
	ret = snap_take(&cur, 0);
	if (ret)
		return dev_err("cannot read statistics", ret);
	if (interactive)
		term_setup();
	for (;;) {
		if (interactive)
			term_size(&scr);
		else
			scr.w = 80, scr.h = 24;
		if (opt.json) {
			print_stats(have_prev ? &prev : NULL, &cur);
			fflush(stdout);
		} else {
			render(&scr, have_prev ? &prev : NULL, &cur, show_vcpus,
			       ended ? "(no more data)" : NULL);
			draw(&scr, interactive);
		}
		if (!interactive && opt.iterations && ++frames >= opt.iterations)
			break;
		deadline = now_ns() + opt.interval_ns;
		for (;;) {
			key = interactive ? wait_key(deadline) : 0;
			if (!interactive) {
				struct timespec ts = { opt.interval_ns / NSEC_PER_SEC,
						       opt.interval_ns % NSEC_PER_SEC };

				while (nanosleep(&ts, &ts) && errno == EINTR && !quit)
					;
			}
			if (key == 'v') {
				show_vcpus = !show_vcpus;
				break;
			}
			if (key == 'r' || key == 'q' || quit)
				break;
			if (ended) {	/* the feed is over: keep the last frame */
				if (!interactive)
					break;
				deadline = now_ns() + opt.interval_ns;
				continue;
			}
			ret = snap_take(&next, 0);
			if (ret == -ENODATA) {
				ended = true;
				if (!interactive)
					break;
				break;
			}
			if (ret) {
				term_restore();
				snap_free(&prev);
				snap_free(&cur);
				return dev_err("cannot read statistics", ret);
			}
			snap_free(&prev);
			prev = cur;
			cur = next;
			have_prev = true;
			break;
		}
		if (key == 'q' || quit || (!interactive && ended))
			break;
	}
	term_restore();
	snap_free(&prev);
	snap_free(&cur);
	return EXIT_OK;
}
