/* SPDX-License-Identifier: MIT */
/*
 * The boot-check kernel's output on arm64: the UART the loader names in
 * kernel_args (a PL011 or a 16550 with 32-bit registers), reached through
 * the physical map, and leaving QEMU through semihosting or PSCI.
 */
#include "../../kernel.h"

#include "arm64_cpu.h"


/*
 * How the code reaches the test runner: with -semihosting, QEMU exits with
 * status code itself (16 for KERNEL_EXIT_PASS, 17 for KERNEL_EXIT_FAIL).
 * Without it the semihosting call is undefined and skipped, and PSCI
 * SYSTEM_OFF ends QEMU with status 0: runners then read the verdict on the
 * serial line. Without PSCI the kernel waits for interrupts forever, so
 * runners need a timeout.
 */

#define PL011_DATA				0x00
#define PL011_FLAGS				0x18
#define PL011_FLAG_BUSY			(1U << 3)
#define PL011_FLAG_TX_FULL		(1U << 5)

/* 16550 registers are 4 bytes apart on mmio32 UARTs. */
#define UART16550_DATA			(0 * 4)
#define UART16550_LINE_STATUS	(5 * 4)
#define UART16550_TX_EMPTY		(1U << 5)	/* THRE: room for a byte */
#define UART16550_TX_IDLE		(1U << 6)	/* TEMT: everything sent */

/* The register window the kernel touches, which must lie inside the physical map. */
#define UART_WINDOW				0x1000

/* A missing or stuck UART must not hang the kernel before it can exit. */
static const uint32_t kTransmitPollLimit = 1000000;

/*
 * In .data, not .bss: an exception before the .bss check may already print,
 * and .bss is only known to be zero after it.
 */
static volatile uint32_t *sUart __attribute__((section(".data")));
static uint32_t sUartKind __attribute__((section(".data")));


static uint32_t
uart_read(uint32_t offset)
{
	return sUart[offset / sizeof(uint32_t)];
}


static void
uart_write(uint32_t offset, uint32_t value)
{
	sUart[offset / sizeof(uint32_t)] = value;
}


/* Wait until the UART has room (or, with idle, has sent everything); false if it never does. */
static bool
uart_wait(bool idle)
{
	for (uint32_t i = 0; i < kTransmitPollLimit; i++) {
		if (sUartKind == ARM64_UART_PL011) {
			uint32_t flags = uart_read(PL011_FLAGS);
			if ((flags & (idle ? PL011_FLAG_BUSY : PL011_FLAG_TX_FULL)) == 0)
				return true;
		} else {
			uint32_t status = uart_read(UART16550_LINE_STATUS);
			if ((status & (idle ? UART16550_TX_IDLE : UART16550_TX_EMPTY)) != 0)
				return true;
		}
	}
	return false;
}


static void
uart_put(uint8_t byte)
{
	if (!uart_wait(false))
		return;
	uart_write(sUartKind == ARM64_UART_PL011 ? PL011_DATA : UART16550_DATA, byte);
}


/*
 * The loader (or the firmware before it) programmed the UART's line
 * settings: the kernel only writes bytes. An address outside the physical
 * map would fault, so such a UART stays silent, as does kind NONE.
 */
void
serial_init(const kernel_args *args)
{
	sUart = NULL;
	if (args == NULL)
		return;
	uint32_t kind = args->arch_args.uart_kind;
	uint64_t physical = args->arch_args.uart_physical;
	uint64_t mapSize = args->physical_map_size;
	if (kind != ARM64_UART_PL011 && kind != ARM64_UART_16550)
		return;
	if (physical % sizeof(uint32_t) != 0 || mapSize < UART_WINDOW
		|| physical > mapSize - UART_WINDOW) {
		return;
	}
	sUartKind = kind;
	sUart = (volatile uint32_t *)(uintptr_t)(KERNEL_PHYSICAL_MAP_BASE + physical);
}


void
serial_write(const char *text, size_t length)
{
	if (sUart == NULL)
		return;
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '\n')
			uart_put('\r');
		uart_put((uint8_t)text[i]);
	}
}


void
kernel_exit(uint8_t code)
{
	/* The verdict must be on the wire before the machine goes. */
	if (sUart != NULL)
		uart_wait(true);

	const uint64_t parameters[2] = { ARM64_SEMIHOSTING_APPLICATION_EXIT, code };
	arm64_semihosting_call(ARM64_SEMIHOSTING_SYS_EXIT, parameters);

	/* QEMU's virt machine answers PSCI with smc when the CPU has EL2, else with hvc. */
	uint64_t pfr0 = ARM64_READ_SYSREG(ID_AA64PFR0_EL1);
	if (((pfr0 >> ARM64_PFR0_EL2_SHIFT) & ARM64_PFR0_EL_MASK) != 0)
		arm64_psci_call_smc(ARM64_PSCI_SYSTEM_OFF);
	else
		arm64_psci_call_hvc(ARM64_PSCI_SYSTEM_OFF);

	for (;;)
		__asm__ volatile("wfi");
}
