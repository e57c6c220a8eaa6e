/*
 * EFI runtime services for the kernel: their virtual addresses and the
 * tables a kernel needs to call them.
 */
#include "efi_platform.h"


void
efi_enter_virtual_mode(kernel_args *args, struct efi_memory_map *map)
{
	/* Not done yet: the kernel gets no runtime services. */
}
