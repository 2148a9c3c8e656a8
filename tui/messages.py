"""The reader's own messages, named as things that happened.

Messages a widget posts live on the widget (`ArticleList.ItemOpened`,
`SourceTree.SourceChosen`) with a `control`, so a handler can pick its sender with
`@on(ArticleList.ItemOpened, "#articles")`. The ones here are posted by the reader screen
or the app about the store as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from store.entities.companies import CompanyDirectory
    from store.intake.fetch import FeedResult
    from store.query import QueryResult
    from store.storage.index import ItemIndex
    from store.views import SourceListing


@dataclass(frozen=True, slots=True)
class Source:
    """What the sources pane selected: "all", "unread", "bookmarks", a publisher, a document,
    the watchlist or a watched company, a saved search, "feeds" or one "feed"."""

    kind: str
    value: str = ""
    label: str = "All"


ALL = Source("all", "", "All")


@dataclass
class FilterChanged(Message):
    """A filter run finished: the article list's new rows and what the query matched."""

    generation: int
    index: ItemIndex
    rows: list[int]
    result: QueryResult | None
    source: Source
    keep_id: str | None
    total: int


@dataclass
class BookmarkToggled(Message):
    """An item's bookmark was switched on or off (already persisted)."""

    item_id: str
    bookmarked: bool


@dataclass
class ReadToggled(Message):
    """An item was marked read or unread (already persisted)."""

    item_id: str
    read: bool


@dataclass
class StorePolled(Message):
    """The poll worker looked at the store on disk (in a thread, so the UI never waits).

    `changed`: something changed; `reloaded`: the index itself was replaced (new items),
    not only the user's marks; `directory`: the companies, rebuilt for a new index;
    `error`: why the store could not be read this time; `feeds_changed`: the feed list
    (feeds.json: each feed's last status) changed.
    """

    changed: bool = False
    reloaded: bool = False
    directory: CompanyDirectory | None = None
    error: str | None = None
    feeds_changed: bool = False


@dataclass
class SourcesListed(Message):
    """The sources pane's listing of `index`, gathered off the UI thread."""

    index: ItemIndex
    listing: SourceListing


@dataclass
class DeskCounted(Message):
    """The desk's counts for the sources pane, computed off the UI thread.

    `watch_total`: unread items about any watched company; `watched`: (key, name, unread)
    per watched company; `saved`: (name, items) per saved search."""

    watch_total: int
    watched: list[tuple[str, str, int]]
    saved: list[tuple[str, int]]


@dataclass
class DeskChanged(Message):
    """A desk write finished (already persisted): `what` changed, for `item_id` if any;
    `message` is what to tell the user."""

    what: str
    item_id: str | None = None
    message: str = ""


@dataclass
class FeedFetched(Message, bubble=False):
    """One feed of a fetch (`r`) is done: stored, not modified, or failed (`result` is a
    store.intake.fetch.FeedResult); `done` of `total` feeds are."""

    result: FeedResult
    done: int
    total: int


@dataclass
class FeedsFetched(Message, bubble=False):
    """A fetch of every feed ended: each feed's result, or why it could not run at all."""

    results: list[FeedResult]
    error: str = ""


@dataclass
class LinkOpened(Message, bubble=False):
    """The browser was asked to open `link`; `opened` is false when no browser took it."""

    link: str
    opened: bool
