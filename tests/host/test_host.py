# SPDX-License-Identifier: MIT
"""The hosted port: the generic loader as a Linux process on the same disk
images the QEMU tests boot, ending in the same boot checks."""

import os
import re
import subprocess
import zlib

import pytest

from contents import contents_problems
from test_menu import loader_command, tar_disk

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*arguments, timeout=60):
    return subprocess.run(loader_command(arguments), capture_output=True, text=True,
        stdin=subprocess.DEVNULL, timeout=timeout)


@pytest.mark.parametrize("image", ["boot.img", "boot-fat-partition.img",
    "boot-tar-partition.img"])
def test_host_loader_boots_and_passes_the_boot_checks(image):
    result = run(image)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BOOTCHECK PASS" in result.stdout
    # On the host, only checks that need the running kernel, or firmware the
    # host does not simulate, are skipped.
    assert re.search(r"bootcheck: \d+ checks, 0 failed, \d+ skipped", result.stdout)
    skipped = [line for line in result.stdout.splitlines() if ": skipped (" in line]
    for line in skipped:
        assert ("not running as the kernel" in line
            or re.search(r"\(no (ACPI|SMBIOS|EFI|framebuffer|TPM)", line)), line
    assert "CHECK large_pages: skipped (no CPU state" in result.stdout
    # The entry registers are the port's own say-so: they would pass by construction.
    assert "CHECK self: skipped (no CPU state" in result.stdout
    assert "CHECK boot_cpu: skipped (no CPU state" in result.stdout
    assert "boot: kernel /boot/kernel loaded" in result.stderr
    # The kernel's copy of the log is all of it: the hosted port wrote the
    # same bytes to stderr, and nothing after the copy.
    log = re.search(r"^loader log: 0x[0-9a-f]+ size (\d+), (\d+) lines$", result.stdout, re.M)
    assert log, result.stdout
    assert (int(log[1]), int(log[2])) == (len(result.stderr.encode()),
        result.stderr.count("\n")), result.stderr


def test_kernel_accepts_kernel_args_from_a_newer_loader():
    # Fields are only appended: a larger structure and a higher version pass.
    result = run("--kernel-args-abi", "newer", "boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^magic 0x[0-9a-f]+, version 6, kernel_args_size 28880 \(own sizeof 28368\)",
        result.stdout, re.M), result.stdout
    assert "CHECK version: ok" in result.stdout
    assert "CHECK args_size: ok" in result.stdout
    assert "BOOTCHECK PASS" in result.stdout


def test_kernel_refuses_kernel_args_from_an_older_loader():
    result = run("--kernel-args-abi", "older", "boot.img")
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("CHECK version: FAIL (version 1 is older than the 5 this kernel needs:"
        " update the loader)") in result.stdout
    assert ("CHECK args_size: FAIL (kernel_args_size 28136 is smaller than the 28368"
        " bytes this kernel reads)") in result.stdout
    assert "BOOTCHECK FAIL: version: version 1 is older" in result.stdout


