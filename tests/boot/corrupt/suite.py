# SPDX-License-Identifier: MIT
"""Booting the corrupted-input cases and judging what the loader said: in
QEMU on every port (tests/boot/ports.py; two at a time) and on the hosted
port. Run as `python3 -m corrupt.suite` from tests/boot (what `jam
corrupt-suite` does), it makes the disks, boots every case and prints the
tables and the counts; `--port arm64` boots one port's only."""

import argparse
import collections
import concurrent.futures
import functools
import os
import re
import signal
import subprocess
import sys
import threading
import time

import ports
from qemu import LOGS, TOP, boot
from serial_console import plain_text

from . import cases, generate

HOST_LOADER = os.path.join(TOP, "generated", "host", "boot_loader_host")
HOST_TABLE = os.path.join(LOGS, "corrupt-host.txt")
# A case must reach its menu within this; a boot to the menu takes about 5 s.
TIMEOUT = 60
HOST_TIMEOUT = 30
# The menu's last line: once it is drawn, the screen is complete.
MENU_END = r"^m video mode"
# The menu shows an error on this many rows (menu.c, kStatusRows).
STATUS_ROWS = 2
HOST_COLUMNS = 79
# QEMU boots at once: each wants a core of its own.
WORKERS = 2

Result = collections.namedtuple("Result", "name category expected seconds problems tail")


def wrapped(text, columns, rows=STATUS_ROWS):
    """The rows the menu draws a status on (menu_draw_wrapped): broken before
    the last space that fits, a longer word split, the rest cut."""
    lines = []
    for row in range(rows):
        length = min(len(text), columns)
        if length < len(text) and row + 1 < rows:
            space = length
            while space > 0 and text[space] != " ":
                space -= 1
            if space > 0:
                length = space
        lines.append(text[:length].rstrip(" "))
        text = text[length:].lstrip(" ")
    return lines


def expected_text(case, facts):
    """One line for the table: the case's own message (a pattern's escapes
    taken out, its alternatives left in): the first log line where the menu
    only says the kernel is not found, else what the menu must say."""
    error, diagnostic, log = cases.expectations(case, facts)
    text = log[0] if log else "Error: " + error if error is not None else diagnostic
    return re.sub(r"\\(.)", r"\1", text) if case.pattern else text


def table_path(port):
    """The table of a port's boots: x86_64's is corrupt.txt, as before there
    were others."""
    suffix = "" if port is ports.X86_64 else "-" + port.name
    return os.path.join(LOGS, f"corrupt{suffix}.txt")


def judge(case, facts, before, menu, columns, port=ports.X86_64):
    """Everything wrong with what the loader printed before its menu and in
    it (plain text, one line per screen line), or an empty list. before is a
    list of outputs: a line must be in the first that has it, once. port
    says which firmware's exception dumps to look for."""
    problems = []
    error, diagnostic, log = cases.expectations(case, facts)

    def once(pattern, what):
        """The one line matching pattern; None (and a problem) if not one."""
        count = 0
        for text in before:
            found = [m.group(0) for m in re.finditer(rf"^{pattern}$", text, re.M)]
            count = len(found)
            if count == 1:
                return found[0]
            if count > 1:
                break
        problems.append(f"{what} said {count} times before the menu, not once")
        return None

    literal = (lambda text: text) if case.pattern else re.escape
    if error is not None:
        said = once("boot: " + literal(error), f"\"boot: {error}\"")
        lines = menu.split("\n")
        status = [i for i, line in enumerate(lines) if line.startswith("Error: ")]
        if not status:
            problems.append("the menu shows no error")
        elif said is not None:
            want = wrapped("Error: " + said[len("boot: "):], columns)
            got = lines[status[-1]:status[-1] + len(want)]
            if got != want:
                problems.append(f"the menu shows {got!r}, not {want!r}")
    else:
        said = once("config: " + literal(diagnostic), f"\"config: {diagnostic}\"")
        if said is not None:
            line = said[len("config: "):][:columns]
            if line not in menu.split("\n"):
                problems.append(f"the menu does not list {line!r}")
    for line in log:
        once(literal(line), f"\"{line}\"")

    if not re.search(r"^> 1\. \S", menu, re.M):
        problems.append("no entry 1 selected in the menu")
    for bad in ("BOOTCHECK", "starting kernel", *port.exception_markers):
        if any(bad in text for text in before + [menu]):
            problems.append(f"\"{bad}\" in the log")
    return problems


