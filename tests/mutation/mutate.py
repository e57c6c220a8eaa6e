# SPDX-License-Identifier: MIT
"""Mutation testing: do the fast test layers catch the bugs a developer writes?

`jam mutate` runs this (or `/usr/bin/python3 tests/mutation/mutate.py`). It
reads mutations.txt (its format is described there), and for each mutation:

1. writes the mutated source into a scratch copy of the tree
   (generated/mutation/tree: the files `git ls-files` names, plus
   generated/BuildConfig), never into the tree itself, so that nothing a run
   does, finishes or is interrupted, can leave a source of the user modified;
2. rebuilds the host targets there (the unit test programs and the hosted
   port) with jam; a failed build is "compile error";
3. runs the tests, stopping at the first that fails (its name is the
   result): the mutated area's own unit programs (generated/host/unit_*, one
   process each) and hosted-port test files (AREA_UNITS, AREA_HOST_TESTS),
   then every other unit program, then the rest of tests/host (pytest -x);
   each with a timeout, and a timeout is a kill too. The EFI port's areas
   in AREA_BOOT_TESTS are built into the firmware's loader only, where no
   unit program or hosted-port test reaches: their mutations are built into
   the disk images (BOOT_TARGETS) and booted under real firmware in QEMU,
   by the area's own tests of tests/boot (pytest -x) and no others;
4. puts the original source back (and, for the EFI port, builds the images
   again, so that no later test boots a mutated loader).

Jam compares modification times with a resolution of one second, so a file
written twice within a second looks unchanged and jam would keep the object
of the mutation before: the mutated file and the restored one each get a
modification time two seconds after the newest of now and the file's
previous time.

A rule whose text is not in its file exactly as often as it says is an
error of the list: it is reported as such and not run (it is neither killed
nor survived). Equivalent mutations (marked in the list) are run too, but
left out of the kill rate.

Standard library only; runs with /usr/bin/python3.
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
LIST = os.path.join(HERE, "mutations.txt")
SCRATCH = os.path.join(TOP, "generated", "mutation", "tree")
PYTHON = "/usr/bin/python3"

UNIT_TIMEOUT = 60
HOST_TIMEOUT = 600
BOOT_TIMEOUT = 900
BUILD_TIMEOUT = 900

# The unit programs that test an area, run first so that a kill names the
# test that should catch it (and comes sooner); the others follow.
AREA_UNITS = {
    "heap": ["unit_heap", "unit_heap_debug"],
    "elf": ["unit_elf"],
    "memory_map": ["unit_memory_map", "unit_ranges", "unit_paging"],
    "regions": ["unit_kernel_regions", "unit_memory_map", "unit_paging"],
    "partitions": ["unit_partitions"],
    "devices": ["unit_partitions", "unit_vfs", "unit_fat"],
    "fat": ["unit_fat", "unit_vfs"],
    "tar": ["unit_tar", "unit_vfs"],
    "vfs": ["unit_vfs"],
    "server": ["unit_server_fs"],
    "efi_net": ["unit_net"],
    "boot_device": ["unit_bootcheck"],
    "config": ["unit_config"],
    "boot_counting": ["unit_config"],
    "saved": ["unit_config"],
    "pattern": ["unit_config"],
    "trust": ["unit_manifest", "unit_trust_digest", "unit_crypto"],
    "libc": ["unit_libc"],
    "timeline": ["unit_timeline", "unit_efi_time"],
    "line_editor": ["unit_line_editor"],
    "unicode": ["unit_config", "unit_line_editor", "unit_fat", "unit_partitions"],
    "paging": ["unit_paging", "unit_paging_arm64"],
    "bootcheck": ["unit_bootcheck"],
    "bootcheck_arm64": ["unit_bootcheck_arm64"],
    "efi_tables": ["unit_acpi", "unit_fdt", "unit_smbios"],
    "pack": ["unit_relr", "unit_unpack_x86"],
    "device_tree": ["unit_config", "unit_fdt"],
    "overlays": ["unit_config"],
    "auto_entries": ["unit_config"],
    "framebuffer": ["unit_console"],
    "crypto": ["unit_crypto"],
    "efi_map": ["unit_efi_firmware_map"],
    "efi_disks": ["unit_efi_devices"],
    "efi_video": ["unit_efi_video"],
    "efi_runtime": ["unit_efi_runtime"],
    "efi_console": ["unit_efi_console"],
    "console_keys": ["unit_console_keys", "unit_efi_console"],
    "efi_variables": ["unit_efi_variables"],
    "efi_secure_boot": ["unit_efi_variables"],
    "efi_files": ["unit_efi_files"],
    "efi_image": ["unit_efi_image"],
    "efi_load_options": ["unit_efi_load_options"],
    "efi_machine": ["unit_efi_machine"],
    "efi_time": ["unit_efi_time", "unit_acpi"],
    "efi_initrd": ["unit_efi_initrd"],
    "efi_serial": ["unit_efi_serial"],
    "efi_unpack": ["unit_unpack"],
}

# Likewise the hosted-port test files that test an area: pytest runs them
# before the rest of tests/host, so a kill there comes in seconds.
AREA_HOST_TESTS = {
    "menu": ["test_menu_screen.py", "test_menu.py", "test_verified_boot.py",
        "test_host_screen.py"],
    "line_editor": ["test_menu_screen.py", "test_menu.py"],
    "console_keys": ["test_menu.py"],
    "handoff": ["test_host.py", "test_menu.py"],
    "bli": ["test_boot_loader_interface.py"],
    "trust": ["test_verified_boot.py"],
    "crypto": ["test_verified_boot.py"],
    "measure": ["test_host_measured_boot.py"],
    "bls": ["test_bls.py"],
    "boot_counting": ["test_boot_counting.py"],
    "uki": ["test_uki.py"],
    "server": ["test_file_server.py"],
    "device_tree": ["test_menu.py", "test_device_tree_overlays.py"],
    "overlays": ["test_device_tree_overlays.py"],
    "auto_entries": ["test_auto_entries.py"],
    "fat": ["test_boot_counting.py"],
    "output": ["test_menu.py", "test_boot_loader_interface.py", "test_host.py"],
    "iso9660": ["test_iso9660.py"],
    "partitions": ["test_disk_shapes.py"],
    "framebuffer": ["test_host_screen.py"],
    "video": ["test_host_screen.py"],
}

# The EFI port's areas and the QEMU boots that test each, in the order they
# run: the quickest boot that should see the bug first. Each mutation costs
# its build (seconds) and one boot of 5 to 10 s when it is killed at once,
# every listed boot when it survives; the whole of tests/boot would take a
# quarter of an hour a mutation.
# What a booted mutation is built into: the loaders and every disk image
# (plain jam's), and the Secure Boot disks' signed loaders.
BOOT_TARGETS = ("all", "secure-boot")
BOOT_PASS = "tests/boot/test_boot.py::test_boot_reaches_kernel_and_passes_checks"
HANDED_OVER = "tests/boot/test_firmware.py::test_firmware_is_handed_over"
AREA_BOOT_TESTS = {
    "efi_memory": [f"{BOOT_PASS}[x86_64]", f"{HANDED_OVER}[1G-max-smbios3]",
        f"{HANDED_OVER}[8G-max]", f"{HANDED_OVER}[128M-qemu64-no-vga]",
        "tests/boot/test_limits.py::test_small_machine_boots_with_the_largest_heap_it_has",
        f"{BOOT_PASS}[arm64]"],
    "efi_smp": ["tests/boot/test_smp.py::test_four_cpus_start_park_and_report_in[x86_64]",
        "tests/boot/test_smp.py::test_four_cpus_start_park_and_report_in[arm64]",
        "tests/boot/test_smp.py::test_disable_smp_lists_the_cpus_and_starts_none[x86_64]",
        # U-Boot at EL1, whose PSCI is called through HVC (AAVMF's boots are at EL2)
        "tests/boot/test_smp.py::test_disable_acpi_leaves_arm64_only_the_device_tree[u-boot-2]"],
    "efi_clock": ["tests/boot/test_boot.py::test_the_tsc_rate_is_measured_against_the_acpi_pm_timer"],
    "efi_writes": ["tests/boot/test_menu_qemu.py::"
        "test_what_a_started_application_wrote_is_read_afresh"],
    "efi_sbat": ["tests/boot/test_packed.py::"
        "test_sbat_takes_the_unit_of_placeholder_relocations_only",
        "tests/boot/test_packed.py::"
        "test_the_packed_file_carries_the_sbat_data_in_the_size_it_had[x86_64]",
        "tests/boot/test_secure_boot.py::"
        "test_shim_starts_the_signed_loader_by_its_sbat_data[x86_64]"],
    "efi_disk_shapes": ["tests/boot/test_disk_shapes_qemu.py::test_a_kernel_past_2_tib_boots[x86_64]",
        "tests/boot/test_disk_shapes_qemu.py::test_a_disk_of_4096_byte_blocks_boots[x86_64]"],
    "efi_tpm": [
        "tests/boot/test_measured_boot.py::test_the_loader_measures_what_it_boots_and_the_"
        "kernel_replays_the_log[x86_64]",
        "tests/boot/test_measured_boot.py::test_the_loader_measures_what_it_boots_and_the_"
        "kernel_replays_the_log[arm64]"],
}


@dataclass
class Mutation:
    number: int
    line: int			# in mutations.txt
    area: str
    path: str
    old: str
    new: str
    occurrence: int		# 0: the text must occur exactly once
    description: str
    equivalent: str = ""	# the reason, when it cannot change behaviour
    result: str = ""
    killed: bool = False
    seconds: float = 0.0
    source_line: int = 0
    errors: list = field(default_factory=list)

    @property
    def key(self):
        """What names the mutation whatever its place in the list: seven hex
        digits of its file and rule, which change only with the rule."""
        rule = f"{self.path}\0{self.old}\0{self.new}\0{self.occurrence}"
        return hashlib.sha256(rule.encode()).hexdigest()[:7]


def parse_rule(rule):
    """s<d>old<d>new<d>[N] -> (old, new, N, rest of the line)."""
    if len(rule) < 4 or rule[0] != "s":
        raise ValueError("a rule starts with s and a delimiter")
    delimiter = rule[1]
    parts = rule[2:].split(delimiter, 2)
    if len(parts) != 3:
        raise ValueError(f"a rule is s{delimiter}old{delimiter}new{delimiter}")
    old, new, rest = parts
    occurrence = 0
    digits = ""
    while rest and rest[0].isdigit():
        digits += rest[0]
        rest = rest[1:]
    if digits:
        occurrence = int(digits)
    if rest and not rest[0].isspace():
        raise ValueError("a rule ends with its delimiter, an optional number and a space")
    if not old:
        raise ValueError("a rule replaces some text")
    return old, new, occurrence, rest.strip()


def read_list(path=LIST):
    mutations = []
    problems = []
    with open(path) as f:
        for number, text in enumerate(f, 1):
            text = text.rstrip("\n")
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            fields = text.split(None, 2)
            if len(fields) < 3:
                problems.append(f"mutations.txt:{number}: needs area, file and rule")
                continue
            area, source, rule = fields
            try:
                old, new, occurrence, description = parse_rule(rule)
            except ValueError as error:
                problems.append(f"mutations.txt:{number}: {error}")
                continue
            equivalent = ""
            marker = "[equivalent:"
            if marker in description:
                description, _, reason = description.partition(marker)
                equivalent = reason.rstrip().rstrip("]").strip()
                description = description.strip()
            if not description:
                problems.append(f"mutations.txt:{number}: no description")
                continue
            mutations.append(Mutation(len(mutations) + 1, number, area, source, old, new,
                occurrence, description, equivalent))
    return mutations, problems


def mutate_text(text, mutation):
    """The mutated text and the source line, or raises ValueError."""
    count = text.count(mutation.old)
    if mutation.occurrence == 0:
        if count != 1:
            raise ValueError(f"'{mutation.old}' occurs {count} times in {mutation.path}, "
                "not once (add the occurrence number after the rule)")
        index = text.index(mutation.old)
    else:
        if count < mutation.occurrence:
            raise ValueError(f"'{mutation.old}' occurs {count} times in {mutation.path}, "
                f"fewer than {mutation.occurrence}")
        index = -1
        for _ in range(mutation.occurrence):
            index = text.index(mutation.old, index + 1)
    if "\n" in mutation.old or "\n" in mutation.new:
        raise ValueError("a mutation changes one line")
    mutated = text[:index] + mutation.new + text[index + len(mutation.old):]
    if mutated == text:
        raise ValueError("the rule changes nothing")
    return mutated, text.count("\n", 0, index) + 1


def touch_newer(path):
    """Two seconds past both now and the file's own time: jam sees whole seconds."""
    stamp = max(time.time(), os.stat(path).st_mtime) + 2
    os.utime(path, (stamp, stamp))


