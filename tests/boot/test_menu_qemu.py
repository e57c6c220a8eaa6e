# SPDX-License-Identifier: MIT
"""The boot menu in QEMU on every port (tests/boot/ports.py), driven over the
serial line as a terminal user would (tests/host/test_menu.py has the same
scenarios on the hosted port): keys in, the firmware's mirror of the console
out, the boot-check kernel's report at the end; and, on x86_64, a screenshot
of the menu on the loader's framebuffer console."""

import os
import re
import shutil
import struct
import subprocess
import tempfile
import time

import pytest

import efivars
import ports
from qemu import IMAGES, PASS, TOP
from framebuffer_screen import (BLACK, CYAN, LIGHT_GRAY, WHITE, Font, console_geometry, pixel,
    row_mismatches)
from screen import TextScreen, read_ppm, write_png
from serial_console import (BACKSPACE, DELETE, DOWN, END, ENTER, ESC, HOME, LEFT, LOGS, RIGHT,
    UP, XTERM_KEYS, SerialConsole)

HELP_KEYS = r"^Enter boot  Up/Down/1-9 select  e edit command line  o options  v volume$"
HELP_MACHINE = r"^m video mode  d default  r reboot  p power off  f firmware setup$"


every_port = pytest.mark.parametrize("port", ports.ALL, ids=ports.ids)


@pytest.fixture
def start(request):
    """Starts a SerialConsole named after the test on the port's image of
    the name given (the test's port parameter, else x86_64); ends it
    afterwards."""
    consoles = []
    params = getattr(request.node, "callspec", None)
    port = params.params.get("port", ports.X86_64) if params else ports.X86_64

    def start(image, **arguments):
        name = request.node.name.replace("[", "-").replace("]", "")
        console = SerialConsole(port.image(image), name, port=port, **arguments)
        consoles.append(console)
        return console
    yield start
    for console in consoles:
        console.close()


def menu_shown(console):
    """menu.img's main screen is drawn whole and the countdown runs."""
    console.expect(r"^Boot menu$")
    console.expect(r'^Booting "Haiku" in 5 s \(any key stops the countdown\)$')
    console.expect(HELP_KEYS)
    console.expect(HELP_MACHINE)


def text_screen(console):
    """The text screen as the serial mirror drew it so far."""
    mode = re.search(r"^efi: text mode \d+ of \d+: (\d+)x(\d+)$", console.text(), re.M)
    screen = TextScreen(int(mode[1]), int(mode[2]))
    screen.feed(console.raw_output.decode("utf-8", "replace"))
    return screen


def boots_to_pass(console, title):
    """The entry is started and the kernel's checks all pass; the transcript."""
    console.expect(rf'^Booting "{title}"$')
    console.expect(r"^BOOTCHECK PASS$", timeout=60)
    assert console.wait() == PASS
    text = console.text()
    assert "BOOTCHECK FAIL" not in text
    assert not console.port.exception_in(text), text[-3000:]
    return text


@every_port
def test_edited_command_line_of_the_second_entry_reaches_the_kernel(port, start):
    console = start("menu.img")
    menu_shown(console)
    console.send_keys(DOWN)
    console.expect(r"^  1\. Haiku$")
    console.expect(r"^> 2\. Haiku with a module$")
    console.expect(r'^Command line: "second=2"$')
    stopped = console.position
    console.send_keys("e")
    console.expect(r"^Editing: Enter accept  Esc cancel  Left/Right/Home/End move$")
    console.expect(r"^Command line> second=2$")
    console.send_keys(END, " extra=1")
    console.expect(r"^Command line> second=2 extra=1$")
    # The other editing keys: "second" -> "econd" -> "Second" -> "Scond" ->
    # "SEcond", and "extra=1" -> "extra=01".
    console.send_keys(HOME, DELETE, "S", RIGHT, BACKSPACE, "E", END, LEFT, "0")
    console.expect(r"^Command line> SEcond=2 extra=01$")
    console.send_keys(ENTER)
    console.expect(r'^Command line: "SEcond=2 extra=01"$')
    console.expect(HELP_KEYS)
    # The first key stopped the countdown for good.
    assert "Booting" not in console.text()[stopped:]
    console.send_keys(ENTER)
    text = boots_to_pass(console, "Haiku with a module")
    assert 'command line: "SEcond=2 extra=01"' in text
    # The entry's module keeps its own command line.
    assert 'command line: "module=1"' in text


