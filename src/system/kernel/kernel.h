/*
 * Private interfaces of the boot-check kernel: serial output, the checks and
 * the QEMU exit codes the boot tests look for.
 */
#ifndef KERNEL_BOOTCHECK_H
#define KERNEL_BOOTCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/kernel_args.h>

/*
 * How the kernel ends a boot (for test runners).
 *
 * The kernel writes one byte to QEMU's isa-debug-exit device, which must be
 * configured as `-device isa-debug-exit,iobase=0xf4,iosize=0x04`; QEMU then
 * exits with status (value << 1) | 1:
 *   KERNEL_EXIT_PASS (0x10) -> QEMU exit status 33, after "BOOTCHECK PASS"
 *   KERNEL_EXIT_FAIL (0x11) -> QEMU exit status 35, after "BOOTCHECK FAIL: ..."
 * The same FAIL code ends a boot when the CPU raised an exception (the
 * kernel installs handlers for vectors 0-31 early). Without the device the
 * kernel halts forever, so runners need a timeout; a triple fault (a broken
 * stack or IDT) resets the machine, so runners should pass -no-reboot.
 * All output goes to COM1 (0x3f8, 115200 8N1), lines end in "\r\n".
 */
#define KERNEL_EXIT_PORT		0xf4
#define KERNEL_EXIT_PASS		0x10
#define KERNEL_EXIT_FAIL		0x11

#define KERNEL_PAGE_SIZE		4096ULL

/* For printing uint64_t with %llx without a cast as long as the type name. */
typedef unsigned long long ull;

/* Linker script symbols: page aligned bounds of the kernel's sections. */
extern const char __text_start[], __text_end[];
extern const char __rodata_start[], __rodata_end[];
extern const char __data_start[], __data_end[];
extern const char __bss_start[], __bss_end[];

/* entry.S */
void _start(void);
extern uint64_t gBootInitialStack;		/* rsp as the loader handed it over */
extern const uint64_t gExceptionStubs[32];	/* entry points for vectors 0-31 */

/* main.c */
void kernel_main(kernel_args *args, uint32_t cpu) __attribute__((noreturn));
void kernel_exception(const uint64_t *frame) __attribute__((noreturn));

/* serial.c */
void serial_init(void);
void serial_write(const char *text, size_t length);
void kernel_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));
void kernel_exit(uint8_t code) __attribute__((noreturn));


/* --- checks.c ------------------------------------------------------------ */

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
	KCHECK_KERNEL_SECTIONS,
	KCHECK_KERNEL_CONTENTS,
	KCHECK_KERNEL_IMAGE,
	KCHECK_KERNEL_SEGMENTS,
	KCHECK_SEGMENT_FLAGS,
	KCHECK_SEGMENTS_PHYSICAL,
	KCHECK_STACK,
	KCHECK_LOADER_LOG,
	KCHECK_LOADER_NAME,
	KCHECK_CR3,
	KCHECK_GDT,
	KCHECK_CODE_SELECTOR,
	KCHECK_PHYSICAL_MAP,
	KCHECK_PAGE_TABLES,
	KCHECK_SEGMENT_TRANSLATION,
	KCHECK_VIRTUAL_BACKING,
	KCHECK_ARGS_ALIAS,
	KCHECK_COUNT
};

/* What the CPU says, read by main.c so that checks.c stays plain C. */
struct kcheck_cpu_state {
	uint64_t	cr3;
	uint64_t	gdt_base;
	uint16_t	gdt_limit;
	uint16_t	cs;
	uint16_t	ds;
	uint16_t	ss;
};

/* Where the kernel itself is, from its linker symbols and its own memory. */
struct kcheck_image {
	uint64_t	text_start, text_end;
	uint64_t	rodata_start, rodata_end;
	uint64_t	data_start, data_end;
	uint64_t	bss_start, bss_end;
	uint64_t	entry;				/* address of _start */
	uint64_t	bss_nonzero;		/* offset of the first non-zero bss byte at entry,
									   or UINT64_MAX */
	bool		rodata_canary_ok;	/* initialised .rodata reads back as linked */
	bool		data_canary_ok;		/* initialised .data reads back as linked */
};

struct kcheck_context {
	const kernel_args		*args;
	uint64_t				received_args;	/* rdi at entry */
	uint32_t				received_cpu;	/* esi at entry */
	uint64_t				initial_rsp;
	struct kcheck_cpu_state	cpu;
	struct kcheck_image		image;
	bool					passed[KCHECK_COUNT];	/* filled in by the runner */
};

typedef bool (*kcheck_function)(const struct kcheck_context *context,
	char *reason, size_t reasonSize);

struct kcheck {
	const char		*name;
	kcheck_function	run;	/* true on pass; otherwise reason says why */
};

/* In the order they must run: later checks rely on earlier ones. */
extern const struct kcheck gKernelChecks[KCHECK_COUNT];

/*
 * Whether [start, start + size) lies inside one virtual allocated range, i.e.
 * is mapped according to the loader and may be read. Robust against bad
 * counts; size 0 is treated as 1.
 */
bool kcheck_virtual_contains(const kernel_args *args, uint64_t start, uint64_t size);

#endif
