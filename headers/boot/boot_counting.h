/* SPDX-License-Identifier: MIT */
/*
 * Boot counting, as the Boot Loader Specification defines it and systemd's
 * Automatic Boot Assessment uses it: an entry file or unified kernel image
 * named "<id>+<tries left>[-<tries done>]<suffix>" is renamed at each start
 * to one try fewer left and one more done; the operating system, once it
 * has come up well, takes the counter off the name (systemd-bless-boot),
 * and an entry with no tries left sorts last (config_sort_bls_entries).
 */
#ifndef BOOT_BOOT_COUNTING_H
#define BOOT_BOOT_COUNTING_H

struct config_entry;

/*
 * Just before entry starts: rename its file for this try through the port
 * (platform_rename_file) and tell the operating system its new path in
 * LoaderBootCountPath, "\loader\entries\a+2-1.conf" on the file's volume,
 * as systemd-bless-boot expects it. The entry's file name, and its kernel
 * path when that is the file (an image), follow the new name. Nothing
 * happens for an entry whose file has no counter; a file that cannot be
 * renamed is said on the console with the reason, and the entry starts
 * uncounted, as with systemd-boot.
 */
void boot_counting_count_try(struct config_entry *entry);

#endif
