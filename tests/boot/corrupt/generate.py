# SPDX-License-Identifier: MIT
"""Makes the disks of every corrupted-input case under generated/corrupt/ from
the real loader and kernel: base images by build/scripts/make-image, then
the damage cases.py describes. An image is made again only when the loader,
the kernel, make-image or this package changed since it was made; run
directly, it makes them all (in parallel: make-image mostly waits for sgdisk).

generated/corrupt/<case>.img         the boot disk of a one-disk case
generated/corrupt/<case>.data.img    the damaged second disk of a two-disk case
generated/corrupt/loader-only.img    the boot disk of every two-disk case
generated/corrupt/<case>.json        the facts the case's expectations need
"""

import concurrent.futures
import hashlib
import json
import os
import subprocess
import sys
import tempfile

from . import cases

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
OUT = os.path.join(TOP, "generated", "corrupt")
LOADER = os.path.join(TOP, "generated", "efi", "BOOTX64.efi")
KERNEL = os.path.join(TOP, "generated", "kernel", "kernel_x86_64")
MAKE_IMAGE = os.path.join(TOP, "build", "scripts", "make-image")
LOADER_ONLY = os.path.join(OUT, "loader-only.img")
STAMP = os.path.join(OUT, "stamp")


class Context:
    """What a recipe gets: the kernel's bytes, and the tools to make disks."""

    def __init__(self, kernel, work):
        self.kernel = kernel
        self.work = work
        self.count = 0

    def scratch(self, data):
        """A file holding data, for make-image and mtools to copy from."""
        self.count += 1
        path = os.path.join(self.work, f"file{self.count}")
        with open(path, "wb") as out:
            out.write(data)
        return path

    def make_image(self, path, kernel, files=None, layout="esp", loader=True):
        """make-image with the loader (unless not loader), the kernel bytes
        (None: no kernel) and files {dest: bytes} on the ESP."""
        arguments = [MAKE_IMAGE, "--layout", layout]
        for dest, data in (files or {}).items():
            arguments += ["--extra-file", f"{self.scratch(data)}:{dest}"]
        arguments.append(path)
        if loader:
            arguments.append(LOADER)
        if kernel is not None:
            arguments.append(self.scratch(kernel))
        run(arguments)

    def blank_disk(self, path, size):
        if os.path.exists(path):
            os.unlink(path)
        with open(path, "wb") as out:
            out.truncate(size)

    def fat(self, path, first_block, blocks, label, files):
        """A FAT volume (mformat picks FAT12 or FAT16 for the size) of blocks
        512-byte blocks at first_block, with files {path: bytes}."""
        image = f"{path}@@{first_block * cases.SECTOR}"
        run(["mformat", "-i", image, "-T", str(blocks), "-v", label, "::"])
        for dest, data in files.items():
            directory = ""
            for part in dest.strip("/").split("/")[:-1]:
                directory += "/" + part
                run(["mmd", "-D", "s", "-i", image, "::" + directory])
            run(["mcopy", "-i", image, self.scratch(data), "::" + dest])


def run(arguments):
    result = subprocess.run(arguments, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")


def inputs_digest():
    """What every image depends on: loader, kernel, make-image, this package."""
    digest = hashlib.sha256()
    package = os.path.dirname(os.path.abspath(__file__))
    sources = sorted(os.path.join(package, name) for name in os.listdir(package)
        if name.endswith(".py"))
    for path in [LOADER, KERNEL, MAKE_IMAGE] + sources:
        with open(path, "rb") as source:
            digest.update(path.encode() + b"\0" + source.read())
    return digest.hexdigest()


def images(case):
    """The disks a case boots, boot disk first."""
    if case.data is None:
        return [os.path.join(OUT, case.name + ".img")]
    boot = LOADER_ONLY if case.boot is None else os.path.join(OUT, case.name + ".img")
    return [boot, os.path.join(OUT, case.name + ".data.img")]


def facts_path(case):
    return os.path.join(OUT, case.name + ".json")


def facts(case):
    with open(facts_path(case)) as source:
        return json.load(source)


def current(path, digest):
    try:
        with open(path + ".key") as key:
            return key.read() == digest and os.path.exists(path)
    except FileNotFoundError:
        return False


def mark(path, digest):
    with open(path + ".key", "w") as key:
        key.write(digest)


def build(case, kernel, digest):
    """Make the disks of one case unless they are current; True when made."""
    target = facts_path(case)
    if current(target, digest):
        return False
    with tempfile.TemporaryDirectory(prefix="corrupt-") as work:
        context = Context(kernel, work)
        found = {}
        for recipe, path in ((case.boot, images(case)[0]), (case.data, images(case)[-1])):
            if recipe is not None:
                found.update(recipe(context, path) or {})
    with open(target, "w") as out:
        json.dump(found, out)
    mark(target, digest)
    return True


def build_loader_only(kernel, digest):
    if current(LOADER_ONLY, digest):
        return False
    with tempfile.TemporaryDirectory(prefix="corrupt-") as work:
        Context(kernel, work).make_image(LOADER_ONLY, kernel=None)
    mark(LOADER_ONLY, digest)
    return True


def generate(names=None, workers=8):
    """Make the disks of the cases named (all by default); returns how many
    cases had theirs made (the shared loader-only disk does not count)."""
    os.makedirs(OUT, exist_ok=True)
    digest = inputs_digest()
    with open(KERNEL, "rb") as source:
        kernel = source.read()
    chosen = [c for c in cases.CASES if names is None or c.name in names]
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        shared = pool.submit(build_loader_only, kernel, digest) \
            if any(c.boot is None for c in chosen) else None
        made = sum(job.result() for job in [pool.submit(build, c, kernel, digest)
            for c in chosen])
        if shared is not None:
            shared.result()
    if names is None:
        prune(chosen)
        with open(STAMP, "w") as out:
            out.write(f"{len(chosen)} cases\n")
    return made


def prune(chosen):
    """Remove what cases no longer in the list left behind."""
    keep = {os.path.basename(LOADER_ONLY), os.path.basename(STAMP)}
    for c in chosen:
        keep.update(os.path.basename(path) for path in images(c) + [facts_path(c)])
    for name in os.listdir(OUT):
        if name.removesuffix(".key") not in keep:
            os.unlink(os.path.join(OUT, name))


def main():
    made = generate(sys.argv[1:] or None)
    print(f"corrupt: {made} of {len(cases.CASES)} cases made in {OUT}")


if __name__ == "__main__":
    main()
