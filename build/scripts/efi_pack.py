# SPDX-License-Identifier: MIT
"""The packed EFI loader (docs/packing.md): an EFI application's image,
compressed, as the section .pack of the start-up program
(src/system/boot/platform/efi/unpack/), with the header headers/boot/pack.h
describes, and the SBAT data shim requires as its section .sbat. pack-efi
makes one; embed-trust and set-loader-heap change the image inside one
through patch()."""

import os
import struct
import subprocess
import tempfile
import zlib

SECTION_NAME = b".pack\0\0\0"
MAGIC = b"LdrPack2"
HEADER = struct.Struct("<8s8I")
# Where the loader keeps the cycle counter of the start-up program's entry
# (headers/boot/pack.h, src/system/boot/platform/efi/start.c).
START_MARKER = b"LdrUnpackStart:\0"
FILTERS = {"none": 0, "x86": 2}
SECURITY_DIRECTORY = 4
BASE_RELOCATION_DIRECTORY = 5
SBAT_NAME = b".sbat\0\0\0"
RELOC_NAME = b".reloc\0\0"
# IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ
SECTION_FLAGS = 0x40000040
# The one relocation type gnu-efi's crt0 meets in a loader, by ELF machine:
# R_X86_64_RELATIVE and R_AARCH64_RELATIVE, a word the image's base is added to.
RELATIVE = {62: 8, 183: 1027}
DT_NULL, DT_RELA, DT_RELASZ, DT_RELAENT = 0, 7, 8, 9
RELA = struct.Struct("<QQQ")
WORD = 8
BITMAP_WORDS = 63


class PackError(Exception):
    pass


def align(value, alignment):
    return (value + alignment - 1) // alignment * alignment


class Pe:
    """The fields of a PE32+ file that packing reads and changes."""

    def __init__(self, data):
        if data[:2] != b"MZ":
            raise PackError("not a PE file")
        self.data = bytearray(data)
        self.pe = struct.unpack_from("<I", data, 0x3c)[0]
        if data[self.pe:self.pe + 4] != b"PE\0\0":
            raise PackError("not a PE file")
        self.count_offset = self.pe + 6
        self.optional = self.pe + 24
        if struct.unpack_from("<H", data, self.optional)[0] != 0x20b:
            raise PackError("not a PE32+ file")
        optional_size = struct.unpack_from("<H", data, self.pe + 20)[0]
        self.table = self.optional + optional_size

    def field(self, offset, value=None):
        if value is not None:
            struct.pack_into("<I", self.data, self.optional + offset, value)
        return struct.unpack_from("<I", self.data, self.optional + offset)[0]

    def sections(self):
        count = struct.unpack_from("<H", self.data, self.count_offset)[0]
        for index in range(count):
            offset = self.table + 40 * index
            name = bytes(self.data[offset:offset + 8])
            virtual_size, address, raw_size, raw_offset = struct.unpack_from("<4I",
                self.data, offset + 8)
            yield index, name, virtual_size, address, raw_size, raw_offset

    def image(self):
        """The image as the firmware lays it out in memory, without the
        headers (the start-up program needs none) or the zero-filled tail;
        and the sizes of the whole image and of .text."""
        size = self.field(56)
        image = bytearray(size)
        data_end = code_end = 0
        for _, name, virtual_size, address, raw_size, raw_offset in self.sections():
            length = min(virtual_size, raw_size)
            image[address:address + length] = self.data[raw_offset:raw_offset + length]
            if length:
                data_end = max(data_end, address + length)
            if name.rstrip(b"\0") == b".text":
                code_end = address + virtual_size
        return bytes(image[:data_end]), size, code_end

    def entry(self):
        return self.field(16)

    def directory(self, index, value=None):
        """Data directory index's (address, size), set first to value if given."""
        if value is not None:
            self.field(112 + 8 * index, value[0])
            self.field(116 + 8 * index, value[1])
        return self.field(112 + 8 * index), self.field(116 + 8 * index)

    def has_section(self, name):
        return any(section_name == name for _, section_name, *_ in self.sections())

    def unsigned(self):
        """The file without its Authenticode signature: packing changes
        what it covers."""
        offset, _ = self.directory(SECURITY_DIRECTORY)
        if offset:
            del self.data[offset:]
            self.directory(SECURITY_DIRECTORY, (0, 0))
        return self

    def add_section(self, name, contents):
        count = struct.unpack_from("<H", self.data, self.count_offset)[0]
        header = self.table + 40 * count
        sections = list(self.sections())
        first_raw = min(raw_offset for *_, raw_offset in sections if raw_offset)
        if header + 40 > min(self.field(60), first_raw):
            raise PackError("no room for another section header")
        section_alignment, file_alignment = self.field(32), self.field(36)
        address = max(align(address + max(virtual_size, raw_size), section_alignment)
            for _, _, virtual_size, address, raw_size, _ in sections)
        raw_offset = align(len(self.data), file_alignment)
        raw_size = align(len(contents), file_alignment)
        struct.pack_into("<8s6I2HI", self.data, header, name, len(contents), address, raw_size,
            raw_offset, 0, 0, 0, 0, SECTION_FLAGS)
        struct.pack_into("<H", self.data, self.count_offset, count + 1)
        self.field(8, self.field(8) + raw_size)
        self.field(56, align(address + len(contents), section_alignment))
        self.data += bytes(raw_offset - len(self.data)) + contents
        self.data += bytes(raw_size - len(contents))
        self.update_checksum()

    def remove_last_section(self):
        count = struct.unpack_from("<H", self.data, self.count_offset)[0]
        _, name, _, address, raw_size, raw_offset = list(self.sections())[-1]
        header = self.table + 40 * (count - 1)
        self.data[header:header + 40] = bytes(40)
        struct.pack_into("<H", self.data, self.count_offset, count - 1)
        self.field(8, self.field(8) - raw_size)
        self.field(56, address)
        del self.data[raw_offset:]
        self.update_checksum()

    def replace_section(self, index, name, contents):
        """Section index renamed name, holding contents in its file units."""
        _, _, _, _, raw_size, raw_offset = list(self.sections())[index]
        if len(contents) > raw_size:
            raise PackError(f"{len(contents)} bytes do not fit the {raw_size} of section {index}")
        header = self.table + 40 * index
        struct.pack_into("<8sI", self.data, header, name, len(contents))
        struct.pack_into("<I", self.data, header + 36, SECTION_FLAGS)
        self.data[raw_offset:raw_offset + raw_size] = contents + bytes(raw_size - len(contents))
        self.update_checksum()

    def update_checksum(self):
        """The PE checksum: 16-bit words summed with end-around carry,
        its own field counted as zero, plus the file's length."""
        self.field(64, 0)
        data = self.data + bytes(len(self.data) % 2)
        total = sum(struct.unpack(f"<{len(data) // 2}H", data))
        while total >> 16:
            total = (total & 0xffff) + (total >> 16)
        self.field(64, total + len(self.data))


