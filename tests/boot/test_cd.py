# SPDX-License-Identifier: MIT
"""An ISO 9660 image as OS images are shipped (build/scripts/make-iso,
tests/boot/configs/cd.cfg): booted as a CD through El Torito's EFI entry on
every port, and, on x86_64, as the disk it becomes when written to a stick,
through its appended ESP. Either way the kernel and a module named as only
Rock Ridge can name it come from the ISO 9660 tree."""

import os

import pytest

import ports
import qemu
from contents import contents_problems
from qemu import PASS, boot

MODULE = "/boot/modules/loader-as-a-long-named-module.efi"

# How each machine takes a CD: q35's SATA drive, virt's SCSI one.
CD_DRIVES = {
    "x86_64": lambda path: ["-cdrom", path],
    "arm64": lambda path: ["-drive",
        f"if=none,id=cd,format=raw,media=cdrom,readonly=on,file={path}",
        "-device", "virtio-scsi-pci", "-device", "scsi-cd,drive=cd"],
}


def check_boot(result, port, image):
    assert "BOOTCHECK PASS" in result.log, result.tail()
    assert result.returncode == PASS, result.tail()
    assert not port.exception_in(result.log), result.tail()
    assert contents_problems(result.log, port.kernel, {MODULE: port.loader}) == []
    # The kernel knows the volume it came from: the whole image.
    size = os.path.getsize(image)
    assert f"boot device: disk, offset 0, size {size}" in result.log.splitlines(), \
        result.tail()


@pytest.mark.parametrize("port", ports.ALL, ids=ports.ids)
def test_an_iso_image_boots_as_a_cd(port, log_path):
    image = os.path.join(qemu.IMAGES, port.image("cd.iso"))
    result = boot(None, log_path, port=port, extra=CD_DRIVES[port.name](image))
    check_boot(result, port, image)
    # 2048-byte blocks and no partition table: the loader's own volume.
    assert f"vfs: disk0: {os.path.getsize(image)} bytes, 2048-byte blocks, boot disk" \
        in result.log, result.tail()
    assert 'vol0: disk0, iso9660 Rock Ridge, label "HAIKU_BOOT", boot volume' \
        in result.log, result.tail()


def test_the_same_image_boots_as_a_disk(log_path):
    image = os.path.join(qemu.IMAGES, "cd.iso")
    result = boot("cd.iso", log_path)
    check_boot(result, ports.X86_64, image)
    # The firmware starts the loader from the ESP; the files are beside it.
    assert 'vol0: disk0p2, fat FAT12, label "EFIBOOT", boot volume' in result.log, \
        result.tail()
    assert 'vol1: disk0, iso9660 Rock Ridge, label "HAIKU_BOOT"' in result.log, result.tail()
