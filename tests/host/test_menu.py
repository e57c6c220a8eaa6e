# SPDX-License-Identifier: MIT
"""The boot menu on the hosted port: keys on stdin, the menu as plain text on
stdout (one line per screen line, see headers/boot/menu.h for the strings),
and the boot checks' report at the end."""

import gzip
import io
import os
import re
import struct
import subprocess
import tarfile
import threading
import time
import zlib

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOADER = os.path.join(TOP, "generated", "host", "boot_loader_host")
IMAGES = os.path.join(TOP, "generated", "images")

# What a terminal sends for the keys.
UP, DOWN, RIGHT, LEFT = "\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D"
HOME, END, PAGE_UP, PAGE_DOWN, DELETE = "\x1b[H", "\x1b[F", "\x1b[5~", "\x1b[6~", "\x1b[3~"
ESC, ENTER, BACKSPACE = "\x1b", "\r", "\x7f"

# boot_loader_host's exit statuses (src/system/boot/platform/host/main.c).
PASSED, BOOT_FAILED, REBOOT, POWER_OFF, FIRMWARE_SETUP = 0, 2, 3, 4, 5


def loader_command(arguments):
    """boot_loader_host with its arguments; an image named without a folder is
    one of generated/images."""
    return [LOADER, *(a if a.startswith("-") or os.path.isabs(a) or not a.endswith(".img")
        else os.path.join(IMAGES, a) for a in arguments)]


class Loader:
    """boot_loader_host on pipes: send() types keys, expect() waits for the
    menu to show a pattern in what it printed since the last expect()."""

    def __init__(self, *arguments, keys=""):
        self.process = subprocess.Popen(loader_command(arguments), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.output = b""
        self.errors = b""
        self.position = 0
        self.lock = threading.Lock()
        self.readers = [threading.Thread(target=self.read, args=(stream, name), daemon=True)
            for stream, name in ((self.process.stdout, "output"),
                (self.process.stderr, "errors"))]
        for reader in self.readers:
            reader.start()
        if keys:
            self.send(keys)

    def read(self, stream, name):
        for chunk in iter(lambda: stream.read1(4096), b""):
            with self.lock:
                setattr(self, name, getattr(self, name) + chunk)

    @property
    def text(self):
        with self.lock:
            return self.output.decode("utf-8", "replace")

    def send(self, keys):
        self.send_bytes(keys.encode())

    def send_bytes(self, data):
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def expect(self, pattern, timeout=20):
        regex = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.text, self.position)
            if match:
                self.position = match.end()
                return match
            if time.monotonic() > deadline or (self.process.poll() is not None
                    and not regex.search(self.text, self.position)
                    and all(not reader.is_alive() for reader in self.readers)):
                raise AssertionError(f"{pattern!r} not found after position "
                    f"{self.position} in:\n{self.text[self.position:][-4000:]}")
            time.sleep(0.02)

    def finish(self, timeout=30):
        """Close the keyboard, wait for the end; the exit status."""
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        status = self.process.wait(timeout=timeout)
        for reader in self.readers:
            reader.join(timeout=10)
        return status

    def log(self):
        with self.lock:
            return self.errors.decode("utf-8", "replace")


@pytest.fixture
def loaders():
    started = []

    def start(*arguments, keys=""):
        loader = Loader(*arguments, keys=keys)
        started.append(loader)
        return loader
    yield start
    for loader in started:
        if loader.process.poll() is None:
            loader.process.kill()
            loader.process.wait()


def report_section(text, title):
    """The lines of one range array in the boot checks' report."""
    match = re.search(rf"^{title}: \d+.*\n(?:  \[.*\n)*", text, re.M)
    assert match, text
    return match.group(0)


def tar_disk(tmp_path, files, name="disk.tar"):
    """A disk that is a bare tar archive of files (name: text or bytes): a
    volume of its own, searched after the boot volume."""
    path = tmp_path / name
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as archive:
        for member, text in files.items():
            data = text if isinstance(text, bytes) else text.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return str(path)


