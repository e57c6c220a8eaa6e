# SPDX-License-Identifier: MIT
"""A new boot target is its folders plus one line in build/jam/BootTargets.

The test copies the tree (git ls-files, without generated/) to a scratch
directory, adds a target "dummy" on the build machine's architecture as
docs/porting.md describes (a copy of the hosted port under another name:
src/system/boot/platform/dummy/ and headers/boot/platform/dummy/, and one
line in BOOT_TARGETS), builds just that target's loader with jam and checks
that nothing outside those folders and that line changed.

It compiles the generic loader, the architecture's code, the checker and the
port once more for the new platform (about 90 objects under the sanitizers):
about 10 seconds with jam -j2 on a two-core machine. The loader is built, not
run.
"""
import os
import shutil
import subprocess

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_CONFIG = os.path.join(TOP, "generated", "BuildConfig")
TARGETS_FILE = "build/jam/BootTargets"
NEW_FOLDERS = ("src/system/boot/platform/dummy/", "headers/boot/platform/dummy/")


def git(tree, *args):
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@invalid",
        *args], cwd=tree, check=True, capture_output=True, text=True).stdout


def copy_tree(tree):
    files = subprocess.run(["git", "ls-files", "-z"], cwd=TOP, check=True,
        capture_output=True).stdout.decode().split("\0")
    for name in files:
        if not name or name.startswith("generated/"):
            continue
        source = os.path.join(TOP, name)
        if not os.path.exists(source):
            continue	# deleted in the working tree, not yet committed
        destination = os.path.join(tree, name)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        shutil.copy2(source, destination)
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "copy")


def add_dummy_target(tree):
    """What docs/porting.md asks of a new port, and nothing else."""
    shutil.copytree(os.path.join(tree, "src/system/boot/platform/host"),
        os.path.join(tree, "src/system/boot/platform/dummy"))
    shutil.copytree(os.path.join(tree, "headers/boot/platform/host"),
        os.path.join(tree, "headers/boot/platform/dummy"))
    # The copy says where it is: its SubDir and its firmware name.
    jamfile = os.path.join(tree, "src/system/boot/platform/dummy/Jamfile")
    with open(jamfile) as f:
        text = f.read()
    for old, new in (("SubDir TOP src system boot platform host ;",
            "SubDir TOP src system boot platform dummy ;"),
            ("local firmware = host ;", "local firmware = dummy ;")):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    with open(jamfile, "w") as f:
        f.write(text)

    # The one list entry.
    path = os.path.join(tree, TARGETS_FILE)
    with open(path) as f:
        lines = f.read().split("\n")
    host = lines.index("\thost\t$(HOST_ARCH)")
    lines.insert(host + 1, "\tdummy\t$(HOST_ARCH)")
    with open(path, "w") as f:
        f.write("\n".join(lines))


@pytest.mark.skipif(not os.path.exists(BUILD_CONFIG), reason="run ./configure first")
def test_new_target_is_its_folders_and_one_line(tmp_path):
    tree = str(tmp_path / "tree")
    copy_tree(tree)
    add_dummy_target(tree)

    # What ./configure would write.
    os.makedirs(os.path.join(tree, "generated"))
    shutil.copy(BUILD_CONFIG, os.path.join(tree, "generated", "BuildConfig"))

    build = subprocess.run(["jam", "-q", "-j2", "<dummy>boot_loader_dummy"], cwd=tree,
        capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    loader = os.path.join(tree, "generated", "dummy", "boot_loader_dummy")
    assert os.access(loader, os.X_OK), build.stdout[-4000:]
    # Its own objects, compiled with its own headers, not the hosted port's.
    assert os.path.isdir(os.path.join(tree, "generated", "objects", "dummy",
        "src", "system", "boot", "platform", "dummy"))

    # Nothing changed outside the new folders but the list.
    changed = [line[3:] for line in git(tree, "status", "--porcelain",
        "--untracked-files=all", "--", ".", ":!generated").splitlines()]
    outside = [name for name in changed
        if name != TARGETS_FILE and not name.startswith(NEW_FOLDERS)]
    assert outside == []
    assert TARGETS_FILE in changed

    diff = git(tree, "diff", "-U0", "--", TARGETS_FILE).splitlines()
    edits = [line for line in diff
        if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert edits == ["+\tdummy\t$(HOST_ARCH)"]
