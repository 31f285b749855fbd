// SPDX-License-Identifier: GPL-2.0
/*
 * Faults under load, each with its figure:
 *   - SIGKILL of VMMs whose vCPUs are gated, running, halted, or in the
 *     middle of swaps: each dies promptly and its VM is reaped (time to
 *     exit and to reap printed); the other VM keeps running.
 *   - vCPU threads that leave while gated (the VMM ends its run while a
 *     policy holds every one of its vCPUs): the VMM exits normally.
 *   - rmmod of the active policy under load falls back to the host
 *     scheduler; rmmod of the core is refused while plugins are loaded and
 *     tears down cleanly after: every vCPU runs again, none is left gated.
 *   - CPU offline/online in the guest during load and swaps.
 *   - t_never: the watchdog ejects it (time to ejection printed).
 *   - t_bad (garbage vCPU, zero slice): counted, ejected, never obeyed.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmsched_test.h"

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

static int fd;

/* ---- helpers ------------------------------------------------------------- */

static int start_vm(struct workload *w, const char *name, const char *vcpus,
		    const char *profile, const char *duration)
{
	const char *args[] = { "--name", name, "--vcpus", vcpus, "--duration", duration,
			       "--profile", profile, "--rate", "200", "--interval", "200",
			       NULL };

	return workload_start(w, args);
}

/* the lowest per-vCPU rate of @w over a fresh interval line, -1 on error */
static long long min_rate(struct workload *w)
{
	long long r[16], m = -1;
	int n, i;

	while (workload_sample(w, r, 16, 0) > 0)
		;	/* drop lines queued before now */
	n = workload_sample(w, r, 16, 3000);
	if (n > 0)
		n = workload_sample(w, r, 16, 3000);	/* a whole interval after now */
	for (i = 0; i < n; i++)
		if (m < 0 || r[i] < m)
			m = r[i];
	return m;
}

static struct vmsched_status status(void)
{
	struct vmsched_status st;

	vms_status(fd, &st);
	return st;
}

/* wait up to @ms for the core to know exactly @nvms VMs; elapsed ms or -1 */
static long long wait_vms(unsigned int nvms, int ms)
{
	long long t0 = now_ms();

	while (now_ms() - t0 < ms) {
		if (status().nr_vms == nvms)
			return now_ms() - t0;
		usleep(10000);
	}
	return -1;
}

/* wait up to @ms until @nr vCPUs of VM @pid are in @state */
static bool wait_state(pid_t pid, unsigned int state, int nr, int ms)
{
	struct vmsched_vcpu_stats vcs[16];
	struct vmsched_vm_stats vm;
	long long t0 = now_ms();
	unsigned int nvm, nvc, i;
	int n;

	while (now_ms() - t0 < ms) {
		nvm = 1;
		nvc = 16;
		n = 0;
		if (!vms_stats_get(fd, pid, &vm, &nvm, vcs, &nvc))
			for (i = 0; i < nvc && i < 16; i++)
				n += vcs[i].state == state;
		if (n >= nr)
			return true;
		usleep(5000);
	}
	return false;
}

static atomic_bool swapping;

static void *swapper(void *arg)
{
	unsigned long i = 0;

	(void)arg;
	while (atomic_load(&swapping))
		vms_activate(fd, i++ % 2 ? "t_fifo" : "t_fifo2", NULL, 0);
	return NULL;
}

static void swapper_start(pthread_t *th)
{
	atomic_store(&swapping, true);
	pthread_create(th, NULL, swapper, NULL);
}

static void swapper_stop(pthread_t th)
{
	atomic_store(&swapping, false);
	pthread_join(th, NULL);
}

/* ---- cases --------------------------------------------------------------- */

