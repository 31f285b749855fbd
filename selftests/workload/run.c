// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - vCPU threads: run loop, exit handling, start, stop and sampling.
 *
 * Each vCPU runs in its own thread named "CPU N/KVM", as QEMU names them.
 * To stop, the main thread sets the stop flag and kvm_run->immediate_exit,
 * then sends SIGUSR1 (handler installed without SA_RESTART): a thread
 * inside KVM_RUN gets EINTR at once, one about to enter it returns at once
 * because of immediate_exit. Each vCPU records how long after the stop
 * request its KVM_RUN returned (stop_ns in the report).
 *
 * --rethread-ms hands each vCPU to a new thread the same way, with a
 * per-vCPU flag instead of the stop flag: the old thread leaves KVM_RUN and
 * exits, the main thread joins it, clears immediate_exit and starts a new
 * "CPU N/KVM" thread on the same vCPU fd (as QEMU does when it plugs a
 * parked vCPU back in), which carries on from the old thread's counters.
 */
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "util.h"
#include "workload.h"

#define KICK_SIGNAL		SIGUSR1
#define THREAD_STACK_SIZE	(256 * 1024)
/* Overcommitted hosts (e.g. nested emulation) take a while to stop them all. */
#define STOP_TIMEOUT_NS(nr)	((10 + (nr) / 10) * 1000000000ull)
#define JOIN_KICK_NS		100000000ull	/* kick again while joining */

static atomic_bool stop;
static _Atomic uint64_t stop_requested_ns;	/* when wl_vcpus_stop() began */
atomic_bool wl_interrupted;
static sem_t wake_sem;		/* posted on vCPU failure and on SIGINT/TERM */

static void kick_handler(int sig)
{
	(void)sig;
}

static void interrupt_handler(int sig)
{
	(void)sig;
	atomic_store(&wl_interrupted, true);
	sem_post(&wake_sem);
}

static void __attribute__((format(printf, 2, 3)))
vcpu_fail(struct wl_vcpu *v, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(v->error, sizeof(v->error), "vCPU %u: ", v->vcpu.id);
	va_start(ap, fmt);
	vsnprintf(v->error + n, sizeof(v->error) - n, fmt, ap);
	va_end(ap);
	atomic_store(&v->failed, true);
	sem_post(&wake_sem);
}

static void run_update(struct wl_vcpu *v, uint64_t acc, uint64_t enter)
{
	atomic_fetch_add(&v->run_seq, 1);
	atomic_store(&v->run_acc_ns, acc);
	atomic_store(&v->run_enter_ns, enter);
	atomic_fetch_add(&v->run_seq, 1);
}

/* Time spent inside KVM_RUN so far, including the current call. */
static uint64_t run_ns(struct wl_vcpu *v, uint64_t now)
{
	uint64_t acc, enter;
	unsigned int seq;

	do {
		while ((seq = atomic_load(&v->run_seq)) & 1)
			;
		acc = atomic_load(&v->run_acc_ns);
		enter = atomic_load(&v->run_enter_ns);
	} while (atomic_load(&v->run_seq) != seq);
	return acc + (enter && now > enter ? now - enter : 0);
}

static void count(_Atomic uint64_t *counter)
{
	atomic_store_explicit(counter, atomic_load_explicit(counter, memory_order_relaxed) + 1,
			      memory_order_relaxed);
}

static const char *exit_reason_name(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_UNKNOWN:		return "UNKNOWN";
	case KVM_EXIT_EXCEPTION:	return "EXCEPTION";
	case KVM_EXIT_HLT:		return "HLT";
	case KVM_EXIT_MMIO:		return "MMIO";
	case KVM_EXIT_SHUTDOWN:		return "SHUTDOWN (triple fault)";
	case KVM_EXIT_FAIL_ENTRY:	return "FAIL_ENTRY";
	case KVM_EXIT_INTERNAL_ERROR:	return "INTERNAL_ERROR";
	default:			return "?";
	}
}

