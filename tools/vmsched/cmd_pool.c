// SPDX-License-Identifier: GPL-2.0
/*
 * pool add, del, list, move: pools of pCPUs, each with its own policy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpulist.h"
#include "dev.h"
#include "main.h"
#include "output.h"
#include "params.h"
#include "pools.h"
#include "snap.h"
#include "vm_lookup.h"

#define CPUS_TEXT	256	/* a CPU list in a message */

static int check_name(const char *what, const char *name)
{
	if (!pool_name_ok(name))
		return usage_err("%s: bad pool name \"%s\": 1 to %d characters of a-z, 0-9, _ "
				 "and -", what, name, VMSCHED_NAME_MAX - 1);
	return 0;
}

/* the first CPU of a small text file as a CPU list (/proc, /sys); 0 or -1 */
static int read_cpulist(const char *path, const char *prefix, __u64 *cpus)
{
	char buf[4096], why[128], *p, *end;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);	/* open(): the tests' fake sees it */

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = buf;
	if (prefix) {
		p = strstr(buf, prefix);
		if (!p)
			return -1;
		p += strlen(prefix);
		p += strspn(p, " \t");
	}
	end = p + strcspn(p, "\n");
	*end = '\0';
	return cpulist_parse(p, cpus, why, sizeof(why)) ? -1 : 0;
}

/* why POOL_CREATE of @cpus as @name failed with @err */
static int create_err(const char *name, const __u64 *cpus, int err)
{
	__u64 online[VMSCHED_CPU_WORDS];
	const struct vmsched_pool_info *holder;
	struct vmsched_pool_info *p;
	char list[CPUS_TEXT], left[CPUS_TEXT];
	unsigned int c, n;

	if (err == -EEXIST)
		return op_err("pool add: pool %s exists (vmsched pool list)", name);
	if (err == -EINVAL && !read_cpulist("/sys/devices/system/cpu/online", NULL, online)) {
		for (c = 0; c < CPULIST_MAX; c++)
			if (cpu_isset(cpus, c) && !cpu_isset(online, c))
				return op_err("pool add %s: CPU %u is offline or not present "
					      "(online CPUs: %s)", name, c,
					      cpulist_format(online, list, sizeof(list)));
	}
	if (err == -EINVAL)
		return op_err("pool add %s: CPUs %s include an offline or absent CPU", name,
			      cpulist_format(cpus, list, sizeof(list)));
	if (err != -EBUSY)
		return dev_err("pool add", err);
	/* which pool holds a CPU, else they are the default pool's last ones */
	if (pools_load(&p, &n))
		return op_err("pool add %s: a CPU of %s is in another pool, or they are every "
			      "CPU of the default pool", name,
			      cpulist_format(cpus, list, sizeof(list)));
	for (c = 0; c < CPULIST_MAX; c++) {
		if (!cpu_isset(cpus, c))
			continue;
		holder = pools_of_cpu(p, n, c);
		if (holder && strcmp(holder->name, VMSCHED_POOL_DEFAULT)) {
			err = op_err("pool add %s: CPU %u is in pool %s", name, c, holder->name);
			free(p);
			return err;
		}
	}
	holder = pools_find(p, n, VMSCHED_POOL_DEFAULT);
	err = op_err("pool add %s: CPUs %s would leave the default pool (CPUs %s) without a "
		     "CPU: it keeps at least one", name, cpulist_format(cpus, list, sizeof(list)),
		     holder ? cpulist_format(holder->cpus, left, sizeof(left)) : "?");
	free(p);
	return err;
}

/* activate @policy in the new pool @name, or remove the pool again */
static int activate_or_undo(const char *name, const char *policy, const struct pdesc *d,
			    const struct vmsched_kv *kv, unsigned int n)
{
	int err = dev_activate(name, policy, kv, n);

	if (!err)
		return 0;
	activate_report(name, policy, d, kv, n, err);
	err = dev_pool_destroy(name);
	if (err)
		return op_err("pool add %s: the pool stays, without a policy: removing it "
			      "failed: %s (vmsched pool del %s)", name, strerror(-err), name);
	return op_err("pool add %s: removed the pool again, nothing changed", name);
}

