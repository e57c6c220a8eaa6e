/* SPDX-License-Identifier: MIT */
/*
 * The boot-check kernel's hands on an arm64 machine: calls into EFI runtime
 * services and writes to the framebuffer for the checks.
 */
#include "../../kernel.h"

#include <string.h>


/*
 * EFI_GET_TIME. UEFI on AArch64 uses the plain AAPCS64 convention (EFIAPI is
 * empty), so this is an ordinary call; the firmware may use FP/SIMD
 * registers, which the kernel, built without them, need not preserve.
 */
typedef uint64_t (*efi_get_time_function)(void *time, void *capabilities);


uint64_t
machine_efi_get_time(void *cookie, uint64_t function, void *time)
{
	(void)cookie;
	efi_get_time_function getTime = (efi_get_time_function)(uintptr_t)function;
	return getTime(time, NULL);
}


bool
machine_write_virtual(void *cookie, uint64_t address, const void *buffer, size_t size)
{
	const kernel_args *args = cookie;
	if (!bootcheck_virtual_contains(args, address, size))
		return false;
	memcpy((void *)(uintptr_t)address, buffer, size);
	return true;
}


/*
 * Nothing to hold: the x86_64 kernel waits for a screenshot when QEMU's
 * fw_cfg asks it to, but on arm64 fw_cfg is MMIO at an address only the
 * device tree or ACPI give, and no test takes screenshots of an arm64 boot.
 */
void
machine_hold_screen(const kernel_args *args)
{
	(void)args;
}
