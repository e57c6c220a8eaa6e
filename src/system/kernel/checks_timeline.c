/* SPDX-License-Identifier: MIT */
/*
 * The check of the boot timeline: a plausible cycle counter rate, well-formed events
 * in time order, and the steps every boot goes through.
 */
#include "checks.h"

#include <string.h>


/* Wide enough for x86 TSCs and the arm64 generic timer (24 to 62.5 MHz, or 1 GHz). */
#define MIN_CYCLE_FREQUENCY		1000000ULL			/* 1 MHz */
#define MAX_CYCLE_FREQUENCY		10000000000ULL		/* 10 GHz */

#define EVENT_START_UP			"start-up program"
#define EVENT_LOADER_ENTRY		"loader entry"
#define EVENT_KERNEL_LOADED		"kernel loaded"
#define EVENT_PAGE_TABLES		"page tables built"
#define EVENT_FIRMWARE_EXIT		"ExitBootServices"
#define EVENT_KERNEL_ENTRY		"kernel entry"

/* Marked by every port, or (firmware_only) only by one that leaves firmware. */
static const struct {
	const char	*name;
	bool		firmware_only;
} kRequiredEvents[] = {
	{ EVENT_LOADER_ENTRY, false },
	{ "console ready", false },
	{ "heap ready", false },
	{ EVENT_KERNEL_LOADED, false },
	{ EVENT_PAGE_TABLES, false },
	{ EVENT_FIRMWARE_EXIT, true },
	{ EVENT_KERNEL_ENTRY, false },
};


uint64_t
kcheck_cycles_microseconds(uint64_t ticks, uint64_t frequency)
{
	/* In two parts: ticks * 10^6 overflows after a few hours at GHz rates. */
	return ticks / frequency * 1000000 + ticks % frequency * 1000000 / frequency;
}


/* Index of the first event called name, or -1. */
static int32_t
timeline_find(const kernel_args *args, uint32_t count, const char *name)
{
	for (uint32_t i = 0; i < count; i++) {
		if (strcmp(args->boot_events[i].name, name) == 0)
			return (int32_t)i;
	}
	return -1;
}


/* The events in order, each named; the CPU's own counter after the last one. */
static bool
timeline_check_events(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	for (uint32_t i = 0; i < args->num_boot_events; i++) {
		const boot_event *event = &args->boot_events[i];
		size_t length = strnlen(event->name, sizeof(event->name));
		if (length == sizeof(event->name))
			return kcheck_fail(reason, reasonSize, "event %u: name not NUL-terminated", i);
		if (length == 0)
			return kcheck_fail(reason, reasonSize, "event %u: name is empty", i);
		if (i > 0 && event->cycles < args->boot_events[i - 1].cycles) {
			return kcheck_fail(reason, reasonSize,
				"event %u \"%s\" at cycle %llu, before event %u at %llu", i, event->name,
				(ull)event->cycles, i - 1, (ull)args->boot_events[i - 1].cycles);
		}
	}

	const struct bootcheck_cpu_state *cpu = context->environment->cpu;
	uint64_t last = args->boot_events[args->num_boot_events - 1].cycles;
	if (cpu != NULL && cpu->cycles < last) {
		return kcheck_fail(reason, reasonSize,
			"the kernel started at cycle %llu, before the last event at %llu", (ull)cpu->cycles,
			(ull)last);
	}
	return true;
}


/* The required steps, in the order they must happen where it is fixed. */
static bool
timeline_check_steps(const struct kcheck_context *context, char *reason,
	size_t reasonSize)
{
	const kernel_args *args = context->args;
	uint32_t count = args->num_boot_events;
	/* Only a port that runs on firmware leaves it; the kernel always does. */
	bool firmware = context->environment->cpu != NULL;

	for (size_t i = 0; i < sizeof(kRequiredEvents) / sizeof(kRequiredEvents[0]); i++) {
		if (kRequiredEvents[i].firmware_only && !firmware)
			continue;
		if (timeline_find(args, count, kRequiredEvents[i].name) < 0) {
			return kcheck_fail(reason, reasonSize, "no event \"%s\"",
				kRequiredEvents[i].name);
		}
	}
	/* Only a packed loader's start-up program may come before the loader. */
	uint32_t entry = strcmp(args->boot_events[0].name, EVENT_START_UP) == 0 ? 1 : 0;
	if (strcmp(args->boot_events[entry].name, EVENT_LOADER_ENTRY) != 0) {
		return kcheck_fail(reason, reasonSize, "%s event \"%s\", expected \"%s\"",
			entry == 0 ? "first" : "second", args->boot_events[entry].name,
			EVENT_LOADER_ENTRY);
	}
	if (strcmp(args->boot_events[count - 1].name, EVENT_KERNEL_ENTRY) != 0) {
		return kcheck_fail(reason, reasonSize, "last event \"%s\", expected \"%s\"",
			args->boot_events[count - 1].name, EVENT_KERNEL_ENTRY);
	}

	int32_t loaded = timeline_find(args, count, EVENT_KERNEL_LOADED);
	int32_t tables = timeline_find(args, count, EVENT_PAGE_TABLES);
	int32_t exit = timeline_find(args, count, EVENT_FIRMWARE_EXIT);
	if (tables < loaded || (exit >= 0 && exit < tables)) {
		return kcheck_fail(reason, reasonSize, "\"%s\", \"%s\" and \"%s\" out of order",
			EVENT_KERNEL_LOADED, EVENT_PAGE_TABLES, EVENT_FIRMWARE_EXIT);
	}
	if (args->boot_events[loaded].detail != args->kernel.file_size) {
		return kcheck_fail(reason, reasonSize, "\"%s\" says %llu bytes, the kernel has %llu",
			EVENT_KERNEL_LOADED, (ull)args->boot_events[loaded].detail,
			(ull)args->kernel.file_size);
	}
	return true;
}


bool
kcheck_timeline(const struct kcheck_context *context, char *reason, size_t reasonSize)
{
	const kernel_args *args = context->args;
	uint64_t frequency = args->cycle_counter_frequency;
	if (frequency < MIN_CYCLE_FREQUENCY || frequency > MAX_CYCLE_FREQUENCY) {
		return kcheck_fail(reason, reasonSize,
			"cycle_counter_frequency %llu Hz outside 1 MHz to 10 GHz", (ull)frequency);
	}
	if (args->num_boot_events > MAX_BOOT_EVENTS) {
		return kcheck_fail(reason, reasonSize, "num_boot_events %u exceeds %u",
			args->num_boot_events, MAX_BOOT_EVENTS);
	}
	if (args->num_boot_events == 0)
		return kcheck_fail(reason, reasonSize, "no events");

	return timeline_check_events(context, reason, reasonSize)
		&& timeline_check_steps(context, reason, reasonSize);
}
