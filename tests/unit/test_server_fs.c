/* SPDX-License-Identifier: MIT */
/*
 * Tests of a file server's volume (file_systems/server, boot/file_server.h)
 * through the VFS: the boot volume ahead of the disks, how much of a file
 * each read fetches, and what a server's failures say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/file_server.h>
#include <boot/heap.h>
#include <boot/vfs.h>

#include "test_disk.h"
#include "test_fs_platform.h"
#include "unit_test.h"

#define KERNEL_SIZE		200000
#define MAX_FETCHES		8

struct fake_server {
	uint8_t		kernel[KERNEL_SIZE];
	status_t	size_failure;		/* what size() answers for any file, B_OK: the truth */
	uint64_t	shrink_to;			/* fetch() finds the kernel this short; 0: not */
	uint64_t	fetches[MAX_FETCHES];
	long		heap_at_fetch[MAX_FETCHES];	/* live heap blocks when each came */
	int			fetch_count;
	int			releases;
};

static struct fake_server sFake;


static const uint8_t *
fake_file(const char *path, uint64_t *_size)
{
	if (strcmp(path, "boot/kernel") == 0) {
		*_size = KERNEL_SIZE;
		return sFake.kernel;
	}
	if (strcmp(path, "boot/empty") == 0) {
		*_size = 0;
		return sFake.kernel;
	}
	return NULL;
}


static status_t
fake_size(struct file_server *server, const char *path, uint64_t *_size, char *reason,
	size_t reasonSize)
{
	if (sFake.size_failure != B_OK) {
		snprintf(reason, reasonSize, "no answer from %s", server->address);
		return sFake.size_failure;
	}
	if (fake_file(path, _size) != NULL)
		return B_OK;
	snprintf(reason, reasonSize, "%s says: File not found", server->address);
	return B_ENTRY_NOT_FOUND;
}


static status_t
fake_fetch(struct file_server *server, const char *path, void *buffer, uint64_t length,
	uint64_t *_received, char *reason, size_t reasonSize)
{
	uint64_t size;
	const uint8_t *data = fake_file(path, &size);
	CHECK(data != NULL && length <= size);
	CHECK(length == size || length % FILE_SERVER_PREFIX_UNIT == 0);
	if (sFake.fetch_count < MAX_FETCHES) {
		sFake.fetches[sFake.fetch_count] = length;
		sFake.heap_at_fetch[sFake.fetch_count] = counted_heap_live();
	}
	sFake.fetch_count++;
	*_received = sFake.shrink_to != 0 && length > sFake.shrink_to ? sFake.shrink_to : length;
	memcpy(buffer, data, (size_t)*_received);
	return B_OK;
}


static void
fake_release(struct file_server *server)
{
	sFake.releases++;
}


static const struct file_server_ops kFakeOps = {
	.size = fake_size,
	.fetch = fake_fetch,
	.release = fake_release,
};


/* A fresh VFS whose boot file server is the fake, beside gpt.img unless noDisk. */
static long
start(bool withDisk)
{
	vfs_cleanup();
	test_platform_reset();
	long live = counted_heap_live();
	memset(&sFake, 0, sizeof(sFake));
	for (size_t i = 0; i < KERNEL_SIZE; i++)
		sFake.kernel[i] = (uint8_t)(i * 7 + (i >> 9));

	struct file_server *server = heap_calloc(1, sizeof(*server));
	CHECK(server != NULL);
	server->ops = &kFakeOps;
	snprintf(server->name, sizeof(server->name), "net0");
	snprintf(server->protocol, sizeof(server->protocol), "FAKE");
	snprintf(server->address, sizeof(server->address), "192.0.2.1");
	test_platform_set_file_server(server);
	if (withDisk) {
		test_platform_add_disk(test_disk_open(test_image_path("gpt.img"), "disk0", 512,
			0));
	}
	CHECK_EQ(vfs_init(NULL), B_OK);
	return live;
}


static void
finish(long live)
{
	vfs_cleanup();
	CHECK_EQ(sFake.releases, 1);
	CHECK_EQ(counted_heap_live(), live);
}


TEST(the_server_is_the_boot_volume_ahead_of_the_disks)
{
	long live = start(true);
	struct vfs_volume_info info;
	vfs_volume_get_info(vfs_boot_volume(), &info);
	CHECK_EQ(info.index, 0u);
	CHECK(strcmp(info.device_name, "net0") == 0);
	CHECK(strcmp(info.fs_name, "server") == 0);
	CHECK(strcmp(info.fs_detail, "FAKE") == 0);
	CHECK(strcmp(info.label, "192.0.2.1") == 0);
	CHECK(!info.has_guid);
	CHECK(vfs_volume_count() > 1);

	/* gpt.img has a kernel too: the server's is found first. */
	void *data;
	size_t size;
	CHECK_EQ(vfs_load_file("/boot/kernel", &data, &size, NULL, 0), B_OK);
	CHECK_EQ(size, (size_t)KERNEL_SIZE);
	CHECK(memcmp(data, sFake.kernel, size) == 0);
	heap_free(data);
	/* read whole: straight into the caller's buffer, in one fetch */
	CHECK_EQ(sFake.fetch_count, 1);
	CHECK_EQ(sFake.fetches[0], (uint64_t)KERNEL_SIZE);

	/* what the server lacks, the disks are searched for */
	struct vfs_file *file;
	CHECK_EQ(vfs_open("/EFI", &file, NULL, 0), B_OK);
	vfs_volume_get_info(vfs_file_volume(file), &info);
	CHECK(strcmp(info.device_name, "net0") != 0);
	vfs_close(file);
	finish(live);
}


