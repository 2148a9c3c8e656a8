"""ItemIndex: the columnar index of every item, rows sorted newest first.

One `Row` per item; its fields are the columns, in the order they are written once, here.

On disk the index is column files (store/storage/columns.py) the manifest names: a
**base**, written whole only when it is compacted; a **delta**, the rows added since the base
(each with its insertion point in the base) and the new values of base rows changed since
(patches); and up to MAX_PIECES (a bulk ingest: BULK_MAX_PIECES) **pieces** after it, each
what one batch changed (`Piece`). A batch appends a piece: it writes what it adds, not what
is stored. After MAX_PIECES, a batch writes the delta whole instead (the pieces folded in),
and compaction, when the delta passes `max(DELTA_MIN, rows / DELTA_SHARE)` rows, writes the
base; so each row is rewritten a bounded number of times on average (see
`needs_compaction`; a bulk ingest's batches compact less often, its last one more often).

Reading is lazy: a column (`index.title`) is a `Column`, a sequence that reads one value
from the mapped base file without decoding the rest, and decodes the whole column the first
time it is iterated. Postings (`index.rows_by_ticker[t]`) are read per key from the base's
posting sections. A one-shot command therefore reads only the columns and postings it uses;
the reader, which uses everything, decodes each column once at C speed.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from itertools import accumulate, chain, groupby
from operator import itemgetter
from pathlib import Path
from typing import Literal, NamedTuple, Protocol, TypeVar, cast, overload

from store.model import ItemRecord
from store.storage import dedupe
from store.storage.columns import ColumnFile, DamagedColumnFile, Strings, Writer, decode_codes
from store.storage.errors import CorruptStoreError
from store.storage.files import no_gc
from store.storage.records import company_key, normalize_record
from store.storage.segments import NO_SPAN, Corpus, decode_span
from store.text.cjk import cjk_pattern

INDEX_VERSION = 5  # 5: value tables as string sections (one value read alone)
DELTA_MIN = 20_000  # a delta may hold this many rows and patches before compaction ...
DELTA_SHARE = 16  # ... or one sixteenth of the base, whichever is more
# Within a bulk ingest (all its batches but the last) the delta may grow to half the base:
# each compaction rewrites every row, and at one sixteenth a 1M ingest spent half its
# writer's time compacting (at a quarter, 27%; a larger delta costs each batch more to merge
# its rows into). Its last batch compacts past max(DELTA_MIN, rows / BULK_END_SHARE): every
# reader pays for the delta's rows at each start (~3 us a row: a 42k-row delta made `search`
# at 1M 0.28 -> 0.52 s and `list` 0.09 -> 0.23 s), and one compaction after a bulk ingest
# is cheap beside it.
BULK_DELTA_MIN = 100_000
BULK_DELTA_SHARE = 2
BULK_END_SHARE = 64
CompactionRule = Literal["usual", "bulk", "bulk ends"]
# Batches appended as pieces before the delta is written whole again. Every reader reads
# each piece at its start: at 100k, `list` with 13k rows in 15 pieces took 0.177 s, in one
# delta file 0.095 s. A bulk ingest's batches (a delta of up to half the base, each written
# whole costing seconds at 1M) take more.
MAX_PIECES = 4
BULK_MAX_PIECES = 16
_REINDEX_HINT = "run: newsdesk reindex (the index is rebuilt from the corpus)"


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
    title_key: int  # hashed dedupe keys (dedupe.Keys), NO_KEY where there is none
    body_key: int
    body_print: int
    span: int  # the record's byte span in its segment file (segments.encode_span)

    @classmethod
    def of(
        cls,
        record: ItemRecord,
        segment: int,
        span: int = NO_SPAN,
        keys: dedupe.Keys | None = None,
    ) -> Row:
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
# The columns a later write can change; the others never change once a row exists.
PATCHABLE = ("section", "tickers", "companies", "documents", "body_key", "body_print", "spans")
MERGED_COLUMNS = PATCHABLE[:-1]  # what merging a reprint changes ("spans": any rewrite)
_STRINGS = ("ids", "published", "title")
_CATEGORICAL = ("publisher", "section", "tickers", "companies", "documents")
_MULTI = ("tickers", "companies", "documents")
_INTS = {"segment": "u32", "title_key": "i64", "body_key": "i64", "body_print": "i64"}
_INTS["spans"] = "i64"
_KEYS_ORDERED = ("title_key", "body_key")  # the base holds their rows in key order
_POSTED = {"tickers": "tickers", "companies": "companies", "documents": "documents"}
_POSTED["publisher"] = "publisher"
assert set(_STRINGS) | set(_CATEGORICAL) | set(_INTS) == set(COLUMNS)
# One value of a column: a string, a tuple of strings (tickers, companies, documents) or an
# integer (segment, keys, spans); each column holds values of one of these kinds.
Value = str | tuple[str, ...] | int
Columns = dict[str, list[Value]]  # column name -> its values, row by row
Patch = tuple[Value, ...]  # the new values of a row's PATCHABLE columns, in that order
T = TypeVar("T")


class Piece(NamedTuple):
    """What one batch changed in the index, as it is appended on disk (an index piece)."""

    rows: Columns  # the rows it added, newest first
    ops: list[int]  # their insertion points in the base
    replaced: dict[str, Patch]  # id -> the new PATCHABLE values of a row in the delta
    patches: dict[int, Patch]  # base row -> its new PATCHABLE values
    documents: dict[str, tuple[str, str]]  # name -> (doc id, sha256) of documents written
    tokens: dict[int, str]  # segment -> the token of the file it wrote
    generation: int
    next_doc: int


_DEFAULTS: dict[str, Value] = dict.fromkeys(COLUMNS, "")
_DEFAULTS.update(dict.fromkeys(_MULTI, ()))
_DEFAULTS.update(dict.fromkeys(_INTS, 0))


def _damaged(path: Path, exc: Exception) -> CorruptStoreError:
    return CorruptStoreError(path, f"damaged index: {exc}", _REINDEX_HINT, backup=False)


def newer(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether sort key `a` comes before `b` (newer, or as new with a greater id)."""
    return a > b


def fold_title(title: str) -> str:
    return title.casefold().replace("\n", " ")


def title_bytes(titles: Iterable[str]) -> tuple[bytes, list[int]]:
    """Titles casefolded, each ended by a newline, in UTF-8; and the offset of each newline."""
    return _lines([fold_title(t) for t in titles])


def _lines(values: Sequence[str]) -> tuple[bytes, list[int]]:
    """`values` (holding no newline), each ended by one, in UTF-8; the offset of each newline."""
    encoded = [v.encode("utf-8", "surrogatepass") for v in values]
    ends = [end - 1 for end in accumulate(len(v) + 1 for v in encoded)]
    return (b"\n".join(encoded) + b"\n" if encoded else b""), ends


# a title's words: runs of word characters, each Chinese character a word of its own (so the
# vocabulary stays small; a Chinese word is looked up as its characters, then checked)
_WORDS = "[^\\W{cjk}]+|[{cjk}]"
# ASCII bytes: word characters (as `\\w` has them) kept, the others made spaces
_ASCII_WORDS = bytes(c if chr(c).isalnum() or c == ord("_") else 32 for c in range(128))
_ASCII_WORDS += bytes(range(128, 256))
_CHECK_COST = 10  # checking a row's title costs about as much as reading 10 postings
_SCANS_BEFORE_MAP = 8  # lookups in a whole integer column before it is mapped by value
_ROWS_BY_SEARCH = 256  # fewer base rows find their index rows by binary search


def title_words(folded: Iterable[str]) -> tuple[bytes, list[int], list[int], list[int]]:
    """The word index of casefolded titles: its vocabulary (every word, sorted, as `_lines`),
    the end of each, where each one's rows start, and the rows."""
    posted: dict[bytes, list[int]] = {}
    findall = cjk_pattern(_WORDS).findall
    get = posted.get
    with no_gc():  # a million short lists: no collection need scan them while they grow
        for row, title in enumerate(folded):
            if title.isascii():  # most titles: the words of the bytes, at C speed
                words = set(title.encode().translate(_ASCII_WORDS).split())
            else:
                words = {w.encode("utf-8", "surrogatepass") for w in findall(title)}
            for word in words:
                rows = get(word)
                if rows is None:
                    posted[word] = [row]
                else:
                    rows.append(row)
    vocabulary = sorted(posted)
    ends = [end - 1 for end in accumulate(len(w) + 1 for w in vocabulary)]
    text = b"\n".join(vocabulary) + b"\n" if vocabulary else b""
    starts = list(accumulate((len(posted[w]) for w in vocabulary), initial=0))
    return text, ends, starts, list(chain.from_iterable(posted[w] for w in vocabulary))


