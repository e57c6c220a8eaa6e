/* SPDX-License-Identifier: MIT */
/*
 * Shared state and internal interfaces of the EFI platform port.
 */
#ifndef EFI_PLATFORM_H
#define EFI_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

#include <efi.h>

#include <boot/kernel_args.h>
#include <boot/platform/efi/efi_kernel_args.h>
#include <boot/status.h>

_Static_assert(KERNEL_EFI_PAGE_SIZE == EFI_PAGE_SIZE, "gnu-efi disagrees on the EFI page");
/*
 * The port hands AllocatePages memory to the kernel as it comes, so that
 * memory must be aligned to, and a whole number of, kernel pages.
 */
_Static_assert(KERNEL_EFI_PAGE_SIZE % KERNEL_PAGE_SIZE == 0,
	"EFI pages are not whole kernel pages");

extern EFI_HANDLE gImageHandle;
extern EFI_SYSTEM_TABLE *gSystemTable;
extern EFI_BOOT_SERVICES *gBootServices;

/* True until ExitBootServices succeeded: firmware calls are forbidden after. */
extern int gBootServicesActive;

void efi_serial_init(void);
/* Keep output away from the firmware console (it may allocate) or not. */
void efi_console_freeze(bool frozen);
bool efi_console_frozen(void);
void efi_time_init(void);

/* status.c: "EFI_NOT_FOUND" and its kind, "an EFI error" for the rest. */
const char *efi_status_name(EFI_STATUS status);

/*
 * text.c: length bytes of UTF-8 (NULs included) as UCS-2 from heap_alloc,
 * *_bytes long; characters UCS-2 cannot hold and malformed bytes become
 * U+FFFD. NULL when out of memory.
 */
CHAR16 *efi_ucs2_from_utf8(const char *text, size_t length, size_t *_bytes);

/*
 * variables.c: LoaderFirmwareInfo and LoaderFirmwareType, from the system
 * table, and LoaderImageIdentifier, the file the firmware started the
 * loader from.
 */
void efi_publish_firmware_info(void);

/* devices.c: the bytes of a device path before its end node; 0 when malformed. */
size_t efi_device_path_size(const EFI_DEVICE_PATH *path);
struct block_device;
EFI_DEVICE_PATH *efi_volume_device_path(const struct block_device *disk, uint64_t offset);

/*
 * initrd.c: offer data as the initrd Linux's EFI stub asks for (LoadFile2
 * on the Linux initrd media device path), and withdraw it again.
 */
status_t efi_initrd_install(const void *data, size_t size);
void efi_initrd_uninstall(void);

/*
 * device_tree.c: a copy of data, fixed up by the firmware where it can, as
 * the firmware's device tree configuration table while an image runs, and
 * the firmware's own table again after. B_NO_MEMORY, B_BAD_DATA (the
 * firmware's fix-up refused the tree), B_ERROR (the table was refused).
 */
status_t efi_device_tree_install(const void *data, size_t size);
void efi_device_tree_uninstall(void);

/* A snapshot of the firmware's memory map. */
struct efi_memory_map {
	EFI_MEMORY_DESCRIPTOR	*descriptors;	/* from AllocatePool; FreePool it */
	UINTN					size;			/* bytes of descriptors */
	UINTN					capacity;		/* bytes the buffer holds */
	UINTN					key;
	UINTN					descriptor_size;
	UINT32					descriptor_version;
};

/*
 * Descriptors may be larger than the struct we know: step by their size.
 * They are writable, for the map handed to SetVirtualAddressMap().
 */
#define FOR_EACH_DESCRIPTOR(descriptor, map) \
	for (EFI_MEMORY_DESCRIPTOR *descriptor = (map)->descriptors; \
		(const uint8_t *)descriptor \
			< (const uint8_t *)(map)->descriptors + (map)->size; \
		descriptor = (EFI_MEMORY_DESCRIPTOR *) \
			((uint8_t *)descriptor + (map)->descriptor_size))

/*
 * load_options.c: the loaded image's load options as the kernel command
 * line (static storage), or NULL when they are none, not text or too long.
 */
const char *efi_load_options_command_line(void);

