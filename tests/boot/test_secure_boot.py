# SPDX-License-Identifier: MIT
"""Secure Boot, enforcing, under OVMF (tests/boot/ports.py's
ovmf-4m-secure-boot: the secboot code with Debian's snakeoil variables,
which enrol the snakeoil test certificate as PK, KEK and db). The loader
signed with the snakeoil key boots; inside it, the firmware refuses an
unsigned application, which is the proof that Secure Boot is on (neither
the loader nor the boot-check kernel reads the SecureBoot variable); then
the boot-check kernel passes. The loader unsigned, signed and then changed
in one byte of .text, and signed with a key the firmware does not know are
each refused by the firmware before they run. On arm64, under AAVMF with
the same key enrolled, the packed arm64 loader signed boots its kernel,
which it trusts by its built-in digest, and unsigned or changed it is
refused. Under OVMF and AAVMF with Microsoft's keys, Debian's signed shim
starts the signed loader by the snakeoil certificate in its MokList and
the loader's SBAT data (tests/boot/shim.py), and refuses it without them or
with its generation revoked.

The loaders and images are built for `jam test` (SecureBootLoader and
SecureBootImage in build/jam/TestRules, tests/boot/Jamfile), the keys under
generated/secure-boot/."""

import os
import re
import struct
import subprocess
import sys

import pytest

import ports
import qemu
import shim
from contents import copy_esp_files
from efivars import GLOBAL_GUID, Store
from serial_console import ENTER, SerialConsole

SCRIPTS = os.path.join(qemu.TOP, "build", "scripts")
sys.path.insert(0, SCRIPTS)

import efi_pack  # noqa: E402

FIRMWARE = "ovmf-4m-secure-boot"
ARM64_FIRMWARE = "aavmf-secure-boot"
SECURE_BOOT = os.path.join(qemu.TOP, "generated", "secure-boot")
SNAKEOIL_CERT = "/usr/share/ovmf/PkKek-1-snakeoil.pem"
IMAGE_SECURITY_GUID = "d719b2cb-3d3a-4596-a3bc-dad00e67656f"
# Seconds: an OVMF boot takes 4 to 8 under TCG; the margin is for a busy
# machine. A boot that goes wrong fails at these, never hangs.
TIMEOUT = 90


def refusal(disk):
    """EDK2's boot manager on a loader Secure Boot refuses (EFI_ACCESS_DENIED
    from LoadImage: no db entry matches the image's signature or hash), for
    the boot option named disk. It then tries the next boot option and in
    the end waits for a key for ever."""
    return (rf'(?m)^BdsDxe: failed to load Boot[0-9A-F]{{4}} "{disk}" '
        r'from [^\n]*: Access Denied$')


# OVMF names the disk by its model; AAVMF's is a virtio device on PCI.
REFUSED = refusal('UEFI QEMU HARDDISK [^"]*')
ARM64_REFUSED = refusal("UEFI Misc Device")
# Each port's Secure Boot firmware, the images of its bad loaders and the
# words its firmware refuses them with.
BAD_LOADERS = [(ports.X86_64, FIRMWARE, f"secure-boot-{kind}.img", REFUSED)
    for kind in ("unsigned", "tampered", "other-key")]
BAD_LOADERS += [(ports.ARM64, ARM64_FIRMWARE, f"secure-boot-{kind}-arm64.img", ARM64_REFUSED)
    for kind in ("unsigned", "tampered")]
# What the loader prints first: its start.
LOADER_STARTED = "boot: generic loader started"
every_port = pytest.mark.parametrize("port", ports.ALL, ids=ports.ids)


def der(pem_path):
    """A PEM certificate's DER bytes, as the variables store them."""
    return subprocess.run(["openssl", "x509", "-in", pem_path, "-outform", "DER"],
        capture_output=True, check=True).stdout


@pytest.mark.parametrize("port, firmware", [(ports.X86_64, FIRMWARE),
    (ports.ARM64, ARM64_FIRMWARE)], ids=["x86_64", "arm64"])
