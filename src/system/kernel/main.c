/* SPDX-License-Identifier: MIT */
/*
 * The boot-check kernel: gathers what only the running kernel can know, has
 * the checker validate kernel_args and ends QEMU with its verdict, also when
 * a CPU exception interrupts it.
 */
#include "kernel.h"

#include <string.h>


#define RODATA_CANARY_VALUE		0x6f72746e6f635f72ULL
#define DATA_CANARY_VALUE		0x617461645f6b6f21ULL

/*
 * Read back with volatile loads (the compiler would fold them otherwise): they
 * show whether the loader copied the file contents to the right places.
 * A const volatile object would land in .data, hence the cast when reading.
 */
static const uint64_t kRodataCanary = RODATA_CANARY_VALUE;
static volatile uint64_t sDataCanary = DATA_CANARY_VALUE;

/* What was running, for the verdict when an exception ends the boot. */
static const char *sPhase = "startup";
static bool sInException;


const char *
kernel_phase(void)
{
	return sPhase;
}


bool
kernel_in_exception(void)
{
	bool nested = sInException;
	sInException = true;
	return nested;
}


/* Offset of the first non-zero byte, or UINT64_MAX: must run before .bss is written. */
static uint64_t
image_find_bss_garbage(void)
{
	const volatile uint8_t *bss = (const volatile uint8_t *)__bss_start;
	uint64_t size = (uint64_t)(__bss_end - __bss_start);
	for (uint64_t i = 0; i < size; i++) {
		if (bss[i] != 0)
			return i;
	}
	return UINT64_MAX;
}


static void
image_describe(struct bootcheck_image *image, uint64_t bssNonzero)
{
	image->text_start = (uint64_t)(uintptr_t)__text_start;
	image->text_end = (uint64_t)(uintptr_t)__text_end;
	image->rodata_start = (uint64_t)(uintptr_t)__rodata_start;
	image->rodata_end = (uint64_t)(uintptr_t)__rodata_end;
	image->data_start = (uint64_t)(uintptr_t)__data_start;
	image->data_end = (uint64_t)(uintptr_t)__data_end;
	image->bss_start = (uint64_t)(uintptr_t)__bss_start;
	image->bss_end = (uint64_t)(uintptr_t)__bss_end;
	image->entry = (uint64_t)(uintptr_t)_start;
	image->bss_nonzero = bssNonzero;
	image->rodata_canary_ok
		= *(const volatile uint64_t *)&kRodataCanary == RODATA_CANARY_VALUE;
	image->data_canary_ok = sDataCanary == DATA_CANARY_VALUE;
}


/* --- the checker's view of memory ---------------------------------------- */

/* Only what the loader says is mapped; the exception handlers catch the rest. */
static bool
memory_read_virtual(void *cookie, uint64_t address, void *buffer, size_t size)
{
	const kernel_args *args = cookie;
	if (!bootcheck_virtual_contains(args, address, size))
		return false;
	memcpy(buffer, (const void *)(uintptr_t)address, size);
	return true;
}


static bool
memory_read_physical(void *cookie, uint64_t address, void *buffer, size_t size)
{
	const kernel_args *args = cookie;
	uint64_t mapSize = args->physical_map_size;
	if (address > mapSize || size > mapSize - address)
		return false;
	return memory_read_virtual(cookie, args->physical_map_base + address, buffer, size);
}


static void
enter_phase(const char *name)
{
	sPhase = name;
}


void
kernel_main(kernel_args *args, uint32_t cpu)
{
	/* The timeline's last event must lie before this. */
	uint64_t entryCycles = arch_kernel_cycle_counter();
	/* Before anything writes to .bss, so that a loader that did not clear it is seen. */
	uint64_t bssNonzero = image_find_bss_garbage();

	/* Before serial_init, which may read kernel_args and fault on a bad pointer. */
	arch_kernel_traps_install();

	uint64_t address = (uint64_t)(uintptr_t)args;
	bool argsAddressValid = address >= KERNEL_PHYSICAL_MAP_BASE
		&& address % sizeof(uint64_t) == 0;
	serial_init(argsAddressValid ? args : NULL);
	kernel_printf("\nbootcheck: kernel entered: kernel_args %#llx, cpu %u, sp %#llx\n",
		(ull)(uintptr_t)args, cpu, (ull)gBootInitialStack);

	if (!argsAddressValid) {
		/* Nothing else can be trusted, not even the ranges that say what is mapped. */
		kernel_printf("bootcheck: 0 checks, 1 failed, 0 skipped\n");
		kernel_printf("BOOTCHECK FAIL: args: kernel_args pointer %#llx is not an aligned"
			" kernel address\n", (ull)address);
		kernel_exit(KERNEL_EXIT_FAIL);
	}

	struct bootcheck_cpu_state cpuState;
	struct bootcheck_image image;
	arch_kernel_read_cpu(&cpuState);
	cpuState.cycles = entryCycles;
	image_describe(&image, bssNonzero);

	const struct bootcheck_machine machine = {
		.efi_get_time = machine_efi_get_time,
		.write_virtual = machine_write_virtual,
		.release_cpu = machine_release_cpu,
		.cookie = args,
	};
	struct bootcheck_environment environment = {
		.args = args,
		.received_args = address,
		.received_cpu = cpu,
		.initial_stack_pointer = gBootInitialStack,
		.cpu = &cpuState,
		.image = &image,
		.memory = {
			.read_virtual = memory_read_virtual,
			.read_physical = memory_read_physical,
			.cookie = args,
		},
		.machine = &machine,
		.output = serial_write,
		.enter_phase = enter_phase,
	};
	bool passed = bootcheck_run(&environment);
	enter_phase("hold");
	machine_hold_screen(args);
	kernel_exit(passed ? KERNEL_EXIT_PASS : KERNEL_EXIT_FAIL);
}
