# SPDX-License-Identifier: MIT
"""The boot matrix: every port's real image booted on many QEMU machine and
firmware configurations, each of which must reach BOOTCHECK PASS; run
directly it boots them all and prints the table. x86_64: OVMF on q35 and pc;
arm64: AAVMF, QEMU_EFI.fd and U-Boot on virt, at EL1 and EL2, and U-Boot on
a Raspberry Pi 3."""

import collections
import os
import re
import sys
import time

import ports
from qemu import LOGS, PASS, TOP, boot

TABLE = os.path.join(LOGS, "matrix.txt")

# Debian's two OVMF builds, by the names tests/boot/ports.py gives them.
OVMF = {"4M": "ovmf-4m", "2M": "ovmf-2m"}

# What the kernel must see of each CPU model: (NX, 1 GiB pages). QEMU's
# default CPU is qemu64, which has NX but no 1 GiB pages.
CPU_FEATURES = {
    None: ("yes", "no"),
    "qemu64,-nx": ("no", "no"),
    "qemu64,+pdpe1gb": ("yes", "yes"),
    "max": ("yes", "yes"),
}

# The last node of the device path OVMF booted from, per disk interface;
# virtio-blk is a bare PCI function.
BOOT_PATH = {
    "ahci": r"/Sata\(0x\d+,0xFFFF,0x0\)",
    "ide": r"/Ata\((Primary|Secondary),Master,0x0\)",
    "virtio": r"^PciRoot\(0x0\)/Pci\(0x[0-9A-F]+,0x0\)",
    "nvme": r"/NVMe\(0x1,",
    "usb": r"/USB\(0x\d+,0x0\)",
}

# el: the exception level an arm64 firmware starts the loader at; expect:
# lines (regular expressions) the serial log must hold besides the usual.
Config = collections.namedtuple("Config",
    "machine memory cpus disk ovmf vga cpu two_disks port firmware in_test options max_cpus"
    " el expect", defaults=(None, ()))

# What a row's image asks of the loader (docs/smp.md): the other CPUs
# listed but not started, or no ACPI and so no CPU list.
OPTION_IMAGES = {None: "boot.img", "disable_smp": "smp-off.img", "disable_acpi": "acpi-off.img"}


def config(machine, memory, cpus, disk, ovmf="4M", vga=True, cpu=None, two_disks=False,
        in_test=True, options=None, max_cpus=None):
    """An x86_64 row; all but those marked in_test=False run in `jam test` too.
    max_cpus: QEMU's maxcpus, CPUs the firmware's tables name as absent."""
    return Config(machine, memory, cpus, disk, ovmf, vga, cpu, two_disks, ports.X86_64,
        OVMF[ovmf], in_test, options, max_cpus)


def arm64(firmware, el, cpu, memory, cpus, disk, gic=2, in_test=True):
    """An arm64 row: firmware (aavmf, qemu-efi, u-boot), the exception level
    the firmware starts the loader at (2: virtualization=on), the CPU model,
    the GIC version (2 takes at most 8 CPUs). `jam test` boots the rows not
    marked in_test=False: each takes 1 to 2.5 s."""
    machine = "virt,virtualization=on" if el == 2 else "virt"
    if gic != 2:
        machine += f",gic-version={gic}"
    return Config(machine, memory, cpus, disk, None, False, cpu, False, ports.ARM64, firmware,
        in_test, None, None, el)


def raspberry_pi(in_test=True):
    """The Raspberry Pi 3 row: the board, its four CPUs at EL2 and its memory
    come with the firmware (tests/boot/ports.py). Its CPUs must start from
    their spin-table, and the log come through its mini UART."""
    firmware = ports.ARM64.firmwares["u-boot-rpi3"]
    return Config(firmware.machine, firmware.memory, 4, "sd", None, False, None, False,
        ports.ARM64, "u-boot-rpi3", in_test, None, None, 2,
        (r"^efi: 3 CPU\(s\) start from a spin-table$",
            r"^arch: uart 16550 at 0x3f215040, loader entered at EL2$"))


