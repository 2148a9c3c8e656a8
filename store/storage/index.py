"""ItemIndex: the compact columnar index of every item, rows sorted newest first.

One `Row` per item; its fields are the columns, in the order they are written once, here.
An index is never changed in place: a write produces a new one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any, NamedTuple

import orjson

from store.storage import dedupe
from store.storage.dedupe import KEY_CHARS
from store.storage.files import no_gc
from store.storage.records import company_key, normalize_record
from store.storage.segments import NO_SPAN, SPAN_CHARS, Corpus, decode_span

INDEX_VERSION = 3


class Row(NamedTuple):
    """One item in the index. The field order is the column order everywhere."""

    id: str
    published: str
    publisher: str
    title: str
    section: str
    tickers: tuple[str, ...]
    companies: tuple[str, ...]  # company keys
    documents: tuple[str, ...]  # document names
    segment: int
    title_key: str  # hashed dedupe keys (dedupe.Keys), NO_KEY where there is none
    body_key: str
    body_print: str
    span: str  # the record's byte span in its segment file (segments.encode_span)

    @classmethod
    def of(cls, record: dict, segment: int, span: str = NO_SPAN, keys: dedupe.Keys | None = None):
        """The row of a normalized record stored in `segment` at `span`."""
        keys = keys or dedupe.Keys()
        return cls(
            record["id"],
            record["published"],
            record["publisher"],
            record["title"],
            record["section"],
            tuple(record["tickers"]),
            tuple(k for k in map(company_key, record["companies"]) if k),
            tuple(record["documents"]),
            segment,
            keys.title_hash(record["title"]),
            keys.body_hash(record["body"]),
            keys.body_print(record["body"]),
            span,
        )

    def order(self) -> tuple[str, str]:
        """The sort key: rows are sorted by it, descending (newest first)."""
        return (self.published, self.id)


# The ItemIndex attribute of each Row field (two are plural for history's sake).
COLUMNS: tuple[str, ...] = tuple(
    {"id": "ids", "span": "spans"}.get(name, name) for name in Row._fields
)
# The columns a merge can change ("spans" changes with every rewrite of a segment).
MERGED_COLUMNS = ("section", "tickers", "companies", "documents", "body_key", "body_print")
# How each column is kept in index.json.
_MULTI = ("tickers", "companies", "documents")
_CATEGORICAL = ("publisher", "section", *_MULTI)  # distinct values + one code per row
_PLAIN = ("ids", "published", "title", "segment")
_PACKED = {"title_key": KEY_CHARS, "body_key": KEY_CHARS, "body_print": KEY_CHARS}
_PACKED["spans"] = SPAN_CHARS  # one string of fixed-width entries, one per row
assert set(_CATEGORICAL) | set(_PLAIN) | set(_PACKED) == set(COLUMNS)
_HEX = frozenset("0123456789abcdef")


def newer(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether sort key `a` comes before `b` (newer, or as new with a greater id)."""
    return a > b