/* firmware_map.c. Errors: B_NO_MEMORY, B_ERROR. */
status_t efi_get_memory_map(struct efi_memory_map *map);

/*
 * Where the kernel's physical map must reach: the end of memory, of the
 * runtime services' MMIO (flash, RTC) and of the framebuffer.
 */
uint64_t efi_physical_map_end(const struct efi_memory_map *map,
	const kernel_framebuffer *framebuffer);

/*
 * The typed map and the physical ranges of args from map; no allocation, so
 * that it works between ExitBootServices attempts. Errors as for
 * memory_map_build(), which said why.
 */
status_t efi_fill_memory_map(kernel_args *args, const struct efi_memory_map *map);

/*
 * tables.c: the configuration table entry for guid (NULL when absent), and
 * the byte sum that must be 0 over an ACPI or SMBIOS structure.
 */
void *efi_find_configuration_table(const EFI_GUID *guid);
uint8_t efi_byte_sum(const void *data, size_t length);

/*
 * acpi.c, smbios.c, video.c: fill the firmware table and framebuffer fields
 * of args while boot services run; absence is logged, never an error.
 */
void efi_acpi_init(kernel_args *args);
void efi_fdt_init(kernel_args *args);

/* acpi.c: the firmware's RSDP, checksums verified; NULL when there is none. */
struct acpi_rsdp;
const struct acpi_rsdp *efi_acpi_rsdp(void);

/*
 * acpi.c: the table with signature among rsdp's root table's entries when
 * its length (at least minLength) and checksum hold, else NULL; *_corrupt
 * (if not NULL) says whether the root table or the table found was bad.
 * efi_acpi_le reads a little-endian field of size bytes, aligned or not.
 */
struct acpi_table_header;
const struct acpi_table_header *efi_acpi_find_table(const struct acpi_rsdp *rsdp,
	const char signature[4], uint32_t minLength, bool *_corrupt);
uint64_t efi_acpi_le(const uint8_t *bytes, uint32_t size);

/*
 * pm_timer.c: the ACPI power management timer's I/O port, from the FADT, and
 * its count (EFI_PM_TIMER_HZ, wrapping at EFI_PM_TIMER_MASK). Finding it
 * reads it once; false where there is none (no FADT, a hardware-reduced
 * platform, no I/O ports: arm64).
 */
#define EFI_PM_TIMER_HZ				3579545
#define EFI_PM_TIMER_MASK			0xffffffu
bool efi_pm_timer_find(uint16_t *_port);
bool efi_pm_timer_read(uint16_t port, uint32_t *_ticks);

/*
 * cpu_list.c: the CPUs the firmware's tables name, each id once, at most max
 * (the rest counted in dropped), the one with boot_id marked as the boot
 * CPU. efi_cpu_list_add takes a CPU whose flags (EFI_CPU_*, the bits of
 * the MADT's processor local APIC entries) say it is enabled or online
 * capable; efi_cpu_list_report logs how many source named.
 */
#define EFI_CPU_ENABLED				(1u << 0)
#define EFI_CPU_ONLINE_CAPABLE		(1u << 1)
struct platform_cpu;
struct efi_cpu_list {
	struct platform_cpu	*cpus;
	uint32_t			max;
	uint32_t			count;
	uint32_t			dropped;
	uint64_t			boot_id;
	/* NULL, or beside cpus: where a spin-table CPU waits to be released (0: none). */
	uint64_t			*release_addresses;
};
void efi_cpu_list_add(struct efi_cpu_list *list, uint64_t id, uint32_t flags);
void efi_cpu_list_report(const struct efi_cpu_list *list, const char *source);

/*
 * smp_page.c: the physical address of the page the other CPUs start in, at or
 * below lastAddress, taken from the firmware on the first call and listed
 * as loader-reclaimable (memory_map_add_extra). Errors: B_NO_MEMORY.
 */
status_t efi_smp_reserve_page(uint64_t lastAddress, uint64_t *_page);

