# SPDX-License-Identifier: MIT
"""Real software started through the boot menu (x86_64, OVMF): Debian's
kernel through its EFI stub, with two initrds that the loader serves through
LoadFile2 (the Linux initrd media device path), and memtest86+ chainloaded as
an EFI application with a command line; and Debian's kernel and initrds
fetched over TFTP after a network boot. On arm64 (AAVMF), Debian's arm64
kernel the same way, from guests-arm64.img (linux-image-*-cloud-arm64 and
busybox-static:arm64, with tests/boot/configs/guests-arm64.cfg); and on a
Raspberry Pi 3 B under U-Boot for the Pi, Debian's full arm64 kernel, from
guests-rpi3.img (linux-image-*-arm64 and u-boot-rpi:arm64, with
tests/boot/configs/guests-rpi3.cfg).

./configure fetches the software into generated/guests/ (linux-image-*-cloud-
amd64, busybox-static, memtest86+); tests/boot/Jamfile builds guests.img from
it with tests/boot/configs/guests.cfg and two archives from
build/scripts/make-initramfs. The guest's /init (tests/guests/linux/init)
reports on the serial line in "GUEST ..." lines and powers off. Without the
fetched software these tests skip; with it, a missing image is a failure."""

import glob
import os
import re
import shutil
import subprocess

import pytest

import efivars
import ports
import qemu
import shim
from contents import mtools, partition_guid, volume_files
from serial_console import END, ENTER, SerialConsole

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUESTS = os.path.join(TOP, "generated", "guests")
INITRAMFS = os.path.join(TOP, "generated", "initramfs")
IMAGE = "guests.img"
CONFIG = os.path.join(TOP, "tests", "boot", "configs", "guests.cfg")
MARKERS = os.path.join(TOP, "tests", "guests", "linux", "markers")

# What ./configure unpacks, by the package it comes from.
ASSETS = {
    "linux-image-*-cloud-amd64": os.path.join(GUESTS, "linux", "boot", "vmlinuz-*"),
    "busybox-static": os.path.join(GUESTS, "busybox", "bin", "busybox"),
    "memtest86+": os.path.join(GUESTS, "memtest", "boot", "memtest86+x64.efi"),
}
ARM64_ASSETS = {
    "linux-image-*-cloud-arm64": os.path.join(GUESTS, "linux-arm64", "boot", "vmlinuz-*"),
    "busybox-static:arm64": os.path.join(GUESTS, "busybox-arm64", "bin", "busybox"),
}
ARM64_IMAGE = "guests-arm64.img"
ARM64_CONFIG = os.path.join(TOP, "tests", "boot", "configs", "guests-arm64.cfg")
RPI3_ASSETS = {
    **ARM64_ASSETS,
    "linux-image-*-arm64": os.path.join(GUESTS, "linux-arm64-full", "boot", "vmlinuz-*"),
    "u-boot-rpi:arm64": os.path.join(GUESTS, "u-boot-rpi", "usr", "lib", "u-boot",
        "rpi_arm64", "u-boot.bin"),
}
RPI3_IMAGE = "guests-rpi3.img"
RPI3_CONFIG = os.path.join(TOP, "tests", "boot", "configs", "guests-rpi3.cfg")


def missing(assets):
    """A skip mark for tests that need packages ./configure did not unpack."""
    absent = [package for package, pattern in assets.items() if not glob.glob(pattern)]
    return pytest.mark.skipif(bool(absent), reason="guest software not fetched ("
        + ", ".join(absent) + "): ./configure unpacks it into generated/guests/ "
        "(it needs apt and the network once)")


needs_guests = missing(ASSETS)
needs_arm64_guests = missing(ARM64_ASSETS)
needs_arm64_stub = missing({**ARM64_ASSETS, "systemd-boot-efi:arm64": os.path.join(GUESTS,
    "systemd-stub-arm64", "usr", "lib", "systemd", "boot", "efi", "linuxaa64.efi.stub")})
needs_rpi3_guests = missing(RPI3_ASSETS)

# The Boot Loader Interface's vendor GUID: /init prints its variables.
LOADER_GUID = "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
# The menu's last help line; U-Boot has no firmware setup to offer.
HELP_MACHINE = r"^m video mode  d default  r reboot  p power off(  f firmware setup)?$"
# Seconds, under TCG: the kernel reaches "GUEST done" about 7.5 s after QEMU
# starts when OVMF hands it over directly; memtest86+ draws its screen after
# about 15 s.
LINUX_TIMEOUT = 120
# Debian's full kernel on the emulated Raspberry Pi 3 reaches "GUEST done"
# about 45 s after QEMU starts.
RPI3_TIMEOUT = 240
MEMTEST_TIMEOUT = 90

# What the kernel says when it did not get its initramfs.
NO_INITRAMFS = ("No initramfs", "Initramfs unpacking failed", "VFS: Cannot open root device",
    "Kernel panic", "No working init found")


def guest_console(request, image=IMAGE, port=ports.X86_64, extra=(), firmware=None):
    """A SerialConsole on a guest image, named after the test, QEMU given extra."""
    assert os.path.exists(os.path.join(TOP, "generated", "images", image)), \
        f"generated/images/{image} is missing although the guest software is there: " \
        "run jam guests (or jam test)"
    return SerialConsole(image, request.node.name, extra=extra, port=port, firmware=firmware)


@pytest.fixture
def guests_console(request):
    """guest_console on guests.img; ended afterwards."""
    console = guest_console(request)
    yield console
    console.close()


def config_entry(title, path=CONFIG):
    """The key = value lines of an entry of guests.cfg (or the configuration
    at path), as (key, value) pairs in order; quotes taken off values."""
    with open(path) as config:
        text = config.read()
    body = re.search(rf'^entry "{re.escape(title)}" \{{\n(.*?)^\}}', text, re.M | re.S)
    assert body, f'no entry "{title}" in {path}'
    return [(key, value.strip('"')) for key, value in
        re.findall(r"^\s*(\w+)\s*=\s*(.*?)\s*$", body[1], re.M)]


