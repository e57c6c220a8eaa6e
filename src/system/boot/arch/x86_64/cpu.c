/*
 * The boot CPU's identity, from CPUID, and its time stamp counter.
 */
#include <boot/arch_cpu.h>


static void
cpu_id(uint32_t leaf, uint32_t subleaf, uint32_t registers[4])
{
	__asm__ volatile("cpuid" : "=a"(registers[0]), "=b"(registers[1]),
		"=c"(registers[2]), "=d"(registers[3]) : "a"(leaf), "c"(subleaf));
}


uint32_t
arch_cpu_boot_apic_id(void)
{
	uint32_t registers[4];
	cpu_id(0, 0, registers);
	uint32_t maxLeaf = registers[0];

	/*
	 * Leaf 0xb exists on CPUs that may have more than 255 APIC ids; a zero
	 * EBX in its first sub-leaf means the leaf is not really implemented.
	 */
	if (maxLeaf >= 0xb) {
		cpu_id(0xb, 0, registers);
		if (registers[1] != 0)
			return registers[3];
	}
	cpu_id(1, 0, registers);
	return registers[1] >> 24;
}


uint64_t
arch_cpu_cycle_counter(void)
{
	uint32_t low, high;
	__asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
	return ((uint64_t)high << 32) | low;
}
