#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Reads and edits the UEFI variables kept in an OVMF (EDK II) variables
file, such as a copy of /usr/share/OVMF/OVMF_VARS_4M.fd, while no firmware
runs on it: tests plant variables before a boot and read what the firmware
left after it.

The layout this relies on (all numbers little-endian, offsets in bytes):

  firmware volume header (PI specification), at 0:
    16 zero bytes, the file system GUID (fff12b8d-7696-4c8b-a985-2747075b4f50
    for a volume of non-volatile data), 32: length of the volume (u64), 40:
    "_FVH", 44: attributes (u32), 48: header length (u16, 72 with one block
    map entry), 50: checksum (u16, the header's 16-bit words add up to 0),
    52: extension header offset (u16), 54: reserved, 55: revision, 56: the
    block map, (count, size) u32 pairs up to a (0, 0) pair.
  variable store header, at the volume's header length (28 bytes):
    a GUID naming the record format (aaf32c78-947b-439a-a180-2e144ec37792:
    authenticated records, the only format read here; ddcf3616-...: the
    older plain one, refused), 16: size of the store with this header (u32),
    20: format (0x5a: formatted), 21: state (0xfe: healthy), 22: 6 reserved.
  records, from the end of that header rounded up to 4, one after another,
  each starting on a 4-byte boundary (the padding stays erased, 0xff);
  authenticated record header, 60 bytes:
    0: start id 0x55aa (anything else ends the records), 2: state (u8),
    3: reserved, 4: attributes (u32), 8: monotonic count (u64), 16: time
    stamp (EFI_TIME, 16 bytes), 32: public key index (u32), 36: name size
    (u32, bytes of the UTF-16LE name with its NUL), 40: data size (u32), 44:
    vendor GUID; then the name and the data with no padding between them
    (x86 and ARM builds).
  states: the firmware only ever clears bits of a record's state, as flash
    allows: 0x7f header written, 0x3f added (live); clearing 0x01 marks an
    old copy "in deleted transition" while its replacement is written,
    clearing 0x02 marks it deleted. A record in deleted transition is still
    the live one when no added record of the same name and GUID exists (the
    replacement never made it).

Writes follow the firmware's own order on a file: a new record goes into the
erased space after the last one, the old copy's state loses its deleted bit.
Nothing is reclaimed or compacted; a change that does not fit is refused.
The fault-tolerant-write working block that follows the store in OVMF's
files is checked, not written: while it records an unfinished write, the
firmware would replay that write over the store at its next start, so no
change is made then.

Usage (the file is edited in place):
  efivars.py list [--all] VARS.fd
  efivars.py get [--raw] VARS.fd GUID NAME
  efivars.py set-string [--attributes N] VARS.fd GUID NAME VALUE
  efivars.py delete VARS.fd GUID NAME"""

import argparse
import json
import struct
import sys
import uuid

# Variable attributes (UEFI specification).
NON_VOLATILE = 0x01
BOOTSERVICE_ACCESS = 0x02
RUNTIME_ACCESS = 0x04
HARDWARE_ERROR_RECORD = 0x08
AUTHENTICATED_WRITE_ACCESS = 0x10
TIME_BASED_AUTHENTICATED_WRITE_ACCESS = 0x20
APPEND_WRITE = 0x40
# What bootctl gives the Boot Loader Interface's variables.
DEFAULT_ATTRIBUTES = NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS
ATTRIBUTE_NAMES = ((NON_VOLATILE, "NV"), (BOOTSERVICE_ACCESS, "BS"), (RUNTIME_ACCESS, "RT"),
    (HARDWARE_ERROR_RECORD, "HR"), (AUTHENTICATED_WRITE_ACCESS, "AW"),
    (TIME_BASED_AUTHENTICATED_WRITE_ACCESS, "AT"), (APPEND_WRITE, "AP"))

# The Boot Loader Interface's vendor GUID (systemd), and UEFI's own.
LOADER_GUID = uuid.UUID("4a67b082-0a4c-41cf-b6c7-440b29bb8c4f")
GLOBAL_GUID = uuid.UUID("8be4df61-93ca-11d2-aa0d-00e098032b8c")

NV_DATA_VOLUME_GUID = uuid.UUID("fff12b8d-7696-4c8b-a985-2747075b4f50")
AUTHENTICATED_STORE_GUID = uuid.UUID("aaf32c78-947b-439a-a180-2e144ec37792")
PLAIN_STORE_GUID = uuid.UUID("ddcf3616-3275-4164-98b6-fe85707ffe7d")
WORKING_BLOCK_GUID = uuid.UUID("9e58292b-7c68-497d-a0ce-6500fd9f1b95")

VOLUME_HEADER = struct.Struct("<16s16sQ4sIHHHBB")
STORE_HEADER = struct.Struct("<16sIBBHI")
RECORD_HEADER = struct.Struct("<HBBIQ16sIII16s")
STORE_FORMATTED = 0x5A
STORE_HEALTHY = 0xFE
START_ID = 0x55AA
RECORD_ALIGNMENT = 4

STATE_HEADER_VALID = 0x7F
STATE_ADDED = 0x3F
IN_DELETED_TRANSITION = 0x01   # the bit cleared for it
DELETED = 0x02                 # likewise
ALL_ONES = 0xFFFFFFFF

# The working block header: signature GUID, CRC (u32), a state byte, 3
# reserved, the write queue's size (u64); then write headers of 40 bytes,
# each followed by its records (40 bytes and the caller's private data).
# A cleared bit means yes: header allocated (bit 0), writes complete (bit 2).
WORKING_BLOCK_HEADER = struct.Struct("<16sIB3sQ")
WRITE_HEADER = struct.Struct("<B3x16s4xQQ")
WRITE_RECORD_SIZE = 40
WRITE_HEADER_ALLOCATED = 0x01
WRITES_COMPLETE = 0x04


class StoreError(Exception):
    """The file holds no store this module reads, or a change cannot be made."""


def align(offset):
    return (offset + RECORD_ALIGNMENT - 1) & ~(RECORD_ALIGNMENT - 1)


def as_guid(guid):
    return guid if isinstance(guid, uuid.UUID) else uuid.UUID(guid)


def encode_string(value):
    """A Boot Loader Interface string: UTF-16LE with a NUL."""
    return value.encode("utf-16-le") + b"\0\0"


def decode_string(data):
    """data as a NUL-terminated UTF-16LE string, or None if it is not one."""
    if len(data) < 2 or len(data) % 2 or data[-2:] != b"\0\0":
        return None
    try:
        text = data[:-2].decode("utf-16-le")
    except UnicodeDecodeError:
        return None
    return None if "\0" in text else text


def attribute_text(attributes):
    names = [name for bit, name in ATTRIBUTE_NAMES if attributes & bit]
    rest = attributes & ~sum(bit for bit, _ in ATTRIBUTE_NAMES)
    if rest:
        names.append(f"{rest:#x}")
    return "|".join(names) or "0"


class Record:
    """One variable record as it sits in the store."""

    def __init__(self, offset, state, attributes, monotonic_count, timestamp, public_key_index,
            guid, name, data, size):
        self.offset = offset
        self.state = state
        self.attributes = attributes
        self.monotonic_count = monotonic_count
        self.timestamp = timestamp
        self.public_key_index = public_key_index
        self.guid = guid
        self.name = name
        self.data = data
        # From the start id to the next record's boundary.
        self.size = size

    @property
    def key(self):
        return (self.guid, self.name)

    @property
    def added(self):
        return self.state == STATE_ADDED

    @property
    def in_deleted_transition(self):
        return self.state == STATE_ADDED & ~IN_DELETED_TRANSITION

    def state_text(self):
        return {STATE_ADDED: "added", STATE_HEADER_VALID: "header-only",
            STATE_ADDED & ~IN_DELETED_TRANSITION: "in-deleted-transition"}.get(
            self.state, "deleted" if not self.state & DELETED else f"state-{self.state:#04x}")

    def string(self):
        return decode_string(self.data)

    def __repr__(self):
        return f"<Record {self.guid} {self.name} {self.state_text()} at {self.offset:#x}>"


class Store:
    """An OVMF variables file in memory: parse with Store(bytes) or
    Store.load(path), change, then save()."""

    def __init__(self, image):
        self.image = bytearray(image)
        self.path = None
        self._parse_volume()
        self._parse_records()
        self.pending_write = self._pending_fault_tolerant_write()

    @classmethod
    def load(cls, path):
        with open(path, "rb") as file:
            store = cls(file.read())
        store.path = path
        return store

    def save(self, path=None):
        """Write the image back over the file it came from (or path)."""
        with open(path or self.path, "r+b") as file:
            file.write(self.image)

    def _parse_volume(self):
        image = self.image
        if len(image) < VOLUME_HEADER.size + 8:
            raise StoreError(f"{len(image)} bytes: too short for a firmware volume")
        (_, file_system, self.volume_length, signature, _, header_length, _, _, _,
            _) = VOLUME_HEADER.unpack_from(image)
        if signature != b"_FVH":
            if not any(image[:VOLUME_HEADER.size]):
                raise StoreError("no firmware volume header, zeros instead: a blank store "
                    "(Debian's AAVMF_VARS.fd), which the firmware formats at its first boot")
            raise StoreError("no firmware volume header (\"_FVH\" at offset 40)")
        if uuid.UUID(bytes_le=file_system) != NV_DATA_VOLUME_GUID:
            raise StoreError(f"the firmware volume is not a variable store volume "
                f"(file system {uuid.UUID(bytes_le=file_system)})")
        if not VOLUME_HEADER.size + 8 <= header_length <= min(len(image), 0x1000) \
                or header_length % 2 or self.volume_length > len(image):
            raise StoreError(f"firmware volume header length {header_length} or volume "
                f"length {self.volume_length:#x} does not fit the file")
        if sum(struct.unpack_from(f"<{header_length // 2}H", image)) & 0xFFFF:
            raise StoreError("the firmware volume header's checksum is wrong")
        self.start = header_length
        guid, self.size, format, state, _, _ = STORE_HEADER.unpack_from(image, self.start)
        guid = uuid.UUID(bytes_le=guid)
        if guid == PLAIN_STORE_GUID:
            raise StoreError("the variable store holds the plain (not authenticated) "
                "record format; only the authenticated one, as Debian's OVMF uses, is read")
        if guid != AUTHENTICATED_STORE_GUID:
            raise StoreError(f"unknown variable store format {guid}")
        if format != STORE_FORMATTED or state != STORE_HEALTHY:
            raise StoreError(f"the variable store is not formatted and healthy "
                f"(format {format:#04x}, state {state:#04x})")
        self.end = self.start + self.size
        if self.size < STORE_HEADER.size or self.end > self.volume_length:
            raise StoreError(f"the variable store's size {self.size:#x} does not fit "
                f"the volume")

    def _parse_records(self):
        self.records = []
        offset = align(self.start + STORE_HEADER.size)
        while offset + RECORD_HEADER.size <= self.end:
            (start_id, state, _, attributes, monotonic_count, timestamp, public_key_index,
                name_size, data_size, guid) = RECORD_HEADER.unpack_from(self.image, offset)
            if start_id != START_ID:
                break
            # A header written only in part: the firmware counts no name and data.
            if ALL_ONES in (name_size, data_size, attributes) or state == 0xFF:
                name_size = data_size = 0
            name_at = offset + RECORD_HEADER.size
            data_at = name_at + name_size
            following = align(data_at + data_size)
            if data_at + data_size > self.end:
                raise StoreError(f"the record at {offset:#x} runs past the store's end")
            name = bytes(self.image[name_at:data_at]).decode("utf-16-le", "replace")
            self.records.append(Record(offset, state, attributes, monotonic_count,
                bytes(timestamp), public_key_index, uuid.UUID(bytes_le=guid),
                name.rstrip("\0"), bytes(self.image[data_at:data_at + data_size]),
                following - offset))
            offset = following
        # Where the next record goes.
        self.free = min(offset, self.end)

    def _pending_fault_tolerant_write(self):
        """Whether the working block after the store records a write not yet
        complete (None: no working block found)."""
        signature = WORKING_BLOCK_GUID.bytes_le
        at = self.image.find(signature, self.end, self.volume_length)
        while at >= 0 and at % 8:
            at = self.image.find(signature, at + 1, self.volume_length)
        if at < 0:
            return None
        _, _, _, _, queue_size = WORKING_BLOCK_HEADER.unpack_from(self.image, at)
        offset = at + WORKING_BLOCK_HEADER.size
        end = min(offset + queue_size, self.volume_length)
        last = None
        while offset + WRITE_HEADER.size <= end:
            flags, _, writes, private_size = WRITE_HEADER.unpack_from(self.image, offset)
            if flags & WRITE_HEADER_ALLOCATED:
                break
            last = flags
            offset += WRITE_HEADER.size + writes * (WRITE_RECORD_SIZE + private_size)
        return last is not None and bool(last & WRITES_COMPLETE)

    def variables(self):
        """The live variables in store order: added records, and records in
        deleted transition that no added record of the same name replaces."""
        added = {record.key for record in self.records if record.added}
        return [record for record in self.records if record.added
            or (record.in_deleted_transition and record.key not in added)]

    def get(self, guid, name):
        """The live record of that GUID and name, or None."""
        key = (as_guid(guid), name)
        for record in self.variables():
            if record.key == key:
                return record
        return None

    @property
    def free_bytes(self):
        return self.end - self.free

    def _check_writable(self):
        if self.pending_write:
            raise StoreError("the fault-tolerant-write working block records an unfinished "
                "write, which the firmware would replay over the store: not changed")

    def set(self, guid, name, data, attributes=DEFAULT_ATTRIBUTES):
        """Write a plain (not authenticated) variable: a new record after the
        last one, then the live copy, if any, marked deleted."""
        guid = as_guid(guid)
        if not name or "\0" in name:
            raise StoreError(f"invalid variable name {name!r}")
        if not data:
            raise StoreError("a variable needs data (UEFI deletes a variable set empty)")
        if attributes & (AUTHENTICATED_WRITE_ACCESS | TIME_BASED_AUTHENTICATED_WRITE_ACCESS
                | APPEND_WRITE | HARDWARE_ERROR_RECORD):
            raise StoreError(f"attributes {attribute_text(attributes)}: only plain "
                f"variables are written here")
        if not attributes & NON_VOLATILE or (attributes & RUNTIME_ACCESS
                and not attributes & BOOTSERVICE_ACCESS):
            raise StoreError(f"attributes {attribute_text(attributes)}: a variable in this "
                f"store is NV, and one that is RT is BS too")
        self._check_writable()
        old = self.get(guid, name)
        if old and old.attributes & (AUTHENTICATED_WRITE_ACCESS
                | TIME_BASED_AUTHENTICATED_WRITE_ACCESS):
            raise StoreError(f"{name} is an authenticated variable: not replaced")
        encoded_name = encode_string(name)
        record = bytearray(RECORD_HEADER.pack(START_ID, STATE_ADDED, 0, attributes, 0,
            bytes(16), 0, len(encoded_name), len(data), guid.bytes_le))
        record += encoded_name + bytes(data)
        record += b"\xff" * (align(len(record)) - len(record))
        if len(record) > self.free_bytes:
            raise StoreError(f"{name}: a record of {len(record)} bytes does not fit the "
                f"{self.free_bytes} bytes free in the store")
        if self.image[self.free:self.free + len(record)].count(0xFF) != len(record):
            raise StoreError(f"the free space at {self.free:#x} is not erased")
        self.image[self.free:self.free + len(record)] = record
        for live in self._live_copies(guid, name):
            self.image[live.offset + 2] &= ~DELETED & 0xFF
        self._parse_records()

    def set_string(self, guid, name, value, attributes=DEFAULT_ATTRIBUTES):
        """set() with value as a NUL-terminated UTF-16LE string."""
        self.set(guid, name, encode_string(value), attributes)

    def delete(self, guid, name):
        """Mark the variable's live record(s) deleted; False if there was none."""
        guid = as_guid(guid)
        live = self._live_copies(guid, name)
        if not live:
            return False
        self._check_writable()
        for record in live:
            self.image[record.offset + 2] &= ~DELETED & 0xFF
        self._parse_records()
        return True

    def _live_copies(self, guid, name):
        return [record for record in self.records if record.key == (guid, name)
            and (record.added or record.in_deleted_transition)]


def printable_string(data):
    """data as a string if it is a NUL-terminated UTF-16LE string of
    printable characters, else None."""
    text = decode_string(data)
    return text if text and text.isprintable() else None


def value_text(data, limit=64):
    text = printable_string(data)
    if text is not None:
        return json.dumps(text, ensure_ascii=False)
    shown = data[:limit].hex(" ")
    return shown + (f" ... ({len(data)} bytes)" if len(data) > limit else "")


def record_line(record, with_state=False):
    line = (f"{record.guid} {record.name} {attribute_text(record.attributes)} "
        f"{len(record.data)} {value_text(record.data)}")
    return f"{record.offset:#07x} {record.state_text()} {line}" if with_state else line


def main(argv=None):
    parser = argparse.ArgumentParser(prog="efivars.py",
        description="Read and edit the variables of an OVMF variables file (in place).")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="the live variables: GUID, name, attributes, "
        "data size, value (a quoted string if it is UTF-16LE with a NUL, else hex)")
    listing.add_argument("--all", action="store_true",
        help="every record, with its offset and state, and the store's figures")
    listing.add_argument("file")
    get = commands.add_parser("get", help="one variable's value (exit status 1 if absent)")
    get.add_argument("--raw", action="store_true", help="the data bytes as they are")
    set_string = commands.add_parser("set-string",
        help="set a variable to a NUL-terminated UTF-16LE string")
    set_string.add_argument("--attributes", type=lambda text: int(text, 0),
        default=DEFAULT_ATTRIBUTES, help=f"default {DEFAULT_ATTRIBUTES:#x} (NV|BS|RT)")
    delete = commands.add_parser("delete", help="delete a variable (exit status 1 if absent)")
    for command in (get, set_string, delete):
        command.add_argument("file")
        command.add_argument("guid", type=uuid.UUID)
        command.add_argument("name")
    set_string.add_argument("value")
    arguments = parser.parse_args(argv)

    try:
        store = Store.load(arguments.file)
        if arguments.command == "list":
            if arguments.all:
                writes = {None: "no working block", False: "idle",
                    True: "an unfinished write"}[store.pending_write]
                print(f"store {store.start:#x}..{store.end:#x}, {len(store.records)} records, "
                    f"free {store.free:#x}..{store.end:#x} ({store.free_bytes} bytes), "
                    f"fault-tolerant write: {writes}")
            for record in store.records if arguments.all else store.variables():
                print(record_line(record, arguments.all))
        elif arguments.command == "get":
            record = store.get(arguments.guid, arguments.name)
            if record is None:
                print(f"efivars: no variable {arguments.guid}:{arguments.name}", file=sys.stderr)
                return 1
            if arguments.raw:
                sys.stdout.buffer.write(record.data)
            else:
                text = printable_string(record.data)
                print(text if text is not None else record.data.hex(" "))
        elif arguments.command == "set-string":
            store.set_string(arguments.guid, arguments.name, arguments.value,
                arguments.attributes)
            store.save()
        elif arguments.command == "delete":
            if not store.delete(arguments.guid, arguments.name):
                print(f"efivars: no variable {arguments.guid}:{arguments.name}", file=sys.stderr)
                return 1
            store.save()
    except (OSError, StoreError) as error:
        print(f"efivars: {arguments.file}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
