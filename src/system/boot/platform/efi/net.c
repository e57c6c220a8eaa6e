/* SPDX-License-Identifier: MIT */
/*
 * A network boot: when the firmware's PXE stack sent the loader, the same
 * TFTP server sends everything else, through that stack (it stays up until
 * ExitBootServices). Paths are relative to the directory the loader's own
 * boot file lies in, so one server can hold the trees of many machines.
 * IPv4 only: an IPv6 boot names its server in a URL this does not parse.
 */
#include "efi_platform.h"

#include <stdio.h>
#include <string.h>

#include <boot/file_server.h>
#include <boot/heap.h>
#include <boot/platform.h>
#include <boot/stdio.h>

/*
 * Fewer round trips than TFTP's 512 bytes, in one Ethernet frame; a
 * divisor of FILE_SERVER_PREFIX_UNIT, so that a file's start stops at a
 * block's end (the firmware keeps no part of a block that does not fit).
 */
#define TFTP_BLOCK_SIZE		1024
#define TFTP_PATH_SIZE		256

_Static_assert(FILE_SERVER_PREFIX_UNIT % TFTP_BLOCK_SIZE == 0,
	"a file's start must end at a block's end");

/* TFTP's DATA packet (RFC 1350): opcode 3, block number, then the bytes. */
#define TFTP_OPCODE_DATA	3
#define TFTP_DATA_HEADER	4

/* DHCP options (RFC 2132) after the magic cookie: code, length, value. */
#define DHCP_OPTION_PAD			0
#define DHCP_OPTION_SERVER_ID	54
#define DHCP_OPTION_END			255
static const uint8_t kDhcpMagic[4] = { 99, 130, 83, 99 };
static const uint8_t kNoAddress[4];

struct efi_tftp {
	EFI_PXE_BASE_CODE	*pxe;
	EFI_HANDLE			device;			/* the PXE stack's: where callbacks are found */
	EFI_IP_ADDRESS		server;
	char				root[sizeof(((EFI_PXE_BASE_CODE_DHCPV4_PACKET *)0)->BootpBootFile) + 1];
};

static EFI_GUID sPxeGuid = EFI_PXE_BASE_CODE_PROTOCOL_GUID;
static EFI_GUID sPxeCallbackGuid = EFI_PXE_BASE_CODE_CALLBACK_PROTOCOL_GUID;
static EFI_GUID sLoadedImageGuid = LOADED_IMAGE_PROTOCOL;

/* What the transfer in progress is to stop after; one transfer at a time. */
static uint64_t sStopAfter;
static bool sStopped;


static status_t
efi_tftp_status(struct file_server *server, EFI_STATUS efiStatus, char *reason,
	size_t reasonSize)
{
	struct efi_tftp *tftp = server->cookie;
	/*
	 * An error packet is the server declining the file. Its code is not
	 * told apart: edk2 keeps one byte of the two, and it is the high one
	 * (0 for "file not found" and "access violation" alike).
	 */
	if (efiStatus == EFI_TFTP_ERROR && tftp->pxe->Mode->TftpErrorReceived) {
		const EFI_PXE_BASE_CODE_TFTP_ERROR *error = &tftp->pxe->Mode->TftpError;
		snprintf(reason, reasonSize, "%s says: %.*s", server->address,
			(int)sizeof(error->ErrorString), (const char *)error->ErrorString);
		return B_ENTRY_NOT_FOUND;
	}
	if (efiStatus == EFI_UNSUPPORTED) {
		snprintf(reason, reasonSize, "the firmware's PXE protocol cannot fetch files");
		return B_NOT_SUPPORTED;
	}
	if (efiStatus == EFI_TIMEOUT)
		snprintf(reason, reasonSize, "no answer from %s", server->address);
	else
		snprintf(reason, reasonSize, "TFTP failed (%s)", efi_status_name(efiStatus));
	return B_IO_ERROR;
}


