/* SPDX-License-Identifier: MIT */
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
 * How the kernel ends a boot (for test runners): kernel_exit() with PASS
 * after "BOOTCHECK PASS", with FAIL after "BOOTCHECK FAIL: ..." and when the
 * CPU raised an exception (the kernel installs handlers early). How the code
 * reaches the test runner is the architecture's (arch/<arch>/serial.c), as is
 * the serial line all output goes to; lines end in "\r\n".
 */
#define KERNEL_EXIT_PASS		0x10
#define KERNEL_EXIT_FAIL		0x11

/* For printing uint64_t with %llx without a cast as long as the type name. */
typedef unsigned long long ull;

/* Linker script symbols: page aligned bounds of the kernel's sections. */
extern const char __text_start[], __text_end[];
extern const char __rodata_start[], __rodata_end[];
extern const char __data_start[], __data_end[];
extern const char __bss_start[], __bss_end[];

/* arch/<arch>/entry.S */
void _start(void);
extern uint64_t gBootInitialStack;		/* the stack pointer as the loader handed it over */

/* main.c */
void kernel_main(kernel_args *args, uint32_t cpu) __attribute__((noreturn));
/* What the kernel is doing, for the verdict when an exception ends the boot. */
const char *kernel_phase(void);
/* Marks that an exception is being reported; true when one already was. */
bool kernel_in_exception(void);

/* print.c */
void kernel_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));

/*
 * arch/<arch>/cpu.c: the CPU at entry, its counter, and exceptions ending the
 * boot. arch_kernel_traps_install runs before anything else can fault.
 */
void arch_kernel_read_cpu(struct bootcheck_cpu_state *state);
uint64_t arch_kernel_cycle_counter(void);
void arch_kernel_traps_install(void);
void kernel_exception(const uint64_t *frame) __attribute__((noreturn));

/* arch/<arch>/machine.c: the bootcheck_machine operations; their cookie is the kernel_args. */
uint64_t machine_efi_get_time(void *cookie, uint64_t function, void *time);
bool machine_write_virtual(void *cookie, uint64_t address, const void *buffer, size_t size);
/* Keep the framebuffer on screen while a test takes a screenshot. */
void machine_hold_screen(const kernel_args *args);

/*
 * smp.c: release a parked CPU into kernel_ap_start (entry.S), which calls
 * kernel_ap_main with its report, CPU number and stack pointer at entry.
 */
bool machine_release_cpu(void *cookie, uint64_t mailbox, uint32_t index,
	uint64_t timeoutMicroseconds, struct bootcheck_cpu_report *report);
void kernel_ap_start(void);
void kernel_ap_main(struct bootcheck_cpu_report *report, uint32_t cpu, uint64_t stackPointer);

/*
 * arch/<arch>/serial.c: the serial line and the end of the boot. serial_init
 * may read args (arm64: which UART the loader used) but must not trust it:
 * only its address has been checked, and output may be dropped.
 */
void serial_init(const kernel_args *args);
void serial_write(const char *text, size_t length);
void kernel_exit(uint8_t code) __attribute__((noreturn));

#endif
