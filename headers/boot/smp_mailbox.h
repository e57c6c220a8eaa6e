/* SPDX-License-Identifier: MIT */
/*
 * kernel_cpu_mailbox (boot/kernel_args.h) as the architectures' wait loops
 * read it in assembly: the offsets and states of the ABI, which
 * src/system/boot/loader/smp.c holds against the structure.
 */
#ifndef BOOT_SMP_MAILBOX_H
#define BOOT_SMP_MAILBOX_H

#define SMP_MAILBOX_ENTRY			0
#define SMP_MAILBOX_ARGUMENT		8
#define SMP_MAILBOX_STACK_TOP		16
#define SMP_MAILBOX_HARDWARE_ID		24
#define SMP_MAILBOX_CPU_INDEX		32
#define SMP_MAILBOX_STATE			36
#define SMP_MAILBOX_PARKED			1
#define SMP_MAILBOX_RELEASED		2

#endif
