/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the boot timeline (timeline.c): events before and after
 * kernel_args exists, names, and what happens when there is no room.
 */
#include <stdlib.h>
#include <string.h>

#include <boot/arch_cpu.h>
#include <boot/handoff.h>
#include <boot/platform.h>
#include <boot/timeline.h>

#include "unit_test.h"


/* What kernel_args.c would provide, and a cycle counter the tests control. */
kernel_args *gKernelArgs;
static uint64_t sCycles = 1000;


uint64_t
arch_cpu_cycle_counter(void)
{
	return sCycles;
}


static kernel_args *
timeline_start(void)
{
	timeline_reset();
	gKernelArgs = NULL;
	kernel_args *args = calloc(1, sizeof(kernel_args));
	CHECK(args != NULL);
	return args;
}


/* A timeline already published into its kernel_args, which is current. */
static kernel_args *
timeline_published(void)
{
	kernel_args *args = timeline_start();
	gKernelArgs = args;
	timeline_publish(args);
	return args;
}


/* What a retry does after the take-back: publish into a fresh kernel_args. */
static kernel_args *
timeline_publish_anew(void)
{
	kernel_args *args = calloc(1, sizeof(kernel_args));
	CHECK(args != NULL);
	timeline_publish(args);
	return args;
}


TEST(early_events_move_into_kernel_args)
{
	kernel_args *args = timeline_start();
	sCycles = 1000;
	timeline_mark("loader entry", 0);
	sCycles = 2000;
	timeline_mark("heap ready", 7);

	gKernelArgs = args;
	timeline_publish(args);
	CHECK_EQ(args->num_boot_events, 2);

	sCycles = 3000;
	timeline_mark("kernel loaded", 12345);
	CHECK_EQ(args->num_boot_events, 3);
	CHECK(strcmp(args->boot_events[0].name, "loader entry") == 0);
	CHECK_EQ(args->boot_events[0].cycles, 1000);
	CHECK(strcmp(args->boot_events[1].name, "heap ready") == 0);
	CHECK_EQ(args->boot_events[1].detail, 7);
	CHECK(strcmp(args->boot_events[2].name, "kernel loaded") == 0);
	CHECK_EQ(args->boot_events[2].cycles, 3000);
	CHECK_EQ(args->boot_events[2].detail, 12345);
	CHECK_EQ(timeline_dropped(), 0);
	/* The loader's start (LoaderTimeInitUSec) is the first event's time. */
	CHECK_EQ(timeline_first_cycles(), 1000);

	/* published once: a second kernel_args starts empty */
	kernel_args *second = timeline_publish_anew();
	CHECK_EQ(second->num_boot_events, 0);
	free(second);
	free(args);
	gKernelArgs = NULL;
}


