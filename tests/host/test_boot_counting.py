# SPDX-License-Identifier: MIT
"""Boot counting on the hosted port (docs/config.md, "Boot counting"): the
file of a chosen entry named "<id>+<left>[-<done>]" is renamed for each
start, on the disk image itself (the port renames through mtools, as a
firmware through its FAT driver), and LoaderBootCountPath tells the
operating system the new name. tests/boot/test_guests.py does it with
OVMF's own FAT driver and Debian's kernel."""

import os
import re
import subprocess

import pytest

from contents import volume_files
from test_boot_loader_interface import variables_set
from test_menu import ENTER, Loader
from test_uki import DEBIAN_OS_RELEASE, make_uki
from test_verified_boot import trusting_loader  # noqa: F401 (a fixture)

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAKE_IMAGE = os.path.join(TOP, "build", "scripts", "make-image")
GENERATED = os.path.join(TOP, "generated")
UKI_TITLE = 'Debian "GNU"/Linux 12 (bookworm) (6.1.0-test)'

ENTRIES = {
    # on the ESP
    "/loader/entries/counted+3.conf": "title Counted\nlinux /vmlinuz\n",
    "/loader/entries/good.conf": "title Good\nlinux /vmlinuz\n",
    "/loader/entries/bad+0-3.conf": "title Bad\nlinux /vmlinuz\n",
    # a counter whose next name is taken already: the rename must fail
    "/loader/entries/clash+2.conf": "title Clash\nlinux /vmlinuz\n",
    "/loader/entries/clash+1-1.conf": "title Clash again\nlinux /vmlinuz\n",
}


@pytest.fixture
def disk(tmp_path):
    """A fresh image for each test: the tests change its files."""
    for index, (path, text) in enumerate(ENTRIES.items()):
        (tmp_path / f"entry{index}.conf").write_text(text)
    (tmp_path / "vmlinuz").write_bytes(b"MZ a placeholder for a kernel\n" * 32)
    (tmp_path / "xbootldr.conf").write_text("title On XBOOTLDR\nlinux /vmlinuz\n")
    uki = make_uki(tmp_path, "uki", DEBIAN_OS_RELEASE, "quiet", "6.1.0-test")
    config = tmp_path / "loader.cfg"
    config.write_text('timeout = forever\nentry "Haiku" {\n\tkernel = /boot/kernel\n}\n')
    image = tmp_path / "disk.img"
    arguments = [MAKE_IMAGE, "--size", "64", "--second-mib", "16", "--config", str(config),
        "--extra-file", f"{tmp_path / 'vmlinuz'}:/vmlinuz",
        "--extra-file", f"{uki}:/EFI/Linux/uki+1.efi",
        "--xbootldr-file", f"{tmp_path / 'xbootldr.conf'}:/loader/entries/xboot+1-4.conf",
        "--xbootldr-file", f"{tmp_path / 'vmlinuz'}:/vmlinuz"]
    for index, path in enumerate(ENTRIES):
        arguments += ["--extra-file", f"{tmp_path / f'entry{index}.conf'}:{path}"]
    subprocess.run(arguments + [str(image), os.path.join(GENERATED, "efi", "BOOTX64.efi"),
        os.path.join(GENERATED, "kernel", "kernel_x86_64")], check=True)
    return str(image)


def start(loader, number, title):
    """Choose entry number and start it; the hosted port comes back to the menu."""
    loader.send(str(number) + ENTER)
    loader.expect(rf'^Booting "{re.escape(title)}"$')
    loader.expect(r"^Error: cannot start")


def test_each_start_of_a_counted_entry_renames_its_file(disk):
    loader = Loader(disk)
    loader.expect(r"^Boot menu$")
    # Sorted by ids without counters (the image has a sort key); an entry
    # with no tries left is last.
    for number, title in enumerate(["Haiku", UKI_TITLE, "On XBOOTLDR", "Good", "Counted",
            "Clash again", "Clash", "Bad"], 1):
        loader.expect(rf"^[ >] {number}\. {re.escape(title)}$")
    # An entry without a counter is not counted.
    start(loader, 4, "Good")
    assert "good.conf" in volume_files(disk, "/loader/entries")
    names = []
    for _ in range(4):
        start(loader, 5, "Counted")
        names.append(volume_files(disk, "/loader/entries"))
    # Bad stays bad, and is counted too, as systemd-boot counts it.
    start(loader, 8, "Bad")
    loader.finish()
    log = loader.log()
    for tries, listing in zip(["+2-1", "+1-2", "+0-3", "+0-4"], names):
        assert f"counted{tries}.conf" in listing, (tries, listing)
        assert sum(name.startswith("counted") for name in listing) == 1, listing
    assert "bad+0-4.conf" in volume_files(disk, "/loader/entries")
    variables = variables_set(log)
    assert variables["LoaderEntries"] == ["Haiku", "uki", "xboot", "good", "counted", "clash",
        "clash", "bad"]
    # boot counting is a feature (bit 4)
    assert int(variables["LoaderFeatures"][:2], 16) & 0x10
    assert re.findall(r"LoaderBootCountPath = (.*)", log) == [
        r'"\loader\entries\counted+2-1.conf"', r'"\loader\entries\counted+1-2.conf"',
        r'"\loader\entries\counted+0-3.conf"', r'"\loader\entries\counted+0-4.conf"',
        r'"\loader\entries\bad+0-4.conf"'], log
    assert ("boot: counted a try of (disk0p1)/loader/entries/counted+1-2.conf: it is "
        "counted+0-3.conf now") in log, log