/*
 * madt.c: the CPUs the ACPI MADT names, into list. cpu_of says whether a
 * structure is one of the architecture's CPU entries, with its hardware id
 * and its flags as EFI_CPU_*. Logs how many, or why none. Errors:
 * B_ENTRY_NOT_FOUND (no ACPI, no MADT, or BOOT_OPTION_DISABLE_ACPI),
 * B_BAD_DATA (a corrupt table).
 */
typedef bool (*efi_madt_cpu_of)(uint8_t type, const uint8_t *entry, uint8_t length,
	uint64_t *_id, uint32_t *_flags);
status_t efi_madt_find_cpus(uint32_t bootOptions, efi_madt_cpu_of cpuOf,
	struct efi_cpu_list *list);

/*
 * fdt.c: the CPUs the device tree's /cpus names (device_type "cpu", status
 * okay or none; the id is reg), into list, with the release address of
 * those whose enable-method is "spin-table" where the list keeps them; and
 * whether PSCI is called by HVC or SMC (/psci's method). The tree is tree,
 * or when it is NULL the firmware's. Both log why they fail. Errors:
 * B_ENTRY_NOT_FOUND (no tree or no /cpus), B_BAD_DATA (a malformed /cpus
 * or tree), B_NOT_SUPPORTED (no /psci method the loader knows).
 */
status_t efi_fdt_find_cpus(const void *tree, struct efi_cpu_list *list);
status_t efi_fdt_psci_method(const void *tree, bool *_hvc);

/*
 * The UART the firmware's tables name as its console, for architectures
 * whose machines have no fixed serial port (arm64): spcr.c reads the ACPI
 * SPCR, fdt.c the device tree's /chosen stdout-path. False when the table
 * is absent or names no UART the loader can drive.
 */
enum efi_uart_kind {
	EFI_UART_NONE,
	EFI_UART_PL011,				/* PL011, or the SBSA UART subset of it */
	EFI_UART_16550_MMIO32,		/* 16550 with 32-bit registers, 4 bytes apart */
};

struct efi_uart {
	uint64_t	physical;		/* register base */
	uint32_t	kind;			/* enum efi_uart_kind */
};

bool efi_spcr_uart(struct efi_uart *uart);
bool efi_fdt_uart(struct efi_uart *uart);
void efi_smbios_init(kernel_args *args);
void efi_video_init(kernel_args *args);

struct arch_mmu_page_source;

/*
 * runtime.c, before the kernel regions freeze (address_space_build()):
 * reserve kernel_args memory for the map SetVirtualAddressMap will get,
 * sized from a current map. Without it the kernel gets no runtime services.
 */
void efi_runtime_reserve(const struct efi_memory_map *map);

/*
 * runtime.c, after the page tables exist: make the runtime code of map
 * executable in the physical map, where the runtime services will run.
 * Errors: those of arch_mmu_allow_execute().
 */
status_t efi_runtime_map_code(const struct efi_memory_map *map,
	const struct arch_mmu_page_source *source);

/*
 * runtime.c: after ExitBootServices, give the runtime services their kernel
 * addresses (SetVirtualAddressMap with the final map) and record the EFI
 * system table, runtime services and the map in args. Must not fail the
 * boot: a firmware that refuses leaves the EFI fields 0.
 */
void efi_enter_virtual_mode(kernel_args *args, struct efi_memory_map *map);

/* arch/<arch>: the jump into the kernel. */
void arch_start_kernel(kernel_args *args) __attribute__((noreturn));

/*
 * efi/arch/<arch>/uart.c: the debug line without the firmware. Program
 * serial line port (1-4 in the machine's own numbering, e.g. COM1-COM4 on
 * PCs; out of range selects the first) for speed bits per second (0: the
 * default, 115200); false when no UART answers there. Neither allocates.
 */
bool efi_arch_uart_setup(uint8_t port, uint32_t speed);
void efi_arch_uart_put(uint8_t byte);

/*
 * Whether the UART efi_arch_uart_setup() found is the one the firmware's
 * console writes to by its own description (arm64: the ACPI SPCR or the
 * device tree's stdout-path), so that console text already reaches the
 * debug line even where no ConOut variable says so (U-Boot).
 */
bool efi_arch_uart_is_firmware_console(void);

#endif
