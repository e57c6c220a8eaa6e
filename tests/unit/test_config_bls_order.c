/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the order of Type #1 entries, as the Boot Loader
 * Specification sorts them, and of finding entries by their id.
 */
#include <stdio.h>
#include <string.h>

#include <boot/config.h>

#include "test_config.h"
#include "unit_test.h"


struct bls_file {
	const char	*id;
	const char	*text;
};


/* Entry files in no particular order, and the order the specification gives them. */
static const struct bls_file kFiles[] = {
	{ "zeta-5.0", "linux /v\n" },
	{ "fedora-6.2", "linux /v\nsort-key fedora\nmachine-id bbbb\nversion 6.2.0\n" },
	{ "beta+0-3", "linux /v\n" },
	{ "arch", "linux /v\nsort-key arch\nmachine-id aaaa\nversion 6.9\n" },
	{ "fedora-6.10", "linux /v\nsort-key fedora\nmachine-id bbbb\nversion 6.10.0\n" },
	{ "fedora-other", "linux /v\nsort-key fedora\nmachine-id aaaa\nversion 1.0\n" },
	{ "zeta-5.10", "linux /v\n" },
	{ "alpha", "linux /v\n" },
	{ "fedora-noversion", "linux /v\nsort-key fedora\nmachine-id bbbb\n" },
	{ "fedora-nomid", "linux /v\nsort-key fedora\nversion 7\n" },
	{ "fedora-6.10-a", "linux /v\nsort-key fedora\nmachine-id bbbb\nversion 6.10.0\n" },
	{ "gamma+2-1", "linux /v\n" },
	{ "fedora-6.10-b", "linux /v\nsort-key fedora\nmachine-id bbbb\nversion 6.10.0\n" },
	{ "fedora-bad+0", "linux /v\nsort-key fedora\nmachine-id aaaa\nversion 9\n" },
};

static const char *const kSorted[] = {
	"arch",					/* sort-key "arch" before "fedora" */
	"fedora-nomid",			/* no machine-id before any */
	"fedora-other",			/* machine-id aaaa before bbbb */
	"fedora-6.10-b",		/* bbbb 6.10.0, three times: by id, newest first */
	"fedora-6.10-a",
	"fedora-6.10",
	"fedora-6.2",			/* 6.2.0 older than 6.10.0 */
	"fedora-noversion",		/* no version: older than any */
	"zeta-5.10",			/* without sort-key: by id, newest first */
	"zeta-5.0",
	"gamma",				/* "gamma+2-1": tries left, not bad; the id has no counter */
	"alpha",
	"fedora-bad",			/* "+0": bad, boot counting says: last, by the same rules */
	"beta",					/* "+0-3" */
};


TEST(config_sort_bls_entries_order)
{
	test_config_reset();
	struct boot_config *config = test_parse(
		"entry Zebra {\nkernel = /k\n}\nentry Aardvark {\nlinux = /v\n}\n");
	char *titles[2] = { config->entries[0].title, config->entries[1].title };
	size_t count = sizeof(kFiles) / sizeof(kFiles[0]);
	CHECK_EQ(count, sizeof(kSorted) / sizeof(kSorted[0]));
	for (size_t i = 0; i < count; i++)
		CHECK_EQ(test_add_bls(config, kFiles[i].id, kFiles[i].text), B_OK);
	CHECK_NO_DIAGNOSTICS(config);

	config_sort_bls_entries(config);
	CHECK_EQ(config->entry_count, 2 + count);
	/* the configuration file's entries stay first, as they were */
	CHECK(config->entries[0].title == titles[0] && config->entries[0].bls == NULL);
	CHECK(config->entries[1].title == titles[1] && config->entries[1].bls == NULL);
	for (size_t i = 0; i < count; i++) {
		const char *id = config_entry_id(&config->entries[2 + i]);
		if (strcmp(id, kSorted[i]) != 0)
			unit_fail(__FILE__, __LINE__, "entry %zu is \"%s\", expected \"%s\"", i, id,
				kSorted[i]);
		/* whole entries move, not only their ids */
		CHECK(strcmp(config->entries[2 + i].title, kSorted[i]) == 0);
	}

	/* sorted already: nothing moves */
	config_sort_bls_entries(config);
	for (size_t i = 0; i < count; i++)
		CHECK(strcmp(config_entry_id(&config->entries[2 + i]), kSorted[i]) == 0);
	test_release(config);
}


/* Entries that compare equal (one id on two volumes) keep the order they were added in. */
TEST(config_sort_bls_entries_stable)
{
	test_config_reset();
	struct boot_config *config = test_default_config();
	CHECK_EQ(test_add_bls(config, "b", "linux /v\n"), B_OK);
	CHECK_EQ(test_add_bls_bytes(config, "(disk0p1)/loader/entries/same.conf", "same",
		"linux /v\n", 9), B_OK);
	CHECK_EQ(test_add_bls(config, "a", "linux /v\n"), B_OK);
	CHECK_EQ(test_add_bls_bytes(config, "(disk1p1)/loader/entries/same.conf", "same",
		"linux /v\n", 9), B_OK);
	config_sort_bls_entries(config);
	CHECK(strcmp(config->entries[0].bls->file_name, "(disk0p1)/loader/entries/same.conf") == 0);
	CHECK(strcmp(config->entries[1].bls->file_name, "(disk1p1)/loader/entries/same.conf") == 0);
	CHECK(strcmp(config_entry_id(&config->entries[2]), "b") == 0);
	CHECK(strcmp(config_entry_id(&config->entries[3]), "a") == 0);
	test_release(config);

	/* without Type #1 entries there is nothing to sort */
	config = test_parse("entry b {\nkernel = /k\n}\nentry a {\nkernel = /k\n}\n");
	config_sort_bls_entries(config);
	CHECK(strcmp(config->entries[0].title, "b") == 0);
	test_release(config);
	config = test_default_config();
	config_sort_bls_entries(config);
	CHECK(config->fallback_entry);
	test_release(config);
}


