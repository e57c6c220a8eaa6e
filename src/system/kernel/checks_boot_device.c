/* SPDX-License-Identifier: MIT */
/*
 * Where the kernel came from (kernel_args version 5, boot_device): a disk's
 * partition or the network, each with only its own fields set; and the
 * report line tests compare with what they booted from.
 */
#include "checks.h"

#include <string.h>


static bool
boot_device_zero(const void *bytes, size_t size)
{
	const uint8_t *byte = bytes;
	for (size_t i = 0; i < size; i++) {
		if (byte[i] != 0)
			return false;
	}
	return true;
}


static bool
boot_device_check_disk(const kernel_boot_device *device, char *reason, size_t reasonSize)
{
	bool hasGuid = (device->flags & KERNEL_BOOT_DEVICE_HAS_GUID) != 0;
	if (hasGuid == boot_device_zero(device->partition_guid, sizeof(device->partition_guid))) {
		return kcheck_fail(reason, reasonSize, hasGuid ? "the partition GUID is all zero"
			: "a partition GUID without KERNEL_BOOT_DEVICE_HAS_GUID");
	}
	if (device->partition_size == 0)
		return kcheck_fail(reason, reasonSize, "a disk partition of size 0");
	uint64_t last;
	if (!kcheck_span_last(device->partition_offset, device->partition_size, &last))
		return kcheck_fail(reason, reasonSize, "the partition wraps around");
	/* the network's fields: from client_address to the end */
	if (!boot_device_zero(device->client_address,
			sizeof(*device) - offsetof(kernel_boot_device, client_address)))
		return kcheck_fail(reason, reasonSize, "a disk with network addresses");
	return true;
}


static bool
boot_device_check_network(const kernel_boot_device *device, char *reason, size_t reasonSize)
{
	if (device->flags != 0)
		return kcheck_fail(reason, reasonSize, "flags %#x on the network", device->flags);
	if (!boot_device_zero(device->partition_guid,
			offsetof(kernel_boot_device, client_address)
				- offsetof(kernel_boot_device, partition_guid)))
		return kcheck_fail(reason, reasonSize, "the network with a partition");
	if (boot_device_zero(device->client_address, sizeof(device->client_address))
			|| boot_device_zero(device->server_address, sizeof(device->server_address)))
		return kcheck_fail(reason, reasonSize, "the network without both addresses");
	uint32_t length = device->hardware_address_length;
	if (length > sizeof(device->hardware_address)) {
		return kcheck_fail(reason, reasonSize, "a hardware address of %u bytes (at most %zu)",
			length, sizeof(device->hardware_address));
	}
	if (!boot_device_zero(device->hardware_address + length,
			sizeof(device->hardware_address) - length))
		return kcheck_fail(reason, reasonSize, "bytes past the hardware address");
	return true;
}


bool
kcheck_boot_device(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_boot_device *device = &context->args->boot_device;
	switch (device->type) {
		case KERNEL_BOOT_DEVICE_UNKNOWN:
			if (!boot_device_zero(device, sizeof(*device)))
				return kcheck_fail(reason, reasonSize, "an unknown device with details");
			return true;
		case KERNEL_BOOT_DEVICE_DISK:
			return boot_device_check_disk(device, reason, reasonSize);
		case KERNEL_BOOT_DEVICE_NETWORK:
			return boot_device_check_network(device, reason, reasonSize);
		default:
			return kcheck_fail(reason, reasonSize, "unknown type %u", device->type);
	}
}


static void
print_address(const struct bootcheck_environment *environment, const char *title,
	const uint8_t address[4])
{
	kcheck_printf(environment, ", %s %u.%u.%u.%u", title, address[0], address[1],
		address[2], address[3]);
}


/* One line: "boot device: disk, offset N, size M, GUID ..." or "network, ...". */
void
kcheck_print_boot_device(const struct kcheck_context *context)
{
	const struct bootcheck_environment *environment = context->environment;
	const kernel_boot_device *device = &context->args->boot_device;
	if (device->type == KERNEL_BOOT_DEVICE_DISK) {
		kcheck_printf(environment, "boot device: disk, offset %llu, size %llu",
			(ull)device->partition_offset, (ull)device->partition_size);
		if ((device->flags & KERNEL_BOOT_DEVICE_HAS_GUID) != 0) {
			/* GPT's mixed-endian GUID: the first three fields are little-endian */
			const uint8_t *g = device->partition_guid;
			kcheck_printf(environment, ", GUID %02x%02x%02x%02x-%02x%02x-%02x%02x-"
				"%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2], g[1], g[0], g[5], g[4],
				g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
		}
	} else if (device->type == KERNEL_BOOT_DEVICE_NETWORK) {
		kcheck_printf(environment, "boot device: network");
		print_address(environment, "client", device->client_address);
		print_address(environment, "mask", device->subnet_mask);
		print_address(environment, "server", device->server_address);
		uint32_t length = kcheck_clamp_count(device->hardware_address_length,
			sizeof(device->hardware_address));
		for (uint32_t i = 0; i < length; i++) {
			kcheck_printf(environment, "%s%02x", i == 0 ? ", hardware " : ":",
				device->hardware_address[i]);
		}
	} else
		kcheck_printf(environment, "boot device: type %u", device->type);
	kcheck_printf(environment, "\n");
}
