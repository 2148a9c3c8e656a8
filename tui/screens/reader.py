"""The reader's main screen: sources, articles (with the filter) and the detail pane."""

from __future__ import annotations

import collections
import functools
import gc
import threading
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, ProgressBar, Static
from textual.worker import Worker, get_current_worker

from store import views
from store.intake.feedlist import FeedList, ItemLinks, attach_links
from store.query import evaluate
from store.search import search
from store.storage.errors import LockBusyError, StoreError
from store.storage.files import without_waiting
from tui.links import browser_reachable, open_in_browser
from tui.marks import marks_of
from tui.messages import (
    ALL,
    BookmarkToggled,
    DeskChanged,
    DeskCounted,
    FeedFetched,
    FeedsFetched,
    FilterChanged,
    LinkOpened,
    ReadToggled,
    Source,
    SourcesListed,
)
from tui.widgets.article_list import ArticleList
from tui.widgets.detail import DetailView
from tui.widgets.shortcuts import set_border_subtitle, textual_checked
from tui.widgets.sources import SourceTree

if TYPE_CHECKING:
    from store.entities.companies import Company, CompanyDirectory
    from store.intake.feedlist import Feed
    from store.model import ItemRecord
    from store.query import QueryResult
    from store.storage.desk import Desk
    from store.storage.index import ItemIndex
    from store.storage.store import Store
    from tui.app import NewsdeskApp

WIDE = 120  # at this width and above all three panes show
NARROW = 60  # below this, one pane at a time
DEBOUNCE_SECONDS = 0.1
PANES = ("sources", "articles", "detail")


UNDO_DEPTH = 50  # mark changes `u` can undo
ALERTS_SHOWN = 3  # new watched items named one by one; more are counted in one notification


def watched_companies(desk: Desk | None, directory: CompanyDirectory) -> list[Company]:
    """The watchlist's companies, in order (keys the directory no longer knows skipped)."""
    if desk is None:
        return []
    found = (directory.by_key(key) for key in desk.watchlist)
    return [company for company in found if company is not None]


def source_rows(
    store: Store,
    index: ItemIndex,
    source: Source,
    desk: Desk | None = None,
    directory: CompanyDirectory | None = None,
    feeds: tuple[str, ...] = (),
) -> list[int] | None:
    """The index rows a source holds (None means every row); a saved search's are what its
    query finds, the watchlist's the items about watched companies, the Feeds group's the
    items of the followed feeds (`feeds`: their source names)."""
    if source.kind == "saved":
        found = desk.saved_query(source.value) if desk is not None else None
        if found is None or directory is None or desk is None:
            return []
        return evaluate(found[1], index, directory, marks_of(store), desk.tags, desk.notes).rows
    watched = watched_companies(desk, directory) if directory is not None else []
    return views.source_rows(index, marks_of(store), source.kind, source.value, watched, feeds)


def warm_search(index: ItemIndex, directory: CompanyDirectory) -> None:
    """Build the lazy caches the first query would otherwise pay for (title text, postings)."""
    search(index, directory, "warm")
    for name in ("rows_by_ticker", "rows_by_company", "rows_by_publisher", "rows_by_document"):
        getattr(index, name)
    index.prepare_id_lookups()  # row_of's dictionary: built here, not by the 65th lookup


def settle_heap(full: bool) -> None:
    """Freeze what lives now (the index: hundreds of thousands of objects).

    Frozen objects are skipped by later collections, so a full collection no longer walks
    the whole index in the middle of a keystroke (70-80 ms at 100,000 items). At start only
    the young generations are collected first (under 1 ms; a full pass stalls the UI ~90 ms
    to free a few thousand start-up objects); after the store changed, everything is
    unfrozen and collected, so an old index that sits in a cycle cannot stay behind.
    """
    if full:
        gc.unfreeze()
        gc.collect()
    else:
        gc.collect(1)
    gc.freeze()


