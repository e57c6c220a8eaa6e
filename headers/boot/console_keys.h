/* SPDX-License-Identifier: MIT */
/*
 * The keys a terminal sends as escape sequences, for ports whose console
 * input is a terminal's bytes or what a firmware's terminal driver passes on
 * undecoded (docs/config.md, "The boot menu").
 */
#ifndef BOOT_CONSOLE_KEYS_H
#define BOOT_CONSOLE_KEYS_H

#include <stdint.h>

/*
 * The next key of a sequence, if one comes within the time a terminal takes
 * to send the rest of it (a few tens of milliseconds); CONSOLE_NO_KEY if not.
 */
typedef int32_t (*console_key_reader)(void);

/*
 * Decode what follows an Escape the port has read, reading it with
 * readNext. Returns the key the sequence stands for (CONSOLE_KEY_UP, '5',
 * ...), CONSOLE_NO_KEY for a sequence the loader has no use for, whose keys
 * are dropped, not typed, or CONSOLE_KEY_ESCAPE for an Escape that starts no
 * sequence. *_leftover is the key read after such an Escape, which the port
 * returns on its next read, or CONSOLE_NO_KEY.
 */
int32_t console_keys_decode_escape(console_key_reader readNext, int32_t *_leftover);

#endif
