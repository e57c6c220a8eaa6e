# SPDX-License-Identifier: MIT
"""What the QEMU tests need to look at a screen: QMP for screendump, the
PPM QEMU writes and the PNG kept for people, and a model of the text screen
OVMF's serial mirror draws with VT100 sequences."""

import json
import re
import socket
import struct
import zlib


class Qmp:
    """The few QMP commands the tests need, one reply at a time."""

    def __init__(self, path):
        self.socket = socket.socket(socket.AF_UNIX)
        self.socket.settimeout(10)
        self.socket.connect(path)
        self.lines = self.socket.makefile("r")
        json.loads(self.lines.readline())           # the greeting
        self.execute("qmp_capabilities")

    def execute(self, command, **arguments):
        message = {"execute": command}
        if arguments:
            message["arguments"] = arguments
        self.socket.sendall(json.dumps(message).encode() + b"\n")
        while True:
            reply = json.loads(self.lines.readline())
            if "error" in reply:
                raise RuntimeError(f"{command}: {reply['error']}")
            if "return" in reply:
                return reply["return"]

    def close(self):
        self.lines.close()
        self.socket.close()


def read_ppm(path):
    """Width, height and RGB bytes of a binary PPM as QEMU's screendump writes it."""
    with open(path, "rb") as ppm:
        data = ppm.read()
    fields = []
    position = 0
    while len(fields) < 4:
        while data[position:position + 1].isspace():
            position += 1
        end = position
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    assert fields[0] == b"P6" and fields[3] == b"255", fields
    width, height = int(fields[1]), int(fields[2])
    pixels = data[position + 1:position + 1 + width * height * 3]
    assert len(pixels) == width * height * 3
    return width, height, pixels


def write_png(path, width, height, pixels):
    def chunk(kind, payload):
        return (struct.pack(">I", len(payload)) + kind + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xffffffff))
    rows = b"".join(b"\0" + pixels[y * width * 3:(y + 1) * width * 3]
        for y in range(height))
    with open(path, "wb") as png:
        png.write(b"\x89PNG\r\n\x1a\n")
        png.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        png.write(chunk(b"IDAT", zlib.compress(rows, 6)))
        png.write(chunk(b"IEND", b""))


# OVMF's terminal driver and the hosted port's: cursor moves ESC [ row ;
# column H, colours ESC [ ... m, the rest (clearing, the cursor's
# visibility) CSI sequences without text.
_CURSOR = re.compile(r"\x1b\[(\d*);?(\d*)H")
_COLOURS = re.compile(r"\x1b\[([0-9;]*)m")
_CSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# What a sequence cut off by the end of a read looks like: kept for the next.
_UNFINISHED = re.compile(r"\x1b(\[[0-9;?]*)?\Z")

# The background of a selected line: light grey (SGR 47).
SELECTED_BACKGROUND = 7


class TextScreen:
    """The text a VT100 shows after the serial mirror's output: characters,
    cursor moves, clearing, and each character's background colour (0-7, or
    None for the terminal's own)."""

    def __init__(self, columns, rows):
        self.columns = columns
        self.rows = rows
        self.background = None
        self.unfinished = ""
        self.clear()

    def clear(self):
        self.cells = [[" "] * self.columns for _ in range(self.rows)]
        self.backgrounds = [[self.background] * self.columns for _ in range(self.rows)]
        self.row = self.column = 0

    def set_colours(self, parameters):
        for code in (int(p) if p else 0 for p in parameters.split(";")):
            if code == 0 or code == 49:
                self.background = None
            elif 40 <= code <= 47:
                self.background = code - 40

    def scroll(self):
        del self.cells[0]
        del self.backgrounds[0]
        self.cells.append([" "] * self.columns)
        self.backgrounds.append([self.background] * self.columns)
        self.row = self.rows - 1

    def feed(self, text):
        """Take the next piece of output, which may end inside an escape
        sequence (a pseudo-terminal's reads split where they like): that
        part waits for the rest."""
        text = self.unfinished + text
        self.unfinished = ""
        position = 0
        while position < len(text):
            character = text[position]
            if character == "\x1b" and _UNFINISHED.match(text, position):
                self.unfinished = text[position:]
                return
            if character == "\x1b":
                cursor = _CURSOR.match(text, position)
                other = _CSI.match(text, position)
                colours = _COLOURS.match(text, position)
                if cursor:
                    # A terminal keeps the cursor on the screen.
                    self.row = min(max(int(cursor[1] or 1) - 1, 0), self.rows - 1)
                    self.column = min(max(int(cursor[2] or 1) - 1, 0), self.columns - 1)
                    position = cursor.end()
                    continue
                if colours:
                    self.set_colours(colours[1])
                    position = colours.end()
                    continue
                if other:
                    if other[0] == "\x1b[2J":
                        self.clear()
                    position = other.end()
                    continue
            elif character == "\r":
                self.column = 0
            elif character == "\n":
                self.row += 1
            elif character == "\b":
                self.column = max(self.column - 1, 0)
            elif character >= " ":
                if self.column >= self.columns:
                    self.column = 0
                    self.row += 1
                if self.row >= self.rows:
                    self.scroll()
                self.cells[self.row][self.column] = character
                self.backgrounds[self.row][self.column] = self.background
                self.column += 1
            if self.row >= self.rows:
                self.scroll()
            position += 1

    def lines(self):
        return ["".join(row).rstrip() for row in self.cells]

    def selected(self, row):
        """The characters of a row drawn on the selection's background."""
        return "".join(character for character, background
            in zip(self.cells[row], self.backgrounds[row])
            if background == SELECTED_BACKGROUND)
