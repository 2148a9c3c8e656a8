"""Store: the corpus (TinyDB segments), the columnar item index, documents and user state.

Files in the store folder (see docs/ARCHITECTURE.md):

- `corpus-NNNN.json`: TinyDB files (table `items`) of at most `segment_size` full records.
- `documents.json`: TinyDB, table `documents` (one record per ingested document) and table
  `companies` (companies learned at ingest).
- `index.json`: the derived, columnar item index, newest first. It is written last, so its
  replacement is the commit point of a write; it is rebuilt from the corpus if missing.
- `state-<user>.json`: bookmarks and read marks (store/state.py).
- `.lock`: the write lock held while a write reads, changes and replaces files.

A crash between writing segments and writing the index leaves records in a segment that
the index does not list ("orphans"); readers never see them and the next write drops them.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
from bisect import bisect_right
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from pathlib import Path

import filelock
import orjson

from store.storage import dedupe
from store.storage.errors import CorruptStoreError, StoreError, StoreLockedError
from store.storage.files import (
    OrjsonStorage,
    atomic_write,
    backup_path,
    check_tinydb_shape,
    held,
    no_gc,
    os_reason,
    parse_json,
    read_bytes,
    remove_stale_temps,
)
from store.storage.state import UserState, load_state_file

__all__ = [
    "AddResult",
    "CorruptStoreError",
    "ItemIndex",
    "Store",
    "StoreError",
    "StoreLockedError",
]

SEGMENT_SIZE = 1000
INDEX_VERSION = 3
LOCK_TIMEOUT = 30.0
SEGMENT_CACHE = 8
ID_LENGTH = 8
KEY_CHARS = 12  # hex digits of a hashed dedupe key
NO_KEY = "0" * KEY_CHARS
SPAN_CHARS = 16  # hex: 8 for a record's byte offset in its segment file, 8 for its length
NO_SPAN = "0" * SPAN_CHARS
TOKEN_BYTES = 8

ITEMS_TABLE = "items"
META_TABLE = "meta"
DOCUMENTS_TABLE = "documents"
COMPANIES_TABLE = "companies"

_SEGMENT_NAME = re.compile(r"^corpus-(\d{4,})\.json$")
_CORPUS_HINT = "move it aside and re-ingest your documents"
_DOCUMENTS_HINT = "move it aside; re-ingesting your documents rebuilds it"

_MULTI = ("tickers", "companies", "documents")
_CATEGORICAL = ("publisher", "section", *_MULTI)  # stored as distinct values + row codes
_PLAIN = ("ids", "published", "title", "segment")
# stored packed: one string of fixed-width entries, one per row
_PACKED = {"title_key": KEY_CHARS, "body_key": KEY_CHARS, "body_print": KEY_CHARS}
_PACKED["spans"] = SPAN_CHARS
_COLUMNS = (
    "ids",
    "published",
    "publisher",
    "title",
    "section",
    "tickers",
    "companies",
    "documents",
    "segment",
    "title_key",
    "body_key",
    "body_print",
    "spans",
)
# the columns a merge can change ("spans" changes with every rewrite of a segment)
_MERGED_COLUMNS = ("section", "tickers", "companies", "documents", "body_key", "body_print")


@dataclass(slots=True)
class AddResult:
    """What one document added: `new` stories, `known` items the store already held.

    `new + known` is the number of items read; a story printed twice in one document is
    one new story and one known item. `ids` lists each story once, in document order.
    """

    document: str
    new: int
    known: int
    ids: list[str] = field(default_factory=list)


def segment_path(root: Path, number: int) -> Path:
    return root / f"corpus-{number:04d}.json"


def _key_hash(key: str) -> str:
    """A fixed-size stand-in for a dedupe key (NO_KEY for "": no key, no candidates)."""
    if not key:
        return NO_KEY
    return hashlib.blake2b(key.encode(), digest_size=KEY_CHARS // 2).hexdigest()


# A record's keys are wanted several times while it is deduped, placed and indexed.
@lru_cache(maxsize=16384)
def _title_key(title: str) -> str:
    return dedupe.title_key(title)


@lru_cache(maxsize=16384)
def _title_hash(title: str) -> str:
    return _key_hash(_title_key(title))


@lru_cache(maxsize=16384)
def _body_hash(body: str) -> str:
    return _key_hash(dedupe.body_key(body))


@lru_cache(maxsize=16384)
def _body_print(body: str) -> str:
    """A fingerprint of the body opening `dedupe.same_story` compares (NO_KEY: no body).

    The first character says whether the body is short (under 80 characters, "s") or not
    ("l"), which `same_story` also needs; equal prints mean equal compared openings.
    """
    if not body:
        return NO_KEY
    kind = "s" if len(body) < dedupe.SHORT_BODY_CHARS else "l"
    opening = dedupe.body_opening(body).encode()
    return kind + hashlib.blake2b(opening, digest_size=KEY_CHARS // 2).hexdigest()[1:]


def _settled(title_a: str, print_a: str, title_b: str, print_b: str) -> bool | None:
    """`dedupe.same_story` decided from hashed title keys and body prints; None: compare."""
    if title_a == title_b:  # the same headline (both NO_KEY: both fold to "")
        if NO_KEY in (print_a, print_b) or print_a == print_b:
            return True
        return None
    if print_a[0] != "l" or print_b[0] != "l":  # a short or missing body
        return False
    return True if print_a == print_b else None


def _span(offset: int, length: int) -> str:
    if offset > 0xFFFFFFFF or length > 0xFFFFFFFF:
        return NO_SPAN
    return f"{offset:08x}{length:08x}"


def _segment_header(token: str) -> bytes:
    return b'{"%s":{"1":{"token":"%s"}},"%s":{' % (
        META_TABLE.encode(),
        token.encode(),
        ITEMS_TABLE.encode(),
    )


def _segment_bytes(token: str, items: dict[str, dict]) -> tuple[bytes, dict[str, str]]:
    """A segment file (TinyDB: tables `meta` and `items`) and each item's span in it.

    The bytes are exactly `orjson.dumps` of the tables, so a segment read back and written
    again gives the same bytes: that is how a rebuilt index checks the spans it derives.
    """
    parts = [_segment_header(token)]
    position = len(parts[0])
    spans: dict[str, str] = {}
    separator = b""
    for doc_id, record in items.items():
        prefix = separator + orjson.dumps(doc_id) + b":"
        body = orjson.dumps(record)
        position += len(prefix)
        spans[record["id"]] = _span(position, len(body))
        position += len(body)
        parts += (prefix, body)
        separator = b","
    parts.append(b"}}")
    return b"".join(parts), spans


def _id_digest(record: dict) -> str:
    seed = "\x1f".join((record["publisher"], _title_key(record["title"]), record["published"][:10]))
    digest = hashlib.blake2b(seed.encode(), digest_size=20).digest()
    return base64.b32encode(digest).decode().lower()


def _company_key(company: dict) -> str:
    return str(company.get("key") or company.get("name") or "").strip()


def _row_values(record: dict, segment: int, span: str = NO_SPAN) -> tuple:
    """One index row, in `_COLUMNS` order."""
    return (
        record["id"],
        record["published"],
        record["publisher"],
        record["title"],
        record["section"],
        tuple(record["tickers"]),
        tuple(k for k in map(_company_key, record["companies"]) if k),
        tuple(record["documents"]),
        segment,
        _title_hash(record["title"]),
        _body_hash(record["body"]),
        _body_print(record["body"]),
        span,
    )


def _newer(published_a: str, id_a: str, published_b: str, id_b: str) -> bool:
    return (published_a, id_a) > (published_b, id_b)


class ItemIndex:
    """The compact columnar index of every item, rows sorted newest first.

    Columns are plain lists with one entry per row (`tickers`, `companies`, `documents` hold
    tuples). An index is never changed in place: a write produces a new one.

    On disk (`index.json`) repeated values are stored once: a categorical column is its
    distinct values plus one integer code per row, and rows with equal values share one
    object in memory. The dedupe keys (`title_key`, `body_key`, `body_print`, only the
    writer needs them) and the records' byte spans in their segment files (`spans`) stay
    packed in one string each until first used. `tokens` names the version of each
    segment file the spans point into.
    """

    def __init__(
        self,
        columns: dict[str, list],
        generation: int = 0,
        packed_keys: dict[str, str] | None = None,
        tokens: dict[int, str] | None = None,
    ) -> None:
        self.generation = generation
        self.tokens: dict[int, str] = tokens or {}
        self.ids: list[str] = columns["ids"]
        self.published: list[str] = columns["published"]
        self.publisher: list[str] = columns["publisher"]
        self.title: list[str] = columns["title"]
        self.section: list[str] = columns["section"]
        self.tickers: list[tuple[str, ...]] = columns["tickers"]
        self.companies: list[tuple[str, ...]] = columns["companies"]
        self.documents: list[tuple[str, ...]] = columns["documents"]
        self.segment: list[int] = columns["segment"]
        self._packed_keys = packed_keys or {}
        for name in _PACKED:
            if name in columns:
                self.__dict__[name] = columns[name]

    @cached_property
    def title_key(self) -> list[str]:
        """Hashed dedupe title keys, one per row (NO_KEY where there is none)."""
        return self._unpack("title_key")

    @cached_property
    def body_key(self) -> list[str]:
        """Hashed dedupe body keys, one per row (NO_KEY where there is none)."""
        return self._unpack("body_key")

    @cached_property
    def body_print(self) -> list[str]:
        """Fingerprints of the body openings dedupe compares, one per row (`_body_print`)."""
        return self._unpack("body_print")

    @cached_property
    def spans(self) -> list[str]:
        """Each record's byte span in its segment file (NO_SPAN where it is not known)."""
        return self._unpack("spans")

    def span_of(self, row: int) -> tuple[int, int]:
        """(offset, length) of a row's record in its segment file; length 0: not known."""
        spans = self.__dict__.get("spans")
        if spans is not None:
            span = spans[row]
        else:
            packed = self._packed_keys["spans"]
            span = packed[row * SPAN_CHARS : (row + 1) * SPAN_CHARS]
        return int(span[:8], 16), int(span[8:], 16)

    def _unpack(self, name: str) -> list[str]:
        packed, width = self._packed_keys[name], _PACKED[name]
        return [packed[i : i + width] for i in range(0, len(packed), width)]

    @classmethod
    def empty(cls) -> ItemIndex:
        return cls({name: [] for name in _COLUMNS})

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple], generation: int = 0, tokens: dict[int, str] | None = None
    ) -> ItemIndex:
        """An index from unsorted rows (tuples in column order)."""
        ordered = sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)
        columns = {name: [row[i] for row in ordered] for i, name in enumerate(_COLUMNS)}
        return cls(columns, generation, tokens=tokens)

    @classmethod
    def from_json(cls, raw: bytes) -> ItemIndex:
        """Load `index.json`; ValueError if it is not a well-formed index."""
        with no_gc():
            try:
                return cls._from_json(raw)
            except (TypeError, IndexError, KeyError, AttributeError) as exc:
                raise ValueError(f"malformed index ({type(exc).__name__})") from exc

    @classmethod
    def _from_json(cls, raw: bytes) -> ItemIndex:
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ValueError("not valid JSON") from exc
        if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
            raise ValueError("not an index of this version")
        size = data["rows"]
        columns: dict[str, list] = {}
        for name in _PLAIN:
            columns[name] = data[name]
        for name in _CATEGORICAL:
            values = data[name]["values"]
            if name in _MULTI:
                values = list(map(tuple, values))
            columns[name] = list(map(values.__getitem__, data[name]["codes"]))
        packed = {name: data[name] for name in _PACKED}
        if not all(isinstance(v, list) and len(v) == size for v in columns.values()) or not all(
            isinstance(v, str) and len(v) == size * _PACKED[name] for name, v in packed.items()
        ):
            raise ValueError("columns of different lengths")
        # A hand-edited index must fail here (and be rebuilt), not in a later lookup.
        for name, kind in (("ids", str), ("published", str), ("title", str), ("segment", int)):
            if not all(type(v) is kind for v in columns[name]):
                raise ValueError(f"the {name} column holds a value of the wrong type")
        for name in ("publisher", "section"):
            if not all(type(v) is str for v in data[name]["values"]):
                raise ValueError(f"the {name} column holds a value of the wrong type")
        for name in _MULTI:
            if not all(type(v) is str for values in data[name]["values"] for v in values):
                raise ValueError(f"the {name} column holds a value of the wrong type")
        generation = data["generation"]
        if not isinstance(generation, int):
            raise ValueError("no generation")
        tokens = {int(number): str(token) for number, token in data["tokens"].items()}
        return cls(columns, generation, packed, tokens)

    def to_json(self) -> bytes:
        data: dict = {"version": INDEX_VERSION, "generation": self.generation, "rows": len(self)}
        for name in _PLAIN:
            data[name] = getattr(self, name)
        for name in _CATEGORICAL:
            column = getattr(self, name)
            values = list(dict.fromkeys(column))
            code_of = dict(zip(values, range(len(values)), strict=True))
            data[name] = {"values": values, "codes": list(map(code_of.__getitem__, column))}
        for name in _PACKED:
            packed = self._packed_keys.get(name)
            data[name] = packed if packed is not None else "".join(getattr(self, name))
        data["tokens"] = {str(number): token for number, token in self.tokens.items()}
        return orjson.dumps(data)

    def __len__(self) -> int:
        return len(self.ids)

    def row_of(self, item_id: str) -> int | None:
        """The row of an item id, None if the index does not hold it."""
        return self._rows_by_id.get(item_id)

    @cached_property
    def _rows_by_id(self) -> dict[str, int]:
        return dict(zip(self.ids, range(len(self.ids)), strict=True))

    @staticmethod
    def _postings(column: Iterable) -> dict[str, list[int]]:
        postings: dict[str, list[int]] = {}
        for row, values in enumerate(column):
            for value in values:
                rows = postings.get(value)
                if rows is None:
                    postings[value] = [row]
                elif rows[-1] != row:
                    rows.append(row)
        return postings

    @cached_property
    def rows_by_ticker(self) -> dict[str, list[int]]:
        return self._postings(self.tickers)

    @cached_property
    def rows_by_company(self) -> dict[str, list[int]]:
        return self._postings(self.companies)

    @cached_property
    def rows_by_document(self) -> dict[str, list[int]]:
        return self._postings(self.documents)

    @cached_property
    def rows_by_publisher(self) -> dict[str, list[int]]:
        return self._postings((p,) for p in self.publisher)

    @cached_property
    def segment_counts(self) -> Counter:
        return Counter(self.segment)


