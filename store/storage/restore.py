"""`newsdesk restore` and `newsdesk reindex`: repair a store, even one that cannot open.

Neither builds a `Store`. Each takes the write lock, works out the next generation (the last
good version of each damaged file, a rebuilt index) in new files, and commits it with one
manifest replacement. Killed at any point, they leave the store as it was; run again, they
do the same work and reach the same store. On a healthy store `restore` changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from store.storage import manifest as manifests
from store.storage.desk import private_file_check
from store.storage.documents import DocumentTable, item_ids, read_tables, segment_of
from store.storage.errors import CorruptStoreError, StoreError
from store.storage.files import OrjsonStorage, atomic_write, backup_path, read_bytes
from store.storage.generation import NextGeneration, read_index
from store.storage.index import ItemIndex, rebuild
from store.storage.layout import COMPANIES_TABLE, DOCUMENTS_TABLE, LOCK_TIMEOUT, holding, write_lock
from store.storage.manifest import MANIFEST_FILE, Manifest, Version
from store.storage.segments import Corpus, Segment
from store.storage.state import load_state_file


@dataclass
class Restored:
    """What a restore put back, and what the versions it put back no longer hold."""

    paths: list[Path] = field(default_factory=list)  # damaged files replaced
    lost_items: int = 0  # items the documents list that the restored corpus does not hold
    lost_documents: list[str] = field(default_factory=list)  # documents to ingest again

    def __iter__(self) -> Iterator[Path]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __bool__(self) -> bool:
        return bool(self.paths)


def _is_good(path: Path, check: Callable[[Path], object]) -> bool:
    if not path.exists():
        return False
    try:
        check(path)
    except CorruptStoreError:
        return False
    return True


def _check_tinydb(path: Path) -> None:
    if OrjsonStorage(path).read() is None:
        raise CorruptStoreError(path, "the file is missing")


def _private_check(name: str) -> Callable[[Path], object] | None:
    """The loader that validates a user's private file (state-, desk-, cursor-<user>.json)."""
    if name.startswith("state-") and name.endswith(".json"):
        return load_state_file
    return private_file_check(name)


def _folder(root: Path | str) -> Path:
    root = Path(root).expanduser()
    if not root.is_dir():
        raise StoreError(f"the store folder {root} does not exist")
    return root


def _current_manifest(root: Path, restored: Restored) -> Manifest:
    """The manifest, or the one before it when it is damaged (noted in `restored`)."""
    path = root / MANIFEST_FILE
    try:
        return manifests.load(root)
    except CorruptStoreError as damaged:
        backup = backup_path(path)
        raw = read_bytes(backup)
        if raw is None:
            raise damaged from None
        try:
            previous = Manifest.parse(backup, raw)
        except CorruptStoreError:
            raise damaged from None
        restored.paths.append(path)
        return previous


def restore_backups(root: Path | str, *, lock_timeout: float = LOCK_TIMEOUT) -> Restored:
    """Put back the last good version of every damaged store file; rebuild the index when
    a segment was put back or the index cannot be read."""
    root = _folder(root)
    restored = Restored()
    with holding(write_lock(root, lock_timeout), root):
        manifest = _current_manifest(root, restored)
        writing = NextGeneration(root, manifest)
        for number, version in sorted(manifest.segments.items()):
            path = root / version.name
            if _is_good(path, Segment.check):
                continue
            backup = root / version.backup if version.backup else None
            if backup is not None and _is_good(backup, Segment.check):
                writing.copy_segment(number, read_bytes(backup) or b"")
                restored.paths.append(path)
        documents_restored = _restore_documents(root, manifest, writing, restored)
        for bak in sorted(root.glob("*.json.bak")):  # each user's private files
            path = bak.with_name(bak.name[: -len(".bak")])
            check = _private_check(path.name)
            if check is not None and not _is_good(path, check) and _is_good(bak, check):
                atomic_write(path, read_bytes(bak) or b"", mode=0o600)
                restored.paths.append(path)
        segments_restored = writing.segments != manifest.segments
        index = read_index(root, manifest)
        if (segments_restored or documents_restored or index is None) and writing.segments:
            index = _rebuild(root, writing)
        manifest_restored = bool(restored.paths) and restored.paths[0].name == MANIFEST_FILE
        if writing.changed or manifest_restored:
            documents = DocumentTable(root, writing.manifest())
            _count_lost(documents, index or ItemIndex.empty(), restored)
            writing.commit(keep_backup=not manifest_restored)
    return restored


def reindex(root: Path | str, *, lock_timeout: float = LOCK_TIMEOUT) -> int:
    """Rebuild the index from the corpus segments the manifest names and commit it; the
    number of items. A damaged segment raises (restore it first)."""
    root = _folder(root)
    with holding(write_lock(root, lock_timeout), root):
        writing = NextGeneration(root, manifests.load(root))
        index = _rebuild(root, writing)
        writing.commit()
    return len(index)


def _restore_documents(
    root: Path, manifest: Manifest, writing: NextGeneration, restored: Restored
) -> bool:
    """Put back the last good version of each damaged documents file; whether any was."""

    def backup_of(version: Version) -> Path | None:
        path = root / version.name
        backup = root / version.backup if version.backup else None
        if _is_good(path, _check_tinydb) or backup is None or not _is_good(backup, _check_tinydb):
            return None
        restored.paths.append(path)
        return backup

    found = False
    if manifest.documents is not None:  # both tables in one file (a store before segments)
        backup = backup_of(manifest.documents)
        if backup is not None:
            tables = read_tables(
                root, Version(backup.name), (DOCUMENTS_TABLE, COMPANIES_TABLE), False
            )
            by_segment: dict[int, dict] = {}
            for doc_id, record in tables[DOCUMENTS_TABLE].items():
                by_segment.setdefault(segment_of(doc_id), {})[doc_id] = record
            for number, table in sorted(by_segment.items()):
                writing.write_document_segment(number, table, keep_backup=False)
            writing.write_companies(tables[COMPANIES_TABLE], keep_backup=False)
            writing.drop_single_documents_file()
            found = True
    for number, version in sorted(manifest.doc_segments.items()):
        backup = backup_of(version)
        if backup is not None:
            table = read_tables(root, Version(backup.name), (DOCUMENTS_TABLE,), False)
            writing.write_document_segment(number, table[DOCUMENTS_TABLE], keep_backup=False)
            found = True
    if manifest.companies is not None:
        backup = backup_of(manifest.companies)
        if backup is not None:
            table = read_tables(root, Version(backup.name), (COMPANIES_TABLE,), False)
            writing.write_companies(table[COMPANIES_TABLE], keep_backup=False)
    return found


def _rebuild(root: Path, writing: NextGeneration) -> ItemIndex:
    corpus = Corpus(root, 1, {n: (v.name, v.backup) for n, v in writing.segments.items()})
    documents = DocumentTable(root, writing.manifest())
    return writing.write_index(rebuild(corpus, writing.generation, documents))


def _count_lost(documents: DocumentTable, index: ItemIndex, restored: Restored) -> None:
    for _doc_id, record in documents.records():
        missing = [i for i in item_ids(record) if i not in index]
        if missing:
            restored.lost_items += len(missing)
            restored.lost_documents.append(str(record.get("name") or ""))