def choose(console, title):
    """Waits for the menu, selects the entry of that title by its number and
    starts it."""
    console.expect(r"^Boot menu$", timeout=60)
    menu_start = console.position
    console.expect(HELP_MACHINE)
    menu = console.text()[menu_start:console.position]
    entries = {name: number for number, name in re.findall(r"^[ >] (\d+)\. (.+)$", menu, re.M)}
    if title not in entries:
        problems = re.findall(r"^config: .*$", console.text(), re.M)
        pytest.fail(f'no entry "{title}" in the menu (it has {sorted(entries)}); the '
            "loader's configuration problems:\n" + "\n".join(problems))
    number = entries[title]
    selected = re.search(r"^> (\d+)\. ", menu, re.M)
    # A key for the entry already selected draws nothing new.
    if not selected or selected[1] != number:
        console.send_keys(number)
        console.expect(rf"^> {number}\. {re.escape(title)}$")
    console.send_keys(ENTER)
    console.expect(rf'^Booting "{re.escape(title)}"$')


class GuestReport:
    """The guest /init's "GUEST ..." lines of a transcript."""

    def __init__(self, text):
        self.text = text
        lines = [line for line in text.splitlines() if line.startswith("GUEST ")]
        self.lines = lines
        self.cmdline = self._value("GUEST cmdline: ")
        self.markers = [line[len("GUEST marker: "):] for line in lines
            if line.startswith("GUEST marker: ")]
        memtotal = self._value("GUEST memtotal-kib: ")
        self.memtotal_kib = int(memtotal) if memtotal and memtotal.isdigit() else None
        dmesg = re.search(r"^GUEST dmesg begin$\n(.*?)^GUEST dmesg end$", text, re.M | re.S)
        self.dmesg = dmesg[1] if dmesg else None
        self.efivarfs = "GUEST efivarfs mounted" in lines
        self.efivarfs_problem = self._value("GUEST efivarfs unavailable: ")
        self.efi_variables = efi_variables(text)
        self.done = "GUEST done" in lines

    def _value(self, prefix):
        values = [line[len(prefix):] for line in self.lines if line.startswith(prefix)]
        assert len(values) <= 1, f"{prefix!r} said {len(values)} times: {values}"
        return values[0] if values else None


def efi_variables(text, guid=LOADER_GUID):
    """The guest's "GUEST efivar <name>-<guid> <hex>" lines as {name:
    (attributes, data)}: efivarfs files start with the variable's 32-bit
    attributes (little-endian), then its data. Only variables of that GUID,
    named without it."""
    variables = {}
    for name, value in re.findall(rf"^GUEST efivar (\S+)-{guid} ([0-9a-f]*)$", text, re.M):
        raw = bytes.fromhex(value)
        assert len(raw) >= 4, f"efivarfs file {name} shorter than its attributes: {value}"
        assert name not in variables, f"variable {name} listed twice"
        variables[name] = (int.from_bytes(raw[:4], "little"), raw[4:])
    return variables


def utf16_string(data):
    """A variable holding a UTF-16LE string, with or without its NUL."""
    assert len(data) % 2 == 0, data
    text = data.decode("utf-16-le")
    return text[:-1] if text.endswith("\0") else text


def test_efivar_lines_decode():
    # The helper the Boot Loader Interface tests use, on lines as /init prints
    # them (attributes 7: non-volatile, boot service and runtime access).
    data = "Haiku loader\0".encode("utf-16-le")
    text = ("GUEST efivar LoaderInfo-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f 07000000"
        + data.hex() + "\n"
        "GUEST efivar Empty-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f 06000000\n"
        "GUEST efivar Boot0001-8be4df61-93ca-11d2-aa0d-00e098032b8c 0700000001\n")
    variables = efi_variables(text)
    assert variables == {"LoaderInfo": (7, data), "Empty": (6, b"")}
    assert utf16_string(variables["LoaderInfo"][1]) == "Haiku loader"


def esp_partition_guid(image=IMAGE):
    """The ESP's unique partition GUID, as sgdisk reads it from the image."""
    return partition_guid(os.path.join(TOP, "generated", "images", image))


# The Boot Loader Interface features the loader honours (src/system/boot/
# loader/bli.c): timeouts, default and one-shot entries, boot counting,
# XBOOTLDR, sort-key, @saved.
FEATURES = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 9) | (1 << 10)
# Volatile, with boot-service and runtime access: for this boot only.
VOLATILE = 0x6


def check_boot_loader_interface(report, selected, entries, image=IMAGE, firmware="EDK II "):
    """Asserts the variables a booted Linux reads about its loader: that they
    say what the loader did (selected: the entry's id, entries: all ids in
    menu order; firmware: how the firmware's vendor begins) and that nothing
    outlives the boot."""
    variables = report.efi_variables
    strings = {name: utf16_string(data) for name, (attributes, data) in variables.items()
        if name != "LoaderFeatures"}
    for name, (attributes, _) in variables.items():
        assert attributes == VOLATILE, (name, hex(attributes))
    assert strings.get("LoaderInfo") == "haiku-style boot loader", strings
    assert strings.get("LoaderEntrySelected") == selected, strings
    assert variables["LoaderEntries"][1].decode("utf-16-le").split("\0")[:-1] == entries
    assert strings.get("LoaderDevicePartUUID", "").upper() == esp_partition_guid(image).upper()
    assert strings.get("LoaderFirmwareType", "").startswith("UEFI 2."), strings
    assert strings.get("LoaderFirmwareInfo", "").startswith(firmware), strings
    # The file the firmware started: removable media's default path.
    loader = "BOOTX64.EFI" if image == IMAGE else "BOOTAA64.EFI"
    assert strings.get("LoaderImageIdentifier", "").upper() == f"\\EFI\\BOOT\\{loader}", \
        strings
    assert int.from_bytes(variables["LoaderFeatures"][1], "little") == FEATURES
    # Microseconds since the machine started: the loader started first, the
    # kernel after it, and both within the minutes a TCG boot takes.
    init = int(strings["LoaderTimeInitUSec"])
    execute = int(strings["LoaderTimeExecUSec"])
    assert 0 < init < execute < 10 * 60 * 1000000, (init, execute)
    # One-shot requests are gone once read.
    assert "LoaderEntryOneShot" not in variables, strings
    assert "LoaderConfigTimeoutOneShot" not in variables, strings