def _records_holding(
    index: ItemIndex, number: int, rows: list[int], raw: bytes, needle: bytes
) -> list[dict] | None:
    """The records of segment `number` (file bytes `raw`) whose bytes hold `needle`, found
    by the index's spans without parsing the rest; None when the spans cannot be trusted."""
    token = index.tokens.get(number)
    if token is None or not raw.startswith(_segment_header(token)):
        return None
    spans = sorted((*index.span_of(row), row) for row in rows)
    if any(length == 0 for _, length, _ in spans):
        return None
    starts = [offset for offset, _, _ in spans]
    lowered = raw.lower()
    records = []
    at = lowered.find(needle)
    while at != -1:
        i = bisect_right(starts, at) - 1
        if i < 0 or at >= starts[i] + spans[i][1]:
            at = lowered.find(needle, at + 1)  # in the file's framing, not in a record
            continue
        offset, length, row = spans[i]
        try:
            record = orjson.loads(raw[offset : offset + length])
        except orjson.JSONDecodeError:
            return None
        if not isinstance(record, dict) or record.get("id") != index.ids[row]:
            return None
        records.append(record)
        at = lowered.find(needle, offset + length)
    return records


def _raw_needle(text: str | None) -> bytes | None:
    """`text` as it must appear, ASCII-lower-cased, in a segment file's bytes; None when
    the bytes cannot tell (JSON escapes, letters whose case bytes.lower() does not fold)."""
    if not text or '"' in text or "\\" in text:
        return None
    if any(ch.isalpha() and not ch.isascii() and ch.lower() != ch.upper() for ch in text):
        return None
    if any(ord(ch) < 0x20 for ch in text):
        return None
    return text.encode("utf-8").lower()


