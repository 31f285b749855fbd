// SPDX-License-Identifier: GPL-2.0
/*
 * Who may do what with /dev/vmsched, as an exact matrix.
 *
 * Principals (each a child process holding a descriptor root opened, as a
 * VMM manager would pass it on): root; uid 65534 with no capabilities;
 * uid 65534 with only CAP_SYS_NICE; uid 65534 with only CAP_SYS_ADMIN;
 * uid 0 without CAP_SYS_NICE and CAP_SYS_ADMIN; uid 65534 with every
 * capability in a user namespace of its own. For each: opening the device
 * itself, every ioctl, a mutating call with a bad pointer (EPERM must come
 * before validation, so a caller learns nothing from it) and the debugfs
 * status file. The device node is checked: character device, root:root,
 * mode 0600. A refused call changes nothing.
 *
 * Information: as uid 65534 (holding a descriptor), everything the
 * statistics show of root's VMs is what ps shows anyway: the pids, thread
 * ids and names are those of /proc, whose schedstat (run and wait time) is
 * world-readable too; no returned word looks like a kernel address and
 * names are zero-padded (no stale kernel bytes).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "vmsched_test.h"

#define NOBODY		65534
#define DEBUGFS_STATUS	"/sys/kernel/debug/vmsched/status"

enum principal { ROOT, NOBODY_NOCAP, NOBODY_NICE, NOBODY_ADMIN, ROOT_NOCAP, USERNS, NR_PRINC };

static const char *const princ_name[NR_PRINC] = {
	"root", "uid65534", "uid65534+CAP_SYS_NICE", "uid65534+CAP_SYS_ADMIN",
	"uid0-NICE-ADMIN", "uid65534-in-userns",
};

enum op {
	OP_OPEN_RW, OP_OPEN_RO, OP_VERSION, OP_LIST, OP_POLICY_PARAMS, OP_STATUS, OP_GET,
	OP_STATS, OP_ACTIVATE_NULL, OP_ACTIVATE, OP_SET, OP_DEACTIVATE, OP_DEBUGFS, NR_OPS
};

static const char *const op_name[NR_OPS] = {
	"open(O_RDWR)", "open(O_RDONLY)", "VERSION", "LIST_POLICIES", "POLICY_PARAMS",
	"STATUS", "GET_PARAMS", "STATS", "ACTIVATE(NULL)", "ACTIVATE", "SET_PARAMS",
	"DEACTIVATE", "debugfs status",
};

/* errno each principal must get (0: allowed) */
static const int expect[NR_PRINC][NR_OPS] = {
	/* open rw, ro, VERSION LIST PP STATUS GET STATS ACT(NULL) ACT SET DEACT debugfs */
	[ROOT] =	 { 0, 0, 0, 0, 0, 0, 0, 0, EFAULT, 0, 0, 0, 0 },
	[NOBODY_NOCAP] = { EACCES, EACCES, 0, 0, 0, 0, 0, 0, EPERM, EPERM, EPERM, EPERM, EACCES },
	[NOBODY_NICE] =	 { EACCES, EACCES, 0, 0, 0, 0, 0, 0, EFAULT, 0, 0, 0, EACCES },
	[NOBODY_ADMIN] = { EACCES, EACCES, 0, 0, 0, 0, 0, 0, EFAULT, 0, 0, 0, EACCES },
	[ROOT_NOCAP] =	 { 0, 0, 0, 0, 0, 0, 0, 0, EPERM, EPERM, EPERM, EPERM, 0 },
	[USERNS] =	 { EACCES, EACCES, 0, 0, 0, 0, 0, 0, EPERM, EPERM, EPERM, EPERM, EACCES },
};

/* results written by the children */
struct shared {
	int got[NR_PRINC][NR_OPS];
	int setup_failed[NR_PRINC];
	int leaks;		/* information checks that failed (uid 65534) */
	int entries;		/* vCPU entries it checked */
	char why[256];
};

static struct shared *sh;
static int fd;

/* ---- credentials ---------------------------------------------------------- */

static int set_caps(const uint64_t caps)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)caps;
	d[1].effective = d[1].permitted = (uint32_t)(caps >> 32);
	return syscall(SYS_capset, &h, d);
}

