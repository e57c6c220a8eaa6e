# SPDX-License-Identifier: MIT
"""Verified boot on the hosted port (docs/verified_boot.md), at native
speed, on the Secure Boot tests' disks (tests/boot/Jamfile): the hosted
loader with the same trust built in (build/scripts/embed-trust: the
manifest key, the boot-check kernel's digest) is told Secure Boot's state
with --secure-boot. The same disks under real firmware are in
tests/boot/test_secure_boot.py."""

import hashlib
import os
import re
import subprocess

import pytest

import test_menu
from contents import copy_esp_files
from test_menu import BOOT_FAILED, ENTER, PASSED, TOP, loaders, tar_disk  # noqa: F401 (a fixture)

SECURE_BOOT = os.path.join(TOP, "generated", "secure-boot")
KERNEL = os.path.join(TOP, "generated", "kernel", "kernel_x86_64")
IMAGES = os.path.join(TOP, "generated", "images")
NOTICE = "Secure Boot is off: kernels, modules and configuration are not verified"
MANIFEST_KEY = os.path.join(SECURE_BOOT, "manifest.key")
MAKE_IMAGE = os.path.join(TOP, "build", "scripts", "make-image")
HAIKU_CONFIG = 'timeout = forever\nentry "Haiku" {\n\tkernel = /boot/kernel\n}\n'


@pytest.fixture
def trusting_loader(tmp_path, monkeypatch):
    """The hosted loader with the test trust built in, as test_menu's LOADER."""
    return embed_trust(tmp_path, monkeypatch)


def embed_trust(tmp_path, monkeypatch, *options):
    """trusting_loader, with embed-trust's options added to the test trust."""
    if not os.path.exists(MANIFEST_KEY):
        pytest.fail(f"{MANIFEST_KEY} is missing: `jam secure-boot` makes the test keys and disks "
            "(`jam test` builds them before running the tests)")
    # The trust below is the kernel's digest now; the disks hold the kernel
    # as it was when they were made, and plain `jam` does not remake them.
    disk = os.path.join(TOP, "generated", "images", "secure-boot-signed.img")
    if os.path.getmtime(disk) < os.path.getmtime(KERNEL):
        pytest.fail(f"{disk} is older than {KERNEL}: `jam secure-boot` makes the disks "
            "again (`jam test` does before running the tests)")
    loader = tmp_path / "boot_loader_host"
    subprocess.run([os.path.join(TOP, "build", "scripts", "embed-trust"), "--key", MANIFEST_KEY,
        "--file", KERNEL, *options, test_menu.LOADER, str(loader)], check=True)
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


def make_disk(tmp_path, config, esp=(), xbootldr=(), name="disk"):
    """tmp_path/<name>.img with the loader, the boot-check kernel, config
    (a loader.cfg file) and the (source, path) files on the ESP and on an
    Extended Boot Loader partition."""
    arguments = [MAKE_IMAGE, "--size", "64", "--config", str(config)]
    if xbootldr:
        arguments += ["--second-mib", "16"]
    arguments += [a for source, path in esp for a in ("--extra-file", f"{source}:{path}")]
    arguments += [a for source, path in xbootldr
        for a in ("--xbootldr-file", f"{source}:{path}")]
    image = tmp_path / f"{name}.img"
    subprocess.run(arguments + [str(image), os.path.join(TOP, "generated", "efi", "BOOTX64.efi"),
        KERNEL], check=True)
    return str(image)


def signed(manifest):
    """The manifest file's and its signature's (source, path) on a volume."""
    return [(manifest, "/boot/loader.sha256"), (f"{manifest}.sig", "/boot/loader.sha256.sig")]


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


def test_the_notice_leaves_the_status_line_to_the_configuration_s_problem(trusting_loader,
        loaders, tmp_path):
    """Said once, the notice goes to the console when the menu's status line
    already says why the configuration could not be used."""
    broken = tar_disk(tmp_path, {"boot/loader.cfg/file": "loader.cfg is a directory"})
    loader = loaders("boot.img", broken)
    loader.expect(r"^Error: cannot read the configuration: ")
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert loader.text.count(NOTICE) == 1, loader.text
    assert f"boot: {NOTICE}" in loader.text, loader.text


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


