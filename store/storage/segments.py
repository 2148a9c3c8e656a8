"""Corpus segments: TinyDB files of full item records, and each record's byte span in them.

A segment `corpus-NNNN.json` holds the tables `meta` (one record: the random `token` of this
version of the file) and `items` (TinyDB doc id -> item record). The store writes it as
exactly `orjson.dumps` of those tables, so the byte span of every record is known when the
file is written; the index keeps the spans and the token, and a record is later read alone
by seeking to its span — after checking the file still starts with the same token.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from store.model import ItemRecord
from store.storage.errors import CorruptStoreError
from store.storage.files import atomic_write, check_tinydb_shape, parse_json, read_bytes
from store.storage.records import is_item_record

ITEMS_TABLE = "items"
META_TABLE = "meta"
TOKEN_BYTES = 8
NO_SPAN = 0  # a span: a record's byte offset in its segment file << 32 | its length
CORPUS_HINT = "move it aside and re-ingest your documents"


def segment_path(root: Path, number: int) -> Path:
    return Path(root) / f"corpus-{number:04d}.json"


def encode_span(offset: int, length: int) -> int:
    """A span as one integer (NO_SPAN when it does not fit)."""
    if offset > 0x7FFFFFFF or length > 0xFFFFFFFF:
        return NO_SPAN
    return offset << 32 | length


def decode_span(span: int) -> tuple[int, int]:
    """(offset, length) of an encoded span; length 0: not known."""
    return span >> 32, span & 0xFFFFFFFF


def segment_header(token: str) -> bytes:
    """The first bytes of a segment file of version `token`."""
    return b'{"%s":{"1":{"token":"%s"}},"%s":{' % (
        META_TABLE.encode(),
        token.encode(),
        ITEMS_TABLE.encode(),
    )


def new_token() -> str:
    return os.urandom(TOKEN_BYTES).hex()


def segment_bytes(token: str, items: dict[str, ItemRecord]) -> tuple[bytes, dict[str, int]]:
    """A segment file (TinyDB: tables `meta` and `items`) and each item's span in it.

    The bytes are exactly `orjson.dumps` of the tables, so a segment read back and written
    again gives the same bytes: that is how a rebuilt index checks the spans it derives.
    """
    parts = [segment_header(token)]
    position = len(parts[0])
    spans: dict[str, int] = {}
    separator = b""
    for doc_id, record in items.items():
        prefix = separator + orjson.dumps(doc_id) + b":"
        body = orjson.dumps(record)
        position += len(prefix)
        spans[record["id"]] = encode_span(position, len(body))
        position += len(body)
        parts += (prefix, body)
        separator = b","
    parts.append(b"}}")
    return b"".join(parts), spans


def record_at(raw: bytes | memoryview, item_id: str) -> ItemRecord | None:
    """The record `raw` (one span's bytes) holds if it is the item `item_id`, else None."""
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not is_item_record(record) or record["id"] != item_id:
        return None
    return record


@dataclass(slots=True)
class Segment:
    """One loaded corpus segment: TinyDB doc id -> record, and item id -> doc id.

    Loaded `with_spans`, `token` and `spans` (item id -> span) are the file's version and
    its records' byte spans when the file is exactly as `segment_bytes` writes it.
    """

    items: dict[str, ItemRecord]
    doc_ids: dict[str, str]
    token: str | None = None
    spans: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        path: Path,
        *,
        with_spans: bool = False,
        raw: bytes | None = None,
        missing_ok: bool = True,
    ) -> Segment:
        raw = read_bytes(path) if raw is None else raw
        if raw is None:
            if not missing_ok:
                raise CorruptStoreError(path, "the file is missing", CORPUS_HINT)
            return cls({}, {})
        data = check_tinydb_shape(path, parse_json(path, raw, CORPUS_HINT), hint=CORPUS_HINT)
        items: dict[str, ItemRecord] = {}
        doc_ids = {}
        for doc_id, record in data.get(ITEMS_TABLE, {}).items():
            if not is_item_record(record):
                raise CorruptStoreError(path, "an item record has no id or title", CORPUS_HINT)
            items[doc_id] = record
            doc_ids[record["id"]] = doc_id
        segment = cls(items, doc_ids)
        if with_spans:
            meta = data.get(META_TABLE, {}).get("1", {})
            token = meta.get("token")
            if isinstance(token, str) and list(data) == [META_TABLE, ITEMS_TABLE]:
                rebuilt, spans = segment_bytes(token, items)
                if rebuilt == raw:
                    segment.token, segment.spans = token, spans
        return segment

    @classmethod
    def check(cls, path: Path) -> None:
        """Raise CorruptStoreError if the file at `path` is not a good segment."""
        cls.load(path, missing_ok=False)

    def get(self, item_id: str) -> ItemRecord | None:
        doc_id = self.doc_ids.get(item_id)
        return None if doc_id is None else self.items[doc_id]


# A wanted record: (item id, offset, length) of its span.
Wanted = tuple[str, int, int]


