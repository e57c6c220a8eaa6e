/* SPDX-License-Identifier: MIT */
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
#define KERNEL_ARGS_VERSION		5

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

/*
 * "Page aligned" in this ABI means aligned to KERNEL_PAGE_SIZE, which the
 * architecture part defines. KERNEL_PAGE_MASK is the offset within a page
 * (Haiku's B_PAGE_SIZE - 1, not Linux's PAGE_MASK).
 */
#define KERNEL_PAGE_MASK		(KERNEL_PAGE_SIZE - 1)

_Static_assert(KERNEL_PAGE_SIZE != 0 && (KERNEL_PAGE_SIZE & KERNEL_PAGE_MASK) == 0,
	"KERNEL_PAGE_SIZE must be a power of two: the loader rounds with masks");

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
	uint32_t	reserved[2];		/* keeps segments 8-byte aligned everywhere */
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

/*
 * The bytes of the whole pages a preloaded image of size bytes lies in; an
 * empty one still has its page. Past size they are zero.
 */
#define KERNEL_IMAGE_PAGES_SIZE(size) ((size) == 0 ? KERNEL_PAGE_SIZE \
	: ((size) + KERNEL_PAGE_MASK) & ~(uint64_t)KERNEL_PAGE_MASK)

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
	uint32_t	reserved;			/* zero; was a CRC-32, see docs/kernel_args.md */
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

/*
 * Measured boot (version 3, docs/measured_boot.md): kernel_args.tpm_flags,
 * and the PCRs whose SHA-256 values tpm_pcr_sha256 holds, first to last.
 */
#define KERNEL_TPM_MEASURED			(1u << 0)	/* the loader measured into the TPM */
#define KERNEL_TPM_LOG_TRUNCATED	(1u << 1)	/* the firmware's log lost events */
#define KERNEL_TPM_FLAGS_ALL		0x3u
#define KERNEL_TPM_FIRST_PCR		8
#define KERNEL_TPM_PCR_COUNT		2
#define KERNEL_TPM_DIGEST_SIZE		32

/* One step of the boot, stamped with the boot CPU's cycle counter. */
typedef struct boot_event {
	uint64_t	cycles;				/* cycle counter; see cycle_counter_frequency */
	uint64_t	detail;				/* bytes for a file load, else 0 */
	char		name[BOOT_EVENT_NAME_LENGTH];
} boot_event;

/*
 * The CPUs (version 4, docs/smp.md): kernel_args.cpus points to
 * num_cpus entries of cpu_entry_size bytes, the boot CPU first. A CPU the
 * loader started waits in a loop on its mailbox until the kernel writes an
 * entry address there.
 */
enum kernel_cpu_state {
	KERNEL_CPU_BOOT = 1,		/* the CPU the kernel was entered on (entry 0) */
	KERNEL_CPU_STARTED,			/* parked, waiting on its mailbox */
	KERNEL_CPU_FAILED,			/* did not answer the start-up in time: left out */
	KERNEL_CPU_DISABLED,		/* not started: the disable_smp option */
	KERNEL_CPU_OFFLINE,			/* present but off (ACPI: online capable only) */
};

typedef struct kernel_cpu_entry {
	uint64_t	hardware_id;		/* x86: APIC id; arm64: MPIDR's affinity */
	uint64_t	mailbox;			/* kernel address of its kernel_cpu_mailbox; 0: none */
	addr_range	stack;				/* kernel addresses; size 0 unless BOOT or STARTED */
	uint32_t	state;				/* enum kernel_cpu_state */
	uint32_t	reserved;
} kernel_cpu_entry;

/* kernel_cpu_mailbox.state, written by the CPU itself. */
#define KERNEL_MAILBOX_STARTING		0	/* the loader has not seen it yet */
#define KERNEL_MAILBOX_PARKED		1	/* in the wait loop */
#define KERNEL_MAILBOX_RELEASED		2	/* took entry, left the wait loop for good */

/*
 * One CPU's mailbox, 64 bytes on a 64-byte boundary: the CPU polls entry;
 * the kernel writes argument first, then entry (docs/smp.md).
 */
