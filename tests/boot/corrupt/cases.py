# SPDX-License-Identifier: MIT
"""The corrupted-input cases: for each, how its disks are made (a base image
from build/scripts/make-image, then bytes patched where the structures say)
and the exact error the loader must show in its menu.

A case has one disk (the loader's boot disk, damaged or carrying damaged
files) or two: the loader alone on the boot disk and a damaged second disk
that holds the kernel, for damage the firmware would trip over before the
loader ever ran (the partition tables, a FAT32 volume's boot sector).

error:      the menu says "Error: <error>" and the console said "boot: <error>"
            once before the menu;
diagnostic: a configuration diagnostic ("<file>:<line>: <text>") the menu
            lists, said once before the menu as "config: <text>" on the
            debug line;
log:        further lines said once before the menu (why a volume is missing);
pattern:    error, diagnostic and log are regular expressions, for the few
            numbers only the loader's walk decides.
Each of error, diagnostic and log may be a function of the facts the disk's
recipe returned (cluster numbers, sizes: what the built image decides).
"""

import collections
import random
import re

from . import formats
import ports

from .formats import (EM_AARCH64, EM_X86_64, ET_REL, PF_R, PF_W, PF_X, PHDR, PT_LOAD, PT_NOTE, SECTOR, Elf,
    Fat, Gpt)

Case = collections.namedtuple("Case",
    "name category description boot data error diagnostic log pattern")

CATEGORIES = ("elf", "module", "config", "fat", "tar", "gpt", "mbr")

KERNEL = "/boot/kernel"
NOT_BOOTABLE = f"kernel {KERNEL} is not bootable: "
NOT_FOUND = f"cannot load the kernel: {KERNEL}: not found on any volume"
CONFIG = "(disk0p1)/boot/loader.cfg"
ESP = "disk0p1 (ESP)"

CASES = []


def case(name, category, description, boot=None, data=None, error=None, diagnostic=None,
        log=(), pattern=False):
    assert category in CATEGORIES and (error is None) != (diagnostic is None)
    assert boot is not None or data is not None
    assert name not in (c.name for c in CASES)
    CASES.append(Case(name, category, description, boot, data, error, diagnostic, log,
        pattern))


def expectations(c, facts):
    """(error, diagnostic, log lines) of case c for the facts its disks returned."""
    def resolve(value):
        return value(facts) if callable(value) else value
    return resolve(c.error), resolve(c.diagnostic), list(resolve(c.log))


# --- how disks are made ------------------------------------------------------------
# A recipe is fn(ctx, path): ctx (generate.Context) has the kernel's bytes and
# make_image(); the recipe leaves a disk image at path and returns the facts
# about it that expectations need (a dict, maybe empty).

def esp(kernel=None, files=None, layout="esp", patch=None):
    """The loader's disk from make-image: the kernel (patched by kernel(Elf),
    which may return other bytes), files {dest: bytes or fn(ctx)} on the ESP,
    then patch(Disk)."""
    def build(ctx, path):
        image = ctx.kernel
        if kernel is not None:
            elf = Elf(image)
            image = kernel(elf)
            image = elf.bytes() if image is None else image
        extra = {dest: content(ctx) if callable(content) else content
            for dest, content in (files or {}).items()}
        ctx.make_image(path, kernel=image, files=extra, layout=layout)
        return patched(path, patch)
    return build


def patched(path, patch):
    """Run patch(Disk) on the image at path; its facts, or none."""
    if patch is None:
        return {}
    with formats.Disk(path) as disk:
        return patch(disk) or {}


def data_disk(patch):
    """A second disk without loader: a GPT disk whose ESP holds /boot/kernel,
    then patch(Disk)."""
    def build(ctx, path):
        ctx.make_image(path, kernel=None, loader=False, layout="blank",
            files={KERNEL: ctx.kernel})
        return patched(path, patch)
    return build


def config(text):
    """The loader's disk with text (str, bytes, or fn(ctx) giving bytes) as
    /boot/loader.cfg."""
    return esp(files={"/boot/loader.cfg": text.encode() if isinstance(text, str) else text})


GOOD_ENTRY = 'entry "Good" {\n\tkernel = /boot/kernel\n}\n'


# --- kernel ELF ------------------------------------------------------------------------

def elf(name, description, reason, patch):
    """reason: the loader's words, or fn(facts) giving them."""
    error = (lambda facts: NOT_BOOTABLE + reason(facts)) if callable(reason) \
        else NOT_BOOTABLE + reason
    case(name, "elf", description, boot=esp(kernel=patch), error=error)


def set_bytes(offset, value):
    def patch(image):
        image.data[offset:offset + len(value)] = value
    return patch


def set_header(**fields):
    return lambda image: image.set_header(**fields)


