# SPDX-License-Identifier: MIT
"""ISO 9660 volumes (file_systems/iso9660/, docs/volumes.md) on the hosted
port, in images made by xorriso (build/scripts/make-iso): names with and
without Rock Ridge, Joliet's names where Rock Ridge's are missing,
directories listed for Boot Loader Specification
entries, and damage, each refused with the volume, the path and the reason
and the menu back. tests/boot/test_cd.py boots the same images as CDs."""

import os
import re
import struct
import subprocess

import pytest

from test_bls import entries_found, entry
from test_menu import Loader, TOP
from test_verified_boot import KERNEL

MAKE_ISO = os.path.join(TOP, "build", "scripts", "make-iso")
LOADER_EFI = os.path.join(TOP, "generated", "efi", "BOOTX64.efi")
SECTOR = 2048
PRIMARY = 16 * SECTOR


def make_iso(tmp_path, config, files=None, rock_ridge=True, name="image", joliet=False):
    """tmp_path/<name>.iso with config as /boot/loader.cfg and files
    {path: bytes} in the ISO 9660 tree (and in Joliet's, with joliet)."""
    config_path = tmp_path / f"{name}.cfg"
    config_path.write_text(config)
    arguments = [MAKE_ISO, "--config", str(config_path)]
    for index, (path, data) in enumerate((files or {}).items()):
        source = tmp_path / f"{name}-file{index}"
        source.write_bytes(data)
        # Owner-only, as Rock Ridge keeps it: a PX entry whose mode byte has
        # NM's "." and ".." flags clear, which only the signature tells
        # from a name.
        source.chmod(0o600)
        arguments += ["--extra-file", f"{source}:{path}"]
    if not rock_ridge:
        arguments.append("--no-rock-ridge")
    if joliet:
        arguments.append("--joliet")
    image = tmp_path / f"{name}.iso"
    subprocess.run(arguments + [str(image), LOADER_EFI, KERNEL], check=True)
    return str(image)


def records(data, extent, size):
    """(offset, record) of each directory record of the directory at extent."""
    for sector in range(extent * SECTOR, extent * SECTOR + size, SECTOR):
        at = sector
        while at < sector + SECTOR and data[at] != 0:
            yield at, data[at:at + data[at]]
            at += data[at]


def record_offset(data, path):
    """Where the directory record of path ("/boot/kernel") is, by ISO name."""
    record = data[PRIMARY + 156:PRIMARY + 190]
    offset = None
    for component in path.strip("/").split("/"):
        extent = struct.unpack_from("<I", record, 2)[0]
        size = struct.unpack_from("<I", record, 10)[0]
        for offset, record in records(data, extent, size):
            name = bytes(record[33:33 + record[32]]).split(b";")[0].rstrip(b".")
            if name.decode("latin-1").lower() == component:
                break
        else:
            raise KeyError(path)
    return offset


def joliet_name_offset(data, path):
    """Where the UCS-2 name in the Joliet record of path starts."""
    record = data[joliet_descriptor(data) + 156:joliet_descriptor(data) + 190]
    for component in path.strip("/").split("/"):
        extent = struct.unpack_from("<I", record, 2)[0]
        size = struct.unpack_from("<I", record, 10)[0]
        for offset, record in records(data, extent, size):
            name = bytes(record[33:33 + record[32]]).decode("utf-16-be", "replace")
            if name.split(";")[0] == component:
                break
        else:
            raise KeyError(path)
    return offset + 33


def joliet_descriptor(data):
    """Where Joliet's supplementary volume descriptor is."""
    for at in range(PRIMARY, PRIMARY + 8 * SECTOR, SECTOR):
        if data[at] == 2 and data[at + 88:at + 90] == b"%/":
            return at
    raise KeyError("no Joliet descriptor")


def patched(image, patch):
    with open(image, "r+b") as file:
        data = bytearray(file.read())
        patch(data)
        file.seek(0)
        file.write(data)
    return image


BOOT_CONFIG = 'timeout = 0\nentry "From the image" {\n\tkernel = /boot/kernel\n}\n'
MENU_CONFIG = BOOT_CONFIG.replace("timeout = 0", "timeout = forever")