@dataclass(slots=True)
class _Segment:
    """One loaded corpus segment: TinyDB doc id -> record, and item id -> doc id.

    Loaded `with_spans`, `token` and `spans` (item id -> span) are the file's version and
    its records' byte spans when the file is exactly as `_segment_bytes` writes it.
    """

    items: dict[str, dict]
    doc_ids: dict[str, str]
    token: str | None = None
    spans: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, *, with_spans: bool = False, raw: bytes | None = None) -> _Segment:
        raw = read_bytes(path) if raw is None else raw
        if raw is None:
            return cls({}, {})
        data = check_tinydb_shape(path, parse_json(path, raw, _CORPUS_HINT), hint=_CORPUS_HINT)
        items = data.get(ITEMS_TABLE, {})
        doc_ids = {}
        for doc_id, record in items.items():
            item_id = record.get("id")
            if not isinstance(item_id, str) or not isinstance(record.get("title"), str):
                raise CorruptStoreError(path, "an item record has no id or title", _CORPUS_HINT)
            doc_ids[item_id] = doc_id
        segment = cls(items, doc_ids)
        if with_spans:
            meta = data.get(META_TABLE, {}).get("1", {})
            token = meta.get("token")
            if isinstance(token, str) and list(data) == [META_TABLE, ITEMS_TABLE]:
                rebuilt, spans = _segment_bytes(token, items)
                if rebuilt == raw:
                    segment.token, segment.spans = token, spans
        return segment

    def get(self, item_id: str) -> dict | None:
        doc_id = self.doc_ids.get(item_id)
        return None if doc_id is None else self.items[doc_id]


