# SPDX-License-Identifier: MIT
"""Unified kernel images (Boot Loader Specification Type #2) on the hosted
port: images that build/scripts/make-uki makes from systemd's stub with
binutils' objcopy, found in /EFI/Linux on the ESP and the XBOOTLDR
partition, titled and sorted by what their sections say, refused with a
message naming the file, and handed to the port whole with no load options
unless the menu's editor changed the image's command line. The stub's
kernel here is a placeholder: the hosted port starts nothing, and
tests/boot/test_guests.py boots Debian's kernel as a real image."""

import os
import re
import struct
import subprocess
import zlib

import pytest

from test_menu import END, ENTER, Loader

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAKE_UKI = os.path.join(TOP, "build", "scripts", "make-uki")
MAKE_IMAGE = os.path.join(TOP, "build", "scripts", "make-image")
STUB = "/usr/lib/systemd/boot/efi/linuxx64.efi.stub"
GENERATED = os.path.join(TOP, "generated")

DEBIAN_OS_RELEASE = ('PRETTY_NAME="Debian \\"GNU\\"/Linux 12 (bookworm)"\nNAME="Debian"\n'
    "VERSION_ID='12'\nID=debian\n")
DEBIAN_CMDLINE = "root=/dev/sda2 quiet"
DEBIAN_TITLE = 'Debian "GNU"/Linux 12 (bookworm) (6.1.0-test)'


def make_uki(directory, name, os_release=None, cmdline=None, uname=None):
    """A unified kernel image of a placeholder kernel; its path."""
    linux = directory / "linux"
    linux.write_bytes(b"MZ a placeholder for the kernel\n" * 64)
    arguments = [MAKE_UKI, "--stub", STUB, "--linux", str(linux)]
    if os_release is not None:
        (directory / f"{name}.osrel").write_text(os_release)
        arguments += ["--os-release", str(directory / f"{name}.osrel")]
    if cmdline is not None:
        arguments += ["--cmdline", cmdline]
    if uname is not None:
        arguments += ["--uname", uname]
    path = directory / f"{name}.efi"
    subprocess.run(arguments + [str(path)], check=True)
    return path


def section_offset(path, name):
    """Where the section of that name starts in the file."""
    data = path.read_bytes()
    pe = struct.unpack_from("<I", data, 0x3c)[0]
    count = struct.unpack_from("<H", data, pe + 6)[0]
    optional = struct.unpack_from("<H", data, pe + 20)[0]
    table = pe + 24 + optional
    for i in range(count):
        entry = data[table + 40 * i:table + 40 * (i + 1)]
        if entry[:8].rstrip(b"\0") == name:
            return struct.unpack_from("<I", entry, 20)[0]
    raise AssertionError(f"{path} has no section {name}")


def other_architecture(path):
    """The image as arm64's (PE machine 0xaa64): the same bytes otherwise."""
    data = bytearray(path.read_bytes())
    pe = struct.unpack_from("<I", data, 0x3c)[0]
    struct.pack_into("<H", data, pe + 4, 0xaa64)
    copy = path.with_name("arm64-" + path.name)
    copy.write_bytes(data)
    return copy


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    """An ESP with images of every kind in /EFI/Linux, and an XBOOTLDR
    partition with one more, beside a loader.cfg entry of our kernel."""
    directory = tmp_path_factory.mktemp("uki")
    debian = make_uki(directory, "debian", DEBIAN_OS_RELEASE, DEBIAN_CMDLINE, "6.1.0-test")
    esp = {
        "debian-6.1": debian,
        "arm64": other_architecture(debian),
        "plain": make_uki(directory, "plain"),
        "long-cmdline": make_uki(directory, "long", "ID=long\n", "x" * 2048),
        "huge-osrel": make_uki(directory, "huge", "ID=huge\n" + "#" * 16384 + "\n"),
    }
    (directory / "tiny.efi").write_bytes(b"MZ")
    esp["tiny"] = directory / "tiny.efi"
    # a DOS header whose PE header would end past the file's end
    near_end = bytearray(b"MZ".ljust(128, b"\0"))
    struct.pack_into("<I", near_end, 0x3c, 120)
    near_end[120:124] = b"PE\0\0"
    (directory / "near-end.efi").write_bytes(near_end)
    esp["near-end"] = directory / "near-end.efi"
    # the image with its PE signature broken, its machine field still ours
    unsigned = bytearray(debian.read_bytes())
    unsigned[struct.unpack_from("<I", unsigned, 0x3c)[0]] = ord("N")
    (directory / "no-signature.efi").write_bytes(unsigned)
    esp["no-signature"] = directory / "no-signature.efi"
    # cut off inside its .osrel section: the section table points past the end
    osrel = section_offset(debian, b".osrel")
    (directory / "cut.efi").write_bytes(debian.read_bytes()[:osrel + 8])
    esp["cut"] = directory / "cut.efi"
    (directory / "notes.txt").write_text("not an image\n")
    fedora = make_uki(directory, "fedora", "NAME=Fedora Linux\nID=fedora\nVERSION_ID=40\n")
    config = directory / "loader.cfg"
    config.write_text('timeout = forever\nentry "Haiku" {\n\tkernel = /boot/kernel\n}\n')
    image = directory / "uki.img"
    arguments = [MAKE_IMAGE, "--size", "64", "--second-mib", "16", "--config", str(config),
        "--extra-file", f"{directory / 'notes.txt'}:/EFI/Linux/notes.txt",
        "--xbootldr-file", f"{fedora}:/EFI/Linux/fedora-40.efi"]
    for name, path in esp.items():
        arguments += ["--extra-file", f"{path}:/EFI/Linux/{name}.efi"]
    subprocess.run(arguments + [str(image), os.path.join(GENERATED, "efi", "BOOTX64.efi"),
        os.path.join(GENERATED, "kernel", "kernel_x86_64")], check=True)
    return {"image": str(image), "debian": debian, "cut_at": osrel + 8,
        "osrel_end": osrel + len(DEBIAN_OS_RELEASE.encode())}


