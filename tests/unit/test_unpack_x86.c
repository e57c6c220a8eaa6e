/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for x86_64's code filter of the packed loader
 * (src/system/boot/arch/x86_64/unpack.c): what the start-up program
 * rewrites, on instructions written out here, and that it undoes what
 * pack-efi's encoder did to 16 KiB of code made to be dense in the bytes
 * the filter looks at (tests/unit/make-unpack-vectors).
 */
#include <string.h>

#include <boot/pack.h>

#include "unit_test.h"
#include "unpack_vectors.h"


/* Instructions as linked, then as pack-efi filters them: each displacement
 * the filter rewrites is an offset from the start, counted from the
 * displacement's end. */
static const uint8_t kLinked[] = {
	0xe8, 0x10, 0x00, 0x00, 0x00,				/* call: 0x10 + 5 */
	0x48, 0x8d, 0x05, 0x20, 0x00, 0x00, 0x00,	/* lea rax, [rip + 0x20]: + 12 */
	0x8b, 0x0d, 0xf0, 0xff, 0xff, 0xff,			/* mov ecx, [rip - 0x10]: + 18 */
	0x89, 0xc0,									/* mov eax, eax: no memory operand */
	0x8d, 0x44, 0x24, 0x08,						/* lea eax, [rsp + 8]: not RIP-relative */
	0xc7, 0x05, 0x11, 0x22, 0x33, 0x44,			/* movl $1, [rip + ...]: opcode C7, */
	0x01, 0x00, 0x00, 0x00,						/* left alone */
	0xe8, 0x66, 0x05, 0x00, 0x00,				/* call whose filtered displacement */
												/* reads 8D 05: not an operand */
	0x83, 0x3d, 0x00, 0x01, 0x00, 0x00, 0x01,	/* cmpl $1, [rip + 0x100]: + 45 */
	0x8b, 0x05, 0xaa, 0xbb, 0xcc,				/* cut off by the end of the code */
};

static const uint8_t kLinkedFiltered[] = {
	0xe8, 0x15, 0x00, 0x00, 0x00,
	0x48, 0x8d, 0x05, 0x2c, 0x00, 0x00, 0x00,
	0x8b, 0x0d, 0x02, 0x00, 0x00, 0x00,
	0x89, 0xc0,
	0x8d, 0x44, 0x24, 0x08,
	0xc7, 0x05, 0x11, 0x22, 0x33, 0x44,
	0x01, 0x00, 0x00, 0x00,
	0xe8, 0x8d, 0x05, 0x00, 0x00,
	0x83, 0x3d, 0x2d, 0x01, 0x00, 0x00, 0x01,
	0x8b, 0x05, 0xaa, 0xbb, 0xcc,
};

_Static_assert(sizeof(kLinked) == sizeof(kLinkedFiltered), "the filter keeps every byte's place");


/* A copy of kLinkedFiltered in code with filter undone; whether it was known. */
static bool
unfilter_linked(uint32_t filter, uint8_t code[sizeof(kLinkedFiltered)])
{
	memcpy(code, kLinkedFiltered, sizeof(kLinkedFiltered));
	return arch_unpack_filter(filter, code, sizeof(kLinkedFiltered));
}


TEST(calls_and_rip_relative_operands_are_made_relative_again)
{
	uint8_t code[sizeof(kLinkedFiltered)];
	CHECK(unfilter_linked(PACK_FILTER_X86, code));
	CHECK(memcmp(code, kLinked, sizeof(code)) == 0);
}


TEST(a_call_that_ends_with_the_code_is_rewritten_one_past_it_is_not)
{
	uint8_t code[] = { 0x90, 0x90, 0xe8, 0x08, 0x00, 0x00, 0x00 };
	CHECK(arch_unpack_filter(PACK_FILTER_X86, code, sizeof(code) - 1));
	CHECK_EQ(code[3], 0x08);
	CHECK(arch_unpack_filter(PACK_FILTER_X86, code, sizeof(code)));
	CHECK_EQ(code[3], 0x01);
}


TEST(a_code_of_one_call_is_rewritten_a_shorter_one_is_not)
{
	uint8_t code[] = { 0xe8, 0x05, 0x00, 0x00, 0x00 };
	CHECK(arch_unpack_filter(PACK_FILTER_X86, code, 4));
	CHECK_EQ(code[1], 0x05);
	CHECK(arch_unpack_filter(PACK_FILTER_X86, code, sizeof(code)));
	CHECK_EQ(code[1], 0x00);
}


TEST(an_operand_that_ends_with_the_code_is_rewritten)
{
	uint8_t code[] = { 0x8b, 0x05, 0x06, 0x00, 0x00, 0x00 };
	CHECK(arch_unpack_filter(PACK_FILTER_X86, code, sizeof(code)));
	CHECK_EQ(code[2], 0x00);
}


TEST(what_pack_efi_filtered_comes_back_byte_for_byte)
{
	static uint8_t code[sizeof(kFiltered)];
	_Static_assert(sizeof(kFiltered) == sizeof(kOriginal), "the vectors are one size");
	memcpy(code, kFiltered, sizeof(code));
	CHECK(memcmp(code, kOriginal, sizeof(code)) != 0);
	CHECK(arch_unpack_filter(PACK_FILTER_X86, code, kCodeSize));
	CHECK(memcmp(code, kOriginal, sizeof(code)) == 0);
}


TEST(no_filter_leaves_the_code_as_it_is)
{
	uint8_t code[sizeof(kLinkedFiltered)];
	CHECK(unfilter_linked(PACK_FILTER_NONE, code));
	CHECK(memcmp(code, kLinkedFiltered, sizeof(code)) == 0);
}


TEST(a_filter_it_does_not_know_is_refused)
{
	/* 1, the filter of calls alone, is not this one. */
	uint8_t code[sizeof(kLinkedFiltered)];
	CHECK(!unfilter_linked(1, code));
	CHECK(!unfilter_linked(3, code));
}
