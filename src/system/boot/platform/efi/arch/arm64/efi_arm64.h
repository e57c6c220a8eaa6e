/* SPDX-License-Identifier: MIT */
/*
 * What the arm64 parts of the EFI port tell each other.
 */
#ifndef EFI_ARCH_ARM64_EFI_ARM64_H
#define EFI_ARCH_ARM64_EFI_ARM64_H

#include <stdint.h>

/* uart.c: the debug UART for arch_args (ARM64_UART_*), 0 when there is none. */
uint32_t arm64_efi_uart(uint64_t *_physical);

/*
 * enter_kernel.S: from the firmware's EL2 or EL1 to the kernel at EL1 with
 * the loader's tables; registers only once the MMU is off. Never returns.
 */
void arm64_enter_kernel(uint64_t ttbr0, uint64_t ttbr1, uint64_t tcr, uint64_t mair,
	uint64_t entry, uint64_t kernelArgs, uint64_t stackTop) __attribute__((noreturn));

/* enter_kernel.S's first and last byte, which run with the caches off. */
extern const uint8_t arm64_enter_kernel_start[];
extern const uint8_t arm64_enter_kernel_end[];

#endif
