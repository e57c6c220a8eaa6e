# SPDX-License-Identifier: MIT
"""The other CPUs at native speed (docs/smp.md): the hosted port simulates a
machine of N CPUs (--cpus) whose CPUs park by writing their mailbox, or one
that never answers (--silent-cpu), and the boot checks read the kernel_args
CPU list the generic part built."""

import re

from test_host import run

CPU_LINE = re.compile(r"^  cpu (\d+): id (0x[0-9a-f]+|0) (\w+), stack (0x[0-9a-f]+|0) - "
    r"(0x[0-9a-f]+|0), mailbox (0x[0-9a-f]+|0)$", re.M)


def cpu_list(stdout):
    """The kernel's view of the list: (index, id, state, stack start, end, mailbox)."""
    return [(int(i), int(h, 16), state, int(s, 16), int(e, 16), int(m, 16))
        for i, h, state, s, e, m in CPU_LINE.findall(stdout)]


def test_eight_simulated_cpus_are_listed_started_and_parked():
    result = run("--cpus", "8", "boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smp: 8 CPUs" in result.stderr
    assert "smp: 8 of 8 CPUs running" in result.stderr
    assert "cpus: 8 listed at 0xffffffffc" in result.stdout
    for check in ("cpus", "cpu_stacks"):
        assert f"CHECK {check}: ok" in result.stdout
    cpus = cpu_list(result.stdout)
    assert [c[0] for c in cpus] == list(range(8))
    assert [c[1] for c in cpus] == list(range(8))
    assert [c[2] for c in cpus] == ["boot"] + ["started"] * 7
    # Each its own 64 KiB stack and 64-byte mailbox; the boot CPU has none.
    assert all(end - start == 64 * 1024 for _, _, _, start, end, _ in cpus)
    assert len({c[3] for c in cpus}) == 8
    assert cpus[0][5] == 0
    mailboxes = [c[5] for c in cpus[1:]]
    assert len(set(mailboxes)) == 7 and all(m % 64 == 0 for m in mailboxes)
    assert "BOOTCHECK PASS" in result.stdout


def test_a_cpu_that_never_answers_is_left_out_not_waited_for():
    result = run("--cpus", "4", "--silent-cpu", "2", "boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smp: CPU 2 (id 0x2) did not answer within 1000 ms: left out" in result.stderr
    assert "smp: 3 of 4 CPUs running" in result.stderr
    assert "cpu_count 3" in result.stdout
    states = [c[2] for c in cpu_list(result.stdout)]
    assert states == ["boot", "started", "failed", "started"]
    # A failed CPU keeps neither its mailbox nor its stack in the list.
    assert cpu_list(result.stdout)[2][3:] == (0, 0, 0)
    assert "BOOTCHECK PASS" in result.stdout


def test_without_a_cpu_list_the_boot_cpu_runs_alone():
    result = run("boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smp: one CPU" in result.stderr
    assert "cpus: 1 listed at" in result.stdout
    assert [c[2] for c in cpu_list(result.stdout)] == ["boot"]
    assert "CHECK cpus: ok" in result.stdout


def test_disable_smp_lists_the_cpus_but_starts_none():
    result = run("--cpus", "4", "smp-off.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smp: 4 CPUs, disable_smp: the boot CPU only" in result.stderr
    assert "cpus: 4 listed at 0xffffffffc" in result.stdout and "cpu_count 1" in result.stdout
    cpus = cpu_list(result.stdout)
    assert [c[2] for c in cpus] == ["boot", "disabled", "disabled", "disabled"]
    assert all(c[3:] == (0, 0, 0) for c in cpus[1:])
    assert "BOOTCHECK PASS" in result.stdout


def test_disable_acpi_reads_no_cpu_list():
    result = run("--cpus", "4", "acpi-off.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "host: ACPI is off: no CPU list, the boot CPU only" in result.stderr
    assert "smp: one CPU" in result.stderr
    assert [c[2] for c in cpu_list(result.stdout)] == ["boot"]
    assert "BOOTCHECK PASS" in result.stdout