def test_a_digest_is_trusted_only_if_every_byte_matches(tmp_path, monkeypatch, loaders):
    """Two copies of the boot-check kernel, each with bytes added: the
    loader has the first's SHA-256 built in, and the manifest lists the
    second's, each with its last byte changed. Both are refused, for
    what they are (not built in, not the listed digest); the kernel
    whose digest is built in whole boots."""
    def sha256(path):
        return hashlib.sha256(path.read_bytes()).digest()

    def near(digest):
        return digest[:-1] + bytes([digest[-1] ^ 1])

    with open(KERNEL, "rb") as file:
        kernel = file.read()
    built_in = tmp_path / "near-built-in"
    built_in.write_bytes(kernel + b"\0")
    listed = tmp_path / "near-listed"
    listed.write_bytes(kernel + b"\0\0")
    config = tmp_path / "loader.cfg"
    config.write_text("timeout = forever\n"
        'entry "Near a built-in digest" {\n\tkernel = /boot/near-built-in\n}\n'
        'entry "Near its line" {\n\tkernel = /boot/near-listed\n}\n'
        'entry "Boot-check kernel" {\n\tkernel = /boot/kernel\n}\n')
    manifest = tmp_path / "loader.sha256"
    manifest.write_text(f"{sha256(config).hex()}  /boot/loader.cfg\n"
        f"{near(sha256(listed)).hex()}  /boot/near-listed\n")
    subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", MANIFEST_KEY,
        "-in", str(manifest), "-out", f"{manifest}.sig"], check=True)
    image = make_disk(tmp_path, config, signed(manifest)
        + [(built_in, "/boot/near-built-in"), (listed, "/boot/near-listed")])
    embed_trust(tmp_path, monkeypatch, "--digest", near(sha256(built_in)).hex())

    loader = loaders("--secure-boot", "enforcing", image)
    manifest = re.escape("(disk0p1)/boot/loader.sha256")
    loader.expect(r"^> 1\. Near a built-in digest$")
    loader.send(ENTER)
    loader.expect(r"^boot: cannot load the kernel: /boot/near-built-in: refused: it is not "
        rf"listed in {manifest}$")
    choose(loader, 2, "Near its line")
    loader.expect(r"^boot: cannot load the kernel: /boot/near-listed: refused: its SHA-256 "
        rf"is not the one {manifest} lists on line 2$")
    choose(loader, 3, "Boot-check kernel")
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert "trust: Secure Boot is enforcing; 2 built-in digests, a signing key" in loader.log()


@pytest.mark.parametrize("kind", ["bad-signature", "other-manifest-key"])
def test_a_manifest_whose_signature_does_not_match_trusts_nothing(trusting_loader, loaders,
        kind):
    """The signed disk's manifest with its signature changed, or signed with
    another key: the configuration it lists is refused, saying why, and the
    menu has only the built-in entry (tests/boot/test_secure_boot.py boots
    the same disks under OVMF)."""
    loader = loaders("--secure-boot", "enforcing", f"secure-boot-{kind}.img")
    loader.expect(r"^boot: \(disk0p1\)/boot/loader\.cfg: refused: its SHA-256 is not built "
        r"into the loader, and \(disk0p1\)/boot/loader\.sha256\.sig: signature does not "
        r"match the built-in key$")
    loader.expect(r"^> 1\. Default$")
    assert loader.finish() == BOOT_FAILED, loader.text + loader.log()
    assert "Tampered kernel" not in loader.text
    assert "  2. " not in loader.text, loader.text


