// SPDX-License-Identifier: GPL-2.0
/*
 * workload - a minimal KVM VMM whose guests report progress without exits.
 *
 * Creates one VM with N vCPUs running our own guest code (guest.c), lets
 * them run for a given time, and reports per vCPU progress rate, exits,
 * wake-up latencies and time spent in KVM_RUN. See usage() and README.md.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "util.h"
#include "workload.h"

#define READY_TIMEOUT_NS	(10 * 1000000000ull)
#define MAX_DURATION_S		1000000ull
#define MAX_PHASE_US		10000000ull
#define MAX_RATE_HZ		100000ull
#define MAX_INTERVAL_MS		3600000ull

static void usage(FILE *out)
{
	fprintf(out,
"Usage: workload [OPTIONS]\n"
"Run a KVM VM whose vCPUs execute a fixed guest workload, then report\n"
"per-vCPU progress measured in guest memory (no VM exits needed).\n"
"\n"
"OPTIONS := { --name NAME | --vcpus N | --duration SEC | --profile PROFILE |\n"
"             --run-us US | --halt-us US | --rate HZ | --pin CPULIST |\n"
"             --json | --interval MS | --hist | --rethread-ms MS | -h | --help }\n"
"PROFILE := { spin | duty | latency | exit }\n"
"CPULIST := CPU[-CPU][,CPU[-CPU]...]\n"
"\n"
"  --name NAME      VM name, also the process name (default \"workload\")\n"
"  --vcpus N        number of vCPUs, 1..%d (default 1)\n"
"  --duration SEC   measurement time, decimals allowed (default 5)\n"
"  --profile P      spin:    increment a counter forever, never exit\n"
"                   duty:    busy --run-us, halt --halt-us (LAPIC timer), repeat\n"
"                   latency: halt, woken --rate times a second by the LAPIC\n"
"                            timer; record wake-up latency percentiles\n"
"                   exit:    one I/O port write (user-space exit) per loop\n"
"  --run-us US      duty: busy time per period (default 1000)\n"
"  --halt-us US     duty: halted time per period, 0: never (default 1000)\n"
"  --rate HZ        latency: timer wake-ups per second (default 1000)\n"
"  --pin CPULIST    pin vCPU thread i to CPULIST[i %% length]\n"
"  --json           print the result as one JSON object on stdout\n"
"  --interval MS    every MS ms print per-vCPU rates on stderr (JSON lines\n"
"                   with --json)\n"
"  --hist           with --json: add each vCPU's wake-up latency histogram\n"
"  --rethread-ms MS after MS ms of the window, hand each vCPU in turn to a\n"
"                   new thread (same name and --pin CPU) that runs it from\n"
"                   then on; the old thread leaves KVM_RUN (SIGUSR1) and\n"
"                   exits. Counters cover both threads. MS < --duration\n"
"\n"
"vCPU threads are named \"CPU N/KVM\". Exit status: 0 ok, 1 failure,\n"
"2 bad option, 4 KVM unavailable (skip).\n",
		WL_MAX_VCPUS);
}

static void __attribute__((noreturn, format(printf, 1, 2))) bad_option(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	wl_die(WL_EXIT_USAGE, "%s, try \"workload --help\"", msg);
}

static uint64_t parse_u64(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	unsigned long long val;
	char *end;

	errno = 0;
	val = strtoull(arg, &end, 10);
	if (!*arg || *end || errno || arg[0] == '-' || val < min || val > max)
		bad_option("%s \"%s\" is invalid, expected an integer in %llu..%llu",
			   opt, arg, (unsigned long long)min, (unsigned long long)max);
	return val;
}

/* Decimal seconds ("5", "2.5", ".25") to nanoseconds. */
static uint64_t parse_duration(const char *arg)
{
	uint64_t sec = 0, frac = 0, scale = 100000000;
	const char *p = arg;
	bool digits = false;

	for (; *p >= '0' && *p <= '9' && sec <= MAX_DURATION_S; p++, digits = true)
		sec = sec * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, digits = true, scale /= 10)
			frac += (*p - '0') * scale;
	if (!digits || *p || sec > MAX_DURATION_S || (!sec && !frac))
		bad_option("--duration \"%s\" is invalid, expected seconds > 0, e.g. 2.5", arg);
	return sec * 1000000000ull + frac;
}

static enum wl_profile parse_profile(const char *arg)
{
	int i, found = -1;
	size_t len = strlen(arg);

	for (i = WL_PROFILE_SPIN; i <= WL_PROFILE_EXIT; i++) {
		if (!strcmp(arg, wl_profile_name(i)))
			return i;
		if (len && !strncmp(arg, wl_profile_name(i), len))
			found = found < 0 ? i : -2;
	}
	if (found < 0)
		bad_option("profile \"%s\" is unknown, use spin, duty, latency or exit", arg);
	return found;
}