# Every dimension at least once, the common ones on both machines: q35 has
# AHCI, pc has IDE; virtio, NVMe and USB (on an XHCI controller) work on both.
CONFIGS = [
    config("q35", "256M", 1, "ahci"),
    config("q35", "512M", 2, "virtio"),
    config("q35", "1G", 4, "nvme"),
    config("q35", "256M", 1, "usb"),
    config("pc", "256M", 1, "ide"),
    config("pc", "512M", 2, "virtio", ovmf="2M"),
    config("pc", "1G", 1, "nvme"),
    config("pc", "2G", 2, "usb"),
    config("q35", "128M", 1, "ahci", vga=False),
    config("pc", "128M", 1, "ide", ovmf="2M"),
    config("q35", "16G", 4, "virtio", cpu="max"),
    config("pc", "16G", 2, "ide", ovmf="2M", vga=False),
    config("q35", "4G", 2, "nvme", ovmf="2M"),
    config("pc", "8G", 4, "usb"),
    config("q35", "2G", 2, "ahci", ovmf="2M"),
    config("q35", "512M", 1, "ahci", cpu="qemu64,-nx"),
    config("pc", "512M", 2, "ide", ovmf="2M", cpu="qemu64,-nx"),
    config("q35", "1G", 1, "virtio", cpu="qemu64,+pdpe1gb"),
    config("pc", "2G", 4, "ide", cpu="max"),
    config("q35", "256M", 2, "nvme", ovmf="2M", vga=False, cpu="qemu64,-nx"),
    config("q35", "512M", 1, "usb", ovmf="2M", vga=False, cpu="qemu64,+pdpe1gb"),
    config("q35", "256M", 1, "ahci", two_disks=True),
    config("pc", "256M", 2, "ide", ovmf="2M", two_disks=True),
    config("q35", "512M", 1, "virtio", two_disks=True),
    config("pc", "1G", 4, "nvme", vga=False, two_disks=True),
    config("q35", "256M", 2, "usb", ovmf="2M", two_disks=True),
    # SMP (docs/smp.md): 1, 2 and 4 CPUs are rows above; 8, and the two
    # options that keep the other CPUs parked in the firmware, only in `jam
    # boot-matrix` (tests/boot/test_smp.py boots two in `jam test`).
    config("q35", "512M", 8, "ahci", in_test=False),
    config("pc", "1G", 8, "virtio", ovmf="2M", in_test=False),
    config("q35", "8G", 8, "nvme", cpu="max", in_test=False),
    config("q35", "512M", 4, "ahci", in_test=False, options="disable_smp"),
    config("pc", "256M", 8, "ide", in_test=False, options="disable_smp"),
    config("q35", "512M", 4, "virtio", in_test=False, options="disable_acpi"),
    # Hot-pluggable CPUs not plugged in: in the MADT, neither enabled nor
    # online capable, so neither listed nor started.
    config("q35", "512M", 2, "ahci", in_test=False, max_cpus=8),
    # arm64: each firmware at EL1 and EL2, each CPU model with each firmware,
    # 256 MiB to 4 GiB, 1 and 4 CPUs, virtio-blk (PCI under EDK2, MMIO under
    # U-Boot) and NVMe.
    arm64("aavmf", 1, "cortex-a57", "256M", 1, "virtio"),
    arm64("aavmf", 2, "max", "4G", 4, "virtio"),
    arm64("aavmf", 1, "cortex-a72", "1G", 4, "nvme"),
    arm64("aavmf", 2, "cortex-a57", "512M", 1, "nvme"),
    arm64("aavmf", 1, "max", "2G", 1, "nvme"),
    arm64("aavmf", 2, "cortex-a72", "256M", 4, "virtio"),
    arm64("qemu-efi", 1, "cortex-a57", "256M", 1, "virtio"),
    arm64("qemu-efi", 2, "cortex-a72", "4G", 4, "nvme"),
    arm64("qemu-efi", 1, "max", "1G", 4, "virtio"),
    arm64("qemu-efi", 2, "max", "256M", 1, "nvme"),
    arm64("u-boot", 1, "cortex-a57", "256M", 1, "virtio-mmio"),
    arm64("u-boot", 2, "max", "1G", 4, "virtio-mmio"),
    arm64("u-boot", 1, "cortex-a72", "4G", 1, "virtio-mmio"),
    arm64("u-boot", 2, "cortex-a57", "2G", 4, "nvme"),
    arm64("u-boot", 1, "max", "512M", 4, "nvme"),
    # arm64 SMP beyond `jam test` (docs/smp.md): GICv2's 8 CPUs under each
    # firmware, and 16 on GICv3.
    arm64("aavmf", 2, "max", "2G", 8, "virtio", in_test=False),
    arm64("qemu-efi", 1, "cortex-a72", "1G", 8, "nvme", in_test=False),
    arm64("u-boot", 2, "cortex-a57", "1G", 8, "virtio-mmio", in_test=False),
    arm64("aavmf", 2, "max", "4G", 16, "nvme", gic=3, in_test=False),
    # A real board's firmware and device tree, without PSCI.
    raspberry_pi(),
]

# What the disk interfaces are called in arm64 device paths: virtio-blk-pci
# is a bare PCI function, as on x86_64.
ARM64_BOOT_PATH = {
    "virtio": r"^PciRoot\(0x0\)/Pci\(0x[0-9A-F]+,0x0\)",
    "nvme": r"/NVMe\(0x1,",
}


