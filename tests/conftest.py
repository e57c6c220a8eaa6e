import os
import sys

# Test helpers live next to the tests that use them.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "boot"))


def pytest_terminal_summary(terminalreporter):
    # The boot matrix's table, whatever -s says.
    matrix = sys.modules.get("matrix")
    if matrix and matrix.RESULTS:
        terminalreporter.section("boot matrix")
        terminalreporter.write(matrix.table(matrix.RESULTS))
