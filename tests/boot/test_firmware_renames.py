# SPDX-License-Identifier: MIT
"""Boot counting's one write (docs/config.md, "Boot counting") under the
arm64 firmwares: EDK2's FAT driver renames the chosen entry's file, and
U-Boot's UEFI, whose file protocol cannot rename, refuses; the loader says
so and starts the entry uncounted. x86_64 under OVMF renames in
tests/boot/test_guests.py, the hosted port in tests/host/."""

import os
import re
import subprocess

import pytest

import ports
from contents import volume_files
from qemu import boot

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# What the entry starts is no executable: the start fails at once, after the
# try was counted, and the menu waits with the reason.
NOT_STARTED = r"Error: cannot start \(disk0p1\)/vmlinuz"


def counted_disk(tmp_path):
    """An arm64 disk without loader.cfg, whose one entry file has two tries
    left: it boots at once."""
    entry = tmp_path / "entry.conf"
    entry.write_text("title Counted\nlinux /vmlinuz\n")
    kernel = tmp_path / "vmlinuz"
    kernel.write_bytes(b"not an EFI executable\n" * 64)
    image = tmp_path / "counted-arm64.img"
    subprocess.run([os.path.join(TOP, "build", "scripts", "make-image"), "--size", "64",
        "--extra-file", f"{entry}:/loader/entries/counted+2.conf",
        "--extra-file", f"{kernel}:/vmlinuz", str(image), ports.ARM64.loader,
        ports.ARM64.kernel], check=True)
    return str(image)


@pytest.mark.parametrize("firmware, names, message", [
    ("aavmf", ["counted+1-1.conf"], None),
    ("u-boot", ["counted+2.conf"], r"^boot: cannot count this try of \(disk0p1\)/loader/"
        r"entries/counted\+2\.conf: the firmware cannot rename the file: "
        r"EFI_ACCESS_DENIED; it starts uncounted")], ids=["aavmf", "u-boot"])
def test_the_firmware_renames_the_counted_entry_or_says_why_not(firmware, names, message,
        tmp_path, log_path):
    image = counted_disk(tmp_path)
    result = boot(image, log_path, port=ports.ARM64, firmware=firmware, writable=True,
        until=NOT_STARTED, timeout=180)
    assert not result.timed_out, result.tail()
    if message:
        assert re.search(message, result.log, re.M), result.tail()
    else:
        assert "cannot count" not in result.log, result.tail()
    assert volume_files(image, "/loader/entries") == names
