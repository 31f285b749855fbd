// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics snapshots from the kernel or from a feed file (see snap.h).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dev.h"
#include "errors.h"
#include "pools.h"
#include "snap.h"
#include "vm_lookup.h"

const char *snap_pool;

/* ---- feed format: one table of keys per record type -------------------- */

/* K_SCHED: struct sched_times; K_HIST: lat_hist[] */
enum { K_U64, K_U32, K_S32, K_STR, K_SCHED, K_HIST };

struct feed_key {
	const char *name;
	size_t off;
	int kind;
	size_t len;	/* K_STR buffer size */
};

#define VMK(n, f, k)	{ n, offsetof(struct snap_vm, f), k, sizeof(((struct snap_vm *)0)->f) }
#define VCK(n, f, k)	{ n, offsetof(struct snap_vcpu, f), k, 0 }
#define STK(n, f, k)	{ n, offsetof(struct vmsched_status, f), k, \
			  sizeof(((struct vmsched_status *)0)->f) }

static const struct feed_key vm_keys[] = {
	VMK("pid", s.pid, K_S32), VMK("name", name, K_STR), VMK("comm", s.comm, K_STR),
	VMK("vcpus", s.nr_vcpus, K_U32), VMK("run", s.run_ns, K_U64),
	VMK("wait", s.wait_ns, K_U64), VMK("grants", s.grants, K_U64),
	VMK("preempt", s.preemptions, K_U64), VMK("wakeups", s.wakeups, K_U64),
	VMK("p99", s.lat_p99_ns, K_U64), VMK("max", s.lat_max_ns, K_U64),
	VMK("sum", s.lat_sum_ns, K_U64), VMK("hist", s.lat_hist, K_HIST),
	VMK("start", start_ns, K_U64), VMK("pool", s.pool, K_STR), { NULL, 0, 0, 0 }
};

static const struct feed_key vcpu_keys[] = {
	VCK("pid", s.pid, K_S32), VCK("id", s.vcpu_id, K_U32), VCK("tid", s.tid, K_S32),
	VCK("state", s.state, K_U32), VCK("run", s.run_ns, K_U64), VCK("wait", s.wait_ns, K_U64),
	VCK("grants", s.grants, K_U64), VCK("preempt", s.preemptions, K_U64),
	VCK("wakeups", s.wakeups, K_U64), VCK("lat_count", s.lat_count, K_U64),
	VCK("p50", s.lat_p50_ns, K_U64), VCK("p99", s.lat_p99_ns, K_U64),
	VCK("max", s.lat_max_ns, K_U64), VCK("sum", s.lat_sum_ns, K_U64),
	VCK("hist", s.lat_hist, K_HIST), VCK("sched", host, K_SCHED), { NULL, 0, 0, 0 }
};

static const struct feed_key status_keys[] = {
	STK("policy", active, K_STR), STK("swaps", swaps, K_U64),
	STK("last_swap", last_swap_ns, K_U64), STK("slots", nr_slots, K_U32),
	STK("granted", nr_granted, K_U32), STK("gated", nr_gated, K_U32),
	STK("watchdog", watchdog_events, K_U64), STK("errors", policy_errors, K_U64),
	STK("max_swap", max_swap_ns, K_U64), { NULL, 0, 0, 0 }
};

#define PLK(n, f, k)	{ n, offsetof(struct vmsched_pool_info, f), k, \
			  sizeof(((struct vmsched_pool_info *)0)->f) }

static const struct feed_key pool_keys[] = {
	PLK("name", name, K_STR), PLK("policy", active, K_STR), PLK("cpus", nr_cpus, K_U32),
	PLK("vms", nr_vms, K_U32), PLK("vcpus", nr_vcpus, K_U32),
	PLK("granted", nr_granted, K_U32), PLK("gated", nr_gated, K_U32),
	PLK("swaps", swaps, K_U64), PLK("last_swap", last_swap_ns, K_U64),
	PLK("max_swap", max_swap_ns, K_U64), PLK("watchdog", watchdog_events, K_U64),
	PLK("watchdog_ns", watchdog_ns, K_U64), PLK("errors", policy_errors, K_U64),
	{ NULL, 0, 0, 0 }
};

#define VRK(n, f, k)	{ n, offsetof(struct vmsched_version, f), k, \
			  sizeof(((struct vmsched_version *)0)->f) }

static const struct feed_key version_keys[] = {
	VRK("release", release, K_STR), VRK("major", major, K_U32),
	VRK("minor", minor, K_U32), { NULL, 0, 0, 0 }
};