@pytest.fixture
def loader(disk):
    started = Loader(disk["image"])
    yield started
    if started.process.poll() is None:
        started.process.kill()
        started.process.wait()


def test_images_are_listed_by_what_their_sections_say(loader):
    # PRETTY_NAME (quotes and escapes undone) and .uname make the title;
    # without PRETTY_NAME, NAME. Sorted with the sort key systemd-boot
    # gives images (ID): debian, fedora, long; the configuration's entry
    # stays first. The arm64 image is hidden; no title falls back on the ID.
    loader.expect(r"^Boot menu$")
    loader.expect(r"^> 1\. Haiku$")
    loader.expect(rf"^  2\. {re.escape(DEBIAN_TITLE)}$")
    loader.expect(r"^  3\. Fedora Linux$")
    loader.expect(r"^  4\. long$")
    loader.finish()
    assert "5. " not in loader.text, loader.text
    log = loader.log()
    assert "bls: (disk0p1)/EFI/Linux: 9 .efi files" in log, log
    assert "bls: (disk0p2)/EFI/Linux: 1 .efi files" in log, log
    assert ("bls: (disk0p1)/EFI/Linux/arm64.efi is for another architecture "
        "(PE machine 0xaa64)") in log, log


def test_what_is_no_image_is_said_with_its_file(loader, disk):
    loader.expect(r"^Boot menu$")
    loader.finish()
    log = loader.log()
    for name, reason in [
            ("plain", "not a unified kernel image (no .osrel section)"),
            ("tiny", "not an EFI executable (no PE header)"),
            ("near-end", "not an EFI executable (no PE header)"),
            ("no-signature", "not an EFI executable (no PE header)"),
            ("huge-osrel", "its .osrel section is larger than 16384 bytes"),
            ("cut", f"cut short: it ends at byte {disk['cut_at']}, its PE headers describe "
                f"bytes up to {disk['osrel_end']}")]:
        assert f"config: (disk0p1)/EFI/Linux/{name}.efi: {reason}; it is ignored" in log, log


def test_an_image_is_started_without_load_options_unless_edited(loader, disk):
    # Unchanged, the image's own .cmdline is the stub's to apply.
    data = disk["debian"].read_bytes()
    handed = (f"host: image (disk0p1)/EFI/Linux/debian-6.1.efi: {len(data)} bytes, crc32 "
        f"{zlib.crc32(data):08x}, disk0/EFI/Linux/debian-6.1.efi at byte 1048576, "
        "load options ")
    loader.expect(r"^Boot menu$")
    loader.send("2")
    loader.expect(r"^Unified kernel image: \(disk0p1\)/EFI/Linux/debian-6\.1\.efi$")
    loader.expect(rf'^Command line: "{DEBIAN_CMDLINE}"$')
    loader.expect(r"^Started by the firmware; load options: only an edited command line$")
    loader.send(ENTER)
    loader.expect(r"^boot: cannot start \(disk0p1\)/EFI/Linux/debian-6\.1\.efi: the hosted "
        r"port has no firmware to start it$")
    loader.send("e")
    loader.expect(rf"^Command line> {DEBIAN_CMDLINE}$")
    loader.send(END + " single" + ENTER)
    loader.expect(rf'^Command line: "{DEBIAN_CMDLINE} single"$')
    loader.send(ENTER)
    loader.expect(r"^boot: cannot start")
    loader.finish()
    log = loader.log()
    assert handed + '""\n' in log, log
    assert handed + f'"{DEBIAN_CMDLINE} single"\n' in log, log


def test_a_command_line_too_long_to_edit_stays_the_image_s(loader):
    loader.expect(r"^Boot menu$")
    loader.send("4")
    loader.expect(r'^Command line: ""$')
    loader.send(ENTER)
    loader.expect(r"^Error: cannot start")
    loader.finish()
    assert 'long-cmdline.efi at byte 1048576, load options ""' in loader.log()
