# SPDX-License-Identifier: MIT
"""Runs every libFuzzer target briefly, from its seeds and regressions."""

import os
import platform
import subprocess

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FUZZ = os.path.join(TOP, "generated", "fuzz")
# Seconds per target in the test run; `jam fuzz` runs longer.
SECONDS = int(os.environ.get("FUZZ_TEST_SECONDS", "10"))
# Every FuzzTarget of tests/fuzz/Jamfile. Listed, not globbed, so that a
# target that failed to build fails test_fuzz_targets_exist instead of
# silently going unfuzzed.
EXPECTED = ["fuzz_config", "fuzz_elf", "fuzz_fat", "fuzz_fdt_overlay", "fuzz_gpt",
    "fuzz_inflate", "fuzz_iso9660", "fuzz_manifest", "fuzz_mbr", "fuzz_splash", "fuzz_tar"]
# The EFI port's readers need gnu-efi's headers for the build machine.
if platform.machine() == "x86_64":
    EXPECTED += ["fuzz_acpi", "fuzz_fdt"]


def targets():
    if not os.path.isdir(FUZZ):
        return []
    return sorted(name for name in os.listdir(FUZZ)
        if name.startswith("fuzz_") and os.access(os.path.join(FUZZ, name), os.X_OK))


def test_fuzz_targets_exist():
    missing = [name for name in EXPECTED
        if not os.access(os.path.join(FUZZ, name), os.X_OK)]
    assert not missing, f"not built in generated/fuzz (run jam): {', '.join(missing)}"


@pytest.mark.parametrize("target", targets())
def test_fuzz_target_survives(target):
    result = subprocess.run([os.path.join(TOP, "build", "scripts", "run-fuzzer"),
        str(SECONDS), os.path.join(FUZZ, target)], capture_output=True, text=True,
        timeout=SECONDS + 120)
    assert result.returncode == 0, result.stdout + result.stderr
    executed = [line for line in result.stdout.splitlines()
        if line.startswith("stat::number_of_executed_units")]
    assert executed and int(executed[0].split(":")[-1]) > 0, result.stdout
