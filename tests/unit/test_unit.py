# SPDX-License-Identifier: MIT
"""Runs every host unit test binary, one pytest case per TEST()."""

import os
import subprocess

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOST = os.path.join(TOP, "generated", "host")
# Every program tests/unit/Jamfile builds. Listed, not globbed, so that one
# that failed to build (or was dropped from the Jamfile) fails
# test_unit_binaries_exist instead of silently taking its tests with it.
EXPECTED = ["unit_acpi", "unit_boot_splash", "unit_boot_video", "unit_bootcheck", "unit_bootcheck_arm64", "unit_config", "unit_console", "unit_console_keys",
    "unit_crypto",
    "unit_efi_console", "unit_efi_device_tree", "unit_efi_devices", "unit_efi_files", "unit_efi_firmware_map", "unit_efi_image", "unit_efi_initrd", "unit_efi_load_options", "unit_efi_machine", "unit_efi_runtime", "unit_efi_serial", "unit_efi_time", "unit_efi_variables", "unit_efi_video", "unit_elf",
    "unit_fat",
    "unit_fdt", "unit_heap",
    "unit_heap_debug", "unit_inflate", "unit_kernel_regions", "unit_libc", "unit_line_editor", "unit_manifest", "unit_memory_map", "unit_net", "unit_paging",
    "unit_paging_arm64", "unit_partitions", "unit_ranges", "unit_relr", "unit_server_fs", "unit_smbios",
    "unit_tar",
    "unit_timeline",
    "unit_trust_digest", "unit_unpack", "unit_unpack_x86", "unit_vfs"]


def unit_binaries():
    if not os.path.isdir(HOST):
        return []
    return sorted(name for name in os.listdir(HOST) if name.startswith("unit_"))


def unit_cases():
    cases = []
    for binary in unit_binaries():
        path = os.path.join(HOST, binary)
        names = subprocess.run([path, "--list"], check=True, capture_output=True,
            text=True).stdout.split()
        cases += [pytest.param(path, name, id=f"{binary}:{name}") for name in names]
    return cases


def test_unit_binaries_exist():
    missing = [name for name in EXPECTED
        if not os.access(os.path.join(HOST, name), os.X_OK)]
    assert not missing, f"not built in generated/host (run jam): {', '.join(missing)}"


@pytest.mark.parametrize("binary,name", unit_cases())
def test_unit(binary, name):
    result = subprocess.run([binary, name], capture_output=True, text=True,
        timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ok {name}" in result.stdout
