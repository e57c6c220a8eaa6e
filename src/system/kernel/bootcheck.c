/* SPDX-License-Identifier: MIT */
/*
 * The boot checker's runner: runs the checks in order, skips those the
 * environment cannot support, and reports the verdict.
 */
#include "checks.h"

#include <boot/platform/efi/efi_kernel_args.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>


#define REASON_SIZE				200

const struct kcheck gKernelChecks[KCHECK_COUNT] = {
	[KCHECK_MAGIC] = { "magic", kcheck_magic, 0 },
	[KCHECK_VERSION] = { "version", kcheck_version, 0 },
	[KCHECK_ARGS_SIZE] = { "args_size", kcheck_args_size, 0 },
	/* Without a CPU the entry registers are the caller's say-so: nothing to check. */
	[KCHECK_SELF] = { "self", kcheck_self, KCHECK_NEEDS_CPU },
	[KCHECK_BOOT_CPU] = { "boot_cpu", kcheck_boot_cpu, KCHECK_NEEDS_CPU },
	[KCHECK_COUNTS] = { "counts", kcheck_counts, 0 },
	[KCHECK_PHYSICAL_MEMORY_RANGES] = { "physical_memory_ranges",
		kcheck_physical_memory_ranges, 0 },
	[KCHECK_PHYSICAL_ALLOCATED_RANGES] = { "physical_allocated_ranges",
		kcheck_physical_allocated_ranges, 0 },
	[KCHECK_VIRTUAL_ALLOCATED_RANGES] = { "virtual_allocated_ranges",
		kcheck_virtual_allocated_ranges, 0 },
	[KCHECK_ARGS_MAPPED] = { "args_mapped", kcheck_args_mapped, 0 },
	[KCHECK_PHYSICAL_ALLOCATED_IN_MEMORY] = { "physical_allocated_in_memory",
		kcheck_physical_allocated_in_memory, 0 },
	[KCHECK_LOADER_HEAP] = { "loader_heap", kcheck_loader_heap, 0 },
	[KCHECK_MEMORY_MAP] = { "memory_map", kcheck_memory_map, 0 },
	[KCHECK_MEMORY_MAP_RAM] = { "memory_map_ram", kcheck_memory_map_ram, 0 },
	[KCHECK_MEMORY_MAP_ALLOCATED] = { "memory_map_allocated", kcheck_memory_map_allocated,
		0 },
	[KCHECK_MEMORY_MAP_HEAP] = { "memory_map_heap", kcheck_memory_map_heap, 0 },
	[KCHECK_KERNEL_SECTIONS] = { "kernel_sections", kcheck_kernel_sections,
		KCHECK_NEEDS_IMAGE },
	[KCHECK_KERNEL_CONTENTS] = { "kernel_contents", kcheck_kernel_contents,
		KCHECK_NEEDS_IMAGE },
	[KCHECK_KERNEL_IMAGE] = { "kernel_image", kcheck_kernel_image, 0 },
	[KCHECK_KERNEL_LINKED] = { "kernel_linked", kcheck_kernel_linked, KCHECK_NEEDS_IMAGE },
	[KCHECK_KERNEL_SEGMENTS] = { "kernel_segments", kcheck_kernel_segments, 0 },
	[KCHECK_SEGMENT_FLAGS] = { "segment_flags", kcheck_segment_flags, KCHECK_NEEDS_IMAGE },
	[KCHECK_SEGMENTS_PHYSICAL] = { "segments_physical", kcheck_segments_physical, 0 },
	[KCHECK_STACK] = { "stack", kcheck_stack, 0 },
	[KCHECK_CPUS] = { "cpus", kcheck_cpus, 0 },
	[KCHECK_LOADER_LOG] = { "loader_log", kcheck_loader_log, 0 },
	[KCHECK_LOADER_NAME] = { "loader_name", kcheck_loader_name, 0 },
	[KCHECK_PAGE_DIRECTORY] = { "page_directory", kcheck_page_directory, 0 },
#define KCHECK_ARCH_ENTRY(id, name, function, needs)	[id] = { name, function, needs },
	BOOTCHECK_ARCH_CPU_CHECKS(KCHECK_ARCH_ENTRY)
	[KCHECK_PHYSICAL_MAP] = { "physical_map", kcheck_physical_map, 0 },
	[KCHECK_PAGE_TABLES] = { "page_tables", kcheck_page_tables, 0 },
	[KCHECK_SEGMENT_TRANSLATION] = { "segment_translation", kcheck_segment_translation, 0 },
	[KCHECK_SEGMENT_CONTENTS] = { "segment_contents", kcheck_segment_contents, 0 },
	[KCHECK_VIRTUAL_BACKING] = { "virtual_backing", kcheck_virtual_backing, 0 },
	[KCHECK_LOADER_PAGES] = { "loader_pages", kcheck_loader_pages, 0 },
	[KCHECK_ARGS_ALIAS] = { "args_alias", kcheck_args_alias, 0 },
	[KCHECK_ACPI_RSDP] = { "acpi_rsdp", kcheck_acpi_rsdp, KCHECK_NEEDS_ACPI },
	[KCHECK_ACPI_TABLES] = { "acpi_tables", kcheck_acpi_tables, KCHECK_NEEDS_ACPI },
	[KCHECK_CPUS_FIRMWARE] = { "cpus_firmware", kcheck_cpus_firmware,
		KCHECK_NEEDS_CPU_TABLES },
	[KCHECK_SMBIOS] = { "smbios", kcheck_smbios, KCHECK_NEEDS_SMBIOS },
	[KCHECK_FIRMWARE_MEMORY] = { "firmware_memory", kcheck_firmware_memory, 0 },
	[KCHECK_BOOT_CPU_ID] = { "boot_cpu_id", kcheck_boot_cpu_id,
		KCHECK_NEEDS_CPU },
	[KCHECK_FRAMEBUFFER] = { "framebuffer", kcheck_framebuffer, 0 },
	[KCHECK_FRAMEBUFFER_PATTERN] = { "framebuffer_pattern", kcheck_framebuffer_pattern,
		KCHECK_NEEDS_MACHINE | KCHECK_NEEDS_FRAMEBUFFER },
	[KCHECK_EFI_TABLES] = { "efi_tables", kcheck_efi_tables, KCHECK_NEEDS_EFI },
	[KCHECK_EFI_GET_TIME] = { "efi_get_time", kcheck_efi_get_time,
		KCHECK_NEEDS_CPU | KCHECK_NEEDS_MACHINE | KCHECK_NEEDS_EFI },
	[KCHECK_CPU_PROTECTION] = { "cpu_protection", kcheck_cpu_protection, KCHECK_NEEDS_CPU },
	[KCHECK_SEGMENT_PERMISSIONS] = { "segment_permissions", kcheck_segment_permissions, 0 },
	[KCHECK_DATA_PERMISSIONS] = { "data_permissions", kcheck_data_permissions, 0 },
	[KCHECK_PHYSICAL_MAP_PAGES] = { "physical_map_pages", kcheck_physical_map_pages, 0 },
	[KCHECK_LARGE_PAGES] = { "large_pages", kcheck_large_pages, KCHECK_NEEDS_CPU },
	[KCHECK_STACK_GUARD] = { "stack_guard", kcheck_stack_guard, 0 },
	[KCHECK_CPU_STACKS] = { "cpu_stacks", kcheck_cpu_stacks, 0 },
	BOOTCHECK_ARCH_PAGING_CHECKS(KCHECK_ARCH_ENTRY)
	[KCHECK_COMMAND_LINE] = { "command_line", kcheck_command_line, 0 },
	[KCHECK_BOOT_OPTIONS] = { "boot_options", kcheck_boot_options, 0 },
	[KCHECK_BOOT_DEVICE] = { "boot_device", kcheck_boot_device, 0 },
	[KCHECK_PRELOADED_IMAGES] = { "preloaded_images", kcheck_preloaded_images, 0 },
	[KCHECK_KERNEL_SYMBOLS] = { "kernel_symbols", kcheck_kernel_symbols, 0 },
	[KCHECK_TIMELINE] = { "timeline", kcheck_timeline, 0 },
	[KCHECK_TPM_EVENT_LOG] = { "tpm_event_log", kcheck_tpm_event_log, KCHECK_NEEDS_TPM },
	/* Last: a released CPU runs kernel code next to the checks. */
	[KCHECK_CPUS_RELEASED] = { "cpus_released", kcheck_cpus_released,
		KCHECK_NEEDS_CPU | KCHECK_NEEDS_MACHINE },
#undef KCHECK_ARCH_ENTRY
};


