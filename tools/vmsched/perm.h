/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "Permission denied", said precisely. /dev/vmsched is mode 0600, owner
 * root: a process that cannot open it needs root. One that can still
 * needs CAP_SYS_NICE (or CAP_SYS_ADMIN) in the host's user namespace for
 * the calls that change scheduling: activate, deactivate and set
 * (vms_may_change() in kvm_schedswap/dev.c).
 */
#ifndef VMSCHED_PERM_H
#define VMSCHED_PERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/vmsched.h>

#define PERM_HINT "needs root (or CAP_SYS_NICE with access to " VMSCHED_DEVICE ")"

/* why the device's @mode and @owner refuse uid @uid, then PERM_HINT */
char *perm_open_why(unsigned int mode, uid_t owner, uid_t uid, char *buf, size_t len);
/*
 * why a change was refused, by @capeff (the effective capabilities;
 * @own_userns: in a user namespace other than the host's), then PERM_HINT
 */
char *perm_call_why(uint64_t capeff, bool own_userns, char *buf, size_t len);
/* the same, for this process and VMSCHED_DEVICE */
char *perm_open_why_here(char *buf, size_t len);
char *perm_call_why_here(char *buf, size_t len);

#endif