/* Handle one exit to user space; false stops the vCPU. */
static bool handle_exit(struct wl_vcpu *v)
{
	struct kvm_run *run = v->vcpu.run;
	struct guest_vcpu *d = v->vcpu.data;
	struct kvm_regs regs;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == WL_PORT_TICK) {
			count(&v->io_exits);
			return true;
		}
		if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == WL_PORT_PANIC) {
			vcpu_fail(v, "guest exception %llu at rip 0x%llx, error code 0x%llx",
				  (unsigned long long)d->panic_vector,
				  (unsigned long long)d->panic_rip,
				  (unsigned long long)d->panic_error);
			return false;
		}
		vcpu_fail(v, "unexpected I/O %s port 0x%x",
			  run->io.direction == KVM_EXIT_IO_OUT ? "write to" : "read from",
			  run->io.port);
		return false;
	case KVM_EXIT_INTR:
		count(&v->intr_exits);
		return true;
	case KVM_EXIT_FAIL_ENTRY:
		vcpu_fail(v, "KVM_EXIT_FAIL_ENTRY, hardware reason 0x%llx",
			  (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		vcpu_fail(v, "KVM_EXIT_INTERNAL_ERROR, suberror %u", run->internal.suberror);
		return false;
	default:
		if (ioctl(v->vcpu.fd, KVM_GET_REGS, &regs))
			memset(&regs, 0, sizeof(regs));
		vcpu_fail(v, "unexpected exit %u %s at rip 0x%llx", run->exit_reason,
			  exit_reason_name(run->exit_reason), (unsigned long long)regs.rip);
		return false;
	}
}

/* CPU time of the calling thread. */
static uint64_t self_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		return 0;
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * Run the vCPU until the stop flag or its hand-over flag is set. A thread
 * that takes over a vCPU continues its run time where the last one left it.
 */
static void *vcpu_thread(void *arg)
{
	struct wl_vcpu *v = arg;
	uint64_t t0, acc = atomic_load(&v->run_acc_ns);
	char name[16];
	int r;

	/* named before its first KVM_RUN, as QEMU's vCPU threads name themselves */
	snprintf(name, sizeof(name), "CPU %hu/KVM", (unsigned short)v->vcpu.id);
	prctl(PR_SET_NAME, name);
	atomic_store(&v->tid, gettid());
	while (!atomic_load_explicit(&stop, memory_order_relaxed) &&
	       !atomic_load(&v->handover)) {
		t0 = wl_now_ns();
		run_update(v, acc, t0);
		r = ioctl(v->vcpu.fd, KVM_RUN, 0);
		acc += wl_now_ns() - t0;
		run_update(v, acc, 0);
		count(&v->exits);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				count(&v->intr_exits);
				if (atomic_load(&stop) && !atomic_load(&v->stop_ns))
					atomic_store(&v->stop_ns, wl_now_ns() -
						     atomic_load(&stop_requested_ns));
				continue;
			}
			vcpu_fail(v, "KVM_RUN: %s", strerror(errno));
			break;
		}
		if (!handle_exit(v))
			break;
	}
	/* the last CPU time of this thread: its clock goes away when it exits */
	atomic_store(&v->cpu_exit_ns, self_cpu_ns());
	return NULL;
}

static void install_handlers(void)
{
	struct sigaction sa = { 0 };

	sigemptyset(&sa.sa_mask);
	sa.sa_handler = kick_handler;	/* no SA_RESTART: KVM_RUN gets EINTR */
	WL_ASSERT(!sigaction(KICK_SIGNAL, &sa, NULL), "sigaction");
	sa.sa_handler = interrupt_handler;
	WL_ASSERT(!sigaction(SIGINT, &sa, NULL), "sigaction");
	WL_ASSERT(!sigaction(SIGTERM, &sa, NULL), "sigaction");
}

