/* SPDX-License-Identifier: MIT */
/*
 * The platform hooks: everything the generic loader needs from a port.
 *
 * A port implements every function declared here and nothing else of the
 * generic loader's. Besides this list the generic loader calls only the
 * architecture's interface, boot/arch_cpu.h and boot/arch_mmu.h, which every
 * port of an architecture shares (src/system/boot/arch/<arch>/).
 * Unless said otherwise, hooks are called with the heap available, on one
 * CPU, and never re-entered.
 */
#ifndef BOOT_PLATFORM_H
#define BOOT_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/status.h>

struct block_device;
struct file_server;
struct stage2_args;
struct kernel_args;
struct kernel_cpu_mailbox;


/* --- entry --------------------------------------------------------------- */

/*
 * The generic entry point a port calls once its console works. Returns only
 * when booting failed; the port then returns control to its firmware.
 */
status_t boot_main(struct stage2_args *args);


/* --- heap ---------------------------------------------------------------- */

/*
 * Reserve the region the generic heap manages, page aligned, in one piece:
 * args->heap_size bytes (0: the port's default, BOOT_DEFAULT_HEAP_SIZE unless
 * the port has a setting of its own). When that much is not free in one
 * piece, take the largest that is, trying the sizes heap_next_region_size()
 * gives (halving) down to BOOT_MIN_HEAP_SIZE, or the size asked for if that
 * is smaller: a small machine boots with a smaller heap. Returns base and top
 * (one past the end) by reference. Called once, before any allocation, once
 * the console works.
 * Errors: B_NO_MEMORY when not even the minimum is free in one piece; the
 * port has then said so on the console and the debug output (the generic
 * loader cannot show its menu without a heap, and returns to the port).
 */
status_t platform_init_heap(struct stage2_args *args, void **_base, void **_top);

/*
 * The heap is done with; called once at handoff, after the last free. A
 * port whose heap lies in the kernel's physical memory records the range in
 * gKernelArgs->loader_heap, which the kernel checks is usable RAM, not
 * allocated. It need not return the pages to its firmware first when the
 * final memory map calls them usable anyway (EFI: they stay loader data).
 */
void platform_release_heap(struct stage2_args *args, void *base);

/*
 * Memory for one allocation too large for the heap (HEAP_LARGE_THRESHOLD
 * bytes or more): whole pages of KERNEL_PAGE_SIZE, page aligned, outside the
 * heap region. Loader memory only: the kernel never sees it, and the heap
 * frees every such block (and reports it as a leak) before handoff.
 * Errors: B_NO_MEMORY.
 */
status_t platform_allocate_large(size_t size, void **_address);
void platform_free_large(void *address, size_t size);


/* --- memory the kernel will see ------------------------------------------ */

/* protection bits for platform_allocate_region */
#define REGION_READ		0x1
#define REGION_WRITE	0x2
#define REGION_EXECUTE	0x4
/*
 * Not a protection: the caller writes every byte of the region itself (a
 * segment read from a file), so the port need not zero it first.
 */
#define REGION_UNZEROED	0x100
#define REGION_PROTECTION_MASK	(REGION_READ | REGION_WRITE | REGION_EXECUTE)

/*
 * Allocate size bytes (rounded up to pages) of zeroed memory that survives the
 * handoff and is mapped in the kernel's address space; with REGION_UNZEROED
 * in protection its contents are undefined instead (the port may zero it or
 * not), which spares a pass over memory the caller overwrites anyway. With exact, the region
 * is placed at *_kernel_address, which must be page aligned and inside the
 * kernel window; otherwise the port picks an address and returns it there.
 * The port records the region for the kernel_args ranges and page tables.
 * Errors: B_NO_MEMORY, B_BAD_ADDRESS (exact address unavailable or outside the
 * window), B_BAD_VALUE.
 */
status_t platform_allocate_region(uint64_t *_kernel_address, size_t size,
	uint32_t protection, bool exact);

/* Free a whole region returned by platform_allocate_region. */
status_t platform_free_region(uint64_t kernel_address, size_t size);

/*
 * Translate between the loader's view of a region and the kernel's. Both
 * return 0/NULL for addresses that are not inside an allocated region.
 */
void *platform_kernel_to_loader(uint64_t kernel_address);
uint64_t platform_loader_to_kernel(const void *loader_address);


