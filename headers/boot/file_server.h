/* SPDX-License-Identifier: MIT */
/*
 * Files a port reads from a server instead of a disk: the TFTP server of a
 * network boot. A server knows files by path and sends each from its start,
 * stopping when asked; it has no directories to list. The VFS mounts it as
 * a volume of its own (file system "server", file_systems/server).
 */
#ifndef BOOT_FILE_SERVER_H
#define BOOT_FILE_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include <boot/block_device.h>
#include <boot/file_system.h>
#include <boot/kernel_args.h>
#include <boot/status.h>

struct file_server;

struct file_server_ops {
	/*
	 * The size of the file at path, which is relative to the server's root
	 * ("boot/kernel") and never empty. Errors: B_ENTRY_NOT_FOUND,
	 * B_NOT_ALLOWED (the server refuses it), B_NOT_SUPPORTED (the port
	 * cannot fetch files after all), B_IO_ERROR; each with a few
	 * words in reason ("no answer from 10.0.2.2").
	 */
	status_t	(*size)(struct file_server *server, const char *path,
					uint64_t *_size, char *reason, size_t reasonSize);
	/*
	 * The first length bytes of the file at path into buffer; length is at
	 * most the size the server gave, and a multiple of
	 * FILE_SERVER_PREFIX_UNIT when less. *_received: how many arrived,
	 * fewer than length when the file is shorter now. Errors: those of size.
	 */
	status_t	(*fetch)(struct file_server *server, const char *path, void *buffer,
					uint64_t length, uint64_t *_received, char *reason, size_t reasonSize);
	/* Release what the port attached to cookie; may be NULL. */
	void		(*release)(struct file_server *server);
};

/*
 * A read of a file's start fetches only this much, so that a file the loader
 * refuses by its headers costs no more than them.
 */
#define FILE_SERVER_PREFIX_UNIT		(64u * 1024)

struct file_server {
	const struct file_server_ops	*ops;
	char		name[BLOCK_DEVICE_NAME_LENGTH];	/* the volume's device name: "net0" */
	char		protocol[FS_DETAIL_SIZE];		/* "TFTP" */
	char		address[FS_LABEL_SIZE];		/* the volume's label: "10.0.2.2" */
	/* what a kernel from this server is told: NETWORK and the addresses */
	kernel_boot_device	boot_device;
	void		*cookie;						/* the port's */
};

#endif
