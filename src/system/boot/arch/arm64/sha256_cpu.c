/* SPDX-License-Identifier: MIT */
/*
 * Whether the boot CPU has the Armv8 SHA-256 instructions and may use them,
 * asked once, and SHA-256's blocks through them when it does. General
 * registers only: the SIMD code is sha256_simd.c's alone.
 */
#include <boot/arch_cpu.h>

#include <stdbool.h>

#include <arch_arm64.h>

#include "arm64_sha256.h"

/* ID_AA64ISAR0_EL1.SHA2, bits 15:12: 1 SHA-256, 2 SHA-256 and SHA-512. */
#define ARM64_ISAR0_SHA2_SHIFT		12
#define ARM64_ISAR0_SHA2_MASK		0xfULL
/* CPACR_EL1.FPEN and, under HCR_EL2.E2H, CPTR_EL2.FPEN (21:20): 3 traps nothing. */
#define ARM64_FPEN_SHIFT			20
#define ARM64_FPEN_NO_TRAPS			3ULL
/* CPTR_EL2.TFP without E2H: 1 traps FP/SIMD at EL2 too. */
#define ARM64_CPTR_EL2_TFP			(1ULL << 10)
#define ARM64_HCR_EL2_E2H			(1ULL << 34)

enum sha256_support {
	SHA256_SUPPORT_UNKNOWN = 0,
	SHA256_SUPPORT_NONE,
	SHA256_SUPPORT_SHA2,
};

static enum sha256_support sSupport;


/*
 * UEFI leaves FP/SIMD on for its applications, but a trapped SIMD instruction
 * would end the boot in an exception, so the loader checks the trap controls
 * of the level it runs at instead of trusting that.
 */
static bool
arm64_simd_enabled(void)
{
	if (arm64_current_el() == 2) {
		uint64_t cptr = arm64_read_sysreg(cptr_el2);
		if ((arm64_read_sysreg(hcr_el2) & ARM64_HCR_EL2_E2H) != 0)
			return (cptr >> ARM64_FPEN_SHIFT & 3) == ARM64_FPEN_NO_TRAPS;
		return (cptr & ARM64_CPTR_EL2_TFP) == 0;
	}
	return (arm64_read_sysreg(cpacr_el1) >> ARM64_FPEN_SHIFT & 3) == ARM64_FPEN_NO_TRAPS;
}


const char *
arch_cpu_sha256_instructions(void)
{
	if (sSupport == SHA256_SUPPORT_UNKNOWN) {
		uint64_t sha2 = arm64_read_sysreg(id_aa64isar0_el1) >> ARM64_ISAR0_SHA2_SHIFT
			& ARM64_ISAR0_SHA2_MASK;
		sSupport = sha2 != 0 && arm64_simd_enabled()
			? SHA256_SUPPORT_SHA2 : SHA256_SUPPORT_NONE;
	}
	return sSupport == SHA256_SUPPORT_SHA2 ? "Armv8 SHA2" : NULL;
}


size_t
arch_cpu_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t count)
{
	if (count == 0 || arch_cpu_sha256_instructions() == NULL)
		return 0;
	return arm64_sha256_blocks(state, data, count);
}
