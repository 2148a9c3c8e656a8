"""What the CLI and the reader both show, computed once: the items about a company, the
companies named with it, a company's card, the rows of a source, the store's sources.

Rows are index rows (row 0 is the newest item); every list of rows here is sorted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from store.entities.companies import Company, CompanyDirectory

CO_MENTIONS = 10  # companies a card lists as "mentioned with"


class IndexColumns(Protocol):
    """The parts of the item index these views read (read-only: ItemIndex's are properties)."""

    @property
    def ids(self) -> Sequence[str]: ...
    @property
    def published(self) -> Sequence[str]: ...
    @property
    def companies(self) -> Sequence[tuple[str, ...]]: ...
    @property
    def documents(self) -> Sequence[tuple[str, ...]]: ...
    @property
    def rows_by_company(self) -> Mapping[str, list[int]]: ...
    @property
    def rows_by_ticker(self) -> Mapping[str, list[int]]: ...
    @property
    def rows_by_publisher(self) -> Mapping[str, list[int]]: ...
    @property
    def rows_by_document(self) -> Mapping[str, list[int]]: ...

    def __len__(self) -> int: ...

    def row_of(self, item_id: str) -> int | None: ...


def rows_about(index: IndexColumns, company: Company) -> list[int]:
    """Every item about `company`: linked to it by name, or carrying one of its listings."""
    rows = set(index.rows_by_company.get(company.key, ()))
    for ticker in company.listings:
        rows.update(index.rows_by_ticker.get(ticker, ()))
    return sorted(rows)


def co_mentions(
    index: IndexColumns,
    directory: CompanyDirectory,
    company: Company,
    rows: Iterable[int] | None = None,
    limit: int = CO_MENTIONS,
) -> list[tuple[Company, int]]:
    """The companies most often named in the same items as `company` (in `rows`, by default
    all its items), each counted once per item, most frequent first."""
    counts: Counter[str] = Counter()
    for row in rows_about(index, company) if rows is None else rows:
        counts.update(key for key in set(index.companies[row]) if key != company.key)
    peers = []
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        other = directory.by_key(key)
        if other is not None:
            peers.append((other, n))
            if len(peers) == limit:
                break
    return peers


@dataclass(frozen=True, slots=True)
class CompanyCard:
    """A company as both views show it: who it is, its items, who it appears with."""

    company: Company
    rows: list[int]
    peers: list[tuple[Company, int]]

    @property
    def aliases(self) -> list[str]:
        """Other names it goes by (short name, aliases), without its own name, in order."""
        c = self.company
        names = (n for n in (c.short_name, *c.aliases) if n and n != c.name)
        return list(dict.fromkeys(names))

    @property
    def chinese_names(self) -> list[str]:
        c = self.company
        return list(dict.fromkeys(n for n in (c.chinese_name, c.chinese_traditional) if n))


def company_card(index: IndexColumns, directory: CompanyDirectory, company: Company) -> CompanyCard:
    rows = rows_about(index, company)
    return CompanyCard(company, rows, co_mentions(index, directory, company, rows))


def company_counts(index: IndexColumns, directory: CompanyDirectory) -> list[tuple[Company, int]]:
    """The companies the store holds items about, with how many, most first."""
    counted = []
    for key in index.rows_by_company:
        company = directory.by_key(key)
        if company is not None:
            counted.append((company, len(rows_about(index, company))))
    counted.sort(key=lambda pair: (-pair[1], pair[0].name.casefold()))
    return counted


def publisher_rows(index: IndexColumns, text: str) -> list[int]:
    """Items whose publisher contains `text` (any case)."""
    wanted = text.casefold()
    rows: set[int] = set()
    for name, name_rows in index.rows_by_publisher.items():
        if wanted in name.casefold():
            rows.update(name_rows)
    return sorted(rows)


@dataclass(frozen=True, slots=True)
class DocumentSource:
    """One document of one publisher, with the number of its items from that publisher."""

    publisher: str
    document: str
    items: int


def document_sources(index: IndexColumns) -> list[DocumentSource]:
    """Every (publisher, document) pair the store holds, by publisher then document."""
    sources: list[DocumentSource] = []
    for publisher in sorted(index.rows_by_publisher, key=str.casefold):
        docs: Counter[str] = Counter()
        for row in index.rows_by_publisher[publisher]:
            docs.update(index.documents[row])
        sources.extend(DocumentSource(publisher, doc, n) for doc, n in sorted(docs.items()))
    return sources


@dataclass(frozen=True, slots=True)
class SourceListing:
    """What the reader's sources pane lists: the publishers, most items first, and each
    one's documents, newest first (a digest quoting several outlets is under each)."""

    publishers: list[tuple[str, int]]  # (publisher, items)
    documents: dict[str, Mapping[str, object]]  # name -> the document's record, newest first
    by_publisher: dict[str, list[Mapping[str, object]]]
    items: dict[str, int]  # document name -> its items


def source_listing(index: IndexColumns, documents: Iterable[Mapping[str, object]]) -> SourceListing:
    """The sources pane's listing of `index` and its document records."""
    docs = sorted(documents, key=lambda d: str(d.get("published") or ""), reverse=True)
    by_publisher_rows = index.rows_by_publisher
    publishers = sorted(by_publisher_rows, key=lambda p: (-len(by_publisher_rows[p]), p))
    owner = [0] * len(index)  # row -> its publisher's place in `publishers`
    for place, publisher in enumerate(publishers):
        for row in by_publisher_rows[publisher]:
            owner[row] = place
    by_publisher: dict[str, list[Mapping[str, object]]] = {}
    items: dict[str, int] = {}
    rows_by_document = index.rows_by_document
    # each document's rows read once and let go (Postings.peek), not kept in the postings
    rows_of = getattr(rows_by_document, "peek", rows_by_document.get)
    for doc in docs:
        name = str(doc["name"])
        rows = rows_of(name) or ()
        items[name] = len(rows)
        for place in {owner[row] for row in rows}:
            by_publisher.setdefault(publishers[place], []).append(doc)
    return SourceListing(
        [(p, len(by_publisher_rows[p])) for p in publishers],
        {str(d["name"]): d for d in docs},
        by_publisher,
        items,
    )


class Marks(Protocol):
    """The user's marks, as the state file holds them."""

    @property
    def read(self) -> frozenset[str] | set[str]: ...

    @property
    def bookmarks(self) -> frozenset[str] | set[str]: ...


def source_rows(
    index: IndexColumns,
    marks: Marks,
    kind: str,
    value: str = "",
    watched: Sequence[Company] = (),
    feeds: Sequence[str] = (),
) -> list[int] | None:
    """The rows of a source in the reader's sources pane (None: every row). `watched` are
    the watchlist's companies ("watchlist": all of them, "watch": the one keyed `value`);
    `feeds` the followed feeds' source names ("feeds": all of them, "feed": the feed named
    `value`)."""
    if kind == "feeds":
        return feed_rows(index, feeds)
    if kind == "feed":
        return feed_rows(index, [f"feed:{value}"])
    if kind == "watchlist":
        return watchlist_rows(index, watched)
    if kind == "watch":
        return watchlist_rows(index, [c for c in watched if c.key == value])
    if kind == "publisher":
        return list(index.rows_by_publisher.get(value, ()))
    if kind == "document":
        return list(index.rows_by_document.get(value, ()))
    if kind == "unread":
        read = marks.read
        return [row for row, item_id in enumerate(index.ids) if item_id not in read]
    if kind == "bookmarks":
        return bookmarked_rows(index, marks)
    return None


def bookmarked_rows(index: IndexColumns, marks: Marks) -> list[int]:
    rows = (index.row_of(item_id) for item_id in marks.bookmarks)
    return sorted(row for row in rows if row is not None)


# ---------------------------------------------------------------- the analyst's desk


@dataclass(frozen=True, slots=True)
class WatchedCompany:
    """A watched company with its items and how many of them the user has not read."""

    company: Company
    rows: list[int]
    unread: int


def unread_count(index: IndexColumns, marks: Marks, rows: Iterable[int]) -> int:
    read, ids = marks.read, index.ids
    return sum(1 for row in rows if ids[row] not in read)


def watched_companies(
    index: IndexColumns, marks: Marks, companies: Iterable[Company]
) -> list[WatchedCompany]:
    """Each watched company (in watchlist order) with its items and unread count."""
    out = []
    for company in companies:
        rows = rows_about(index, company)
        out.append(WatchedCompany(company, rows, unread_count(index, marks, rows)))
    return out


def watchlist_rows(index: IndexColumns, companies: Iterable[Company]) -> list[int]:
    """Every item about any watched company, newest first."""
    rows: set[int] = set()
    for company in companies:
        rows.update(rows_about(index, company))
    return sorted(rows)


def tagged_rows(index: IndexColumns, tags: dict[str, Sequence[str]], tag: str) -> list[int]:
    """Items the user tagged `tag`, newest first."""
    rows = (index.row_of(item_id) for item_id, item_tags in tags.items() if tag in item_tags)
    return sorted(row for row in rows if row is not None)


# ---------------------------------------------------------------- feeds


class FeedLike(Protocol):
    """A followed feed as the feed list holds it (store.intake.feedlist.Feed)."""

    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def document(self) -> str: ...
    @property
    def last_fetch(self) -> str: ...
    @property
    def last_status(self) -> str: ...
    @property
    def last_error(self) -> str: ...


@dataclass(frozen=True, slots=True)
class FeedSource:
    """A followed feed with its items, how many are unread, and how its last fetch went."""

    name: str
    url: str
    title: str
    document: str  # the source name its items carry ("feed:NAME")
    rows: list[int]
    unread: int
    last_fetch: str
    last_status: str
    last_error: str  # "" when the last fetch worked

    @property
    def failing(self) -> bool:
        return bool(self.last_error)


def feed_sources(index: IndexColumns, marks: Marks, feeds: Iterable[FeedLike]) -> list[FeedSource]:
    """Each feed (in the feed list's order) with its items and unread count."""
    out = []
    by_document = index.rows_by_document
    for feed in feeds:
        rows = sorted(by_document.get(feed.document, ()))
        out.append(
            FeedSource(
                feed.name, feed.url, feed.title, feed.document, rows,
                unread_count(index, marks, rows), feed.last_fetch, feed.last_status,
                feed.last_error,
            )
        )  # fmt: skip
    return out


def feed_rows(index: IndexColumns, documents: Iterable[str]) -> list[int]:
    """Every item from any of the feeds whose source names are `documents`, newest first."""
    rows: set[int] = set()
    by_document = index.rows_by_document
    for document in documents:
        rows.update(by_document.get(document, ()))
    return sorted(rows)
