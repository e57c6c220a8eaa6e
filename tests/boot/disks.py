# SPDX-License-Identifier: MIT
"""Disks of unusual shapes for the tests, made by the real tools: partition
tables written by fdisk for any block size (sfdisk, which make-image uses,
takes 512-byte sectors only) and FAT volumes by mkfs.fat and mtools, each
made apart and then written where its partition starts. Disks are sparse
files: a table that reaches past 2 TiB costs only the blocks written."""

import subprocess

ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"


def run_tool(*command, stdin=None):
    subprocess.run(command, input=stdin, check=True, capture_output=True,
        text=stdin is not None)


def fat_volume(path, block_size, blocks, label, files=(), fat_bits=None):
    """A FAT volume of blocks sectors of block_size bytes at path, holding
    files: (source, destination) pairs, their directories made on the way."""
    run_tool("truncate", "-s", str(blocks * block_size), str(path))
    bits = ("-F", str(fat_bits)) if fat_bits else ()
    run_tool("mkfs.fat", *bits, "-S", str(block_size), "-s", "1", "-n", label, str(path))
    made = set()
    for source, destination in files:
        parts = destination.strip("/").split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            directory = "/" + "/".join(parts[:depth])
            if directory not in made:
                run_tool("mmd", "-i", str(path), "::" + directory)
                made.add(directory)
        run_tool("mcopy", "-i", str(path), str(source), "::" + destination)
    return path


def partitioned_disk(path, label, block_size, disk_bytes, partitions):
    """A disk of disk_bytes at path with a partition table of label "g"
    (GPT) or "o" (MBR) in block_size sectors; partitions: (first block,
    volume file, GPT type or None) in order, each partition as large as its
    volume, which is written there."""
    run_tool("truncate", "-s", str(disk_bytes), str(path))
    script = label + "\n"
    for number, (first, volume, _) in enumerate(partitions, 1):
        blocks = volume.stat().st_size // block_size
        kind = "p\n" if label == "o" else ""
        script += f"n\n{kind}{number}\n{first}\n+{blocks - 1}\n"
    for number, (_, _, kind) in enumerate(partitions, 1):
        if kind:
            # fdisk asks which partition only when there are several.
            which = f"{number}\n" if len(partitions) > 1 else ""
            script += f"t\n{which}{kind}\n"
    run_tool("fdisk", "-b", str(block_size), str(path), stdin=script + "w\n")
    with open(path, "r+b") as disk:
        for first, volume, _ in partitions:
            disk.seek(first * block_size)
            disk.write(volume.read_bytes())
    return str(path)
