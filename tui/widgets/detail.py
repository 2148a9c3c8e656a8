"""The detail pane: one item (or a document's preamble), scrollable by keyboard."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from store.text.sanitize import visible
from tui.format import plural, when_of
from tui.widgets.article_list import BOOKMARK_MARK

FAILING_MARK = "✗"  # a feed whose last fetch failed

if TYPE_CHECKING:
    from store.model import ItemRecord
    from store.views import FeedSource

# A document's metadata as the store lists it (name, title, publisher, published, preamble…).
Document = Mapping[str, object]


def doc_text(doc: Document, key: str) -> str:
    """A document field as text; a missing or non-text value is empty, never an error."""
    value = doc.get(key)
    return value if isinstance(value, str) else ""


def _lines(*parts: tuple[str, str]) -> Text:
    """Text assembled from (plain string, style) pairs; the strings are never markup."""
    text = Text(end="")
    for value, style in parts:
        text.append(value, style)
    return text


def _field(label: str, value: str) -> Text:
    return _lines((f"{label}: ", "dim"), (value, ""))


class DetailView(VerticalScroll, can_focus=True):
    """Title, metadata, companies, body paragraphs, related headlines, documents."""

    # The article list's ids and keys: a keymap entry moves every pane alike.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll_down", "Down", show=False, id="cursor_down"),
        Binding("up,k", "scroll_up", "Up", show=False, id="cursor_up"),
        Binding("home,g", "scroll_home", "Top", show=False, id="cursor_top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="cursor_bottom"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.item_id: str | None = None
        self.record: ItemRecord | None = None  # the record shown, while `item_id` is set
        self.document: str | None = None
        self.feed: str | None = None  # the feed shown (its name), or "" for all of them

    def compose(self) -> ComposeResult:
        yield Static(Text("Nothing open", end=""), id="detail-title", markup=False)
        yield Static(
            Text("Press Enter on an item to read it here.", end=""), id="detail-meta", markup=False
        )
        yield Static("", id="detail-companies", markup=False)
        desk = Static("", id="detail-desk", markup=False)  # the user's tags and note
        desk.display = False
        yield desk
        yield Static("", id="detail-body", markup=False)
        yield Static("", id="detail-related", markup=False)
        yield Static("", id="detail-documents", markup=False)

    def _set(self, name: str, content: Text | str) -> None:
        widget = self.query_one(f"#detail-{name}", Static)
        widget.update(content)
        widget.display = bool(content.plain if isinstance(content, Text) else content)

    def show_item(self, record: ItemRecord, documents: Mapping[str, Document]) -> None:
        """Show a full stored record (plain strings only)."""
        self.item_id, self.document, self.record = record["id"], None, record
        self.feed = None
        title = Text(record["title"], end="")
        if record.get("bookmarked"):
            title = _lines((BOOKMARK_MARK + " ", ""), (record["title"], ""))
        self._set("title", title)

        meta = [record["publisher"], when_of(record["published"])]
        lines = Text("  ·  ".join(m for m in meta if m), end="")
        if record["authors"]:
            lines.append("\n")
            lines.append_text(_field("By", ", ".join(record["authors"])))
        if record["section"]:
            lines.append("\n")
            lines.append_text(_field("Section", record["section"]))
        if record.get("link"):
            lines.append("\n")
            lines.append_text(_field("Link", record.get("link", "")))
        lines.append("\n")
        lines.append(("Read" if record.get("read") else "Unread") + f" · id {record['id']}", "dim")
        self._set("meta", lines)

        companies = Text(end="")
        for company in record["companies"]:
            companies.append(" · " if companies.plain else "Companies: ", "dim")
            companies.append(company["name"], "bold")
            if company["ticker"]:
                companies.append(f" {company['ticker']}")
        linked = {c["ticker"] for c in record["companies"]}
        extra = [t for t in record["tickers"] if t not in linked]
        if extra:
            companies.append(" · " if companies.plain else "Tickers: ", "dim")
            companies.append(" ".join(extra))
        self._set("companies", companies)
        self._set("desk", "")

        self._set("body", Text(record["body"], end=""))

        related = record["related"]
        if related:
            text = Text("Related", "bold underline", end="")
            for headline in related:
                text.append("\n• ")
                text.append(headline)
            self._set("related", text)
        else:
            self._set("related", "")

        self.show_documents(documents)
        self.scroll_home(animate=False)

    def show_documents(self, documents: Mapping[str, Document]) -> None:
        """The documents the shown item appeared in, by title where `documents` has them
        (the rest of the detail and its scroll position stay as they are)."""
        if self.record is None or self.item_id is None:
            return
        names = self.record["documents"]
        text = Text(f"Appeared in {plural(len(names), 'document')}", "bold underline", end="")
        for name in names:
            doc = documents.get(name, {})
            text.append("\n• ")
            text.append(doc_text(doc, "title") or visible(name))
            details = [
                d for d in (doc_text(doc, "publisher"), doc_text(doc, "published")[:10]) if d
            ]
            if details:
                text.append("  " + " · ".join(details), "dim")
        self._set("documents", text)

    def show_desk(self, tags: Sequence[str], note: str) -> None:
        """The user's tags and note on the item shown (plain text)."""
        text = Text(end="")
        if tags:
            text.append("Tags: ", "dim")
            text.append(" ".join("#" + tag for tag in tags), "bold")
        if note:
            if text.plain:
                text.append("\n")
            text.append("Note: ", "dim")
            text.append(note, "italic")
        self._set("desk", text)

    def show_document(self, doc: Document, count: int) -> None:
        """Show a document's own metadata and preamble (its introduction or summary)."""
        name = doc_text(doc, "name")
        self.item_id, self.document, self.feed = None, name, None
        self._set("title", Text(doc_text(doc, "title") or visible(name), end=""))
        meta = [doc_text(doc, "publisher"), when_of(doc_text(doc, "published"))]
        lines = Text("  ·  ".join(m for m in meta if m), end="")
        lines.append("\n")
        # a file name may hold anything: shown with its control characters escaped
        lines.append(f"{visible(name)} · {plural(count, 'item')}", "dim")
        self._set("meta", lines)
        self._set("companies", "")
        self._set("desk", "")
        preamble = doc_text(doc, "preamble")
        self._set("body", Text(preamble or "(this document has no introduction)", end=""))
        self._set("related", "")
        self._set("documents", "")
        self.scroll_home(animate=False)

    def show_feed(self, feed: FeedSource) -> None:
        """A followed feed: its title and URL, its items, how its last fetch went (an error in
        words when it failed). Every string is the feed's or the server's: plain text."""
        self.item_id, self.document, self.feed = None, None, feed.name
        self._set("title", Text(feed.title or feed.name, end=""))
        lines = _field("Feed", feed.name)
        lines.append("\n")
        lines.append_text(_field("URL", feed.url))
        lines.append("\n")
        lines.append(f"{plural(len(feed.rows), 'item')} · {feed.unread:,} unread", "dim")
        self._set("meta", lines)
        status = Text(end="")
        if feed.last_fetch:
            status.append_text(_field("Last fetch", when_of(feed.last_fetch)))
            if feed.last_status and not feed.failing:
                status.append(f" · {feed.last_status}")
        else:
            status.append("Not fetched yet", "dim")
        if feed.failing:
            status.append("\n")
            status.append(FAILING_MARK + " Last error: ", "bold red")
            status.append(feed.last_error, "bold")
        self._set("companies", status)
        self._set("desk", "")
        self._set("body", Text("r fetches every feed now.", "dim", end=""))
        self._set("related", "")
        self._set("documents", "")
        self.scroll_home(animate=False)

    def show_feeds(self, feeds: Sequence[FeedSource]) -> None:
        """Every followed feed, one line each: unread count and last status (or error)."""
        self.item_id, self.document, self.feed = None, None, ""
        self._set("title", Text("Feeds", end=""))
        failing = sum(1 for f in feeds if f.failing)
        meta = f"{plural(len(feeds), 'feed')} · {sum(f.unread for f in feeds):,} unread"
        self._set("meta", Text(meta + (f" · {failing} failing" if failing else ""), "dim", end=""))
        self._set("companies", "")
        self._set("desk", "")
        text = Text(end="")
        for feed in feeds:
            if text.plain:
                text.append("\n")
            if feed.failing:
                text.append(FAILING_MARK + " ", "bold red")
            text.append(feed.name, "bold")
            text.append(f"  {feed.unread:,} unread · ", "dim")
            text.append(feed.last_error or feed.last_status or "not fetched yet")
        text.append("\n\nr fetches every feed now.", "dim")
        self._set("body", text)
        self._set("related", "")
        self._set("documents", "")
        self.scroll_home(animate=False)