def test_the_firmware_trusts_the_snakeoil_key_and_not_the_other(port, firmware):
    """The premise of the boots below, read from the variables file: the
    snakeoil certificate is enrolled as PK, in KEK and in db, the other key's
    nowhere, and Secure Boot is enabled."""
    store = Store.load(port.firmwares[firmware].vars)
    snakeoil = der(SNAKEOIL_CERT)
    other = der(os.path.join(SECURE_BOOT, "other.pem"))
    assert snakeoil != other
    for guid, name in ((GLOBAL_GUID, "PK"), (GLOBAL_GUID, "KEK"),
            (IMAGE_SECURITY_GUID, "db")):
        record = store.get(guid, name)
        assert record is not None, name
        assert snakeoil in record.data, name
        assert other not in record.data, name
    assert store.get("f0a30bc7-af08-4556-99c4-001009c93a44", "SecureBootEnable").data == b"\x01"


def refused(path, reason):
    """The loader's log line for a file its verification refused."""
    return rf"^boot: {re.escape(path)}: refused: {reason}$"


MANIFEST = re.escape("(disk0p1)/boot/loader.sha256")


def boot_entry(console, number, title):
    """Choose the menu's entry number and boot it."""
    console.expect(r"^Boot menu$", timeout=TIMEOUT)
    console.wait_until_quiet(timeout=TIMEOUT)
    boot_shown_entry(console, number, title)


def boot_shown_entry(console, number, title):
    """boot_entry, the menu being on the screen already."""
    console.send_keys(str(number))
    console.expect(rf"^> {number}\. {re.escape(title)}$", timeout=TIMEOUT)
    console.send_keys(ENTER)
    console.expect(rf'^Booting "{re.escape(title)}"$', timeout=TIMEOUT)


def served_signed_files(tmp_path):
    """The signed disk's ESP as a TFTP tree, the signed loader at its root
    as the DHCP boot file: run-qemu's QEMU_NETBOOT."""
    served = tmp_path / "tftp"
    served.mkdir()
    copy_esp_files(os.path.join(qemu.IMAGES, "secure-boot-signed.img"), served)
    os.rename(served / "EFI" / "BOOT" / "BOOTX64.EFI", served / "BOOTX64.EFI")
    return f"{served}:BOOTX64.EFI"


@pytest.mark.parametrize("source", ["disk", "network"])
def test_the_signed_loader_verifies_what_it_loads(source, tmp_path):
    """Under Secure Boot the signed loader has the firmware refuse an
    unsigned application, refuses itself a kernel and a module with one byte
    changed each (the manifest lists their originals' digests), and boots
    the boot-check kernel, trusted by the digest built into the loader, with
    a module the signed manifest lists. From the disk, and from the network:
    the firmware checks the loader its PXE fetched, the loader the files it
    fetches from the same TFTP server, by the manifest there."""
    network = source == "network"
    manifest = re.escape(f"({'net0' if network else 'disk0p1'})/boot/loader.sha256")
    with SerialConsole(None if network else "secure-boot-signed.img",
            f"test_secure_boot-signed-{source}", firmware=FIRMWARE,
            netboot=served_signed_files(tmp_path) if network else None) as console:
        # The firmware started the signed loader, which then asked it to start
        # an unsigned application (secure-boot.cfg's first entry, at once).
        console.expect(rf"^{LOADER_STARTED}$", timeout=TIMEOUT)
        console.expect(r'^Booting "Unsigned application"$', timeout=TIMEOUT)
        refusal = (r"^boot: cannot start /EFI/tools/unsigned\.efi: the firmware's Secure Boot "
            r"refused /EFI/tools/unsigned\.efi \(EFI_ACCESS_DENIED\)$")
        console.expect(refusal, timeout=TIMEOUT)

        # The menu does not let the keyboard change what the loader verifies.
        console.expect(r"^Enter boot  Up/Down/1-9 select  o options  v volume$",
            timeout=TIMEOUT)
        console.wait_until_quiet(timeout=TIMEOUT)
        console.send_keys("e")
        console.expect(r"^Error: editing is off while the loader verifies \(editor = yes turns "
            r"it on\)$", timeout=TIMEOUT)
        boot_shown_entry(console, 2, "Tampered kernel")
        console.expect(r"^boot: cannot load the kernel: /boot/kernel-tampered: refused: its "
            rf"SHA-256 is not the one {manifest} lists on line 4$", timeout=TIMEOUT)
        boot_entry(console, 3, "Tampered module")
        console.expect(r"^boot: cannot load a module: /boot/module-tampered\.bin: refused: "
            rf"its SHA-256 is not the one {manifest} lists on line 3$", timeout=TIMEOUT)
        boot_entry(console, 4, "Boot-check kernel")
        # A splash is checked like every file the loader reads; refused, it
        # costs only the picture.
        console.expect(r"^boot: splash /boot/splash-untrusted\.bspl: refused: it is not listed "
            rf"in {manifest}; booting without it$", timeout=TIMEOUT)
        console.expect(r"^BOOTCHECK PASS$", timeout=TIMEOUT)
        assert console.wait(timeout=TIMEOUT) == qemu.PASS
        text = console.text()
    assert "BOOTCHECK FAIL" not in text
    assert not re.search(REFUSED, text), text[-3000:]
    # The application never ran: it would have said what it got.
    assert "ECHO-APP" not in text
    # Each refused file was loaded no further: the kernel never started.
    assert text.count("boot: starting kernel") == 1, text[-3000:]
    assert not ports.X86_64.exception_in(text), text[-3000:]


