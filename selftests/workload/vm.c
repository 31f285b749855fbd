// SPDX-License-Identifier: GPL-2.0
/*
 * vm.c - VM and vCPU creation: memory, page tables, GDT/IDT, CPUID,
 * registers. The vCPUs start in 64-bit mode at guest_entries.main with
 * interrupts disabled.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"
#include "vm.h"

#define PTE_PRESENT	(1ull << 0)
#define PTE_WRITE	(1ull << 1)
#define PTE_ADDR_MASK	0x000ffffffffff000ull

#define X86_CR0_PE	(1ull << 0)
#define X86_CR0_MP	(1ull << 1)
#define X86_CR0_ET	(1ull << 4)
#define X86_CR0_NE	(1ull << 5)
#define X86_CR0_WP	(1ull << 16)
#define X86_CR0_PG	(1ull << 31)
#define X86_CR4_PAE	(1ull << 5)
#define X86_CR4_OSFXSR	(1ull << 9)
#define X86_CR4_OSXMMEXCPT (1ull << 10)
#define EFER_LME	(1ull << 8)
#define EFER_LMA	(1ull << 10)

#define SEL_CODE	0x08
#define SEL_DATA	0x10
#define SEL_TSS		0x18
#define GDT_ENTRIES	5	/* null, code, data, TSS (two slots) */
#define TSS_LIMIT	0x67

#define CPUID_1_ECX_X2APIC	(1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)

#define TSS_ADDR	0xfffbd000	/* what QEMU uses; needed on VMX only */

static uint64_t pages_of(uint64_t bytes)
{
	return (bytes + WL_PAGE_SIZE - 1) / WL_PAGE_SIZE;
}

static uint64_t data_gva(uint64_t gpa)
{
	return WL_DATA_GVA + gpa;
}

