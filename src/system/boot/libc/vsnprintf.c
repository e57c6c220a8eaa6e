/* SPDX-License-Identifier: MIT */
/*
 * snprintf/vsnprintf for boot code: the C99 conversions the loader needs.
 *
 * Supported: d i u x X o c s p %, flags - 0 + space #, width and precision
 * (also *), length modifiers hh h l ll z j t (they apply to the integer
 * conversions; there are no wide characters). %p prints like %#lx, and
 * "(nil)" for NULL, as glibc does; a NULL %s prints "(null)". %n and the
 * floating point conversions are not supported: such a directive, like any
 * unknown one, is copied to the output as written.
 */
#include <stdio.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>


#define FLAG_LEFT		0x01
#define FLAG_ZERO		0x02
#define FLAG_PLUS		0x04
#define FLAG_SPACE		0x08
#define FLAG_ALTERNATE	0x10

/* 64 bits in octal, the longest digit string */
#define MAX_DIGITS		22
/* widths and precisions are clamped here so that counting cannot overflow */
#define MAX_FIELD		(1 << 24)
#define INT_LIMIT		((size_t)(~0u >> 1))

enum length_modifier {
	LENGTH_NONE,
	LENGTH_CHAR,
	LENGTH_SHORT,
	LENGTH_LONG,
	LENGTH_LONG_LONG,
	LENGTH_SIZE,
	LENGTH_INTMAX,
	LENGTH_PTRDIFF,
};

/* Where the output goes: only the first size - 1 characters are stored. */
struct output {
	char	*buffer;
	size_t	size;
	size_t	count;
};

struct directive {
	uint32_t	flags;
	int			width;
	int			precision;		/* -1 when none was given */
	enum length_modifier length;
	char		conversion;
};


static void
output_char(struct output *output, char c)
{
	if (output->count + 1 < output->size)
		output->buffer[output->count] = c;
	output->count++;
}


static void
output_repeat(struct output *output, char c, int count)
{
	for (int i = 0; i < count; i++)
		output_char(output, c);
}


static void
output_string(struct output *output, const char *string, size_t length)
{
	for (size_t i = 0; i < length; i++)
		output_char(output, string[i]);
}


static int
parse_number(const char **_format)
{
	const char *format = *_format;
	int value = 0;
	while (*format >= '0' && *format <= '9') {
		if (value < MAX_FIELD)
			value = value * 10 + (*format - '0');
		format++;
	}
	*_format = format;
	return value < MAX_FIELD ? value : MAX_FIELD;
}


/* Parses the part after '%'; returns false when the directive is unknown. */
static bool
parse_directive(const char **_format, va_list *args, struct directive *directive)
{
	const char *format = *_format;

	directive->flags = 0;
	for (;; format++) {
		if (*format == '-')
			directive->flags |= FLAG_LEFT;
		else if (*format == '0')
			directive->flags |= FLAG_ZERO;
		else if (*format == '+')
			directive->flags |= FLAG_PLUS;
		else if (*format == ' ')
			directive->flags |= FLAG_SPACE;
		else if (*format == '#')
			directive->flags |= FLAG_ALTERNATE;
		else
			break;
	}

	directive->width = 0;
	if (*format == '*') {
		int width = va_arg(*args, int);
		format++;
		/* A negative width argument means '-' with its magnitude. */
		if (width < 0) {
			directive->flags |= FLAG_LEFT;
			width = width < -MAX_FIELD ? MAX_FIELD : -width;
		}
		directive->width = width < MAX_FIELD ? width : MAX_FIELD;
	} else
		directive->width = parse_number(&format);

	directive->precision = -1;
	if (*format == '.') {
		format++;
		if (*format == '*') {
			int precision = va_arg(*args, int);
			format++;
			/* A negative precision argument counts as none. */
			if (precision >= 0)
				directive->precision = precision < MAX_FIELD ? precision : MAX_FIELD;
		} else
			directive->precision = parse_number(&format);
	}

	directive->length = LENGTH_NONE;
	switch (*format) {
		case 'h':
			format++;
			directive->length = LENGTH_SHORT;
			if (*format == 'h') {
				format++;
				directive->length = LENGTH_CHAR;
			}
			break;
		case 'l':
			format++;
			directive->length = LENGTH_LONG;
			if (*format == 'l') {
				format++;
				directive->length = LENGTH_LONG_LONG;
			}
			break;
		case 'z':
			format++;
			directive->length = LENGTH_SIZE;
			break;
		case 'j':
			format++;
			directive->length = LENGTH_INTMAX;
			break;
		case 't':
			format++;
			directive->length = LENGTH_PTRDIFF;
			break;
	}

	directive->conversion = *format;
	switch (*format) {
		case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
		case 'c': case 's': case 'p': case '%':
			*_format = format + 1;
			return true;
	}
	*_format = format;
	return false;
}


