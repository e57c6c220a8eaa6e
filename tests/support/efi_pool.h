/* SPDX-License-Identifier: MIT */
/*
 * The firmware's pool for the tests of the EFI port's code: FreePool frees
 * what the test's AllocatePool (or fake protocol) took with malloc() and
 * counts it in sPools, which that AllocatePool counts up, so that a test
 * can check every pool buffer the port was handed is given back. Included
 * by one file of a program, after the port's efi_platform.h.
 */
#ifndef TESTS_SUPPORT_EFI_POOL_H
#define TESTS_SUPPORT_EFI_POOL_H

#include <stdlib.h>

/* Pool buffers out: those handed out minus those freed. */
static long sPools;


static EFI_STATUS EFIAPI
fake_free_pool(void *buffer)
{
	free(buffer);
	sPools--;
	return EFI_SUCCESS;
}

#endif
