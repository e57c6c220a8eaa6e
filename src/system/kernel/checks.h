/*
 * Private interfaces of the boot checker shared by its files: the list of
 * checks, the state they run in and the helpers they have in common.
 */
#ifndef KERNEL_CHECKS_H
#define KERNEL_CHECKS_H

#include "bootcheck.h"

#define KCHECK_PAGE_SIZE		4096ULL
#define KCHECK_PAGE_MASK		(KCHECK_PAGE_SIZE - 1)
#define PTE_PRESENT				0x1ULL
#define PTE_LARGE				0x80ULL
#define PTE_ADDRESS_MASK		0x000ffffffffff000ULL

/* For printing uint64_t with %llx: glibc's uint64_t is unsigned long. */
typedef unsigned long long ull;

/* In the order they run: later checks rely on earlier ones. */
enum kcheck_id {
	KCHECK_MAGIC,
	KCHECK_VERSION,
	KCHECK_ARGS_SIZE,
	KCHECK_SELF,
	KCHECK_BOOT_CPU,
	KCHECK_COUNTS,
	KCHECK_PHYSICAL_MEMORY_RANGES,
	KCHECK_PHYSICAL_ALLOCATED_RANGES,
	KCHECK_VIRTUAL_ALLOCATED_RANGES,
	KCHECK_ARGS_MAPPED,
	KCHECK_PHYSICAL_ALLOCATED_IN_MEMORY,
	KCHECK_LOADER_HEAP,
	KCHECK_KERNEL_SECTIONS,
	KCHECK_KERNEL_CONTENTS,
	KCHECK_KERNEL_IMAGE,
	KCHECK_KERNEL_LINKED,
	KCHECK_KERNEL_SEGMENTS,
	KCHECK_SEGMENT_FLAGS,
	KCHECK_SEGMENTS_PHYSICAL,
	KCHECK_STACK,
	KCHECK_LOADER_LOG,
	KCHECK_LOADER_NAME,
	KCHECK_PAGE_DIRECTORY,
	KCHECK_CR3,
	KCHECK_GDT,
	KCHECK_GDTR,
	KCHECK_CODE_SELECTOR,
	KCHECK_PHYSICAL_MAP,
	KCHECK_PAGE_TABLES,
	KCHECK_SEGMENT_TRANSLATION,
	KCHECK_SEGMENT_CONTENTS,
	KCHECK_VIRTUAL_BACKING,
	KCHECK_ARGS_ALIAS,
	KCHECK_COUNT
};

enum kcheck_status {
	KCHECK_NOT_RUN,
	KCHECK_PASSED,
	KCHECK_FAILED,
	KCHECK_SKIPPED,
};

struct kcheck_context {
	const struct bootcheck_environment	*environment;
	const kernel_args					*args;
	/* Physical address of the PML4 that translations start from. */
	uint64_t							page_root;
	enum kcheck_status					status[KCHECK_COUNT];
};

typedef bool (*kcheck_function)(const struct kcheck_context *context,
	char *reason, size_t reasonSize);

/* What a check needs besides kernel_args; without it the check is skipped. */
#define KCHECK_NEEDS_CPU		0x1
#define KCHECK_NEEDS_IMAGE		0x2

struct kcheck {
	const char		*name;
	kcheck_function	run;	/* true on pass; otherwise reason says why */
	uint32_t		needs;	/* KCHECK_NEEDS_* */
};

/* bootcheck.c */
extern const struct kcheck gKernelChecks[KCHECK_COUNT];

bool kcheck_fail(char *reason, size_t reasonSize, const char *format, ...)
	__attribute__((format(printf, 3, 4)));
bool kcheck_requires(const struct kcheck_context *context, enum kcheck_id id,
	char *reason, size_t reasonSize);
bool kcheck_requires_trusted_args(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_read_virtual(const struct kcheck_context *context, uint64_t address,
	void *buffer, size_t size);
bool kcheck_read_physical(const struct kcheck_context *context, uint64_t address,
	void *buffer, size_t size);

/* report.c */
void kcheck_printf(const struct bootcheck_environment *environment, const char *format, ...)
	__attribute__((format(printf, 2, 3)));
void kcheck_print_summary(const struct kcheck_context *context);

/* checks_args.c: spans, ranges and the kernel_args header */
bool kcheck_span_last(uint64_t start, uint64_t size, uint64_t *_last);
bool kcheck_span_page_aligned(uint64_t start, uint64_t size);
bool kcheck_spans_overlap(uint64_t startA, uint64_t sizeA, uint64_t startB, uint64_t sizeB);
uint32_t kcheck_clamp_count(uint32_t count, uint32_t max);
int32_t kcheck_span_find(const addr_range *ranges, uint32_t count, uint32_t max,
	uint64_t start, uint64_t size);
bool kcheck_physical_allocated_contains(const kernel_args *args, uint64_t start,
	uint64_t size);

bool kcheck_magic(const struct kcheck_context *context, char *reason, size_t reasonSize);
bool kcheck_version(const struct kcheck_context *context, char *reason, size_t reasonSize);
bool kcheck_args_size(const struct kcheck_context *context, char *reason, size_t reasonSize);
bool kcheck_self(const struct kcheck_context *context, char *reason, size_t reasonSize);
bool kcheck_boot_cpu(const struct kcheck_context *context, char *reason, size_t reasonSize);
bool kcheck_counts(const struct kcheck_context *context, char *reason, size_t reasonSize);
bool kcheck_physical_memory_ranges(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_physical_allocated_ranges(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_virtual_allocated_ranges(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_args_mapped(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_loader_heap(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_physical_allocated_in_memory(const struct kcheck_context *context, char *reason,
	size_t reasonSize);

/* checks_image.c: the kernel image, its segments, stack, log and name */
const kernel_segment *kcheck_segment_containing(const kernel_image *kernel,
	uint64_t address);

bool kcheck_kernel_sections(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_kernel_contents(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_kernel_image(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_kernel_linked(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_kernel_segments(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_segment_flags(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_segments_physical(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_stack(const struct kcheck_context *context, char *reason, size_t reasonSize);
bool kcheck_loader_log(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_loader_name(const struct kcheck_context *context, char *reason,
	size_t reasonSize);

/* checks_cpu.c: page directory, CR3, GDT and selectors */
bool kcheck_page_directory(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_cr3(const struct kcheck_context *context, char *reason, size_t reasonSize);
bool kcheck_gdt(const struct kcheck_context *context, char *reason, size_t reasonSize);
bool kcheck_gdtr(const struct kcheck_context *context, char *reason, size_t reasonSize);
bool kcheck_code_selector(const struct kcheck_context *context, char *reason,
	size_t reasonSize);

/* checks_mmu.c: the physical map, the page tables and what they translate */
bool kcheck_physical_map(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_page_tables(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_segment_translation(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_segment_contents(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_virtual_backing(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_args_alias(const struct kcheck_context *context, char *reason,
	size_t reasonSize);

#endif
