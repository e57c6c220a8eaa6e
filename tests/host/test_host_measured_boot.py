# SPDX-License-Identifier: MIT
"""Measured boot on the hosted port (docs/measured_boot.md), at native
speed: --tpm gives the process the TPM 2.0 a firmware would
(src/system/boot/platform/host/tpm.c), and the boot-check kernel replays
the event log the loader hands it. The expected events and PCR values are
computed from the files as in tests/boot/test_measured_boot.py, which boots
the same image under OVMF and AAVMF with swtpm."""

import re

import ports
from test_measured_boot import IMAGE, expected_events, expected_pcrs, pcr_lines
from test_menu import PASSED, Loader

PORT = ports.X86_64


def replayed_events(log):
    """(PCR, event type, digest, data) of each event the kernel replayed."""
    return [(int(pcr), int(kind, 16), bytes.fromhex(digest), data) for pcr, kind, digest, data
        in re.findall(r'(?m)^tpm: \[\d+\] PCR (\d+) type (0x[0-9a-f]+) sha256 ([0-9a-f]{64}) '
            r'"(.*)"$', log)]


def boot(*options):
    loader = Loader(*options, IMAGE)
    status = loader.finish()
    output = loader.text + loader.log()
    assert status == PASSED, output
    return output


def test_the_loader_measures_what_it_boots_and_the_kernel_replays_the_log():
    output = boot("--tpm")
    events = expected_events(PORT)
    pcrs = expected_pcrs(events)
    assert "measure: TPM 2.0 present: measuring into PCRs 8 and 9" in output, output
    assert pcr_lines(output, "measure: ") == pcrs, output
    assert pcr_lines(output, "tpm: ") == pcrs, output
    assert replayed_events(output) == events, output
    assert "CHECK tpm_event_log: ok" in output, output
    assert re.search(r"(?m)^tpm: event log 0x[0-9a-f]+, \d+ bytes, 4 events$", output), output


def test_a_full_event_log_loses_events_but_not_measurements():
    """A log with room for the first two events only (as a firmware's log
    that filled up): the loader measures on, the PCRs hold every file,
    and the kernel is told the log is truncated, so it does not replay it."""
    events = expected_events(PORT)
    # The Spec ID event, then each event's header (4 + 4 + 4 + 2 + 32 + 4) and data.
    size = 65 + sum(54 + len(data) for _, _, _, data in events[:2])
    output = boot("--tpm-log-size", str(size))
    assert pcr_lines(output, "measure: ") == expected_pcrs(events), output
    assert pcr_lines(output, "tpm: ") == expected_pcrs(events), output
    assert "measure: cannot" not in output, output
    assert "measure: event log of" in output and "(truncated by the firmware)" in output, output
    assert replayed_events(output) == events[:2], output
    assert re.search(r"(?m)^tpm: event log 0x[0-9a-f]+, \d+ bytes, 2 events, truncated$",
        output), output
    assert "CHECK tpm_event_log: ok" in output, output


def test_without_a_tpm_the_boot_is_not_measured_and_says_so_once():
    output = boot()
    assert output.count("measure: no TPM to measure into (not supported)") == 1, output
    assert "measure: PCR" not in output, output
    assert "CHECK tpm_event_log: skipped (no TPM measurements)" in output, output
