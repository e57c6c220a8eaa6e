/* SPDX-License-Identifier: MIT */
/*
 * DEFLATE decoding (RFC 1951). Codes of up to kFastBits bits are found with
 * one table lookup; longer ones, rare in practice, by walking the canonical
 * code one bit at a time. All state lives on the caller's stack: the packed
 * loader's start-up program has no heap.
 */
#include <boot/inflate.h>

#include <stdbool.h>
#include <stdint.h>


#define kMaxCodeBits		15
#define kFastBits			10
#define kLiteralSymbols		288
#define kDistanceSymbols	32
#define kLengthCodeSymbols	19
#define kEndOfBlock			256
#define kFirstLengthSymbol	257

/* What every symbol goes through, inlined even where the loader is optimised
 * for size: as calls these cost a third of the decoding time. */
#define INFLATE_HOT		static inline __attribute__((always_inline))

/* A fast-table entry: symbol << 4 | code length; 0 means a longer code. */
#define FAST_ENTRY(symbol, length)	((uint16_t)((symbol) << 4 | (length)))

struct inflate_code {
	uint16_t	fast[1 << kFastBits];
	uint16_t	count[kMaxCodeBits + 1];
	uint16_t	symbols[kLiteralSymbols];
};

/* The input, read as bits least significant first. Where symbols are
 * decoded it is copied into a local, which the compiler keeps in registers
 * across the output's byte stores (a byte store may alias any memory that
 * has an address). */
struct inflate_input {
	const uint8_t	*data;
	size_t			size;
	size_t			position;
	uint64_t		bits;
	unsigned		bit_count;
};

struct inflate_output {
	uint8_t			*data;
	size_t			size;
	size_t			position;
};

struct inflate_state {
	struct inflate_input	input;
	struct inflate_output	output;
	struct inflate_code		literals;
	struct inflate_code		distances;
};

/* RFC 1951 3.2.5: the symbols of lengths and of distances come in groups
 * of 1 << groupBits (four and two). The first two groups take no extra
 * bits and their base is the symbol's index; each later group takes one
 * extra bit more than the one before, and its bases are the index's place
 * in the group, under a leading 1, shifted by that many bits. Computed, not
 * tabled: the start-up program's data must fit one 512-byte unit of its
 * file (docs/packing.md). */
INFLATE_HOT uint32_t
inflate_base(unsigned index, unsigned groupBits, unsigned *extraBits)
{
	unsigned group = 1u << groupBits;
	if (index < 2 * group) {
		*extraBits = 0;
		return index;
	}
	*extraBits = (index >> groupBits) - 1;
	return (group | (index & (group - 1))) << *extraBits;
}

/* RFC 1951 3.2.7: the order in which code length code lengths are sent. */
static const uint8_t kLengthCodeOrder[kLengthCodeSymbols] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };


INFLATE_HOT void
inflate_fill(struct inflate_input *input)
{
	/* Eight bytes at once while the input lasts: a byte at a time cost a
	 * fifth of the decoding. */
	if (input->size - input->position >= 8) {
		uint64_t next;
		__builtin_memcpy(&next, input->data + input->position, sizeof(next));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		next = __builtin_bswap64(next);
#endif
		input->bits |= next << input->bit_count;
		input->position += (63 - input->bit_count) / 8;
		input->bit_count |= 56;
		return;
	}
	while (input->bit_count <= 56 && input->position < input->size) {
		input->bits |= (uint64_t)input->data[input->position++] << input->bit_count;
		input->bit_count += 8;
	}
}


/* Takes count (at most 32) bits, least significant first; false when the
 * input ends before them. */
static bool
inflate_take(struct inflate_input *input, unsigned count, uint32_t *_value)
{
	if (input->bit_count < count)
		inflate_fill(input);
	if (input->bit_count < count)
		return false;
	*_value = (uint32_t)(input->bits & ((1ull << count) - 1));
	input->bits >>= count;
	input->bit_count -= count;
	return true;
}


