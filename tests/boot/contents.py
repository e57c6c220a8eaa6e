# SPDX-License-Identifier: MIT
"""End-to-end integrity of what the loader loaded: the boot-check kernel
prints the CRC-32 of each preloaded image and of each read-only kernel
segment as it finds them in memory, and the partition it was read from;
these helpers say what they must be, from the files on the host. The
loader itself computes no checksum. And the files on an image's
partitions, as mtools sees them: boot counting renames them."""

import os
import re
import struct
import subprocess
import zlib

PAGE = 4096
PT_LOAD = 1
PF_W = 2
SHT_SYMTAB = 2

SEGMENT_LINE = re.compile(r"^  segment \[(\d+)\] vaddr (0x[0-9a-f]+) paddr \S+ size (0x[0-9a-f]+)"
    r" [R-][W-][X-] crc32 (\S+)", re.M)
IMAGE_LINE = re.compile(r'^  \[(\d+)\] \w+ "([^"]*)" 0x[0-9a-f]+ size (\d+) crc32 (\S+)$', re.M)


def partition_guid(image, number=1):
    """A GPT partition's unique GUID, as sgdisk reads it from the image."""
    output = subprocess.run(["sgdisk", "-i", str(number), str(image)], check=True,
        capture_output=True, text=True).stdout
    return re.search(r"^Partition unique GUID: (\S+)$", output, re.M)[1]


def partition_offset(image, number=1):
    """The byte a GPT partition of image starts at, as sgdisk reads it."""
    output = subprocess.run(["sgdisk", "-i", str(number), str(image)], check=True,
        capture_output=True, text=True).stdout
    return int(re.search(r"^First sector: (\d+)", output, re.M)[1]) * 512


def mtools(command, image, number, *paths):
    """An mtools command (a list: the tool and its options) on the FAT
    volume of partition number, with paths on it; its output."""
    drive = f"{image}@@{partition_offset(image, number)}"
    return subprocess.run([*command, "-i", drive, *(f"::{path}" for path in paths)],
        check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL,
        env=dict(os.environ, MTOOLS_SKIP_CHECK="1")).stdout


def volume_files(image, directory, number=1):
    """The sorted names in a directory of partition number's volume."""
    listing = mtools(["mdir", "-b"], image, number, directory)
    return sorted(line.rsplit("/", 1)[1] for line in listing.split())


def copy_esp_files(image, directory):
    """Every file of image's ESP (make-image puts it at 1 MiB) into directory,
    as a server for a network boot would hold them."""
    subprocess.run(["mcopy", "-s", "-n", "-i", f"{image}@@1M", "::*", str(directory)],
        check=True, env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))


def disk_boot_device(image, number=1):
    """The boot-check kernel's line for a kernel read from that GPT partition
    of image: its place on the disk and its GUID, as sgdisk reads them."""
    output = subprocess.run(["sgdisk", "-i", str(number), str(image)], check=True,
        capture_output=True, text=True).stdout
    first = int(re.search(r"^First sector: (\d+)", output, re.M)[1])
    last = int(re.search(r"^Last sector: (\d+)", output, re.M)[1])
    return (f"boot device: disk, offset {first * 512}, size {(last - first + 1) * 512}, "
        f"GUID {partition_guid(image, number).lower()}")


def segment_contents(data, offset, filesz, vaddr, memsz):
    """A PT_LOAD's page aligned mapping as the loader fills it: zeros from
    the page start to p_vaddr, the file's p_offset .. p_offset + p_filesz,
    zeros to the end of the page holding p_vaddr + p_memsz."""
    start = vaddr & ~(PAGE - 1)
    end = (vaddr + memsz + PAGE - 1) & ~(PAGE - 1)
    body = bytes(vaddr - start) + data[offset:offset + filesz]
    return start, body + bytes(end - start - len(body))


def expected_segments(kernel_path):
    """{page aligned vaddr: (size, crc32 as 8 hex digits, or "-" if writable)}."""
    with open(kernel_path, "rb") as kernel:
        data = kernel.read()
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    segments = {}
    for i in range(phnum):
        kind, flags, offset, vaddr, _, filesz, memsz, _ = struct.unpack_from("<IIQQQQQQ",
            data, phoff + i * phentsize)
        if kind != PT_LOAD or memsz == 0:
            continue
        start, contents = segment_contents(data, offset, filesz, vaddr, memsz)
        crc = "-" if flags & PF_W else f"{zlib.crc32(contents):08x}"
        segments[start] = (len(contents), crc)
    return segments


def expected_symbol_tables(kernel_path):
    """{".symtab"/".strtab": (size, crc32)} from the section headers, or {}."""
    with open(kernel_path, "rb") as kernel:
        data = kernel.read()
    shoff, = struct.unpack_from("<Q", data, 40)
    shentsize, shnum = struct.unpack_from("<HH", data, 58)
    sections = [struct.unpack_from("<IIQQQQII", data, shoff + i * shentsize)
        for i in range(shnum)]
    for _, kind, _, _, offset, size, link, _ in sections:
        if kind == SHT_SYMTAB:
            strings = sections[link]
            return {name: (length, f"{zlib.crc32(data[start:start + length]):08x}")
                for name, start, length in ((".symtab", offset, size),
                    (".strtab", strings[4], strings[5]))}
    return {}


def reported_segments(log):
    return {int(vaddr, 16): (int(size, 16), crc)
        for _, vaddr, size, crc in SEGMENT_LINE.findall(log)}


def reported_images(log):
    """{name: (size, crc32 text)} of the preloaded images the kernel listed."""
    return {name: (int(size), crc) for _, name, size, crc in IMAGE_LINE.findall(log)}


def contents_problems(log, kernel_path, modules=None):
    """What differs between memory as the kernel reported it and the files:
    the kernel's segments, its symbol tables and each module, modules mapping the name it was
    loaded by to the host file. An empty list when everything is intact."""
    problems = []
    expected = expected_segments(kernel_path)
    reported = reported_segments(log)
    if reported != expected:
        problems.append(f"kernel segments {reported} in memory, {expected} in the file")
    images = reported_images(log)
    for name, want in expected_symbol_tables(kernel_path).items():
        if images.get(name) != want:
            problems.append(f"{name}: {images.get(name)} in memory, {want} in the file")
    for name, path in (modules or {}).items():
        with open(path, "rb") as module:
            data = module.read()
        want = (len(data), f"{zlib.crc32(data):08x}")
        if images.get(name) != want:
            problems.append(f"module {name}: {images.get(name)} in memory, {want} in the file")
    return problems
