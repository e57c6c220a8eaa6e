# SPDX-License-Identifier: MIT
"""Which files become Boot Loader Specification entries (bls.c,
docs/config.md), on the hosted port with disks made by the real tools:
the names and kinds of file in /loader/entries, the size limit, a file
that cannot be used among good ones, and which Extended Boot Loader
partitions are looked in (next to the ESP, on GPT and on MBR disks; not
on another disk). The loader publishes the ids it found in
LoaderEntries, which each test compares whole."""

import os
import re
import subprocess

from test_menu import Loader
from test_verified_boot import HAIKU_CONFIG, KERNEL, make_disk
# CONFIG_MAX_FILE_SIZE and BLS_MAX_FILES (headers/boot/config.h, bls.c)
MAX_FILE_SIZE = 64 * 1024
MAX_FILES = 64


def entry(title):
    return f"title {title}\nlinux /vmlinuz\n"


def padded_entry(title, size):
    """An entry file of exactly size bytes, its comment making up the rest."""
    text = entry(title) + "#"
    return text + "x" * (size - len(text) - 1) + "\n"


def sources(tmp_path, files, prefix):
    """files {path on the volume: text or bytes}, written out as (source, path)."""
    pairs = []
    for index, (path, text) in enumerate(files.items()):
        source = tmp_path / f"{prefix}{index}"
        source.write_bytes(text.encode() if isinstance(text, str) else text)
        pairs.append((source, path))
    return pairs


def haiku_config(tmp_path):
    config = tmp_path / "loader.cfg"
    config.write_text(HAIKU_CONFIG)
    return config


def gpt_disk(tmp_path, name, esp_files, xbootldr_files=None):
    return make_disk(tmp_path, haiku_config(tmp_path),
        sources(tmp_path, esp_files, f"{name}-esp"),
        sources(tmp_path, xbootldr_files or {}, f"{name}-xbootldr"), name=name)


def fat_volume(path, mib, files):
    """A FAT volume of mib MiB at path with the (source, path) files."""
    subprocess.run(["truncate", "-s", f"{mib}M", str(path)], check=True)
    subprocess.run(["mkfs.fat", str(path)], check=True, capture_output=True)
    for source, target in files:
        directory = os.path.dirname(target)
        parts = directory.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            subprocess.run(["mmd", "-D", "s", "-i", str(path), "::/" + "/".join(parts[:depth])],
                capture_output=True)
        subprocess.run(["mcopy", "-i", str(path), str(source), f"::{target}"], check=True)


def mbr_disk(tmp_path, xbootldr_files):
    """An MBR disk: an ESP (type 0xef) with the loader's configuration and
    kernel, and an Extended Boot Loader partition (type 0xea)."""
    esp = tmp_path / "mbr-esp.img"
    fat_volume(esp, 32, [(haiku_config(tmp_path), "/boot/loader.cfg"), (KERNEL, "/boot/kernel")])
    xbootldr = tmp_path / "mbr-xbootldr.img"
    fat_volume(xbootldr, 16, sources(tmp_path, xbootldr_files, "mbr-xbootldr"))
    image = tmp_path / "mbr.img"
    subprocess.run(["truncate", "-s", "64M", str(image)], check=True)
    subprocess.run(["sfdisk", "-q", str(image)], check=True, text=True,
        input="label: dos\nstart=2048, size=65536, type=ef\nstart=67584, size=32768, type=ea\n")
    with open(image, "r+b") as disk:
        for offset, volume in [(2048 * 512, esp), (67584 * 512, xbootldr)]:
            disk.seek(offset)
            disk.write(volume.read_bytes())
    return str(image)


def entries_found(*arguments):
    """The ids in LoaderEntries, and the log."""
    loader = Loader(*arguments)
    loader.expect(r"^Boot menu$")
    loader.finish()
    log = loader.log()
    published = re.search(r"^host: loader variable LoaderEntries = (.*)$", log, re.M)
    assert published, log
    return re.findall(r'"([^"]*)"', published.group(1)), log


def test_entry_files_are_found_by_name_and_kind(tmp_path):
    """Names ending in .conf in any case are entry files; hidden ones
    (macOS's "._" companions) and directories are not; a file larger than
    the limit is reported and skipped, the others read all the same; a file
    of exactly the limit is read."""
    image = gpt_disk(tmp_path, "names", {
        "/loader/entries/debian.conf": entry("Debian"),
        "/loader/entries/SHOUT.CONF": entry("Shouting"),
        "/loader/entries/._debian.conf": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X",
        "/loader/entries/folder.conf/inside.conf": entry("Inside a folder"),
        "/loader/entries/big.conf": padded_entry("Too big", MAX_FILE_SIZE + 1),
        "/loader/entries/largest.conf": padded_entry("Largest", MAX_FILE_SIZE),
    })
    ids, log = entries_found(image)
    assert sorted(ids) == ["Haiku", "SHOUT", "debian", "largest"], log
    assert ("config: (disk0p1)/loader/entries/big.conf: file is larger than 65536 bytes; "
        "it is ignored") in log, log
    assert "folder" not in log and "._debian" not in log, log


def test_a_full_directory_is_read_up_to_its_limit(tmp_path):
    """One entry file more than a directory's listing holds: the last in
    the directory (the last written) is left out and said to be; the menu
    takes the newest 31 of the others."""
    files = {f"/loader/entries/e{index:03}.conf": entry(f"E{index:03}")
        for index in range(MAX_FILES + 1)}
    ids, log = entries_found(gpt_disk(tmp_path, "full", files))
    assert ids == ["Haiku"] + [f"e{index:03}" for index in range(30, -1, -1)], log
    assert (f"config: (disk0p1)/loader/entries: 1 files after the first {MAX_FILES} are "
        "ignored") in log, log
    assert "e064" not in log, log


def test_the_xbootldr_partition_is_looked_in_on_mbr_disks_too(tmp_path):
    image = mbr_disk(tmp_path, {"/loader/entries/mbr.conf": entry("On an MBR disk")})
    ids, log = entries_found(image)
    assert ids == ["Haiku", "mbr"], log
    assert "bls: (disk0p2)/loader/entries: 1 .conf files" in log, log


def test_an_xbootldr_partition_on_another_disk_is_not_looked_in(tmp_path):
    boot = gpt_disk(tmp_path, "boot", {}, {"/loader/entries/near.conf": entry("Near")})
    other = gpt_disk(tmp_path, "other", {}, {"/loader/entries/far.conf": entry("Far")})
    ids, log = entries_found(boot, other)
    # the other disk's own loader is offered whole, as its default loader
    assert ids == ["Haiku", "near", "auto-efi-default"], log
    assert "(disk1p2)/loader/entries" not in log, log
