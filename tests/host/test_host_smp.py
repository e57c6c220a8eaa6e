# SPDX-License-Identifier: MIT
"""The other CPUs at native speed (docs/smp.md): the hosted port simulates a
machine of N CPUs (--cpus) whose CPUs park by writing their mailbox, or one
that never answers (--silent-cpu), listed all or as the device tree the
kernel gets lists them, and the boot checks read the kernel_args CPU list
the generic part built."""

import re

from test_device_tree_overlays import compile_tree
from test_host import run
from test_menu import tar_disk
from test_verified_boot import KERNEL

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


def cpus_tree(tmp_path, name, cpus):
    """A device tree whose /cpus has a CPU node for each (id, status) of cpus
    (status None: no property), beside a cpu-map, which is none; its path."""
    nodes = "".join(f'\t\tcpu@{id:x} {{ device_type = "cpu"; reg = <{id:#x}>;'
        + (f' status = "{status}";' if status else "") + " };\n" for id, status in cpus)
    source = ("/dts-v1/;\n/ {\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n"
        "\tcpus {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <0>;\n" + nodes
        + "\t\tcpu-map { cluster0 { core0 { cpu = <0>; }; }; };\n\t};\n};\n")
    path = tmp_path / f"{name}.dtb"
    path.write_bytes(compile_tree(tmp_path, name, source, symbols=False))
    return str(path)


def test_the_cpus_are_those_of_the_device_tree_the_kernel_gets(tmp_path):
    """A machine whose firmware hands over a device tree names its CPUs
    there, and the boot checks hold the list against that tree (the host
    gives the kernel no ACPI tables beside it): of four CPUs, the tree
    says a disabled one is not there to run."""
    tree = cpus_tree(tmp_path, "firmware", [(0, None), (1, "okay"), (2, "disabled"), (3, None)])
    result = run("--cpus", "4", "--device-tree", tree, "boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "host: the device tree lists 3 CPU(s)" in result.stderr
    cpus = cpu_list(result.stdout)
    assert [(c[1], c[2]) for c in cpus] == [(0, "boot"), (1, "started"), (3, "started")]
    assert "CHECK cpus_firmware: ok" in result.stdout
    assert "BOOTCHECK PASS" in result.stdout


def test_a_cpu_the_tree_names_that_the_machine_lacks_never_answers(tmp_path):
    tree = cpus_tree(tmp_path, "firmware", [(0, None), (1, None), (5, None)])
    result = run("--cpus", "2", "--device-tree", tree, "boot.img")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smp: CPU 2 (id 0x5) did not answer within 1000 ms: left out" in result.stderr
    assert [c[2] for c in cpu_list(result.stdout)] == ["boot", "started", "failed"]
    assert "BOOTCHECK PASS" in result.stdout


def test_an_entrys_tree_names_the_cpus_in_place_of_the_firmwares(tmp_path):
    """The kernel gets the entry's tree, so the loader starts the CPUs it
    lists, not the firmware's one."""
    firmware = cpus_tree(tmp_path, "firmware", [(0, None)])
    entry = cpus_tree(tmp_path, "entry", [(0, None), (1, None)])
    with open(KERNEL, "rb") as file:
        kernel = file.read()
    config = ('timeout = 0\nentry "Board" {\n\tkernel = /boot/kernel\n'
        '\tdevicetree = /board/entry.dtb\n}\n')
    with open(entry, "rb") as file:
        disk = tar_disk(tmp_path, {"boot/loader.cfg": config, "boot/kernel": kernel,
            "board/entry.dtb": file.read()})
    result = run("--cpus", "2", "--device-tree", firmware, "boot.img", disk)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "host: the device tree lists 2 CPU(s)" in result.stderr
    assert re.search(r"^boot: the kernel gets the entry's device tree \(\d+ bytes at "
        r"0x[0-9a-f]+\) in place of the firmware's$", result.stderr, re.M), result.stderr
    assert [c[2] for c in cpu_list(result.stdout)] == ["boot", "started"]
    assert "CHECK cpus_firmware: ok" in result.stdout
    assert "BOOTCHECK PASS" in result.stdout


def test_a_tree_without_a_usable_cpu_list_gives_the_boot_cpu_alone(tmp_path):
    """/cpus without #address-cells: no CPU can be read, said so; the boot
    checks' own reader finds the tree as broken."""
    source = ('/dts-v1/;\n/ {\n\tcpus {\n\t\tcpu@0 { device_type = "cpu"; reg = <0>; };\n'
        '\t\tcpu@1 { device_type = "cpu"; reg = <1>; };\n\t};\n};\n')
    tree = tmp_path / "broken.dtb"
    tree.write_bytes(compile_tree(tmp_path, "broken", source, symbols=False))
    result = run("--cpus", "2", "--device-tree", str(tree), "boot.img")
    assert "fdt: the device tree's /cpus is malformed" in result.stderr
    assert "host: no CPU list in the device tree: the boot CPU only" in result.stderr
    assert [c[2] for c in cpu_list(result.stdout)] == ["boot"]
    assert "CHECK cpus_firmware: FAIL (a device tree CPU has no reg of #address-cells 0)" \
        in result.stdout
