# SPDX-License-Identifier: MIT
"""Measured boot under OVMF and AAVMF with a software TPM
(docs/measured_boot.md).

The test starts swtpm in a temporary directory and attaches it to QEMU (the
port's TPM device: tpm-tis on x86_64, tpm-tis-device on arm64's virt); the
firmware then offers EFI_TCG2_PROTOCOL and the loader measures the
command line into PCR 8 and loader.cfg, the kernel and the module into PCR 9
(measured.cfg). The expected PCR values are recomputed here from the files
on the host: PCR 8 = extend(0, SHA256(command line)), PCR 9 = the chain of
extend(pcr, SHA256(SHA256(file))). They must equal what the loader read
back from the TPM and printed, what the boot-check kernel got in
kernel_args, and what it replayed from the event log the loader copied
(its check tpm_event_log; its list of the log's PCR 8 and 9 events also
shows that nothing before the loader touched them, so both start at 0).
The same image without a TPM boots unmeasured, with no error."""

import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

import ports
import qemu

SWTPM = shutil.which("swtpm")
pytestmark = pytest.mark.skipif(SWTPM is None,
    reason="swtpm is not installed (./configure installs swtpm and swtpm-tools)")

IMAGE = "measured.img"
# The TPM interface each port's machine has (TIS over its bus).
TPM_DEVICES = {"x86_64": "tpm-tis", "arm64": "tpm-tis-device"}
CONFIG = os.path.join(qemu.TOP, "tests", "boot", "configs", "measured.cfg")
COMMAND_LINE = b"measured=1 quiet"
# Seconds: an OVMF boot takes 4 to 8 under TCG; the margin is for a busy
# machine.
TIMEOUT = 90
EV_IPL = 0xd

every_port = pytest.mark.parametrize("port", ports.ALL, ids=ports.ids)


def sha256(data):
    return hashlib.sha256(data).digest()


def extend(pcr, digest):
    return sha256(pcr + digest)


def expected_events(port):
    """(PCR, event type, SHA-256 digest, event data) of every event the
    loader logs, in order: loader.cfg when the loader starts (named by its
    volume, as the configuration is looked for on each), the command line
    when boot.c sets it, then the kernel and the module as trust_check has
    their digests. The module is the port's loader, whose name make-image
    also writes into the configuration."""
    def file_event(kind, data, path):
        digest = sha256(data)
        return (9, EV_IPL, sha256(digest), f"{kind} sha256:{digest.hex()} {path}")

    def read(path):
        with open(path, "rb") as file:
            return file.read()
    loader_path = f"/EFI/BOOT/{port.boot_name}"
    config = read(CONFIG).replace(b"/EFI/BOOT/BOOTX64.EFI", loader_path.encode())
    return [file_event("config", config, "(disk0p1)/boot/loader.cfg"),
        (8, EV_IPL, sha256(COMMAND_LINE), COMMAND_LINE.decode()),
        file_event("kernel", read(port.kernel), "/boot/kernel"),
        file_event("module", read(port.loader), loader_path)]


def expected_pcrs(events):
    pcrs = {8: bytes(32), 9: bytes(32)}
    for pcr, _, digest, _ in events:
        pcrs[pcr] = extend(pcrs[pcr], digest)
    return pcrs


class SoftwareTpm:
    """swtpm in a directory of its own (short: a socket path has at most
    107 bytes), ended with QEMU (--terminate) or, failing that, by us."""

    def __enter__(self):
        self.directory = tempfile.mkdtemp(prefix="swtpm-")
        self.socket = os.path.join(self.directory, "sock")
        self.process = subprocess.Popen([SWTPM, "socket", "--tpm2", "--terminate",
            "--tpmstate", f"dir={self.directory}",
            "--ctrl", f"type=unixio,path={self.socket}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.socket):
            assert self.process.poll() is None, self.process.stdout.read().decode()
            assert time.monotonic() < deadline, "swtpm made no socket in 10 s"
            time.sleep(0.05)
        return self

    def qemu_arguments(self, port):
        return ["-chardev", f"socket,id=chrtpm,path={self.socket}",
            "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
            "-device", f"{TPM_DEVICES[port.name]},tpmdev=tpm0"]

    def __exit__(self, *exception):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=10)
        self.process.stdout.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def pcr_lines(log, prefix):
    """{PCR: value} from the lines "<prefix>PCR n sha256 <hex>"."""
    return {int(pcr): bytes.fromhex(value) for pcr, value in
        re.findall(rf"(?m)^{re.escape(prefix)}PCR (\d+) sha256 ([0-9a-f]{{64}})$", log)}


@every_port
def test_the_loader_measures_what_it_boots_and_the_kernel_replays_the_log(port, log_path):
    with SoftwareTpm() as tpm:
        result = qemu.boot(port.image(IMAGE), log_path, timeout=TIMEOUT,
            extra=tpm.qemu_arguments(port), port=port)
    log = result.log
    assert result.returncode == qemu.PASS, result.tail()
    assert "BOOTCHECK PASS" in log
    assert "measure: TPM 2.0 present: measuring into PCRs 8 and 9" in log, result.tail()
    assert "measure: cannot" not in log, result.tail()

    events = expected_events(port)
    pcrs = expected_pcrs(events)
    # What the loader read back from the TPM (TPM2_PCR_Read) and printed.
    assert pcr_lines(log, "measure: ") == pcrs, result.tail()
    # What the kernel got in kernel_args, and the log it replayed to them.
    assert pcr_lines(log, "tpm: ") == pcrs, result.tail()
    assert "CHECK tpm_event_log: ok" in log, result.tail()
    replayed = [(int(pcr), int(kind, 16), bytes.fromhex(digest), data) for pcr, kind, digest, data
        in re.findall(r'(?m)^tpm: \[\d+\] PCR (\d+) type (0x[0-9a-f]+) sha256 ([0-9a-f]{64}) '
            r'"(.*)"$', log)]
    assert replayed == events, result.tail()
    assert re.search(r"(?m)^tpm: event log 0x[0-9a-f]+, \d+ bytes, \d+ events$", log)


@every_port
def test_without_a_tpm_the_boot_is_not_measured_and_says_so_once(port, log_path):
    result = qemu.boot(port.image(IMAGE), log_path, timeout=TIMEOUT, port=port)
    log = result.log
    assert result.returncode == qemu.PASS, result.tail()
    assert log.count("measure: no TPM to measure into") == 1, result.tail()
    assert "measure: cannot" not in log
    assert "measure: PCR" not in log
    assert "CHECK tpm_event_log: skipped (no TPM measurements)" in log
