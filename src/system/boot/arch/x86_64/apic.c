/* SPDX-License-Identifier: MIT */
/*
 * The local APIC's inter-processor interrupts that start a CPU: INIT and
 * start-up (SIPI), through the ICR, as MMIO registers in xAPIC mode and as
 * an MSR in x2APIC mode (Intel SDM vol. 3A 10.6 and 10.12). Runs after the
 * firmware was left: no allocation, waits on the calibrated clock.
 */
#include <arch_smp.h>

#include <arch_x86.h>
#include <boot/platform.h>

#define X86_MSR_APIC_BASE			0x1b
#define APIC_BASE_X2APIC			(1ULL << 10)
#define APIC_BASE_ADDRESS_MASK		0x000ffffffffff000ULL
#define X2APIC_MSR_ICR				0x830
#define XAPIC_ICR_LOW				0x300
#define XAPIC_ICR_HIGH				0x310

#define ICR_INIT					0x00000500u
#define ICR_STARTUP					0x00000600u
#define ICR_LEVEL_ASSERT			0x00004000u
#define ICR_DELIVERY_PENDING		0x00001000u

/* The SDM's waits: 10 ms after INIT, 200 us after each start-up IPI. */
#define INIT_WAIT_US				10000
#define STARTUP_WAIT_US				200
/* An xAPIC that has not sent an IPI within this is broken. */
#define DELIVERY_TIMEOUT_US			100000


bool
x86_apic_x2apic_mode(void)
{
	return (x86_read_msr(X86_MSR_APIC_BASE) & APIC_BASE_X2APIC) != 0;
}


static volatile uint32_t *
apic_register(uint32_t offset)
{
	uint64_t base = x86_read_msr(X86_MSR_APIC_BASE) & APIC_BASE_ADDRESS_MASK;
	return (volatile uint32_t *)(uintptr_t)(base + offset);
}


/* One IPI of command (delivery mode, level, vector) to apicId. */
static status_t
apic_send(uint64_t apicId, uint32_t command)
{
	if (x86_apic_x2apic_mode()) {
		/* x2APIC: one write, destination in the high half; no delivery status. */
		if (apicId > UINT32_MAX)
			return B_BAD_VALUE;
		x86_write_msr(X2APIC_MSR_ICR, apicId << 32 | command);
		return B_OK;
	}

	/* xAPIC: an 8-bit destination; the write to the low half sends. */
	if (apicId > 0xfe)
		return B_BAD_VALUE;
	*apic_register(XAPIC_ICR_HIGH) = (uint32_t)apicId << 24;
	*apic_register(XAPIC_ICR_LOW) = command;
	uint64_t start = system_time();
	while ((*apic_register(XAPIC_ICR_LOW) & ICR_DELIVERY_PENDING) != 0) {
		if (system_time() - start > DELIVERY_TIMEOUT_US)
			return B_TIMED_OUT;
		x86_pause();
	}
	return B_OK;
}


status_t
x86_apic_init_cpu(uint64_t apicId)
{
	return apic_send(apicId, ICR_INIT | ICR_LEVEL_ASSERT);
}


status_t
x86_apic_start_cpu(uint64_t apicId, uint8_t vector)
{
	status_t status = x86_apic_init_cpu(apicId);
	if (status != B_OK)
		return status;
	spin(INIT_WAIT_US);
	/* Two start-up IPIs: a CPU that took the first ignores the second. */
	for (int i = 0; i < 2; i++) {
		status = apic_send(apicId, ICR_STARTUP | ICR_LEVEL_ASSERT | vector);
		if (status != B_OK)
			return status;
		spin(STARTUP_WAIT_US);
	}
	return B_OK;
}
