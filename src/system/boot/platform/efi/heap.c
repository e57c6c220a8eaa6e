/* SPDX-License-Identifier: MIT */
/*
 * The loader heap's region: pages from the firmware, returned at handoff.
 */
#include "efi_platform.h"

#include <boot/handoff.h>
#include <boot/heap.h>
#include <boot/platform.h>
#include <boot/stage2.h>
#include <boot/stdio.h>

/*
 * The heap's size in KiB, 0 for BOOT_DEFAULT_HEAP_SIZE, behind a marker so
 * that build/scripts/set-loader-heap can change it in a built BOOTX64.efi:
 * a system with many large modules, or a test that wants loading to run out
 * of memory, needs no rebuild. Volatile: the compiler must not fold the 0.
 */
static volatile const struct {
	char		marker[16];
	uint32_t	kib;
} sHeapSetting = { "BOOT-HEAP-KIB:", 0 };

static EFI_PHYSICAL_ADDRESS sHeapBase;
static UINTN sHeapPages;


/* LoaderData: the kernel sees these pages as free RAM after handoff. */
static status_t
efi_allocate_heap(size_t size, void *cookie, uint64_t *_address)
{
	EFI_PHYSICAL_ADDRESS address;
	if (gBootServices->AllocatePages(AllocateAnyPages, EfiLoaderData,
			size / KERNEL_EFI_PAGE_SIZE, &address) != EFI_SUCCESS)
		return B_NO_MEMORY;
	*_address = address;
	return B_OK;
}


/*
 * The largest heap the firmware has in one piece, from the size asked for
 * down to BOOT_MIN_HEAP_SIZE: a machine of 64 MiB has no 16 MiB left in one
 * piece once OVMF has set up, and a smaller heap boots as well.
 */
status_t
platform_init_heap(struct stage2_args *args, void **_base, void **_top)
{
	size_t requested = args->heap_size;
	if (requested == 0) {
		requested = sHeapSetting.kib != 0
			? (size_t)sHeapSetting.kib * 1024 : BOOT_DEFAULT_HEAP_SIZE;
	}
	requested = (requested + KERNEL_EFI_PAGE_SIZE - 1) & ~(size_t)(KERNEL_EFI_PAGE_SIZE - 1);

	uint64_t base;
	size_t size = heap_take_region(requested, efi_allocate_heap, NULL, "efi", &base);
	if (size == 0)
		return B_NO_MEMORY;

	sHeapBase = base;
	sHeapPages = size / KERNEL_EFI_PAGE_SIZE;
	*_base = (void *)(uintptr_t)base;
	*_top = (void *)(uintptr_t)(base + size);
	boot_dprintf("efi: heap at %#llx, %zu KiB\n", (unsigned long long)base, size / 1024);
	return B_OK;
}


void
platform_release_heap(struct stage2_args *args, void *base)
{
	if ((uintptr_t)base != sHeapBase || sHeapPages == 0)
		panic("efi: releasing heap %p, which was never handed out", base);

	/*
	 * The pages stay the firmware's loader data, which the final memory map
	 * hands the kernel as usable RAM: FreePages of 16 MiB costs OVMF 17 ms
	 * (of a 34 ms boot, jam bench-boot) for nothing the kernel would see.
	 * The kernel checks that they are usable and not allocated.
	 */
	gKernelArgs->loader_heap.start = sHeapBase;
	gKernelArgs->loader_heap.size = sHeapPages * KERNEL_EFI_PAGE_SIZE;
	sHeapBase = 0;
	sHeapPages = 0;
}


status_t
platform_allocate_large(size_t size, void **_address)
{
	EFI_PHYSICAL_ADDRESS address;
	if (gBootServices->AllocatePages(AllocateAnyPages, EfiLoaderData,
			(size + KERNEL_EFI_PAGE_SIZE - 1) / KERNEL_EFI_PAGE_SIZE, &address) != EFI_SUCCESS)
		return B_NO_MEMORY;
	*_address = (void *)(uintptr_t)address;
	return B_OK;
}


void
platform_free_large(void *address, size_t size)
{
	gBootServices->FreePages((uintptr_t)address,
		(size + KERNEL_EFI_PAGE_SIZE - 1) / KERNEL_EFI_PAGE_SIZE);
}