def x86_displacement_at(code, code_size, position):
    """Where the 32-bit displacement the x86 filter rewrites starts, for the
    instruction that may begin at position of the first code_size bytes:
    an E8 (call) byte's, or that of a RIP-relative operand (ModRM mod 00,
    r/m 101) of an opcode 80 to 8F, which include lea and mov; None where
    it rewrites none. It looks only at bytes the filter never changes, so
    encoder and decoder agree."""
    if code[position] == 0xe8:
        return position + 1
    if position + 6 <= code_size and code[position] & 0xf0 == 0x80 \
            and code[position + 1] & 0xc7 == 0x05:
        return position + 2
    return None


def filter_x86(image, code_size, encode):
    """The x86 filter (src/system/boot/arch/x86_64/unpack.c): each
    displacement x86_displacement_at() finds in the first code_size bytes
    made absolute (encode: an offset from the image's start, counted from
    the displacement's end as the processor does) or relative again."""
    image = bytearray(image)
    position = 0
    while position + 5 <= code_size:
        at = x86_displacement_at(image, code_size, position)
        if at is None:
            position += 1
            continue
        value = struct.unpack_from("<I", image, at)[0]
        value += at + 4 if encode else -(at + 4)
        struct.pack_into("<I", image, at, value & 0xffffffff)
        position = at + 4
    return bytes(image)


def elf_dynamic(elf):
    """(machine, address of the dynamic array) of the shared object that a
    loader image was made from: the PE file does not say where the array
    is on arm64, whose crt0 writes its PE header by hand. The array is
    found as crt0 finds it, by the symbol _DYNAMIC: x86_64's linker script
    puts it inside .data, where it makes no PT_DYNAMIC."""
    if elf[:6] != b"\x7fELF\x02\x01":
        raise PackError("not a 64-bit little-endian ELF file")
    machine, = struct.unpack_from("<H", elf, 18)
    sections, = struct.unpack_from("<Q", elf, 40)
    header_size, count = struct.unpack_from("<2H", elf, 58)
    headers = [sections + index * header_size for index in range(count)]
    for header in headers:
        kind, = struct.unpack_from("<I", elf, header + 4)
        if kind != 2:  # SHT_SYMTAB
            continue
        symbols, size, link = struct.unpack_from("<QQI", elf, header + 24)
        names, = struct.unpack_from("<Q", elf, headers[link] + 24)
        for symbol in range(symbols, symbols + size, 24):
            name, = struct.unpack_from("<I", elf, symbol)
            if elf[names + name:names + name + 9] == b"_DYNAMIC\0":
                return machine, struct.unpack_from("<Q", elf, symbol + 8)[0]
    raise PackError("the shared object has no symbol _DYNAMIC")