/* The server's name for path: below the boot file's directory. */
static bool
efi_tftp_name(const struct efi_tftp *tftp, const char *path, char *name,
	char *reason, size_t reasonSize)
{
	if ((size_t)snprintf(name, TFTP_PATH_SIZE, "%s%s", tftp->root, path)
			< TFTP_PATH_SIZE)
		return true;
	snprintf(reason, reasonSize, "the path is too long for TFTP");
	return false;
}


static status_t
efi_tftp_size(struct file_server *server, const char *path, uint64_t *_size,
	char *reason, size_t reasonSize)
{
	struct efi_tftp *tftp = server->cookie;
	char name[TFTP_PATH_SIZE];
	if (!efi_tftp_name(tftp, path, name, reason, reasonSize))
		return B_NAME_TOO_LONG;
	UINT64 size = 0;
	UINTN blockSize = TFTP_BLOCK_SIZE;
	EFI_STATUS efiStatus = tftp->pxe->Mtftp(tftp->pxe, EFI_PXE_BASE_CODE_TFTP_GET_FILE_SIZE,
		NULL, FALSE, &size, &blockSize, &tftp->server, (UINT8 *)name, NULL, FALSE);
	if (efiStatus != EFI_SUCCESS)
		return efi_tftp_status(server, efiStatus, reason, reasonSize);
	*_size = size;
	return B_OK;
}


/*
 * Called by the PXE stack for every packet while callbacks are on: stop
 * the transfer at the first block past what was asked for. edk2 asks before
 * it keeps a block, and would otherwise go on to the file's end (to report
 * its size) however small the buffer.
 */
static EFI_PXE_BASE_CODE_CALLBACK_STATUS EFIAPI
efi_tftp_callback(EFI_PXE_BASE_CODE_CALLBACK *callback, EFI_PXE_BASE_CODE_FUNCTION function,
	BOOLEAN received, UINT32 length, EFI_PXE_BASE_CODE_PACKET *packet)
{
	/* Callbacks are on only during a transfer; edk2 names it a DHCP function. */
	if (!received || packet == NULL || length <= TFTP_DATA_HEADER)
		return EFI_PXE_BASE_CODE_CALLBACK_STATUS_CONTINUE;
	const uint8_t *bytes = packet->Raw;
	if ((bytes[0] << 8 | bytes[1]) != TFTP_OPCODE_DATA)
		return EFI_PXE_BASE_CODE_CALLBACK_STATUS_CONTINUE;
	/* Every block but the last is full: the block number says how far this one starts. */
	uint32_t block = (uint32_t)(bytes[2] << 8 | bytes[3]);
	uint64_t before = (uint64_t)(block - 1) * (length - TFTP_DATA_HEADER);
	if (block == 0 || before < sStopAfter)
		return EFI_PXE_BASE_CODE_CALLBACK_STATUS_CONTINUE;
	sStopped = true;
	return EFI_PXE_BASE_CODE_CALLBACK_STATUS_ABORT;
}


static EFI_PXE_BASE_CODE_CALLBACK sCallback = {
	.Revision = EFI_PXE_BASE_CODE_CALLBACK_PROTOCOL_REVISION,
	.Callback = efi_tftp_callback,
};


/*
 * Have the PXE stack call efi_tftp_callback, or stop it; false when it
 * cannot (the callback is then not installed).
 */
static bool
efi_tftp_set_callbacks(struct efi_tftp *tftp, bool on)
{
	BOOLEAN makeCallbacks = on;
	if (!on) {
		tftp->pxe->SetParameters(tftp->pxe, NULL, NULL, NULL, NULL, &makeCallbacks);
		gBootServices->UninstallProtocolInterface(tftp->device, &sPxeCallbackGuid,
			&sCallback);
		return true;
	}
	if (gBootServices->InstallProtocolInterface(&tftp->device, &sPxeCallbackGuid,
			EFI_NATIVE_INTERFACE, &sCallback) != EFI_SUCCESS)
		return false;
	if (tftp->pxe->SetParameters(tftp->pxe, NULL, NULL, NULL, NULL, &makeCallbacks)
			== EFI_SUCCESS)
		return true;
	gBootServices->UninstallProtocolInterface(tftp->device, &sPxeCallbackGuid, &sCallback);
	return false;
}


