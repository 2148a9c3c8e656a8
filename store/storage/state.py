"""UserState: one user's bookmarks and read marks, in a small private file beside the corpus.

`state-<user>.json` holds `{"bookmarks": {id: epoch seconds}, "read": {id: epoch seconds}}`.
Every change takes the state lock (separate from the store's write lock, so a long ingest
never blocks a bookmark), re-reads the file, applies the change and writes it atomically;
two processes toggling at once therefore never lose each other's marks.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import time
from functools import cached_property
from pathlib import Path

import orjson

from store.storage.errors import CorruptStoreError, StoreError, os_reason
from store.storage.files import (
    FileLock,
    Stamp,
    atomic_write,
    file_lock,
    held_in,
    parse_json,
    read_bytes,
    remove_stale_temps,
)

STATE_LOCK_TIMEOUT = 10.0
_KINDS = ("bookmarks", "read")
_UNSAFE = re.compile(r"[^\w.-]+", re.UNICODE)
_STATE_HINT = "move it aside to start again with no bookmarks or read marks"


def current_user() -> str:
    """The login name, made safe for a file name ("user" if it cannot be found)."""
    try:
        name = getpass.getuser()
    except Exception:  # no $USER and no passwd entry (containers)
        name = ""
    name = _UNSAFE.sub("_", name).strip("._")[:64]
    return name or "user"


def state_path(root: Path, user: str | None = None) -> Path:
    return Path(root) / f"state-{user or current_user()}.json"


def _marks(path: Path, value: object) -> dict[str, int]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return dict.fromkeys(value, 0)
    if isinstance(value, dict) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()
    ):
        return {k: int(v) for k, v in value.items()}
    raise CorruptStoreError(path, "bookmarks or read marks are malformed", _STATE_HINT)


def load_state_file(path: Path) -> dict[str, dict[str, int]] | None:
    """The marks in a state file, None if it does not exist; CorruptStoreError if damaged."""
    raw = read_bytes(path)
    if raw is None:
        return None
    data = parse_json(path, raw, _STATE_HINT)
    if not isinstance(data, dict):
        raise CorruptStoreError(path, "not a state file", _STATE_HINT)
    return {kind: _marks(path, data.get(kind, {})) for kind in _KINDS}


class UserState:
    """Bookmarks and read marks of one user; each change is persisted at once."""

    def __init__(
        self, root: Path | str, user: str | None = None, lock_timeout: float = STATE_LOCK_TIMEOUT
    ) -> None:
        self.root = Path(root)
        self.user = user or current_user()
        self.path = state_path(self.root, self.user)
        self._lock_timeout = lock_timeout
        self._marks: dict[str, dict[str, int]] = {kind: {} for kind in _KINDS}
        self._bookmarks: frozenset[str] = frozenset()
        self._read: frozenset[str] = frozenset()
        self._stamp: Stamp | None = None
        self._load()

    @cached_property
    def _lock(self) -> FileLock:  # made when a mark is first changed
        return file_lock(self.root / f".state-{self.user}.lock", self._lock_timeout)

    @property
    def bookmarks(self) -> frozenset[str]:
        """Ids of bookmarked items (a snapshot; changes replace it)."""
        return self._bookmarks

    @property
    def read(self) -> frozenset[str]:
        """Ids of items marked read (a snapshot; changes replace it)."""
        return self._read

    def is_bookmarked(self, item_id: str) -> bool:
        return item_id in self._bookmarks

    def is_read(self, item_id: str) -> bool:
        return item_id in self._read

    def set_bookmarked(self, item_id: str, on: bool) -> bool:
        """Bookmark (or un-bookmark) an item; returns the new state."""
        return self._change("bookmarks", item_id, lambda _: on)

    def set_read(self, item_id: str, on: bool) -> bool:
        """Mark an item read (or unread); returns the new state."""
        return self._change("read", item_id, lambda _: on)

    def toggle_bookmark(self, item_id: str) -> bool:
        """Flip the bookmark as the file has it now; returns the new state."""
        return self._change("bookmarks", item_id, lambda was: not was)

    def toggle_read(self, item_id: str) -> bool:
        """Flip the read mark as the file has it now; returns the new state."""
        return self._change("read", item_id, lambda was: not was)

    def refresh(self) -> bool:
        """Re-read the file if another process changed it; True if it did."""
        if self._file_stamp() == self._stamp:
            return False
        before = (self._bookmarks, self._read)
        self._load()
        return (self._bookmarks, self._read) != before

    # internals

    def _file_stamp(self) -> Stamp | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"cannot read state file {self.path}: {os_reason(exc)}") from exc
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _load(self) -> None:
        stamp = self._file_stamp()
        marks = load_state_file(self.path)
        self._apply(marks or {kind: {} for kind in _KINDS}, stamp)

    def _apply(self, marks: dict[str, dict[str, int]], stamp: Stamp | None) -> None:
        self._marks = marks
        self._bookmarks = frozenset(marks["bookmarks"])
        self._read = frozenset(marks["read"])
        self._stamp = stamp

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        return held_in(self.root, self._lock, f"the state file {self.path}")

    def _change(self, kind: str, item_id: str, decide) -> bool:
        with self._locked():
            remove_stale_temps(self.root, f".{self.path.name}.")
            marks = load_state_file(self.path) or {k: {} for k in _KINDS}
            was = item_id in marks[kind]
            on = bool(decide(was))
            if on != was:
                if on:
                    marks[kind][item_id] = int(time.time())
                else:
                    del marks[kind][item_id]
                atomic_write(self.path, orjson.dumps(marks), mode=0o600, backup=True)
            self._apply(marks, self._file_stamp())
        return on
