# SPDX-License-Identifier: MIT
"""Device tree overlays (fdt_tree.c, fdt_overlay.c, docs/config.md) on the
hosted port: trees and overlays compiled by Debian's dtc, applied by the
loader to an entry's tree or the firmware's, and the tree the port was
handed compared with what fdtoverlay (the same package) makes of the same
files; then every refusal, each naming the file and the reason, with the
menu back."""

import os
import re
import subprocess

import pytest

from test_bls import gpt_disk
from test_menu import Loader, PASSED, tar_disk
from test_verified_boot import KERNEL

# Labels, phandles, a reservation, an alias and nested nodes for the
# overlays to refer to.
BASE = """/dts-v1/;
/memreserve/ 0x10000000 0x1000;
/ {
	model = "base,board";
	compatible = "base,board";
	#address-cells = <1>;
	#size-cells = <1>;
	aliases { serial0 = &uart0; };
	intc: interrupt-controller@1000 {
		reg = <0x1000 0x100>;
		interrupt-controller;
		#interrupt-cells = <1>;
	};
	soc {
		#address-cells = <1>;
		#size-cells = <1>;
		uart0: serial@2000 { reg = <0x2000 0x100>; status = "okay"; };
		i2c0: i2c@3000 {
			reg = <0x3000 0x100>;
			status = "disabled";
			#address-cells = <1>;
			#size-cells = <0>;
		};
		gpio: gpio@4000 { reg = <0x4000 0x100>; gpio-controller; #gpio-cells = <2>; };
	};
	rtc { i2c-bus = <&i2c0>; };
};
"""

# Properties changed and added on a labelled node, new nodes with phandles
# of their own referred to from the overlay itself (__local_fixups__) and
# from the tree (__fixups__), a fragment by path, and labels for the next.
SENSORS = """/dts-v1/;
/plugin/;
&i2c0 {
	status = "okay";
	clock-frequency = <400000>;
	sensor: sensor@48 {
		compatible = "ti,tmp102";
		reg = <0x48>;
		interrupt-parent = <&intc>;
		interrupts = <7>;
		alert-gpios = <&gpio 4 0>;
	};
	mux: mux@70 { compatible = "nxp,pca9548"; reg = <0x70>; };
	eeprom@50 { compatible = "atmel,24c02"; reg = <0x50>; supply = <&mux>; owner = <&sensor 1>; };
};
&{/} {
	model = "overlaid,board";
	leds { compatible = "gpio-leds"; led0: led-0 { gpios = <&gpio 17 0>; label = "green"; }; };
};
&uart0 { status = "disabled"; };
"""

# Labels only the first overlay has, a target-path by alias, and a node
# merged into the namesake the tree has.
LEDS = """/dts-v1/;
/plugin/;
&{/soc} { i2c@3000 { pinctrl-names = "default"; }; };
&sensor { label = "second"; link = <&led0>; };
&led0 { default-state = "on"; };
/ { fragment@9 { target-path = "serial0"; __overlay__ { current-speed = <115200>; }; }; };
"""


def compile_tree(tmp_path, name, source, symbols=True):
    """source compiled by dtc (with __symbols__ and fixups: -@; the boot
    CPU 1, which the header alone says); the bytes."""
    path = tmp_path / f"{name}.dts"
    path.write_text(source)
    out = tmp_path / f"{name}.dtb"
    subprocess.run(["dtc", "-q", *(["-@"] if symbols else []), "-b", "1", "-I", "dts",
        "-O", "dtb", "-o", str(out), str(path)], check=True)
    return out.read_bytes()


def as_source(path):
    """The tree at path as dtc writes it out, nodes and properties sorted."""
    return subprocess.run(["dtc", "-q", "-s", "-I", "dtb", "-O", "dts", str(path)],
        check=True, capture_output=True, text=True).stdout


def fdtoverlay(tmp_path, base, overlays):
    """What fdtoverlay makes of base with overlays (bytes each), as source."""
    paths = []
    for index, data in enumerate([base, *overlays]):
        paths.append(tmp_path / f"reference{index}.dtb")
        paths[-1].write_bytes(data)
    out = tmp_path / "reference.dtb"
    subprocess.run(["fdtoverlay", "-i", str(paths[0]), "-o", str(out),
        *map(str, paths[1:])], check=True)
    return as_source(out)


