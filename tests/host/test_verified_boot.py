# SPDX-License-Identifier: MIT
"""Verified boot on the hosted port (docs/verified_boot.md), at native
speed, on the Secure Boot tests' disks (tests/boot/Jamfile): the hosted
loader with the same trust built in (build/scripts/embed-trust: the
manifest key, the boot-check kernel's digest) is told Secure Boot's state
with --secure-boot. The same disks under real firmware are in
tests/boot/test_secure_boot.py."""

import os
import re
import subprocess

import pytest

import test_menu
from contents import copy_esp_files
from test_menu import BOOT_FAILED, ENTER, PASSED, TOP, loaders  # noqa: F401 (a fixture)

SECURE_BOOT = os.path.join(TOP, "generated", "secure-boot")
KERNEL = os.path.join(TOP, "generated", "kernel", "kernel_x86_64")
IMAGES = os.path.join(TOP, "generated", "images")
NOTICE = "Secure Boot is off: kernels, modules and configuration are not verified"


@pytest.fixture
def trusting_loader(tmp_path, monkeypatch):
    """The hosted loader with the test trust built in, as test_menu's LOADER."""
    key = os.path.join(SECURE_BOOT, "manifest.key")
    if not os.path.exists(key):
        pytest.fail(f"{key} is missing: `jam secure-boot` makes the test keys and disks "
            "(`jam test` builds them before running the tests)")
    # The trust below is the kernel's digest now; the disks hold the kernel
    # as it was when they were made, and plain `jam` does not remake them.
    disk = os.path.join(TOP, "generated", "images", "secure-boot-signed.img")
    if os.path.getmtime(disk) < os.path.getmtime(KERNEL):
        pytest.fail(f"{disk} is older than {KERNEL}: `jam secure-boot` makes the disks "
            "again (`jam test` does before running the tests)")
    loader = tmp_path / "boot_loader_host"
    subprocess.run([os.path.join(TOP, "build", "scripts", "embed-trust"), "--key", key, "--file", KERNEL, test_menu.LOADER,
        str(loader)], check=True)
    loader.chmod(0o755)
    monkeypatch.setattr(test_menu, "LOADER", str(loader))
    return loader


def signed_files(source, tmp_path):
    """The loader's arguments for the signed disk's files (source "disk":
    the disk itself; "server": its ESP's files served as after a network
    boot) and the name of their volume."""
    image = os.path.join(IMAGES, "secure-boot-signed.img")
    if source == "disk":
        return (image,), "disk0p1"
    served = tmp_path / "served"
    served.mkdir()
    copy_esp_files(image, served)
    return ("--serve", str(served)), "net0"


def choose(loader, number, title):
    loader.expect(r"^Enter boot")
    loader.send(str(number))
    loader.expect(rf"^> {number}\. {re.escape(title)}$")
    loader.send(ENTER)


@pytest.mark.parametrize("source", ["disk", "server"])
@pytest.mark.parametrize("secure_boot", [["--secure-boot", "enforcing"], []],
    ids=["enforcing", "required-by-the-configuration"])
def test_tampered_files_are_refused_and_trusted_ones_boot(trusting_loader, loaders,
        secure_boot, source, tmp_path):
    """Under Secure Boot, and with it off when the configuration says
    require_verification = yes, the same files are refused and trusted;
    from a disk and from a file server alike (the manifest on the server)."""
    files, volume = signed_files(source, tmp_path)
    manifest = re.escape(f"({volume})/boot/loader.sha256")
    loader = loaders(*secure_boot, *files)
    # The first entry, at once: an unsigned EFI application. Under Secure
    # Boot the firmware is the judge (the hosted port has none to ask);
    # without it the loader checks the image itself.
    if secure_boot:
        loader.expect(r"^boot: cannot start /EFI/tools/unsigned\.efi: the hosted port has no "
            r"firmware to start it$")
    else:
        loader.expect(r"^boot: cannot load the EFI application: /EFI/tools/unsigned\.efi: "
            rf"refused: it is not listed in {manifest}$")
    choose(loader, 2, "Tampered kernel")
    loader.expect(r"^boot: cannot load the kernel: /boot/kernel-tampered: refused: its "
        rf"SHA-256 is not the one {manifest} lists on line 4$")
    choose(loader, 3, "Tampered module")
    loader.expect(r"^boot: cannot load a module: /boot/module-tampered\.bin: refused: its "
        rf"SHA-256 is not the one {manifest} lists on line 3$")
    choose(loader, 4, "Boot-check kernel")
    assert loader.finish() == PASSED, loader.text + loader.log()
    log = loader.log()
    state = "enforcing" if secure_boot else "off"
    assert f"trust: Secure Boot is {state}; 1 built-in digests, a signing key" in log, log
    assert ("trust: the configuration requires verification" in log) == (not secure_boot)
    assert f"trust: ({volume})/boot/loader.sha256: signed, 4 files" in log, log
    assert f"trust: ({volume})/boot/loader.cfg verified" in log, log
    assert "trust: /boot/module.bin verified" in log, log
    assert "trust: /boot/kernel verified" in log, log
    assert NOTICE not in loader.text


def test_with_secure_boot_off_nothing_is_verified_and_the_menu_says_so(trusting_loader,
        loaders):
    """The configuration with require_verification changed to no: with
    Secure Boot off it is used as it is, the loader says once that nothing
    is verified (on the console: the first entry boots at once, so the menu
    comes later with that entry's error), and the tampered kernel boots."""
    loader = loaders("secure-boot-changed-config.img")
    loader.expect(rf"^boot: {re.escape(NOTICE)}$")
    choose(loader, 2, "Tampered kernel")
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert loader.text.count(NOTICE) == 1, loader.text
    assert "trust: (disk0p1)" not in loader.log()


def test_a_loader_without_trust_says_nothing_and_refuses_everything_under_secure_boot(
        loaders):
    """The plain build (nothing embedded) shows no notice with Secure Boot
    off; enforcing, it has nothing to trust and refuses the configuration."""
    loader = loaders("secure-boot-changed-config.img")
    choose(loader, 2, "Tampered kernel")
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert "Secure Boot" not in loader.text

    loader = loaders("--secure-boot", "enforcing", "secure-boot-signed.img")
    loader.expect(r"^boot: \(disk0p1\)/boot/loader\.cfg: refused: its SHA-256 is not built "
        r"into the loader, which has no key to check a manifest with$")
    assert loader.finish() == BOOT_FAILED, loader.text + loader.log()
