// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers of the policy tests: see policy_test.h.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include "policy_test.h"

int policy_test_setup(unsigned int slots, const char *policy)
{
	int fd, ret;

	if (getuid())
		ktap_skip_all("must run as root");
	if (!have_kvm())
		ktap_skip_all("no /dev/kvm");
	mod_unload_all();
	ret = load_core_and_policies();
	if (ret)
		ktap_skip_all("cannot load the core and the policies: %s", strerror(-ret));
	fd = vms_open();
	if (fd < 0)
		ktap_skip_all("open /dev/vmsched: %s", strerror(-fd));
	if (vms_set_slots(slots))
		ktap_skip_all("cannot set the pool size");
	if (policy) {
		ret = vms_activate(fd, policy, NULL, 0);
		if (ret)
			ktap_skip_all("activate %s: %s", policy, strerror(-ret));
	}
	return fd;
}

int vm_set_start(struct vm_set *s, int fd, const struct wl_spec *spec, int nr)
{
	int k, ret;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	for (k = 0; k < nr && k < MAX_VMS; k++) {
		ret = workload_spawn(&s->w[k], &spec[k]);
		if (ret)
			return ret;
		s->nr++;
	}
	for (k = 0; k < s->nr; k++) {
		ret = vms_wait_vm(fd, s->w[k].pid, spec[k].vcpus, 10000);
		if (ret) {
			ktap_info("VM %s (pid %d) not seen by the core", spec[k].name,
				  s->w[k].pid);
			return ret;
		}
	}
	return 0;
}

int vm_set_param(struct vm_set *s, int fd, const char *key, const unsigned long long *values)
{
	int k, ret;

	for (k = 0; k < s->nr; k++) {
		ret = vms_set_param(fd, VMSCHED_SCOPE_VM, s->w[k].pid, 0, key, values[k]);
		if (ret) {
			ktap_info("set %s=%llu on pid %d: %s", key, values[k], s->w[k].pid,
				  strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int vm_set_measure(struct vm_set *s, int skip, int count)
{
	struct vmsched_status st = { 0 };
	long long before, after, t0, cpu0[MAX_VMS], cpu1;
	int k, v, ret;

	ret = workloads_measure(s->w, s->nr, skip, 0, s->prog);
	if (ret)
		return ret;
	/* with no policy active the core charges no run time: progress only */
	vms_status(s->fd, &st);
	for (k = 0; k < s->nr; k++) {
		s->run_ns[k] = 0;
		cpu0[k] = vm_vcpus_cpu_ns(s->w[k].pid);
	}
	t0 = now_ns();
	for (k = 0; st.active[0] && k < s->nr; k++) {
		ret = vms_vm_run_ns(s->fd, s->w[k].pid, &before);
		if (ret) {
			ktap_info("no run time of VM %d (pid %d) before: %s", k, s->w[k].pid,
				  strerror(-ret));
			return ret;
		}
		s->run_ns[k] = -before;
	}
	ret = workloads_measure(s->w, s->nr, 0, count, s->prog);
	for (k = 0; st.active[0] && k < s->nr; k++) {
		/* a VM that ended (or was never seen) has no run time to compare */
		if (vms_vm_run_ns(s->fd, s->w[k].pid, &after)) {
			ktap_info("no run time of VM %d (pid %d) after the measurement",
				  k, s->w[k].pid);
			ret = ret ? ret : -ESRCH;
		}
		s->run_ns[k] += after;
	}
	s->window_ns = now_ns() - t0;
	for (k = 0; k < s->nr; k++) {
		cpu1 = vm_vcpus_cpu_ns(s->w[k].pid);
		if (cpu0[k] < 0 || cpu1 < 0) {
			ktap_info("no schedstat of VM %d (pid %d)", k, s->w[k].pid);
			ret = ret ? ret : -ESRCH;
		}
		s->cpu_ns[k] = cpu1 - cpu0[k];
	}

	for (k = 0; k < s->nr; k++) {
		s->total[k] = 0;
		for (v = 0; v < WL_MEASURE_VCPUS; v++)
			s->total[k] += s->prog[k][v];
	}
	return ret;
}

void vm_set_kill(struct vm_set *s)
{
	int k;

	for (k = 0; k < s->nr; k++)
		workload_kill(&s->w[k]);
	s->nr = 0;
}

void vm_set_report(const struct vm_set *s, const char *label, const double *weights,
		   struct share_errors *err)
{
	double share[MAX_VMS], cpu_share[MAX_VMS], run_share[MAX_VMS], wsum = 0;
	int k;

	err->progress = share_error(s->total, weights, s->nr, share);
	err->cpu = share_error(s->cpu_ns, weights, s->nr, cpu_share);
	err->run = share_error(s->run_ns, weights, s->nr, run_share);
	for (k = 0; k < s->nr; k++)
		wsum += weights[k];
	for (k = 0; k < s->nr; k++)
		ktap_info("%s: vm %d target %.4f: CPU time %.4f, core run time %.4f, progress %.4f (%lld)",
			  label, k, weights[k] / wsum, cpu_share[k], run_share[k], share[k],
			  s->total[k]);
	ktap_info("%s: max relative share error: CPU time %.2f%%, core run time %.2f%%, progress %.2f%%",
		  label, 100 * err->cpu, 100 * err->run, 100 * err->progress);
}

void vm_set_check_shares(const struct vm_set *s, const char *label, const double *weights,
			 double cpu_tol, double run_tol)
{
	struct share_errors err;

	vm_set_report(s, label, weights, &err);
	CHECK(err.run <= run_tol, "%s: core run time share error %.1f%% above %.0f%%", label,
	      100 * err.run, 100 * run_tol);
	CHECK(err.cpu <= cpu_tol, "%s: CPU time share error %.1f%% above %.0f%%", label,
	      100 * err.cpu, 100 * cpu_tol);
}

int activate_with(int fd, const char *policy, const char *key, unsigned long long value)
{
	struct vmsched_kv kv = { .value = value };

	snprintf(kv.key, sizeof(kv.key), "%s", key);
	return vms_activate(fd, policy, &kv, 1);
}