def name_of(cfg):
    """A short, unique name that says the whole configuration."""
    if cfg.port is ports.ARM64:
        gic = ["gic3"] if "gic-version=3" in cfg.machine else []
        return "-".join(["arm64", cfg.firmware, f"el{cfg.el}", cfg.cpu or cfg.machine,
            cfg.memory, f"{cfg.cpus}cpu", cfg.disk] + gic)
    cpus = f"{cfg.cpus}of{cfg.max_cpus}cpu" if cfg.max_cpus else f"{cfg.cpus}cpu"
    parts = [cfg.machine, cfg.memory, cpus, cfg.disk, f"ovmf{cfg.ovmf}"]
    if not cfg.vga:
        parts.append("novga")
    if cfg.cpu:
        parts.append(cfg.cpu.replace(",", ""))
    if cfg.two_disks:
        parts.append("second-disk")
    if cfg.options:
        parts.append(cfg.options.replace("_", "-"))
    return "-".join(parts)


def mebibytes(memory):
    return int(memory[:-1]) * {"M": 1, "G": 1024}[memory[-1]]


def verdict_problems(result):
    if result.timed_out:
        return ["timed out"]
    problems = []
    if "BOOTCHECK PASS" not in result.log:
        problems.append("no BOOTCHECK PASS")
    if result.returncode != PASS:
        problems.append(f"run-qemu exit status {result.returncode}")
    return problems


def usable_memory_problems(cfg, log):
    # The firmware keeps some memory for itself (and the PC its holes), but
    # most of what the machine has must reach the kernel as usable.
    usable = re.search(r"^memory: (\d+) MiB usable", log, re.M)
    size = mebibytes(cfg.memory)
    if not usable or not size * 3 // 4 <= int(usable.group(1)) <= size:
        return ["usable memory " + (usable.group(1) + " MiB" if usable else "missing")
            + f" of {cfg.memory}"]
    return []


def arm64_problems_of(cfg, result):
    """Everything wrong with one arm64 boot, or an empty list."""
    log = result.log
    problems = verdict_problems(result)
    if result.timed_out:
        return problems
    u_boot = cfg.firmware.startswith("u-boot")
    if not u_boot:
        # EDK2 must have booted from the disk on the chosen interface.
        started = re.search(r'^BdsDxe: starting Boot\d+ ".*" from (.*)$', log, re.M)
        if not started or not re.search(ARM64_BOOT_PATH[cfg.disk], started.group(1)):
            problems.append(f"not booted from {cfg.disk}: "
                + (started.group(1) if started else "no boot option started"))
    if not re.search(r"^efi: disk0: \d+ blocks of 512 bytes, the boot disk$", log, re.M):
        problems.append("disk0 is not the boot disk")
    # The loader came in at the firmware's level and left the kernel at EL1.
    if not re.search(rf"^arch: .*loader entered at EL{cfg.el}$", log, re.M):
        problems.append(f"the loader was not entered at EL{cfg.el}")
    if not re.search(r"^cpu: EL1,", log, re.M):
        problems.append("the kernel does not run at EL1")
    # EDK2 hands over ACPI, U-Boot a device tree.
    table = r"device tree 0x[0-9a-f]+ \(\d+ bytes\)" if u_boot \
        else r"ACPI RSDP 0x[0-9a-f]+ revision 2"
    if not re.search(rf"^firmware: .*{table}", log, re.M):
        problems.append("no " + ("device tree" if u_boot else "ACPI RSDP"))
    problems += [f"no line {line}" for line in cfg.expect if not re.search(line, log, re.M)]
    problems += usable_memory_problems(cfg, log)
    problems += smp_problems(cfg, log)
    if cfg.port.exception_in(log):
        problems.append("CPU exception")
    return problems


def problems_of(cfg, result):
    """Everything wrong with one boot, or an empty list."""
    if cfg.port is ports.ARM64:
        return arm64_problems_of(cfg, result)
    log = result.log
    problems = verdict_problems(result)
    if result.timed_out:
        return problems
    # OVMF must have booted from the disk on the chosen interface.
    started = re.search(r'^BdsDxe: starting Boot\d+ ".*" from (.*)$', log, re.M)
    if not started or not re.search(BOOT_PATH[cfg.disk], started.group(1)):
        problems.append(f"not booted from {cfg.disk}: "
            + (started.group(1) if started else "no boot option started"))
    boot_disk = "disk1" if cfg.two_disks else "disk0"
    if not re.search(rf"^efi: {boot_disk}: \d+ blocks of 512 bytes, the boot disk$", log, re.M):
        problems.append(f"{boot_disk} is not the boot disk")
    no_execute, huge_pages = CPU_FEATURES[cfg.cpu]
    if f"NX {no_execute}, 1 GiB pages {huge_pages}" not in log:
        problems.append(f"CPU features are not NX {no_execute}, 1 GiB pages {huge_pages}")
    graphics = "efi: graphics mode" if cfg.vga else "efi: no graphics output"
    if graphics not in log:
        problems.append(f"no \"{graphics}\"")
    problems += usable_memory_problems(cfg, log)
    problems += smp_problems(cfg, log)
    if cfg.port.exception_in(log):
        problems.append("CPU exception")
    return problems