class Corpus:
    """The segment files of one generation of a store (number -> file name, from the
    manifest), with a small cache of segments loaded whole (keyed by file: a version)."""

    def __init__(
        self, root: Path, cache_size: int, files: dict[int, tuple[str, str | None]] | None = None
    ) -> None:
        self.root = Path(root)
        self._cache_size = max(1, cache_size)
        self._cache: OrderedDict[str, Segment] = OrderedDict()
        self._files: dict[int, str] = {}
        self._backups: dict[int, str | None] = {}
        self.use(files or {})

    def use(self, files: dict[int, tuple[str, str | None]]) -> None:
        """Read the segment files of another generation: number -> (file, its backup)."""
        self._files = {n: name for n, (name, _) in files.items()}
        self._backups = {n: backup for n, (_, backup) in files.items()}

    def backup_path(self, number: int) -> Path | None:
        backup = self._backups.get(number)
        return self.root / backup if backup else None

    def load(self, number: int, *, with_spans: bool = False) -> Segment:
        """Segment `number` read from its file (CorruptStoreError naming its backup)."""
        try:
            return Segment.load(self.path(number), with_spans=with_spans, missing_ok=False)
        except CorruptStoreError as exc:
            raise exc.with_backup(self.backup_path(number)) from None

    def __len__(self) -> int:
        """How many segments are loaded whole in the cache."""
        return len(self._cache)

    def numbers(self) -> list[int]:
        """The segment numbers of this generation, ascending."""
        return sorted(self._files)

    def name(self, number: int) -> str:
        return self._files.get(number) or segment_path(self.root, number).name

    def path(self, number: int) -> Path:
        return self.root / self.name(number)

    def is_cached(self, number: int) -> bool:
        return self.name(number) in self._cache

    def cached(self, number: int) -> Segment | None:
        return self._cache.get(self.name(number))

    def clear(self) -> None:
        self._cache.clear()

    def segment(self, number: int) -> Segment:
        """The segment loaded whole (from the cache when it is there); a number this
        generation does not have is an empty segment (the next one a write fills)."""
        if number not in self._files:
            return Segment({}, {})
        name = self.name(number)
        segment = self._cache.get(name)
        if segment is not None:
            self._cache.move_to_end(name)
            return segment
        segment = self.load(number)
        self._remember(name, segment)
        return segment

    def remember(self, number: int, segment: Segment) -> None:
        self._remember(self.name(number), segment)

    def _remember(self, name: str, segment: Segment) -> None:
        self._cache[name] = segment
        self._cache.move_to_end(name)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def read_spans(
        self, number: int, token: str | None, wanted: Iterable[Wanted]
    ) -> dict[str, ItemRecord] | None:
        """Records of one segment read alone by their spans, without parsing the rest.

        None when the spans cannot be trusted: the file is not the version `token` names (a
        writer replaced it since, or was killed before committing), a span is unknown, or a
        span does not hold exactly the record asked for.
        """
        if token is None:
            return None
        header = segment_header(token)
        found: dict[str, ItemRecord] = {}
        try:
            with open(self.path(number), "rb", buffering=0) as handle:
                if handle.read(len(header)) != header:
                    return None
                for item_id, offset, length in wanted:
                    if not length:
                        return None
                    handle.seek(offset)
                    record = record_at(handle.read(length), item_id)
                    if record is None:
                        return None
                    found[item_id] = record
        except OSError:
            return None
        return found

    def write(self, name: str, items: dict[str, ItemRecord]) -> tuple[str, dict[str, int]]:
        """Write a new segment file `name` (a name no manifest names yet) holding `items`;
        the new version's token and the records' spans. Its name becomes durable with the
        folder's sync before the commit that names it (`NextGeneration.commit`)."""
        token = new_token()
        raw, spans = segment_bytes(token, items)
        atomic_write(self.root / name, raw, sync_folder=False)
        doc_ids = {record["id"]: doc_id for doc_id, record in items.items()}
        self._remember(name, Segment(items, doc_ids, token, spans))
        return token, spans


RECORD_START = b':{"id":"'  # how every record begins: its doc id's colon, its "id" key


def records_holding(
    raw: bytes,
    token: str | None,
    locate: Callable[[str], tuple[int, int] | None],
    needle: bytes,
) -> list[ItemRecord] | None:
    """The records of a segment file (bytes `raw`, version `token`) whose bytes hold
    `needle`, found without parsing the rest: from each hit back to the start of its record,
    whose id `locate` turns into the span the index has for it (None: not committed here).
    None when the spans cannot be trusted (then the caller parses the file)."""
    if token is None or not raw.startswith(segment_header(token)):
        return None
    lowered = raw.lower()
    records = []
    at = lowered.find(needle)
    while at != -1:
        start = raw.rfind(RECORD_START, 0, at) + 1
        if start == 0:  # in the file's header
            at = lowered.find(needle, at + 1)
            continue
        id_start = start + len(RECORD_START) - 1
        item_id = raw[id_start : raw.find(b'"', id_start)].decode("utf-8", "replace")
        span = locate(item_id)
        if span is None:  # a record the index does not hold in this segment
            end = raw.find(RECORD_START, at)
            at = -1 if end == -1 else lowered.find(needle, end)
            continue
        offset, length = span
        if offset != start or not length or at >= offset + length:
            return None
        record = record_at(raw[offset : offset + length], item_id)
        if record is None:
            return None
        records.append(record)
        at = lowered.find(needle, offset + length)
    return records


def raw_needle(text: str | None) -> bytes | None:
    """`text` as it must appear, ASCII-lower-cased, in a segment file's bytes; None when
    the bytes cannot tell (JSON escapes, letters whose case bytes.lower() does not fold)."""
    if not text or '"' in text or "\\" in text:
        return None
    if any(ch.isalpha() and not ch.isascii() and ch.lower() != ch.upper() for ch in text):
        return None
    if any(ord(ch) < 0x20 for ch in text):
        return None
    try:
        return text.encode("utf-8").lower()
    except UnicodeEncodeError:  # a lone surrogate (a non-UTF-8 argument): parse instead
        return None
