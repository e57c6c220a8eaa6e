/*
 * ELF64 kernel images: validation and loading by program headers.
 */
#ifndef BOOT_ELF_H
#define BOOT_ELF_H

#include <stddef.h>
#include <stdint.h>

#include <boot/elf_types.h>
#include <boot/kernel_args.h>
#include <boot/status.h>

/*
 * What a kernel image may look like, so that ports and tests can tighten it.
 * Segments must lie in [window_start, window_end).
 */
struct elf_policy {
	uint16_t	machine;			/* EM_X86_64, ... */
	uint64_t	window_start;
	uint64_t	window_end;
	int			allow_write_execute;	/* accept segments that are W and X */
};

/*
 * Check that image (size bytes, the whole file) is an ELF64 little-endian
 * executable for policy->machine whose loadable segments are sane: inside
 * the file, inside the window, non-overlapping, memsz >= filesz, no
 * arithmetic overflow, at most MAX_KERNEL_SEGMENTS, and the entry point
 * inside an executable segment. On failure *_reason names the problem in a
 * few words ("bad ELF magic", ...). Errors: B_BAD_DATA, B_NOT_SUPPORTED.
 */
status_t elf_validate(const void *image, size_t size,
	const struct elf_policy *policy, const char **_reason);

/*
 * Validate, then allocate each loadable segment at its link address with
 * platform_allocate_region(), copy its file bytes, zero the rest, and
 * describe the result in *kernel. name is recorded as the image name.
 * Errors: those of elf_validate, and B_NO_MEMORY / B_BAD_ADDRESS from the
 * allocation (with *_reason set as well); regions allocated before a
 * failure are freed again.
 */
status_t elf_load_kernel(const void *image, size_t size, const char *name,
	const struct elf_policy *policy, kernel_image *kernel,
	const char **_reason);

#endif
