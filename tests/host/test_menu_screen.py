# SPDX-License-Identifier: MIT
"""The boot menu as a terminal shows it: which row holds what, which row is
drawn selected, what a short or narrow terminal keeps, and where the editor's
cursor stands. test_menu.py reads the same menu as plain text, which shows
what is drawn but not where."""

import re

import pytest

from test_menu import (DOWN, END, ENTER, ESC, HOME, LEFT, PAGE_DOWN, PAGE_UP,
    PASSED, UP, Loader, tar_disk)
from screen import TextScreen
from terminal import Terminal

HELP_KEYS = "Enter boot  Up/Down/1-9 select  e edit command line  o options  v volume"
HELP_MACHINE = "m video mode  d default  r reboot  p power off  f firmware setup"
TITLES = ["Haiku", "Haiku with a module", "Missing kernel", "Not a kernel", "Missing module",
    "Safe mode"]


@pytest.fixture
def terminals():
    started = []

    def start(*arguments, **size):
        terminal = Terminal(*arguments, **size)
        started.append(terminal)
        return terminal
    yield start
    for terminal in started:
        terminal.kill()


def entry_rows(numbers, selected, top=2):
    """The rows of a window onto menu.img's entries."""
    return {top + i: f"{'>' if n == selected else ' '}{n:2}. {TITLES[n - 1]}"
        for i, n in enumerate(numbers)}


def selected_entry(numbers, selected, top=2):
    return (top + numbers.index(selected), f">{selected:2}. {TITLES[selected - 1]}")


def test_the_menu_screen_row_by_row(terminals):
    terminal = terminals("menu.img")
    screen = terminal.expect_rows({14: 'Booting "Haiku" in 5 s (any key stops the countdown)'},
        selected=(2, "> 1. Haiku"))
    assert screen.lines() == ["Boot menu", "", *entry_rows(range(1, 7), 1).values(), "",
        "Kernel: /boot/kernel", 'Command line: "first entry"', "Options: none",
        "Boot volume: vol0 disk0p1 (ESP)", "",
        'Booting "Haiku" in 5 s (any key stops the countdown)', *[""] * 8,
        HELP_KEYS, HELP_MACHINE]
    # A move redraws the two entries and the details; the countdown goes away.
    terminal.send(DOWN)
    terminal.expect_rows({**entry_rows(range(1, 7), 2), 10: 'Command line: "second=2"',
        14: ""}, selected=(3, "> 2. Haiku with a module"))
    terminal.send(ENTER)
    assert terminal.finish() == PASSED, terminal.log()


def test_a_short_terminal_shows_a_window_of_the_entries(terminals):
    # 20 rows leave three for the entries; in 59 columns the help lines keep
    # the keys that fit whole.
    terminal = terminals("menu.img", columns=60, rows=20)
    terminal.expect_rows({**entry_rows([1, 2, 3], 1), 5: "", 6: "Kernel: /boot/kernel",
        18: "Enter boot  Up/Down/1-9 select  e edit command line",
        19: "m video mode  d default  r reboot  p power off"}, selected=(2, "> 1. Haiku"))
    moves = [
        (DOWN * 3, [2, 3, 4], 4),
        (END, [4, 5, 6], 6),
        (UP * 3, [3, 4, 5], 3),
        (PAGE_DOWN, [4, 5, 6], 6),
        (PAGE_UP, [3, 4, 5], 3),
        (PAGE_UP, [1, 2, 3], 1),
        # A digit past the last entry changes nothing.
        ("7" + DOWN, [1, 2, 3], 2),
        ("6", [4, 5, 6], 6),
        (HOME, [1, 2, 3], 1),
    ]
    for keys, window, selected in moves:
        terminal.send(keys)
        terminal.expect_rows({**entry_rows(window, selected), 5: ""},
            selected=selected_entry(window, selected))
    terminal.send(ENTER)
    assert terminal.finish() == PASSED, terminal.log()


@pytest.mark.parametrize("rows, window", [
    (12, [1, 2]),
    (15, [1, 2, 3]),
    (17, [1, 2, 3, 4, 5]),
    (19, [1, 2, 3, 4, 5, 6]),
])
def test_under_20_rows_the_blank_rows_go_first(terminals, rows, window):
    # Nothing is drawn below the help or over another part: the blank rows
    # go, then the diagnostics' two, then entries down to what is left.
    terminal = terminals("menu.img", rows=rows)
    countdown = 'Booting "Haiku" in 5 s (any key stops the countdown)'
    top = 1 + len(window)
    screen = terminal.expect_rows({top + 4: countdown}, selected=(1, "> 1. Haiku"))
    assert screen.lines() == ["Boot menu", *entry_rows(window, 1, top=1).values(),
        "Kernel: /boot/kernel", 'Command line: "first entry"', "Options: none",
        "Boot volume: vol0 disk0p1 (ESP)", countdown,
        *[""] * (rows - top - 7), HELP_KEYS, HELP_MACHINE]
    terminal.send(END)
    last = list(range(7 - len(window), 7))
    terminal.expect_rows({**entry_rows(last, 6, top=1), top + 1: 'Command line: "safe"'},
        selected=selected_entry(last, 6, top=1))
    terminal.send(HOME + ENTER)
    assert terminal.finish() == PASSED, terminal.log()


