/*
 * The kernel_args ABI: everything the loader hands to the kernel.
 *
 * Rules (see docs/kernel_args.md):
 * - fixed-width fields only; every address is a 64-bit kernel virtual address
 *   unless its name says "physical";
 * - everything it points to was allocated with kernel_args_malloc() or
 *   platform_allocate_region() and lies in a virtual allocated range;
 * - new fields are only ever appended; a kernel checks version and
 *   kernel_args_size before it reads a field newer than it knows.
 */
#ifndef BOOT_KERNEL_ARGS_H
#define BOOT_KERNEL_ARGS_H

#include <stdint.h>

#include <arch_kernel_args.h>

#define KERNEL_ARGS_MAGIC		0x5347524141424b48ULL	/* "HKBAARGS" */
#define KERNEL_ARGS_VERSION		1

#define MAX_PHYSICAL_MEMORY_RANGES		256
#define MAX_PHYSICAL_ALLOCATED_RANGES	256
#define MAX_VIRTUAL_ALLOCATED_RANGES	64
#define MAX_KERNEL_SEGMENTS				8
#define KERNEL_IMAGE_NAME_LENGTH		64

/* A half-open range [start, start + size); both page aligned in the arrays. */
typedef struct addr_range {
	uint64_t	start;
	uint64_t	size;
} addr_range;

/* Segment permissions, mirroring ELF p_flags. */
#define KERNEL_SEGMENT_EXECUTE	0x1
#define KERNEL_SEGMENT_WRITE	0x2
#define KERNEL_SEGMENT_READ		0x4

typedef struct kernel_segment {
	uint64_t	virtual_address;	/* page aligned start of the mapping */
	uint64_t	physical_address;
	uint64_t	size;				/* page aligned size of the mapping */
	uint32_t	flags;				/* KERNEL_SEGMENT_* */
	uint32_t	reserved;
} kernel_segment;

typedef struct kernel_image {
	char		name[KERNEL_IMAGE_NAME_LENGTH];	/* path it was loaded from */
	uint64_t	entry;				/* virtual address of the entry point */
	uint64_t	image_start;		/* lowest mapped virtual address */
	uint64_t	image_end;			/* end of the highest mapping */
	uint64_t	file_size;			/* bytes read from the boot volume */
	uint16_t	elf_type;			/* e_type */
	uint16_t	elf_machine;		/* e_machine */
	uint16_t	program_header_count;
	uint16_t	segment_count;
	uint32_t	reserved;
	kernel_segment	segments[MAX_KERNEL_SEGMENTS];
} kernel_image;

typedef struct kernel_args {
	uint64_t	magic;				/* KERNEL_ARGS_MAGIC */
	uint32_t	version;			/* KERNEL_ARGS_VERSION */
	uint32_t	kernel_args_size;	/* sizeof(kernel_args) of the loader */
	uint64_t	self;				/* kernel address of this structure */
	uint64_t	loader_name;		/* kernel address of a NUL-terminated string */

	uint32_t	num_physical_memory_ranges;
	uint32_t	num_physical_allocated_ranges;
	uint32_t	num_virtual_allocated_ranges;
	uint32_t	cpu_count;

	/* Usable RAM: conventional, boot services and loader memory. */
	addr_range	physical_memory_range[MAX_PHYSICAL_MEMORY_RANGES];
	/* RAM the kernel must not reuse before it has taken over what is there. */
	addr_range	physical_allocated_range[MAX_PHYSICAL_ALLOCATED_RANGES];
	/* Kernel virtual address ranges in use, including the physical map. */
	addr_range	virtual_allocated_range[MAX_VIRTUAL_ALLOCATED_RANGES];

	kernel_image	kernel;

	/* The boot CPU's stack, as kernel virtual addresses; rsp starts at the top. */
	addr_range	cpu_kernel_stack[1];

	/* All physical memory is mapped at physical_map_base (see arch header). */
	uint64_t	physical_map_base;
	uint64_t	physical_map_size;

	/* The loader's log, copied at handoff; not NUL terminated. */
	uint64_t	log_address;
	uint64_t	log_size;

	struct arch_kernel_args		arch_args;

	/*
	 * Physical memory of the loader's heap, given back to the firmware
	 * before the final memory map: usable RAM, not allocated. Size 0 when
	 * the heap was not in the kernel's physical memory (the hosted port).
	 */
	addr_range	loader_heap;

	/* Appended fields go here; kernel_args_size tells a kernel how far to read. */
	uint64_t	reserved[32];
} kernel_args;

#endif