/* --- console and debug output -------------------------------------------- */

enum console_color {
	CONSOLE_BLACK, CONSOLE_BLUE, CONSOLE_GREEN, CONSOLE_CYAN, CONSOLE_RED,
	CONSOLE_MAGENTA, CONSOLE_BROWN, CONSOLE_LIGHT_GRAY, CONSOLE_DARK_GRAY,
	CONSOLE_LIGHT_BLUE, CONSOLE_LIGHT_GREEN, CONSOLE_LIGHT_CYAN,
	CONSOLE_LIGHT_RED, CONSOLE_LIGHT_MAGENTA, CONSOLE_YELLOW, CONSOLE_WHITE,
};

/* Prepare the user-visible console. Called before boot_main. */
status_t console_init(void);

/* Write UTF-8 text to the console ('\n' starts a new line). */
void console_write(const char *text, size_t length);

void console_clear_screen(void);
int32_t console_width(void);
int32_t console_height(void);
void console_set_cursor(int32_t x, int32_t y);
void console_set_color(enum console_color foreground,
	enum console_color background);

/*
 * Block until a key is pressed; returns its Unicode value ('\r' for Enter,
 * '\b' for Backspace), one of the CONSOLE_KEY_* codes for keys without one,
 * or 0 when no key can ever come (the input is closed). The codes lie above
 * the last code point (U+10FFFF), so that no character is mistaken for a key.
 */
#define CONSOLE_KEY_UP			0x110001
#define CONSOLE_KEY_DOWN		0x110002
#define CONSOLE_KEY_LEFT		0x110003
#define CONSOLE_KEY_RIGHT		0x110004
#define CONSOLE_KEY_HOME		0x110005
#define CONSOLE_KEY_END			0x110006
#define CONSOLE_KEY_PAGE_UP		0x110007
#define CONSOLE_KEY_PAGE_DOWN	0x110008
#define CONSOLE_KEY_DELETE		0x110009
#define CONSOLE_KEY_ESCAPE		0x1b
int32_t console_wait_for_key(void);

/*
 * Like console_wait_for_key(), but wait at most the given number of
 * microseconds; 0 only takes a key that is already waiting. Returns
 * CONSOLE_NO_KEY when none came in time, and 0 at once when no key can ever
 * come.
 */
#define CONSOLE_NO_KEY			(-1)
int32_t console_wait_for_key_timeout(uint64_t microseconds);

/*
 * True while console_write() output already reaches the debug channel (OVMF
 * mirrors its console to the serial line), so that the generic loader sends
 * each line there once.
 */
bool console_shares_debug_output(void);

/*
 * Apply the configuration's serial setting to the debug channel: off
 * silences it; port (1-4, the machine's serial lines in its own numbering,
 * e.g. COM1-COM4 on PCs; 0 for the port's choice) and speed
 * (bits per second, 0 to keep) select the line where the port can. Called
 * once the configuration is read; output before that uses the defaults.
 */
void platform_debug_configure(bool enabled, uint8_t port, uint32_t speed);

/*
 * Write to the debug channel (a serial line on real ports). Must work from
 * the first instruction of the port until the kernel takes over, including
 * after the firmware is gone; must never allocate.
 */
void platform_debug_write(const char *text, size_t length);


/* --- time ---------------------------------------------------------------- */

/* Microseconds since an arbitrary point before boot_main; monotonic. */
uint64_t system_time(void);

/* Busy-wait at least the given number of microseconds. */
void spin(uint64_t microseconds);

/*
 * How fast arch_cpu_cycle_counter() (boot/arch_cpu.h) counts, in Hz: the
 * rate the architecture states (arch_cpu_cycle_counter_frequency()) where it
 * states one, else measured by the port against a clock it trusts; 0 when
 * unknown. Must work from the port's entry on and never allocate. A port may
 * answer more precisely as the boot goes on: the generic loader asks for the
 * kernel's just before platform_start_kernel().
 */
uint64_t platform_cycle_counter_frequency(void);


/* --- devices -------------------------------------------------------------- */

/*
 * Register every whole disk with media through block_device_register(),
 * marking the one the loader was started from with BLOCK_DEVICE_BOOT_DISK
 * (the loader tries it first). A disk that cannot be registered is left
 * out with a console line naming it and the reason. Errors, only when no
 * disk was registered: why the last one failed (B_NO_MEMORY, ...), else
 * B_ENTRY_NOT_FOUND when there is no disk at all.
 */
