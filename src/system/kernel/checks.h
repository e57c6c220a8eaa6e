/* SPDX-License-Identifier: MIT */
/*
 * Private interfaces of the boot checker shared by its files: the list of
 * checks, the state they run in and the helpers they have in common.
 */
#ifndef KERNEL_CHECKS_H
#define KERNEL_CHECKS_H

#include <kernel/bootcheck.h>

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
	KCHECK_MEMORY_MAP,
	KCHECK_MEMORY_MAP_RAM,
	KCHECK_MEMORY_MAP_ALLOCATED,
	KCHECK_MEMORY_MAP_HEAP,
	KCHECK_KERNEL_SECTIONS,
	KCHECK_KERNEL_CONTENTS,
	KCHECK_KERNEL_IMAGE,
	KCHECK_KERNEL_LINKED,
	KCHECK_KERNEL_SEGMENTS,
	KCHECK_SEGMENT_FLAGS,
	KCHECK_SEGMENTS_PHYSICAL,
	KCHECK_STACK,
	KCHECK_CPUS,
	KCHECK_LOADER_LOG,
	KCHECK_LOADER_NAME,
	KCHECK_PAGE_DIRECTORY,
#define KCHECK_ARCH_ID(id, name, function, needs)	id,
	BOOTCHECK_ARCH_CPU_CHECKS(KCHECK_ARCH_ID)
	KCHECK_PHYSICAL_MAP,
	KCHECK_PAGE_TABLES,
	KCHECK_SEGMENT_TRANSLATION,
	KCHECK_SEGMENT_CONTENTS,
	KCHECK_VIRTUAL_BACKING,
	KCHECK_LOADER_PAGES,
	KCHECK_ARGS_ALIAS,
	KCHECK_ACPI_RSDP,
	KCHECK_ACPI_TABLES,
	KCHECK_CPUS_FIRMWARE,
	KCHECK_SMBIOS,
	KCHECK_FIRMWARE_MEMORY,
	KCHECK_BOOT_CPU_ID,
	KCHECK_FRAMEBUFFER,
	KCHECK_FRAMEBUFFER_PATTERN,
	KCHECK_EFI_TABLES,
	KCHECK_EFI_GET_TIME,
	KCHECK_CPU_PROTECTION,
	KCHECK_SEGMENT_PERMISSIONS,
	KCHECK_DATA_PERMISSIONS,
	KCHECK_PHYSICAL_MAP_PAGES,
	KCHECK_LARGE_PAGES,
	KCHECK_STACK_GUARD,
	KCHECK_CPU_STACKS,
	BOOTCHECK_ARCH_PAGING_CHECKS(KCHECK_ARCH_ID)
	KCHECK_COMMAND_LINE,
	KCHECK_BOOT_OPTIONS,
	KCHECK_BOOT_DEVICE,
	KCHECK_PRELOADED_IMAGES,
	KCHECK_KERNEL_SYMBOLS,
	KCHECK_TIMELINE,
	KCHECK_TPM_EVENT_LOG,
	KCHECK_CPUS_RELEASED,
	KCHECK_COUNT
#undef KCHECK_ARCH_ID
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
	/* Physical address of the page table root translations start from. */
	uint64_t							page_root;
	enum kcheck_status					status[KCHECK_COUNT];
};

typedef bool (*kcheck_function)(const struct kcheck_context *context,
	char *reason, size_t reasonSize);

/* What a check needs besides kernel_args; without it the check is skipped. */
#define KCHECK_NEEDS_CPU		0x1		/* environment->cpu, and with it real entry registers */
#define KCHECK_NEEDS_IMAGE		0x2
#define KCHECK_NEEDS_MACHINE	0x4		/* environment->machine */
/* Firmware the loader found: absent (0 in kernel_args) is valid and skips the check. */
#define KCHECK_NEEDS_ACPI			0x8		/* acpi_rsdp */
#define KCHECK_NEEDS_SMBIOS			0x10	/* smbios_entry or smbios3_entry */
#define KCHECK_NEEDS_EFI			0x20	/* efi_system_table */
#define KCHECK_NEEDS_FRAMEBUFFER	0x40	/* framebuffer.physical_address */
#define KCHECK_NEEDS_TPM			0x80	/* tpm_flags: the loader measured */
#define KCHECK_NEEDS_CPU_TABLES		0x100	/* acpi_rsdp or device_tree: what names the CPUs */

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

/* checks_memory.c: the typed memory map and what it says of the loader's pages */
const char *kcheck_memory_type_name(uint32_t type);

