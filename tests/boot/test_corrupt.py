# SPDX-License-Identifier: MIT
"""The corrupted-input suite under pytest (tests/boot/corrupt has the cases):
each case on the hosted port, and each case booted in QEMU on every port
(tests/boot/ports.py), where it must end in the boot menu with its own
error, in bounded time, with no exception, reset or kernel entry. Every
port boots every case here (an arm64 case takes 1 to 2 s, an x86_64 one
about 6 s); `jam corrupt-suite` runs the same outside pytest. The QEMU
boots run two at a time when the first of them is asked for; the tables
come at the end of the run (tests/conftest.py) and in
generated/test-logs/corrupt*.txt."""

import functools

import pytest

import ports
from corrupt import cases, generate, suite

NAMES = [c.name for c in cases.CASES]
BY_NAME = {c.name: c for c in cases.CASES}

def qemu_cases():
    """(port, case name) of every QEMU boot `jam test` makes."""
    return [pytest.param(port, name, id=f"{port.name}-{name}") for port in ports.ALL
        for name in NAMES]


@pytest.fixture(scope="session")
def disks():
    generate.generate()


@pytest.fixture(scope="session")
def qemu_results(request):
    """Every selected case booted in QEMU, by port name and case name."""
    chosen = {}
    for item in request.session.items:
        if item.originalname == "test_case_ends_in_the_menu_in_qemu":
            port = item.callspec.params["port"]
            chosen.setdefault(port, []).append(BY_NAME[item.callspec.params["name"]])
    found = {}
    for port, port_cases in chosen.items():
        generate.generate(port=port)
        results = suite.run_all(port_cases, functools.partial(suite.run_qemu, port=port))
        suite.RESULTS.setdefault(port.name, []).extend(results)
        suite.write_table(suite.RESULTS[port.name], suite.table_path(port), suite.title(port))
        found.update({(port.name, r.name): r for r in results})
    return found


def test_there_are_at_least_50_cases_in_every_category():
    assert len(cases.CASES) >= 50
    assert {c.category for c in cases.CASES} == set(cases.CATEGORIES)


def test_the_judge_finds_a_wrong_error_a_repeated_one_and_a_kernel_entry():
    # The checks the cases rely on must be able to fail.
    case = BY_NAME["elf-bad-magic"]
    menu = ("Boot menu\n> 1. Default\n\n"
        "Error: kernel /boot/kernel is not bootable: bad ELF magic\n\nm video mode\n")
    said = "boot: kernel /boot/kernel is not bootable: bad ELF magic\n"
    assert suite.judge(case, {}, [said], menu, 99) == []
    assert suite.judge(case, {}, [said * 2], menu, 99)
    assert suite.judge(case, {}, [said], menu.replace("magic", "magik"), 99)
    assert suite.judge(case, {}, [said + "BOOTCHECK PASS\n"], menu, 99)
    assert suite.judge(case, {}, [said], menu.replace("> 1.", "  1."), 99)
    # A long error takes two rows, broken at a space.
    assert suite.wrapped("Error: " + "word " * 30, 40) == [
        "Error: word word word word word word", "word word word word word word word word"]
    assert suite.wrapped("x" * 50, 20) == ["x" * 20, "x" * 20]


@pytest.mark.parametrize("name", NAMES)
def test_case_ends_in_the_menu_on_the_hosted_port(name, disks):
    result = suite.run_host(BY_NAME[name])
    suite.HOST_RESULTS.append(result)
    assert not result.problems, "; ".join(result.problems) + "\n" + result.tail


@pytest.mark.parametrize("port, name", qemu_cases())
def test_case_ends_in_the_menu_in_qemu(port, name, qemu_results):
    result = qemu_results[(port.name, name)]
    assert not result.problems, "; ".join(result.problems) + "\n" + result.tail