def test_a_short_terminal_keeps_a_row_for_the_diagnostics(terminals, tmp_path):
    # 15 rows: three entries and two diagnostic rows, without blank rows.
    config = "timeout = forever\n" + "".join(f"k{i} = 1\n" for i in range(1, 4))
    config += "".join(f'entry "E{i}" {{\n\tkernel = /boot/kernel\n}}\n' for i in range(3))
    disk = tar_disk(tmp_path, {"boot/loader.cfg": config})
    terminal = terminals("boot.img", disk, rows=15)
    screen = terminal.expect_rows({4: "Kernel: /boot/kernel",
        11: '(disk1)/boot/loader.cfg:2: unknown key "k1"',
        12: "... and 2 more in the loader log", 13: HELP_KEYS}, selected=(1, "> 1. E0"))
    assert screen.lines()[8:11] == ["", "", ""]


@pytest.mark.parametrize("problems, shown", [
    (3, ['k1', 'k2', 'k3']),
    (4, ['k1', 'k2', "... and 2 more in the loader log"]),
], ids=["all-fit", "one-too-many"])
def test_diagnostics_take_the_rows_left_and_count_the_rest(terminals, tmp_path, problems, shown):
    # Three entries in 21 rows: the entries take three (not the four the rows
    # allow) and leave three for the configuration's problems.
    config = "timeout = forever\n" + "".join(f"k{i} = 1\n" for i in range(1, problems + 1))
    config += "".join(f'entry "E{i}" {{\n\tkernel = /boot/kernel\n}}\n' for i in range(3))
    disk = tar_disk(tmp_path, {"boot/loader.cfg": config})
    terminal = terminals("boot.img", disk, rows=21)
    name = "(disk1)/boot/loader.cfg"
    rows = {15 + i: text if text.startswith("...") else f'{name}:{i + 2}: unknown key "{text}"'
        for i, text in enumerate(shown)}
    screen = terminal.expect_rows({5: "", 6: "Kernel: /boot/kernel", 14: "", **rows, 18: "",
        19: HELP_KEYS}, selected=(2, "> 1. E0"))
    assert screen.lines()[12:14] == ["", ""]


def test_each_kind_of_entry_shows_its_details(terminals, tmp_path):
    config = ('timeout = forever\n'
        'entry "Two initrds" {\n\tlinux = /vmlinuz\n\tinitrd = /a.cpio\n'
        '\tinitrd = /b.cpio\n\tcmdline = "quiet"\n}\n'
        'entry "One initrd" {\n\tlinux = /vmlinuz\n\tinitrd = /a.cpio\n}\n'
        'entry "No initrd" {\n\tlinux = /vmlinuz\n}\n'
        'entry "Tool" {\n\tefi = /tool.efi\n\tcmdline = "-v"\n}\n'
        'entry "Kernel" {\n\tkernel = /boot/kernel\n\toptions = disable_acpi, serial_debug\n}\n')
    disk = tar_disk(tmp_path, {"boot/loader.cfg": config})
    terminal = terminals("boot.img", disk)
    details = [
        ["Linux: /vmlinuz", 'Command line: "quiet"', "Initrd: /a.cpio /b.cpio"],
        ["Linux: /vmlinuz", 'Command line: ""', "Initrd: /a.cpio"],
        ["Linux: /vmlinuz", 'Command line: ""', "Initrd: none"],
        ["EFI application: /tool.efi", 'Command line: "-v"',
            "Started by the firmware; load options: the command line"],
        ["Kernel: /boot/kernel", 'Command line: ""',
            "Options: Disable ACPI, Serial debug output"],
    ]
    for number, rows in enumerate(details):
        if number:
            terminal.send(DOWN)
        terminal.expect_rows({8 + i: text for i, text in enumerate(rows)})