/* Huffman codes are sent most significant bit first, the stream's bits
 * least significant first: the table is indexed by the code reversed. */
static unsigned
inflate_reverse(unsigned code, unsigned length)
{
	unsigned reversed = 0;
	for (unsigned i = 0; i < length; i++, code >>= 1)
		reversed = reversed << 1 | (code & 1);
	return reversed;
}


/* Builds the canonical code of the given code lengths (RFC 1951 3.2.2).
 * An incomplete code is allowed (its missing codes fail to decode), an
 * oversubscribed one is not. */
static bool
inflate_build(struct inflate_code *code, const uint8_t *lengths, unsigned symbols)
{
	uint16_t next[kMaxCodeBits + 1];
	for (unsigned length = 0; length <= kMaxCodeBits; length++)
		code->count[length] = 0;
	for (unsigned symbol = 0; symbol < symbols; symbol++)
		code->count[lengths[symbol]]++;

	int unused = 1;
	next[1] = 0;
	for (unsigned length = 1; length <= kMaxCodeBits; length++) {
		unused = unused * 2 - code->count[length];
		if (unused < 0)
			return false;
		if (length < kMaxCodeBits)
			next[length + 1] = next[length] + code->count[length];
	}
	for (unsigned symbol = 0; symbol < symbols; symbol++) {
		if (lengths[symbol] != 0)
			code->symbols[next[lengths[symbol]]++] = (uint16_t)symbol;
	}

	for (unsigned i = 0; i < (1u << kFastBits); i++)
		code->fast[i] = 0;
	unsigned canonical = 0;
	unsigned index = 0;
	for (unsigned length = 1; length <= kFastBits; length++) {
		for (unsigned i = 0; i < code->count[length]; i++, index++, canonical++) {
			uint16_t entry = FAST_ENTRY(code->symbols[index], length);
			for (unsigned slot = inflate_reverse(canonical, length); slot < (1u << kFastBits);
					slot += 1u << length)
				code->fast[slot] = entry;
		}
		canonical <<= 1;
	}
	return true;
}


/* A code longer than kFastBits: compares the bits read so far with the
 * first code of each length. */
static int
inflate_decode_long(struct inflate_input *input, const struct inflate_code *code)
{
	unsigned value = 0;
	unsigned first = 0;
	unsigned index = 0;
	for (unsigned length = 1; length <= kMaxCodeBits && length <= input->bit_count; length++) {
		value |= (unsigned)(input->bits >> (length - 1)) & 1;
		unsigned count = code->count[length];
		if (value - first < count) {
			input->bits >>= length;
			input->bit_count -= length;
			return code->symbols[index + value - first];
		}
		index += count;
		first = (first + count) << 1;
		value <<= 1;
	}
	return -1;
}


/* The next symbol of code, or -1 for a code that does not exist or input
 * that ends within it. */
INFLATE_HOT int
inflate_decode(struct inflate_input *input, const struct inflate_code *code)
{
	if (input->bit_count < kMaxCodeBits)
		inflate_fill(input);
	uint16_t entry = code->fast[input->bits & ((1u << kFastBits) - 1)];
	if (entry == 0)
		return inflate_decode_long(input, code);
	unsigned length = entry & 0xf;
	if (length > input->bit_count)
		return -1;
	input->bits >>= length;
	input->bit_count -= length;
	return entry >> 4;
}


/* A block of stored bytes (BTYPE 00): its length follows at the next byte
 * boundary. */