int kvm_open(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		wl_die(WL_EXIT_SKIP, "cannot open /dev/kvm: %s", strerror(errno));
	if (ioctl(fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		wl_die(WL_EXIT_SKIP, "/dev/kvm has an unknown API version");
	return fd;
}

int kvm_check_cap(int fd, long cap)
{
	int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

static uint64_t vm_alloc_pages(struct vm *vm, uint64_t nr)
{
	uint64_t gpa = vm->brk;

	WL_ASSERT(gpa + nr * WL_PAGE_SIZE <= vm->mem_size,
		  "guest memory exhausted (%llu pages wanted at 0x%llx)",
		  (unsigned long long)nr, (unsigned long long)gpa);
	vm->brk += nr * WL_PAGE_SIZE;
	return gpa;
}

/* Map the 4 KiB page at @gva to @gpa, allocating page tables as needed. */
static void virt_map_page(struct vm *vm, uint64_t gva, uint64_t gpa)
{
	uint64_t *table = gpa_to_hva(vm, vm->pml4);
	int shift;

	for (shift = 39; shift > 12; shift -= 9) {
		uint64_t *pte = &table[(gva >> shift) & 511];

		if (!(*pte & PTE_PRESENT))
			*pte = vm_alloc_pages(vm, 1) | PTE_PRESENT | PTE_WRITE;
		table = gpa_to_hva(vm, *pte & PTE_ADDR_MASK);
	}
	table[(gva >> 12) & 511] = gpa | PTE_PRESENT | PTE_WRITE;
}

static void virt_map(struct vm *vm, uint64_t gva, uint64_t gpa, uint64_t nr)
{
	for (; nr; nr--, gva += WL_PAGE_SIZE, gpa += WL_PAGE_SIZE)
		virt_map_page(vm, gva, gpa);
}

static void gdt_init(struct vm *vm)
{
	uint64_t *gdt = gpa_to_hva(vm, vm->gdt);
	uint64_t base = data_gva(vm->tss);

	gdt[SEL_CODE / 8] = 0x00af9b000000ffffull;	/* 64-bit code, DPL 0 */
	gdt[SEL_DATA / 8] = 0x00cf93000000ffffull;	/* flat data, DPL 0 */
	gdt[SEL_TSS / 8] = TSS_LIMIT | (base & 0xffffff) << 16 |
			   0x89ull << 40 |		/* present, 64-bit TSS */
			   ((base >> 24) & 0xff) << 56;
	gdt[SEL_TSS / 8 + 1] = base >> 32;
}

static void idt_set_gate(struct vm *vm, unsigned int vector, uint64_t handler)
{
	uint64_t *gate = (uint64_t *)gpa_to_hva(vm, vm->idt) + vector * 2;

	gate[0] = (handler & 0xffff) | (uint64_t)SEL_CODE << 16 |
		  0x8eull << 40 |			/* present, interrupt gate */
		  ((handler >> 16) & 0xffff) << 48;
	gate[1] = handler >> 32;
}

static void idt_init(struct vm *vm)
{
	unsigned int i;

	for (i = 0; i < 32; i++)
		idt_set_gate(vm, i, guest_entries.exc[i]);
	idt_set_gate(vm, WL_TIMER_VECTOR, guest_entries.timer);
	idt_set_gate(vm, WL_SPURIOUS_VECTOR, guest_entries.spurious);
}

static void code_init(struct vm *vm)
{
	uint64_t start = (uintptr_t)__start_guest_text & ~(WL_PAGE_SIZE - 1);
	uint64_t nr = pages_of((uintptr_t)__stop_guest_text - start);
	uint64_t gpa = vm_alloc_pages(vm, nr);

	WL_ASSERT(start + nr * WL_PAGE_SIZE <= WL_DATA_GVA ||
		  start >= WL_DATA_GVA + vm->mem_size,
		  "guest code at 0x%llx overlaps guest data", (unsigned long long)start);
	memcpy(gpa_to_hva(vm, gpa), (void *)(uintptr_t)start, nr * WL_PAGE_SIZE);
	virt_map(vm, start, gpa, nr);
}

static struct kvm_cpuid2 *get_supported_cpuid(int kvm_fd)
{
	struct kvm_cpuid2 *cpuid;
	unsigned int nent = 64;

	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
		WL_ASSERT(cpuid, "out of memory");
		cpuid->nent = nent;
		if (!ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid))
			return cpuid;
		WL_ASSERT(errno == E2BIG, "KVM_GET_SUPPORTED_CPUID");
		free(cpuid);
		nent *= 2;
	}
}

/* Guest memory needed for @nr_vcpus, page tables included. */
static uint64_t vm_mem_pages(unsigned int nr_vcpus)
{
	uint64_t code = pages_of(__stop_guest_text - __start_guest_text) + 1;
	uint64_t per_vcpu = pages_of(sizeof(struct guest_vcpu)) + WL_STACK_PAGES;
	uint64_t pages = 4 + code + nr_vcpus * per_vcpu;

	/* PML4, two paths of PDPT/PD/PT, one PT per 512 pages, twice over. */
	return pages + 16 + 2 * pages_of(pages * 8);
}

void vm_create(struct vm *vm, int kvm_fd, unsigned int nr_vcpus)
{
	struct kvm_userspace_memory_region region = { 0 };
	int r;

	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = kvm_fd;
	do
		vm->fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	while (vm->fd < 0 && errno == EINTR);
	WL_ASSERT(vm->fd >= 0, "KVM_CREATE_VM");
	r = ioctl(vm->fd, KVM_SET_TSS_ADDR, TSS_ADDR);
	WL_ASSERT(!r, "KVM_SET_TSS_ADDR");
	r = ioctl(vm->fd, KVM_CREATE_IRQCHIP, 0);
	WL_ASSERT(!r, "KVM_CREATE_IRQCHIP");

	vm->mem_size = vm_mem_pages(nr_vcpus) * WL_PAGE_SIZE;
	vm->mem = mmap(NULL, vm->mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	WL_ASSERT(vm->mem != MAP_FAILED, "mmap of %llu bytes of guest memory",
		  (unsigned long long)vm->mem_size);
	region.memory_size = vm->mem_size;
	region.userspace_addr = (uintptr_t)vm->mem;
	r = ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region);
	WL_ASSERT(!r, "KVM_SET_USER_MEMORY_REGION");

	vm->brk = WL_PAGE_SIZE;		/* keep guest physical 0 unused */
	vm->gdt = vm_alloc_pages(vm, 1);
	vm->idt = vm_alloc_pages(vm, 1);
	vm->tss = vm_alloc_pages(vm, 1);
	vm->pml4 = vm_alloc_pages(vm, 1);
	virt_map(vm, WL_DATA_GVA, 0, vm->mem_size / WL_PAGE_SIZE);
	code_init(vm);
	gdt_init(vm);
	idt_init(vm);

	vm->cpuid = get_supported_cpuid(kvm_fd);
	r = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	WL_ASSERT(r > 0, "KVM_GET_VCPU_MMAP_SIZE");
	vm->run_size = r;
}

static void vcpu_set_cpuid(struct vcpu *vcpu)
{
	struct kvm_cpuid2 *src = vcpu->vm->cpuid, *cpuid;
	size_t size = sizeof(*src) + src->nent * sizeof(src->entries[0]);
	unsigned int i;
	int r;

	cpuid = malloc(size);
	WL_ASSERT(cpuid, "out of memory");
	memcpy(cpuid, src, size);
	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function == 1) {
			e->ebx = (e->ebx & 0x00ffffff) | vcpu->id << 24;
			e->ecx |= CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE;
		} else if (e->function == 0xb || e->function == 0x1f) {
			e->edx = vcpu->id;
		}
	}
	r = ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid);
	WL_ASSERT(!r, "KVM_SET_CPUID2 on vCPU %u", vcpu->id);
	free(cpuid);
}

