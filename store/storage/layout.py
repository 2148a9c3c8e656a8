"""The store folder: the files it holds and the write lock that guards them.

- `manifest.json`: which files make up the store now (store/storage/manifest.py). Replacing
  it is the one commit point of every write; `manifest.json.bak` is the one before.
- `corpus-NNNN-gGGGGGG.json`: TinyDB files (tables `meta`, `items`) of at most
  `segment_size` full records: segment NNNN as generation GGGGGG wrote it
  (store/storage/segments.py). A writer never changes a file: it writes new ones.
- `documents-gGGGGGG.json`: TinyDB, table `documents` (one record per ingested document)
  and table `companies` (companies learned at ingest).
- `index-gGGGGGG.base`, `.delta`, `.piece`: the derived, columnar item index, newest first
  (store/storage/index.py); rebuilt from the corpus if missing or damaged (`newsdesk reindex`).
- `state-<user>.json` (+ `.bak`): bookmarks and read marks (store/storage/state.py).
- `.lock`: the write lock held while a write reads, changes and commits files.

Each file the manifest names keeps the version it replaced as its backup, for
`newsdesk restore` (store/storage/restore.py). A store written before manifests
(`corpus-NNNN.json`, `documents.json`, `index.json`, `*.bak`) is read as it is and moved to
generated names by its first write.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from store.storage.files import FileLock, file_lock, held

LOCK_FILE = ".lock"
DOCUMENTS_TABLE = "documents"
COMPANIES_TABLE = "companies"
DOCUMENTS_HINT = "move it aside; re-ingesting your documents rebuilds it"
LOCK_TIMEOUT = 30.0
# temp files a killed writer may leave, by the name start of the files the write lock guards
WRITER_TEMPS = (".corpus-", ".index", ".documents", ".manifest.json.")


def write_lock(root: Path, timeout: float = LOCK_TIMEOUT) -> FileLock:
    return file_lock(Path(root) / LOCK_FILE, timeout)


def holding(lock: FileLock, root: Path) -> contextlib.AbstractContextManager[None]:
    """Hold the store's write lock (StoreLockedError if another newsdesk keeps it)."""
    return held(lock, f"the store {root}", busy_hint="an ingest may be running")