def check_linux_report(text, cmdline, port=ports.X86_64, main="initrd-main.cpio",
        memory_mib=256):
    """Asserts that a transcript of the guest kernel's boot, with its /init's
    report, shows that all the entry asked for arrived (cmdline: the entry's
    command line; main: the port's first archive; memory_mib: what the
    machine has); returns the GuestReport."""
    report = GuestReport(text)
    assert "EFI stub: ERROR" not in text, text[-3000:]
    assert not port.exception_in(text), text[-3000:]
    assert report.lines, f"no GUEST lines: /init never ran\n{text[-3000:]}"
    # The command line exactly as configured: nothing added, nothing lost.
    assert report.cmdline == cmdline, report.lines
    # One marker per archive: the two initrds arrived, one after the other.
    expected = []
    for name in ("main", "extra"):
        with open(os.path.join(MARKERS, name)) as marker:
            expected.append(marker.read().strip())
    assert sorted(report.markers) == sorted(expected), report.lines
    # What the machine has (run-qemu's default: 256 MiB), less what firmware
    # and kernel keep.
    assert report.memtotal_kib and memory_mib * 1024 // 2 < report.memtotal_kib \
        <= memory_mib * 1024, report.lines

    dmesg = report.dmesg
    assert dmesg, text[-3000:]
    # Started through UEFI, and the kernel unpacked the initrd it was given.
    assert re.search(r"\] efi: ", dmesg), dmesg[:3000]
    assert re.search(r"(Trying to unpack rootfs image as initramfs|Unpacking initramfs)",
        dmesg), dmesg
    for problem in NO_INITRAMFS:
        assert problem not in text, dmesg
    # Both archives, whole: the kernel frees the memory the initrd took (in
    # whole pages: x86_64 rounds the end up, arm64 counts only the pages the
    # initrd fills, up to a page less than its size).
    freed = re.search(r"Freeing initrd memory: (\d+)K", dmesg)
    assert freed, dmesg
    size = sum(os.path.getsize(os.path.join(INITRAMFS, name))
        for name in (main, "initrd-extra.cpio"))
    assert int(freed[1]) * 1024 > size - 4096, (freed[0], size)

    # Runtime services work after the handover: efivarfs mounts.
    assert report.efivarfs, f"efivarfs unavailable: {report.efivarfs_problem}"
    assert report.done
    return report


@needs_guests
def test_debian_linux_gets_its_command_line_and_both_initrds(guests_console):
    report = check_linux_report(linux_transcript(guests_console),
        dict(config_entry("Debian Linux"))["cmdline"])
    check_boot_loader_interface(report, "Debian Linux", MENU_IDS)


@needs_guests
def test_debian_linux_booted_from_the_network(request, tmp_path):
    """The way installers and diskless machines boot: OVMF's PXE fetches
    the loader from QEMU's TFTP server, and the loader fetches Debian's
    kernel and both initrds from the same server (no disk at all), then
    starts the kernel through its EFI stub."""
    machine = tmp_path / "tftp" / "debian"
    (machine / "boot").mkdir(parents=True)
    (machine / "linux").mkdir()
    shutil.copyfile(ports.X86_64.loader, machine / "BOOTX64.EFI")
    shutil.copyfile(glob.glob(ASSETS["linux-image-*-cloud-amd64"])[0],
        machine / "linux" / "vmlinuz")
    for name in ("initrd-main.cpio", "initrd-extra.cpio"):
        shutil.copyfile(os.path.join(INITRAMFS, name), machine / "linux" / name)
    cmdline = dict(config_entry("Debian Linux"))["cmdline"]
    (machine / "boot" / "loader.cfg").write_text('timeout = 0\nentry "Debian Linux" {\n'
        '\tlinux = /linux/vmlinuz\n\tinitrd = /linux/initrd-main.cpio\n'
        f'\tinitrd = /linux/initrd-extra.cpio\n\tcmdline = "{cmdline}"\n}}\n')

    log = os.path.join(qemu.LOGS, f"{request.node.name}.serial.log")
    result = qemu.boot(None, log, timeout=LINUX_TIMEOUT, until=r"^GUEST done$",
        netboot=f"{tmp_path / 'tftp'}:debian/BOOTX64.EFI")
    assert not result.timed_out, result.tail(40)
    assert "vfs: vol0: net0, server TFTP" in result.log, result.log[:5000]
    report = check_linux_report(result.log, cmdline)
    strings = {name: utf16_string(data) for name, (_, data) in report.efi_variables.items()
        if name != "LoaderFeatures"}
    assert strings.get("LoaderEntrySelected") == "Debian Linux", strings
    # No partition to name: the loader came from the network.
    assert "LoaderDevicePartUUID" not in strings, strings


def linux_transcript(console, title="Debian Linux"):
    """Boots the entry title to its /init's end; the transcript."""
    choose(console, title)
    console.expect(r"^GUEST done$", timeout=LINUX_TIMEOUT)
    # /init powers off: QEMU ends by itself.
    console.wait(timeout=30)
    return console.text()


