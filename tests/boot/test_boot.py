# SPDX-License-Identifier: MIT
"""QEMU boots of the real image and of images with broken kernels, on every
port (tests/boot/ports.py): the generic loader's behaviour, which every port
must show alike. What is about x86_64 and OVMF alone says so."""

import os
import re
import subprocess

import pytest

import ports
import qemu
from contents import contents_problems, disk_boot_device
from qemu import PASS, boot

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAKE_IMAGE = os.path.join(TOP, "build", "scripts", "make-image")

every_port = pytest.mark.parametrize("port", ports.ALL, ids=ports.ids)


@every_port
def test_boot_reaches_kernel_and_passes_checks(port, log_path):
    result = boot(port.image("boot.img"), log_path, port=port)
    assert not result.timed_out, result.tail()
    assert "BOOTCHECK PASS" in result.log, result.tail()
    assert result.returncode == PASS, result.tail()
    # The loader's own story, in order, as the kernel saw it in the log.
    for line in ("boot: generic loader started", "boot: kernel /boot/kernel loaded",
            "boot: starting kernel /boot/kernel"):
        assert line in result.log, result.tail()
    assert "FAIL" not in result.log, result.tail()
    assert not port.exception_in(result.log), result.tail()
    # Memory holds the kernel file: its read-only segments and symbol tables.
    assert contents_problems(result.log, port.kernel) == []
    # The kernel knows the partition it came from.
    image = os.path.join(qemu.IMAGES, port.image("boot.img"))
    assert disk_boot_device(image) in result.log.splitlines(), result.tail()
    assert "CHECK boot_device: ok" in result.log
    # The kernel is handed the heap the firmware gave, all of it.
    heap = re.search(r"^efi: heap at (0x[0-9a-f]+), (\d+) KiB$", result.log, re.M)
    given = re.search(r"^loader heap: (0x[0-9a-f]+) - (0x[0-9a-f]+) \(given back\)$",
        result.log, re.M)
    assert heap and given, result.tail()
    start = int(heap[1], 16)
    assert (int(given[1], 16), int(given[2], 16)) == (start, start + int(heap[2]) * 1024)


@pytest.mark.parametrize("layout", ["fat-partition", "tar-partition"])
@every_port
def test_kernel_on_a_partition_other_than_the_esp(port, layout, log_path):
    result = boot(port.image(f"boot-{layout}.img"), log_path, port=port)
    assert "BOOTCHECK PASS" in result.log, result.tail()
    assert result.returncode == PASS, result.tail()
    # The ESP is searched first and has no kernel; partition 2 has it.
    fs = {"fat-partition": "fat", "tar-partition": "tar"}[layout]
    assert f"vol1: disk0p2, {fs}" in result.log, result.tail()


@every_port
def test_boot_disk_is_second_while_the_first_has_no_bootable_volume(port, log_path):
    # blank.img comes first: a FAT ESP without loader or kernel.
    result = boot(port.image("boot.img"), log_path, first_disk="blank.img", port=port)
    assert "BOOTCHECK PASS" in result.log, result.tail()
    assert result.returncode == PASS, result.tail()
    # The loader knows where it came from and searches there first.
    assert "efi: disk1: 131072 blocks of 512 bytes, the boot disk" in result.log
    assert "vol1: disk1p1, fat FAT32, label \"ESP\", boot volume" in result.log


NOT_BOOTABLE = "kernel /boot/kernel is not bootable: "

# Each broken kernel must produce this message (fn(port) giving it) and never
# reach the kernel. wrong-machine is the port's own kernel claiming the other
# architecture; foreign-kernel the other port's real kernel.
BAD_KERNELS = {
    "missing-kernel": lambda port: "cannot load the kernel: /boot/kernel: not found on any volume",
    "truncated-kernel": lambda port: NOT_BOOTABLE + "program headers past end of file",
    "not-elf": lambda port: NOT_BOOTABLE + "bad ELF magic",
    "wrong-machine": lambda port: NOT_BOOTABLE + port.wrong_machine,
    "foreign-kernel": lambda port: NOT_BOOTABLE + port.wrong_machine,
    "outside-window": lambda port: NOT_BOOTABLE + "segment outside the kernel window",
}


