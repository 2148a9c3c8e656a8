"""Messages the reader's widgets post, named as things that happened."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass(frozen=True, slots=True)
class Source:
    """What the sources pane selected: "all", "unread", "bookmarks", a publisher or a document."""

    kind: str
    value: str = ""
    label: str = "All"


ALL = Source("all", "", "All")


class ItemOpened(Message):
    """The user opened an item (Enter or click in an article list)."""

    def __init__(self, item_id: str) -> None:
        super().__init__()
        self.item_id = item_id


class SourceChosen(Message):
    """The user moved to a source in the sources pane."""

    def __init__(self, source: Source, *, focus_list: bool = False) -> None:
        super().__init__()
        self.source = source
        self.focus_list = focus_list


class FilterChanged(Message):
    """A filter run finished: the article list's new rows and what the query matched."""

    def __init__(
        self,
        generation: int,
        index: Any,
        rows: list[int],
        result: Any,
        source: Source,
        keep_id: str | None,
        total: int,
    ) -> None:
        super().__init__()
        self.total = total
        self.generation = generation
        self.index = index
        self.rows = rows
        self.result = result
        self.source = source
        self.keep_id = keep_id


class BookmarkToggled(Message):
    """An item's bookmark was switched on or off (already persisted)."""

    def __init__(self, item_id: str, bookmarked: bool) -> None:
        super().__init__()
        self.item_id = item_id
        self.bookmarked = bookmarked


class ReadToggled(Message):
    """An item was marked read or unread (already persisted)."""

    def __init__(self, item_id: str, read: bool) -> None:
        super().__init__()
        self.item_id = item_id
        self.read = read
