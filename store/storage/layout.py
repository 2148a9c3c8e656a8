"""The store folder: the files it holds and the write lock that guards them.

- `corpus-NNNN.json`: TinyDB files (table `items`) of at most `segment_size` full records
  (store/storage/segments.py).
- `documents.json`: TinyDB, table `documents` (one record per ingested document) and table
  `companies` (companies learned at ingest).
- `index.json`: the derived, columnar item index, newest first (store/storage/index.py). It is
  written last, so its replacement is the commit point of a write; it is rebuilt from the
  corpus if missing or damaged.
- `state-<user>.json`: bookmarks and read marks (store/storage/state.py).
- `*.bak`: the last good copy of each file, for `newsdesk restore` (store/storage/restore.py).
- `.lock`: the write lock held while a write reads, changes and replaces files.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import filelock

from store.storage.files import held

INDEX_FILE = "index.json"
DOCUMENTS_FILE = "documents.json"
LOCK_FILE = ".lock"
DOCUMENTS_TABLE = "documents"
COMPANIES_TABLE = "companies"
DOCUMENTS_HINT = "move it aside; re-ingesting your documents rebuilds it"
LOCK_TIMEOUT = 30.0
# temp files a killed writer may leave, by the name start of the files the write lock guards
WRITER_TEMPS = (".corpus-", f".{INDEX_FILE}.", f".{DOCUMENTS_FILE}.")


def write_lock(root: Path, timeout: float = LOCK_TIMEOUT) -> filelock.FileLock:
    return filelock.FileLock(Path(root) / LOCK_FILE, timeout=timeout)


def holding(lock: filelock.FileLock, root: Path) -> contextlib.AbstractContextManager[None]:
    """Hold the store's write lock (StoreLockedError if another newsdesk keeps it)."""
    return held(lock, f"the store {root} (an ingest may be running)")
