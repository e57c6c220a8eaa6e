/* SPDX-License-Identifier: MIT */
/*
 * fat_read_bench: an EFI application that times reading a large file through
 * the loader's VFS and FAT code against reading as many bytes raw from the
 * disk beneath, in the same boot, and exits QEMU through isa-debug-exit.
 *
 * It links the EFI port and the generic loader like BOOTX64.efi does, with
 * this file's boot_main() in place of the loader's. Each file is read whole in
 * one vfs_read() into one buffer, as vfs_load_file() reads a kernel; the raw
 * read is one block_device_read() of the same byte count into the same buffer
 * from the start of the partition, on the disk device the partition reads
 * through. Rounds alternate (FAT, raw, FAT, raw, ...) so that caches and
 * firmware state favour neither side, and the ratio is that of the fastest
 * rounds: QEMU's emulated I/O slows down whenever the host is busy. The
 * figures are for people to read (tests/bench/fat-bench prints them); nothing
 * here is asserted but that the reads succeed.
 */
#include <string.h>

#include <arch_x86.h>
#include <boot/block_device.h>
#include <boot/crc32.h>
#include <boot/devices.h>
#include <boot/heap.h>
#include <boot/platform.h>
#include <boot/stage2.h>
#include <boot/stdio.h>
#include <boot/vfs.h>

#define BENCH_ROUNDS		5
#define BENCH_MIB			(1024 * 1024)

/* Values for QEMU's isa-debug-exit: QEMU exits with (value << 1) | 1. */
#define BENCH_EXIT_PORT		0xf4
#define BENCH_EXIT_SUCCESS	0x10
#define BENCH_EXIT_FAILURE	0x11

struct bench_file {
	const char	*path;
	const char	*label;			/* in the figures */
	const char	*best_label;
};

/* The files make-image puts on the ESP; all but the first are optional. */
static const struct bench_file kBenchFiles[] = {
	{ "/bench/64m.bin", "fat", "best fat" },
	{ "/bench/64m-fragmented.bin", "fat-fragmented", "best fat-fragmented" },
	{ "/bench/16m-4k-runs.bin", "fat-4k-runs", "best fat-4k-runs" },
};

struct bench_result {
	uint64_t	best;		/* microseconds, fastest round */
	uint64_t	total;		/* microseconds, all rounds */
};


static __attribute__((noreturn)) void
bench_exit(uint8_t value)
{
	x86_out8(BENCH_EXIT_PORT, value);
	/* Without isa-debug-exit (a real machine) go back to the firmware. */
	platform_exit(value == BENCH_EXIT_SUCCESS ? B_OK : B_ERROR);
}


/* MiB/s in tenths: the loader has no floating point. */
static uint64_t
bench_rate_tenths(uint64_t bytes, uint64_t microseconds)
{
	if (microseconds == 0)
		microseconds = 1;
	return (bytes * 10 * 1000000 / BENCH_MIB + microseconds / 2) / microseconds;
}


static void
bench_report(const char *what, uint64_t bytes, uint64_t microseconds)
{
	uint64_t rate = bench_rate_tenths(bytes, microseconds);
	boot_printf("bench: %s %llu MiB in %llu us = %llu.%llu MiB/s\n", what,
		(unsigned long long)(bytes / BENCH_MIB), (unsigned long long)microseconds,
		(unsigned long long)(rate / 10), (unsigned long long)(rate % 10));
}


static void
bench_record(struct bench_result *result, uint64_t microseconds)
{
	if (result->best == 0 || microseconds < result->best)
		result->best = microseconds;
	result->total += microseconds;
}


/* The whole file through the VFS, opening included: that walks the FAT. */
static status_t
bench_read_file(const char *path, void *buffer, uint64_t size, uint64_t *_microseconds)
{
	char error[VFS_ERROR_SIZE];
	uint64_t start = system_time();
	struct vfs_file *file;
	status_t status = vfs_open(path, &file, error, sizeof(error));
	if (status != B_OK) {
		boot_printf("bench: %s\n", error);
		return status;
	}
	size_t bytesRead;
	status = vfs_read(file, 0, buffer, (size_t)size, &bytesRead, error, sizeof(error));
	vfs_close(file);
	*_microseconds = system_time() - start;
	if (status != B_OK) {
		boot_printf("bench: %s\n", error);
		return status;
	}
	if (bytesRead != size) {
		boot_printf("bench: %s: read %zu of %llu bytes\n", path, bytesRead,
			(unsigned long long)size);
		return B_IO_ERROR;
	}
	return B_OK;
}


/*
 * Opening and a one-byte read: the path lookup and the walk of the cluster
 * chain every whole-file read pays before its data.
 */
static uint64_t
bench_open_and_map(const char *path, void *buffer)
{
	uint64_t start = system_time();
	struct vfs_file *file;
	if (vfs_open(path, &file, NULL, 0) != B_OK)
		return 0;
	size_t bytesRead;
	vfs_read(file, 0, buffer, 1, &bytesRead, NULL, 0);
	vfs_close(file);
	return system_time() - start;
}


static status_t
bench_read_raw(struct block_device *disk, uint64_t offset, void *buffer, uint64_t size,
	uint64_t *_microseconds)
{
	uint64_t start = system_time();
	status_t status = block_device_read(disk, offset, buffer, (size_t)size);
	*_microseconds = system_time() - start;
	if (status != B_OK) {
		boot_printf("bench: raw read of %llu bytes at %llu from %s: %s\n",
			(unsigned long long)size, (unsigned long long)offset, disk->name,
			status_string(status));
	}
	return status;
}


