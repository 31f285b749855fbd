/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_schedswap: the differences between the kernels we build against
 * (Debian's 6.1 and 6.12), in one place.
 */
#ifndef _KVM_SCHEDSWAP_COMPAT_H
#define _KVM_SCHEDSWAP_COMPAT_H

#include <linux/version.h>

/*
 * kvm_entry gained "bool force_immediate_exit" in 6.10; Debian's 6.1
 * (6.1.176 and later) has the backport. Build with
 * -DVMS_KVM_ENTRY_VCPU_ONLY for a 6.1 kernel without it. The probe does
 * not use the flag.
 */
#ifdef VMS_KVM_ENTRY_VCPU_ONLY
#define VMS_KVM_ENTRY_PROTO	struct kvm_vcpu *vcpu
#else
#define VMS_KVM_ENTRY_PROTO	struct kvm_vcpu *vcpu, bool force_immediate_exit
#endif

#endif /* _KVM_SCHEDSWAP_COMPAT_H */
