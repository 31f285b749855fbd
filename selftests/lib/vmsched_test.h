/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for vmsched test programs: module loading, /dev/vmsched
 * calls, and workload VMs run as child processes.
 */
#ifndef VMSCHED_TEST_H
#define VMSCHED_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/vmsched.h>
#include "ktap.h"

#define CORE_MODULE "kvm_schedswap"
#define WATCHDOG_PARAM "/sys/module/kvm_schedswap/parameters/watchdog_ms"

/* load MODDIR/<name>.ko with params (may be NULL); returns 0 or -errno */
int mod_load(const char *name, const char *params);
/* unload a module; returns 0 or -errno */
int mod_unload(const char *name);
/* is a module loaded (listed in /proc/modules)? */
bool mod_loaded(const char *name);
/* unload the core and every vmsched module; for cleanup, ignores errors */
void mod_unload_all(void);

/* open /dev/vmsched read-write; -errno on failure */
int vms_open(void);
/* ioctl that returns 0 or -errno */
int vms_ioctl(int fd, unsigned long cmd, void *arg);
/* activate policy NAME with "key=value" pairs (times already in ns) */
int vms_activate(int fd, const char *name, const struct vmsched_kv *kv, unsigned int n);
int vms_status(int fd, struct vmsched_status *st);
/* CHECK that the status answers and names @want as active ("": none); @what says when */
void check_active(int fd, const char *want, const char *what);
/* set / get one parameter of the active policy (@pid, @vcpu as the scope needs) */
int vms_set_param(int fd, unsigned int scope, pid_t pid, unsigned int vcpu,
		  const char *key, unsigned long long value);
int vms_get_param(int fd, unsigned int scope, pid_t pid, unsigned int vcpu,
		  const char *key, unsigned long long *value);
/*
 * VMSCHED_TIME_SCALE from the environment (the VM runner's --time-scale,
 * for a slow debug kernel), 1 to 16, else 1. Workload VMs live this many
 * times longer and the waits here last this many times longer.
 */
int time_scale(void);
/* wait until the core knows VM @pid with @nr_vcpus vCPUs; 0 or -ETIMEDOUT */
int vms_wait_vm(int fd, pid_t pid, unsigned int nr_vcpus, int timeout_ms);
/* pool size used by the next activation (core parameter slots=, 0: all CPUs) */
int vms_set_slots(unsigned int n);

/* a workload VM running as a child process */
struct workload {
	pid_t pid;		/* VMM pid (the VM's identity) */
	int out_fd;		/* its stdout (the JSON result) */
	int err_fd;		/* its stderr (--interval lines), -1 if not captured */
	char errbuf[4096];	/* partial stderr line */
	size_t errlen;
	char json[65536];	/* result, after workload_wait() */
	int status;		/* exit status, after workload_wait() */
};

/*
 * Start the workload VMM with the given arguments (NULL terminated, without
 * the program name); --json is added. Returns 0 or -errno.
 */
int workload_start(struct workload *w, const char *const args[]);
/*
 * Read the next --interval line of a workload started with "--interval":
 * fills @rates (per vCPU progress per second over the last interval) and
 * returns the number of vCPUs, 0 at end of output, -ETIMEDOUT.
 */
int workload_sample(struct workload *w, long long *rates, int max, int timeout_ms);
/* a workload VM for workload_spawn() */
struct wl_spec {
	const char *name;
	int vcpus;
	const char *profile;	/* spin, duty, latency, exit */
	const char *pin;	/* CPU list for --pin, or NULL */
	int duration_s;
	int interval_ms;	/* --interval, 0: none */
};

/* workload_start() from a spec; returns 0 or -errno */
int workload_spawn(struct workload *w, const struct wl_spec *spec);
/* the same with further options @more (NULL-terminated, or NULL) */
int workload_spawn_more(struct workload *w, const struct wl_spec *spec,
			const char *const *more);

