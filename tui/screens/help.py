"""The `?` help screen: every key, read from the bindings (so remapped keys show)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from tui.app import NewsdeskApp

# What a binding id does, in words longer than its footer description. A binding with an id
# and no entry here is still listed, with its own description.
HELP_TEXT: dict[str, str] = {
    "cursor_down": "Move down (list, sources, detail)",
    "cursor_up": "Move up",
    "cursor_top": "Top",
    "cursor_bottom": "Bottom",
    "page_down": "Page down",
    "page_up": "Page up",
    "open": "Open the item (marks it read); sources: choose",
    "expand": "Sources: show or hide a publisher's documents",
    "next_pane": "Next pane",
    "previous_pane": "Previous pane",
    "filter": "Filter: company, ticker (0700, 700 HK) or words",
    "leave_filter": "In the filter: to the list, filter applied",
    "clear_filter": "Clear the filter / go back",
    "bookmark": "Bookmark or un-bookmark the item",
    "toggle_read": "Mark the item read or unread",
    "next_unread": "Next unread item: move to it and open it",
    "company": "Company view: the filter's company, else the item's",
    "company_back": "Company view: back to the reader",
    "watch": "Watch/unwatch the item's company (asks if several)",
    "save_filter": "Save the filter as a search (shown in Sources)",
    "tag": "Tag the item (→ completes a tag in use)",
    "note": "Note on the item (several lines; Ctrl+S saves)",
    "undo": "Undo the last bookmark, read, tag or note change",
    "export": "Export this view: md, csv, json or Obsidian",
    "fetch_feeds": "Fetch every feed now (in the background)",
    "open_link": "Open the item's link in the browser (SSH: shown)",
    "command_palette": "Command palette",
    "help": "This help",
    "quit": "Quit",
}


def binding_owners(app: NewsdeskApp) -> list[type[DOMNode]]:
    """Every class whose bindings the reader uses, in the order the help lists them."""
    from tui.screens.company import CompanyScreen
    from tui.screens.reader import ReaderScreen
    from tui.widgets.article_list import ArticleList
    from tui.widgets.detail import DetailView
    from tui.widgets.sources import SourceTree

    return [ArticleList, SourceTree, DetailView, ReaderScreen, CompanyScreen, type(app)]


def help_rows(app: NewsdeskApp, keymap: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(binding id, keys as shown, what it does) for every binding with an id, once per id.

    `keymap` is the one the app set (binding id -> keys): a remapped key shows as remapped.
    """
    rows: dict[str, tuple[str, str, str]] = {}
    for owner in binding_owners(app):
        for binding in owner.BINDINGS:
            if not isinstance(binding, Binding) or binding.id is None or binding.id in rows:
                continue
            spec = keymap.get(binding.id, binding.key)
            shown = ", ".join(
                app.get_key_display(Binding(key.strip(), binding.action))
                for key in spec.split(",")
                if key.strip()
            )
            text = HELP_TEXT.get(binding.id, binding.description or binding.id)
            rows[binding.id] = (binding.id, shown, text)
    return list(rows.values())


def default_keys(app: NewsdeskApp) -> dict[str, str]:
    """Binding id -> its default keys ("j,down"), for every binding a keymap may change
    (the panes' and screens' of binding_owners: `expand` and `company_back` are ids too)."""
    keys: dict[str, str] = {}
    for owner in binding_owners(app):
        for binding in owner.BINDINGS:
            if isinstance(binding, Binding) and binding.id is not None:
                keys.setdefault(binding.id, binding.key)
    return keys


def query_help() -> Text:
    """The filter's query language (store.query.HELP), under the keys."""
    from store.query import HELP

    text = Text("\nIn the filter (terms combine; Ctrl+S saves the filter)\n", "bold", end="")
    width = max(cell_len(term) for term, _ in HELP)
    for term, what in HELP:
        text.append(term + " " * (width - cell_len(term) + 2), "bold")
        text.append(what + "\n")
    text.rstrip()
    return text


class HelpScreen(ModalScreen[None]):
    """Keys and what they do; any of Esc, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help_close"),
    ]

    def compose(self) -> ComposeResult:
        app: NewsdeskApp = self.app  # type: ignore[assignment]
        rows = [(keys, text) for _, keys, text in help_rows(app, app.keymap)]
        width = max(cell_len(keys) for keys, _ in rows)
        table = Text(end="")
        for keys, text in rows:
            table.append(keys + " " * (width - cell_len(keys) + 2), "bold")
            table.append(text + "\n")
        table.rstrip()
        with VerticalScroll(id="help-box") as box:
            box.border_title = "newsdesk keys"
            box.border_subtitle = "Esc closes"
            yield Static(table, id="help-text")
            yield Static(query_help(), id="help-query")

    def action_close(self) -> None:
        self.dismiss(None)
