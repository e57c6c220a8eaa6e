/* SPDX-License-Identifier: MIT */
/*
 * Booting one entry, and undoing an attempt that failed: every failure the
 * user can cause ends here with a message and the loader as it was before.
 */
#include <boot/boot.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <boot/config.h>
#include <boot/console.h>
#include <boot/elf.h>
#include <boot/fdt_overlay.h>
#include <boot/handoff.h>
#include <boot/heap.h>
#include <boot/kernel_regions.h>
#include <boot/measure.h>
#include <boot/modules.h>
#include <boot/platform.h>
#include <boot/smp.h>
#include <boot/splash.h>
#include <boot/stage2.h>
#include <boot/stdio.h>
#include <boot/timeline.h>
#include <boot/trust.h>
#include <boot/vfs.h>


/* Say what went wrong: on the console and in the log as "boot: ...", and to the caller. */
static void
boot_fail(char *error, size_t errorSize, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(error, errorSize, format, args);
	va_end(args);
	boot_printf("boot: %s\n", error);
}


/*
 * The kernel file as the ELF code reads it, hashed as it goes (when it is to
 * be verified or measured), remembering why a read failed.
 */
struct boot_kernel_file {
	struct elf_file		file;
	struct vfs_file		*vfs_file;
	struct trust_digest	digest;
	bool				read_failed;
	char				reason[VFS_ERROR_SIZE];
};


static status_t
boot_kernel_read(void *cookie, uint64_t offset, void *buffer, size_t length)
{
	struct boot_kernel_file *kernelFile = cookie;
	status_t status = vfs_read_exact(kernelFile->vfs_file, offset, buffer, length,
		kernelFile->reason, sizeof(kernelFile->reason));
	if (status == B_OK) {
		splash_progress(length);
		status = trust_digest_add(&kernelFile->digest, kernelFile->vfs_file, offset,
			buffer, length, kernelFile->reason, sizeof(kernelFile->reason));
	}
	if (status != B_OK)
		kernelFile->read_failed = true;
	return status;
}


/* Whether the kernel read whole may be used: its digest is trusted. */
static status_t
boot_check_kernel(struct boot_kernel_file *kernelFile, const char *path, char *error,
	size_t errorSize)
{
	if (!kernelFile->digest.enabled)
		return B_OK;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char reason[TRUST_REASON_SIZE];
	status_t status = trust_digest_finish(&kernelFile->digest, kernelFile->vfs_file,
		kernelFile->file.size, digest, reason, sizeof(reason));
	if (status == B_OK) {
		status = trust_check(TRUST_KERNEL, vfs_file_volume(kernelFile->vfs_file), path,
			digest, reason, sizeof(reason));
	}
	if (status != B_OK)
		boot_fail(error, errorSize, "cannot load the kernel: %s: %s", path, reason);
	return status;
}


/* The kernel's symbol and string tables, when it has them, as preloaded images. */
static status_t
boot_load_kernel_symbols(const struct elf_file *file, const char **_reason)
{
	preloaded_image images[ELF_SYMBOL_IMAGES];
	uint32_t count;
	status_t status = elf_load_symbols_file(file, images, &count, _reason);
	for (uint32_t i = 0; status == B_OK && i < count; i++) {
		status = boot_add_preloaded_image(&images[i]);
		if (status != B_OK)
			*_reason = "too many preloaded images";
	}
	if (status == B_OK && count == 0)
		boot_dprintf("boot: the kernel has no symbol table\n");
	return status;
}


/*
 * Read the kernel by its headers: a file that is not a bootable kernel is
 * refused after its headers, and the segments go straight to their pages.
 */
static status_t
boot_load_kernel(const char *path, bool allowWriteExecute, char *error, size_t errorSize)
{
	struct boot_kernel_file kernelFile = {
		.file = { .read = boot_kernel_read, .cookie = &kernelFile },
	};
	char reason[VFS_ERROR_SIZE];
	status_t status = vfs_open_regular(path, &kernelFile.vfs_file, &kernelFile.file.size,
		reason, sizeof(reason));
	if (status != B_OK) {
		boot_fail(error, errorSize, "cannot load the kernel: %s", reason);
		return status;
	}

	const struct elf_policy policy = {
		.machine = KERNEL_ARCH_ELF_MACHINE,
		.window_start = KERNEL_LOAD_BASE,
		.window_end = KERNEL_WINDOW_END,
		.allow_write_execute = allowWriteExecute,
	};
	const char *elfReason = NULL;
	trust_digest_start(&kernelFile.digest);
	status = elf_load_kernel_file(&kernelFile.file, path, &policy, &gKernelArgs->kernel,
		&elfReason);
	if (status == B_OK)
		status = boot_load_kernel_symbols(&kernelFile.file, &elfReason);
	if (status != B_OK && kernelFile.read_failed)
		boot_fail(error, errorSize, "cannot load the kernel: %s", kernelFile.reason);
	else if (status != B_OK) {
		boot_fail(error, errorSize, "kernel %s is not bootable: %s", path,
			elfReason != NULL ? elfReason : status_string(status));
	} else
		status = boot_check_kernel(&kernelFile, path, error, errorSize);
	if (status == B_OK)
		vfs_volume_describe(vfs_file_volume(kernelFile.vfs_file), &gKernelArgs->boot_device);
	vfs_close(kernelFile.vfs_file);
	if (status != B_OK)
		return status;

	boot_dprintf("boot: read %s, %llu bytes\n", path,
		(unsigned long long)kernelFile.file.size);
	timeline_mark("kernel loaded", kernelFile.file.size);
	boot_dprintf("boot: kernel %s loaded, entry %#llx, %u segments\n", path,
		(unsigned long long)gKernelArgs->kernel.entry, gKernelArgs->kernel.segment_count);
	return B_OK;
}