static void parse_pin(struct wl_opts *o, const char *arg)
{
	const char *p = arg;
	unsigned long first, last;
	cpu_set_t allowed;
	char *end;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		CPU_ZERO(&allowed);
	o->nr_pin = 0;
	do {
		if (*p < '0' || *p > '9')
			goto bad;
		first = last = strtoul(p, &end, 10);
		if (*end == '-') {
			p = end + 1;
			if (*p < '0' || *p > '9')
				goto bad;
			last = strtoul(p, &end, 10);
		}
		if (last < first || last >= CPU_SETSIZE)
			goto bad;
		for (; first <= last; first++) {
			if (!CPU_ISSET(first, &allowed))
				bad_option("--pin: host CPU %lu is not available to this process",
					   first);
			if (o->nr_pin == WL_MAX_VCPUS)
				goto bad;
			o->pin[o->nr_pin++] = first;
		}
		p = end;
	} while (*p++ == ',');
	if (p[-1] == '\0')
		return;
bad:
	bad_option("--pin \"%s\" is invalid, expected a CPU list such as 0,2-3", arg);
}

static void parse_options(struct wl_opts *o, int argc, char **argv)
{
	enum { O_NAME = 256, O_VCPUS, O_DURATION, O_PROFILE, O_RUN_US, O_HALT_US,
	       O_RATE, O_PIN, O_JSON, O_INTERVAL, O_HIST, O_RETHREAD_MS };
	static const struct option longopts[] = {
		{ "name",	required_argument, NULL, O_NAME },
		{ "vcpus",	required_argument, NULL, O_VCPUS },
		{ "duration",	required_argument, NULL, O_DURATION },
		{ "profile",	required_argument, NULL, O_PROFILE },
		{ "run-us",	required_argument, NULL, O_RUN_US },
		{ "halt-us",	required_argument, NULL, O_HALT_US },
		{ "rate",	required_argument, NULL, O_RATE },
		{ "pin",	required_argument, NULL, O_PIN },
		{ "json",	no_argument,	   NULL, O_JSON },
		{ "interval",	required_argument, NULL, O_INTERVAL },
		{ "hist",	no_argument,	   NULL, O_HIST },
		{ "rethread-ms", required_argument, NULL, O_RETHREAD_MS },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct wl_opts) {
		.name = "workload",
		.nr_vcpus = 1,
		.duration_ns = 5 * 1000000000ull,
		.profile = WL_PROFILE_SPIN,
		.run_us = 1000,
		.halt_us = 1000,
		.rate_hz = 1000,
	};
	/* Errors should be JSON from the start if --json is anywhere. */
	for (c = 1; c < argc && strcmp(argv[c], "--"); c++)
		if (!strcmp(argv[c], "--json"))
			wl_json_errors = true;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case O_NAME:
			if (!*optarg || strlen(optarg) >= sizeof(o->name))
				bad_option("--name must have 1..%zu characters",
					   sizeof(o->name) - 1);
			strcpy(o->name, optarg);
			break;
		case O_VCPUS:
			o->nr_vcpus = parse_u64("--vcpus", optarg, 1, WL_MAX_VCPUS);
			break;
		case O_DURATION:
			o->duration_ns = parse_duration(optarg);
			break;
		case O_PROFILE:
			o->profile = parse_profile(optarg);
			break;
		case O_RUN_US:
			o->run_us = parse_u64("--run-us", optarg, 1, MAX_PHASE_US);
			break;
		case O_HALT_US:
			o->halt_us = parse_u64("--halt-us", optarg, 0, MAX_PHASE_US);
			break;
		case O_RATE:
			o->rate_hz = parse_u64("--rate", optarg, 1, MAX_RATE_HZ);
			break;
		case O_PIN:
			parse_pin(o, optarg);
			break;
		case O_JSON:
			o->json = true;
			break;
		case O_INTERVAL:
			o->interval_ms = parse_u64("--interval", optarg, 0, MAX_INTERVAL_MS);
			break;
		case O_HIST:
			o->hist = true;
			break;
		case O_RETHREAD_MS:
			o->rethread = true;
			o->rethread_ns = parse_u64("--rethread-ms", optarg, 0,
						   MAX_DURATION_S * 1000) * 1000000ull;
			break;
		case 'h':
			usage(stdout);
			exit(WL_EXIT_OK);
		case ':':
			bad_option("option \"%s\" needs a value", argv[optind - 1]);
		default:
			bad_option("option \"%s\" is unknown", argv[optind - 1]);
		}
	}
	if (optind < argc)
		bad_option("unexpected argument \"%s\"", argv[optind]);
	if (o->rethread && o->rethread_ns >= o->duration_ns)
		bad_option("--rethread-ms %llu is not within --duration (%llu ms)",
			   (unsigned long long)(o->rethread_ns / 1000000),
			   (unsigned long long)(o->duration_ns / 1000000));
}

