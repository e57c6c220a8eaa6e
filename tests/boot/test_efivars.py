# SPDX-License-Identifier: MIT
"""The variable store tool (tests/boot/efivars.py) on Debian's OVMF files:
the stores as shipped, edits on copies, and one boot in which the firmware's
own UEFI shell prints what the tool planted, deletes one variable and writes
another, which the tool then finds in the file."""

import os
import re
import shutil
import struct
import subprocess
import sys
import uuid

import pytest

import ports
from efivars import (DEFAULT_ATTRIBUTES, GLOBAL_GUID, LOADER_GUID, STATE_ADDED,
    STATE_HEADER_VALID, TIME_BASED_AUTHENTICATED_WRITE_ACCESS, Store, StoreError, encode_string)
from serial_console import ENTER, SerialConsole

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EFIVARS = os.path.join(TOP, "tests", "boot", "efivars.py")
MAKE_IMAGE = os.path.join(TOP, "build", "scripts", "make-image")
OVMF = ports.X86_64.firmwares["ovmf-4m"]
# The 4 MiB build's variables file: a 0x84000-byte volume whose first 0x40000
# bytes are the store (after the volume's 0x48-byte header), then an event
# log block, the fault-tolerant-write working block and its spare area.
VOLUME_LENGTH = 0x84000
STORE_START = 0x48
STORE_END = 0x40000
# Debian's Secure Boot variants of the same file, with PK, KEK, db and dbx
# enrolled (Microsoft's keys, and the snakeoil test key).
ENROLLED = [os.path.join(os.path.dirname(OVMF.vars), name)
    for name in ("OVMF_VARS_4M.ms.fd", "OVMF_VARS_4M.snakeoil.fd")]
IMAGE_SECURITY_GUID = uuid.UUID("d719b2cb-3d3a-4596-a3bc-dad00e67656f")
X509_GUID = uuid.UUID("a5c059a1-94e4-4aa7-87b5-ab155c2bf072")


@pytest.fixture
def fresh(tmp_path):
    """A copy of OVMF's variables file as shipped."""
    path = tmp_path / "vars.fd"
    shutil.copyfile(OVMF.vars, path)
    return path


def efivars(*arguments):
    return subprocess.run([sys.executable, EFIVARS, *map(str, arguments)], capture_output=True,
        text=True)


def assert_consistent(store):
    """Records follow each other on 4-byte boundaries from the store header
    to the free space, which is erased to the store's end."""
    offset = STORE_START + 28
    for record in store.records:
        assert record.offset == offset, record
        assert record.offset % 4 == 0
        assert record.size == (60 + 2 * (len(record.name) + 1) + len(record.data) + 3) & ~3, \
            record
        offset += record.size
    assert store.free == offset
    assert set(store.image[store.free:store.end]) <= {0xFF}


def test_shipped_store_is_found_and_empty(fresh):
    store = Store.load(fresh)
    assert os.path.getsize(fresh) == store.volume_length == VOLUME_LENGTH
    assert (store.start, store.end) == (STORE_START, STORE_END)
    # Debian ships it formatted but without a single variable: OVMF makes
    # its boot options on the first boot.
    assert store.records == [] and store.variables() == []
    assert store.free == STORE_START + 28
    # The working block is there and records no unfinished write.
    assert store.pending_write is False
    assert_consistent(store)
    listing = efivars("list", fresh)
    assert (listing.returncode, listing.stdout, listing.stderr) == (0, "", "")