typedef struct kernel_cpu_mailbox {
	uint64_t	entry;				/* kernel writes: where the CPU jumps; 0 while parked */
	uint64_t	argument;			/* kernel writes before entry: the CPU's first argument */
	uint64_t	stack_top;			/* loader: the top of the CPU's stack (kernel address) */
	uint64_t	hardware_id;		/* loader: the CPU's id, as in kernel_cpu_entry */
	uint32_t	cpu_index;			/* loader: the CPU's index in kernel_args.cpus */
	uint32_t	state;				/* CPU: KERNEL_MAILBOX_* */
	uint64_t	reserved[3];
} kernel_cpu_mailbox;

#define KERNEL_CPU_MAILBOX_SIZE		64

/*
 * Where the kernel came from (version 5, docs/kernel_args.md): the volume
 * the loader read the kernel file from, so that the kernel can find its
 * root there. A disk's partition (or a whole disk without a partition
 * table) by its place on the disk and, on GPT, its unique GUID; the
 * network by the addresses the firmware's DHCP answer gave.
 */
enum kernel_boot_device_type {
	KERNEL_BOOT_DEVICE_UNKNOWN = 0,		/* the loader cannot tell; all else 0 */
	KERNEL_BOOT_DEVICE_DISK,
	KERNEL_BOOT_DEVICE_NETWORK,
};

/* kernel_boot_device.flags */
#define KERNEL_BOOT_DEVICE_HAS_GUID		0x1	/* DISK: partition_guid is the GPT partition's */

#define KERNEL_BOOT_HARDWARE_ADDRESS_SIZE	16

typedef struct kernel_boot_device {
	uint32_t	type;				/* enum kernel_boot_device_type */
	uint32_t	flags;				/* KERNEL_BOOT_DEVICE_* */
	/* DISK: the GPT unique partition GUID, as stored on the disk (mixed-endian) */
	uint8_t		partition_guid[16];
	uint64_t	partition_offset;	/* DISK: bytes from the disk's start */
	uint64_t	partition_size;		/* DISK: bytes */
	/* NETWORK: IPv4 addresses, in network byte order */
	uint8_t		client_address[4];	/* this machine's */
	uint8_t		server_address[4];	/* the server the kernel came from */
	uint8_t		subnet_mask[4];
	uint32_t	hardware_address_length;	/* NETWORK: bytes of hardware_address; 0: unknown */
	uint8_t		hardware_address[KERNEL_BOOT_HARDWARE_ADDRESS_SIZE];	/* the card's MAC */
} kernel_boot_device;

/*
 * kernel_args.firmware: which firmware part firmware_args holds. A port's
 * header (headers/boot/platform/<port>/) declares its part and its tag, a
 * four-character code so that ports need no central registry.
 */
#define KERNEL_FIRMWARE_NONE		0	/* no firmware part (the hosted port) */

/* Bytes reserved for the firmware part; a port's part must fit. */
#define KERNEL_FIRMWARE_ARGS_SIZE	256