def write_source(path, text):
    with open(path, "w") as f:
        f.write(text)
    touch_newer(path)


def sync_scratch():
    """Makes the scratch tree hold the files of the tree as they are now.

    Only files whose content differs are written (and made newer), so that
    jam rebuilds what changed and nothing else; this also undoes what an
    interrupted run left in the scratch tree.
    """
    names = subprocess.run(["git", "ls-files", "-z"], cwd=TOP, check=True,
        capture_output=True).stdout.decode().split("\0")
    for name in names:
        if not name or name.startswith("generated/"):
            continue
        source = os.path.join(TOP, name)
        if not os.path.isfile(source):
            continue	# deleted in the working tree, not yet committed
        destination = os.path.join(SCRATCH, name)
        with open(source, "rb") as f:
            wanted = f.read()
        try:
            with open(destination, "rb") as f:
                same = f.read() == wanted
        except FileNotFoundError:
            same = False
        if same:
            continue
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        with open(destination, "wb") as f:
            f.write(wanted)
        shutil.copymode(source, destination)
        touch_newer(destination)
    config = os.path.join(TOP, "generated", "BuildConfig")
    if not os.path.exists(config):
        sys.exit("mutate: no generated/BuildConfig: run ./configure first")
    os.makedirs(os.path.join(SCRATCH, "generated"), exist_ok=True)
    shutil.copy2(config, os.path.join(SCRATCH, "generated", "BuildConfig"))