static status_t
inflate_stored(struct inflate_input *input, struct inflate_output *output)
{
	input->bits >>= input->bit_count % 8;
	input->bit_count -= input->bit_count % 8;
	uint32_t length;
	uint32_t complement;
	if (!inflate_take(input, 16, &length) || !inflate_take(input, 16, &complement)
		|| (length ^ 0xffff) != complement)
		return B_BAD_DATA;

	while (length > 0 && input->bit_count >= 8) {
		if (output->position == output->size)
			return B_BUFFER_OVERFLOW;
		output->data[output->position++] = (uint8_t)input->bits;
		input->bits >>= 8;
		input->bit_count -= 8;
		length--;
	}
	if (length > input->size - input->position)
		return B_BAD_DATA;
	if (length > output->size - output->position)
		return B_BUFFER_OVERFLOW;
	/* The buffer is empty if bytes are left, but inflate_fill's eight-byte
	 * read left the bytes copied below in its upper bits: past them, they
	 * would be ORed into the bytes that follow the block. */
	if (length > 0)
		input->bits = 0;
	for (uint32_t i = 0; i < length; i++)
		output->data[output->position++] = input->data[input->position++];
	return B_OK;
}


/* A match: length bytes from distance back, which may overlap what it
 * writes. */
INFLATE_HOT status_t
inflate_copy(struct inflate_input *input, const struct inflate_code *distances,
	struct inflate_output *output, int lengthSymbol)
{
	unsigned index = (unsigned)lengthSymbol - kFirstLengthSymbol;
	unsigned extraBits;
	uint32_t extra;
	/* The last length symbol breaks the pattern: 258 with no extra bits. */
	size_t length = 258;
	if (index >= 29)
		return B_BAD_DATA;
	if (index < 28) {
		length = 3 + inflate_base(index, 2, &extraBits);
		if (!inflate_take(input, extraBits, &extra))
			return B_BAD_DATA;
		length += extra;
	}

	int distanceSymbol = inflate_decode(input, distances);
	if (distanceSymbol < 0 || distanceSymbol >= 30)
		return B_BAD_DATA;
	size_t distance = 1 + inflate_base((unsigned)distanceSymbol, 1, &extraBits);
	if (!inflate_take(input, extraBits, &extra))
		return B_BAD_DATA;
	distance += extra;
	if (distance > output->position)
		return B_BAD_DATA;
	if (length > output->size - output->position)
		return B_BUFFER_OVERFLOW;

	uint8_t *to = output->data + output->position;
	const uint8_t *from = to - distance;
	output->position += length;
	/* Eight bytes at a time where they do not overlap what they copy and
	 * the last eight may run past the match into the buffer's free part. */
	if (distance >= 8 && output->size - output->position >= 8) {
		for (size_t i = 0; i < length; i += 8)
			__builtin_memcpy(to + i, from + i, 8);
		return B_OK;
	}
	for (size_t i = 0; i < length; i++)
		to[i] = from[i];
	return B_OK;
}


/* The symbols of a compressed block up to its end-of-block symbol. */
static status_t
inflate_codes(struct inflate_state *state)
{
	struct inflate_input input = state->input;
	struct inflate_output output = state->output;
	status_t status = B_OK;
	for (;;) {
		int symbol = inflate_decode(&input, &state->literals);
		if (symbol < 0) {
			status = B_BAD_DATA;
			break;
		}
		if (symbol < kEndOfBlock) {
			if (output.position == output.size) {
				status = B_BUFFER_OVERFLOW;
				break;
			}
			output.data[output.position++] = (uint8_t)symbol;
		} else if (symbol == kEndOfBlock) {
			break;
		} else {
			status = inflate_copy(&input, &state->distances, &output, symbol);
			if (status != B_OK)
				break;
		}
	}
	state->input = input;
	state->output = output;
	return status;
}


/* BTYPE 01: the codes RFC 1951 3.2.6 fixes. */
static status_t
inflate_fixed(struct inflate_state *state)
{
	uint8_t lengths[kLiteralSymbols];
	for (unsigned symbol = 0; symbol < kLiteralSymbols; symbol++) {
		lengths[symbol] = symbol < 144 ? 8 : symbol < 256 ? 9 : symbol < 280 ? 7 : 8;
	}
	inflate_build(&state->literals, lengths, kLiteralSymbols);
	for (unsigned symbol = 0; symbol < kDistanceSymbols; symbol++)
		lengths[symbol] = 5;
	inflate_build(&state->distances, lengths, kDistanceSymbols);
	return inflate_codes(state);
}