typedef struct kernel_args {
	/* --- the generic part: the same offsets on every architecture --- */
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

	/* The boot CPU's stack, as kernel virtual addresses; it starts at the top. */
	addr_range	cpu_kernel_stack[1];

	/* All physical memory is mapped at physical_map_base (see arch header). */
	uint64_t	physical_map_base;
	uint64_t	physical_map_size;

	/* The loader's log, copied at handoff; not NUL terminated. */
	uint64_t	log_address;
	uint64_t	log_size;

	/*
	 * Physical memory of the loader's heap: usable RAM, not allocated, once
	 * the kernel runs. Size 0 when the heap was not in the kernel's
	 * physical memory.
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
	uint32_t	firmware;			/* KERNEL_FIRMWARE_*: what firmware_args holds */
	uint64_t	device_tree;		/* flattened device tree (DTB) */
	uint64_t	device_tree_size;	/* bytes; 0 when there is none */
	uint64_t	smbios_entry;		/* SMBIOS 2.x "_SM_" entry point */
	uint64_t	smbios3_entry;		/* SMBIOS 3.x "_SM3_" entry point */

	/* The boot CPU's hardware id (x86: its APIC id; arm64: MPIDR's affinity). */
	uint64_t	boot_cpu_id;

	kernel_framebuffer	framebuffer;

	/* The boot timeline; the counter's rate in Hz, calibrated by the loader. */
	uint64_t	cycle_counter_frequency;
	uint32_t	num_boot_events;
	/* BOOT_OPTION_* flags of the entry that was booted. */
	uint32_t	boot_options;
	boot_event	boot_events[MAX_BOOT_EVENTS];

	/*
	 * Measured boot (version 3): a copy of the TPM event log in the TCG2
	 * crypto agile format, taken after the loader's last measurement, and
	 * the SHA-256 values of PCRs 8 and 9 it read back from the TPM then.
	 * All 0 when the loader measured nothing (no TPM).
	 */
	uint64_t	tpm_event_log;		/* kernel address of the copy; 0: none */
	uint64_t	tpm_event_log_size;	/* bytes */
	uint32_t	tpm_flags;			/* KERNEL_TPM_* */
	uint32_t	tpm_pcr_mask;		/* bit n set: tpm_pcr_sha256 holds PCR n */
	uint8_t		tpm_pcr_sha256[KERNEL_TPM_PCR_COUNT][KERNEL_TPM_DIGEST_SIZE];

	/* The CPUs (version 4): the list, the boot CPU first; see kernel_cpu_entry. */
	uint64_t	cpus;				/* kernel address of num_cpus kernel_cpu_entry */
	uint32_t	num_cpus;			/* all the loader found; cpu_count were started */
	uint32_t	cpu_entry_size;		/* sizeof(kernel_cpu_entry): later ones may grow */

	/* Where the kernel came from (version 5); see kernel_boot_device. */
	kernel_boot_device	boot_device;

	/* Generic fields appended in later versions take these, from the front. */
	uint64_t	reserved[10];

	/* --- the architecture's part (headers/arch/<arch>/arch_kernel_args.h) --- */
	struct arch_kernel_args		arch_args;

	/* --- the firmware's part, as the firmware tag says --- */
	uint64_t	firmware_args[KERNEL_FIRMWARE_ARGS_SIZE / 8];
} kernel_args;

/*
 * The layout is the ABI: these pin the generic part, which must not move
 * whatever the architecture (a 32-bit loader must produce the same bytes, so
 * no field relies on the compiler's padding: the headers are -Wpadded
 * clean), and where the other two parts begin; the architecture header pins
 * the fields of its own part.
 */
