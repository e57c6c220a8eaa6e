/* SPDX-License-Identifier: MIT */
/*
 * The SHA extensions' block function, between the file that may use SSE
 * registers (sha256_simd.c) and the one that decides whether it runs
 * (sha256_cpu.c).
 */
#ifndef X86_SHA256_H
#define X86_SHA256_H

#include <stddef.h>
#include <stdint.h>

/*
 * count 64-byte blocks into state; the CPU must have the SHA extensions,
 * SSSE3 and SSE4.1. The Microsoft calling convention on purpose: the rest of
 * the loader is SysV code without SSE, which the firmware (Microsoft x64 ABI,
 * xmm6 to xmm15 callee-saved) calls through gnu-efi's crt0, and crt0 saves no
 * xmm register. As an ms_abi function this one saves whichever of xmm6 to
 * xmm15 the compiler gives it, so that the loader as a whole still leaves
 * them as the firmware had them.
 */
size_t __attribute__((ms_abi)) x86_sha256_blocks(uint32_t state[8], const uint8_t *data,
	size_t count);

#endif
