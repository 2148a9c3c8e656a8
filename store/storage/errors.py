"""The store's errors: one line each, naming the file and what the user can do."""

from __future__ import annotations

import os
from pathlib import Path

BACKUP_SUFFIX = ".bak"


class StoreError(Exception):
    """A store problem the user can act on; the message is one line naming the file."""


class CorruptStoreError(StoreError):
    """A store file is damaged; it is never silently replaced by an empty one."""

    def __init__(
        self, path: Path, reason: str, hint: str = "", backup: Path | bool | None = True
    ) -> None:
        """`backup`: the last good copy of `path` (True: look for `<path>.bak`)."""
        self.path = Path(path)
        self.reason = reason
        self.hint = hint
        if backup is True:
            backup = backup_path(self.path)
        copy = backup if isinstance(backup, Path) and backup.exists() else None
        self.backup = copy if copy is not None and _is_json(copy) else None
        if self.backup is not None:
            advice = (
                f"the last good copy is {self.backup} — restore it with: newsdesk restore "
                "(or move it back by hand)"
            )
        elif copy is not None:  # advising a restore that cannot help would be a loop
            advice = (
                f"its last copy {copy} is damaged too; {hint or 'move both aside and re-ingest'}"
            )
        else:
            advice = f"there is no backup copy; {hint or 'move it aside and re-ingest'}"
        super().__init__(f"store file {self.path} is corrupt ({reason}); {advice}")

    def with_backup(self, backup: Path | None) -> CorruptStoreError:
        """The same error, naming `backup` as the last good copy (None: there is none)."""
        return CorruptStoreError(self.path, self.reason, self.hint, backup if backup else False)


class StoreLockedError(StoreError):
    """Another newsdesk holds the store's write lock."""


class LockBusyError(StoreLockedError):
    """The lock is held by another process and the caller asked not to wait."""


class AmbiguousIdError(StoreError):
    """An id prefix that more than one item starts with."""

    def __init__(self, prefix: str, count: int) -> None:
        self.prefix = prefix
        self.count = count
        super().__init__(f"{prefix!r} matches {count} items; give more characters")


def _is_json(path: Path) -> bool:
    """Whether a store file's copy can be read back (the store's files are JSON)."""
    import orjson

    try:
        orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return False
    return True


def backup_path(path: Path) -> Path:
    """Where the last good copy of `path` is kept."""
    return path.with_name(path.name + BACKUP_SUFFIX)


def os_reason(exc: OSError) -> str:
    """A short lower-case reason for an OSError ("permission denied")."""
    if exc.errno is not None:
        return os.strerror(exc.errno).lower()
    return str(exc)
