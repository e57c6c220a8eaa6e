# SPDX-License-Identifier: MIT
"""The packed x86_64 loader (docs/packing.md): BOOTX64.efi is the start-up
program with the loader's image compressed in its .pack section. Every boot
test starts the loader this way; these check what is packed and that a
damaged file is refused with a message instead of being started."""

import os
import re
import subprocess
import sys

import qemu

SCRIPTS = os.path.join(qemu.TOP, "build", "scripts")
sys.path.insert(0, SCRIPTS)

import efi_pack  # noqa: E402

EFI = os.path.join(qemu.TOP, "generated", "efi")
PACKED = os.path.join(EFI, "BOOTX64.efi")
IMAGE = os.path.join(EFI, "BOOTX64-image.efi")
STUB = os.path.join(EFI, "BOOTX64-unpack.efi")
KERNEL = os.path.join(qemu.TOP, "generated", "kernel", "kernel_x86_64")
DAMAGED = "packed loader: the compressed image does not decode; the file is damaged, " \
    "install the loader again"
# The firmware's boot manager, given the program's EFI_LOAD_ERROR, goes on to
# its next boot option.
RETURNED = r'BdsDxe: failed to start Boot[0-9A-F]{4} "[^"]*" from .*: Load Error'


def read(path):
    with open(path, "rb") as file:
        return file.read()


def test_the_packed_file_holds_the_loader_image_and_the_start_up_program():
    program, (image_size, entry, code_size, filter_name), image = efi_pack.unpack(read(PACKED))
    loader = efi_pack.Pe(read(IMAGE))
    assert (image, image_size, code_size) == loader.image()
    assert entry == loader.entry()
    assert filter_name == "x86-calls"
    # What is left once the section is taken out is the start-up program as
    # it was linked, byte for byte.
    assert bytes(program.data) == read(STUB)


def test_the_call_filter_undoes_itself():
    code = bytes(range(256)) * 64 + b"\xe8\xff\xff\xff\xff\xe8"
    filtered = efi_pack.filter_calls(code, len(code), True)
    assert filtered != code
    assert efi_pack.filter_calls(filtered, len(code), False) == code


def test_a_damaged_packed_loader_is_refused_with_a_message(tmp_path, log_path):
    loader = efi_pack.Pe(read(PACKED))
    *_, size, _, _, raw_offset = [s for s in loader.sections() if s[1] == efi_pack.SECTION_NAME][0]
    damaged = bytearray(loader.data)
    middle = raw_offset + size // 2
    damaged[middle:middle + 64] = b"\xff" * 64
    path = tmp_path / "BOOTX64.efi"
    path.write_bytes(damaged)
    image = str(tmp_path / "disk.img")
    subprocess.run([os.path.join(SCRIPTS, "make-image"), image, str(path), KERNEL],
        check=True, capture_output=True)
    result = qemu.boot(image, log_path, timeout=90, until=RETURNED)
    assert DAMAGED in result.log, result.tail()
    assert re.search(RETURNED, result.log), result.tail()
    assert "boot: generic loader started" not in result.log, result.tail()
    assert "X64 Exception" not in result.log and "!!!!" not in result.log, result.tail()