def other_machine(image):
    """The kernel claims the other architecture: AArch64 for an x86-64
    kernel, x86-64 for any other."""
    machine = image.header()["e_machine"]
    image.set_header(e_machine=EM_AARCH64 if machine == EM_X86_64 else EM_X86_64)


def text(image):
    return image.load_with(PF_X)


def rodata(image):
    return image.load_with(0, without=PF_X | PF_W)


def data(image):
    return image.load_with(PF_W)


def set_segment(which, **fields):
    return lambda image: image.set_program_header(which(image), **fields)


def truncate_in_program_headers(image):
    # The ELF header whole, the program headers cut inside the first one.
    return image.bytes()[:image.header()["e_phoff"] + PHDR.size // 2]


def no_load_segments(image):
    for i in image.loads():
        image.set_program_header(i, p_type=PT_NOTE)


def overlapping_segments(image):
    # rodata moved onto text's last page; both stay page-aligned to their offsets.
    first = image.program_header(text(image))
    last_page = (first["p_vaddr"] + first["p_memsz"] - 1) & ~0xfff
    image.set_program_header(rodata(image), p_vaddr=last_page, p_paddr=last_page)


def file_size_past_end(image):
    segment = image.program_header(rodata(image))
    size = len(image.data) - segment["p_offset"] + 0x1000
    image.set_program_header(rodata(image), p_filesz=size, p_memsz=size)


def memory_size_beyond_ram(image):
    # The data segment moved to the top of the window and grown to 512 MiB:
    # inside the window, overlapping nothing, but twice what the 256 MiB
    # machine has.
    window_end = 0xffffffffc0000000
    image.set_program_header(data(image), p_vaddr=window_end - (512 << 20),
        p_memsz=512 << 20)


def entry_in_rodata(image):
    image.set_header(e_entry=image.program_header(rodata(image))["p_vaddr"])


def too_many_segments(image):
    """The program headers again at the end of the file, with one-page bss
    segments appended until there are 9 PT_LOADs (kernel_args holds 8)."""
    header = image.header()
    table = bytearray(image.data[header["e_phoff"]:header["e_phoff"]
        + header["e_phnum"] * PHDR.size])
    count = header["e_phnum"]
    loads = len(image.loads())
    top = max(image.program_header(i)["p_vaddr"] + image.program_header(i)["p_memsz"]
        for i in image.loads())
    for i in range(9 - loads):
        address = ((top + 0xfff) & ~0xfff) + 0x10000 * (i + 1)
        table += PHDR.pack(PT_LOAD, PF_R | PF_W, 0, address, address, 0, 0x1000, 0x1000)
        count += 1
    offset = (len(image.data) + 7) & ~7
    image.data += bytes(offset - len(image.data)) + table
    image.set_header(e_phoff=offset, e_phnum=count)


elf("elf-bad-magic", "the magic is \\x7fELV", "bad ELF magic", set_bytes(1, b"ELV"))
elf("elf-wrong-class", "EI_CLASS says 32-bit", "not a 64-bit ELF file", set_bytes(4, b"\x01"))
elf("elf-big-endian", "EI_DATA says big-endian", "not little-endian", set_bytes(5, b"\x02"))
elf("elf-relocatable", "e_type is ET_REL", "not an executable (ET_EXEC)",
    set_header(e_type=ET_REL))
elf("elf-machine-other", "e_machine is the other architecture's (AArch64 on x86_64)",
    lambda facts: ports.PORTS[facts["port"]].wrong_machine, other_machine)
elf("elf-truncated-header", "40 bytes: the ELF header cut short",
    "file too small for an ELF header", lambda image: image.bytes()[:40])
elf("elf-truncated-program-headers", "the file ends inside the first program header",
    "program headers past end of file", truncate_in_program_headers)
elf("elf-phoff-past-end", "e_phoff points past the end of the file",
    "program headers past end of file", lambda image: image.set_header(
        e_phoff=len(image.data) + 8))
elf("elf-phentsize", "e_phentsize is 32, not 56", "bad program header size",
    set_header(e_phentsize=32))
elf("elf-phnum-huge", "e_phnum is 65535", "program headers past end of file",
    set_header(e_phnum=0xffff))
elf("elf-no-load-segments", "every PT_LOAD turned into PT_NOTE: zero segments",
    "no loadable segments", no_load_segments)
elf("elf-overlapping-segments", "rodata moved onto the last page of text",
    "overlapping segments", overlapping_segments)
elf("elf-below-window", "text linked at 4 MiB, below the kernel window",
    "segment outside the kernel window", set_segment(text, p_vaddr=0x400000))
def file_size_over_memory_size(image):
    # One byte more than the segment's memory: a fixed size would be smaller
    # than a kernel whose data segment holds a large bss (arm64's does).
    segment = image.program_header(data(image))
    image.set_program_header(data(image), p_filesz=segment["p_memsz"] + 1)


elf("elf-filesz-over-memsz", "data's p_filesz is one byte larger than its p_memsz",
    "segment file size larger than memory size", file_size_over_memory_size)
elf("elf-data-past-end", "rodata's p_offset + p_filesz runs past the end of the file",
    "segment data past end of file", file_size_past_end)
elf("elf-memsz-wraps", "text's p_vaddr + p_memsz wraps around 2^64",
    "segment address overflow", set_segment(text, p_memsz=2**64 - 0x1000))
elf("elf-memsz-beyond-ram", "a 512 MiB data segment, on a 256 MiB machine",
    "out of memory for a segment of 524288 KiB", memory_size_beyond_ram)
elf("elf-entry-outside-text", "e_entry points into rodata",
    "entry point outside executable segments", entry_in_rodata)
elf("elf-misaligned", "data's p_align is 3", "misaligned segment",
    set_segment(data, p_align=3))
elf("elf-too-many-segments", "9 PT_LOAD segments, kernel_args holds 8",
    "too many loadable segments", too_many_segments)
elf("elf-shentsize", "e_shentsize is 32: found after the segments were loaded",
    "bad section header size", set_header(e_shentsize=32))


# --- modules ----------------------------------------------------------------------------

def module_entry(*modules, timeout=0):
    lines = "".join(f"\tmodule = {m}\n" for m in modules)
    return f"timeout = {timeout}\nentry \"Modules\" {{\n\tkernel = /boot/kernel\n{lines}}}\n"


def module(name, description, reason, modules, files=None, patch=None):
    files = dict(files or {})
    files["/boot/loader.cfg"] = module_entry(*modules).encode()
    prefix = "cannot load a module: "
    case(name, "module", description, boot=esp(files=files, patch=patch),
        error=(lambda facts: prefix + reason(facts)) if callable(reason) else prefix + reason)


def shortened(path):
    """A path as vfs messages shorten one longer than 96 bytes."""
    return path if len(path) <= 96 else path[:48] + "..." + path[-48:]


def esp_fat(disk):
    return Fat(disk, Gpt(disk).partition_offset(0))


def module_chain_free(disk):
    fat = esp_fat(disk)
    chain = fat.chain(fat.lookup("/boot/module.bin").first_cluster)
    fat.set_next(chain[1], 0)
    return {"cluster": chain[1]}


LONG_NAME = "/boot/" + "m" * 800
TOO_MANY = module_entry(*["/boot/kernel"] * 15, timeout=5)

module("module-missing", "the entry's module is not on any volume",
    "/boot/modules/missing.bin: not found on any volume", ["/boot/modules/missing.bin"])
module("module-is-directory", "the module path names a directory",
    f"{ESP}: /boot: is a directory", ["/boot"])
module("module-no-volume", "the module's volume does not exist",
    "(label=NOSUCH)/module.bin: no volume label=NOSUCH", ["(label=NOSUCH)/module.bin"])
module("module-name-too-long", "one component of the module path is 800 bytes",
    f"{shortened(LONG_NAME)}: name too long", [LONG_NAME])
module("module-broken-chain", "the module's cluster chain runs into a free cluster",
    lambda facts: f"{ESP}: /boot/module.bin: FAT cluster chain reaches a free cluster after "
        f"cluster {facts['cluster']}", ["/boot/module.bin"],
    files={"/boot/module.bin": bytes(range(256)) * 64}, patch=module_chain_free)
case("module-too-many", "module", "15 modules in one entry; at most 14 fit",
    boot=esp(files={"/boot/loader.cfg": TOO_MANY.encode()}),
    diagnostic=f'{CONFIG}:{TOO_MANY.count(chr(10)) - 1}: too many modules in entry '
        '"Modules" (at most 14)')


# --- configuration file -----------------------------------------------------------------

def config_case(name, description, text, line, message):
    case(name, "config", description, boot=config(text),
        diagnostic=f"{CONFIG}:{line}: {message}")


def random_garbage():
    # Whatever the random lines hold, line 1 starts with a byte UTF-8 never has.
    generator = random.Random(7)
    data = bytes(generator.randrange(256) for _ in range(4096))
    return b"\x80" + data


TIMEOUT = 'timeout must be a number from 0 to 3600, or "forever"'

config_case("config-random-bytes", "4 KiB of random bytes after an invalid UTF-8 byte",
    random_garbage(), 1, "line contains invalid UTF-8")
config_case("config-nul-byte", "a NUL byte inside the timeout line",
    "timeout = 5\0\n" + GOOD_ENTRY, 1, "line contains a NUL byte")
config_case("config-long-line", "a comment line of 5000 bytes",
    GOOD_ENTRY + "# " + "x" * 5000 + "\n", 4, "line is longer than 4096 bytes")
config_case("config-unterminated-quote", "a command line without its closing quote",
    GOOD_ENTRY + 'entry "Second" {\n\tkernel = /boot/kernel\n\tcmdline = "no end\n}\n', 6,
    "unterminated string")
config_case("config-bad-escape", "\\q inside a quoted command line",
    'entry "Good" {\n\tkernel = /boot/kernel\n\tcmdline = "a\\qb"\n}\n', 3,
    'unknown escape "\\q" in string (use \\" \\\\ \\n or \\t)')
config_case("config-unknown-key", "a key the loader does not know",
    "wallpaper = on\n" + GOOD_ENTRY, 1, 'unknown key "wallpaper"')
config_case("config-timeout-huge", "timeout = 99999999999999999999",
    "timeout = 99999999999999999999\n" + GOOD_ENTRY, 1, TIMEOUT)
config_case("config-timeout-negative", "timeout = -5", "timeout = -5\n" + GOOD_ENTRY, 1,
    TIMEOUT)
config_case("config-entry-without-kernel", "an entry with a command line but no kernel",
    GOOD_ENTRY + 'entry "Empty" {\n\tcmdline = "x"\n}\n', 4, 'entry "Empty" has no kernel, linux or efi')
config_case("config-unclosed-entry", "the file ends inside an entry",
    GOOD_ENTRY + 'entry "Open" {\n\tkernel = /boot/kernel\n', 4,
    'entry "Open" has no closing "}"')
config_case("config-duplicate-default", "default is set twice",
    "default = 1\ndefault = 1\n" + GOOD_ENTRY, 2, "default is already set on line 1")
case("config-kernel-is-directory", "config", "the entry's kernel is the /boot directory",
    boot=config('timeout = 0\nentry "Dir" {\n\tkernel = /boot\n}\n'),
    error=f"cannot load the kernel: {ESP}: /boot: is a directory")
case("config-kernel-missing", "config", "the entry's kernel does not exist",
    boot=config('timeout = 0\nentry "Gone" {\n\tkernel = /boot/nothing\n}\n'),
    error="cannot load the kernel: /boot/nothing: not found on any volume")
case("config-is-directory", "config", "/boot/loader.cfg is a directory",
    boot=esp(files={"/boot/loader.cfg/readme": b"not here\n"}),
    error=f"cannot read the configuration: {ESP}: {CONFIG}: is a directory")


# --- FAT volumes ------------------------------------------------------------------------
# The ESP must stay readable for the firmware, which loads the loader from
# it: damage there is limited to what only the loader reads (/boot). Boot
# sectors are damaged on partition 2 (FAT16, the kernel's volume in the
# fat-partition layout) and on a second disk (FAT32).

def fat_case(name, description, reason, patch, pattern=False):
    """Damage to the ESP's /boot/kernel: reason(facts) is why it cannot be read."""
    prefix = f"cannot load the kernel: {ESP}: {KERNEL}: "
    case(name, "fat", description, boot=esp(patch=patch), pattern=pattern,
        error=lambda facts: (re.escape(prefix) if pattern else prefix) + reason(facts))


def kernel_chain(disk):
    fat = esp_fat(disk)
    entry = fat.lookup(KERNEL)
    return fat, entry, fat.chain(entry.first_cluster)


def one_of(clusters):
    return "(" + "|".join(str(c) for c in clusters) + ")"


def chain_loop(disk):
    fat, _, chain = kernel_chain(disk)
    fat.set_next(chain[10], chain[3])
    return {"loop": chain[3:11]}


def chain_out_of_range(disk):
    fat, _, chain = kernel_chain(disk)
    fat.set_next(chain[5], fat.cluster_count + 100)
    return {"count": fat.cluster_count}


def chain_free(disk):
    fat, _, chain = kernel_chain(disk)
    fat.set_next(chain[5], 0)
    return {"cluster": chain[5]}


def size_over_chain(disk):
    fat, entry, chain = kernel_chain(disk)
    size = len(chain) * fat.cluster_size + 1
    fat.set_entry(entry, size=size)
    return {"clusters": len(chain), "size": size}


def kernel_entry(**fields):
    def patch(disk):
        fat = esp_fat(disk)
        values = {name: value(fat) if callable(value) else value
            for name, value in fields.items()}
        fat.set_entry(fat.lookup(KERNEL), **values)
        return {"count": fat.cluster_count}
    return patch


def directory_loop(disk):
    fat = esp_fat(disk)
    chain = fat.chain(fat.lookup("/boot").first_cluster)
    fat.set_next(chain[-1], chain[0])
    return {"loop": chain}


fat_case("fat-chain-loop", "the kernel's cluster chain loops back on itself",
    lambda facts: "FAT cluster chain loops at cluster " + one_of(facts["loop"]), chain_loop,
    pattern=True)
fat_case("fat-cluster-out-of-range", "the kernel's chain refers past the last cluster",
    lambda facts: f"FAT cluster chain refers to cluster {facts['count'] + 100}, past the end "
        f"of the volume ({facts['count']} clusters)", chain_out_of_range)
fat_case("fat-chain-free-cluster", "the kernel's chain runs into a free cluster",
    lambda facts: f"FAT cluster chain reaches a free cluster after cluster {facts['cluster']}",
    chain_free)
fat_case("fat-size-over-chain", "the kernel's size needs one cluster more than its chain",
    lambda facts: f"FAT cluster chain ends after {facts['clusters']} clusters, but the file "
        f"size ({facts['size']} bytes) needs {facts['clusters'] + 1}", size_over_chain)
fat_case("fat-size-beyond-volume", "the kernel's size is 4 GiB - 1",
    lambda facts: "FAT directory entry claims 4294967295 bytes, more than the volume holds",
    kernel_entry(size=0xffffffff))
fat_case("fat-no-first-cluster", "the kernel has a size but cluster 0",
    lambda facts: "FAT directory entry has a size but no clusters",
    kernel_entry(first_cluster=0))
# The configuration is looked for in /boot before the kernel: its failure is the one shown.
case("fat-directory-loop", "fat", "the /boot directory's cluster chain loops",
    boot=esp(patch=directory_loop), pattern=True,
    error=lambda facts: re.escape(f"cannot read the configuration: {ESP}: /boot/loader.cfg: ")
        + "FAT cluster chain loops at cluster " + one_of(facts["loop"]))


def not_found(damage):
    """The menu's error when the kernel is nowhere and the volume scan met
    damage (vfs_scan_damage): damage, or fn(facts) giving it."""
    return lambda facts: NOT_FOUND + "; damaged: " + (damage(facts) if callable(damage)
        else damage)


def system_bpb(**fields):
    """Partition 2's boot sector (FAT16, the kernel's volume) with fields
    changed (values may be fn(Fat, partition bytes))."""
    def patch(disk):
        gpt = Gpt(disk)
        entry = gpt.entry(1, 1)
        size = (entry["last"] - entry["first"] + 1) * SECTOR
        fat = Fat(disk, entry["first"] * SECTOR)
        facts = {"partition": size}
        for name, value in fields.items():
            facts[name] = value(fat, size) if callable(value) else value
            fat.set_bpb(name, facts[name])
        return facts
    return patch


def bpb_case(name, description, fields, reason):
    """reason(facts): why partition 2 cannot be mounted. Its boot sector still
    names its type, so even an impossible geometry is FAT damage."""
    case(name, "fat", description, boot=esp(layout="fat-partition", patch=system_bpb(**fields)),
        error=not_found(lambda facts: "disk0p2: fat: " + reason(facts)),
        log=lambda facts: ["vfs: cannot mount disk0p2: fat: " + reason(facts)])


bpb_case("fat-sector-size-3000", "bytes per sector 3000", {"bytes_per_sector": 3000},
    lambda facts: "FAT boot sector gives 3000 bytes per sector")
bpb_case("fat-cluster-size-0", "sectors per cluster 0", {"sectors_per_cluster": 0},
    lambda facts: "FAT boot sector gives 0 sectors per cluster")
bpb_case("fat-no-fats", "zero FATs", {"fat_count": 0},
    lambda facts: "FAT boot sector gives 0 FATs")
bpb_case("fat-no-fat-size", "sectors per FAT 0", {"fat_size_16": 0},
    lambda facts: "FAT boot sector gives no FAT size")
# A volume may claim more than its partition (mformat without -T does), but
# not more clusters than its FAT can map.
case("fat-truncated-volume", "fat", "the volume claims twice its partition's sectors",
    boot=esp(layout="fat-partition", patch=system_bpb(total_sectors_16=0,
        total_sectors_32=lambda fat, size: size // SECTOR * 2)),
    pattern=True,
    error=lambda facts: re.escape(NOT_FOUND + "; damaged: disk0p2: fat: ")
        + r"FAT of \d+ bytes is too small for \d+ clusters",
    log=lambda facts: [re.escape("vfs: cannot mount disk0p2: fat: ")
        + r"FAT of \d+ bytes is too small for \d+ clusters"])


def fat32_case(name, description, reason, patch):
    case(name, "fat", description, data=data_disk(patch),
        error=not_found(lambda facts: f"disk1p1: fat: {reason(facts)}"),
        log=lambda facts: [f"vfs: cannot mount disk1p1: fat: {reason(facts)}"])


def fat32_bpb(name, value):
    def patch(disk):
        fat = esp_fat(disk)
        fat.set_bpb(name, value(fat))
        return {"value": value(fat)}
    return patch


fat32_case("fat32-root-cluster", "a FAT32 root directory cluster past the last cluster",
    lambda facts: f"FAT32 root directory cluster {facts['value']} is past the end of the "
        "volume", fat32_bpb("root_cluster", lambda fat: fat.cluster_count + 2))
fat32_case("fat32-active-fat", "FAT32 mirroring off with active FAT 3 of 2",
    lambda facts: "FAT32 active FAT does not exist", fat32_bpb("ext_flags", lambda fat: 0x83))


# --- tar --------------------------------------------------------------------------------
# make-image's tar-partition layout: partition 2 is a ustar archive of boot/
# and boot/kernel. A damaged member header makes the whole volume unreadable.

TAR_BLOCK = 512
TAR_SIZE_FIELD = slice(124, 136)
TAR_CHECKSUM_FIELD = slice(148, 156)


def tar_checksum(header):
    """The ustar checksum: every byte of the header, its own field as spaces."""
    return sum(header[:148]) + 8 * ord(" ") + sum(header[156:])


def tar_member(disk, start, size, name):
    """The archive offset of the header of member name."""
    offset = 0
    while offset + TAR_BLOCK <= size:
        header = disk.read(start + offset, TAR_BLOCK)
        if header == bytes(TAR_BLOCK):
            break
        if header[:100].rstrip(b"\0").decode() == name:
            return offset
        length = int(header[TAR_SIZE_FIELD].rstrip(b"\0 ") or b"0", 8)
        offset += TAR_BLOCK + (length + TAR_BLOCK - 1) // TAR_BLOCK * TAR_BLOCK
    raise ValueError(f"no tar member {name}")


def tar_kernel_header(change, checksum=True):
    """Partition 2's header of boot/kernel changed by change(header, room),
    room being the bytes of the partition after the header; its checksum made
    right again unless checksum is False. Facts: the header's offset."""
    def patch(disk):
        entry = Gpt(disk).entry(1, 1)
        start = entry["first"] * SECTOR
        size = (entry["last"] - entry["first"] + 1) * SECTOR
        offset = tar_member(disk, start, size, "boot/kernel")
        header = bytearray(disk.read(start + offset, TAR_BLOCK))
        facts = change(header, size - offset - TAR_BLOCK) or {}
        if checksum:
            header[TAR_CHECKSUM_FIELD] = b"%06o\0 " % tar_checksum(header)
        disk.write(start + offset, bytes(header))
        return dict(facts, offset=offset)
    return patch


def wrong_checksum(header, room):
    header[TAR_CHECKSUM_FIELD] = b"%06o\0 " % ((tar_checksum(header) + 1) & 0o777777)


def size_past_partition(header, room):
    size = room + TAR_BLOCK
    header[TAR_SIZE_FIELD] = b"%011o\0" % size
    return {"size": size}


def size_not_octal(header, room):
    header[TAR_SIZE_FIELD] = b"0000009x123\0"


def tar_case(name, description, reason, change, checksum=True):
    """reason(facts): why partition 2 cannot be mounted."""
    case(name, "tar", description,
        boot=esp(layout="tar-partition", patch=tar_kernel_header(change, checksum)),
        error=not_found(lambda facts: "disk0p2: tar: " + reason(facts)),
        log=lambda facts: ["vfs: cannot mount disk0p2: tar: " + reason(facts)])


tar_case("tar-header-checksum", "boot/kernel's header checksum is one off",
    lambda facts: f"tar header at byte {facts['offset']}: bad checksum", wrong_checksum,
    checksum=False)
tar_case("tar-size-past-partition", "boot/kernel's size runs a block past the partition",
    lambda facts: f"tar entry at byte {facts['offset']}: {facts['size']} bytes of data run "
        "past the end of the archive", size_past_partition)
tar_case("tar-size-not-octal", "boot/kernel's size field holds a 9 and an x",
    lambda facts: f"tar header at byte {facts['offset']}: bad size field", size_not_octal)


# --- GPT --------------------------------------------------------------------------------
# On a second disk: the firmware needs the boot disk's GPT to find the loader.

GPT_DAMAGED = "disk1: GPT partition table damaged"


def gpt_case(name, description, lines, patch, damaged=True):
    """damaged: the table as a whole is refused (else one partition is)."""
    case(name, "gpt", description, data=data_disk(patch),
        error=not_found(GPT_DAMAGED) if damaged else NOT_FOUND, log=lines)


def unusable(primary, backup):
    return [f"disk1: GPT unusable: primary header: {primary}; backup header: {backup}",
        "vfs: disk1: GPT partition table damaged: bad data"]


def both_headers(crc=None, **fields):
    def patch(disk):
        gpt = Gpt(disk)
        for lba in gpt.both():
            header = gpt.header(lba)
            header.update(fields)
            gpt.write(lba, header, crc=None if crc is None else header["header_crc"] ^ crc)
    return patch


def entries_crc_both(disk):
    gpt = Gpt(disk)
    for lba in gpt.both():
        gpt.update(lba, entries_crc=gpt.header(lba)["entries_crc"] ^ 1)


def partition_past_end(disk):
    gpt = Gpt(disk)
    gpt.set_entry(0, last=gpt.last_lba + 1000)
    return {"first": gpt.entry(1, 0)["first"], "last": gpt.last_lba + 1000}


def truncated_disk(disk):
    disk.truncate(disk.size // 2)


def no_gpt_signatures(disk):
    gpt = Gpt(disk)
    for lba in gpt.both():
        disk.write(lba * SECTOR, b"NOT PART")


def primary_and_backup_differ(disk):
    # Both faults are ones the firmware sees too: a firmware that finds one
    # good header rewrites the other from it (OVMF does), which would hide
    # the backup's fault.
    gpt = Gpt(disk)
    backup = gpt.backup_lba()
    gpt.update(1, crc=gpt.header(1)["header_crc"] ^ 1)
    gpt.update(backup, my_lba=backup - 1)


gpt_case("gpt-header-crc", "both GPT headers have a wrong CRC",
    unusable("bad header CRC", "bad header CRC"), both_headers(crc=0x5a5a))
gpt_case("gpt-entries-crc", "both entry arrays fail their CRC",
    unusable("bad partition entry array CRC", "bad partition entry array CRC"),
    entries_crc_both)
gpt_case("gpt-entry-count", "both headers claim 2^32 - 1 entries",
    unusable("bad partition entry count", "bad partition entry count"),
    both_headers(entry_count=0xffffffff))
gpt_case("gpt-partition-past-end", "the kernel's partition ends 1000 blocks past the disk",
    lambda facts: [f"disk1: GPT partition 1 (LBA {facts['first']}-{facts['last']}) lies "
        "outside the usable area, ignored"], partition_past_end, damaged=False)
gpt_case("gpt-truncated-disk", "the disk image cut in half",
    unusable("usable area outside the disk", "no GPT signature"), truncated_disk)
gpt_case("gpt-two-different-faults", "a bad primary CRC, and a backup that is misplaced",
    unusable("bad header CRC", "header does not describe its own position"),
    primary_and_backup_differ)
gpt_case("gpt-protective-mbr-only", "a protective MBR, both GPT signatures gone",
    ["disk1: protective MBR, but no GPT header",
        "vfs: disk1: GPT partition table damaged: bad data"], no_gpt_signatures)


# --- MBR --------------------------------------------------------------------------------
# A second disk of 64 MiB: partition 1 a FAT16 volume without kernel,
# partition 2 (primary or extended) where the kernel would be.

MBR_DISK_BLOCKS = 131072
P1_START, P1_BLOCKS = 2048, 32768
P2_START, P2_BLOCKS = P1_START + P1_BLOCKS, 65536
LOGICAL_OFFSET = 2048
DAMAGED = "vfs: disk1: MBR partition table damaged: bad data"


def mbr_case(name, description, lines, layout, patch=None):
    """A table the scan refuses as a whole logs DAMAGED, and the menu says so."""
    def build(ctx, path):
        layout(ctx, path)
        return patched(path, patch)
    error = not_found("disk1: MBR partition table damaged") if DAMAGED in lines else NOT_FOUND
    case(name, "mbr", description, data=build, error=error, log=lines)


def primaries(ctx, path):
    """p1 FAT16 "FIRST" (no kernel), p2 FAT16 "SECOND" with /boot/kernel."""
    ctx.blank_disk(path, MBR_DISK_BLOCKS * SECTOR)
    with formats.Disk(path) as disk:
        formats.write_mbr(disk, 0, [formats.mbr_entry(0x80, 0x06, P1_START, P1_BLOCKS),
            formats.mbr_entry(0, 0x06, P2_START, P2_BLOCKS)])
    ctx.fat(path, P1_START, P1_BLOCKS, "FIRST", {})
    ctx.fat(path, P2_START, P2_BLOCKS, "SECOND", {KERNEL: ctx.kernel})


def extended(ebrs, kernel_in=None):
    """p1 FAT16, p2 an extended partition; ebrs is a list of (block offset
    in the extended partition, logical entry or None, link entry or None),
    each entry (start, count) relative as the MBR rules say. The first
    logical partition gets a FAT16 volume, with the kernel if kernel_in."""
    def layout(ctx, path):
        ctx.blank_disk(path, MBR_DISK_BLOCKS * SECTOR)
        with formats.Disk(path) as disk:
            formats.write_mbr(disk, 0, [formats.mbr_entry(0x80, 0x06, P1_START, P1_BLOCKS),
                formats.mbr_entry(0, 0x05, P2_START, P2_BLOCKS)])
            for offset, logical, link in ebrs:
                entries = [formats.mbr_entry(0, 0x06, *logical) if logical
                    else bytes(16), formats.mbr_entry(0, 0x05, *link) if link else bytes(16)]
                formats.write_mbr(disk, (P2_START + offset) * SECTOR, entries)
        ctx.fat(path, P1_START, P1_BLOCKS, "FIRST", {})
        offset, logical, _ = ebrs[0]
        ctx.fat(path, P2_START + offset + logical[0], 16384, "LOGICAL",
            {KERNEL: ctx.kernel} if kernel_in else {})
    return layout


def set_primary(slot, status, kind, start, count):
    return lambda disk: formats.set_mbr_entry(disk, 0, slot,
        formats.mbr_entry(status, kind, start, count))


mbr_case("mbr-partition-outside-disk", "the kernel's partition runs past the disk's end",
    ["disk1: MBR partition 2 lies outside the disk, ignored"], primaries,
    set_primary(1, 0, 0x06, P2_START, MBR_DISK_BLOCKS))
mbr_case("mbr-overlapping-partitions", "partition 1 grown over the kernel's partition 2",
    ["disk1: MBR partition 2 overlaps partition 1, ignored"], primaries,
    set_primary(0, 0x80, 0x06, P1_START, P1_BLOCKS + 4096))
mbr_case("mbr-extended-loop", "the second extended boot record links to itself",
    [f"disk1: MBR extended partition chain loops at LBA {P2_START + 20480}", DAMAGED],
    extended([(0, (LOGICAL_OFFSET, 16384), (20480, 4096)),
        (20480, None, (20480, 4096))]))
mbr_case("mbr-ebr-no-signature", "the kernel's extended boot record lost its 55 aa",
    [f"disk1: extended boot record at LBA {P2_START} has no signature", DAMAGED],
    extended([(0, (LOGICAL_OFFSET, 16384), None)], kernel_in=True),
    lambda disk: disk.write((P2_START * SECTOR) + 510, b"\0\0"))
mbr_case("mbr-ebr-link-outside", "an extended boot record links past its partition",
    [f"disk1: extended boot record at LBA {P2_START} links outside its extended partition",
        DAMAGED],
    extended([(0, (LOGICAL_OFFSET, 16384), (P2_BLOCKS + 8, 4096))]))
mbr_case("mbr-logical-outside", "the kernel's logical partition runs past the extended one",
    ["disk1: logical partition 5 lies outside its extended partition, ignored"],
    extended([(0, (LOGICAL_OFFSET, P2_BLOCKS), None)], kernel_in=True))


# --- entries that start other systems' files ---------------------------------------------
# The hosted port reads the files like the EFI port, but has no firmware to
# start them: where the firmware's part decides, it declines instead.

def foreign(name, description, text, reason, files=None):
    case(name, "config", description,
        boot=esp(files={"/boot/loader.cfg": text.encode(), **(files or {})}),
        error=reason, pattern=True)


def other_architecture_pe():
    """A PE header for 32-bit ARM (0x1c2), which neither port starts."""
    image = bytearray(512)
    image[0:2] = b"MZ"
    image[0x3c:0x40] = (0x80).to_bytes(4, "little")
    image[0x80:0x86] = b"PE\0\0" + (0x1c2).to_bytes(2, "little")
    return bytes(image)


HOST_DECLINES = "the hosted port has no firmware to start it"
foreign("foreign-initrd-missing", "a linux entry whose second initrd does not exist",
    'timeout = 0\nentry "L" {\n\tlinux = /boot/kernel\n\tinitrd = /boot/kernel\n'
    '\tinitrd = /boot/nothing.cpio\n}\n',
    re.escape("cannot load the initrd: /boot/nothing.cpio: not found on any volume"))
foreign("foreign-linux-not-efi", "a linux entry naming an ELF file",
    'timeout = 0\nentry "L" {\n\tlinux = /boot/kernel\n}\n',
    r"cannot start /boot/kernel: (/boot/kernel is not an EFI executable \(no PE header\)|"
    + HOST_DECLINES + ")")
foreign("foreign-efi-other-architecture", "an efi entry naming a PE file for 32-bit ARM",
    'timeout = 0\nentry "E" {\n\tefi = /boot/other.efi\n}\n',
    r"cannot start /boot/other\.efi: (/boot/other\.efi is an EFI executable for another "
    r"architecture \(PE machine 0x1c2, not 0x(8664|aa64)\)|" + HOST_DECLINES + ")",
    files={"/boot/other.efi": other_architecture_pe()})
foreign("foreign-efi-is-directory", "an efi entry naming the /boot directory",
    'timeout = 0\nentry "E" {\n\tefi = /boot\n}\n',
    re.escape(f"cannot load the EFI application: {ESP}: /boot: is a directory"))
case("foreign-bls-no-kernel", "config",
    "a Boot Loader Specification entry file on the ESP that names no linux or efi",
    boot=esp(files={"/loader/entries/broken.conf": b"title Broken\nversion 1.0\n"
        b"options quiet\n"}),
    diagnostic='(disk0p1)/loader/entries/broken.conf: entry "broken" has no linux, efi or uki')
