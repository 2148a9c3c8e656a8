"""How one-shot commands print: a table that fits the terminal, TSV when piped, or JSON.

Every cell is data, never markup. Nothing here imports textual.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import orjson

from store.text.sanitize import strip_controls, visible
from tui.format import fit_cells, short_publisher

if TYPE_CHECKING:
    from rich.console import Console

    from store.storage.store import Store

ITEM_COLUMNS = ("id", "", "published", "publisher", "tickers", "title")
TERMINAL_LIMIT = 50  # rows a command shows on a terminal unless --limit says otherwise
MIN_FLEX = 20  # the flexible column (a title) never gets fewer cells than this
FLEX_SHARE = 0.375  # ... and up to this share of the width before other columns shrink
ITEM_CAPS = (None, None, None, 16, 17, None)  # publisher and tickers (two 8-cell codes)
GAP = 2  # cells between columns
WIDE_DATES = 110  # from this width on, item tables show the time beside the date


def print_json(value: object) -> None:
    sys.stdout.buffer.write(orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.flush()


def silence_stdout() -> None:
    """Send what is still written to stdout to /dev/null: its reader went away (`newsdesk
    list | head`), and the next write or the interpreter's final flush must not fail."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def note(message: str) -> None:
    """A human note on stderr (counts, 'no items match'): never mixed into data on stdout.

    One line: a control character in it (a file name's) is shown as an escape."""
    sys.stderr.write(visible(message) + "\n")
    sys.stderr.flush()


def short_date(published: str, *, with_time: bool = True) -> str:
    """`2022-04-01T14:30:00+08:00` → `2022-04-01 14:30` (or the date alone); a bare date stays."""
    if "T" in published:
        day, time = published.split("T", 1)
        return f"{day} {time[:5]}" if with_time else day
    return published


def fit_widths(
    natural: Sequence[int],
    flex: int,
    total: int,
    caps: Sequence[int | None] | None = None,
) -> list[int]:
    """Column widths for a table `total` cells wide.

    Column `flex` (a title) gets what it needs up to FLEX_SHARE of the width, and at least
    MIN_FLEX; the others keep their natural width up to their cap, and shrink, widest first,
    when they would leave the flexible column less; what is left over goes to the flexible
    column, then back to capped columns. Without `caps`, every other column may shrink; with
    them, only the capped ones (an id or a date is never cut)."""
    others = [i for i in range(len(natural)) if i != flex]
    if caps is None:
        caps = list(natural)
    budget = total - GAP * (len(natural) - 1)
    widths = [min(n, c) if c else n for n, c in zip(natural, caps, strict=True)]
    shrinkable = [i for i in others if caps[i]]
    wanted = min(natural[flex], max(MIN_FLEX, int(total * FLEX_SHARE)))
    while shrinkable and sum(widths[i] for i in others) + wanted > budget:
        widest = max(shrinkable, key=lambda i: widths[i])
        if widths[widest] <= 4:
            break
        widths[widest] -= 1
    widths[flex] = max(1, min(natural[flex], budget - sum(widths[i] for i in others)))
    spare = budget - sum(widths)
    for i in others:  # a wide terminal gives capped columns back what the title did not need
        grow = min(spare, natural[i] - widths[i])
        if grow > 0:
            widths[i] += grow
            spare -= grow
    return widths


