# SPDX-License-Identifier: MIT
"""Reading and patching the on-disk formats the corrupted-input cases damage:
ELF64 kernels, GPT and MBR partition tables, and FAT volumes. Offsets come
from the structures themselves, never from the build."""

import struct
import zlib

SECTOR = 512

# --- ELF64 ------------------------------------------------------------------

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
EHDR_FIELDS = ("e_ident", "e_type", "e_machine", "e_version", "e_entry", "e_phoff",
    "e_shoff", "e_flags", "e_ehsize", "e_phentsize", "e_phnum", "e_shentsize", "e_shnum",
    "e_shstrndx")
PHDR = struct.Struct("<IIQQQQQQ")
PHDR_FIELDS = ("p_type", "p_flags", "p_offset", "p_vaddr", "p_paddr", "p_filesz", "p_memsz",
    "p_align")
SHDR = struct.Struct("<IIQQQQIIQQ")
SHDR_FIELDS = ("sh_name", "sh_type", "sh_flags", "sh_addr", "sh_offset", "sh_size",
    "sh_link", "sh_info", "sh_addralign", "sh_entsize")

PT_LOAD, PT_NOTE = 1, 4
PF_X, PF_W, PF_R = 1, 2, 4
SHT_SYMTAB, SHT_STRTAB = 2, 3
ET_REL, ET_EXEC, ET_DYN = 1, 2, 3
EM_386, EM_X86_64, EM_AARCH64 = 3, 62, 183
SYM_SIZE = 24


class Elf:
    """An ELF64 little-endian file in a bytearray, its headers as dicts."""

    def __init__(self, data):
        self.data = bytearray(data)

    def header(self):
        return dict(zip(EHDR_FIELDS, EHDR.unpack_from(self.data, 0)))

    def set_header(self, **fields):
        header = self.header()
        header.update(fields)
        EHDR.pack_into(self.data, 0, *(header[f] for f in EHDR_FIELDS))

    def program_header_offset(self, index):
        return self.header()["e_phoff"] + index * PHDR.size

    def program_header(self, index):
        return dict(zip(PHDR_FIELDS, PHDR.unpack_from(self.data,
            self.program_header_offset(index))))

    def set_program_header(self, index, **fields):
        header = self.program_header(index)
        header.update(fields)
        PHDR.pack_into(self.data, self.program_header_offset(index),
            *(header[f] for f in PHDR_FIELDS))

    def loads(self):
        """Indices of the PT_LOAD program headers, in file order."""
        return [i for i in range(self.header()["e_phnum"])
            if self.program_header(i)["p_type"] == PT_LOAD]

    def load_with(self, flags, without=0):
        """The first PT_LOAD whose flags include flags and none of without."""
        for i in self.loads():
            segment_flags = self.program_header(i)["p_flags"]
            if segment_flags & flags == flags and segment_flags & without == 0:
                return i
        raise ValueError(f"no PT_LOAD with flags {flags:#x}")

    def section_offset(self, index):
        return self.header()["e_shoff"] + index * SHDR.size

    def section(self, index):
        return dict(zip(SHDR_FIELDS, SHDR.unpack_from(self.data, self.section_offset(index))))

    def set_section(self, index, **fields):
        section = self.section(index)
        section.update(fields)
        SHDR.pack_into(self.data, self.section_offset(index),
            *(section[f] for f in SHDR_FIELDS))

    def section_of_type(self, kind):
        for i in range(1, self.header()["e_shnum"]):
            if self.section(i)["sh_type"] == kind:
                return i
        raise ValueError(f"no section of type {kind}")

    def bytes(self):
        return bytes(self.data)


# --- disk images --------------------------------------------------------------

class Disk:
    """A disk image file, read and written in place (it stays sparse)."""

    def __init__(self, path):
        self.path = path
        self.file = open(path, "r+b")
        self.file.seek(0, 2)
        self.size = self.file.tell()

    def read(self, offset, length):
        self.file.seek(offset)
        data = self.file.read(length)
        if len(data) != length:
            raise ValueError(f"{self.path}: read past the end at {offset}")
        return data

    def write(self, offset, data):
        self.file.seek(offset)
        self.file.write(data)

    def truncate(self, size):
        self.file.truncate(size)
        self.size = size

    def close(self):
        self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()


# --- GPT ------------------------------------------------------------------------

GPT_HEADER = struct.Struct("<8sIIIIQQQQ16sQIII")
GPT_FIELDS = ("signature", "revision", "header_size", "header_crc", "reserved", "my_lba",
    "alternate_lba", "first_usable", "last_usable", "disk_guid", "entries_lba",
    "entry_count", "entry_size", "entries_crc")
