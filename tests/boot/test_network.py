# SPDX-License-Identifier: MIT
"""Network boots: the firmware's PXE stack fetches the loader from QEMU's
TFTP server, and the loader fetches its configuration, kernel and modules
from the same server, with no disk in the machine (platform/efi/net.c,
file_systems/server)."""

import shutil

import pytest

import ports
from contents import contents_problems
from qemu import PASS, boot

every_port = pytest.mark.parametrize("port", ports.ALL, ids=ports.ids)


def server_tree(tmp_path, port, config, files=()):
    """A TFTP root whose boot file lies in a directory of its own, as on a
    server for many machines: the loader must find the rest below it.
    files: (path below that directory, bytes). Returns QEMU_NETBOOT."""
    root = tmp_path / "tftp"
    machine = root / port.name
    (machine / "boot").mkdir(parents=True)
    shutil.copyfile(port.loader, machine / port.boot_name)
    shutil.copyfile(port.kernel, machine / "boot" / "kernel")
    (machine / "boot" / "loader.cfg").write_text(config)
    for path, data in files:
        (machine / path).parent.mkdir(parents=True, exist_ok=True)
        (machine / path).write_bytes(data)
    return f"{root}:{port.name}/{port.boot_name}"


@every_port
def test_network_boot_loads_kernel_and_modules_from_the_tftp_server(port, tmp_path,
        log_path):
    # Larger than FILE_SERVER_PREFIX_UNIT, so that it is not fetched as a
    # file's start, and small: TFTP under TCG is slow.
    large = bytes((i * 7 + (i >> 9)) & 0xff for i in range(300_000))
    small = bytes((i * 13 + (i >> 8)) & 0xff for i in range(5_000))
    config = ('timeout = 0\nentry "Network" {\n\tkernel = /boot/kernel\n'
        '\tmodule = /boot/modules/large.bin\n\tmodule = /boot/modules/small.bin\n}\n')
    netboot = server_tree(tmp_path, port, config,
        [("boot/modules/large.bin", large), ("boot/modules/small.bin", small)])

    result = boot(None, log_path, port=port, netboot=netboot)
    assert "BOOTCHECK PASS" in result.log, result.tail()
    assert result.returncode == PASS, result.tail()
    assert (f'efi: started from the network: TFTP server 10.0.2.2, files below '
        f'"/{port.name}/"') in result.log, result.tail()
    assert 'vfs: vol0: net0, server TFTP, label "10.0.2.2", boot volume' in result.log
    assert "boot: configuration (net0)/boot/loader.cfg: 1 entries, 0 problems" in result.log
    # The kernel knows the network it came over: QEMU's user network, and the
    # card's address QEMU gives it.
    assert ("boot device: network, client 10.0.2.15, mask 255.255.255.0, server 10.0.2.2, "
        "hardware 52:54:00:12:34:56") in result.log.splitlines(), result.tail()
    # The kernel's headers came first, and the transfer stopped after them.
    assert (f"efi: TFTP: {port.name}/boot/kernel: the first 65536 bytes, then the "
        "transfer stopped") in result.log, result.tail()
    # What the kernel found in memory is what the server holds, byte for byte.
    (tmp_path / "large.bin").write_bytes(large)
    (tmp_path / "small.bin").write_bytes(small)
    assert contents_problems(result.log, port.kernel, {
        "/boot/modules/large.bin": tmp_path / "large.bin",
        "/boot/modules/small.bin": tmp_path / "small.bin"}) == []
    assert not port.exception_in(result.log), result.tail()


# x86_64 alone: the generic loader's answers, which the arm64 boot above
# shares, cost a boot each.
def test_network_boot_refuses_a_file_that_is_not_a_kernel(tmp_path, log_path):
    port = ports.X86_64
    config = 'timeout = 0\nentry "Not a kernel" {\n\tkernel = /boot/junk\n}\n'
    netboot = server_tree(tmp_path, port, config, [("boot/junk", bytes(16 << 20))])
    result = boot(None, log_path, port=port, netboot=netboot, timeout=90,
        until=r"m video mode")
    assert not result.timed_out, result.tail()
    before_menu, _, menu = result.log.partition("Boot menu")
    message = "kernel /boot/junk is not bootable: bad ELF magic"
    assert f"boot: {message}" in before_menu, result.tail()
    # Refused by its headers: the other 16 MiB never came over the network.
    assert ("efi: TFTP: x86_64/boot/junk: the first 65536 bytes, then the transfer "
        "stopped") in before_menu, result.tail()
    assert "Error: " + message in menu, result.tail()
    # The server has no BLS entries to list; that is no error.
    assert "bls: (net0)/loader/entries: 0 .conf files" in result.log
    assert "cannot list" not in result.log, result.tail()
    assert "BOOTCHECK" not in result.log
