# SPDX-License-Identifier: MIT
"""boot_loader_host on a pseudo-terminal of a chosen size, the way a person
runs it: the menu draws with cursor moves and colours, and the tests look at
the screen a terminal would show (tests/boot/screen.py's TextScreen) rather
than at the plain text test_menu.py reads."""

import codecs
import fcntl
import os
import pty
import struct
import subprocess
import termios
import threading
import time

from screen import TextScreen
from test_menu import loader_command


class Terminal:
    """send() types keys; expect() waits until the screen shows what a check
    says, and fails with the screen as it was."""

    def __init__(self, *arguments, columns=80, rows=25):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.process = subprocess.Popen(loader_command(arguments), stdin=slave, stdout=slave,
            stderr=subprocess.PIPE)
        os.close(slave)
        self.screen = TextScreen(columns, rows)
        self.output = ""
        self.errors = b""
        self.lock = threading.Lock()
        self.readers = [threading.Thread(target=self.read_screen, daemon=True),
            threading.Thread(target=self.read_errors, daemon=True)]
        for reader in self.readers:
            reader.start()

    def read_screen(self):
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        while True:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:         # the loader ended: the terminal hung up
                chunk = b""
            if not chunk:
                return
            with self.lock:
                text = decoder.decode(chunk)
                self.output += text
                self.screen.feed(text)

    def read_errors(self):
        for chunk in iter(lambda: self.process.stderr.read1(4096), b""):
            with self.lock:
                self.errors += chunk

    def send(self, keys):
        os.write(self.master, keys.encode())

    def expect(self, check, timeout=20):
        """Wait until check(screen) holds; the screen then."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                if check(self.screen):
                    return self.screen
                lines = self.screen.lines()
            if time.monotonic() > deadline or not self.readers[0].is_alive():
                rows = "\n".join(f"{i:2}|{line}" for i, line in enumerate(lines))
                raise AssertionError(f"the screen never passed the check:\n{rows}\n"
                    f"log:\n{self.log()[-2000:]}")
            time.sleep(0.02)

    def expect_rows(self, rows, selected=None, timeout=20):
        """Wait until the rows show texts (row number: text, to its end) and,
        if given, the one row drawn as selected is (row, text)."""
        def check(screen):
            lines = screen.lines()
            if any(lines[row] != text for row, text in rows.items()):
                return False
            if selected is None:
                return True
            marked = [row for row in range(screen.rows) if screen.selected(row).strip()]
            return marked == [selected[0]] and screen.selected(selected[0]).rstrip() == selected[1]
        return self.expect(check, timeout)

    def finish(self, timeout=30):
        status = self.process.wait(timeout=timeout)
        for reader in self.readers:
            reader.join(timeout=10)
        os.close(self.master)
        return status

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def log(self):
        return self.errors.decode("utf-8", "replace")