TEST(a_file_start_is_fetched_alone_and_the_rest_once)
{
	long live = start(false);
	CHECK_EQ(vfs_volume_count(), 1u);
	struct vfs_file *file;
	uint64_t size;
	CHECK_EQ(vfs_open_regular("/boot/kernel", &file, &size, NULL, 0), B_OK);
	CHECK_EQ(size, (uint64_t)KERNEL_SIZE);

	/* A read ending exactly where the start ends fetches the start alone. */
	uint8_t buffer[64];
	CHECK_EQ(vfs_read_exact(file, FILE_SERVER_PREFIX_UNIT - 16, buffer, 16, NULL, 0), B_OK);
	CHECK(memcmp(buffer, sFake.kernel + FILE_SERVER_PREFIX_UNIT - 16, 16) == 0);
	CHECK_EQ(vfs_read_exact(file, 0, buffer, sizeof(buffer), NULL, 0), B_OK);
	CHECK(memcmp(buffer, sFake.kernel, sizeof(buffer)) == 0);
	CHECK_EQ(sFake.fetch_count, 1);
	CHECK_EQ(sFake.fetches[0], (uint64_t)FILE_SERVER_PREFIX_UNIT);

	/* one byte past the start: the whole file, kept until the file is closed */
	CHECK_EQ(vfs_read_exact(file, FILE_SERVER_PREFIX_UNIT - 8, buffer, 16, NULL, 0), B_OK);
	CHECK(memcmp(buffer, sFake.kernel + FILE_SERVER_PREFIX_UNIT - 8, 16) == 0);
	CHECK_EQ(vfs_read_exact(file, 100, buffer, sizeof(buffer), NULL, 0), B_OK);
	CHECK_EQ(vfs_read_exact(file, KERNEL_SIZE - 64, buffer, 64, NULL, 0), B_OK);
	CHECK(memcmp(buffer, sFake.kernel + KERNEL_SIZE - 64, 64) == 0);
	CHECK_EQ(sFake.fetch_count, 2);
	CHECK_EQ(sFake.fetches[1], (uint64_t)KERNEL_SIZE);

	/* past the end: nothing, and nothing fetched */
	size_t bytesRead = 1;
	CHECK_EQ(vfs_read(file, KERNEL_SIZE, buffer, 1, &bytesRead, NULL, 0), B_OK);
	CHECK_EQ(bytesRead, (size_t)0);
	CHECK_EQ(sFake.fetch_count, 2);
	vfs_close(file);

	/* The whole file at once goes straight into the caller's buffer: no copy kept. */
	CHECK_EQ(vfs_open_regular("/boot/kernel", &file, &size, NULL, 0), B_OK);
	uint8_t *whole = malloc(KERNEL_SIZE);
	CHECK(whole != NULL);
	long before = counted_heap_live();
	CHECK_EQ(vfs_read_exact(file, 0, whole, KERNEL_SIZE, NULL, 0), B_OK);
	CHECK(memcmp(whole, sFake.kernel, KERNEL_SIZE) == 0);
	CHECK_EQ(sFake.fetch_count, 3);
	CHECK_EQ(sFake.fetches[2], (uint64_t)KERNEL_SIZE);
	CHECK_EQ(sFake.heap_at_fetch[2], before);
	free(whole);
	vfs_close(file);

	/* an empty file is read without asking the server */
	void *data;
	size_t length;
	CHECK_EQ(vfs_load_file("/boot/empty", &data, &length, NULL, 0), B_OK);
	CHECK_EQ(length, (size_t)0);
	heap_free(data);
	CHECK_EQ(sFake.fetch_count, 3);
	finish(live);
}


TEST(server_failures_name_the_volume_path_and_reason)
{
	long live = start(false);
	char error[VFS_ERROR_SIZE];
	void *data;
	size_t size;
	CHECK_EQ(vfs_load_file("/boot/missing", &data, &size, error, sizeof(error)),
		B_ENTRY_NOT_FOUND);
	CHECK(strcmp(error, "/boot/missing: not found on any volume") == 0);

	/* one byte short is short */
	sFake.shrink_to = KERNEL_SIZE - 1;
	CHECK_EQ(vfs_load_file("/boot/kernel", &data, &size, error, sizeof(error)), B_BAD_DATA);
	CHECK(strcmp(error, "net0 (192.0.2.1): /boot/kernel: the file ended after 199999 of"
		" 200000 bytes") == 0);

	sFake.size_failure = B_IO_ERROR;
	struct vfs_file *file;
	CHECK_EQ(vfs_open("(net0)/boot/kernel", &file, error, sizeof(error)), B_IO_ERROR);
	CHECK(strcmp(error, "net0 (192.0.2.1): (net0)/boot/kernel: no answer from 192.0.2.1")
		== 0);

	/* TFTP has no directories to list: said, not taken for an empty one */
	CHECK_EQ(vfs_list_directory("(net0)/", NULL, NULL, error, sizeof(error)),
		B_NOT_SUPPORTED);
	CHECK(strcmp(error, "net0 (192.0.2.1): (net0)/: a FAKE server lists no directories")
		== 0);
	finish(live);
}
