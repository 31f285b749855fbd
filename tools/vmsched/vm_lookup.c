// SPDX-License-Identifier: GPL-2.0
/*
 * VM name resolution from /proc/PID/cmdline, among the VMs that the kernel
 * reports (VMSCHED_IOC_STATS); other processes are never candidates.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev.h"
#include "main.h"
#include "snap.h"
#include "vm_lookup.h"

void vm_name_from_arg(const char *val, char *buf, size_t len)
{
	char item[256];
	size_t n = 0;
	bool first = true;

	buf[0] = '\0';
	/* QEMU keyval: items split by ',', ",," is a literal comma */
	for (;; val++) {
		if (*val == ',' && val[1] == ',') {
			if (n < sizeof(item) - 1)
				item[n++] = ',';
			val++;
			continue;
		}
		if (*val && *val != ',') {
			if (n < sizeof(item) - 1)
				item[n++] = *val;
			continue;
		}
		item[n] = '\0';
		if (!strncmp(item, "guest=", 6))
			snprintf(buf, len, "%s", item + 6);
		else if (first && !strchr(item, '='))	/* implied key "guest" */
			snprintf(buf, len, "%s", item);
		first = false;
		n = 0;
		if (!*val)
			break;
	}
}

static bool is_name_opt(const char *a, const char **inline_val)
{
	static const char *const opts[] = { "-name", "--name" };
	size_t i, l;

	for (i = 0; i < 2; i++) {
		l = strlen(opts[i]);
		if (!strncmp(a, opts[i], l) && (a[l] == '\0' || a[l] == '=')) {
			*inline_val = a[l] == '=' ? a + l + 1 : NULL;
			return true;
		}
	}
	return false;
}

static bool name_from_cmdline(pid_t pid, char *buf, size_t len)
{
	static char cmd[65536];
	char path[64];
	const char *a, *end, *val;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	if (n <= 0)
		return false;
	cmd[n] = '\0';
	end = cmd + n;
	for (a = cmd; a < end; a += strlen(a) + 1) {
		if (!is_name_opt(a, &val))
			continue;
		if (!val) {
			a += strlen(a) + 1;
			if (a >= end)
				break;
			val = a;
		}
		vm_name_from_arg(val, buf, len);
		if (buf[0])
			return true;
	}
	return false;
}

static bool name_from_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(buf, len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0];
}

void vm_name(pid_t pid, const char *comm, char *buf, size_t len)
{
	if (name_from_cmdline(pid, buf, len) || name_from_comm(pid, buf, len))
		return;
	if (comm && comm[0])
		snprintf(buf, len, "%.16s", comm);
	else
		snprintf(buf, len, "%d", pid);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* "alpha (pid 12), beta (pid 13)" of the VMs selected by @match */
static void list_vms(const struct snap *s, const char *match, bool by_comm, char *out, size_t len)
{
	size_t n = 0;
	unsigned int i;

	out[0] = '\0';
	for (i = 0; i < s->nr_vms && n < len; i++) {
		const struct snap_vm *vm = &s->vms[i];

		if (match && strcmp(by_comm ? vm->s.comm : vm->name, match))
			continue;
		n += snprintf(out + n, len - n, "%s%s (pid %d)", n ? ", " : "", vm->name,
			      vm->s.pid);
	}
}

/* VMs of @s that @arg names (pid, VM name, or VMM comm); sets *found and *by_comm */
static unsigned int vm_match(const struct snap *s, const char *arg, const struct snap_vm **found,
			     bool *by_comm)
{
	unsigned int i, matches = 0;

	*found = NULL;
	*by_comm = false;
	if (all_digits(arg)) {
		*found = snap_find(s, atoi(arg));
		return !!*found;
	}
	for (i = 0; i < s->nr_vms; i++)
		if (!strcmp(s->vms[i].name, arg)) {
			*found = &s->vms[i];
			matches++;
		}
	for (i = 0; !matches && i < s->nr_vms; i++)	/* "workload", "qemu-system-x86" */
		if (!strncmp(s->vms[i].s.comm, arg, sizeof(s->vms[i].s.comm))) {
			*found = &s->vms[i];
			*by_comm = true;
		}
	for (i = 0; *by_comm && i < s->nr_vms; i++)
		matches += !strncmp(s->vms[i].s.comm, arg, sizeof(s->vms[i].s.comm));
	return matches;
}

/*
 * The core learns of a VM at its first guest entry while a policy is
 * active: right after an activation or a VM start, give it a moment.
 */
#define VM_RESOLVE_WAIT_MS	1000
#define VM_RESOLVE_POLL_MS	50

int vm_resolve(const char *arg, pid_t *pid, char *name, size_t len)
{
	char vms[1024];
	struct snap s;
	unsigned int matches, waited = 0;
	const struct snap_vm *found;
	bool by_comm;
	int ret;

	for (;;) {
		ret = snap_take(&s, 0);
		snap_rewind();		/* a feed's first snapshot is still to come */
		if (ret)
			return dev_err("cannot list VMs", ret);
		matches = vm_match(&s, arg, &found, &by_comm);
		if (matches || waited >= VM_RESOLVE_WAIT_MS)
			break;
		snap_free(&s);
		usleep(VM_RESOLVE_POLL_MS * 1000);
		waited += VM_RESOLVE_POLL_MS;
	}
	if (matches == 1) {
		*pid = found->s.pid;
		snprintf(name, len, "%s", found->name);
		snap_free(&s);
		return 0;
	}
	if (matches > 1) {
		list_vms(&s, arg, by_comm, vms, sizeof(vms));
		ret = op_err("VM name \"%s\" is ambiguous, it matches %s: use the pid", arg, vms);
	} else {
		list_vms(&s, NULL, false, vms, sizeof(vms));
		ret = op_err("VM \"%s\" not found: %s%s", arg,
			     s.nr_vms ? "known VMs: " :
			     "no VM is known (VMs become known at their first guest entry "
			     "while a policy is active)", vms);
	}
	snap_free(&s);
	return ret;
}