# The arm64 guest image's menu: Debian's kernel as Debian ships it, and
# gzip-compressed as Ubuntu ships arm64 kernels; then the unified kernel
# image of the same kernel in systemd's arm64 stub, where ./configure
# fetched the stub.
ARM64_TITLES = ["Debian Linux", "Debian Linux (gzip)", "Boot-check kernel"]
ARM64_UKI_ID = "debian-6.1.0-57-cloud-arm64"
# The model the gzip entry's overlay gives QEMU's tree of the machine, and
# the one QEMU gives it (tests/boot/Jamfile, tests/boot/dtb/model.dts).
ARM64_GUEST_MODEL = "loader,devicetree-test"
QEMU_VIRT_MODEL = "linux,dummy-virt"
ARM64_UKI_TITLE = "Debian GNU/Linux 12 (bookworm) (6.1.0-57-cloud-arm64)"


@needs_arm64_guests
@pytest.mark.parametrize("title", ARM64_TITLES[:2], ids=["image", "gzip"])
def test_debian_arm64_linux_gets_its_command_line_and_both_initrds(request, title):
    """The same checks on arm64: Debian's arm64 kernel (an EFI stub PE image,
    27 MB, uncompressed; or the same gzip-compressed, 9.9 MB, which the
    loader decodes) started by the packed arm64 loader under AAVMF, with the
    arm64 busybox /init reporting what arrived."""
    with guest_console(request, ARM64_IMAGE, ports.ARM64) as console:
        text = linux_transcript(console, title)
    cmdline = dict(config_entry(title, ARM64_CONFIG))["cmdline"]
    report = check_linux_report(text, cmdline, ports.ARM64, "initrd-main-arm64.cpio")
    check_boot_loader_interface(report, title, arm64_menu_ids(), ARM64_IMAGE)
    # Either way the firmware got the Image itself, byte count and all.
    image = glob.glob(ARM64_ASSETS["linux-image-*-cloud-arm64"])[0]
    entry = dict(config_entry(title, ARM64_CONFIG))
    assert f"boot: starting {entry['linux']} ({os.path.getsize(image)} bytes)" in text, \
        text[:5000]
    # The gzip entry's device tree (the machine's, renamed by its overlay)
    # reached Linux in place of the firmware's ACPI tables; the other entry
    # boots on those.
    model = f"Machine model: {ARM64_GUEST_MODEL}"
    assert (model in report.dmesg) == ("devicetree" in entry), report.dmesg[:5000]
    if "devicetree" in entry:
        assert f"Machine model: {QEMU_VIRT_MODEL}" not in report.dmesg, report.dmesg[:5000]


@needs_arm64_guests
def test_the_loaders_own_arm64_kernel_gets_the_entrys_device_tree(request):
    """A kernel entry's tree on arm64 under AAVMF: QEMU's tree of a
    one-CPU machine with the overlays, one of which adds a second CPU, in a
    region the kernel keeps, named by kernel_args.device_tree. The machine
    has two CPUs; with disable_acpi the firmware describes none, so the
    loader finds the second in the entry's tree alone and starts it through
    the tree's /psci; the boot checks read the tree's header and CPUs by
    its physical address and pass."""
    with guest_console(request, ARM64_IMAGE, ports.ARM64, extra=["-smp", "2"]) as console:
        choose(console, "Boot-check kernel")
        console.expect(r"^BOOTCHECK PASS$", timeout=60)
        text = console.text()
    merged = re.search(r"^boot: device tree overlays applied: 2 \((\d+) bytes\)", text, re.M)
    assert merged, text[-5000:]
    assert re.search(rf"device tree 0x[0-9a-f]+ \({merged[1]} bytes\)", text), text[-5000:]
    assert "efi: the device tree lists 2 CPU(s)" in text, text[-5000:]
    assert "efi: PSCI through HVC" in text, text[-5000:]
    assert "cpus: 2 of 2 CPUs reported in" in text, text[-5000:]
    assert re.search(r"^CHECK cpus_firmware: ok", text, re.M), text[-5000:]


def test_u_boot_fixes_up_the_tree_of_the_loaders_own_kernel(request):
    """The same entry under U-Boot, whose tree fix-up protocol adds to the
    entry's tree what only the firmware knows (on a real board, the memory
    it has and what it reserved), as it does for Linux's: the kernel gets
    the fixed tree, larger by the room U-Boot asked for, and its CPUs."""
    with guest_console(request, ARM64_IMAGE, ports.ARM64, extra=["-smp", "2"],
            firmware="u-boot") as console:
        choose(console, "Boot-check kernel")
        console.expect(r"^BOOTCHECK PASS$", timeout=60)
        text = console.text()
    merged = re.search(r"^boot: device tree overlays applied: 2 \((\d+) bytes\)", text, re.M)
    assert merged, text[-5000:]
    fixed = re.search(rf"^efi: device tree of {merged[1]} bytes fixed up by the firmware: "
        r"(\d+) bytes$", text, re.M)
    assert fixed and int(fixed[1]) > int(merged[1]), text[-5000:]
    assert re.search(rf"device tree 0x[0-9a-f]+ \({fixed[1]} bytes\)", text), text[-5000:]
    assert "cpus: 2 of 2 CPUs reported in" in text, text[-5000:]
    assert re.search(r"^CHECK cpus_firmware: ok", text, re.M), text[-5000:]


def arm64_menu_ids():
    """The arm64 guest image's entries by their Boot Loader Interface ids."""
    stub = glob.glob(os.path.join(GUESTS, "systemd-stub-arm64", "usr", "lib", "systemd",
        "boot", "efi", "linuxaa64.efi.stub"))
    return ARM64_TITLES + ([ARM64_UKI_ID] if stub else [])


