# SPDX-License-Identifier: MIT
"""Secure Boot, enforcing, under OVMF (tests/boot/ports.py's
ovmf-4m-secure-boot: the secboot code with Debian's snakeoil variables,
which enrol the snakeoil test certificate as PK, KEK and db). The loader
signed with the snakeoil key boots; inside it, the firmware refuses an
unsigned application, which is the proof that Secure Boot is on (neither
the loader nor the boot-check kernel reads the SecureBoot variable); then
the boot-check kernel passes. The loader unsigned, signed and then changed
in one byte of .text, and signed with a key the firmware does not know are
each refused by the firmware before they run.

The loaders and images are built for `jam test` (SecureBootLoader and
SecureBootImage in build/jam/TestRules, tests/boot/Jamfile), the keys under
generated/secure-boot/."""

import os
import re
import subprocess

import pytest

import ports
import qemu
from efivars import GLOBAL_GUID, Store
from serial_console import ENTER, SerialConsole

FIRMWARE = "ovmf-4m-secure-boot"
SECURE_BOOT = os.path.join(qemu.TOP, "generated", "secure-boot")
SNAKEOIL_CERT = "/usr/share/ovmf/PkKek-1-snakeoil.pem"
IMAGE_SECURITY_GUID = "d719b2cb-3d3a-4596-a3bc-dad00e67656f"
# Seconds: an OVMF boot takes 4 to 8 under TCG; the margin is for a busy
# machine. A boot that goes wrong fails at these, never hangs.
TIMEOUT = 90
# OVMF's boot manager on a loader Secure Boot refuses (EFI_ACCESS_DENIED from
# LoadImage: no db entry matches the image's signature or hash). It then
# tries the next boot option and in the end waits for a key for ever.
REFUSED = (r'(?m)^BdsDxe: failed to load Boot[0-9A-F]{4} "UEFI QEMU HARDDISK [^"]*" '
    r'from [^\n]*: Access Denied$')
# What the loader prints first: its start.
LOADER_STARTED = "boot: generic loader started"


def der(pem_path):
    """A PEM certificate's DER bytes, as the variables store them."""
    return subprocess.run(["openssl", "x509", "-in", pem_path, "-outform", "DER"],
        capture_output=True, check=True).stdout


def test_the_firmware_trusts_the_snakeoil_key_and_not_the_other():
    """The premise of the boots below, read from the variables file: the
    snakeoil certificate is enrolled as PK, in KEK and in db, the other key's
    nowhere, and Secure Boot is enabled."""
    store = Store.load(ports.X86_64.firmwares[FIRMWARE].vars)
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


def test_the_signed_loader_boots_and_the_firmware_refuses_an_unsigned_application():
    with SerialConsole("secure-boot-signed.img", "test_secure_boot-signed",
            firmware=FIRMWARE) as console:
        # The firmware started the signed loader, which then asked it to start
        # an unsigned application (secure-boot.cfg's first entry, at once).
        console.expect(rf"^{LOADER_STARTED}$", timeout=TIMEOUT)
        console.expect(r'^Booting "Unsigned application"$', timeout=TIMEOUT)
        refusal = (r"^boot: cannot start /EFI/tools/unsigned\.efi: the firmware's Secure Boot "
            r"refused /EFI/tools/unsigned\.efi \(EFI_ACCESS_DENIED\)$")
        console.expect(refusal, timeout=TIMEOUT)
        console.expect(r"^Boot menu$", timeout=TIMEOUT)
        console.wait_until_quiet(timeout=TIMEOUT)
        console.send_keys("2")
        console.expect(r"^> 2\. Boot-check kernel$", timeout=TIMEOUT)
        console.send_keys(ENTER)
        console.expect(r'^Booting "Boot-check kernel"$', timeout=TIMEOUT)
        console.expect(r"^BOOTCHECK PASS$", timeout=TIMEOUT)
        assert console.wait(timeout=TIMEOUT) == qemu.PASS
        text = console.text()
    assert "BOOTCHECK FAIL" not in text
    assert not re.search(REFUSED, text), text[-3000:]
    # The application never ran: it would have said what it got.
    assert "ECHO-APP" not in text
    assert not ports.X86_64.exception_in(text), text[-3000:]


@pytest.mark.parametrize("kind", ["unsigned", "tampered", "other-key"])
def test_the_firmware_refuses_a_loader(kind):
    """The firmware refuses the disk's loader and says so; the loader never
    prints a line. QEMU is ended once the refusal is seen, since the
    firmware then waits for a key."""
    log = os.path.join(qemu.LOGS, f"test_secure_boot-{kind}.log")
    os.makedirs(qemu.LOGS, exist_ok=True)
    result = qemu.boot(f"secure-boot-{kind}.img", log, timeout=TIMEOUT, until=REFUSED,
        firmware=FIRMWARE)
    assert re.search(REFUSED, result.log), \
        f"no refusal in {TIMEOUT} s (timed out: {result.timed_out}):\n{result.tail()}"
    assert LOADER_STARTED not in result.log, result.tail()
    assert "BOOTCHECK" not in result.log, result.tail()