/* The device a volume was mounted from, by the name the VFS reports. */
static struct block_device *
bench_volume_device(struct vfs_volume *volume)
{
	struct vfs_volume_info info;
	vfs_volume_get_info(volume, &info);
	for (struct block_device *device = devices_first(); device != NULL;
			device = device->next) {
		if (strcmp(device->name, info.device_name) == 0)
			return device;
	}
	return NULL;
}


static status_t
bench_file(const struct bench_file *bench, void *buffer, uint64_t capacity)
{
	const char *path = bench->path;
	char error[VFS_ERROR_SIZE];
	struct vfs_file *file;
	status_t status = vfs_open(path, &file, error, sizeof(error));
	if (status != B_OK) {
		boot_printf("bench: %s\n", error);
		return status;
	}
	struct vfs_stat stat;
	vfs_file_stat(file, &stat);
	struct block_device *device = bench_volume_device(vfs_file_volume(file));
	vfs_close(file);
	if (stat.type != VFS_FILE || stat.size == 0 || stat.size > capacity) {
		boot_printf("bench: %s is not a file of 1 to %llu bytes\n", path,
			(unsigned long long)capacity);
		return B_BAD_VALUE;
	}
	if (device == NULL) {
		boot_printf("bench: cannot find the device %s lives on\n", path);
		return B_ENTRY_NOT_FOUND;
	}

	/* A partition reads through its disk: read the disk the same way. */
	struct block_device *disk = device;
	uint64_t offset = 0;
	while (disk->parent != NULL) {
		offset += disk->parent_offset;
		disk = disk->parent;
	}
	if (stat.size > device->size) {
		boot_printf("bench: %s is larger than its partition\n", path);
		return B_BAD_VALUE;
	}
	boot_printf("bench: %s: %llu bytes on %s; raw reads from %s at %llu\n", path,
		(unsigned long long)stat.size, device->name, disk->name,
		(unsigned long long)offset);

	struct bench_result fat = { 0, 0 };
	struct bench_result raw = { 0, 0 };
	const char *label = bench->label;
	for (int round = 0; round < BENCH_ROUNDS; round++) {
		if (round == 1) {
			/* After the first round: its caches are as warm as the timed reads'. */
			boot_printf("bench: %s open and cluster map (one byte read) in %llu us\n",
				label, (unsigned long long)bench_open_and_map(path, buffer));
		}
		uint64_t microseconds;
		status = bench_read_file(path, buffer, stat.size, &microseconds);
		if (status != B_OK)
			return status;
		bench_report(label, stat.size, microseconds);
		bench_record(&fat, microseconds);
		if (round == 0) {
			/* Proof that the timed read delivered the file (fat-bench compares). */
			boot_printf("bench: %s crc32 %08x\n", path,
				crc32(0, buffer, (size_t)stat.size));
		}

		status = bench_read_raw(disk, offset, buffer, stat.size, &microseconds);
		if (status != B_OK)
			return status;
		bench_report("raw", stat.size, microseconds);
		bench_record(&raw, microseconds);
	}

	bench_report(bench->best_label, stat.size, fat.best);
	bench_report("best raw", stat.size, raw.best);
	/* The ratio of rates is the inverse ratio of times; in thousandths. */
	uint64_t ratio = (raw.best * 1000 + fat.best / 2) / (fat.best != 0 ? fat.best : 1);
	uint64_t meanRatio = (raw.total * 1000 + fat.total / 2)
		/ (fat.total != 0 ? fat.total : 1);
	boot_printf("bench: ratio %s/raw = %llu.%03llu (best of %d; mean %llu.%03llu)\n",
		label, (unsigned long long)(ratio / 1000), (unsigned long long)(ratio % 1000),
		BENCH_ROUNDS, (unsigned long long)(meanRatio / 1000),
		(unsigned long long)(meanRatio % 1000));
	return B_OK;
}


status_t
boot_main(struct stage2_args *args)
{
	status_t status = heap_init(args);
	if (status != B_OK) {
		boot_printf("bench: no heap: %s\n", status_string(status));
		bench_exit(BENCH_EXIT_FAILURE);
	}
	status = vfs_init(args);
	if (status != B_OK) {
		boot_printf("bench: no volumes: %s\n", status_string(status));
		bench_exit(BENCH_EXIT_FAILURE);
	}

	/* Every file must fit; the first one is there, or nothing is measured. */
	struct vfs_stat stat;
	char error[VFS_ERROR_SIZE];
	status = vfs_stat(kBenchFiles[0].path, &stat, error, sizeof(error));
	if (status != B_OK) {
		boot_printf("bench: %s\n", error);
		bench_exit(BENCH_EXIT_FAILURE);
	}
	uint64_t capacity = stat.size;
	/* One buffer for all reads: page aligned, as large buffers come. */
	void *buffer = heap_alloc((size_t)capacity);
	if (buffer == NULL) {
		boot_printf("bench: no memory for %llu bytes\n", (unsigned long long)capacity);
		bench_exit(BENCH_EXIT_FAILURE);
	}

	for (size_t i = 0; i < sizeof(kBenchFiles) / sizeof(kBenchFiles[0]); i++) {
		if (i > 0 && vfs_stat(kBenchFiles[i].path, &stat, NULL, 0) != B_OK)
			continue;
		status = bench_file(&kBenchFiles[i], buffer, capacity);
		if (status != B_OK)
			break;
	}

	heap_free(buffer);
	vfs_cleanup();
	bench_exit(status == B_OK ? BENCH_EXIT_SUCCESS : BENCH_EXIT_FAILURE);
}