static intmax_t
fetch_signed(va_list *args, enum length_modifier length)
{
	switch (length) {
		case LENGTH_CHAR:
			return (signed char)va_arg(*args, int);
		case LENGTH_SHORT:
			return (short)va_arg(*args, int);
		case LENGTH_LONG:
			return va_arg(*args, long);
		case LENGTH_LONG_LONG:
			return va_arg(*args, long long);
		case LENGTH_SIZE:
			/* the signed type corresponding to size_t */
			return (intmax_t)(ptrdiff_t)va_arg(*args, size_t);
		case LENGTH_INTMAX:
			return va_arg(*args, intmax_t);
		case LENGTH_PTRDIFF:
			return va_arg(*args, ptrdiff_t);
		case LENGTH_NONE:
			break;
	}
	return va_arg(*args, int);
}


static uintmax_t
fetch_unsigned(va_list *args, enum length_modifier length)
{
	switch (length) {
		case LENGTH_CHAR:
			return (unsigned char)va_arg(*args, unsigned int);
		case LENGTH_SHORT:
			return (unsigned short)va_arg(*args, unsigned int);
		case LENGTH_LONG:
			return va_arg(*args, unsigned long);
		case LENGTH_LONG_LONG:
			return va_arg(*args, unsigned long long);
		case LENGTH_SIZE:
			return va_arg(*args, size_t);
		case LENGTH_INTMAX:
			return va_arg(*args, uintmax_t);
		case LENGTH_PTRDIFF:
			/* the unsigned type corresponding to ptrdiff_t */
			return (size_t)va_arg(*args, ptrdiff_t);
		case LENGTH_NONE:
			break;
	}
	return va_arg(*args, unsigned int);
}


/* Pads the body of a field to its width on the side the flags ask for. */
static void
output_padded(struct output *output, const struct directive *directive,
	const char *body, size_t length)
{
	int padding = 0;
	if ((size_t)directive->width > length)
		padding = directive->width - (int)length;

	if ((directive->flags & FLAG_LEFT) == 0)
		output_repeat(output, ' ', padding);
	output_string(output, body, length);
	if ((directive->flags & FLAG_LEFT) != 0)
		output_repeat(output, ' ', padding);
}