@pytest.mark.parametrize("columns, number, rows", [
    # The 39th column is a space: the break is there, not a word earlier.
    (39, 4, ["Error: kernel /EFI/BOOT/BOOTX64.EFI is", "not bootable: bad ELF magic"]),
    # Too long for two rows: the second is cut at the edge, not at a space.
    (43, 5, ["Error: cannot load a module:", "/boot/modules/missing.bin: not found on an"]),
], ids=["two-rows", "cut"])
def test_an_error_wraps_onto_its_second_row_at_a_space(terminals, columns, number, rows):
    # One column less than the terminal's for text; the first row breaks
    # before the last word that fits.
    terminal = terminals("menu.img", columns=columns)
    terminal.expect_rows({}, selected=(2, "> 1. Haiku"))
    terminal.send(f"{number}" + ENTER)
    terminal.expect_rows({15: rows[0], 16: rows[1]},
        selected=(number + 1, f">{number:2}. {TITLES[number - 1]}"))


def test_the_screen_waits_for_a_sequence_a_read_cut():
    """The pseudo-terminal's reads end where they like, once inside the
    cursor move after a log line (a failed CI run): the screen must not
    draw what is left of it as text."""
    whole = "Booting\x1b[21;1Hboot: next\x1b[41mX\x1b[0m"
    expected = TextScreen(80, 25)
    expected.feed(whole)
    assert expected.lines()[20] == "boot: nextX"
    for cut in range(len(whole) + 1):
        screen = TextScreen(80, 25)
        screen.feed(whole[:cut])
        screen.feed(whole[cut:])
        assert screen.lines() == expected.lines(), cut
        assert screen.backgrounds == expected.backgrounds, cut


def test_a_tab_is_drawn_as_a_space(terminals, tmp_path):
    disk = tar_disk(tmp_path, {"boot/loader.cfg": 'timeout = forever\nentry "Tab" {\n'
        '\tkernel = /boot/not-a-kernel\n\tcmdline = "a\tb"\n}\n',
        "boot/not-a-kernel": "not a kernel\n"})
    terminal = terminals("boot.img", disk)
    terminal.expect_rows({5: 'Command line: "a b"'}, selected=(2, "> 1. Tab"))
    terminal.send(ENTER)
    terminal.expect(lambda screen: "is not bootable" in screen.lines()[10])
    terminal.send("o" + END + UP + ENTER + END)
    terminal.expect(lambda screen: 'boot: kernel command line "a b"' in screen.lines())


def test_the_options_screen_toggles_in_place(terminals):
    terminal = terminals("menu.img")
    terminal.expect_rows({}, selected=(2, "> 1. Haiku"))
    # Letters work in either case.
    terminal.send("O")
    labels = ["Disable SMP", "Disable ACPI", "Fail-safe video", "Ignore memory above 4 GiB",
        "Serial debug output", "On-screen debug log"]
    items = [f"[ ] {label}" for label in labels] + ["Show the loader log",
        "Show the memory map"]
    terminal.expect_rows({0: 'Options for "Haiku"', 1: "",
        **{2 + i: f"  {item}" for i, item in enumerate(items) if i > 0}, 10: "",
        23: "Up/Down select  Enter choose  Esc back"},
        selected=(2, "> [ ] Disable SMP"))
    terminal.send(ENTER)
    terminal.expect_rows({3: "  [ ] Disable ACPI"}, selected=(2, "> [x] Disable SMP"))
    terminal.send(END + UP * 2 + " ")
    terminal.expect_rows({2: "  [x] Disable SMP"},
        selected=(7, "> [x] On-screen debug log"))
    terminal.send("q")
    terminal.expect_rows({0: "Boot menu", 11: "Options: Disable SMP, On-screen debug log"},
        selected=(2, "> 1. Haiku"))
    terminal.send(ENTER)
    assert terminal.finish() == PASSED, terminal.log()
    assert "boot options: 0x21 (disable_smp, onscreen_log)" in terminal.output


