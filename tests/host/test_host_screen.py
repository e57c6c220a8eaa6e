# SPDX-License-Identifier: MIT
"""The screen at native speed: the hosted port's simulated graphics output
(--video-modes) under the framebuffer console, the splash and the kernel's
test pattern, looked at in the screenshots it writes (--screenshots) glyph by
glyph and pixel by pixel, as test_console_qemu.py looks at OVMF's. The same
images as there; modes with lines longer than the width and with 16 and 24
bits per pixel, which QEMU's display does not offer."""

import glob
import os
import re
import subprocess

import pytest

from framebuffer_screen import (BLACK, CYAN, LIGHT_GRAY, LIGHT_RED, WHITE, Font, bar_filled,
    console_geometry, pixel, row_mismatches, splash_mismatches, splash_place)
from screen import read_ppm
from test_menu import BOOT_FAILED, DOWN, ENTER, PASSED, loader_command

# The kernel's colour bars from the left (checks_framebuffer.c).
BARS = [(255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 255, 0), (255, 0, 255),
    (255, 0, 0), (0, 0, 255), (0, 0, 0)]


class Boot:
    def __init__(self, process, screens):
        self.status = process.returncode
        self.output = process.stdout
        self.log = process.stderr
        self.screens = screens


def boot(tmp_path, image, modes, keys="", arguments=()):
    """boot_loader_host on a machine with these modes, keys typed ahead; the
    screens it wrote, in order, as (width, height, RGB bytes)."""
    prefix = str(tmp_path / "screen")
    process = subprocess.run(loader_command(["--video-modes", modes, "--screenshots", prefix,
        *arguments, image]), input=keys, capture_output=True, text=True, timeout=60)
    paths = sorted(glob.glob(prefix + "-*.ppm"), key=lambda p: int(p[len(prefix) + 1:-4]))
    return Boot(process, [read_ppm(path) for path in paths])