class ItemIndex:
    """The compact columnar index of every item, rows sorted newest first.

    Columns are plain lists with one entry per row (`tickers`, `companies`, `documents` hold
    tuples). On disk (`index.json`) repeated values are stored once: a categorical column is
    its distinct values plus one integer code per row, and rows with equal values share one
    object in memory. The dedupe keys (`title_key`, `body_key`, `body_print`, only the writer
    needs them) and the records' byte spans in their segment files (`spans`) stay packed in
    one string each until first used. `tokens` names the version of each segment file the
    spans point into.
    """

    def __init__(
        self,
        columns: dict[str, list],
        generation: int = 0,
        packed: dict[str, str] | None = None,
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
        # packed columns: either unpacked lists given here, or packed strings read from disk
        self._unpacked: dict[str, list[str]] = {n: columns[n] for n in _PACKED if n in columns}
        self._packed: dict[str, str] = dict(packed or {})
        self._derived: dict[str, Any] = {}

    def _packed_column(self, name: str) -> list[str]:
        column = self._unpacked.get(name)
        if column is None:
            packed, width = self._packed[name], _PACKED[name]
            column = [packed[i : i + width] for i in range(0, len(packed), width)]
            self._unpacked[name] = column
        return column

    @property
    def title_key(self) -> list[str]:
        """Hashed dedupe title keys, one per row (NO_KEY where there is none)."""
        return self._packed_column("title_key")

    @property
    def body_key(self) -> list[str]:
        """Hashed dedupe body keys, one per row (NO_KEY where there is none)."""
        return self._packed_column("body_key")

    @property
    def body_print(self) -> list[str]:
        """Fingerprints of the body openings dedupe compares, one per row."""
        return self._packed_column("body_print")

    @property
    def spans(self) -> list[str]:
        """Each record's byte span in its segment file (NO_SPAN where it is not known)."""
        return self._packed_column("spans")

    def span_of(self, row: int) -> tuple[int, int]:
        """(offset, length) of a row's record in its segment file; length 0: not known."""
        spans = self._unpacked.get("spans")
        if spans is not None:
            return decode_span(spans[row])
        packed = self._packed["spans"]
        return decode_span(packed[row * SPAN_CHARS : (row + 1) * SPAN_CHARS])

    def row(self, row: int) -> Row:
        return Row(*(getattr(self, name)[row] for name in COLUMNS))

    def derived(self, name: str, build: Callable[[], Any]) -> Any:
        """A value computed from this index once (an index never changes): `build()` the
        first time `name` is asked for. For caches others keep per index (search's title
        text), so they go when the index goes."""
        try:
            return self._derived[name]
        except KeyError:
            value = self._derived[name] = build()
            return value

    @classmethod
    def empty(cls) -> ItemIndex:
        return cls({name: [] for name in COLUMNS})

    @classmethod
    def from_rows(
        cls, rows: Iterable[Row], generation: int = 0, tokens: dict[int, str] | None = None
    ) -> ItemIndex:
        """An index from unsorted rows."""
        ordered = sorted(rows, key=Row.order, reverse=True)
        columns = {name: [row[i] for row in ordered] for i, name in enumerate(COLUMNS)}
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
            values, codes = data[name]["values"], data[name]["codes"]
            if not all(type(c) is int and 0 <= c < len(values) for c in codes):
                raise ValueError(f"the {name} column holds a code out of range")
            if name in _MULTI:
                values = list(map(tuple, values))
            columns[name] = list(map(values.__getitem__, codes))
        packed = {name: data[name] for name in _PACKED}
        if not all(isinstance(v, list) and len(v) == size for v in columns.values()) or not all(
            isinstance(v, str) and len(v) == size * _PACKED[name] for name, v in packed.items()
        ):
            raise ValueError("columns of different lengths")
        # A hand-edited index must fail here (and be rebuilt), not in a later lookup.
        for name, kind in (("ids", str), ("published", str), ("title", str), ("segment", int)):
            if not all(type(v) is kind for v in columns[name]):
                raise ValueError(f"the {name} column holds a value of the wrong type")
        if not all(v >= 0 for v in columns["segment"]):
            raise ValueError("the segment column holds a negative number")
        for name in ("publisher", "section"):
            if not all(type(v) is str for v in data[name]["values"]):
                raise ValueError(f"the {name} column holds a value of the wrong type")
        for name in _MULTI:
            if not all(type(v) is str for values in data[name]["values"] for v in values):
                raise ValueError(f"the {name} column holds a value of the wrong type")
        for name, value in packed.items():
            allowed = _HEX | {"s", "l"} if name == "body_print" else _HEX
            if not allowed.issuperset(value):
                raise ValueError(f"the {name} column is not hexadecimal")
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
            packed = self._packed.get(name)
            data[name] = packed if packed is not None else "".join(getattr(self, name))
        data["tokens"] = {str(number): token for number, token in self.tokens.items()}
        return orjson.dumps(data)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, item_id: object) -> bool:
        """Whether the index holds (has committed) the item `item_id`."""
        return item_id in self._rows_by_id

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

    @cached_property
    def rows_by_segment(self) -> dict[int, list[int]]:
        rows: dict[int, list[int]] = {}
        for row, number in enumerate(self.segment):
            rows.setdefault(number, []).append(row)
        return rows

    def wanted(self, rows: Iterable[int]) -> list[tuple[str, int, int]]:
        """(id, offset, length) of rows' records in their segment files."""
        return [(self.ids[row], *self.span_of(row)) for row in rows]


def rebuild(corpus: Corpus, generation: int = 0) -> ItemIndex:
    """The index derived from the corpus segments of a generation (a damaged one raises).

    Only the files the manifest names are read, so the records of a write that never
    committed (in files no manifest names) are never brought back.
    """
    rows = []
    seen: set[str] = set()
    tokens: dict[int, str] = {}
    corpus.clear()
    for number in corpus.numbers():
        segment = corpus.load(number, with_spans=True)
        if segment.token is not None:
            tokens[number] = segment.token
        for record in segment.items.values():
            if record["id"] in seen:
                continue
            seen.add(record["id"])
            span = segment.spans.get(record["id"], NO_SPAN)
            rows.append(Row.of(normalize_record(record), number, span))
    return ItemIndex.from_rows(rows, generation, tokens)
