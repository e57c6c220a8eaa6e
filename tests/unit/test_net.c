/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the EFI port's network boot (src/system/boot/platform/efi/
 * net.c), compiled right into this test with gnu-efi's headers, against a
 * PXE protocol that behaves as edk2's does: a transfer asks the callback
 * about each DATA block before it keeps it, stops when the callback says
 * so, and with a buffer too small goes on to the file's end before it says
 * EFI_BUFFER_TOO_SMALL; block numbers are 16 bits and wrap to 0.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/system/boot/platform/efi/net.c"
#include "../../src/system/boot/platform/efi/status.c"
#include "../support/counted_heap.h"
#include "../support/efi_port_fakes.h"

#include "unit_test.h"

EFI_HANDLE gImageHandle;
EFI_BOOT_SERVICES *gBootServices;

struct fake_file {
	const char	*name;
	uint8_t		*data;
	uint64_t	size;
};

static struct fake_file sFiles[2];
static EFI_PXE_BASE_CODE_MODE sMode;
static EFI_PXE_BASE_CODE sPxe;
static EFI_LOADED_IMAGE sImage;
static EFI_BOOT_SERVICES sBootServices;
static EFI_HANDLE sDevice = (EFI_HANDLE)0x1000;
static EFI_PXE_BASE_CODE_CALLBACK *sInstalled;
static bool sMakeCallbacks;
static uint64_t sBlocksSent;		/* DATA packets of the last transfer */
static EFI_STATUS sFailure;			/* what Mtftp answers instead, EFI_SUCCESS: none */


static EFI_STATUS EFIAPI
fake_handle_protocol(EFI_HANDLE handle, EFI_GUID *guid, void **_interface)
{
	if (memcmp(guid, &sLoadedImageGuid, sizeof(*guid)) == 0 && handle == gImageHandle) {
		*_interface = &sImage;
		return EFI_SUCCESS;
	}
	if (memcmp(guid, &sPxeGuid, sizeof(*guid)) == 0 && handle == sDevice) {
		*_interface = &sPxe;
		return EFI_SUCCESS;
	}
	return EFI_UNSUPPORTED;
}


