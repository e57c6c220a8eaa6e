/* SPDX-License-Identifier: MIT */
/*
 * Boot Loader Specification Type #1 entries on the boot partition and the
 * Extended Boot Loader partition (docs/config.md).
 */
#ifndef BOOT_BLS_H
#define BOOT_BLS_H

#include <boot/config.h>
#include <boot/status.h>

/* Where the specification puts entry files on each partition it names. */
#define BLS_ENTRIES_DIRECTORY		"/loader/entries"

/*
 * Add the entries of every "*.conf" in BLS_ENTRIES_DIRECTORY on the boot
 * volume and on each Extended Boot Loader partition of its disk to config,
 * after its own entries and in the specification's order. A file that cannot
 * be read or parsed is a diagnostic naming it; the others still count.
 * Errors: B_NO_MEMORY (config keeps the entries added so far).
 */
status_t bls_read_entries(struct boot_config *config);

#endif
