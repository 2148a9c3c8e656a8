"""What parsers produce: plain data, independent of storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NotRequired, TypedDict


@dataclass(slots=True)
class Mention:
    """A company a layout names explicitly, e.g. a header `Tencent (0700: HK)`.

    `name` is as written (it may be misspelt, "Xiaoxi"); `ticker` is canonical or None.
    """

    name: str
    ticker: str | None = None


@dataclass(slots=True)
class ParsedItem:
    """One story found in a document."""

    title: str
    publisher: str
    published: str  # ISO 8601: "2022-04-01T14:30:00+08:00", or a date "2025-03-26"
    body: list[str]  # paragraphs, furniture removed
    section: str = ""
    authors: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    date_inferred: bool = False  # `published` comes from the file's date, not the document
    link: str = ""  # the page it was read from (a saved article's URL), if known


@dataclass(slots=True)
class ParsedDocument:
    """A whole document: its own metadata, its preamble, and its items."""

    name: str  # file name, e.g. "000_8dddf056b50c37f7.txt"
    layout: str  # e.g. "equalocean_report"
    publisher: str  # the document's publisher ("Search digest" for digests)
    title: str
    published: str
    preamble: list[str]
    items: list[ParsedItem]


class CompanyRef(TypedDict):
    """A company an item is about, as stored on the item."""

    key: str
    name: str
    ticker: str | None


class ItemRecord(TypedDict):
    """One stored item: what ingest produces, storage keeps, `--json` prints and the reader
    shows. `body` is paragraphs separated by blank lines; `documents` names every source the
    story appeared in. Marks (`bookmarked`, `read`) are the user's, added when read back, and
    so is `link` (the page a feed entry or saved page came from; "" for items from documents),
    kept beside the corpus in `feed-items.json` (store.intake.feedlist.attach_links)."""

    id: str
    title: str
    publisher: str
    documents: list[str]
    section: str
    authors: list[str]
    published: str
    body: str
    related: list[str]
    companies: list[CompanyRef]
    tickers: list[str]
    link: NotRequired[str]
    bookmarked: NotRequired[bool]
    read: NotRequired[bool]


# The documented item fields, in the order `--json` prints them.
ITEM_FIELDS: tuple[str, ...] = (
    "id", "title", "publisher", "documents", "section", "authors", "published", "link",
    "body", "related", "companies", "tickers", "bookmarked", "read",
)  # fmt: skip


def public_item(record: ItemRecord) -> dict[str, object]:
    """A record with exactly the documented item fields, in order (what `--json` prints)."""
    item: dict[str, object] = {name: record.get(name) for name in ITEM_FIELDS}
    item["companies"] = [
        {"name": c.get("name"), "ticker": c.get("ticker")} for c in record.get("companies") or []
    ]
    item["link"] = record.get("link") or ""  # a store from before links: none
    item["bookmarked"] = bool(record.get("bookmarked"))
    item["read"] = bool(record.get("read"))
    return item
