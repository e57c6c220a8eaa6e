/* SPDX-License-Identifier: MIT */
/*
 * The boot timeline: named steps of the boot stamped with the CPU's cycle
 * counter, handed to the kernel in kernel_args.boot_events.
 */
#ifndef BOOT_TIMELINE_H
#define BOOT_TIMELINE_H

#include <stdint.h>

#include <boot/kernel_args.h>

/* Events marked before kernel_args exists that are kept until it does. */
#define TIMELINE_EARLY_EVENTS	16

/*
 * Record that the step name (cut to BOOT_EVENT_NAME_LENGTH - 1 bytes) happened
 * now; detail is a number that goes with it (bytes for a file load, else 0).
 * Works from the port's first instruction to the jump into the kernel, also
 * after the firmware is gone: it never allocates and never prints. Events
 * beyond the room there is are dropped and counted.
 */
void timeline_mark(const char *name, uint64_t detail);

/* The same, for a step that happened earlier, at cycle counter cycles (the
 * packed loader's start-up program, docs/packing.md). */
void timeline_mark_at(const char *name, uint64_t cycles, uint64_t detail);

/*
 * For kernel_args_init(): move the events marked so far into args, which
 * receives every later one directly. args->cycle_counter_frequency is set as
 * the kernel starts (boot_start_kernel()), from the rate measured until then.
 */
void timeline_publish(kernel_args *args);

/*
 * For kernel_args_reset(), before args is freed: keep its first count events
 * (those from before a failed boot attempt) for the next timeline_publish(),
 * so that the new kernel_args starts with them. The early buffer holds
 * TIMELINE_EARLY_EVENTS; events beyond it are dropped and counted.
 */
void timeline_take_back(const kernel_args *args, uint32_t count);

/*
 * cycles of a counter that runs at frequency Hz (not 0), in microseconds:
 * exact at any rate, and without overflow for any count of cycles.
 */
uint64_t timeline_microseconds(uint64_t cycles, uint64_t frequency);

/*
 * value * multiplier / divisor, rounded down, for any value as long as
 * (divisor - 1) * multiplier and the result fit 64 bits: one clock's count
 * in another's units.
 */
uint64_t timeline_scale(uint64_t value, uint64_t multiplier, uint64_t divisor);

/* The cycle counter at the first event ever marked; 0 before it. */
uint64_t timeline_first_cycles(void);

/* Events dropped because there was no room (tests, and the loader log). */
uint32_t timeline_dropped(void);

/* Start over (tests, and ports that retry a boot). */
void timeline_reset(void);

#endif
