# SPDX-License-Identifier: MIT
"""The boot matrix under pytest: one test per configuration that `jam test`
boots (every x86_64 row, the arm64 rows marked in_test; `jam boot-matrix`
boots them all); the table comes at the end of the run (tests/conftest.py)
and in generated/test-logs/matrix.txt."""

import pytest

import matrix


@pytest.mark.parametrize("cfg", [c for c in matrix.CONFIGS if c.in_test], ids=matrix.name_of)
def test_configuration_reaches_bootcheck_pass(cfg):
    if not matrix.available(cfg):
        pytest.skip("the firmware's files are missing: ./configure fetches them")
    result = matrix.run(cfg)
    matrix.RESULTS.append(result)
    matrix.write_table(matrix.RESULTS)
    assert not result.problems, "; ".join(result.problems) + "\n" + result.tail
