# SPDX-License-Identifier: MIT
"""The kernel_args headers are an ABI: no padding the compiler chose, and the
same layout for a 32-bit loader as for a 64-bit one.

The headers pin every offset with _Static_assert; compiling them with
-Wpadded -Werror for x86_64 and for i386 (where uint64_t is only 4-byte
aligned inside structures) proves that no field depends on implicit padding
and that the asserts hold for both.
"""
import os
import subprocess

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARCHS = sorted(os.listdir(os.path.join(TOP, "headers", "arch")))
FIRMWARE_PARTS = ["boot/platform/efi/efi_kernel_args.h"]


def gcc_include():
    return subprocess.run(["gcc", "-print-file-name=include"], check=True,
        capture_output=True, text=True).stdout.strip()


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("bits", ["-m64", "-m32"])
def test_abi_headers_have_no_implicit_padding(arch, bits, tmp_path):
    source = tmp_path / "abi.c"
    source.write_text("".join(f"#include <{header}>\n"
        for header in ["boot/kernel_args.h", *FIRMWARE_PARTS]))
    result = subprocess.run(["gcc", bits, "-std=gnu11", "-ffreestanding", "-nostdinc",
        "-isystem", gcc_include(), "-fsyntax-only", "-Wpadded", "-Werror",
        "-I", os.path.join(TOP, "headers"), "-I", os.path.join(TOP, "headers", "arch", arch),
        str(source)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_padding_would_be_caught(tmp_path):
    # The check itself: a structure with a hole fails to compile.
    source = tmp_path / "hole.c"
    source.write_text("#include <stdint.h>\nstruct hole { uint32_t a; uint64_t b; };\n")
    result = subprocess.run(["gcc", "-m64", "-ffreestanding", "-nostdinc", "-isystem",
        gcc_include(), "-fsyntax-only", "-Wpadded", "-Werror", str(source)],
        capture_output=True, text=True)
    assert result.returncode != 0
