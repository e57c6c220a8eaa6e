# SPDX-License-Identifier: MIT
"""Every source file says under which licence it is, in its first lines."""

import os
import subprocess

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TAG = "SPDX-License-Identifier: MIT"
# Sources by ending, and the build and script files that have none.
SOURCE_ENDINGS = (".c", ".h", ".S", ".ld", ".lds", ".py")
SOURCE_NAMES = ("Jamfile", "Jamrules", "configure", "ArchSetup", "PlatformSetup",
    "pytest.ini")
SOURCE_FOLDERS = ("build/jam/", "build/scripts/", ".ci/")


def source_files():
    names = subprocess.run(["git", "ls-files"], cwd=TOP, capture_output=True, text=True,
        check=True).stdout.split()
    return [name for name in names if name.endswith(SOURCE_ENDINGS)
        or os.path.basename(name) in SOURCE_NAMES or name.startswith(SOURCE_FOLDERS)
        or (name.startswith("tests/bench/") and "." not in os.path.basename(name))]


def test_the_licence_is_there():
    with open(os.path.join(TOP, "LICENSE")) as licence:
        assert licence.readline().strip() == "MIT License"


def test_every_source_file_has_an_spdx_line():
    files = source_files()
    assert len(files) > 200, files
    missing = []
    for name in files:
        with open(os.path.join(TOP, name), errors="replace") as source:
            head = [source.readline() for _ in range(2)]
        if not any(TAG in line for line in head):
            missing.append(name)
    assert not missing, f"no '{TAG}' in the first two lines of: {missing}"
