"""The `?` help screen: every key, read from the bindings (so remapped keys show)."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# (binding id, what it does); keys come from the bindings themselves
HELP_ROWS: list[tuple[str, str]] = [
    ("cursor_down", "Move down (also Down arrow)"),
    ("cursor_up", "Move up (also Up arrow)"),
    ("cursor_top", "First item"),
    ("cursor_bottom", "Last item"),
    ("page_down", "Page down"),
    ("page_up", "Page up"),
    ("open", "Open the item in the detail pane (marks it read)"),
    ("next_pane", "Next pane"),
    ("previous_pane", "Previous pane"),
    ("filter", "Filter: company, ticker (0700, 700 HK) or words"),
    ("clear_filter", "Clear the filter / go back"),
    ("bookmark", "Bookmark or un-bookmark the item"),
    ("toggle_read", "Mark the item read or unread"),
    ("next_unread", "Next unread item: move to it and open it"),
    ("company", "Company view: the filter's company, else the item's"),
    ("command_palette", "Command palette"),
    ("help", "This help"),
    ("quit", "Quit"),
]


def binding_keys(app) -> dict[str, str]:
    """Binding id -> the keys as shown, after any keymap the user set."""
    from tui.screens.reader import ReaderScreen
    from tui.widgets.article_list import ArticleList

    keymap = getattr(app, "_keymap", {}) or {}
    keys: dict[str, str] = {}
    for owner in (ArticleList, ReaderScreen, type(app)):
        for binding in owner.BINDINGS:
            if not isinstance(binding, Binding) or binding.id is None:
                continue
            spec = keymap.get(binding.id, binding.key)
            shown = [
                app.get_key_display(Binding(key.strip(), binding.action)) for key in spec.split(",")
            ]
            keys.setdefault(binding.id, ", ".join(shown))
    return keys


class HelpScreen(ModalScreen[None]):
    """Keys and what they do; any of Esc, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help_close"),
    ]

    def compose(self) -> ComposeResult:
        keys = binding_keys(self.app)
        rows = [(keys[binding_id], text) for binding_id, text in HELP_ROWS if binding_id in keys]
        width = max(cell_len(key) for key, _ in rows)
        table = Text(end="")
        for key, text in rows:
            table.append(key + " " * (width - cell_len(key) + 2), "bold")
            table.append(text + "\n")
        table.rstrip()
        with VerticalScroll(id="help-box") as box:
            box.border_title = "newsdesk keys"
            box.border_subtitle = "Esc closes"
            yield Static(table, id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
