/* SPDX-License-Identifier: MIT */
/*
 * The timing kernel of `jam bench-boot` (tests/bench/boot-bench): a kernel
 * for our kernel_args ABI that does nothing but say when it was entered.
 *
 * entry.S records the cycle counter first thing; this prints it on COM1,
 * then what the loader handed over: with kernel_args (our loader), the
 * modules and the loader's own timeline; without (the floor loader passes
 * 0), only the entry. The 64 MiB pad segment and a 64 MiB module are
 * sampled against the pattern the build wrote into them (tests/bench/Jamfile,
 * MakeBootBenchPattern), so that a loader cannot win by not loading them.
 * Everything after the entry costs nothing in the figures: boot-bench reads
 * the entry value, not the time of exit. QEMU ends through isa-debug-exit:
 * 0x10 (status 33) when everything checked out, 0x11 (35) when not.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arch_x86.h>
#include <arch_uart_16550.h>
#include <boot/kernel_args.h>

#define COM1_PORT			0x3f8
#define DEBUG_EXIT_PORT		0xf4
#define EXIT_OK				0x10
#define EXIT_FAILED			0x11

/* The bytes of the pad and the module, qword by qword; the Jamfile's twin. */
#define PATTERN_FACTOR		0xd6e8feb86659fd93ULL
#define PATTERN_OFFSET		0x68616b75ULL
/* One sample per MiB and the last qword: cheap, and catches a shifted copy. */
#define SAMPLE_STRIDE		(1024 * 1024 / 8)

extern uint64_t gTimingEntryCycles;
extern const char __pad_start[], __pad_end[];

void timing_kernel_main(const kernel_args *args, uint64_t cpu);


static void
put_char(char c)
{
	/* QEMU's UART is always ready; a bounded wait for real ones. */
	for (int i = 0; i < 100000; i++) {
		if (x86_in8(COM1_PORT + UART_LINE_STATUS) & 0x20)
			break;
	}
	x86_out8(COM1_PORT, (uint8_t)c);
}


static void
put_string(const char *string, unsigned limit)
{
	for (unsigned i = 0; i < limit && string[i] != '\0'; i++)
		put_char(string[i]);
}


static void
put(const char *string)
{
	put_string(string, ~0u);
}


static void
put_number(uint64_t value)
{
	char digits[20];
	int count = 0;
	do {
		digits[count++] = (char)('0' + value % 10);
		value /= 10;
	} while (value != 0);
	while (count > 0)
		put_char(digits[--count]);
}


static bool
pattern_holds(const void *address, uint64_t size)
{
	const uint64_t *qwords = address;
	uint64_t count = size / 8;
	if (count == 0)
		return false;
	for (uint64_t i = 0; i < count; i += SAMPLE_STRIDE) {
		if (qwords[i] != i * PATTERN_FACTOR + PATTERN_OFFSET)
			return false;
	}
	return qwords[count - 1] == (count - 1) * PATTERN_FACTOR + PATTERN_OFFSET;
}


static bool
arguments_usable(const kernel_args *args)
{
	uint64_t address = (uint64_t)(uintptr_t)args;
	if (address < KERNEL_DATA_BASE || address >= KERNEL_DATA_END)
		return false;
	return args->magic == KERNEL_ARGS_MAGIC && args->version >= KERNEL_ARGS_VERSION
		&& args->kernel_args_size >= sizeof(kernel_args) && args->self == address;
}


/* The modules the configuration named, each sampled; false if one is wrong. */
static bool
report_modules(const kernel_args *args)
{
	bool ok = true;
	uint32_t count = args->num_preloaded_images;
	if (count > MAX_PRELOADED_IMAGES)
		count = MAX_PRELOADED_IMAGES;
	for (uint32_t i = 0; i < count; i++) {
		const preloaded_image *image = &args->preloaded_images[i];
		if (image->type != PRELOADED_MODULE)
			continue;
		bool holds = pattern_holds((const void *)(uintptr_t)image->address, image->size);
		put("timing-kernel: module ");
		put_string(image->name, sizeof(image->name));
		put(" bytes=");
		put_number(image->size);
		put(holds ? " pattern=ok\r\n" : " pattern=WRONG\r\n");
		ok = ok && holds;
	}
	return ok;
}


static void
report_timeline(const kernel_args *args)
{
	uint32_t count = args->num_boot_events;
	if (count > MAX_BOOT_EVENTS)
		count = MAX_BOOT_EVENTS;
	put("timing-kernel: frequency=");
	put_number(args->cycle_counter_frequency);
	put(" events=");
	put_number(count);
	put("\r\n");
	for (uint32_t i = 0; i < count; i++) {
		const boot_event *event = &args->boot_events[i];
		put("timing-kernel: event cycles=");
		put_number(event->cycles);
		put(" detail=");
		put_number(event->detail);
		put(" name=");
		put_string(event->name, sizeof(event->name));
		put("\r\n");
	}
}


void
timing_kernel_main(const kernel_args *args, uint64_t cpu)
{
	(void)cpu;
	bool ok = true;

	put("\r\ntiming-kernel: entry cycles=");
	put_number(gTimingEntryCycles);
	put("\r\n");

	if (args == NULL) {
		put("timing-kernel: no kernel_args\r\n");
	} else if (arguments_usable(args)) {
		put("timing-kernel: kernel_args version=");
		put_number(args->version);
		put(" loader=");
		if (args->loader_name != 0)
			put_string((const char *)(uintptr_t)args->loader_name, 64);
		put("\r\n");
		ok = report_modules(args);
		report_timeline(args);
	} else {
		put("timing-kernel: kernel_args unusable\r\n");
		ok = false;
	}

	uint64_t padSize = (uint64_t)(__pad_end - __pad_start);
	if (padSize != 0) {
		bool holds = pattern_holds(__pad_start, padSize);
		put("timing-kernel: pad bytes=");
		put_number(padSize);
		put(holds ? " pattern=ok\r\n" : " pattern=WRONG\r\n");
		ok = ok && holds;
	}

	put(ok ? "timing-kernel: done ok\r\n" : "timing-kernel: done FAILED\r\n");
	x86_out8(DEBUG_EXIT_PORT, ok ? EXIT_OK : EXIT_FAILED);
	x86_halt_forever();
}