def test_each_volume_is_checked_against_its_own_manifest(trusting_loader, loaders, tmp_path):
    """An entry file and its kernel on the Extended Boot Loader partition,
    listed by that partition's manifest and not by the ESP's, are trusted;
    the same entry file copied to the ESP, which its manifest does not list,
    is refused."""
    entry = tmp_path / "xboot.conf"
    entry.write_text("title On XBOOTLDR\nlinux /vmlinuz\n")
    kernel = tmp_path / "vmlinuz"
    kernel.write_bytes(b"MZ a placeholder for a kernel\n" * 32)
    config = tmp_path / "loader.cfg"
    config.write_text(HAIKU_CONFIG)
    make_manifest = os.path.join(TOP, "build", "scripts", "make-manifest")
    esp = tmp_path / "esp.sha256"
    subprocess.run([make_manifest, MANIFEST_KEY, str(esp), f"{config}:/boot/loader.cfg"],
        check=True)
    xbootldr = tmp_path / "xbootldr.sha256"
    subprocess.run([make_manifest, MANIFEST_KEY, str(xbootldr),
        f"{entry}:/loader/entries/xboot.conf", f"{kernel}:/vmlinuz"], check=True)
    image = make_disk(tmp_path, config, signed(esp) + [(entry, "/loader/entries/copy.conf")],
        signed(xbootldr) + [(entry, "/loader/entries/xboot.conf"), (kernel, "/vmlinuz")])

    loader = loaders("--secure-boot", "enforcing", image)
    loader.expect(r"^  2\. On XBOOTLDR$")
    loader.finish()
    log = loader.log()
    assert "trust: (disk0p1)/boot/loader.sha256: signed, 1 files" in log, log
    assert "trust: (disk0p2)/boot/loader.sha256: signed, 2 files" in log, log
    assert "trust: (disk0p2)/loader/entries/xboot.conf verified" in log, log
    assert ("config: (disk0p1)/loader/entries/copy.conf: refused: it is not listed in "
        "(disk0p1)/boot/loader.sha256") in log, log
    assert "  3. " not in loader.text, loader.text


@pytest.mark.parametrize("secure_boot,setting,allowed", [
    (["--secure-boot", "enforcing"], "", False),
    (["--secure-boot", "enforcing"], "editor = yes\n", True),
    ([], "require_verification = yes\n", False),
], ids=["secure-boot", "secure-boot-editor-yes", "required-by-the-configuration"])
def test_a_verifying_loader_keeps_its_command_lines_unless_told_otherwise(trusting_loader,
        loaders, tmp_path, secure_boot, setting, allowed):
    """One init=/bin/sh typed at the menu would undo what the loader
    verified: while it verifies, e says why it does not edit and the help
    leaves it out, unless the configuration, verified too, says editor =
    yes."""
    config = tmp_path / "loader.cfg"
    config.write_text(setting + HAIKU_CONFIG)
    manifest = tmp_path / "loader.sha256"
    subprocess.run([os.path.join(TOP, "build", "scripts", "make-manifest"), MANIFEST_KEY,
        str(manifest), f"{config}:/boot/loader.cfg"], check=True)
    loader = loaders(*secure_boot, make_disk(tmp_path, config, signed(manifest)))
    loader.expect(r"^> 1\. Haiku$")
    if allowed:
        loader.expect(r"^Enter boot  Up/Down/1-9 select  e edit command line  o options  "
            r"v volume$")
        loader.send("e")
        loader.expect(r"^Command line> ?$")
        loader.send("edited=1" + ENTER)
        loader.expect(r'^Command line: "edited=1"$')
    else:
        loader.expect(r"^Enter boot  Up/Down/1-9 select  o options  v volume$")
        loader.send("e")
        loader.expect(r"^Error: editing is off while the loader verifies \(editor = yes turns "
            r"it on\)$")
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert "trust: (disk0p1)/boot/loader.cfg verified" in loader.log()
    assert f'command line: "{"edited=1" if allowed else ""}"' in loader.text, loader.text


def test_a_manifest_larger_than_the_limit_is_not_read(trusting_loader, loaders, tmp_path):
    """A manifest one byte over 64 KiB is refused by its size, before its
    bytes or its signature are read."""
    config = tmp_path / "loader.cfg"
    config.write_text(HAIKU_CONFIG)
    manifest = tmp_path / "loader.sha256"
    digest = hashlib.sha256(config.read_bytes()).hexdigest()
    line = f"{digest}  /boot/loader.cfg\n"
    manifest.write_text(line + "#" * (64 * 1024 - len(line)) + "\n")
    image = make_disk(tmp_path, config, [(manifest, "/boot/loader.sha256")])
    loader = loaders("--secure-boot", "enforcing", image)
    loader.expect(r"^boot: \(disk0p1\)/boot/loader\.cfg: refused: its SHA-256 is not built "
        r"into the loader, and \(disk0p1\)/boot/loader\.sha256: larger than 65536 bytes$")
    loader.finish()
