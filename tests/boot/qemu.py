# SPDX-License-Identifier: MIT
"""Boots disk images in QEMU with a port's firmware (tests/boot/ports.py)
and collects the serial log."""

import collections
import os
import re
import signal
import subprocess
import tempfile
import time

import ports
from screen import Qmp

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMAGES = os.path.join(TOP, "generated", "images")
RUN_QEMU = os.path.join(TOP, "build", "scripts", "run-qemu")
LOGS = os.path.join(TOP, "generated", "test-logs")

# run-qemu's exit statuses
PASS, FAIL, NO_VERDICT = 0, 1, 2
# Seconds a boot goes on once the firmware has reported a CPU exception.
EXCEPTION_GRACE = 3

# A boot the firmware never got through: the log's name, the seconds waited,
# QEMU's state then and the serial log.
Stall = collections.namedtuple("Stall", "log seconds state serial")
STALLS = []


class Boot:
    def __init__(self, returncode, log, timed_out, state=None):
        self.returncode = returncode
        self.log = log
        self.timed_out = timed_out
        # QEMU's run state and registers when the boot timed out.
        self.state = state

    def tail(self, lines=40):
        return "\n".join(self.log.splitlines()[-lines:])


def port_environment(port=ports.X86_64, memory=None, machine=None, cpu=None,
        disk_interface=None, firmware=None, first_disk=None, variables=None, netboot=None):
    """run-qemu's environment for a port: QEMU_PORT, and QEMU_MEMORY,
    QEMU_MACHINE, QEMU_CPU, QEMU_DISK_INTERFACE, QEMU_FIRMWARE (a name from
    the port's firmwares), QEMU_FIRST_DISK, QEMU_VARIABLES (a variable
    store the firmware writes in place) and QEMU_NETBOOT (DIR:FILE) where
    given."""
    env = dict(os.environ, QEMU_PORT=port.name)
    for name, value in (("QEMU_MEMORY", memory), ("QEMU_MACHINE", machine),
            ("QEMU_CPU", cpu), ("QEMU_DISK_INTERFACE", disk_interface),
            ("QEMU_FIRMWARE", firmware), ("QEMU_VARIABLES", variables),
            ("QEMU_NETBOOT", netboot)):
        if value:
            env[name] = value
    if first_disk:
        env["QEMU_FIRST_DISK"] = os.path.join(IMAGES, first_disk)
    return env


def boot(image, log_path, timeout=120, until=None, memory=None, extra=(),
        first_disk=None, machine=None, disk_interface=None, firmware=None,
        port=ports.X86_64, cpu=None, variables=None, netboot=None, writable=False):
    """Boot image on port (None: no disk); stop at QEMU's exit, at timeout,
    or once the regular expression until appears in the serial log.
    machine, cpu, disk_interface, firmware, variables and netboot are
    run-qemu's QEMU_MACHINE, QEMU_CPU, QEMU_DISK_INTERFACE, QEMU_FIRMWARE,
    QEMU_VARIABLES and QEMU_NETBOOT; writable keeps the guest's writes to
    image (QEMU_DISK_WRITABLE).

    A boot that timed out before the firmware's boot manager picked a boot
    option ran nothing of ours, and is booted once more: Debian's AAVMF has
    twice stalled there under TCG in CI. The stall is kept in STALLS, with
    QEMU's state at the time, and the test session prints it."""
    env = port_environment(port, memory, machine, cpu, disk_interface, firmware, first_disk,
        variables, netboot)
    env.update(QEMU_SERIAL=f"file:{log_path}", RUN_DIR=os.path.dirname(log_path))
    if writable:
        env["QEMU_DISK_WRITABLE"] = "1"
    command = [RUN_QEMU, "-" if image is None else os.path.join(IMAGES, image), *extra]
    result = _boot_once(command, env, port, log_path, timeout, until)
    if result.timed_out and port.stalled_in_firmware(env.get("QEMU_FIRMWARE"), result.log):
        stall = Stall(os.path.basename(log_path), timeout, result.state, result.log)
        with open(log_path + ".stall", "w") as kept:
            kept.write(f"{stall.state}\n\nserial log:\n{stall.serial}")
        STALLS.append(stall)
        result = _boot_once(command, env, port, log_path, timeout, until)
    return result


def _boot_once(command, env, port, log_path, timeout, until):
    if os.path.exists(log_path):
        os.unlink(log_path)
    with tempfile.TemporaryDirectory(prefix="qmp.") as sockets:
        # QMP only to say where QEMU was if the boot times out.
        qmp_path = os.path.join(sockets, "qmp")
        process = subprocess.Popen([*command, "-qmp", f"unix:{qmp_path},server=on,wait=off"],
            env=env, stdin=subprocess.DEVNULL, start_new_session=True)
        timed_out = _wait(process, port, log_path, timeout, until)
        state = _state(qmp_path) if timed_out else None
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
    return Boot(process.returncode, read_log(log_path), timed_out, state)


def _wait(process, port, log_path, timeout, until):
    """Until QEMU ends or until shows in the log; whether time ran out."""
    deadline = time.monotonic() + timeout
    pattern = re.compile(until) if until else None
    while process.poll() is None:
        log = read_log(log_path)
        if pattern and pattern.search(log):
            return False
        # After a CPU exception nothing good follows (EDK2 on AArch64 hangs
        # in its handler): keep the dump's next lines, then stop.
        if port.exception_in(log):
            deadline = min(deadline, time.monotonic() + EXCEPTION_GRACE)
        if time.monotonic() > deadline:
            return True
        time.sleep(0.1)
    return False


def _state(qmp_path):
    """QEMU's run state and the CPUs' registers, as QMP reports them."""
    try:
        qmp = Qmp(qmp_path)
        try:
            status = qmp.execute("query-status")
            registers = qmp.execute("human-monitor-command", **{"command-line": "info registers -a"})
        finally:
            qmp.close()
    except (OSError, RuntimeError, ValueError) as error:
        return f"QMP: {error}"
    return f"run state: {status.get('status')}\n{registers}"


def read_log(path):
    try:
        with open(path, "rb") as log:
            return log.read().decode("utf-8", "replace").replace("\r", "")
    except FileNotFoundError:
        return ""