def overlay_entry(tree=True, overlays=("/board/sensors.dtbo", "/board/leds.dtbo")):
    lines = "".join(f"\tdevicetree_overlay = {path}\n" for path in overlays)
    return ('timeout = 0\nentry "Board" {\n\tlinux = /linux/vmlinuz\n'
        + ("\tdevicetree = /board/base.dtb\n" if tree else "") + lines + "}\n")


def boot_board(tmp_path, config, files, *options):
    """Boots the configuration's one entry from a tar disk of files; the
    loader, stopped where the hosted port declines to start the image, and
    the tree it was handed (None if none)."""
    disk = tar_disk(tmp_path, {"boot/loader.cfg": config, "linux/vmlinuz": "MZ not a kernel",
        **{path.lstrip("/"): data for path, data in files.items()}})
    dump = tmp_path / "handed.dtb"
    loader = Loader("--dump-device-tree", str(dump), *options, "boot.img", disk)
    loader.expect(r"^Error: ")
    assert loader.finish() != PASSED
    return loader, dump if dump.exists() else None


@pytest.fixture
def trees(tmp_path):
    return {"/board/base.dtb": compile_tree(tmp_path, "base", BASE),
        "/board/sensors.dtbo": compile_tree(tmp_path, "sensors", SENSORS),
        "/board/leds.dtbo": compile_tree(tmp_path, "leds", LEDS)}


def test_overlays_merge_into_the_entrys_tree_as_fdtoverlay_merges_them(tmp_path, trees):
    loader, handed = boot_board(tmp_path, overlay_entry(), trees)
    expected = fdtoverlay(tmp_path, trees["/board/base.dtb"],
        [trees["/board/sensors.dtbo"], trees["/board/leds.dtbo"]])
    assert handed is not None, loader.log()
    assert as_source(handed) == expected
    size = os.path.getsize(handed)
    assert f"boot: device tree overlays applied: 2 ({size} bytes)" in loader.log()
    # The boot CPU, which no source shows.
    assert handed.read_bytes()[28:32] == (1).to_bytes(4, "big")
    # What the check is made of: the second overlay found the first's labels.
    assert "link = <0x" in expected and 'current-speed = <0x1c200>' in expected


def test_one_overlay_of_a_tree_without_labels(tmp_path, trees):
    """A tree compiled without -@ takes overlays that name nodes by path,
    with or without the unit address."""
    base = compile_tree(tmp_path, "plain", BASE, symbols=False)
    overlay = compile_tree(tmp_path, "model", '/dts-v1/;\n/plugin/;\n'
        '&{/soc/i2c@3000} { status = "okay"; };\n&{/soc/gpio} { ngpios = <32>; };\n'
        '&{/} { model = "overlaid"; };\n')
    files = {"/board/base.dtb": base, "/board/model.dtbo": overlay}
    loader, handed = boot_board(tmp_path, overlay_entry(overlays=["/board/model.dtbo"]), files)
    assert as_source(handed) == fdtoverlay(tmp_path, base, [overlay])


def test_a_type_1_entry_applies_its_overlays_to_the_firmwares_tree(tmp_path, trees):
    """devicetree-overlay as the Boot Loader Specification has it: several
    on one line, in order, on the entry file's volume; with no devicetree
    key they apply to the tree the firmware gives."""
    firmware = tmp_path / "firmware.dtb"
    firmware.write_bytes(trees["/board/base.dtb"])
    entry = ("title Board\nlinux /vmlinuz\n"
        "devicetree-overlay /board/sensors.dtbo board/leds.dtbo\n")
    disk = gpt_disk(tmp_path, "disk", {"/loader/entries/board.conf": entry,
        "/vmlinuz": "MZ not a kernel", "/board/sensors.dtbo": trees["/board/sensors.dtbo"],
        "/board/leds.dtbo": trees["/board/leds.dtbo"]})
    dump = tmp_path / "handed.dtb"
    loader = Loader("--loader-variable", "LoaderEntryOneShot=board.conf", "--device-tree",
        str(firmware), "--dump-device-tree", str(dump), disk)
    loader.expect(r"^Error: cannot start \(disk0p1\)/vmlinuz: the hosted port has no firmware")
    assert loader.finish() != PASSED
    assert as_source(dump) == fdtoverlay(tmp_path, trees["/board/base.dtb"],
        [trees["/board/sensors.dtbo"], trees["/board/leds.dtbo"]])


