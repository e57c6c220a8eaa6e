# SPDX-License-Identifier: MIT
"""The other CPUs under OVMF on x86_64 (docs/smp.md): started from the ACPI
MADT through INIT-SIPI-SIPI, parked on their mailboxes, released by the
boot-check kernel and reporting in; and listed but left alone under
disable_smp. Two boots here; `jam boot-matrix` sweeps -smp 1, 2, 4 and 8 and
both options (tests/boot/matrix.py)."""

import re

import ports
from qemu import PASS, boot

CPU_LINE = re.compile(r"^  cpu (\d+): id (0x[0-9a-f]+|0) (\w+), stack (0x[0-9a-f]+|0) - "
    r"(0x[0-9a-f]+|0), mailbox (0x[0-9a-f]+|0)$", re.M)
MEMORY_MAP_LINE = re.compile(r"^  \[ *\d+\] 0x([0-9a-f]+) - 0x([0-9a-f]+) +\d+ [KMG]iB  (.+)$",
    re.M)


def memory_type_at(log, address):
    """The type the kernel's typed memory map gives the page at address."""
    for start, end, kind in MEMORY_MAP_LINE.findall(log):
        if int(start, 16) <= address < int(end, 16):
            return kind.strip()
    return None


def test_four_cpus_start_park_and_report_in(log_path):
    result = boot(ports.X86_64.image("boot.img"), log_path, extra=["-smp", "4"])
    log = result.log
    assert result.returncode == PASS and "BOOTCHECK PASS" in log, result.tail()
    assert "efi: the MADT lists 4 CPU(s)" in log
    assert "efi: the local APIC is in xAPIC mode" in log
    # The start-up page comes from the firmware below 1 MiB and stays the
    # loader's in the kernel's memory map until the CPUs are released.
    page = re.search(r"^efi: start-up page for the other CPUs at 0x([0-9a-f]+)$", log, re.M)
    assert page, result.tail()
    address = int(page.group(1), 16)
    assert address % 4096 == 0 and 0 < address < 0x100000
    assert memory_type_at(log, address) == "loader-reclaimable", result.tail()
    assert "smp: 4 of 4 CPUs running" in log
    cpus = CPU_LINE.findall(log)
    assert [(int(i), int(h, 16), s) for i, h, s, *_ in cpus] == \
        [(0, 0, "boot"), (1, 1, "started"), (2, 2, "started"), (3, 3, "started")]
    for check in ("cpus", "cpu_stacks", "cpus_released"):
        assert f"CHECK {check}: ok" in log, result.tail()
    assert "cpus: 4 of 4 CPUs reported in" in log


def test_disable_smp_lists_the_cpus_and_starts_none(log_path):
    result = boot(ports.X86_64.image("smp-off.img"), log_path, extra=["-smp", "2"])
    log = result.log
    assert result.returncode == PASS and "BOOTCHECK PASS" in log, result.tail()
    assert "smp: 2 CPUs, disable_smp: the boot CPU only" in log
    assert "start-up page" not in log
    states = [s for _, _, s, *_ in CPU_LINE.findall(log)]
    assert states == ["boot", "disabled"]
    assert "cpus: 1 of 2 CPUs reported in" in log