static void
format_integer(struct output *output, const struct directive *directive,
	uintmax_t magnitude, const char *sign)
{
	char digits[MAX_DIGITS];
	int digitCount = 0;
	unsigned base = 10;
	const char *alphabet = "0123456789abcdef";
	const char *prefix = sign;

	switch (directive->conversion) {
		case 'o':
			base = 8;
			break;
		case 'X':
			alphabet = "0123456789ABCDEF";
			/* fall through */
		case 'x':
		case 'p':
			base = 16;
			if (magnitude != 0 && ((directive->flags & FLAG_ALTERNATE) != 0
					|| directive->conversion == 'p'))
				prefix = directive->conversion == 'X' ? "0X" : "0x";
			break;
	}

	/* collected least significant first */
	while (magnitude != 0) {
		digits[digitCount++] = alphabet[magnitude % base];
		magnitude /= base;
	}

	int precision = directive->precision;
	/* Without a precision, zero still prints one digit. */
	if (precision < 0 && digitCount == 0)
		precision = 1;
	int zeros = precision > digitCount ? precision - digitCount : 0;
	/* '#' with 'o' makes the first digit a zero, adding one only if needed. */
	if (directive->conversion == 'o' && (directive->flags & FLAG_ALTERNATE) != 0
		&& zeros == 0 && (digitCount == 0 || digits[digitCount - 1] != '0'))
		zeros = 1;

	int prefixLength = (int)strlen(prefix);
	int length = prefixLength + zeros + digitCount;
	int padding = directive->width > length ? directive->width - length : 0;
	/* '0' pads with zeros after the sign, unless a precision is given. */
	if ((directive->flags & (FLAG_ZERO | FLAG_LEFT)) == FLAG_ZERO
		&& directive->precision < 0) {
		zeros += padding;
		padding = 0;
	}

	if ((directive->flags & FLAG_LEFT) == 0)
		output_repeat(output, ' ', padding);
	output_string(output, prefix, (size_t)prefixLength);
	output_repeat(output, '0', zeros);
	while (digitCount > 0)
		output_char(output, digits[--digitCount]);
	if ((directive->flags & FLAG_LEFT) != 0)
		output_repeat(output, ' ', padding);
}


static void
format_directive(struct output *output, const struct directive *directive, va_list *args)
{
	switch (directive->conversion) {
		case 'd':
		case 'i':
		{
			intmax_t value = fetch_signed(args, directive->length);
			/* negate in unsigned arithmetic: INTMAX_MIN has no positive twin */
			uintmax_t magnitude = value < 0 ? -(uintmax_t)value : (uintmax_t)value;
			const char *sign = "";
			if (value < 0)
				sign = "-";
			else if ((directive->flags & FLAG_PLUS) != 0)
				sign = "+";
			else if ((directive->flags & FLAG_SPACE) != 0)
				sign = " ";
			format_integer(output, directive, magnitude, sign);
			break;
		}

		case 'u':
		case 'x':
		case 'X':
		case 'o':
			format_integer(output, directive, fetch_unsigned(args, directive->length), "");
			break;

		case 'p':
		{
			void *pointer = va_arg(*args, void *);
			if (pointer == NULL) {
				output_padded(output, directive, "(nil)", 5);
				break;
			}
			format_integer(output, directive, (uintptr_t)pointer, "");
			break;
		}

		case 'c':
		{
			char c = (char)va_arg(*args, int);
			output_padded(output, directive, &c, 1);
			break;
		}

		case 's':
		{
			const char *string = va_arg(*args, const char *);
			if (string == NULL)
				string = "(null)";
			/* With a precision the string need not be terminated. */
			size_t length = directive->precision >= 0
				? strnlen(string, (size_t)directive->precision) : strlen(string);
			output_padded(output, directive, string, length);
			break;
		}

		case '%':
			output_char(output, '%');
			break;
	}
}


int
vsnprintf(char *buffer, size_t size, const char *format, va_list args)
{
	struct output output = { buffer, size, 0 };
	va_list argsCopy;

	/* a copy, so that helpers can take arguments through a pointer */
	va_copy(argsCopy, args);
	while (*format != '\0') {
		if (*format != '%') {
			output_char(&output, *format++);
			continue;
		}

		const char *start = format++;
		struct directive directive;
		if (!parse_directive(&format, &argsCopy, &directive)) {
			/* Unknown: copy it as written, so the mistake is visible. */
			output_string(&output, start, (size_t)(format - start));
			if (*format != '\0')
				output_char(&output, *format++);
			continue;
		}
		format_directive(&output, &directive, &argsCopy);
	}
	va_end(argsCopy);

	if (size > 0)
		buffer[output.count < size ? output.count : size - 1] = '\0';

	/* C99 has no way to report more than INT_MAX characters but failure. */
	if (output.count > INT_LIMIT)
		return -1;
	return (int)output.count;
}


int
snprintf(char *buffer, size_t size, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	int length = vsnprintf(buffer, size, format, args);
	va_end(args);
	return length;
}