GPT_ENTRY = struct.Struct("<16s16sQQQ72s")
GPT_ENTRY_FIELDS = ("type", "unique", "first", "last", "attributes", "name")


class Gpt:
    """Both GPT headers of a disk and their entry arrays; write() puts a
    header back with its CRC, entries() and set_entry() keep the array CRC
    in the header right unless told otherwise."""

    def __init__(self, disk):
        self.disk = disk
        self.last_lba = disk.size // SECTOR - 1

    def header(self, lba):
        return dict(zip(GPT_FIELDS, GPT_HEADER.unpack_from(self.disk.read(lba * SECTOR,
            GPT_HEADER.size))))

    def write(self, lba, header, crc=None):
        """Write header at lba with its CRC computed (or crc as given)."""
        fields = dict(header, header_crc=0)
        raw = bytearray(self.disk.read(lba * SECTOR, SECTOR))
        GPT_HEADER.pack_into(raw, 0, *(fields[f] for f in GPT_FIELDS))
        size = fields["header_size"] if 92 <= fields["header_size"] <= SECTOR else 92
        fields["header_crc"] = zlib.crc32(bytes(raw[:size])) if crc is None else crc
        GPT_HEADER.pack_into(raw, 0, *(fields[f] for f in GPT_FIELDS))
        self.disk.write(lba * SECTOR, bytes(raw))

    def update(self, lba, crc=None, **fields):
        header = self.header(lba)
        header.update(fields)
        self.write(lba, header, crc)

    def backup_lba(self):
        return self.header(1)["alternate_lba"]

    def both(self):
        return (1, self.backup_lba())

    def entry(self, lba, index):
        header = self.header(lba)
        offset = header["entries_lba"] * SECTOR + index * header["entry_size"]
        return dict(zip(GPT_ENTRY_FIELDS, GPT_ENTRY.unpack_from(self.disk.read(offset,
            GPT_ENTRY.size))))

    def set_entry(self, index, fix_crc=True, **fields):
        """Change entry index in both arrays; their CRCs follow."""
        for lba in self.both():
            header = self.header(lba)
            entry = self.entry(lba, index)
            entry.update(fields)
            offset = header["entries_lba"] * SECTOR + index * header["entry_size"]
            self.disk.write(offset, GPT_ENTRY.pack(*(entry[f] for f in GPT_ENTRY_FIELDS)))
            if fix_crc:
                self.fix_entries_crc(lba)

    def fix_entries_crc(self, lba):
        header = self.header(lba)
        array = self.disk.read(header["entries_lba"] * SECTOR,
            header["entry_count"] * header["entry_size"])
        self.update(lba, entries_crc=zlib.crc32(array))

    def partition_offset(self, index):
        return self.entry(1, index)["first"] * SECTOR


# --- MBR ------------------------------------------------------------------------

MBR_TABLE = 446


def mbr_entry(status, kind, start, count):
    """A 16-byte partition entry with LBA fields (CHS left at 0xfeffff)."""
    return struct.pack("<B3sB3sII", status, b"\xfe\xff\xff", kind, b"\xfe\xff\xff", start,
        count)


def write_mbr(disk, offset, entries):
    """A boot record at offset with up to four entries and the signature."""
    table = b"".join(entries).ljust(64, b"\0")
    disk.write(offset + MBR_TABLE, table + b"\x55\xaa")


def set_mbr_entry(disk, offset, slot, entry):
    disk.write(offset + MBR_TABLE + 16 * slot, entry)


# --- FAT ------------------------------------------------------------------------

BPB = {
    "bytes_per_sector": (11, "<H"), "sectors_per_cluster": (13, "<B"),
    "reserved_sectors": (14, "<H"), "fat_count": (16, "<B"), "root_entries": (17, "<H"),
    "total_sectors_16": (19, "<H"), "fat_size_16": (22, "<H"), "total_sectors_32": (32, "<I"),
    "fat_size_32": (36, "<I"), "ext_flags": (40, "<H"), "root_cluster": (44, "<I"),
}
ATTR_LONG_NAME, ATTR_DIRECTORY = 0x0f, 0x10


class DirEntry:
    """A 32-byte short directory entry and where it is on the disk."""

    def __init__(self, offset, raw, fat32):
        self.offset = offset
        self.name = raw[:11]
        self.attributes = raw[11]
        self.first_cluster = struct.unpack_from("<H", raw, 26)[0]
        if fat32:
            self.first_cluster |= struct.unpack_from("<H", raw, 20)[0] << 16
        self.size = struct.unpack_from("<I", raw, 28)[0]


