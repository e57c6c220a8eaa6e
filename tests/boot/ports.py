# SPDX-License-Identifier: MIT
"""The ports the QEMU conformance suite boots, each listed once: its QEMU,
machine and CPU, its firmware files, how disks attach, what its images are
called and how its boot-check kernel ends QEMU. build/scripts/run-qemu builds
its command line from here, and the tests parameterise over PORTS (pytest
ids [x86_64], [arm64]). build/jam/TestRules names the same ports for the
build (QEMU_PORTS: which loader, which kernel, which image suffix);
docs/porting.md says how to add one."""

import collections
import glob
import os

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GENERATED = os.path.join(TOP, "generated")

# How a firmware is handed to QEMU: as a read-only code flash plus a private
# copy of its variable store (pflash), as a ROM image (-bios) that keeps no
# variables, or as the image QEMU starts like a kernel (-kernel: a board's
# U-Boot, which QEMU enters as the board's own boot ROM would). disk is the
# disk interface used when nobody asks for one: None is QEMU's default for
# the machine. machine_options are added to the machine's (-machine
# q35,smm=on), arguments to the command line. boot_manager: what the
# firmware prints as its boot manager picks a boot option, before anything
# of ours runs (None: it prints nothing we know). machine and memory: a
# board the firmware is for, with its CPUs and the memory it has, in place
# of the port's machine (None: the port's).
Firmware = collections.namedtuple("Firmware",
    "kind code vars disk machine_options arguments boot_manager machine memory",
    defaults=(None, None))

# EDK2's BdsDxe (OVMF, AAVMF, QEMU_EFI.fd).
EDK2_BOOT_MANAGER = "BdsDxe: loading "


def pflash(code, variables, disk=None, machine_options=(), arguments=()):
    return Firmware("pflash", code, variables, disk, tuple(machine_options), tuple(arguments),
        EDK2_BOOT_MANAGER)


def bios(image, disk=None, arguments=(), boot_manager=EDK2_BOOT_MANAGER):
    return Firmware("bios", image, None, disk, (), tuple(arguments), boot_manager)


def guest_file(pattern):
    """A file of a package configure unpacked under generated/guests/ (a
    glob: versions are in the paths), or the pattern itself when there is
    none."""
    found = sorted(glob.glob(os.path.join(GENERATED, "guests", pattern)))
    return found[-1] if found else os.path.join(GENERATED, "guests", pattern)


def available(firmware):
    """Whether the files a firmware needs are there (configure fetches some)."""
    files = [firmware.code, *(a for a in firmware.arguments if a.startswith(GENERATED))]
    return all(os.path.exists(f) for f in files)


class Port:
    """One architecture's EFI loader booted in QEMU."""

    def __init__(self, name, qemu, machine, cpu, firmwares, loader, kernel, image_suffix,
            exit_statuses, exit_device, exception_markers, wrong_machine, disks,
            boot_name):
        self.name = name
        self.qemu = qemu
        self.machine = machine
        self.cpu = cpu
        # The first firmware is the default; the others are for the boot matrix.
        self.firmwares = firmwares
        self.default_firmware = next(iter(firmwares))
        self.loader = os.path.join(GENERATED, "efi", loader)
        self.kernel = os.path.join(GENERATED, "kernel", kernel)
        self.image_suffix = image_suffix
        # (pass, fail): QEMU's own exit status for the kernel's two verdicts.
        self.exit_statuses = exit_statuses
        # The arguments that let the kernel end QEMU with its verdict.
        self.exit_device = exit_device
        # What the firmware prints when the loader or kernel takes a CPU
        # exception while the firmware's handlers are installed.
        self.exception_markers = exception_markers
        # The loader's reason for a kernel of another machine.
        self.wrong_machine = wrong_machine
        # Disk interface name -> fn(drive id) giving the -device arguments.
        self.disks = disks
        # Where UEFI looks on removable media: \EFI\BOOT\<boot_name>.
        self.boot_name = boot_name

    def __repr__(self):
        return self.name

    def image(self, name):
        """The port's image of a given x86_64 image name: boot.img is
        boot-arm64.img on arm64."""
        stem, extension = os.path.splitext(name)
        return stem + self.image_suffix + extension

    def exception_in(self, text):
        return any(marker in text for marker in self.exception_markers)

    def stalled_in_firmware(self, firmware, text):
        """Whether a boot that timed out never got past the firmware's own
        start: its boot manager never picked a boot option, so no code of
        ours ran. firmware: a name from firmwares, None for the default."""
        marker = self.firmwares[firmware or self.default_firmware].boot_manager
        return marker is not None and marker not in text