def test_a_long_list_scrolls_and_opens_at_its_choice(terminals, tmp_path):
    # Twelve rows leave eight for a list; ten volumes do not fit.
    config = 'timeout = forever\nentry "K" {\n\tkernel = /boot/kernel\n}\n'
    disks = [tar_disk(tmp_path, {"boot/loader.cfg": config}, name=f"disk{i}.tar")
        for i in range(1, 10)]
    terminal = terminals("boot.img", *disks, rows=12)
    terminal.expect(lambda screen: "Boot menu" in screen.lines()[0])
    terminal.send("v")

    def volume(index, boot=0):
        text = (f'vol{index}: disk{index}, tar ustar, label ""' if index
            else 'vol0: disk0p1, fat FAT32, label "ESP"')
        return text + (" (boot volume)" if index == boot else "")

    def window(first, selected, boot=0):
        rows = {2 + i: f"{'>' if first + i == selected else ' '} {volume(first + i, boot)}"
            for i in range(8)}
        return {**rows, 0: "Boot volume", 10: "Up/Down select  Enter choose  Esc back"}

    terminal.expect_rows(window(0, 0), selected=(2, f"> {volume(0)}"))
    # From the last row, Down scrolls by one.
    terminal.send("8")
    terminal.expect_rows(window(0, 7), selected=(9, f"> {volume(7)}"))
    terminal.send(DOWN)
    terminal.expect_rows(window(1, 8), selected=(9, f"> {volume(8)}"))
    terminal.send(END)
    terminal.expect_rows(window(2, 9), selected=(9, f"> {volume(9)}"))
    # Down at the end stays; Up moves within the screen.
    terminal.send(DOWN + UP)
    terminal.expect_rows(window(2, 8), selected=(8, f"> {volume(8)}"))
    terminal.send(ENTER)
    terminal.expect(lambda screen: "Boot volume: vol8 disk8" in screen.lines())
    terminal.send("v")
    terminal.expect_rows(window(1, 8, boot=8), selected=(9, f"> {volume(8, boot=8)}"))
    terminal.send(ESC)
    terminal.expect(lambda screen: screen.lines()[0] == "Boot menu")


def test_the_pager_wraps_long_lines_and_pages(terminals):
    # 40 columns wrap at 39; 12 rows show nine lines a page.
    terminal = terminals("menu.img", columns=40, rows=12)
    terminal.expect(lambda screen: screen.lines()[0] == "Boot menu")
    terminal.send("o" + END + UP + ENTER)
    screen = terminal.expect(lambda screen: screen.lines()[0] == "Loader log"
        and screen.lines()[10].startswith("Lines 1-9 of "))
    count = int(re.match(r"Lines 1-9 of (\d+)", screen.lines()[10])[1])
    assert count > 20, screen.lines()
    configuration = "boot: configuration (disk0p1)/boot/loader.cfg: 6 entries, 0 problems"
    log = [line for line in terminal.log().splitlines() if line]
    wrapped = [piece for line in log for piece in
        [line[i:i + 39].rstrip() for i in range(0, len(line), 39)]]
    assert configuration[39:] in wrapped[:count]
    assert screen.lines()[1:10] == wrapped[:9]

    def page(first):
        last = min(first + 8, count)
        return lambda screen: (screen.lines()[1:10] == wrapped[first - 1:last]
            and screen.lines()[10].startswith(f"Lines {first}-{last} of {count}"))
    for keys, first in [(DOWN, 2), (PAGE_DOWN, 11), (PAGE_UP, 2), (END, count - 8),
            (UP, count - 9), (HOME, 1)]:
        terminal.send(keys)
        terminal.expect(page(first))
    terminal.send(ESC)
    terminal.expect(lambda screen: screen.lines()[0] == 'Options for "Haiku"')


def test_the_editor_scrolls_and_shows_its_cursor(terminals):
    # 40 columns: "Command line> " leaves 25 for the text and the cursor.
    terminal = terminals("menu.img", columns=40)
    terminal.expect_rows({}, selected=(2, "> 1. Haiku"))
    prefix = "Command line> "

    def editing(text, cursor):
        return {10: (prefix + text).rstrip()}, cursor

    for keys, text, cursor in [
        ("e", "first entry", " "),
        (LEFT, "first entry", "y"),
        (HOME + "é", "éfirst entry", "f"),
        (LEFT, "éfirst entry", "é"),
        # Past the right edge the text scrolls: the cursor keeps the last column.
        (END + "x" * 20, ("éfirst entry" + "x" * 20)[-24:], " "),
    ]:
        terminal.send(keys)
        terminal.expect(lambda screen: screen.lines()[10] == (prefix + text).rstrip()
            and screen.selected(10) == cursor)
    terminal.send(ESC)
    terminal.expect_rows({10: 'Command line: "first entry"', 23: "Enter boot  Up/Down/1-9 select"},
        selected=(2, "> 1. Haiku"))
    terminal.send("e" + END + " more" + ENTER)
    terminal.expect_rows({10: 'Command line: "first entry more"'})
    terminal.send(ENTER)
    assert terminal.finish() == PASSED, terminal.log()
    assert 'command line: "first entry more"' in terminal.output


def test_the_countdown_counts_every_second_down_to_the_boot(tmp_path):
    disk = tar_disk(tmp_path, {"boot/loader.cfg": 'timeout = 3\n'
        'entry "K" {\n\tkernel = /boot/kernel\n}\n'})
    loader = Loader("boot.img", disk)
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert re.findall(r'^Booting "K"(?: in (\d+) s)?', loader.text, re.M) == ["3", "2", "1", ""]