# The configuration is the first file the loader checks: a bad manifest or a
# changed configuration shows in the menu before any entry runs.
CONFIG_REFUSALS = {
    "changed-config": rf"its SHA-256 is not the one {MANIFEST} lists on line 1",
    "bad-signature": r"its SHA-256 is not built into the loader, and "
        + re.escape("(disk0p1)/boot/loader.sha256.sig: signature does not match the built-in key"),
    "other-manifest-key": r"its SHA-256 is not built into the loader, and "
        + re.escape("(disk0p1)/boot/loader.sha256.sig: signature does not match the built-in key"),
}


@pytest.mark.parametrize("kind", sorted(CONFIG_REFUSALS))
def test_the_signed_loader_refuses_an_untrusted_configuration(kind):
    """A configuration with one line changed after the manifest was signed,
    or any configuration under a manifest whose signature is bad or made
    with another key, is refused with the reason, and the menu shows it
    (with the built-in default entry) instead of running the file."""
    log = os.path.join(qemu.LOGS, f"test_secure_boot-{kind}.log")
    os.makedirs(qemu.LOGS, exist_ok=True)
    # The menu draws its status line with escape sequences around it.
    in_menu = "Error: " + re.escape("(disk0p1)/boot/loader.cfg: refused")
    result = qemu.boot(f"secure-boot-{kind}.img", log, timeout=TIMEOUT, until=in_menu,
        firmware=FIRMWARE)
    assert re.search(in_menu, result.log), result.tail()
    reason = refused("(disk0p1)/boot/loader.cfg", CONFIG_REFUSALS[kind])
    assert re.search("(?m)" + reason, result.log), result.tail()
    # Not one entry of the file: its titles never show.
    assert "Unsigned application" not in result.log, result.tail()
    assert "BOOTCHECK" not in result.log, result.tail()


@pytest.mark.parametrize("port, firmware, image, refused", BAD_LOADERS,
    ids=[image[len("secure-boot-"):-len(".img")] for _, _, image, _ in BAD_LOADERS])
def test_the_firmware_refuses_a_loader(port, firmware, image, refused, log_path):
    """The firmware refuses the disk's loader (unsigned, signed and then
    changed in one byte of .text, or signed with a key it does not know) and
    says so; the loader never prints a line. QEMU is ended once the refusal
    is seen, since the firmware then waits for a key."""
    result = qemu.boot(image, log_path, timeout=TIMEOUT, until=refused, port=port,
        firmware=firmware)
    assert re.search(refused, result.log), \
        f"no refusal in {TIMEOUT} s (timed out: {result.timed_out}):\n{result.tail()}"
    assert LOADER_STARTED not in result.log, result.tail()
    assert "BOOTCHECK" not in result.log, result.tail()


