/* SPDX-License-Identifier: MIT */
/*
 * Runs the TEST() cases of one unit test binary.
 *
 * Usage: <binary> [--list] [name ...]. Without names every case runs. Each
 * case prints "ok <name>" or "FAIL <name>: <why>"; the exit status is 1 when
 * any case failed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit_test.h"

#define MAX_TESTS 512

struct unit_case {
	const char			*name;
	unit_test_function	function;
};

static struct unit_case sCases[MAX_TESTS];
static int sCaseCount;
static jmp_buf sFailJump;


void
unit_register(const char *name, unit_test_function function)
{
	if (sCaseCount == MAX_TESTS) {
		fprintf(stderr, "too many tests; raise MAX_TESTS\n");
		exit(2);
	}
	sCases[sCaseCount].name = name;
	sCases[sCaseCount].function = function;
	sCaseCount++;
}


void
unit_fail(const char *file, int line, const char *format, ...)
{
	va_list args;
	printf("  %s:%d: ", file, line);
	va_start(args, format);
	vprintf(format, args);
	va_end(args);
	printf("\n");
	longjmp(sFailJump, 1);
}


static int
unit_run(const struct unit_case *unitCase)
{
	fflush(stdout);
	if (setjmp(sFailJump) != 0) {
		printf("FAIL %s\n", unitCase->name);
		return 1;
	}
	unitCase->function();
	printf("ok %s\n", unitCase->name);
	return 0;
}


static int
unit_selected(const char *name, int argc, char **argv)
{
	if (argc <= 1)
		return 1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], name) == 0)
			return 1;
	}
	return 0;
}


int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (int i = 0; i < sCaseCount; i++)
			printf("%s\n", sCases[i].name);
		return 0;
	}

	int failed = 0;
	int ran = 0;
	for (int i = 0; i < sCaseCount; i++) {
		if (!unit_selected(sCases[i].name, argc, argv))
			continue;
		failed += unit_run(&sCases[i]);
		ran++;
	}
	if (ran == 0) {
		printf("no test matched\n");
		return 2;
	}
	printf("%d passed, %d failed\n", ran - failed, failed);
	return failed != 0;
}