def test_menu_lists_the_entries_and_counts_down(loaders):
    loader = loaders("menu.img")
    loader.expect(r"^Boot menu$")
    loader.expect(r"^> 1\. Haiku$")
    loader.expect(r"^  2\. Haiku with a module$")
    loader.expect(r"^  6\. Safe mode$")
    loader.expect(r'^Kernel: /boot/kernel$')
    loader.expect(r'^Command line: "first entry"$')
    loader.expect(r"^Options: none$")
    loader.expect(r"^Boot volume: vol0 disk0p1 \(ESP\)$")
    loader.expect(r'^Booting "Haiku" in 5 s \(any key stops the countdown\)$')
    loader.expect(r"^Enter boot  Up/Down/1-9 select  e edit command line  o options  v volume$")
    loader.expect(r"^m video mode  d default  r reboot  p power off  f firmware setup$")
    # A second later the countdown line alone is drawn again.
    loader.expect(r'^Booting "Haiku" in 4 s')
    assert "Boot menu" not in loader.text[loader.position:]
    loader.send(DOWN)
    loader.expect(r"^  1\. Haiku$")
    loader.expect(r"^> 2\. Haiku with a module$")
    loader.expect(r'^Command line: "second=2"$')
    time.sleep(1.5)
    # Stopped: no more countdown lines.
    assert "Booting" not in loader.text[loader.position:]
    assert loader.finish() == BOOT_FAILED
    # On a line of its own: the menu's screen is cleared first.
    assert re.search(r"^boot: the console input closed before an entry was chosen$",
        loader.text, re.M), loader.text[-500:]


def test_typed_bytes_that_are_not_utf8_become_replacement_characters(loaders):
    loader = loaders("menu.img")
    loader.expect(r'^Booting "Haiku" in 5 s')
    loader.send(DOWN)
    loader.expect(r"^> 2\. Haiku with a module$")
    loader.send("e")
    loader.expect(r"^Command line> second=2$")
    # An overlong "/" is two bad bytes, not a "/"; a lead byte cut short by
    # "z" is one, and the "z" still arrives; a surrogate is three bad bytes.
    loader.send_bytes(END.encode() + b"\xc0\xaf" + b"\xc3z" + b"\xed\xa0\x80")
    loader.expect("^Command line> second=2\ufffd\ufffd\ufffdz\ufffd\ufffd\ufffd$")
    loader.send(ESC)
    loader.expect(r"^Enter boot  Up/Down")


def test_edited_command_line_of_the_second_entry_reaches_the_kernel(loaders):
    loader = loaders("menu.img")
    loader.expect(r'^Booting "Haiku" in 5 s')
    loader.send(DOWN)
    loader.expect(r"^> 2\. Haiku with a module$")
    loader.send("e")
    loader.expect(r"^Editing: Enter accept  Esc cancel  Left/Right/Home/End move$")
    loader.expect(r"^Command line> second=2$")
    # "second=2" -> "x2" -> "x" -> "yx", then " debug=Grüße" at the end.
    loader.send(HOME + DELETE * 7 + "x" + END + BACKSPACE + LEFT + "y" + END
        + " debug=Grüße")
    loader.expect(r"^Command line> yx debug=Grüße$")
    loader.send(ENTER)
    loader.expect(r'^Command line: "yx debug=Grüße"$')
    loader.expect(r"^Enter boot  Up/Down")
    loader.send(ENTER)
    loader.expect(r'^Booting "Haiku with a module"$')
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert 'command line: "yx debug=Grüße"' in loader.text
    # The entry's module, with its own command line.
    assert re.search(r'\[2\] module "/EFI/BOOT/BOOTX64.EFI" 0xffffffffc0\w+ size \d+ crc32 '
        r'\w+\n      command line: "module=1"', loader.text), loader.text
    assert "BOOTCHECK PASS" in loader.text


def test_escape_cancels_an_edit(loaders):
    loader = loaders("menu.img")
    loader.expect(r'^Booting "Haiku" in 5 s')
    loader.send("e")
    loader.expect(r"^Command line> first entry$")
    loader.send(BACKSPACE * 5 + "zzz")
    loader.expect(r"^Command line> first zzz$")
    loader.send(ESC)
    loader.expect(r'^Command line: "first entry"$')
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert 'command line: "first entry"' in loader.text


