/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vm.h - a KVM VM with an in-kernel irqchip, one memory slot and 64-bit
 * vCPUs that start directly in guest code (no firmware, no guest OS).
 *
 * Guest memory layout (one slot at guest physical 0, host mapping vm->mem):
 *   GDT, IDT, TSS, page tables, the guest code pages, then per vCPU its
 *   struct guest_vcpu and its stack. All of it is mapped at
 *   WL_DATA_GVA + gpa; the code pages are also mapped at the address
 *   GUEST_SECTION has in this binary.
 */
#ifndef WORKLOAD_VM_H
#define WORKLOAD_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "guest.h"

#define WL_MAX_VCPUS	256
#define WL_PAGE_SIZE	4096ull
#define WL_DATA_GVA	0x100000000000ull	/* 16 TiB */
#define WL_STACK_PAGES	4

/* KVM binary statistics read by vcpu_read_stat(). */
enum vcpu_stat {
	VCPU_STAT_EXITS,
	VCPU_STAT_HALT_EXITS,
	VCPU_STAT_NR,
};

struct vm {
	int kvm_fd;		/* /dev/kvm */
	int fd;			/* VM */
	uint8_t *mem;		/* guest memory, guest physical 0 */
	uint64_t mem_size;	/* bytes */
	uint64_t brk;		/* next free guest physical page */
	uint64_t pml4;		/* guest physical address of the PML4 */
	uint64_t gdt;		/* guest physical addresses of GDT, IDT, TSS */
	uint64_t idt;
	uint64_t tss;
	size_t run_size;	/* size of the kvm_run mapping */
	struct kvm_cpuid2 *cpuid;	/* KVM_GET_SUPPORTED_CPUID */
};

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	struct guest_vcpu *data;	/* host view of the vCPU's guest data */
	uint64_t data_gpa;
	uint64_t stack_gpa;		/* lowest byte of the stack */
	uint32_t tsc_khz;		/* KVM_GET_TSC_KHZ */
	int stats_fd;			/* KVM_GET_STATS_FD, or -1 */
	int64_t stat_off[VCPU_STAT_NR];	/* file offsets in stats_fd, -1: none */
};

int kvm_open(void);
int kvm_check_cap(int fd, long cap);
void vm_create(struct vm *vm, int kvm_fd, unsigned int nr_vcpus);
void vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int id,
		 enum wl_profile profile);
int64_t vcpu_read_stat(struct vcpu *vcpu, enum vcpu_stat stat);

static inline void *gpa_to_hva(struct vm *vm, uint64_t gpa)
{
	return vm->mem + gpa;
}

#endif /* WORKLOAD_VM_H */