@needs_arm64_stub
def test_debian_arm64_linux_as_a_unified_kernel_image(request):
    """The Type #2 entry on arm64: Debian's arm64 kernel and both archives
    in systemd's arm64 stub, found in /EFI/Linux on the ESP and started
    under AAVMF without load options; the stub gives the kernel the image's
    command line and initrd."""
    with guest_console(request, ARM64_IMAGE, ports.ARM64) as console:
        text = linux_transcript(console, ARM64_UKI_TITLE)
    with open(os.path.join(TOP, "tests", "boot", "bls", "uki", "cmdline-arm64")) as file:
        cmdline = file.read().strip()
    report = check_linux_report(text, cmdline, ports.ARM64, "initrd-main-arm64.cpio")
    check_boot_loader_interface(report, ARM64_UKI_ID, arm64_menu_ids(), ARM64_IMAGE)
    image = os.path.join(TOP, "generated", "uki", "debian-6.1-arm64.efi")
    started = (f"boot: starting (disk0p1)/EFI/Linux/{ARM64_UKI_ID}.efi "
        f"({os.path.getsize(image)} bytes)")
    assert started + "\n" in text.replace("\r", ""), text[:6000]


@needs_rpi3_guests
def test_debian_linux_on_a_raspberry_pi_3(request):
    """A real board's firmware and a kernel built for real boards: Debian's
    full arm64 kernel, started by the arm64 loader under Debian's U-Boot for
    the Pi on QEMU's Raspberry Pi 3 B (no PSCI; its CPUs in a spin-table;
    the console on the mini UART), gets its command line, both initrds and
    the tree U-Boot gives (the kernel package's tree for the Pi, which QEMU
    hands U-Boot) with the entry's overlay applied, which renames its model;
    the loader has U-Boot fix the result up (its memory reservations,
    /chosen) and installs it in place of U-Boot's own for the EFI stub. The
    entry starts without a menu: the menu is on the Pi's screen."""
    log = os.path.join(qemu.LOGS, f"{request.node.name}.serial.log")
    result = qemu.boot(RPI3_IMAGE, log, timeout=RPI3_TIMEOUT, port=ports.ARM64,
        firmware="u-boot-rpi3", until=r"^GUEST done$")
    assert not result.timed_out, result.tail(40)
    cmdline = dict(config_entry("Debian Linux", RPI3_CONFIG))["cmdline"]
    report = check_linux_report(result.log, cmdline, ports.ARM64, "initrd-main-rpi3.cpio",
        memory_mib=1024)
    check_boot_loader_interface(report, "Debian Linux", ["Debian Linux"], RPI3_IMAGE,
        firmware="Das U-Boot")
    dmesg = report.dmesg
    # U-Boot's tree with the overlay, fixed up, reached Linux, which started the other
    # three CPUs from the spin-table itself.
    merged = re.search(r"^boot: device tree overlays applied: 1 \((\d+) bytes\)",
        result.log, re.M)
    assert merged, result.log[:5000]
    assert re.search(rf"^efi: device tree of {merged.group(1)} bytes fixed up by the firmware",
        result.log, re.M), result.log[:5000]
    assert f"Machine model: {ARM64_GUEST_MODEL}" in dmesg, dmesg[:3000]
    assert re.search(r"smp: Brought up 1 node, 4 CPUs", dmesg), dmesg


# The unified kernel image on the XBOOTLDR partition (tests/boot/bls/uki,
# built by build/scripts/make-uki): its title is its os-release's
# PRETTY_NAME and the kernel's release, from its .osrel and .uname sections.
UKI_TITLE = "Debian GNU/Linux 12 (bookworm) (6.1.0-57-cloud-amd64)"
UKI = os.path.join(TOP, "generated", "uki", "debian-6.1.efi")
SECURE_BOOT = os.path.join(TOP, "generated", "secure-boot")
SNAKEOIL_CERT = "/usr/share/ovmf/PkKek-1-snakeoil.pem"
UKI_CMDLINE = os.path.join(TOP, "tests", "boot", "bls", "uki", "cmdline")

# The menu's titles in order, for MENU_IDS.
MENU_TITLES = ["Debian Linux", "memtest86+", "Echo", "Boot-check kernel", UKI_TITLE,
    "Debian GNU/Linux 6.1 (BLS)", "Debian GNU/Linux 5.10 (BLS)", "Echo (BLS)",
    "Windows Boot Manager"]


def first_menu_titles(text):
    """The titles of the entries of the first menu drawn in text, in order."""
    menu = re.search(r"^Boot menu$(.*?)" + HELP_MACHINE[1:], text, re.M | re.S)
    assert menu, text[-3000:]
    return [title for _, title in re.findall(r"^[ >] (\d+)\. (.+)$", menu[1], re.M)]


@needs_guests
def test_bls_entries_follow_the_configuration_in_specification_order(guests_console):
    # tests/boot/bls: Debian's two kernels on the XBOOTLDR partition share a
    # sort key and machine id, so the newer version comes first; the unified
    # kernel image's sort key (its os-release ID) is theirs too, and having
    # no machine id it comes before them; the ESP's entry has no sort key and
    # comes last; the arm64 entry is hidden. The ESP's entry starts our echo
    # application with the entry's options.
    console = guests_console
    choose(console, "Echo (BLS)")
    assert first_menu_titles(console.text()) == MENU_TITLES
    # No entry file has a problem the menu would list.
    assert not re.search(r"/loader/entries/\S+\.conf:(\d+:)? ", console.text()), \
        console.text()
    console.expect(r"^ECHO-APP options: bls  entry$", timeout=60)
    console.expect(r"^ECHO-APP file: \\EFI\\tools\\echo\.efi$")
    console.expect(r"^boot: \(disk0p1\)/EFI/tools/echo\.efi returned: EFI_ABORTED")


def loader_variable_store(tmp_path, name, value):
    """A copy of OVMF's variable store with one Boot Loader Interface
    variable set, non-volatile, as bootctl leaves it; its path."""
    store_path = tmp_path / "vars.fd"
    shutil.copyfile(ports.X86_64.firmwares[ports.X86_64.default_firmware].vars, store_path)
    store = efivars.Store.load(store_path)
    store.set_string(LOADER_GUID, name, value)
    store.save()
    return store_path