def _normalize_record(record: dict, document: str | None = None) -> dict:
    """A clean item record with every field present, listing `document` among its sources."""
    body = record.get("body") or ""
    if isinstance(body, list):
        body = "\n\n".join(p.strip() for p in body if p and p.strip())
    documents = [d for d in record.get("documents") or [] if isinstance(d, str)]
    if document is not None and document not in documents:
        documents.append(document)
    return {
        "id": str(record.get("id") or ""),
        "title": str(record.get("title") or ""),
        "publisher": str(record.get("publisher") or ""),
        "documents": documents,
        "section": str(record.get("section") or ""),
        "authors": list(record.get("authors") or []),
        "published": str(record.get("published") or ""),
        "body": str(body),
        "related": list(record.get("related") or []),
        "companies": [dict(c) for c in record.get("companies") or [] if isinstance(c, dict)],
        "tickers": list(record.get("tickers") or []),
    }


def _union(old: list, new: list) -> list:
    out = list(old)
    out.extend(v for v in new if v not in out)
    return out


def _merged(stored: dict, incoming: dict) -> dict:
    """The stored record with what another printing of the same story adds."""
    record = dict(stored)
    record["documents"] = _union(stored.get("documents", []), incoming["documents"])
    if len(incoming["body"]) > len(stored.get("body") or ""):
        record["body"] = incoming["body"]
    record["tickers"] = _union(stored.get("tickers", []), incoming["tickers"])
    record["related"] = _union(stored.get("related", []), incoming["related"])
    record["authors"] = _union(stored.get("authors", []), incoming["authors"])
    if not stored.get("section"):
        record["section"] = incoming["section"]
    companies = [dict(c) for c in stored.get("companies", [])]
    by_key = {_company_key(c): c for c in companies}
    for company in incoming["companies"]:
        known = by_key.get(_company_key(company))
        if known is None:
            companies.append(company)
            by_key[_company_key(company)] = company
        elif not known.get("ticker") and company.get("ticker"):
            known["ticker"] = company["ticker"]
    record["companies"] = companies
    return record


def _content_hash(document: dict, items: list[dict]) -> str:
    payload = orjson.dumps(
        [{k: v for k, v in document.items() if k != "ingested_at"}, items],
        option=orjson.OPT_SORT_KEYS,
        default=str,
    )
    return hashlib.sha256(payload).hexdigest()


def _with_marks(record: dict, bookmarks: frozenset[str], read: frozenset[str]) -> dict:
    """A shallow copy of a record with the user's marks (its lists shared, not copied)."""
    return {**record, "bookmarked": record["id"] in bookmarks, "read": record["id"] in read}


def _output(record: dict, bookmarks: frozenset[str], read: frozenset[str]) -> dict:
    """A record as callers see it: a copy, with the user's marks."""
    out = dict(record)
    for name in ("documents", "authors", "related", "tickers"):
        out[name] = list(out.get(name) or [])
    out["companies"] = [dict(c) for c in out.get("companies") or []]
    out["bookmarked"] = record["id"] in bookmarks
    out["read"] = record["id"] in read
    return out


