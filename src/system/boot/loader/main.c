/*
 * The boot sequence every port runs: heap, kernel, kernel_args, handoff.
 */
#include <boot/platform.h>

#include <boot/elf.h>
#include <boot/handoff.h>
#include <boot/heap.h>
#include <boot/modules.h>
#include <boot/stage2.h>
#include <boot/stdio.h>
#include <boot/timeline.h>
#include <boot/vfs.h>


/* The kernel's symbol and string tables, when it has them, as preloaded images. */
static status_t
boot_load_kernel_symbols(const void *data, size_t size, const char **_reason)
{
	preloaded_image images[ELF_SYMBOL_IMAGES];
	uint32_t count;
	status_t status = elf_load_symbols(data, size, images, &count, _reason);
	for (uint32_t i = 0; status == B_OK && i < count; i++) {
		status = boot_add_preloaded_image(&images[i]);
		if (status != B_OK)
			*_reason = "too many preloaded images";
	}
	if (status == B_OK && count == 0)
		boot_dprintf("boot: the kernel has no symbol table\n");
	return status;
}


static status_t
boot_load_kernel(const char *path, bool allowWriteExecute)
{
	void *data;
	size_t size;
	char error[VFS_ERROR_SIZE];
	status_t status = vfs_load_file(path, &data, &size, error, sizeof(error));
	if (status != B_OK) {
		boot_printf("boot: cannot load the kernel: %s\n", error);
		return status;
	}
	boot_dprintf("boot: read %s, %zu bytes\n", path, size);
	timeline_mark("kernel loaded", size);

	const struct elf_policy policy = {
		.machine = KERNEL_ARCH_ELF_MACHINE,
		.window_start = KERNEL_LOAD_BASE,
		.window_end = KERNEL_WINDOW_END,
		.allow_write_execute = allowWriteExecute,
	};
	const char *reason = NULL;
	status = elf_load_kernel(data, size, path, &policy, &gKernelArgs->kernel,
		&reason);
	if (status == B_OK)
		status = boot_load_kernel_symbols(data, size, &reason);
	heap_free(data);
	if (status != B_OK) {
		boot_printf("boot: kernel %s is not bootable: %s\n", path,
			reason != NULL ? reason : status_string(status));
		return status;
	}

	boot_dprintf("boot: kernel %s loaded, entry %#llx, %u segments\n", path,
		(unsigned long long)gKernelArgs->kernel.entry,
		gKernelArgs->kernel.segment_count);
	return B_OK;
}


static status_t
boot_load_modules(const struct stage2_args *args)
{
	for (size_t i = 0; i < args->module_count; i++) {
		char error[VFS_ERROR_SIZE];
		status_t status = boot_load_module(args->modules[i].path,
			args->modules[i].command_line, error, sizeof(error));
		if (status != B_OK) {
			boot_printf("boot: cannot load a module: %s\n", error);
			return status;
		}
	}
	return B_OK;
}


/* The kernel's command line, "" when there is none; a kernel address always. */
static status_t
boot_set_command_line(const char *commandLine)
{
	gKernelArgs->command_line = kernel_args_strdup(commandLine != NULL ? commandLine : "");
	if (gKernelArgs->command_line == 0)
		return B_NO_MEMORY;
	if (commandLine != NULL && commandLine[0] != '\0')
		boot_dprintf("boot: kernel command line \"%s\"\n", commandLine);
	return B_OK;
}


status_t
boot_main(struct stage2_args *args)
{
	boot_dprintf("boot: generic loader started\n");

	status_t status = heap_init(args);
	if (status != B_OK) {
		boot_printf("boot: cannot set up the loader heap: %s\n",
			status_string(status));
		return status;
	}
	timeline_mark("heap ready", 0);

	status = kernel_args_init();
	if (status == B_OK)
		status = boot_set_command_line(args->command_line);
	if (status != B_OK) {
		boot_printf("boot: cannot allocate kernel_args: %s\n",
			status_string(status));
		return status;
	}

	status = vfs_init(args);
	if (status != B_OK) {
		boot_printf("boot: no disk holds a volume the loader can read: %s\n",
			status_string(status));
		return status;
	}
	timeline_mark("volumes ready", 0);

	const char *path = args->kernel_path != NULL
		? args->kernel_path : BOOT_DEFAULT_KERNEL_PATH;
	status = boot_load_kernel(path, args->allow_write_execute);
	if (status == B_OK)
		status = boot_load_modules(args);
	if (status == B_OK) {
		status = platform_prepare_kernel_start(gKernelArgs);
		if (status != B_OK) {
			boot_printf("boot: cannot prepare the kernel's address space: %s\n",
				status_string(status));
		} else
			timeline_mark("page tables built", 0);
	}
	vfs_cleanup();
	if (status != B_OK)
		return status;

	boot_dprintf("boot: starting kernel %s\n", path);
	if (timeline_dropped() > 0)
		boot_dprintf("boot: %u timeline events dropped\n", timeline_dropped());
	heap_print_statistics();
	kernel_args_copy_log();
	heap_release(args);

	status = platform_start_kernel(gKernelArgs);
	/* The heap is gone and the firmware may be too: nothing left to go back to. */
	panic("boot: could not start the kernel: %s", status_string(status));
}
