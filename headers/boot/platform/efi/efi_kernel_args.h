/* SPDX-License-Identifier: MIT */
/*
 * The EFI firmware's part of kernel_args (kernel_args.firmware_args when
 * kernel_args.firmware is KERNEL_FIRMWARE_EFI): what a kernel needs to call
 * the runtime services after SetVirtualAddressMap.
 */
#ifndef BOOT_PLATFORM_EFI_KERNEL_ARGS_H
#define BOOT_PLATFORM_EFI_KERNEL_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include <boot/kernel_args.h>

#define KERNEL_FIRMWARE_EFI		0x20494645	/* "EFI " */

/*
 * The unit of NumberOfPages in the memory map below and of AllocatePages:
 * EFI_PAGE_SIZE, which the UEFI spec fixes at 4 KiB on every architecture,
 * whatever page the kernel maps with (KERNEL_PAGE_SIZE). A firmware fact, so
 * it is defined here, where both the EFI loader and a kernel reading the map
 * find it, and never taken for the kernel's page.
 */
#define KERNEL_EFI_PAGE_SIZE	4096ULL

/*
 * The system table and runtime services as kernel addresses, and the memory
 * map the firmware was given (kernel address, bytes, descriptor size and
 * version).
 */
struct efi_kernel_args {
	uint64_t	system_table;
	uint64_t	runtime_services;
	uint64_t	memory_map;
	uint64_t	memory_map_size;
	uint32_t	descriptor_size;
	uint32_t	descriptor_version;
	uint64_t	reserved[8];
};

_Static_assert(sizeof(struct efi_kernel_args) == 104, "efi_kernel_args changed size");
_Static_assert(sizeof(struct efi_kernel_args) <= KERNEL_FIRMWARE_ARGS_SIZE,
	"efi_kernel_args does not fit kernel_args.firmware_args");


/* The EFI part of args, or NULL when the loader was not an EFI one. */
static inline const struct efi_kernel_args *
efi_kernel_args_of(const kernel_args *args)
{
	if (args->firmware != KERNEL_FIRMWARE_EFI)
		return NULL;
	return (const struct efi_kernel_args *)(const void *)args->firmware_args;
}


/* Where the EFI loader writes its part; sets the firmware tag. */
static inline struct efi_kernel_args *
efi_kernel_args_claim(kernel_args *args)
{
	args->firmware = KERNEL_FIRMWARE_EFI;
	return (struct efi_kernel_args *)(void *)args->firmware_args;
}

#endif