@every_port
def test_an_xterms_editing_keys_edit_and_select_nothing(port, start):
    # Undecoded, "ESC [ 3 ~" would be Escape (leaving the editor), '3'
    # (entry 3) and '~'.
    console = start("menu.img")
    menu_shown(console)
    console.send_keys("e")
    console.expect(r"^Command line> first entry$")
    console.send_keys(XTERM_KEYS["HOME"], XTERM_KEYS["DELETE"], XTERM_KEYS["END"], "!",
        XTERM_KEYS["INSERT"], "?")
    console.expect(r"^Command line> irst entry!\?$")
    console.send_keys(ENTER)
    console.expect(r'^Command line: "irst entry!\?"$')
    console.send_keys(XTERM_KEYS["PAGE_DOWN"])
    console.expect(r"^> 6\. Safe mode$")
    console.send_keys(XTERM_KEYS["PAGE_UP"])
    console.expect(r"^> 1\. Haiku$")
    console.expect(r'^Command line: "irst entry!\?"$')
    console.wait_until_quiet()
    assert not re.search(r"^> 3\.", console.text(), re.M)


@every_port
def test_a_safe_mode_option_reaches_the_kernel(port, start):
    console = start("menu.img")
    menu_shown(console)
    console.send_keys("o")
    console.expect(r'^Options for "Haiku"$')
    console.expect(r"^> \[ \] Disable SMP$")
    console.expect(r"^  \[ \] Ignore memory above 4 GiB$")
    console.expect(r"^Up/Down select  Enter choose  Esc back$")
    console.send_keys(ENTER)
    console.expect(r"^> \[x\] Disable SMP$")
    console.send_keys(DOWN, DOWN, DOWN, " ")
    console.expect(r"^> \[x\] Ignore memory above 4 GiB$")
    console.send_keys(ESC)
    console.expect(r"^Boot menu$", timeout=10)
    console.expect(r"^> 1\. Haiku$")
    console.expect(r"^Options: Disable SMP, Ignore memory above 4 GiB$")
    console.expect(HELP_MACHINE)
    chosen = choose_a_video_mode(port, console)
    console.send_keys(ENTER)
    text = boots_to_pass(console, "Haiku")
    assert "boot options: 0x9 (disable_smp, ignore_above_4g)" in text
    assert "CHECK boot_options: ok" in text
    if chosen:
        assert re.search(rf"^efi: graphics mode {chosen[0]}: {chosen[1]}, ", text, re.M), text


def choose_a_video_mode(port, console):
    """m: a graphics mode other than the current one for the boot, marked as
    chosen when the list opens again; its number and size, None when there
    are no modes (the virt machine's AAVMF)."""
    console.send_keys("m")
    if port.name == "arm64":
        console.expect(r"^Error: the firmware offers no graphics modes$")
        return None
    console.expect(r"^Video mode$")
    console.expect(r"^> As configured$")
    modes = [console.expect(r"^  (\d+x\d+)( \(current\))?$") for _ in range(2)]
    number = 1 if modes[0][2] else 0
    size = modes[number][1]
    console.send_keys(*[DOWN] * (number + 1), ENTER)
    console.expect(rf"^Boot volume: vol0 .*, video {size}$")
    console.send_keys("m")
    console.expect(rf"^> {size} \(chosen\)$")
    console.send_keys(ESC)
    console.expect(HELP_MACHINE)
    return number, size


@every_port
def test_failed_entries_return_to_the_menu_and_another_boots(port, start):
    console = start("menu.img")
    menu_shown(console)
    failures = [
        ("3", "Missing kernel", "cannot load the kernel: /boot/missing: not found on any volume"),
        ("5", "Missing module",
            "cannot load a module: /boot/modules/missing.bin: not found on any volume"),
    ]
    for number, title, message in failures:
        console.send_keys(number)
        console.expect(rf"^> {number}\. {title}$")
        console.send_keys(ENTER)
        console.expect(rf'^Booting "{title}"$')
        console.expect(rf"^boot: {re.escape(message)}$")
        console.expect(r"^Boot menu$")
        # Still on the entry that failed, which says why.
        console.expect(rf"^> {number}\. {title}$")
        console.expect(rf"^Error: {re.escape(message)}$")
        console.expect(HELP_MACHINE)
        after_menu = console.position
        # Drawn afresh: nothing of the attempt's messages is left on the screen.
        lines = text_screen(console).lines()
        assert lines[0] == "Boot menu" and lines[1] == "", lines
        assert lines[1 + int(number)].startswith(f"> {number}. "), lines
        assert lines[15:] == [f"Error: {message}"] + [""] * (len(lines) - 18) + [
            lines[-2], lines[-1]], lines
        assert re.match(HELP_KEYS, lines[-2]) and re.match(HELP_MACHINE, lines[-1]), lines
    # No countdown after a failure: the same choice would fail the same way.
    time.sleep(1.5)
    assert "Booting" not in console.text()[after_menu:]
    assert "BOOTCHECK" not in console.text()
    console.send_keys(UP, UP, UP, UP)
    console.expect(r"^> 1\. Haiku$")
    console.expect(r'^Command line: "first entry"$')
    console.send_keys(ENTER)
    text = boots_to_pass(console, "Haiku")
    assert 'command line: "first entry"' in text