status_t platform_add_block_devices(struct stage2_args *args);

/*
 * True when the partition at byte offset on disk is the one the loader was
 * started from. Ports that cannot tell return false.
 */
bool platform_is_boot_partition(struct stage2_args *args,
	const struct block_device *disk, uint64_t offset);

/*
 * The file server the loader was started from (a network boot; see
 * boot/file_server.h), from heap_alloc, or NULL when it came from a disk or
 * the server cannot be used (said on the console). Its volume is the boot
 * volume. The loader owns it from now on: it calls ops->release, then
 * heap_free, at cleanup.
 */
struct file_server *platform_boot_file_server(struct stage2_args *args);

/* Release what the port holds for its devices; called before handoff. */
void platform_cleanup_devices(void);


/* --- video modes (the boot menu) ----------------------------------------- */

/*
 * The graphics modes the firmware offers the kernel a framebuffer in,
 * numbered from 0; 0 modes when there is no graphics output (the hosted port
 * without --video-modes).
 */
int32_t platform_video_mode_count(void);

/* The current mode's number, or -1 when there is none. */
int32_t platform_video_mode_current(void);

/* Errors: B_BAD_VALUE (no such mode), B_ERROR (the firmware failed). */
status_t platform_video_mode_info(int32_t index, uint32_t *_width, uint32_t *_height);

/*
 * Switch the graphics output to mode index; the kernel's framebuffer is what
 * is current at platform_prepare_kernel_start(). The text console may be
 * cleared, and some firmware draws it badly afterwards: the loader switches
 * just before it prepares the kernel's start. Errors: B_BAD_VALUE, B_ERROR.
 */
status_t platform_set_video_mode(int32_t index);


/* --- the framebuffer console (docs/console.md) ---------------------------- */

/*
 * The current graphics mode's framebuffer, as the loader draws on it: the
 * generic loader's framebuffer console (boot/fb_console.h), its splash and
 * progress bar draw into it themselves. Pixels are bits_per_pixel wide (16,
 * 24 or 32), little-endian, their channels where the masks say; a row is
 * bytes_per_line bytes. The memory stays the port's.
 */
struct platform_framebuffer {
	void		*base;				/* the loader's address of pixel (0, 0) */
	uint32_t	width;				/* pixels */
	uint32_t	height;
	uint32_t	bytes_per_line;
	uint32_t	bits_per_pixel;
	uint32_t	red_mask;
	uint32_t	green_mask;
	uint32_t	blue_mask;
};

/*
 * Fill in the current mode's framebuffer. Called with boot services (or
 * their like) up, after the configuration was read and after each
 * platform_set_video_mode(); the answer holds until the next mode switch or
 * platform_prepare_kernel_start(), after which the loader no longer draws.
 * Errors: B_NOT_SUPPORTED (no graphics output, or one without a framebuffer
 * the loader can write, such as EFI's PixelBltOnly): the console stays the
 * port's text console.
 */
status_t platform_get_framebuffer(struct platform_framebuffer *framebuffer);

/*
 * The framebuffer console takes the screen (taken true) or gives it back.
 * While it has it, console_write() and its siblings must no longer draw on
 * the screen, only on the port's other outputs (EFI: the firmware's serial
 * terminal), and console_width()/console_height() describe those; keys still
 * come through console_wait_for_key(). Returns whether such another output
 * is left (false: the screen was the only one, console_width() and
 * console_height() may return 0). Giving the screen back restores what
 * console_write() did before.
 */
bool platform_console_take_screen(bool taken);


/* --- the machine (the boot menu) ------------------------------------------ */

/*
 * Describe the firmware's memory map as the port sees it: one line of text
 * per range, without a line end, handed to line(cookie, text). Errors:
 * B_NO_MEMORY, B_ERROR (the firmware would not tell).
 */
status_t platform_describe_memory(void (*line)(void *cookie, const char *text),
	void *cookie);

/* Restart the machine or turn it off; they return only when the firmware failed. */
void platform_reboot(void);
void platform_power_off(void);

/* Whether the firmware can be told to start its setup at the next boot. */
bool platform_firmware_setup_supported(void);

