/* SPDX-License-Identifier: MIT */
/*
 * Starting x86 application processors: the local APIC's inter-processor
 * interrupts (xAPIC through MMIO, x2APIC through MSRs) and the start-up
 * page's layout, shared by the trampoline (assembly) and the C that fills
 * it in (src/system/boot/arch/x86_64/). Intel SDM vol. 3A 8.4 and 10.6.
 */
#ifndef ARCH_X86_64_ARCH_SMP_H
#define ARCH_X86_64_ARCH_SMP_H

#include <boot/smp_mailbox.h>

/*
 * The start-up page: code from offset 0 (the SIPI vector is its page
 * number, so it lies below 1 MiB), the parameters the boot CPU fills in at
 * SMP_TRAMPOLINE_PARAMS, a temporary GDT at SMP_TRAMPOLINE_GDT. The code
 * is under 0x100 bytes (smp_start.S's .org stops the build if it grows
 * past the parameters).
 */
#define SMP_TRAMPOLINE_PARAMS		0x100
#define SMP_PARAM_GDTR				0x00	/* word limit, long base: the temporary GDT */
#define SMP_PARAM_PM_TARGET			0x08	/* long offset, word selector: 32-bit code */
#define SMP_PARAM_LM_TARGET			0x10	/* the same for the 64-bit code */
#define SMP_PARAM_PARK_TARGET		0x18	/* the same for the wait loop, kernel's CS */
#define SMP_PARAM_CR3				0x20	/* the kernel's PML4, below 4 GiB */
#define SMP_PARAM_CR4				0x24
#define SMP_PARAM_CR0				0x28
#define SMP_PARAM_EFER				0x2c	/* bits to set: LME, and NXE with NX */
#define SMP_PARAM_KERNEL_GDTR		0x30	/* word limit, quad base: the kernel's GDT */
#define SMP_PARAM_DATA_SELECTOR		0x3e	/* word */
#define SMP_PARAM_MAILBOX			0x40	/* quad: the next CPU's mailbox; 0: none */
#define SMP_TRAMPOLINE_GDT			0x180
#define SMP_TRAMPOLINE_SIZE			0x1a0

/* The temporary GDT's selectors. */
#define SMP_CODE32_SELECTOR			0x08
#define SMP_DATA_SELECTOR			0x10
#define SMP_CODE64_SELECTOR			0x18

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stdint.h>

#include <boot/status.h>

/* The trampoline's code and data, SMP_TRAMPOLINE_SIZE bytes (smp_start.S). */
extern const uint8_t x86_smp_trampoline[];
extern const uint8_t x86_smp_trampoline_pm32[];
extern const uint8_t x86_smp_trampoline_lm64[];
extern const uint8_t x86_smp_trampoline_park[];

/*
 * Copy the trampoline to page (its physical address, identity-mapped, below
 * 1 MiB) and fill in what every CPU shares: the kernel's page tables (CR3,
 * below 4 GiB) and GDT, and the boot CPU's CR0 and CR4. Errors:
 * B_BAD_VALUE (the page or the tables are out of reach of the start-up).
 */
status_t x86_smp_trampoline_install(uint64_t page, uint64_t pageDirectory,
	uint64_t gdtAddress, uint16_t gdtLimit, uint16_t codeSelector, uint16_t dataSelector);

/* The mailbox (kernel address) of the CPU to be started next; 0 takes it back. */
void x86_smp_trampoline_offer(uint64_t page, uint64_t mailbox);

/* Take an unclaimed offer back: true when no CPU had claimed it. */
bool x86_smp_trampoline_withdraw(uint64_t page);

/* Whether the firmware left the local APIC in x2APIC mode (IA32_APIC_BASE bit 10). */
bool x86_apic_x2apic_mode(void);

/*
 * INIT, then the two start-up IPIs with vector (the page number of the
 * trampoline), to the CPU of APIC id apicId, with the waits the SDM asks
 * for. Errors: B_BAD_VALUE (an id xAPIC cannot address), B_TIMED_OUT (the
 * APIC never sent the interrupt).
 */
status_t x86_apic_start_cpu(uint64_t apicId, uint8_t vector);

/* INIT alone: the CPU goes back to waiting for a start-up IPI. */
status_t x86_apic_init_cpu(uint64_t apicId);

#endif

#endif
