# SPDX-License-Identifier: MIT
"""The framebuffer console and the splash in QEMU, on x86_64 (OVMF's GOP on
the q35 machine's display) and once on arm64 (AAVMF's GOP on ramfb): screenshots over QMP
compared with the built-in font glyph by glyph and with the splash picture
pixel by pixel, never with a stored screenshot. docs/console.md describes
what is drawn; tests/unit/test_framebuffer.c and test_splash.c test the
drawing and the image format on their own."""

import os
import re
import tempfile
import time

import pytest

import ports
from framebuffer_screen import (BLACK, LIGHT_GRAY, LIGHT_RED, WHITE, Font, bar_filled,
    console_geometry, pixel, row_mismatches, splash_mismatches, splash_place)
from qemu import LOGS, PASS
from screen import Qmp, read_ppm, write_png
from serial_console import DOWN, ENTER, SerialConsole

def screenshot(console, name, qmp=None):
    """Width, height and RGB bytes of the screen now; kept as a PNG in the
    logs. qmp: the QMP connection the test holds (QEMU takes one at a time)."""
    with tempfile.TemporaryDirectory() as directory:
        ppm_path = os.path.join(directory, "screen.ppm")
        if qmp:
            qmp.execute("screendump", filename=ppm_path)
        else:
            console.screendump(ppm_path)
        width, height, pixels = read_ppm(ppm_path)
    os.makedirs(LOGS, exist_ok=True)
    write_png(os.path.join(LOGS, f"{name}.png"), width, height, pixels)
    return width, height, pixels


@pytest.fixture
def no_exit_device(monkeypatch):
    """The kernel halts after its verdict instead of ending QEMU: the screen
    it leaves can still be looked at."""
    monkeypatch.setenv("QEMU_NO_EXIT_DEVICE", "1")


def test_titles_in_three_scripts_at_the_nearest_resolution():
    with SerialConsole("console-scripts.img", "test_console_qemu-scripts", qmp=True) as console:
        console.expect(r"^boot: no video mode is 1023x767: using 1024x768, the nearest$")
        console.expect(r"^Boot menu$")
        console.expect(r"^  4\. Missing kernel$")
        console.wait_until_quiet(0.5)
        width, height, pixels = screenshot(console, "console-scripts")
        geometry = console_geometry(console.text())
    assert (width, height) == (geometry.width, geometry.height) == (1024, 768)
    font = Font()
    # Greek and Cyrillic in their own glyphs; what the font lacks (CJK) as
    # U+FFFD, the rest of that title still in its own.
    assert font.glyph("日") == font.glyph("\ufffd") != font.glyph("Ω")
    rows = {2: ("> 1. Ελληνικά Ω", BLACK, LIGHT_GRAY), 3: ("  2. Русский Ж", LIGHT_GRAY, BLACK),
        4: ("  3. 日本語 ok", LIGHT_GRAY, BLACK), 0: ("Boot menu", WHITE, BLACK)}
    for row, (text, foreground, background) in rows.items():
        assert not row_mismatches(pixels, width, geometry, font, row, text, foreground,
            background), (row, text)


def test_the_splash_and_the_progress_bar_while_files_load(no_exit_device):
    line = re.compile(rb'Loading "Splash": +(\d+) % \((\d+) of (\d+) KiB\)')
    with SerialConsole("splash.img", "test_console_qemu-splash", qmp=True) as console:
        # QEMU stops at the first progress line: the bar then shows what the
        # serial line says last, give or take the one update between them.
        deadline = time.monotonic() + 60
        while not line.search(console.raw_output):
            assert time.monotonic() < deadline and console.process.poll() is None
            time.sleep(0.005)
        qmp = Qmp(console.qmp_path)
        try:
            qmp.execute("stop")
            width, height, early = screenshot(console, "splash-loading", qmp)
            time.sleep(0.3)
            percent = int(line.findall(console.raw_output)[-1][0])
            qmp.execute("cont")
        finally:
            qmp.close()
        console.expect(r"^BOOTCHECK PASS$", timeout=90)
        console.wait_until_quiet(0.5)
        width, height, late = screenshot(console, "splash-loaded")
        text = console.text()
        raw = console.raw_output
    place = splash_place(text)
    assert not splash_mismatches(early, width, place, "built-in")
    assert not splash_mismatches(late, width, place, "built-in")
    filled = bar_filled(early, width, place)
    assert percent * place.bar_width // 100 <= filled <= (percent + 2) * place.bar_width // 100
    assert b'Loading "Splash":   0 % (0 of ' in raw
    # Full once everything was read; the serial line rewritten in place
    # (carriage returns, no line ends) while the module loads, and at 100 %
    # in the end.
    assert bar_filled(late, width, place) == place.bar_width
    module = raw[raw.rindex(b"boot: read /boot/kernel"):]
    progress = module[module.index(b"\rLoading"):module.index(b"boot: module /boot/large.bin")]
    assert b"\n" not in progress.rstrip() and progress.count(b"\r") > 10, progress[:200]
    assert re.search(rb'\rLoading "Splash": 100 % \((\d+) of \1 KiB\)\r?\n', raw)


