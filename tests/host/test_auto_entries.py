# SPDX-License-Identifier: MIT
"""Entries the loader finds by itself (auto_entries.c, docs/config.md):
Windows' boot manager on any FAT volume, an EFI shell on the boot volume
and the default loader of every other volume, on the hosted port with
disks made by the real tools. The
"Windows Boot Manager" is our echo application under Windows' file name:
what is found is the file, whatever it holds."""

import os
import re
import zlib

from test_bls import entries_found, fat_volume, haiku_config
from test_boot_loader_interface import variables_set
from test_menu import Loader, TOP, tar_disk
from test_verified_boot import KERNEL, make_disk

WINDOWS = "/EFI/Microsoft/Boot/bootmgfw.efi"
SHELL = "/shellx64.efi"
DEFAULT = "/efi/boot/bootx64.efi"
APPLICATION = os.path.join(TOP, "generated", "efi", "guest_echo.efi")


def disk(tmp_path, name, files, config=None):
    """A GPT disk with the loader, the boot-check kernel, config (Haiku's
    entry without one) and APPLICATION at each of files."""
    if config is None:
        config = haiku_config(tmp_path)
    else:
        path = tmp_path / f"{name}.cfg"
        path.write_text(config)
        config = path
    return make_disk(tmp_path, config, [(APPLICATION, path) for path in files], name=name)


def test_windows_on_each_disk_and_the_shell_beside_the_loader_are_offered(tmp_path):
    """The first Windows found has systemd-boot's id and title, the one on
    the other disk says which volume it is on; a shell on the other disk is
    not the loader's and is not offered. Of the default loaders (this
    loader, on both disks) only the other disk's is."""
    boot = disk(tmp_path, "boot", [WINDOWS, SHELL])
    other = disk(tmp_path, "other", [WINDOWS.upper(), SHELL])
    loader = Loader(boot, other)
    loader.expect(r"^  3\. Windows Boot Manager \(disk1p1\)$")
    loader.finish()
    log = loader.log()
    assert variables_set(log)["LoaderEntries"] == [
        "Haiku", "auto-windows", "auto-windows-disk1p1", "auto-efi-shell", "auto-efi-default"], log
    assert re.search(r"^  2\. Windows Boot Manager$", loader.text, re.M), loader.text
    assert re.search(r"^  4\. EFI Shell$", loader.text, re.M), loader.text
    assert re.search(r"^  5\. EFI Default Loader$", loader.text, re.M), loader.text
    assert f"auto: (disk1p1){WINDOWS} is \"Windows Boot Manager (disk1p1)\"" in log, log
    assert f"auto: (disk1p1){DEFAULT} is \"EFI Default Loader\"" in log, log


def test_auto_entries_no_offers_none(tmp_path):
    config = 'timeout = forever\nauto_entries = no\nentry "Haiku" {\n\tkernel = /boot/kernel\n}\n'
    ids, log = entries_found(disk(tmp_path, "boot", [WINDOWS, SHELL], config))
    assert ids == ["Haiku"], log
    assert "auto:" not in log, log


def test_a_file_an_entry_already_starts_is_not_offered_again(tmp_path):
    """Named with a volume and in other case, on another disk than the one
    it is found on: the user's entry is the one."""
    config = ('timeout = forever\nentry "Windows 11" {\n'
        '\tefi = (disk1p1)/efi/microsoft/boot/BOOTMGFW.EFI\n}\n')
    ids, log = entries_found(disk(tmp_path, "boot", [WINDOWS, SHELL], config))
    assert ids == ["Windows 11", "auto-efi-shell"], log


def test_only_files_on_fat_volumes_are_offered(tmp_path):
    """A directory where the shell would be is no shell; a file server or
    archive holds no other system's boot manager (and asking a server for
    one would cost a request each boot)."""
    boot = disk(tmp_path, "boot", [SHELL + "/inside.efi"])
    archive = tar_disk(tmp_path, {WINDOWS[1:]: open(APPLICATION, "rb").read()})
    ids, log = entries_found(boot, archive)
    assert ids == ["Haiku"], log
    assert "auto:" not in log, log


def test_without_a_configuration_the_default_kernel_stays_first(tmp_path):
    """No loader.cfg: the fallback entry boots at once as before, and the
    boot manager found is one key press away rather than in its place."""
    esp = tmp_path / "esp.img"
    fat_volume(esp, 32, [(KERNEL, "/boot/kernel"), (APPLICATION, WINDOWS)])
    loader = Loader(str(esp))
    loader.expect(r"^BOOTCHECK PASS$")
    loader.finish()
    assert variables_set(loader.log())["LoaderEntries"] == ["Default", "auto-windows"]
    # Space held: the menu, with both
    loader = Loader(str(esp), keys=" ")
    loader.expect(r"^> 1\. Default\n  2\. Windows Boot Manager$")
    loader.finish()


def test_the_found_entry_starts_its_file_and_bootctl_can_ask_for_it(tmp_path):
    boot = disk(tmp_path, "boot", [WINDOWS])
    loader = Loader("--loader-variable", "LoaderEntryOneShot=auto-windows", boot)
    loader.expect(r"^Error: cannot start \(disk0p1\)/EFI/Microsoft/Boot/bootmgfw\.efi: the hosted")
    log = loader.log()
    data = open(APPLICATION, "rb").read()
    assert (f"host: image (disk0p1){WINDOWS}: {len(data)} bytes, crc32 "
        f"{zlib.crc32(data):08x}") in log, log
    assert variables_set(log)["LoaderEntrySelected"] == ["auto-windows"], log
    loader.finish()


def test_the_default_loader_of_a_disk_without_a_partition_table_is_offered(tmp_path):
    """A stick formatted whole, with one other system's default loader: two
    found on other volumes are told apart by volume as Windows' are."""
    stick = tmp_path / "stick.img"
    fat_volume(stick, 32, [(APPLICATION, "/EFI/BOOT/BOOTX64.EFI")])
    ids, log = entries_found(disk(tmp_path, "boot", []), disk(tmp_path, "other", []), str(stick))
    assert ids == ["Haiku", "auto-efi-default", "auto-efi-default-disk2"], log
    assert f"auto: (disk2){DEFAULT} is \"EFI Default Loader (disk2)\"" in log, log