static status_t
efi_tftp_fetch(struct file_server *server, const char *path, void *buffer,
	uint64_t length, uint64_t *_received, char *reason, size_t reasonSize)
{
	struct efi_tftp *tftp = server->cookie;
	char name[TFTP_PATH_SIZE];
	if (!efi_tftp_name(tftp, path, name, reason, reasonSize))
		return B_NAME_TOO_LONG;

	/* Without callbacks a longer file goes by whole, only length bytes kept. */
	bool callbacks = efi_tftp_set_callbacks(tftp, true);
	sStopAfter = length;
	sStopped = false;
	UINT64 size = length;
	UINTN blockSize = TFTP_BLOCK_SIZE;
	EFI_STATUS efiStatus = tftp->pxe->Mtftp(tftp->pxe, EFI_PXE_BASE_CODE_TFTP_READ_FILE,
		buffer, FALSE, &size, &blockSize, &tftp->server, (UINT8 *)name, NULL, FALSE);
	if (callbacks)
		efi_tftp_set_callbacks(tftp, false);

	/* A file longer than length: its start was what was asked for. */
	if (efiStatus == EFI_BUFFER_TOO_SMALL || (efiStatus == EFI_ABORTED && sStopped)) {
		boot_dprintf("efi: TFTP: %s: the first %llu bytes, %s\n", name,
			(unsigned long long)length, sStopped ? "then the transfer stopped"
				: "the rest went by unused");
		*_received = length;
		return B_OK;
	}
	if (efiStatus != EFI_SUCCESS)
		return efi_tftp_status(server, efiStatus, reason, reasonSize);
	*_received = size;
	return B_OK;
}


static void
efi_tftp_release(struct file_server *server)
{
	heap_free(server->cookie);
}


static const struct file_server_ops kTftpOps = {
	.size = efi_tftp_size,
	.fetch = efi_tftp_fetch,
	.release = efi_tftp_release,
};


/* The DHCP answer the firmware booted from: a PXE server's, a proxy's, or the DHCP server's. */
static const EFI_PXE_BASE_CODE_PACKET *
efi_tftp_boot_packet(const EFI_PXE_BASE_CODE_MODE *mode)
{
	if (mode->PxeReplyReceived)
		return &mode->PxeReply;
	if (mode->ProxyOfferReceived)
		return &mode->ProxyOffer;
	return mode->DhcpAckReceived ? &mode->DhcpAck : NULL;
}


/*
 * The server the firmware fetched the loader from: the answer's siaddr,
 * or where that is 0 (a DHCP server given no next-server), the DHCP
 * server's own identifier, as edk2 takes it then. False when neither is set.
 */
static bool
efi_tftp_server_address(const EFI_PXE_BASE_CODE_PACKET *packet, uint8_t address[4])
{
	memcpy(address, packet->Dhcpv4.BootpSiAddr, 4);
	if (memcmp(address, kNoAddress, 4) != 0)
		return true;
	if (memcmp(&packet->Dhcpv4.DhcpMagik, kDhcpMagic, 4) != 0)
		return false;
	const uint8_t *raw = packet->Raw;
	size_t end = sizeof(packet->Raw);
	size_t at = (size_t)(packet->Dhcpv4.DhcpOptions - raw);
	while (at < end && raw[at] != DHCP_OPTION_END) {
		if (raw[at] == DHCP_OPTION_PAD) {
			at++;
			continue;
		}
		if (at + 2 > end || at + 2 + raw[at + 1] > end)
			return false;
		if (raw[at] == DHCP_OPTION_SERVER_ID && raw[at + 1] == 4) {
			memcpy(address, raw + at + 2, 4);
			return memcmp(address, kNoAddress, 4) != 0;
		}
		at += 2 + raw[at + 1];
	}
	return false;
}