/* Start a thread that runs @v, on its --pin CPU if any. */
static void vcpu_thread_create(struct wl_vcpu *v)
{
	pthread_attr_t attr;
	cpu_set_t set;
	int r;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, THREAD_STACK_SIZE);
	if (v->pin_cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(v->pin_cpu, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	r = pthread_create(&v->thread, &attr, vcpu_thread, v);
	pthread_attr_destroy(&attr);
	if (r && v->pin_cpu >= 0)
		wl_die(WL_EXIT_FAIL, "cannot start vCPU %u on host CPU %d: %s",
		       v->vcpu.id, v->pin_cpu, strerror(r));
	if (r)
		wl_die(WL_EXIT_FAIL, "cannot start vCPU %u: %s", v->vcpu.id, strerror(r));
	v->started = true;
	v->threads++;
	r = pthread_getcpuclockid(v->thread, &v->cpu_clock);
	WL_ASSERT(!r, "pthread_getcpuclockid");
}

void wl_vcpus_start(struct wl *wl)
{
	unsigned int i;

	WL_ASSERT(!sem_init(&wake_sem, 0, 0), "sem_init");
	install_handlers();
	for (i = 0; i < wl->opts.nr_vcpus; i++)
		vcpu_thread_create(&wl->vcpus[i]);
}

uint64_t wl_progress(struct wl_vcpu *v)
{
	return __atomic_load_n(&v->vcpu.data->counter, __ATOMIC_RELAXED);
}

void wl_check_failed(struct wl *wl)
{
	unsigned int i;

	for (i = 0; i < wl->opts.nr_vcpus; i++)
		if (atomic_load(&wl->vcpus[i].failed))
			wl_die(WL_EXIT_FAIL, "%s", wl->vcpus[i].error);
}

/* Wait until every vCPU has entered the guest and bumped its counter. */
void wl_vcpus_wait_ready(struct wl *wl, uint64_t timeout_ns)
{
	uint64_t deadline = wl_now_ns() + timeout_ns;
	unsigned int i = 0;

	while (i < wl->opts.nr_vcpus) {
		wl_check_failed(wl);
		if (atomic_load(&wl_interrupted))
			wl_die(WL_EXIT_FAIL, "interrupted before all vCPUs started");
		if (wl_progress(&wl->vcpus[i]) && atomic_load(&wl->vcpus[i].tid)) {
			i++;
			continue;
		}
		if (wl_now_ns() > deadline)
			wl_die(WL_EXIT_FAIL, "vCPU %u made no progress within %llu s", i,
			       (unsigned long long)(timeout_ns / 1000000000ull));
		usleep(1000);
	}
}

/* CPU time of the vCPU's earlier threads and of the current one so far. */
static uint64_t cpu_ns(struct wl_vcpu *v)
{
	struct timespec ts;

	if (clock_gettime(v->cpu_clock, &ts))
		return v->cpu_base_ns;
	return v->cpu_base_ns + ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * Sample every vCPU at one instant: the guest counters first, in a tight
 * loop between two clock reads whose midpoint is returned in @t_ns, then
 * the rest. At the window start, also snapshot the latency histograms and
 * reset the guest's maximum; at the end, compute the window's latencies.
 */
void wl_sample(struct wl *wl, uint64_t *t_ns, bool end)
{
	unsigned int i, n = wl->opts.nr_vcpus, s;
	uint64_t t0, t1;

	t0 = wl_now_ns();
	for (i = 0; i < n; i++) {
		struct wl_vcpu *v = &wl->vcpus[i];

		(end ? &v->end : &v->start)->progress = wl_progress(v);
	}
	t1 = wl_now_ns();
	*t_ns = t0 + (t1 - t0) / 2;

	for (i = 0; i < n; i++) {
		struct wl_vcpu *v = &wl->vcpus[i];
		struct wl_sample *smp = end ? &v->end : &v->start;
		struct guest_vcpu *d = v->vcpu.data;

		smp->wakeups = __atomic_load_n(&d->wakeups, __ATOMIC_RELAXED);
		smp->overruns = __atomic_load_n(&d->overruns, __ATOMIC_RELAXED);
		smp->exits = atomic_load(&v->exits);
		smp->io_exits = atomic_load(&v->io_exits);
		smp->intr_exits = atomic_load(&v->intr_exits);
		smp->run_ns = run_ns(v, *t_ns);
		smp->cpu_ns = cpu_ns(v);
		for (s = 0; s < VCPU_STAT_NR; s++)
			smp->kvm_stat[s] = vcpu_read_stat(&v->vcpu, s);
		if (!end) {
			memcpy(v->hist_start, d->hist, sizeof(d->hist));
			__atomic_store_n(&d->lat_max_ns, 0, __ATOMIC_RELAXED);
			continue;
		}
		for (s = 0; s < WL_HIST_BUCKETS; s++)
			v->hist[s] = __atomic_load_n(&d->hist[s], __ATOMIC_RELAXED) -
				     v->hist_start[s];
		wl_lat_compute(v->hist, __atomic_load_n(&d->lat_max_ns, __ATOMIC_RELAXED),
			       &v->lat);
	}
}

/* Sleep until @deadline_ns (CLOCK_MONOTONIC), a vCPU failure or SIGINT. */
void wl_wait(uint64_t deadline_ns)
{
	struct timespec ts = wl_ns_to_ts(deadline_ns);

	sem_clockwait(&wake_sem, CLOCK_MONOTONIC, &ts);
}

static void kick(struct wl_vcpu *v)
{
	__atomic_store_n(&v->vcpu.run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(v->thread, KICK_SIGNAL);
}

/* Scheduler state and wait channel of a thread, for a stuck vCPU. */
static void thread_state(pid_t tid, char *buf, size_t size)
{
	char path[64], stat[512] = "", wchan[64] = "?", *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(stat, sizeof(stat), f))
			stat[0] = '\0';
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/self/task/%d/wchan", tid);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(wchan, sizeof(wchan), f))
			strcpy(wchan, "?");
		fclose(f);
	}
	p = strrchr(stat, ')');		/* state follows the comm */
	snprintf(buf, size, "state %c, wchan %s", p && p[1] && p[2] ? p[2] : '?', wchan);
}

/*
 * Join the thread of @v, kicking it again every 100 ms; after @deadline
 * (@timeout_ns after the first kick), fail with its scheduler state.
 */
static void join_vcpu(struct wl_vcpu *v, uint64_t deadline, uint64_t timeout_ns)
{
	struct timespec ts;
	char state[96];
	int r;

	for (;;) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += JOIN_KICK_NS;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		r = pthread_timedjoin_np(v->thread, NULL, &ts);
		if (r != ETIMEDOUT)
			break;
		if (wl_now_ns() > deadline) {
			thread_state(atomic_load(&v->tid), state, sizeof(state));
			wl_die(WL_EXIT_FAIL,
			       "vCPU %u (tid %d) did not leave KVM_RUN within %llu s of SIGUSR1 (%s)",
			       v->vcpu.id, atomic_load(&v->tid),
			       (unsigned long long)(timeout_ns / 1000000000ull), state);
		}
		kick(v);
	}
	v->started = false;
}

