"""The hosted port: the generic loader as a Linux process on the same disk
images the QEMU tests boot, ending in the same boot checks."""

import os
import subprocess

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOADER = os.path.join(TOP, "generated", "host", "boot_loader_host")
IMAGES = os.path.join(TOP, "generated", "images")


def run(*arguments, timeout=60):
    images = [a if a.startswith("-") or not a.endswith(".img")
        else os.path.join(IMAGES, a) for a in arguments]
    return subprocess.run([LOADER, *images], capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=timeout)


@pytest.mark.parametrize("image", ["boot.img", "boot-fat-partition.img",
    "boot-tar-partition.img"])
def test_host_loader_boots_and_passes_the_boot_checks(image):
    result = run(image)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BOOTCHECK PASS" in result.stdout
    # On the host, only checks that need the running kernel are skipped.
    assert "0 failed, 7 skipped" in result.stdout
    assert "boot: kernel /boot/kernel loaded" in result.stderr


def test_host_loader_finds_the_kernel_on_a_second_disk():
    result = run("blank.img", "boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BOOTCHECK PASS" in result.stdout


def test_host_loader_memory_size_reaches_kernel_args():
    result = run("--memory", "1024", "boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    # 1 GiB minus the first page, the legacy hole and the top megabyte.
    assert "memory: 1022 MiB usable" in result.stdout, result.stdout


BAD_KERNELS = {
    "missing-kernel": "cannot load the kernel: /boot/kernel: not found on any volume",
    "truncated-kernel": "not bootable: program headers past end of file",
    "not-elf": "not bootable: bad ELF magic",
    "wrong-machine": "not bootable: wrong machine (expected x86_64)",
    "outside-window": "not bootable: segment outside the kernel window",
}


@pytest.mark.parametrize("variant", sorted(BAD_KERNELS))
def test_host_loader_reports_bad_kernels(variant):
    result = run(f"bad-{variant}.img")
    assert result.returncode == 2, result.stdout + result.stderr
    assert BAD_KERNELS[variant] in result.stdout
    assert "BOOTCHECK" not in result.stdout


def test_host_loader_without_a_disk_image_explains_itself():
    result = run("does-not-exist.img")
    assert result.returncode == 2
    assert "cannot open disk image" in result.stdout
    assert "does-not-exist.img" in result.stdout


def test_host_loader_with_a_tiny_heap_reports_out_of_memory():
    # 64 KiB cannot hold the kernel file; the loader must say so, not crash.
    result = run("--heap", "64", "boot.img")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "out of memory" in result.stdout, result.stdout + result.stderr