class Fat:
    """A FAT12/16/32 volume at offset bytes into a disk."""

    def __init__(self, disk, offset):
        self.disk = disk
        self.offset = offset
        self.bpb = {name: struct.unpack(fmt, disk.read(offset + at, struct.calcsize(fmt)))[0]
            for name, (at, fmt) in BPB.items()}
        b = self.bpb
        self.sector_size = b["bytes_per_sector"]
        self.cluster_size = self.sector_size * b["sectors_per_cluster"]
        self.fat32 = b["fat_size_16"] == 0 and b["root_entries"] == 0
        self.fat_sectors = b["fat_size_32"] if self.fat32 else b["fat_size_16"]
        total = b["total_sectors_16"] or b["total_sectors_32"]
        root_sectors = (b["root_entries"] * 32 + self.sector_size - 1) // self.sector_size
        self.root_offset = offset + (b["reserved_sectors"] + b["fat_count"]
            * self.fat_sectors) * self.sector_size
        meta = b["reserved_sectors"] + b["fat_count"] * self.fat_sectors + root_sectors
        self.data_offset = offset + meta * self.sector_size
        self.cluster_count = (total - meta) // b["sectors_per_cluster"]
        self.bits = 32 if self.fat32 else 12 if self.cluster_count <= 4084 else 16
        self.end_of_chain = {12: 0xfff, 16: 0xffff, 32: 0x0fffffff}[self.bits]
        self.bad_cluster = {12: 0xff7, 16: 0xfff7, 32: 0x0ffffff7}[self.bits]

    def set_bpb(self, name, value):
        at, fmt = BPB[name]
        self.disk.write(self.offset + at, struct.pack(fmt, value))

    def fat_offset(self, copy=0):
        return self.offset + (self.bpb["reserved_sectors"] + copy * self.fat_sectors) \
            * self.sector_size

    def next(self, cluster):
        if self.bits == 12:
            raise NotImplementedError("FAT12 chains")
        size = self.bits // 8
        value = int.from_bytes(self.disk.read(self.fat_offset() + cluster * size, size),
            "little")
        return value & 0x0fffffff if self.bits == 32 else value

    def set_next(self, cluster, value):
        """Change the link of cluster in every copy of the FAT."""
        if self.bits == 12:
            raise NotImplementedError("FAT12 chains")
        size = self.bits // 8
        for copy in range(self.bpb["fat_count"]):
            self.disk.write(self.fat_offset(copy) + cluster * size,
                value.to_bytes(size, "little"))

    def chain(self, cluster):
        clusters = []
        while 2 <= cluster < self.cluster_count + 2 and len(clusters) <= self.cluster_count:
            clusters.append(cluster)
            cluster = self.next(cluster)
        return clusters

    def cluster_offset(self, cluster):
        return self.data_offset + (cluster - 2) * self.cluster_size

    def entries(self, directory):
        """The short entries of a directory (None: the root), LFN pieces and
        deleted entries left out."""
        if directory is None and not self.fat32:
            extents = [(self.root_offset, self.bpb["root_entries"] * 32)]
        else:
            first = self.bpb["root_cluster"] if directory is None else directory.first_cluster
            extents = [(self.cluster_offset(c), self.cluster_size) for c in self.chain(first)]
        for start, length in extents:
            raw = self.disk.read(start, length)
            for at in range(0, length, 32):
                entry = raw[at:at + 32]
                if entry[0] == 0:
                    return
                if entry[0] == 0xe5 or entry[11] & 0x3f == ATTR_LONG_NAME:
                    continue
                yield DirEntry(start + at, entry, self.fat32)

    def lookup(self, path):
        """The short entry of an absolute path (components matched against
        their 8.3 names, ASCII case ignored)."""
        entry = None
        for component in path.strip("/").split("/"):
            base, _, extension = component.upper().partition(".")
            name = base.ljust(8).encode() + extension.ljust(3).encode()
            for candidate in self.entries(entry):
                if candidate.name == name:
                    entry = candidate
                    break
            else:
                raise FileNotFoundError(path)
        return entry

    def set_entry(self, entry, first_cluster=None, size=None):
        if first_cluster is not None:
            self.disk.write(entry.offset + 26, struct.pack("<H", first_cluster & 0xffff))
            if self.fat32:
                self.disk.write(entry.offset + 20, struct.pack("<H", first_cluster >> 16))
        if size is not None:
            self.disk.write(entry.offset + 28, struct.pack("<I", size))