def test_host_loader_finds_the_kernel_on_a_second_disk():
    result = run("blank.img", "boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BOOTCHECK PASS" in result.stdout


def test_host_loader_memory_size_reaches_kernel_args():
    result = run("--memory", "1024", "boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    # 1 GiB minus the first page, the legacy hole and the top megabyte.
    assert "memory: 1022 MiB usable" in result.stdout, result.stdout


def test_host_loader_maps_memory_that_ends_past_4_gib_off_a_gib_boundary():
    """The physical map is whole GiB: memory that ends 1 MiB past 5 GiB
    takes a sixth, and the boot checks hold every RAM range against it."""
    result = run("--memory", "5121", "boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "physical map: base 0xffff800000000000 size 0x180000000 (6144 MiB)" in result.stdout
    assert "CHECK physical_map: ok" in result.stdout
    assert "BOOTCHECK PASS" in result.stdout


BAD_KERNELS = {
    "missing-kernel": "cannot load the kernel: /boot/kernel: not found on any volume",
    "truncated-kernel": "not bootable: program headers past end of file",
    "not-elf": "not bootable: bad ELF magic",
    "wrong-machine": "not bootable: wrong machine (expected x86_64)",
    "outside-window": "not bootable: segment outside the kernel window",
}


@pytest.mark.parametrize("variant", sorted(BAD_KERNELS))
def test_host_loader_reports_bad_kernels(variant):
    result = run(f"bad-{variant}.img")
    assert result.returncode == 2, result.stdout + result.stderr
    assert BAD_KERNELS[variant] in result.stdout
    assert "BOOTCHECK" not in result.stdout


def test_host_loader_without_a_disk_image_explains_itself():
    result = run("does-not-exist.img")
    assert result.returncode == 2
    assert "cannot open disk image" in result.stdout
    assert "does-not-exist.img" in result.stdout
    # Nothing can boot, but the menu still offers a reboot and the firmware.
    assert ("Error: no disk holds a volume the loader can read: no such file or directory"
        in result.stdout), result.stdout


def test_host_loader_boots_with_a_heap_smaller_than_the_kernel():
    # The kernel is read straight into its pages, never into the heap: a
    # 64 KiB heap, a fifth of the kernel file, is enough to boot.
    result = run("--heap", "64", "boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BOOTCHECK PASS" in result.stdout, result.stdout
    peak = int(re.search(r"heap: in use .*, peak (\d+) bytes", result.stdout).group(1))
    assert peak < os.path.getsize(KERNEL), result.stdout


def test_host_loader_with_a_tiny_heap_reports_out_of_memory():
    # 32 KiB cannot hold the FAT volume's state; the loader must say so, not crash.
    result = run("--heap", "32", "boot.img")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "vfs: cannot mount disk0p1: fat: out of memory" in result.stdout, result.stdout
    assert "BOOTCHECK" not in result.stdout


def test_host_loader_on_a_small_machine_takes_a_smaller_heap():
    # As on a small EFI machine: 8 MiB of RAM have no 16 MiB heap, nor 8 MiB
    # above the first megabyte; the loader halves until it fits, and boots.
    result = run("--memory", "8", "boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    # The debug channel says how it went; the kernel sees the 4 MiB come back.
    assert "host: no 16384 KiB in one piece for the heap, trying 8192 KiB" in result.stderr
    assert "host: no 8192 KiB in one piece for the heap, trying 4096 KiB" in result.stderr
    assert "host: heap at 0x100000, 4096 KiB" in result.stderr, result.stderr
    assert "loader heap: 0x100000 - 0x500000 (given back)" in result.stdout, result.stdout
    assert "CHECK loader_heap: ok" in result.stdout
    assert "BOOTCHECK PASS" in result.stdout


def test_host_loader_without_the_least_heap_in_one_piece_says_so(tmp_path):
    # 40 MiB of RAM, but in 1 MiB pieces: below BOOT_MIN_HEAP_SIZE the
    # loader cannot even show its menu; it says why and gives up.
    lines = ["0x1000 0x9e000 usable"]
    lines += [f"{0x100000 + i * 0x200000:#x} 0x100000 usable" for i in range(40)]
    result = run("--memory-map", write_memory_map(tmp_path, lines), "boot.img")
    assert result.returncode == 2, result.stdout + result.stderr
    assert ("host: no 2048 KiB of memory in one piece for the loader heap (the least it"
        " takes; 16384 KiB asked for)") in result.stdout, result.stdout
    assert "boot: cannot set up the loader heap: out of memory" in result.stdout
    assert "Boot menu" not in result.stdout and "BOOTCHECK" not in result.stdout


def write_memory_map(tmp_path, lines):
    path = tmp_path / "memory-map.txt"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_host_loader_types_a_hostile_firmware_map(tmp_path):
    # Unsorted, overlapping, empty and unaligned, as broken firmware reports it.
    path = write_memory_map(tmp_path, [
        "0xfec00000 0x1000 mmio",
        "0x100000 0xff00000 usable",
        "0x200000 0x100 acpi-nvs  # inside RAM, less than a page",
        "0x5000000 0 bad",
        "0x1000 0x9e000 usable",
        "0x9f000 0x61000 reserved",
        "0x7fff000 0x3000 runtime-code",
        "0x8000000 0x800000 usable",
    ])
    result = run("--memory-map", path, "boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BOOTCHECK PASS" in result.stdout
    assert "0x000000200000 - 0x000000201000          4 KiB  ACPI NVS" in result.stdout
    assert "0x000007fff000 - 0x000008002000         12 KiB  runtime code" in result.stdout
    assert "  bad\n" not in result.stdout


def test_host_loader_refuses_a_memory_map_that_does_not_fit(tmp_path):
    # Every other page reserved: more typed entries and RAM ranges than kernel_args holds.
    lines = ["0x1000 0x9e000 usable", "0x100000 0xff00000 usable"]
    lines += [f"{0x1000000 + i * 0x2000:#x} 0x1000 reserved" for i in range(300)]
    result = run("--memory-map", write_memory_map(tmp_path, lines), "boot.img")
    assert result.returncode == 2, result.stdout + result.stderr
    # The loader's own allocations add entries to the typed map, not to the RAM ranges.
    assert re.search(r"typed memory map: 6\d\d entries needed, kernel_args holds 512",
        result.stdout), result.stdout
    assert "physical memory ranges: 302 entries needed, kernel_args holds 256" in result.stdout
    # Back in the menu, which says why; the console then closes it.
    assert ("Error: cannot prepare the kernel's address space: too many entries"
        in result.stdout), result.stdout
    assert "BOOTCHECK" not in result.stdout


def test_host_loader_refuses_more_firmware_ranges_than_it_takes(tmp_path):
    lines = [f"{0x100000 + i * 0x2000:#x} 0x1000 usable" for i in range(1100)]
    lines.append("0x1000000 0xf000000 usable")
    result = run("--memory-map", write_memory_map(tmp_path, lines), "boot.img")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "the firmware reported 1101 ranges, the loader takes at most 1024" in result.stdout


KERNEL = os.path.join(TOP, "generated", "kernel", "kernel_x86_64")
EFI_LOADER = os.path.join(TOP, "generated", "efi", "BOOTX64.efi")
MAKE_IMAGE = os.path.join(TOP, "build", "scripts", "make-image")
MODULE_SIZE = 100 * 1024 + 17


@pytest.fixture(scope="module")
def module_image(tmp_path_factory):
    """boot.img plus a module of pseudo-random bytes and an empty one."""
    directory = tmp_path_factory.mktemp("modules")
    module = directory / "test.bin"
    module.write_bytes(bytes((i * 131 + (i >> 7)) & 0xff for i in range(MODULE_SIZE)))
    empty = directory / "empty"
    empty.write_bytes(b"")
    image = directory / "modules.img"
    subprocess.run([MAKE_IMAGE, "--extra-file", f"{module}:/boot/modules/test.bin",
        "--extra-file", f"{empty}:/boot/modules/empty", str(image), EFI_LOADER, KERNEL],
        check=True, capture_output=True)
    return str(image), zlib.crc32(module.read_bytes())


@pytest.fixture(scope="module")
def flipped_module_image(module_image, tmp_path_factory):
    """The module image with one byte of test.bin flipped on the disk, where
    no file system check looks; and the intact module for comparison."""
    image, _ = module_image
    module = os.path.join(os.path.dirname(image), "test.bin")
    with open(module, "rb") as file:
        contents = file.read()
    with open(image, "rb") as file:
        disk = bytearray(file.read())
    where = disk.find(contents)
    assert where >= 0 and disk.find(contents, where + 1) < 0
    disk[where + 54321] ^= 0x10
    flipped = tmp_path_factory.mktemp("flipped") / "flipped.img"
    flipped.write_bytes(disk)
    return str(flipped), module


def test_host_loader_hands_over_symbols_command_line_and_timeline():
    result = run("--cmdline", "root=(label=ESP) quiet", "boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'command line: "root=(label=ESP) quiet"' in result.stdout
    # The kernel's own symbol and string tables, found and checked by name.
    assert re.search(r'\[0\] symbols "\.symtab" 0xffffffffc0\w+ size \d+ crc32', result.stdout)
    assert re.search(r'\[1\] strings "\.strtab" 0xffffffffc0\w+ size \d+ crc32', result.stdout)
    # The read-only segments hold the file's bytes, as the kernel found them.
    assert contents_problems(result.stdout, KERNEL) == []
    for check in ("command_line", "preloaded_images", "kernel_symbols", "timeline",
            "segment_permissions", "data_permissions", "physical_map_pages", "stack_guard"):
        assert f"CHECK {check}: ok" in result.stdout, result.stdout
    # Every step, in order, the kernel with its size.
    steps = re.findall(r"^ +\d+\.\d{3} ms  \+ *\d+\.\d{3} ms  (.*)$", result.stdout, re.M)
    assert steps == ["loader entry", "console ready", "heap ready", "volumes ready",
        f"kernel loaded ({os.path.getsize(KERNEL)} bytes)", "page tables built",
        "kernel entry"], result.stdout


def test_host_loader_without_a_command_line_hands_over_an_empty_one():
    result = run("boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'command line: ""' in result.stdout


def test_the_port_s_kernel_command_line_and_modules_are_only_the_default_entry_s(tmp_path):
    """What the port was told (EFI load options; here the arguments) makes
    up the entry used when none is configured; a configured entry boots as
    the file says."""
    config = tar_disk(tmp_path, {"boot/loader.cfg": 'timeout = 0\nentry "Configured" {\n'
        '\tkernel = /boot/kernel\n\tcmdline = "from the file"\n}\n'})
    result = run("--kernel", "/boot/no-such-kernel", "--cmdline", "from the port",
        "--module", "/boot/kernel", "boot.img", config)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'command line: "from the file"' in result.stdout, result.stdout
    assert "CHECK preloaded_images: ok" in result.stdout
    assert 'module "/boot/kernel"' not in result.stdout, result.stdout


# Titles near their 128-byte limit make long lines: LoaderEntries, which
# the hosted port logs in full up to 512 bytes, is longer than the loader's
# 512-byte lines; and some three hundred failed tries fill its 64 KiB log.
LONG_TITLE = "A title long enough that the loader's lines run out " * 2
LOG_SIZE = 64 * 1024


def retry_a_missing_kernel(tmp_path, tries):
    """The loader's output after the menu's first entry, a kernel that is
    not there, failed tries times, and the last entry then booted."""
    config = ["timeout = forever\n"]
    config += [f'entry "{LONG_TITLE}{i}" {{\n\tkernel = /boot/no-such-kernel\n}}\n'
        for i in range(8)]
    config.append('entry "Haiku" {\n\tkernel = /boot/kernel\n}\n')
    disk = tar_disk(tmp_path, {"boot/loader.cfg": "".join(config)})
    result = subprocess.run(loader_command(["boot.img", disk]), input="\r" * tries + "9\r",
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def test_a_line_longer_than_the_loader_s_lines_is_cut_and_keeps_its_end(tmp_path):
    result = retry_a_missing_kernel(tmp_path, 0)
    lines = result.stderr.splitlines()
    cut = [i for i, line in enumerate(lines)
        if line.startswith("host: loader variable LoaderEntries = ")]
    # 511 bytes with the line end; the next message on a line of its own.
    assert len(cut) == 1 and len(lines[cut[0]].encode()) == 510, lines[cut[0]:]
    assert lines[cut[0] + 1].startswith("boot: the menu's first frame took "), lines[cut[0]:]
    assert "\0" not in result.stderr


@pytest.mark.parametrize("shift", [0, 1, 2])
def test_a_cut_line_ends_between_characters(tmp_path, shift):
    """Titles of three-byte characters, shifted by 0 to 2 bytes: the cut
    falls inside a character in two of the three, and the line must still
    end with a whole one."""
    title = "x" * shift + "\u4e2d" * 40
    config = ["timeout = forever\n"]
    config += [f'entry "{title}{i}" {{\n\tkernel = /boot/no-such-kernel\n}}\n' for i in range(8)]
    config.append('entry "Haiku" {\n\tkernel = /boot/kernel\n}\n')
    disk = tar_disk(tmp_path, {"boot/loader.cfg": "".join(config)})
    result = subprocess.run(loader_command(["boot.img", disk]), input=b"9\r",
        capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr[-3000:]
    cut = [line for line in result.stderr.split(b"\n")
        if line.startswith(b"host: loader variable LoaderEntries = ")]
    assert len(cut) == 1 and 508 <= len(cut[0]) <= 510, cut
    cut[0].decode("utf-8")


def test_a_log_longer_than_its_buffer_keeps_its_first_64_kib(tmp_path):
    """The log keeps how the boot began; the kernel gets exactly the
    buffer's bytes, the first of what the debug channel (stderr) got."""
    result = retry_a_missing_kernel(tmp_path, 300)
    written = result.stderr.encode()
    assert len(written) > LOG_SIZE
    kept = written[:LOG_SIZE]
    lines = kept.count(b"\n") + (0 if kept.endswith(b"\n") else 1)
    assert re.search(rf"^loader log: 0x[0-9a-f]+ size {LOG_SIZE}, {lines} lines$",
        result.stdout, re.M), result.stdout[-3000:]
    assert "BOOTCHECK PASS" in result.stdout


def test_host_loader_preloads_modules(module_image):
    image, crc = module_image
    result = run("--module", "/boot/modules/test.bin:verbose=1 debug",
        "--module", "/boot/modules/empty", image)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BOOTCHECK PASS" in result.stdout
    assert "preloaded images: 4" in result.stdout
    assert re.search(rf'\[2\] module "/boot/modules/test.bin" 0xffffffffc0\w+ '
        rf"size {MODULE_SIZE} crc32 {crc:08x}\n      command line: \"verbose=1 debug\"",
        result.stdout), result.stdout
    assert re.search(r'\[3\] module "/boot/modules/empty" 0xffffffffc0\w+ size 0 '
        r"crc32 00000000\n", result.stdout), result.stdout
    assert f"module /boot/modules/test.bin ({MODULE_SIZE} bytes)" in result.stdout
    assert "CHECK preloaded_images: ok" in result.stdout
    module = os.path.join(os.path.dirname(image), "test.bin")
    assert contents_problems(result.stdout, KERNEL, {"/boot/modules/test.bin": module}) == []


def test_configured_modules_keep_no_command_line_and_a_cut_name(tmp_path):
    # A module line without a command line hands over none, not an empty
    # one; a path longer than the name field is cut to its 63 bytes.
    long = "/modules/" + "a-module-with-a-rather-long-name-" * 2 + "end"
    disk = tar_disk(tmp_path, {"boot/loader.cfg": 'timeout = 0\nentry "K" {\n'
        f'\tkernel = /boot/kernel\n\tmodule = {long}\n\tmodule = /modules/b "x=1"\n}}\n',
        long[1:]: "first", "modules/b": "second"})
    result = run("boot.img", disk)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(rf'^  \[2\] module "{re.escape(long[:63])}" 0xffffffffc0\w+ size 5 '
        r"crc32 \w+\n  \[3\] module", result.stdout, re.M), result.stdout
    assert re.search(r'\[3\] module "/modules/b" .*\n +command line: "x=1"', result.stdout)
    assert "CHECK preloaded_images: ok" in result.stdout


def test_a_module_name_is_cut_between_characters(tmp_path):
    """The 63 bytes of the name field end inside a three-byte character
    (bytes 61 to 63): the name the kernel gets ends before it, not with
    half of it."""
    long = "/modules/" + "m" * 52 + "\u4e2d" * 4
    disk = tar_disk(tmp_path, {"boot/loader.cfg": 'timeout = 0\nentry "K" {\n'
        f'\tkernel = /boot/kernel\n\tmodule = {long}\n}}\n', long[1:]: "first"})
    result = run("boot.img", disk)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f'module "{long[:61]}" 0xffffffffc0' in result.stdout, result.stdout


def test_a_long_path_in_a_message_keeps_whole_characters_at_both_ends(tmp_path):
    """The message keeps 48 bytes of each end of a path longer than 96: here
    both cuts fall inside three-byte characters, which stay whole."""
    wide = "\u4e2d"
    missing = "/modules/a" + wide * 40 + "x"
    disk = tar_disk(tmp_path, {"boot/loader.cfg": 'timeout = 0\nentry "K" {\n'
        f'\tkernel = /boot/kernel\n\tmodule = {missing}\n}}\n'})
    result = run("boot.img", disk)
    assert (f"boot: cannot load a module: /modules/a{wide * 12}...{wide * 15}x: "
        "not found on any volume") in result.stdout, result.stdout


def test_host_loader_module_flipped_on_disk_is_caught(flipped_module_image):
    # The loader and the kernel's checks cannot know: the bytes are
    # consistent all the way. Only the comparison with the file can tell.
    image, module = flipped_module_image
    result = run("--module", "/boot/modules/test.bin", image)
    assert result.returncode == 0, result.stdout + result.stderr
    problems = contents_problems(result.stdout, KERNEL, {"/boot/modules/test.bin": module})
    assert len(problems) == 1 and problems[0].startswith("module /boot/modules/test.bin:"), \
        problems


def test_host_loader_names_a_missing_module():
    result = run("--module", "/boot/modules/missing.bin", "boot.img")
    assert result.returncode == 2, result.stdout + result.stderr
    assert ("boot: cannot load a module: /boot/modules/missing.bin: not found on any volume"
        in result.stdout), result.stdout
    assert "BOOTCHECK" not in result.stdout


def test_host_loader_refuses_more_modules_than_kernel_args_holds(module_image):
    image, _ = module_image
    # The kernel's symbols take two of the 16 preloaded images.
    modules = ["--module", "/boot/modules/empty"] * 15
    result = run(*modules, image)
    assert result.returncode == 2, result.stdout + result.stderr
    assert ("cannot load a module: /boot/modules/empty: too many preloaded images"
        " (at most 16)" in result.stdout), result.stdout
    assert "BOOTCHECK" not in result.stdout


def test_verbosity_verbose_shows_the_debug_channel_and_serial_off_silences_it():
    result = run("verbose.img")
    assert result.returncode == 0, result.stdout + result.stderr
    # After the configuration is read, debug lines reach the console...
    assert "boot: read /boot/kernel" in result.stdout
    assert "boot: kernel /boot/kernel loaded" in result.stdout
    # ...and no longer the debug channel, which "serial = off" closed.
    assert "boot: read /boot/kernel" not in result.stderr
    assert "vfs: vol0" in result.stderr, "output before the file keeps its defaults"


def test_verbosity_quiet_hides_progress_but_keeps_it_in_the_log():
    result = run("quiet.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'Booting "Quiet"' not in result.stdout
    assert 'Booting "Quiet"' in result.stderr
    assert "BOOTCHECK PASS" in result.stdout
