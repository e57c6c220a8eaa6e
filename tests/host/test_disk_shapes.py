# SPDX-License-Identifier: MIT
"""The hosted port on disks unlike the usual 512-byte ones, made by the real
tools (tests/boot/disks.py), booted at native speed under the sanitizers to
BOOTCHECK PASS: disks of 4096-byte sectors with GPT and MBR partition
tables (fdisk -b 4096), FAT with 4096-byte sectors (mkfs.fat -S 4096) and a
tar partition; and a 3 TiB disk whose kernel lies past 2 TiB, where block
numbers no longer fit 32 bits. tests/boot/test_disk_shapes_qemu.py boots
the same shapes with real firmware."""

import os
import subprocess
import tarfile

import pytest

from disks import LINUX, fat_volume, partitioned_disk

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOADER = os.path.join(TOP, "generated", "host", "boot_loader_host")
KERNEL = os.path.join(TOP, "generated", "kernel", "kernel_x86_64")
SECTOR = 4096
# The partition starts at sector 256 (1 MiB) and holds 8 MiB.
START, SECTORS = 256, 2048
# Where the kernel's partition starts on the large disk: 2.5 TiB in
# 512-byte blocks, a block number of 33 bits.
BEYOND_2_TIB = 5 << 30


def fat_partition(tmp_path):
    """A FAT12 volume (8 MiB: too small for FAT16) of 4096-byte sectors with /boot/kernel."""
    return fat_volume(tmp_path / "fat.img", SECTOR, SECTORS, "FOURKN",
        [(KERNEL, "/boot/kernel")], fat_bits=12)


def tar_partition(tmp_path):
    volume = tmp_path / "tar.img"
    with tarfile.open(volume, "w", format=tarfile.USTAR_FORMAT) as archive:
        archive.add(KERNEL, arcname="boot/kernel")
    subprocess.run(["truncate", "-s", str(SECTORS * SECTOR), str(volume)], check=True)
    return volume


def disk(tmp_path, label, volume):
    """A 16 MiB disk of 4096-byte sectors: label "g" (GPT) or "o" (MBR)."""
    return partitioned_disk(tmp_path / f"disk-{label}.img", label, SECTOR, 16 << 20,
        [(START, volume, None)])


def boot(*arguments):
    return subprocess.run([LOADER, *arguments], capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=120)


@pytest.mark.parametrize("make_volume", [fat_partition, tar_partition], ids=["fat", "tar"])
def test_gpt_4kn_disk_boots_with_its_block_size_taken_from_the_gpt(tmp_path, make_volume):
    image = disk(tmp_path, "g", make_volume(tmp_path))
    result = boot(image)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "in 4096-byte blocks" in result.stderr
    assert "BOOTCHECK PASS" in result.stdout


def test_mbr_4kn_disk_boots_when_told_its_block_size(tmp_path):
    image = disk(tmp_path, "o", fat_partition(tmp_path))
    result = boot("--block-size", "4096", image)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "in 4096-byte blocks" in result.stderr
    assert "BOOTCHECK PASS" in result.stdout

    # Read as 512-byte sectors, the MBR's sector numbers point elsewhere.
    wrong = boot(image)
    assert wrong.returncode != 0
    assert "BOOTCHECK PASS" not in wrong.stdout


def test_block_sizes_that_no_disk_has_are_refused():
    for size in ("1000", "256", "131072"):
        result = boot("--block-size", size, "x.img")
        assert result.returncode == 2
        assert "usage:" in result.stderr


def test_a_kernel_past_2_tib_is_read_from_where_its_partition_starts(tmp_path):
    volume = fat_volume(tmp_path / "beyond.img", 512, 65536, "BEYOND",
        [(KERNEL, "/boot/kernel")], fat_bits=16)
    image = partitioned_disk(tmp_path / "3tib.img", "g", 512, 3 << 40,
        [(BEYOND_2_TIB, volume, LINUX)])
    result = boot(image)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (f"disk0p1: GPT partition 1 at {BEYOND_2_TIB * 512}, {65536 * 512} bytes"
        in result.stderr), result.stderr
    assert 'vol0: disk0p1, fat FAT16, label "BEYOND"' in result.stderr, result.stderr
    assert f"boot device: disk, offset {BEYOND_2_TIB * 512}," in result.stdout
    assert "BOOTCHECK PASS" in result.stdout
