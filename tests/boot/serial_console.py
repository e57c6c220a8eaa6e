# SPDX-License-Identifier: MIT
"""A QEMU + OVMF session driven over the serial line: keys go in as a VT100
terminal sends them, OVMF's mirror of the console comes out, and a test
waits for lines of it.

The serial port is a pair of FIFOs (QEMU's pipe backend) read by a thread
at all times. The reader must never fall behind: OVMF's serial driver gives
up on a byte it cannot send within a few character times and drops the rest
of that string, so a backend that pushes back (a unix socket fills up after
a few hundred one-byte writes) loses screen output.

OVMF's terminal driver (PC ANSI) decodes ESC [ A/B/C/D, ESC [ H/F (Home,
End), ESC [ I/G (PageUp/PageDown), ESC [ X (Delete); Backspace is 0x08 (0x7f
would be Delete). A lone ESC is only taken for the Escape key once two
seconds pass without the rest of a sequence, or when another key follows
that cannot continue one."""

import fcntl
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import ports
from qemu import IMAGES, LOGS, RUN_QEMU, STALLS, Stall
from screen import Qmp


class Key(str):
    """A named key: sent as one unit, unlike text, which is typed."""


KEYS = {
    "UP": Key("\x1b[A"), "DOWN": Key("\x1b[B"), "RIGHT": Key("\x1b[C"),
    "LEFT": Key("\x1b[D"), "HOME": Key("\x1b[H"), "END": Key("\x1b[F"),
    "PAGE_UP": Key("\x1b[I"), "PAGE_DOWN": Key("\x1b[G"), "DELETE": Key("\x1b[X"),
    "BACKSPACE": Key("\x08"), "ENTER": Key("\r"), "ESC": Key("\x1b"),
}
UP, DOWN, RIGHT, LEFT = KEYS["UP"], KEYS["DOWN"], KEYS["RIGHT"], KEYS["LEFT"]
HOME, END, PAGE_UP, PAGE_DOWN = KEYS["HOME"], KEYS["END"], KEYS["PAGE_UP"], KEYS["PAGE_DOWN"]
DELETE, BACKSPACE, ENTER, ESC = KEYS["DELETE"], KEYS["BACKSPACE"], KEYS["ENTER"], KEYS["ESC"]
# What an xterm (and Linux's console) sends instead: OVMF passes these on
# undecoded, and the loader decodes them itself.
XTERM_KEYS = {
    "HOME": Key("\x1b[1~"), "DELETE": Key("\x1b[3~"), "END": Key("\x1b[4~"),
    "PAGE_UP": Key("\x1b[5~"), "PAGE_DOWN": Key("\x1b[6~"), "INSERT": Key("\x1b[2~"),
}

# TerminalDxe's TwoSecondTimeOut, with a margin: how long a lone ESC waits
# before it becomes the Escape key.
ESC_DELAY = 2.3
# Between keys: a person's pace, and the menu's redraw of a line over a
# slow emulated UART keeps up with it.
KEY_DELAY = 0.05
# Output this long quiet: the last line drawn is complete.
QUIET = 0.25
# EDK2 picks a boot option 1 to 4 s after QEMU starts under TCG; this long
# without it is a stall in the firmware (tests/boot/qemu.py).
FIRMWARE_TIMEOUT = 45

