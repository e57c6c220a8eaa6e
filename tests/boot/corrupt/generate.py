# SPDX-License-Identifier: MIT
"""Makes the disks of every corrupted-input case under generated/corrupt/ from
the real loader and kernel: base images by build/scripts/make-image, then
the damage cases.py describes, for each port (tests/boot/ports.py) from its
own loader and kernel. An image is made again only when the loader, the
kernel, make-image or this package changed since it was made; run directly
(`python3 -m corrupt.generate --port arm64`), it makes them all (in parallel:
each make-image is a few processes).

generated/corrupt/<port>/<case>.img         the boot disk of a one-disk case
generated/corrupt/<port>/<case>.data.img    the damaged second disk of a two-disk case
generated/corrupt/<port>/loader-only.img    the boot disk of every two-disk case
generated/corrupt/<port>/<case>.json        the facts the case's expectations need
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import ports

from . import cases

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
MAKE_IMAGE = os.path.join(TOP, "build", "scripts", "make-image")


def out(port):
    """Where a port's disks live."""
    return os.path.join(TOP, "generated", "corrupt", port.name)


def loader_only(port):
    return os.path.join(out(port), "loader-only.img")


def stamp(port):
    return os.path.join(out(port), "stamp")


class Context:
    """What a recipe gets: the port, its kernel's bytes, and the tools to make
    disks."""

    def __init__(self, port, kernel, work):
        self.port = port
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
            arguments.append(self.port.loader)
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


def inputs_digest(port):
    """What every image of a port depends on: its loader and kernel,
    make-image, this package and the port list."""
    digest = hashlib.sha256()
    package = os.path.dirname(os.path.abspath(__file__))
    sources = sorted(os.path.join(package, name) for name in os.listdir(package)
        if name.endswith(".py"))
    for path in [port.loader, port.kernel, MAKE_IMAGE, ports.__file__] + sources:
        with open(path, "rb") as source:
            digest.update(path.encode() + b"\0" + source.read())
    return digest.hexdigest()


def images(case, port=ports.X86_64):
    """The disks a case boots on a port, boot disk first."""
    directory = out(port)
    if case.data is None:
        return [os.path.join(directory, case.name + ".img")]
    boot = loader_only(port) if case.boot is None \
        else os.path.join(directory, case.name + ".img")
    return [boot, os.path.join(directory, case.name + ".data.img")]


def facts_path(case, port=ports.X86_64):
    return os.path.join(out(port), case.name + ".json")


def facts(case, port=ports.X86_64):
    """What the case's recipe found on the port's disks, and the port's name
    (expectations that differ between ports read it)."""
    with open(facts_path(case, port)) as source:
        return dict(json.load(source), port=port.name)


def current(path, digest):
    try:
        with open(path + ".key") as key:
            return key.read() == digest and os.path.exists(path)
    except FileNotFoundError:
        return False


def mark(path, digest):
    with open(path + ".key", "w") as key:
        key.write(digest)


def build(case, port, kernel, digest):
    """Make the disks of one case unless they are current; True when made."""
    target = facts_path(case, port)
    if current(target, digest):
        return False
    with tempfile.TemporaryDirectory(prefix="corrupt-") as work:
        context = Context(port, kernel, work)
        found = {}
        disks = images(case, port)
        for recipe, path in ((case.boot, disks[0]), (case.data, disks[-1])):
            if recipe is not None:
                found.update(recipe(context, path) or {})
    with open(target, "w") as out:
        json.dump(found, out)
    mark(target, digest)
    return True


def build_loader_only(port, kernel, digest):
    path = loader_only(port)
    if current(path, digest):
        return False
    with tempfile.TemporaryDirectory(prefix="corrupt-") as work:
        Context(port, kernel, work).make_image(path, kernel=None)
    mark(path, digest)
    return True


def generate(names=None, workers=8, port=ports.X86_64):
    """Make the port's disks of the cases named (all by default); returns how
    many cases had theirs made (the shared loader-only disk does not count)."""
    os.makedirs(out(port), exist_ok=True)
    digest = inputs_digest(port)
    with open(port.kernel, "rb") as source:
        kernel = source.read()
    chosen = [c for c in cases.CASES if names is None or c.name in names]
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        shared = pool.submit(build_loader_only, port, kernel, digest) \
            if any(c.boot is None for c in chosen) else None
        made = sum(job.result() for job in [pool.submit(build, c, port, kernel, digest)
            for c in chosen])
        if shared is not None:
            shared.result()
    if names is None:
        prune(chosen, port)
        with open(stamp(port), "w") as written:
            written.write(f"{len(chosen)} cases\n")
    return made


def prune(chosen, port):
    """Remove what cases no longer in the list left behind."""
    keep = {os.path.basename(loader_only(port)), os.path.basename(stamp(port))}
    for c in chosen:
        keep.update(os.path.basename(path)
            for path in images(c, port) + [facts_path(c, port)])
    for name in os.listdir(out(port)):
        if name.removesuffix(".key") not in keep:
            os.unlink(os.path.join(out(port), name))


def main():
    parser = argparse.ArgumentParser(description="Make the corrupted-input disks of a port.")
    parser.add_argument("--port", choices=sorted(ports.PORTS), default="x86_64")
    parser.add_argument("names", nargs="*", help="cases to make (default: all)")
    options = parser.parse_args()
    port = ports.PORTS[options.port]
    made = generate(options.names or None, port=port)
    print(f"corrupt: {made} of {len(cases.CASES)} cases made in {out(port)}")


if __name__ == "__main__":
    main()
