/* SPDX-License-Identifier: MIT */
/*
 * Whether the boot CPU has the SHA extensions, asked once, and SHA-256's
 * blocks through them when it does. General registers only: the SSE code is
 * sha256_simd.c's alone.
 */
#include <boot/arch_cpu.h>

#include <stdbool.h>

#include <arch_x86.h>

#include "x86_sha256.h"

/* CPUID.1:ECX and CPUID.7.0:EBX bits the block function's instructions need. */
#define X86_CPUID_1_ECX_SSSE3		(1u << 9)
#define X86_CPUID_1_ECX_SSE41		(1u << 19)
#define X86_CPUID_7_EBX_SHA			(1u << 29)

enum sha256_support {
	SHA256_SUPPORT_UNKNOWN = 0,
	SHA256_SUPPORT_NONE,
	SHA256_SUPPORT_SHA_EXTENSIONS,
};

static enum sha256_support sSupport;


/*
 * sha256_simd.c is compiled for SSSE3 (pshufb) and SSE4.1 as well as SHA, so
 * the compiler may pick any of them: all three must be there. No CPU has
 * the SHA extensions without the others, but a hypervisor may mask some.
 */
static bool
x86_has_sha_extensions(void)
{
	if (x86_cpuid(0, 0).eax < 7)
		return false;
	uint32_t features = x86_cpuid(1, 0).ecx;
	if ((features & X86_CPUID_1_ECX_SSSE3) == 0 || (features & X86_CPUID_1_ECX_SSE41) == 0)
		return false;
	return (x86_cpuid(7, 0).ebx & X86_CPUID_7_EBX_SHA) != 0;
}


const char *
arch_cpu_sha256_instructions(void)
{
	if (sSupport == SHA256_SUPPORT_UNKNOWN) {
		sSupport = x86_has_sha_extensions()
			? SHA256_SUPPORT_SHA_EXTENSIONS : SHA256_SUPPORT_NONE;
	}
	return sSupport == SHA256_SUPPORT_SHA_EXTENSIONS ? "SHA extensions" : NULL;
}


size_t
arch_cpu_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t count)
{
	if (count == 0 || arch_cpu_sha256_instructions() == NULL)
		return 0;
	return x86_sha256_blocks(state, data, count);
}