@pytest.mark.parametrize("path", ENROLLED, ids=os.path.basename)
def test_enrolled_keys_parse_to_their_own_sizes(path):
    """The Secure Boot stores as shipped: dozens of records, deleted ones
    among them, authenticated variables whose data (EFI_SIGNATURE_LISTs,
    each giving its own size) must come out exactly as long as the record
    says."""
    store = Store.load(path)
    assert_consistent(store)
    live = {(record.guid, record.name): record for record in store.variables()}
    assert len(live) == len(store.variables())
    for guid, name in ((GLOBAL_GUID, "PK"), (GLOBAL_GUID, "KEK"),
            (IMAGE_SECURITY_GUID, "db"), (IMAGE_SECURITY_GUID, "dbx")):
        record = live[guid, name]
        assert record.attributes & TIME_BASED_AUTHENTICATED_WRITE_ACCESS, name
        # Signature lists: type GUID, list size, header size, entry size.
        offset = 0
        while offset < len(record.data):
            list_size, = struct.unpack_from("<I", record.data, offset + 16)
            assert list_size >= 28, (name, offset)
            offset += list_size
        assert offset == len(record.data), name
    assert uuid.UUID(bytes_le=live[GLOBAL_GUID, "PK"].data[:16]) == X509_GUID
    assert live[uuid.UUID("f0a30bc7-af08-4556-99c4-001009c93a44"),
        "SecureBootEnable"].data == b"\x01"
    # Enrolling rewrote CustomMode: the old copy is deleted, not live.
    custom = [record for record in store.records if record.name == "CustomMode"]
    assert len(custom) > 1 and [record for record in custom if record.added] == [custom[-1]]
    assert live[custom[-1].key] is custom[-1]


def test_edits_append_records_and_mark_old_ones_deleted(fresh):
    store = Store.load(fresh)
    store.set_string(LOADER_GUID, "LoaderEntryOneShot", "haiku.conf")
    first = store.get(LOADER_GUID, "LoaderEntryOneShot")
    assert (first.offset, first.state, first.attributes) == (STORE_START + 28, STATE_ADDED,
        DEFAULT_ATTRIBUTES)
    assert first.data == "haiku.conf".encode("utf-16-le") + b"\0\0"
    store.set_string(str(LOADER_GUID), "LoaderEntryOneShot", "other.conf")
    old, new = store.records
    assert not old.state & 0x02 and old.data == first.data
    assert new.offset == old.offset + old.size
    assert store.get(LOADER_GUID, "LoaderEntryOneShot").string() == "other.conf"
    assert store.delete(LOADER_GUID, "LoaderEntryOneShot")
    assert not store.delete(LOADER_GUID, "LoaderEntryOneShot")
    assert store.get(LOADER_GUID, "LoaderEntryOneShot") is None
    assert len(store.records) == 2 and store.variables() == []
    assert_consistent(store)
    store.save()
    assert Store.load(fresh).image == store.image


def test_in_deleted_transition_is_live_until_replaced(fresh):
    store = Store.load(fresh)
    store.set_string(LOADER_GUID, "LoaderEntryDefault", "old.conf")
    store.set_string(LOADER_GUID, "LoaderEntryDefault", "new.conf")
    old, new = store.records
    # A replacement in progress: the old copy in transition, the new one
    # complete. The new one is the variable.
    store.image[old.offset + 2] = STATE_ADDED & ~0x01
    store.image[new.offset + 2] = STATE_ADDED
    assert Store(store.image).get(LOADER_GUID, "LoaderEntryDefault").string() == "new.conf"
    # Power lost before the new copy was complete: the old one still is.
    store.image[new.offset + 2] = STATE_HEADER_VALID
    replaced = Store(store.image)
    assert replaced.get(LOADER_GUID, "LoaderEntryDefault").string() == "old.conf"
    assert [record.name for record in replaced.variables()] == ["LoaderEntryDefault"]


