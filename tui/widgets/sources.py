"""The sources pane: the watchlist, All, Unread, Bookmarks, saved searches, the feeds, then
publishers and their documents."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from store import views
from store.text.sanitize import visible
from tui.marks import marks_of
from tui.messages import ALL, Source
from tui.widgets.detail import FAILING_MARK, Document, doc_text

if TYPE_CHECKING:
    from store.storage.store import Store
    from store.views import FeedSource, SourceListing

FEEDS = Source("feeds", "", "Feeds")


def feed_source(name: str) -> Source:
    return Source("feed", name, f"Feed {name}")


def _label(name: str, count: int | None) -> Text:
    """A node label from plain strings; a document title is data, never markup."""
    label = Text(name, no_wrap=True, overflow="ellipsis", end="")
    if count is not None:
        label.append(f"  {count:,}", "dim")
    return label


class SourceTree(Tree[Source]):
    """Publishers and documents as a small tree; moving the cursor filters the article list."""

    # The article list's ids and keys: a keymap entry moves every pane alike.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="cursor_down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="cursor_up"),
        Binding("home,g", "scroll_home", "Top", show=False, id="cursor_top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="cursor_bottom"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("enter", "select_cursor", "Choose", show=False, id="open"),
        Binding("space", "toggle_node", "Expand", show=False, id="expand"),
    ]

    @dataclass
    class SourceChosen(Message):
        """The user moved to a source (`focus_list`: chose it with Enter or a click)."""

        source: Source
        tree: SourceTree
        focus_list: bool = False

        @property
        def control(self) -> SourceTree:
            return self.tree

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Sources", data=None, id=id)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self._special: dict[str, TreeNode[Source]] = {}
        # the desk: (source, label name, count) rows for the watchlist and saved searches
        self._watch_rows: list[tuple[Source, str, int]] = []
        self._saved_rows: list[tuple[Source, str, int]] = []
        self._watch_total: int | None = None
        self._desk_nodes: dict[str, TreeNode[Source]] = {}
        self._desk_expanded = {"watchlist": True, "saved": True}
        self.documents: dict[str, Document] = {}
        self._docs_by_publisher: dict[str, list[Document]] = {}
        self._doc_counts: dict[str, int] = {}
        # the followed feeds (views.feed_sources), shown once there is one
        self.feeds: list[FeedSource] = []
        self._feeds_node: TreeNode[Source] | None = None
        self._feeds_expanded = True

    def process_label(self, label: str | Text) -> Text:
        text = Text(label, end="") if isinstance(label, str) else label
        return text.split()[0] if text.plain else text

    def rebuild(self, store: Store, listing: SourceListing, keep: Source | None = None) -> None:
        """Rebuild from the store's index and its listing (`views.source_listing`, gathered
        off the UI thread), the cursor on `keep` (the source shown), else where it was."""
        index = store.index
        current = keep or (self.cursor_node.data if self.cursor_node is not None else ALL)
        expanded = {node.data for node in self._publisher_nodes() if node.is_expanded and node.data}
        self.clear()
        self._feeds_node = None  # cleared with the rest: added again below
        self._special = {
            "all": self.root.add_leaf(_label("All", len(index)), data=ALL),
            "unread": self.root.add_leaf(_label("Unread", None), Source("unread", "", "Unread")),
            "bookmarks": self.root.add_leaf(
                _label("Bookmarks", None), Source("bookmarks", "", "Bookmarks")
            ),
        }
        self.update_counts(store)
        self._desk_nodes = {}
        self._add_desk_nodes()
        self._add_feed_nodes()

        self.documents = listing.documents
        self._docs_by_publisher = listing.by_publisher
        self._doc_counts = listing.items
        for publisher, items in listing.publishers:
            source = Source("publisher", publisher, publisher)
            has_docs = bool(listing.by_publisher.get(publisher))
            node = self.root.add(_label(publisher, items), data=source, allow_expand=has_docs)
            if source in expanded:
                self._populate(node)
                node.expand()
        self.select_source(current)

    # --- the desk: Watchlist at the top, saved searches after Bookmarks -------------------

    def set_desk(
        self,
        watch_total: int,
        watched: list[tuple[str, str, int]],
        saved: list[tuple[str, int]],
    ) -> None:
        """The watchlist (unread total; key, name, unread per company) and the saved searches
        (name, items): labels change in place, nodes only when the lists did."""
        watch_rows = [(Source("watch", key, name), name, n) for key, name, n in watched]
        saved_rows = [(Source("saved", name, f"⌕ {name}"), name, n) for name, n in saved]
        same_shape = [r[0] for r in watch_rows] == [r[0] for r in self._watch_rows] and [
            r[0] for r in saved_rows
        ] == [r[0] for r in self._saved_rows]
        self._watch_total, self._watch_rows, self._saved_rows = watch_total, watch_rows, saved_rows
        if not self._special:
            return  # rebuild() adds them
        if same_shape:
            self._label_desk_nodes()
            return
        current = self.cursor_node.data if self.cursor_node is not None else None
        for name, node in self._desk_nodes.items():
            if node.children:  # an empty group keeps the state it had
                self._desk_expanded[name] = node.is_expanded
            node.remove()
        self._add_desk_nodes()
        if current is not None:
            self.select_source(current)

    def _add_desk_nodes(self) -> None:
        """Watchlist first (once something is watched), saved searches after Bookmarks."""
        self._desk_nodes = {}
        if self._watch_rows:
            watch = self.root.add(
                "Watchlist", Source("watchlist", "", "Watchlist"), before=self._special["all"]
            )
            for source, name, _ in self._watch_rows:
                watch.add_leaf(name, source)
            self._desk_nodes["watchlist"] = watch
        if self._saved_rows:
            saved = self.root.add("Saved searches", None, after=self._special["bookmarks"])
            for source, name, _ in self._saved_rows:
                saved.add_leaf(name, source)
            self._desk_nodes["saved"] = saved
        for name, node in self._desk_nodes.items():
            if self._desk_expanded.get(name) and node.children:
                node.expand()
        self._label_desk_nodes()

    def _label_desk_nodes(self) -> None:
        watch = self._desk_nodes.get("watchlist")
        if watch is not None:
            watch.set_label(_label("Watchlist", self._watch_total))
            for node, (_, name, n) in zip(watch.children, self._watch_rows, strict=False):
                node.set_label(_label(name, n))
        saved = self._desk_nodes.get("saved")
        if saved is not None:
            saved.set_label(_label("Saved searches", None))
            for node, (_, name, n) in zip(saved.children, self._saved_rows, strict=False):
                node.set_label(_label(f"⌕ {name}", n))

    # --- the feeds: a group after the saved searches, one child per feed ------------------

    def set_feeds(self, feeds: list[FeedSource]) -> None:
        """The followed feeds with their counts and last fetch: labels change in place, nodes
        only when the feeds did."""
        same_shape = [f.name for f in feeds] == [f.name for f in self.feeds]
        self.feeds = list(feeds)
        if not self._special:
            return  # rebuild() adds them
        if same_shape and (self._feeds_node is not None or not feeds):
            self._label_feed_nodes()
            return
        current = self.cursor_node.data if self.cursor_node is not None else None
        if self._feeds_node is not None:
            if self._feeds_node.children:
                self._feeds_expanded = self._feeds_node.is_expanded
            self._feeds_node.remove()
            self._feeds_node = None
        self._add_feed_nodes()
        if current is not None:
            self.select_source(current)

    def _add_feed_nodes(self) -> None:
        if not self.feeds:
            return
        after = self._desk_nodes.get("saved") or self._special["bookmarks"]
        group = self.root.add("Feeds", FEEDS, after=after)
        for feed in self.feeds:
            group.add_leaf(feed.name, feed_source(feed.name))
        if self._feeds_expanded:
            group.expand()
        self._feeds_node = group
        self._label_feed_nodes()

    def _label_feed_nodes(self) -> None:
        group = self._feeds_node
        if group is None:
            return
        label = _label("Feeds", sum(f.unread for f in self.feeds))
        failing = sum(1 for f in self.feeds if f.failing)
        if failing:
            label.append(f"  {FAILING_MARK}{failing}", "bold red")
        group.set_label(label)
        for node, feed in zip(group.children, self.feeds, strict=False):
            text = Text(end="", no_wrap=True, overflow="ellipsis")
            if feed.failing:
                text.append(FAILING_MARK + " ", "bold red")
            text.append(feed.name)  # a name the user gave (or one made from the URL)
            text.append(f"  {feed.unread:,}", "dim")
            node.set_label(text)

    def feed(self, name: str) -> FeedSource | None:
        return next((f for f in self.feeds if f.name == name), None)

    def _populate(self, node: TreeNode[Source]) -> None:
        """Add a publisher's documents under it (on first expansion: thousands at 100k)."""
        if node.children or node.data is None:
            return
        for doc in self._docs_by_publisher.get(node.data.value, []):
            name = doc_text(doc, "name")
            title = doc_text(doc, "title") or visible(name)
            node.add_leaf(
                _label(title, self._doc_counts.get(name, 0)),
                data=Source("document", name, title),
            )

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Source]) -> None:
        event.stop()
        self._populate(event.node)

    def _publisher_nodes(self) -> list[TreeNode[Source]]:
        return [n for n in self.root.children if n.data and n.data.kind == "publisher"]

    def update_counts(self, store: Store) -> None:
        """Refresh the Unread and Bookmarks counts after a mark changed."""
        if not self._special:
            return
        index, state = store.index, marks_of(store)
        read = sum(1 for item_id in state.read if index.row_of(item_id) is not None)
        marked = sum(1 for item_id in state.bookmarks if index.row_of(item_id) is not None)
        self._special["unread"].set_label(_label("Unread", len(index) - read))
        self._special["bookmarks"].set_label(_label("Bookmarks", marked))
        if self.feeds:  # rows of this index (set_feeds gives new ones with a new index)
            n = len(index)
            self.feeds = [
                replace(f, unread=views.unread_count(index, state, f.rows))
                if not f.rows or f.rows[-1] < n
                else f
                for f in self.feeds
            ]
            self._label_feed_nodes()

    def select_source(self, source: Source | None) -> None:
        """Put the cursor on `source` (expanding its publisher)."""
        if source is not None and source.kind == "document":
            for node in self._publisher_nodes():
                if node.data is None:
                    continue
                docs = self._docs_by_publisher.get(node.data.value, [])
                if any(d["name"] == source.value for d in docs):
                    self._populate(node)
                    break
        for node in self._walk():
            if node.data == source:
                if node.parent is not None and not node.parent.is_root:
                    node.parent.expand()
                self.call_after_refresh(self._move_to, node)
                return

    def _move_to(self, node: TreeNode[Source]) -> None:
        if node.line >= 0:
            self.cursor_line = node.line

    def _walk(self):
        stack = list(reversed(self.root.children))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Source]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.SourceChosen(event.node.data, self))

    def on_tree_node_selected(self, event: Tree.NodeSelected[Source]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.SourceChosen(event.node.data, self, focus_list=True))
