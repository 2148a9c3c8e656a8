"""Column files: named binary sections a reader maps into memory and decodes one at a time.

A file is `MAGIC`, an 8-byte little-endian header length, a JSON header, then the sections,
each 8-byte aligned. The header holds the caller's metadata and, per section, its offset,
length, kind and CRC-32. A section is checked against its CRC the first time it is read,
so a damaged file is noticed (and rebuilt by the caller), never trusted, while a command
that reads two columns of a big file only reads (and checks) those two.

Section kinds:
- `u32`, `i64`: arrays of integers (memoryview casts over the mapping: no copy);
- `str`: strings joined by NUL, with a `u32` offsets array (`<name>.offs`) for reading one;
- `json`: any small JSON value (value tables, directories).
"""

from __future__ import annotations

import mmap
import os
import struct
import zlib
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import orjson

from store.storage.files import atomic_write

MAGIC = b"NDCOL01\n"
T = TypeVar("T")
_ALIGN = 8
# Each section carries a CRC per block of this many bytes, checked when a read first touches
# the block: twenty values of a 1M-row column check a few blocks, not the whole column (a
# section written with one CRC for all of it is checked whole, as before).
BLOCK_SHIFT = 16
BLOCK = 1 << BLOCK_SHIFT


class DamagedColumnFile(ValueError):
    """A column file that is not whole or not what its header says."""


def _pad(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % _ALIGN)


def encode_strings(values: Iterable[str]) -> tuple[bytes, bytes] | None:
    """(NUL-joined UTF-8, u32 start offsets + end) for strings; None if one holds a NUL or
    the blob would not fit 32-bit offsets."""
    values = list(values)
    joined = "\0".join(values)
    if joined.count("\0") != max(0, len(values) - 1):
        return None
    blob = joined.encode("utf-8", "surrogatepass") + (b"\0" if values else b"")
    if len(blob) >= 2**32:
        return None
    offsets = array("I", [0])
    position = 0
    for value in values:
        position += len(value.encode("utf-8", "surrogatepass")) + 1
        offsets.append(position)
    return blob, offsets.tobytes()


class Writer:
    """Sections gathered in memory, then written as one file (atomically)."""

    def __init__(self) -> None:
        self.sections: dict[str, tuple[str, bytes]] = {}

    def u32(self, name: str, values: Iterable[int]) -> None:
        self.sections[name] = ("u32", array("I", values).tobytes())

    def i64(self, name: str, values: Iterable[int]) -> None:
        self.sections[name] = ("i64", array("q", values).tobytes())

    def json(self, name: str, value: object) -> None:
        self.sections[name] = ("json", orjson.dumps(value))

    def strings(self, name: str, values: Sequence[str]) -> None:
        encoded = encode_strings(values)
        if encoded is None:  # a NUL inside a value: keep the column as JSON
            self.json(name, list(values))
            return
        blob, offsets = encoded
        self.sections[name] = ("str", blob)
        self.sections[name + ".offs"] = ("u32", offsets)

    def to_bytes(self, meta: dict[str, object]) -> bytes:
        directory: dict[str, tuple[int, int, str, list[int]]] = {}
        position = 0
        for name, (kind, data) in self.sections.items():
            view = memoryview(data)
            blocks = [zlib.crc32(view[at : at + BLOCK]) for at in range(0, len(data), BLOCK)]
            directory[name] = (position, len(data), kind, blocks)
            position += len(data) + (-len(data) % _ALIGN)
        header = _pad(orjson.dumps({"meta": meta, "sections": directory}))
        body = b"".join(_pad(data) for _, data in self.sections.values())
        return MAGIC + struct.pack("<Q", len(header)) + header + body

    def write(self, path: Path, meta: dict[str, object], *, sync_folder: bool = True) -> None:
        atomic_write(path, self.to_bytes(meta), sync_folder=sync_folder)


