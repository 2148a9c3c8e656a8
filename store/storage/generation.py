"""Reading one generation of a store, and writing the next one as a single commit.

`read_index` reads the index a manifest names (store/storage/documents.py reads the
documents). `NextGeneration` is a write in progress (the caller holds the write lock): it
writes new files under the next generation's names, then `commit()` replaces the manifest
(the commit point) and deletes files no generation needs any more.
"""

from __future__ import annotations

from pathlib import Path

from store.model import ItemRecord
from store.storage import manifest as manifests
from store.storage.columns import DamagedColumnFile
from store.storage.errors import StoreError, os_reason
from store.storage.files import (
    OrjsonStorage,
    Record,
    atomic_write,
    fsync_dir,
    remove_stale_temps,
)
from store.storage.index import (
    BULK_MAX_PIECES,
    MAX_PIECES,
    CompactionRule,
    ItemIndex,
    open_index,
)
from store.storage.layout import COMPANIES_TABLE, DOCUMENTS_HINT, DOCUMENTS_TABLE, WRITER_TEMPS
from store.storage.manifest import Manifest, Version
from store.storage.segments import Corpus


def read_index(root: Path, manifest: Manifest) -> ItemIndex | None:
    """The index the manifest names; None when it is missing, damaged or does not fit the
    manifest's segments (a damaged index is rebuilt, never trusted)."""
    if manifest.index is None:
        return None
    path = Path(root) / manifest.index.name
    delta = Path(root) / manifest.delta.name if manifest.delta else None
    pieces = [Path(root) / piece.name for piece in manifest.pieces]
    try:
        index = open_index(path, delta, pieces)
    except FileNotFoundError:
        return None
    except DamagedColumnFile:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read store file {path}: {os_reason(exc)}") from exc
    segments = manifest.segments
    if not set(index.segment_counts) <= set(segments) or not set(index.tokens) <= set(segments):
        return None
    return index


class NextGeneration:
    """The next generation of a store being written (hold the write lock)."""

    def __init__(self, root: Path, current: Manifest) -> None:
        self.root = Path(root)
        self.current = current
        # above every generation a file was ever written by: a restore that goes back to an
        # older manifest never reuses the name of a file that holds something else
        self.generation = max(current.generation, manifests.highest_generation(root)) + 1
        self.segments: dict[int, Version] = dict(current.segments)
        self.documents = current.documents
        self.doc_segments: dict[int, Version] = dict(current.doc_segments)
        self.companies = current.companies
        self.index = current.index
        self.delta = current.delta
        self.pieces = current.pieces
        self.changed = False
        for prefix in WRITER_TEMPS:
            remove_stale_temps(self.root, prefix)
        # leftovers of writers that died before committing: no manifest names them
        manifests.remove(manifests.garbage(self.root, current.names()))

    def write_segment(
        self, corpus: Corpus, number: int, items: dict[str, ItemRecord]
    ) -> tuple[str, dict[str, int]]:
        """Write segment `number` anew; its token and the records' spans."""
        name = manifests.segment_name(number, self.generation)
        token, spans = corpus.write(name, items)
        self.segments[number] = self._succeed(self.segments.get(number), name)
        self.changed = True
        return token, spans

    def copy_segment(self, number: int, raw: bytes) -> None:
        """Segment `number` becomes these bytes (a backup put back); no backup is kept."""
        name = manifests.segment_name(number, self.generation)
        atomic_write(self.root / name, raw, sync_folder=False)
        self.segments[number] = Version(name)
        self.changed = True

    def write_document_segment(
        self, number: int, table: dict[str, Record], *, keep_backup: bool = True
    ) -> None:
        """Document segment `number` anew (doc id -> record)."""
        name = manifests.documents_name(number, self.generation)
        storage = OrjsonStorage(
            self.root / name, backup=False, hint=DOCUMENTS_HINT, sync_folder=False
        )
        storage.write({DOCUMENTS_TABLE: table})
        old = self.doc_segments.get(number) if keep_backup else None
        self.doc_segments[number] = self._succeed(old, name)
        self.changed = True

    def write_companies(self, table: dict[str, Record], *, keep_backup: bool = True) -> None:
        name = manifests.companies_name(self.generation)
        storage = OrjsonStorage(
            self.root / name, backup=False, hint=DOCUMENTS_HINT, sync_folder=False
        )
        storage.write({COMPANIES_TABLE: table})
        self.companies = self._succeed(self.companies if keep_backup else None, name)
        self.changed = True

    def drop_single_documents_file(self) -> None:
        """The documents now live in segments: the old single file is no longer named."""
        self.documents = None
        self.changed = True

    def write_index(self, index: ItemIndex, rule: CompactionRule = "usual") -> ItemIndex:
        """Write the index: what its batch changed as a piece after the current files; or,
        after MAX_PIECES of them (BULK_MAX_PIECES within a bulk ingest), its whole delta over
        the current base; or, when the delta has grown (or there is no base file yet), a new
        base. The index as written.
        `rule`: when to compact (`ItemIndex.needs_compaction`)."""
        # derived files: a damaged index is rebuilt from the corpus, not restored
        base_name = index.base.name
        current = self.index.name if self.index is not None else None
        if base_name is None or base_name != current or index.needs_compaction(rule):
            # (documents added without rows, to an empty store, still need their directory)
            if index.delta_rows or index.patches or index.documents_added or base_name is not None:
                index = index.compacted()
            name = manifests.index_name(self.generation, "base")
            index.write_base(self.root / name)
            index.base.name = name
            self.index, self.delta, self.pieces = Version(name), None, ()
        elif index.piece is not None and len(self.pieces) < (
            BULK_MAX_PIECES if rule == "bulk" else MAX_PIECES
        ):
            name = manifests.index_name(self.generation, "piece")
            chain = (self.delta, *self.pieces)
            after = chain[-1].name if chain[-1] is not None else None
            index.write_piece(self.root / name, base_name, after)
            self.pieces = (*self.pieces, Version(name))
        else:
            name = manifests.index_name(self.generation, "delta")
            index.write_delta(self.root / name, base_name)
            self.delta, self.pieces = Version(name), ()
        index.piece = None  # written: the batch's own rows are not kept twice
        self.changed = True
        return index

    def manifest(self) -> Manifest:
        return Manifest(
            self.generation,
            dict(self.segments),
            self.documents,
            self.index,
            self.delta,
            doc_segments=dict(self.doc_segments),
            companies=self.companies,
            pieces=self.pieces,
        )

    def commit(self, *, keep_backup: bool = True) -> Manifest:
        """Replace the manifest: from here on every reader that refreshes sees this write.
        The manifest replaced is kept as `manifest.json.bak` unless `keep_backup` is false
        (it is damaged)."""
        manifest = self.manifest()
        # The generation's files were written (each fsynced) without syncing the folder: one
        # sync makes all their names durable, before the manifest that names them.
        fsync_dir(self.root)
        manifests.commit(self.root, manifest, keep_backup=keep_backup)
        manifests.remove(manifests.garbage(self.root, manifest.names()))
        return manifest

    @staticmethod
    def _succeed(old: Version | None, name: str) -> Version:
        if old is None:
            return Version(name)
        if old.name.endswith(".bak"):  # a legacy backup put in place: it has no backup
            return Version(name)
        return old.succeeded_by(name)
