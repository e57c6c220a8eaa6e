/* SPDX-License-Identifier: MIT */
/*
 * Relative relocations as a packed list (the ELF RELR form): the packed
 * loader's start-up program moves its image with one (docs/packing.md).
 */
#ifndef BOOT_RELR_H
#define BOOT_RELR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Adds delta to each 64-bit little-endian word of image that the list of
 * size bytes names. The list is of 64-bit little-endian words: an even word
 * is the offset of a word to change; an odd one is a bitmap whose bits 1
 * to 63 stand for the 63 words that follow the last word named, bit 1 the
 * first of them. false, with some words changed, for a list that is not a
 * whole number of words, starts with a bitmap, or names a word that is not
 * 8-byte aligned or not wholly inside image's imageSize bytes.
 */
bool relr_apply(const uint8_t *list, size_t size, uint8_t *image, size_t imageSize,
	uint64_t delta);

#endif
