/* SPDX-License-Identifier: MIT */
/*
 * A minimal unit test harness for host tests: TEST() registers a case,
 * CHECK() records a failure and ends the case, unit_main.c runs them.
 */
#ifndef UNIT_TEST_H
#define UNIT_TEST_H

#include <stdint.h>

typedef void (*unit_test_function)(void);

void unit_register(const char *name, unit_test_function function);
void unit_fail(const char *file, int line, const char *format, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

#define TEST(name) \
	static void name(void); \
	__attribute__((constructor)) static void \
	unit_register_##name(void) \
	{ \
		unit_register(#name, name); \
	} \
	static void name(void)

#define CHECK(condition) \
	do { \
		if (!(condition)) \
			unit_fail(__FILE__, __LINE__, "CHECK(%s)", #condition); \
	} while (0)

#define CHECK_EQ(actual, expected) \
	do { \
		uint64_t unit_a = (uint64_t)(actual); \
		uint64_t unit_e = (uint64_t)(expected); \
		if (unit_a != unit_e) { \
			unit_fail(__FILE__, __LINE__, "%s == %#llx, expected %s == %#llx", \
				#actual, (unsigned long long)unit_a, #expected, \
				(unsigned long long)unit_e); \
		} \
	} while (0)

#endif
