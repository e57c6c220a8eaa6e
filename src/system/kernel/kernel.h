/*
 * Private interfaces of the boot-check kernel: entry, serial output and the
 * QEMU exit codes the boot tests look for; the checker is in <kernel/bootcheck.h>.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kernel/bootcheck.h>

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

/* For printing uint64_t with %llx without a cast as long as the type name. */
typedef unsigned long long ull;

static inline void
port_write(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}


static inline uint8_t
port_read(uint16_t port)
{
	uint8_t value;
	__asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}


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

/* machine.c: the bootcheck_machine operations; their cookie is the kernel_args. */
uint64_t machine_efi_get_time(void *cookie, uint64_t function, void *time);
bool machine_write_virtual(void *cookie, uint64_t address, const void *buffer, size_t size);
/* Keep the framebuffer on screen while a test takes a screenshot. */
void machine_hold_screen(const kernel_args *args);

/* serial.c */
void serial_init(void);
void serial_write(const char *text, size_t length);
void kernel_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));
void kernel_exit(uint8_t code) __attribute__((noreturn));

#endif
