/* SPDX-License-Identifier: MIT */
/*
 * Shell-style patterns, as systemd-boot matches the entries the Boot Loader
 * Interface's variables name ("debian-*" for the newest Debian kernel).
 */
#ifndef BOOT_PATTERN_H
#define BOOT_PATTERN_H

#include <stdbool.h>

/* Whether pattern has any of the characters that make it one: '*', '?', '['. */
bool pattern_is_pattern(const char *pattern);

/*
 * Whether all of text matches pattern: '*' any run of characters, '?' any
 * one, "[...]" one of a set ("[a-z]" a range, "[!...]" or "[^...]" any
 * other), '\' takes the next character as it is; ASCII letters match
 * either case, as systemd-boot folds both sides to lower case. Bytes, not
 * characters: '?' is one byte of a UTF-8 sequence.
 */
bool pattern_match(const char *pattern, const char *text);

#endif