static void seg_flat(struct kvm_segment *seg, uint16_t selector, bool code)
{
	memset(seg, 0, sizeof(*seg));
	seg->limit = 0xffffffff;
	seg->selector = selector;
	seg->type = code ? 11 : 3;	/* execute/read or read/write, accessed */
	seg->present = 1;
	seg->s = 1;
	seg->l = code;
	seg->db = !code;
	seg->g = 1;
}

static void vcpu_set_sregs(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct kvm_sregs sregs;
	int r;

	r = ioctl(vcpu->fd, KVM_GET_SREGS, &sregs);
	WL_ASSERT(!r, "KVM_GET_SREGS on vCPU %u", vcpu->id);

	sregs.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		    X86_CR0_WP | X86_CR0_PG;
	sregs.cr3 = vm->pml4;
	sregs.cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	sregs.efer = EFER_LME | EFER_LMA;

	seg_flat(&sregs.cs, SEL_CODE, true);
	seg_flat(&sregs.ds, SEL_DATA, false);
	sregs.es = sregs.fs = sregs.ss = sregs.gs = sregs.ds;
	sregs.gs.base = data_gva(vcpu->data_gpa);

	memset(&sregs.tr, 0, sizeof(sregs.tr));
	sregs.tr.base = data_gva(vm->tss);
	sregs.tr.limit = TSS_LIMIT;
	sregs.tr.selector = SEL_TSS;
	sregs.tr.type = 11;		/* busy 64-bit TSS */
	sregs.tr.present = 1;

	memset(&sregs.ldt, 0, sizeof(sregs.ldt));
	sregs.ldt.unusable = 1;

	sregs.gdt.base = data_gva(vm->gdt);
	sregs.gdt.limit = GDT_ENTRIES * 8 - 1;
	sregs.idt.base = data_gva(vm->idt);
	sregs.idt.limit = 256 * 16 - 1;

	r = ioctl(vcpu->fd, KVM_SET_SREGS, &sregs);
	WL_ASSERT(!r, "KVM_SET_SREGS on vCPU %u", vcpu->id);
}