/*
 * Restart into the firmware's setup (EFI: OsIndications); returns only on
 * failure. Errors: B_NOT_SUPPORTED, B_ERROR.
 */
status_t platform_reboot_to_firmware_setup(void);


/* --- other systems' executables ------------------------------------------ */

/*
 * An executable of the firmware's own kind that the loader read itself, and
 * where it came from, so that the port can name its file to the firmware.
 */
struct platform_image {
	const char		*path;				/* as configured, for messages */
	const void		*data;				/* the whole file */
	size_t			size;
	const struct block_device	*disk;	/* the whole disk the file is on; NULL if none */
	uint64_t		partition_offset;	/* bytes from the disk's start to its volume */
	const char		*volume_path;		/* "/EFI/x.efi" on that volume */
	const char		*command_line;		/* UTF-8; "" for none */
	const void		*initrd;			/* NULL: no initrd is offered */
	size_t			initrd_size;
	/* a flattened device tree, its header checked; NULL: the firmware's stays */
	const void		*device_tree;
	size_t			device_tree_size;	/* the header's totalsize */
};

/*
 * Start image as the firmware starts its own applications, with its command
 * line as load options and, when there is one, the initrd offered the way
 * Linux's EFI stub asks for it and the device tree in place of the
 * firmware's; a Linux kernel does not come back. Returns
 * B_OK when the image ran and returned (the port has logged its exit
 * status, and reason holds it as text), else an error with the reason:
 * B_NOT_SUPPORTED (a port without such a firmware, or an image it cannot
 * start here: another architecture), B_BAD_DATA (not an executable it
 * knows), B_NOT_ALLOWED (the firmware's Secure Boot refused it, or another
 * initrd is offered already), B_NO_MEMORY, B_ERROR.
 * Whatever the port set up for the image is undone before it returns. The
 * generic loader then calls vfs_note_write(): the image may have written.
 */
status_t platform_start_image(const struct platform_image *image, char *reason,
	size_t reasonSize);

/*
 * The flattened device tree the firmware describes the machine with, its
 * header checked, and its size (totalsize); NULL when it gives none (EFI:
 * ACPI alone). An entry's overlays apply to it when the entry names no
 * tree of its own.
 */
const void *platform_firmware_device_tree(size_t *_size);

/*
 * Have the firmware add to a tree the loader made for its own kernel what
 * only the firmware knows, as it does for the trees it gives Linux: the
 * memory it reserved, the memory the board really has, how the other CPUs
 * start, its /chosen properties (EFI: U-Boot's device tree fix-up
 * protocol). tree is a checked tree of size bytes, left as it is; on
 * success *_fixed is a new heap block holding the fixed tree, of
 * *_fixedSize bytes, the caller's to free; on failure neither is written. Before
 * platform_prepare_kernel_start(). Errors: B_NOT_SUPPORTED (the firmware
 * has no such service: the tree is handed on as it is), B_NO_MEMORY,
 * B_BAD_DATA (the firmware refused the tree).
 */
status_t platform_fix_up_device_tree(const void *tree, size_t size, void **_fixed,
	size_t *_fixedSize);


/* --- writing to a volume ------------------------------------------------- */

/*
 * Rename the file at path ("/loader/entries/a+3.conf") on the volume that
 * starts at byte offset of disk to name, in the same directory: boot
 * counting's one write (boot/boot_counting.h). The loader's own file
 * systems only read; a port renames through the firmware's file system
 * driver, whose writes are its own to get right. Errors, with the reason
 * in reason: B_NOT_SUPPORTED (the port cannot write to this volume),
 * B_ENTRY_NOT_FOUND, B_NOT_ALLOWED (write-protected), B_NO_MEMORY,
 * B_IO_ERROR.
 */
status_t platform_rename_file(const struct block_device *disk, uint64_t offset,
	const char *path, const char *name, char *reason, size_t reasonSize);


/* --- the boot loader interface ------------------------------------------- */

/*
 * Variables the loader and the operating system exchange across boots (EFI:
 * those under the Boot Loader Interface's vendor GUID, which systemd's
 * bootctl and systemd-analyze read; docs/boot_loader_interface.md). Names are
 * ASCII, values UTF-8 text as the loader sees them.
 *
 * platform_get_loader_variable: the value, NUL-terminated, into value; with
 * consume the variable is deleted once read, whatever it held. Errors:
 * B_ENTRY_NOT_FOUND, B_NOT_SUPPORTED (the port has no such variables),
 * B_BUFFER_OVERFLOW (longer than size - 1 bytes), B_BAD_DATA (not text).
 */
