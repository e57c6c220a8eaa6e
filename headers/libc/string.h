/* SPDX-License-Identifier: MIT */
/*
 * The freestanding subset of <string.h> boot code uses.
 */
#ifndef BOOT_LIBC_STRING_H
#define BOOT_LIBC_STRING_H

#include <stddef.h>

void *memcpy(void *dest, const void *source, size_t length);
void *memmove(void *dest, const void *source, size_t length);
void *memset(void *dest, int value, size_t length);
int memcmp(const void *a, const void *b, size_t length);
void *memchr(const void *buffer, int value, size_t length);

size_t strlen(const char *string);
size_t strnlen(const char *string, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t length);
char *strchr(const char *string, int character);
char *strrchr(const char *string, int character);

#endif