static int pool_add(int argc, char **argv)
{
	__u64 cpus[VMSCHED_CPU_WORDS];
	struct vmsched_kv kv[VMSCHED_MAX_KV];
	struct pdesc d = { 0 };
	const char *name, *policy = NULL;
	char why[128];
	unsigned int n = 0;
	int ret;

	if (argc < 2)
		return usage_err("pool add: missing %s, e.g. pool add lat 2-3 [POLICY]",
				 argc ? "CPULIST" : "NAME and CPULIST");
	name = argv[0];
	ret = check_name("pool add", name);
	if (ret)
		return ret;
	if (cpulist_parse(argv[1], cpus, why, sizeof(why)))
		return usage_err("pool add %s: bad CPULIST \"%s\": %s", name, argv[1], why);
	if (!strcmp(name, VMSCHED_POOL_DEFAULT))
		return op_err("pool add: the default pool always exists: it has every CPU of "
			      "no other pool");
	ret = pools_require();
	if (ret)
		return ret;
	if (argc > 2) {
		policy = argv[2];
		if (strlen(policy) >= VMSCHED_NAME_MAX)
			return report_unknown_policy(policy);
		ret = pdesc_load(policy, &d);
		if (ret == -ENOENT)
			return report_unknown_policy(policy);
		if (ret)
			return dev_err("cannot read the policy's parameters", ret);
		ret = parse_kv_args(&d, VMSCHED_SCOPE_GLOBAL, argc - 3, argv + 3, kv, &n);
		if (ret)
			goto out;
	}
	ret = dev_pool_create(name, cpus);
	if (ret) {
		ret = create_err(name, cpus, ret);
		goto out;
	}
	if (policy) {
		ret = activate_or_undo(name, policy, &d, kv, n);
		if (ret)
			goto out;
	}
	p_done();
out:
	pdesc_free(&d);
	return ret;
}

static int pool_del(int argc, char **argv)
{
	int ret;

	if (argc > 1)
		return usage_err("pool del takes one NAME");
	if (!argc)
		return usage_err("pool del: missing NAME");
	ret = check_name("pool del", argv[0]);
	if (ret)
		return ret;
	if (!strcmp(argv[0], VMSCHED_POOL_DEFAULT))
		return op_err("pool del: the default pool cannot be removed");
	ret = pools_require();
	if (ret)
		return ret;
	ret = dev_pool_destroy(argv[0]);
	if (ret == -ENOENT)
		return report_no_pool(argv[0]);
	if (ret == -EBUSY)
		return op_err("pool del %s: a policy swap is in progress in it, try again",
			      argv[0]);
	if (ret)
		return dev_err("pool del", ret);
	p_done();
	return EXIT_OK;
}

static const struct out_col pool_cols[] = {
	{ "name", "POOL", -12, O_STR },
	{ "cpus", "CPUS", -16, O_STR },
	{ "policy", "POLICY", -10, O_STR },
	{ "vms", "VMS", 5, O_U64 },
	{ "vcpus", "VCPUS", 6, O_U64 },
	{ "granted", "GRANTED", 8, O_U64 },
	{ "gated", "GATED", 6, O_U64 },
	{ "nr_cpus", NULL, 0, O_U64 },
	{ "swaps", NULL, 0, O_U64 },
	{ "last_swap_ns", NULL, 0, O_U64 },
	{ "max_swap_ns", NULL, 0, O_U64 },
	{ "watchdog_events", NULL, 0, O_U64 },
	{ "watchdog_ns", NULL, 0, O_U64 },
	{ "last_ejected", NULL, 0, O_STR },
	{ "policy_errors", NULL, 0, O_U64 },
};
#define NR_POOL_COLS	(sizeof(pool_cols) / sizeof(pool_cols[0]))