# Overlays each refused for one reason, as source (compiled with -@) or
# bytes, and the reason the menu gives.
REFUSED = {
    "unknown-label": ('/dts-v1/;\n/plugin/;\n&nosuch { status = "okay"; };\n',
        "the label nosuch is not in the tree's __symbols__"),
    "missing-path": ('/dts-v1/;\n/plugin/;\n&{/soc/nowhere} { status = "okay"; };\n',
        "fragment@0's target-path /soc/nowhere is no node of the tree"),
    "no-target": ("/dts-v1/;\n/ { fragment@0 { __overlay__ { x = <1>; }; }; };\n",
        "fragment@0 has no target or target-path"),
    "cell-outside": ("/dts-v1/;\n/ { fragment@0 { target = <0xffffffff>; __overlay__ { }; };\n"
        '__fixups__ { i2c0 = "/fragment@0:target:4"; }; };\n',
        'the fixup "/fragment@0:target:4" names no cell of the overlay'),
    "malformed-fixup": ("/dts-v1/;\n/ { fragment@0 { target = <0xffffffff>; __overlay__ { };"
        ' };\n__fixups__ { i2c0 = "/fragment@0:target"; }; };\n',
        'the fixup "/fragment@0:target" is malformed'),
    "local-fixup": ("/dts-v1/;\n/ { fragment@0 { target-path = \"/\"; __overlay__ { }; };\n"
        "__local_fixups__ { fragment@0 { __overlay__ { gone = <0>; }; }; }; };\n",
        "__local_fixups__ name gone of __overlay__, which it has not"),
    "not-a-tree": (b"\x7fELF and not a tree at all, but long enough for a header",
        "not a flattened device tree (no magic 0xd00dfeed)"),
}


@pytest.mark.parametrize("case", REFUSED.keys())
def test_a_bad_overlay_is_refused_with_its_name_and_the_reason(tmp_path, trees, case):
    source, reason = REFUSED[case]
    overlay = source if isinstance(source, bytes) else compile_tree(tmp_path, "bad", source)
    files = dict(trees, **{"/board/bad.dtbo": overlay})
    config = overlay_entry(overlays=["/board/sensors.dtbo", "/board/bad.dtbo"])
    loader, handed = boot_board(tmp_path, config, files)
    verb = "load" if case == "not-a-tree" else "apply"
    line = (f"cannot load the device tree overlay: /board/bad.dtbo: {reason}"
        if verb == "load" else f"cannot apply the device tree overlay /board/bad.dtbo: {reason}")
    assert f"boot: {line}\n" in loader.log(), loader.log()
    assert handed is None and "host: image" not in loader.log()


def test_a_damaged_tree_is_named_as_the_one_overlays_apply_to(tmp_path, trees):
    """A header that checks out over a structure block that does not."""
    base = bytearray(trees["/board/base.dtb"])
    structure = int.from_bytes(base[8:12], "big")
    base[structure:structure + 4] = (7).to_bytes(4, "big")
    files = dict(trees, **{"/board/base.dtb": bytes(base)})
    loader, handed = boot_board(tmp_path, overlay_entry(), files)
    assert ("boot: cannot apply the device tree overlays to /board/base.dtb: "
        "its structure block is damaged\n") in loader.log()
    assert handed is None


def phandle(source, node, name="phandle"):
    """The one cell of a property of the first node named node in source."""
    match = re.search(rf"\t{re.escape(node)} {{[^{{}}]*?\t{name} = <(0x[0-9a-f]+)>;", source)
    assert match, source
    return int(match.group(1), 16)