def test_an_image_and_an_entry_on_the_xbootldr_partition_are_counted_where_they_are(disk):
    loader = Loader(disk)
    loader.expect(r"^Boot menu$")
    start(loader, 2, UKI_TITLE)
    start(loader, 3, "On XBOOTLDR")
    # Started again, the image is read by the name the last try gave it:
    # the loader's own copy of its directory must not keep the old one.
    start(loader, 2, UKI_TITLE)
    loader.finish()
    log = loader.log()
    assert volume_files(disk, "/EFI/Linux") == ["uki+0-2.efi"]
    assert volume_files(disk, "/loader/entries", 2) == ["xboot+0-5.conf"]
    # The firmware is given the image by its new name; the path the
    # operating system gets is on the image's own volume.
    assert re.search(r"^host: image \(disk0p1\)/EFI/Linux/uki\+0-1\.efi: \d+ bytes, crc32 "
        r"\w+, disk0/EFI/Linux/uki\+0-1\.efi at byte 1048576", log, re.M), log
    assert re.search(r"^host: image \(disk0p1\)/EFI/Linux/uki\+0-2\.efi: ", log, re.M), log
    assert re.findall(r"LoaderBootCountPath = (.*)", log) == [
        r'"\EFI\Linux\uki+0-1.efi"', r'"\loader\entries\xboot+0-5.conf"',
        r'"\EFI\Linux\uki+0-2.efi"'], log


def test_a_file_that_cannot_be_renamed_starts_uncounted(disk):
    loader = Loader(disk)
    loader.expect(r"^Boot menu$")
    start(loader, 7, "Clash")
    loader.finish()
    log = loader.log()
    assert ("boot: cannot count this try of (disk0p1)/loader/entries/clash+2.conf: mren "
        "failed (status 0x100); it starts uncounted") in log, log
    assert "LoaderBootCountPath" not in log, log
    assert 'LoaderEntrySelected = "clash"' in log, log
    assert "host: image (disk0p1)/vmlinuz" in log, log
    assert volume_files(disk, "/loader/entries").count("clash+2.conf") == 1


def test_a_request_may_name_the_entry_with_its_counter(disk):
    # What an older bootctl writes: the file name as it was when it looked.
    loader = Loader("--loader-variable", "LoaderEntryOneShot=counted+3.conf", disk)
    loader.expect(r"^Error: cannot start")
    loader.finish()
    log = loader.log()
    assert 'LoaderEntrySelected = "counted"' in log, log
    assert "counted+2-1.conf" in volume_files(disk, "/loader/entries")


def test_a_manifest_lists_a_counted_file_by_the_name_it_keeps(trusting_loader, tmp_path):
    """Verified boot (docs/verified_boot.md): the manifest lists the entry
    file as debian.conf; it is trusted as debian+2.conf, and once renamed as
    debian+1-1.conf at the next boot. A counted file whose bytes are not
    the listed ones is refused, with its own name."""
    entry = tmp_path / "debian.conf"
    entry.write_text("title Debian\nlinux /vmlinuz\n")
    changed = tmp_path / "changed.conf"
    changed.write_text("title Changed\nlinux /vmlinuz\noptions init=/bin/sh\n")
    kernel = tmp_path / "vmlinuz"
    kernel.write_bytes(b"MZ a placeholder for a kernel\n" * 32)
    config = tmp_path / "loader.cfg"
    config.write_text('timeout = forever\nentry "Haiku" {\n\tkernel = /boot/kernel\n}\n')
    manifest = tmp_path / "loader.sha256"
    subprocess.run([os.path.join(TOP, "build", "scripts", "make-manifest"),
        os.path.join(GENERATED, "secure-boot", "manifest.key"), str(manifest),
        f"{config}:/boot/loader.cfg", f"{entry}:/loader/entries/debian.conf",
        f"{entry}:/loader/entries/other.conf", f"{kernel}:/vmlinuz"], check=True)
    image = str(tmp_path / "disk.img")
    subprocess.run([MAKE_IMAGE, "--size", "64", "--config", str(config),
        "--extra-file", f"{manifest}:/boot/loader.sha256",
        "--extra-file", f"{manifest}.sig:/boot/loader.sha256.sig",
        "--extra-file", f"{kernel}:/vmlinuz",
        "--extra-file", f"{entry}:/loader/entries/debian+2.conf",
        "--extra-file", f"{changed}:/loader/entries/other+3.conf", image,
        os.path.join(GENERATED, "efi", "BOOTX64.efi"),
        os.path.join(GENERATED, "kernel", "kernel_x86_64")], check=True)

    for tries in ["+1-1", "+0-2"]:
        loader = Loader("--secure-boot", "enforcing", image)
        loader.expect(r"^  2\. Debian$")
        start(loader, 2, "Debian")
        loader.finish()
        log = loader.log()
        assert f"debian{tries}.conf" in volume_files(image, "/loader/entries"), log
        assert re.search(r"^config: \(disk0p1\)/loader/entries/other\+3\.conf: refused: its "
            r"SHA-256 is not the one \(disk0p1\)/boot/loader\.sha256 lists on line 3", log,
            re.M), log
    assert "Changed" not in loader.text
