# SPDX-License-Identifier: MIT
"""The packed loader (docs/packing.md): BOOTX64.efi and BOOTAA64.efi are the
start-up program with the loader's image compressed in its .pack section
and the SBAT data shim requires in its .sbat section. Every boot test starts
the loader this way; these check what is packed, on each port, and that a
damaged file is refused with a message instead of being started
(test_secure_boot.py has shim start it)."""

import os
import random
import re
import struct
import subprocess
import sys

import pytest

import ports
import qemu

SCRIPTS = os.path.join(qemu.TOP, "build", "scripts")
sys.path.insert(0, SCRIPTS)

import efi_pack  # noqa: E402

# Each port's code filter (EFI_PACK_FILTER_<arch>): arm64 has none.
FILTERS = {"x86_64": "x86", "arm64": "none"}
SBAT = os.path.join(qemu.TOP, "src", "system", "boot", "platform", "efi", "sbat.csv")
ADVICE = "; the file is damaged, install the loader again"
# What the start-up program says of each part of its section, damaged.
DAMAGED = {"stream": "packed loader: the compressed image does not decode" + ADVICE,
    "relocations": "packed loader: bad relocation list" + ADVICE}
# The firmware's boot manager, given the program's EFI_LOAD_ERROR, goes on to
# its next boot option.
RETURNED = r'BdsDxe: failed to start Boot[0-9A-F]{4} "[^"]*" from .*: Load Error'


every_port = pytest.mark.parametrize("port", ports.ALL, ids=ports.ids)


def read(path):
    with open(path, "rb") as file:
        return file.read()


def part(port, suffix):
    """The loader's image (-image) or start-up program (-unpack) as linked."""
    stem, extension = os.path.splitext(port.loader)
    return stem + suffix + extension


@every_port
def test_the_packed_file_holds_the_loader_image_and_the_start_up_program(port):
    unpacked = efi_pack.unpack(read(port.loader))
    program, (image_size, entry, code_size, filter_name, words), image = unpacked
    loader = efi_pack.Pe(read(part(port, "-image")))
    linked, linked_size, linked_code_size = loader.image()
    assert (image_size, code_size) == (linked_size, linked_code_size)
    assert len(image) == len(linked)
    assert entry == loader.entry()
    assert filter_name == FILTERS[port.name]
    # What is left once the section is taken out is the start-up program as
    # it was linked with its SBAT data, byte for byte, but for what pack-efi
    # cannot know once the section is gone.
    assert bytes(program.data) == as_unpacking_leaves_it(read(part(port, "-unpack")))


def as_unpacking_leaves_it(stub):
    """The start-up program as linked, given its SBAT data as pack-efi gives
    it, with the two things of gnu-efi's arm64 header (crt0 writes it by
    hand) that pack-efi's taking out its section does not restore: the
    section table is followed by NOPs, where the section's entry goes and a
    zero entry is left, and the size in memory is not a multiple of the
    section alignment, as PE wants and pack-efi leaves it. On x86_64 these
    change nothing."""
    pe = efi_pack.Pe(stub)
    efi_pack.add_sbat(pe, read(SBAT))
    count = len(list(pe.sections()))
    slot = pe.table + 40 * count
    pe.data[slot:slot + 40] = bytes(40)
    pe.field(56, efi_pack.align(pe.field(56), pe.field(32)))
    pe.update_checksum()
    return bytes(pe.data)


@every_port
def test_the_packed_file_carries_the_sbat_data_in_the_size_it_had(port):
    """shim starts only a program with a .sbat section. On x86_64 the data
    takes the unit of gnu-efi's placeholder relocations, so that the file
    keeps the 96 KiB goal: no .reloc section, an empty relocation directory
    (the firmware then moves the image without fixups; crt0 relocates it)."""
    packed = efi_pack.Pe(read(port.loader))
    sections = {name.rstrip(b"\0"): (size, raw_size, raw_offset)
        for _, name, size, _, raw_size, raw_offset in packed.sections()}
    size, _, raw_offset = sections[b".sbat"]
    assert bytes(packed.data[raw_offset:raw_offset + size]) == read(SBAT)
    assert list(sections)[-1] == b".pack"
    assert b".reloc" not in sections
    assert packed.directory(efi_pack.BASE_RELOCATION_DIRECTORY) == (0, 0)
    stub = efi_pack.Pe(read(part(port, "-unpack")))
    if efi_pack.placeholder_relocations(stub) is not None:
        # The program as linked, and the .pack section's units.
        assert len(packed.data) == len(stub.data) + sections[b".pack"][1]
    # One .sbat only: a packed file cannot be given another.
    with pytest.raises(efi_pack.PackError, match="already has a .sbat section"):
        efi_pack.add_sbat(packed, read(SBAT))


