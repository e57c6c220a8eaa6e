# SPDX-License-Identifier: MIT
import os
import sys

import pytest

# Test helpers live next to the tests that use them.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "boot"))


@pytest.fixture
def log_path(request):
    """Where a QEMU test keeps its serial log: generated/test-logs/<test>.serial.log."""
    from qemu import LOGS
    os.makedirs(LOGS, exist_ok=True)
    name = request.node.name.replace("[", "-").replace("]", "")
    return os.path.join(LOGS, name + ".serial.log")


def pytest_terminal_summary(terminalreporter):
    # Boots booted again because the firmware never reached its boot manager
    # (tests/boot/qemu.py): rare, but never silent.
    qemu = sys.modules.get("qemu")
    if qemu and qemu.STALLS:
        terminalreporter.section("firmware stalls, booted again")
        for stall in qemu.STALLS:
            terminalreporter.write(f"{stall.log}: the firmware picked no boot option in "
                f"{stall.seconds} s\n{stall.state[:2000]}\n\n")
    # The boot matrix's table, whatever -s says.
    matrix = sys.modules.get("matrix")
    if matrix and matrix.RESULTS:
        terminalreporter.section("boot matrix")
        terminalreporter.write(matrix.table(matrix.RESULTS))
    # The corrupted-input suite's tables and counts (tests/boot/test_corrupt.py).
    corrupt = sys.modules.get("corrupt.suite")
    if corrupt and corrupt.HOST_RESULTS:
        terminalreporter.section("corrupted-input suite, hosted port")
        terminalreporter.write(corrupt.table(corrupt.HOST_RESULTS,
            "corrupted-input suite, hosted port"))
    for port, results in (corrupt.RESULTS.items() if corrupt else ()):
        terminalreporter.section(corrupt.title(sys.modules["ports"].PORTS[port]))
        terminalreporter.write(corrupt.table(results, corrupt.title(
            sys.modules["ports"].PORTS[port])))