static uint64_t cur_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		return 0;
	return d[0].effective | (uint64_t)d[1].effective << 32;
}

/* become uid/gid 65534 keeping exactly @caps */
static int become_nobody(uint64_t caps)
{
	if (prctl(PR_SET_KEEPCAPS, 1) || setgroups(0, NULL) ||
	    setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	if (set_caps(caps))
		return -1;
	return cur_caps() == caps ? 0 : -1;
}

static int become(enum principal p)
{
	switch (p) {
	case ROOT:
		return 0;
	case NOBODY_NOCAP:
		return become_nobody(0);
	case NOBODY_NICE:
		return become_nobody(1ull << CAP_SYS_NICE);
	case NOBODY_ADMIN:
		return become_nobody(1ull << CAP_SYS_ADMIN);
	case ROOT_NOCAP:
		return set_caps(cur_caps() & ~(1ull << CAP_SYS_NICE | 1ull << CAP_SYS_ADMIN));
	case USERNS:
		if (become_nobody(0) || unshare(CLONE_NEWUSER))
			return -1;
		return (cur_caps() & (1ull << CAP_SYS_NICE)) ? 0 : -1;
	default:
		return -1;
	}
}

/* ---- operations ----------------------------------------------------------- */

static int try_open(int flags)
{
	int f = open(VMSCHED_DEVICE, flags | O_CLOEXEC);

	if (f < 0)
		return errno;
	close(f);
	return 0;
}

static int run_op(enum op op)
{
	struct vmsched_policy_info pi[8];
	struct vmsched_list l = { .buf = (unsigned long)pi, .count = 8,
				  .entry_size = sizeof(pi[0]) };
	struct vmsched_policy_params pp = { .name = "t_fifo" };
	struct vmsched_version v;
	struct vmsched_status st;
	struct vmsched_kv kv[4];
	unsigned int nvm = 0, nvc = 0;
	char buf[64];
	int f;

	switch (op) {
	case OP_OPEN_RW:
		return try_open(O_RDWR);
	case OP_OPEN_RO:
		return try_open(O_RDONLY);
	case OP_VERSION:
		return -vms_ioctl(fd, VMSCHED_IOC_VERSION, &v);
	case OP_LIST:
		return -vms_ioctl(fd, VMSCHED_IOC_LIST_POLICIES, &l);
	case OP_POLICY_PARAMS:
		return -vms_ioctl(fd, VMSCHED_IOC_POLICY_PARAMS, &pp);
	case OP_STATUS:
		return -vms_status(fd, &st);
	case OP_GET: {
		int ret = vms_get_params(fd, VMSCHED_SCOPE_GLOBAL, 0, 0, kv, 4);

		return ret == -ENODEV ? 0 : (ret < 0 ? -ret : 0);	/* none active: allowed */
	}
	case OP_STATS:
		return -vms_stats_get(fd, 0, NULL, &nvm, NULL, &nvc);
	case OP_ACTIVATE_NULL:
		return -vms_ioctl(fd, VMSCHED_IOC_ACTIVATE, NULL);
	case OP_ACTIVATE:
		return -vms_activate(fd, "t_fifo", NULL, 0);
	case OP_SET:
		return -vms_set_param(fd, VMSCHED_SCOPE_GLOBAL, 0, 0, "slice", 7000000);
	case OP_DEACTIVATE:
		return -vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL);
	case OP_DEBUGFS:
		f = open(DEBUGFS_STATUS, O_RDONLY | O_CLOEXEC);
		if (f < 0)
			return errno;
		f = read(f, buf, sizeof(buf)) > 0 ? 0 : EIO;
		return f;
	default:
		return EINVAL;
	}
}

/* ---- information checks (as uid 65534) ------------------------------------ */

static void leak(const char *fmt, const char *what, long long a)
{
	if (!sh->leaks++)
		snprintf(sh->why, sizeof(sh->why), fmt, what, a);
}

/* no word looks like a kernel address */
static void no_kernel_words(const void *p, size_t len, const char *what)
{
	const unsigned char *b = p;
	uint64_t w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 4) {
		memcpy(&w, b + i, 8);
		if (w >= 0xffff800000000000ull && w != ~0ull)
			leak("%s: kernel-looking word at offset %lld", what, (long long)i);
	}
}

