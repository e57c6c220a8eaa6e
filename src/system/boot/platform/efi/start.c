/*
 * The EFI application's entry: firmware state, output, then the generic
 * loader.
 */
#include "efi_platform.h"

#include <boot/platform.h>
#include <boot/stage2.h>
#include <boot/stdio.h>

EFI_HANDLE gImageHandle;
EFI_SYSTEM_TABLE *gSystemTable;
EFI_BOOT_SERVICES *gBootServices;
int gBootServicesActive;

/* How long an error stays on screen before the firmware takes over again. */
static const uint64_t kErrorDisplayMicroseconds = 5 * 1000 * 1000;


static EFI_STATUS
efi_status_from(status_t status)
{
	switch (status) {
		case B_NO_MEMORY:
			return EFI_OUT_OF_RESOURCES;
		case B_ENTRY_NOT_FOUND:
			return EFI_NOT_FOUND;
		case B_IO_ERROR:
			return EFI_DEVICE_ERROR;
		default:
			return EFI_LOAD_ERROR;
	}
}


void
platform_exit(status_t status)
{
	if (gBootServicesActive) {
		gBootServices->Exit(gImageHandle, efi_status_from(status), 0, NULL);
	}
	/* Without the firmware there is nobody to return to. */
	for (;;)
		__asm__ volatile("cli; hlt");
}


/* gnu-efi's crt0 calls this with the System V ABI after relocating us. */
EFI_STATUS
efi_main(EFI_HANDLE imageHandle, EFI_SYSTEM_TABLE *systemTable);

EFI_STATUS
efi_main(EFI_HANDLE imageHandle, EFI_SYSTEM_TABLE *systemTable)
{
	gImageHandle = imageHandle;
	gSystemTable = systemTable;
	gBootServices = systemTable->BootServices;
	gBootServicesActive = 1;

	efi_serial_init();
	efi_time_init();
	/* Without this the firmware resets the machine after five minutes. */
	gBootServices->SetWatchdogTimer(0, 0, 0, NULL);

	if (console_init() != B_OK)
		boot_dprintf("efi: no usable text console, serial only\n");

	struct stage2_args args = {
		.heap_size = 0,
		.kernel_path = NULL,
		.platform = {
			.image_handle = imageHandle,
			.system_table = systemTable,
		},
	};

	status_t status = boot_main(&args);

	boot_printf("boot: failed (%s); returning to the firmware\n",
		status_string(status));
	spin(kErrorDisplayMicroseconds);
	return efi_status_from(status);
}