/* "B:N;B:N": bucket B holds N; a bucket out of range or a bad number fails */
static int hist_set(uint64_t *hist, const char *v)
{
	unsigned long b;
	char *end;

	while (*v) {
		errno = 0;
		b = strtoul(v, &end, 10);
		if (end == v || *end != ':' || b >= VMSCHED_LAT_BUCKETS)
			return -EINVAL;
		v = end + 1;
		hist[b] = strtoull(v, &end, 10);
		if (end == v || errno || (*end && *end != ';'))
			return -EINVAL;
		v = *end ? end + 1 : end;
	}
	return 0;
}

static void hist_put(FILE *f, const char *sep, const char *name, const uint64_t *hist)
{
	unsigned int b;

	for (b = 0; b < VMSCHED_LAT_BUCKETS; b++)
		if (hist[b]) {
			fprintf(f, "%s%s=%u:%llu", sep, name, b, (unsigned long long)hist[b]);
			break;
		}
	for (b++; b < VMSCHED_LAT_BUCKETS; b++)
		if (hist[b])
			fprintf(f, ";%u:%llu", b, (unsigned long long)hist[b]);
}

static bool hist_empty(const uint64_t *hist)
{
	unsigned int b;

	for (b = 0; b < VMSCHED_LAT_BUCKETS; b++)
		if (hist[b])
			return false;
	return true;
}

static int feed_set(const struct feed_key *keys, void *obj, const char *k, const char *v)
{
	char *p = (char *)obj;

	for (; keys->name; keys++) {
		if (strcmp(keys->name, k))
			continue;
		switch (keys->kind) {
		case K_U64:
			*(uint64_t *)(p + keys->off) = strtoull(v, NULL, 10);
			break;
		case K_U32:
			*(uint32_t *)(p + keys->off) = strtoul(v, NULL, 10);
			break;
		case K_S32:
			*(int32_t *)(p + keys->off) = strtol(v, NULL, 10);
			break;
		case K_STR:
			snprintf(p + keys->off, keys->len, "%s", v);
			break;
		case K_SCHED: {
			struct sched_times *t = (struct sched_times *)(p + keys->off);
			unsigned long long r, w, n;

			if (sscanf(v, "%llu/%llu/%llu", &r, &w, &n) != 3)
				return -EINVAL;
			*t = (struct sched_times){ true, r, w, n };
			break;
		}
		case K_HIST:
			return hist_set((uint64_t *)(p + keys->off), v);
		}
		return 0;
	}
	return -EINVAL;
}

static void feed_put(FILE *f, const char *type, const struct feed_key *keys, const void *obj)
{
	const char *p = obj;
	bool first = true;

	fputs(type, f);
	for (; keys->name; keys++) {
		const char *sep = first ? ":" : ",";

		if ((keys->kind == K_STR && !p[keys->off]) ||
		    (keys->kind == K_HIST && hist_empty((const uint64_t *)(p + keys->off))))
			continue;
		if (keys->kind == K_SCHED && !((const struct sched_times *)(p + keys->off))->ok)
			continue;
		first = false;
		switch (keys->kind) {
		case K_U64:
			fprintf(f, "%s%s=%llu", sep, keys->name,
				(unsigned long long)*(const uint64_t *)(p + keys->off));
			break;
		case K_U32:
			fprintf(f, "%s%s=%u", sep, keys->name, *(const uint32_t *)(p + keys->off));
			break;
		case K_S32:
			fprintf(f, "%s%s=%d", sep, keys->name, *(const int32_t *)(p + keys->off));
			break;
		case K_STR:
			fprintf(f, "%s%s=", sep, keys->name);
			/* names with blanks or commas do not fit the format */
			for (const char *c = p + keys->off; *c; c++)
				fputc(*c == ' ' || *c == ',' ? '_' : *c, f);
			break;
		case K_SCHED: {
			const struct sched_times *t = (const void *)(p + keys->off);

			fprintf(f, "%s%s=%llu/%llu/%llu", sep, keys->name,
				(unsigned long long)t->run_ns, (unsigned long long)t->wait_ns,
				(unsigned long long)t->slices);
			break;
		}
		case K_HIST:
			hist_put(f, sep, keys->name, (const uint64_t *)(p + keys->off));
			break;
		}
	}
	fputc(' ', f);
}

static void *grow(void *arr, unsigned int n, size_t esz)
{
	void *p = realloc(arr, (n + 1) * esz);

	if (!p) {
		exit(op_err("out of memory"));
	}
	memset((char *)p + n * esz, 0, esz);
	return p;
}

