/*
 * Shared state and internal interfaces of the EFI platform port.
 */
#ifndef EFI_PLATFORM_H
#define EFI_PLATFORM_H

#include <efi.h>

#include <boot/kernel_args.h>
#include <boot/status.h>

#define EFI_PAGE_BYTES	4096ULL

extern EFI_HANDLE gImageHandle;
extern EFI_SYSTEM_TABLE *gSystemTable;
extern EFI_BOOT_SERVICES *gBootServices;

/* True until ExitBootServices succeeded: firmware calls are forbidden after. */
extern int gBootServicesActive;

void efi_serial_init(void);
void efi_time_init(void);

/* A snapshot of the firmware's memory map. */
struct efi_memory_map {
	EFI_MEMORY_DESCRIPTOR	*descriptors;	/* from AllocatePool; FreePool it */
	UINTN					size;			/* bytes of descriptors */
	UINTN					capacity;		/* bytes the buffer holds */
	UINTN					key;
	UINTN					descriptor_size;
	UINT32					descriptor_version;
};

/* Errors: B_NO_MEMORY, B_ERROR. */
status_t efi_get_memory_map(struct efi_memory_map *map);

/*
 * runtime.c: after ExitBootServices, give the runtime services their kernel
 * addresses (SetVirtualAddressMap with the final map) and record the EFI
 * system table, runtime services and the map in args. Must not fail the
 * boot: a firmware that refuses leaves the EFI fields 0.
 */
void efi_enter_virtual_mode(kernel_args *args, struct efi_memory_map *map);

/* arch/<arch>: the jump into the kernel. */
void arch_start_kernel(kernel_args *args) __attribute__((noreturn));

#endif