class TitleWords:
    """Every word of the titles with the rows whose title holds it: the rows holding a word
    (or part of one) are found by scanning the vocabulary, a fraction of the titles, then
    reading the postings of the vocabulary words that hold it.

    Exact, not a shortcut: a word of the query (`_WORDS`) found in a title lies inside one
    word of the title, so the rows of the vocabulary words holding it are all the rows
    holding it."""

    __slots__ = ("ends", "origin", "postings", "starts", "vocabulary")

    def __init__(
        self,
        vocabulary: Haystack,
        ends: Sequence[int],
        starts: Sequence[int],
        postings: Callable[[int, int], Sequence[int]],
        origin: int = 0,
    ) -> None:
        # `postings(start, count)`: `count` rows from `start`; word k's are starts[k]..[k+1]
        self.vocabulary, self.ends, self.starts = vocabulary, ends, starts
        self.postings, self.origin = postings, origin

    @classmethod
    def of(cls, folded: Iterable[str]) -> TitleWords:
        text, ends, starts, rows = title_words(folded)
        return cls(text, ends, starts, lambda start, count: rows[start : start + count])

    def words_holding(self, key: str) -> list[int]:
        """The vocabulary words holding `key` (casefolded word characters only)."""
        needle = key.encode("utf-8", "surrogatepass")
        ends, find, origin = self.ends, self.vocabulary.find, self.origin
        stop = origin + (ends[-1] + 1 if len(ends) else 0)
        words: list[int] = []
        pos = find(needle, origin, stop)
        while pos != -1:
            k = bisect_left(ends, pos - origin)
            words.append(k)
            pos = find(needle, origin + ends[k] + 1, stop)  # next word
        return words

    def count(self, words: list[int]) -> int:
        """How many rows the words' postings hold (a row may count more than once)."""
        starts = self.starts
        return sum(starts[k + 1] - starts[k] for k in words)

    def rows(self, words: list[int]) -> list[int]:
        """The rows whose title holds any of `words` (vocabulary numbers), ascending."""
        starts = self.starts
        if len(words) == 1:
            k = words[0]
            return list(self.postings(starts[k], starts[k + 1] - starts[k]))
        merged: set[int] = set()
        for k in words:
            merged.update(self.postings(starts[k], starts[k + 1] - starts[k]))
        return sorted(merged)

    def keep(self, rows: list[int], words: list[int]) -> list[int]:
        """The rows of `rows` (ascending) whose title holds any of `words`."""
        starts, candidates, kept = self.starts, set(rows), set()
        for k in words:
            kept.update(
                candidates.intersection(self.postings(starts[k], starts[k + 1] - starts[k]))
            )
        return [r for r in rows if r in kept]


class TitleText:
    """Titles casefolded into one UTF-8 string, each ended by a newline: word lookups run at
    C speed over the bytes (a base's are searched in its mapping, never decoded); with a
    word index, the rows holding the longest word come from it and only they are checked."""

    __slots__ = ("ends", "origin", "text", "words")

    def __init__(
        self,
        text: Haystack,
        ends: Sequence[int],
        origin: int = 0,
        words: TitleWords | None = None,
    ) -> None:
        # `ends`: the byte offset (from `origin` in `text`) of each title's newline
        self.text, self.ends, self.origin, self.words = text, ends, origin, words

    @classmethod
    def of(cls, titles: Iterable[str], *, indexed: bool = False) -> TitleText:
        folded = [fold_title(t) for t in titles]
        return cls(*_lines(folded), words=TitleWords.of(folded) if indexed else None)

    def rows_with(self, words: list[str]) -> list[int]:
        """Rows whose title holds every word (casefolded), ascending."""
        needles = sorted(words, key=len, reverse=True)  # the longest is usually the rarest
        index, keys = self.words, []
        if index is not None:
            keys = [k for w in needles for k in cjk_pattern(_WORDS).findall(w)]
        ends, find, origin = self.ends, self.text.find, self.origin
        if index is not None and keys:
            # the rarest key's rows, narrowed by the postings of the others while reading
            # them costs less than checking each row's title
            holding = {k: index.words_holding(k) for k in keys}
            found = sorted((index.count(v), k, v) for k, v in holding.items())
            _, key, vocabulary = found[0]
            rows = index.rows(vocabulary)
            settled = {key}
            for count, key, vocabulary in found[1:]:
                if count > _CHECK_COST * len(rows):
                    break
                rows = index.keep(rows, vocabulary)
                settled.add(key)
            needles = [n for n in needles if n not in settled]
        else:
            first = needles.pop(0).encode("utf-8", "surrogatepass")
            rows = []
            stop = origin + (ends[-1] + 1 if len(ends) else 0)
            pos = find(first, origin, stop)
            while pos != -1:
                row = bisect_left(ends, pos - origin)
                rows.append(row)
                pos = find(first, origin + ends[row] + 1, stop)  # next title
        for needle in needles:
            encoded = needle.encode("utf-8", "surrogatepass")
            rows = [
                r for r in rows
                if find(encoded, origin + (ends[r - 1] + 1 if r else 0), origin + ends[r]) != -1
            ]  # fmt: skip
        return rows


class Haystack(Protocol):
    """What titles are searched in: bytes, or the mapping of a column file."""

    def find(self, sub: bytes, start: int = ..., end: int = ..., /) -> int: ...


# ----------------------------------------------------------------------------- the base


