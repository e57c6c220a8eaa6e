# SPDX-License-Identifier: MIT
"""shim as every Linux distribution starts it on PCs with Microsoft's keys,
for the tests: Debian's shim, signed by Microsoft (./configure fetches
shim-signed into generated/guests/shim/), under OVMF with Microsoft's keys
enrolled (tests/boot/ports.py's ovmf-4m-microsoft), as the disk's
removable-media loader, with the loader where shim looks for its second
stage. shim trusts what its MokList (the machine owner keys) names; the
tests plant a certificate there in a copy of the variables, as mokutil
and MokManager would have enrolled it."""

import os
import shutil
import struct
import uuid

import pytest

import ports
from disks import ESP, fat_volume, partitioned_disk
from efivars import BOOTSERVICE_ACCESS, NON_VOLATILE, Store

SHIM = ports.guest_file("shim/usr/lib/shim/shimx64.efi.signed")
FIRMWARE = "ovmf-4m-microsoft"
# shim's vendor GUID, of MokList and SbatLevel.
GUID = "605dab50-e046-4300-abb6-3dd810dd8b23"
X509_GUID = "a5c059a1-94e4-4aa7-87b5-ab155c2bf072"
# What shim says of a second stage it will not start.
REFUSED = "Verification failed: (0x1A) Security Violation"
needed = pytest.mark.skipif(not os.path.exists(SHIM),
    reason="configure could not fetch shim-signed into generated/guests/shim/")


def x509_signature_list(certificate):
    """An EFI_SIGNATURE_LIST of one DER certificate, as MokList holds them."""
    entry = uuid.UUID(GUID).bytes_le + certificate
    return uuid.UUID(X509_GUID).bytes_le + struct.pack("<3I", 28 + len(entry), 0,
        len(entry)) + entry


def variables(path, certificate, sbat_level=None):
    """A copy of the Microsoft variables at path, with certificate (DER) as
    the machine owner key and, when given, sbat_level (CSV bytes) as shim's
    SbatLevel revocations."""
    shutil.copyfile(ports.X86_64.firmwares[FIRMWARE].vars, path)
    store = Store.load(str(path))
    store.set(GUID, "MokList", x509_signature_list(certificate),
        NON_VOLATILE | BOOTSERVICE_ACCESS)
    if sbat_level:
        store.set(GUID, "SbatLevel", sbat_level, NON_VOLATILE | BOOTSERVICE_ACCESS)
    store.save()
    return str(path)


def disk(directory, loader, files=(), blocks=65536):
    """A GPT disk in directory whose ESP (FAT32 of blocks 512-byte sectors
    past 65,536, else FAT16) holds shim as \\EFI\\BOOT\\BOOTX64.EFI, loader
    as grubx64.efi beside it, and files: (source, destination) pairs."""
    esp = fat_volume(directory / "shim-esp.img", 512, blocks, "ESP",
        [(SHIM, "/EFI/BOOT/BOOTX64.EFI"), (loader, "/EFI/BOOT/grubx64.efi"), *files],
        fat_bits=32 if blocks > 65536 else 16)
    return partitioned_disk(directory / "shim.img", "g", 512, (blocks + 4096) * 512,
        [(2048, esp, ESP)])