/* The literal/length and distance code lengths of a dynamic block, sent
 * with the code length code (RFC 1951 3.2.7). */
static bool
inflate_read_lengths(struct inflate_state *state, const struct inflate_code *lengthCode,
	uint8_t *lengths, unsigned total)
{
	unsigned done = 0;
	while (done < total) {
		int symbol = inflate_decode(&state->input, lengthCode);
		if (symbol < 0)
			return false;
		if (symbol < 16) {
			lengths[done++] = (uint8_t)symbol;
			continue;
		}
		uint8_t value = 0;
		uint32_t repeat;
		if (symbol == 16) {
			if (done == 0 || !inflate_take(&state->input, 2, &repeat))
				return false;
			value = lengths[done - 1];
			repeat += 3;
		} else if (symbol == 17) {
			if (!inflate_take(&state->input, 3, &repeat))
				return false;
			repeat += 3;
		} else {
			if (!inflate_take(&state->input, 7, &repeat))
				return false;
			repeat += 11;
		}
		if (repeat > total - done)
			return false;
		while (repeat-- > 0)
			lengths[done++] = value;
	}
	return true;
}


/* BTYPE 10: the block sends its own codes first. */
static status_t
inflate_dynamic(struct inflate_state *state)
{
	uint32_t literalCount;
	uint32_t distanceCount;
	uint32_t lengthCodeCount;
	if (!inflate_take(&state->input, 5, &literalCount) || !inflate_take(&state->input, 5, &distanceCount)
		|| !inflate_take(&state->input, 4, &lengthCodeCount))
		return B_BAD_DATA;
	literalCount += 257;
	distanceCount += 1;
	lengthCodeCount += 4;
	if (literalCount > 286 || distanceCount > 30)
		return B_BAD_DATA;

	uint8_t lengths[kLiteralSymbols + kDistanceSymbols] = { 0 };
	for (unsigned i = 0; i < lengthCodeCount; i++) {
		uint32_t length;
		if (!inflate_take(&state->input, 3, &length))
			return B_BAD_DATA;
		lengths[kLengthCodeOrder[i]] = (uint8_t)length;
	}
	/* The literal code's table is free until the lengths are read. */
	struct inflate_code *lengthCode = &state->literals;
	if (!inflate_build(lengthCode, lengths, kLengthCodeSymbols)
		|| !inflate_read_lengths(state, lengthCode, lengths, literalCount + distanceCount))
		return B_BAD_DATA;
	if (!inflate_build(&state->literals, lengths, literalCount)
		|| !inflate_build(&state->distances, lengths + literalCount, distanceCount))
		return B_BAD_DATA;
	return inflate_codes(state);
}


status_t
inflate_raw(const void *in, size_t inSize, void *out, size_t outSize, size_t *_written)
{
	struct inflate_state state = {
		.input = { .data = in, .size = inSize },
		.output = { .data = out, .size = outSize },
	};
	status_t status = B_OK;
	uint32_t last = 0;
	while (status == B_OK && last == 0) {
		uint32_t type;
		if (!inflate_take(&state.input, 1, &last) || !inflate_take(&state.input, 2, &type)) {
			status = B_BAD_DATA;
		} else if (type == 0) {
			status = inflate_stored(&state.input, &state.output);
		} else if (type == 1) {
			status = inflate_fixed(&state);
		} else if (type == 2) {
			status = inflate_dynamic(&state);
		} else {
			status = B_BAD_DATA;
		}
	}
	/* What is left must be the padding of the final byte. */
	if (status == B_OK
		&& (state.input.bit_count >= 8 || state.input.position != state.input.size))
		status = B_BAD_DATA;
	*_written = state.output.position;
	return status;
}