class Base:
    """The compacted rows: a column file, or columns in memory (not yet written)."""

    def __init__(
        self,
        n: int,
        meta: dict[str, object],
        file: ColumnFile | None = None,
        columns: Columns | None = None,
        directory: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        self.n = n
        self.meta = meta
        self._directory_of_documents = directory
        self.file = file
        self.name = file.path.name if file is not None else None
        self._full: Columns = dict(columns or {})
        self._strings: dict[str, Strings] = {}
        self._codes: dict[str, memoryview] = {}
        self._values: dict[str, ValueTable] = {}
        self._ints: dict[str, memoryview] = {}
        self._directories: dict[str, dict[str, list[int]]] = {}
        self._rows_by_id: dict[str, int] | None = None
        self._lookups = 0
        self._scans: Counter[str] = Counter()
        self._rows_by_int: dict[str, dict[int, list[int]]] = {}

    @property
    def _file(self) -> ColumnFile:
        """The base's column file (only a base read from a file reads from one)."""
        if self.file is None:
            raise TypeError("an index base in memory has no file")
        return self.file

    @classmethod
    def open(cls, path: Path) -> Base:
        file = ColumnFile(path)
        meta = file.meta
        if meta.get("version") != INDEX_VERSION or meta.get("kind") != "base":
            raise DamagedColumnFile("not a base index of this version")
        n = meta.get("rows")
        if type(n) is not int or n < 0:
            raise DamagedColumnFile("no row count")
        return cls(n, meta, file)

    @classmethod
    def of_columns(
        cls,
        columns: Columns,
        meta: dict[str, object],
        directory: dict[str, tuple[str, str]] | None = None,
    ) -> Base:
        return cls(len(columns["ids"]), meta, None, columns, directory or {})

    def document_directory(self) -> dict[str, tuple[str, str]]:
        """name -> (doc id, sha256) of the documents the base knows."""
        if self._directory_of_documents is None:
            self._directory_of_documents = self._guard(
                lambda: _directory(self._file.json("docdir"))
            )
        return self._directory_of_documents

    def _guard(self, fn: Callable[[], T]) -> T:
        """`fn()`, a damage it meets (in a file: a base in memory is never damaged) raised
        as the CorruptStoreError that names the file."""
        try:
            return fn()
        except (DamagedColumnFile, IndexError, KeyError, TypeError, ValueError) as exc:
            if self.file is None:
                raise
            raise _damaged(self.file.path, exc) from None

    # whole columns

    def column(self, name: str) -> list[Value]:
        full = self._full.get(name)
        if full is None:
            full = self._full[name] = self._guard(lambda: self._decode(name))
            if len(full) != self.n:
                raise _damaged(self._file.path, ValueError(f"column {name} has the wrong length"))
        return full

    def _decode(self, name: str) -> list[Value]:
        # (list is invariant: a list[str] is handed out as the list[Value] it also is)
        if name in _STRINGS:
            return cast("list[Value]", self._string_column(name).all())
        if name in _CATEGORICAL:
            return decode_codes(self._code_column(name), self._value_table(name).all())
        return cast("list[Value]", self._int_column(name).tolist())

    # single values

    def value(self, name: str, row: int) -> Value:
        full = self._full.get(name)
        if full is not None:
            return full[row]
        return self._guard(lambda: self._value(name, row))

    def _value(self, name: str, row: int) -> Value:
        if not 0 <= row < self.n:
            raise IndexError(row)
        if name in _STRINGS:
            return self._string_column(name).get(row)
        if name in _CATEGORICAL:
            return self._value_table(name).get(self._code_column(name)[row])
        return self._int_column(name)[row]

    def _string_column(self, name: str) -> Strings:
        strings = self._strings.get(name)
        if strings is None:
            strings = self._strings[name] = self._file.strings(name)
            if len(strings) != self.n:
                raise DamagedColumnFile(f"column {name} has the wrong length")
        return strings

    def _code_column(self, name: str) -> memoryview:
        codes = self._codes.get(name)
        if codes is None:
            codes = self._codes[name] = self._file.u32(name + ".codes")
            if len(codes) != self.n:
                raise DamagedColumnFile(f"column {name} has the wrong length")
        return codes

    def _value_table(self, name: str) -> ValueTable:
        values = self._values.get(name)
        if values is None:
            values = self._values[name] = _value_table(self._file, name + ".values", name)
        return values

    def _int_column(self, name: str) -> memoryview:
        ints = self._ints.get(name)
        if ints is None:
            kind = _INTS[name]
            ints = self._file.u32(name) if kind == "u32" else self._file.i64(name)
            if len(ints) != self.n:
                raise DamagedColumnFile(f"column {name} has the wrong length")
            self._ints[name] = ints
        return ints

    # lookups

    def take(self, name: str, rows: Sequence[int]) -> list[Value]:
        """The values of base rows `rows` of column `name`, in that order (one guard, no
        per-value layers: what printing a page of rows reads)."""
        full = self._full.get(name)
        if full is not None:
            return [full[row] for row in rows]

        def read() -> list[Value]:
            if any(not 0 <= row < self.n for row in rows):
                raise IndexError("a row is out of range")
            if name in _STRINGS:
                get = self._string_column(name).get
                return [get(row) for row in rows]
            if name in _CATEGORICAL:
                codes, table = self._code_column(name), self._value_table(name)
                return [table.get(codes[row]) for row in rows]
            ints = self._int_column(name)
            return [ints[row] for row in rows]

        return self._guard(read)

    def string(self, name: str, row: int) -> str:
        """A value of a string column (ids, published, title, publisher, section)."""
        value = self.value(name, row)
        if not isinstance(value, str):
            raise TypeError(f"column {name} is not a column of strings")
        return value

    def order_key(self, row: int) -> tuple[str, str]:
        return (self.string("published", row), self.string("ids", row))

    def insertion_points(self, orders: list[tuple[str, str]]) -> list[int]:
        """`newer_than` of each sort key: for many, one C-speed bisection each in the two
        columns decoded once (a base's rows are sorted newest first)."""
        if len(orders) <= 256:
            return [self.newer_than(order) for order in orders]
        published = cast("list[str]", self.column("published"))
        ids = cast("list[str]", self.column("ids"))
        oldest_first = list(zip(reversed(published), reversed(ids), strict=True))
        return [self.n - bisect_right(oldest_first, order) for order in orders]

    def newer_than(self, order: tuple[str, str]) -> int:
        """How many base rows sort before (are newer than) a row with sort key `order`."""
        lo, hi = 0, self.n
        while lo < hi:
            mid = (lo + hi) // 2
            if newer(self.order_key(mid), order):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def find_id(self, item_id: str) -> int | None:
        """The base row of an id, None if absent: a binary search over the id order, or,
        after many lookups (a base lives as long as a writer's batches), one dictionary."""
        rows = self._rows_by_id
        if rows is not None:
            return rows.get(item_id)
        self._lookups += 1
        # a binary search is ~0.1 ms; the map costs ~1 µs a row to build, so it pays only
        # after about n / 100 lookups
        if self._lookups > max(64, self.n // 100) or self.file is None:
            return self.prepare_id_lookups().get(item_id)
        lo, hi = self._id_range(item_id)
        return self._id_rows()[lo] if lo < hi else None

    def prepare_id_lookups(self) -> dict[str, int]:
        """The dictionary id -> base row that lookups use after the first n / 100 (~0.1 s at
        100,000 rows: the reader builds it in a worker, not in a keystroke)."""
        rows = self._rows_by_id
        if rows is None:
            ids = cast("list[str]", self.column("ids"))
            rows = self._rows_by_id = dict(zip(ids, range(len(ids)), strict=True))
        return rows

    def id_lookups_are_cheap(self) -> bool:
        return self._rows_by_id is not None or self.file is None

    def rows_with_prefix(self, prefix: str) -> list[int]:
        order = self._id_rows()
        lo = self._id_bisect(prefix)
        rows = []
        while lo < len(order) and self.string("ids", order[lo]).startswith(prefix):
            rows.append(order[lo])
            lo += 1
        return rows

    def _id_range(self, item_id: str) -> tuple[int, int]:
        lo = self._id_bisect(item_id)
        order = self._id_rows()
        if lo < len(order) and self.string("ids", order[lo]) == item_id:
            return lo, lo + 1
        return lo, lo

    def _id_bisect(self, key: str) -> int:
        order = self._id_rows()
        lo, hi = 0, len(order)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.string("ids", order[mid]) < key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    @cached_property
    def _id_order(self) -> Sequence[int]:
        if self.file is None:
            ids = [str(i) for i in self._full["ids"]]
            return sorted(range(self.n), key=ids.__getitem__)
        order = self._guard(lambda: self._file.u32("ids.order"))
        if len(order) != self.n:
            raise _damaged(self._file.path, ValueError("the id order has the wrong length"))
        return order

    def _id_rows(self) -> Sequence[int]:
        return self._id_order

    def rows_with_int(self, file: ColumnFile, name: str, key: int) -> list[int]:
        """Base rows whose integer column `name` holds `key`, ascending: by binary search
        in the column's key order where the base has one, else by a scan of the column."""
        if name not in _KEYS_ORDERED or f"{name}.order" not in file:  # (a base written before it)
            return file.find_int(name, key)
        order, values = file.u32(f"{name}.order"), file.i64(name)
        if len(order) != self.n or len(values) != self.n:
            raise DamagedColumnFile(f"the key order of {name} has the wrong length")
        lo = bisect_left(order, key, key=values.__getitem__)
        hi = bisect_right(order, key, lo, key=values.__getitem__)
        rows = sorted(order[lo:hi])
        if any(values[row] != key for row in rows):
            raise DamagedColumnFile(f"the key order of {name} is wrong")
        return rows

    def rows_in_column(self, name: str, key: int) -> list[int]:
        """Base rows whose integer column `name`, decoded whole, holds `key`, ascending. A
        few lookups scan the column; then it is mapped value -> rows once: a long ingest
        asks its in-memory base for hundreds of segments a batch (at 1M rows a scan takes
        ~30 ms, the map ~0.2 s). For a column of few values (the segment): a column of a
        million distinct keys would make a map of a million lists."""
        by_value = self._rows_by_int.get(name)
        if by_value is None:
            column = integers(self.column(name))
            self._scans[name] += 1
            if self._scans[name] <= _SCANS_BEFORE_MAP:
                return [r for r, v in enumerate(column) if v == key]
            by_value = self._rows_by_int[name] = {}
            for row, value in enumerate(column):
                rows = by_value.get(value)
                if rows is None:
                    by_value[value] = [row]
                else:
                    rows.append(row)
        return list(by_value.get(key, ()))

    def posting(self, name: str, key: str) -> list[int]:
        """Base rows whose `name` column holds `key`, ascending."""
        if self.file is None:
            return list(self._memory_postings(name).get(key, ()))
        directory = self._directory(name)
        entry = directory.get(key)
        if entry is None:
            return []

        def read() -> list[int]:
            start, count = entry
            rows: list[int] = self._file.u32_range(f"post.{name}.rows", start, count).tolist()
            if rows and not (rows[0] >= 0 and rows[-1] < self.n):
                raise DamagedColumnFile(f"postings of {name} are out of range")
            return rows

        return self._guard(read)

    def posting_keys(self, name: str) -> list[str]:
        if self.file is None:
            return list(self._memory_postings(name))
        return list(self._directory(name))

    def _directory(self, name: str) -> dict[str, list[int]]:
        """key -> [start, count] of its rows in the base's postings of column `name`."""
        directory = self._directories.get(name)
        if directory is None:
            read = self._guard(lambda: self._file.json(f"post.{name}.keys"))
            if not isinstance(read, dict):
                raise _damaged(self._file.path, ValueError(f"postings of {name} are malformed"))
            # each entry is checked when it is read (`posting`): a bad one is a damaged file
            directory = self._directories[name] = cast("dict[str, list[int]]", read)
        return directory

    def _memory_postings(self, name: str) -> dict[str, list[int]]:
        cached = self._directories.get(name)
        if cached is None:
            cached = postings(posted_values(name, self._full[name]))
            self._directories[name] = cached
        return cached

    @cached_property
    def title_text(self) -> TitleText:
        if self.file is None or "title_text" not in self.file:
            return TitleText.of(strings(self.column("title")))

        def read() -> TitleText:
            mapping, start, length = self._file.mapped("title_text")
            if "title_text.byte_ends" not in self._file:  # written before titles were bytes
                return TitleText.of(strings(self.column("title")))
            ends = self._file.u32("title_text.byte_ends")
            if len(ends) != self.n or (len(ends) and ends[-1] != length - 1):
                raise DamagedColumnFile("the title text does not match its rows")
            return TitleText(mapping, ends, start, self._title_words())

        return self._guard(read)

    def _title_words(self) -> TitleWords | None:
        """The base's word index (None in a base written before it had one)."""
        file = self._file
        if "title_words" not in file:
            return None
        mapping, start, length = file.mapped("title_words")
        ends, starts = file.u32("title_words.byte_ends"), file.u32("title_words.starts")
        total = len(file.unchecked("title_words.rows")) // 4
        if (len(ends) and ends[-1] != length - 1) or len(starts) != len(ends) + 1:
            raise DamagedColumnFile("the title words do not match their vocabulary")
        if starts[-1] != total:  # (a word's count below 0 is refused when it is read)
            raise DamagedColumnFile("the title words do not match their rows")

        def read(at: int, count: int) -> Sequence[int]:
            found = file.u32_range("title_words.rows", at, count)
            if count and found[-1] >= self.n:
                raise DamagedColumnFile("a title word names a row the index does not have")
            return found

        def rows(at: int, count: int) -> Sequence[int]:
            return self._guard(lambda: read(at, count))

        return TitleWords(mapping, ends, starts, rows, start)


def postings(column: Iterable[Iterable[str]]) -> dict[str, list[int]]:
    """value -> the rows (ascending) whose tuple of values holds it."""
    found: dict[str, list[int]] = {}
    for row, values in enumerate(column):
        for value in values:
            rows = found.get(value)
            if rows is None:
                found[value] = [row]
            elif rows[-1] != row:
                rows.append(row)
    return found


def strings(values: Sequence[Value]) -> Sequence[str]:
    """A column of strings (ids, published, publisher, title, section) as what it holds."""
    return cast("Sequence[str]", values)


def tuples(values: Sequence[Value]) -> Sequence[tuple[str, ...]]:
    """A multi-valued column (tickers, companies, documents) as what it holds."""
    return cast("Sequence[tuple[str, ...]]", values)


def integers(values: Sequence[Value]) -> Sequence[int]:
    """An integer column (segment, title_key, body_key, body_print, spans) as what it holds."""
    return cast("Sequence[int]", values)


def posted_values(name: str, column: Sequence[Value]) -> Iterable[Iterable[str]]:
    """The keys each row of a posted column holds (the publisher: one, the others: many)."""
    if name == "publisher":
        return ((v,) for v in strings(column))
    return tuples(column)


# A multi-valued column's value (a tuple of strings) in a string section: its strings joined
# by this (a table whose values hold it, or an empty string, is written as JSON instead).
_JOIN = "\x1f"


class ValueTable:
    """The value table of a categorical column: one value decoded alone (a code's string
    in the section, split), or the whole table at once."""

    __slots__ = ("_multi", "_strings", "_values")

    def __init__(self, strings: Strings | None, values: list[Value] | None, multi: bool) -> None:
        self._strings, self._values, self._multi = strings, values, multi

    def __len__(self) -> int:
        if self._values is not None:
            return len(self._values)
        assert self._strings is not None
        return len(self._strings)

    def get(self, code: int) -> Value:
        if self._values is not None:
            return self._values[code]
        assert self._strings is not None
        if not 0 <= code < len(self._strings):
            raise IndexError("a code is out of range")
        text = self._strings.get(code)
        return (tuple(text.split(_JOIN)) if text else ()) if self._multi else text

    def all(self) -> list[Value]:
        if self._values is None:
            assert self._strings is not None
            texts = self._strings.all()
            if self._multi:
                self._values = [tuple(t.split(_JOIN)) if t else () for t in texts]
            else:
                self._values = cast("list[Value]", texts)
        return self._values


def _encoded_table(values: list[Value]) -> list[str] | None:
    """A value table as strings (tuples joined by _JOIN); None if one cannot be (a value
    holds the separator, a NUL, or is a tuple holding an empty string)."""
    out = []
    for value in values:
        if isinstance(value, tuple):
            if any(not part or _JOIN in part or "\0" in part for part in value):
                return None
            out.append(_JOIN.join(value))
        elif isinstance(value, str) and "\0" not in value:
            out.append(value)
        else:
            return None
    return out


def _value_table(file: ColumnFile, section: str, name: str) -> ValueTable:
    """The value table of categorical column `name` (section `section`: strings, or JSON
    when it could not be written as strings), its values strings or (for the multi-valued
    columns) tuples of strings."""
    if file.kind(section) == "str":
        return ValueTable(file.strings(section), None, name in _MULTI)
    return ValueTable(None, _json_value_table(file, section, name), name in _MULTI)


def _json_value_table(file: ColumnFile, section: str, name: str) -> list[Value]:
    values = file.json(section)
    if not isinstance(values, list):
        raise DamagedColumnFile(f"column {name} has no value table")
    # the section's checksum vouches for its content; only the shape is checked here
    if name in _MULTI:
        if not all(type(v) is list for v in values):
            raise DamagedColumnFile(f"column {name} holds a value of the wrong type")
        return list(map(tuple, values))
    if not all(type(v) is str for v in values):
        raise DamagedColumnFile(f"column {name} holds a value of the wrong type")
    return values


# ----------------------------------------------------------------------------- the index


class ItemIndex:
    """Every item's row, newest first: the base with the delta's rows and patches applied.

    `delta` holds the rows added since the base (columns as lists, sorted newest first)
    with `ops` (each row's insertion point in the base: how many base rows are newer), and
    `patches` (base row -> the new values of the PATCHABLE columns).
    """

    # The columns (one per Row field, COLUMNS), made by __getattr__ when first asked for.
    ids: Column[str]
    published: Column[str]
    publisher: Column[str]
    title: Column[str]
    section: Column[str]
    tickers: Column[tuple[str, ...]]
    companies: Column[tuple[str, ...]]  # company keys
    documents: Column[tuple[str, ...]]  # document names
    segment: Column[int]
    title_key: Column[int]
    body_key: Column[int]
    body_print: Column[int]
    spans: Column[int]

    def __init__(
        self,
        base: Base | dict[str, list],
        delta: Columns | None = None,
        ops: list[int] | None = None,
        patches: dict[int, Patch] | None = None,
        generation: int = 0,
        tokens: dict[int, str] | None = None,
        documents: dict[str, tuple[str, str]] | None = None,
        next_doc: int = 1,
        piece: Piece | None = None,
    ) -> None:
        if isinstance(base, dict):  # columns by name; the ones not given take defaults
            n = len(base["ids"])
            columns = {name: base.get(name) or [_DEFAULTS[name]] * n for name in COLUMNS}
            base = Base.of_columns(columns, {"generation": generation})
        self.base = base
        self.delta: Columns = delta or {name: [] for name in COLUMNS}
        self.ops: list[int] = ops or []
        self.patches: dict[int, Patch] = patches or {}
        self.generation = generation
        self.tokens: dict[int, str] = dict(tokens or {})
        self.documents_added: dict[str, tuple[str, str]] = dict(documents or {})  # since base
        self.next_doc_id = next_doc  # the TinyDB doc id the next new document gets
        self.piece = piece  # what `with_batch` added to the index it was made from
        self._d = len(self.delta["ids"])
        self._n = base.n + self._d
        self._positions = [op + k for k, op in enumerate(self.ops)]  # final rows, ascending
        self._delta_values: dict[str, dict[int, list[int]]] = {}
        self._delta_postings: dict[str, dict[str, list[int]]] = {}
        self._columns: dict[str, Column[Value]] = {}
        self._derived: dict[str, object] = {}

    # construction

    @classmethod
    def empty(cls) -> ItemIndex:
        return cls.from_rows([])

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Row],
        generation: int = 0,
        tokens: dict[int, str] | None = None,
        documents: dict[str, tuple[str, str]] | None = None,
        next_doc: int = 1,
    ) -> ItemIndex:
        """An index (all base) from unsorted rows (and the documents' directory)."""
        ordered = sorted(rows, key=Row.order, reverse=True)
        columns = {name: [row[i] for row in ordered] for i, name in enumerate(COLUMNS)}
        base = Base.of_columns(columns, {"generation": generation}, documents)
        return cls(base, generation=generation, tokens=tokens, next_doc=next_doc)

    # documents

    @cached_property
    def document_directory(self) -> dict[str, tuple[str, str]]:
        """name -> (doc id, sha256) of every ingested document."""
        directory = dict(self.base.document_directory())
        directory.update(self.documents_added)
        return directory

    # columns

    def __getattr__(self, name: str) -> Column[Value]:
        if name in COLUMNS:
            column = self._columns.get(name)
            if column is None:
                column = self._columns[name] = Column(self, name)
            return column
        raise AttributeError(name)

    def __len__(self) -> int:
        return self._n

    @property
    def delta_rows(self) -> int:
        """How many rows the delta holds (rows added since the base was written)."""
        return self._d

    def _locate(self, row: int) -> tuple[bool, int]:
        """(in the delta?, row there) of a row of the index."""
        if not self._d:
            return False, row
        k = bisect_left(self._positions, row)
        if k < self._d and self._positions[k] == row:
            return True, k
        return False, row - k

    def _value(self, name: str, row: int) -> Value:
        if row < 0:
            row += self._n
        if not 0 <= row < self._n:
            raise IndexError("index row out of range")
        in_delta, at = self._locate(row)
        if in_delta:
            return self.delta[name][at]
        if self.patches and name in PATCHABLE:
            patch = self.patches.get(at)
            if patch is not None:
                return patch[PATCHABLE.index(name)]
        return self.base.value(name, at)

    def _materialize(self, name: str) -> list[Value]:
        base = self.base.column(name)
        if self.patches and name in PATCHABLE:
            base = list(base)
            i = PATCHABLE.index(name)
            for row, patch in self.patches.items():
                base[row] = patch[i]
        if not self._d:
            return base
        added = self.delta[name]
        out: list[Value] = []
        start = k = 0
        for op, group in groupby(self.ops):
            count = sum(1 for _ in group)
            out.extend(base[start:op])
            out.extend(added[k : k + count])
            start, k = op, k + count
        out.extend(base[start:])
        return out

    def _take(self, name: str, rows: Sequence[int]) -> list[Value]:
        """The values of index rows `rows` of column `name`, in that order."""
        n = self._n
        rows = [row + n if row < 0 else row for row in rows]
        if any(not 0 <= row < n for row in rows):
            raise IndexError("index row out of range")
        if not self._d and not (self.patches and name in PATCHABLE):
            return self.base.take(name, rows)
        located = [self._locate(row) for row in rows]
        from_base = self.base.take(name, [at for in_delta, at in located if not in_delta])
        added, patches = self.delta[name], self.patches if name in PATCHABLE else {}
        i = PATCHABLE.index(name) if patches else 0
        out: list[Value] = []
        next_base = iter(from_base)
        for in_delta, at in located:
            if in_delta:
                out.append(added[at])
                continue
            value = next(next_base)
            patch = patches.get(at)
            out.append(value if patch is None else patch[i])
        return out

    def global_row(self, base_row: int) -> int:
        """The index row of a base row."""
        return base_row + bisect_right(self.ops, base_row) if self._d else base_row

    def global_rows(self, base_rows: Sequence[int]) -> list[int]:
        """The index rows of base rows: many by one table of every base row's index row
        (built once per index, ~10 ms at 1M rows), not a binary search each."""
        if not self._d:
            return list(base_rows)
        if len(base_rows) < _ROWS_BY_SEARCH:
            ops = self.ops
            return [r + bisect_right(ops, r) for r in base_rows]
        return list(map(self._index_rows.__getitem__, base_rows))

    @cached_property
    def _index_rows(self) -> array[int]:
        """Each base row's index row: the base rows between two insertion points move down
        by the delta rows inserted before them."""
        table = array("q")
        start = shift = 0
        for op, inserted in groupby(self.ops):  # ascending
            table.extend(range(start + shift, op + shift))
            shift += sum(1 for _ in inserted)
            start = op
        table.extend(range(start + shift, self.base.n + shift))
        return table

    def row(self, row: int) -> Row:
        return Row._make(self._value(name, row) for name in COLUMNS)

    def span_of(self, row: int) -> tuple[int, int]:
        """(offset, length) of a row's record in its segment file; length 0: not known."""
        span = self._value("spans", row)
        if not isinstance(span, int):
            raise TypeError("the spans column holds integers")
        return decode_span(span)

    def wanted(self, rows: Iterable[int]) -> list[tuple[str, int, int]]:
        """(id, offset, length) of rows' records in their segment files."""
        rows = list(rows)
        if len(rows) > 64:  # many: the whole columns are cheaper than one value at a time
            ids, spans = self.ids.values(), self.spans.values()
            return [(ids[row], *decode_span(spans[row])) for row in rows]
        return [(str(self._value("ids", row)), *self.span_of(row)) for row in rows]

    def derived(self, name: str, build: Callable[[], T]) -> T:
        """A value computed from this index once (an index never changes): `build()` the
        first time `name` is asked for. For caches others keep per index, so they go when
        the index goes. One name is always built by the same `build`, so its value is a T."""
        try:
            return cast("T", self._derived[name])
        except KeyError:
            value = build()
            self._derived[name] = value
            return value

    # ids

    def __contains__(self, item_id: object) -> bool:
        """Whether the index holds (has committed) the item `item_id`."""
        return isinstance(item_id, str) and self.row_of(item_id) is not None

    def prepare_id_lookups(self) -> None:
        """Build what `row_of` uses after many lookups now (see Base.prepare_id_lookups)."""
        self.base.prepare_id_lookups()

    def row_of(self, item_id: str) -> int | None:
        """The row of an item id, None if the index does not hold it."""
        k = self._delta_rows.get(item_id)
        if k is not None:
            return self._positions[k]
        base_row = self.base.find_id(item_id)
        return None if base_row is None else self.global_row(base_row)

    def ids_with_prefix(self, prefix: str) -> list[str]:
        """The ids starting with `prefix`, without reading every id when the base is a file."""
        if self.base.id_lookups_are_cheap():
            return [i for i in self.ids if i.startswith(prefix)]
        found = [self.base.string("ids", r) for r in self.base.rows_with_prefix(prefix)]
        found += [i for i in strings(self.delta["ids"]) if i.startswith(prefix)]
        return found

    @cached_property
    def _delta_rows(self) -> dict[str, int]:
        return {item_id: k for k, item_id in enumerate(strings(self.delta["ids"]))}

    def rows_in_segment(self, number: int) -> list[int]:
        """The rows whose records segment `number` holds, ascending (a row's segment is
        never patched: a record moves only within its segment)."""
        return self.rows_with_key("segment", number)

    def rows_with_key(self, name: str, key: int) -> list[int]:
        """Rows whose integer column `name` (title_key, body_key, segment) holds `key`, ascending:
        found in the base file's column without decoding it (a writer's small batch looks up
        its few keys, not a map of every row)."""
        base = self.base
        if base.file is not None and name not in base._full:
            file = base.file
            base_rows = base._guard(lambda: base.rows_with_int(file, name, key))
        elif name == "segment":  # a few thousand values: mapped after a few lookups
            base_rows = base.rows_in_column(name, key)
        else:
            base_rows = [r for r, v in enumerate(integers(base.column(name))) if v == key]
        if self.patches and name in PATCHABLE:  # a patched row's key is its patch's
            i = PATCHABLE.index(name)
            base_rows = [r for r in base_rows if r not in self.patches]
            base_rows += [r for r, patch in self.patches.items() if patch[i] == key]
        rows = self.global_rows(base_rows)
        rows += self._delta_rows_by_value(name).get(key, ())
        return sorted(rows)

    def _delta_rows_by_value(self, name: str) -> dict[int, list[int]]:
        """value -> the rows of the delta holding it in column `name`: built once per
        index, since a batch asks for many keys and the delta can be large."""
        found = self._delta_values.get(name)
        if found is None:
            found = self._delta_values[name] = {}
            for position, value in zip(self._positions, integers(self.delta[name]), strict=True):
                found.setdefault(value, []).append(position)
        return found

    # postings

    @cached_property
    def rows_by_ticker(self) -> Postings:
        return Postings(self, "tickers")

    @cached_property
    def rows_by_company(self) -> Postings:
        return Postings(self, "companies")

    @cached_property
    def rows_by_document(self) -> Postings:
        return Postings(self, "documents")

    @cached_property
    def rows_by_publisher(self) -> Postings:
        return Postings(self, "publisher")

    def _posting(self, name: str, key: str) -> list[int]:
        """Rows holding `key` in column `name`, ascending, read from the base's postings."""
        rows = self.global_rows(self.base.posting(name, key))
        added = self._changed_postings(name).get(key)
        return sorted(set(rows).union(added)) if added else rows

    def _changed_postings(self, name: str) -> dict[str, list[int]]:
        """key -> the rows the patches and the delta give it in column `name` (they only
        add keys: a merge unions a record's lists). Built once per index: the sources pane
        asks for every document's rows, and a scan of the delta per key made that quadratic
        (minutes at 1M rows, the GIL held while the filter waited)."""
        found = self._delta_postings.get(name)
        if found is not None:
            return found
        found = {}
        if self.patches and name in PATCHABLE:
            i = PATCHABLE.index(name)
            for b, patch in self.patches.items():
                value = patch[i]
                if isinstance(value, tuple):
                    row = self.global_row(b)
                    for key in value:
                        found.setdefault(key, []).append(row)
        if self._d:
            positions = self._positions
            for k, keys in enumerate(posted_values(name, self.delta[name])):
                for key in keys:
                    found.setdefault(key, []).append(positions[k])
        self._delta_postings[name] = found
        return found

    def _all_postings(self, name: str) -> dict[str, list[int]]:
        """Every key of column `name` with its rows, ascending (what `_posting` gives key by
        key): the base's posting sections read whole (no column decoded), the patches' and
        the delta's rows merged in."""
        base = self.base
        if base.file is None:
            return postings(posted_values(name, self._materialize(name)))
        file = base.file

        def read() -> dict[str, list[int]]:
            flat = file.u32(f"post.{name}.rows")
            if len(flat) and max(flat) >= base.n:
                raise DamagedColumnFile(f"postings of {name} are out of range")
            return {
                key: flat[start : start + count].tolist()
                for key, (start, count) in base._directory(name).items()
            }

        found = base._guard(read)
        if self._d:
            found = {k: self.global_rows(rows) for k, rows in found.items()}
        for key, added in self._changed_postings(name).items():
            found[key] = sorted(set(found.get(key, ())).union(added))
        return found

    @cached_property
    def segment_counts(self) -> Counter[int]:
        counts = Counter(self._base_segment_counts())
        counts.update(integers(self.delta["segment"]))
        return counts

    def _base_segment_counts(self) -> dict[int, int]:
        stored = self.base.meta.get("segment_counts")
        if isinstance(stored, dict):
            return {int(k): v for k, v in stored.items()}
        return Counter(integers(self.base.column("segment")))

    @cached_property
    def rows_by_segment(self) -> dict[int, list[int]]:
        rows: dict[int, list[int]] = {}
        for row, number in enumerate(self.segment):
            rows.setdefault(number, []).append(row)
        return rows

    # words in titles

    def title_rows(self, words: list[str]) -> list[int]:
        """Rows whose title holds every one of `words` (casefolded), ascending."""
        if not words or not self._n:
            return []
        rows = self.base.title_text.rows_with(words)
        if self._d:  # each base row's index row
            rows = self.global_rows(rows)
            delta_text = self.derived(
                "index.delta_titles", lambda: TitleText.of(strings(self.delta["title"]))
            )
            rows += [self._positions[k] for k in delta_text.rows_with(words)]
            rows.sort()
        return rows

    # writing

    def with_batch(
        self,
        new_rows: list[Row],
        changed: dict[str, Patch],
        tokens: dict[int, str],
        generation: int,
        documents: dict[str, tuple[str, str]] | None = None,
        next_doc: int | None = None,
        known_rows: Mapping[str, int] | None = None,
    ) -> ItemIndex:
        """The next index: `new_rows` added, `changed` (id -> the new PATCHABLE values of a
        row the index holds) applied, `tokens` (segment -> the token of its new file),
        `documents` (name -> (doc id, sha256) of the documents written). `known_rows`:
        rows of changed ids the caller has already found (id -> row in this index)."""
        known_rows = known_rows or {}
        delta_rows = self._delta_rows
        replaced: dict[str, Patch] = {}
        patches: dict[int, Patch] = {}
        for item_id, values in changed.items():
            if item_id in delta_rows:
                replaced[item_id] = values
                continue
            row = known_rows.get(item_id)
            if row is None:
                row = self.row_of(item_id)
            assert row is not None
            _, base_row = self._locate(row)
            patches[base_row] = values
        ordered = sorted(new_rows, key=Row.order, reverse=True)
        columns = list(zip(*ordered, strict=True)) if ordered else [()] * len(COLUMNS)
        piece = Piece(
            {name: list(values) for name, values in zip(COLUMNS, columns, strict=True)},
            self.base.insertion_points([row.order() for row in ordered]),
            replaced,
            patches,
            dict(documents or {}),
            dict(tokens),
            generation,
            self.next_doc_id if next_doc is None else next_doc,
        )
        index = self.with_pieces([piece])
        index.piece = piece
        return index

    def with_pieces(self, pieces: Sequence[Piece]) -> ItemIndex:
        """This index with `pieces` applied in order: what reading them after its files
        gives, and what a batch makes in memory (DamagedColumnFile if they do not fit)."""
        delta, ops, patches = self.delta, self.ops, dict(self.patches)
        tokens, documents = dict(self.tokens), dict(self.documents_added)
        generation, next_doc = self.generation, self.next_doc_id
        replaced: dict[str, Patch] = {}  # applied last: a row it changes may come after
        for piece in pieces:
            delta, ops = _merged(delta, ops, piece.rows, piece.ops)
            replaced.update(piece.replaced)
            patches.update(piece.patches)
            tokens.update(piece.tokens)
            documents.update(piece.documents)
            generation, next_doc = piece.generation, piece.next_doc
        if replaced:
            if delta is self.delta:  # this index's lists are not changed under its readers
                delta = {name: list(values) for name, values in delta.items()}
            position = {item_id: k for k, item_id in enumerate(strings(delta["ids"]))}
            for item_id, values in replaced.items():
                k = position.get(item_id)
                if k is None:
                    raise DamagedColumnFile(f"a piece changes {item_id}, not in the delta")
                for name, value in zip(PATCHABLE, values, strict=True):
                    delta[name][k] = value
        return ItemIndex(self.base, delta, ops, patches, generation, tokens, documents, next_doc)

    def needs_compaction(self, rule: CompactionRule = "usual") -> bool:
        """Whether the delta has grown enough to fold it into a new base, by `rule`: the
        usual one, the looser one of a bulk ingest's batches before its last ("bulk"), or
        the stricter one of its last ("bulk ends")."""
        size = self._d + len(self.patches) + len(self.documents_added) // 8
        if rule == "bulk":
            return size > max(BULK_DELTA_MIN, self.base.n // BULK_DELTA_SHARE)
        if rule == "bulk ends":
            return size > max(DELTA_MIN, self.base.n // BULK_END_SHARE)
        return size > max(DELTA_MIN, self.base.n // DELTA_SHARE)

    def compacted(self) -> ItemIndex:
        """The same rows, all in a new base (in memory, until written)."""
        columns = {name: self._materialize(name) for name in COLUMNS}
        base = Base.of_columns(columns, {"generation": self.generation}, self.document_directory)
        return ItemIndex(
            base, generation=self.generation, tokens=self.tokens, next_doc=self.next_doc_id
        )

    def write_base(self, path: Path) -> None:
        """Write the whole index as a base file (after `compacted()`, or a fresh index)."""
        assert not self._d and not self.patches and not self.documents_added
        writer = Writer()
        writer.json("docdir", self.base.document_directory())
        columns = {name: self.base.column(name) for name in COLUMNS}
        _write_rows(writer, columns)
        order = sorted(range(self._n), key=strings(columns["ids"]).__getitem__)
        writer.u32("ids.order", order)
        for name in _KEYS_ORDERED:  # a batch's dedupe keys found by binary search
            writer.u32(f"{name}.order", sorted(range(self._n), key=columns[name].__getitem__))
        for name in _POSTED:
            posted = postings(posted_values(name, columns[name]))
            directory: dict[str, list[int]] = {}
            flat: list[int] = []
            start = 0
            for key, rows in posted.items():
                directory[key] = [start, len(rows)]
                flat.extend(rows)
                start += len(rows)
            writer.json(f"post.{name}.keys", directory)
            writer.u32(f"post.{name}.rows", flat)
        folded = [fold_title(t) for t in strings(columns["title"])]
        text, ends = _lines(folded)
        writer.sections["title_text"] = ("str", text)
        writer.u32("title_text.byte_ends", ends)
        vocabulary, word_ends, starts, rows = title_words(folded)
        writer.sections["title_words"] = ("str", vocabulary)
        writer.u32("title_words.byte_ends", word_ends)
        writer.u32("title_words.starts", starts)
        writer.u32("title_words.rows", rows)
        counts = Counter(columns["segment"])
        writer.write(
            path,
            {
                "version": INDEX_VERSION,
                "kind": "base",
                "rows": self._n,
                "generation": self.generation,
                "tokens": {str(k): v for k, v in self.tokens.items()},
                "segment_counts": {str(k): v for k, v in counts.items()},
                "next_doc": self.next_doc_id,
            },
            sync_folder=False,  # a generation's file: NextGeneration.commit syncs the folder
        )

    def write_delta(self, path: Path, base_name: str) -> None:
        """Write the delta (rows, insertion points, patches) of this index over its base."""
        whole = Piece(
            self.delta,
            self.ops,
            {},
            self.patches,
            self.documents_added,
            self.tokens,
            self.generation,
            self.next_doc_id,
        )
        _write_changes(path, "delta", whole, base_name, self.base.n, None)

    def write_piece(self, path: Path, base_name: str, after: str | None) -> None:
        """Write what the batch that made this index changed (`piece`), to follow the file
        named `after` (the delta or the last piece; None: the base itself)."""
        assert self.piece is not None
        _write_changes(path, "piece", self.piece, base_name, self.base.n, after)


def _write_changes(
    path: Path, kind: str, piece: Piece, base_name: str, base_rows: int, after: str | None
) -> None:
    """Write a delta or a piece: both are changes over the base named `base_name`."""
    writer = Writer()
    _write_rows(writer, piece.rows)
    writer.json("docdir", piece.documents)
    writer.u32("ops", piece.ops)
    replaced = list(piece.replaced)
    writer.strings("repl.ids", replaced)
    _write_patches(writer, "repl", [piece.replaced[item_id] for item_id in replaced])
    patched = sorted(piece.patches)
    writer.u32("patch.rows", patched)
    _write_patches(writer, "patch", [piece.patches[row] for row in patched])
    writer.write(
        path,
        {
            "version": INDEX_VERSION,
            "kind": kind,
            "rows": len(piece.ops),
            "base": base_name,
            "base_rows": base_rows,
            "after": after,
            "generation": piece.generation,
            "tokens": {str(k): v for k, v in piece.tokens.items()},
            "next_doc": piece.next_doc,
        },
        sync_folder=False,  # a generation's file: NextGeneration.commit syncs the folder
    )


def _merged(
    columns: Columns, ops: list[int], run: Columns, run_ops: list[int]
) -> tuple[Columns, list[int]]:
    """Two runs of delta rows (with their insertion points), each newest first, as one: the
    run's rows placed by binary search, then every column taken in one C-speed pass."""
    if not run_ops:
        return columns, ops
    if not ops:  # (the run's lists are its own: read from a file or made by with_batch)
        return run, run_ops
    n = len(ops)
    oldest_first = list(zip(reversed(columns["published"]), reversed(columns["ids"]), strict=True))
    order: list[int] = []
    start = 0
    for j, key in enumerate(zip(run["published"], run["ids"], strict=True)):
        newer = n - bisect_right(oldest_first, key)  # rows of `columns` before this one
        if newer < start:
            raise DamagedColumnFile("the rows of an index piece are not in order")
        order.extend(range(start, newer))
        order.append(n + j)
        start = newer
    order.extend(range(start, n))
    take = itemgetter(*order)
    merged = {name: list(take(columns[name] + run[name])) for name in COLUMNS}
    return merged, list(take(ops + run_ops))


def _write_patches(writer: Writer, prefix: str, values: list[Patch]) -> None:
    for i, name in enumerate(PATCHABLE):
        column = [v[i] for v in values]
        if name in _CATEGORICAL:
            _write_categorical(writer, f"{prefix}.{name}", column)
        else:
            writer.i64(f"{prefix}.{name}", integers(column))


def _read_patches(file: ColumnFile, prefix: str, count: int) -> list[Patch]:
    columns: list[list[Value]] = []
    for name in PATCHABLE:
        if name in _CATEGORICAL:
            values = _value_table(file, f"{prefix}.{name}.values", name).all()
            columns.append(decode_codes(file.u32(f"{prefix}.{name}.codes"), values))
        else:
            columns.append(list[Value](file.i64(f"{prefix}.{name}").tolist()))
    if not all(len(c) == count for c in columns):
        raise DamagedColumnFile(f"the {prefix} values are malformed")
    return list(zip(*columns, strict=True)) if count else []


def _write_categorical(writer: Writer, name: str, column: Sequence[Value]) -> None:
    values = list(dict.fromkeys(column))
    code_of = {value: code for code, value in enumerate(values)}
    encoded = _encoded_table(values)
    if encoded is None:
        writer.json(name + ".values", [list(v) if isinstance(v, tuple) else v for v in values])
    else:
        writer.strings(name + ".values", encoded)
    writer.u32(name + ".codes", map(code_of.__getitem__, column))


def _write_rows(writer: Writer, columns: Mapping[str, Sequence[Value]]) -> None:
    for name in _STRINGS:
        writer.strings(name, strings(columns[name]))
    for name in _CATEGORICAL:
        _write_categorical(writer, name, columns[name])
    for name, kind in _INTS.items():
        if kind == "u32":
            writer.u32(name, integers(columns[name]))
        else:
            writer.i64(name, integers(columns[name]))


def _read_rows(file: ColumnFile, n: int, prefix: str = "") -> Columns:
    columns: Columns = {}
    for name in _STRINGS:
        columns[name] = list[Value](file.strings(prefix + name).all())
    for name in _CATEGORICAL:
        values = _value_table(file, prefix + name + ".values", name).all()
        columns[name] = decode_codes(file.u32(prefix + name + ".codes"), values)
    for name, kind in _INTS.items():
        ints = file.u32(prefix + name) if kind == "u32" else file.i64(prefix + name)
        columns[name] = list[Value](ints.tolist())
    if not all(len(v) == n for v in columns.values()):
        raise DamagedColumnFile("delta columns of different lengths")
    return columns


def open_index(
    base_path: Path, delta_path: Path | None, piece_paths: Sequence[Path] = ()
) -> ItemIndex:
    """The index in a base file, the delta over it if any and the pieces after that
    (DamagedColumnFile if they are not whole, not of this version, or do not fit together)."""
    base = Base.open(base_path)
    index = ItemIndex(
        base,
        generation=_generation(base.meta),
        tokens=_tokens(base.meta.get("tokens", {})),
        next_doc=_next_doc(base.meta),
    )
    changes, after = [], None
    if delta_path is not None:
        changes.append(_read_changes(delta_path, "delta", base_path.name, base.n, None))
        after = delta_path.name
    for path in piece_paths:
        changes.append(_read_changes(path, "piece", base_path.name, base.n, after))
        after = path.name
    return index.with_pieces(changes) if changes else index


def _read_changes(
    path: Path, kind: str, base_name: str, base_rows: int, after: str | None
) -> Piece:
    """A delta or a piece over the base named `base_name`, following the file `after`."""
    file = ColumnFile(path)
    meta = file.meta
    if meta.get("version") != INDEX_VERSION or meta.get("kind") != kind:
        raise DamagedColumnFile(f"not an index {kind} of this version")
    if meta.get("base") != base_name or meta.get("base_rows") != base_rows:
        raise DamagedColumnFile(f"the index {kind} is not over this base")
    if meta.get("after") != after:
        raise DamagedColumnFile(f"the index {kind} does not follow the index file before it")
    d = _row_count(meta)
    try:
        documents = _directory(file.json("docdir"))
        rows = _read_rows(file, d)
        ops = file.u32("ops").tolist()
        # (a delta written before pieces existed has no replaced rows)
        replaced = file.strings("repl.ids").all() if "repl.ids" in file else []
        replaced_values = _read_patches(file, "repl", len(replaced)) if replaced else []
        patched = file.u32("patch.rows").tolist()
        values = _read_patches(file, "patch", len(patched))
    except (KeyError, TypeError) as exc:
        raise DamagedColumnFile(f"malformed index {kind} ({type(exc).__name__})") from None
    _check_ops(ops, d, base_rows)
    _check_patched(patched, base_rows)
    return Piece(
        rows,
        ops,
        dict(zip(replaced, replaced_values, strict=True)),
        dict(zip(patched, values, strict=True)),
        documents,
        _tokens(meta.get("tokens")),
        _generation(meta),
        _next_doc(meta),
    )


def _row_count(meta: dict[str, object]) -> int:
    d = meta.get("rows")
    if type(d) is not int or d < 0:
        raise DamagedColumnFile("no row count")
    return d


def _check_ops(ops: list[int], d: int, base_rows: int) -> None:
    if len(ops) != d or any(not 0 <= op <= base_rows for op in ops) or ops != sorted(ops):
        raise DamagedColumnFile("the insertion points are malformed")


def _check_patched(patched: list[int], base_rows: int) -> None:
    if any(not 0 <= row < base_rows for row in patched):
        raise DamagedColumnFile("a patch is out of range")


def _generation(meta: dict[str, object]) -> int:
    value = meta.get("generation", 0)
    if type(value) is not int or value < 0:
        raise DamagedColumnFile("no generation")
    return value


def _next_doc(meta: dict[str, object]) -> int:
    value = meta.get("next_doc", 1)
    if type(value) is not int or value < 1:
        raise DamagedColumnFile("no next document id")
    return value


def _directory(value: object) -> dict[str, tuple[str, str]]:
    if not isinstance(value, dict):
        raise DamagedColumnFile("the documents directory is malformed")
    out = {}
    for name, entry in value.items():
        if not (isinstance(entry, list) and len(entry) == 2 and all(type(v) is str for v in entry)):
            raise DamagedColumnFile("the documents directory is malformed")
        out[name] = (entry[0], entry[1])
    return out


def _tokens(meta: object) -> dict[int, str]:
    if not isinstance(meta, dict):
        raise DamagedColumnFile("no segment tokens")
    return {int(number): str(token) for number, token in meta.items()}


class Column(Sequence[T]):
    """One column of an index: a value read alone, or the whole column decoded once.

    `T` is what the column holds (`ItemIndex` declares it per column: `ids` a Column[str],
    `tickers` a Column[tuple[str, ...]], `spans` a Column[int] ...)."""

    __slots__ = ("_index", "_name", "_reads", "_values", "_whole_after")
    # After this many values read alone (or a sixteenth of the column, if more), decoding the
    # whole column is cheaper: a value read alone costs about what decoding ~16 values does.
    WHOLE_AFTER = 256
    WHOLE_SHARE = 16

    def __init__(self, index: ItemIndex, name: str) -> None:
        self._index, self._name = index, name
        self._values: list[T] | None = None
        self._reads = 0
        self._whole_after = max(self.WHOLE_AFTER, len(index) // self.WHOLE_SHARE)

    def values(self) -> list[T]:
        """The whole column as a list (decoded the first time)."""
        values = self._values
        if values is None:
            # the column named `_name` holds values of kind T (ItemIndex's declarations)
            values = self._values = cast("list[T]", self._index._materialize(self._name))
        return values

    @overload
    def __getitem__(self, i: int) -> T: ...

    @overload
    def __getitem__(self, i: slice) -> list[T]: ...

    def __getitem__(self, i: int | slice) -> T | list[T]:
        values = self._values
        if values is not None:
            return values[i]
        if isinstance(i, slice):
            return self.values()[i]
        self._reads += 1
        if self._reads > self._whole_after:
            return self.values()[i]
        return cast("T", self._index._value(self._name, i))

    def take(self, rows: Iterable[int]) -> list[T]:
        """The values of `rows`, in that order: one read of the files for all of them
        (a page of rows to print), not one per value."""
        rows = list(rows)
        values = self._values
        if values is not None:
            return [values[row] for row in rows]
        return cast("list[T]", self._index._take(self._name, rows))

    def __len__(self) -> int:
        return len(self._index)

    def __iter__(self) -> Iterator[T]:
        return iter(self.values())

    def __contains__(self, value: object) -> bool:
        return value in self.values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Column):
            return self.values() == other.values()
        if isinstance(other, list):
            return self.values() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a column compares by value: unhashable

    def __repr__(self) -> str:
        return f"Column({self._name!r}, {len(self)} rows)"


class Postings(Mapping[str, list[int]]):
    """key -> the rows (ascending) of an index holding it: one key read alone from the
    base's postings, or all of them computed from the whole column."""

    def __init__(self, index: ItemIndex, name: str) -> None:
        self._index, self._name = index, name
        self._read: dict[str, list[int]] = {}
        self._all: dict[str, list[int]] | None = None

    def _everything(self) -> dict[str, list[int]]:
        if self._all is None:
            self._all = self._index._all_postings(self._name)
        return self._all

    def __getitem__(self, key: str) -> list[int]:
        if self._all is not None:
            return self._all[key]
        rows = self._read.get(key)
        if rows is None:
            rows = self._read[key] = self._index._posting(self._name, key)
        if not rows:
            raise KeyError(key)
        return rows

    def peek(self, key: str) -> list[int]:
        """A key's rows ([] for none) without keeping them: for a caller that reads every
        key once, as the sources pane's listing does (at 1M items keeping every document's
        rows held ~40 MB)."""
        if self._all is not None:
            return self._all.get(key, [])
        rows = self._read.get(key)
        return rows if rows is not None else self._index._posting(self._name, key)

    def __contains__(self, key: object) -> bool:
        if self._all is not None:
            return key in self._all
        return isinstance(key, str) and bool(self.get(key))

    def __iter__(self) -> Iterator[str]:
        return iter(self._everything())

    def __len__(self) -> int:
        return len(self._everything())


class DocumentDirectory(Protocol):
    """What a rebuild reads of the documents table (documents.DocumentTable)."""

    def directory(self) -> dict[str, tuple[str, str]]: ...


def rebuild(
    corpus: Corpus, generation: int = 0, documents: DocumentDirectory | None = None
) -> ItemIndex:
    """The index derived from the corpus segments of a generation (a damaged one raises),
    with the directory of `documents` (a DocumentTable).

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
    directory = documents.directory() if documents is not None else {}
    next_doc = max((int(doc_id) for doc_id, _ in directory.values()), default=0) + 1
    return ItemIndex.from_rows(rows, generation, tokens, directory, next_doc)