def test_names_without_rock_ridge_are_matched_in_either_case(tmp_path):
    """KERNEL.;1 is /boot/kernel and MODULE.BIN;1 /boot/module.bin."""
    config = ('timeout = 0\nentry "Plain" {\n\tkernel = /boot/kernel\n'
        '\tmodule = /boot/module.bin\n}\n')
    image = make_iso(tmp_path, config, {"/boot/module.bin": b"module"}, rock_ridge=False)
    loader = Loader(image)
    loader.expect(r"^BOOTCHECK PASS$")
    loader.finish()
    log = loader.log()
    assert 'vol1: disk0, iso9660 ISO names, label "HAIKU_BOOT"' in log, log
    assert "boot: module /boot/module.bin loaded, 6 bytes" in log, log
    # xorriso's partition 1 is the whole image, MBR included: no damage
    assert "MBR partition 1 starts at the table, ignored" in log, log
    assert "outside the disk" not in log, log


@pytest.mark.parametrize("joliet", [False, True], ids=["rock-ridge", "with-joliet"])
def test_rock_ridge_names_are_matched_exactly(tmp_path, joliet):
    """Also where Joliet's tree is there too: Rock Ridge's names win."""
    config = 'timeout = 0\nentry "Upper case" {\n\tkernel = /BOOT/KERNEL\n}\n'
    loader = Loader(make_iso(tmp_path, config, joliet=joliet))
    loader.expect(r"^Error: cannot load the kernel: /BOOT/KERNEL: not found on any volume$")
    loader.finish()
    assert 'vol1: disk0, iso9660 Rock Ridge, label "HAIKU_BOOT"' in loader.log()


# Longer than ISO 9660's 8.3, in mixed case, and beyond ASCII: what Joliet is for.
JOLIET_FILES = {
    "/boot/modules/Module-With-A-Name-Longer-Than-Eight-Three.bin": b"long name",
    "/boot/modules/gr\u00fc\u00dfe.txt": b"umlauts",
    # xorriso writes UCS-2 only (a penguin would be "_"), as Windows' tools
    # write UTF-16: the test puts the pair in place of "__" itself
    "/boot/modules/__.txt": b"a surrogate pair",
}


def test_joliet_names_are_read_where_rock_ridge_is_missing(tmp_path):
    """UCS-2 names as UTF-8, their ASCII letters matched in either case, as
    Windows made them to be; the same image without Joliet finds neither."""
    config = ('timeout = 0\nentry "Joliet" {\n\tkernel = /boot/kernel\n'
        '\tmodule = /boot/modules/module-with-a-name-longer-than-eight-three.BIN\n'
        '\tmodule = /BOOT/modules/GR\u00fc\u00dfE.txt\n'
        '\tmodule = /boot/modules/\U0001f427.txt\n}\n')
    image = make_iso(tmp_path, config, JOLIET_FILES, rock_ridge=False, joliet=True)

    def penguin(data):
        at = joliet_name_offset(data, "/boot/modules/__.txt")
        data[at:at + 4] = "\U0001f427".encode("utf-16-be")
    loader = Loader(patched(image, penguin))
    loader.expect(r"^BOOTCHECK PASS$")
    loader.finish()
    log = loader.log()
    assert 'vol1: disk0, iso9660 Joliet, label "HAIKU_BOOT"' in log, log
    assert ("boot: module /boot/modules/module-with-a-name-longer-than-eight-three.BIN "
        "loaded, 9 bytes") in log, log
    assert "boot: module /BOOT/modules/GR\u00fc\u00dfE.txt loaded, 7 bytes" in log, log
    assert "boot: module /boot/modules/\U0001f427.txt loaded, 16 bytes" in log, log

    loader = Loader(make_iso(tmp_path, config, JOLIET_FILES, rock_ridge=False, name="plain"))
    loader.expect(r"^Boot menu$")
    loader.finish()
    assert "module-with-a-name-longer-than-eight-three.BIN: not found on any volume" in (
        " ".join(loader.text.split())), loader.text