class ColumnFile:
    """A column file mapped read-only; sections decoded (and CRC-checked) on first use."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with open(self.path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size < len(MAGIC) + 8:
                raise DamagedColumnFile("too short")
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if self._map[: len(MAGIC)] != MAGIC:
            raise DamagedColumnFile("not a column file of this version")
        (header_length,) = struct.unpack_from("<Q", self._map, len(MAGIC))
        start = len(MAGIC) + 8
        if start + header_length > size:
            raise DamagedColumnFile("truncated header")
        try:
            header = orjson.loads(self._map[start : start + header_length].rstrip(b"\0"))
            self.meta: dict[str, object] = header["meta"]
            sections = header["sections"]
            self._sections: dict[str, tuple[int, int, str, int | list[int]]] = {}
            body = start + header_length
            for name, (offset, length, kind, crc) in sections.items():
                if not (type(offset) is int and type(length) is int and offset >= 0):
                    raise DamagedColumnFile(f"section {name} is malformed")
                if type(crc) is not int and not (
                    type(crc) is list
                    and len(crc) == -(-length // BLOCK)
                    and all(type(c) is int for c in crc)
                ):
                    raise DamagedColumnFile(f"section {name} has malformed checksums")
                if body + offset + length > size or kind not in ("u32", "i64", "str", "json"):
                    raise DamagedColumnFile(f"section {name} is out of bounds")
                self._sections[name] = (body + offset, length, kind, crc)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, DamagedColumnFile):
                raise
            raise DamagedColumnFile("malformed header") from None
        if not isinstance(self.meta, dict):
            raise DamagedColumnFile("malformed header")
        self._checked: set[str] = set()  # sections checked whole
        self._blocks_checked: dict[str, bytearray] = {}  # a flag per block of the others

    def __contains__(self, name: str) -> bool:
        return name in self._sections

    def kind(self, name: str) -> str:
        return self._sections[name][2]

    def raw(self, name: str) -> memoryview:
        """The bytes of a section, checked against its CRCs the first time."""
        start, length, _kind, crc = self._sections[name]
        view = memoryview(self._map)[start : start + length]
        if name not in self._checked:
            if isinstance(crc, int):
                if zlib.crc32(view) != crc:
                    raise DamagedColumnFile(f"section {name} does not match its checksum")
            else:
                self.check_range(name, 0, length)
            self._checked.add(name)
        return view

    def check_range(self, name: str, lo: int, hi: int) -> None:
        """Bytes lo..hi of a section are checked (each block they touch, once): call it
        before reading them from an `unchecked` view."""
        if name in self._checked:
            return
        start, length, _kind, crc = self._sections[name]
        if isinstance(crc, int):  # one CRC for the whole section
            self.raw(name)
            return
        if not 0 <= lo <= hi <= length:
            raise DamagedColumnFile(f"a read of section {name} is out of bounds")
        checked = self._blocks_checked.get(name)
        if checked is None:
            checked = self._blocks_checked[name] = bytearray(len(crc))
        for block in range(lo >> BLOCK_SHIFT, ((max(hi, lo + 1) - 1) >> BLOCK_SHIFT) + 1):
            if block < len(crc) and not checked[block]:
                at = start + (block << BLOCK_SHIFT)
                data = memoryview(self._map)[at : min(at + BLOCK, start + length)]
                if zlib.crc32(data) != crc[block]:
                    raise DamagedColumnFile(f"section {name} does not match its checksum")
                checked[block] = 1

    def unchecked(self, name: str) -> memoryview:
        """The bytes of a section, not checked: read only ranges `check_range` has passed."""
        start, length, _kind, _crc = self._sections[name]
        return memoryview(self._map)[start : start + length]

    def u32_range(self, name: str, start: int, count: int) -> memoryview:
        """Values start..start+count of a u32 section, only their blocks checked."""
        if start < 0 or count < 0:
            raise DamagedColumnFile(f"a read of section {name} is out of bounds")
        self.check_range(name, 4 * start, 4 * (start + count))
        return self.unchecked(name).cast("I")[start : start + count]

    def mapped(self, name: str) -> tuple[mmap.mmap, int, int]:
        """(the mapping, start, length) of a section checked against its CRC: for searching
        a large section in place (`mmap.find`) without copying or decoding it."""
        self.raw(name)
        start, length, _kind, _crc = self._sections[name]
        return self._map, start, length

    def u32(self, name: str) -> memoryview:
        return self.raw(name).cast("I")

    def i64(self, name: str) -> memoryview:
        return self.raw(name).cast("q")

    def find_int(self, name: str, value: int) -> list[int]:
        """The positions (ascending) of `value` in a u32 or i64 section, found in the mapping
        at C speed (no copy, no decoding); a match not on a value's boundary is no match."""
        start, length, kind, _crc = self._sections[name]
        if kind not in ("u32", "i64"):
            raise DamagedColumnFile(f"section {name} is not an integer section")
        self.raw(name)  # checked against its CRC once
        width = 4 if kind == "u32" else 8
        try:
            needle = struct.pack("<I" if kind == "u32" else "<q", value)
        except struct.error:  # a value the section cannot hold
            return []
        end, found = start + length, []
        at = self._map.find(needle, start, end)
        while at != -1:
            if (at - start) % width == 0:
                found.append((at - start) // width)
                at = self._map.find(needle, at + width, end)
            else:
                at = self._map.find(needle, at + 1, end)
        return found

    def json(self, name: str) -> object:
        return orjson.loads(self.raw(name))

    def strings(self, name: str) -> Strings:
        if self.kind(name) == "json":
            values = self.json(name)
            if not isinstance(values, list) or not all(type(v) is str for v in values):
                raise DamagedColumnFile(f"section {name} is not a list of strings")
            return Strings(None, None, values)
        offsets_name = name + ".offs"
        if offsets_name not in self._sections:
            raise DamagedColumnFile(f"section {name} has no offsets")
        offsets = self.unchecked(offsets_name).cast("I")
        blob = self.unchecked(name)
        if len(offsets) == 0:
            raise DamagedColumnFile(f"section {name} does not match its offsets")
        self.check_range(offsets_name, 4 * (len(offsets) - 1), 4 * len(offsets))
        if offsets[-1] != len(blob):
            raise DamagedColumnFile(f"section {name} does not match its offsets")
        return Strings(blob, offsets, None, self, name)


class Strings:
    """A string column of a column file: one value read alone, or all of them at once."""

    __slots__ = ("_blob", "_file", "_name", "_offsets", "_values")

    def __init__(
        self,
        blob: memoryview | None,
        offsets: memoryview | None,
        values: list[str] | None,
        file: ColumnFile | None = None,
        name: str = "",
    ) -> None:
        # with `file`, blob and offsets are unchecked views of its sections `name` and
        # `name.offs`: each read checks the blocks it touches first
        self._blob, self._offsets, self._values = blob, offsets, values
        self._file, self._name = file, name

    def __len__(self) -> int:
        if self._values is not None:
            return len(self._values)
        assert self._offsets is not None
        return len(self._offsets) - 1

    def get(self, i: int) -> str:
        if self._values is not None:
            return self._values[i]
        assert self._blob is not None and self._offsets is not None
        file = self._file
        if file is not None:
            if not 0 <= i < len(self._offsets) - 1:
                raise IndexError(i)
            file.check_range(self._name + ".offs", 4 * i, 4 * i + 8)
            start, end = self._offsets[i], self._offsets[i + 1] - 1
            if not 0 <= start <= end < len(self._blob):
                raise DamagedColumnFile(f"section {self._name} does not match its offsets")
            file.check_range(self._name, start, end)
        else:
            start, end = self._offsets[i], self._offsets[i + 1] - 1
        return str(self._blob[start:end], "utf-8", "surrogatepass")

    def all(self) -> list[str]:
        if self._values is None:
            assert self._blob is not None
            if self._file is not None:  # whole: every block checked
                self._file.raw(self._name + ".offs")
                self._file.raw(self._name)
            if len(self) == 0:
                self._values = []
            else:
                text = str(self._blob[:-1], "utf-8", "surrogatepass")
                self._values = text.split("\0")
                if len(self._values) != len(self):
                    raise DamagedColumnFile("a string column does not match its offsets")
        return self._values


def decode_codes(codes: Sequence[int], values: list[T]) -> list[T]:
    """A categorical column: each code replaced by its value (shared objects)."""
    if codes and max(codes) >= len(values):
        raise DamagedColumnFile("a code is out of range")
    return list(map(values.__getitem__, codes))
