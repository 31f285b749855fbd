// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - results as a text table or as one JSON line.
 *
 * Both forms come from the same field lists, so they cannot drift: a field
 * has a JSON key (also the text column header) and an integer value. The
 * text table leaves out columns that mean nothing for the profile.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "workload.h"

/* Profiles that show a field in the text table. */
#define P_ALL		0xf
#define P_TIMER		(1 << WL_PROFILE_DUTY | 1 << WL_PROFILE_LATENCY)
#define P_EXIT		(1 << WL_PROFILE_EXIT)
#define P_LATENCY	(1 << WL_PROFILE_LATENCY)

struct field {
	const char *key;
	long long val;
	int width;		/* text column width */
	unsigned int text;	/* profiles that show it in text */
};

static const char *const profile_names[] = {
	[WL_PROFILE_SPIN] = "spin",
	[WL_PROFILE_DUTY] = "duty",
	[WL_PROFILE_LATENCY] = "latency",
	[WL_PROFILE_EXIT] = "exit",
};

const char *wl_profile_name(enum wl_profile profile)
{
	return profile_names[profile];
}

static long long delta(const struct wl_vcpu *v, size_t off)
{
	const uint64_t *a = (const void *)((const char *)&v->start + off);
	const uint64_t *b = (const void *)((const char *)&v->end + off);

	return *b - *a;
}

static long long stat_delta(const struct wl_vcpu *v, enum vcpu_stat s)
{
	if (v->start.kvm_stat[s] < 0 || v->end.kvm_stat[s] < 0)
		return -1;
	return v->end.kvm_stat[s] - v->start.kvm_stat[s];
}

#define D(field)	delta(v, offsetof(struct wl_sample, field))

static unsigned int vcpu_fields(const struct wl *wl, const struct wl_vcpu *v,
				struct field *f)
{
	uint64_t ns = wl->t_end - wl->t_start;
	unsigned int rethread = wl->opts.rethread ? P_ALL : 0;
	struct field list[] = {
		{ "id",		v->vcpu.id,			4,  P_ALL },
		{ "tid",	atomic_load(&v->tid),		8,  P_ALL },
		{ "threads",	v->threads,			8,  rethread },
		{ "old_tid",	v->old_tid,			8,  rethread },
		{ "progress",	D(progress),			13, P_ALL },
		{ "rate",	wl_per_sec(D(progress), ns),	11, P_ALL },
		{ "exits",	D(exits),			9,  P_ALL },
		{ "io_exits",	D(io_exits),			10, P_EXIT },
		{ "intr_exits",	D(intr_exits),			11, 0 },
		{ "kvm_exits",	stat_delta(v, VCPU_STAT_EXITS),	11, P_ALL },
		{ "halt_exits",	stat_delta(v, VCPU_STAT_HALT_EXITS), 11, P_TIMER },
		{ "wakeups",	D(wakeups),			9,  P_TIMER },
		{ "overruns",	D(overruns),			9,  P_LATENCY },
		{ "lat_p50_ns",	v->lat.p50,			11, P_TIMER },
		{ "lat_p90_ns",	v->lat.p90,			11, P_TIMER },
		{ "lat_p99_ns",	v->lat.p99,			11, P_TIMER },
		{ "lat_max_ns",	v->lat.max,			11, P_TIMER },
		{ "run_ns",	D(run_ns),			12, P_ALL },
		{ "cpu_ns",	D(cpu_ns),			12, P_ALL },
		{ "stop_ns",	atomic_load(&v->stop_ns),	0,  0 },
	};

	memcpy(f, list, sizeof(list));
	return sizeof(list) / sizeof(list[0]);
}

static void print_json_fields(const struct field *f, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		printf("%s\"%s\":%lld", i ? "," : "", f[i].key, f[i].val);
}

/* ,"lat_hist":[[lower_ns,count],...] over the non-empty buckets */
static void print_json_hist(const struct wl_vcpu *v)
{
	bool first = true;
	unsigned int i;

	printf(",\"lat_hist\":[");
	for (i = 0; v->hist && i < WL_HIST_BUCKETS; i++) {
		if (!v->hist[i])
			continue;
		printf("%s[%llu,%llu]", first ? "" : ",",
		       (unsigned long long)wl_hist_lower(i), (unsigned long long)v->hist[i]);
		first = false;
	}
	putchar(']');
}

