/* SPDX-License-Identifier: MIT */
/*
 * Entries the loader finds by itself on the disks: other boot managers and
 * the EFI shell, offered the way systemd-boot offers them
 * (docs/config.md, "Entries found on the disks").
 */
#ifndef BOOT_AUTO_ENTRIES_H
#define BOOT_AUTO_ENTRIES_H

#include <boot/config.h>
#include <boot/status.h>

/*
 * Look on the FAT volumes for the files auto_entries.c knows and add an
 * efi entry for each one found, after every other entry; a file that an
 * efi entry already starts (by its path on any volume) is not added again.
 * Errors: B_NO_MEMORY (config keeps the entries added so far).
 */
status_t auto_entries_add(struct boot_config *config);

#endif