def smp_problems(cfg, log):
    """Every CPU QEMU has is listed (from the MADT, or from the device tree
    U-Boot hands over), and exactly those the options allow reported in to
    the kernel (docs/smp.md)."""
    listed = 1 if cfg.options == "disable_acpi" else cfg.cpus
    running = cfg.cpus if cfg.options is None else 1
    problems = []
    if not re.search(rf"^cpus: {listed} listed at 0x[0-9a-f]+, {running} running$", log, re.M):
        problems.append(f"not {listed} CPUs listed and {running} running")
    if f"cpus: {running} of {listed} CPUs reported in" not in log:
        problems.append(f"not {running} of {listed} CPUs reported in")
    if cfg.options == "disable_smp" and len(re.findall(r"^  cpu \d+: id 0x[0-9a-f]+ disabled,",
            log, re.M)) != cfg.cpus - 1:
        problems.append(f"not {cfg.cpus - 1} CPUs disabled")
    return problems


Result = collections.namedtuple("Result", "name problems seconds tail")


def run(cfg):
    """Boot one configuration; its serial log stays in generated/test-logs."""
    os.makedirs(LOGS, exist_ok=True)
    name = name_of(cfg)
    extra = ["-smp", f"{cfg.cpus},maxcpus={cfg.max_cpus}" if cfg.max_cpus else str(cfg.cpus)]
    if not cfg.vga and cfg.port is ports.X86_64:
        extra += ["-vga", "none"]
    start = time.monotonic()
    image = OPTION_IMAGES[cfg.options]
    result = boot(cfg.port.image(image), os.path.join(LOGS, f"matrix-{name}.serial.log"),
        timeout=90, memory=cfg.memory, extra=extra, machine=cfg.machine, cpu=cfg.cpu,
        disk_interface=cfg.disk, firmware=cfg.firmware,
        first_disk="blank.img" if cfg.two_disks else None, port=cfg.port)
    seconds = time.monotonic() - start
    return Result(name, problems_of(cfg, result), seconds, result.tail(30))


def table(results):
    """The table (configuration, result, seconds), a summary line, and the
    log tail of every configuration that failed."""
    width = max(len("configuration"), *(len(r.name) for r in results))
    lines = [f"{'configuration':<{width}}  result  seconds"]
    for r in results:
        lines.append(f"{r.name:<{width}}  {'FAIL' if r.problems else 'pass':<6}  {r.seconds:7.1f}")
    failed = [r for r in results if r.problems]
    lines.append(f"boot matrix: {len(results) - len(failed)} of {len(results)} configurations "
        f"passed, {len(failed)} failed, {sum(r.seconds for r in results):.1f} s")
    for r in failed:
        lines += ["", f"{r.name}: " + "; ".join(r.problems), "serial log tail:", r.tail]
    return "\n".join(lines) + "\n"


def write_table(results):
    os.makedirs(LOGS, exist_ok=True)
    text = table(results)
    with open(TABLE, "w") as out:
        out.write(text)
    return text


# What the tests have booted so far, for the table at the end of the run.
RESULTS = []


def available(cfg):
    """Whether the files of the row's firmware are there (configure fetches some)."""
    return ports.available(cfg.port.firmwares[cfg.firmware])


def main():
    """Every row, or with --port NAME that port's rows only."""
    chosen = CONFIGS
    if sys.argv[1:2] == ["--port"] and len(sys.argv) == 3:
        chosen = [c for c in CONFIGS if c.port.name == sys.argv[2]]
    for cfg in [c for c in chosen if not available(c)]:
        print(f"{name_of(cfg)}: skipped, its firmware is missing (run ./configure)",
            file=sys.stderr)
    chosen = [c for c in chosen if available(c)]
    # One at a time: each QEMU wants a core, and timings must stay honest.
    results = []
    for cfg in chosen:
        results.append(run(cfg))
        status = "FAIL" if results[-1].problems else "pass"
        print(f"{results[-1].name}: {status} {results[-1].seconds:.1f} s", file=sys.stderr)
    print(write_table(results), end="")
    return 1 if any(r.problems for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