def test_a_node_of_the_tree_keeps_its_phandle_when_an_overlay_labels_it(tmp_path, trees):
    """An overlay that labels a node the tree has (its i2c@3000) and refers
    to it: the node keeps the tree's phandle, which the tree's own /rtc
    refers to, and the overlay's reference follows it (as libfdt does since
    1.7; Debian's fdtoverlay, 1.6, gives the node the overlay's)."""
    overlay = compile_tree(tmp_path, "keep", '/dts-v1/;\n/plugin/;\n'
        '&{/soc} { bus: i2c@3000 { clock-frequency = <100000>; }; };\n'
        '&{/} { sensor { i2c-bus = <&bus>; }; };\n')
    files = dict(trees, **{"/board/keep.dtbo": overlay})
    loader, handed = boot_board(tmp_path, overlay_entry(overlays=["/board/keep.dtbo"]), files)
    tree = phandle(as_source(tmp_path / "base.dtb"), "i2c@3000")
    merged = as_source(handed)
    assert phandle(merged, "i2c@3000") == tree
    assert phandle(merged, "rtc", "i2c-bus") == tree
    assert phandle(merged, "sensor", "i2c-bus") == tree
    assert "clock-frequency = <0x186a0>" in merged


def nested(depth):
    """A tree whose deepest node is depth nodes down, the root the first."""
    return ("/dts-v1/;\n/ {\n" + "n {\n" * (depth - 1) + "x = <1>;\n"
        + "};\n" * (depth - 1) + "};\n")


@pytest.mark.parametrize("depth", [64, 65])
def test_trees_nested_deeper_than_64_are_refused(tmp_path, trees, depth):
    files = dict(trees, **{"/board/base.dtb": compile_tree(tmp_path, "deep", nested(depth))})
    loader, handed = boot_board(tmp_path, overlay_entry(overlays=["/board/leds.dtbo"]), files)
    if depth == 64:
        assert "cannot apply the device tree overlay /board/leds.dtbo: the tree has no "\
            "__symbols__ (dtc -@) to find sensor in" in loader.log()
    else:
        assert ("boot: cannot apply the device tree overlays to /board/base.dtb: its nodes "
            "are nested deeper than 64\n") in loader.log()


def test_overlays_without_any_tree_say_so(tmp_path, trees):
    loader, handed = boot_board(tmp_path, overlay_entry(tree=False), trees)
    assert ("boot: cannot apply the device tree overlays: the entry names no devicetree "
        "and the firmware gives none\n") in loader.log()
    assert handed is None


def kernel_entry_loader(tmp_path, trees, *options):
    """The loader, booting a kernel entry with the base tree and an overlay."""
    with open(KERNEL, "rb") as file:
        kernel = file.read()
    config = ('timeout = 0\nentry "Haiku" {\n\tkernel = /boot/kernel\n'
        '\tdevicetree = /board/base.dtb\n\tdevicetree_overlay = /board/sensors.dtbo\n}\n')
    disk = tar_disk(tmp_path, {"boot/loader.cfg": config, "boot/kernel": kernel,
        **{path.lstrip("/"): data for path, data in trees.items()}})
    return Loader(*options, "boot.img", disk)


def merged_size(loader):
    merged = re.search(r"^boot: device tree overlays applied: 1 \((\d+) bytes\)$",
        loader.log(), re.M)
    assert merged, loader.log()
    return int(merged[1])


def test_a_kernel_entry_hands_its_tree_to_the_kernel(tmp_path, trees):
    """The loader's own kernel gets the entry's tree with its overlays in a
    region it keeps, named by kernel_args.device_tree in place of the
    firmware's; the boot checks read it by that physical address (its
    header, its CPUs: the machine has no ACPI tables) and pass."""
    loader = kernel_entry_loader(tmp_path, trees)
    assert loader.finish() == PASSED, loader.text[-3000:] + loader.log()[-3000:]
    size = merged_size(loader)
    handed = re.search(rf"device tree (0x[0-9a-f]+) \({size} bytes\)", loader.text)
    assert handed, loader.text[-3000:]
    # The log says which tree the kernel got; the firmware gives none here.
    assert (f"boot: the kernel gets the entry's device tree ({size} bytes at {handed[1]})\n"
        in loader.log())
    assert "CHECK cpus_firmware: skipped" not in loader.text


