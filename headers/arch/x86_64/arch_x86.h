/* SPDX-License-Identifier: MIT */
/*
 * The x86 instructions boot code needs, written once for the loader's arch
 * code, the EFI port's arch folder and the boot-check kernel alike.
 */
#ifndef ARCH_X86_64_ARCH_X86_H
#define ARCH_X86_64_ARCH_X86_H

#include <stdint.h>

#define X86_MSR_EFER			0xc0000080
#define X86_EFER_NXE			(1ULL << 11)

/* CPUID 0x80000001 EDX */
#define X86_CPUID_NO_EXECUTE	(1u << 20)
#define X86_CPUID_1GB_PAGES		(1u << 26)


struct x86_cpuid_registers {
	uint32_t	eax;
	uint32_t	ebx;
	uint32_t	ecx;
	uint32_t	edx;
};


static inline struct x86_cpuid_registers
x86_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct x86_cpuid_registers r;
	__asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		: "a"(leaf), "c"(subleaf));
	return r;
}


/* EDX of CPUID leaf 0x80000001 (NX, 1 GiB pages, long mode); 0 without the leaf. */
static inline uint32_t
x86_cpuid_extended_features(void)
{
	if (x86_cpuid(0x80000000, 0).eax < 0x80000001)
		return 0;
	return x86_cpuid(0x80000001, 0).edx;
}


static inline uint64_t
x86_read_tsc(void)
{
	uint32_t low, high;
	__asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
	return ((uint64_t)high << 32) | low;
}


static inline uint64_t
x86_read_msr(uint32_t msr)
{
	uint32_t low, high;
	__asm__ volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
	return ((uint64_t)high << 32) | low;
}


static inline void
x86_write_msr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value),
		"d"((uint32_t)(value >> 32)));
}


static inline void
x86_out8(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}


static inline void
x86_out16(uint16_t port, uint16_t value)
{
	__asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}


static inline uint8_t
x86_in8(uint16_t port)
{
	uint8_t value;
	__asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}


static inline uint32_t
x86_in32(uint16_t port)
{
	uint32_t value;
	__asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}


/* In spin loops: lets a hyperthread sibling run and saves power. */
static inline void
x86_pause(void)
{
	__asm__ volatile("pause");
}


/* With interrupts off, for when there is nothing left to do. */
static inline void __attribute__((noreturn))
x86_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

#endif
