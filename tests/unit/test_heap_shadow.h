/* SPDX-License-Identifier: MIT */
/*
 * What unit_heap and unit_heap_debug share: heap setup, content patterns and
 * the long random run checked against a shadow model.
 */
#ifndef TEST_HEAP_SHADOW_H
#define TEST_HEAP_SHADOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/heap.h>

/* A fresh heap over a region of the given size; drops what a failed test left. */
void test_heap_setup(size_t regionSize);
struct heap_stats test_heap_stats(void);

/* xorshift64*: deterministic, so a failure reproduces */
extern uint64_t gTestRandomState;
uint64_t test_random(void);

/* Fills bytes [from, to) of a 16-byte aligned block with the seed's pattern. */
void test_pattern_fill(uint8_t *block, uint64_t seed, size_t from, size_t to);
bool test_pattern_intact(const uint8_t *block, uint64_t seed, size_t from, size_t to);
bool test_all_bytes(const uint8_t *block, size_t size, uint8_t value);

/* Seven adjacent 64-byte blocks (80-byte chunks) at the start of a fresh heap. */
void test_heap_row(uint8_t **blocks);

/* "%p" of address, as panic messages print it. */
void test_address_string(char *buffer, size_t size, const void *address);

/*
 * Random malloc, calloc, aligned, realloc and free calls, small and large,
 * on a fresh heap of regionSize bytes, every block's contents, alignment and
 * the statistics checked against what the shadow model says they must be.
 */
void test_heap_shadow_run(long operations, size_t regionSize);

#endif