bool kcheck_memory_map(const struct kcheck_context *context, char *reason, size_t reasonSize);
bool kcheck_memory_map_ram(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_memory_map_allocated(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_memory_map_heap(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_firmware_memory(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_loader_pages(const struct kcheck_context *context, char *reason,
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

/*
 * arch/<arch>/checks_cpu.c: the CPU state the loader left (the page table
 * root, the boot CPU's id, page protection) and the architecture's own
 * checks (BOOTCHECK_ARCH_CPU_CHECKS)
 */
bool kcheck_page_directory(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_boot_cpu_id(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_cpu_protection(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
#define KCHECK_ARCH_DECLARE(id, name, function, needs) \
	bool function(const struct kcheck_context *context, char *reason, size_t reasonSize);
BOOTCHECK_ARCH_CPU_CHECKS(KCHECK_ARCH_DECLARE)
/* arch/<arch>/: the architecture's checks of its page tables (BOOTCHECK_ARCH_PAGING_CHECKS) */
BOOTCHECK_ARCH_PAGING_CHECKS(KCHECK_ARCH_DECLARE)
#undef KCHECK_ARCH_DECLARE
/* The architecture's lines of the summary: its part of kernel_args, the CPU. */
void kcheck_arch_print_summary(const struct kcheck_context *context);
/* Whether the MMU honours no-execute bits (without a CPU to ask: the loader's view). */
bool kcheck_arch_no_execute_enabled(const struct kcheck_context *context);
/*
 * Whether the CPU is set up to call firmware code (x86_64: SSE usable; arm64:
 * FP/SIMD not trapped).
 */
bool kcheck_arch_firmware_callable(const struct kcheck_context *context, char *reason,
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

/* checks_firmware.c: ACPI and SMBIOS */
bool kcheck_acpi_rsdp(const struct kcheck_context *context, char *reason, size_t reasonSize);
bool kcheck_acpi_tables(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_smbios(const struct kcheck_context *context, char *reason, size_t reasonSize);
bool kcheck_cpus_firmware(const struct kcheck_context *context, char *reason, size_t reasonSize);
/*
 * arch/<arch>/checks_cpu.c: whether the MADT structure entry (length bytes,
 * type first) names a CPU the loader lists on this architecture, and its
 * id and flags as KCHECK_MADT_CPU_* (x86: local APIC and x2APIC entries;
 * arm64: GIC CPU interface entries).
 */
#define KCHECK_MADT_CPU_ENABLED			(1u << 0)
#define KCHECK_MADT_CPU_ONLINE_CAPABLE	(1u << 1)
bool kcheck_arch_madt_cpu(const uint8_t *entry, uint8_t length, uint64_t *_id,
	uint32_t *_flags);

/*
 * checks_fdt.c: hand the id (reg) of each CPU the device tree's /cpus
 * names that may run (device_type "cpu", status okay or none) to visit,
 * which fails the check by returning false. False with a reason when the
 * tree is malformed.
 */
typedef bool (*kcheck_fdt_cpu_visit)(void *cookie, uint64_t id, char *reason,
	size_t reasonSize);
bool kcheck_fdt_cpus(const struct kcheck_context *context, kcheck_fdt_cpu_visit visit,
	void *cookie, char *reason, size_t reasonSize);

/* checks_framebuffer.c: the framebuffer's fields and a pattern drawn into it */
bool kcheck_framebuffer(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_framebuffer_pattern(const struct kcheck_context *context, char *reason,
	size_t reasonSize);

/* checks_efi.c: EFI runtime services after SetVirtualAddressMap */
bool kcheck_efi_tables(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_efi_get_time(const struct kcheck_context *context, char *reason,
	size_t reasonSize);

/* arch/<arch>/paging.c and checks_paging.c: page tables */
enum kcheck_walk {
	KCHECK_WALK_MAPPED,
	KCHECK_WALK_NOT_PRESENT,
	KCHECK_WALK_OUTSIDE_PHYSICAL_MAP,
	KCHECK_WALK_UNREADABLE,
};

/* What the MMU makes of one address. */
struct kcheck_page {
	uint64_t	physical;		/* of the address itself */
	uint64_t	size;			/* of the page that maps it: 4 KiB, 2 MiB or 1 GiB */
	bool		writable;		/* writable at every level */
	bool		no_execute;		/* NX at some level */
};

/* A map of [base, base + size) onto physical [0, size). */
struct kcheck_linear_map {
	const char	*name;
	uint64_t	base;
	uint64_t	size;
	bool		physical_map;	/* NX but where EFI runtime code lies; else executable */
};
#define KCHECK_MAX_LINEAR_MAPS	4

/* Called for every page-table page, with the name of its level. */
typedef bool (*kcheck_table_visit)(const struct kcheck_context *context, uint64_t table,
	const char *level, void *cookie, char *reason, size_t reasonSize);

/* arch/<arch>/paging.c: the architecture's page tables */
/* The physical address translations start from: the CPU's, else the loader's. */
uint64_t kcheck_arch_page_root(const struct bootcheck_environment *environment);
/* One entry of a page table, read through the physical map like the kernel does. */
enum kcheck_walk kcheck_table_read(const struct kcheck_context *context, uint64_t physical,
	uint64_t *_entry);
/* Translate address from context->page_root like the MMU does. */
enum kcheck_walk kcheck_page_walk(const struct kcheck_context *context, uint64_t address,
	struct kcheck_page *page);
/* visit every table reachable from context->page_root, the root first; bounded. */
bool kcheck_arch_visit_tables(const struct kcheck_context *context, kcheck_table_visit visit,
	void *cookie, char *reason, size_t reasonSize);
/* The top-level entries the kernel window, data area and physical map hang from. */
bool kcheck_arch_region_roots(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
/* The linear maps of physical memory the loader built; at most KCHECK_MAX_LINEAR_MAPS. */
uint32_t kcheck_arch_linear_maps(const kernel_args *args, struct kcheck_linear_map *maps);
/* Whether page, at offset in map, has the size the architecture's rules ask for. */
bool kcheck_arch_linear_page_size(const struct kcheck_context *context,
	const struct kcheck_linear_map *map, uint64_t offset, const struct kcheck_page *page,
	char *reason, size_t reasonSize);

/* checks_paging.c: permissions, linear maps and the stack guard */
/* kcheck_page_walk, with a reason when address is not mapped. */
bool kcheck_walk_or_fail(const struct kcheck_context *context, uint64_t address,
	struct kcheck_page *page, char *reason, size_t reasonSize);
/* Whether [start, start + size) holds EFI runtime code, which must stay executable. */
bool kcheck_holds_runtime_code(const kernel_args *args, uint64_t start, uint64_t size);
bool kcheck_segment_permissions(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_data_permissions(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_physical_map_pages(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_large_pages(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_stack_guard(const struct kcheck_context *context, char *reason,
	size_t reasonSize);

/* checks_preloaded.c: the command line, preloaded images and the kernel's symbols */
enum kcheck_string {
	KCHECK_STRING_OK,
	KCHECK_STRING_UNREADABLE,		/* a byte before the NUL cannot be read */
	KCHECK_STRING_TOO_LONG,			/* no NUL within the limit */
};

/*
 * Read the NUL-terminated string at address, byte by byte (only the first
 * is known to be mapped), at most limit bytes before the NUL. The first
 * bufferSize - 1 bytes go to buffer, NUL-terminated; *_length receives how
 * many bytes were read before the NUL or the failure.
 */
enum kcheck_string kcheck_read_string(const struct kcheck_context *context, uint64_t address,
	size_t limit, char *buffer, size_t bufferSize, size_t *_length);
/* CRC-32 (IEEE 802.3) continued from crc over size bytes. */
uint32_t kcheck_crc32(uint32_t crc, const void *data, size_t size);
/* CRC-32 of size bytes of kernel memory; false, and where, if one is unreadable. */
bool kcheck_memory_crc32(const struct kcheck_context *context, uint64_t address,
	uint64_t size, uint32_t *_crc, uint64_t *_unreadable);

bool kcheck_command_line(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_boot_options(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_preloaded_images(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_kernel_symbols(const struct kcheck_context *context, char *reason,
	size_t reasonSize);

/* checks_timeline.c: the boot timeline */
/* Microseconds between two cycle counter values at frequency Hz; frequency must not be 0. */
uint64_t kcheck_cycles_microseconds(uint64_t ticks, uint64_t frequency);
bool kcheck_timeline(const struct kcheck_context *context, char *reason, size_t reasonSize);

/* checks_smp.c: the CPU list, the started CPUs' stacks and mailboxes, and their reports */
bool kcheck_cpus(const struct kcheck_context *context, char *reason, size_t reasonSize);
bool kcheck_cpu_stacks(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
bool kcheck_cpus_released(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
/* Print the CPU list for the summary. */
void kcheck_print_cpus(const struct kcheck_context *context);

/* checks_boot_device.c */
bool kcheck_boot_device(const struct kcheck_context *context, char *reason,
	size_t reasonSize);
void kcheck_print_boot_device(const struct kcheck_context *context);
/*
 * arch/<arch>/checks_cpu.c: whether a started CPU's own registers say it
 * is the CPU of hardwareId and runs as the boot CPU does (the kernel's
 * page tables and GDT, page protection on).
 */
bool kcheck_arch_cpu_report(const struct kcheck_context *context,
	const struct bootcheck_cpu_state *cpu, uint64_t hardwareId, char *reason,
	size_t reasonSize);

/* checks_tpm.c: measured boot, the event log replayed against the PCRs */
bool kcheck_tpm_event_log(const struct kcheck_context *context, char *reason,
	size_t reasonSize);

#endif