def jam(*targets, timeout=BUILD_TIMEOUT):
    result = subprocess.run(["jam", "-q", "-j2", *targets], cwd=SCRATCH,
        capture_output=True, text=True, timeout=timeout)
    return result.returncode == 0, result.stdout + result.stderr


def host_programs():
    folder = os.path.join(SCRATCH, "generated", "host")
    return sorted(name for name in os.listdir(folder) if name.startswith("unit_"))


def fast_layers(area, units):
    """None when every test passed, otherwise what failed first: the area's
    own unit programs and hosted-port test files, then the others."""
    own = [name for name in AREA_UNITS.get(area, []) if name in units]
    files = [f"tests/host/{name}" for name in AREA_HOST_TESTS.get(area, [])]
    return (unit_programs(own) or (host_tests(files) if files else None)
        or unit_programs([name for name in units if name not in own])
        or host_tests(["tests/host", *[f"--ignore={path}" for path in files]]))


def unit_programs(names):
    """Run unit programs in turn: None, or the name of the first that failed."""
    for name in names:
        try:
            result = subprocess.run([os.path.join(SCRATCH, "generated", "host", name)],
                cwd=SCRATCH, capture_output=True, timeout=UNIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            return f"{name} (timeout)"
        if result.returncode != 0:
            return name
    return None


def host_tests(arguments, timeout=HOST_TIMEOUT, what="tests/host"):
    """pytest -x on hosted-port tests: None, or the first test file that failed."""
    try:
        result = subprocess.run([PYTHON, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
            *arguments], cwd=SCRATCH, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"{what} (timeout)"
    if result.returncode != 0:
        failed = [line.split()[1] for line in result.stdout.splitlines()
            if line.startswith("FAILED ") or line.startswith("ERROR ")]
        return failed[0].split("/")[-1] if failed else what
    return None


def boot_tests(area):
    """The area's QEMU boots, pytest -x: None, or the first test that failed."""
    return host_tests(AREA_BOOT_TESTS[area], BOOT_TIMEOUT, "tests/boot")


def run_one(mutation, targets, units):
    path = os.path.join(SCRATCH, mutation.path)
    with open(path) as f:
        original = f.read()
    mutated, mutation.source_line = mutate_text(original, mutation)
    booted = mutation.area in AREA_BOOT_TESTS
    if booted:
        targets = BOOT_TARGETS
    started = time.monotonic()
    try:
        write_source(path, mutated)
        try:
            built, log = jam(*targets)
        except subprocess.TimeoutExpired:
            built, log = False, "timeout"
        if not built:
            mutation.result, mutation.killed = "compile error", True
        else:
            failed = boot_tests(mutation.area) if booted else fast_layers(mutation.area, units)
            mutation.killed = failed is not None
            mutation.result = f"killed by {failed}" if failed else "SURVIVED"
    finally:
        write_source(path, original)
        if booted:
            jam(*BOOT_TARGETS)
    mutation.seconds = time.monotonic() - started


def print_table(mutations, out=sys.stdout):
    print(file=out)
    print("| # | key | area | where | mutation | result |", file=out)
    print("|---|---|---|---|---|---|", file=out)
    for m in mutations:
        result = m.result
        if m.equivalent:
            result += f" (equivalent: {m.equivalent})"
        where = f"{m.path.split('/')[-1]}:{m.source_line}" if m.source_line else m.path
        print(f"| {m.number} | {m.key} | {m.area} | {where} | {m.description} | {result} |",
            file=out)
    print(file=out)
    print("| area | mutations | equivalent | list errors | killed | survived | kill rate |",
        file=out)
    print("|---|---|---|---|---|---|---|", file=out)
    areas = sorted({m.area for m in mutations})
    for area in areas + ["all"]:
        group = [m for m in mutations if area == "all" or m.area == area]
        errors = [m for m in group if m.errors]
        equivalent = [m for m in group if m.equivalent and not m.errors]
        counted = [m for m in group if not m.equivalent and not m.errors and m.result]
        killed = [m for m in counted if m.killed]
        rate = f"{100 * len(killed) / len(counted):.1f} %" if counted else "-"
        print(f"| {area} | {len(group)} | {len(equivalent)} | {len(errors)} | {len(killed)} "
            f"| {len(counted) - len(killed)} | {rate} |", file=out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--area", default=os.environ.get("MUTATE_AREA", ""),
        help="only these areas, comma separated (or MUTATE_AREA)")
    parser.add_argument("--only", default=os.environ.get("MUTATE_ONLY", ""),
        help="only these mutations, by key or number, comma separated (or MUTATE_ONLY)")
    parser.add_argument("--check", action="store_true",
        help="only check that every rule applies to its file, and list the mutations")
    options = parser.parse_args()

    mutations, problems = read_list()
    lines = {}
    for m in mutations:
        if m.key in lines:
            problems.append(f"mutations.txt:{m.line}: the same rule as line {lines[m.key]}")
        lines.setdefault(m.key, m.line)
    if options.area:
        areas = set(options.area.split(","))
        unknown = areas - {m.area for m in mutations}
        if unknown:
            sys.exit(f"mutate: no mutations in area {', '.join(sorted(unknown))}")
        mutations = [m for m in mutations if m.area in areas]
    if options.only:
        # A key stays with its rule; a number is the rule's place in the list now.
        chosen = set(options.only.split(","))
        unknown = chosen - {m.key for m in mutations} - {str(m.number) for m in mutations}
        if unknown:
            sys.exit(f"mutate: no mutation {', '.join(sorted(unknown))}")
        mutations = [m for m in mutations if m.key in chosen or str(m.number) in chosen]

    # An error of the list: a missing file or a rule that does not match.
    for m in mutations:
        try:
            with open(os.path.join(TOP, m.path)) as f:
                _, m.source_line = mutate_text(f.read(), m)
        except (OSError, ValueError) as error:
            m.errors.append(str(error))
            m.result = f"LIST ERROR: {error}"
    for problem in problems:
        print(f"mutate: {problem}", file=sys.stderr)
    for m in mutations:
        for error in m.errors:
            print(f"mutate: mutations.txt:{m.line}: {error}", file=sys.stderr)
    if options.check:
        # A mutation's number is its place in the list: say what each is now.
        for m in mutations:
            if not m.errors:
                print(f"mutate: {m.number:3} {m.key} {m.area:10} {m.path.split('/')[-1]}:"
                    f"{m.source_line} {m.description}")
        bad = len(problems) + sum(1 for m in mutations if m.errors)
        print(f"mutate: {len(mutations)} mutations, {bad} errors in the list")
        return 1 if bad else 0

    started = time.monotonic()
    print(f"mutate: scratch tree {os.path.relpath(SCRATCH, TOP)}; building it", flush=True)
    sync_scratch()
    built, log = jam()
    if not built:
        # A first build of an empty tree can stop at the fuzz seeds, copied
        # before the test images they name exist (jam -j2); a second one
        # finds the images.
        built, log = jam()
    if built:
        # The hosted port's verified-boot tests boot the Secure Boot disks,
        # which plain jam does not make.
        built, log = jam("secure-boot")
    if not built:
        print(log[-3000:])
        sys.exit("mutate: the unmutated scratch tree does not build")
    units = host_programs()
    targets = [f"<host>{name}" for name in units] + ["<host>boot_loader_host"]
    failed = fast_layers("", units)
    for area in sorted({m.area for m in mutations if m.area in AREA_BOOT_TESTS}):
        failed = failed or boot_tests(area)
    if failed is not None:
        sys.exit(f"mutate: the unmutated tree fails {failed}: fix that first")
    print(f"mutate: baseline passes ({time.monotonic() - started:.0f} s); "
        f"{len(mutations)} mutations", flush=True)

    try:
        for m in mutations:
            if m.errors:
                continue
            run_one(m, targets, units)
            print(f"mutate: {m.number:3} {m.key} {m.area:10} {m.path.split('/')[-1]}:"
                f"{m.source_line} {m.result} ({m.seconds:.0f} s)", flush=True)
    except KeyboardInterrupt:
        print("\nmutate: interrupted; the tree itself was never touched", file=sys.stderr)
        mutations = [m for m in mutations if m.result]
    print_table(mutations)
    minutes = (time.monotonic() - started) / 60
    print(f"\nmutate: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{minutes:.1f} minutes")
    bad = problems or any(m.errors for m in mutations)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
