/* SPDX-License-Identifier: MIT */
/*
 * SHA-256's two block functions against each other: the architecture's, with
 * the CPU's instructions (arch_cpu_sha256_blocks), and the portable C, from
 * arbitrary states over runs of 0 to 40 blocks at every alignment, each
 * update counted into the path it was asked to take; and the architecture's
 * answer to whether the CPU has them against the kernel's.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <boot/arch_cpu.h>
#include <boot/sha2.h>

#include "sha2_private.h"
#include "test_crypto.h"

#define MAX_BLOCKS	40
#define ROUNDS		400

static uint32_t sRandomState = 0x0a11ce5u;
/* Calls of the CPU's block function (the Jamfile links it through this file's wrapper). */
static unsigned sCpuCalls;


size_t __real_arch_cpu_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t count);
size_t __wrap_arch_cpu_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t count);


size_t
__wrap_arch_cpu_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t count)
{
	sCpuCalls++;
	return __real_arch_cpu_sha256_blocks(state, data, count);
}


static uint32_t
test_random(void)
{
	sRandomState ^= sRandomState << 13;
	sRandomState ^= sRandomState >> 17;
	sRandomState ^= sRandomState << 5;
	return sRandomState;
}


/* Whether Linux lists flag among the boot CPU's (/proc/cpuinfo "flags"). */
static bool
test_cpuinfo_has(const char *flag)
{
	FILE *file = fopen("/proc/cpuinfo", "r");
	CHECK(file != NULL);
	char line[4096];
	bool found = false;
	while (!found && fgets(line, sizeof(line), file) != NULL) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		for (char *word = strtok(strchr(line, ':') + 1, " \n"); word != NULL;
				word = strtok(NULL, " \n")) {
			if (strcmp(word, flag) == 0)
				found = true;
		}
		break;
	}
	fclose(file);
	return found;
}


/*
 * A wrong CPUID bit would quietly leave the portable path on everywhere (or
 * fault on CPUs without the instructions): the architecture must agree with
 * the kernel's reading of the same CPU.
 */
TEST(sha256_cpu_instructions_as_the_kernel_sees_them)
{
#if defined(__x86_64__)
	bool expected = test_cpuinfo_has("sha_ni") && test_cpuinfo_has("ssse3")
		&& test_cpuinfo_has("sse4_1");
#elif defined(__aarch64__)
	bool expected = test_cpuinfo_has("sha2") && test_cpuinfo_has("asimd");
#else
	bool expected = arch_cpu_sha256_instructions() != NULL;
#endif
	const char *instructions = arch_cpu_sha256_instructions();
	CHECK_EQ(instructions != NULL, expected);
	printf("  SHA-256 block function: %s\n",
		instructions != NULL ? instructions : "portable C only (no CPU instructions)");
}


/*
 * Whole blocks only, as sha2_absorb hands them over, from a random state:
 * the CPU's path, the hook called directly, and the C must agree. Each run
 * sits at the end of its own allocation, at a random misalignment, so that
 * AddressSanitizer sees any read past the last block.
 */
TEST(sha256_cpu_blocks_match_portable)
{
	if (arch_cpu_sha256_instructions() == NULL) {
		printf("  no SHA-256 instructions on this CPU: the portable path only\n");
		return;
	}
	for (int round = 0; round < ROUNDS; round++) {
		size_t count = test_random() % (MAX_BLOCKS + 1);
		size_t offset = test_random() % 16;
		size_t size = offset + count * SHA256_BLOCK_SIZE;
		uint8_t *memory = malloc(size > 0 ? size : 1);
		CHECK(memory != NULL);
		uint8_t *data = memory + offset;
		for (size_t i = 0; i < count * SHA256_BLOCK_SIZE; i++)
			data[i] = (uint8_t)test_random();

		sha256_context cpu, portable;
		sha256_init(&cpu);
		for (int i = 0; i < 8; i++)
			cpu.state[i] = test_random();
		portable = cpu;
		uint32_t direct[8];
		memcpy(direct, cpu.state, sizeof(direct));

		/* Each update takes the path asked for: the CPU's once, or never. */
		sha256_force_portable(false);
		unsigned calls = sCpuCalls;
		sha256_update(&cpu, data, count * SHA256_BLOCK_SIZE);
		CHECK_EQ(sCpuCalls, calls + (count > 0));
		sha256_force_portable(true);
		calls = sCpuCalls;
		sha256_update(&portable, data, count * SHA256_BLOCK_SIZE);
		CHECK_EQ(sCpuCalls, calls);
		sha256_force_portable(false);
		CHECK_EQ(arch_cpu_sha256_blocks(direct, data, count), count);

		if (memcmp(cpu.state, portable.state, sizeof(cpu.state)) != 0
			|| memcmp(direct, portable.state, sizeof(direct)) != 0) {
			unit_fail(__FILE__, __LINE__,
				"%zu blocks at offset %zu: the CPU's state differs from the C's", count, offset);
		}
		free(memory);
	}
}