static status_t
boot_load_one_module(const char *path, const char *commandLine, char *error,
	size_t errorSize)
{
	char reason[VFS_ERROR_SIZE];
	status_t status = boot_load_module(path, commandLine, reason, sizeof(reason));
	if (status != B_OK)
		boot_fail(error, errorSize, "cannot load a module: %s", reason);
	return status;
}


static status_t
boot_load_modules(const struct boot_request *request, char *error, size_t errorSize)
{
	const struct config_entry *entry = request->entry;
	for (uint32_t i = 0; i < entry->module_count; i++) {
		const struct config_module *module = &entry->modules[i];
		/* The file format has no "no command line": an empty one means none. */
		status_t status = boot_load_one_module(module->path,
			module->command_line[0] != '\0' ? module->command_line : NULL, error,
			errorSize);
		if (status != B_OK)
			return status;
	}
	for (size_t i = 0; i < request->extra_module_count; i++) {
		const struct stage2_module *module = &request->extra_modules[i];
		status_t status = boot_load_one_module(module->path, module->command_line, error,
			errorSize);
		if (status != B_OK)
			return status;
	}
	return B_OK;
}


/* The kernel's command line, "" when there is none; a kernel address always. */
static status_t
boot_set_command_line(const char *commandLine, char *error, size_t errorSize)
{
	gKernelArgs->command_line = kernel_args_strdup(commandLine);
	if (gKernelArgs->command_line == 0) {
		boot_fail(error, errorSize, "no kernel memory for the command line");
		return B_NO_MEMORY;
	}
	if (commandLine[0] != '\0')
		boot_dprintf("boot: kernel command line \"%s\"\n", commandLine);
	/* Even an empty one: a verifier must tell "none" from "not measured". */
	measure_command_line(commandLine);
	return B_OK;
}


/* The size of a file, 0 when it cannot be opened (loading it will say why). */
static uint64_t
boot_file_size(const char *path)
{
	struct vfs_file *file;
	uint64_t size = 0;
	char reason[VFS_ERROR_SIZE];
	if (vfs_open_regular(path, &file, &size, reason, sizeof(reason)) != B_OK)
		return 0;
	vfs_close(file);
	return size;
}


/* The bytes the progress bar counts: the kernel and every module. */
static uint64_t
boot_bytes_to_read(const struct boot_request *request)
{
	const struct config_entry *entry = request->entry;
	uint64_t total = boot_file_size(entry->kernel_path);
	for (uint32_t i = 0; i < entry->module_count; i++)
		total += boot_file_size(entry->modules[i].path);
	for (size_t i = 0; i < request->extra_module_count; i++)
		total += boot_file_size(request->extra_modules[i].path);
	return total;
}


/* A kernel entry's device tree in its region: as the loader and the kernel see it. */
struct boot_tree {
	const void	*data;		/* NULL when the entry has none */
	uint64_t	physical;
	size_t		size;
};


/*
 * A kernel entry's device tree, overlays applied, in a region the kernel
 * keeps: kernel_args names it by its physical address, in place of the
 * firmware's (docs/kernel_args.md).
 */
static status_t
boot_load_device_tree(const struct config_entry *entry, struct boot_tree *_tree,
	char *error, size_t errorSize)
{
	char reason[BOOT_ERROR_SIZE];
	struct fdt_blob tree;
	status_t status = chainload_load_device_tree(entry, &tree, reason, sizeof(reason));
	if (status != B_OK) {
		boot_fail(error, errorSize, "%s", reason);
		return status;
	}
	void *fixed;
	size_t fixedSize;
	status = platform_fix_up_device_tree(tree.data, tree.size, &fixed, &fixedSize);
	if (status == B_OK) {
		heap_free(tree.data);
		tree = (struct fdt_blob){ fixed, fixedSize };
	} else if (status != B_NOT_SUPPORTED) {
		boot_fail(error, errorSize, "cannot load the device tree %s: the firmware could not "
			"fix it up: %s", entry->device_tree != NULL ? entry->device_tree
				: "of the firmware", status_string(status));
		heap_free(tree.data);
		return status;
	}
	uint64_t address = 0;
	/* The kernel's to fix up as it likes, as a firmware's tree is. */
	status = platform_allocate_region(&address, tree.size, REGION_READ | REGION_WRITE, false);
	uint8_t *target = status == B_OK ? platform_kernel_to_loader(address) : NULL;
	if (target != NULL) {
		memcpy(target, tree.data, tree.size);
		/* Kept with the modules: the kernel reads it after it reclaims the loader's data. */
		kernel_regions_set_kind(address, KERNEL_REGION_MODULE);
		*_tree = (struct boot_tree){ target, kernel_regions_to_physical(address), tree.size };
	} else {
		if (status == B_OK)
			platform_free_region(address, tree.size);
		boot_fail(error, errorSize, "cannot load the device tree: no kernel memory for "
			"its %zu bytes", tree.size);
		status = B_NO_MEMORY;
	}
	heap_free(tree.data);
	return status;
}


