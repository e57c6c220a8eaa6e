/* SPDX-License-Identifier: MIT */
/*
 * The boot checker: validates a kernel_args and reports a verdict, inside the
 * boot-check kernel and in the hosted port alike, reading all memory that
 * kernel_args points to through accessors its caller supplies.
 */
#ifndef KERNEL_BOOTCHECK_H
#define KERNEL_BOOTCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arch_bootcheck.h>
#include <boot/kernel_args.h>

/* Where the running kernel is, from its linker symbols and its own memory. */
struct bootcheck_image {
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

/*
 * Reads of what kernel_args points to. Each copies [address, address + size)
 * into buffer and returns true, or returns false when any byte of it cannot
 * be read; garbage addresses must yield false, never a crash. read_virtual
 * takes kernel virtual addresses, read_physical physical addresses as the
 * page tables hold them. A NULL function reads nothing.
 */
struct bootcheck_memory {
	bool	(*read_virtual)(void *cookie, uint64_t address, void *buffer, size_t size);
	bool	(*read_physical)(void *cookie, uint64_t address, void *buffer, size_t size);
	void	*cookie;
};

/*
 * What a started CPU reports once the kernel released it from its mailbox
 * (docs/smp.md): the arguments and stack it was entered with, and its own
 * registers as the boot CPU's are read at kernel entry.
 */
struct bootcheck_cpu_report {
	uint64_t					argument;		/* its first argument */
	uint64_t					stack_pointer;	/* at its entry */
	uint32_t					cpu_index;		/* its second argument */
	uint32_t					done;			/* written last, with release order */
	struct bootcheck_cpu_state	cpu;
};

/*
 * What only the running kernel may do to the machine: call the firmware,
 * write to memory (the framebuffer) and release the parked CPUs.
 */
struct bootcheck_machine {
	/*
	 * Call EFI GetTime at the kernel address function (in the firmware's
	 * calling convention: ms_abi on x86_64, AAPCS64 on arm64) with time (an
	 * EFI_TIME, 16 bytes) and no capabilities; returns the EFI_STATUS.
	 */
	uint64_t	(*efi_get_time)(void *cookie, uint64_t function, void *time);
	/* Like bootcheck_memory.read_virtual, the other way. */
	bool		(*write_virtual)(void *cookie, uint64_t address, const void *buffer,
		size_t size);
	/*
	 * Release the CPU parked on the mailbox at kernel address mailbox (entry
	 * cpus[index]) into the kernel, and wait until it reported or
	 * timeoutMicroseconds passed: true and its report, or false.
	 */
	bool		(*release_cpu)(void *cookie, uint64_t mailbox, uint32_t index,
		uint64_t timeoutMicroseconds, struct bootcheck_cpu_report *report);
	void		*cookie;
};

struct bootcheck_environment {
	/* The structure itself, readable by the caller (a copy will do). */
	const kernel_args					*args;
	/*
	 * The kernel address of kernel_args the kernel was entered with (x86_64:
	 * rdi, arm64: x0).
	 * Without cpu it is only what the caller made up, and check self, which
	 * compares it with kernel_args' own word, is skipped.
	 */
	uint64_t							received_args;
	/* The CPU number the kernel was entered with (esi, x1); checked only with cpu. */
	uint32_t							received_cpu;
	/* The stack pointer at kernel entry (rsp, sp). */
	uint64_t							initial_stack_pointer;
	/* NULL when there is no CPU to ask: the checks that need it are skipped. */
	const struct bootcheck_cpu_state	*cpu;
	/* NULL when not running as the kernel: the checks that need it are skipped. */
	const struct bootcheck_image		*image;
	struct bootcheck_memory				memory;
	/* NULL when not running as the kernel: the checks that need it are skipped. */
	const struct bootcheck_machine		*machine;
	/* Receives the report, one or more whole lines ending in "\n" per call. */
	void								(*output)(const char *text, size_t length);
	/* Optional: told what runs next, so that a crash can name the culprit. */
	void								(*enter_phase)(const char *name);
};

/*
 * Prints a summary of kernel_args, then runs every check in order, printing
 * "CHECK <name>: ok", "CHECK <name>: FAIL (<reason>)" or
 * "CHECK <name>: skipped (<why>)", then
 * "bootcheck: <n> checks, <f> failed, <s> skipped" and the verdict:
 * "BOOTCHECK PASS" or "BOOTCHECK FAIL: <first failing check>: <reason>".
 * Returns whether it passed; skipped checks do not fail it.
 */
bool bootcheck_run(const struct bootcheck_environment *environment);

/*
 * Whether [start, start + size) lies inside one virtual allocated range of
 * args, i.e. is mapped according to the loader. Robust against bad counts;
 * size 0 is treated as 1.
 */
bool bootcheck_virtual_contains(const kernel_args *args, uint64_t start, uint64_t size);

#endif