class _Batch:
    """The working state of one add_documents call; nothing is shared until it commits."""

    def __init__(self, store: Store, index: ItemIndex) -> None:
        self.store = store
        self.index = index
        self.title_ids, self.body_ids = store._dedupe_maps(index)
        self.new_title_ids: dict[str, list[str]] = {}
        self.new_body_ids: dict[str, list[str]] = {}
        self.records: dict[str, dict] = {}  # id -> record, new or changed
        self.segments: dict[str, int] = {}  # id -> segment, for new and changed records
        self.new_ids: list[str] = []
        self.counts = Counter(index.segment_counts)
        self.last_segment = max(self.counts, default=0)
        self.fetched: dict[str, dict] = {}  # id -> stored record read by its span
        self.pinned: dict[int, _Segment] = {}  # segments loaded whole, kept for the batch
        self.spans: dict[str, str] = {}  # id -> span, for every record of written segments
        self.tokens: dict[int, str] = {}  # the written segments' new tokens

    def segment(self, number: int) -> _Segment:
        """A whole segment, loaded at most once per batch whatever the store's cache does."""
        segment = self.pinned.get(number)
        if segment is None:
            segment = self.pinned[number] = self.store._segment(number)
        return segment

    def record_of(self, item_id: str) -> dict:
        record = self.records.get(item_id) or self.fetched.get(item_id)
        if record is not None:
            return record
        row = self.index.row_of(item_id)
        number = self.index.segment[row]
        if number not in self.pinned and number not in self.store._segments:
            found = self.store._read_by_span(self.index, number, [(item_id, row)])
            if found is not None:
                self.fetched[item_id] = found[item_id]
                return found[item_id]
        record = self.segment(number).get(item_id)
        if record is None:
            path = segment_path(self.store.root, number)
            raise CorruptStoreError(
                path, f"item {item_id} listed in the index is missing", _CORPUS_HINT
            )
        return record

    def _candidates(self, record: dict) -> Iterator[str]:
        seen = set()
        for key, stored, added in (
            (_title_hash(record["title"]), self.title_ids, self.new_title_ids),
            (_body_hash(record["body"]), self.body_ids, self.new_body_ids),
        ):
            if key == NO_KEY:
                continue
            for item_id in (*_ids_under(stored, key), *added.get(key, ())):
                if item_id not in seen:
                    seen.add(item_id)
                    yield item_id

    def find_same(self, record: dict) -> str | None:
        """The stored or batched story `record` repeats, None if it is new.

        Stored candidates are settled from the index's title keys and body prints where
        those decide `dedupe.same_story`; only the others are read.
        """
        title, body_print = _title_hash(record["title"]), _body_print(record["body"])
        index = self.index
        for item_id in self._candidates(record):
            verdict = None
            if item_id not in self.records:
                row = index.row_of(item_id)
                verdict = _settled(index.title_key[row], index.body_print[row], title, body_print)
            if verdict is None:
                verdict = dedupe.same_story(self.record_of(item_id), record)
            if verdict:
                return item_id
        return None

    def _remember_keys(self, record: dict) -> None:
        for key, mapping in (
            (_title_hash(record["title"]), self.new_title_ids),
            (_body_hash(record["body"]), self.new_body_ids),
        ):
            if key != NO_KEY:
                ids = mapping.setdefault(key, [])
                if record["id"] not in ids:
                    ids.append(record["id"])

    def merge(self, item_id: str, incoming: dict) -> None:
        record = _merged(self.record_of(item_id), incoming)
        if item_id not in self.segments:
            self.segments[item_id] = self.index.segment[self.index.row_of(item_id)]
        self.records[item_id] = record
        self._remember_keys(record)

    def _taken(self, item_id: str) -> bool:
        return item_id in self.records or self.index.row_of(item_id) is not None

    def add_new(self, incoming: dict) -> str:
        digest = _id_digest(incoming)
        length = ID_LENGTH
        item_id = digest[:length]
        while self._taken(item_id):
            length += 1
            item_id = digest[:length] if length <= len(digest) else f"{digest}{length}"
        record = dict(incoming, id=item_id)
        if self.counts[self.last_segment] >= self.store.segment_size:
            self.last_segment += 1
        self.counts[self.last_segment] += 1
        self.records[item_id] = record
        self.segments[item_id] = self.last_segment
        self.new_ids.append(item_id)
        self._remember_keys(record)
        return item_id

    def new_index(self) -> ItemIndex:
        """The index with this batch's changed rows updated and new rows merged in."""
        old = self.index
        columns = {name: getattr(old, name) for name in _COLUMNS}
        new_ids = set(self.new_ids)
        changed = [i for i in self.records if i not in new_ids]
        if changed:
            for name in _MERGED_COLUMNS:
                columns[name] = list(columns[name])
            for item_id in changed:
                row = old.row_of(item_id)
                values = dict(
                    zip(_COLUMNS, _row_values(self.records[item_id], old.segment[row]), strict=True)
                )
                for name in _MERGED_COLUMNS:
                    columns[name][row] = values[name]
        new_rows = sorted(
            (_row_values(self.records[i], self.segments[i], NO_SPAN) for i in self.new_ids),
            key=lambda row: (row[1], row[0]),
            reverse=True,
        )
        positions = []
        lo = 0
        for row in new_rows:  # each new row goes after every older row newer than it
            hi = len(old)
            while lo < hi:
                mid = (lo + hi) // 2
                if _newer(old.published[mid], old.ids[mid], row[1], row[0]):
                    lo = mid + 1
                else:
                    hi = mid
            positions.append(lo)
        merged = {}
        for i, name in enumerate(_COLUMNS):
            source = columns[name]
            out: list = []
            start = 0
            for position, row in zip(positions, new_rows, strict=True):
                out.extend(source[start:position])
                out.append(row[i])
                start = position
            out.extend(source[start:])
            merged[name] = out
        spans = self.spans
        if spans:  # every record of a rewritten segment moved
            merged["spans"] = [
                spans.get(item_id, span)
                for item_id, span in zip(merged["ids"], merged["spans"], strict=True)
            ]
        tokens = dict(old.tokens)
        tokens.update(self.tokens)
        return ItemIndex(merged, old.generation + 1, tokens=tokens)