def split_at_menu(text):
    """(before, menu): the text before the first "Boot menu" line, and from it."""
    match = re.search(r"^Boot menu$", text, re.M)
    if not match:
        return text, ""
    return text[:match.start()], text[match.start():]


def log_name(case, where):
    return os.path.join(LOGS, f"corrupt-{where}-{case.name}.log")


def run_qemu(case, port=ports.X86_64):
    """Boot one case on a port in QEMU until its menu is complete."""
    os.makedirs(LOGS, exist_ok=True)
    facts = generate.facts(case, port)
    disks = generate.images(case, port)
    extra = []
    for disk in disks[1:]:
        extra += ["-drive", f"format=raw,snapshot=on,file={disk}"]
    where = "qemu" if port is ports.X86_64 else port.name
    path = log_name(case, where)
    # Stop at the menu's end after the error (a countdown menu may come
    # first), or at anything that means the boot went wrong. The raw serial
    # log has escape sequences between the menu's lines.
    marker = "Error: " if case.error is not None else "Boot menu"
    failures = "|".join(re.escape(m) for m in port.exception_markers)
    until = rf"{marker}[\s\S]*m video mode|{failures}|BOOTCHECK"
    start = time.monotonic()
    result = boot(disks[0], path, timeout=TIMEOUT, extra=extra, until=until, port=port)
    seconds = time.monotonic() - start
    with open(path, "rb") as log:
        text = plain_text(log.read())
    problems = []
    if result.timed_out:
        problems.append(f"no complete menu within {TIMEOUT} s")
    elif result.returncode not in (143, -signal.SIGTERM):
        problems.append(f"QEMU ended by itself (run-qemu status {result.returncode})")
    mode = re.search(r"^efi: text mode \d+ of \d+: (\d+)x\d+$", text, re.M)
    columns = int(mode.group(1)) - 1 if mode else 0
    if not mode:
        problems.append("no text mode line")
    before, menu = split_at_menu(text)
    problems += judge(case, facts, [before], menu, columns, port)
    # A reset would start the firmware's boot manager, and the loader, again.
    for line in ("BdsDxe: starting Boot", "boot: generic loader started"):
        if text.count(line) != 1:
            problems.append(f"\"{line}\" {text.count(line)} times")
    return Result(case.name, case.category, expected_text(case, facts), seconds, problems,
        "\n".join(text.splitlines()[-30:]))