class Output:
    """Tables on a terminal (one line a row unless `wide`), tab-separated lines when piped."""

    def __init__(self, *, wide: bool = False) -> None:
        self.tty = sys.stdout.isatty()
        self.wide = wide
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(highlight=False, soft_wrap=False)
        return self._console

    @property
    def width(self) -> int | None:
        """The terminal's width in cells; None when piped."""
        return self.console.width if self.tty else None

    def table(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[str]],
        title: str = "",
        *,
        flex: int | None = None,
        caps: Sequence[int | None] | None = None,
    ) -> None:
        """`rows` under `columns`; column `flex` (default: the last) takes the spare width,
        the others up to their `caps`."""
        if not self.tty:
            for row in rows:
                sys.stdout.write("\t".join(_tsv_cell(cell) for cell in row) + "\n")
            return
        from rich.cells import cell_len
        from rich.text import Text

        flex = len(columns) - 1 if flex is None else flex
        natural = [
            max([cell_len(name)] + [cell_len(row[i]) for row in rows])
            for i, name in enumerate(columns)
        ]
        widths = fit_widths(natural, flex, self.console.width, caps)
        console = self.console
        if title:
            console.print(Text(title, style="bold"), no_wrap=True, overflow="ellipsis")
        header = (" " * GAP).join(
            fit_cells(name, w) for name, w in zip(columns, widths, strict=True)
        )
        console.print(Text(header.rstrip(), style="bold"), no_wrap=True)
        for row in rows:
            if self.wide:
                self._print_folded(row, widths, flex)
                continue
            console.print(Text(_line(row, widths)), no_wrap=True, overflow="crop")

    def _print_folded(self, row: Sequence[str], widths: Sequence[int], flex: int) -> None:
        """One row with its flexible cell folded over as many lines as it needs."""
        from rich.cells import chop_cells
        from rich.text import Text

        pieces = chop_cells(row[flex], widths[flex]) or [""]
        for n, piece in enumerate(pieces):
            cells = [
                (piece if i == flex else (cell if n == 0 else "")) for i, cell in enumerate(row)
            ]
            self.console.print(Text(_line(cells, widths)), no_wrap=True, overflow="crop")

    def lines(self, lines: Sequence[tuple[str, str]]) -> None:
        """Print (style, text) lines; the style is dropped when piped."""
        if not self.tty:
            for _, text in lines:
                sys.stdout.write(text + "\n")
            return
        from rich.text import Text

        for style, text in lines:
            self.console.print(Text(strip_controls(text), style=style))


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    cells = [visible(c) for c in cells]
    return (" " * GAP).join(fit_cells(c, w) for c, w in zip(cells, widths, strict=True)).rstrip()


def _tsv_cell(cell: str) -> str:
    """A cell on one TSV line: a tab, newline or control character in it is an escape."""
    return visible(cell)


def item_rows(store: Store, rows: Sequence[int], *, width: int | None = None) -> list[list[str]]:
    """Table rows straight from the index: no corpus segment is loaded.

    For a terminal `width` cells wide, publishers are short and the time goes below WIDE_DATES;
    with no width (piped), every cell is whole."""
    index = store.index
    bookmarks, read = store.state.bookmarks, store.state.read
    with_time = width is None or width >= WIDE_DATES
    columns = zip(
        index.ids.take(rows), index.published.take(rows), index.publisher.take(rows),
        index.tickers.take(rows), index.title.take(rows), strict=True,
    )  # fmt: skip  # each column read once for the page, not value by value
    out = []
    for item_id, published, publisher, tickers, title in columns:
        marks = ("★" if item_id in bookmarks else "") + ("" if item_id in read else "●")
        out.append([
            item_id, marks, short_date(published, with_time=with_time),
            publisher if width is None else short_publisher(publisher),
            " ".join(tickers), title,
        ])  # fmt: skip
    return out


def effective_limit(args: Any) -> int | None:
    """--limit N (0: all); by default everything when piped or JSON, a screenful on a terminal."""
    if args.limit is not None:
        return args.limit or None
    return TERMINAL_LIMIT if sys.stdout.isatty() and not args.json else None


def print_items(
    out: Output,
    store: Store,
    rows: Sequence[int],
    as_json: bool,
    title: str = "",
    total: int | None = None,
) -> None:
    """Items as JSON (full records) or as a table (from the index)."""
    if as_json:
        from store.intake.feedlist import attach_links
        from store.model import public_item

        index = store.index
        records = attach_links(store.root, store.get_many([index.ids[i] for i in rows]))
        print_json([public_item(r) for r in records])
        return
    out.table(ITEM_COLUMNS, item_rows(store, rows, width=out.width), title=title, caps=ITEM_CAPS)
    if total is not None and total > len(rows):
        note(f"showing {len(rows)} of {total}; --limit N for more, --limit 0 for all")