def test_what_a_started_application_wrote_is_read_afresh(start, tmp_path):
    # The loader keeps what it read of a volume (a FAT directory's entries,
    # the disk's blocks) while nothing writes to it; an application it
    # starts may have written when it returns (a shell, an updater). Here
    # the echo application (tests/boot/guest_echo.c) copies the boot-check
    # kernel over /boot/next through OVMF's FAT driver, after the loader
    # refused that file as no kernel: started again, the entry must find
    # the kernel.
    image = str(tmp_path / "boot.img")
    shutil.copyfile(os.path.join(IMAGES, "boot.img"), image)
    config = tmp_path / "loader.cfg"
    config.write_text('timeout = forever\n'
        'entry "Next" {\n\tkernel = /boot/next\n}\n'
        'entry "Copy" {\n\tefi = /EFI/tools/echo.efi\n'
        '\tcmdline = "copy /boot/kernel /boot/next"\n}\n')
    placeholder = tmp_path / "next"
    placeholder.write_text("not a kernel yet\n" * 20)
    drive, environment = f"{image}@@1M", dict(os.environ, MTOOLS_SKIP_CHECK="1")
    subprocess.run(["mmd", "-i", drive, "::/EFI/tools"], check=True, env=environment)
    for local, path in ((config, "/boot/loader.cfg"), (placeholder, "/boot/next"),
            (os.path.join(TOP, "generated", "efi", "guest_echo.efi"), "/EFI/tools/echo.efi")):
        subprocess.run(["mcopy", "-i", drive, str(local), f"::{path}"], check=True,
            env=environment)

    console = start(image, writable=True)
    console.expect(r"^> 1\. Next$")
    console.send_keys(ENTER)
    console.expect(r"^boot: kernel /boot/next is not bootable: bad ELF magic$")
    console.expect(HELP_MACHINE)
    console.send_keys("2")
    console.expect(r"^> 2\. Copy$")
    console.send_keys(ENTER)
    console.expect(r"^ECHO-APP copy: done$", timeout=60)
    console.expect(r"^boot: /EFI/tools/echo\.efi returned: EFI_ABORTED")
    console.expect(HELP_MACHINE)
    console.send_keys("1")
    console.expect(r"^> 1\. Next$")
    console.send_keys(ENTER)
    boots_to_pass(console, "Next")


@every_port
def test_the_countdown_runs_out_and_boots_the_default_entry(port, start):
    console = start("menu-timeout.img")
    console.expect(r"^  1\. First$")
    console.expect(r"^> 2\. Second$")
    console.expect(r'^Booting "Second" in 1 s \(any key stops the countdown\)$')
    console.expect(HELP_MACHINE)
    # Nobody types.
    text = boots_to_pass(console, "Second")
    assert 'command line: "booted by the timeout"' in text
    assert "boot options: 0x10 (serial_debug)" in text
    # console = text: the firmware's text output, no framebuffer console, no splash.
    assert "boot: console = text: the firmware's text console" in text
    assert "console: framebuffer" not in text and "splash:" not in text


@every_port
def test_configuration_errors_are_listed_and_what_parsed_boots(port, start):
    # tests/host/test_menu.py's scenario on the firmware's console.
    console = start("menu-errors.img")
    console.expect(r"^> 1\. Good$")
    console.expect(r'^Booting "Good" in 2 s')
    name = r"\(disk0p1\)/boot/loader\.cfg"
    console.expect(rf'^{name}:2: unknown key "tiemout" \(did you mean "timeout"\?\)$')
    console.expect(rf"^{name}:4: verbosity must be quiet, normal, verbose or debug$")
    console.expect(rf'^{name}:9: unknown option "warp_speed"$')
    console.expect(rf'^{name}:12: entry "No kernel" has no kernel, linux or efi$')
    # x86_64 UEFI is built without device trees of the loader's making.
    trees = [rf"^{name}:20: devicetree_overlay is not supported by this loader",
        rf"^{name}:25: devicetree is only valid in an entry with linux or efi"]
    if port == ports.X86_64:
        for tree in trees:
            console.expect(tree)
    text = boots_to_pass(console, "Good")
    assert port == ports.X86_64 or not any(re.search(t, text, re.M) for t in trees), text
    assert 'command line: "despite the errors"' in text