def assert_bars(screen):
    width, height, pixels = screen
    for bar, colour in enumerate(BARS):
        x = (width * bar // 8 + width * (bar + 1) // 8) // 2
        for y in (0, height // 2, height - 1):
            assert pixel(pixels, width, x, y) == colour, (bar, x, y)


def test_the_menu_in_three_scripts_on_lines_longer_than_the_width(tmp_path):
    # The nearest mode to 1023x767 holds 64 pixels more per line than it shows.
    result = boot(tmp_path, "console-scripts.img", "640x480,1024x768+64,800x600", keys="m")
    assert result.status == BOOT_FAILED, result.log
    assert "boot: no video mode is 1023x767: using 1024x768, the nearest" in result.output
    assert "boot: menu video mode 1: 1024x768" in result.log
    # The menu's mode is the current one in the video list, not the first.
    assert "\n  640x480\n  1024x768 (current)\n  800x600\n" in result.output
    geometry = console_geometry(result.log)
    width, height, pixels = result.screens[0]
    assert (width, height) == (geometry.width, geometry.height) == (1024, 768)
    # No more cells than the terminal beside it has: one grid on both.
    assert (geometry.columns, geometry.rows) == (80, 25)
    font = Font()
    rows = {2: ("> 1. Ελληνικά Ω", BLACK, LIGHT_GRAY), 3: ("  2. Русский Ж", LIGHT_GRAY, BLACK),
        4: ("  3. 日本語 ok", LIGHT_GRAY, BLACK), 0: ("Boot menu", WHITE, BLACK)}
    for row, (text, foreground, background) in rows.items():
        assert not row_mismatches(pixels, width, geometry, font, row, text, foreground,
            background), (row, text)


def test_a_screen_smaller_than_the_terminal_lays_out_the_menu_on_both(tmp_path):
    """A 60x17 grid beside an 80x25 terminal: the menu is laid out for the
    smaller, on the screen and on stdout alike."""
    result = boot(tmp_path, "menu.img", "480x272", keys=ENTER)
    assert result.status == PASSED, result.output + result.log
    geometry = console_geometry(result.log)
    assert (geometry.columns, geometry.rows, geometry.left, geometry.top) == (60, 17, 0, 0)
    # The help lines keep the keys that fit whole.
    help_keys = "Enter boot  Up/Down/1-9 select  e edit command line"
    help_machine = "m video mode  d default  r reboot  p power off"
    assert f"\n{help_keys}\n{help_machine}\n" in result.output
    width, _, pixels = result.screens[0]
    font = Font()
    rows = {0: ("Boot menu", WHITE, BLACK), 1: ("> 1. Haiku", BLACK, LIGHT_GRAY),
        5: ("  5. Missing module", LIGHT_GRAY, BLACK), 15: (help_keys, CYAN, BLACK),
        16: (help_machine, CYAN, BLACK)}
    for row, (text, foreground, background) in rows.items():
        assert not row_mismatches(pixels, width, geometry, font, row, text, foreground,
            background), (row, text)


@pytest.mark.parametrize("bits", [16, 24])
def test_the_kernel_draws_its_pattern_in_narrow_pixels(tmp_path, bits):
    result = boot(tmp_path, "boot.img", f"800x600x{bits}+8")
    assert result.status == PASSED, result.output + result.log
    line = 800 * bits // 8 + 8 * bits // 8
    assert (f"host: graphics mode 0: 800x600, {bits} bpp, {line} bytes per line, "
        "framebuffer 0xff000000") in result.log
    assert "CHECK framebuffer: ok" in result.output
    assert "CHECK framebuffer_pattern: ok" in result.output
    assert_bars(result.screens[-1])


def test_the_mode_chosen_in_the_menu_is_the_kernels(tmp_path):
    # m, then the third mode of the list below "As configured"; then boot.
    result = boot(tmp_path, "menu.img", "800x600,640x480x16,1024x768",
        keys="m" + DOWN * 3 + ENTER + ENTER)
    assert result.status == PASSED, result.output + result.log
    assert ("Video mode\n> As configured\n  800x600 (current)\n  640x480\n  1024x768\n"
        in result.output)
    assert re.search(r"^Boot volume: vol0 .*, video 1024x768$", result.output, re.M)
    assert "boot: video mode 2: 1024x768" in result.log
    assert "host: graphics mode 2: 1024x768, 32 bpp, 4096 bytes per line" in result.log
    # The console started again on the new mode, which the kernel drew on.
    assert console_geometry(result.log).width == 1024
    assert [screen[:2] for screen in result.screens][-1] == (1024, 768)
    assert_bars(result.screens[-1])


def test_the_splash_and_a_full_bar_once_everything_is_read(tmp_path):
    result = boot(tmp_path, "splash.img", "1024x768")
    assert result.status == PASSED, result.output + result.log
    # video = text: the kernel gets no framebuffer and leaves the splash.
    assert "CHECK framebuffer_pattern: skipped (no framebuffer)" in result.output
    width, height, pixels = result.screens[-1]
    place = splash_place(result.log)
    assert not splash_mismatches(pixels, width, place, "built-in")
    assert bar_filled(pixels, width, place) == place.bar_width


def test_a_quiet_boot_shows_only_the_entrys_splash(tmp_path):
    result = boot(tmp_path, "splash-quiet.img", "800x600")
    assert result.status == PASSED, result.output + result.log
    width, height, pixels = result.screens[-1]
    place = splash_place(result.log)
    assert not splash_mismatches(pixels, width, place, "checkers")
    outside = [(x, y) for y in range(height) for x in range(width)
        if not (place.x <= x < place.x + place.width and place.y <= y < place.y + place.height)
        and pixel(pixels, width, x, y) != BLACK]
    assert not outside, outside[:10]


def test_bad_splash_files_cost_only_the_splash(tmp_path):
    result = boot(tmp_path, "splash-bad.img", "1024x768", keys="1" + ENTER + "2" + ENTER
        + "3" + ENTER)
    assert result.status == PASSED, result.output + result.log
    for reason in ("/boot/text.bspl: not a splash image (build/scripts/make-splash makes one)",
            "/boot/truncated.bspl: its pixels are damaged or cut short",
            "/boot/large.bspl: larger than the screen"):
        assert f"boot: splash {reason}; booting without it" in result.log
    # The menu after a failure says why, readably, on the framebuffer.
    geometry = console_geometry(result.log)
    error = "Error: cannot load a module: /boot/missing.bin: not found on any volume"
    font = Font()
    shown = [index for index, (width, _, pixels) in enumerate(result.screens)
        for row in range(geometry.rows)
        if not row_mismatches(pixels, width, geometry, font, row, error, LIGHT_RED, BLACK)]
    # Not on the first menu; once on each menu after the first failure (the
    # second failure's menu looks as the one before it: not written again);
    # then the third entry boots and the kernel draws.
    assert shown == [1, 2, 3], shown
    assert len(result.screens) == 5
    assert_bars(result.screens[-1])


@pytest.mark.parametrize("modes", ["1024x768,", "15x600", "800x600x8", "800x600+", "800x600x32y",
    ",".join(["640x480"] * 17)])
def test_malformed_video_modes_are_refused(tmp_path, modes):
    result = boot(tmp_path, "boot.img", modes)
    assert result.status == BOOT_FAILED
    assert "usage:" in result.log
    assert not result.screens


def test_without_video_modes_there_is_no_screen(tmp_path):
    prefix = str(tmp_path / "screen")
    process = subprocess.run(loader_command(["--screenshots", prefix, "boot.img"]),
        capture_output=True, text=True, timeout=60)
    assert process.returncode == PASSED, process.stdout + process.stderr
    assert "CHECK framebuffer_pattern: skipped (no framebuffer)" in process.stdout
    assert not glob.glob(prefix + "*")
    assert not os.path.exists(prefix)
