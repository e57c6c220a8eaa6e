/* SPDX-License-Identifier: MIT */
/*
 * Shell-style pattern matching for entry ids, without recursion: a '*'
 * remembers where it was, and a mismatch after it retries one byte later.
 */
#include <boot/pattern.h>

#include <string.h>


static char
pattern_fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}


bool
pattern_is_pattern(const char *pattern)
{
	return strchr(pattern, '*') != NULL || strchr(pattern, '?') != NULL
		|| strchr(pattern, '[') != NULL;
}


/* The character at *_pattern, '\' taking the next as it is; *_pattern moves past it. */
static char
pattern_literal(const char **_pattern)
{
	const char *p = *_pattern;
	if (*p == '\\' && p[1] != '\0')
		p++;
	*_pattern = p + 1;
	return *p;
}


static bool
pattern_in_range(char c, char low, char high)
{
	char folded = pattern_fold(c);
	return (c >= low && c <= high)
		|| (folded >= pattern_fold(low) && folded <= pattern_fold(high));
}


/*
 * Whether c is in the set that starts after '[' at *_pattern; *_pattern
 * moves past its ']'. False, with *_pattern unmoved, for a set without
 * one: its '[' is then a character like any other.
 */
static bool
pattern_set(const char **_pattern, char c, bool *_matched)
{
	const char *p = *_pattern;
	bool negated = *p == '!' || *p == '^';
	if (negated)
		p++;
	/* a ']' first is one of the set */
	const char *first = p;
	bool matched = false;
	while (*p != '\0' && (*p != ']' || p == first)) {
		char low = pattern_literal(&p);
		char high = low;
		if (*p == '-' && p[1] != ']' && p[1] != '\0') {
			p++;
			high = pattern_literal(&p);
		}
		matched |= pattern_in_range(c, low, high);
	}
	if (*p != ']')
		return false;
	*_pattern = p + 1;
	*_matched = matched != negated;
	return true;
}


/* Whether c matches the element at *_pattern, not '*' nor the end; *_pattern moves past it. */
static bool
pattern_element(const char **_pattern, char c)
{
	if (**_pattern == '?') {
		(*_pattern)++;
		return true;
	}
	if (**_pattern == '[') {
		const char *set = *_pattern + 1;
		bool matched;
		if (pattern_set(&set, c, &matched)) {
			*_pattern = set;
			return matched;
		}
	}
	return pattern_fold(pattern_literal(_pattern)) == pattern_fold(c);
}


bool
pattern_match(const char *pattern, const char *text)
{
	const char *star = NULL;		/* after the last '*' seen */
	const char *retry = NULL;		/* where text resumes after it */
	while (*text != '\0') {
		if (*pattern == '*') {
			star = ++pattern;
			retry = text;
			continue;
		}
		const char *next = pattern;
		if (*pattern != '\0' && pattern_element(&next, *text)) {
			pattern = next;
			text++;
		} else if (star != NULL) {
			pattern = star;
			text = ++retry;
		} else
			return false;
	}
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}
