// SPDX-License-Identifier: GPL-2.0
/*
 * apply --follow (apply_follow.h).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply_follow.h"
#include "apply_plan.h"
#include "apply_pools.h"
#include "apply_undo.h"
#include "dev.h"
#include "devwatch.h"
#include "libvirt.h"
#include "main.h"
#include "metrics.h"
#include "snap.h"
#include "units.h"
#include "vm_meta.h"

static volatile sig_atomic_t got_hup, got_term;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

/* forget pids that are no longer VMs (a new VM may reuse one) */
static void pidset_prune(struct pidset *ps, const struct snap *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < ps->n; i++)
		if (snap_find(s, ps->pid[i]))
			ps->pid[n++] = ps->pid[i];
	ps->n = n;
}

/*
 * one follow round: VMs of @c that started since, or whose parameters could
 * not be set before; messages on stdout, a failure once per VM (@reported)
 */
static void follow_round(const struct conf *c, const struct pdesc *d, struct pidset *done,
			 struct pidset *reported)
{
	struct vmsched_kv kv[VMSCHED_MAX_KV];
	unsigned int n;
	char policy[VMSCHED_NAME_MAX], args[1024];
	struct conf_entry e, meta;
	unsigned int i;
	struct snap s;
	int ret;

	/* per-VM parameters belong to the configured policy only */
	if (active_policy(policy) || strcmp(policy, c->policy.name))
		return;
	if (snap_take(&s, 0))
		return;
	pidset_prune(done, &s);
	pidset_prune(reported, &s);
	for (i = 0; i < s.nr_vms; i++) {
		pid_t pid = s.vms[i].s.pid;
		const char *name = s.vms[i].name, *from;

		if (pidset_has(done, pid))
			continue;
		/* a VM of another pool (pool=): moved by apply only, not followed */
		if (pools_vm_descs(c, d, name) != d) {
			pidset_add(done, pid);
			continue;
		}
		from = vm_config(c, d, name, &meta, &e);
		if (!from) {	/* nothing to give it: it has the defaults */
			pidset_add(done, pid);
			continue;
		}
		ret = plan_values(d, VMSCHED_SCOPE_VM, &e, kv, &n);
		if (!ret)
			ret = dev_set_params(NULL, VMSCHED_SCOPE_VM, pid, 0, kv, n);
		if (follow_note(done, reported, pid, ret)) {
			if (ret)
				conf_err(c, e.line, "vm %s (pid %d): %s", name, pid, apply_why(ret));
			else
				printf("vm %s (pid %d): applied %s%s\n", name, pid,
				       conf_args_str(&e, args, sizeof(args)),
				       strcmp(from, "file") ? " (libvirt metadata)" : "");
			fflush(stdout);
		}
		meta_free(&meta);
	}
	snap_free(&s);
}

/* SIGHUP: read the file again; a bad file keeps the old configuration */
static void reload(const char *path, struct conf *c, struct pdesc *d, struct pidset *done,
		   struct pidset *reported)
{
	struct conf nc;
	struct pdesc nd;
	struct pidset nps = { 0 };
	struct missing m;

	printf("vmsched: %s: reloading\n", path);
	fflush(stdout);
	if (load_conf(path, &nc, &nd, false, &m))
		goto keep;
	if (apply_conf(&nc, &nd, false, &m, &nps)) {
		conf_free(&nc);
		pdesc_free(&nd);
		free(nps.pid);
		goto keep;
	}
	conf_free(c);
	pdesc_free(d);
	free(done->pid);
	*c = nc;
	*d = nd;
	*done = nps;
	reported->n = 0;	/* the new file's failures are news */
	return;
keep:
	op_err("%s: keeping the configuration read before", path);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/*
 * write the metrics to @path; a failure is printed when it differs from
 * the last one (@last), so a directory that is missing does not fill the
 * journal, and the recovery is printed too
 */
static void metrics_round(const char *path, char *last, size_t len)
{
	char why[512];
	int ret;

	ret = metrics_write(path, why, sizeof(why));
	if (ret == DEV_REPORTED)
		snprintf(why, sizeof(why), "cannot use %s", VMSCHED_DEVICE);
	if (!ret && last[0])
		printf("vmsched: metrics: writing %s again\n", path);
	else if (ret && strcmp(why, last))
		op_err("metrics: %s (trying again every interval)", why);
	fflush(stdout);
	snprintf(last, len, "%s", ret ? why : "");
}

/* whether to follow new VMs under @c, @d; print which, after @what */
static bool follow_mode(const char *path, const char *what, const struct conf *c,
			const struct pdesc *d, const char *mpath)
{
	char why[512], lv_why[256];
	bool on;

	on = follow_needed(c, d, lv_usable(lv_why, sizeof(lv_why)) ? lv_why : NULL,
			   why, sizeof(why));
	printf("vmsched: %s: %s", path, what);
	if (on)
		printf("following new VMs every %.3gs (%s); metrics ",
		       (double)opt.interval_ns / NSEC_PER_SEC, why);
	else
		printf("nothing to follow (%s): waiting for SIGHUP; metrics ", why);
	if (mpath)
		printf("to %s every %.3gs\n", mpath, (double)c->metrics_interval_ns / NSEC_PER_SEC);
	else
		printf("off\n");
	fflush(stdout);
	return on;
}

/*
 * whether kvm_schedswap is loaded now, it was @was; say when that changed,
 * and apply the file again to a module that came back
 */
static bool module_state(const char *path, bool was, struct conf *c, struct pdesc *d,
			 struct pidset *done, struct pidset *reported)
{
	bool now = devwatch_present();