/* NUL-terminated, nothing after the NUL */
static void clean_string(const char *s, size_t len, const char *what)
{
	size_t n = strnlen(s, len), i;

	if (n == len)
		leak("%s: not terminated%.0lld", what, 0);
	for (i = n; i < len; i++)
		if (s[i])
			leak("%s: stale byte after the NUL at %lld", what, (long long)i);
}

static bool proc_comm_is(pid_t pid, const char *comm)
{
	char path[64], buf[32] = "";
	int f, n;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return false;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return !strcmp(buf, comm);
}

static void info_checks(void)
{
	struct vmsched_vcpu_stats vcs[16];
	struct vmsched_vm_stats vms[4];
	struct vmsched_policy_info pi[8];
	struct vmsched_list l = { .buf = (unsigned long)pi, .count = 8,
				  .entry_size = sizeof(pi[0]) };
	struct vmsched_status st;
	unsigned int nvm = 4, nvc = 16, i, j;
	char path[96];

	memset(vms, 0xa5, sizeof(vms));
	memset(vcs, 0xa5, sizeof(vcs));
	memset(pi, 0xa5, sizeof(pi));
	if (vms_stats_get(fd, 0, vms, &nvm, vcs, &nvc) || !nvm || !nvc) {
		leak("%s: no statistics (%lld VMs)", "STATS", nvm);
		return;
	}
	for (i = 0; i < nvm && i < 4; i++) {
		no_kernel_words(&vms[i], sizeof(vms[i]), "vm stats");
		clean_string(vms[i].comm, sizeof(vms[i].comm), "vm comm");
		if (!proc_comm_is(vms[i].pid, vms[i].comm))
			leak("%s: pid %lld is not what /proc shows", "vm stats", vms[i].pid);
	}
	for (i = 0; i < nvc && i < 16; i++) {
		no_kernel_words(&vcs[i], sizeof(vcs[i]), "vcpu stats");
		snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", vcs[i].pid, vcs[i].tid);
		if (access(path, R_OK))
			leak("%s: thread %lld not visible in /proc", "vcpu stats", vcs[i].tid);
		sh->entries++;
	}
	vms_status(fd, &st);
	no_kernel_words(&st, sizeof(st), "status");
	clean_string(st.active, sizeof(st.active), "status.active");
	clean_string(st.last_ejected, sizeof(st.last_ejected), "status.last_ejected");
	vms_ioctl(fd, VMSCHED_IOC_LIST_POLICIES, &l);
	for (j = 0; j < l.count && j < 8; j++) {
		no_kernel_words(&pi[j], sizeof(pi[j]), "policy info");
		clean_string(pi[j].name, sizeof(pi[j].name), "policy name");
		clean_string(pi[j].description, sizeof(pi[j].description), "policy description");
	}
}

/* ---- main ---------------------------------------------------------------- */

static void run_principal(enum principal p)
{
	pid_t pid = fork();
	int st, op;

	if (!pid) {
		if (become(p)) {
			sh->setup_failed[p] = errno ? errno : -1;
			_exit(0);
		}
		for (op = 0; op < NR_OPS; op++)
			sh->got[p][op] = run_op(op);
		if (p == NOBODY_NOCAP)
			info_checks();
		_exit(0);
	}
	waitpid(pid, &st, 0);
}