bool
kcheck_fail(char *reason, size_t reasonSize, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(reason, reasonSize, format, args);
	va_end(args);
	return false;
}


bool
kcheck_requires(const struct kcheck_context *context, enum kcheck_id id, char *reason,
	size_t reasonSize)
{
	if (context->status[id] == KCHECK_PASSED)
		return true;
	return kcheck_fail(reason, reasonSize, "not run: check %s %s", gKernelChecks[id].name,
		context->status[id] == KCHECK_SKIPPED ? "was skipped" : "failed");
}


/*
 * Checks that follow pointers out of kernel_args first need it to be what it
 * claims (right magic) and its virtual ranges to be sane, because "inside a
 * virtual allocated range" is what makes an address safe to read.
 */
bool
kcheck_requires_trusted_args(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	return kcheck_requires(context, KCHECK_MAGIC, reason, reasonSize)
		&& kcheck_requires(context, KCHECK_VIRTUAL_ALLOCATED_RANGES, reason, reasonSize);
}


bool
kcheck_read_virtual(const struct kcheck_context *context, uint64_t address, void *buffer,
	size_t size)
{
	const struct bootcheck_memory *memory = &context->environment->memory;
	if (memory->read_virtual == NULL)
		return false;
	return memory->read_virtual(memory->cookie, address, buffer, size);
}


