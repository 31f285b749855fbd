/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM names for admins. A VM is known to the kernel by its VMM's pid; its
 * name is read from the VMM's command line: QEMU's "-name guest=NAME,..."
 * or "-name NAME[,...]", the workload VMM's "--name NAME" (either spelling
 * with one or two dashes, or with "="), else the VMM's comm.
 */
#ifndef VMSCHED_VM_LOOKUP_H
#define VMSCHED_VM_LOOKUP_H

#include <stddef.h>
#include <sys/types.h>

/* display name of VMM @pid (@comm from the kernel is the last resort) */
void vm_name(pid_t pid, const char *comm, char *buf, size_t len);
/* the name in one -name/--name value: "guest=x,debug-threads=on" -> "x" */
void vm_name_from_arg(const char *val, char *buf, size_t len);

/*
 * Resolve an admin's VM argument (pid or name) among the VMs the kernel
 * reports. On success sets *pid and @name; else prints why (not found,
 * ambiguous with the matches) and returns the exit code.
 */
int vm_resolve(const char *arg, pid_t *pid, char *name, size_t len);

#endif
