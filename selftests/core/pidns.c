// SPDX-License-Identifier: GPL-2.0
/*
 * VMs are named by pid the way the caller sees pids. With a VM running in
 * the initial pid namespace, a process in a new pid namespace (as in a
 * container) asks the core:
 *  - its statistics list no VM: it cannot see that VMM;
 *  - the VMM's global pid names nothing there: ESRCH for statistics and
 *    for setting a parameter, even if a process of its own has that number;
 *  - a VM it starts itself is listed under the pid it knows (and the
 *    initial namespace sees the same VM under the global pid);
 *  - setting a parameter of that VM by its namespace pid works.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmsched_test.h"

static const char *const spin[] = { "--name", "pidns", "--vcpus", "1", "--profile", "spin",
				    "--duration", "20", NULL };

/* the VMs the caller sees: their pids into @pids (up to 4); count or -errno */
static int list_vms(int fd, pid_t *pids)
{
	struct vmsched_vm_stats vms[4];
	unsigned int nvm = 4, nvc = 0, i;
	int ret = vms_stats_get(fd, 0, vms, &nvm, NULL, &nvc);

	if (ret)
		return ret;
	for (i = 0; i < nvm && i < 4; i++)
		pids[i] = vms[i].pid;
	return nvm;
}

/* runs as pid 1 of a new pid namespace; returns the number of failed checks */
static int inside(pid_t outer_vm)
{
	struct workload w;
	pid_t pids[4];
	int fd, ret, n;

	fd = vms_open();
	CHECK(fd >= 0, "open inside: %s", strerror(-fd));
	n = list_vms(fd, pids);
	ktap_info("inside: pid %d sees %d VMs", getpid(), n);
	CHECK(n == 0, "inside: %d VMs listed, the outer VM is not visible here", n);
	n = vms_stats_get(fd, outer_vm, NULL, &(unsigned int){ 0 }, NULL, &(unsigned int){ 0 });
	CHECK(n == -ESRCH, "inside: stats of pid %d: %d, want ESRCH", outer_vm, n);
	ret = vms_set_param(fd, VMSCHED_SCOPE_VM, outer_vm, 0, "weight", 100);
	CHECK(ret == -ESRCH, "inside: set weight of pid %d: %d, want ESRCH", outer_vm, ret);

	CHECK(workload_start(&w, spin) == 0, "start a VM inside");
	ret = vms_wait_vm(fd, w.pid, 1, 10000);
	CHECK(ret == 0, "inside: VM of pid %d not known: %s", w.pid, strerror(-ret));
	n = list_vms(fd, pids);
	ktap_info("inside: started VM pid %d, listed: %d VM(s), first pid %d", w.pid, n,
		  n > 0 ? pids[0] : 0);
	CHECK(n == 1 && pids[0] == w.pid, "inside: listed %d VMs, pid %d", n,
	      n > 0 ? pids[0] : 0);
	ret = vms_set_param(fd, VMSCHED_SCOPE_VM, w.pid, 0, "weight", 100);
	CHECK(ret == 0, "inside: set weight of its own VM: %s", strerror(-ret));
	workload_kill(&w);
	close(fd);
	return ktap_case_failures;
}

int main(void)
{
	struct workload w;
	pid_t child, pids[4];
	int fd, ret, status, n;

	setup_or_skip(true);
	ktap_plan(2);
	fd = vms_open();
	CHECK(fd >= 0, "open: %s", strerror(-fd));
	ret = vms_activate(fd, "t_fifo", NULL, 0);
	CHECK(ret == 0, "activate t_fifo: %s", strerror(-ret));
	CHECK(workload_start(&w, spin) == 0, "start the outer VM");
	CHECK(vms_wait_vm(fd, w.pid, 1, 10000) == 0, "outer VM not known");
	n = list_vms(fd, pids);
	CHECK(n == 1 && pids[0] == w.pid, "outside: %d VMs, pid %d, want %d", n,
	      n > 0 ? pids[0] : 0, w.pid);
	ktap_case_done("initial_namespace_sees_global_pids");

	/* the new namespace takes effect for children: the child is its pid 1 */
	CHECK(unshare(CLONE_NEWPID) == 0, "unshare(CLONE_NEWPID): %s", strerror(errno));
	child = fork();
	if (child == 0)
		_exit(inside(w.pid) ? 1 : 0);
	CHECK(child > 0, "fork");
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "checks in the new namespace failed (status %#x)",
	      status);
	/* the outer VM is untouched by what happened inside */
	CHECK(vms_wait_vm(fd, w.pid, 1, 1000) == 0, "outer VM gone");
	ktap_case_done("new_namespace_sees_its_own_pids");

	workload_kill(&w);
	vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
