/* SPDX-License-Identifier: MIT */
/*
 * Filling in the start-up page (smp_start.S): copied to its page, the
 * far jump targets and the temporary GDT's address made absolute, and the
 * CPU state every started CPU shares with the boot CPU.
 */
#include <arch_smp.h>

#include <string.h>

#include <arch_x86.h>
#include <boot/kernel_args.h>

#define CR0_PROTECTED_MODE		(1u << 0)
#define CR0_WRITE_PROTECT		(1u << 16)
#define CR0_PAGING				(1u << 31)
#define CR4_PAE					(1u << 5)
/* Bits a CPU cannot set before long mode (PCIDE), or that change the tables' format. */
#define CR4_LA57				(1u << 12)
#define CR4_PCIDE				(1u << 17)
#define CR4_CET					(1u << 23)
#define EFER_LONG_MODE			(1u << 8)

#define LOW_MEMORY_END			0x100000ULL
#define FOUR_GIB				0x100000000ULL


static inline uint64_t
trampoline_read_cr0(void)
{
	uint64_t value;
	__asm__ volatile("movq %%cr0, %0" : "=r"(value));
	return value;
}


static inline uint64_t
trampoline_read_cr4(void)
{
	uint64_t value;
	__asm__ volatile("movq %%cr4, %0" : "=r"(value));
	return value;
}


static void *
trampoline_param(uint64_t page, uint32_t offset)
{
	return (uint8_t *)(uintptr_t)page + SMP_TRAMPOLINE_PARAMS + offset;
}


/* A far pointer m16:32 to the trampoline's label at page. */
static void
trampoline_set_target(uint64_t page, uint32_t offset, const uint8_t *label,
	uint16_t selector)
{
	uint32_t target = (uint32_t)(page + (uint64_t)(label - x86_smp_trampoline));
	uint8_t *far = trampoline_param(page, offset);
	memcpy(far, &target, 4);
	memcpy(far + 4, &selector, 2);
}


status_t
x86_smp_trampoline_install(uint64_t page, uint64_t pageDirectory, uint64_t gdtAddress,
	uint16_t gdtLimit, uint16_t codeSelector, uint16_t dataSelector)
{
	/* The SIPI vector is the page number, and CR3 is loaded in 32-bit code. */
	if ((page & 0xfff) != 0 || page == 0 || page >= LOW_MEMORY_END
			|| pageDirectory >= FOUR_GIB)
		return B_BAD_VALUE;
	memcpy((void *)(uintptr_t)page, x86_smp_trampoline, SMP_TRAMPOLINE_SIZE);

	uint16_t temporaryLimit = 4 * 8 - 1;
	uint32_t temporaryBase = (uint32_t)page + SMP_TRAMPOLINE_GDT;
	memcpy(trampoline_param(page, SMP_PARAM_GDTR), &temporaryLimit, 2);
	memcpy(trampoline_param(page, SMP_PARAM_GDTR + 2), &temporaryBase, 4);
	trampoline_set_target(page, SMP_PARAM_PM_TARGET, x86_smp_trampoline_pm32,
		SMP_CODE32_SELECTOR);
	trampoline_set_target(page, SMP_PARAM_LM_TARGET, x86_smp_trampoline_lm64,
		SMP_CODE64_SELECTOR);
	trampoline_set_target(page, SMP_PARAM_PARK_TARGET, x86_smp_trampoline_park,
		codeSelector);

	uint32_t cr3 = (uint32_t)pageDirectory;
	uint32_t cr4 = (uint32_t)((trampoline_read_cr4() | CR4_PAE)
		& ~(uint64_t)(CR4_LA57 | CR4_PCIDE | CR4_CET));
	/* The boot CPU's CR0 keeps caches on (INIT leaves CD and NW set). */
	uint32_t cr0 = (uint32_t)(trampoline_read_cr0() | CR0_PAGING | CR0_WRITE_PROTECT
		| CR0_PROTECTED_MODE);
	uint32_t efer = EFER_LONG_MODE;
	/* The kernel's tables carry NX bits whenever the CPU has them. */
	if ((x86_cpuid_extended_features() & X86_CPUID_NO_EXECUTE) != 0)
		efer |= X86_EFER_NXE;
	memcpy(trampoline_param(page, SMP_PARAM_CR3), &cr3, 4);
	memcpy(trampoline_param(page, SMP_PARAM_CR4), &cr4, 4);
	memcpy(trampoline_param(page, SMP_PARAM_CR0), &cr0, 4);
	memcpy(trampoline_param(page, SMP_PARAM_EFER), &efer, 4);
	memcpy(trampoline_param(page, SMP_PARAM_KERNEL_GDTR), &gdtLimit, 2);
	memcpy(trampoline_param(page, SMP_PARAM_KERNEL_GDTR + 2), &gdtAddress, 8);
	memcpy(trampoline_param(page, SMP_PARAM_DATA_SELECTOR), &dataSelector, 2);
	x86_smp_trampoline_offer(page, 0);
	return B_OK;
}


void
x86_smp_trampoline_offer(uint64_t page, uint64_t mailbox)
{
	__atomic_store_n((uint64_t *)trampoline_param(page, SMP_PARAM_MAILBOX), mailbox,
		__ATOMIC_SEQ_CST);
}


bool
x86_smp_trampoline_withdraw(uint64_t page)
{
	return __atomic_exchange_n((uint64_t *)trampoline_param(page, SMP_PARAM_MAILBOX), 0,
		__ATOMIC_SEQ_CST) != 0;
}
