# SPDX-License-Identifier: MIT
"""Reading the loader's framebuffer console off a screenshot (QEMU's, or the
hosted port's): where its grid is (the loader's "console:" line in its log),
the font it draws with (the same Terminus console font the build converts,
read with the build's own script), whether a row of cells shows a text's
glyphs pixel for pixel, and whether the splash shows its picture and how far
its bar is filled."""

import gzip
import importlib.machinery
import importlib.util
import os
import re
from dataclasses import dataclass

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FONT_SOURCE = "/usr/share/consolefonts/Uni2-Terminus16.psf.gz"

PICTURES = {
    "built-in": os.path.join(TOP, "src", "system", "boot", "loader", "splash.png"),
    "checkers": os.path.join(TOP, "tests", "boot", "splash", "checkers.bmp"),
}

# The text consoles' colours, as the loader draws them (fb_console.c).
BLACK = (0x00, 0x00, 0x00)
LIGHT_GRAY = (0xaa, 0xaa, 0xaa)
WHITE = (0xff, 0xff, 0xff)
CYAN = (0x00, 0xaa, 0xaa)
LIGHT_RED = (0xff, 0x55, 0x55)

_GEOMETRY = re.compile(r"^console: framebuffer (\d+)x(\d+), (\d+) bpp, font 8x(\d+) scaled "
    r"(\d+), (\d+)x(\d+) characters at (\d+),(\d+)$", re.M)
_SPLASH = re.compile(r"^splash: image (\d+)x(\d+) at (\d+),(\d+); bar (\d+)x(\d+) at (\d+),(\d+)$",
    re.M)


def build_script(name):
    """One of build/scripts/ as a module."""
    path = os.path.join(TOP, "build", "scripts", name)
    loader = importlib.machinery.SourceFileLoader(name.replace("-", "_"), path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@dataclass
class Geometry:
    width: int
    height: int
    font_height: int
    scale: int
    columns: int
    rows: int
    left: int
    top: int

    def cell(self, column, row):
        """The top left pixel of a cell."""
        return (self.left + column * 8 * self.scale,
            self.top + row * self.font_height * self.scale)


def console_geometry(text):
    """The last framebuffer console the loader started, from its serial log."""
    matches = list(_GEOMETRY.finditer(text))
    assert matches, "the loader started no framebuffer console"
    m = [int(x) for x in matches[-1].groups()]
    return Geometry(width=m[0], height=m[1], font_height=m[3], scale=m[4], columns=m[5],
        rows=m[6], left=m[7], top=m[8])


@dataclass
class SplashPlace:
    width: int
    height: int
    x: int
    y: int
    bar_width: int
    bar_height: int
    bar_x: int
    bar_y: int


def splash_place(text):
    matches = list(_SPLASH.finditer(text))
    assert matches, "the loader showed no splash"
    return SplashPlace(*[int(x) for x in matches[-1].groups()])


class Font:
    """The glyphs the loader has: those of the ranges make-font keeps."""

    def __init__(self):
        make_font = build_script("make-font")
        with open(FONT_SOURCE, "rb") as source:
            data = gzip.decompress(source.read())
        _, self.height, self.glyphs, mapping = make_font.read_psf(data)
        kept = {c for first, last in make_font.RANGES for c in range(first, last + 1)}
        self.mapping = {c: g for c, g in mapping.items() if c in kept}

    def glyph(self, character):
        index = self.mapping.get(ord(character), self.mapping[0xfffd])
        return self.glyphs[index]


def pixel(pixels, width, x, y):
    start = (y * width + x) * 3
    return tuple(pixels[start:start + 3])


def cell_mismatch(pixels, width, geometry, font, column, row, character, foreground,
        background):
    """None when the cell shows the character's glyph in these colours, else
    the first pixel that does not, and what it is."""
    x0, y0 = geometry.cell(column, row)
    glyph = font.glyph(character)
    scale = geometry.scale
    for y in range(font.height * scale):
        bits = glyph[y // scale]
        for x in range(8 * scale):
            expected = foreground if bits & (0x80 >> (x // scale)) else background
            found = pixel(pixels, width, x0 + x, y0 + y)
            if found != expected:
                return (column, row, character, x, y, found, expected)
    return None


def row_mismatches(pixels, width, geometry, font, row, text, foreground, background):
    """The cells of a row, from its first column on, that do not show text."""
    problems = []
    for column, character in enumerate(text):
        problem = cell_mismatch(pixels, width, geometry, font, column, row, character,
            foreground, background)
        if problem:
            problems.append(problem)
    return problems


def picture(name):
    """The picture's pixels as the loader shows them, row by row."""
    width, height, rows = build_script("make-splash").read_image(PICTURES[name])
    return width, height, rows


def splash_mismatches(pixels, width, place, name):
    """Pixels of the splash that are not the picture's."""
    picture_width, picture_height, rows = picture(name)
    assert (place.width, place.height) == (picture_width, picture_height)
    problems = []
    for y in range(picture_height):
        for x in range(picture_width):
            found = pixel(pixels, width, place.x + x, place.y + y)
            if found != rows[y][x]:
                problems.append((x, y, found, rows[y][x]))
    return problems


def bar_filled(pixels, width, place):
    """How many of the bar's columns are filled, checking it is filled from the left."""
    y = place.bar_y + place.bar_height // 2
    columns = [pixel(pixels, width, place.bar_x + x, y) for x in range(place.bar_width)]
    filled = columns.index(BLACK) if BLACK in columns else len(columns)
    assert set(columns[:filled]) <= {WHITE} and set(columns[filled:]) <= {BLACK}, columns
    # The outline around it.
    assert pixel(pixels, width, place.bar_x - 1, y) == LIGHT_GRAY
    return filled