static void test_sigkill(struct workload *bg)
{
	static const char *const modes[] = { "gated", "running", "halted", "mid-swap" };
	long long worst_exit = 0, worst_reap = 0, t0, t;
	struct vmsched_kv kv = { .key = "pid", .value = bg->pid };
	struct workload v;
	pthread_t th;
	int round, mode, st;

	for (round = 0; round < 12; round++) {
		mode = round % 4;
		CHECK(start_vm(&v, "victim", "2", mode == 2 ? "latency" : "spin", "60") == 0,
		      "start victim");
		CHECK(min_rate(&v) >= 0, "round %d: victim did not start", round);
		if (mode == 0)
			CHECK(vms_activate(fd, "t_one", &kv, 1) == 0, "activate t_one");
		else
			CHECK(vms_activate(fd, "t_fifo", NULL, 0) == 0, "activate t_fifo");
		if (mode == 0)
			CHECK(wait_state(v.pid, VMSCHED_VCPU_QUEUED, 2, 3000),
			      "round %d: victim's vCPUs not gated", round);
		if (mode == 2)
			CHECK(wait_state(v.pid, VMSCHED_VCPU_BLOCKED, 1, 3000),
			      "round %d: no victim vCPU halted", round);
		if (mode == 3)
			swapper_start(&th);
		usleep(1000 * (rand() % 300));
		t0 = now_ms();
		kill(v.pid, SIGKILL);
		while (waitpid(v.pid, &st, 0) < 0 && errno == EINTR)
			;
		t = now_ms() - t0;
		worst_exit = t > worst_exit ? t : worst_exit;
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "round %d (%s): status %#x",
		      round, modes[mode], st);
		CHECK(t < 3000, "round %d (%s): VMM took %lld ms to die", round, modes[mode], t);
		if (mode == 3)
			swapper_stop(th);
		close(v.out_fd);
		close(v.err_fd);
		t = wait_vms(1, 5000);
		CHECK(t >= 0, "round %d (%s): VM not reaped, %u VMs known", round, modes[mode],
		      status().nr_vms);
		worst_reap = t > worst_reap ? t : worst_reap;
		CHECK(vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");
	}
	ktap_info("12 VMMs killed (gated, running, halted, mid-swap): slowest death %lld ms, slowest reap %lld ms",
		  worst_exit, worst_reap);
	st = status().nr_vcpus;
	CHECK(st == 1, "%d vCPUs known, want the background VM's 1", st);
	CHECK(min_rate(bg) > 0, "background VM stopped");
	ktap_case_done("sigkill_gated_running_halted_midswap");
}

