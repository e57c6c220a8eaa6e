# SPDX-License-Identifier: MIT
"""The boot matrix under pytest: one test per configuration; the table of
all of them comes at the end of the run (tests/conftest.py) and in
generated/test-logs/matrix.txt."""

import pytest

import matrix


@pytest.mark.parametrize("cfg", matrix.CONFIGS, ids=matrix.name_of)
def test_configuration_reaches_bootcheck_pass(cfg):
    result = matrix.run(cfg)
    matrix.RESULTS.append(result)
    matrix.write_table(matrix.RESULTS)
    assert not result.problems, "; ".join(result.problems) + "\n" + result.tail