static void vcpu_set_regs(struct vcpu *vcpu)
{
	uint64_t stack_top = data_gva(vcpu->stack_gpa) + WL_STACK_PAGES * WL_PAGE_SIZE;
	struct kvm_regs regs = {
		.rip = guest_entries.main,
		.rsp = stack_top - 8,	/* as if just called */
		.rflags = 0x2,		/* interrupts off */
	};
	int r;

	r = ioctl(vcpu->fd, KVM_SET_REGS, &regs);
	WL_ASSERT(!r, "KVM_SET_REGS on vCPU %u", vcpu->id);
}

/* Find the binary stats this tool reports; missing ones read as -1. */
static void vcpu_stats_init(struct vcpu *vcpu)
{
	static const char *const names[VCPU_STAT_NR] = {
		[VCPU_STAT_EXITS] = "exits",
		[VCPU_STAT_HALT_EXITS] = "halt_exits",
	};
	struct kvm_stats_header hdr;
	struct kvm_stats_desc *desc;
	size_t desc_size;
	unsigned int i, s;

	for (s = 0; s < VCPU_STAT_NR; s++)
		vcpu->stat_off[s] = -1;
	vcpu->stats_fd = -1;
	if (!kvm_check_cap(vcpu->vm->fd, KVM_CAP_BINARY_STATS_FD))
		return;
	vcpu->stats_fd = ioctl(vcpu->fd, KVM_GET_STATS_FD, NULL);
	if (vcpu->stats_fd < 0)
		return;
	if (pread(vcpu->stats_fd, &hdr, sizeof(hdr), 0) != sizeof(hdr))
		return;
	desc_size = sizeof(*desc) + hdr.name_size;
	desc = malloc(desc_size);
	WL_ASSERT(desc, "out of memory");
	for (i = 0; i < hdr.num_desc; i++) {
		if (pread(vcpu->stats_fd, desc, desc_size,
			  hdr.desc_offset + i * desc_size) != (ssize_t)desc_size)
			break;
		desc->name[hdr.name_size - 1] = '\0';
		for (s = 0; s < VCPU_STAT_NR; s++)
			if (!strcmp(desc->name, names[s]))
				vcpu->stat_off[s] = hdr.data_offset + desc->offset;
	}
	free(desc);
}

int64_t vcpu_read_stat(struct vcpu *vcpu, enum vcpu_stat stat)
{
	uint64_t val;

	if (vcpu->stat_off[stat] < 0 ||
	    pread(vcpu->stats_fd, &val, sizeof(val), vcpu->stat_off[stat]) != sizeof(val))
		return -1;
	return val;
}

void vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int id,
		 enum wl_profile profile)
{
	struct kvm_mp_state mp_state = { .mp_state = KVM_MP_STATE_RUNNABLE };
	int r;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	WL_ASSERT(vcpu->fd >= 0, "KVM_CREATE_VCPU %u", id);
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	WL_ASSERT(vcpu->run != MAP_FAILED, "mmap of kvm_run of vCPU %u", id);

	vcpu->data_gpa = vm_alloc_pages(vm, pages_of(sizeof(struct guest_vcpu)));
	vcpu->stack_gpa = vm_alloc_pages(vm, WL_STACK_PAGES);
	vcpu->data = gpa_to_hva(vm, vcpu->data_gpa);
	vcpu->data->self = data_gva(vcpu->data_gpa);
	vcpu->data->id = id;
	vcpu->data->profile = profile;

	r = ioctl(vcpu->fd, KVM_GET_TSC_KHZ, 0);
	vcpu->tsc_khz = r > 0 ? r : 0;
	vcpu->data->tsc_khz = vcpu->tsc_khz;

	vcpu_set_cpuid(vcpu);
	vcpu_set_sregs(vcpu);
	vcpu_set_regs(vcpu);
	/* With an in-kernel irqchip, vCPUs other than 0 wait for INIT/SIPI. */
	r = ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp_state);
	WL_ASSERT(!r, "KVM_SET_MP_STATE on vCPU %u", id);
	vcpu_stats_init(vcpu);
}