bool
kcheck_read_physical(const struct kcheck_context *context, uint64_t address, void *buffer,
	size_t size)
{
	const struct bootcheck_memory *memory = &context->environment->memory;
	if (memory->read_physical == NULL)
		return false;
	return memory->read_physical(memory->cookie, address, buffer, size);
}


static void
runner_enter_phase(const struct bootcheck_environment *environment, const char *name)
{
	if (environment->enter_phase != NULL)
		environment->enter_phase(name);
}


/* Why a check cannot run here, or NULL when it can. */
static const char *
runner_skip_reason(const struct bootcheck_environment *environment,
	const struct kcheck *check)
{
	if ((check->needs & KCHECK_NEEDS_CPU) != 0 && environment->cpu == NULL)
		return "no CPU state: not running as the kernel";
	if ((check->needs & KCHECK_NEEDS_IMAGE) != 0 && environment->image == NULL)
		return "no kernel image: not running as the kernel";
	if ((check->needs & KCHECK_NEEDS_MACHINE) != 0 && environment->machine == NULL)
		return "cannot call firmware or draw: not running as the kernel";

	const kernel_args *args = environment->args;
	if ((check->needs & KCHECK_NEEDS_ACPI) != 0 && args->acpi_rsdp == 0)
		return "no ACPI RSDP";
	if ((check->needs & KCHECK_NEEDS_CPU_TABLES) != 0 && args->acpi_rsdp == 0
		&& args->device_tree == 0)
		return "no ACPI RSDP or device tree";
	if ((check->needs & KCHECK_NEEDS_SMBIOS) != 0 && args->smbios_entry == 0
		&& args->smbios3_entry == 0)
		return "no SMBIOS entry point";
	if ((check->needs & KCHECK_NEEDS_EFI) != 0 && (efi_kernel_args_of(args) == NULL
			|| efi_kernel_args_of(args)->system_table == 0))
		return "no EFI runtime services";
	if ((check->needs & KCHECK_NEEDS_FRAMEBUFFER) != 0
		&& args->framebuffer.physical_address == 0)
		return "no framebuffer";
	if ((check->needs & KCHECK_NEEDS_TPM) != 0 && args->tpm_flags == 0)
		return "no TPM measurements";
	return NULL;
}


bool
bootcheck_run(const struct bootcheck_environment *environment)
{
	if (environment->args == NULL) {
		kcheck_printf(environment, "bootcheck: 0 checks, 1 failed, 0 skipped\n");
		kcheck_printf(environment, "BOOTCHECK FAIL: args: no kernel_args\n");
		return false;
	}

	struct kcheck_context context;
	memset(&context, 0, sizeof(context));
	context.environment = environment;
	context.args = environment->args;
	context.page_root = kcheck_arch_page_root(environment);

	runner_enter_phase(environment, "summary");
	kcheck_print_summary(&context);

	char firstReason[REASON_SIZE] = "";
	const char *firstName = NULL;
	uint32_t failed = 0;
	uint32_t skipped = 0;

	for (int i = 0; i < KCHECK_COUNT; i++) {
		const struct kcheck *check = &gKernelChecks[i];
		runner_enter_phase(environment, check->name);

		const char *skipReason = runner_skip_reason(environment, check);
		if (skipReason != NULL) {
			context.status[i] = KCHECK_SKIPPED;
			skipped++;
			kcheck_printf(environment, "CHECK %s: skipped (%s)\n", check->name, skipReason);
			continue;
		}

		char reason[REASON_SIZE] = "";
		if (check->run(&context, reason, sizeof(reason))) {
			context.status[i] = KCHECK_PASSED;
			kcheck_printf(environment, "CHECK %s: ok\n", check->name);
			continue;
		}

		context.status[i] = KCHECK_FAILED;
		if (reason[0] == '\0')
			snprintf(reason, sizeof(reason), "no reason given");
		kcheck_printf(environment, "CHECK %s: FAIL (%s)\n", check->name, reason);
		if (failed++ == 0) {
			firstName = check->name;
			memcpy(firstReason, reason, sizeof(firstReason));
		}
	}

	runner_enter_phase(environment, "verdict");
	kcheck_printf(environment, "bootcheck: %d checks, %u failed, %u skipped\n", KCHECK_COUNT,
		failed, skipped);
	if (failed == 0) {
		kcheck_printf(environment, "BOOTCHECK PASS\n");
		return true;
	}
	kcheck_printf(environment, "BOOTCHECK FAIL: %s: %s\n", firstName, firstReason);
	return false;
}
