"""One batch of new records merged into the store: dedupe, id assignment, the new index.

A `Batch` works on the committed index, the corpus segments (read through the small
`SegmentSource` interface) and the dedupe maps; nothing it does is seen by anyone until
the store writes what it produced and commits.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from store.model import ItemRecord
from store.storage import dedupe
from store.storage.dedupe import NO_KEY
from store.storage.errors import CorruptStoreError
from store.storage.index import PATCHABLE, ItemIndex, Patch, Row
from store.storage.records import merged
from store.storage.segments import CORPUS_HINT, NO_SPAN, Segment

ID_LENGTH = 8
PATCHABLE_FIELDS = tuple({"spans": "span"}.get(name, name) for name in PATCHABLE)  # of Row

# hashed key -> the id of the one story having it, or the list of the stories sharing it
KeyMap = dict[int, str | list[str]]


class KeyLookup(Protocol):
    """What a batch asks of a key map: the story (or stories) having a key."""

    def get(self, key: int, /) -> str | list[str] | None: ...


class IndexKeys:
    """A KeyMap read from the index key by key (`ItemIndex.rows_with_key`): for a batch
    much smaller than the store, a few lookups instead of a map of every row."""

    def __init__(self, index: ItemIndex, name: str) -> None:
        self.index, self.name = index, name
        # id -> row of the ids found: a batch asks for their rows next, and finding a row by
        # its id costs a binary search (or, after many, a map of every id: ~1 s at 1M rows)
        self.rows: dict[str, int] = {}

    def get(self, key: int, /) -> str | list[str] | None:
        if key == NO_KEY:
            return None
        ids = []
        for row in self.index.rows_with_key(self.name, key):
            item_id = self.index.ids[row]
            self.rows[item_id] = row
            ids.append(item_id)
        if not ids:
            return None
        return ids[0] if len(ids) == 1 else ids


def key_lookups(index: ItemIndex) -> tuple[IndexKeys, IndexKeys]:
    return IndexKeys(index, "title_key"), IndexKeys(index, "body_key")


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


class SegmentSource(Protocol):
    """What a batch reads of the corpus (segments.Corpus)."""

    def is_cached(self, number: int) -> bool: ...

    def segment(self, number: int) -> Segment: ...

    def read_spans(
        self, number: int, token: str | None, wanted: list[tuple[str, int, int]]
    ) -> dict[str, ItemRecord] | None: ...

    def path(self, number: int) -> Path: ...


def key_maps(index: ItemIndex) -> tuple[KeyMap, KeyMap]:
    """Hashed title and body keys -> the id (or list of ids) of the stories having them."""
    return _key_map(index.title_key, index.ids), _key_map(index.body_key, index.ids)


def _key_map(keys: Sequence[int], ids: Sequence[str]) -> KeyMap:
    """key -> id, or -> [ids] for the keys several stories share (built at C speed)."""
    mapping: KeyMap = dict(zip(keys, ids, strict=True))
    shared = {key for key, count in Counter(keys).items() if count > 1}
    shared.discard(NO_KEY)
    if shared:
        lists: dict[int, list[str]] = {key: [] for key in shared}
        for key, item_id in zip(keys, ids, strict=True):
            if key in shared:
                lists[key].append(item_id)
        mapping.update(lists)
    mapping.pop(NO_KEY, None)
    return mapping


def ids_under(mapping: KeyLookup, key: int) -> tuple[str, ...]:
    found = mapping.get(key)
    if found is None:
        return ()
    return (found,) if isinstance(found, str) else tuple(found)


def id_digest(record: ItemRecord, keys: dedupe.Keys) -> str:
    seed = "\x1f".join(
        (record["publisher"], keys.title_key(record["title"]), record["published"][:10])
    )
    digest = hashlib.blake2b(seed.encode(), digest_size=20).digest()
    return base64.b32encode(digest).decode().lower()


class Batch:
    """The working state of one add_documents call; nothing is shared until it commits."""

    def __init__(
        self,
        index: ItemIndex,
        corpus: SegmentSource,
        maps: tuple[KeyLookup, KeyLookup],
        segment_size: int,
        openings: dedupe.Openings | None = None,
    ) -> None:
        self.index = index
        # the openings a bulk ingest keeps across its batches (without: the batch's own)
        self.openings = openings if openings is not None else dedupe.Openings()
        self.corpus = corpus
        self.segment_size = segment_size
        self.keys = dedupe.Keys()
        self.title_ids, self.body_ids = maps
        self.new_title_ids: dict[int, list[str]] = {}
        self.new_body_ids: dict[int, list[str]] = {}
        # stored stories whose body key a merge changed: old key -> their ids
        self.dropped_body_ids: dict[int, set[str]] = {}
        self.records: dict[str, ItemRecord] = {}  # id -> record, new or changed
        self.segments: dict[str, int] = {}  # id -> segment, for new and changed records
        self.new_ids: list[str] = []
        self.counts = Counter(index.segment_counts)
        self.last_segment = max(self.counts, default=0)
        self.fetched: dict[str, ItemRecord] = {}  # id -> stored record read by its span
        self.pinned: dict[int, Segment] = {}  # segments loaded whole, kept for the batch
        self.spans: dict[str, int] = {}  # id -> span, for every record of written segments
        self.tokens: dict[int, str] = {}  # the written segments' new tokens
        # id -> its row in `index`, for stored records met so far (by key or in a segment)
        self.rows: dict[str, int] = {}
        for lookup in maps:
            if isinstance(lookup, IndexKeys):
                lookup.rows = self.rows

    def segment(self, number: int) -> Segment:
        """A whole segment, loaded at most once per batch whatever the corpus cache does."""
        segment = self.pinned.get(number)
        if segment is None:
            segment = self.pinned[number] = self.corpus.segment(number)
        return segment

    def record_of(self, item_id: str) -> ItemRecord:
        record = self.records.get(item_id) or self.fetched.get(item_id)
        if record is not None:
            return record
        row = self.stored_row(item_id)
        number = self.index.segment[row]
        if number not in self.pinned and not self.corpus.is_cached(number):
            found = self.corpus.read_spans(
                number, self.index.tokens.get(number), self.index.wanted([row])
            )
            if found is not None:
                self.fetched[item_id] = found[item_id]
                return found[item_id]
        record = self.segment(number).get(item_id)
        if record is None:
            raise CorruptStoreError(
                self.corpus.path(number),
                f"item {item_id} listed in the index is missing",
                CORPUS_HINT,
            )
        return record

    def _candidates(self, record: ItemRecord) -> list[str]:
        """The stories sharing `record`'s title or body key, newest first (the index's
        order): the same list whatever batches the store was written in."""
        found: set[str] = set()
        for key, stored, added in (
            (self.keys.title_hash(record["title"]), self.title_ids, self.new_title_ids),
            (self.keys.body_hash(record["body"]), self.body_ids, self.new_body_ids),
        ):
            if key == NO_KEY:
                continue
            dropped = self.dropped_body_ids.get(key, ()) if stored is self.body_ids else ()
            found.update(i for i in ids_under(stored, key) if i not in dropped)
            found.update(added.get(key, ()))
        return sorted(found, key=self._order, reverse=True)

    def _order(self, item_id: str) -> tuple[str, str]:
        record = self.records.get(item_id)
        if record is not None:
            return (record["published"], item_id)
        return (self.index.published[self.stored_row(item_id)], item_id)

    def find_same(self, record: ItemRecord) -> str | None:
        """The stored or batched story `record` repeats, None if it is new.

        Candidates are settled from their title keys and body prints where those decide
        `dedupe.same_story`; only the others have their body openings compared, each read
        and folded once per store (`dedupe.Openings`), not once per comparison.
        """
        keys, index = self.keys, self.index
        title = keys.title_hash(record["title"])
        body_print = keys.body_print(record["body"])
        opening = None
        for item_id in self._candidates(record):
            batched = self.records.get(item_id)
            if batched is not None:
                their_title = keys.title_hash(batched["title"])
                their_print = keys.body_print(batched["body"])
            else:
                row = self.stored_row(item_id)
                their_title, their_print = index.title_key[row], index.body_print[row]
            verdict = dedupe.settled(their_title, their_print, title, body_print)
            if verdict is None:  # two long bodies, or two under one headline: compare them
                openings = self.openings
                theirs = openings.get(their_print) or openings.keep(
                    their_print, (batched or self.record_of(item_id))["body"]
                )
                if opening is None:
                    opening = openings.get(body_print) or openings.keep(body_print, record["body"])
                verdict = dedupe.alike_openings(theirs, opening, same_title=their_title == title)
            if verdict:
                return item_id
        return None

    def _remember_keys(self, record: ItemRecord) -> None:
        for key, mapping in (
            (self.keys.title_hash(record["title"]), self.new_title_ids),
            (self.keys.body_hash(record["body"]), self.new_body_ids),
        ):
            if key != NO_KEY:
                ids = mapping.setdefault(key, [])
                if record["id"] not in ids:
                    ids.append(record["id"])

    def merge(self, item_id: str, incoming: ItemRecord) -> None:
        before = self.record_of(item_id)
        record = merged(before, incoming)
        old_key, new_key = self.keys.body_hash(before["body"]), self.keys.body_hash(record["body"])
        if old_key != new_key and old_key != NO_KEY:  # the body grew: its old key is stale
            if item_id in self.new_body_ids.get(old_key, ()):
                self.new_body_ids[old_key].remove(item_id)
            self.dropped_body_ids.setdefault(old_key, set()).add(item_id)
        if item_id not in self.segments:
            self.segments[item_id] = self.index.segment[self.stored_row(item_id)]
        self.records[item_id] = record
        self._remember_keys(record)

    def taken(self, item_id: str) -> bool:
        """Whether an id is held by the store or by this batch."""
        return item_id in self.records or item_id in self.index

    def add_new(self, incoming: ItemRecord) -> str:
        digest = id_digest(incoming, self.keys)
        length = ID_LENGTH
        item_id = digest[:length]
        while self.taken(item_id):
            length += 1
            item_id = digest[:length] if length <= len(digest) else f"{digest}{length}"
        record: ItemRecord = {**incoming, "id": item_id}
        if self.counts[self.last_segment] >= self.segment_size:
            self.last_segment += 1
        self.counts[self.last_segment] += 1
        self.records[item_id] = record
        self.segments[item_id] = self.last_segment
        self.new_ids.append(item_id)
        self._remember_keys(record)
        return item_id

    def segment_contents(self) -> Iterator[tuple[int, dict[str, ItemRecord]]]:
        """Each segment this batch changes, with its whole new content (doc id -> record):
        the committed records it held (not the orphans of a failed write), the batch's
        changed records in their place and the new ones after them."""
        by_segment: dict[int, list[str]] = {}
        for item_id, number in self.segments.items():
            by_segment.setdefault(number, []).append(item_id)
        index = self.index
        for number, members in sorted(by_segment.items()):
            current = self.segment(number)
            items: dict[str, ItemRecord] = {}
            doc_ids: dict[str, str] = {}
            # the committed records are the index's rows in this segment: found in its
            # segment column at C speed, not looked up one id at a time
            committed = {index.ids[row]: row for row in index.rows_in_segment(number)}
            for doc_id, record in current.items.items():
                row = committed.get(record["id"])
                if row is not None:  # not an orphan
                    items[doc_id] = record
                    doc_ids[record["id"]] = doc_id
                    self.rows[record["id"]] = row
            next_doc_id = max(map(int, items), default=0) + 1
            for item_id in members:
                slot = doc_ids.get(item_id)
                if slot is None:
                    slot = doc_ids[item_id] = str(next_doc_id)
                    next_doc_id += 1
                items[slot] = self.records[item_id]
            yield number, items

    def written(self, number: int, token: str, spans: dict[str, int]) -> None:
        """Segment `number` was written as version `token` with these spans."""
        self.spans.update(spans)
        self.tokens[number] = token

    def new_index(
        self, generation: int, documents: dict[str, tuple[str, str]], next_doc: int
    ) -> ItemIndex:
        """The index of `generation`: this batch's new rows added, its merged rows and the
        rows whose records moved in a rewritten segment changed, its documents named."""
        old = self.index
        new_ids = set(self.new_ids)
        changed: dict[str, Patch] = {}
        for item_id, record in self.records.items():
            if item_id not in new_ids:
                span = self.spans.get(item_id, NO_SPAN)
                row = Row.of(record, self.segments[item_id], span, self.keys)
                changed[item_id] = tuple(getattr(row, field) for field in PATCHABLE_FIELDS)
        # records after a changed one moved: their new span, their other values as they are
        candidates = [
            (item_id, row, span)
            for item_id, span in self.spans.items()
            if item_id not in new_ids and item_id not in changed
            for row in (self._known_row(item_id),)
            if row is not None
        ]
        old_spans = old.spans.take([row for _, row, _ in candidates])
        moved = [c for c, before in zip(candidates, old_spans, strict=True) if before != c[2]]
        if moved:
            rows = [row for _, row, _ in moved]
            kept = [getattr(old, name).take(rows) for name in PATCHABLE[:-1]]
            for (item_id, _, span), *values in zip(moved, *kept, strict=True):
                changed[item_id] = (*values, span)
        new_rows = [
            Row.of(self.records[i], self.segments[i], self.spans.get(i, NO_SPAN), self.keys)
            for i in self.new_ids
        ]
        return old.with_batch(
            new_rows, changed, self.tokens, generation, documents, next_doc, self.rows
        )

    def _known_row(self, item_id: str) -> int | None:
        """The row of a stored id (None: the index does not hold it), remembered."""
        row = self.rows.get(item_id)
        if row is None:
            row = self.index.row_of(item_id)
            if row is not None:
                self.rows[item_id] = row
        return row

    def stored_row(self, item_id: str) -> int:
        """The row of an id the index holds."""
        row = self._known_row(item_id)
        assert row is not None
        return row

    def carried_maps(self) -> tuple[KeyMap, KeyMap] | None:
        """The dedupe maps of the committed index, carried over (cheaper than rebuilding);
        None when the batch looked its keys up in the index (there are no maps to carry)."""
        title_ids, body_ids = self.title_ids, self.body_ids
        if not isinstance(title_ids, dict) or not isinstance(body_ids, dict):
            return None
        for key, dropped in self.dropped_body_ids.items():
            kept = [i for i in ids_under(body_ids, key) if i not in dropped]
            if not kept:
                body_ids.pop(key, None)
            else:
                body_ids[key] = kept[0] if len(kept) == 1 else kept
        for mapping, additions in ((title_ids, self.new_title_ids), (body_ids, self.new_body_ids)):
            for key, ids in additions.items():
                known = list(ids_under(mapping, key))
                known.extend(i for i in ids if i not in known)
                mapping[key] = known[0] if len(known) == 1 else known
        return title_ids, body_ids
