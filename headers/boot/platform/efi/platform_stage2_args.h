/* SPDX-License-Identifier: MIT */
/*
 * The EFI port's part of stage2_args.
 */
#ifndef BOOT_PLATFORM_EFI_STAGE2_ARGS_H
#define BOOT_PLATFORM_EFI_STAGE2_ARGS_H

#include <stdint.h>

struct platform_stage2_args {
	void		*image_handle;		/* EFI_HANDLE of the loader image */
	void		*system_table;		/* EFI_SYSTEM_TABLE * */
};

#endif