/* What the kernel is told of the network it came over. */
static void
efi_tftp_describe(kernel_boot_device *device, const EFI_PXE_BASE_CODE_MODE *mode,
	const uint8_t server[4])
{
	device->type = KERNEL_BOOT_DEVICE_NETWORK;
	memcpy(device->client_address, mode->StationIp.v4.Addr, 4);
	memcpy(device->server_address, server, 4);
	memcpy(device->subnet_mask, mode->SubnetMask.v4.Addr, 4);
	/* the DHCP answer echoes the card's address it was sent to */
	const EFI_PXE_BASE_CODE_DHCPV4_PACKET *ack = &mode->DhcpAck.Dhcpv4;
	uint32_t length = ack->BootpHwAddrLen;
	if (mode->DhcpAckReceived && length <= sizeof(device->hardware_address)) {
		device->hardware_address_length = length;
		memcpy(device->hardware_address, ack->BootpHwAddr, length);
	}
}


/* root: the boot file's directory, ending in '/', or "" for the server's root. */
static void
efi_tftp_set_root(struct efi_tftp *tftp, const EFI_PXE_BASE_CODE_DHCPV4_PACKET *packet)
{
	size_t length = strnlen((const char *)packet->BootpBootFile,
		sizeof(packet->BootpBootFile));
	memcpy(tftp->root, packet->BootpBootFile, length);
	while (length > 0 && tftp->root[length - 1] != '/')
		length--;
	tftp->root[length] = '\0';
}


struct file_server *
platform_boot_file_server(struct stage2_args *args)
{
	EFI_LOADED_IMAGE *image;
	EFI_PXE_BASE_CODE *pxe;
	if (gBootServices->HandleProtocol(gImageHandle, &sLoadedImageGuid,
			(void **)&image) != EFI_SUCCESS
		|| gBootServices->HandleProtocol(image->DeviceHandle, &sPxeGuid,
			(void **)&pxe) != EFI_SUCCESS)
		return NULL;

	const EFI_PXE_BASE_CODE_PACKET *packet = efi_tftp_boot_packet(pxe->Mode);
	uint8_t address[4];
	const char *unusable = !pxe->Mode->Started ? "the firmware's PXE stack is not running"
		: pxe->Mode->UsingIpv6 ? "over IPv6, which the loader cannot use"
		: packet == NULL ? "with no DHCP answer to find the server by"
		: !efi_tftp_server_address(packet, address)
			? "with no server address in the DHCP answer (siaddr, option 54)" : NULL;
	if (unusable != NULL) {
		boot_printf("efi: started from the network, but %s; only disks are searched\n",
			unusable);
		return NULL;
	}

	struct file_server *server = heap_calloc(1, sizeof(*server));
	struct efi_tftp *tftp = heap_calloc(1, sizeof(*tftp));
	if (server == NULL || tftp == NULL) {
		heap_free(server);
		heap_free(tftp);
		return NULL;
	}
	tftp->pxe = pxe;
	tftp->device = image->DeviceHandle;
	memcpy(tftp->server.v4.Addr, address, 4);
	efi_tftp_set_root(tftp, &packet->Dhcpv4);
	server->ops = &kTftpOps;
	server->cookie = tftp;
	snprintf(server->name, sizeof(server->name), "net0");
	snprintf(server->protocol, sizeof(server->protocol), "TFTP");
	snprintf(server->address, sizeof(server->address), "%u.%u.%u.%u", address[0],
		address[1], address[2], address[3]);
	efi_tftp_describe(&server->boot_device, pxe->Mode, address);
	boot_dprintf("efi: started from the network: TFTP server %s, files below \"/%s\"\n",
		server->address, tftp->root);
	return server;
}