def test_what_is_refused_leaves_the_file_alone(fresh, tmp_path):
    store = Store.load(fresh)
    with pytest.raises(StoreError, match="does not fit"):
        store.set(LOADER_GUID, "Huge", bytes(STORE_END - STORE_START))
    store.set(LOADER_GUID, "Filler", bytes(store.free_bytes - 60 - 2 * len("Filler\0")))
    assert store.free_bytes == 0
    with pytest.raises(StoreError, match="does not fit"):
        store.set_string(LOADER_GUID, "LoaderEntryOneShot", "x")
    with pytest.raises(StoreError, match="only plain variables"):
        Store.load(fresh).set(LOADER_GUID, "Signed", b"1",
            DEFAULT_ATTRIBUTES | TIME_BASED_AUTHENTICATED_WRITE_ACCESS)
    with pytest.raises(StoreError, match="is NV"):
        Store.load(fresh).set(LOADER_GUID, "Volatile", b"1", 0x6)
    enrolled = Store.load(ENROLLED[0])
    with pytest.raises(StoreError, match="authenticated variable"):
        enrolled.set(GLOBAL_GUID, "PK", b"1")

    image = Store.load(fresh).image
    shipped = bytes(image)
    plain = bytearray(image)
    plain[STORE_START:STORE_START + 16] = uuid.UUID(
        "ddcf3616-3275-4164-98b6-fe85707ffe7d").bytes_le
    with pytest.raises(StoreError, match="plain \\(not authenticated\\) record format"):
        Store(plain)
    with pytest.raises(StoreError, match="not a variable store volume"):
        Store.load(OVMF.code)
    unhealthy = bytearray(image)
    unhealthy[STORE_START + 21] = 0xFF
    with pytest.raises(StoreError, match="not formatted and healthy"):
        Store(unhealthy)
    # A fault-tolerant write under way (its header allocated, not complete):
    # readable, not writable.
    pending = bytearray(image)
    working_block = pending.find(uuid.UUID("9e58292b-7c68-497d-a0ce-6500fd9f1b95").bytes_le,
        STORE_END)
    pending[working_block + 32] = 0xFE
    store = Store(pending)
    assert store.pending_write
    with pytest.raises(StoreError, match="unfinished write"):
        store.set_string(LOADER_GUID, "LoaderEntryOneShot", "x")

    # The command line says so and changes nothing.
    path = tmp_path / "pending.fd"
    path.write_bytes(pending)
    result = efivars("set-string", path, LOADER_GUID, "LoaderEntryOneShot", "x")
    assert result.returncode == 2 and "unfinished write" in result.stderr
    assert path.read_bytes() == pending
    assert efivars("delete", fresh, LOADER_GUID, "Absent").returncode == 1
    assert fresh.read_bytes() == shipped


def test_command_line(fresh):
    assert efivars("set-string", fresh, LOADER_GUID, "LoaderEntryDefault", "Grüße.conf") \
        .returncode == 0
    assert efivars("set-string", "--attributes", "0x3", fresh, LOADER_GUID,
        "LoaderConfigTimeoutOneShot", "5").returncode == 0
    listing = efivars("list", fresh)
    assert listing.returncode == 0
    assert listing.stdout.splitlines() == [
        f'{LOADER_GUID} LoaderEntryDefault NV|BS|RT 22 "Grüße.conf"',
        f'{LOADER_GUID} LoaderConfigTimeoutOneShot NV|BS 4 "5"']
    assert efivars("get", fresh, LOADER_GUID, "LoaderEntryDefault").stdout == "Grüße.conf\n"
    raw = subprocess.run([sys.executable, EFIVARS, "get", "--raw", str(fresh), str(LOADER_GUID),
        "LoaderConfigTimeoutOneShot"], capture_output=True)
    assert raw.stdout == encode_string("5")
    assert efivars("delete", fresh, LOADER_GUID, "LoaderConfigTimeoutOneShot").returncode == 0
    missing = efivars("get", fresh, LOADER_GUID, "LoaderConfigTimeoutOneShot")
    assert missing.returncode == 1 and "no variable" in missing.stderr
    every = efivars("list", "--all", fresh).stdout.splitlines()
    assert every[0].startswith("store 0x48..0x40000, 2 records, free ")
    assert every[2].split()[1] == "deleted"


# dmpstore's dump of one variable, then its data as hex lines.
DUMP_HEADER = re.compile(r"^Variable (\S+) '([0-9A-F-]{36}):([^']*)' DataSize = 0x([0-9A-F]+)$",
    re.M)
DUMP_LINE = re.compile(r"^  [0-9A-F]{8}: ([^*]*)\*", re.M)


def dumped_variables(text):
    """{(GUID, name): (attributes as dmpstore writes them, data)} from the
    shell's dmpstore output."""
    variables = {}
    headers = list(DUMP_HEADER.finditer(text))
    for header, following in zip(headers, headers[1:] + [None]):
        body = text[header.end():following.start() if following else len(text)]
        data = bytearray()
        for line in DUMP_LINE.finditer(body):
            data += bytes.fromhex(line[1].replace("-", " "))
            if len(data) >= int(header[4], 16):
                break
        assert len(data) == int(header[4], 16), header[0]
        variables[uuid.UUID(header[2]), header[3]] = (header[1], bytes(data))
    return variables


