"""Reading one generation of a store, and writing the next one as a single commit.

`read_index` and `read_documents` read the files a manifest names. `NextGeneration` is a
write in progress (the caller holds the write lock): it writes new files under the next
generation's names, then `commit()` replaces the manifest (the commit point) and deletes
files no generation needs any more.
"""

from __future__ import annotations

from pathlib import Path

from store.storage import manifest as manifests
from store.storage.errors import CorruptStoreError, StoreError, os_reason
from store.storage.files import (
    OrjsonStorage,
    atomic_write,
    check_tinydb_shape,
    remove_stale_temps,
)
from store.storage.index import ItemIndex
from store.storage.layout import COMPANIES_TABLE, DOCUMENTS_HINT, DOCUMENTS_TABLE, WRITER_TEMPS
from store.storage.manifest import Manifest, Version
from store.storage.segments import Corpus


def read_index(root: Path, manifest: Manifest) -> ItemIndex | None:
    """The index the manifest names; None when it is missing, damaged or does not fit the
    manifest's segments (a damaged index is rebuilt, never trusted)."""
    if manifest.index is None:
        return None
    path = Path(root) / manifest.index.name
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read store file {path}: {os_reason(exc)}") from exc
    try:
        index = ItemIndex.from_json(raw)
    except ValueError:
        return None
    segments = manifest.segments
    if not set(index.segment_counts) <= set(segments) or not set(index.tokens) <= set(segments):
        return None
    return index


def read_documents(root: Path, manifest: Manifest) -> dict:
    """The documents and companies tables of the manifest's documents file."""
    data: dict = {}
    if manifest.documents is not None:
        path = Path(root) / manifest.documents.name
        backup = Path(root) / manifest.documents.backup if manifest.documents.backup else None
        try:
            read = OrjsonStorage(path, hint=DOCUMENTS_HINT).read()
            if read is None and not manifest.legacy:
                raise CorruptStoreError(path, "the file is missing", DOCUMENTS_HINT)
            data = check_tinydb_shape(
                path, read or {}, (DOCUMENTS_TABLE, COMPANIES_TABLE), DOCUMENTS_HINT
            )
        except CorruptStoreError as exc:
            raise exc.with_backup(backup) from None
    else:
        data = {DOCUMENTS_TABLE: {}, COMPANIES_TABLE: {}}
    return data


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
        self.index = current.index
        self.changed = False
        for prefix in WRITER_TEMPS:
            remove_stale_temps(self.root, prefix)
        # leftovers of writers that died before committing: no manifest names them
        manifests.remove(manifests.garbage(self.root, current.names()))

    def write_segment(self, corpus: Corpus, number: int, items: dict[str, dict]):
        """Write segment `number` anew; its token and the records' spans."""
        name = manifests.segment_name(number, self.generation)
        token, spans = corpus.write(name, items)
        self.segments[number] = self._succeed(self.segments.get(number), name)
        self.changed = True
        return token, spans

    def copy_segment(self, number: int, raw: bytes) -> None:
        """Segment `number` becomes these bytes (a backup put back); no backup is kept."""
        name = manifests.segment_name(number, self.generation)
        atomic_write(self.root / name, raw)
        self.segments[number] = Version(name)
        self.changed = True

    def write_documents(self, data: dict, *, keep_backup: bool = True) -> None:
        name = manifests.documents_name(self.generation)
        OrjsonStorage(self.root / name, backup=False, hint=DOCUMENTS_HINT).write(data)
        self.documents = self._succeed(self.documents if keep_backup else None, name)
        self.changed = True

    def write_index(self, index: ItemIndex) -> None:
        name = manifests.index_name(self.generation)
        atomic_write(self.root / name, index.to_json())
        self.index = Version(name)  # derived: a damaged index is rebuilt, not restored
        self.changed = True

    def manifest(self) -> Manifest:
        return Manifest(self.generation, dict(self.segments), self.documents, self.index)

    def commit(self, *, keep_backup: bool = True) -> Manifest:
        """Replace the manifest: from here on every reader that refreshes sees this write.
        The manifest replaced is kept as `manifest.json.bak` unless `keep_backup` is false
        (it is damaged)."""
        manifest = self.manifest()
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
