/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the DEFLATE decoder (inflate.c) on streams Python's zlib
 * made and on broken ones (tests/unit/make-inflate-vectors).
 */
#include <stdlib.h>
#include <string.h>

#include <boot/inflate.h>

#include "unit_test.h"


struct inflate_good_case {
	const char		*name;
	const uint8_t	*stream;
	size_t			stream_size;
	const uint8_t	*original;
	size_t			original_size;
};

struct inflate_bad_case {
	const char		*name;
	const uint8_t	*stream;
	size_t			stream_size;
	status_t		status;
};

#include "inflate_vectors.h"

#define kCaseCount(cases)	(sizeof(cases) / sizeof(cases[0]))
/* Bytes after the output buffer that must stay as they were. */
#define kGuardSize			64
#define kGuardByte			0xa5


/* A buffer of size bytes followed by the guard. */
static uint8_t *
guarded_buffer(size_t size)
{
	uint8_t *buffer = malloc(size + kGuardSize);
	CHECK(buffer != NULL);
	memset(buffer, kGuardByte, size + kGuardSize);
	return buffer;
}


static void
check_guard(const uint8_t *buffer, size_t size, const char *name)
{
	for (size_t i = 0; i < kGuardSize; i++) {
		if (buffer[size + i] != kGuardByte)
			unit_fail(__FILE__, __LINE__, "%s: wrote %zu bytes past the buffer", name, i + 1);
	}
}


TEST(zlib_streams_decode_to_their_input)
{
	for (size_t i = 0; i < kCaseCount(kGoodCases); i++) {
		const struct inflate_good_case *test = &kGoodCases[i];
		uint8_t *out = guarded_buffer(test->original_size);
		size_t written = 0;
		status_t status = inflate_raw(test->stream, test->stream_size, out,
			test->original_size, &written);
		if (status != B_OK || written != test->original_size
			|| memcmp(out, test->original, written) != 0) {
			unit_fail(__FILE__, __LINE__, "%s: status %d, %zu of %zu bytes, %s", test->name,
				(int)status, written, test->original_size,
				written == test->original_size ? "different bytes" : "short");
		}
		check_guard(out, test->original_size, test->name);
		free(out);
	}
}


TEST(a_buffer_one_byte_short_overflows_without_writing_past_it)
{
	for (size_t i = 0; i < kCaseCount(kGoodCases); i++) {
		const struct inflate_good_case *test = &kGoodCases[i];
		if (test->original_size == 0)
			continue;
		size_t size = test->original_size - 1;
		uint8_t *out = guarded_buffer(size);
		size_t written = 0;
		status_t status = inflate_raw(test->stream, test->stream_size, out, size, &written);
		if (status != B_BUFFER_OVERFLOW || written > size)
			unit_fail(__FILE__, __LINE__, "%s: status %d, %zu bytes", test->name, (int)status,
				written);
		CHECK(memcmp(out, test->original, written) == 0);
		check_guard(out, size, test->name);
		free(out);
	}
}


TEST(every_truncated_stream_is_refused)
{
	for (size_t i = 0; i < kCaseCount(kGoodCases); i++) {
		const struct inflate_good_case *test = &kGoodCases[i];
		/* Large streams: every prefix near the start and the end. */
		for (size_t length = 0; length < test->stream_size; length++) {
			if (length > 64 && length < test->stream_size - 64)
				continue;
			uint8_t *out = guarded_buffer(test->original_size);
			size_t written = 0;
			status_t status = inflate_raw(test->stream, length, out, test->original_size,
				&written);
			if (status != B_BAD_DATA)
				unit_fail(__FILE__, __LINE__, "%s cut to %zu bytes: status %d", test->name,
					length, (int)status);
			check_guard(out, test->original_size, test->name);
			free(out);
		}
	}
}


TEST(streams_that_break_a_rule_are_refused)
{
	for (size_t i = 0; i < kCaseCount(kBadCases); i++) {
		const struct inflate_bad_case *test = &kBadCases[i];
		uint8_t *out = guarded_buffer(4096);
		size_t written = 0;
		status_t status = inflate_raw(test->stream, test->stream_size, out, 4096, &written);
		if (status != test->status)
			unit_fail(__FILE__, __LINE__, "%s: status %d, expected %d", test->name,
				(int)status, (int)test->status);
		check_guard(out, 4096, test->name);
		free(out);
	}
}


TEST(changed_bytes_never_write_past_the_buffer)
{
	const struct inflate_good_case *test = &kGoodCases[3];
	uint8_t *stream = malloc(test->stream_size);
	CHECK(stream != NULL);
	for (size_t position = 0; position < test->stream_size; position += 7) {
		memcpy(stream, test->stream, test->stream_size);
		stream[position] ^= (uint8_t)(1u << (position % 8));
		uint8_t *out = guarded_buffer(test->original_size);
		size_t written = 0;
		status_t status = inflate_raw(stream, test->stream_size, out, test->original_size,
			&written);
		CHECK(written <= test->original_size);
		CHECK(status == B_OK || status == B_BAD_DATA || status == B_BUFFER_OVERFLOW);
		check_guard(out, test->original_size, test->name);
		free(out);
	}
	free(stream);
}
