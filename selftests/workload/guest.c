// SPDX-License-Identifier: GPL-2.0
/*
 * guest.c - the code that runs inside the workload VM (64-bit long mode).
 *
 * Design
 *   Every function here is placed in GUEST_SECTION. The VMM copies the pages
 *   of that section into guest memory and maps them at the same virtual
 *   address they have in this binary, so guest code may call other guest
 *   code freely, but must not touch anything outside the section: no
 *   globals, no string literals, no jump tables, no library calls. The
 *   Makefile rejects a guest.o with a relocation that leaves the section.
 *   Per-vCPU state is reached through %gs: its base is the vCPU's
 *   struct guest_vcpu, whose first word is its own address.
 *
 *   The guest runs with interrupts disabled, except inside "sti; hlt". Its
 *   only interrupt source is the local APIC timer in TSC-deadline mode
 *   (x2APIC, in-kernel irqchip), so waking up never exits to user space.
 *   Progress is a counter in guest memory that the VMM reads directly.
 *
 *   spin     increment the counter forever
 *   duty     run_cycles busy incrementing, then halt for halt_cycles, repeat
 *   latency  halt until a periodic deadline; the timer handler records
 *            rdtsc() - deadline in ns into hist[]; counter = wakeups
 *   exit     write to WL_PORT_TICK (a user-space exit), then count it
 *
 *   Unexpected exceptions store vector, error code and RIP in the
 *   guest_vcpu and write the vector to WL_PORT_PANIC.
 */
#include <stdint.h>

#include "guest.h"

#ifdef __clang__
/* Handlers only "call" always_inline helpers: nothing to save. */
#pragma clang diagnostic ignored "-Winterrupt-service-routine"
#endif

#define __guest		__attribute__((section(GUEST_SECTION)))
#define __guest_inline	__guest inline __attribute__((always_inline))

#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))

#define MSR_IA32_APICBASE	0x1b
#define APICBASE_ENABLE		(1ull << 11)
#define APICBASE_X2APIC		(1ull << 10)
#define MSR_IA32_TSC_DEADLINE	0x6e0
#define MSR_X2APIC_EOI		0x80b
#define MSR_X2APIC_SVR		0x80f
#define MSR_X2APIC_LVTT		0x832
#define APIC_SVR_ENABLE		(1u << 8)
#define APIC_LVTT_TSC_DEADLINE	(2u << 17)

/* Increments between two rdtsc() in the duty loop. */
#define BURST			1024

struct intr_frame {
	uint64_t rip;
	uint64_t cs;
	uint64_t rflags;
	uint64_t rsp;
	uint64_t ss;
};

static __guest_inline struct guest_vcpu *this_vcpu(void)
{
	struct guest_vcpu *d;

	asm("mov %%gs:0, %0" : "=r"(d));
	return d;
}

static __guest_inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static __guest_inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static __guest_inline void wrmsr(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)val),
		     "d"((uint32_t)(val >> 32)) : "memory");
}

static __guest_inline void outb(uint16_t port, uint8_t val)
{
	asm volatile("outb %0, %1" : : "a"(val), "Nd"(port) : "memory");
}

static __guest_inline void __attribute__((noreturn))
guest_panic(uint64_t vector, uint64_t error, uint64_t rip)
{
	struct guest_vcpu *d = this_vcpu();

	WRITE_ONCE(d->panic_vector, vector);
	WRITE_ONCE(d->panic_error, error);
	WRITE_ONCE(d->panic_rip, rip);
	for (;;) {
		outb(WL_PORT_PANIC, vector);
		asm volatile("cli; hlt");
	}
}

#define EXC(n)								\
static __guest __attribute__((interrupt)) void				\
exc_##n(struct intr_frame *f)						\
{									\
	guest_panic(n, 0, f->rip);					\
}

#define EXC_ERR(n)							\
static __guest __attribute__((interrupt)) void				\
exc_##n(struct intr_frame *f, uint64_t error)				\
{									\
	guest_panic(n, error, f->rip);					\
}

EXC(0) EXC(1) EXC(2) EXC(3) EXC(4) EXC(5) EXC(6) EXC(7)
EXC_ERR(8) EXC(9) EXC_ERR(10) EXC_ERR(11) EXC_ERR(12) EXC_ERR(13) EXC_ERR(14) EXC(15)
EXC(16) EXC_ERR(17) EXC(18) EXC(19) EXC(20) EXC_ERR(21) EXC(22) EXC(23)
EXC(24) EXC(25) EXC(26) EXC(27) EXC(28) EXC_ERR(29) EXC_ERR(30) EXC(31)

