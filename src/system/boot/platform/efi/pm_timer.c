/* SPDX-License-Identifier: MIT */
/*
 * The ACPI power management timer (ACPI 6.5 4.8.3.3): 3.579545 MHz on every
 * PC that has one, readable after ExitBootServices too. The clock the cycle
 * counter's rate is measured against over the whole boot (time.c).
 */
#include "efi_platform.h"

#include <boot/acpi.h>
#include <boot/arch_cpu.h>

/* The FADT's fields (ACPI 6.5 5.2.9), by offset. */
#define FADT_PM_TMR_BLK			76
#define FADT_PM_TMR_LEN			91
#define FADT_FLAGS				112
#define FADT_HW_REDUCED_ACPI	(1u << 20)


/* The low 24 bits: all a timer has without TMR_VAL_EXT, and enough with it. */
bool
efi_pm_timer_read(uint16_t port, uint32_t *_ticks)
{
	if (!arch_cpu_read_io_port32(port, _ticks))
		return false;
	*_ticks &= EFI_PM_TIMER_MASK;
	return true;
}


/*
 * Only the I/O port of the 32-bit field: every PC's firmware fills it, and
 * the 64-bit one (X_PM_TMR_BLK) names the same port where it is set. A
 * hardware-reduced platform has no timer, whatever the fields say.
 */
bool
efi_pm_timer_find(uint16_t *_port)
{
	const struct acpi_rsdp *rsdp = efi_acpi_rsdp();
	const uint8_t *fadt = rsdp == NULL ? NULL
		: (const void *)efi_acpi_find_table(rsdp, "FACP", FADT_FLAGS + 4, NULL);
	if (fadt == NULL || fadt[FADT_PM_TMR_LEN] != 4)
		return false;
	uint32_t flags = efi_acpi_le(fadt + FADT_FLAGS, 4);
	uint32_t port = efi_acpi_le(fadt + FADT_PM_TMR_BLK, 4);
	uint32_t ticks;
	if ((flags & FADT_HW_REDUCED_ACPI) != 0 || port == 0 || port > 0xffff
		|| !efi_pm_timer_read(port, &ticks))
		return false;
	*_port = port;
	return true;
}