def _x86_disks():
    return {
        # q35's built-in AHCI and pc's IDE both name their buses ide.N.
        "ahci": lambda drive, bus: ["-device", f"ide-hd,drive={drive},bus=ide.{bus}"],
        "ide": lambda drive, bus: ["-device", f"ide-hd,drive={drive},bus=ide.{bus}"],
        "virtio": lambda drive, bus: ["-device", f"virtio-blk-pci,drive={drive}"],
        # NVMe controllers need a serial number.
        "nvme": lambda drive, bus: ["-device", f"nvme,drive={drive},serial={drive}"],
        "usb": lambda drive, bus: ["-device", f"usb-storage,bus=xhci.0,drive={drive}"],
    }


def _arm64_disks():
    return {
        "virtio": lambda drive, bus: ["-device", f"virtio-blk-pci,drive={drive}"],
        # virtio over MMIO, the transport U-Boot's qemu_arm64 finds its disks on.
        "virtio-mmio": lambda drive, bus: ["-device", f"virtio-blk-device,drive={drive}"],
        "nvme": lambda drive, bus: ["-device", f"nvme,drive={drive},serial={drive}"],
        # The SD card of a Raspberry Pi (its size a power of two).
        "sd": lambda drive, bus: ["-device", f"sd-card,drive={drive}"],
    }


X86_64 = Port(
    name="x86_64",
    qemu="qemu-system-x86_64",
    machine="q35",
    cpu=None,
    firmwares={
        # Debian's two OVMF builds; a code file only ever goes with its own
        # variables.
        "ovmf-4m": pflash("/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"),
        "ovmf-2m": pflash("/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"),
        # Secure Boot, enforcing (tests/boot/test_secure_boot.py): the build
        # with Secure Boot and SMM, whose variable store only SMM code may
        # write (hence smm=on and the secure flash), and Debian's variables
        # with the snakeoil test key enrolled as PK, KEK and db. Only loaders
        # signed with that key boot.
        "ovmf-4m-secure-boot": pflash("/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
            "/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd", machine_options=["smm=on"],
            arguments=["-global", "driver=cfi.pflash01,property=secure,value=on"]),
        # The same code with Microsoft's keys enrolled, as PCs ship: what
        # starts Debian's shim, which Microsoft signed (test_secure_boot.py).
        "ovmf-4m-microsoft": pflash("/usr/share/OVMF/OVMF_CODE_4M.ms.fd",
            "/usr/share/OVMF/OVMF_VARS_4M.ms.fd", machine_options=["smm=on"],
            arguments=["-global", "driver=cfi.pflash01,property=secure,value=on"]),
    },
    loader="BOOTX64.efi",
    kernel="kernel_x86_64",
    image_suffix="",
    # The kernel writes 0x10 (pass) or 0x11 (fail) to isa-debug-exit, which
    # ends QEMU with (value << 1) | 1.
    exit_statuses=(33, 35),
    exit_device=["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"],
    exception_markers=("X64 Exception", "!!!!"),
    wrong_machine="wrong machine (expected x86_64)",
    disks=_x86_disks(),
    boot_name="BOOTX64.EFI",
)