@needs_guests
def test_a_one_shot_entry_boots_once_without_the_menu_and_is_counted(request, tmp_path):
    # What `bootctl set-oneshot debian-6.1` leaves: LoaderEntryOneShot,
    # non-volatile, in the firmware's store. guests.cfg waits in the menu for
    # ever; the request must skip it, boot the Type #1 entry on the XBOOTLDR
    # partition, and be used up, so that the next boot shows the menu again.
    # The entry's file carries a boot counter, as kernel-install writes it
    # with /etc/kernel/tries: OVMF's FAT driver renames it for the try, on a
    # copy of the image that keeps the guest's writes, and Linux reads the
    # new name where systemd-bless-boot looks for it.
    store_path = loader_variable_store(tmp_path, "LoaderEntryOneShot", "debian-6.1")
    image = str(tmp_path / IMAGE)
    shutil.copyfile(os.path.join(TOP, "generated", "images", IMAGE), image)
    mtools(["mren"], image, 2, "/loader/entries/debian-6.1.conf",
        "/loader/entries/debian-6.1+3.conf")

    with SerialConsole(image, request.node.name, variables=store_path,
            writable=True) as console:
        console.expect(r"^GUEST done$", timeout=LINUX_TIMEOUT)
        console.wait(timeout=30)
        text = console.text()
    assert "Boot menu" not in text, text[-3000:]
    report = check_linux_report(text, "console=ttyS0,115200 panic=-1 guest.test=bls quiet")
    check_boot_loader_interface(report, "debian-6.1", MENU_IDS)
    assert efivars.Store.load(store_path).get(LOADER_GUID, "LoaderEntryOneShot") is None
    assert utf16_string(report.efi_variables["LoaderBootCountPath"][1]) \
        == "\\loader\\entries\\debian-6.1+2-1.conf"
    assert "debian-6.1+2-1.conf" in volume_files(image, "/loader/entries", 2)

    # The next boot shows the menu; there d makes the older kernel the
    # default of later boots, in the firmware's own store, as bootctl
    # set-default would.
    with SerialConsole(image, request.node.name + "-again", variables=store_path) as console:
        console.expect(HELP_MACHINE, timeout=60)
        assert "GUEST " not in console.text()
        number = MENU_IDS.index("debian-5.10") + 1
        console.send_keys(str(number))
        console.expect(rf"^> {number}\. Debian GNU/Linux 5\.10 \(BLS\)$")
        console.send_keys("d")
        console.expect(r'^Note: "Debian GNU/Linux 5\.10 \(BLS\)" is the default entry from now on$')
    default = efivars.Store.load(store_path).get(LOADER_GUID, "LoaderEntryDefault")
    assert default is not None and default.string() == "debian-5.10"
    # non-volatile, boot-service and runtime access, like bootctl's
    assert default.attributes == 0x7, hex(default.attributes)


@needs_guests
def test_bootctl_can_reboot_into_the_windows_boot_manager_found_on_the_esp(request, tmp_path):
    # `systemctl reboot --boot-loader-entry=auto-windows` from Linux: the
    # request names the entry the loader finds by itself, by systemd-boot's
    # id. OVMF starts the file where Windows keeps its boot manager (our
    # echo application) at once, without the menu.
    store_path = loader_variable_store(tmp_path, "LoaderEntryOneShot", "auto-windows")
    with SerialConsole(IMAGE, request.node.name, variables=store_path) as console:
        console.expect(r"^ECHO-APP file: \\EFI\\Microsoft\\Boot\\bootmgfw\.efi$", timeout=60)
        console.expect(r"^boot: \(disk0p1\)/EFI/Microsoft/Boot/bootmgfw\.efi returned: "
            "EFI_ABORTED")
        text = console.text()
    assert "Boot menu" not in text.split("ECHO-APP")[0], text[-3000:]
    assert efivars.Store.load(store_path).get(LOADER_GUID, "LoaderEntryOneShot") is None


def other_system_disk(tmp_path, application):
    """A second GPT disk whose ESP holds only application as the firmware's
    default loader, as an installer's stick or another system's disk does."""
    volume = tmp_path / "other-esp.img"
    subprocess.run(["truncate", "-s", "32M", str(volume)], check=True)
    subprocess.run(["mkfs.fat", str(volume)], check=True, capture_output=True)
    subprocess.run(["mmd", "-i", str(volume), "::/EFI", "::/EFI/BOOT"], check=True)
    subprocess.run(["mcopy", "-i", str(volume), application, "::/EFI/BOOT/BOOTX64.EFI"],
        check=True)
    image = tmp_path / "other.img"
    subprocess.run(["truncate", "-s", "40M", str(image)], check=True)
    subprocess.run(["sfdisk", "-q", str(image)], check=True, text=True,
        input="label: gpt\nstart=2048, size=65536, type=U\n")
    with open(image, "r+b") as disk, open(volume, "rb") as data:
        disk.seek(2048 * 512)
        disk.write(data.read())
    return str(image)


@needs_guests
def test_the_default_loader_of_another_disk_is_offered_by_systemd_boots_id(request, tmp_path):
    # The disk the firmware would have started had it come first: the
    # loader offers its \EFI\BOOT\BOOTX64.EFI (the echo application here)
    # as auto-efi-default and starts it from that disk, not from its own.
    other = other_system_disk(tmp_path, os.path.join(TOP, "generated", "efi", "guest_echo.efi"))
    store_path = loader_variable_store(tmp_path, "LoaderEntryOneShot", "auto-efi-default")
    with SerialConsole(IMAGE, request.node.name, variables=store_path,
            extra=["-drive", f"format=raw,snapshot=on,file={other}"]) as console:
        console.expect(r"^ECHO-APP file: \\efi\\boot\\bootx64\.efi$", timeout=60)
        console.expect(r"^ECHO-APP volume: a file system$")
        console.expect(r"^boot: \(disk1p1\)/efi/boot/bootx64\.efi returned: "
            "EFI_ABORTED")