static EFI_STATUS EFIAPI
fake_install(EFI_HANDLE *handle, EFI_GUID *guid, EFI_INTERFACE_TYPE type, void *interface)
{
	CHECK(*handle == sDevice && memcmp(guid, &sPxeCallbackGuid, sizeof(*guid)) == 0);
	if (sInstalled != NULL)
		return EFI_INVALID_PARAMETER;
	sInstalled = interface;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_uninstall(EFI_HANDLE handle, EFI_GUID *guid, void *interface)
{
	CHECK(handle == sDevice && interface == sInstalled);
	sInstalled = NULL;
	return EFI_SUCCESS;
}


static EFI_STATUS EFIAPI
fake_set_parameters(EFI_PXE_BASE_CODE *pxe, BOOLEAN *autoArp, BOOLEAN *sendGuid,
	UINT8 *ttl, UINT8 *tos, BOOLEAN *makeCallbacks)
{
	if (makeCallbacks != NULL) {
		/* edk2 looks the callback up on its handle when they are turned on */
		if (*makeCallbacks && sInstalled == NULL)
			return EFI_INVALID_PARAMETER;
		sMakeCallbacks = *makeCallbacks;
	}
	return EFI_SUCCESS;
}


static struct fake_file *
fake_find(const UINT8 *name)
{
	for (size_t i = 0; i < sizeof(sFiles) / sizeof(sFiles[0]); i++) {
		if (sFiles[i].name != NULL && strcmp(sFiles[i].name, (const char *)name) == 0)
			return &sFiles[i];
	}
	return NULL;
}


static EFI_STATUS
fake_not_found(void)
{
	sMode.TftpErrorReceived = TRUE;
	/* edk2 keeps the high byte of the code: 0 for "file not found" */
	sMode.TftpError.ErrorCode = 0;
	strcpy((char *)sMode.TftpError.ErrorString, "File not found");
	return EFI_TFTP_ERROR;
}


/* One DATA packet through the callback; false when it says stop. */
static bool
fake_offer_block(uint64_t number, const uint8_t *data, size_t length)
{
	sBlocksSent++;
	if (!sMakeCallbacks)
		return true;
	static EFI_PXE_BASE_CODE_PACKET packet;
	packet.Raw[0] = 0;
	packet.Raw[1] = TFTP_OPCODE_DATA;
	packet.Raw[2] = (uint8_t)(number >> 8);
	packet.Raw[3] = (uint8_t)number;
	memcpy(packet.Raw + TFTP_DATA_HEADER, data, length);
	return sInstalled->Callback(sInstalled, EFI_PXE_BASE_CODE_FUNCTION_DHCP, TRUE,
		(UINT32)(TFTP_DATA_HEADER + length), &packet)
		== EFI_PXE_BASE_CODE_CALLBACK_STATUS_CONTINUE;
}


static EFI_STATUS EFIAPI
fake_mtftp(EFI_PXE_BASE_CODE *pxe, EFI_PXE_BASE_CODE_TFTP_OPCODE operation, void *buffer,
	BOOLEAN overwrite, UINT64 *_size, UINTN *_blockSize, EFI_IP_ADDRESS *server,
	UINT8 *name, EFI_PXE_BASE_CODE_MTFTP_INFO *info, BOOLEAN dontUseBuffer)
{
	sMode.TftpErrorReceived = FALSE;
	if (sFailure != EFI_SUCCESS)
		return sFailure;
	CHECK(memcmp(server->v4.Addr, "\x0a\x00\x02\x02", 4) == 0);
	struct fake_file *file = fake_find(name);
	if (file == NULL)
		return fake_not_found();
	if (operation == EFI_PXE_BASE_CODE_TFTP_GET_FILE_SIZE) {
		*_size = file->size;
		return EFI_SUCCESS;
	}
	CHECK(operation == EFI_PXE_BASE_CODE_TFTP_READ_FILE && *_blockSize == TFTP_BLOCK_SIZE);
	sBlocksSent = 0;
	uint64_t room = *_size;
	/* n full blocks and a last one shorter than a block, possibly empty */
	for (uint64_t offset = 0, block = 1; ; offset += TFTP_BLOCK_SIZE, block++) {
		size_t length = file->size - offset < TFTP_BLOCK_SIZE
			? (size_t)(file->size - offset) : TFTP_BLOCK_SIZE;
		if (!fake_offer_block(block & 0xffff, file->data + offset, length))
			return EFI_ABORTED;
		if (offset + length <= room)
			memcpy((uint8_t *)buffer + offset, file->data + offset, length);
		if (length < TFTP_BLOCK_SIZE)
			break;
	}
	*_size = file->size;
	return file->size > room ? EFI_BUFFER_TOO_SMALL : EFI_SUCCESS;
}


static void
set_file(int index, const char *name, uint64_t size)
{
	free(sFiles[index].data);
	sFiles[index].name = name;
	sFiles[index].size = size;
	sFiles[index].data = malloc(size + 1);
	CHECK(sFiles[index].data != NULL);
	for (uint64_t i = 0; i < size; i++)
		sFiles[index].data[i] = (uint8_t)(i * 7 + (i >> 10) + (i >> 16));
}


/* A machine started by PXE from 10.0.2.2 with the boot file bootFile. */
static void
start(const char *bootFile)
{
	boot_log_clear();
	memset(&sMode, 0, sizeof(sMode));
	sMode.Started = TRUE;
	sMode.DhcpAckReceived = TRUE;
	memcpy(sMode.StationIp.v4.Addr, "\x0a\x00\x02\x0f", 4);
	memcpy(sMode.SubnetMask.v4.Addr, "\xff\xff\xff\x00", 4);
	EFI_PXE_BASE_CODE_DHCPV4_PACKET *ack = &sMode.DhcpAck.Dhcpv4;
	memcpy(ack->BootpSiAddr, "\x0a\x00\x02\x02", 4);
	memcpy(ack->BootpHwAddr, "\x52\x54\x00\x12\x34\x56", 6);
	ack->BootpHwAddrLen = 6;
	snprintf((char *)ack->BootpBootFile, sizeof(ack->BootpBootFile), "%s", bootFile);

	sPxe.Mode = &sMode;
	sPxe.Mtftp = fake_mtftp;
	sPxe.SetParameters = fake_set_parameters;
	sImage.DeviceHandle = sDevice;
	sBootServices.HandleProtocol = fake_handle_protocol;
	sBootServices.InstallProtocolInterface = fake_install;
	sBootServices.UninstallProtocolInterface = fake_uninstall;
	gBootServices = &sBootServices;
	gImageHandle = (EFI_HANDLE)0x2000;
	sInstalled = NULL;
	sMakeCallbacks = false;
	sFailure = EFI_SUCCESS;
}


/* Fetch the first length bytes of path, which must come whole and as served. */
static void
expect_fetch(struct file_server *server, const char *path, uint64_t length)
{
	uint8_t *buffer = malloc(length);
	CHECK(buffer != NULL);
	uint64_t received = 0;
	char reason[FS_REASON_SIZE];
	CHECK_EQ(server->ops->fetch(server, path, buffer, length, &received, reason,
		sizeof(reason)), B_OK);
	CHECK_EQ(received, length);
	CHECK(memcmp(buffer, sFiles[0].data, length) == 0);
	free(buffer);
}


static void
release(struct file_server *server)
{
	server->ops->release(server);
	heap_free(server);
	CHECK(sInstalled == NULL && !sMakeCallbacks);
}


TEST(a_pxe_boot_becomes_a_tftp_server_below_the_boot_file)
{
	start("x64/BOOTX64.EFI");
	struct file_server *server = platform_boot_file_server(NULL);
	CHECK(server != NULL);
	CHECK(strcmp(server->name, "net0") == 0);
	CHECK(strcmp(server->protocol, "TFTP") == 0);
	CHECK(strcmp(server->address, "10.0.2.2") == 0);
	CHECK(strstr(sLog, "TFTP server 10.0.2.2, files below \"/x64/\"") != NULL);
	const kernel_boot_device *device = &server->boot_device;
	CHECK_EQ(device->type, (uint32_t)KERNEL_BOOT_DEVICE_NETWORK);
	CHECK(memcmp(device->client_address, "\x0a\x00\x02\x0f", 4) == 0);
	CHECK(memcmp(device->subnet_mask, "\xff\xff\xff\x00", 4) == 0);
	CHECK(memcmp(device->server_address, "\x0a\x00\x02\x02", 4) == 0);
	CHECK_EQ(device->hardware_address_length, 6u);
	CHECK(memcmp(device->hardware_address, "\x52\x54\x00\x12\x34\x56", 6) == 0);

	set_file(0, "x64/boot/kernel", 5000);
	uint64_t size;
	char reason[FS_REASON_SIZE];
	CHECK_EQ(server->ops->size(server, "boot/kernel", &size, reason, sizeof(reason)), B_OK);
	CHECK_EQ(size, 5000u);
	/* the path is the server's below the boot file's directory, nowhere else */
	CHECK_EQ(server->ops->size(server, "x64/boot/kernel", &size, reason, sizeof(reason)),
		B_ENTRY_NOT_FOUND);
	CHECK(strcmp(reason, "10.0.2.2 says: File not found") == 0);
	release(server);

	/* a boot file in the root: paths as they are */
	start("BOOTX64.EFI");
	server = platform_boot_file_server(NULL);
	CHECK(strstr(sLog, "files below \"/\"") != NULL);
	set_file(0, "boot/kernel", 5000);
	CHECK_EQ(server->ops->size(server, "boot/kernel", &size, reason, sizeof(reason)), B_OK);
	release(server);
}


TEST(a_file_start_stops_the_transfer_after_its_last_block)
{
	start("BOOTX64.EFI");
	struct file_server *server = platform_boot_file_server(NULL);
	set_file(0, "boot/junk", 300000);
	expect_fetch(server, "boot/junk", FILE_SERVER_PREFIX_UNIT);
	/* 64 blocks kept, the 65th offered and refused: no more went by */
	CHECK_EQ(sBlocksSent, (uint64_t)FILE_SERVER_PREFIX_UNIT / TFTP_BLOCK_SIZE + 1);
	CHECK(strstr(sLog, "boot/junk: the first 65536 bytes, then the transfer stopped") != NULL);
	release(server);
}


TEST(whole_files_come_whole_whatever_their_last_block)
{
	start("BOOTX64.EFI");
	struct file_server *server = platform_boot_file_server(NULL);
	/* a short last block, an empty last block, exactly the start's size */
	static const uint64_t kSizes[] = { 300000, 3 * TFTP_BLOCK_SIZE,
		FILE_SERVER_PREFIX_UNIT, 1 };
	for (size_t i = 0; i < sizeof(kSizes) / sizeof(kSizes[0]); i++) {
		set_file(0, "boot/module", kSizes[i]);
		expect_fetch(server, "boot/module", kSizes[i]);
	}
	CHECK(strstr(sLog, "then the transfer stopped") == NULL);
	release(server);
}


/* 16-bit block numbers wrap past 64 MiB of 1 KiB blocks: nothing stops early. */
TEST(a_file_past_the_block_counter_wrap_is_not_cut)
{
	start("BOOTX64.EFI");
	struct file_server *server = platform_boot_file_server(NULL);
	uint64_t size = (65ull << 20) + 77;
	set_file(0, "boot/initrd", size);
	expect_fetch(server, "boot/initrd", size);
	release(server);
}


TEST(without_callbacks_a_file_start_still_arrives)
{
	start("BOOTX64.EFI");
	struct file_server *server = platform_boot_file_server(NULL);
	/* another callback is installed already: the whole file goes by */
	static EFI_PXE_BASE_CODE_CALLBACK other;
	sInstalled = &other;
	set_file(0, "boot/junk", 300000);
	expect_fetch(server, "boot/junk", FILE_SERVER_PREFIX_UNIT);
	CHECK(strstr(sLog, "the rest went by unused") != NULL);
	CHECK(sInstalled == &other);
	sInstalled = NULL;
	release(server);
}


TEST(firmware_failures_say_what_happened)
{
	start("BOOTX64.EFI");
	struct file_server *server = platform_boot_file_server(NULL);
	uint64_t size;
	char reason[FS_REASON_SIZE];
	sFailure = EFI_TIMEOUT;
	CHECK_EQ(server->ops->size(server, "boot/kernel", &size, reason, sizeof(reason)),
		B_IO_ERROR);
	CHECK(strcmp(reason, "no answer from 10.0.2.2") == 0);
	sFailure = EFI_UNSUPPORTED;
	CHECK_EQ(server->ops->size(server, "boot/kernel", &size, reason, sizeof(reason)),
		B_NOT_SUPPORTED);
	CHECK(strcmp(reason, "the firmware's PXE protocol cannot fetch files") == 0);

	/* the file shrank between its size and its transfer */
	sFailure = EFI_SUCCESS;
	set_file(0, "boot/kernel", 1000);
	uint8_t buffer[2000];
	uint64_t received = 0;
	CHECK_EQ(server->ops->fetch(server, "boot/kernel", buffer, 2000, &received, reason,
		sizeof(reason)), B_OK);
	CHECK_EQ(received, 1000u);
	release(server);
}


/* An answer's options from the magic cookie on: each is code, length, value. */
static void
set_options(const uint8_t *options, size_t length)
{
	EFI_PXE_BASE_CODE_PACKET *packet = &sMode.DhcpAck;
	memset(packet->Dhcpv4.BootpSiAddr, 0, 4);
	memcpy(&packet->Dhcpv4.DhcpMagik, "\x63\x82\x53\x63", 4);
	memcpy(packet->Dhcpv4.DhcpOptions, options, length);
}


/* A DHCP server given no next-server: siaddr 0, and the firmware took option 54. */
TEST(without_siaddr_the_dhcp_server_is_the_tftp_server)
{
	static const uint8_t kOptions[] = { 53, 1, 5, 0, 0, 1, 4, 255, 255, 255, 0,
		54, 4, 10, 0, 2, 2, 255 };
	start("BOOTX64.EFI");
	set_options(kOptions, sizeof(kOptions));
	struct file_server *server = platform_boot_file_server(NULL);
	CHECK(server != NULL);
	CHECK(strcmp(server->address, "10.0.2.2") == 0);
	CHECK(memcmp(server->boot_device.server_address, "\x0a\x00\x02\x02", 4) == 0);
	set_file(0, "boot/kernel", 5000);
	uint64_t size;
	char reason[FS_REASON_SIZE];
	CHECK_EQ(server->ops->size(server, "boot/kernel", &size, reason, sizeof(reason)), B_OK);
	release(server);

	/* option 54 after the end, cut short, of another length, or 0.0.0.0: none */
	static const uint8_t kAfterEnd[] = { 53, 1, 5, 255, 54, 4, 10, 0, 2, 2 };
	static const uint8_t kWrongLength[] = { 54, 3, 10, 0, 2, 255 };
	static const uint8_t kZero[] = { 54, 4, 0, 0, 0, 0, 255 };
	static const struct {
		const uint8_t	*options;
		size_t			length;
	} kUnusable[] = {
		{ kAfterEnd, sizeof(kAfterEnd) }, { kWrongLength, sizeof(kWrongLength) },
		{ kZero, sizeof(kZero) },
	};
	for (size_t i = 0; i < sizeof(kUnusable) / sizeof(kUnusable[0]); i++) {
		start("BOOTX64.EFI");
		set_options(kUnusable[i].options, kUnusable[i].length);
		CHECK(platform_boot_file_server(NULL) == NULL);
		CHECK(strstr(sLog, "no server address in the DHCP answer") != NULL);
	}
	/* an option running past the packet's end */
	start("BOOTX64.EFI");
	set_options(kOptions, 0);
	EFI_PXE_BASE_CODE_PACKET *packet = &sMode.DhcpAck;
	packet->Raw[sizeof(packet->Raw) - 2] = 54;
	packet->Raw[sizeof(packet->Raw) - 1] = 4;
	CHECK(platform_boot_file_server(NULL) == NULL);
	/* no magic cookie, no options */
	start("BOOTX64.EFI");
	set_options(kOptions, sizeof(kOptions));
	sMode.DhcpAck.Dhcpv4.DhcpMagik = 0;
	CHECK(platform_boot_file_server(NULL) == NULL);
}


TEST(an_unusable_network_boot_is_said_and_leaves_the_disks)
{
	start("BOOTX64.EFI");
	sMode.Started = FALSE;
	CHECK(platform_boot_file_server(NULL) == NULL);
	CHECK(strstr(sLog, "but the firmware's PXE stack is not running") != NULL);

	start("BOOTX64.EFI");
	sMode.UsingIpv6 = TRUE;
	CHECK(platform_boot_file_server(NULL) == NULL);
	CHECK(strstr(sLog, "over IPv6, which the loader cannot use") != NULL);

	start("BOOTX64.EFI");
	memset(sMode.DhcpAck.Dhcpv4.BootpSiAddr, 0, 4);
	CHECK(platform_boot_file_server(NULL) == NULL);
	CHECK(strstr(sLog, "with no server address in the DHCP answer (siaddr, option 54)") != NULL);

	/* a disk boot: no PXE on the loader's device, nothing said */
	start("BOOTX64.EFI");
	sImage.DeviceHandle = (EFI_HANDLE)0x3000;
	CHECK(platform_boot_file_server(NULL) == NULL);
	CHECK_EQ(sLogLength, (size_t)0);
}
