# SPDX-License-Identifier: MIT
"""shim as every Linux distribution starts it on machines with Microsoft's
keys, for the tests: Debian's shim, signed by Microsoft (./configure
fetches shim-signed and shim-signed:arm64 into generated/guests/), under
OVMF or AAVMF with Microsoft's keys enrolled (tests/boot/ports.py's
ovmf-4m-microsoft and aavmf-microsoft), as the disk's removable-media
loader, with the loader where shim looks for its second stage. shim trusts
what its MokList (the machine owner keys) names; the tests plant a
certificate there in a copy of the variables, as mokutil and MokManager
would have enrolled it."""

import collections
import os
import shutil
import struct
import uuid

import pytest

import ports
from disks import ESP, fat_volume, partitioned_disk
from efivars import BOOTSERVICE_ACCESS, NON_VOLATILE, Store

# shim's file, the firmware with Microsoft's keys, and the name shim gives
# its second stage, per port.
Shim = collections.namedtuple("Shim", "file firmware second_stage")
SHIMS = {
    "x86_64": Shim(ports.guest_file("shim/usr/lib/shim/shimx64.efi.signed"),
        "ovmf-4m-microsoft", "grubx64.efi"),
    "arm64": Shim(ports.guest_file("shim-arm64/usr/lib/shim/shimaa64.efi.signed"),
        "aavmf-microsoft", "grubaa64.efi"),
}
# shim's vendor GUID, of MokList and SbatLevel.
GUID = "605dab50-e046-4300-abb6-3dd810dd8b23"
X509_GUID = "a5c059a1-94e4-4aa7-87b5-ab155c2bf072"
# What shim says of a second stage it will not start.
REFUSED = "Verification failed: (0x1A) Security Violation"


def require(port):
    """Skip the calling test when configure could not fetch port's shim."""
    if not os.path.exists(SHIMS[port.name].file):
        pytest.skip(f"configure could not fetch {port.name}'s shim-signed into "
            "generated/guests/")


def x509_signature_list(certificate):
    """An EFI_SIGNATURE_LIST of one DER certificate, as MokList holds them."""
    entry = uuid.UUID(GUID).bytes_le + certificate
    return uuid.UUID(X509_GUID).bytes_le + struct.pack("<3I", 28 + len(entry), 0,
        len(entry)) + entry


def variables(port, path, certificate, sbat_level=None):
    """A copy of port's Microsoft variables at path, with certificate (DER)
    as the machine owner key and, when given, sbat_level (CSV bytes) as
    shim's SbatLevel revocations."""
    shutil.copyfile(port.firmwares[SHIMS[port.name].firmware].vars, path)
    store = Store.load(str(path))
    store.set(GUID, "MokList", x509_signature_list(certificate),
        NON_VOLATILE | BOOTSERVICE_ACCESS)
    if sbat_level:
        store.set(GUID, "SbatLevel", sbat_level, NON_VOLATILE | BOOTSERVICE_ACCESS)
    store.save()
    return str(path)


def disk(port, directory, loader, files=(), blocks=65536):
    """A GPT disk in directory whose ESP (FAT32 of blocks 512-byte sectors
    past 65,536, else FAT16) holds port's shim where UEFI looks on removable
    media, loader beside it as shim's second stage, and files: (source,
    destination) pairs."""
    shim = SHIMS[port.name]
    esp = fat_volume(directory / "shim-esp.img", 512, blocks, "ESP",
        [(shim.file, f"/EFI/BOOT/{port.boot_name}"),
            (loader, f"/EFI/BOOT/{shim.second_stage}"), *files],
        fat_bits=32 if blocks > 65536 else 16)
    return partitioned_disk(directory / "shim.img", "g", 512, (blocks + 4096) * 512,
        [(2048, esp, ESP)])
