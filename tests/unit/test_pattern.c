/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the shell-style patterns the Boot Loader Interface's
 * variables may hold (boot/pattern.h), and of finding an entry by one.
 */
#include <stdio.h>
#include <string.h>

#include <boot/config.h>
#include <boot/pattern.h>

#include "test_config.h"
#include "unit_test.h"


TEST(pattern_match_cases)
{
	static const struct {
		const char	*pattern;
		const char	*text;
		bool		matches;
	} kCases[] = {
		{ "debian-*", "debian-6.1", true },
		{ "debian-*", "Debian-6.1", true },			/* either case, as systemd-boot folds */
		{ "DEBIAN-6.?", "debian-6.1", true },
		{ "debian-*", "debia", false },
		{ "debian-*", "fedora-debian-6.1", false },		/* the whole id */
		{ "*", "", true },
		{ "", "", true },
		{ "", "a", false },
		{ "a", "", false },
		{ "?", "", false },
		{ "??", "a", false },
		{ "a*b*c", "aXbYc", true },
		{ "a*b*c", "aXbY", false },
		{ "*a", "bba", true },
		{ "a*", "a", true },
		{ "a**", "abc", true },
		{ "a**", "a", true },						/* stars left when the text ends */
		{ "a*?", "a", false },
		{ "*.conf", "x.conf", true },
		{ "*.conf", "x.conf.bak", false },
		{ "[abc]x", "bx", true },
		{ "[!abc]x", "bx", false },
		{ "[!abc]x", "dx", true },
		{ "[^a]", "b", true },
		{ "[a-c]", "B", true },
		{ "[A-C]", "b", true },
		{ "[a-c]", "d", false },
		{ "[]a]", "]", true },
		{ "[a-]", "-", true },
		{ "[\\]]", "]", true },
		{ "[ab", "[ab", true },						/* no ']': a '[' like any other */
		{ "[ab", "a", false },
		{ "\\*", "*", true },
		{ "\\*", "a", false },
		{ "a\\", "a\\", true },
		/* backtracking stays linear in the text for each '*' */
		{ "*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },
	};
	for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
		if (pattern_match(kCases[i].pattern, kCases[i].text) != kCases[i].matches) {
			unit_fail(__FILE__, __LINE__, "\"%s\" against \"%s\": expected %s",
				kCases[i].pattern, kCases[i].text, kCases[i].matches ? "a match" : "none");
		}
	}
	CHECK(!pattern_is_pattern("debian-6.1"));
	CHECK(pattern_is_pattern("debian-*"));
	CHECK(pattern_is_pattern("debian-6.?"));
	CHECK(pattern_is_pattern("debian-[56]"));
}


/* bootctl set-default 'debian-*': the first match in menu order, the newest. */
TEST(config_find_entry_id_by_pattern)
{
	test_config_reset();
	struct boot_config *config = test_parse("entry Haiku {\nkernel = /k\n}\n");
	CHECK_EQ(test_add_bls(config, "debian-5.10", "linux /v\n"), B_OK);
	CHECK_EQ(test_add_bls(config, "debian-6.1", "linux /v\n"), B_OK);
	CHECK_EQ(test_add_bls(config, "fedora[1]", "linux /v\n"), B_OK);
	/* newest first: fedora[1], debian-6.1, debian-5.10 after Haiku */
	config_sort_bls_entries(config);
	CHECK_EQ(config_find_entry_id(config, "debian-*"), 2);
	CHECK(strcmp(config_entry_id(&config->entries[2]), "debian-6.1") == 0);
	CHECK_EQ(config_find_entry_id(config, "*5.10"), 3);
	CHECK_EQ(config_find_entry_id(config, "H*"), 0);
	CHECK_EQ(config_find_entry_id(config, "arch-*"), -1);
	/* a name that is one matches itself before any pattern reading of it */
	CHECK_EQ(config_find_entry_id(config, "fedora[1]"), 1);
	CHECK_EQ(config_find_entry_id(config, "fedora[1].conf"), 1);
	CHECK_EQ(config_find_entry_id(config, "fedora[2]"), -1);
	test_release(config);
}