#define KERNEL_ARGS_ASSERT_OFFSET(field, offset) \
	_Static_assert(__builtin_offsetof(kernel_args, field) == (offset), \
		"kernel_args." #field " moved")

KERNEL_ARGS_ASSERT_OFFSET(magic, 0);
KERNEL_ARGS_ASSERT_OFFSET(version, 8);
KERNEL_ARGS_ASSERT_OFFSET(kernel_args_size, 12);
KERNEL_ARGS_ASSERT_OFFSET(self, 16);
KERNEL_ARGS_ASSERT_OFFSET(loader_name, 24);
KERNEL_ARGS_ASSERT_OFFSET(num_physical_memory_ranges, 32);
KERNEL_ARGS_ASSERT_OFFSET(num_physical_allocated_ranges, 36);
KERNEL_ARGS_ASSERT_OFFSET(num_virtual_allocated_ranges, 40);
KERNEL_ARGS_ASSERT_OFFSET(cpu_count, 44);
KERNEL_ARGS_ASSERT_OFFSET(physical_memory_range, 48);
KERNEL_ARGS_ASSERT_OFFSET(physical_allocated_range, 4144);
KERNEL_ARGS_ASSERT_OFFSET(virtual_allocated_range, 8240);
KERNEL_ARGS_ASSERT_OFFSET(kernel, 9264);
KERNEL_ARGS_ASSERT_OFFSET(cpu_kernel_stack, 9632);
KERNEL_ARGS_ASSERT_OFFSET(physical_map_base, 9648);
KERNEL_ARGS_ASSERT_OFFSET(physical_map_size, 9656);
KERNEL_ARGS_ASSERT_OFFSET(log_address, 9664);
KERNEL_ARGS_ASSERT_OFFSET(log_size, 9672);
KERNEL_ARGS_ASSERT_OFFSET(loader_heap, 9680);
KERNEL_ARGS_ASSERT_OFFSET(num_memory_map_entries, 9696);
KERNEL_ARGS_ASSERT_OFFSET(num_preloaded_images, 9700);
KERNEL_ARGS_ASSERT_OFFSET(memory_map, 9704);
KERNEL_ARGS_ASSERT_OFFSET(preloaded_images, 21992);
KERNEL_ARGS_ASSERT_OFFSET(command_line, 23528);
KERNEL_ARGS_ASSERT_OFFSET(acpi_rsdp, 23536);
KERNEL_ARGS_ASSERT_OFFSET(acpi_revision, 23544);
KERNEL_ARGS_ASSERT_OFFSET(firmware, 23548);
KERNEL_ARGS_ASSERT_OFFSET(device_tree, 23552);
KERNEL_ARGS_ASSERT_OFFSET(device_tree_size, 23560);
KERNEL_ARGS_ASSERT_OFFSET(smbios_entry, 23568);
KERNEL_ARGS_ASSERT_OFFSET(smbios3_entry, 23576);
KERNEL_ARGS_ASSERT_OFFSET(boot_cpu_id, 23584);
KERNEL_ARGS_ASSERT_OFFSET(framebuffer, 23592);
KERNEL_ARGS_ASSERT_OFFSET(cycle_counter_frequency, 23648);
KERNEL_ARGS_ASSERT_OFFSET(num_boot_events, 23656);
KERNEL_ARGS_ASSERT_OFFSET(boot_options, 23660);
KERNEL_ARGS_ASSERT_OFFSET(boot_events, 23664);
KERNEL_ARGS_ASSERT_OFFSET(tpm_event_log, 27760);
KERNEL_ARGS_ASSERT_OFFSET(tpm_event_log_size, 27768);
KERNEL_ARGS_ASSERT_OFFSET(tpm_flags, 27776);
KERNEL_ARGS_ASSERT_OFFSET(tpm_pcr_mask, 27780);
KERNEL_ARGS_ASSERT_OFFSET(tpm_pcr_sha256, 27784);
KERNEL_ARGS_ASSERT_OFFSET(cpus, 27848);
KERNEL_ARGS_ASSERT_OFFSET(num_cpus, 27856);
KERNEL_ARGS_ASSERT_OFFSET(cpu_entry_size, 27860);
KERNEL_ARGS_ASSERT_OFFSET(boot_device, 27864);
KERNEL_ARGS_ASSERT_OFFSET(reserved, 27936);
KERNEL_ARGS_ASSERT_OFFSET(arch_args, 28016);

_Static_assert(sizeof(kernel_boot_device) == 72, "kernel_boot_device changed size");
_Static_assert(__builtin_offsetof(kernel_boot_device, partition_offset) == 24,
	"kernel_boot_device moved");
_Static_assert(__builtin_offsetof(kernel_boot_device, client_address) == 40,
	"kernel_boot_device moved");
_Static_assert(__builtin_offsetof(kernel_boot_device, hardware_address) == 56,
	"kernel_boot_device moved");
_Static_assert(sizeof(kernel_cpu_entry) == 40, "kernel_cpu_entry changed size");
_Static_assert(__builtin_offsetof(kernel_cpu_entry, stack) == 16, "kernel_cpu_entry moved");
_Static_assert(__builtin_offsetof(kernel_cpu_entry, state) == 32, "kernel_cpu_entry moved");
_Static_assert(sizeof(kernel_cpu_mailbox) == KERNEL_CPU_MAILBOX_SIZE,
	"kernel_cpu_mailbox changed size");
_Static_assert(__builtin_offsetof(kernel_cpu_mailbox, argument) == 8, "mailbox moved");
_Static_assert(__builtin_offsetof(kernel_cpu_mailbox, stack_top) == 16, "mailbox moved");
_Static_assert(__builtin_offsetof(kernel_cpu_mailbox, hardware_id) == 24, "mailbox moved");
_Static_assert(__builtin_offsetof(kernel_cpu_mailbox, cpu_index) == 32, "mailbox moved");
_Static_assert(__builtin_offsetof(kernel_cpu_mailbox, state) == 36, "mailbox moved");

/* The architecture's part is KERNEL_ARCH_ARGS_SIZE bytes; the firmware's follows. */
_Static_assert(sizeof(struct arch_kernel_args) == KERNEL_ARCH_ARGS_SIZE,
	"arch_kernel_args changed size");
KERNEL_ARGS_ASSERT_OFFSET(firmware_args, 28016 + KERNEL_ARCH_ARGS_SIZE);
_Static_assert(sizeof(kernel_args) == 28016 + KERNEL_ARCH_ARGS_SIZE + KERNEL_FIRMWARE_ARGS_SIZE,
	"kernel_args changed size");

#endif