class Store:
    """The newsdesk store folder. See the module docstring and docs/ARCHITECTURE.md."""

    def __init__(
        self,
        root: Path | str,
        *,
        segment_size: int = SEGMENT_SIZE,
        lock_timeout: float = LOCK_TIMEOUT,
        user: str | None = None,
        segment_cache: int = SEGMENT_CACHE,
    ) -> None:
        self._setup(root, segment_size, lock_timeout, user, segment_cache)
        self._load_index()

    def _setup(self, root, segment_size, lock_timeout, user, segment_cache) -> None:
        self.root = Path(root).expanduser()
        self.segment_size = segment_size
        self.user = user
        self._segment_cache_size = max(1, segment_cache)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store folder {self.root}: {os_reason(exc)}"
            ) from exc
        if not self.root.is_dir():
            raise StoreError(f"the store path {self.root} is not a folder")
        self.index_path = self.root / "index.json"
        self.documents_path = self.root / "documents.json"
        self._lock = filelock.FileLock(self.root / ".lock", timeout=lock_timeout)
        self._index = ItemIndex.empty()
        self._index_stamp: tuple | None = None
        self._segments: OrderedDict[int, _Segment] = OrderedDict()
        self._maps: tuple[ItemIndex, dict, dict] | None = None
        self._documents: tuple[tuple | None, dict] | None = None
        self._state: UserState | None = None

    @classmethod
    def open(cls, root: Path | str, **options) -> Store:
        return cls(root, **options)

    @classmethod
    def restore(
        cls,
        root: Path | str,
        *,
        lock_timeout: float = LOCK_TIMEOUT,
        user: str | None = None,
    ) -> list[Path]:
        """`restore_backups` for a store that cannot even be opened (no index, bad segment)."""
        store = cls.__new__(cls)
        store._setup(root, SEGMENT_SIZE, lock_timeout, user, SEGMENT_CACHE)
        return store.restore_backups()

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r}, {len(self._index)} items)"

    # reading

    @property
    def index(self) -> ItemIndex:
        return self._index

    @property
    def state(self) -> UserState:
        if self._state is None:
            self._state = UserState(self.root, self.user)
        return self._state

    def refresh(self) -> bool:
        """Reload the index and the user's marks if another process changed them."""
        changed = self._reload_index_if_changed()
        if self._state is not None and self._state.refresh():
            changed = True
        return changed

    def get(self, item_id: str) -> dict | None:
        """The full record of an item (with the user's marks), None if unknown."""
        records = self.get_many([item_id])
        return records[0] if records else None

    def get_many(self, ids: Iterable[str]) -> list[dict]:
        """Full records for `ids` (unknown ids are skipped), in the order asked.

        Records of a segment not in the cache are read alone by their spans; a segment whose
        spans are unknown or out of date is loaded whole, once.
        """
        index = self._index
        found: dict[str, dict] = {}
        wanted: dict[int, list[tuple[str, int]]] = {}
        ids = list(ids)
        for item_id in ids:
            row = index.row_of(item_id)
            if row is not None:
                wanted.setdefault(index.segment[row], []).append((item_id, row))
        for number, members in wanted.items():
            if number not in self._segments:
                read = self._read_by_span(index, number, members)
                if read is not None:
                    found.update(read)
                    continue
            segment = self._segment(number)
            for item_id, _row in members:
                record = segment.get(item_id)
                if record is not None:
                    found[item_id] = record
        state = self.state
        bookmarks, read = state.bookmarks, state.read
        return [_output(found[i], bookmarks, read) for i in ids if i in found]

    def resolve_id(self, prefix: str) -> str | None:
        """The one item id starting with `prefix` (case-insensitive); None if none or many."""
        prefix = prefix.strip().lower()
        if not prefix:
            return None
        if self._index.row_of(prefix) is not None:
            return prefix
        matches = [i for i in self._index.ids if i.startswith(prefix)]
        return matches[0] if len(matches) == 1 else None

    def iter_records(self, containing: str | None = None) -> Iterator[dict]:
        """Every record (with the user's marks), one segment at a time, in segment order.

        With `containing` (casefolded text), segments whose file cannot hold it are skipped
        without being parsed: a body search reads the corpus at disk speed.
        The records are shallow copies whose lists are shared with the cache: read them,
        do not change them.
        """
        index = self._index
        state = self.state
        bookmarks, read = state.bookmarks, state.read
        needle = _raw_needle(containing)
        rows_by_segment: dict[int, list[int]] | None = None
        for number in sorted(index.segment_counts):
            segment = self._segments.get(number)
            if segment is None and needle is not None:
                path = segment_path(self.root, number)
                raw = read_bytes(path)
                if raw is None:
                    continue
                if rows_by_segment is None:
                    rows_by_segment = {}
                    for row, seg in enumerate(index.segment):
                        rows_by_segment.setdefault(seg, []).append(row)
                hits = _records_holding(index, number, rows_by_segment.get(number, []), raw, needle)
                if hits is not None:  # only the records whose bytes hold the needle
                    for record in hits:
                        yield _with_marks(record, bookmarks, read)
                    continue
                segment = _Segment.load(path, raw=raw)
                self._cache_segment(number, segment)
            elif segment is None:
                segment = self._segment(number)
            for record in segment.items.values():
                row = index.row_of(record["id"])
                if row is not None and index.segment[row] == number:
                    yield _with_marks(record, bookmarks, read)

    def documents(self) -> list[dict]:
        """The ingested documents, in the order they were first ingested."""
        committed = self._index._rows_by_id.__contains__
        out = []
        for record in self._read_documents()[DOCUMENTS_TABLE].values():
            ids = record.get("item_ids") or []
            if all(map(committed, ids)):
                out.append(dict(record, item_ids=list(ids)))
        return out

    def learned_companies(self) -> list[dict]:
        """Companies learned at ingest (dicts as the ingest gave them)."""
        return [dict(c) for c in self._read_documents()[COMPANIES_TABLE].values()]

    # writing

    def add_documents(
        self, batch: list[tuple[dict, list[dict]]], learned_companies: list[dict] | None = None
    ) -> list[AddResult]:
        """Add documents and their item records: dedupe, assign ids, write, commit.

        One read and one write per touched file; the index is replaced last.
        """
        with self._write_lock():
            for prefix in (".corpus-", ".index.json.", ".documents.json."):
                remove_stale_temps(self.root, prefix)
            self._reload_index_if_changed()
            index = self._index
            docs_data = self._read_documents()
            documents = dict(docs_data[DOCUMENTS_TABLE])
            doc_by_name = {d.get("name"): doc_id for doc_id, d in documents.items()}
            work = _Batch(self, index)
            results: list[AddResult] = []
            documents_changed = False
            for document, items in batch:
                name = str(document.get("name") or "")
                digest = document.get("sha256") or _content_hash(document, items)
                doc_id = doc_by_name.get(name)
                existing = documents.get(doc_id) if doc_id is not None else None
                if (
                    existing is not None
                    and existing.get("sha256") == digest
                    and all(work._taken(i) for i in existing.get("item_ids") or [])
                ):
                    ids = list(existing.get("item_ids") or [])
                    results.append(AddResult(name, 0, max(len(items), len(ids)), ids))
                    continue
                ids: list[str] = []
                new = known = 0
                for raw in items:
                    record = _normalize_record(raw, name)
                    if not record["title"]:
                        continue
                    same = work.find_same(record)
                    if same is None:
                        ids.append(work.add_new(record))
                        new += 1
                    else:
                        work.merge(same, record)
                        known += 1  # a story printed twice in one document is stored once
                        if same not in ids:
                            ids.append(same)
                stored = {k: v for k, v in document.items() if k != "item_ids"}
                preamble = stored.get("preamble", "")
                if isinstance(preamble, list):
                    stored["preamble"] = "\n\n".join(p.strip() for p in preamble if p.strip())
                stored.update(
                    name=name,
                    sha256=digest,
                    item_ids=ids,
                    ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
                )
                if doc_id is None:
                    doc_id = str(max(map(int, documents), default=0) + 1)
                    doc_by_name[name] = doc_id
                documents[doc_id] = stored
                documents_changed = True
                results.append(AddResult(name, new, known, ids))

            companies = dict(docs_data[COMPANIES_TABLE])
            if learned_companies:
                by_key = {_company_key(c): doc_id for doc_id, c in companies.items()}
                for company in learned_companies:
                    key = _company_key(company)
                    if not key:
                        continue
                    doc_id = by_key.get(key)
                    if doc_id is None:
                        doc_id = str(max(map(int, companies), default=0) + 1)
                        by_key[key] = doc_id
                    elif companies[doc_id] == company:
                        continue
                    companies[doc_id] = dict(company)
                    documents_changed = True

            if work.records:
                self._write_segments(work)
            if documents_changed:
                data = {DOCUMENTS_TABLE: documents, COMPANIES_TABLE: companies}
                OrjsonStorage(self.documents_path, hint=_DOCUMENTS_HINT).write(data)
                self._documents = (self._stamp(self.documents_path), data)
            if work.records:
                new_index = work.new_index()
                self._write_index(new_index)
                self._remember_maps(new_index, work)
            return results

    def restore_backups(self) -> list[Path]:
        """Put back the `.bak` copy of every corrupt or missing store file; the paths restored.

        Restoring a corpus segment rebuilds the index from the corpus.
        """
        restored: list[Path] = []
        with self._write_lock():
            candidates = {self.documents_path: self._check_tinydb}
            for number in set(self._index.segment) | set(self._segment_numbers_on_disk()):
                candidates[segment_path(self.root, number)] = _Segment.load
            for bak in self.root.glob("*.json.bak"):
                path = bak.with_name(bak.name[: -len(".bak")])
                if _SEGMENT_NAME.match(path.name):
                    candidates.setdefault(path, _Segment.load)
                elif path.name.startswith("state-"):
                    candidates[path] = load_state_file
            for path, check in sorted(candidates.items()):
                bak = backup_path(path)
                if not bak.exists() or self._is_good(path, check):
                    continue
                if not self._is_good(bak, check):
                    continue
                raw = read_bytes(bak)
                mode = 0o600 if path.name.startswith("state-") else 0o666
                atomic_write(path, raw, mode=mode)
                restored.append(path)
            self._segments.clear()
            self._documents = None
            if any(_SEGMENT_NAME.match(p.name) for p in restored):
                self._write_index(self._rebuild_index(self._index.generation + 1))
            else:
                self._load_index()
        if self._state is not None:
            self._state.refresh()
        return restored

    # internals: files

    @staticmethod
    def _stamp(path: Path) -> tuple | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _write_lock(self) -> contextlib.AbstractContextManager[None]:
        return held(self._lock, f"the store {self.root} (an ingest may be running)")

    def _segment_numbers_on_disk(self) -> list[int]:
        try:
            names = os.listdir(self.root)
        except OSError as exc:
            raise StoreError(f"cannot list the store folder {self.root}: {os_reason(exc)}") from exc
        return sorted(int(m.group(1)) for m in map(_SEGMENT_NAME.match, names) if m)

    def _segment(self, number: int) -> _Segment:
        segment = self._segments.get(number)
        if segment is not None:
            self._segments.move_to_end(number)
            return segment
        segment = _Segment.load(segment_path(self.root, number))
        self._cache_segment(number, segment)
        return segment

    def _cache_segment(self, number: int, segment: _Segment) -> None:
        self._segments[number] = segment
        self._segments.move_to_end(number)
        while len(self._segments) > self._segment_cache_size:
            self._segments.popitem(last=False)

    def _read_by_span(
        self, index: ItemIndex, number: int, members: list[tuple[str, int]]
    ) -> dict[str, dict] | None:
        """Records (id, row) of one segment read alone by their spans in the segment file.

        None when the spans cannot be trusted: the file is not the version the index was
        written with (a writer replaced it since, or was killed before committing), a span
        is unknown, or a span does not hold exactly the record asked for.
        """
        token = index.tokens.get(number)
        if token is None:
            return None
        header = _segment_header(token)
        found: dict[str, dict] = {}
        try:
            with open(segment_path(self.root, number), "rb", buffering=0) as handle:
                if handle.read(len(header)) != header:
                    return None
                for item_id, row in members:
                    offset, length = index.span_of(row)
                    if not length:
                        return None
                    handle.seek(offset)
                    record = orjson.loads(handle.read(length))
                    if (
                        not isinstance(record, dict)
                        or record.get("id") != item_id
                        or not isinstance(record.get("title"), str)
                    ):
                        return None
                    found[item_id] = record
        except (OSError, orjson.JSONDecodeError):
            return None
        return found

    def _read_documents(self) -> dict:
        stamp = self._stamp(self.documents_path)
        if self._documents is not None and self._documents[0] == stamp and stamp is not None:
            return self._documents[1]
        data = OrjsonStorage(self.documents_path, hint=_DOCUMENTS_HINT).read() or {}
        data = check_tinydb_shape(
            self.documents_path, data, (DOCUMENTS_TABLE, COMPANIES_TABLE), _DOCUMENTS_HINT
        )
        self._documents = (stamp, data)
        return data

    def _write_segments(self, work: _Batch) -> None:
        by_segment: dict[int, list[str]] = {}
        for item_id, number in work.segments.items():
            by_segment.setdefault(number, []).append(item_id)
        index = work.index
        for number, members in sorted(by_segment.items()):
            path = segment_path(self.root, number)
            current = work.segment(number)
            items: dict[str, dict] = {}
            doc_ids: dict[str, str] = {}
            for doc_id, record in current.items.items():
                row = index.row_of(record["id"])
                if row is not None and index.segment[row] == number:  # drop orphans
                    items[doc_id] = record
                    doc_ids[record["id"]] = doc_id
            next_doc_id = max(map(int, items), default=0) + 1
            for item_id in members:
                doc_id = doc_ids.get(item_id)
                if doc_id is None:
                    doc_id = str(next_doc_id)
                    next_doc_id += 1
                    doc_ids[item_id] = doc_id
                items[doc_id] = work.records[item_id]
            token = os.urandom(TOKEN_BYTES).hex()
            raw, spans = _segment_bytes(token, items)
            atomic_write(path, raw, backup=True)
            work.spans.update(spans)
            work.tokens[number] = token
            self._cache_segment(number, _Segment(items, doc_ids, token, spans))

    def _write_index(self, index: ItemIndex) -> None:
        atomic_write(self.index_path, index.to_json())
        self._index = index
        self._index_stamp = self._stamp(self.index_path)

    def _reload_index_if_changed(self) -> bool:
        if self._stamp(self.index_path) == self._index_stamp:
            return False
        self._load_index()
        return True

    def _load_index(self) -> None:
        """Load index.json; rebuild it from the corpus if it is missing or damaged."""
        try:
            with open(self.index_path, "rb") as handle:
                st = os.fstat(handle.fileno())
                raw = handle.read()
            index = ItemIndex.from_json(raw)
            stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            index = stamp = None
        except ValueError:
            index = stamp = None
        except OSError as exc:
            raise StoreError(f"cannot read store file {self.index_path}: {os_reason(exc)}") from exc
        if index is None:
            if not self._segment_numbers_on_disk():
                index, stamp = ItemIndex.empty(), None
            else:
                index, stamp = self._rebuild_and_save()
        self._index, self._index_stamp = index, stamp
        self._segments.clear()

    def _rebuild_and_save(self) -> tuple[ItemIndex, tuple | None]:
        try:
            self._lock.acquire(timeout=2.0)
        except (filelock.Timeout, OSError):  # busy or read-only: rebuild in memory only
            return self._rebuild_index(0), self._stamp(self.index_path)
        try:
            index = self._rebuild_index(0)
            with contextlib.suppress(StoreError):
                atomic_write(self.index_path, index.to_json())
            return index, self._stamp(self.index_path)
        finally:
            self._lock.release()

    def _rebuild_index(self, generation: int) -> ItemIndex:
        """The index derived from every corpus segment (a damaged segment raises)."""
        rows = []
        seen: set[str] = set()
        tokens: dict[int, str] = {}
        self._segments.clear()
        for number in self._segment_numbers_on_disk():
            segment = _Segment.load(segment_path(self.root, number), with_spans=True)
            if segment.token is not None:
                tokens[number] = segment.token
            for record in segment.items.values():
                if record["id"] in seen:
                    continue
                seen.add(record["id"])
                span = segment.spans.get(record["id"], NO_SPAN)
                rows.append(_row_values(_normalize_record(record), number, span))
        return ItemIndex.from_rows(rows, generation, tokens)

    @staticmethod
    def _check_tinydb(path: Path) -> None:
        OrjsonStorage(path).read()

    @staticmethod
    def _is_good(path: Path, check) -> bool:
        if not path.exists():
            return False
        try:
            check(path)
        except CorruptStoreError:
            return False
        return True

    # internals: dedupe maps

    def _dedupe_maps(self, index: ItemIndex) -> tuple[dict, dict]:
        """Hashed title and body keys -> the id (or list of ids) of the stories having them."""
        if self._maps is not None and self._maps[0] is index:
            return self._maps[1], self._maps[2]
        title_ids = _key_map(index.title_key, index.ids)
        body_ids = _key_map(index.body_key, index.ids)
        self._maps = (index, title_ids, body_ids)
        return title_ids, body_ids

    def _remember_maps(self, new_index: ItemIndex, work: _Batch) -> None:
        """Carry the dedupe maps over to the committed index (cheaper than rebuilding)."""
        title_ids, body_ids = work.title_ids, work.body_ids
        for mapping, additions in ((title_ids, work.new_title_ids), (body_ids, work.new_body_ids)):
            for key, ids in additions.items():
                known = list(_ids_under(mapping, key))
                known.extend(i for i in ids if i not in known)
                mapping[key] = known[0] if len(known) == 1 else known
        self._maps = (new_index, title_ids, body_ids)


def _key_map(keys: list[str], ids: list[str]) -> dict[str, str | list[str]]:
    """key -> id, or -> [ids] for the keys several stories share (built at C speed)."""
    mapping: dict[str, str | list[str]] = dict(zip(keys, ids, strict=True))
    shared = {key for key, count in Counter(keys).items() if count > 1}
    shared.discard(NO_KEY)
    if shared:
        for key in shared:
            mapping[key] = []
        for key, item_id in zip(keys, ids, strict=True):
            if key in shared:
                mapping[key].append(item_id)
    mapping.pop(NO_KEY, None)
    return mapping


def _ids_under(mapping: dict[str, str | list[str]], key: str) -> tuple[str, ...]:
    found = mapping.get(key)
    if found is None:
        return ()
    return (found,) if isinstance(found, str) else tuple(found)