/* parse one feed line into @s */
static int feed_parse(char *line, struct snap *s)
{
	char *save, *rec;

	for (rec = strtok_r(line, " \t\n", &save); rec; rec = strtok_r(NULL, " \t\n", &save)) {
		char *kvs = strchr(rec, ':'), *save2, *kv;
		const struct feed_key *keys;
		void *obj;

		if (!kvs)
			return -EINVAL;
		*kvs++ = '\0';
		if (!strcmp(rec, "now")) {
			keys = NULL;
			obj = NULL;
		} else if (!strcmp(rec, "status")) {
			keys = status_keys;
			obj = &s->st;
			s->have_status = true;
		} else if (!strcmp(rec, "version")) {
			keys = version_keys;
			obj = &s->ver;
			s->have_version = true;
		} else if (!strcmp(rec, "pool")) {
			s->pools = grow(s->pools, s->nr_pools, sizeof(*s->pools));
			keys = pool_keys;
			obj = &s->pools[s->nr_pools++];
		} else if (!strcmp(rec, "vm")) {
			s->vms = grow(s->vms, s->nr_vms, sizeof(*s->vms));
			keys = vm_keys;
			obj = &s->vms[s->nr_vms++];
		} else if (!strcmp(rec, "vcpu")) {
			s->vcpus = grow(s->vcpus, s->nr_vcpus, sizeof(*s->vcpus));
			keys = vcpu_keys;
			obj = &s->vcpus[s->nr_vcpus++];
		} else {
			return -EINVAL;
		}
		for (kv = strtok_r(kvs, ",", &save2); kv; kv = strtok_r(NULL, ",", &save2)) {
			char *v = strchr(kv, '=');

			if (!v)
				return -EINVAL;
			*v++ = '\0';
			if (!keys) {
				if (strcmp(kv, "ns"))
					return -EINVAL;
				s->now_ns = strtoull(v, NULL, 10);
			} else if (feed_set(keys, obj, kv, v)) {
				return -EINVAL;
			}
		}
	}
	return 0;
}

static FILE *feed;
static unsigned int feed_lineno;

bool snap_feed_mode(void)
{
	const char *f = getenv("VMSCHED_STATS_FEED");

	return f && *f;
}

void snap_rewind(void)
{
	if (feed) {
		rewind(feed);
		feed_lineno = 0;
	}
}

static int feed_take(struct snap *s)
{
	static char line[1 << 16];

	if (!feed) {
		feed = fopen(getenv("VMSCHED_STATS_FEED"), "r");
		if (!feed)
			return -errno;
	}
	while (fgets(line, sizeof(line), feed)) {
		feed_lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (feed_parse(line, s)) {
			op_err("%s:%u: bad feed line", getenv("VMSCHED_STATS_FEED"),
			       feed_lineno);
			return -EINVAL;
		}
		return 0;
	}
	return -ENODATA;
}

/* the VMM's start time from /proc/PID/stat, on the CLOCK_MONOTONIC scale */
static uint64_t proc_start_ns(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ticks;
	struct timespec mono, boot;
	uint64_t start_boot, off;
	FILE *f;
	size_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	for (i = 0; i < 20 && p; i++)	/* to field 22, starttime */
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &ticks) != 1)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	start_boot = ticks * (1000000000ULL / sysconf(_SC_CLK_TCK));
	off = (boot.tv_sec - mono.tv_sec) * 1000000000ULL + boot.tv_nsec - mono.tv_nsec;
	return start_boot > off ? start_boot - off : 1;
}

static int dev_take(struct snap *s, pid_t pid)
{
	struct vmsched_vm_stats *vms;
	struct vmsched_vcpu_stats *vcpus;
	unsigned int i;
	int ret;

	ret = dev_stats(snap_pool, pid, &s->now_ns, &vms, &s->nr_vms, &vcpus, &s->nr_vcpus);
	if (ret)
		return ret;
	s->vms = calloc(s->nr_vms ? s->nr_vms : 1, sizeof(*s->vms));
	s->vcpus = calloc(s->nr_vcpus ? s->nr_vcpus : 1, sizeof(*s->vcpus));
	if (!s->vms || !s->vcpus) {
		free(vms);
		free(vcpus);
		return -ENOMEM;
	}
	for (i = 0; i < s->nr_vms; i++) {
		s->vms[i].s = vms[i];
		s->vms[i].start_ns = proc_start_ns(vms[i].pid);
	}
	/* right after the kernel's snapshot, on the same clock reading */
	for (i = 0; i < s->nr_vcpus; i++) {
		s->vcpus[i].s = vcpus[i];
		schedstat_read(vcpus[i].pid, vcpus[i].tid, &s->vcpus[i].host);
	}
	free(vms);
	free(vcpus);
	s->have_status = !dev_status(&s->st);
	if (!pool_is_default(snap_pool)) {	/* the pool's, not the default one's */
		struct vmsched_pool_info p;

		s->have_status = !pool_info(snap_pool, &p);
		if (s->have_status)
			pool_status_of(&p, &s->st);
	}
	s->have_version = !dev_version(&s->ver);
	if (s->have_version && s->ver.minor >= 2 && pools_load(&s->pools, &s->nr_pools))
		s->nr_pools = 0;
	return 0;
}

