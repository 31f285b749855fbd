/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading a module by name with modprobe(8), keeping what it says so that
 * the caller reports the real reason as its own error (with -j inside the
 * JSON object): "Module fair_sched not found", or "Key was rejected by
 * service" for an unsigned module under Secure Boot. (libkmod would do
 * without the program, but Debian ships no static libkmod, and the test
 * VMs run a static vmsched.)
 */
#ifndef VMSCHED_MODPROBE_H
#define VMSCHED_MODPROBE_H

#include <stddef.h>

/* 0, or -1 with modprobe's message (or why it did not run) in @why */
int modprobe(const char *mod, char *why, size_t len);
/* what to do about @why, as " (...)", or "" */
const char *modprobe_hint(const char *why);

#endif
