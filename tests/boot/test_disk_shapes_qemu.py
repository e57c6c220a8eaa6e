# SPDX-License-Identifier: MIT
"""Disks unlike the usual 512-byte ones, booted with real firmware on every
port (tests/host/test_disk_shapes.py boots the same shapes on the hosted
port): a disk of 4096-byte blocks, as virtio presents one when told to,
whose ESP the firmware itself must read to start the loader; and a 3 TiB
disk whose kernel lies on a partition past 2 TiB, where block numbers no
longer fit 32 bits, on the firmware's default disk controller (x86_64:
AHCI and its 48-bit commands)."""

import pytest

import ports
from disks import ESP, LINUX, fat_volume, partitioned_disk
from qemu import PASS, boot

every_port = pytest.mark.parametrize("port", ports.ALL, ids=ports.ids)

# 2.5 TiB in 512-byte blocks: a block number of 33 bits.
BEYOND_2_TIB = 5 << 30
FOUR_KIB_BLOCKS = ("-global", "virtio-blk-pci.logical_block_size=4096",
    "-global", "virtio-blk-pci.physical_block_size=4096")


def loader_file(port):
    return (port.loader, f"/EFI/BOOT/{port.boot_name}")


def assert_passed(result):
    assert not result.timed_out, result.tail()
    assert result.returncode == PASS, result.tail()


@every_port
def test_a_disk_of_4096_byte_blocks_boots(port, tmp_path, log_path):
    # 14,000 blocks: a FAT16 volume of 4096-byte sectors.
    esp = fat_volume(tmp_path / "esp.img", 4096, 14000, "ESP4K",
        [loader_file(port), (port.kernel, "/boot/kernel")])
    image = partitioned_disk(tmp_path / "4kn.img", "g", 4096, 64 << 20, [(256, esp, ESP)])
    result = boot(image, log_path, port=port, disk_interface="virtio", extra=FOUR_KIB_BLOCKS)
    assert_passed(result)
    assert "efi: disk0: 16384 blocks of 4096 bytes, the boot disk" in result.log, result.tail()
    assert 'vol0: disk0p1, fat FAT16, label "ESP4K", boot volume' in result.log, result.tail()
    assert "boot device: disk, offset 1048576," in result.log, result.tail()


@every_port
def test_a_kernel_past_2_tib_boots(port, tmp_path, log_path):
    esp = fat_volume(tmp_path / "esp.img", 512, 65536, "ESP", [loader_file(port)], fat_bits=16)
    system = fat_volume(tmp_path / "system.img", 512, 65536, "BEYOND",
        [(port.kernel, "/boot/kernel")], fat_bits=16)
    image = partitioned_disk(tmp_path / "3tib.img", "g", 512, 3 << 40,
        [(2048, esp, ESP), (BEYOND_2_TIB, system, LINUX)])
    result = boot(image, log_path, port=port)
    assert_passed(result)
    assert (f"disk0p2: GPT partition 2 at {BEYOND_2_TIB * 512}, {65536 * 512} bytes"
        in result.log), result.tail()
    assert 'vol1: disk0p2, fat FAT16, label "BEYOND"' in result.log, result.tail()
    assert f"boot device: disk, offset {BEYOND_2_TIB * 512}," in result.log, result.tail()
