# SPDX-License-Identifier: MIT
"""QEMU + OVMF boots that check what the firmware hands over: ACPI, SMBIOS,
EFI runtime services, the boot CPU and the framebuffer, on machines with
different memory sizes, CPUs and displays, plus a screenshot of the test
pattern the kernel draws."""

import datetime
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from qemu import IMAGES, LOGS, PASS, RUN_QEMU, boot, read_log
from screen import Qmp, read_ppm, write_png

# id: (memory, extra QEMU arguments). qemu64 has no 1 GiB pages, max (all
# that TCG emulates) has them; "-vga none" leaves OVMF without a GOP; the
# 64-bit SMBIOS entry point is only made on request.
MACHINES = {
    "128M-qemu64-no-vga": ("128M", ["-cpu", "qemu64", "-vga", "none"]),
    "1G-max-smbios3": ("1G", ["-cpu", "max", "-machine", "smbios-entry-point-type=64"]),
    "4G-qemu64": ("4G", ["-cpu", "qemu64"]),
    "8G-max": ("8G", ["-cpu", "max"]),
}

# The kernel's colour bars from the left, as RGB (checks_framebuffer.c).
BARS = [(255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 255, 0),
    (255, 0, 255), (255, 0, 0), (0, 0, 255), (0, 0, 0)]


def assert_firmware_passed(log):
    """What every machine must hand over, whatever its display."""
    assert "BOOTCHECK PASS" in log, log[-3000:]
    for check in ("acpi_rsdp", "acpi_tables", "smbios", "boot_cpu_id",
            "framebuffer", "efi_tables", "efi_get_time"):
        assert f"CHECK {check}: ok" in log, check
    # The XSDT of ACPI 2.0 and later, as QEMU's q35 tables have it.
    assert re.search(r"^firmware: ACPI RSDP 0x[0-9a-f]+ revision 2, ", log, re.M)
    assert re.search(r"^acpi: XSDT 0x[0-9a-f]+, OEM \"BOCHS \", \d+ tables: FACP APIC",
        log, re.M)
    assert re.search(r"^smbios: \d+\.\d+ entry point 0x[0-9a-f]+, table 0x[0-9a-f]+, "
        r"\d+ bytes, \d+ structures, BIOS vendor \"EFI Development Kit II / OVMF\"$",
        log, re.M)
    # SetVirtualAddressMap worked and the runtime services answer from there.
    assert re.search(r"^efi: system table 0xffff8000[0-9a-f]+, runtime services "
        r"0xffff8000[0-9a-f]+, memory map 0x[0-9a-f]+ \(\d+ bytes, 48-byte descriptors, "
        r"version 1\)$", log, re.M)
    time_line = re.search(r"^efi: GetTime (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)", log,
        re.M)
    assert time_line, "GetTime printed no time"
    # QEMU's RTC starts at the host's time.
    assert abs(int(time_line.group(1)) - datetime.datetime.now().year) <= 1, time_line[0]
    assert "X64 Exception" not in log and "EXCEPTION" not in log


@pytest.mark.parametrize("machine", sorted(MACHINES))
def test_firmware_is_handed_over(machine, log_path):
    memory, extra = MACHINES[machine]
    result = boot("boot.img", log_path, memory=memory, extra=extra)
    assert not result.timed_out, result.tail()
    assert result.returncode == PASS, result.tail()
    assert_firmware_passed(result.log)

    if "none" in extra:
        # No GOP is a valid state: nothing to draw, nothing may claim a framebuffer.
        assert "efi: no graphics output: the kernel gets no framebuffer" in result.log
        assert re.search(r"^framebuffer: none$", result.log, re.M)
        assert "CHECK framebuffer_pattern: skipped (no framebuffer)" in result.log
    else:
        assert re.search(r"^framebuffer: 1280x800, 32 bpp, 5120 bytes per line, "
            r"0xffff8000[0-9a-f]+ \(physical 0x[0-9a-f]+\)", result.log, re.M)
        assert "framebuffer: pattern drawn, 8 colour bars on 1280x800" in result.log
        assert "CHECK framebuffer_pattern: ok" in result.log

    # The CPU models differ where it matters: the physical map's 1 GiB pages
    # that hold runtime code are split for it to become executable.
    huge_pages = "yes" if "max" in extra else "no"
    assert re.search(rf"^cpu: .*1 GiB pages {huge_pages}$", result.log, re.M), machine

    if "smbios-entry-point-type=64" in extra:
        assert re.search(r"^smbios: 3\.\d+ 64-bit entry point 0x[0-9a-f]+", result.log, re.M)

    # The physical map reaches the end of RAM, however much there is.
    memory_end = int(re.search(r"boot: memory ends at (0x[0-9a-f]+)", result.log)[1], 16)
    map_size = int(re.search(r"^physical map: base 0x[0-9a-f]+ size (0x[0-9a-f]+)",
        result.log, re.M)[1], 16)
    assert map_size >= memory_end >= int(memory[:-1]) << (30 if memory[-1] == "G" else 20)


