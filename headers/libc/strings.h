/* SPDX-License-Identifier: MIT */
/*
 * The freestanding subset of <strings.h> boot code uses.
 */
#ifndef BOOT_LIBC_STRINGS_H
#define BOOT_LIBC_STRINGS_H

/* strcmp() with ASCII letters folded, as the C locale folds them. */
int strcasecmp(const char *a, const char *b);

#endif