void wl_vcpus_stop(struct wl *wl)
{
	uint64_t timeout = STOP_TIMEOUT_NS(wl->opts.nr_vcpus);
	uint64_t deadline = wl_now_ns() + timeout;
	unsigned int i;

	atomic_store(&stop_requested_ns, wl_now_ns());
	atomic_store(&stop, true);
	for (i = 0; i < wl->opts.nr_vcpus; i++)
		if (wl->vcpus[i].started)
			kick(&wl->vcpus[i]);
	for (i = 0; i < wl->opts.nr_vcpus; i++)
		if (wl->vcpus[i].started)
			join_vcpu(&wl->vcpus[i], deadline, timeout);
}

/*
 * Hand each vCPU in turn to a new thread: its thread leaves KVM_RUN (kick)
 * and exits, and a new one, named and pinned the same, runs the same vCPU
 * fd from then on. The others keep running meanwhile. Returns once every
 * new thread runs (its tid is known).
 */
void wl_vcpus_rethread(struct wl *wl)
{
	uint64_t timeout = STOP_TIMEOUT_NS(1), deadline;
	unsigned int i;

	for (i = 0; i < wl->opts.nr_vcpus; i++) {
		struct wl_vcpu *v = &wl->vcpus[i];
		pid_t tid = atomic_load(&v->tid);

		deadline = wl_now_ns() + timeout;
		atomic_store(&v->handover, true);
		kick(v);
		join_vcpu(v, deadline, timeout);
		wl_check_failed(wl);	/* it may have stopped on an error instead */
		v->cpu_base_ns += atomic_load(&v->cpu_exit_ns);
		if (!v->old_tid)
			v->old_tid = tid;
		atomic_store(&v->tid, 0);
		atomic_store(&v->handover, false);
		__atomic_store_n(&v->vcpu.run->immediate_exit, 0, __ATOMIC_SEQ_CST);
		vcpu_thread_create(v);
		while (!atomic_load(&v->tid)) {
			wl_check_failed(wl);
			if (wl_now_ns() > deadline)
				wl_die(WL_EXIT_FAIL, "vCPU %u: its new thread did not start within %llu s",
				       i, (unsigned long long)(timeout / 1000000000ull));
			usleep(100);
		}
	}
}
