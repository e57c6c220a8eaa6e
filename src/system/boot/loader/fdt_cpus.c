/* SPDX-License-Identifier: MIT */
/*
 * The CPUs a device tree's /cpus lists (headers/boot/fdt_view.h), for
 * ports whose machines name them there: arm64 without ACPI, and the hosted
 * port's simulation of one.
 */
#include <boot/fdt_view.h>

#include <string.h>

#include <boot/stdio.h>

struct fdt_cpus {
	const struct fdt_view	*view;
	uint32_t				address_cells;
	fdt_cpu_found			found;
	void					*cookie;
	uint32_t				broken;
};


/*
 * Where a CPU whose enable-method is "spin-table" waits for its entry point
 * (cpu-release-addr, always two cells), 0 for any other method. The
 * address must hold an aligned 64-bit word: the loader writes one there.
 */
static uint64_t
fdt_release_address(const struct fdt_view *view, const char *name, uint32_t properties)
{
	const char *method = fdt_view_string(view, properties, "enable-method");
	if (method == NULL || strcmp(method, "spin-table") != 0)
		return 0;
	uint32_t length;
	const uint8_t *value = fdt_view_property(view, properties, "cpu-release-addr", &length);
	uint64_t address = value != NULL && length == 8 ? fdt_read_cells(value, 2) : 0;
	if (address == 0 || (address & 7) != 0) {
		boot_dprintf("fdt: the device tree's spin-table CPU %s has no usable"
			" cpu-release-addr\n", name);
		return 0;
	}
	return address;
}


/* A child of /cpus: cpu-map and the like are no CPUs, nor are disabled ones. */
static void
fdt_visit_cpu(void *cookie, const char *name, uint32_t properties)
{
	struct fdt_cpus *walk = cookie;
	const char *type = fdt_view_string(walk->view, properties, "device_type");
	if (type == NULL || strcmp(type, "cpu") != 0)
		return;
	/* Anything but "okay" (or no status) says the CPU is not there to run. */
	const char *status = fdt_view_string(walk->view, properties, "status");
	if (status != NULL && strcmp(status, "okay") != 0 && strcmp(status, "ok") != 0)
		return;
	uint32_t length;
	const uint8_t *reg = fdt_view_property(walk->view, properties, "reg", &length);
	if (reg == NULL || length < 4 * walk->address_cells) {
		boot_dprintf("fdt: the device tree's CPU %s has no reg\n", name);
		walk->broken++;
		return;
	}
	walk->found(walk->cookie, fdt_read_cells(reg, walk->address_cells),
		fdt_release_address(walk->view, name, properties));
}


status_t
fdt_view_find_cpus(const struct fdt_view *view, fdt_cpu_found found, void *cookie)
{
	uint32_t properties;
	if (!fdt_view_find(view, "/cpus", &properties, NULL)) {
		boot_dprintf("fdt: the device tree has no /cpus\n");
		return B_ENTRY_NOT_FOUND;
	}
	struct fdt_cpus walk = {
		.view = view,
		.address_cells = fdt_view_cells(view, properties, "#address-cells", 0),
		.found = found,
		.cookie = cookie,
	};
	if (walk.address_cells < 1 || walk.address_cells > 2
		|| !fdt_view_visit_children(view, properties, fdt_visit_cpu, &walk)
		|| walk.broken > 0) {
		boot_dprintf("fdt: the device tree's /cpus is malformed\n");
		return B_BAD_DATA;
	}
	return B_OK;
}