def take_relocations(image, machine, dynamic):
    """image with its relocation table emptied, and the sorted offsets of
    the words the table relocated, which the start-up program relocates
    instead (headers/boot/relr.h). The table's DT_RELASZ becomes 0, so
    that crt0 finds nothing to do. Only tables the list can stand for are
    taken: relative relocations of distinct aligned words that already
    hold their addends (both crt0s then give the same words)."""
    image = bytearray(image)
    tags = {}
    for at in range(dynamic, len(image) - 15, 16):
        tag, value = struct.unpack_from("<QQ", image, at)
        if tag == DT_NULL:
            break
        tags[tag] = (at, value)
    if DT_RELA not in tags:
        return bytes(image), []
    if DT_RELASZ not in tags or DT_RELAENT not in tags:
        raise PackError("the image's relocation table has no size")
    table, (size_at, size) = tags[DT_RELA][1], tags[DT_RELASZ]
    if tags[DT_RELAENT][1] != RELA.size or size % RELA.size or table + size > len(image):
        raise PackError("the image's relocation table is not one pack-efi knows")
    words = []
    for at in range(table, table + size, RELA.size):
        where, info, addend = RELA.unpack_from(image, at)
        if info != RELATIVE.get(machine) or where % WORD or where + WORD > len(image) \
                or struct.unpack_from("<Q", image, where)[0] != addend:
            raise PackError(f"the relocation of {where:#x} is not a relative one of its word")
        words.append(where)
    if len(set(words)) != len(words):
        raise PackError("the image relocates a word twice")
    image[table:table + size] = bytes(size)
    struct.pack_into("<Q", image, size_at + 8, 0)
    return bytes(image), sorted(words)


