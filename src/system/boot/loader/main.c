/*
 * The boot sequence every port runs: heap, kernel, kernel_args, handoff.
 */
#include <boot/platform.h>

#include <boot/elf.h>
#include <boot/handoff.h>
#include <boot/heap.h>
#include <boot/stage2.h>
#include <boot/stdio.h>
#include <boot/vfs.h>


static status_t
boot_load_kernel(const char *path)
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

	const struct elf_policy policy = {
		.machine = KERNEL_ARCH_ELF_MACHINE,
		.window_start = KERNEL_LOAD_BASE,
		.window_end = KERNEL_WINDOW_END,
		.allow_write_execute = 0,
	};
	const char *reason = NULL;
	status = elf_load_kernel(data, size, path, &policy, &gKernelArgs->kernel,
		&reason);
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

	status = kernel_args_init();
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

	const char *path = args->kernel_path != NULL
		? args->kernel_path : BOOT_DEFAULT_KERNEL_PATH;
	status = boot_load_kernel(path);
	if (status == B_OK) {
		status = platform_prepare_kernel_start(gKernelArgs);
		if (status != B_OK) {
			boot_printf("boot: cannot prepare the kernel's address space: %s\n",
				status_string(status));
		}
	}
	vfs_cleanup();
	if (status != B_OK)
		return status;

	boot_dprintf("boot: starting kernel %s\n", path);
	heap_print_statistics();
	kernel_args_copy_log();
	heap_release(args);

	status = platform_start_kernel(gKernelArgs);
	/* The heap is gone and the firmware may be too: nothing left to go back to. */
	panic("boot: could not start the kernel: %s", status_string(status));
}