def reports_store_errors(method):
    """A store that cannot be read or written (corrupt, locked, read-only) is reported in a
    notification naming the file and what to do; the reader stays up."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except StoreError as exc:
            self.notify(str(exc), title="Store", severity="error", timeout=12, markup=False)
            return None

    return wrapper


class ReaderScreen(Screen):
    """Three panes over the store; keyboard first, mouse optional."""

    AUTO_FOCUS = "#articles"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "cycle_pane(1)", "Next pane", show=False, id="next_pane"),
        Binding("shift+tab", "cycle_pane(-1)", "Previous pane", show=False, id="previous_pane"),
        # priority: the focus moves before keys typed right after "/" are routed
        Binding("slash", "focus_filter", "Filter", id="filter", priority=True),
        # priority, for the same reason; on the list it falls through to the list's Open
        Binding("enter", "leave_filter", "Open", priority=True, id="leave_filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="clear_filter"),
        Binding("b", "toggle_bookmark", "Bookmark", id="bookmark"),
        Binding("m", "toggle_read", "Read", id="toggle_read"),
        Binding("n", "next_unread", "Next", id="next_unread"),
        Binding("c", "company", "Company", id="company"),
        Binding("w", "watch", "Watch", show=False, id="watch"),
        Binding("ctrl+s", "save_filter", "Save filter", show=False, id="save_filter"),
        Binding("t", "tag", "Tag", show=False, id="tag"),
        Binding("N", "note", "Note", show=False, id="note"),
        Binding("u", "undo", "Undo", show=False, id="undo"),
        Binding("e", "export", "Export", show=False, id="export"),
        Binding("r", "fetch_feeds", "Fetch", show=False, id="fetch_feeds"),
        Binding("o", "open_link", "Open link", show=False, id="open_link"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.source: Source = ALL
        self.result: QueryResult | None = None
        self.active_pane = "articles"
        self._generation = 0
        self._debounce: Timer | None = None
        # one search at a time: the first query waits for the warm-up's caches, not builds twins
        self._search_lock = threading.Lock()
        # marks waiting for the state file's lock (another process holds it), in order
        self._pending_marks: collections.deque[tuple[str, str, bool | None, str]] = (
            collections.deque()
        )
        self._marks_lock = threading.Lock()
        # desk writes (tags, notes, watchlist, saved searches, undo) one at a time, in order
        self._desk_lock = threading.Lock()
        self._undo: list[tuple[str, str, object]] = []  # (kind, item id, value before)
        self._seen_index: ItemIndex | None = None  # the index the last alerts compared with
        self.feed_list: list[Feed] = []  # the followed feeds, as feeds.json held them
        self._feed_documents: tuple[str, ...] = ()  # their source names ("feed:NAME")
        self.fetching = False  # `r` is running
        self._pane_titles = ("", "")  # the articles pane's title and subtitle as last set

    @property
    def newsdesk(self) -> NewsdeskApp:
        return self.app  # type: ignore[return-value]

    # --- composition ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        store = self.newsdesk.store
        with Horizontal(id="panes"):
            with Vertical(id="sources-pane", classes="pane"):
                yield SourceTree(id="sources")
            with Vertical(id="articles-pane", classes="pane"):
                yield Input(placeholder="Filter: company, ticker or words", id="filter")
                yield Static("", id="filter-status", markup=False)
                yield ArticleList(store, id="articles")
            with Vertical(id="detail-pane", classes="pane"):
                yield DetailView(id="detail")
        # the fetch bar (#fetch-bar: a label and a progress bar) is mounted by the first `r`
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#sources-pane").border_title = "Sources"
        self.query_one("#detail-pane").border_title = "Detail"
        self._apply_filter_now()
        self._apply_layout()
        self.call_after_refresh(self._after_first_frame)

    @reports_store_errors
    def _after_first_frame(self) -> None:
        """The list has painted: now the sources pane, then search's caches off the UI thread."""
        store = self.newsdesk.store
        self.list_sources(store.index)
        self.load_feeds()
        self._seen_index = store.index
        self.count_desk()
        self._warm_up(store.index)

    @work(
        thread=True,
        exclusive=True,
        group="warm-up",
        exit_on_error=False,  # a failure is a notification (on_worker_state_changed)
        description="preparing search",
    )
    def _warm_up(self, index: ItemIndex, full: bool = False) -> None:
        directory = self.newsdesk.directory  # built here at start, off the UI thread
        with self._search_lock:
            warm_search(index, directory)
        textual_checked()  # the version check's imports, before the first keystroke wants it
        if not get_current_worker().is_cancelled:
            settle_heap(full)

    def on_unmount(self) -> None:
        gc.unfreeze()  # what settle_heap froze becomes collectable again

    @property
    def articles(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @property
    def detail(self) -> DetailView:
        return self.query_one("#detail", DetailView)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#filter", Input)

    # --- layout -----------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._apply_layout()

    def _apply_layout(self) -> None:
        """Show all panes when wide; two (articles and the active side) when narrow; one below."""
        width = self.size.width
        shown = set(PANES)
        if width < NARROW:
            shown = {self.active_pane}
        elif width < WIDE:
            side = "detail" if self.active_pane == "detail" else "sources"
            if self.active_pane == "articles":
                side = getattr(self, "_narrow_side", "sources")
            self._narrow_side = side
            shown = {"articles", side}
        for pane in PANES:
            self.query_one(f"#{pane}-pane").display = pane in shown
        self.set_class(NARROW <= width < WIDE, "-narrow")
        self.set_class(width < NARROW, "-single")
        self.query_one(Footer).show_command_palette = width >= NARROW

    def _pane_of(self, widget: Widget | None) -> str | None:
        while widget is not None:
            if widget.id and widget.id.endswith("-pane") and widget.id[:-5] in PANES:
                return widget.id[:-5]
            widget = widget.parent  # type: ignore[assignment]
        return None

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        pane = self._pane_of(event.widget)
        if pane and pane != self.active_pane:
            self.active_pane = pane
            self._apply_layout()

    def _focus_pane(self, pane: str) -> None:
        self.active_pane = pane
        self._apply_layout()
        target = {"sources": "#sources", "articles": "#articles", "detail": "#detail"}[pane]
        self.set_focus(self.query_one(target))  # at once: keys already queued go there

    def focus_detail(self) -> None:
        self._focus_pane("detail")

    def action_cycle_pane(self, step: int) -> None:
        current = self.active_pane if self.active_pane in PANES else "articles"
        self._focus_pane(PANES[(PANES.index(current) + step) % len(PANES)])

    # --- filtering --------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def filter_typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self._debounced)

    def _debounced(self) -> None:
        self._debounce = None
        self._apply_filter()

    @on(SourceTree.SourceChosen, "#sources")
    def source_chosen(self, event: SourceTree.SourceChosen) -> None:
        event.stop()
        if event.source != self.source:
            self.source = event.source
            self._apply_filter(keep_current=False)
        if event.source.kind == "document":
            self._show_document(event.source.value)
        elif event.source.kind in ("feed", "feeds"):
            self._show_feed(event.source.value if event.source.kind == "feed" else "")
        if event.focus_list:
            self._focus_pane("articles")

    def _filter_args(self, keep_current: bool) -> tuple[int, ItemIndex, str, Source, str | None]:
        self._generation += 1
        keep_id = self.articles.current_id if keep_current else None
        return (
            self._generation,
            self.newsdesk.store.index,
            self.filter_input.value,
            self.source,
            keep_id,
        )

    def _apply_filter(self, keep_current: bool = True) -> None:
        """Re-run the filter off the UI thread; the newest run wins."""
        self._filter_worker(*self._filter_args(keep_current))

    def flush_filter(self) -> None:
        """Apply typing still waiting on the debounce timer, now (before Enter or `c`)."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
            try:
                done = self._run_filter(*self._filter_args(True))
            except Exception as exc:  # as a failed filter worker is: a notification, no crash
                self.newsdesk.report_failure("filtering the articles", exc)
                return
            self.on_filter_changed(done)

    def _apply_filter_now(self, keep_current: bool = True) -> None:
        """Run the filter on the UI thread and show its rows at once (at start: the rows are
        in the list before the first layout, so the first frame paints them; a message
        would arrive after that frame and cost a second layout and paint)."""
        self.on_filter_changed(self._run_filter(*self._filter_args(keep_current)))

    def _run_filter(
        self, generation: int, index: ItemIndex, query: str, source: Source, keep_id: str | None
    ) -> FilterChanged:
        if source == ALL and not query.strip():  # every row: nothing to evaluate (the start's
            # first frame, before the company directory is built)
            return FilterChanged(generation, index, list(range(len(index))), None, source,
                                 keep_id, len(index))  # fmt: skip
        store, desk, directory = self.newsdesk.store, self.newsdesk.desk, self.newsdesk.directory
        tags = desk.tags if desk is not None else {}
        notes = desk.notes if desk is not None else {}
        with self._search_lock:
            base = source_rows(store, index, source, desk, directory, self._feed_documents)
            result = evaluate(query, index, directory, marks_of(store), tags, notes, rows=base)
        total = len(index) if base is None else len(base)
        return FilterChanged(generation, index, result.rows, result, source, keep_id, total)

    @work(
        thread=True,
        exclusive=True,
        group="filter",
        exit_on_error=False,  # a failure is a notification; the list keeps its rows
        description="filtering the articles",
    )
    def _filter_worker(
        self, generation: int, index: ItemIndex, query: str, source: Source, keep_id: str | None
    ) -> None:
        self.post_message(self._run_filter(generation, index, query, source, keep_id))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.newsdesk.report_worker_error(event)

    def on_filter_changed(self, event: FilterChanged) -> None:
        if event.generation != self._generation:
            return  # a newer run is on its way
        self.result = event.result
        articles = self.articles
        articles.empty_message = self._empty_message(event)
        matched = event.result.companies if event.result is not None else ()
        articles.preferred_tickers = frozenset(t for c in matched for t in c.listings)
        articles.set_rows(event.index, event.rows, keep_id=event.keep_id)
        self._update_titles(event.total)

    def _empty_message(self, event: FilterChanged) -> str:
        if len(event.index) == 0:
            return "No items yet: run `newsdesk ingest PATH` to add documents"
        query = " ".join(event.result.query.split()) if event.result else ""
        feed = self.query_one(SourceTree).feed(event.source.value)
        if event.source.kind == "feed" and feed is not None and not query:
            if feed.failing:  # said here too: below 120 columns the detail pane is hidden
                return f"No items · last fetch failed: {feed.last_error}"
            if not feed.last_fetch:
                return "No items yet: r fetches the feeds"
        where = "" if event.source.kind == "all" else f" in {event.source.label}"
        if query:
            return f"No items match “{query}”{where}"
        return f"No items{where}"

    def _update_titles(self, total: int) -> None:
        pane = self.query_one("#articles-pane")
        # a publisher or document title is data: Content, never parsed as markup. Each is
        # set only when it changes, and the count repaints only its line: setting either
        # repaints every line of the pane (tui/widgets/shortcuts.py)
        title = f"Articles · {self.source.label}"
        if title != self._pane_titles[0]:
            pane.border_title = Content(title)
        subtitle = f"{len(self.articles.rows):,} of {total:,}"
        if subtitle != self._pane_titles[1]:
            set_border_subtitle(pane, subtitle)
        self._pane_titles = (title, subtitle)
        status = self.query_one("#filter-status", Static)
        described = self.result.describe() if self.result is not None else ""
        status.update(Text(described, end=""), layout=False)  # one line high whatever it says
        status.display = bool(described)

    def action_focus_filter(self) -> None:
        if self.focused is self.filter_input:
            # A priority binding runs as the key arrives, before the keys typed just ahead
            # of it reach the input: queue the slash behind them.
            self.filter_input.call_later(self.filter_input.insert_text_at_cursor, "/")
            return
        self.active_pane = "articles"
        self._apply_layout()
        self.set_focus(self.filter_input)

    def action_leave_filter(self) -> None:
        """Enter in the filter: to the list at once (keys typed next go to the list)."""
        if self.focused is not self.filter_input:
            raise SkipAction()
        self.flush_filter()
        self._focus_pane("articles")

    def action_clear_filter(self) -> None:
        if self.size.width < NARROW and self.active_pane != "articles":
            self._focus_pane("articles")  # one pane at a time: Esc goes back to the list
            return
        if self.filter_input.value:
            self.filter_input.value = ""  # Input.Changed re-runs the filter
        if self.focused is self.filter_input:
            self._focus_pane("articles")

    # --- items ------------------------------------------------------------------------

    def current_item_id(self) -> str | None:
        """The item the keys act on: the open one in the detail pane, else the cursor's."""
        if self.active_pane == "detail" and self.detail.item_id:
            return self.detail.item_id
        return self.articles.current_id

    @on(ArticleList.ItemOpened, "#articles")
    def item_opened(self, event: ArticleList.ItemOpened) -> None:
        event.stop()
        self.open_item(event.item_id)

    @reports_store_errors
    def open_item(self, item_id: str) -> None:
        """Load one record (body included) into the detail pane and mark it read."""
        store = self.newsdesk.store
        marks_read = True
        try:
            record = store.get(item_id)
        except StoreError as exc:
            record = store.get(item_id, marks=False)  # the item is readable, the marks not
            marks_read = False
            self.notify(f"The read mark was not saved: {exc}", title="Store", severity="error",
                        timeout=12, markup=False)  # fmt: skip
        if record is None:
            self.notify("That item is no longer in the store.", severity="warning")
            return
        attach_links(store.root, [record])
        self.detail.show_item(record, self.query_one(SourceTree).documents)
        self._show_desk(item_id)
        if marks_read and not record.get("read"):  # shown first: a mark not saved is a notice
            self._save_mark(item_id, "read", True, failed="The read mark was not saved")
        if self.size.width < NARROW:
            self._focus_pane("detail")
        elif self.size.width < WIDE:
            self._narrow_side = "detail"
            self._apply_layout()

    def _show_document(self, name: str) -> None:
        doc = self.query_one(SourceTree).documents.get(name)
        if doc is not None:
            count = len(self.newsdesk.store.index.rows_by_document.get(name, ()))
            self.detail.show_document(doc, count)

    def action_toggle_bookmark(self) -> None:
        item_id = self.current_item_id()
        if item_id is not None:
            before = item_id in marks_of(self.newsdesk.store).bookmarks
            self._remember("bookmark", item_id, before)
            self._save_mark(item_id, "bookmark", None, failed="The bookmark was not saved")

    def action_toggle_read(self) -> None:
        item_id = self.current_item_id()
        if item_id is not None:
            on = item_id not in marks_of(self.newsdesk.store).read
            self._remember("read", item_id, not on)
            self._save_mark(item_id, "read", on, failed="The read mark was not saved")

    def _write_mark(self, item_id: str, kind: str, on: bool | None) -> None:
        """One mark written to the state file; posts what changed (thread-safe)."""
        state = self.newsdesk.store.state
        if kind == "bookmark":
            self.post_message(BookmarkToggled(item_id, state.toggle_bookmark(item_id)))
        else:
            self.post_message(ReadToggled(item_id, state.set_read(item_id, bool(on))))

    def _save_mark(self, item_id: str, kind: str, on: bool | None, *, failed: str) -> None:
        """Save a mark without ever blocking the UI: at once when the state file's lock is
        free, else (another process holds it) in a thread that waits for it. A mark that
        cannot be saved (read-only or full disk, busy lock, damaged file) is a notification."""
        op = (item_id, kind, on, failed)
        if not self._pending_marks:
            try:
                with without_waiting():
                    self._write_mark(item_id, kind, on)
                return
            except LockBusyError as exc:
                self.notify(f"{exc}; saving when it is free", title="Store", timeout=4)
            except StoreError as exc:
                self.notify(f"{failed}: {exc}", title="Store", severity="error", timeout=12,
                            markup=False)  # fmt: skip
                return
        self._pending_marks.append(op)
        self._drain_marks()

    @work(thread=True, group="marks")
    def _drain_marks(self) -> None:
        with self._marks_lock:  # one writer thread at a time, marks saved in the order given
            while self._pending_marks:
                item_id, kind, on, failed = self._pending_marks[0]
                try:
                    self._write_mark(item_id, kind, on)
                except StoreError as exc:
                    self.app.call_from_thread(
                        self.notify, f"{failed}: {exc}", title="Store", severity="error",
                        timeout=12, markup=False,
                    )  # fmt: skip
                finally:
                    self._pending_marks.popleft()

    def on_bookmark_toggled(self, event: BookmarkToggled) -> None:
        self._mark_changed(event.item_id)
        self.notify("Bookmarked" if event.bookmarked else "Bookmark removed", timeout=1.5)

    def on_read_toggled(self, event: ReadToggled) -> None:
        self._mark_changed(event.item_id)

    @reports_store_errors
    def _mark_changed(self, item_id: str) -> None:
        store = self.newsdesk.store
        self.articles.refresh_item(item_id)
        self.query_one(SourceTree).update_counts(store)
        self.count_desk()
        shown = self.detail.record
        if self.detail.item_id == item_id and shown is not None:
            # The record is on screen already: only its marks changed, no need to read it again.
            state = marks_of(store)
            record: ItemRecord = {
                **shown,
                "bookmarked": item_id in state.bookmarks,
                "read": item_id in state.read,
            }
            self.detail.show_item(record, self.query_one(SourceTree).documents)
            self._show_desk(item_id)

    def action_next_unread(self) -> None:
        """Open the next unread item: the cursor's own if it is unread and not open yet,
        else the first unread below it, wrapping to the top."""
        articles = self.articles
        read = marks_of(self.newsdesk.store).read
        ids, rows, cursor = articles.index.ids, articles.rows, articles.cursor
        if not rows:
            return
        here = ids[rows[cursor]]
        start = cursor if here not in read and self.detail.item_id != here else cursor + 1
        order = [*range(start, len(rows)), *range(0, min(start, len(rows)))]
        for position in order:
            if ids[rows[position]] not in read:
                articles.move_cursor(position)
                self.open_item(ids[rows[position]])
                return
        self.notify("No unread items here.", timeout=2)

    def action_company(self) -> None:
        self.flush_filter()
        key = self.company_key()
        if key is None:
            self.notify("No company for this item or filter.", severity="warning", timeout=2)
            return
        self.newsdesk.show_company(key)

    def company_key(self) -> str | None:
        """The filter's matched company, else the current item's first company."""
        if self.result is not None and self.result.companies:
            return self.result.companies[0].key
        item_id = self.current_item_id()
        if item_id is None:
            return None
        index = self.newsdesk.store.index
        row = index.row_of(item_id)
        if row is None or not index.companies[row]:
            return None
        return index.companies[row][0]

    # --- other processes --------------------------------------------------------------

    def marks_changed(self) -> None:
        """Another process changed bookmarks or read marks: redraw, re-run mark-based sources."""
        self.articles.refresh()
        self.query_one(SourceTree).update_counts(self.newsdesk.store)
        self.count_desk()
        if self.detail.item_id is not None:
            self._show_desk(self.detail.item_id)
        if self.source.kind in ("unread", "bookmarks", "saved", "watchlist", "watch") or (
            self.filter_input.value.strip()
        ):
            self._apply_filter(keep_current=True)

    @reports_store_errors
    def store_changed(self) -> None:
        """The store changed on disk: rebuild sources and re-run the filter in place."""
        store = self.newsdesk.store
        self.list_sources(store.index)
        self.load_feeds()
        self._alert_watched(self._seen_index, store.index)
        self._seen_index = store.index
        self.count_desk()
        self._apply_filter(keep_current=True)
        self._warm_up(store.index, full=True)

    # --- the analyst's desk: watchlist, saved searches, tags, notes, undo, export -----

    def _desk(self) -> Desk | None:
        """The user's desk, or None after saying why it cannot be used."""
        desk = self.newsdesk.desk
        if desk is None:
            problem = self.newsdesk.desk_problem or "the desk file cannot be read"
            self.notify(problem, title="Desk", severity="error", timeout=12, markup=False)
        return desk

    def _show_desk(self, item_id: str) -> None:
        desk = self.newsdesk.desk
        if desk is not None and self.detail.item_id == item_id:
            self.detail.show_desk(desk.tags_of(item_id), desk.note_of(item_id))

    def _item_title(self, item_id: str) -> str:
        index = self.newsdesk.store.index
        row = index.row_of(item_id)
        return index.title[row] if row is not None else item_id

    def count_desk(self) -> None:
        """Recount the Watchlist and saved-search sources (off the UI thread)."""
        if self.newsdesk.desk is not None:
            self._count_desk_worker(self.newsdesk.store.index)

    @work(
        thread=True,
        exclusive=True,
        group="desk-counts",
        exit_on_error=False,
        description="counting the watchlist and saved searches",
    )
    def _count_desk_worker(self, index: ItemIndex) -> None:
        store, desk, directory = self.newsdesk.store, self.newsdesk.desk, self.newsdesk.directory
        if desk is None:
            return
        state = marks_of(store)
        companies = watched_companies(desk, directory)
        with self._search_lock:
            each = views.watched_companies(index, state, companies)
            total = views.unread_count(index, state, views.watchlist_rows(index, companies))
            saved = []
            for name, query in desk.saved.items():
                found = evaluate(query, index, directory, state, desk.tags, desk.notes)
                saved.append((name, len(found.rows)))
        watched = [(w.company.key, w.company.display_name, w.unread) for w in each]
        if not get_current_worker().is_cancelled:
            self.post_message(DeskCounted(total, watched, saved))

    @work(
        thread=True,
        exclusive=True,
        group="sources",
        exit_on_error=False,
        description="listing the sources",
    )
    def list_sources(self, index: ItemIndex) -> None:
        """Gather the sources pane's publishers and documents (reading every document
        record: ~0.1 s at 100k items) off the UI thread."""
        listing = views.source_listing(index, self.newsdesk.store.documents())
        if not get_current_worker().is_cancelled:
            self.post_message(SourcesListed(index, listing))

    def on_sources_listed(self, event: SourcesListed) -> None:
        store = self.newsdesk.store
        if event.index is not store.index:  # stale: list the index shown now instead
            self.list_sources(store.index)
            return
        tree = self.query_one(SourceTree)
        tree.rebuild(store, event.listing, keep=self.source)  # not reset by a late listing
        self.detail.show_documents(tree.documents)  # an item opened first: now with titles

    def on_desk_counted(self, event: DeskCounted) -> None:
        self.query_one(SourceTree).set_desk(event.watch_total, event.watched, event.saved)

    @work(thread=True, group="desk-write", exit_on_error=False, description="saving to the desk")
    def _desk_write(self, what: str, item_id: str | None, change, message: str = "") -> None:
        """Run `change()` (a desk or state write) in a thread, one at a time; a failure is a
        notification naming it (the app's worker report)."""
        with self._desk_lock:
            result = change()
        self.post_message(
            DeskChanged(what, item_id, message(result) if callable(message) else message)
        )

    def on_desk_changed(self, event: DeskChanged) -> None:
        if event.message:
            self.notify(event.message, timeout=2.5, markup=False)
        if event.item_id is not None:
            self.articles.refresh_item(event.item_id)
            self.query_one(SourceTree).update_counts(self.newsdesk.store)
            if self.detail.item_id == event.item_id:
                self._mark_changed(event.item_id)
        self.count_desk()
        uses_desk = self.source.kind in ("saved", "watchlist", "watch", "unread", "bookmarks")
        if uses_desk or self.filter_input.value.strip():
            self._apply_filter(keep_current=True)

    def _remember(self, kind: str, item_id: str, before: object) -> None:
        """Keep what a mark was before a change, for `u`."""
        self._undo.append((kind, item_id, before))
        del self._undo[:-UNDO_DEPTH]

    # w: watch or stop watching the item's company

    def item_companies(self, item_id: str) -> list[Company]:
        """The companies an item is about: linked by name, then by its tickers."""
        index, directory = self.newsdesk.store.index, self.newsdesk.directory
        row = index.row_of(item_id)
        if row is None:
            return []
        found: list[Company] = []
        for company in (
            *(directory.by_key(key) for key in index.companies[row]),
            *(directory.by_ticker(ticker) for ticker in index.tickers[row]),
        ):
            if company is not None and company not in found:
                found.append(company)
        return found

    def action_watch(self) -> None:
        from tui.screens.desk import ChoiceDialog  # (TextArea: not before the first frame)

        item_id = self.current_item_id()
        desk = self._desk()
        if item_id is None or desk is None:
            return
        companies = self.item_companies(item_id)
        if not companies:
            self.notify("No company for this item.", severity="warning", timeout=2)
            return
        if len(companies) == 1:
            self._toggle_watch(companies[0])
            return
        by_key = {c.key: c for c in companies}
        choices = [
            (c.key, ("✓ " if c.key in desk.watchlist else "  ") + _company_line(c))
            for c in companies
        ]

        def chosen(key: object) -> None:
            if isinstance(key, str) and key in by_key:
                self._toggle_watch(by_key[key])

        self.app.push_screen(
            ChoiceDialog("Watch which company?", choices, "✓ watched · Enter switches it"),
            chosen,
        )

    def _toggle_watch(self, company: Company) -> None:
        desk = self._desk()
        if desk is None:
            return
        watching = company.key in desk.watchlist

        def change() -> bool:
            if watching:
                return desk.unwatch(company.key)
            return desk.watch(company.key, company.name)

        verb = "Stopped watching" if watching else "Watching"
        self._desk_write("watchlist", None, change, f"{verb} {_company_line(company)}")

    # Ctrl+S: save the filter under a name

    def action_save_filter(self) -> None:
        from tui.screens.desk import NameDialog  # (TextArea: not before the first frame)

        query = " ".join(self.filter_input.value.split())
        desk = self._desk()
        if desk is None:
            return
        if not query:
            self.notify("Type a filter first, then Ctrl+S saves it.", severity="warning")
            return
        from store.query import parse

        errors = parse(query).errors
        if errors:
            self.notify("; ".join(errors), title="Filter", severity="warning", markup=False)
            return

        def named(name: object) -> None:
            if isinstance(name, str):
                self._desk_write(
                    "saved", None, lambda: desk.save_search(name, query),
                    lambda stored: f"Saved “{stored}”: {query}",
                )  # fmt: skip

        self.app.push_screen(
            NameDialog("Save filter as…", f"Filter: {query}", self._suggest_name(query)), named
        )

    def _suggest_name(self, query: str) -> str:
        if self.result is not None and self.result.companies:
            return self.result.companies[0].display_name
        return query[:40]

    # t: tags, N: note

    def action_tag(self) -> None:
        from tui.screens.desk import TagDialog  # (TextArea: not before the first frame)

        item_id = self.current_item_id()
        desk = self._desk()
        if item_id is None or desk is None:
            return
        before = desk.tags_of(item_id)
        known = [tag for tag, _ in desk.tag_counts()]

        def tagged(tags: object) -> None:
            if not isinstance(tags, list) or tags == before:
                return
            self._remember("tags", item_id, before)
            shown = " ".join("#" + t for t in tags) or "no tags"
            self._desk_write(
                "tags", item_id, lambda: desk.set_tags(item_id, tags), f"Tags: {shown}"
            )

        title = f"Tags · {self._item_title(item_id)}"
        self.app.push_screen(TagDialog(title[:60], before, known), tagged)

    def action_note(self) -> None:
        from tui.screens.desk import NoteDialog  # (TextArea: not before the first frame)

        item_id = self.current_item_id()
        desk = self._desk()
        if item_id is None or desk is None:
            return
        before = desk.note_of(item_id)

        def written(text: object) -> None:
            if not isinstance(text, str) or text.strip() == before:
                return
            self._remember("note", item_id, before)
            self._desk_write(
                "note", item_id, lambda: desk.set_note(item_id, text),
                lambda note: "Note saved" if note else "Note removed",
            )  # fmt: skip

        title = f"Note · {self._item_title(item_id)}"
        self.app.push_screen(NoteDialog(title[:60], before), written)

    # u: undo the last mark change

    def action_undo(self) -> None:
        if not self._undo:
            self.notify("Nothing to undo.", timeout=2)
            return
        kind, item_id, before = self._undo.pop()
        store, desk = self.newsdesk.store, self.newsdesk.desk
        title = self._item_title(item_id)

        def change() -> None:
            if kind in ("bookmark", "read"):
                with self._marks_lock:  # after any mark still waiting for the state file
                    if kind == "bookmark":
                        store.state.set_bookmarked(item_id, bool(before))
                    else:
                        store.state.set_read(item_id, bool(before))
            elif kind == "tags" and desk is not None:
                desk.set_tags(item_id, before if isinstance(before, list) else [])
            elif kind == "note" and desk is not None:
                desk.set_note(item_id, str(before))

        what = {"bookmark": "bookmark", "read": "read mark", "tags": "tags", "note": "note"}[kind]
        self._desk_write(kind, item_id, change, f"Undone: the {what} of “{title[:50]}”")

    # e: export the current view

    def action_export(self) -> None:
        from tui.screens.desk import ExportDialog  # (TextArea: not before the first frame)

        rows = list(self.articles.rows)
        if not rows:
            self.notify("Nothing to export in this view.", severity="warning", timeout=2)
            return
        index = self.articles.index
        ids = [index.ids[row] for row in rows]
        view = self.source.label + (
            f" · {self.filter_input.value.strip()}" if self.filter_input.value.strip() else ""
        )

        def chosen(answer: object) -> None:
            if isinstance(answer, tuple):
                fmt, path = answer
                self._export_worker(ids, fmt, path, view)

        self.app.push_screen(ExportDialog(f"Export {len(ids):,} items · {view}"[:60]), chosen)

    @work(thread=True, group="export", exit_on_error=False, description="exporting")
    def _export_worker(self, ids: list[str], fmt: str, path: str, view: str) -> None:
        from pathlib import Path

        from store import export

        store, desk = self.newsdesk.store, self.newsdesk.desk
        tags = desk.tags if desk is not None else {}
        notes = desk.notes if desk is not None else {}
        records = attach_links(store.root, store.get_many(ids))
        target = Path(path)
        if fmt == "obsidian":
            done = export.to_obsidian(records, tags, notes, target)
            message = (
                f"Exported {len(records)} items to {target}: {len(done.written)} new, "
                f"{len(done.updated)} updated"
            )
        else:
            options = {"title": f"newsdesk: {view}"} if fmt == "md" else {}
            export.write_export(target, export.export_text(fmt, records, tags, notes, **options))
            message = f"Exported {len(records)} items to {target}"
        self.post_message(DeskChanged("export", None, message))

    # new items about watched companies, while the reader runs

    def _alert_watched(self, before: ItemIndex | None, after: ItemIndex) -> None:
        """Name the company and headline of each new item about a watched company."""
        desk = self.newsdesk.desk
        if before is None or desk is None or not desk.watchlist:
            return
        watched = watched_companies(desk, self.newsdesk.directory)
        keys = {c.key: c for c in watched}
        tickers = {t: c for c in watched for t in c.listings}
        alerts: list[tuple[Company, str]] = []
        for row, item_id in enumerate(after.ids):
            if before.row_of(item_id) is not None:
                continue
            company = next((keys[k] for k in after.companies[row] if k in keys), None)
            if company is None:
                company = next((tickers[t] for t in after.tickers[row] if t in tickers), None)
            if company is not None:
                alerts.append((company, after.title[row]))
        if not alerts:
            return
        for company, title in alerts[:ALERTS_SHOWN]:
            self.notify(title, title=f"Watchlist · {company.display_name}", timeout=8, markup=False)
        if len(alerts) > ALERTS_SHOWN:
            more = len(alerts) - ALERTS_SHOWN
            self.notify(f"and {more} more about watched companies", title="Watchlist", timeout=8)
        if self.newsdesk.config.bell:
            self.app.bell()

    # --- feeds: the Feeds group, r (fetch every feed), o (open the item's link) ---------

    def load_feeds(self) -> None:
        """Read the feed list (feeds.json) and show it with this index's counts. Nothing is
        fetched: the reader opens on what the store holds (r fetches)."""
        store = self.newsdesk.store
        try:
            feeds = FeedList(store.root).load()
        except StoreError as exc:
            feeds = []
            self.notify(str(exc), title="Feeds", severity="error", timeout=12, markup=False)
        self.feed_list = feeds
        self._feed_documents = tuple(f.document for f in feeds)
        self.show_feeds()

    def show_feeds(self) -> None:
        """The Feeds group's counts from the current index and marks; the detail pane again
        if it shows a feed."""
        store = self.newsdesk.store
        tree = self.query_one(SourceTree)
        tree.set_feeds(views.feed_sources(store.index, marks_of(store), self.feed_list))
        if self.detail.feed is not None:
            self._show_feed(self.detail.feed)

    def _show_feed(self, name: str) -> None:
        tree = self.query_one(SourceTree)
        if not name:
            self.detail.show_feeds(tree.feeds)
            return
        feed = tree.feed(name)
        if feed is not None:
            self.detail.show_feed(feed)

    async def action_fetch_feeds(self) -> None:
        if self.fetching:
            self.notify("Already fetching the feeds.", timeout=2)
            return
        self.load_feeds()
        if not self.feed_list:
            self.notify(
                "No feeds yet: add one with `newsdesk feeds add URL`, then press r.",
                title="Feeds", severity="warning", timeout=6, markup=False,
            )  # fmt: skip
            return
        self.fetching = True
        total = len(self.feed_list)
        if not self.query("#fetch-bar"):  # six widgets the start does not compose
            bar = Horizontal(
                Label("Fetching feeds", id="fetch-label", markup=False),
                ProgressBar(id="fetch-progress", show_eta=False),
                id="fetch-bar",
            )
            await self.mount(bar, before=self.query_one(Footer))
        self.query_one("#fetch-label", Label).update(f"Fetching {plural_feeds(total)}")
        self.query_one("#fetch-progress", ProgressBar).update(total=total, progress=0)
        self.query_one("#fetch-bar").display = True
        store = self.newsdesk.store
        self._fetch_worker(store.root, store.user)

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False,
          description="fetching the feeds")  # fmt: skip
    def _fetch_worker(self, root, user: str) -> None:
        """Every feed, fetched and stored by its own Store (as `newsdesk fetch` in another
        process would): the reader's store sees each batch on its next poll, asked for as
        each feed arrives. Posts one FeedFetched per feed and FeedsFetched at the end."""
        from store.intake.fetch import fetch_feeds
        from store.storage.store import Store

        total = len(self.feed_list)
        finished = 0

        def on_result(result) -> None:
            nonlocal finished
            finished += 1
            self.post_message(FeedFetched(result, finished, max(total, finished)))

        results: list = []
        error = ""
        try:
            results = fetch_feeds(Store(root, user=user), on_result=on_result)
        except Exception as exc:  # e.g. the store is damaged or locked: said, not raised
            error = str(exc) or type(exc).__name__
        self.post_message(FeedsFetched(results, error))

    def on_feed_fetched(self, event: FeedFetched) -> None:
        result = event.result
        bar = self.query_one("#fetch-progress", ProgressBar)
        bar.update(total=max(event.total, 1), progress=event.done)
        # the feed's name is the user's, its error the server's words: plain text
        self.query_one("#fetch-label", Label).update(f"{result.name}: {result.status}"[:40])
        if not result.ok:
            self.notify(result.line(), title="Feed failed", severity="error", timeout=8,
                        markup=False)  # fmt: skip
        if result.new:
            self.newsdesk.poll_store()  # its items into the list now, not at the next tick

    def on_feeds_fetched(self, event: FeedsFetched) -> None:
        self.fetching = False
        self.query_one("#fetch-bar").display = False
        if event.error:
            self.notify(f"Fetching the feeds failed: {event.error}", title="Feeds",
                        severity="error", timeout=12, markup=False)  # fmt: skip
        elif event.results:
            new = sum(r.new for r in event.results)
            failed = sum(1 for r in event.results if not r.ok)
            same = sum(1 for r in event.results if r.not_modified)
            parts = [f"{new:,} new item{'' if new == 1 else 's'}"]
            if same:
                parts.append(f"{same} not modified")
            if failed:
                parts.append(f"{failed} failed")
            self.notify(", ".join(parts), title=f"Fetched {plural_feeds(len(event.results))}",
                        severity="warning" if failed else "information", timeout=5,
                        markup=False)  # fmt: skip
        self.newsdesk.poll_store()
        self.load_feeds()  # each feed's last status and error, as the fetch recorded them

    def action_open_link(self) -> None:
        item_id = self.current_item_id()
        if item_id is None:
            self.notify("No item here.", severity="warning", timeout=2)
            return
        try:
            link = ItemLinks.current(self.newsdesk.store.root).link_of(item_id)
        except StoreError as exc:
            self.notify(str(exc), title="Links", severity="error", timeout=12, markup=False)
            return
        if not link:
            self.notify("This item has no link: it came from a document, not a web page.",
                        timeout=4)  # fmt: skip
            return
        if not browser_reachable():
            self._show_link(link, "No browser on this display")
            return
        self._browser_worker(link)

    @work(thread=True, group="browser", exit_on_error=False, description="opening the link")
    def _browser_worker(self, link: str) -> None:
        self.post_message(LinkOpened(link, open_in_browser(link)))

    def on_link_opened(self, event: LinkOpened) -> None:
        if event.opened:
            self.notify(event.link, title="Opened in the browser", timeout=4, markup=False)
        else:
            self._show_link(event.link, "No browser opened it")

    def _show_link(self, link: str, why: str) -> None:
        """The link to copy: in a notification (plain text) and, where the terminal allows
        it (OSC 52), on the clipboard."""
        self.app.copy_to_clipboard(link)
        self.notify(link, title=f"{why}: copy the link", timeout=30, markup=False)


def _company_line(company: Company) -> str:
    listings = " ".join(company.listings)
    return f"{company.name} ({listings})" if listings else company.name


def plural_feeds(n: int) -> str:
    return f"{n} feed{'' if n == 1 else 's'}"
