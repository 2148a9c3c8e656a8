"""The user's marks as the reader reads them: a state file it cannot read shows no marks
(the reader says so once, in a notification) instead of crashing every render."""

from __future__ import annotations

from typing import Any

from store.storage.errors import StoreError


class NoMarks:
    """Stands in for the user's state while its file cannot be read."""

    read: frozenset[str] = frozenset()
    bookmarks: frozenset[str] = frozenset()


NO_MARKS = NoMarks()


def marks_of(store: Any) -> Any:
    """`store.state` (bookmarks and read marks), or no marks if its file cannot be read."""
    try:
        return store.state
    except StoreError:
        return NO_MARKS