def test_a_joliet_name_too_long_for_utf8_is_not_cut_into_another(tmp_path):
    """90 characters of three UTF-8 bytes each do not fit in 255: the name
    is passed over, not cut to the 85 that would fit, which is a name of
    its own that a path could ask for."""
    cut = "/boot/modules/" + "\u4e2d" * 85
    config = f'timeout = 0\nentry "Cut" {{\n\tkernel = /boot/kernel\n\tmodule = {cut}\n}}\n'
    image = make_iso(tmp_path, config, {"/boot/modules/" + "x" * 90: b"long"},
        rock_ridge=False, joliet=True)

    def widen(data):
        at = joliet_name_offset(data, "/boot/modules/" + "x" * 90)
        data[at:at + 180] = ("\u4e2d" * 90).encode("utf-16-be")
    loader = Loader(patched(image, widen))
    loader.expect(r"^Boot menu$")
    loader.finish()
    # the message keeps both ends of the long path, in whole characters
    message = re.search(r"^boot: cannot load a module: (/boot/modules/\u4e2d+)\.\.\.(\u4e2d+): "
        r"not found on any volume$", loader.text, re.M)
    assert message and cut.startswith(message[1]) and cut.endswith(message[2]), loader.text


@pytest.mark.parametrize("names", ["Rock Ridge", "Joliet"])
def test_directories_are_listed_for_boot_loader_specification_entries(tmp_path, names):
    """Entry files on the image read as a CD (2048-byte blocks: the ISO 9660
    volume is the boot volume), beside files that are not entries, in a
    directory of more than one sector (records never cross one)."""
    files = {f"/loader/entries/entry-{index:02}-with-a-long-name.conf": entry(f"Entry {index}")
        for index in (1, 2)}
    files.update({f"/loader/entries/other-file-{index:03}.txt": "" for index in range(40)})
    joliet = names == "Joliet"
    image = make_iso(tmp_path, MENU_CONFIG, {path: data.encode() for path, data in files.items()},
        rock_ridge=not joliet, joliet=joliet)
    ids, log = entries_found("--block-size", "2048", image)
    assert ids == ["From the image", "entry-02-with-a-long-name", "entry-01-with-a-long-name"], log
    assert "bls: (disk0)/loader/entries: 2 .conf files" in log, log
    assert f'vol0: disk0, iso9660 {names}, label "HAIKU_BOOT", boot volume' in log, log


# Long Rock Ridge names go on in a continuation area (CE): xorriso puts
# what does not fit in the record there (past about 130 bytes, with the
# record's PX and TF entries). The longest a name may be is 255.
LONG_NAMES = ["a" * 146 + ".bin", "b" * 200 + ".bin", "c" * 251 + ".bin"]


def test_long_rock_ridge_names_go_on_in_a_continuation_area(tmp_path):
    """Each name whole, not cut where the record ends: every module is
    found by its full name."""
    modules = "".join(f"\tmodule = /boot/{name}\n" for name in LONG_NAMES)
    config = f'timeout = 0\nentry "Long names" {{\n\tkernel = /boot/kernel\n{modules}}}\n'
    files = {f"/boot/{name}": name.encode() for name in LONG_NAMES}
    image = make_iso(tmp_path, config, files)
    assert continuation_areas(open(image, "rb").read()) == len(LONG_NAMES)
    loader = Loader(image)
    loader.expect(r"^BOOTCHECK PASS$")
    loader.finish()
    log = loader.log()
    for name in LONG_NAMES:
        assert f"boot: module /boot/{name} loaded, {len(name)} bytes" in log, log


def continuation_entries(data):
    """The offset of each CE entry in the records of /boot."""
    boot = record_offset(data, "/boot")
    extent = struct.unpack_from("<I", data, boot + 2)[0]
    size = struct.unpack_from("<I", data, boot + 10)[0]
    for offset, record in records(data, extent, size):
        name_length = record[32]
        at = 33 + name_length + (name_length % 2 == 0)
        while at + 4 <= len(record) and record[at + 2] >= 4:
            if bytes(record[at:at + 2]) == b"CE":
                yield offset + at
            at += record[at + 2]


def continuation_areas(data):
    return len(list(continuation_entries(data)))


def both_endian(value):
    return struct.pack("<I", value) + struct.pack(">I", value)


def continuation_past_end(data):
    at = next(continuation_entries(data))
    data[at + 4:at + 12] = both_endian(0x00ffffff)


def continuation_loop(data):
    """The first continuation area holds one more byte of the name, still
    to be continued, and a CE that points at the area itself."""
    at = next(continuation_entries(data))
    block = struct.unpack_from("<I", data, at + 4)[0]
    offset = struct.unpack_from("<I", data, at + 12)[0]
    area = block * SECTOR + offset
    again = b"CE" + bytes([28, 1]) + both_endian(block) + both_endian(offset) + both_endian(34)
    data[area:area + 34] = b"NM" + bytes([6, 1, 1]) + b"x" + again
    data[at + 20:at + 28] = both_endian(34)


