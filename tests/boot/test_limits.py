# SPDX-License-Identifier: MIT
"""Resource limits in QEMU: a loader heap too small to load with must end in
the menu with an out-of-memory error, not in the firmware; the kernel file
itself needs no heap. (A kernel larger
than the machine's memory is the corrupted-input case elf-memsz-beyond-ram.)"""

import os
import shutil
import struct
import subprocess

from qemu import TOP, boot

GENERATED = os.path.join(TOP, "generated")
SCRIPTS = os.path.join(TOP, "build", "scripts")
LOADER = os.path.join(GENERATED, "efi", "BOOTX64.efi")
KERNEL = os.path.join(GENERATED, "kernel", "kernel_x86_64")
MENU_END = r"m video mode"


def make_image(tmp_path, loader):
    image = str(tmp_path / "disk.img")
    subprocess.run([os.path.join(SCRIPTS, "make-image"), image, loader, KERNEL],
        check=True, capture_output=True)
    return image


def loader_with_heap(tmp_path, kib):
    loader = str(tmp_path / "loader.efi")
    shutil.copyfile(LOADER, loader)
    subprocess.run([os.path.join(SCRIPTS, "set-loader-heap"), loader, str(kib)], check=True)
    return loader


def assert_menu_shows(result, error):
    assert not result.timed_out, result.tail()
    before_menu, _, menu = result.log.partition("Boot menu")
    assert error in before_menu, result.tail()
    assert "Error: " + error in menu, result.tail()
    assert "> 1. Default" in menu, result.tail()
    assert "starting kernel" not in result.log and "BOOTCHECK" not in result.log
    assert "X64 Exception" not in result.log and "!!!!" not in result.log
    # The loader ran once: no reset, no return to the firmware.
    assert result.log.count("boot: generic loader started") == 1, result.tail()


def test_set_loader_heap_changes_the_heap_the_loader_asks_for(tmp_path):
    loader = loader_with_heap(tmp_path, 1234)
    with open(loader, "rb") as patched, open(LOADER, "rb") as original:
        a, b = patched.read(), original.read()
    assert len(a) == len(b)
    assert sum(x != y for x, y in zip(a, b)) == 2      # 1234 = 0x04d2
    assert struct.pack("<I", 1234) in a
    # A file without the marker is refused, not damaged.
    stranger = tmp_path / "other.efi"
    stranger.write_bytes(b"MZ" + bytes(4096))
    refused = subprocess.run([os.path.join(SCRIPTS, "set-loader-heap"), str(stranger), "64"],
        capture_output=True, text=True)
    assert refused.returncode != 0 and "no single heap setting" in refused.stderr
    assert stranger.read_bytes() == b"MZ" + bytes(4096)


def test_heap_smaller_than_the_kernel_file_boots(tmp_path, log_path):
    # 512 KiB: the disk's 256 KiB I/O buffer and the volume fit, the 313 KiB
    # kernel file would not; it needs no room there, since its segments are
    # read straight into their pages.
    image = make_image(tmp_path, loader=loader_with_heap(tmp_path, 512))
    result = boot(image, log_path, timeout=90)
    assert "efi: heap at " in result.log and ", 512 KiB" in result.log, result.tail()
    assert os.path.getsize(KERNEL) > 512 * 1024 - 256 * 1024
    assert "BOOTCHECK PASS" in result.log, result.tail()


def test_heap_too_small_for_any_disk(tmp_path, log_path):
    # 256 KiB cannot hold a disk's I/O buffer: no volume at all, and the
    # menu, not the firmware, says so.
    image = make_image(tmp_path, loader=loader_with_heap(tmp_path, 256))
    result = boot(image, log_path, timeout=90, until=MENU_END)
    assert "efi: a disk of 131072 blocks is left out: out of memory" in result.log, \
        result.tail()
    assert_menu_shows(result, "no disk holds a volume the loader can read: out of memory")