TEST(long_names_are_cut_and_terminated)
{
	kernel_args *args = timeline_published();

	char name[BOOT_EVENT_NAME_LENGTH + 20];
	memset(name, 'm', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	timeline_mark(name, 0);
	const boot_event *event = &args->boot_events[0];
	CHECK_EQ(strlen(event->name), BOOT_EVENT_NAME_LENGTH - 1);
	CHECK(memcmp(event->name, name, BOOT_EVENT_NAME_LENGTH - 1) == 0);

	/* a short name leaves no bytes of a longer one behind */
	args->num_boot_events = 0;
	timeline_mark("short", 0);
	CHECK(strcmp(event->name, "short") == 0);
	for (size_t i = strlen("short"); i < sizeof(event->name); i++)
		CHECK_EQ(event->name[i], 0);
	free(args);
	gKernelArgs = NULL;
}


TEST(events_beyond_the_room_are_dropped_and_counted)
{
	kernel_args *args = timeline_start();
	for (int i = 0; i < TIMELINE_EARLY_EVENTS + 3; i++)
		timeline_mark("early", (uint64_t)i);
	CHECK_EQ(timeline_dropped(), 3);

	gKernelArgs = args;
	timeline_publish(args);
	CHECK_EQ(args->num_boot_events, TIMELINE_EARLY_EVENTS);
	CHECK_EQ(args->boot_events[TIMELINE_EARLY_EVENTS - 1].detail, TIMELINE_EARLY_EVENTS - 1);

	for (int i = 0; i < MAX_BOOT_EVENTS; i++)
		timeline_mark("late", 0);
	CHECK_EQ(args->num_boot_events, MAX_BOOT_EVENTS);
	CHECK_EQ(timeline_dropped(), 3 + TIMELINE_EARLY_EVENTS);
	free(args);
	gKernelArgs = NULL;
}


TEST(a_failed_attempt_keeps_the_events_before_it)
{
	kernel_args *args = timeline_published();
	sCycles = 100;
	timeline_mark("loader entry", 0);
	sCycles = 200;
	timeline_mark("volumes ready", 0);
	uint32_t before = args->num_boot_events;
	sCycles = 300;
	timeline_mark("kernel loaded", 999);

	/* What kernel_args_reset() does: take back, forget, publish into a new one. */
	timeline_take_back(args, before);
	gKernelArgs = NULL;
	sCycles = 400;
	timeline_mark("between", 0);
	kernel_args *second = calloc(1, sizeof(kernel_args));
	CHECK(second != NULL);
	gKernelArgs = second;
	timeline_publish(second);
	CHECK_EQ(second->num_boot_events, 3);
	CHECK(strcmp(second->boot_events[0].name, "loader entry") == 0);
	CHECK_EQ(second->boot_events[0].cycles, 100);
	CHECK(strcmp(second->boot_events[1].name, "volumes ready") == 0);
	/* marked while there was no kernel_args: after the kept ones, in time order */
	CHECK(strcmp(second->boot_events[2].name, "between") == 0);
	CHECK_EQ(second->boot_events[2].cycles, 400);
	CHECK_EQ(timeline_dropped(), 0);
	free(args);
	free(second);
	gKernelArgs = NULL;
}


TEST(taking_back_more_than_the_early_buffer_holds_counts_the_rest)
{
	kernel_args *args = timeline_published();
	for (int i = 0; i < TIMELINE_EARLY_EVENTS + 5; i++)
		timeline_mark("step", (uint64_t)i);
	timeline_take_back(args, 1000);
	gKernelArgs = NULL;

	kernel_args *second = timeline_publish_anew();
	CHECK_EQ(second->num_boot_events, TIMELINE_EARLY_EVENTS);
	/* the first ones are kept: they tell how the boot started */
	CHECK_EQ(second->boot_events[0].detail, 0);
	CHECK_EQ(second->boot_events[TIMELINE_EARLY_EVENTS - 1].detail, TIMELINE_EARLY_EVENTS - 1);
	CHECK_EQ(timeline_dropped(), 5);
	free(args);
	free(second);
}


TEST(taking_back_more_events_than_there_are_keeps_those_there_are)
{
	kernel_args *args = timeline_published();
	timeline_mark("loader entry", 0);
	timeline_mark("volumes ready", 0);
	timeline_take_back(args, 3);
	gKernelArgs = NULL;

	kernel_args *second = timeline_publish_anew();
	CHECK_EQ(second->num_boot_events, 2);
	CHECK(strcmp(second->boot_events[1].name, "volumes ready") == 0);
	CHECK_EQ(timeline_dropped(), 0);
	free(args);
	free(second);
}


TEST(events_marked_before_the_take_back_follow_the_kept_ones)
{
	kernel_args *args = timeline_published();
	timeline_mark("loader entry", 1);
	timeline_mark("volumes ready", 2);
	gKernelArgs = NULL;
	timeline_mark("attempt failed", 3);
	timeline_take_back(args, 2);

	kernel_args *second = timeline_publish_anew();
	CHECK_EQ(second->num_boot_events, 3);
	for (uint32_t i = 0; i < 3; i++)
		CHECK_EQ(second->boot_events[i].detail, i + 1);
	CHECK_EQ(timeline_dropped(), 0);

	/* With the early buffer full of kept events, the later ones are dropped. */
	gKernelArgs = second;
	for (int i = 3; i < TIMELINE_EARLY_EVENTS; i++)
		timeline_mark("step", (uint64_t)i + 1);
	gKernelArgs = NULL;
	timeline_mark("attempt failed", 0);
	timeline_mark("attempt failed", 0);
	timeline_take_back(second, TIMELINE_EARLY_EVENTS);
	memset(args, 0, sizeof(*args));
	timeline_publish(args);
	CHECK_EQ(args->num_boot_events, TIMELINE_EARLY_EVENTS);
	CHECK_EQ(args->boot_events[TIMELINE_EARLY_EVENTS - 1].detail, TIMELINE_EARLY_EVENTS);
	CHECK_EQ(timeline_dropped(), 2);
	free(args);
	free(second);
}


TEST(cycles_in_microseconds_at_any_rate)
{
	CHECK_EQ(timeline_microseconds(0, 2500000000ULL), 0);
	CHECK_EQ(timeline_microseconds(19200000, 19200000), 1000000);
	/* 19 cycles at 19.2 MHz are not yet a microsecond; 20 are one. */
	CHECK_EQ(timeline_microseconds(19200019, 19200000), 1000000);
	CHECK_EQ(timeline_microseconds(19200020, 19200000), 1000001);
	/* Centuries of cycles at 1 GHz: no product overflows. */
	CHECK_EQ(timeline_microseconds(UINT64_MAX, 1000000000), 18446744073709551ULL);
}