/*
 * Progress of @nr workloads started with --interval, per vCPU: drop @skip
 * interval lines of each, then sum the rates of the next @count lines into
 * @prog[k][v] (progress per second, times @count). Returns 0 or -errno.
 */
#define WL_MEASURE_VCPUS 8
int workloads_measure(struct workload *w, int nr, int skip, int count,
		      long long prog[][WL_MEASURE_VCPUS]);
/* wait for it to finish and read its JSON; returns its exit status */
int workload_wait(struct workload *w);
/* value of KEY for vCPU index (or -1 for the top level), -1 if absent */
long long workload_get(const struct workload *w, const char *key, int vcpu);
/* kill (SIGKILL) and reap */
void workload_kill(struct workload *w);

/*
 * CPU time (ns) the host scheduler accounted to thread @tid of @pid (field 1
 * of /proc/PID/task/TID/schedstat); -errno if it cannot be read
 */
long long thread_cpu_ns(pid_t pid, pid_t tid);
/* the first number in file @path; -errno if it cannot be read */
long long read_number(const char *path);
/* the same, summed over the vCPU threads ("CPU N/KVM") of VMM @pid */
long long vm_vcpus_cpu_ns(pid_t pid);
/*
 * thread ids of the vCPU threads ("CPU N/KVM") of VMM @pid, up to @max
 * (in /proc's order); their number or -errno
 */
#define VM_MAX_VCPU_THREADS 64
int vm_vcpu_tids(pid_t pid, pid_t *tids, int max);
/* Cpus_allowed_list of thread @tid of @pid ("0", "0-1") into @buf; 0 or -errno */
int thread_cpus_allowed(pid_t pid, pid_t tid, char *buf, size_t len);

/* does /dev/kvm work here? */
bool have_kvm(void);
/* path of a helper binary shipped with the tests (workload, vmsched) */
const char *test_bin(const char *name);

/* load the core and the test policies; returns 0 or -errno */
int load_core_and_test_policies(void);
/* load the core and the bvt, rr and fair plugins; returns 0 or -errno */
int load_core_and_policies(void);

/*
 * Shares of @got (normalised to their sum) against the shares @weights ask
 * for: fills @share (may be NULL) and returns the largest relative error
 * |share / target - 1|.
 */
double share_error(const long long *got, const double *weights, int n, double *share);

/*
 * Start of a test that loads modules: skip (KTAP, exit) unless root, with
 * /dev/kvm if @need_kvm; unload leftovers, load the core and the test
 * policies (skip if that fails).
 */
void setup_or_skip(bool need_kvm);
/* milliseconds and nanoseconds of CLOCK_MONOTONIC */
long long now_ms(void);
long long now_ns(void);

/* run a shell command, return its exit status (or -1) */
int run_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * VMSCHED_IOC_STATS for @pid (0: all) into caller arrays of *@nvm and *@nvc
 * entries; on return they hold the numbers available. 0 or -errno.
 */
int vms_stats_get(int fd, pid_t pid, struct vmsched_vm_stats *vms, unsigned int *nvm,
		  struct vmsched_vcpu_stats *vcs, unsigned int *nvc);
/* the core's run time of VM @pid so far into *@ns (0 on error); 0 or -errno */
int vms_vm_run_ns(int fd, pid_t pid, long long *ns);
/* get every parameter of a scope into @kv (capacity @n); count or -errno */
int vms_get_params(int fd, unsigned int scope, pid_t pid, unsigned int vcpu_id,
		   struct vmsched_kv *kv, unsigned int n);
/* write a string to a sysfs/proc file; 0 or -errno */
int write_file(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* lines in the kernel log that runners treat as a splat (BUG, WARNING, ...) */
int kernel_splats(void);
/* lines in the kernel log that match extended regex @ere (no single quote); -1 on error */
int kernel_log_count(const char *ere);
/* the kernel log's splat pattern (extended regex), as the VM runner uses it */
extern const char *const kernel_splat_regex;

#endif