def firmware_tree_loader(tmp_path, trees, *options):
    """The loader, booting a kernel entry without a tree of its own on a
    machine whose firmware gives the base tree."""
    with open(KERNEL, "rb") as file:
        kernel = file.read()
    firmware = tmp_path / "firmware.dtb"
    firmware.write_bytes(trees["/board/base.dtb"])
    config = 'timeout = 0\nentry "Haiku" {\n\tkernel = /boot/kernel\n}\n'
    disk = tar_disk(tmp_path, {"boot/loader.cfg": config, "boot/kernel": kernel})
    return Loader("--device-tree", str(firmware), *options, "boot.img", disk)


# The hosted firmware keeps its tables at the top megabyte of its 256 MiB.
FIRMWARE_TABLES = 0xff00000


def test_a_kernel_entry_without_a_tree_gets_the_firmwares(tmp_path, trees):
    """As from U-Boot: kernel_args names the firmware's tree where the
    firmware keeps it, in memory the kernel keeps, and the boot checks read
    it there."""
    loader = firmware_tree_loader(tmp_path, trees)
    assert loader.finish() == PASSED, loader.text[-3000:] + loader.log()[-3000:]
    size = len(trees["/board/base.dtb"])
    assert f"device tree {FIRMWARE_TABLES:#x} ({size} bytes)" in loader.text, loader.text
    assert "CHECK firmware_memory: ok" in loader.text


def test_a_firmware_tree_in_memory_the_kernel_reuses_fails_the_boot_checks(tmp_path, trees):
    """A firmware whose map calls the memory its tree lies in usable: the
    kernel could overwrite the tree before it reads it."""
    memory_map = tmp_path / "memory-map.txt"
    memory_map.write_text("0x1000 0x9e000 usable\n0x100000 0xff00000 usable\n")
    loader = firmware_tree_loader(tmp_path, trees, "--memory-map", str(memory_map))
    assert loader.finish() != PASSED
    size = len(trees["/board/base.dtb"])
    assert (f"CHECK firmware_memory: FAIL (device tree {FIRMWARE_TABLES:#x} ({size} bytes): "
        f"page {FIRMWARE_TABLES:#x} is usable") in loader.text, loader.text[-3000:]


def test_the_firmware_fixes_up_a_kernel_entrys_tree(tmp_path, trees):
    """As U-Boot does with its fix-up protocol: the kernel gets the tree
    the firmware grew (by the room it asked for), which still passes."""
    loader = kernel_entry_loader(tmp_path, trees, "--fix-up-device-tree", "4096")
    assert loader.finish() == PASSED, loader.text[-3000:] + loader.log()[-3000:]
    merged = merged_size(loader)
    assert f"host: device tree of {merged} bytes fixed up: {merged + 4096} bytes" \
        in loader.log(), loader.log()
    assert re.search(rf"device tree 0x[0-9a-f]+ \({merged + 4096} bytes\)", loader.text), \
        loader.text[-3000:]


def test_a_tree_the_firmware_refuses_to_fix_up_is_named_and_the_menu_comes_back(tmp_path,
        trees):
    loader = kernel_entry_loader(tmp_path, trees, "--fix-up-device-tree", "refuse")
    loader.expect(r"^Boot menu$")
    assert loader.finish() != PASSED
    assert ("Error: cannot load the device tree /board/base.dtb: the firmware could not fix "
        "it up: bad data") in " ".join(loader.text.split()), loader.text


def test_a_tree_without_overlays_is_handed_on_byte_for_byte(tmp_path, trees):
    loader, handed = boot_board(tmp_path, overlay_entry(overlays=[]), trees)
    assert handed.read_bytes() == trees["/board/base.dtb"]
    assert "boot: device tree of" not in loader.log()
