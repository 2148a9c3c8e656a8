"""Store: the facade over the store folder (store/storage/layout.py lists its files).

Reading: the committed generation (manifest, index), full records by id (read alone by their
byte spans, or with their segment), every record for a body search, documents and learned
companies, the user's marks. Writing: `add_documents` merges a batch (store/storage/batch.py)
into new files and commits them with one manifest replacement (store/storage/generation.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from store.model import ItemRecord
from store.storage.documents import (
    DocumentRecord,
    DocumentTable,
    as_document,
    item_ids,
    segment_of,
)
from store.storage.errors import AmbiguousIdError, CorruptStoreError, StoreError, os_reason
from store.storage.files import FileLock, LockTimeout, Record, Stamp, read_bytes, stamp
from store.storage.generation import NextGeneration, read_index
from store.storage.index import ItemIndex, rebuild
from store.storage.layout import (
    LOCK_TIMEOUT,
    holding,
    write_lock,
)
from store.storage.manifest import MANIFEST_FILE, Manifest
from store.storage.manifest import load as load_manifest
from store.storage.records import (
    company_key,
    content_hash,
    join_paragraphs,
    next_doc_id,
    normalize_record,
    with_marks,
)
from store.storage.segments import CORPUS_HINT, Corpus, Segment, raw_needle, records_holding
from store.storage.state import UserState

if TYPE_CHECKING:  # writing and restoring are imported when they happen: a one-shot reader
    from store.storage.batch import AddResult, KeyLookup, KeyMap  # (dedupe's rapidfuzz)
    from store.storage.dedupe import Openings, StoryKeys
    from store.storage.index import CompactionRule
    from store.storage.restore import Restored

__all__ = ["ItemIndex", "Store"]

# A batch rewrites each segment it merges a reprint into or appends to: at 250 records
# (~0.4 MB each) adding one document to a 100k store rewrites ~1.6 MB, not ~6 MB.
SEGMENT_SIZE = 250
SEGMENT_CACHE = 32  # segments loaded whole: the same 8,000 records as 8 of 1,000
SMALL_BATCH_SHARE = 200  # a batch of fewer items than the store / this looks keys up


class Store:
    """The newsdesk store folder. See store/storage/layout.py and docs/ARCHITECTURE.md."""

    def __init__(
        self,
        root: Path | str,
        *,
        segment_size: int = SEGMENT_SIZE,
        lock_timeout: float = LOCK_TIMEOUT,
        user: str | None = None,
        segment_cache: int = SEGMENT_CACHE,
    ) -> None:
        self.root = Path(root).expanduser()
        self.segment_size = segment_size
        self.user = user
        self._lock_timeout = lock_timeout
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store folder {self.root}: {os_reason(exc)}"
            ) from exc
        if not self.root.is_dir():
            raise StoreError(f"the store path {self.root} is not a folder")
        self.manifest_path = self.root / MANIFEST_FILE
        self._corpus = Corpus(self.root, segment_cache)
        self._manifest = Manifest(legacy=True)
        self._manifest_stamp: Stamp | None = None
        self._index = ItemIndex.empty()
        self._maps: tuple[ItemIndex, KeyMap, KeyMap] | None = None
        self._openings: Openings | None = None  # the openings a bulk ingest's dedupe compared
        self._documents: DocumentTable | None = None
        self._state: UserState | None = None
        self._load()

    @classmethod
    def open(cls, root: Path | str, **options) -> Store:
        return cls(root, **options)

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
        changed = self._reload_if_changed()
        if self._state is not None and self._state.refresh():
            changed = True
        return changed

    def get(self, item_id: str, *, marks: bool = True) -> ItemRecord | None:
        """The full record of an item (with the user's marks), None if unknown."""
        records = self.get_many([item_id], marks=marks)
        return records[0] if records else None

    def get_many(self, ids: Iterable[str], *, marks: bool = True) -> list[ItemRecord]:
        """Full records for `ids` (unknown ids are skipped), in the order asked.

        Records of a segment not in the cache are read alone by their spans; a segment whose
        spans are unknown or out of date is loaded whole, once. `marks=False` leaves the
        user's state file unread (the records say unread, not bookmarked): an item can be
        shown when that file is damaged.
        """
        ids = list(ids)
        try:
            return self._get_many(ids, marks)
        except CorruptStoreError:
            if not self._reload_if_changed():  # a file two commits old is deleted: refresh
                raise
            return self._get_many(ids, marks)

    def _get_many(self, ids: list[str], marks: bool = True) -> list[ItemRecord]:
        index = self._index
        found: dict[str, ItemRecord] = {}
        wanted: dict[int, list[int]] = {}
        for item_id in ids:
            row = index.row_of(item_id)
            if row is not None:
                wanted.setdefault(index.segment[row], []).append(row)
        for number, rows in wanted.items():
            if not self._corpus.is_cached(number):
                read = self._corpus.read_spans(number, index.tokens.get(number), index.wanted(rows))
                if read is not None:
                    found.update(read)
                    continue
            segment = self._corpus.segment(number)
            for row in rows:
                record = segment.get(index.ids[row])
                if record is not None:
                    found[record["id"]] = record
        if not marks:
            return [with_marks(found[i], frozenset(), frozenset()) for i in ids if i in found]
        state = self.state
        bookmarks, marked_read = state.bookmarks, state.read
        return [with_marks(found[i], bookmarks, marked_read) for i in ids if i in found]

    def resolve_id(self, prefix: str) -> str | None:
        """The one item id starting with `prefix` (case-insensitive); None if none.

        AmbiguousIdError (naming the prefix and how many items it matches) if several do.
        """
        prefix = prefix.strip().lower()
        if not prefix:
            return None
        if prefix in self._index:
            return prefix
        matches = self._index.ids_with_prefix(prefix)
        if len(matches) > 1:
            raise AmbiguousIdError(prefix, len(matches))
        return matches[0] if matches else None

    def iter_records(self, containing: str | None = None) -> Iterator[ItemRecord]:
        """Every record (with the user's marks), one segment at a time, in segment order.

        With `containing` (casefolded text), segments whose file cannot hold it are skipped
        without being parsed: a body search reads the corpus at disk speed.
        The records are shallow copies whose lists are shared with the cache: read them,
        do not change them.
        """
        index = self._index
        state = self.state
        bookmarks, read = state.bookmarks, state.read
        needle = raw_needle(containing)
        corpus = self._corpus

        def locate(number: int):
            def span(item_id: str) -> tuple[int, int] | None:
                row = index.row_of(item_id)
                if row is None or index.segment[row] != number:
                    return None
                return index.span_of(row)

            return span

        for number in corpus.numbers():
            segment = corpus.cached(number)
            if segment is None and needle is not None:
                path = corpus.path(number)
                raw = read_bytes(path)
                if raw is None:
                    raise CorruptStoreError(path, "the file is missing", CORPUS_HINT)
                hits = records_holding(raw, index.tokens.get(number), locate(number), needle)
                if hits is not None:  # only the records whose bytes hold the needle
                    for record in hits:
                        yield with_marks(record, bookmarks, read, copy=False)
                    continue
                segment = Segment.load(path, raw=raw)
                corpus.remember(number, segment)
            elif segment is None:
                segment = corpus.segment(number)
            for record in segment.items.values():
                row = index.row_of(record["id"])
                if row is not None and index.segment[row] == number:
                    yield with_marks(record, bookmarks, read, copy=False)

    def documents(self) -> list[DocumentRecord]:
        """The ingested documents whose items are all committed, in the order they were
        first ingested."""
        committed = frozenset(self._index.ids)  # one set: not a lookup per item of each
        out = []
        for _doc_id, record in self._document_table().records():
            ids = item_ids(record)
            if committed.issuperset(ids):
                out.append(as_document(record, ids))
        return out

    def learned_companies(self) -> list[Record]:
        """Companies learned at ingest (dicts as the ingest gave them)."""
        return [dict(c) for c in self._document_table().companies().values()]

    # writing

    def add_documents(
        self,
        batch: Sequence[tuple[Mapping[str, object], Sequence[Mapping[str, object]]]],
        learned_companies: Sequence[Mapping[str, object]] | None = None,
        story_keys: Sequence[Sequence[StoryKeys]] | None = None,
        more_to_come: bool = False,
        ends_bulk: bool = False,
    ) -> list[AddResult]:
        """Add documents and their item records: dedupe, assign ids, write, commit.

        One read and one write per touched file; the index is replaced last. `story_keys`,
        per document and item, are `dedupe.story_keys` of the items' titles and bodies when
        the caller has them already (an ingest's workers compute them). `more_to_come`: a
        batch of a bulk ingest before its last, whose index is compacted less often;
        `ends_bulk`: the last batch of one, which leaves little of the index outside its base.
        """
        from store.storage.batch import AddResult, Batch
        from store.storage.dedupe import Openings

        with self._write_lock():
            self._reload_if_changed()
            index = self._index
            writing = NextGeneration(self.root, self._manifest)
            table = self._document_table()
            directory = index.document_directory
            written: dict[str, Record] = {}  # doc id -> the document record as this batch has it
            named: dict[str, tuple[str, str]] = {}  # name -> (doc id, sha256) of those
            next_doc = index.next_doc_id
            # documents are keyed by content: the same bytes under another name are the same
            # document (its first name stays the key its items refer to)
            by_digest = {sha: doc_id for doc_id, sha in directory.values()}
            size = sum(len(items) for _, items in batch)
            maps = self._dedupe_maps(index, size)
            # kept across the batches of a bulk ingest, not after its last or one that
            # failed: a writer that lives on (a reader fetching feeds) does not hold them
            # (up to ~100 MB of English openings, ~170 MB of Chinese) between its writes
            openings, self._openings = self._openings or Openings(), None
            work = Batch(index, self._corpus, maps, self.segment_size, openings)
            results: list[AddResult] = []
            companies_changed = False
            for number, (document, items) in enumerate(batch):
                name = str(document.get("name") or "")
                digest = str(document.get("sha256") or content_hash(document, items))
                doc_id = by_digest.get(digest)
                existing = None
                if doc_id is not None:
                    existing = written.get(doc_id) or table.get(doc_id)
                if existing is not None and existing.get("sha256") == digest:
                    name = str(existing.get("name") or name)
                else:
                    entry = named.get(name) or directory.get(name)
                    doc_id = entry[0] if entry is not None else None
                    existing = None
                    if doc_id is not None:
                        existing = written.get(doc_id) or table.get(doc_id)
                if (
                    existing is not None
                    and existing.get("sha256") == digest
                    and all(work.taken(i) for i in item_ids(existing))
                ):
                    ids = item_ids(existing)
                    results.append(AddResult(name, 0, max(len(items), len(ids)), ids))
                    continue
                ids = []
                new = known = 0
                given = story_keys[number] if story_keys is not None else ()
                for at, raw in enumerate(items):
                    if at < len(given):
                        title, body = raw.get("title"), raw.get("body")
                        if isinstance(title, str) and isinstance(body, str):
                            work.keys.prime(title, body, given[at])
                    record = normalize_record(raw, name)
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
                    stored["preamble"] = join_paragraphs(preamble)
                stored.update(
                    name=name,
                    sha256=digest,
                    item_ids=ids,
                    ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
                )
                if doc_id is None:
                    doc_id, next_doc = str(next_doc), next_doc + 1
                by_digest[digest] = doc_id
                written[doc_id] = stored
                named[name] = (doc_id, digest)
                results.append(AddResult(name, new, known, ids))

            companies = dict(table.companies())
            if learned_companies:
                by_key = {company_key(c): doc_id for doc_id, c in companies.items()}
                for company in learned_companies:
                    key = company_key(company)
                    if not key:
                        continue
                    doc_id = by_key.get(key)
                    if doc_id is None:
                        doc_id = next_doc_id(companies)
                        by_key[key] = doc_id
                    elif companies[doc_id] == company:
                        continue
                    companies[doc_id] = dict(company)
                    companies_changed = True

            for number, contents in work.segment_contents():
                work.written(number, *writing.write_segment(self._corpus, number, contents))
            self._write_documents(writing, table, written, companies, companies_changed)
            new_index = index
            rule: CompactionRule = "bulk" if more_to_come else "bulk ends" if ends_bulk else "usual"
            # the last batch of a bulk ingest compacts even when it adds nothing: the batches
            # before it may have left a delta the usual rule would not
            settle = not more_to_come and index.needs_compaction(rule)
            if work.records or named or settle:
                new_index = work.new_index(writing.generation, named, next_doc)
                new_index = writing.write_index(new_index, rule)
            if writing.changed:
                self._adopt(writing.commit(), new_index)
                if work.records:
                    carried = work.carried_maps()
                    self._maps = (new_index, *carried) if carried else None
            if more_to_come:
                self._openings = openings
            return results

    @staticmethod
    def _write_documents(
        writing: NextGeneration,
        table: DocumentTable,
        written: dict[str, dict],
        companies: dict[str, dict],
        companies_changed: bool,
    ) -> None:
        """The document segments this batch changed, and the companies if they changed. A
        store from before document segments has all its documents moved into segments."""
        moving = table.single is not None
        touched = {segment_of(doc_id) for doc_id in written}
        if moving:
            touched |= {segment_of(doc_id) for doc_id, _ in table.records()}
        for number in sorted(touched):
            segment = dict(table.segment(number))
            segment.update((k, v) for k, v in written.items() if segment_of(k) == number)
            writing.write_document_segment(number, segment, keep_backup=not moving)
        if companies_changed or (moving and companies):
            writing.write_companies(companies, keep_backup=not moving)
        if moving:
            writing.drop_single_documents_file()

    def restore_backups(self) -> Restored:
        """Put back the last good version of every damaged store file (see
        store/storage/restore.py), then reload."""
        from store.storage.restore import restore_backups

        restored = restore_backups(self.root, lock_timeout=self._lock_timeout)
        self._corpus.clear()
        self._load()
        if self._state is not None:
            self._state.refresh()
        return restored

    def reindex(self) -> int:
        """Rebuild the index from the corpus and commit it; the number of items."""
        from store.storage.restore import reindex

        count = reindex(self.root, lock_timeout=self._lock_timeout)
        self._load()
        return count

    # internals

    @cached_property
    def _lock(self) -> FileLock:  # made when the store is first written
        return write_lock(self.root, self._lock_timeout)

    def _write_lock(self) -> contextlib.AbstractContextManager[None]:
        return holding(self._lock, self.root)

    def _document_table(self) -> DocumentTable:
        table = self._documents
        if table is None or table.manifest is not self._manifest:
            table = self._documents = DocumentTable(self.root, self._manifest)
        return table

    def _adopt(self, manifest: Manifest, index: ItemIndex) -> None:
        """Make a generation (just committed or just read) the one this Store shows."""
        self._manifest = manifest
        self._manifest_stamp = stamp(self.manifest_path)
        self._corpus.use(manifest.segment_files())
        self._index = index
        self._documents = None

    def _reload_if_changed(self) -> bool:
        if stamp(self.manifest_path) == self._manifest_stamp:
            return False
        self._load()
        return True

    def _load(self) -> None:
        """Read the current generation; rebuild its index if it is missing or damaged."""
        for _attempt in range(3):
            before = stamp(self.manifest_path)
            manifest = load_manifest(self.root)
            self._corpus.use(manifest.segment_files())
            index = read_index(self.root, manifest)
            if stamp(self.manifest_path) == before:
                break  # no writer committed (and deleted files) while we read
        if index is None:
            if manifest.segments:
                manifest, index = self._rebuild_and_save(manifest)
            else:
                index = ItemIndex.empty()
        self._adopt(manifest, index)
        self._corpus.clear()

    def _rebuild_and_save(self, manifest: Manifest) -> tuple[Manifest, ItemIndex]:
        try:
            self._lock.acquire(timeout=2.0)
        except (LockTimeout, OSError):  # busy or read-only: rebuild in memory only
            documents = DocumentTable(self.root, manifest)
            return manifest, rebuild(self._corpus, manifest.generation, documents)
        try:
            manifest = load_manifest(self.root)  # another writer may have committed
            self._corpus.use(manifest.segment_files())
            index = read_index(self.root, manifest)
            if index is not None:
                return manifest, index
            writing = NextGeneration(self.root, manifest)
            index = rebuild(self._corpus, writing.generation, DocumentTable(self.root, manifest))
            try:
                index = writing.write_index(index)
                manifest = writing.commit()
            except StoreError:  # a read-only folder: use it in memory
                pass
            return manifest, index
        finally:
            self._lock.release()

    def _dedupe_maps(self, index: ItemIndex, items: int) -> tuple[KeyLookup, KeyLookup]:
        """The title and body key maps of the committed index, for a batch of `items`: kept
        from the last batch, or built (every row's keys at C speed); for a batch much smaller
        than the store, looked up in the index file key by key instead."""
        if self._maps is not None and self._maps[0] is index:
            return self._maps[1], self._maps[2]
        from store.storage.batch import key_lookups, key_maps

        if items * SMALL_BATCH_SHARE < len(index) and index.base.file is not None:
            return key_lookups(index)

        title_ids, body_ids = key_maps(index)
        self._maps = (index, title_ids, body_ids)
        return title_ids, body_ids