def test_a_quiet_boot_shows_only_the_entrys_splash(no_exit_device):
    with SerialConsole("splash-quiet.img", "test_console_qemu-quiet", qmp=True) as console:
        console.expect(r"^BOOTCHECK PASS$", timeout=90)
        console.wait_until_quiet(0.5)
        width, height, pixels = screenshot(console, "splash-quiet")
        text = console.text()
    place = splash_place(text)
    assert not splash_mismatches(pixels, width, place, "checkers")
    # Nothing else: no text, no bar.
    for y in range(0, height):
        for x in range(0, width, 3):
            inside = place.x <= x < place.x + place.width and place.y <= y < place.y + place.height
            if not inside:
                assert pixel(pixels, width, x, y) == BLACK, (x, y)
    assert "Loading" not in text


def test_bad_splash_files_cost_only_the_splash():
    with SerialConsole("splash-bad.img", "test_console_qemu-bad", qmp=True) as console:
        console.expect(r"^> 1\. Not an image$")
        console.wait_until_quiet(0.3)
        cases = [
            ("1", "/boot/text.bspl: not a splash image \\(build/scripts/make-splash makes one\\)"),
            ("2", "/boot/truncated.bspl: its pixels are damaged or cut short"),
        ]
        for key, reason in cases:
            console.send_keys(key, ENTER)
            console.expect(rf"^boot: splash {reason}; booting without it$")
            console.expect(r"^boot: cannot load a module: /boot/missing\.bin: not found on any "
                r"volume$")
            console.expect(r"^Error: cannot load a module: /boot/missing\.bin: not found on any "
                r"volume$")
            console.wait_until_quiet(0.5)
        # The menu after a failure says why, readably, in the built-in font.
        width, height, pixels = screenshot(console, "splash-bad-menu")
        geometry = console_geometry(console.text())
        error = "Error: cannot load a module: /boot/missing.bin: not found on any volume"
        font = Font()
        matching = [row for row in range(geometry.rows) if not row_mismatches(pixels, width,
            geometry, font, row, error, LIGHT_RED, BLACK)]
        assert len(matching) == 1, matching
        console.send_keys("3", ENTER)
        console.expect(r"^boot: splash /boot/large\.bspl: larger than the screen; booting "
            r"without it$")
        console.expect(r"^BOOTCHECK PASS$", timeout=60)
        assert console.wait() == PASS


def test_the_menu_on_arm64s_framebuffer():
    """AAVMF's GOP on QEMU's ramfb has a framebuffer (virtio-gpu's is Blt
    only): the same generic console draws the same menu there."""
    with SerialConsole(ports.ARM64.image("menu.img"), "test_console_qemu-arm64", qmp=True,
            port=ports.ARM64, extra=["-device", "ramfb"]) as console:
        console.expect(r"^Boot menu$", timeout=60)
        console.expect(r'^Booting "Haiku" in 5 s \(any key stops the countdown\)$')
        console.send_keys(DOWN)
        console.expect(r"^> 2\. Haiku with a module$")
        console.wait_until_quiet(0.5)
        width, height, pixels = screenshot(console, "console-arm64")
        geometry = console_geometry(console.text())
    assert (width, height) == (geometry.width, geometry.height)
    font = Font()
    rows = {0: ("Boot menu", WHITE, BLACK), 2: ("  1. Haiku", LIGHT_GRAY, BLACK),
        3: ("> 2. Haiku with a module", BLACK, LIGHT_GRAY)}
    for row, (text, foreground, background) in rows.items():
        assert not row_mismatches(pixels, width, geometry, font, row, text, foreground,
            background), (row, text)