	if (was && !now)
		printf("vmsched: kvm_schedswap is not loaded (rmmod?): nothing to follow "
		       "until it is loaded again\n");
	else if (!was && now)
		printf("vmsched: kvm_schedswap is loaded again: applying %s again\n", path);
	fflush(stdout);
	if (!was && now)
		reload(path, c, d, done, reported);
	return now;
}

#define NEVER	UINT64_MAX

/*
 * sleep until @wake (NEVER: no timeout), a signal of @sigs (blocked but
 * while sleeping, so that none is lost between the check and the sleep)
 * or an event on @watch (if >= 0)
 */
static void sleep_until(uint64_t wake, const sigset_t *sigs, int watch)
{
	struct pollfd pfd = { .fd = watch, .events = POLLIN };
	uint64_t now = mono_ns(), left = wake > now ? wake - now : 0;
	struct timespec ts = { .tv_sec = left / NSEC_PER_SEC, .tv_nsec = left % NSEC_PER_SEC };

	ppoll(&pfd, watch >= 0, wake == NEVER ? NULL : &ts, sigs);
}

int apply_follow(const char *path, struct conf *c, struct pdesc *d, struct pidset *done)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct pidset reported = { 0 };
	uint64_t now = mono_ns(), next_vms = now, next_metrics = now, wake;
	const char *mpath = conf_metrics_path(c);
	char last_err[512] = "", written[PATH_MAX] = "", why[256];
	sigset_t sigs, awake;
	bool following, loaded = true, was;
	int watch;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &sigs, &awake);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	watch = devwatch_open(why, sizeof(why));
	if (watch < 0)
		op_err("%s: kvm_schedswap loaded again is noticed only at the next round", why);
	following = follow_mode(path, "", c, d, mpath);
	while (!got_term) {
		if (got_hup) {
			got_hup = 0;
			reload(path, c, d, done, &reported);
			mpath = conf_metrics_path(c);
			following = follow_mode(path, "now ", c, d, mpath);
		}
		if (watch >= 0)
			devwatch_drain(watch);
		was = loaded;
		loaded = module_state(path, was, c, d, done, &reported);
		if (!was && loaded) {	/* applied again */
			mpath = conf_metrics_path(c);
			following = follow_mode(path, "now ", c, d, mpath);
		}
		now = mono_ns();
		if (following && loaded && now >= next_vms) {
			follow_round(c, d, done, &reported);
			next_vms = follow_next(next_vms, opt.interval_ns, now);
		}
		if (strcmp(mpath ? mpath : "", written)) {	/* another file, or off */
			if (written[0])
				unlink(written);
			snprintf(written, sizeof(written), "%s", mpath ? mpath : "");
			last_err[0] = '\0';
			next_metrics = now;
		}
		if (mpath && now >= next_metrics) {
			metrics_round(mpath, last_err, sizeof(last_err));
			next_metrics = follow_next(next_metrics, c->metrics_interval_ns, now);
		}
		dev_close();	/* rmmod kvm_schedswap works while it sleeps */
		wake = following && (loaded || watch < 0) ? next_vms : NEVER;
		if (mpath && next_metrics < wake)
			wake = next_metrics;
		sleep_until(wake, &awake, watch);
	}
	if (written[0])
		unlink(written);
	if (watch >= 0)
		close(watch);
	free(reported.pid);
	return EXIT_OK;
}