status_t platform_get_loader_variable(const char *name, char *value, size_t size,
	bool consume);

/* platform_set_loader_variable's flags */
#define PLATFORM_VARIABLE_TEXT			0x1	/* UTF-8, stored as the firmware's strings */
#define PLATFORM_VARIABLE_PERSISTENT	0x2	/* outlives the boot */

/*
 * Set a variable for the operating system: for this boot only, unless
 * flags has PLATFORM_VARIABLE_PERSISTENT. With PLATFORM_VARIABLE_TEXT, value
 * is size bytes of UTF-8, stored in the firmware's string form, and may hold
 * NULs, each ending one string of a list; else the bytes as they are. A size
 * of 0 deletes the variable. Errors: B_NOT_SUPPORTED, B_NO_MEMORY, B_ERROR.
 */
status_t platform_set_loader_variable(const char *name, const void *value, size_t size,
	uint32_t flags);


/* --- firmware security --------------------------------------------------- */

enum platform_secure_boot {
	PLATFORM_SECURE_BOOT_OFF,		/* off, or the firmware has no such thing */
	PLATFORM_SECURE_BOOT_SETUP,		/* no platform key enrolled: anything starts */
	PLATFORM_SECURE_BOOT_ENFORCING,	/* only signed applications start */
};

/*
 * Whether the firmware checked this loader's signature and checks what it
 * starts. When it does, the loader checks what it loads itself
 * (boot/trust.h), so that it is not the way around the firmware's check.
 * Called once, before the configuration is read. EFI: the SecureBoot and
 * SetupMode variables.
 */
enum platform_secure_boot platform_secure_boot_state(void);


/* --- measured boot (docs/measured_boot.md) ------------------------------- */

/*
 * Whether this boot can be measured: a TPM 2.0 whose SHA-256 PCR bank is
 * active, and an event log in the TCG2 crypto agile format. Called once,
 * with the heap, before any other hook of this group; the others are only
 * called after it returned B_OK. Errors: B_NOT_SUPPORTED (no TPM, or a port
 * without one: the boot is not measured), B_ERROR (a TPM the port cannot
 * use); the port logs no reason, the caller says it once.
 */
status_t platform_measure_init(void);

/*
 * Extend PCR pcr with the digest of size bytes at data, in every active
 * bank, and append an event of type eventType (TCG's EV_*) with the
 * eventSize bytes at eventData to the event log (EFI: HashLogExtendEvent).
 * An event the full log has no room for is not an error: the PCR is
 * extended and platform_measure_event_log() says the log is truncated.
 * Boot services only. Errors: B_NO_MEMORY, B_BAD_VALUE (the firmware
 * refused the event), B_ERROR.
 */
status_t platform_measure(uint32_t pcr, uint32_t eventType, const void *data, size_t size,
	const void *eventData, size_t eventSize);

/*
 * The value of PCR pcr in the SHA-256 bank, read from the TPM itself (EFI:
 * TPM2_PCR_Read through SubmitCommand), into value. Errors: B_IO_ERROR (the
 * TPM answered with an error), B_ERROR.
 */
status_t platform_measure_read_pcr(uint32_t pcr, uint8_t value[32]);

/*
 * The event log as the platform keeps it, every measurement so far
 * included, in the TCG2 crypto agile format (the Spec ID event first): its
 * address and size, and whether events were lost because it was full. The
 * memory stays the platform's and may go with the firmware: the caller
 * copies what the kernel is to see, before it measures again.
 * Errors: B_NOT_SUPPORTED (no such log), B_ERROR.
 */
status_t platform_measure_event_log(const void **_log, size_t *_size, bool *_truncated);


/* --- the other CPUs (docs/smp.md) ---------------------------------------- */

/* What platform_smp_find_cpus reports of one CPU. */
struct platform_cpu {
	uint64_t	hardware_id;		/* as kernel_cpu_entry.hardware_id */
	bool		boot;				/* the CPU the loader runs on */
	bool		online_capable;		/* present but off: may be brought up later */
};

