"""`newsdesk restore`: put back the last good copy of every damaged store file.

It works on a store that cannot be opened (a truncated segment and no index), so it never
builds a `Store`: it takes the write lock, checks each file and its `.bak`, and rebuilds the
index from the corpus when a segment was put back or the index cannot be read.

Order matters for a kill in the middle: the index is removed before any segment is put
back, so an interrupted restore leaves no index that lists what the segments no longer
hold; the next open (or the next `restore`) rebuilds it from the corpus.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from store.storage.desk import private_file_check
from store.storage.errors import CorruptStoreError, StoreError, os_reason
from store.storage.files import (
    OrjsonStorage,
    atomic_write,
    backup_path,
    fsync_dir,
    read_bytes,
    remove_stale_temps,
)
from store.storage.index import ItemIndex, rebuild
from store.storage.layout import (
    DOCUMENTS_FILE,
    INDEX_FILE,
    LOCK_TIMEOUT,
    WRITER_TEMPS,
    holding,
    write_lock,
)
from store.storage.segments import SEGMENT_NAME, Corpus, Segment
from store.storage.state import load_state_file


def _is_good(path: Path, check: Callable[[Path], object]) -> bool:
    if not path.exists():
        return False
    try:
        check(path)
    except CorruptStoreError:
        return False
    return True


def _check_tinydb(path: Path) -> None:
    OrjsonStorage(path).read()


def _index_is_good(path: Path) -> bool:
    raw = read_bytes(path)
    if raw is None:
        return False
    try:
        ItemIndex.from_json(raw)
    except ValueError:
        return False
    return True


def restore_backups(root: Path | str, *, lock_timeout: float = LOCK_TIMEOUT) -> list[Path]:
    """Put back the `.bak` copy of every corrupt or missing store file; the paths restored.

    Restoring a corpus segment rebuilds the index from the corpus; so does an index that
    cannot be read. Safe to run again after it was interrupted, and on a healthy store
    (it restores nothing and changes nothing).
    """
    root = Path(root).expanduser()
    if not root.is_dir():
        raise StoreError(f"the store folder {root} does not exist")
    corpus = Corpus(root, cache_size=1)
    index_path = root / INDEX_FILE
    restored: list[Path] = []
    with holding(write_lock(root, lock_timeout), root):
        for prefix in WRITER_TEMPS:
            remove_stale_temps(root, prefix)
        candidates: dict[Path, Callable[[Path], object]] = {root / DOCUMENTS_FILE: _check_tinydb}
        for number in corpus.numbers_on_disk():
            candidates[corpus.path(number)] = Segment.check
        for bak in root.glob("*.json.bak"):
            path = bak.with_name(bak.name[: -len(".bak")])
            if SEGMENT_NAME.match(path.name):
                candidates.setdefault(path, Segment.check)
            elif path.name.startswith("state-"):
                candidates[path] = load_state_file
            elif private_file_check(path.name) is not None:  # desk-, cursor-<user>.json
                candidates[path] = private_file_check(path.name)
        to_restore = []
        for path, check in sorted(candidates.items()):
            bak = backup_path(path)
            if bak.exists() and not _is_good(path, check) and _is_good(bak, check):
                to_restore.append(path)
        segments_restored = any(SEGMENT_NAME.match(p.name) for p in to_restore)
        if segments_restored:
            try:
                os.unlink(index_path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise StoreError(f"cannot remove {index_path}: {os_reason(exc)}") from exc
            fsync_dir(root)
        for path in to_restore:
            private = path.name.startswith("state-") or private_file_check(path.name)
            mode = 0o600 if private else 0o666
            atomic_write(path, read_bytes(backup_path(path)) or b"", mode=mode)
            restored.append(path)
        rebuild_index = segments_restored or not _index_is_good(index_path)
        if rebuild_index and corpus.numbers_on_disk():
            atomic_write(index_path, rebuild(corpus).to_json())
    return restored
