# SPDX-License-Identifier: MIT
"""The hosted port as a network boot (--serve DIR, platform/host/server.c):
the generic loader on a file server's volume, and how much of each file it
asks the server for. tests/boot/test_network.py boots the same code from
QEMU's TFTP server."""

import os
import re
import shutil
import subprocess

from contents import contents_problems, disk_boot_device

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOADER = os.path.join(TOP, "generated", "host", "boot_loader_host")
IMAGES = os.path.join(TOP, "generated", "images")
KERNEL = os.path.join(TOP, "generated", "kernel", "kernel_x86_64")
# FILE_SERVER_PREFIX_UNIT: what a look at a file's start fetches
PREFIX = 64 * 1024


def serve(tmp_path, config, files=(), with_kernel=True):
    """A served directory with the configuration, the kernel and files
    ((path, bytes)); returns its path."""
    root = tmp_path / "served"
    (root / "boot").mkdir(parents=True)
    (root / "boot" / "loader.cfg").write_text(config)
    if with_kernel:
        shutil.copyfile(KERNEL, root / "boot" / "kernel")
    for path, data in files:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return str(root)


def run(*arguments):
    return subprocess.run([LOADER, *arguments], capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=60)


def fetches(result, path):
    """The lengths the loader fetched path in, in order."""
    return [int(n) for n in re.findall(rf"^host: net0: fetching (\d+) bytes of {re.escape(path)}$",
        result.stderr, re.M)]


def test_served_kernel_and_module_boot_without_a_disk(tmp_path):
    module = bytes((i * 131 + (i >> 7)) & 0xff for i in range(300_000))
    root = serve(tmp_path, 'timeout = 0\nentry "Served" {\n\tkernel = /boot/kernel\n'
        '\tmodule = /boot/modules/test.bin\n}\n', [("boot/modules/test.bin", module)])
    result = run("--serve", root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BOOTCHECK PASS" in result.stdout
    assert f'vfs: vol0: net0, server host, label "{root}", boot volume' in result.stderr
    assert ("boot device: network, client 127.0.0.1, mask 255.0.0.0, server 127.0.0.1"
        in result.stdout.splitlines()), result.stdout
    # The kernel: its headers alone, then the whole file once for the segments.
    assert fetches(result, "boot/kernel") == [PREFIX, os.path.getsize(KERNEL)]
    # A module is read whole: one fetch, straight into its region.
    assert fetches(result, "boot/modules/test.bin") == [len(module)]
    (tmp_path / "test.bin").write_bytes(module)
    assert contents_problems(result.stdout, KERNEL,
        {"/boot/modules/test.bin": tmp_path / "test.bin"}) == []


def test_a_large_file_that_is_no_kernel_costs_only_its_start(tmp_path):
    root = serve(tmp_path, 'timeout = 0\nentry "Junk" {\n\tkernel = /boot/junk\n}\n')
    with open(os.path.join(root, "boot", "junk"), "wb") as junk:
        junk.truncate(64 << 20)
    result = run("--serve", root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "boot: kernel /boot/junk is not bootable: bad ELF magic" in result.stdout
    assert fetches(result, "boot/junk") == [PREFIX]


def test_what_the_server_lacks_comes_from_the_disks(tmp_path):
    # The served directory has only the configuration; boot.img the kernel.
    root = serve(tmp_path, 'timeout = 0\nentry "Disk kernel" {\n\tkernel = /boot/kernel\n}\n',
        with_kernel=False)
    result = run("--serve", root, os.path.join(IMAGES, "boot.img"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BOOTCHECK PASS" in result.stdout
    assert "boot: configuration (net0)/boot/loader.cfg: 1 entries, 0 problems" in result.stderr
    assert re.search(r"vfs: vol1: disk0p1, fat FAT32, label \"ESP\"$", result.stderr, re.M), \
        result.stderr
    assert fetches(result, "boot/kernel") == []
    # The kernel came from the disk, and is told so.
    assert disk_boot_device(os.path.join(IMAGES, "boot.img")) in result.stdout.splitlines()


def test_an_unusable_served_directory_is_said_and_the_disks_still_boot(tmp_path):
    result = run("--serve", str(tmp_path / "absent"), os.path.join(IMAGES, "boot.img"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"host: cannot serve {tmp_path / 'absent'}: No such file or directory" \
        in result.stdout
    assert "BOOTCHECK PASS" in result.stdout