int main(void)
{
	const char *args[] = { "--name", "rootvm", "--vcpus", "2", "--duration", "60",
			       "--profile", "duty", NULL };
	struct vmsched_status st0, st1;
	struct vmsched_kv kv0[4], kv1[4];
	unsigned long long slice;
	struct workload w;
	struct stat sb;
	char line[512];
	int p, op, ret, bad;
	size_t len;

	setup_or_skip(true);
	fd = vms_open();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || sh == MAP_FAILED)
		ktap_skip_all("set-up failed");
	ktap_plan(3);

	CHECK(stat(VMSCHED_DEVICE, &sb) == 0, "stat");
	ktap_info("%s: mode %o, owner %d:%d", VMSCHED_DEVICE, sb.st_mode & 07777, sb.st_uid,
		  sb.st_gid);
	CHECK(S_ISCHR(sb.st_mode) && (sb.st_mode & 07777) == 0600 && !sb.st_uid && !sb.st_gid,
	      "mode %o owner %d:%d", sb.st_mode, sb.st_uid, sb.st_gid);
	CHECK(workload_start(&w, args) == 0, "start root's VM");
	ret = vms_activate(fd, "t_fifo", NULL, 0);
	CHECK(ret == 0, "activate: %s", strerror(-ret));
	sleep(2);	/* its vCPUs are discovered */
	CHECK(vms_ioctl(fd, VMSCHED_IOC_DEACTIVATE, NULL) == 0, "deactivate");

	for (p = 0; p < NR_PRINC; p++) {
		vms_status(fd, &st0);
		vms_get_params(fd, VMSCHED_SCOPE_GLOBAL, 0, 0, kv0, 4);
		run_principal(p);
		vms_status(fd, &st1);
		vms_get_params(fd, VMSCHED_SCOPE_GLOBAL, 0, 0, kv1, 4);
		if (sh->setup_failed[p]) {
			ktap_info("%-24s could not be set up (%s): not checked", princ_name[p],
				  strerror(sh->setup_failed[p]));
			CHECK(p == USERNS, "%s: set-up failed", princ_name[p]);
			continue;
		}
		len = 0;
		bad = 0;
		for (op = 0; op < NR_OPS; op++) {
			len += snprintf(line + len, sizeof(line) - len, " %s=%s", op_name[op],
					sh->got[p][op] ? strerror(sh->got[p][op]) : "ok");
			if (sh->got[p][op] != expect[p][op]) {
				bad++;
				CHECK(0, "%s %s: %s, want %s", princ_name[p], op_name[op],
				      strerror(sh->got[p][op]), strerror(expect[p][op]));
			}
		}
		ktap_info("%s:%s", princ_name[p], line);
		/* refused: nothing changed; allowed: activate, set, deactivate ran */
		CHECK(!strcmp(st0.active, st1.active) && !st1.active[0],
		      "%s left '%s' active", princ_name[p], st1.active);
		if (expect[p][OP_ACTIVATE])
			CHECK(st1.swaps == st0.swaps, "%s: refused calls swapped", princ_name[p]);
		else
			CHECK(st1.swaps == st0.swaps + 2, "%s: %llu swaps, want 2", princ_name[p],
			      (unsigned long long)(st1.swaps - st0.swaps));
	}
	ktap_case_done("privilege_matrix");

	ktap_info("uid 65534 saw %d vCPU entries of root's VM: pids, tids and names as in /proc",
		  sh->entries);
	CHECK(sh->entries == 2, "%d vCPU entries, want 2", sh->entries);
	CHECK(sh->leaks == 0, "%d information checks failed, first: %s", sh->leaks, sh->why);
	ktap_case_done("no_information_beyond_ps");

	/* parameters a refused SET would have changed are the ones set by allowed ones */
	ret = vms_activate(fd, "t_fifo", NULL, 0);
	CHECK(ret == 0, "activate: %s", strerror(-ret));
	/* the slice the last instance had (t_fifo keeps its global values) */
	CHECK(vms_get_params(fd, VMSCHED_SCOPE_GLOBAL, 0, 0, kv1, 4) == 1, "get slice");
	slice = kv1[0].value;
	run_principal(NOBODY_NOCAP);
	CHECK(vms_get_params(fd, VMSCHED_SCOPE_GLOBAL, 0, 0, kv1, 4) == 1 &&
	      kv1[0].value == slice, "refused SET changed slice from %llu to %llu",
	      slice, (unsigned long long)kv1[0].value);
	vms_status(fd, &st1);
	CHECK(!strcmp(st1.active, "t_fifo"), "refused DEACTIVATE: active '%s'", st1.active);
	run_principal(NOBODY_NICE);	/* sets slice, then deactivates */
	vms_status(fd, &st1);
	CHECK(!st1.active[0], "CAP_SYS_NICE could not deactivate: '%s'", st1.active);
	ktap_case_done("refused_calls_change_nothing");

	workload_kill(&w);
	close(fd);
	mod_unload_all();
	return ktap_finish();
}