def wait_for(pattern, log_path, process, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if re.search(pattern, read_log(log_path)):
            return True
        time.sleep(0.05)
    return bool(re.search(pattern, read_log(log_path)))


def test_screenshot_shows_the_test_pattern(log_path):
    """The kernel holds the screen (fw_cfg opt/bootcheck/hold-ms) after its
    verdict; the screenshot is taken then, and a key press ends the hold."""
    png_path = log_path.replace(".serial.log", ".png")
    if os.path.exists(png_path):
        os.unlink(png_path)
    if os.path.exists(log_path):
        os.unlink(log_path)
    run_dir = tempfile.mkdtemp(prefix="qmp-")
    qmp_path = os.path.join(run_dir, "qmp.sock")
    ppm_path = os.path.join(run_dir, "screen.ppm")
    hold_ms = 30000
    env = dict(os.environ, QEMU_SERIAL=f"file:{log_path}", RUN_DIR=run_dir)
    process = subprocess.Popen([RUN_QEMU, os.path.join(IMAGES, "boot.img"),
        "-qmp", f"unix:{qmp_path},server=on,wait=off",
        "-fw_cfg", f"name=opt/bootcheck/hold-ms,string={hold_ms}"],
        env=env, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        assert wait_for(r"bootcheck: holding the screen", log_path, process, 120), \
            read_log(log_path)[-3000:]
        qmp = Qmp(qmp_path)
        qmp.execute("screendump", filename=ppm_path)
        qmp.execute("send-key", keys=[{"type": "qcode", "data": "ret"}])
        qmp.close()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)

    log = read_log(log_path)
    assert process.returncode == PASS, log[-3000:]
    assert "framebuffer: pattern drawn, 8 colour bars on 1280x800" in log
    # The key, not the timeout, ended the hold.
    held = int(re.search(r"bootcheck: held the screen for (\d+) ms", log)[1])
    assert held < hold_ms, log[-1000:]

    try:
        width, height, pixels = read_ppm(ppm_path)
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    write_png(png_path, width, height, pixels)
    assert (width, height) == (1280, 800)
    for bar, colour in enumerate(BARS):
        left, right = width * bar // 8, width * (bar + 1) // 8
        for x in (left + 2, (left + right) // 2, right - 3):
            for y in (0, height // 2, height - 1):
                offset = (y * width + x) * 3
                assert tuple(pixels[offset:offset + 3]) == colour, (bar, x, y)


def test_a_boot_stuck_in_the_firmware_is_booted_again_and_reported(log_path, monkeypatch):
    """A boot whose firmware never picks a boot option ran nothing of ours:
    qemu.boot() boots it once more and keeps QEMU's state for the session's
    report. Here QEMU never starts its CPU (-S), so both boots stall."""
    import qemu
    monkeypatch.setattr(qemu, "STALLS", [])
    result = boot("boot.img", log_path, timeout=4, extra=["-S"])
    assert result.timed_out
    assert [stall.log for stall in qemu.STALLS] == [os.path.basename(log_path)]
    assert qemu.STALLS[0].state.startswith("run state: prelaunch"), qemu.STALLS[0].state[:200]
    with open(log_path + ".stall") as kept:
        assert "EIP=" in kept.read()