static void record(const struct snap *s)
{
	const char *path = getenv("VMSCHED_STATS_RECORD");
	unsigned int i;
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "a");
	if (!f)
		return;
	fprintf(f, "now:ns=%llu ", (unsigned long long)s->now_ns);
	if (s->have_status)
		feed_put(f, "status", status_keys, &s->st);
	if (s->have_version)
		feed_put(f, "version", version_keys, &s->ver);
	for (i = 0; i < s->nr_pools; i++)
		feed_put(f, "pool", pool_keys, &s->pools[i]);
	for (i = 0; i < s->nr_vms; i++)
		feed_put(f, "vm", vm_keys, &s->vms[i]);
	for (i = 0; i < s->nr_vcpus; i++)
		feed_put(f, "vcpu", vcpu_keys, &s->vcpus[i]);
	fputc('\n', f);
	fclose(f);
}

static int cmp_vm(const void *a, const void *b)
{
	const struct snap_vm *x = a, *y = b;

	return (x->s.pid > y->s.pid) - (x->s.pid < y->s.pid);
}

static int cmp_vcpu(const void *a, const void *b)
{
	const struct vmsched_vcpu_stats *x = &((const struct snap_vcpu *)a)->s;
	const struct vmsched_vcpu_stats *y = &((const struct snap_vcpu *)b)->s;

	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->vcpu_id > y->vcpu_id) - (x->vcpu_id < y->vcpu_id);
}

/* keep only VM @pid, as the kernel does when asked for one */
static int filter_pid(struct snap *s, pid_t pid)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->nr_vms; i++)
		if (s->vms[i].s.pid == pid)
			s->vms[n++] = s->vms[i];
	if (!n)
		return -ESRCH;
	s->nr_vms = n;
	for (i = 0, n = 0; i < s->nr_vcpus; i++)
		if (s->vcpus[i].s.pid == pid)
			s->vcpus[n++] = s->vcpus[i];
	s->nr_vcpus = n;
	return 0;
}

int snap_take(struct snap *s, pid_t pid)
{
	unsigned int i, j;
	int ret;

	memset(s, 0, sizeof(*s));
	if (snap_feed_mode()) {
		ret = feed_take(s);
		if (!ret && pid)
			ret = filter_pid(s, pid);
	} else {
		ret = dev_take(s, pid);
		if (!ret)
			record(s);
	}
	if (ret) {
		snap_free(s);
		return ret;
	}
	s->have_hist = s->have_version && s->ver.minor >= 1;
	s->have_pools = s->have_version && s->ver.minor >= 2;
	qsort(s->vms, s->nr_vms, sizeof(*s->vms), cmp_vm);
	qsort(s->vcpus, s->nr_vcpus, sizeof(*s->vcpus), cmp_vcpu);
	for (i = 0, j = 0; i < s->nr_vms; i++) {
		struct snap_vm *vm = &s->vms[i];

		while (j < s->nr_vcpus && s->vcpus[j].s.pid < vm->s.pid)
			j++;
		vm->first_vcpu = j;
		while (j < s->nr_vcpus && s->vcpus[j].s.pid == vm->s.pid)
			j++;
		vm->nr_vcpus = j - vm->first_vcpu;
		if (!vm->name[0])
			vm_name(vm->s.pid, vm->s.comm, vm->name, sizeof(vm->name));
		vm->s.pool[VMSCHED_NAME_MAX - 1] = '\0';
	}
	return 0;
}

void snap_free(struct snap *s)
{
	free(s->vms);
	free(s->vcpus);
	free(s->pools);
	s->vms = NULL;
	s->vcpus = NULL;
	s->pools = NULL;
	s->nr_vms = s->nr_vcpus = s->nr_pools = 0;
}

const struct snap_vm *snap_find(const struct snap *s, pid_t pid)
{
	unsigned int i;

	for (i = 0; i < s->nr_vms; i++)
		if (s->vms[i].s.pid == pid)
			return &s->vms[i];
	return NULL;
}

bool snap_host_view(const struct snap *s)
{
	return s->have_status && !s->st.active[0];
}

const char *snap_vm_pool(const struct snap_vm *vm)
{
	return vm->s.pool[0] ? vm->s.pool : VMSCHED_POOL_DEFAULT;
}
