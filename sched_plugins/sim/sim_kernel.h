/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The little of the kernel that policy logic uses, for the user-space
 * simulator: fixed-width types, list_head, a red-black tree with the
 * kernel's cached-tree interface (our own implementation, sim_rbtree.c),
 * 64-bit division helpers, kzalloc/kfree, a seq_file stub and a cpumask
 * of up to 64 CPUs.
 *
 * vmsched_plugin.h includes this header when __KERNEL__ is not defined.
 * Only what the policies use is here; anything else should fail to build.
 */
#ifndef _SIM_KERNEL_H
#define _SIM_KERNEL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#define S64_MAX		((s64)(U64_MAX >> 1))
#define NSEC_PER_USEC	1000ULL
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL

#ifndef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#endif
#define __maybe_unused	__attribute__((__unused__))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

#define BUILD_BUG_ON(cond)	((void)sizeof(char[1 - 2 * !!(cond)]))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))

#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define min_t(t, a, b)		((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)		((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp_t(t, v, lo, hi)	min_t(t, max_t(t, v, lo), hi)

/* a WARN in policy code is a test failure: the simulator counts them */
extern unsigned long sim_warnings;
void sim_warn(const char *file, int line, const char *cond);
#define WARN_ON_ONCE(cond)						\
	({								\
		bool __c = !!(cond);					\
		if (unlikely(__c))					\
			sim_warn(__FILE__, __LINE__, #cond);		\
		unlikely(__c);						\
	})
void sim_assert_sched_context(void);

/* allocation: only from ops.init, where the kernel may sleep */
typedef unsigned int gfp_t;
#define GFP_KERNEL	0U
static inline void *kzalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	return calloc(1, size);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

/* 64-bit division, as <linux/math64.h> */
static inline u64 div_u64_rem(u64 dividend, u32 divisor, u32 *remainder)
{
	*remainder = (u32)(dividend % divisor);
	return dividend / divisor;
}

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

/* module glue the logic files name */
struct module;
#define THIS_MODULE	((struct module *)NULL)

/* seq_file: dumps print to a stdio stream */
struct seq_file {
	FILE *f;
};

static inline void seq_printf(struct seq_file *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(m->f, fmt, ap);
	va_end(ap);
}

/* CPU masks, as <linux/cpumask.h>, for up to SIM_NR_CPUS CPUs */
#define SIM_NR_CPUS	64U

struct cpumask {
	unsigned long bits[1];
};

_Static_assert(sizeof(unsigned long) * 8 >= SIM_NR_CPUS, "cpumask too small");

static inline bool cpumask_test_cpu(unsigned int cpu, const struct cpumask *m)
{
	return cpu < SIM_NR_CPUS && (m->bits[0] >> cpu) & 1;
}

static inline void cpumask_set_cpu(unsigned int cpu, struct cpumask *m)
{
	if (cpu < SIM_NR_CPUS)
		m->bits[0] |= 1UL << cpu;
}

static inline void cpumask_clear_cpu(unsigned int cpu, struct cpumask *m)
{
	if (cpu < SIM_NR_CPUS)
		m->bits[0] &= ~(1UL << cpu);
}

static inline void cpumask_clear(struct cpumask *m)
{
	m->bits[0] = 0;
}

static inline unsigned int cpumask_weight(const struct cpumask *m)
{
	return (unsigned int)__builtin_popcountl(m->bits[0]);
}

/* doubly linked list, same interface as <linux/list.h> */
struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name)	{ &(name), &(name) }

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

static inline void __list_link(struct list_head *entry, struct list_head *prev,
			       struct list_head *next)
{
	next->prev = entry;
	entry->next = next;
	entry->prev = prev;
	prev->next = entry;
}

static inline void list_add(struct list_head *entry, struct list_head *head)
{
	__list_link(entry, head, head->next);
}

static inline void list_add_tail(struct list_head *entry, struct list_head *head)
{
	__list_link(entry, head->prev, head);
}

static inline void list_del_init(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
	INIT_LIST_HEAD(entry);
}

static inline void list_del(struct list_head *entry)
{
	list_del_init(entry);
}

static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}

#define list_entry(ptr, type, member)	container_of(ptr, type, member)
#define list_first_entry(head, type, member)				\
	list_entry((head)->next, type, member)
#define list_first_entry_or_null(head, type, member)			\
	(list_empty(head) ? NULL : list_first_entry(head, type, member))
#define list_for_each_entry(pos, head, member)				\
	for (pos = list_entry((head)->next, __typeof__(*pos), member);	\
	     &pos->member != (head);					\
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

#include "sim_rbtree.h"

#endif /* _SIM_KERNEL_H */