@pytest.mark.parametrize("variant", sorted(BAD_KERNELS))
@every_port
def test_bad_kernel_is_reported_and_not_entered(port, variant, log_path):
    # The loader goes back to its menu, which waits for a key: the boot ends
    # once the menu's last line is on the serial line.
    message = BAD_KERNELS[variant](port)
    result = boot(port.image(f"bad-{variant}.img"), log_path, timeout=90,
        until=r"m video mode", port=port)
    assert not result.timed_out, result.tail()
    before_menu, _, menu = result.log.partition("Boot menu")
    # Said once, whole (the line ends there): the console and the debug line
    # must not both reach the serial port.
    assert len(re.findall(rf"^boot: {re.escape(message)}$", before_menu, re.M)) == 1, \
        result.tail()
    # The menu says it again, still on the entry that failed.
    assert "Error: " + message in menu, result.tail()
    assert "> 1. Default" in menu, result.tail()
    assert "BOOTCHECK" not in result.log
    assert "starting kernel" not in result.log
    # A CPU exception would have the firmware dump registers on the serial line.
    assert not port.exception_in(result.log), result.tail()

TIMELINE_STEP = re.compile(r"^ +\d+\.\d{3} ms  \+ *\d+\.\d{3} ms  (.*)$", re.M)


# x86_64 alone: NX and 1 GiB pages are x86 CPU features.
@pytest.mark.parametrize("cpu, huge_pages, no_execute", [
    ("qemu64,+pdpe1gb", "yes", "yes"),
    ("qemu64,-nx", "no", "no"),
])
def test_page_tables_follow_the_cpu(cpu, huge_pages, no_execute, log_path):
    # The default CPU has NX but no 1 GiB pages; these cover the other cases.
    result = boot("boot.img", log_path, extra=("-cpu", cpu))
    assert "BOOTCHECK PASS" in result.log, result.tail()
    assert result.returncode == PASS, result.tail()
    assert f"NX {no_execute}, 1 GiB pages {huge_pages}" in result.log, result.tail()
    for check in ("cpu_protection", "segment_permissions", "data_permissions",
            "physical_map_pages", "large_pages", "stack_guard"):
        assert f"CHECK {check}: ok" in result.log, result.tail()

    # The timeline as the kernel printed it, every step in its place.
    steps = TIMELINE_STEP.findall(result.log)
    kernel = os.path.getsize(ports.X86_64.kernel)
    # The packed loader's start-up program first (docs/packing.md).
    assert steps == ["start-up program", "loader entry", "console ready", "heap ready",
        "volumes ready", f"kernel loaded ({kernel} bytes)", "page tables built",
        "ExitBootServices", "kernel entry"], result.tail(80)
    assert re.search(r"boot timeline: 9 events, cycle counter \d+ Hz", result.log)
    assert re.search(r'\[0\] symbols "\.symtab" .*\n  \[1\] strings "\.strtab"', result.log)
    assert "CHECK kernel_symbols: ok" in result.log, result.tail()


# x86_64 alone: arm64's counter states its rate (CNTFRQ_EL0); the TSC's is measured.
def test_the_tsc_rate_is_measured_against_the_acpi_pm_timer(log_path):
    """Under QEMU's instruction counter the TSC counts exactly 1 GHz of virtual
    time, so the rate the kernel is handed can be held against the truth:
    measured against Stall() alone (three windows of 3 ms) it was 32 parts per
    million off (1,000,032,333 Hz); against the ACPI PM timer from the loader's
    start to the kernel's, each end taken as the timer ticks, within 5."""
    result = boot("boot.img", log_path, extra=["-icount", "shift=0,sleep=off"], timeout=300)
    assert "BOOTCHECK PASS" in result.log, result.tail()
    assert result.returncode == PASS, result.tail()
    rate = re.search(r"^boot timeline: \d+ events, cycle counter (\d+) Hz$", result.log, re.M)
    assert rate, result.tail()
    assert abs(int(rate[1]) - 1_000_000_000) <= 5000, rate[0]