/* Wake-up latency: how late this handler runs after the programmed deadline. */
static __guest __attribute__((interrupt)) void
timer_isr(struct intr_frame *f __attribute__((unused)))
{
	uint64_t now = rdtsc();
	struct guest_vcpu *d = this_vcpu();
	uint64_t deadline = READ_ONCE(d->deadline);
	uint64_t ns = 0;
	unsigned int idx;

	if (now > deadline)
		ns = (now - deadline) * 1000000 / d->tsc_khz;
	idx = wl_hist_index(ns);
	WRITE_ONCE(d->hist[idx], d->hist[idx] + 1);
	if (ns > READ_ONCE(d->lat_max_ns))
		WRITE_ONCE(d->lat_max_ns, ns);
	WRITE_ONCE(d->wakeups, d->wakeups + 1);
	WRITE_ONCE(d->fired, 1);
	wrmsr(MSR_X2APIC_EOI, 0);
}

static __guest __attribute__((interrupt)) void
spurious_isr(struct intr_frame *f __attribute__((unused)))
{
}

static __guest_inline void timer_init(void)
{
	wrmsr(MSR_IA32_APICBASE,
	      rdmsr(MSR_IA32_APICBASE) | APICBASE_ENABLE | APICBASE_X2APIC);
	wrmsr(MSR_X2APIC_SVR, APIC_SVR_ENABLE | WL_SPURIOUS_VECTOR);
	wrmsr(MSR_X2APIC_LVTT, APIC_LVTT_TSC_DEADLINE | WL_TIMER_VECTOR);
}

/* Halt until the TSC reaches @deadline. Interrupts are off on entry and exit. */
static __guest_inline void sleep_until(struct guest_vcpu *d, uint64_t deadline)
{
	WRITE_ONCE(d->fired, 0);
	WRITE_ONCE(d->deadline, deadline);
	wrmsr(MSR_IA32_TSC_DEADLINE, deadline);
	while (!READ_ONCE(d->fired))
		asm volatile("sti; hlt; cli" : : : "memory");
}

/*
 * The unit of work of spin and duty: the same loop in both, so that their
 * rates compare (duty adds one rdtsc per burst).
 */
static __guest_inline uint64_t burst(struct guest_vcpu *d, uint64_t c)
{
	int i;

	for (i = 0; i < BURST; i++)
		WRITE_ONCE(d->counter, ++c);
	return c;
}

static __guest void __attribute__((noreturn)) spin(struct guest_vcpu *d)
{
	uint64_t c = 0;

	for (;;)
		c = burst(d, c);
}

static __guest void __attribute__((noreturn)) duty(struct guest_vcpu *d)
{
	uint64_t c = 0, end;

	timer_init();
	for (;;) {
		end = rdtsc() + d->run_cycles;
		do
			c = burst(d, c);
		while (rdtsc() < end);
		if (d->halt_cycles)
			sleep_until(d, rdtsc() + d->halt_cycles);
	}
}

static __guest void __attribute__((noreturn)) latency(struct guest_vcpu *d)
{
	uint64_t c = 0, next, now;

	timer_init();
	WRITE_ONCE(d->counter, ++c);	/* started */
	next = rdtsc() + d->period_cycles;
	for (;;) {
		sleep_until(d, next);
		WRITE_ONCE(d->counter, ++c);
		next += d->period_cycles;
		now = rdtsc();
		if ((int64_t)(next - now) <= 0) {
			/* Too late for the next period: skip, do not burst. */
			WRITE_ONCE(d->overruns, d->overruns + 1);
			next = now + d->period_cycles;
		}
	}
}

static __guest void __attribute__((noreturn)) exit_loop(struct guest_vcpu *d)
{
	uint64_t c = 0;

	for (;;) {
		outb(WL_PORT_TICK, 0);
		WRITE_ONCE(d->counter, ++c);
	}
}

static __guest void __attribute__((noreturn)) guest_main(void)
{
	struct guest_vcpu *d = this_vcpu();

	if (d->profile == WL_PROFILE_DUTY)
		duty(d);
	if (d->profile == WL_PROFILE_LATENCY)
		latency(d);
	if (d->profile == WL_PROFILE_EXIT)
		exit_loop(d);
	spin(d);
}

const struct guest_entries guest_entries = {
	.main = (uint64_t)guest_main,
	.timer = (uint64_t)timer_isr,
	.spurious = (uint64_t)spurious_isr,
	.exc = {
		(uint64_t)exc_0, (uint64_t)exc_1, (uint64_t)exc_2, (uint64_t)exc_3,
		(uint64_t)exc_4, (uint64_t)exc_5, (uint64_t)exc_6, (uint64_t)exc_7,
		(uint64_t)exc_8, (uint64_t)exc_9, (uint64_t)exc_10, (uint64_t)exc_11,
		(uint64_t)exc_12, (uint64_t)exc_13, (uint64_t)exc_14, (uint64_t)exc_15,
		(uint64_t)exc_16, (uint64_t)exc_17, (uint64_t)exc_18, (uint64_t)exc_19,
		(uint64_t)exc_20, (uint64_t)exc_21, (uint64_t)exc_22, (uint64_t)exc_23,
		(uint64_t)exc_24, (uint64_t)exc_25, (uint64_t)exc_26, (uint64_t)exc_27,
		(uint64_t)exc_28, (uint64_t)exc_29, (uint64_t)exc_30, (uint64_t)exc_31,
	},
};