TEST(config_find_entry_id_bls)
{
	test_config_reset();
	struct boot_config *config = test_parse("entry Haiku {\nkernel = /k\n}\n");
	CHECK_EQ(test_add_bls(config, "debian-6.1", "title Debian\nlinux /v\n"), B_OK);
	/* a file named "x.conf.conf" */
	CHECK_EQ(test_add_bls(config, "x.conf", "linux /v\n"), B_OK);

	CHECK_EQ(config_find_entry_id(config, "debian-6.1"), 1);
	CHECK_EQ(config_find_entry_id(config, "debian-6.1.conf"), 1);
	CHECK_EQ(config_find_entry_id(config, "Haiku"), 0);
	CHECK_EQ(config_find_entry_id(config, "x.conf"), 2);
	CHECK_EQ(config_find_entry_id(config, "x.conf.conf"), 2);
	/* the title of a Type #1 entry is not its id */
	CHECK_EQ(config_find_entry_id(config, "Debian"), -1);
	CHECK_EQ(config_find_entry_id(config, "debian"), -1);
	CHECK_EQ(config_find_entry_id(config, "debian-6.1.con"), -1);
	CHECK_EQ(config_find_entry_id(config, "debian-6.1.conf.conf"), -1);
	CHECK_EQ(config_find_entry_id(config, ".conf"), -1);
	CHECK_EQ(config_find_entry_id(config, ""), -1);
	test_release(config);
}


/* Boot counting's suffix, as the specification and systemd-boot read it. */
TEST(config_bls_counter_reads_file_names)
{
	static const struct {
		const char	*stem;
		size_t		name_length;
		int32_t		left;
		int32_t		done;
	} kCases[] = {
		{ "a+3", 1, 3, 0 },
		{ "debian-6.1+2-1", 10, 2, 1 },
		{ "a+0-3", 1, 0, 3 },
		{ "a+0", 1, 0, 0 },
		{ "a+01-002", 1, 1, 2 },
		{ "a+1+2", 3, 2, 0 },				/* the last "+" */
		{ "a+2147483647-2147483647", 1, INT32_MAX, INT32_MAX },
		{ "a", 1, -1, -1 },
		{ "+3", 2, -1, -1 },				/* no name before it */
		{ "a+", 2, -1, -1 },
		{ "a+-1", 4, -1, -1 },
		{ "a+3-", 4, -1, -1 },
		{ "a+3-x", 5, -1, -1 },
		{ "a+3b", 4, -1, -1 },
		{ "a+3-1-1", 7, -1, -1 },
		{ "a+2147483648", 12, -1, -1 },		/* more than systemd-boot counts */
		{ "a+3-2147483648", 14, -1, -1 },
		{ "", 0, -1, -1 },
	};
	for (size_t i = 0; i < sizeof(kCases) / sizeof(kCases[0]); i++) {
		int32_t left = 7;
		int32_t done = 7;
		size_t length = config_bls_counter(kCases[i].stem, strlen(kCases[i].stem), &left,
			&done);
		if (length != kCases[i].name_length || left != kCases[i].left
				|| done != kCases[i].done) {
			unit_fail(__FILE__, __LINE__, "\"%s\": %zu, %d, %d", kCases[i].stem, length,
				(int)left, (int)done);
		}
	}
	/* only the bytes it is given: a name with its suffix, read up to the dot */
	int32_t left = 7;
	int32_t done = 7;
	CHECK_EQ(config_bls_counter("a+3-1.conf", 5, &left, &done), 1);
	CHECK(left == 3 && done == 1);
	CHECK_EQ(config_bls_counter("a+3x", 3, &left, &done), 1);
	CHECK(left == 3 && done == 0);
}


/* The id and the title leave the counter out: they stay as the file is renamed. */
TEST(config_bls_counted_entries)
{
	test_config_reset();
	struct boot_config *config = test_default_config();
	CHECK_EQ(test_add_bls(config, "debian+3-1", "linux /v\n"), B_OK);
	CHECK_EQ(test_add_bls(config, "plain", "linux /v\n"), B_OK);
	CHECK_NO_DIAGNOSTICS(config);
	const struct config_bls_entry *bls = config->entries[0].bls;
	CHECK(strcmp(bls->id, "debian") == 0);
	CHECK(strcmp(config->entries[0].title, "debian") == 0);
	CHECK(strcmp(bls->file_name, TEST_BLS_DIRECTORY "debian+3-1.conf") == 0);
	CHECK_EQ(bls->tries_left, 3);
	CHECK_EQ(bls->tries_done, 1);
	CHECK_EQ(config->entries[1].bls->tries_left, -1);
	CHECK_EQ(config->entries[1].bls->tries_done, -1);

	/* what bootctl may have written: the file name as it was, or is */
	CHECK_EQ(config_find_entry_id(config, "debian"), 0);
	CHECK_EQ(config_find_entry_id(config, "debian.conf"), 0);
	CHECK_EQ(config_find_entry_id(config, "debian+3-1"), 0);
	CHECK_EQ(config_find_entry_id(config, "debian+3.conf"), 0);
	CHECK_EQ(config_find_entry_id(config, "debian+0-4.conf"), 0);
	CHECK_EQ(config_find_entry_id(config, "plain+1"), 1);
	CHECK_EQ(config_find_entry_id(config, "debian+x"), -1);
	CHECK_EQ(config_find_entry_id(config, "debian+3-1.efi.conf"), -1);
	test_release(config);
}