def test_firmware_reads_planted_variables_and_the_tool_reads_what_it_wrote(fresh, tmp_path):
    """OVMF's UEFI shell (Boot0003 "EFI Internal Shell", booted when the
    disk has no loader) runs startup.nsh: dmpstore prints the vendor GUID's
    variables, dmpstore -d deletes the one-shot entry as the loader will,
    setvar writes a new non-volatile variable, reset -s powers off."""
    store = Store.load(fresh)
    store.set_string(LOADER_GUID, "LoaderEntryOneShot", "haiku one-shot.conf")
    store.set_string(LOADER_GUID, "LoaderEntryDefault", "replaced.conf")
    store.set_string(LOADER_GUID, "LoaderEntryDefault", "haiku default.conf")
    store.set_string(LOADER_GUID, "EfivarsToolDeleted", "never seen")
    assert store.delete(LOADER_GUID, "EfivarsToolDeleted")
    store.save()
    planted = Store.load(fresh)

    script = tmp_path / "startup.nsh"
    script.write_bytes(("\ufeff"
        f"dmpstore -guid {LOADER_GUID}\r\n"
        f"dmpstore -d LoaderEntryOneShot -guid {LOADER_GUID}\r\n"
        # =L is UCS-2 without the NUL; =0x0000 adds two zero bytes.
        f"setvar EfivarsShellWrote -guid {LOADER_GUID} -nv -rt =LShellWrote.conf =0x0000\r\n"
        "reset -s\r\n").encode("utf-16-le"))
    image = tmp_path / "shell.img"
    subprocess.run([MAKE_IMAGE, "--layout", "blank", "--extra-file",
        f"{script}:/startup.nsh", str(image)], check=True, capture_output=True)

    with SerialConsole(str(image), "test_efivars_shell", variables=fresh) as console:
        # Any key but ESC starts startup.nsh without the 5 s countdown.
        console.expect(r"Press ESC in \d+ seconds to skip startup\.nsh", timeout=120)
        console.send_keys(ENTER)
        console.expect(r"^Shell> reset -s$", timeout=60)
        console.wait(timeout=60)
        text = console.text()

    # The firmware saw exactly the live variables, with the tool's values.
    dumped = {key: value for key, value in dumped_variables(text).items()
        if key[0] == LOADER_GUID}
    assert dumped == {
        (LOADER_GUID, "LoaderEntryDefault"): ("NV+RT+BS", encode_string("haiku default.conf")),
        (LOADER_GUID, "LoaderEntryOneShot"): ("NV+RT+BS", encode_string("haiku one-shot.conf")),
    }, text[-3000:]
    assert "EfivarsToolDeleted" not in text
    assert f"Delete variable '{str(LOADER_GUID).upper()}:LoaderEntryOneShot': Success" in text

    after = Store.load(fresh)
    assert_consistent(after)
    assert after.get(LOADER_GUID, "LoaderEntryOneShot") is None
    assert after.get(LOADER_GUID, "EfivarsToolDeleted") is None
    assert after.get(LOADER_GUID, "LoaderEntryDefault").string() == "haiku default.conf"
    written = after.get(LOADER_GUID, "EfivarsShellWrote")
    assert written.attributes == DEFAULT_ATTRIBUTES
    assert written.data == encode_string("ShellWrote.conf")
    # The firmware deleted the tool's record where it lies, and appended its
    # own records where the tool found the free space to begin.
    assert [record.offset for record in after.records[:len(planted.records)]] == \
        [record.offset for record in planted.records]
    assert after.records[len(planted.records)].offset == planted.free
    one_shot = [record for record in after.records if record.name == "LoaderEntryOneShot"]
    assert len(one_shot) == 1 and not one_shot[0].state & 0x02
    assert efivars("get", fresh, LOADER_GUID, "EfivarsShellWrote").stdout == "ShellWrote.conf\n"
