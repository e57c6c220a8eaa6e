/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the boot device check and its report line (kernel_args
 * version 5): the fixture of test_bootcheck.c with a disk, the network, or
 * one field wrong.
 */
#include <string.h>

#include "test_bootcheck.h"

#include "unit_test.h"

static const uint8_t kGuid[16] = { 0xad, 0x83, 0x00, 0x50, 0xc7, 0x6c, 0x1d, 0x42,
	0x8c, 0x31, 0x53, 0xd6, 0xeb, 0xa2, 0x60, 0x94 };


static kernel_boot_device *
disk(void)
{
	kernel_boot_device *device = &bootcheck_fixture_build()->boot_device;
	device->type = KERNEL_BOOT_DEVICE_DISK;
	device->flags = KERNEL_BOOT_DEVICE_HAS_GUID;
	memcpy(device->partition_guid, kGuid, sizeof(kGuid));
	device->partition_offset = 1 << 20;
	device->partition_size = 48 << 20;
	return device;
}


static kernel_boot_device *
network(void)
{
	kernel_boot_device *device = &bootcheck_fixture_build()->boot_device;
	static const kernel_boot_device kNetwork = {
		.type = KERNEL_BOOT_DEVICE_NETWORK,
		.client_address = { 10, 0, 2, 15 },
		.server_address = { 10, 0, 2, 2 },
		.subnet_mask = { 255, 255, 255, 0 },
		.hardware_address_length = 6,
		.hardware_address = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
	};
	*device = kNetwork;
	return device;
}


TEST(a_loader_that_cannot_tell_says_unknown)
{
	bootcheck_fixture_build();
	CHECK(bootcheck_fixture_run());
	EXPECT_CHECK("boot_device", "ok");
	EXPECT_LINE("boot device: type 0");
}


TEST(a_disk_is_reported_with_its_place_and_gpt_guid)
{
	disk();
	CHECK(bootcheck_fixture_run());
	EXPECT_CHECK("boot_device", "ok");
	EXPECT_LINE("boot device: disk, offset 1048576, size 50331648, "
		"GUID 500083ad-6cc7-421d-8c31-53d6eba26094");

	/* an MBR partition: no GUID */
	kernel_boot_device *device = disk();
	device->flags = 0;
	memset(device->partition_guid, 0, sizeof(device->partition_guid));
	CHECK(bootcheck_fixture_run());
	EXPECT_LINE("boot device: disk, offset 1048576, size 50331648");
}


TEST(the_network_is_reported_with_its_addresses)
{
	network();
	CHECK(bootcheck_fixture_run());
	EXPECT_CHECK("boot_device", "ok");
	EXPECT_LINE("boot device: network, client 10.0.2.15, mask 255.255.255.0, "
		"server 10.0.2.2, hardware 52:54:00:12:34:56");

	/* the longest hardware address there is room for */
	kernel_boot_device *device = network();
	device->hardware_address_length = 16;
	memset(device->hardware_address, 0xab, 16);
	CHECK(bootcheck_fixture_run());
	EXPECT_LINE("boot device: network, client 10.0.2.15, mask 255.255.255.0, "
		"server 10.0.2.2, hardware ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab:ab");
}


TEST(a_disk_fails_on_a_missing_or_stray_guid_or_network_fields)
{
	disk()->partition_guid[15] = 0;
	CHECK(bootcheck_fixture_run());

	memset(disk()->partition_guid, 0, 16);
	EXPECT_FAILURE(bootcheck_fixture_run(), "boot_device", "the partition GUID is all zero");
	disk()->flags = 0;
	EXPECT_FAILURE(bootcheck_fixture_run(), "boot_device",
		"a partition GUID without KERNEL_BOOT_DEVICE_HAS_GUID");
	disk()->partition_size = 0;
	EXPECT_FAILURE(bootcheck_fixture_run(), "boot_device", "a disk partition of size 0");
	kernel_boot_device *device = disk();
	device->partition_offset = UINT64_MAX;
	device->partition_size = 2;
	EXPECT_FAILURE(bootcheck_fixture_run(), "boot_device", "the partition wraps around");
	disk()->hardware_address[15] = 1;
	EXPECT_FAILURE(bootcheck_fixture_run(), "boot_device", "a disk with network addresses");
}


TEST(the_network_fails_without_addresses_or_with_disk_fields)
{
	network()->client_address[0] = 0;
	CHECK(bootcheck_fixture_run());

	memset(network()->server_address, 0, 4);
	EXPECT_FAILURE(bootcheck_fixture_run(), "boot_device",
		"the network without both addresses");
	memset(network()->client_address, 0, 4);
	EXPECT_FAILURE(bootcheck_fixture_run(), "boot_device",
		"the network without both addresses");
	network()->flags = KERNEL_BOOT_DEVICE_HAS_GUID;
	EXPECT_FAILURE(bootcheck_fixture_run(), "boot_device", "flags 0x1 on the network");
	network()->partition_size = 512;
	EXPECT_FAILURE(bootcheck_fixture_run(), "boot_device", "the network with a partition");
	network()->hardware_address_length = 17;
	EXPECT_FAILURE(bootcheck_fixture_run(), "boot_device",
		"a hardware address of 17 bytes (at most 16)");
	network()->hardware_address[6] = 0xff;
	EXPECT_FAILURE(bootcheck_fixture_run(), "boot_device", "bytes past the hardware address");
}


TEST(an_unknown_type_or_an_unknown_device_with_details_fails)
{
	bootcheck_fixture_build()->boot_device.type = 3;
	EXPECT_FAILURE(bootcheck_fixture_run(), "boot_device", "unknown type 3");
	bootcheck_fixture_build()->boot_device.partition_offset = 4096;
	EXPECT_FAILURE(bootcheck_fixture_run(), "boot_device", "an unknown device with details");
}