def test_editor_no_keeps_the_command_lines_as_configured(loaders, tmp_path):
    config = tar_disk(tmp_path, {"boot/loader.cfg": 'editor = no\ntimeout = forever\n'
        'entry "Haiku" {\n\tkernel = /boot/kernel\n\tcmdline = "as configured"\n}\n'})
    loader = loaders("boot.img", config)
    # The help leaves out the key it would refuse.
    loader.expect(r"^Enter boot  Up/Down/1-9 select  o options  v volume$")
    loader.send("e")
    loader.expect(r"^Error: editing is off \(editor = no\)$")
    loader.send("x" + ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert "Command line>" not in loader.text
    assert 'command line: "as configured"' in loader.text


def test_safe_mode_options_reach_the_kernel(loaders):
    loader = loaders("menu.img")
    loader.expect(r'^Booting "Haiku" in 5 s')
    loader.send("o")
    loader.expect(r'^Options for "Haiku"$')
    loader.expect(r"^> \[ \] Disable SMP$")
    loader.expect(r"^  \[ \] Ignore memory above 4 GiB$")
    loader.expect(r"^  Show the memory map$")
    loader.expect(r"^Up/Down select  Enter choose  Esc back$")
    loader.send(ENTER)
    loader.expect(r"^> \[x\] Disable SMP$")
    loader.send(DOWN * 3 + " ")
    loader.expect(r"^> \[x\] Ignore memory above 4 GiB$")
    loader.send(ESC)
    loader.expect(r"^Boot menu$")
    loader.expect(r"^Options: Disable SMP, Ignore memory above 4 GiB$")
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert "boot options: 0x9 (disable_smp, ignore_above_4g)" in loader.text
    assert "CHECK boot_options: ok" in loader.text


def test_configured_options_are_shown_and_handed_over(loaders):
    loader = loaders("menu.img")
    loader.expect(r'^Booting "Haiku" in 5 s')
    loader.send("6")
    loader.expect(r"^> 6\. Safe mode$")
    loader.expect(r"^Options: Disable SMP, Disable ACPI, Fail-safe video, "
        r"Ignore memory above 4 GiB$")
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert ("boot options: 0xf (disable_smp, disable_acpi, failsafe_video, ignore_above_4g)"
        in loader.text)


FAILING_ENTRIES = [
    ("3", "Missing kernel", "cannot load the kernel: /boot/missing: not found on any volume"),
    ("4", "Not a kernel", "kernel /EFI/BOOT/BOOTX64.EFI is not bootable: bad ELF magic"),
    ("5", "Missing module",
        "cannot load a module: /boot/modules/missing.bin: not found on any volume"),
]


@pytest.mark.parametrize("number, title, message", FAILING_ENTRIES,
    ids=[entry[1] for entry in FAILING_ENTRIES])
def test_a_failed_entry_returns_to_the_menu_still_selected(loaders, number, title, message):
    loader = loaders("menu.img")
    loader.expect(r'^Booting "Haiku" in 5 s')
    loader.send(number + ENTER)
    loader.expect(rf'^Booting "{title}"$')
    loader.expect(rf"^boot: {re.escape(message)}$")
    loader.expect(r"^Boot menu$")
    loader.expect(rf"^> {number}\. {title}$")
    loader.expect(rf"^Error: {re.escape(message)}$")
    # No countdown after a failure: the same choice would fail the same way.
    time.sleep(1.2)
    assert "Booting" not in loader.text[loader.position:]
    loader.send("1" + ENTER)
    loader.expect(r'^Booting "Haiku"$')
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert "BOOTCHECK PASS" in loader.text
    assert 'command line: "first entry"' in loader.text


def test_failed_attempts_leave_nothing_behind(loaders):
    """Booting entry 2 after three failures hands over exactly what booting it
    at once does: every region and page of the failed attempts came back."""
    direct = loaders("menu.img")
    direct.expect(r'^Booting "Haiku" in 5 s')
    direct.send("2" + ENTER)
    assert direct.finish() == PASSED, direct.text + direct.log()

    retried = loaders("menu.img")
    retried.expect(r'^Booting "Haiku" in 5 s')
    for number, _, message in FAILING_ENTRIES:
        retried.send(number + ENTER)
        retried.expect(rf"^Error: {re.escape(message)}$")
    retried.send("2" + ENTER)
    assert retried.finish() == PASSED, retried.text + retried.log()

    for section in ("physical allocated ranges", "virtual allocated ranges", "memory map"):
        assert report_section(retried.text, section) == report_section(direct.text, section)
    # The timeline keeps what came before the attempts, not the attempts.
    steps = re.findall(r"^ +\d+\.\d{3} ms  \+ *\d+\.\d{3} ms  (.*)$", retried.text, re.M)
    config = os.path.getsize(os.path.join(TOP, "tests", "boot", "configs", "menu.cfg"))
    kernel = os.path.getsize(os.path.join(TOP, "generated", "kernel", "kernel_x86_64"))
    module = os.path.getsize(os.path.join(TOP, "generated", "efi", "BOOTX64.efi"))
    assert steps == ["loader entry", "console ready", "heap ready", "volumes ready",
        f"configuration read ({config} bytes)"] + ["menu choice made"] * 4 + [
        f"kernel loaded ({kernel} bytes)", f"module /EFI/BOOT/BOOTX64.EFI ({module} bytes)",
        "page tables built", "kernel entry"], steps
    assert "CHECK timeline: ok" in retried.text


def test_the_timeout_boots_the_default_entry(loaders):
    loader = loaders("menu-timeout.img")
    loader.expect(r"^> 2\. Second$")
    loader.expect(r'^Booting "Second" in 1 s')
    # Nobody types; the keyboard stays open.
    loader.expect(r'^Booting "Second"$', timeout=10)
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert 'command line: "booted by the timeout"' in loader.text
    assert "boot options: 0x10 (serial_debug)" in loader.text


def test_the_timeout_runs_out_without_a_keyboard():
    result = subprocess.run([LOADER, os.path.join(IMAGES, "menu-timeout.img")],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert result.returncode == PASSED, result.stdout + result.stderr
    assert 'Booting "Second" in 1 s' in result.stdout
    assert 'command line: "booted by the timeout"' in result.stdout


@pytest.mark.parametrize("key", [ESC, " "], ids=["escape", "space"])
def test_a_key_at_start_up_opens_the_menu_despite_timeout_0(loaders, key):
    # boot.img has no configuration: one entry, timeout 0.
    loader = loaders("boot.img", keys=key)
    loader.expect(r"^Boot menu$")
    loader.expect(r"^> 1\. Default$")
    time.sleep(0.5)
    assert "Booting" not in loader.text
    loader.send(ENTER)
    loader.expect(r'^Booting "Default"$')
    assert loader.finish() == PASSED, loader.text + loader.log()


def test_a_configuration_without_entries_boots_at_once_and_says_why(loaders, tmp_path):
    empty = tar_disk(tmp_path, {"boot/loader.cfg": "# entries come later\n"})
    direct = loaders("boot.img", empty)
    assert direct.finish() == PASSED, direct.text + direct.log()
    assert "Boot menu" not in direct.text

    # Asked for, the menu says where the one entry comes from.
    loader = loaders("boot.img", empty, keys=" ")
    loader.expect(r"^Boot menu$")
    loader.expect(r'loader.cfg has no entries: "Default" boots /boot/kernel')
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()


def test_other_keys_at_start_up_do_not_open_the_menu(loaders):
    loader = loaders("boot.img", keys="x")
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert "Boot menu" not in loader.text


def test_configuration_errors_are_shown_in_the_menu(loaders):
    loader = loaders("menu-errors.img")
    loader.expect(r"^> 1\. Good$")
    loader.expect(r'^Booting "Good" in 2 s')
    name = r"\(disk0p1\)/boot/loader\.cfg"
    loader.expect(rf'^{name}:2: unknown key "tiemout" \(did you mean "timeout"\?\)$')
    loader.expect(rf"^{name}:4: verbosity must be quiet, normal, verbose or debug$")
    loader.expect(rf'^{name}:9: unknown option "warp_speed"$')
    loader.expect(rf'^{name}:12: entry "No kernel" has no kernel, linux or efi$')
    # What could be parsed still boots when the countdown runs out.
    loader.expect(r'^Booting "Good"$', timeout=10)
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert 'command line: "despite the errors"' in loader.text


def test_configuration_problems_show_the_menu_despite_timeout_0(loaders, tmp_path):
    # A bad line is shown, not scrolled past: the menu counts down instead.
    disk = tar_disk(tmp_path, {"boot/loader.cfg": 'timeout = 0\nwallpaper = on\n'
        'entry "Despite it" {\n\tkernel = /boot/kernel\n}\n'})
    loader = loaders("boot.img", disk)
    loader.expect(r"^> 1\. Despite it$")
    loader.expect(r'^Booting "Despite it" in 10 s \(any key stops the countdown\)$')
    loader.expect(r'^\(disk1\)/boot/loader\.cfg:2: unknown key "wallpaper"$')
    loader.send(ENTER)
    loader.expect(r'^Booting "Despite it"$')
    assert loader.finish() == PASSED, loader.text + loader.log()


def test_configuration_on_another_volume_and_closed_input(loaders, tmp_path):
    # timeout forever: the menu waits; without a keyboard nothing is booted.
    disk = tar_disk(tmp_path, {"boot/loader.cfg": 'timeout = forever\n'
        'entry "From the tar disk" {\n\tkernel = /boot/kernel\n}\n'})
    loader = loaders("boot.img", disk)
    loader.expect(r"^> 1\. From the tar disk$")
    time.sleep(0.5)
    assert "Booting" not in loader.text
    assert loader.finish() == BOOT_FAILED
    assert "the console input closed before an entry was chosen" in loader.text
    assert "BOOTCHECK" not in loader.text
    assert "boot: configuration (disk1)/boot/loader.cfg: 1 entries, 0 problems" in loader.log()


def test_choosing_the_boot_volume_changes_where_paths_are_searched(loaders, tmp_path):
    # A tar disk whose /boot/kernel is not a kernel, and the configuration.
    disk = tar_disk(tmp_path, {"boot/kernel": "not a kernel\n" * 10,
        "boot/loader.cfg": 'timeout = forever\nentry "K" {\n\tkernel = /boot/kernel\n}\n'})
    loader = loaders("boot.img", disk)
    loader.expect(r"^Boot volume: vol0 disk0p1 \(ESP\)$")
    loader.send("v")
    loader.expect(r"^Boot volume$")
    loader.expect(r'^> vol0: disk0p1, fat FAT32, label "ESP" \(boot volume\)$')
    loader.expect(r'^  vol1: disk1, tar ustar, label ""$')
    loader.send(DOWN + ENTER)
    loader.expect(r"^Boot volume: vol1 disk1$")
    loader.send(ENTER)
    loader.expect(r"^Error: kernel /boot/kernel is not bootable: bad ELF magic$")
    loader.send("v")
    # The list starts at the boot volume.
    loader.expect(r'^  vol0: disk0p1, fat FAT32, label "ESP"$')
    loader.expect(r'^> vol1: disk1, tar ustar, label "" \(boot volume\)$')
    loader.send(UP + ENTER)
    loader.expect(r"^Boot volume: vol0 disk0p1 \(ESP\)$")
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()


def test_video_modes_are_not_offered_by_the_hosted_port(loaders):
    loader = loaders("menu.img")
    loader.expect(r'^Booting "Haiku" in 5 s')
    loader.send("m")
    loader.expect(r"^Error: the firmware offers no graphics modes$")
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()


def test_the_loader_log_and_the_memory_map_are_shown(loaders, tmp_path):
    # A firmware map of 40 ranges: more than a 25-line screen shows at once.
    path = tmp_path / "memory-map.txt"
    path.write_text("0x1000 0x9e000 usable\n0x100000 0xff00000 usable\n" + "".join(
        f"{0x10000000 + i * 0x2000:#x} 0x1000 reserved\n" for i in range(38)))
    loader = loaders("--memory-map", str(path), "menu.img")
    loader.expect(r'^Booting "Haiku" in 5 s')
    loader.send("o" + END + UP + ENTER)
    loader.expect(r"^Loader log$")
    loader.expect(r"^boot: generic loader started$")
    loader.expect(r"^boot: configuration \(disk0p1\)/boot/loader\.cfg: 6 entries, 0 problems$")
    loader.expect(r"^Lines 1-\d+ of \d+  Up/Down/PageUp/PageDown/Home/End  Esc back$")
    loader.send(ESC)
    loader.expect(r"^> Show the loader log$")
    loader.send(DOWN + ENTER)
    loader.expect(r"^Memory map$")
    loader.expect(r"^0x000000001000 - 0x00000009f000        632 KiB  usable$")
    loader.expect(r"^0x000010000000 - 0x000010001000          4 KiB  reserved$")
    loader.expect(r"^Lines 1-22 of 40  Up/Down/PageUp/PageDown/Home/End  Esc back$")
    loader.send(PAGE_DOWN)
    # The last page is a full one: lines 19 to 40.
    loader.expect(r"^0x000010048000 - 0x000010049000          4 KiB  reserved$")
    loader.expect(r"^Lines 19-40 of 40  ")
    loader.send(HOME)
    loader.expect(r"^Lines 1-22 of 40  ")
    loader.send(ESC + ESC)
    loader.expect(r"^Boot menu$")
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()


@pytest.mark.parametrize("key, status, message", [
    ("r", REBOOT, "host: reboot requested"),
    ("p", POWER_OFF, "host: power off requested"),
    ("f", FIRMWARE_SETUP, "host: reboot into the firmware setup requested"),
], ids=["reboot", "power-off", "firmware-setup"])
def test_machine_keys_end_the_loader(loaders, key, status, message):
    loader = loaders("menu.img")
    loader.expect(r'^Booting "Haiku" in 5 s')
    loader.send(key)
    assert loader.finish() == status, loader.text + loader.log()
    assert message in loader.text
    assert "BOOTCHECK" not in loader.text


def test_page_tables_of_a_failed_start_are_given_back(tmp_path):
    # A firmware map the kernel_args cannot hold fails after the page tables exist.
    lines = ["0x1000 0x9e000 usable", "0x100000 0xff00000 usable"]
    lines += [f"{0x1000000 + i * 0x2000:#x} 0x1000 reserved" for i in range(300)]
    path = tmp_path / "memory-map.txt"
    path.write_text("\n".join(lines) + "\n")
    result = subprocess.run([LOADER, "--memory-map", str(path),
        os.path.join(IMAGES, "boot.img")], stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=60)
    assert result.returncode == BOOT_FAILED, result.stdout + result.stderr
    released, allocated = map(int, re.search(
        r"host: page tables given back: (\d+) of (\d+) pages", result.stderr).groups())
    # At least the PML4, the PDPTs of both 4 GiB maps and a PDPT, PD and PT for regions.
    assert released == allocated and released >= 6, result.stderr
    assert "Error: cannot prepare the kernel's address space: too many entries" in result.stdout


def test_navigation_keys_move_the_selection(loaders):
    loader = loaders("menu.img")
    loader.expect(r'^Booting "Haiku" in 5 s')
    loader.send(END)
    loader.expect(r"^> 6\. Safe mode$")
    loader.send(HOME)
    loader.expect(r"^> 1\. Haiku$")
    loader.send(PAGE_DOWN)
    loader.expect(r"^> 6\. Safe mode$")
    loader.send(PAGE_UP + DOWN + DOWN + UP)
    loader.expect(r"^> 2\. Haiku with a module$")
    # Beyond the ends, and digits past the last entry, change nothing.
    loader.send("9" + UP + UP)
    loader.expect(r"^> 1\. Haiku$")
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert 'command line: "first entry"' in loader.text


def test_keys_with_modifiers_or_in_application_mode_type_nothing_unwanted(loaders):
    """A terminal's Ctrl+Up and F1 are read to their end and dropped (Ctrl+Up
    once typed its 5, which selected entry 5); the cursor keys and the keypad
    in application mode ("ESC O ...") are keys, not an Escape and letters."""
    loader = loaders("menu.img")
    loader.expect(r'^Booting "Haiku" in 5 s')
    loader.send("\x1b[1;5A" + "\x1bOP" + "\x1bOB")
    loader.expect(r"^> 2\. Haiku with a module$")
    loader.send("\x1bOs")
    loader.expect(r"^> 3\. ")
    loader.send("\x1bOA\x1bOA" + "e")
    loader.expect(r"^Command line> first entry$")
    loader.send(ESC + "\x1bOM")
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert 'command line: "first entry"' in loader.text


def test_a_linux_entry_hands_the_port_its_file_and_initrds_padded_in_order(loaders, tmp_path):
    # The generic half of chainloading at native speed: the hosted port logs
    # what it was handed (a process cannot start an EFI executable) and
    # declines; the menu says so. Initrds start on 4-byte boundaries.
    kernel, first, second = "MZ not really a kernel", "AAAAA", "BBB"
    disk = tar_disk(tmp_path, {
        "boot/loader.cfg": 'timeout = 0\nentry "Linux" {\n\tlinux = /linux/vmlinuz\n'
            '\tinitrd = /linux/a.cpio\n\tinitrd = /linux/b.cpio\n'
            '\tcmdline = "root=/dev/x  quiet"\n}\n',
        "linux/vmlinuz": kernel, "linux/a.cpio": first, "linux/b.cpio": second})
    loader = loaders("boot.img", disk)
    loader.expect(r"^Error: cannot start /linux/vmlinuz: the hosted port has no firmware "
        r"to start it$")
    initrd = (first + "\0\0\0" + second).encode()
    log = loader.log()
    assert (f"host: image /linux/vmlinuz: {len(kernel)} bytes, crc32 "
        f"{zlib.crc32(kernel.encode()):08x}, disk1/linux/vmlinuz at byte 0, load options "
        '"root=/dev/x  quiet"') in log, log
    assert f"host: initrd: {len(initrd)} bytes, crc32 {zlib.crc32(initrd):08x}" in log, log
    assert loader.finish() != PASSED


def flattened_device_tree(total=None, magic=0xd00dfeed, last_compatible=16):
    """A device tree of one empty root node, as dtc lays it out (version 17):
    header, empty reservation map, structure, no strings."""
    structure = struct.pack(">II4xII", 1, 0, 2, 9)  # BEGIN_NODE "", END_NODE, END
    reservations = bytes(16)
    start = 40
    size = start + len(reservations) + len(structure)
    return struct.pack(">10I", magic, size if total is None else total, start + 16,
        start, size, 17, last_compatible, 0, 0, len(structure)) + reservations + structure


def boot_with_device_tree(loaders, tmp_path, tree):
    """Boots a linux entry with an initrd and tree as its devicetree; the
    loader, stopped."""
    disk = tar_disk(tmp_path, {
        "boot/loader.cfg": 'timeout = 0\nentry "Linux" {\n\tlinux = /linux/vmlinuz\n'
            '\tinitrd = /linux/a.cpio\n\tdevicetree = /linux/board.dtb\n}\n',
        "linux/vmlinuz": "MZ not really a kernel", "linux/a.cpio": "AAAA",
        "linux/board.dtb": tree})
    return loaders("boot.img", disk)


@pytest.mark.parametrize("tree, padding", [
    (flattened_device_tree(), 100),
    (flattened_device_tree(), 0),
    (flattened_device_tree(last_compatible=17), 0),
], ids=["padded", "exact", "version-17"])
def test_a_linux_entry_hands_the_port_its_device_tree(loaders, tmp_path, tree, padding):
    # What follows the header's size (a file padded to a block) stays behind.
    loader = boot_with_device_tree(loaders, tmp_path, tree + bytes(padding))
    loader.expect(r"^Error: cannot start /linux/vmlinuz: the hosted port has no firmware ")
    log = loader.log()
    assert f"host: device tree: {len(tree)} bytes, crc32 {zlib.crc32(tree):08x}" in log, log
    assert loader.finish() != PASSED


def check_refused(loader, line, shown):
    """The loader logged line whole, showed its start (shown) as the menu's
    error, which wraps the rest at the menu's width, and started nothing."""
    loader.expect(r"^boot: " + re.escape(line) + "$")
    loader.expect(r"^Error: " + re.escape(shown))
    assert "host: image" not in loader.log()
    assert loader.finish() != PASSED


@pytest.mark.parametrize("tree, reason", [
    (flattened_device_tree(magic=0xedfe0dd0),
        ": not a flattened device tree (no magic 0xd00dfeed)"),
    (flattened_device_tree()[:39], ": not a flattened device tree (no magic 0xd00dfeed)"),
    (flattened_device_tree(total=85), ": the size in its header is too small or too large"),
    (flattened_device_tree(total=39), ": the size in its header is too small or too large"),
    (flattened_device_tree(last_compatible=18), ": its version is newer than 17"),
    # The structure block placed past the tree's end.
    (flattened_device_tree()[:8] + struct.pack(">I", 200) + flattened_device_tree()[12:],
        ": its blocks lie outside it"),
    (b"", " is empty"),
], ids=["magic", "short", "size-larger", "size-smaller", "version", "blocks", "empty"])
def test_a_bad_device_tree_is_refused_with_the_reason(loaders, tmp_path, tree, reason):
    loader = boot_with_device_tree(loaders, tmp_path, tree)
    subject = "cannot load the device tree: /linux/board.dtb"
    check_refused(loader, subject + reason, subject)


# A kernel to compress: long enough for back references, not all alike.
GZIP_KERNEL = b"MZ a kernel that is not one\n" + bytes(range(256)) * 64 + b"the end\n"


def gzip_member(data, flags=0, method=8, extra=b"", name=b"", comment=b"", header_crc=None):
    """A gzip member of data as RFC 1952 lays it out, with the optional
    header fields flags asks for (FHCRC 2, FEXTRA 4, FNAME 8, FCOMMENT 16)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = compressor.compress(data) + compressor.flush()
    header = bytes([0x1f, 0x8b, method, flags]) + b"\0\0\0\0\x02\x03"
    if flags & 4:
        header += struct.pack("<H", len(extra)) + extra
    if flags & 8:
        header += name + b"\0"
    if flags & 16:
        header += comment + b"\0"
    if flags & 2:
        crc = zlib.crc32(header) & 0xffff if header_crc is None else header_crc
        header += struct.pack("<H", crc)
    return header + body + struct.pack("<II", zlib.crc32(data), len(data))


def boot_gzip_kernel(loaders, tmp_path, member):
    """Boots a linux entry whose kernel is member; the loader, stopped."""
    disk = tar_disk(tmp_path, {
        "boot/loader.cfg": 'timeout = 0\nentry "Linux" {\n\tlinux = /linux/vmlinuz\n}\n',
        "linux/vmlinuz": member})
    return loaders("boot.img", disk)


@pytest.mark.parametrize("member", [
    gzip.compress(GZIP_KERNEL, mtime=0),
    gzip_member(GZIP_KERNEL, flags=8, name=b"vmlinuz-6.1"),
    gzip_member(GZIP_KERNEL, flags=2 | 4 | 8 | 16, extra=b"AB\x02\0xy", name=b"vmlinuz",
        comment=b"made here"),
], ids=["gzip-module", "file-name", "every-header-field"])
def test_a_gzip_compressed_linux_kernel_is_handed_over_decoded(loaders, tmp_path, member):
    # Ubuntu's arm64 vmlinuz is gzip-compressed, and an EFI stub cannot undo
    # that: the port is handed the kernel itself.
    loader = boot_gzip_kernel(loaders, tmp_path, member)
    loader.expect(r"^Error: cannot start /linux/vmlinuz: the hosted port has no firmware "
        r"to start it$")
    log = loader.log()
    assert (f"host: image /linux/vmlinuz: {len(GZIP_KERNEL)} bytes, crc32 "
        f"{zlib.crc32(GZIP_KERNEL):08x}") in log, log
    assert loader.finish() != PASSED


def damaged(member, offset, value):
    data = bytearray(member)
    data[offset] = value
    return bytes(data)


GOOD_MEMBER = gzip_member(GZIP_KERNEL)


@pytest.mark.parametrize("member, reason", [
    (damaged(GOOD_MEMBER, -8, GOOD_MEMBER[-8] ^ 1), "the data's CRC-32 does not match"),
    (GOOD_MEMBER[:-4] + struct.pack("<I", len(GZIP_KERNEL) + 1),
        "the data's size does not match the trailer"),
    (GOOD_MEMBER[:-4] + struct.pack("<I", len(GZIP_KERNEL) - 1),
        "the data decodes to more than its size"),
    (GOOD_MEMBER + GOOD_MEMBER, "the DEFLATE data is corrupt, cut short, or followed by "
        "another member"),
    (gzip_member(GZIP_KERNEL, method=7), "compressed with another method than DEFLATE"),
    (gzip_member(GZIP_KERNEL, flags=0x20), "reserved header flags set"),
    (gzip_member(GZIP_KERNEL, flags=2, header_crc=0x1234), "the header's CRC does not match"),
    (gzip_member(GZIP_KERNEL, flags=4, extra=b"x" * 40)[:40], "the header runs past the end"),
    (gzip_member(b""), "it decodes to nothing"),
], ids=["data-crc", "size-larger", "size-smaller", "two-members", "method", "reserved-flag",
    "header-crc", "header-cut", "empty"])
def test_a_damaged_gzip_kernel_is_refused_with_the_reason(loaders, tmp_path, member, reason):
    loader = boot_gzip_kernel(loaders, tmp_path, member)
    subject = "cannot load the Linux kernel: /linux/vmlinuz: gzip: "
    check_refused(loader, subject + reason, subject)
