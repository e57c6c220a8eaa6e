# SPDX-License-Identifier: MIT
"""The hosted port on disks with 4096-byte sectors, made by the real tools:
GPT and MBR partition tables (fdisk -b 4096), FAT with 4096-byte sectors
(mkfs.fat -S 4096) and a tar partition, each holding the boot-check kernel,
booted at native speed under the sanitizers to BOOTCHECK PASS."""

import os
import subprocess
import tarfile

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOADER = os.path.join(TOP, "generated", "host", "boot_loader_host")
KERNEL = os.path.join(TOP, "generated", "kernel", "kernel_x86_64")
SECTOR = 4096
# The partition starts at sector 256 (1 MiB) and holds 8 MiB.
START, SECTORS = 256, 2048


def run_tool(*command, stdin=None):
    subprocess.run(command, input=stdin, check=True, capture_output=True,
        text=stdin is not None)


def fat_partition(tmp_path):
    """A FAT12 volume (8 MiB: too small for FAT16) of 4096-byte sectors with /boot/kernel."""
    volume = tmp_path / "fat.img"
    run_tool("truncate", "-s", str(SECTORS * SECTOR), str(volume))
    run_tool("mkfs.fat", "-F", "12", "-S", str(SECTOR), "-s", "1", "-n", "FOURKN",
        str(volume))
    run_tool("mmd", "-i", str(volume), "::/boot")
    run_tool("mcopy", "-i", str(volume), KERNEL, "::/boot/kernel")
    return volume


def tar_partition(tmp_path):
    volume = tmp_path / "tar.img"
    with tarfile.open(volume, "w", format=tarfile.USTAR_FORMAT) as archive:
        archive.add(KERNEL, arcname="boot/kernel")
    run_tool("truncate", "-s", str(SECTORS * SECTOR), str(volume))
    return volume


def disk(tmp_path, label, volume):
    """A 16 MiB disk of 4096-byte sectors: label "g" (GPT) or "o" (MBR)."""
    image = tmp_path / f"disk-{label}.img"
    run_tool("truncate", "-s", str(16 << 20), str(image))
    kind = "" if label == "g" else "p\n"
    run_tool("fdisk", "-b", str(SECTOR), str(image),
        stdin=f"{label}\nn\n{kind}1\n{START}\n+{SECTORS - 1}\nw\n")
    with open(volume, "rb") as source, open(image, "r+b") as target:
        target.seek(START * SECTOR)
        target.write(source.read())
    return str(image)


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