@needs_guests
def test_saved_selects_the_entry_that_started_last(request, tmp_path):
    # `bootctl set-default @saved`: the loader keeps the id of the entry
    # that starts in LoaderEntryLastBooted, non-volatile, in the firmware's
    # own store, and the next boot selects it.
    store_path = loader_variable_store(tmp_path, "LoaderEntryDefault", "@saved")
    with SerialConsole(IMAGE, request.node.name, variables=store_path) as console:
        choose(console, "Echo (BLS)")
        console.expect(r"^boot: \(disk0p1\)/EFI/tools/echo\.efi returned: EFI_ABORTED",
            timeout=60)
    saved = efivars.Store.load(store_path).get(LOADER_GUID, "LoaderEntryLastBooted")
    assert saved is not None and saved.string() == "echo"
    # non-volatile, boot-service and runtime access, as systemd-boot keeps it
    assert saved.attributes == 0x7, hex(saved.attributes)

    with SerialConsole(IMAGE, request.node.name + "-again", variables=store_path) as console:
        console.expect(HELP_MACHINE, timeout=60)
        text = console.text()
    number = MENU_IDS.index("echo") + 1
    assert re.search(rf"^> {number}\. Echo \(BLS\)$", text, re.M), text[-3000:]


@needs_guests
def test_memtest_gets_its_command_line(guests_console):
    # memtest86+ draws its screen on the serial line only when its command
    # line (the image's load options) says console=ttyS0.
    console = guests_console
    choose(console, "memtest86+")
    console.expect(r"Memtest86\+ v\d+\.\d+", timeout=MEMTEST_TIMEOUT)
    console.expect(r"Status: (Init|Testing)", timeout=30)
    assert not ports.X86_64.exception_in(console.text()), console.text()[-3000:]


ECHO_RUNS = 20

# The menu's entries by their Boot Loader Interface ids: those of guests.cfg
# by title, then those of tests/boot/bls by file name without ".conf" or
# ".efi", in the specification's order (the arm64 one is hidden), then the
# one the loader found, by systemd-boot's name.
MENU_IDS = ["Debian Linux", "memtest86+", "Echo", "Boot-check kernel",
    "debian-6.1.0-57-cloud-amd64", "debian-6.1", "debian-5.10", "echo", "auto-windows"]


@needs_guests
def test_debian_linux_as_a_unified_kernel_image(guests_console):
    """A Type #2 entry: Debian's kernel and both initrds in one EFI
    executable with systemd's stub, found in /EFI/Linux on the XBOOTLDR
    partition and started whole; the stub hands the kernel the image's own
    command line and initrd. The loader passes no load options, so that the
    stub uses (and measures) only what the image holds."""
    console = guests_console
    choose(console, UKI_TITLE)
    console.expect(r"^GUEST done$", timeout=LINUX_TIMEOUT)
    console.wait(timeout=30)
    text = console.text()
    with open(UKI_CMDLINE) as file:
        cmdline = file.read().strip()
    report = check_linux_report(text, cmdline)
    check_boot_loader_interface(report, "debian-6.1.0-57-cloud-amd64", MENU_IDS)
    started = ("boot: starting (disk0p2)/EFI/Linux/debian-6.1.0-57-cloud-amd64.efi "
        f"({os.path.getsize(UKI)} bytes)")
    assert started + "\n" in text.replace("\r", ""), text[:6000]


@needs_guests
def test_a_signed_unified_kernel_image_boots_under_secure_boot(request, tmp_path):
    """What unified kernel images are for: Secure Boot enforcing (OVMF with
    Debian's snakeoil key enrolled), the signed loader without a
    configuration, and two copies of the Debian image in /EFI/Linux, one
    signed with the snakeoil key by sbsign and one not. The unsigned one
    sorts first and boots at once: the firmware's LoadImage refuses it and
    the loader says so in the menu. The signed one then boots Debian with
    the image's own command line. Both carry boot counters: the firmware's
    FAT driver renames each for its try, the refused one too, on the
    image, which keeps the guest's writes."""
    signed = snakeoil_signed_uki(tmp_path)
    image = tmp_path / "secure-uki.img"
    subprocess.run([os.path.join(TOP, "build", "scripts", "make-image"), "--size", "96",
        "--extra-file", f"{signed}:/EFI/Linux/debian-signed+3.efi",
        "--extra-file", f"{UKI}:/EFI/Linux/debian-unsigned+1.efi", str(image),
        os.path.join(SECURE_BOOT, "BOOTX64-signed.efi"), ports.X86_64.kernel], check=True)

    with SerialConsole(str(image), request.node.name, firmware="ovmf-4m-secure-boot",
            writable=True) as console:
        text, report = refused_then_signed_booted(console, "debian-unsigned+0-1.efi",
            "EFI_ACCESS_DENIED")
    # the log names the image as the firmware gets it: renamed for this try
    assert "boot: starting (disk0p1)/EFI/Linux/debian-signed+2-1.efi" in text, text[:6000]
    assert utf16_string(report.efi_variables["LoaderBootCountPath"][1]) \
        == "\\EFI\\Linux\\debian-signed+2-1.efi"
    assert volume_files(image, "/EFI/Linux") == ["debian-signed+2-1.efi",
        "debian-unsigned+0-1.efi"]