def relr_encode(words):
    """The sorted word offsets as the list relr_apply() reads: an offset,
    then bitmaps of the 63 words after it for as long as they name any."""
    entries = []
    index = 0
    while index < len(words):
        entries.append(words[index])
        following = words[index] + WORD
        index += 1
        while True:
            bitmap = 0
            while index < len(words) and words[index] - following < BITMAP_WORDS * WORD:
                bitmap |= 1 << ((words[index] - following) // WORD + 1)
                index += 1
            if not bitmap:
                break
            entries.append(bitmap | 1)
            following += BITMAP_WORDS * WORD
    return b"".join(struct.pack("<Q", entry) for entry in entries)


def relr_decode(data):
    words = []
    following = None
    for (entry,) in struct.iter_unpack("<Q", data):
        if not entry & 1:
            words.append(entry)
            following = entry + WORD
            continue
        if following is None:
            raise PackError("the relocation list starts with a bitmap")
        words += [following + (bit - 1) * WORD for bit in range(1, BITMAP_WORDS + 1)
            if entry >> bit & 1]
        following += BITMAP_WORDS * WORD
    return words


def start_offset(image):
    """Where the start-up program writes what it hands the loader (struct
    pack_handoff, headers/boot/pack.h): after the loader's one start
    marker, or 0 for an image without one."""
    offset = image.find(START_MARKER)
    if offset < 0:
        return 0
    if image.find(START_MARKER, offset + 1) >= 0:
        raise PackError("the image has more than one start marker")
    return offset + len(START_MARKER)


def deflate(data):
    """data as one raw DEFLATE stream, as short as Zopfli makes it: about
    5 % shorter than zlib's level 9, which is what keeps the packed loader
    within its size (docs/packing.md). The decoder needs nothing new: it is
    plain DEFLATE."""
    with tempfile.TemporaryDirectory(prefix="pack-efi.") as directory:
        path = os.path.join(directory, "image")
        with open(path, "wb") as file:
            file.write(data)
        try:
            result = subprocess.run(["zopfli", "--deflate", "-c", path],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        except FileNotFoundError:
            raise PackError("zopfli is not installed (./configure installs it)") from None
    if result.returncode != 0:
        raise PackError(f"zopfli failed: {result.stderr.decode(errors='replace').strip()}")
    if zlib.decompressobj(-15).decompress(result.stdout) != data:
        raise PackError("zopfli's stream does not decode to the image")
    return result.stdout


def compress(image, image_size, entry, code_size, filter_name, words):
    """The .pack section of image, whose relocations take_relocations()
    has taken out as words."""
    filter_id = FILTERS[filter_name]
    data = filter_x86(image, code_size, True) if filter_id == FILTERS["x86"] else image
    stream = deflate(data)
    relocations = relr_encode(words)
    if relr_decode(relocations) != words:
        raise PackError("the relocation list does not decode to the relocations")
    return HEADER.pack(MAGIC, image_size, len(image), entry, code_size, filter_id,
        len(stream), start_offset(image), len(relocations)) + stream + relocations


def placeholder_relocations(program):
    """The index of gnu-efi's .reloc section when it is x86_64 crt0's
    placeholder, which the base relocation directory names whole: blocks of
    no-op (IMAGE_REL_BASED_ABSOLUTE) entries, there only so that the image
    counts as relocatable (crt0 relocates the program through its ELF
    dynamic array); else None."""
    address, size = program.directory(BASE_RELOCATION_DIRECTORY)
    for index, name, virtual_size, section_address, raw_size, raw_offset in program.sections():
        if name != RELOC_NAME or section_address != address or size > min(virtual_size,
                raw_size):
            continue
        blocks = bytes(program.data[raw_offset:raw_offset + size])
        at = 0
        while at + 8 <= size:
            block_size, = struct.unpack_from("<I", blocks, at + 4)
            if block_size < 8 or at + block_size > size or any(entry >> 12
                    for entry in struct.unpack_from(f"<{(block_size - 8) // 2}H", blocks, at + 8)):
                return None
            at += block_size
        return index if at == size else None
    return None


def add_sbat(program, sbat):
    """The SBAT data (shim's Secure Boot Advanced Targeting: the component
    generations a revocation can name) as program's .sbat section, which
    shim requires of what it starts. Every PE section takes whole 512-byte
    units of the file; where the program has gnu-efi's placeholder
    relocations, the data takes their section's unit and the directory is
    emptied (a relocatable image with no fixups, as arm64's crt0 makes it),
    so that the file keeps its size."""
    if program.has_section(SBAT_NAME):
        raise PackError("the start-up program already has a .sbat section")
    placeholder = placeholder_relocations(program)
    if placeholder is None:
        program.add_section(SBAT_NAME, sbat)
        return
    program.directory(BASE_RELOCATION_DIRECTORY, (0, 0))
    program.replace_section(placeholder, SBAT_NAME, sbat)


def pack(stub, loader, elf, filter_name, sbat):
    """The start-up program stub with the SBAT data sbat and loader's
    image as its .pack section, which stays the last; elf is the shared
    object loader was made from."""
    program = Pe(stub).unsigned()
    if program.has_section(SECTION_NAME):
        raise PackError("the start-up program already has a .pack section")
    add_sbat(program, sbat)
    inner = Pe(loader).unsigned()
    image, image_size, code_size = inner.image()
    image, words = take_relocations(image, *elf_dynamic(elf))
    program.add_section(SECTION_NAME, compress(image, image_size, inner.entry(), code_size,
        filter_name, words))
    return bytes(program.data)


def unpack(data):
    """(program, header fields, image) of a packed loader, or None for any
    other file. The image is as the start-up program decodes it, before it
    applies the relocations, whose word offsets end the header fields."""
    try:
        program = Pe(data).unsigned()
    except (PackError, struct.error):
        return None
    sections = list(program.sections())
    if not sections or sections[-1][1] != SECTION_NAME:
        return None
    _, _, size, _, _, raw_offset = sections[-1]
    contents = bytes(program.data[raw_offset:raw_offset + size])
    magic, image_size, data_size, entry, code_size, filter_id, stream_size, _, \
        relocations_size = HEADER.unpack_from(contents)
    if magic != MAGIC:
        raise PackError("the .pack section has no pack header")
    image = zlib.decompressobj(-15).decompress(contents[HEADER.size:HEADER.size + stream_size])
    relocations = contents[HEADER.size + stream_size:][:relocations_size]
    if len(relocations) != relocations_size or relocations_size % WORD:
        raise PackError("the .pack section's relocation list is cut short")
    if len(image) != data_size:
        raise PackError("the packed image does not decode to its size")
    names = {value: key for key, value in FILTERS.items()}
    if filter_id not in names:
        raise PackError(f"the .pack section names an unknown code filter {filter_id}")
    if filter_id == FILTERS["x86"]:
        image = filter_x86(image, code_size, False)
    program.remove_last_section()
    return program, (image_size, entry, code_size, names[filter_id],
        relr_decode(relocations)), image


def patch(data, change):
    """data with change (a function from bytes to bytes) applied to the
    loader image: inside the .pack section of a packed loader, else to the
    whole file."""
    unpacked = unpack(data)
    if unpacked is None:
        return change(bytes(data))
    program, fields, image = unpacked
    program.add_section(SECTION_NAME, compress(change(image), *fields))
    return bytes(program.data)