/*
 * The machine's CPUs, from the firmware's tables (EFI: the ACPI MADT's
 * processor local APIC and x2APIC entries on x86, its GIC CPU interface
 * entries on arm64, or without ACPI the device tree's /cpus; enabled or
 * online capable), into cpus, at most max of
 * them, each hardware id once; *_count receives how many. A port that can
 * start CPUs also reserves here, while the firmware still serves, what it
 * needs to start them later (x86: a start-up page below 1 MiB; arm64: one
 * anywhere), which it accounts for in the memory map as
 * loader-reclaimable, once per loader run. bootOptions are kernel_args'
 * BOOT_OPTION_* (BOOT_OPTION_DISABLE_ACPI: no ACPI table is read).
 * deviceTree is the tree the kernel will be handed when the entry made it
 * (its own, or overlays on the firmware's; its header checked), else NULL:
 * a port that reads a device tree reads that one, so that the CPUs it
 * starts are the ones the kernel is told about. Called
 * once per boot attempt, with the heap, before
 * platform_prepare_kernel_start(). The boot CPU need not be listed: the
 * caller adds it. Errors (the loader then boots on one CPU; the port has
 * logged why, once): B_NOT_SUPPORTED (the port cannot start CPUs: the
 * hosted port without --cpus; arm64 without PSCI or a spin-table lists
 * its CPUs and fails each start instead), B_ENTRY_NOT_FOUND (no
 * table lists the CPUs, or ACPI is off), B_BAD_DATA (a table is corrupt),
 * B_NO_MEMORY (no start-up page).
 */
status_t platform_smp_find_cpus(uint32_t bootOptions, const void *deviceTree,
	struct platform_cpu *cpus, uint32_t max, uint32_t *_count);

/*
 * Send CPU cpus[index] of args the start-up signal, so that it comes up on
 * the kernel's page tables (args' arch part) and parks in the port's wait
 * loop on its mailbox (kernel_cpu_entry.mailbox; loader address mailbox). The
 * generic loader then waits for the mailbox's state to say PARKED. Called
 * after the firmware was left, one CPU at a time, by smp_start_cpus().
 * Must not allocate. Errors, which smp_start_cpus() logs with the CPU:
 * B_NOT_SUPPORTED (the port found no way to start this CPU: arm64 with
 * neither a spin-table for it nor a PSCI conduit), B_BAD_VALUE (x86: an APIC id, start-up page or page
 * tables out of reach), B_TIMED_OUT (x86: the APIC never sent the
 * interrupt), B_ERROR (no start-up page; arm64: PSCI refused CPU_ON).
 */
status_t platform_smp_start_cpu(const struct kernel_args *args, uint32_t index,
	volatile struct kernel_cpu_mailbox *mailbox);

/*
 * The CPU cpus[index] did not park in time: stop it for good (x86: INIT
 * puts it back to waiting for a start-up signal) and make sure that a late
 * start never reaches its mailbox. Must not allocate.
 */
void platform_smp_abandon_cpu(const struct kernel_args *args, uint32_t index);


/* --- leaving the loader -------------------------------------------------- */

/*
 * Everything before the point of no return that can fail: the boot CPU's
 * stack (args->cpu_kernel_stack), the kernel's page tables, the
 * architecture fields of args and its firmware fields (the ACPI RSDP, the
 * SMBIOS entry points, the firmware's device tree where FDT_MACHINES, the
 * framebuffer; the generic loader puts a kernel entry's tree in place of
 * the firmware's afterwards, and says so in the log after the port's line
 * on the firmware's). May allocate. On failure the loader can still
 * report the error and go back: the port has given back the page-table pages
 * it took (arch_mmu_release()); regions and kernel_args memory are the
 * loader's to free (kernel_args_reset()).
 */
status_t platform_prepare_kernel_start(struct kernel_args *args);

/*
 * Take the final memory map, fill the physical range arrays of args, leave
 * the firmware, start the other CPUs with smp_start_cpus(args) (boot/smp.h)
 * and enter the kernel at args->kernel.entry with the kernel
 * address of args and CPU number 0. The heap has been released: this hook
 * must not allocate from it. Returns only if the firmware could not be left,
 * in which case nothing can be reported but through platform_debug_write.
 */
status_t platform_start_kernel(struct kernel_args *args);

/* Give up and return to the firmware (or exit the process) with a status. */
void platform_exit(status_t status) __attribute__((noreturn));

#endif