_CURSOR_MOVE = re.compile(rb"\x1b\[\d*;?\d*H|\x1b\[2J")
_ESCAPE = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[^\[]")
_TRAILING_SPACES = re.compile(r"[ \t]+(?=\n|\Z)")


def plain_text(raw):
    """The serial output as lines: a cursor move starts a new line, colours
    and other sequences go, and so do the blanks that pad lines to the
    screen's edge."""
    data = _CURSOR_MOVE.sub(b"\n", raw)
    data = _ESCAPE.sub(b"", data).replace(b"\r", b"")
    return _TRAILING_SPACES.sub("", data.decode("utf-8", "replace"))


class SerialConsole:
    """run-qemu on an image with the serial line here; use as a context
    manager so that QEMU always ends and the transcripts are kept as
    generated/test-logs/<name>.serial.raw (bytes as sent) and
    <name>.serial.log (plain_text()). image None: no disk. variables: a
    variable store file the firmware writes in place (run-qemu's
    QEMU_VARIABLES); firmware: one of the port's firmwares (run-qemu's
    QEMU_FIRMWARE); netboot: DIR:FILE, a network boot (QEMU_NETBOOT);
    writable: the image keeps what the guest writes (QEMU_DISK_WRITABLE)."""

    def __init__(self, image, name, extra=(), qmp=False, port=ports.X86_64, variables=None,
            firmware=None, netboot=None, writable=False):
        self.name = name
        self.port = port
        self.run_dir = tempfile.mkdtemp(prefix="serial-console-")
        base = os.path.join(self.run_dir, "serial")
        os.mkfifo(base + ".in")
        os.mkfifo(base + ".out")
        # Read-write ends never block on open and never see end-of-file,
        # whenever QEMU opens or closes its ends.
        self.input = os.open(base + ".in", os.O_RDWR)
        self.output = os.open(base + ".out", os.O_RDWR)
        try:
            fcntl.fcntl(self.output, fcntl.F_SETPIPE_SZ, 1 << 20)
        except OSError:
            pass
        self.raw = bytearray()
        self.last_output = time.monotonic()
        self.lock = threading.Lock()
        self.position = 0
        self.stopping = threading.Event()
        self.qmp_path = os.path.join(self.run_dir, "qmp.sock") if qmp else None
        arguments = list(extra)
        if qmp:
            arguments += ["-qmp", f"unix:{self.qmp_path},server=on,wait=off"]
        env = dict(os.environ, QEMU_PORT=port.name, QEMU_SERIAL=f"pipe:{base}",
            RUN_DIR=self.run_dir)
        if variables:
            env["QEMU_VARIABLES"] = str(variables)
        if firmware:
            env["QEMU_FIRMWARE"] = firmware
        if netboot:
            env["QEMU_NETBOOT"] = netboot
        if writable:
            env["QEMU_DISK_WRITABLE"] = "1"
        command = [RUN_QEMU, "-" if image is None else os.path.join(IMAGES, image), *arguments]
        self.process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
            start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        # As qemu.boot() does: a firmware that never picks a boot option ran
        # nothing of ours, and the session starts once more.
        if not self._through_firmware(env.get("QEMU_FIRMWARE")):
            STALLS.append(Stall(name, FIRMWARE_TIMEOUT, "(a serial console: not asked)",
                self.text()))
            self._stop_qemu()
            time.sleep(QUIET)
            with self.lock:
                self.raw = bytearray()
            self.process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
                start_new_session=True)

    def _through_firmware(self, firmware):
        """Whether the firmware got to its boot manager (or QEMU ended)
        within FIRMWARE_TIMEOUT."""
        deadline = time.monotonic() + FIRMWARE_TIMEOUT
        while time.monotonic() < deadline and self.process.poll() is None:
            if not self.port.stalled_in_firmware(firmware, plain_text(self.raw_output)):
                return True
            time.sleep(0.1)
        return self.process.poll() is not None

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()

    def _read(self):
        while not self.stopping.is_set():
            ready, _, _ = select.select([self.output], [], [], 0.05)
            if ready:
                chunk = os.read(self.output, 1 << 16)
                with self.lock:
                    self.raw += chunk
                    self.last_output = time.monotonic()

    def text(self):
        """The transcript as plain text; its last line only once the output
        has been quiet for a moment, so that a line is never matched while
        it is half drawn."""
        with self.lock:
            raw = bytes(self.raw)
            quiet = time.monotonic() - self.last_output >= QUIET
        text = plain_text(raw)
        if not quiet:
            text = text[:text.rfind("\n") + 1]
        return text

    def expect(self, pattern, timeout=30):
        """Wait for a line pattern (re.M) after the previous match; the match."""
        regex = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            match = regex.search(text, self.position)
            if match:
                self.position = match.end()
                return match
            if time.monotonic() > deadline or self.process.poll() is not None:
                # QEMU gone: what it wrote last is read, then no more comes.
                time.sleep(QUIET + 0.1)
                text = self.text()
                match = regex.search(text, self.position)
                if match:
                    self.position = match.end()
                    return match
                raise AssertionError(f"{pattern!r} not seen in {timeout} s (QEMU "
                    f"{'running' if self.process.poll() is None else 'ended'}); after "
                    f"position {self.position}:\n{text[self.position:][-3000:]}")
            time.sleep(0.05)

    def send_keys(self, *keys):
        """Keys (Key constants) and text (typed a character at a time), in order."""
        for index, item in enumerate(keys):
            units = [item] if isinstance(item, Key) else list(item)
            for unit in units:
                os.write(self.input, unit.encode())
                time.sleep(KEY_DELAY)
            # Whatever comes next must not be read as the rest of a sequence.
            if item == ESC and index + 1 < len(keys):
                time.sleep(ESC_DELAY)

    def wait_until_quiet(self, seconds=0.5, timeout=30):
        """Until nothing was written for seconds: the loader waits for a key."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                idle = time.monotonic() - self.last_output
            if idle >= seconds:
                return
            time.sleep(0.05)
        raise AssertionError(f"the serial output did not stop for {seconds} s")

    def screendump(self, path):
        qmp = Qmp(self.qmp_path)
        try:
            qmp.execute("screendump", filename=path)
        finally:
            qmp.close()

    def wait(self, timeout=60):
        """QEMU's end: run-qemu's status (qemu.PASS, FAIL, NO_VERDICT)."""
        return self.process.wait(timeout=timeout)

    @property
    def raw_output(self):
        with self.lock:
            return bytes(self.raw)

    def _stop_qemu(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def close(self):
        self._stop_qemu()
        self.stopping.set()
        self.reader.join(timeout=5)
        # What QEMU wrote before it ended and the reader did not get to.
        while select.select([self.output], [], [], 0)[0]:
            self.raw += os.read(self.output, 1 << 16)
        os.makedirs(LOGS, exist_ok=True)
        raw = self.raw_output
        with open(os.path.join(LOGS, self.name + ".serial.raw"), "wb") as log:
            log.write(raw)
        with open(os.path.join(LOGS, self.name + ".serial.log"), "w") as log:
            log.write(plain_text(raw))
        os.close(self.input)
        os.close(self.output)
        shutil.rmtree(self.run_dir, ignore_errors=True)
