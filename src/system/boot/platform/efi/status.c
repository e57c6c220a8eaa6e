/* SPDX-License-Identifier: MIT */
/*
 * The firmware's status codes by name, for the messages that say why a
 * firmware call failed.
 */
#include "efi_platform.h"


const char *
efi_status_name(EFI_STATUS status)
{
	switch (status) {
		case EFI_SUCCESS: return "EFI_SUCCESS";
		case EFI_LOAD_ERROR: return "EFI_LOAD_ERROR";
		case EFI_UNSUPPORTED: return "EFI_UNSUPPORTED";
		case EFI_OUT_OF_RESOURCES: return "EFI_OUT_OF_RESOURCES";
		case EFI_SECURITY_VIOLATION: return "EFI_SECURITY_VIOLATION";
		case EFI_ACCESS_DENIED: return "EFI_ACCESS_DENIED";
		case EFI_INVALID_PARAMETER: return "EFI_INVALID_PARAMETER";
		case EFI_NOT_FOUND: return "EFI_NOT_FOUND";
		case EFI_ABORTED: return "EFI_ABORTED";
		case EFI_DEVICE_ERROR: return "EFI_DEVICE_ERROR";
		case EFI_NO_MEDIA: return "EFI_NO_MEDIA";
		case EFI_WRITE_PROTECTED: return "EFI_WRITE_PROTECTED";
		case EFI_VOLUME_CORRUPTED: return "EFI_VOLUME_CORRUPTED";
		case EFI_VOLUME_FULL: return "EFI_VOLUME_FULL";
		case EFI_ICMP_ERROR: return "EFI_ICMP_ERROR";
		default: return "an EFI error";
	}
}
