/* SPDX-License-Identifier: MIT */
/*
 * What the loader asks of the boot CPU itself: its identity and cycle counter
 * for kernel_args, how to wait, and SHA-256 with its own instructions. Every
 * architecture implements it in src/system/boot/arch/<arch>/.
 */
#ifndef BOOT_ARCH_CPU_H
#define BOOT_ARCH_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The boot CPU's hardware id, for kernel_args.boot_cpu_id. x86: the initial
 * APIC id, the 32-bit x2APIC id where the CPU reports one (CPUID leaf 0xb),
 * else the 8-bit id of CPUID leaf 1 (EBX[31:24]); the low 8 bits of both
 * agree. arm64: MPIDR_EL1's affinity fields Aff3..Aff0.
 */
uint64_t arch_cpu_boot_id(void);

/*
 * The CPU's cycle counter (the TSC on x86, CNTVCT_EL0 on arm64), for the
 * boot timeline; its rate is platform_cycle_counter_frequency(). Usable
 * from the first instruction on.
 */
uint64_t arch_cpu_cycle_counter(void);

/*
 * The cycle counter's rate in Hz when the architecture states it (arm64: the
 * generic timer's CNTFRQ_EL0), 0 when a port must measure it (x86: the TSC).
 */
uint64_t arch_cpu_cycle_counter_frequency(void);

/*
 * The architecture as the Boot Loader Specification's "architecture" key
 * and the EFI file names spell it: "x64", "aa64".
 */
const char *arch_cpu_bls_name(void);

/*
 * The PE machine type of this architecture's EFI executables (0x8664,
 * 0xaa64): what other systems' executables must be built for.
 */
uint16_t arch_cpu_pe_machine(void);

/*
 * A 32-bit read of an I/O port (x86's in instruction), for a device that the
 * firmware's tables place in I/O space: the ACPI power management timer.
 * False, with nothing read, where the architecture has no I/O space (arm64).
 */
bool arch_cpu_read_io_port32(uint16_t port, uint32_t *_value);

/* Inside a busy-wait loop: tell the CPU (x86: pause), so that it saves power. */
void arch_cpu_relax(void);

/* Stop the CPU for good, interrupts off: when nobody is left to return to. */
void arch_cpu_halt(void) __attribute__((noreturn));

/*
 * SHA-256's block function (FIPS 180-4 6.2.2) with the CPU's instructions,
 * for the files verified boot hashes: the portable C costs ~30 instructions a
 * byte, more than reading the file. Hashes as many of the count 64-byte
 * blocks at data (any alignment) into state (a..h, host order) as it can, in
 * order, and returns how many: all of them, or 0 when the CPU lacks the
 * instructions, and the caller does the rest in C. The CPU is asked once; the
 * answer is kept. Only before the firmware is left (UEFI: boot services):
 * x86_64 uses SSE registers, arm64 the SIMD ones, both of which the firmware
 * has on, and preserves the ones the firmware's calling convention says a
 * callee must. x86_64: the SHA extensions (CPUID.7.0:EBX[29], with SSSE3 and
 * SSE4.1); arm64: FEAT_SHA256 (ID_AA64ISAR0_EL1.SHA2).
 */
size_t arch_cpu_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t count);

/*
 * The instructions arch_cpu_sha256_blocks uses on this CPU, for the log
 * ("SHA extensions", "Armv8 SHA2"), or NULL when it has none (it returns 0).
 */
const char *arch_cpu_sha256_instructions(void);

#endif
