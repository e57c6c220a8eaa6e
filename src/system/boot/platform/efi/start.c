/* SPDX-License-Identifier: MIT */
/*
 * The EFI application's entry: firmware state, output, then the generic
 * loader.
 */
#include "efi_platform.h"

#include <boot/arch_cpu.h>
#include <boot/inflate.h>
#include <boot/pack.h>
#include <boot/platform.h>
#include <boot/stage2.h>
#include <boot/stdio.h>
#include <boot/timeline.h>

EFI_HANDLE gImageHandle;
EFI_SYSTEM_TABLE *gSystemTable;
EFI_BOOT_SERVICES *gBootServices;
int gBootServicesActive;

/* How long an error stays on screen before the firmware takes over again. */
static const uint64_t kErrorDisplayMicroseconds = 5 * 1000 * 1000;

/*
 * Where the packed loader's start-up program writes what it hands over, its
 * start time and its DEFLATE decoder (build/scripts/pack-efi finds the
 * marker; docs/packing.md); zero when the firmware started this image
 * itself. Volatile: written from outside.
 */
static volatile struct {
	char				marker[16];
	struct pack_handoff	handoff;
} sUnpackStart = { kPackStartMarker, { 0, NULL } };

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
	arch_cpu_halt();
}


/*
 * gzip kernels (gzip.c) are decoded with the start-up program's decoder:
 * defined here, this inflate_raw keeps the generic one (inflate.c) out of
 * the loader, which only the start-up program links. Without a start-up
 * program (the -image.efi run by itself) there is none.
 */
status_t
inflate_raw(const void *in, size_t inSize, void *out, size_t outSize, size_t *_written)
{
	pack_inflate_function inflate = sUnpackStart.handoff.inflate;
	if (inflate == NULL)
		return B_NOT_SUPPORTED;
	return inflate(in, inSize, out, outSize, _written);
}


/* gnu-efi's crt0 calls this with the System V ABI after relocating us. */
EFI_STATUS
efi_main(EFI_HANDLE imageHandle, EFI_SYSTEM_TABLE *systemTable);

EFI_STATUS
efi_main(EFI_HANDLE imageHandle, EFI_SYSTEM_TABLE *systemTable)
{
	if (sUnpackStart.handoff.started != 0)
		timeline_mark_at("start-up program", sUnpackStart.handoff.started, 0);
	timeline_mark("loader entry", 0);
	gImageHandle = imageHandle;
	gSystemTable = systemTable;
	gBootServices = systemTable->BootServices;
	gBootServicesActive = 1;

	efi_serial_init();
	efi_time_init();
	efi_publish_firmware_info();
	/* Without this the firmware resets the machine after five minutes. */
	gBootServices->SetWatchdogTimer(0, 0, 0, NULL);

	if (console_init() != B_OK)
		boot_dprintf("efi: no usable text console, serial only\n");
	timeline_mark("console ready", 0);

	/*
	 * All of the load options are the kernel's command line; modules come
	 * with the configuration file.
	 */
	struct stage2_args args = {
		.heap_size = 0,
		.kernel_path = NULL,
		.command_line = efi_load_options_command_line(),
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
