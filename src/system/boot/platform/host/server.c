/* SPDX-License-Identifier: MIT */
/*
 * --serve DIR: a directory of the host as the file server the loader was
 * started from, the way a network boot finds its TFTP server. Each fetch is
 * logged with its length, so tests see how much of a file went over "the
 * network".
 */
#include "host_platform.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boot/file_server.h>
#include <boot/heap.h>
#include <boot/stdio.h>


static int
host_server_open(struct file_server *server, const char *path, char *reason,
	size_t reasonSize, status_t *_status)
{
	int root = (int)(intptr_t)server->cookie;
	int fd = openat(root, path, O_RDONLY | O_CLOEXEC);
	struct stat info;
	if (fd >= 0 && fstat(fd, &info) == 0 && S_ISREG(info.st_mode))
		return fd;
	int error = fd < 0 ? errno : EISDIR;
	if (fd >= 0)
		close(fd);
	*_status = error == ENOENT || error == ENOTDIR || error == EISDIR
		? B_ENTRY_NOT_FOUND : error == EACCES ? B_NOT_ALLOWED : B_IO_ERROR;
	snprintf(reason, reasonSize, "the server says: %s", strerror(error));
	return -1;
}


static status_t
host_server_size(struct file_server *server, const char *path, uint64_t *_size,
	char *reason, size_t reasonSize)
{
	status_t status;
	int fd = host_server_open(server, path, reason, reasonSize, &status);
	if (fd < 0)
		return status;
	off_t size = lseek(fd, 0, SEEK_END);
	close(fd);
	if (size < 0) {
		snprintf(reason, reasonSize, "the server says: %s", strerror(errno));
		return B_IO_ERROR;
	}
	*_size = (uint64_t)size;
	return B_OK;
}


static status_t
host_server_fetch(struct file_server *server, const char *path, void *buffer,
	uint64_t length, uint64_t *_received, char *reason, size_t reasonSize)
{
	status_t status;
	int fd = host_server_open(server, path, reason, reasonSize, &status);
	if (fd < 0)
		return status;
	boot_dprintf("host: %s: fetching %llu bytes of %s\n", server->name,
		(unsigned long long)length, path);
	uint8_t *bytes = buffer;
	uint64_t done = 0;
	while (done < length) {
		ssize_t got = pread(fd, bytes + done, (size_t)(length - done), (off_t)done);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		done += (uint64_t)got;
	}
	close(fd);
	*_received = done;
	return B_OK;
}


static void
host_server_release(struct file_server *server)
{
	close((int)(intptr_t)server->cookie);
}


static const struct file_server_ops kHostServerOps = {
	.size = host_server_size,
	.fetch = host_server_fetch,
	.release = host_server_release,
};


struct file_server *
platform_boot_file_server(struct stage2_args *args)
{
	if (gHostOptions.serve_root == NULL)
		return NULL;
	int root = open(gHostOptions.serve_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		boot_printf("host: cannot serve %s: %s\n", gHostOptions.serve_root,
			strerror(errno));
		return NULL;
	}
	struct file_server *server = heap_calloc(1, sizeof(*server));
	if (server == NULL) {
		close(root);
		return NULL;
	}
	server->ops = &kHostServerOps;
	server->cookie = (void *)(intptr_t)root;
	snprintf(server->name, sizeof(server->name), "net0");
	snprintf(server->protocol, sizeof(server->protocol), "host");
	snprintf(server->address, sizeof(server->address), "%s", gHostOptions.serve_root);
	/* The host's "network" is its loopback: no card, no address of its own. */
	static const kernel_boot_device kLoopback = {
		.type = KERNEL_BOOT_DEVICE_NETWORK,
		.client_address = { 127, 0, 0, 1 },
		.server_address = { 127, 0, 0, 1 },
		.subnet_mask = { 255, 0, 0, 0 },
	};
	server->boot_device = kLoopback;
	boot_dprintf("host: net0 serves %s\n", gHostOptions.serve_root);
	return server;
}
