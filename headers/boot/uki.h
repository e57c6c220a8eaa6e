/* SPDX-License-Identifier: MIT */
/*
 * Unified kernel images (Boot Loader Specification Type #2): one EFI
 * executable holding a stub, a Linux kernel, its initrd and its command
 * line, described by an os-release file in its own PE section
 * (docs/config.md).
 */
#ifndef BOOT_UKI_H
#define BOOT_UKI_H

#include <stdbool.h>
#include <stddef.h>

#include <boot/config.h>
#include <boot/status.h>

/* Where the specification puts unified kernel images on each partition it names. */
#define UKI_DIRECTORY			"/EFI/Linux"
/* An os-release file is a few hundred bytes; one far larger is no such file. */
#define UKI_MAX_OS_RELEASE		(16 * 1024)
#define UKI_VALUE_SIZE			(CONFIG_MAX_TITLE_LENGTH + 1)

/* What the menu shows of an image; each "" when the image does not say. */
struct uki_info {
	char	name[UKI_VALUE_SIZE];		/* PRETTY_NAME, else NAME, else ID */
	char	version[UKI_VALUE_SIZE];	/* VERSION_ID, else IMAGE_VERSION */
	char	sort_key[UKI_VALUE_SIZE];	/* IMAGE_ID, else ID, as systemd-boot sorts */
	char	uname[UKI_VALUE_SIZE];		/* the .uname section: the kernel's release */
	bool	has_command_line;			/* false also when it is too long to show */
	/*
	 * The .cmdline section, its trailing blanks and NULs cut off. Last, so
	 * that a write past it leaves the structure, where the hosted port's
	 * sanitizers see it.
	 */
	char	command_line[CONFIG_MAX_COMMAND_LINE];
};

/*
 * Read what path's PE sections say of it (.osrel, .cmdline, .uname), without
 * reading the kernel or initrd it carries. Errors, each with the reason in
 * error (the VFS's errors name the file, the others do not):
 * B_ENTRY_NOT_FOUND (an executable for another architecture, which the
 * specification hides), B_BAD_DATA (no EFI executable, or one without
 * .osrel: not a unified kernel image), B_NO_MEMORY, and the VFS's errors.
 */
status_t uki_read_info(const char *path, struct uki_info *info, char *error,
	size_t errorSize);

/*
 * The value of key in an os-release file (text, length bytes, any bytes):
 * its quotes taken off and its backslash escapes undone, as a shell would.
 * False, with value "", when the key is absent or empty, or its value does
 * not fit valueSize bytes with its NUL.
 */
bool uki_os_release_value(const char *text, size_t length, const char *key, char *value,
	size_t valueSize);

#endif
