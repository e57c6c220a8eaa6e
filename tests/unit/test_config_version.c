/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of version comparison as the Boot Loader Specification sorts
 * entries (the UAPI Version Format Specification).
 */
#include <boot/config.h>

#include "unit_test.h"


static int
sign(int value)
{
	return value < 0 ? -1 : value > 0 ? 1 : 0;
}


static void
check_versions(const char *a, const char *b, int expected)
{
	int forward = sign(config_compare_versions(a, b));
	int backward = sign(config_compare_versions(b, a));
	if (forward != expected || backward != -expected) {
		unit_fail(__FILE__, __LINE__, "\"%s\" vs \"%s\": %d and %d, expected %d", a, b,
			forward, backward, expected);
	}
}


TEST(config_compare_versions_table)
{
	static const struct {
		const char	*a;
		const char	*b;
		int			expected;	/* a older (-1), the same (0), newer (1) */
	} kPairs[] = {
		/* the specification's examples */
		{ "11", "11", 0 },
		{ "systemd-123", "systemd-123", 0 },
		{ "bar-123", "foo-123", -1 },
		{ "123a", "123", 1 },
		{ "123.a", "123", 1 },
		{ "123.a", "123.b", -1 },
		{ "123a", "123.a", 1 },
		{ "11\xce\xb1", "11\xce\xb2", 0 },
		{ "A", "a", -1 },
		{ "B", "a", -1 },
		{ "", "0", -1 },
		{ "0.", "0", 1 },
		{ "0.0", "0", 1 },
		{ "0", "~", 1 },
		{ "", "~", 1 },
		{ "1_", "1", 0 },
		{ "_1", "1", 0 },
		{ "1_", "1.2", -1 },
		{ "1_2_3", "1.3.3", 1 },
		{ "1+", "1", 0 },
		{ "+1", "1", 0 },
		{ "1+", "1.2", -1 },
		{ "1+2+3", "1.3.3", 1 },
		/* equal strings */
		{ "", "", 0 },
		{ "6.1.0-18-amd64", "6.1.0-18-amd64", 0 },
		/* numbers: leading zeros do not count, length does, nothing overflows */
		{ "007", "7", 0 },
		{ "1.01", "1.1", 0 },
		{ "1.010", "1.9", 1 },
		{ "6.10", "6.9", 1 },
		{ "00", "", 1 },
		{ "123456789012345678901234567890", "123456789012345678901234567889", 1 },
		/* the tilde: before everything, the end of the string too */
		{ "6.1~rc1", "6.1", -1 },
		{ "6.1~rc1", "6.1~rc2", -1 },
		{ "6.1~rc1", "6.0", 1 },
		{ "1~a", "1~b", -1 },
		/* after a tilde on both sides the end is looked for first, as the steps go */
		{ "1~~a", "1~", 1 },
		{ "~", "~", 0 },
		/* minus, caret, dot: each loses against what is not it, in that order */
		{ "1-1", "1", 1 },
		{ "1-1", "1.0", -1 },
		{ "1-1", "1^1", -1 },
		{ "1^1", "1", 1 },
		{ "1^1", "1.1", -1 },
		{ "1^1", "1a", -1 },
		{ "1.1", "1a", -1 },
		{ "1^a", "1^b", -1 },
		/* letters against digits: an empty digit run counts as 0 */
		{ "a", "0", 1 },
		{ "a", "1", -1 },
		{ "1.a", "1.0", 1 },
		{ "1.a", "1.1", -1 },
		{ "abc", "abd", -1 },
		{ "abc", "ab", 1 },
		{ "Zz", "a", -1 },
	};
	for (size_t i = 0; i < sizeof(kPairs) / sizeof(kPairs[0]); i++)
		check_versions(kPairs[i].a, kPairs[i].b, kPairs[i].expected);

	/* the specification's chain: each older than all to its right */
	static const char *const kChain[] = { "122.1", "123~rc1-1", "123", "123-a", "123-a.1",
		"123-1", "123-1.1", "123^post1", "123.a-1", "123.1-1", "123a-1", "124-1" };
	size_t count = sizeof(kChain) / sizeof(kChain[0]);
	for (size_t i = 0; i < count; i++) {
		for (size_t j = 0; j < count; j++)
			check_versions(kChain[i], kChain[j], i < j ? -1 : i > j ? 1 : 0);
	}
}