def run_host(case):
    """Run one case on the hosted port until its menu is complete; the menu
    waits for keys on a pipe that stays open, so it is ended afterwards."""
    os.makedirs(LOGS, exist_ok=True)
    facts = generate.facts(case)
    process = subprocess.Popen([HOST_LOADER, *generate.images(case)], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    output = {"stdout": b"", "stderr": b""}

    def read(stream, name):
        for chunk in iter(lambda: stream.read1(4096), b""):
            output[name] += chunk
    readers = [threading.Thread(target=read, args=(process.stdout, "stdout"), daemon=True),
        threading.Thread(target=read, args=(process.stderr, "stderr"), daemon=True)]
    for reader in readers:
        reader.start()
    marker = r"^Error: " if case.error is not None else r"^Boot menu"
    until = re.compile(rf"{marker}[\s\S]*{MENU_END}|BOOTCHECK", re.M)
    start = time.monotonic()
    timed_out = False
    while not until.search(output["stdout"].decode("utf-8", "replace")):
        if process.poll() is not None:
            break
        if time.monotonic() - start > HOST_TIMEOUT:
            timed_out = True
            break
        time.sleep(0.02)
    seconds = time.monotonic() - start
    ended = process.poll()
    process.kill()
    process.wait()
    for reader in readers:
        reader.join(timeout=5)
    stdout = output["stdout"].decode("utf-8", "replace")
    stderr = output["stderr"].decode("utf-8", "replace")
    with open(log_name(case, "host"), "w") as log:
        log.write(stdout + "\n--- stderr ---\n" + stderr)

    problems = []
    if timed_out:
        problems.append(f"no complete menu within {HOST_TIMEOUT} s")
    elif ended is not None:
        problems.append(f"exited with {ended} before its menu was complete")
    # The console (stdout) has what boot_printf() says; the debug line
    # (stderr) has that and boot_dprintf()'s lines.
    console, menu = split_at_menu(stdout)
    debug, _ = split_at_menu(stderr)
    problems += judge(case, facts, [console, debug], menu, HOST_COLUMNS)
    if "ERROR: AddressSanitizer" in stderr or "runtime error:" in stderr:
        problems.append("sanitizer report")
    return Result(case.name, case.category, expected_text(case, facts), seconds, problems,
        "\n".join((stdout + stderr).splitlines()[-30:]))


def table(results, title="corrupted-input suite"):
    """The table (case, category, expected, result, seconds), the count, and
    what went wrong with each case that failed."""
    width = max(len("case"), *(len(r.name) for r in results))
    expected_width = 72
    lines = [f"{'case':<{width}}  {'category':<8}  {'expected':<{expected_width}}  result  seconds"]
    for r in results:
        # The reason is at the end of a message: cut its beginning.
        expected = r.expected if len(r.expected) <= expected_width \
            else "..." + r.expected[len(r.expected) - expected_width + 3:]
        lines.append(f"{r.name:<{width}}  {r.category:<8}  {expected:<{expected_width}}  "
            f"{'FAIL' if r.problems else 'pass':<6}  {r.seconds:7.1f}")
    failed = [r for r in results if r.problems]
    lines.append(f"{title}: {len(results)} cases, {len(results) - len(failed)} passed, "
        f"{len(failed)} failed, {sum(r.seconds for r in results):.1f} s of boots")
    for r in failed:
        lines += ["", f"{r.name}: " + "; ".join(r.problems), "log tail:", r.tail]
    return "\n".join(lines) + "\n"


def write_table(results, path=None, title="corrupted-input suite"):
    os.makedirs(LOGS, exist_ok=True)
    text = table(results, title)
    with open(path or table_path(ports.X86_64), "w") as out:
        out.write(text)
    return text


def run_all(chosen, runner=run_qemu, workers=WORKERS):
    """Run every case, workers at a time; results in case order."""
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(runner, chosen))


def title(port):
    return f"corrupted-input suite, {port.name} in QEMU"


# What the tests have booted, for the tables at the end of a pytest run:
# RESULTS by port name.
RESULTS = {}
HOST_RESULTS = []


def main():
    parser = argparse.ArgumentParser(description="Boot the corrupted-input cases.")
    parser.add_argument("--port", choices=sorted(ports.PORTS),
        help="boot on this port only, and not on the hosted port")
    parser.add_argument("names", nargs="*", help="cases to boot (default: all)")
    options = parser.parse_args()
    chosen_ports = [ports.PORTS[options.port]] if options.port else ports.ALL
    start = time.monotonic()
    chosen = [c for c in cases.CASES if not options.names or c.name in options.names]
    failed = False
    if not options.port:
        generate.generate()
        host = run_all(chosen, run_host, workers=os.cpu_count() or 2)
        print(write_table(host, HOST_TABLE, "corrupted-input suite, hosted port"), end="")
        failed = any(r.problems for r in host)
    for port in chosen_ports:
        generate.generate(port=port)
        results = run_all(chosen, functools.partial(run_qemu, port=port))
        print()
        print(write_table(results, table_path(port), title(port)), end="")
        failed = failed or any(r.problems for r in results)
    print(f"corrupted-input suite: {time.monotonic() - start:.1f} s in all", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