# ArmVirtQemu's boot manager waits 5 s for a key before its first boot
# option, unless QEMU's boot menu says otherwise: menu=on with a splash time
# of 0 ms is a wait of 0 s (EDK2's GetFrontPageTimeoutFromQemu). An AAVMF
# boot then takes 1.3 s instead of 6.3 s under TCG here. OVMF waits for
# nothing already.
NO_FRONT_PAGE_WAIT = ("-boot", "menu=on,splash-time=0")

ARM64 = Port(
    name="arm64",
    qemu="qemu-system-aarch64",
    machine="virt",
    cpu="cortex-a57",
    firmwares={
        # Debian's AAVMF: 64 MiB code and variable flashes.
        "aavmf": pflash("/usr/share/AAVMF/AAVMF_CODE.fd", "/usr/share/AAVMF/AAVMF_VARS.fd",
            arguments=NO_FRONT_PAGE_WAIT),
        # The same EDK2 as a 2 MiB ROM, without a variable store.
        "qemu-efi": bios("/usr/share/qemu-efi-aarch64/QEMU_EFI.fd",
            arguments=NO_FRONT_PAGE_WAIT),
        # Secure Boot, enforcing (tests/boot/test_secure_boot.py): the same
        # code, with Debian's variables that enrol the snakeoil test key as
        # PK, KEK and db.
        "aavmf-secure-boot": pflash("/usr/share/AAVMF/AAVMF_CODE.snakeoil.fd",
            "/usr/share/AAVMF/AAVMF_VARS.snakeoil.fd", arguments=NO_FRONT_PAGE_WAIT),
        # The same code with Microsoft's keys enrolled: what starts Debian's
        # arm64 shim, which Microsoft signed (test_secure_boot.py).
        "aavmf-microsoft": pflash("/usr/share/AAVMF/AAVMF_CODE.ms.fd",
            "/usr/share/AAVMF/AAVMF_VARS.ms.fd", arguments=NO_FRONT_PAGE_WAIT),
        # U-Boot's UEFI, which finds its disk on virtio-mmio.
        "u-boot": bios("/usr/lib/u-boot/qemu_arm64/u-boot.bin", disk="virtio-mmio",
            boot_manager=None),
        # A Raspberry Pi 3 B (QEMU's raspi3b: four Cortex-A53 at EL2, 1 GiB):
        # Debian's U-Boot for the Pi, started as the Pi's boot ROM would,
        # with the Pi's device tree from Debian's arm64 kernel. It has no
        # PSCI: its CPUs wait in a spin-table. Its console is the mini UART,
        # QEMU's second serial port. configure fetches both files.
        "u-boot-rpi3": Firmware("kernel",
            guest_file("u-boot-rpi/usr/lib/u-boot/rpi_arm64/u-boot.bin"), None, "sd", (),
            ("-dtb", guest_file("linux-arm64-full/usr/lib/linux-image-*/broadcom/"
                "bcm2837-rpi-3-b.dtb"), "-serial", "null"),
            None, machine="raspi3b", memory="1G"),
    },
    loader="BOOTAA64.efi",
    kernel="kernel_arm64",
    image_suffix="-arm64",
    # The kernel ends with semihosting SYS_EXIT (ADP_Stopped_ApplicationExit
    # and a code): QEMU exits with the code itself, 0x10 pass, 0x11 fail.
    exit_statuses=(16, 17),
    exit_device=["-semihosting"],
    # EDK2 on AArch64 dumps "Synchronous Exception at ..."; U-Boot says
    # "Synchronous Abort" (or another kind) and resets.
    exception_markers=("Synchronous Exception", "Synchronous Abort", "SError", "!!!!",
        "resetting ..."),
    wrong_machine="wrong machine (expected AArch64)",
    disks=_arm64_disks(),
    boot_name="BOOTAA64.EFI",
)

PORTS = {port.name: port for port in (X86_64, ARM64)}
ALL = list(PORTS.values())


def ids(port):
    """pytest ids: [x86_64], [arm64]."""
    return port.name
