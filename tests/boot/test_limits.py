# SPDX-License-Identifier: MIT
"""Resource limits in QEMU: a loader heap too small to load with must end in
the menu with an out-of-memory error, not in the firmware (the kernel file
itself needs no heap); a machine too small for the default heap boots with
a smaller one; a kernel larger than the machine's memory ends in the menu.
(The corrupted-input case elf-memsz-beyond-ram is the same on a 256 MiB
machine.)"""

import os
import re
import shutil
import struct
import subprocess

from qemu import PASS, TOP, boot

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


def unpacked_image(tmp_path, loader):
    """The loader's image as the packed loader's start-up program lays it
    out (docs/packing.md)."""
    image = tmp_path / (os.path.basename(loader) + ".image")
    subprocess.run([os.path.join(SCRIPTS, "pack-efi"), "--unpack", loader, str(image)],
        check=True)
    return image.read_bytes()


def test_set_loader_heap_changes_the_heap_the_loader_asks_for(tmp_path):
    loader = loader_with_heap(tmp_path, 1234)
    a, b = unpacked_image(tmp_path, loader), unpacked_image(tmp_path, LOADER)
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


def heap_kib(log):
    found = re.search(r"efi: heap at 0x[0-9a-f]+, (\d+) KiB", log)
    return int(found.group(1)) if found else None


def test_small_machine_boots_with_the_largest_heap_it_has(log_path):
    # 64 MiB: after OVMF, no 16 MiB are free in one piece. The loader halves
    # its heap until the firmware has it, and still boots.
    result = boot("boot.img", log_path, memory="64M")
    assert "BOOTCHECK PASS" in result.log, result.tail()
    assert result.returncode == PASS, result.tail()
    assert "efi: no 16384 KiB in one piece for the heap, trying 8192 KiB" in result.log, \
        result.tail()
    assert 2048 <= heap_kib(result.log) < 16384, result.tail()
    assert "CHECK loader_heap: ok" in result.log, result.tail()


def make_kernel_larger_than(tmp_path, megabytes):
    """The kernel with its writable segment grown to megabytes of bss at the
    top of the kernel window: a valid kernel that no small machine holds."""
    with open(KERNEL, "rb") as file:
        data = bytearray(file.read())
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    for i in range(phnum):
        at = phoff + i * phentsize
        kind, flags = struct.unpack_from("<II", data, at)
        if kind == 1 and flags & 2:
            memsz = megabytes << 20
            struct.pack_into("<Q", data, at + 16, 0xffffffffc0000000 - memsz)   # p_vaddr
            struct.pack_into("<Q", data, at + 24, 0xffffffffc0000000 - memsz)   # p_paddr
            struct.pack_into("<Q", data, at + 40, memsz)                        # p_memsz
    kernel = tmp_path / "kernel"
    kernel.write_bytes(data)
    return str(kernel)


def test_kernel_larger_than_a_small_machine_ends_in_the_menu(tmp_path, log_path):
    image = str(tmp_path / "disk.img")
    subprocess.run([os.path.join(SCRIPTS, "make-image"), image, LOADER,
        make_kernel_larger_than(tmp_path, 96)], check=True, capture_output=True)
    result = boot(image, log_path, timeout=90, until=MENU_END, memory="64M")
    assert heap_kib(result.log) is not None, result.tail()
    assert_menu_shows(result, "kernel /boot/kernel is not bootable:"
        " out of memory for a segment of 98304 KiB")


def test_machine_without_the_least_heap_says_why_and_returns(log_path):
    # 48 MiB: after OVMF (the build's firmware), not even 2 MiB are free in
    # one piece. Without a heap there is no menu: the loader says why, once,
    # and goes back to the firmware instead of hanging or crashing.
    result = boot("boot.img", log_path, timeout=90, memory="48M",
        until=r"returning to the firmware")
    assert not result.timed_out, result.tail()
    for line in ("efi: no 4096 KiB in one piece for the heap, trying 2048 KiB",
            "efi: no 2048 KiB of memory in one piece for the loader heap (the least it takes;"
            " 16384 KiB asked for)",
            "boot: cannot set up the loader heap: out of memory",
            "boot: failed (out of memory); returning to the firmware"):
        assert result.log.count(line) == 1, result.tail()
    assert "Boot menu" not in result.log and "BOOTCHECK" not in result.log
    assert "X64 Exception" not in result.log and "!!!!" not in result.log
