"""The article list: a line-API virtual list over index rows, O(visible rows) per frame."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, NamedTuple, Protocol

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.format import date_of, fit_cells, short_publisher
from tui.marks import marks_of
from tui.widgets.shortcuts import scroll_update

if TYPE_CHECKING:
    from store.storage.index import ItemIndex
    from store.views import Marks

UNREAD_MARK = "●"
BOOKMARK_MARK = "★"
TICKER_COLUMN = 17  # two tickers of 8 cells ("0700.HK 9988.HK")
NARROW_TICKER_COLUMN = 9  # one ticker ("688981.SH")
NARROW_TICKER_WIDTH = 46  # below this the list shows month-day and title only
PARTS = ("unread", "bookmark", "meta", "empty")  # component styles: article-list--{part}


class MarkedIndex(Protocol):
    """What the list reads: the item index and the user's marks (a Store has both)."""

    @property
    def index(self) -> ItemIndex: ...

    @property
    def state(self) -> Marks: ...


class ArticleList(ScrollView, can_focus=True):
    """One line per index row: marks, date, publisher, title, tickers; newest first.

    The list holds only an array of row numbers; each frame renders the visible lines
    from the index's columns, so 100,000 rows cost no more than 20.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="cursor_down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="cursor_up"),
        Binding("home,g", "cursor_top", "Top", show=False, id="cursor_top"),
        Binding("end,G", "cursor_bottom", "Bottom", show=False, id="cursor_bottom"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("enter", "open", "Open", id="open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--bookmark",
        "article-list--meta",
        "article-list--empty",
    }

    @dataclass
    class ItemOpened(Message):
        """The user opened an item (Enter or a click on its line)."""

        item_id: str
        article_list: ArticleList

        @property
        def control(self) -> ArticleList:
            return self.article_list

    # The list's own look (toolong's way): the widget stands alone; app.tcss may override.
    # Focus shows by text style too (reverse, not only colour): NO_COLOR and 16 colours work.
    DEFAULT_CSS = """
    ArticleList {
        height: 1fr;
        overflow-x: hidden;
        background: transparent;
        scrollbar-size-vertical: 1;

        & > .article-list--cursor {
            text-style: bold underline;
        }
        &:focus > .article-list--cursor {
            text-style: bold reverse;
        }
        & > .article-list--unread {
            color: $accent;
            text-style: bold;
        }
        & > .article-list--bookmark {
            color: $warning;
            text-style: bold;
        }
        & > .article-list--meta {
            color: $text-muted;
        }
        & > .article-list--empty {
            color: $text-warning;
            text-style: italic;
        }
    }
    """

    def __init__(
        self,
        store: MarkedIndex,
        *,
        empty_message: str = "No items match",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.store = store
        self.index = store.index
        self.rows: list[int] = []
        self.cursor = 0
        self.empty_message = empty_message
        self.preferred_tickers: frozenset[str] = frozenset()  # shown first in the ticker column
        self._styles: _RowStyles | None = None
        self._frame: tuple[int, Marks] | None = None  # width and marks of the frame drawn

    # --- data -------------------------------------------------------------------------

    def set_rows(self, index: ItemIndex, rows: list[int], keep_id: str | None = None) -> None:
        """Show `rows` (ascending) of `index`; keep the cursor on `keep_id` if still listed."""
        self.index = index
        self.rows = rows
        cursor = 0
        if keep_id is not None:
            row = index.row_of(keep_id)
            if row is not None:
                position = _position_of(rows, row)
                if position is not None:
                    cursor = position
        self.cursor = min(cursor, max(0, len(rows) - 1))
        self._set_line_count(max(1, len(rows)))
        self._scroll_cursor_into_view(center=True)
        self.refresh()

    def _set_line_count(self, count: int) -> None:
        """Set the scroll range without a layout of the whole screen (the list keeps its size).

        Assigning `virtual_size` asks for a layout of the screen, a few ms per keystroke at
        any N; only a scrollbar appearing or going needs one, and its own reactive asks.
        """
        size = Size(0, count)
        if size == self.virtual_size:
            return
        if not self.container_size:  # not laid out yet: the first layout sets the rest
            self.virtual_size = size
            return
        scroll_update(self, size)  # private Textual API where checked (tui/widgets/shortcuts.py)

    @property
    def current_row(self) -> int | None:
        """The index row under the cursor, or None when the list is empty."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    @property
    def current_id(self) -> str | None:
        row = self.current_row
        return None if row is None else self.index.ids[row]

    def refresh_item(self, item_id: str) -> None:
        """Redraw the line of `item_id` if it is on screen (after a mark changed)."""
        row = self.index.row_of(item_id)
        if row is None:
            return
        top = int(self.scroll_offset.y)
        for y in range(top, min(len(self.rows), top + self.size.height)):
            if self.rows[y] == row:
                self.refresh_line(y)

    # --- cursor -----------------------------------------------------------------------

    def move_cursor(self, position: int) -> None:
        if not self.rows:
            return
        position = max(0, min(position, len(self.rows) - 1))
        if position == self.cursor:
            return
        old, self.cursor = self.cursor, position
        self.refresh_line(old)
        self.refresh_line(position)
        self._scroll_cursor_into_view()

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        if center and not top <= self.cursor < top + height:
            self.scroll_to(y=max(0, self.cursor - height // 2), animate=False, force=True)
        elif self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, force=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, force=True)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_cursor_top(self) -> None:
        self.move_cursor(0)

    def action_cursor_bottom(self) -> None:
        self.move_cursor(len(self.rows) - 1)

    def action_page_down(self) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_offset.y + page, animate=False, force=True)
        self.move_cursor(self.cursor + page)

    def action_page_up(self) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=max(0, self.scroll_offset.y - page), animate=False, force=True)
        self.move_cursor(self.cursor - page)

    def action_open(self) -> None:
        item_id = self.current_id
        if item_id is not None:
            self.post_message(self.ItemOpened(item_id, self))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        position = int(self.scroll_offset.y) + offset.y
        if 0 <= position < len(self.rows):
            self.move_cursor(position)
            self.action_open()

    def on_focus(self) -> None:
        self.refresh_line(self.cursor)

    def on_blur(self) -> None:
        self.refresh_line(self.cursor)

    def on_resize(self) -> None:
        self._scroll_cursor_into_view()

    # --- rendering --------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._styles = None  # focus, hover or theme may have changed them: once per frame
        self._frame = (self.scrollable_content_region.width, marks_of(self.store))
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None  # a line drawn alone (render_line) reads them afresh

    def _frame_state(self) -> tuple[int, Marks]:
        """The content width and the user's marks: once per frame, not once a line."""
        if self._frame is not None:
            return self._frame
        return self.scrollable_content_region.width, marks_of(self.store)

    def _row_styles(self) -> _RowStyles:
        """The list's styles with the widget's base style applied, for plain and cursor rows."""
        styles = self._styles
        if styles is None:
            base = self.rich_style
            cursor = self.get_component_rich_style("article-list--cursor")
            parts = {name: self.get_component_rich_style(f"article-list--{name}") for name in PARTS}
            styles = self._styles = _RowStyles(
                base,
                {"": base, **{name: base + style for name, style in parts.items()}},
                {"": base + cursor, **{n: base + (s + cursor) for n, s in parts.items()}},
            )
        return styles

    def render_line(self, y: int) -> Strip:
        width, state = self._frame_state()
        styles = self._row_styles()
        position = int(self.scroll_offset.y) + y
        if not self.rows:
            if y == 0:
                pieces = [(fit_cells(" " + self.empty_message, width), "empty")]
                return self._strip(pieces, width, styles.plain, styles.base)
            return Strip.blank(width, styles.base)
        if position >= len(self.rows):
            return Strip.blank(width, styles.base)
        pieces = self.row_pieces(self.rows[position], width, state)
        by_part = styles.cursor if position == self.cursor else styles.plain
        return self._strip(pieces, width, by_part, styles.base)

    @staticmethod
    def _strip(pieces: list[tuple[str, str]], width: int, by_part: dict, base: Style) -> Strip:
        segments = []
        text, part = pieces[0]
        for next_text, next_part in pieces[1:]:  # one segment per run of one style
            if next_part == part:
                text += next_text
            else:
                segments.append(Segment(text, by_part[part]))
                text, part = next_text, next_part
        segments.append(Segment(text, by_part[part]))
        length = sum(cell_len(segment.text) for segment in segments)
        strip = Strip(segments, length)
        return strip if length == width else strip.crop_extend(0, width, base)

    def row_text(self, row: int, width: int) -> Text:
        """One row as Text, exactly `width` cells; columns drop out as width shrinks."""
        line = Text(no_wrap=True, end="")
        for text, part in self.row_pieces(row, width):
            line.append(
                text, self.get_component_rich_style(f"article-list--{part}") if part else None
            )
        return line

    def row_pieces(self, row: int, width: int, state: Marks | None = None) -> list[tuple[str, str]]:
        """One row as (text, part) pieces: marks, date, publisher, title, tickers.

        `part` names the component style ("unread", "bookmark", "meta", or "" for none);
        `state` the user's marks (read from the store when not given).
        """
        index = self.index
        item_id = index.ids[row]
        if state is None:
            state = marks_of(self.store)
        date = date_of(index.published[row])
        if width < NARROW_TICKER_WIDTH:
            date = date[5:]
        pieces = [
            (" " if item_id in state.read else UNREAD_MARK, "unread"),
            (BOOKMARK_MARK if item_id in state.bookmarks else " ", "bookmark"),
            (" ", ""),
            (date, "meta"),
            (" ", ""),
        ]
        remaining = width - 3 - cell_len(date) - 1
        if width >= 64:
            pieces.append((fit_cells(short_publisher(index.publisher[row]), 10), "meta"))
            pieces.append((" ", ""))
            remaining -= 11
        if width >= 72 or NARROW_TICKER_WIDTH <= width < 64:
            # Investors scan for tickers: a narrow list (80 columns, two panes) keeps one.
            column = TICKER_COLUMN if width >= 72 else NARROW_TICKER_COLUMN
            tickers: Sequence[str] = index.tickers[row]
            if self.preferred_tickers:  # the filter's company first: "Kuaishou … 0700.HK"
                tickers = sorted(tickers, key=lambda t: t not in self.preferred_tickers)
            shown = list(tickers[:2])
            while len(shown) > 1 and cell_len(" ".join(shown)) > column:
                shown.pop()
            pieces.append((fit_cells(index.title[row], max(0, remaining - column - 1)), ""))
            pieces.append((" ", ""))
            pieces.append((fit_cells(" ".join(shown), column), "meta"))
        else:
            pieces.append((fit_cells(index.title[row], remaining), ""))
        return pieces


class _RowStyles(NamedTuple):
    """Styles of one frame: the base, then by part for plain rows and for the cursor row."""

    base: Style
    plain: dict[str, Style]
    cursor: dict[str, Style]


def _position_of(rows: list[int], row: int) -> int | None:
    """Where `row` sits in `rows` (ascending: newest first, as search and sources give them).

    A binary search: an item the filter dropped costs no scan of 100,000 rows per keystroke.
    """
    i = bisect_left(rows, row)
    if i < len(rows) and rows[i] == row:
        return i
    return None
