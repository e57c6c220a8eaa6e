/* SPDX-License-Identifier: MIT */
/*
 * The flattened device tree some firmware (U-Boot) installs in the EFI
 * configuration table: checked and handed to the kernel, and read in place
 * (headers/boot/fdt_view.h) for the UART /chosen's stdout-path names (its
 * address translated through the buses above it), the CPUs /cpus lists
 * with how each is started, and how /psci is called (from the tree an
 * entry made, when it made one).
 */
#include "efi_platform.h"

#include <string.h>

#include <boot/byte_order.h>
#include <boot/fdt_view.h>
#include <boot/platform.h>
#include <boot/stdio.h>

#define FDT_PATH_LENGTH		128

static EFI_GUID sDtbGuid = EFI_DTB_TABLE_GUID;


static const uint8_t *
efi_fdt_blob(struct fdt_view *view)
{
	const uint8_t *blob = efi_find_configuration_table(&sDtbGuid);
	if (blob == NULL)
		return NULL;
	const char *problem = fdt_view_open(view, blob, FDT_VIEW_ANY_SIZE);
	if (problem != NULL) {
		boot_dprintf("efi: ignoring the device tree at %p: %s\n", (const void *)blob,
			problem);
		return NULL;
	}
	return blob;
}


/*
 * The tree the kernel gets: tree (one the loader made, checked already)
 * or, when it is NULL, the firmware's. False when there is none.
 */
static bool
efi_fdt_choose(struct fdt_view *view, const void *tree)
{
	if (tree == NULL)
		return efi_fdt_blob(view) != NULL;
	return fdt_view_open(view, tree, FDT_VIEW_ANY_SIZE) == NULL;
}


const void *
platform_firmware_device_tree(size_t *_size)
{
	struct fdt_view view;
	const uint8_t *blob = efi_fdt_blob(&view);
	*_size = blob != NULL ? view.size : 0;
	return blob;
}


void
efi_fdt_init(kernel_args *args)
{
	struct fdt_view view;
	args->device_tree = 0;
	args->device_tree_size = 0;
	const uint8_t *blob = efi_fdt_blob(&view);
	if (blob == NULL)
		return;
	args->device_tree = (uint64_t)(uintptr_t)blob;
	args->device_tree_size = view.size;
	boot_dprintf("efi: device tree at %p, %u bytes\n", (const void *)blob, view.size);
}


/* stdout-path as a node path: options after ':' cut, an alias resolved. */
static bool
fdt_stdout_path(const struct fdt_view *view, char path[FDT_PATH_LENGTH])
{
	const char *stdoutPath = fdt_view_path_string(view, "/chosen", "stdout-path");
	if (stdoutPath == NULL)
		stdoutPath = fdt_view_path_string(view, "/chosen", "linux,stdout-path");
	if (stdoutPath == NULL)
		return false;
	size_t length = 0;
	while (stdoutPath[length] != '\0' && stdoutPath[length] != ':')
		length++;
	if (length >= FDT_PATH_LENGTH)
		return false;
	memcpy(path, stdoutPath, length);
	path[length] = '\0';
	if (path[0] == '/')
		return true;

	const char *alias = fdt_view_path_string(view, "/aliases", path);
	size_t aliasLength = alias != NULL ? strlen(alias) : 0;
	if (aliasLength == 0 || alias[0] != '/' || aliasLength >= FDT_PATH_LENGTH)
		return false;
	memcpy(path, alias, aliasLength + 1);
	return true;
}


bool
efi_fdt_uart(struct efi_uart *uart)
{
	struct fdt_view view;
	if (efi_fdt_blob(&view) == NULL)
		return false;
	char path[FDT_PATH_LENGTH];
	struct fdt_lineage lineage;
	uint32_t properties, length, compatibleLength;
	if (!fdt_stdout_path(&view, path) || !fdt_view_find(&view, path, &properties, &lineage)
		|| lineage.depth == 0)
		return false;

	uint32_t addressCells = fdt_view_cells(&view, lineage.properties[lineage.depth - 1],
		"#address-cells", 2);
	const uint8_t *reg = fdt_view_property(&view, properties, "reg", &length);
	const char *compatible = (const char *)fdt_view_property(&view, properties,
		"compatible", &compatibleLength);
	if (reg == NULL || compatible == NULL || addressCells < 1 || addressCells > 2
		|| length < 4 * addressCells)
		return false;
	uint64_t address = fdt_read_cells(reg, addressCells);
	if (!fdt_view_translate(&view, &lineage, &address)) {
		boot_dprintf("efi: the device tree's console %s is at no address the CPU sees\n",
			path);
		return false;
	}

	uint32_t ioWidthLength;
	const uint8_t *ioWidth = fdt_view_property(&view, properties, "reg-io-width",
		&ioWidthLength);
	if (fdt_is_compatible(compatible, compatibleLength, "arm,pl011"))
		uart->kind = EFI_UART_PL011;
	else if ((fdt_is_compatible(compatible, compatibleLength, "ns16550a")
			&& ioWidth != NULL && ioWidthLength == 4 && read_be32(ioWidth) == 4)
		|| fdt_is_compatible(compatible, compatibleLength, "brcm,bcm2835-aux-uart")) {
		/* The Raspberry Pi's mini UART: a 16550's registers, a word each. */
		uart->kind = EFI_UART_16550_MMIO32;
	} else {
		boot_dprintf("efi: the device tree's console %s is no UART the loader knows\n",
			path);
		return false;
	}
	uart->physical = address;
	boot_dprintf("efi: debug UART from the device tree: %s at %#llx\n", path,
		(unsigned long long)address);
	return true;
}


/* A CPU the tree lists: into the list, with its release address where the list took it. */
static void
efi_fdt_add_cpu(void *cookie, uint64_t id, uint64_t releaseAddress)
{
	struct efi_cpu_list *list = cookie;
	uint32_t index = list->count;
	efi_cpu_list_add(list, id, EFI_CPU_ENABLED);
	if (list->release_addresses != NULL && list->count > index)
		list->release_addresses[index] = releaseAddress;
}


status_t
efi_fdt_find_cpus(const void *tree, struct efi_cpu_list *list)
{
	struct fdt_view view;
	if (!efi_fdt_choose(&view, tree)) {
		boot_dprintf("efi: no device tree: the boot CPU only\n");
		return B_ENTRY_NOT_FOUND;
	}
	status_t status = fdt_view_find_cpus(&view, efi_fdt_add_cpu, list);
	if (status != B_OK) {
		boot_dprintf("efi: no CPU list in the device tree: the boot CPU only\n");
		return status;
	}
	boot_dprintf("efi: the device tree lists %u CPU(s)\n", list->count);
	return B_OK;
}


status_t
efi_fdt_psci_method(const void *tree, bool *_hvc)
{
	struct fdt_view view;
	const char *method = efi_fdt_choose(&view, tree)
		? fdt_view_path_string(&view, "/psci", "method") : NULL;
	if (method == NULL) {
		boot_dprintf("efi: the device tree has no /psci method: no other CPUs\n");
		return B_NOT_SUPPORTED;
	}
	if (strcmp(method, "hvc") != 0 && strcmp(method, "smc") != 0) {
		boot_dprintf("efi: the device tree's PSCI method \"%s\" is unknown\n", method);
		return B_NOT_SUPPORTED;
	}
	*_hvc = method[0] == 'h';
	return B_OK;
}
