/* SPDX-License-Identifier: MIT */
/*
 * What the x86_64 page tables ask of the CPU, apart from paging.c so that
 * the unit tests can build tables for CPUs with and without NX and 1 GiB
 * pages on whatever machine runs them.
 */
#ifndef BOOT_ARCH_X86_64_PAGING_H
#define BOOT_ARCH_X86_64_PAGING_H

#include <stdint.h>

/* EDX of CPUID leaf 0x80000001 (X86_CPUID_NO_EXECUTE, X86_CPUID_1GB_PAGES). */
uint32_t x86_paging_features(void);

#endif