static void print_text_row(const struct field *f, unsigned int n, unsigned int mask,
			   bool header)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!(f[i].text & mask))
			continue;
		if (header)
			printf("%*s", f[i].width, f[i].key);
		else
			printf("%*lld", f[i].width, f[i].val);
	}
	putchar('\n');
}

static void print_text_pairs(const struct field *f, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		printf("%s%s %lld", i ? "  " : "", f[i].key, f[i].val);
	putchar('\n');
}

struct totals {
	uint64_t progress;
	uint64_t min_rate;
	uint64_t max_rate;
};

static struct totals totals(const struct wl *wl)
{
	struct totals t = { .min_rate = UINT64_MAX };
	uint64_t ns = wl->t_end - wl->t_start, rate;
	unsigned int i;

	for (i = 0; i < wl->opts.nr_vcpus; i++) {
		const struct wl_vcpu *v = &wl->vcpus[i];

		rate = wl_per_sec(D(progress), ns);
		t.progress += D(progress);
		t.min_rate = rate < t.min_rate ? rate : t.min_rate;
		t.max_rate = rate > t.max_rate ? rate : t.max_rate;
	}
	return t;
}

void wl_report(struct wl *wl)
{
	const struct wl_opts *o = &wl->opts;
	struct totals t = totals(wl);
	struct field head[] = {
		{ "pid",	getpid(),			0, 0 },
		{ "vcpus",	o->nr_vcpus,			0, 0 },
		{ "duration_ns", wl->t_end - wl->t_start,	0, 0 },
		{ "tsc_khz",	wl->tsc_khz,			0, 0 },
		{ "run_us",	o->run_us,			0, 0 },
		{ "halt_us",	o->halt_us,			0, 0 },
		{ "rate_hz",	o->rate_hz,			0, 0 },
	};
	struct field tail[] = {
		{ "total_progress", t.progress,		0, 0 },
		{ "min_rate",	t.min_rate,			0, 0 },
		{ "max_rate",	t.max_rate,			0, 0 },
	};
	unsigned int nr_head = sizeof(head) / sizeof(head[0]);
	unsigned int nr_tail = sizeof(tail) / sizeof(tail[0]);
	unsigned int i, n;
	struct field f[32];

	if (o->json) {
		printf("{\"name\":");
		wl_json_string(o->name);
		printf(",\"pid\":%lld,\"profile\":\"%s\",", head[0].val,
		       wl_profile_name(o->profile));
		print_json_fields(head + 1, nr_head - 1);
		printf(",\"vcpu\":[");
		for (i = 0; i < o->nr_vcpus; i++) {
			n = vcpu_fields(wl, &wl->vcpus[i], f);
			printf("%s{", i ? "," : "");
			print_json_fields(f, n);
			if (o->hist)
				print_json_hist(&wl->vcpus[i]);
			putchar('}');
		}
		printf("],");
		print_json_fields(tail, nr_tail);
		printf("}\n");
	} else {
		printf("name %s  profile %s  ", o->name, wl_profile_name(o->profile));
		print_text_pairs(head, nr_head);
		for (i = 0; i < o->nr_vcpus; i++) {
			n = vcpu_fields(wl, &wl->vcpus[i], f);
			if (!i)
				print_text_row(f, n, 1u << o->profile, true);
			print_text_row(f, n, 1u << o->profile, false);
		}
		print_text_pairs(tail, nr_tail);
	}
	fflush(stdout);
}

/* One --interval line on stderr: per vCPU progress per second. */
void wl_report_interval(struct wl *wl, uint64_t t_ms, const uint64_t *rates)
{
	unsigned int i;

	if (wl->opts.json)
		fprintf(stderr, "{\"t_ms\":%llu,\"rates\":[", (unsigned long long)t_ms);
	else
		fprintf(stderr, "t_ms %llu  rates", (unsigned long long)t_ms);
	for (i = 0; i < wl->opts.nr_vcpus; i++)
		fprintf(stderr, wl->opts.json ? "%s%llu" : "%s %llu",
			wl->opts.json && i ? "," : "", (unsigned long long)rates[i]);
	fputs(wl->opts.json ? "]}\n" : "\n", stderr);
}