def test_the_signed_arm64_loader_boots_its_verified_kernel(log_path):
    """The packed arm64 loader, signed with the snakeoil key, passes AAVMF's
    check of its signature (pack-efi's section in crt0's header included),
    finds Secure Boot enforcing and boots the kernel whose digest it
    carries."""
    result = qemu.boot("secure-boot-signed-arm64.img", log_path, timeout=TIMEOUT,
        port=ports.ARM64, firmware=ARM64_FIRMWARE)
    assert result.returncode == qemu.PASS, result.tail()
    assert "trust: Secure Boot is enforcing; 1 built-in digests, a signing key" in result.log, \
        result.tail()
    assert "trust: /boot/kernel verified" in result.log, result.tail()


def shim_boot(port, tmp_path, log_path, loader, sbat_level=None):
    """Boot a disk where port's shim starts loader, with the snakeoil
    certificate in MokList and, when given, sbat_level as shim's SbatLevel."""
    shim.require(port)
    variables = shim.variables(port, tmp_path / "vars.fd", der(SNAKEOIL_CERT), sbat_level)
    image = shim.disk(port, tmp_path, loader, [(port.kernel, "/boot/kernel")])
    return qemu.boot(image, log_path, timeout=TIMEOUT, port=port,
        firmware=shim.SHIMS[port.name].firmware, variables=variables,
        until=re.escape(shim.REFUSED))


def signed_loader(port):
    """The port's loader signed with the snakeoil key (BOOTX64-signed.efi)."""
    stem, extension = os.path.splitext(os.path.basename(port.loader))
    return os.path.join(SECURE_BOOT, f"{stem}-signed{extension}")


@every_port
def test_microsofts_keys_trust_shim_and_not_the_snakeoil_key(port):
    """The premise of the boots through shim: with Microsoft's keys the
    firmware could start neither the signed loader nor what it signs; shim
    must. (Microsoft's UEFI CA, which signs shim, is in db.)"""
    store = Store.load(port.firmwares[shim.SHIMS[port.name].firmware].vars)
    db = store.get(IMAGE_SECURITY_GUID, "db").data
    assert der(SNAKEOIL_CERT) not in db
    assert b"Microsoft Corporation UEFI CA 2011" in db
    assert store.get(shim.GUID, "MokList") is None


@every_port
def test_shim_starts_the_signed_loader_by_its_sbat_data(port, tmp_path, log_path):
    """The firmware starts shim by Microsoft's signature, shim the loader by
    the snakeoil key in MokList and its .sbat section, the loader the kernel
    by its built-in digest under Secure Boot."""
    result = shim_boot(port, tmp_path, log_path, signed_loader(port))
    assert result.returncode == qemu.PASS, result.tail()
    assert "trust: Secure Boot is enforcing; 1 built-in digests, a signing key" in result.log, \
        result.tail()
    assert "trust: /boot/kernel verified" in result.log, result.tail()


def without_sbat(port, tmp_path):
    """The signed loader with its .sbat section renamed, signed again."""
    with open(signed_loader(port), "rb") as file:
        loader = efi_pack.Pe(file.read()).unsigned()
    index = next(index for index, name, *_ in loader.sections() if name == efi_pack.SBAT_NAME)
    struct.pack_into("8s", loader.data, loader.table + 40 * index, b".rdata")
    unsigned, signed = tmp_path / "unsigned.efi", tmp_path / "signed.efi"
    unsigned.write_bytes(bytes(loader.data))
    subprocess.run([os.path.join(SCRIPTS, "sign-efi"), "--key",
        os.path.join(SECURE_BOOT, "snakeoil.key"), "--cert", SNAKEOIL_CERT, str(unsigned),
        str(signed)], check=True, capture_output=True)
    return str(signed)


@every_port
@pytest.mark.parametrize("case", ["no-sbat", "revoked"])
def test_shim_refuses_a_loader_without_sbat_data_or_of_a_revoked_generation(port, case,
        tmp_path, log_path):
    """shim refuses the same signed loader without a .sbat section, and with
    it when its SbatLevel revokes generation 1 of the loader's component
    (a policy dated later than shim's own, which shim then keeps)."""
    if case == "no-sbat":
        result = shim_boot(port, tmp_path, log_path, without_sbat(port, tmp_path))
    else:
        result = shim_boot(port, tmp_path, log_path, signed_loader(port),
            sbat_level=b"sbat,1,2099010100\nhaiku-style-loader,2\n")
    assert shim.REFUSED in result.log, result.tail()
    assert LOADER_STARTED not in result.log, result.tail()