def test_sbat_takes_the_unit_of_placeholder_relocations_only():
    """The x86_64 start-up program's .reloc holds gnu-efi's no-op block,
    whose unit the SBAT data takes; a .reloc with a real fixup (a 64-bit
    one, type 10) is kept, with its directory, and the data gets a section
    of its own."""
    stub = efi_pack.Pe(read(part(ports.X86_64, "-unpack")))
    index = efi_pack.placeholder_relocations(stub)
    address, size = stub.directory(efi_pack.BASE_RELOCATION_DIRECTORY)
    _, name, _, _, _, raw_offset = list(stub.sections())[index]
    assert name == efi_pack.RELOC_NAME and size == 12

    fixup = efi_pack.Pe(bytes(stub.data))
    struct.pack_into("<H", fixup.data, raw_offset + 8, (10 << 12) | 0x10)
    assert efi_pack.placeholder_relocations(fixup) is None
    before = len(fixup.data)
    efi_pack.add_sbat(fixup, read(SBAT))
    assert len(fixup.data) == before + 512
    assert fixup.directory(efi_pack.BASE_RELOCATION_DIRECTORY) == (address, size)
    assert [name for _, name, *_ in fixup.sections()][index] == efi_pack.RELOC_NAME


def relocations(so):
    """(offset, addend) of each of the image's relocations, as readelf reads
    them, and the address and size of each relocation section."""
    listing = subprocess.run(["readelf", "-rSW", so], check=True, capture_output=True,
        text=True).stdout
    entries = [(int(offset, 16), int(addend, 16)) for offset, _, addend in
        re.findall(r"^([0-9a-f]{16}) +[0-9a-f]{16} +(\S+) +([0-9a-f]+)$", listing, re.M)]
    sections = [(int(address, 16), int(size, 16)) for address, size in
        re.findall(r"\] \.rela\S* +RELA +([0-9a-f]{16}) [0-9a-f]+ ([0-9a-f]+)", listing)]
    return entries, sections


@every_port
def test_the_start_up_program_relocates_the_image_as_crt0_would(port):
    """The image's relocation table, emptied in the packed file, is the
    list after the stream: relocated at any base the two are the same
    bytes, but for the table itself, now zeros, and its size in .dynamic,
    now 0, which crt0 finds."""
    base = 0x7f3a5000
    linked = bytearray(efi_pack.Pe(read(part(port, "-image"))).image()[0])
    so = os.path.splitext(part(port, "-image"))[0] + ".so"
    entries, sections = relocations(so)
    assert len(entries) > 100 and sections
    for offset, addend in entries:
        struct.pack_into("<Q", linked, offset, base + addend)

    *_, (*_, words), image = efi_pack.unpack(read(port.loader))
    assert words == sorted(offset for offset, _ in entries)
    packed = bytearray(image)
    for offset in words:
        value, = struct.unpack_from("<Q", packed, offset)
        struct.pack_into("<Q", packed, offset, value + base)

    emptied = [at for address, size in sections for at in range(address, address + size)]
    assert all(packed[at] == 0 for at in emptied)
    differ = [at for at in range(len(linked)) if linked[at] != packed[at]]
    table_size = sum(size for _, size in sections)
    size_field = [at for at in differ if at not in set(emptied)]
    assert len(size_field) in (1, 2), f"bytes differ at {size_field[:8]}"
    at = size_field[0] & ~7
    assert struct.unpack_from("<QQ", linked, at - 8) == (8, table_size)  # DT_RELASZ
    assert struct.unpack_from("<QQ", packed, at - 8) == (8, 0)


def test_the_relocation_list_stands_for_any_sorted_words():
    # Runs of neighbours, gaps of exactly a bitmap's reach and just past it.
    words = [0, 8, 16, 24, 8 + 62 * 8, 8 + 63 * 8, 8 + 63 * 8 + 63 * 8 + 8, 1 << 20]
    words += sorted(random.Random(12).sample(range(2 << 20, 3 << 20, 8), 500))
    assert efi_pack.relr_decode(efi_pack.relr_encode(words)) == words
    assert efi_pack.relr_encode([]) == b""