static status_t
boot_load(const struct boot_request *request, char *error, size_t errorSize)
{
	const struct config_entry *entry = request->entry;
	status_t status = boot_set_command_line(entry->command_line, error, errorSize);
	if (status != B_OK)
		return status;
	gKernelArgs->boot_options = entry->options & BOOT_OPTION_ALL;
	if (gKernelArgs->boot_options != 0)
		boot_dprintf("boot: boot options %#x\n", gKernelArgs->boot_options);

	splash_begin(entry, splash_shows_progress() ? boot_bytes_to_read(request) : 0);
	status = boot_load_kernel(entry->kernel_path,
		request->allow_write_execute || request->config->allow_write_execute, error,
		errorSize);
	if (status == B_OK)
		status = boot_load_modules(request, error, errorSize);
	struct boot_tree tree = { 0 };
	if (status == B_OK && FDT_MACHINES
		&& (entry->device_tree != NULL || entry->overlay_count > 0))
		status = boot_load_device_tree(entry, &tree, error, errorSize);
	if (status != B_OK)
		return status;
	/* Nothing is measured after the modules; the log copy must precede the freeze. */
	measure_finish(gKernelArgs);
	splash_finish();

	/* The other CPUs' stacks must exist before the regions freeze. */
	status = smp_prepare(gKernelArgs, tree.data);
	if (status != B_OK) {
		boot_fail(error, errorSize, "no memory for the other CPUs' stacks: %s",
			status_string(status));
		return status;
	}

	boot_video_select(request->config, entry->options, request->video_mode);
	status = platform_prepare_kernel_start(gKernelArgs);
	if (status != B_OK) {
		boot_fail(error, errorSize, "cannot prepare the kernel's address space: %s",
			status_string(status));
		return status;
	}
	timeline_mark("page tables built", 0);
	if (tree.data != NULL) {
		/* The port named the firmware's tree, if any, and said so in the log. */
		boot_dprintf("boot: the kernel gets the entry's device tree (%zu bytes at %#llx)%s\n",
			tree.size, (unsigned long long)tree.physical,
			gKernelArgs->device_tree != 0 ? " in place of the firmware's" : "");
		gKernelArgs->device_tree = tree.physical;
		gKernelArgs->device_tree_size = tree.size;
	}

	if (boot_video_text_only(request->config, entry->options, request->video_mode)) {
		/* The final memory map is built again at the start: it follows. */
		memset(&gKernelArgs->framebuffer, 0, sizeof(gKernelArgs->framebuffer));
		boot_dprintf("boot: video = text: the kernel gets no framebuffer\n");
	}
	return B_OK;
}


status_t
boot_prepare(const struct boot_request *request, char *error, size_t errorSize)
{
	/* A failed reset before left no kernel_args; try again, it is what is missing. */
	if (gKernelArgs == NULL) {
		status_t status = kernel_args_reset(0);
		if (status != B_OK) {
			boot_fail(error, errorSize, "cannot allocate kernel_args: %s",
				status_string(status));
			return status;
		}
	}
	uint32_t eventsBefore = gKernelArgs->num_boot_events;

	status_t status = boot_load(request, error, errorSize);
	if (status == B_OK)
		return B_OK;
	splash_release();

	status_t resetStatus = kernel_args_reset(eventsBefore);
	if (resetStatus != B_OK) {
		boot_dprintf("boot: cannot allocate kernel_args again: %s\n",
			status_string(resetStatus));
	}
	return status;
}


void
boot_start_kernel(struct stage2_args *args)
{
	vfs_cleanup();
	boot_dprintf("boot: starting kernel %s\n", gKernelArgs->kernel.name);
	if (timeline_dropped() > 0)
		boot_dprintf("boot: %u timeline events dropped\n", timeline_dropped());
	heap_print_statistics();
	/* Measured over the whole boot where the port can: finer than at the start. */
	gKernelArgs->cycle_counter_frequency = platform_cycle_counter_frequency();
	kernel_args_copy_log();
	/* The screen keeps the splash for the kernel; nothing draws on it any more. */
	splash_release();
	boot_console_freeze();
	heap_release(args);

	status_t status = platform_start_kernel(gKernelArgs);
	/* The heap is gone and the firmware may be too: nothing left to go back to. */
	panic("boot: could not start the kernel: %s", status_string(status));
}
