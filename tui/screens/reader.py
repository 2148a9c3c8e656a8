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
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, get_current_worker

from store import views
from store.search import search
from store.storage.errors import LockBusyError, StoreError
from store.storage.files import without_waiting
from tui.marks import marks_of
from tui.messages import ALL, BookmarkToggled, FilterChanged, ReadToggled, Source
from tui.widgets.article_list import ArticleList
from tui.widgets.detail import DetailView
from tui.widgets.sources import SourceTree

if TYPE_CHECKING:
    from store.entities.companies import CompanyDirectory
    from store.model import ItemRecord
    from store.search import SearchResult
    from store.storage.index import ItemIndex
    from store.storage.store import Store
    from tui.app import NewsdeskApp

WIDE = 120  # at this width and above all three panes show
NARROW = 60  # below this, one pane at a time
DEBOUNCE_SECONDS = 0.1
PANES = ("sources", "articles", "detail")


def source_rows(store: Store, index: ItemIndex, source: Source) -> list[int] | None:
    """The index rows a source holds (None means every row)."""
    return views.source_rows(index, marks_of(store), source.kind, source.value)


def warm_search(index: ItemIndex, directory: CompanyDirectory) -> None:
    """Build the lazy caches the first query would otherwise pay for (title text, postings)."""
    search(index, directory, "warm")
    for name in ("rows_by_ticker", "rows_by_company", "rows_by_publisher", "rows_by_document"):
        getattr(index, name)
    index.row_of("")


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
    ]

    def __init__(self) -> None:
        super().__init__()
        self.source: Source = ALL
        self.result: SearchResult | None = None
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
        self.query_one(SourceTree).rebuild(store)
        self._warm_up(store.index, self.newsdesk.directory)

    @work(
        thread=True,
        exclusive=True,
        group="warm-up",
        exit_on_error=False,  # a failure is a notification (on_worker_state_changed)
        description="preparing search",
    )
    def _warm_up(self, index: ItemIndex, directory: CompanyDirectory, full: bool = False) -> None:
        with self._search_lock:
            warm_search(index, directory)
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
        """Run the filter on the UI thread (at start, so the first frame has rows)."""
        self.post_message(self._run_filter(*self._filter_args(keep_current)))

    def _run_filter(
        self, generation: int, index: ItemIndex, query: str, source: Source, keep_id: str | None
    ) -> FilterChanged:
        store = self.newsdesk.store
        base = source_rows(store, index, source)
        with self._search_lock:
            result = search(index, self.newsdesk.directory, query, rows=base)
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
        where = "" if event.source.kind == "all" else f" in {event.source.label}"
        if query:
            return f"No items match “{query}”{where}"
        return f"No items{where}"

    def _update_titles(self, total: int) -> None:
        pane = self.query_one("#articles-pane")
        # a publisher or document title is data: Content, never parsed as markup
        pane.border_title = Content(f"Articles · {self.source.label}")
        pane.border_subtitle = Content(f"{len(self.articles.rows):,} of {total:,}")
        status = self.query_one("#filter-status", Static)
        described = self.result.describe() if self.result is not None else ""
        status.update(Text(described, end=""), layout=False)  # one line high whatever it says
        status.display = bool(described)

    def action_focus_filter(self) -> None:
        if self.focused is self.filter_input:
            self.filter_input.insert_text_at_cursor("/")
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
        record = store.get(item_id)
        if record is None:
            self.notify("That item is no longer in the store.", severity="warning")
            return
        self.detail.show_item(record, self.query_one(SourceTree).documents)
        if not record.get("read"):  # shown first: a mark that cannot be saved is only a notice
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
            self._save_mark(item_id, "bookmark", None, failed="The bookmark was not saved")

    def action_toggle_read(self) -> None:
        item_id = self.current_item_id()
        if item_id is not None:
            on = item_id not in marks_of(self.newsdesk.store).read
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
        if self.source.kind in ("unread", "bookmarks"):
            self._apply_filter(keep_current=True)

    @reports_store_errors
    def store_changed(self) -> None:
        """The store changed on disk: rebuild sources and re-run the filter in place."""
        store = self.newsdesk.store
        self.query_one(SourceTree).rebuild(store)
        self._apply_filter(keep_current=True)
        self._warm_up(store.index, self.newsdesk.directory, full=True)
