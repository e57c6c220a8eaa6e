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
/* Firmware maps of 300+ entries exist; merged neighbours take fewer. */
#define MAX_MEMORY_MAP_ENTRIES			512
#define MAX_PRELOADED_IMAGES			16
#define MAX_BOOT_EVENTS					64
#define BOOT_EVENT_NAME_LENGTH			48

/*
 * kernel_args.boot_options: what the user chose in the configuration file or
 * the boot menu (docs/config.md). Values are ABI; bits not listed are 0.
 */
#define BOOT_OPTION_DISABLE_SMP		(1u << 0)	/* boot the boot CPU only */
#define BOOT_OPTION_DISABLE_ACPI	(1u << 1)	/* ignore the ACPI tables */
#define BOOT_OPTION_FAILSAFE_VIDEO	(1u << 2)	/* keep the firmware's video mode */
#define BOOT_OPTION_IGNORE_ABOVE_4G	(1u << 3)	/* use no physical memory above 4 GiB */
#define BOOT_OPTION_SERIAL_DEBUG	(1u << 4)	/* kernel debug output on the serial line */
#define BOOT_OPTION_ONSCREEN_LOG	(1u << 5)	/* kernel debug output on the screen */
#define BOOT_OPTION_ALL				0x3fu

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

/* What a typed memory map entry holds; 0 is never used. */
enum kernel_memory_type {
	KERNEL_MEMORY_USABLE = 1,			/* free RAM */
	KERNEL_MEMORY_RESERVED,				/* firmware-reserved, unusable */
	KERNEL_MEMORY_ACPI_RECLAIMABLE,		/* ACPI tables; RAM once parsed */
	KERNEL_MEMORY_ACPI_NVS,				/* must be preserved across sleep */
	KERNEL_MEMORY_RUNTIME_CODE,			/* EFI runtime services, mapped */
	KERNEL_MEMORY_RUNTIME_DATA,
	KERNEL_MEMORY_MMIO,					/* device memory the firmware named */
	KERNEL_MEMORY_LOADER_RECLAIMABLE,	/* kernel_args data, page tables, stack */
	KERNEL_MEMORY_KERNEL_AND_MODULES,	/* kernel segments, preloaded images */
	KERNEL_MEMORY_FRAMEBUFFER,
	KERNEL_MEMORY_BAD,					/* reported defective */
};

/* A typed physical range; entries are page aligned, sorted, disjoint. */
typedef struct memory_map_entry {
	uint64_t	start;
	uint64_t	size;
	uint32_t	type;				/* enum kernel_memory_type */
	uint32_t	reserved;
} memory_map_entry;

/* preloaded_image.type */
enum preloaded_image_type {
	PRELOADED_MODULE = 1,			/* a file the configuration named */
	PRELOADED_KERNEL_SYMBOLS,		/* the kernel's ELF .symtab */
	PRELOADED_KERNEL_STRINGS,		/* the string table .symtab refers to */
};

typedef struct preloaded_image {
	char		name[KERNEL_IMAGE_NAME_LENGTH];	/* path, or ".symtab"/".strtab" */
	uint64_t	address;			/* kernel address of the contents */
	uint64_t	size;				/* bytes */
	uint64_t	command_line;		/* kernel address of a string, or 0 */
	uint32_t	type;				/* enum preloaded_image_type */
	uint32_t	crc32;				/* of the contents, IEEE 802.3 */
} preloaded_image;

/* The GOP framebuffer, if any. */
typedef struct kernel_framebuffer {
	uint64_t	physical_address;	/* 0: no framebuffer (a valid state) */
	uint64_t	address;			/* kernel address it is mapped at */
	uint64_t	size;				/* bytes, page aligned */
	uint32_t	width;				/* pixels */
	uint32_t	height;
	uint32_t	bytes_per_line;
	uint32_t	bits_per_pixel;
	uint32_t	red_mask;			/* channel positions within a pixel */
	uint32_t	green_mask;
	uint32_t	blue_mask;
	uint32_t	reserved_mask;
} kernel_framebuffer;

/* One step of the boot, stamped with the boot CPU's time stamp counter. */
typedef struct boot_event {
	uint64_t	tsc;
	uint64_t	detail;				/* bytes for a file load, else 0 */
	char		name[BOOT_EVENT_NAME_LENGTH];
} boot_event;

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

	/* The memory map with types, for kernels that want more than the ranges. */
	uint32_t	num_memory_map_entries;
	uint32_t	num_preloaded_images;
	memory_map_entry	memory_map[MAX_MEMORY_MAP_ENTRIES];

	/* The kernel's symbol and string tables, and modules. */
	preloaded_image	preloaded_images[MAX_PRELOADED_IMAGES];
	uint64_t	command_line;		/* kernel address of the kernel's command line */

	/* Firmware tables: physical addresses, 0 when absent. */
	uint64_t	acpi_rsdp;			/* RSDP, checksums verified */
	uint32_t	acpi_revision;		/* 0: ACPI 1.0 RSDT only; 2: XSDT */
	uint32_t	boot_cpu_apic_id;
	uint64_t	smbios_entry;		/* SMBIOS 2.x "_SM_" entry point */
	uint64_t	smbios3_entry;		/* SMBIOS 3.x "_SM3_" entry point */

	/*
	 * EFI after SetVirtualAddressMap: the system table and runtime services
	 * as kernel addresses, and the memory map the firmware was given (kernel
	 * address, bytes, descriptor size and version). All 0 without EFI.
	 */
	uint64_t	efi_system_table;
	uint64_t	efi_runtime_services;
	uint64_t	efi_memory_map;
	uint64_t	efi_memory_map_size;
	uint32_t	efi_descriptor_size;
	uint32_t	efi_descriptor_version;

	kernel_framebuffer	framebuffer;

	/* The boot timeline; tsc_frequency is in Hz, calibrated by the loader. */
	uint64_t	tsc_frequency;
	uint32_t	num_boot_events;
	uint32_t	reserved0;
	boot_event	boot_events[MAX_BOOT_EVENTS];

	/* BOOT_OPTION_* flags of the entry that was booted. */
	uint32_t	boot_options;
	uint32_t	reserved1;

	/* Appended fields go here; kernel_args_size tells a kernel how far to read. */
	uint64_t	reserved[32];
} kernel_args;

#endif