static int pool_list(int argc, char **argv)
{
	struct vmsched_pool_info *p;
	char cpus[CPUS_TEXT];
	unsigned int i, n;
	int ret;

	(void)argv;
	if (argc)
		return usage_err("pool list takes no arguments");
	ret = pools_require();
	if (ret)
		return ret;
	ret = pools_load(&p, &n);
	if (ret)
		return dev_err("cannot list the pools", ret);
	out_table_begin(NULL, pool_cols, NR_POOL_COLS, 0);
	for (i = 0; i < n; i++) {
		const struct vmsched_pool_info *q = &p[i];
		struct out_cell row[] = {
			CELL_STR(q->name), CELL_STR(cpulist_format(q->cpus, cpus, sizeof(cpus))),
			q->active[0] ? CELL_STR(q->active) : (struct out_cell){ 0 },
			CELL_U64(q->nr_vms), CELL_U64(q->nr_vcpus), CELL_U64(q->nr_granted),
			CELL_U64(q->nr_gated), CELL_U64(q->nr_cpus), CELL_U64(q->swaps),
			CELL_U64(q->last_swap_ns), CELL_U64(q->max_swap_ns),
			CELL_U64(q->watchdog_events), CELL_U64(q->watchdog_ns),
			q->last_ejected[0] ? CELL_STR(q->last_ejected) : (struct out_cell){ 0 },
			CELL_U64(q->policy_errors),
		};

		out_row(row);
	}
	out_table_end();
	free(p);
	return EXIT_OK;
}

/* "; vCPU 0 (thread 123) may run on CPUs 0-1": the threads of @pid that cannot move */
static void stuck_threads(pid_t pid, const __u64 *pool_cpus, char *out, size_t len)
{
	struct vmsched_vm_stats *vms;
	struct vmsched_vcpu_stats *vc;
	__u64 allowed[VMSCHED_CPU_WORDS];
	uint64_t now;
	char path[64], list[CPUS_TEXT];
	unsigned int nv, nc, i;
	size_t n = 0;

	out[0] = '\0';
	if (dev_stats(NULL, pid, &now, &vms, &nv, &vc, &nc))
		return;
	for (i = 0; i < nc && n < len; i++) {
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, vc[i].tid);
		if (vc[i].pid != pid || !vc[i].tid ||
		    read_cpulist(path, "Cpus_allowed_list:", allowed) ||
		    cpus_first_common(allowed, pool_cpus) >= 0)
			continue;
		n += snprintf(out + n, len - n, "; vCPU %u (thread %d) may run on CPUs %s",
			      vc[i].vcpu_id, vc[i].tid,
			      cpulist_format(allowed, list, sizeof(list)));
	}
	free(vms);
	free(vc);
}

static int move_err(const char *vm, pid_t pid, const char *pool, int err)
{
	struct vmsched_pool_info info;
	char list[CPUS_TEXT], threads[1024];

	switch (-err) {
	case ENOENT:
		return report_no_pool(pool);
	case ESRCH:
		return op_err("pool move: VM %s (pid %d) is gone", vm, pid);
	case ENOTUNIQ:
		return op_err("pool move: process %d runs several VMs: a pid cannot name one of "
			      "them", pid);
	case EINVAL:
		if (pool_info(pool, &info))
			return op_err("pool move: VM %s (pid %d) cannot move to pool %s: a vCPU "
				      "thread may run on none of its CPUs", vm, pid, pool);
		stuck_threads(pid, info.cpus, threads, sizeof(threads));
		return op_err("pool move: VM %s (pid %d) cannot move to pool %s (CPUs %s): a "
			      "vCPU thread may run on none of them%s", vm, pid, pool,
			      cpulist_format(info.cpus, list, sizeof(list)), threads);
	default:
		return dev_err("pool move", err);
	}
}

static int pool_move(int argc, char **argv)
{
	char name[VM_NAME_LEN];
	pid_t pid;
	int ret;

	if (argc > 2)
		return usage_err("pool move takes a VM and a POOL");
	if (argc < 2)
		return usage_err("pool move: missing %s", argc ? "POOL" : "VM and POOL");
	ret = check_name("pool move", argv[1]);
	if (ret)
		return ret;
	ret = pools_require();
	if (ret)
		return ret;
	ret = vm_resolve(argv[0], &pid, name, sizeof(name));
	if (ret)
		return ret;
	ret = dev_pool_move(argv[1], pid);
	if (ret)
		return move_err(name, pid, argv[1], ret);
	p_done();
	return EXIT_OK;
}

static const struct cmd pool_cmds[] = {
	{ "add", pool_add, 0, true, NULL, NULL },
	{ "del", pool_del, 0, true, NULL, NULL },
	{ "list", pool_list, 0, false, NULL, NULL },
	{ "move", pool_move, 0, true, NULL, NULL },
	{ NULL, NULL, 0, false, NULL, NULL },
};

int do_pool(int argc, char **argv)
{
	return cmd_select(pool_cmds, argc, argv, "pool", "add, del, list or move", help_pool);
}