static void check_kvm(int kvm_fd, const struct wl_opts *o)
{
	int max = kvm_check_cap(kvm_fd, KVM_CAP_MAX_VCPUS);

	if (!max)
		max = kvm_check_cap(kvm_fd, KVM_CAP_NR_VCPUS);
	if ((int)o->nr_vcpus > max)
		wl_die(WL_EXIT_SKIP, "KVM supports at most %d vCPUs per VM, %u requested",
		       max, o->nr_vcpus);
	if (!kvm_check_cap(kvm_fd, KVM_CAP_IRQCHIP))
		wl_die(WL_EXIT_SKIP, "KVM has no in-kernel irqchip (KVM_CAP_IRQCHIP)");
	if (!kvm_check_cap(kvm_fd, KVM_CAP_IMMEDIATE_EXIT))
		wl_die(WL_EXIT_SKIP, "KVM lacks KVM_CAP_IMMEDIATE_EXIT");
	if (o->profile != WL_PROFILE_DUTY && o->profile != WL_PROFILE_LATENCY)
		return;
	if (!kvm_check_cap(kvm_fd, KVM_CAP_TSC_DEADLINE_TIMER))
		wl_die(WL_EXIT_SKIP, "KVM lacks the TSC-deadline timer, needed by --profile %s",
		       wl_profile_name(o->profile));
	if (!kvm_check_cap(kvm_fd, KVM_CAP_GET_TSC_KHZ))
		wl_die(WL_EXIT_SKIP, "KVM cannot tell the guest TSC frequency (KVM_CAP_GET_TSC_KHZ)");
}

static void setup(struct wl *wl, int kvm_fd)
{
	const struct wl_opts *o = &wl->opts;
	unsigned int i;

	wl->vcpus = calloc(o->nr_vcpus, sizeof(*wl->vcpus));
	WL_ASSERT(wl->vcpus, "out of memory");
	vm_create(&wl->vm, kvm_fd, o->nr_vcpus);
	for (i = 0; i < o->nr_vcpus; i++) {
		struct wl_vcpu *v = &wl->vcpus[i];
		struct guest_vcpu *d;
		uint64_t khz;

		vcpu_create(&wl->vm, &v->vcpu, i, o->profile);
		v->pin_cpu = o->nr_pin ? o->pin[i % o->nr_pin] : -1;
		v->hist_start = calloc(WL_HIST_BUCKETS, sizeof(uint64_t));
		v->hist = calloc(WL_HIST_BUCKETS, sizeof(uint64_t));
		WL_ASSERT(v->hist_start && v->hist, "out of memory");

		d = v->vcpu.data;
		khz = v->vcpu.tsc_khz;
		if (!i)
			wl->tsc_khz = khz;
		if (!khz && (o->profile == WL_PROFILE_DUTY || o->profile == WL_PROFILE_LATENCY))
			wl_die(WL_EXIT_SKIP, "KVM_GET_TSC_KHZ failed on vCPU %u", i);
		d->run_cycles = o->run_us * khz / 1000;
		d->halt_cycles = o->halt_us * khz / 1000;
		d->period_cycles = khz * 1000 / o->rate_hz;
	}
}

static uint64_t min3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * Sleep through the window, printing --interval lines on the way and
 * handing the vCPUs to new threads at --rethread-ms.
 */
static void measure(struct wl *wl)
{
	const struct wl_opts *o = &wl->opts;
	uint64_t iv = o->interval_ms * 1000000ull, end, next, now, t_prev, rethread;
	uint64_t *prev, *rates;
	unsigned int i;

	prev = calloc(o->nr_vcpus, sizeof(*prev));
	rates = calloc(o->nr_vcpus, sizeof(*rates));
	WL_ASSERT(prev && rates, "out of memory");

	wl_sample(wl, &wl->t_start, false);
	for (i = 0; i < o->nr_vcpus; i++)
		prev[i] = wl->vcpus[i].start.progress;
	t_prev = wl->t_start;
	end = wl->t_start + o->duration_ns;
	next = iv ? wl->t_start + iv : UINT64_MAX;
	rethread = o->rethread ? wl->t_start + o->rethread_ns : UINT64_MAX;

	while (!atomic_load(&wl_interrupted)) {
		wl_check_failed(wl);
		now = wl_now_ns();
		if (now >= end)
			break;
		if (now >= rethread) {
			wl_vcpus_rethread(wl);
			rethread = UINT64_MAX;
			continue;
		}
		if (now < next) {
			wl_wait(min3(next, end, rethread));
			continue;
		}
		for (i = 0; i < o->nr_vcpus; i++) {
			uint64_t c = wl_progress(&wl->vcpus[i]);

			rates[i] = wl_per_sec(c - prev[i], now - t_prev);
			prev[i] = c;
		}
		wl_report_interval(wl, (now - wl->t_start) / 1000000, rates);
		t_prev = now;
		next += iv;
	}
	wl_sample(wl, &wl->t_end, true);
	wl_check_failed(wl);
	free(prev);
	free(rates);
}

int main(int argc, char **argv)
{
	static struct wl wl;
	int kvm_fd;

	parse_options(&wl.opts, argc, argv);
	prctl(PR_SET_NAME, wl.opts.name);	/* truncated to 15 characters */

	kvm_fd = kvm_open();
	check_kvm(kvm_fd, &wl.opts);
	setup(&wl, kvm_fd);

	wl_vcpus_start(&wl);
	wl_vcpus_wait_ready(&wl, READY_TIMEOUT_NS);
	measure(&wl);
	wl_vcpus_stop(&wl);
	wl_report(&wl);
	return WL_EXIT_OK;
}