@pytest.mark.parametrize("patch", [continuation_past_end, continuation_loop],
    ids=["past-end", "loop"])
def test_a_damaged_continuation_area_is_named_and_the_menu_comes_back(tmp_path, patch):
    """The record of the first long name comes before loader.cfg's in
    /boot, so its lookup reads the damaged area first."""
    files = {f"/boot/{name}": b"" for name in LONG_NAMES}
    loader = Loader(patched(make_iso(tmp_path, BOOT_CONFIG, files), patch))
    loader.expect(r"^Boot menu$")
    loader.finish()
    text = " ".join(loader.text.split())
    assert ("Error: cannot read the configuration: disk0 (HAIKU_BOOT): /boot/loader.cfg: "
        "a Rock Ridge continuation area is damaged") in text, loader.text


def extent_past_end(data):
    struct.pack_into("<I", data, record_offset(data, "/boot") + 2, 0x00ffffff)


def name_past_record(data):
    at = record_offset(data, "/boot/loader.cfg")
    data[at + 32] = data[at] - 32


def size_past_end(data):
    struct.pack_into("<I", data, record_offset(data, "/boot/kernel") + 10, len(data))


def directory_too_large(data):
    struct.pack_into("<I", data, record_offset(data, "/boot") + 10, 5 << 20)


def more_extents(data):
    data[record_offset(data, "/boot/kernel") + 25] |= 0x80


DAMAGE = {
    "extent-past-end": (extent_past_end, "cannot read the configuration: disk0 (HAIKU_BOOT): "
        '/boot/loader.cfg: the record of "boot" points past the end of the volume'),
    "name-past-record": (name_past_record, "cannot read the configuration: disk0 (HAIKU_BOOT): "
        "/boot/loader.cfg: a directory record is damaged"),
    # one record damaged in a directory fails every lookup there, naming it
    "size-past-end": (size_past_end, "cannot read the configuration: disk0 (HAIKU_BOOT): "
        '/boot/loader.cfg: the record of "kernel" points past the end of the volume'),
    # a size that would read the whole image sector by sector
    "directory-too-large": (directory_too_large, "cannot read the configuration: "
        "disk0 (HAIKU_BOOT): /boot/loader.cfg: a directory of 5242880 bytes "
        "(at most 4 MiB are read)"),
    "more-extents": (more_extents, "cannot load the kernel: disk0 (HAIKU_BOOT): /boot/kernel: "
        "the file is stored in several extents (over 4 GiB), which this loader does not join"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damage_is_named_and_the_menu_comes_back(tmp_path, damage):
    patch, message = DAMAGE[damage]
    # 6 MiB of image, so that a 5 MiB directory lies on it
    padding = {"/padding.bin": bytes(6 << 20)} if damage == "directory-too-large" else {}
    loader = Loader(patched(make_iso(tmp_path, BOOT_CONFIG, padding), patch))
    loader.expect(r"^Boot menu$")
    loader.finish()
    text = " ".join(loader.text.split())
    assert f"Error: {message}" in text, loader.text


@pytest.mark.parametrize("damage, reason", [
    ("block-size", "logical blocks of 512 bytes (only 2048 are read)"),
    ("no-primary", "no primary volume descriptor"),
    ("joliet-root-past-end", 'the record of "." points past the end of the volume'),
])
def test_a_volume_that_cannot_be_read_is_not_mounted_and_says_why(tmp_path, damage, reason):
    def patch(data):
        if damage == "block-size":
            struct.pack_into("<H", data, PRIMARY + 128, 512)
        elif damage == "no-primary":
            data[PRIMARY] = 2
        else:
            struct.pack_into("<I", data, joliet_descriptor(data) + 156 + 2, 0x00ffffff)
    joliet = damage == "joliet-root-past-end"
    loader = Loader(patched(make_iso(tmp_path, BOOT_CONFIG, rock_ridge=not joliet,
        joliet=joliet), patch))
    loader.expect(r"^Boot menu$")
    loader.finish()
    assert f"vfs: cannot mount disk0: iso9660: {reason}" in loader.log(), loader.log()