@every_port
def test_load_options_become_the_kernel_command_line(port, tmp_path, log_path):
    # The UEFI shell runs startup.nsh when no boot option has a loader, and
    # hands the loader its command line (UCS-2) as load options.
    script = tmp_path / "startup.nsh"
    script.write_bytes("\ufefffs0:\r\n\\EFI\\test\\loader.efi quiet name=Grüße\r\n"
        .encode("utf-16-le"))
    image = tmp_path / "shell.img"
    subprocess.run([MAKE_IMAGE, "--layout", "blank",
        "--extra-file", f"{port.loader}:/EFI/test/loader.efi",
        "--extra-file", f"{port.kernel}:/boot/kernel",
        "--extra-file", f"{script}:/startup.nsh", str(image)], check=True,
        capture_output=True)
    result = boot(str(image), log_path, timeout=150, port=port)
    assert "BOOTCHECK PASS" in result.log, result.tail()
    # All of the load options, the program's path included, in UTF-8.
    assert 'command line: "\\EFI\\test\\loader.efi quiet name=Grüße"' in result.log, \
        result.tail()
    assert "CHECK command_line: ok" in result.log


@every_port
def test_verbose_configuration_boots_and_says_each_line_once(port, log_path):
    # Debug lines on the firmware console must stop before the final memory
    # map: a console write there can allocate and spoil ExitBootServices.
    result = boot(port.image("verbose.img"), log_path, port=port)
    assert "BOOTCHECK PASS" in result.log, result.tail()
    assert result.returncode == PASS, result.tail()
    assert result.log.count("boot: read /boot/kernel") == 1, result.tail()


@every_port
def test_module_damaged_on_disk_is_caught_by_comparing_with_the_file(port, tmp_path,
        log_path):
    # Two modules; one byte of the second is flipped in the disk image, behind
    # the file system's back. Loader and kernel cannot tell: only the CRC the
    # kernel reports from memory, set against the file, can.
    intact = tmp_path / "intact.bin"
    intact.write_bytes(bytes((i * 7 + (i >> 9)) & 0xff for i in range(4 << 20)))
    damaged = tmp_path / "damaged.bin"
    damaged.write_bytes(bytes((i * 13 + (i >> 8)) & 0xff for i in range(100_000)))
    config = tmp_path / "loader.cfg"
    config.write_text('timeout = 0\nentry "Modules" {\n\tkernel = /boot/kernel\n'
        '\tmodule = /boot/modules/intact.bin\n\tmodule = /boot/modules/damaged.bin\n}\n')
    image = tmp_path / "modules.img"
    subprocess.run([MAKE_IMAGE,
        "--extra-file", f"{intact}:/boot/modules/intact.bin",
        "--extra-file", f"{damaged}:/boot/modules/damaged.bin",
        "--extra-file", f"{config}:/boot/loader.cfg",
        str(image), port.loader, port.kernel], check=True, capture_output=True)
    disk = bytearray(image.read_bytes())
    where = disk.find(damaged.read_bytes())
    assert where >= 0
    disk[where + 77_777] ^= 0x01
    image.write_bytes(disk)

    result = boot(str(image), log_path, port=port)
    assert "BOOTCHECK PASS" in result.log, result.tail()
    problems = contents_problems(result.log, port.kernel, {
        "/boot/modules/intact.bin": intact, "/boot/modules/damaged.bin": damaged})
    assert len(problems) == 1 and problems[0].startswith("module /boot/modules/damaged.bin:"), \
        problems