def refused_then_signed_booted(console, refused, status):
    """The unsigned image refused, with status, and named in the menu; then
    entry 2, the signed image, booted to Debian's report, which found
    Secure Boot on (the kernel locked itself down). (text, report)."""
    console.expect(rf"^boot: cannot start \(disk0p1\)/EFI/Linux/{re.escape(refused)}: "
        rf"the firmware's Secure Boot refused \(disk0p1\)/EFI/Linux/{re.escape(refused)} "
        rf"\({status}\)$", timeout=LINUX_TIMEOUT)
    console.expect(HELP_MACHINE)
    console.send_keys("2", ENTER)
    console.expect(rf'^Booting "{re.escape(UKI_TITLE)}"$')
    console.expect(r"^GUEST done$", timeout=LINUX_TIMEOUT)
    console.wait(timeout=30)
    text = console.text()
    with open(UKI_CMDLINE) as file:
        report = check_linux_report(text, file.read().strip())
    assert "secureboot: Secure boot enabled" in report.dmesg, report.dmesg[:3000]
    return text, report


def snakeoil_signed_uki(tmp_path):
    """Debian's unified kernel image, signed with the snakeoil key."""
    signed = tmp_path / "signed.efi"
    subprocess.run([os.path.join(TOP, "build", "scripts", "sign-efi"), "--key",
        os.path.join(SECURE_BOOT, "snakeoil.key"), "--cert", SNAKEOIL_CERT, UKI,
        str(signed)], check=True)
    return signed


@needs_guests
def test_shim_checks_what_the_loader_starts(request, tmp_path):
    """The chain a distribution ships on a PC with Microsoft's keys: the
    firmware starts shim by Microsoft's signature, shim the signed loader
    by the snakeoil certificate in its MokList (tests/boot/shim.py), and
    what the loader starts goes through shim's check too, which the
    firmware's db alone (Microsoft's keys) would refuse: the unsigned copy
    of Debian's unified kernel image, which sorts first and starts at once,
    is refused by shim and named in the menu; the snakeoil-signed one boots
    Debian, which finds Secure Boot on."""
    shim.require(ports.X86_64)
    variables = shim.variables(ports.X86_64, tmp_path / "vars.fd", subprocess.run(["openssl",
        "x509", "-in", SNAKEOIL_CERT, "-outform", "DER"], capture_output=True,
        check=True).stdout)
    image = shim.disk(ports.X86_64, tmp_path, os.path.join(SECURE_BOOT, "BOOTX64-signed.efi"),
        [(snakeoil_signed_uki(tmp_path), "/EFI/Linux/debian-signed.efi"),
            (UKI, "/EFI/Linux/debian-unsigned.efi")], blocks=200000)
    with SerialConsole(image, request.node.name, firmware=shim.SHIMS["x86_64"].firmware,
            variables=variables) as console:
        text, _ = refused_then_signed_booted(console, "debian-unsigned.efi",
            "EFI_SECURITY_VIOLATION")
    assert "boot: starting (disk0p1)/EFI/Linux/debian-signed.efi" in text, text[:6000]


@needs_guests
def test_an_edited_command_line_replaces_the_unified_kernel_image_s_own(guests_console):
    # Outside Secure Boot, systemd's stub takes load options over its
    # .cmdline: the menu's editor reaches the kernel.
    console = guests_console
    with open(UKI_CMDLINE) as file:
        cmdline = file.read().strip()
    console.expect(r"^Boot menu$", timeout=60)
    console.expect(HELP_MACHINE)
    number = MENU_TITLES.index(UKI_TITLE) + 1
    console.send_keys(str(number))
    console.expect(rf"^> {number}\. {re.escape(UKI_TITLE)}$")
    console.expect(rf'^Command line: "{re.escape(cmdline)}"$')
    console.send_keys("e")
    console.expect(rf"^Command line> {re.escape(cmdline)}$")
    console.send_keys(END, " edited=1")
    console.send_keys(ENTER)
    console.expect(rf'^Command line: "{re.escape(cmdline)} edited=1"$')
    console.send_keys(ENTER)
    console.expect(r"^GUEST done$", timeout=LINUX_TIMEOUT)
    console.wait(timeout=30)
    check_linux_report(console.text(), cmdline + " edited=1")


@needs_guests
def test_an_efi_application_returns_to_the_menu_twenty_times_then_the_kernel_boots(
        guests_console):
    # Our own application (tests/boot/guest_echo.c) prints its load options,
    # the file its device path names, whether its device has a file system
    # and the size of the device tree it finds (its entry names one), then
    # exits with EFI_ABORTED and exit data. Every run must end in the menu
    # with that reason, leave the firmware's free memory as it was (the
    # tree's copy freed too), and the kernel must boot afterwards with no
    # loader memory leaked.
    console = guests_console
    options = dict(config_entry("Echo"))["cmdline"]
    tree = os.path.getsize(os.path.join(TOP, "generated", "dtb", "echo.dtb"))
    free = []
    for run in range(ECHO_RUNS):
        choose(console, "Echo")
        console.expect(rf"^ECHO-APP options: {re.escape(options)}$", timeout=60)
        console.expect(r"^ECHO-APP file: \\EFI\\tools\\echo\.efi$")
        console.expect(r"^ECHO-APP volume: a file system$")
        console.expect(rf"^ECHO-APP device tree: {tree}$")
        match = console.expect(
            r"^efi: after \(disk0p1\)/EFI/tools/echo\.efi, (\d+) KiB of memory are free$")
        free.append(int(match[1]))
        console.expect(
            r"^boot: \(disk0p1\)/EFI/tools/echo\.efi returned: EFI_ABORTED, echo exit data$")
    # The first run may leave the firmware's own caches grown; later ones must not.
    assert len(set(free[1:])) == 1, free
    # OVMF has no device tree of its own: the loader took the echo's away again.
    choose(console, "Echo (BLS)")
    console.expect(r"^ECHO-APP device tree: none$", timeout=60)
    console.expect(r"^boot: \(disk0p1\)/EFI/tools/echo\.efi returned: EFI_ABORTED")
    choose(console, "Boot-check kernel")
    console.expect(r"^BOOTCHECK PASS$", timeout=60)
    assert "heap: leak" not in console.text()


