/* SPDX-License-Identifier: MIT */
/*
 * The Armv8 SHA-256 instructions' block function, between the file that may
 * use SIMD registers (sha256_simd.c) and the one that decides whether it
 * runs (sha256_cpu.c).
 */
#ifndef ARM64_SHA256_H
#define ARM64_SHA256_H

#include <stddef.h>
#include <stdint.h>

/*
 * count 64-byte blocks into state; the CPU must have FEAT_SHA256 with FP/SIMD
 * untrapped. An ordinary AAPCS64 function, as the firmware's are: the compiler
 * saves the low halves of v8 to v15 if it uses them, as the firmware expects.
 */
size_t arm64_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t count);

#endif