# x86_64 alone: AAVMF on QEMU's virt machine has no display to take a picture of.
def test_the_memory_map_and_the_firmware_setup_from_the_menu(request, start, tmp_path):
    # The firmware's map in words, then f: OsIndications asks for the setup
    # (OVMF's boot manager deletes the variable before the loader runs, so
    # that no other request is pending here; unit_efi_machine keeps those),
    # QEMU ends at the reset (run-qemu's -no-reboot), and on the next boot
    # OVMF starts its setup.
    store_path = tmp_path / "vars.fd"
    shutil.copyfile(ports.X86_64.firmwares[ports.X86_64.default_firmware].vars, store_path)
    console = start("menu.img", variables=store_path)
    menu_shown(console)
    console.send_keys("o", END, ENTER)
    console.expect(r"^Memory map$")
    # The PC's memory below 640 KiB, and on the last page the flash the
    # runtime services keep, ending at 4 GiB.
    console.expect(r"^0x0000000[0-9a-f]{5} - 0x0000000a0000 +\d+ KiB  conventional$")
    console.expect(r"^Lines 1-\d+ of \d+  Up/Down/PageUp/PageDown/Home/End  Esc back$")
    console.send_keys(END)
    console.expect(r"^0x0000ff[0-9a-f]{6} - 0x000100000000 +\d+ KiB  MMIO, runtime$")
    console.expect(r"^Lines \d+-(\d+) of \1  ")
    console.send_keys(ESC, ESC)
    console.expect(HELP_MACHINE)
    console.send_keys("f")
    console.wait()
    indications = efivars.Store.load(store_path).get(efivars.GLOBAL_GUID, "OsIndications")
    boot_to_firmware_ui = 0x1
    assert struct.unpack("<Q", indications.data) == (boot_to_firmware_ui,)
    assert indications.attributes == efivars.DEFAULT_ATTRIBUTES

    with SerialConsole(ports.X86_64.image("menu.img"), request.node.name + "-setup",
            variables=store_path) as setup:
        setup.expect(r'BdsDxe: starting Boot\d+ "UiApp"')
        setup.expect(r"Boot Maintenance Manager")
        assert "Boot menu" not in setup.text()


def test_screenshot_of_the_menu_matches_the_serial_mirror(start):
    png_path = os.path.join(LOGS, "menu-screenshot.png")
    if os.path.exists(png_path):
        os.unlink(png_path)
    console = start("menu.img", qmp=True)
    menu_shown(console)
    # A key stops the countdown: from then on the screen stays as it is.
    console.send_keys(DOWN)
    console.expect(r"^> 2\. Haiku with a module$")
    console.expect(r"^Boot volume: vol0 disk0p1 \(ESP\)$")
    console.wait_until_quiet(0.5)
    with tempfile.TemporaryDirectory() as directory:
        ppm_path = os.path.join(directory, "screen.ppm")
        console.screendump(ppm_path)
        width, height, pixels = read_ppm(ppm_path)
    os.makedirs(LOGS, exist_ok=True)
    write_png(png_path, width, height, pixels)

    # What the serial mirror says the screen shows.
    screen = text_screen(console)
    lines, columns, rows = screen.lines(), screen.columns, screen.rows
    assert lines[0] == "Boot menu", lines
    assert lines[2:8] == ["  1. Haiku", "> 2. Haiku with a module", "  3. Missing kernel",
        "  4. Not a kernel", "  5. Missing module", "  6. Safe mode"], lines
    assert lines[9:13] == ["Kernel: /boot/kernel", 'Command line: "second=2"',
        "Options: none", "Boot volume: vol0 disk0p1 (ESP)"], lines
    assert lines[14] == "", lines            # the countdown, stopped
    assert re.match(HELP_KEYS, lines[rows - 2]) and re.match(HELP_MACHINE, lines[rows - 1]), lines

    # The loader's own framebuffer console drew it, at the framebuffer's
    # resolution, on the serial terminal's grid, centred.
    geometry = console_geometry(console.text())
    assert (width, height) == (geometry.width, geometry.height)
    assert (geometry.columns, geometry.rows) == (columns, rows)
    assert geometry.left == (width - columns * 8 * geometry.scale) // 2
    # Each row's cells show the mirror's characters in the built-in font,
    # pixel for pixel, in the menu's colours; the selected entry reversed
    # across the menu's width (one column less than the grid).
    font = Font()
    styles = {0: (WHITE, BLACK), 2: (LIGHT_GRAY, BLACK), 3: (BLACK, LIGHT_GRAY),
        9: (LIGHT_GRAY, BLACK), 10: (LIGHT_GRAY, BLACK), rows - 2: (CYAN, BLACK),
        rows - 1: (CYAN, BLACK)}
    for row, (foreground, background) in styles.items():
        text = lines[row].ljust(columns - 1)
        assert not row_mismatches(pixels, width, geometry, font, row, text, foreground,
            background), (row, text)
    # Outside the grid, nothing.
    assert pixel(pixels, width, geometry.left - 1, geometry.top) == BLACK
    assert pixel(pixels, width, width - 1, height - 1) == BLACK
