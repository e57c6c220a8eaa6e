/* SPDX-License-Identifier: MIT */
/*
 * The boot timeline: steps stamped with the cycle counter, kept in a small
 * buffer until kernel_args exists and written into it from then on.
 */
#include <boot/timeline.h>

#include <string.h>

#include <boot/arch_cpu.h>
#include <boot/handoff.h>


_Static_assert(TIMELINE_EARLY_EVENTS <= MAX_BOOT_EVENTS, "early events must fit");

static boot_event sEarlyEvents[TIMELINE_EARLY_EVENTS];
static uint32_t sEarlyCount;
static uint32_t sDropped;
static uint64_t sFirstCycles;


void
timeline_mark(const char *name, uint64_t detail)
{
	/* First, so that the time is that of the call and not of the bookkeeping. */
	timeline_mark_at(name, arch_cpu_cycle_counter(), detail);
}


void
timeline_mark_at(const char *name, uint64_t cycles, uint64_t detail)
{
	if (sFirstCycles == 0)
		sFirstCycles = cycles;

	boot_event *event;
	if (gKernelArgs == NULL) {
		if (sEarlyCount == TIMELINE_EARLY_EVENTS) {
			sDropped++;
			return;
		}
		event = &sEarlyEvents[sEarlyCount++];
	} else {
		if (gKernelArgs->num_boot_events >= MAX_BOOT_EVENTS) {
			sDropped++;
			return;
		}
		event = &gKernelArgs->boot_events[gKernelArgs->num_boot_events++];
	}

	event->cycles = cycles;
	event->detail = detail;
	size_t length = strnlen(name, sizeof(event->name) - 1);
	memcpy(event->name, name, length);
	memset(event->name + length, 0, sizeof(event->name) - length);
}


uint64_t
timeline_first_cycles(void)
{
	return sFirstCycles;
}


void
timeline_publish(kernel_args *args)
{
	/* kernel_args is fresh, and MAX_BOOT_EVENTS exceeds the early buffer. */
	memcpy(args->boot_events, sEarlyEvents, sEarlyCount * sizeof(boot_event));
	args->num_boot_events = sEarlyCount;
	sEarlyCount = 0;
}


void
timeline_take_back(const kernel_args *args, uint32_t count)
{
	if (count > args->num_boot_events)
		count = args->num_boot_events;
	uint32_t kept = count < TIMELINE_EARLY_EVENTS ? count : TIMELINE_EARLY_EVENTS;
	/* Marked since the last publish (gKernelArgs was NULL): later than these. */
	uint32_t early = sEarlyCount;
	if (kept + early > TIMELINE_EARLY_EVENTS) {
		sDropped += kept + early - TIMELINE_EARLY_EVENTS;
		early = TIMELINE_EARLY_EVENTS - kept;
	}
	memmove(sEarlyEvents + kept, sEarlyEvents, early * sizeof(boot_event));
	memcpy(sEarlyEvents, args->boot_events, kept * sizeof(boot_event));
	sDropped += count - kept;
	sEarlyCount = kept + early;
}


uint64_t
timeline_microseconds(uint64_t cycles, uint64_t frequency)
{
	return timeline_scale(cycles, 1000000, frequency);
}


uint64_t
timeline_scale(uint64_t value, uint64_t multiplier, uint64_t divisor)
{
	/* Whole divisors and the rest apart: only the rest is multiplied. */
	return value / divisor * multiplier + value % divisor * multiplier / divisor;
}


uint32_t
timeline_dropped(void)
{
	return sDropped;
}


void
timeline_reset(void)
{
	sEarlyCount = 0;
	sDropped = 0;
	sFirstCycles = 0;
}
