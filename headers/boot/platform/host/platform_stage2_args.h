/* SPDX-License-Identifier: MIT */
/*
 * The hosted port's part of stage2_args.
 */
#ifndef BOOT_PLATFORM_HOST_STAGE2_ARGS_H
#define BOOT_PLATFORM_HOST_STAGE2_ARGS_H

struct platform_stage2_args {
	int			argc;
	char		**argv;
};

#endif