def relocated_image(entries, slot=0x300):
    """A 4 KiB image whose dynamic array (at 0) names a table at 0x100 of
    entries (offset, type, addend); the word at 0x200 holds slot."""
    image = bytearray(4096)
    struct.pack_into("<8Q", image, 0, 7, 0x100, 8, 24 * len(entries), 9, 24, 0, 0)
    for index, entry in enumerate(entries):
        struct.pack_into("<QQQ", image, 0x100 + 24 * index, *entry)
    struct.pack_into("<Q", image, 0x200, slot)
    return bytes(image)


def test_pack_efi_takes_only_relocations_the_list_can_stand_for():
    image, words = efi_pack.take_relocations(relocated_image([(0x200, 8, 0x300)]), 62, 0)
    assert words == [0x200]
    assert image[0x100:0x118] == bytes(24)
    assert struct.unpack_from("<Q", image, 24)[0] == 0  # DT_RELASZ
    refused = [
        relocated_image([(0x200, 1, 0x300)]),  # R_X86_64_64: it needs a symbol
        relocated_image([(0x200, 8, 0x308)]),  # the word is not its addend
        relocated_image([(0x204, 8, 0x300)]),  # not aligned
        relocated_image([(0x200, 8, 0x300), (0x200, 8, 0x300)]),  # twice
        relocated_image([(0x1000, 8, 0x300)]),  # past the image
    ]
    for image in refused:
        with pytest.raises(efi_pack.PackError):
            efi_pack.take_relocations(image, 62, 0)
    # arm64's type is another number.
    with pytest.raises(efi_pack.PackError):
        efi_pack.take_relocations(relocated_image([(0x200, 8, 0x300)]), 183, 0)


def test_the_x86_filter_undoes_itself():
    code = bytes(range(256)) * 64 + b"\xe8\xff\xff\xff\xff\x8b\x05\xe8"
    filtered = efi_pack.filter_x86(code, len(code), True)
    assert filtered != code
    assert efi_pack.filter_x86(filtered, len(code), False) == code


@pytest.mark.parametrize("port,damage", [(port, "stream") for port in ports.ALL]
    + [(ports.X86_64, "relocations")], ids=lambda value: getattr(value, "name", value))
def test_a_damaged_packed_loader_is_refused_with_a_message(port, damage, tmp_path, log_path):
    loader = efi_pack.Pe(read(port.loader))
    *_, size, _, _, raw_offset = [s for s in loader.sections() if s[1] == efi_pack.SECTION_NAME][0]
    damaged = bytearray(loader.data)
    if damage == "stream":
        middle = raw_offset + size // 2
        damaged[middle:middle + 64] = b"\xff" * 64
    else:
        # The list's last word: an offset far past the image.
        struct.pack_into("<Q", damaged, raw_offset + size - 8, 0x7ffffff0)
    path = tmp_path / os.path.basename(port.loader)
    path.write_bytes(damaged)
    image = str(tmp_path / "disk.img")
    subprocess.run([os.path.join(SCRIPTS, "make-image"), image, str(path), port.kernel],
        check=True, capture_output=True)
    result = qemu.boot(image, log_path, timeout=90, until=RETURNED, port=port)
    assert DAMAGED[damage] in result.log, result.tail()
    assert re.search(RETURNED, result.log), result.tail()
    assert "boot: generic loader started" not in result.log, result.tail()
    assert not port.exception_in(result.log), result.tail()


def test_the_arm64_start_up_program_keeps_the_caches_right_before_it_jumps():
    """No boot here can fail without arch_unpack_sync_code: QEMU's TCG keeps
    instruction fetch coherent with the data cache, hardware does not. The
    link keeps only what is called (--gc-sections), so the start-up program
    holds the cache maintenance only if it calls it."""
    so = os.path.splitext(part(ports.ARM64, "-unpack"))[0] + ".so"
    listing = subprocess.run(["aarch64-linux-gnu-objdump", "-d", so], check=True,
        capture_output=True, text=True).stdout
    assert re.search(r"\tdc\tcivac, x\d+", listing)
    assert re.search(r"\tic\tiallu", listing)
