# SPDX-License-Identifier: MIT
"""The other CPUs (docs/smp.md), under OVMF on x86_64 and AAVMF on arm64:
started from the ACPI MADT (INIT-SIPI-SIPI; PSCI CPU_ON), parked on their
mailboxes, released by the boot-check kernel and reporting in; listed but
left alone under disable_smp; on arm64 under disable_acpi, taken from the
device tree where the firmware gave one. Six boots here; tests/boot/matrix.py
boots each arm64 row (U-Boot's from the device tree) and `jam boot-matrix`
sweeps -smp 1, 2, 4 and 8 and both options on x86_64."""

import re

import pytest

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


# How each port starts its CPUs: the firmware, the log line that says the
# port found its way, and where the start-up page must lie.
STARTS = {
    "x86_64": dict(extra={}, found=r"efi: the local APIC is in xAPIC mode",
        page_limit=0x100000),
    # EL2 (virtualization=on): PSCI is QEMU's, reached through SMC.
    "arm64": dict(extra=dict(machine="virt,virtualization=on", cpu="max", memory="1G"),
        found=r"efi: PSCI through SMC", page_limit=1 << 48),
}


@pytest.mark.parametrize("port", [ports.X86_64, ports.ARM64], ids=lambda port: port.name)
def test_four_cpus_start_park_and_report_in(log_path, port):
    start = STARTS[port.name]
    result = boot(port.image("boot.img"), log_path, port=port, extra=["-smp", "4"],
        **start["extra"])
    log = result.log
    assert result.returncode == PASS and "BOOTCHECK PASS" in log, result.tail()
    assert "efi: the MADT lists 4 CPU(s)" in log
    assert re.search(start["found"], log, re.M), result.tail()
    # The start-up page comes from the firmware and stays the loader's in
    # the kernel's memory map until the CPUs are released.
    page = re.search(r"^efi: start-up page for the other CPUs at 0x([0-9a-f]+)$", log, re.M)
    assert page, result.tail()
    address = int(page.group(1), 16)
    assert address % 4096 == 0 and 0 < address < start["page_limit"]
    assert memory_type_at(log, address) == "loader-reclaimable", result.tail()
    assert "smp: 4 of 4 CPUs running" in log
    cpus = CPU_LINE.findall(log)
    assert [(int(i), int(h, 16), s) for i, h, s, *_ in cpus] == \
        [(0, 0, "boot"), (1, 1, "started"), (2, 2, "started"), (3, 3, "started")]
    for check in ("cpus", "cpus_firmware", "cpu_stacks", "cpus_released"):
        assert f"CHECK {check}: ok" in log, result.tail()
    assert "cpus: 4 of 4 CPUs reported in" in log


@pytest.mark.parametrize("port", [ports.X86_64, ports.ARM64], ids=lambda port: port.name)
def test_disable_smp_lists_the_cpus_and_starts_none(log_path, port):
    result = boot(port.image("smp-off.img"), log_path, port=port, extra=["-smp", "2"])
    log = result.log
    assert result.returncode == PASS and "BOOTCHECK PASS" in log, result.tail()
    assert "smp: 2 CPUs, disable_smp: the boot CPU only" in log
    assert "start-up page" not in log
    states = [s for _, _, s, *_ in CPU_LINE.findall(log)]
    assert states == ["boot", "disabled"]
    assert "cpus: 1 of 2 CPUs reported in" in log


@pytest.mark.parametrize("firmware, listed", [("aavmf", 1), ("u-boot", 2)])
def test_disable_acpi_leaves_arm64_only_the_device_tree(log_path, firmware, listed):
    """AAVMF hands over ACPI and no device tree: under disable_acpi the
    loader reads no MADT and starts the boot CPU alone. U-Boot hands over a
    device tree, which disable_acpi leaves to be read."""
    result = boot(ports.ARM64.image("acpi-off.img"), log_path, port=ports.ARM64,
        firmware=firmware, extra=["-smp", "2"])
    log = result.log
    assert result.returncode == PASS and "BOOTCHECK PASS" in log, result.tail()
    if firmware == "aavmf":
        assert "efi: disable_acpi: the MADT is not read" in log
        assert "smp: one CPU" in log
    else:
        assert "efi: the device tree lists 2 CPU(s)" in log
    assert f"cpus: {listed} of {listed} CPUs reported in" in log
    assert "CHECK cpus_firmware: ok" in log, result.tail()
