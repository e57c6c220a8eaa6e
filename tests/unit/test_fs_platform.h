/* SPDX-License-Identifier: MIT */
/*
 * The platform side of the partition, file system and VFS tests: captured
 * output and the device hooks backed by test disks. The heap is
 * tests/support/counted_heap.c, whose live-block count shows leaks.
 */
#ifndef TEST_FS_PLATFORM_H
#define TEST_FS_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../support/counted_heap.h"

struct block_device;
struct file_server;

/* Queue a disk for the next platform_add_block_devices(). */
void test_platform_add_disk(struct block_device *disk);

/* Hand server (from heap_alloc) to the next vfs_init() as the boot file server. */
void test_platform_set_file_server(struct file_server *server);

/* platform_is_boot_partition() answers true for this disk and offset only. */
void test_platform_set_boot_partition(const char *diskName, uint64_t offset);

/* Forget queued disks, the boot partition and the captured output. */
void test_platform_reset(void);

/* Everything boot_printf and boot_dprintf wrote since the last reset. */
const char *test_output(void);
bool test_output_contains(const char *text);
/* Only what boot_printf (the console) got. */
bool test_console_contains(const char *text);

/* platform_cleanup_devices() calls */
int test_platform_cleanup_count(void);

/* Path of a file in generated/test-images (a static buffer, overwritten). */
const char *test_image_path(const char *name);

/* The whole file at path, from malloc; NULL (and a failed test) if unreadable. */
uint8_t *test_read_file(const char *path, size_t *_size);

#endif
