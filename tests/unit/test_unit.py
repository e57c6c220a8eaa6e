"""Runs every host unit test binary, one pytest case per TEST()."""

import os
import subprocess

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOST = os.path.join(TOP, "generated", "host")


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
    assert unit_binaries(), "no unit test binaries in generated/host; run jam first"


@pytest.mark.parametrize("binary,name", unit_cases())
def test_unit(binary, name):
    result = subprocess.run([binary, name], capture_output=True, text=True,
        timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ok {name}" in result.stdout