static void test_exit_while_gated(struct workload *bg)
{
	struct vmsched_kv kv = { .key = "pid", .value = bg->pid };
	struct workload v;
	long long t0, t;
	int ret;

	CHECK(start_vm(&v, "leaver", "2", "spin", "3") == 0, "start");
	CHECK(min_rate(&v) > 0, "leaver did not run");
	CHECK(vms_activate(fd, "t_one", &kv, 1) == 0, "activate t_one");
	CHECK(wait_state(v.pid, VMSCHED_VCPU_QUEUED, 2, 3000), "leaver's vCPUs not gated");
	t0 = now_ms();
	ret = workload_wait(&v);	/* its run ends while both vCPUs are gated */
	t = now_ms() - t0;
	ktap_info("VMM whose vCPU threads left the gate to exit: status %d after %lld ms", ret,
		  t);
	CHECK(ret == 0, "exit status %d: %s", ret, v.json);
	/* its 3 s run (times the time scale) plus the way out of the gate */
	CHECK(t < 6000LL * time_scale(), "took %lld ms", t);
	CHECK(wait_vms(1, 5000) >= 0, "VM not reaped");
	CHECK(status().nr_gated == 0, "%u vCPUs still gated", status().nr_gated);
	CHECK(vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");
	ktap_case_done("vcpu_threads_exit_while_gated");
}

static void test_rmmod(struct workload *bg)
{
	struct vmsched_kv kv = { .key = "pid", .value = bg->pid };
	struct vmsched_status st;
	struct workload v;
	int ret;

	CHECK(start_vm(&v, "rmmod", "2", "spin", "60") == 0, "start");
	/* active plugin under load and while it gates vCPUs */
	CHECK(vms_activate(fd, "t_one", &kv, 1) == 0, "activate t_one");
	CHECK(wait_state(v.pid, VMSCHED_VCPU_QUEUED, 2, 3000), "vCPUs not gated");
	ret = mod_unload("vmsched_test_policies");
	CHECK(ret == 0, "rmmod of the active policy: %s", strerror(-ret));
	st = status();
	CHECK(!st.active[0] && st.nr_gated == 0 && st.nr_granted == 0,
	      "after rmmod: active '%s', %u gated, %u granted", st.active, st.nr_gated,
	      st.nr_granted);
	CHECK(min_rate(&v) > 0 && min_rate(bg) > 0, "a vCPU did not resume after rmmod");

	/* the core refuses while a plugin is loaded, and while its device is open */
	CHECK(load_core_and_test_policies() == 0, "reload test policies");
	CHECK(vms_activate(fd, "t_fifo", NULL, 0) == 0, "activate t_fifo");
	ret = mod_unload(CORE_MODULE);
	CHECK(ret == -EWOULDBLOCK || ret == -EBUSY, "rmmod core with plugins: %d", ret);
	CHECK(!strcmp(status().active, "t_fifo"), "refused rmmod changed the policy");
	close(fd);
	mod_unload("vmsched_test_policies");
	mod_unload("rr_sched");
	ret = mod_unload(CORE_MODULE);
	CHECK(ret == 0, "rmmod core under load: %s", strerror(-ret));
	CHECK(!mod_loaded(CORE_MODULE), "core still loaded");
	CHECK(min_rate(&v) > 0 && min_rate(bg) > 0, "a vCPU is left gated after the core left");
	ktap_info("after rmmod of the core: rates %lld/s and %lld/s", min_rate(&v), min_rate(bg));

	/* and it comes back over the same running VMs */
	CHECK(load_core_and_test_policies() == 0, "reload");
	fd = vms_open();
	CHECK(vms_activate(fd, "t_fifo", NULL, 0) == 0, "activate after reload");
	CHECK(wait_vms(2, 3000) >= 0, "running VMs not rediscovered: %u", status().nr_vms);
	CHECK(vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");
	workload_kill(&v);
	CHECK(wait_vms(1, 5000) >= 0, "VM not reaped");
	ktap_case_done("rmmod_plugin_and_core_under_load");
}

static void test_hotplug(struct workload *bg)
{
	struct workload v;
	pthread_t th;
	int i, ret = 0;

	if (access(CPU1_ONLINE, W_OK)) {
		ktap_skip("cpu_offline_online_under_load", "no %s", CPU1_ONLINE);
		return;
	}
	CHECK(start_vm(&v, "hotplug", "2", "duty", "60") == 0, "start");
	CHECK(vms_activate(fd, "t_fifo", NULL, 0) == 0, "activate");
	swapper_start(&th);
	for (i = 0; i < 5 && !ret; i++) {
		ret = write_file(CPU1_ONLINE, "0");
		CHECK(ret == 0, "offline cpu1: %s", strerror(-ret));
		usleep(300000);
		ret = write_file(CPU1_ONLINE, "1");
		CHECK(ret == 0, "online cpu1: %s", strerror(-ret));
		usleep(300000);
	}
	swapper_stop(th);
	ktap_info("cpu1 offline/online %d times under load and swaps", i);
	CHECK(min_rate(&v) > 0 && min_rate(bg) > 0, "a vCPU stopped after CPU hotplug");
	CHECK(status().nr_granted <= status().nr_slots, "more grants than slots");
	CHECK(vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");
	workload_kill(&v);
	CHECK(wait_vms(1, 5000) >= 0, "VM not reaped");
	ktap_case_done("cpu_offline_online_under_load");
}

/* activate @name, wait for its ejection; elapsed ms or -1 */
static long long until_ejected(const char *name)
{
	long long t0 = now_ms();
	int ret = vms_activate(fd, name, NULL, 0);

	CHECK(ret == 0, "activate %s: %s", name, strerror(-ret));
	while (now_ms() - t0 < 10000) {
		if (!status().active[0])
			return now_ms() - t0;
		usleep(10000);
	}
	return -1;
}

static void test_watchdog(struct workload *bg)
{
	struct vmsched_status st0 = status(), st;
	long long t;

	CHECK(write_file(WATCHDOG_PARAM, "500") == 0, "set watchdog_ms");
	t = until_ejected("t_never");
	st = status();
	ktap_info("t_never ejected by the watchdog after %lld ms (limit 500 ms)", t);
	CHECK(t >= 400 && t < 5000, "ejection after %lld ms", t);
	CHECK(st.watchdog_events == st0.watchdog_events + 1, "watchdog events %llu -> %llu",
	      (unsigned long long)st0.watchdog_events, (unsigned long long)st.watchdog_events);
	CHECK(!strcmp(st.last_ejected, "t_never"), "last ejected '%s'", st.last_ejected);
	CHECK(st.nr_gated == 0, "%u gated after ejection", st.nr_gated);
	CHECK(min_rate(bg) > 0, "VM did not resume after the ejection");
	CHECK(run_cmd("dmesg | grep -q 'watchdog: policy t_never left vCPU'") == 0,
	      "no watchdog line in the kernel log");
	CHECK(write_file(WATCHDOG_PARAM, "2000") == 0, "restore watchdog_ms");
	ktap_case_done("watchdog_ejects_a_policy_that_never_grants");
}

static unsigned long long total_grants(void)
{
	struct vmsched_vm_stats vms[4];
	struct vmsched_vcpu_stats vcs[1];
	unsigned int nvm = 4, nvc = 0, i;
	unsigned long long sum = 0;

	if (vms_stats_get(fd, 0, vms, &nvm, vcs, &nvc))
		return ~0ull;
	for (i = 0; i < nvm && i < 4; i++)
		sum += vms[i].grants;
	return sum;
}

static void test_garbage(struct workload *bg)
{
	struct vmsched_status st0 = status(), st;
	unsigned long long g0 = total_grants(), g1;
	long long t;

	t = until_ejected("t_bad");
	st = status();
	g1 = total_grants();
	ktap_info("t_bad: %llu policy errors, ejected after %lld ms, grants %llu -> %llu",
		  (unsigned long long)(st.policy_errors - st0.policy_errors), t, g0, g1);
	CHECK(t >= 0 && t < 3000, "not ejected (%lld ms)", t);
	CHECK(st.policy_errors > st0.policy_errors, "no policy error counted");
	CHECK(!strcmp(st.last_ejected, "t_bad"), "last ejected '%s'", st.last_ejected);
	CHECK(g1 == g0, "the garbage policy's picks were obeyed: grants %llu -> %llu", g0, g1);
	CHECK(st.nr_granted == 0 && st.nr_gated == 0, "%u granted %u gated", st.nr_granted,
	      st.nr_gated);
	CHECK(min_rate(bg) > 0, "VM did not resume");
	ktap_case_done("garbage_policy_contained_and_ejected");
}

int main(void)
{
	struct workload bg;

	setup_or_skip(true);
	mod_load("rr_sched", NULL);
	fd = vms_open();
	srand(getpid());
	ktap_plan(6);
	CHECK(write_file(WATCHDOG_PARAM, "10000") == 0, "watchdog_ms");
	CHECK(start_vm(&bg, "background", "1", "spin", "600") == 0, "start background VM");
	CHECK(vms_activate(fd, "t_fifo", NULL, 0) == 0, "activate");
	CHECK(wait_vms(1, 3000) >= 0, "background VM not discovered");
	CHECK(vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");

	test_sigkill(&bg);
	test_exit_while_gated(&bg);
	test_rmmod(&bg);
	CHECK(write_file(WATCHDOG_PARAM, "2000") == 0, "watchdog_ms");
	test_hotplug(&bg);
	test_watchdog(&bg);
	test_garbage(&bg);

	workload_kill(&bg);
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
