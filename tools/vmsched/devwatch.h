/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_schedswap coming and going, seen from /dev: loading it creates
 * VMSCHED_DEVICE, rmmod removes it. apply --follow waits for that with
 * inotify on the device's directory instead of opening the device every
 * round (an open device would keep rmmod from removing the module).
 */
#ifndef VMSCHED_DEVWATCH_H
#define VMSCHED_DEVWATCH_H

#include <stdbool.h>
#include <stddef.h>

/* an inotify descriptor (non-blocking) on the device's directory, or -errno (@why) */
int devwatch_open(char *why, size_t len);
/* read the events of @fd that are there (whatever they say, look again) */
void devwatch_drain(int fd);
/*
 * whether kvm_schedswap is loaded: the device opens (it stays open, see
 * dev_close()), or fails for another reason than its absence, which the
 * next call on it reports
 */
bool devwatch_present(void);

#endif
