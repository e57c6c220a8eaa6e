/* SPDX-License-Identifier: MIT */
/*
 * Building kernel_args: the generic loader's memory for the kernel.
 */
#ifndef BOOT_HANDOFF_H
#define BOOT_HANDOFF_H

#include <stddef.h>
#include <stdint.h>

#include <boot/kernel_args.h>
#include <boot/status.h>

/* The kernel_args being built; NULL before kernel_args_init(). */
extern kernel_args *gKernelArgs;

/*
 * Allocate gKernelArgs itself, fill its fixed fields, and reserve the memory
 * the log will be copied to, so that nothing needs to be allocated late.
 */
status_t kernel_args_init(void);

/*
 * Undo a boot attempt that failed before the kernel started: free every
 * kernel region (kernel_args memory, the kernel, modules, the stack), start
 * the region bookkeeping over, and kernel_args_init() once more. The new
 * kernel_args begins with the first keepEvents timeline events of the old
 * one (those from before the attempt). The page tables must be gone already
 * (platform_prepare_kernel_start() gives them back when it fails).
 * Errors: those of kernel_args_init(); gKernelArgs is NULL then.
 */
status_t kernel_args_reset(uint32_t keepEvents);

/*
 * Memory that survives the handoff, for anything kernel_args points to.
 * Zeroed, 16-byte aligned; NULL when out of memory. Translate with
 * platform_loader_to_kernel() before storing an address in kernel_args.
 */
void *kernel_args_malloc(size_t size);

/* A copy of string in kernel_args memory, as a kernel address (0 on failure). */
uint64_t kernel_args_strdup(const char *string);

/*
 * Copy the loader log into the memory kernel_args_init() reserved; the last
 * step before handoff. Never allocates.
 */
void kernel_args_copy_log(void);

#endif
