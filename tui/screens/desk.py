"""The desk's small dialogs: choose one of a few, name a saved search, edit tags, edit a note,
export the current view. Each is a modal screen that dismisses with its answer (None: Esc).

Every label here may come from a document (a company name, a headline): it is shown as
plain text, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

DIALOG_CSS = """
DeskDialog {
    align: center middle;
}
DeskDialog > Vertical {
    width: 64;
    max-width: 100%;
    height: auto;
    max-height: 100%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}
DeskDialog .dialog-hint {
    color: $text-muted;
    height: auto;
}
DeskDialog .dialog-error {
    color: $error;
    height: auto;
}
DeskDialog Input {
    border: none;
    height: 1;
    background: $boost;
    margin: 1 0 0 0;
}
DeskDialog OptionList {
    height: auto;
    max-height: 12;
    border: none;
    background: transparent;
}
NoteDialog TextArea {
    height: 12;
    margin: 1 0 0 0;
}
"""


class DeskDialog(ModalScreen[object]):
    """A modal box with a title; Esc cancels (dismisses with None)."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog_cancel"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.dialog_title = title

    def box(self) -> Vertical:
        box = Vertical()
        box.border_title = self.dialog_title
        return box

    def show_error(self, message: str) -> None:
        error = self.query_one(".dialog-error", Static)
        error.update(Text(message, end=""))
        error.display = bool(message)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceDialog(DeskDialog):
    """Pick one of a few (id, label) choices; Enter picks the highlighted one."""

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], hint: str = "") -> None:
        super().__init__(title)
        self.choices = list(choices)
        self.hint = hint

    def compose(self) -> ComposeResult:
        with self.box():
            if self.hint:
                yield Static(Text(self.hint, end=""), classes="dialog-hint")
            yield OptionList(
                *(Option(Text(label, end=""), id=key) for key, label in self.choices),
                id="choices",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)


class NameDialog(DeskDialog):
    """One line of text (a saved search's name); Enter accepts a non-empty value."""

    def __init__(self, title: str, hint: str = "", value: str = "") -> None:
        super().__init__(title)
        self.hint = hint
        self.value = value

    def compose(self) -> ComposeResult:
        with self.box():
            yield Static(Text(self.hint, end=""), classes="dialog-hint")
            yield Input(self.value, placeholder="Name", id="name")
            yield Static("", classes="dialog-error")

    def on_mount(self) -> None:
        self.show_error("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = " ".join(event.value.split())
        if not value:
            self.show_error("Type a name, or Esc to cancel.")
            return
        self.dismiss(value)


class LastWordSuggester(Suggester):
    """Completes the word being typed from the tags in use (Right arrow accepts)."""

    def __init__(self, words: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.words = list(words)

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value.endswith(" "):
            return None
        head, _, last = value.rpartition(" ")
        last = last.lstrip("#")
        typed = set(head.replace("#", "").split())
        for word in self.words:
            if word.startswith(last) and word != last and word not in typed:
                return f"{head} {word}".lstrip() if head else word
        return None


class TagDialog(DeskDialog):
    """An item's tags as words; Enter saves exactly these (empty: none)."""

    def __init__(self, title: str, tags: Sequence[str], known: Sequence[str]) -> None:
        super().__init__(title)
        self.tags = list(tags)
        self.known = list(known)

    def compose(self) -> ComposeResult:
        hint = "Tags, separated by spaces. → completes a tag in use; Enter saves; Esc cancels."
        with self.box():
            yield Static(Text(hint, end=""), classes="dialog-hint")
            value = " ".join(self.tags) + (" " if self.tags else "")
            yield Input(value, placeholder="tag …", suggester=LastWordSuggester(self.known))
            yield Static("", classes="dialog-error")

    def on_mount(self) -> None:
        self.show_error("")
        box = self.query_one(Input)
        box.cursor_position = len(box.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        from store.storage.desk import DeskValueError, clean_tag

        try:
            tags = list(dict.fromkeys(clean_tag(word) for word in event.value.split()))
        except DeskValueError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(tags)


class NoteDialog(DeskDialog):
    """A multi-line note; Ctrl+S saves (an empty note removes it), Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="note_save", priority=True),
    ]

    def __init__(self, title: str, note: str) -> None:
        super().__init__(title)
        self.note = note

    def compose(self) -> ComposeResult:
        with self.box() as box:
            box.border_subtitle = "Ctrl+S saves · Esc cancels"
            yield TextArea(self.note, soft_wrap=True, tab_behavior="focus", id="note")
            yield Static("", classes="dialog-error")

    def on_mount(self) -> None:
        self.show_error("")
        area = self.query_one(TextArea)
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        from store.storage.desk import DeskValueError, clean_note

        text = self.query_one(TextArea).text
        try:
            clean_note(text)
        except DeskValueError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(text)


EXPORT_FORMATS = (
    ("md", "Markdown: one file, grouped by date"),
    ("csv", "CSV for spreadsheets: one row per item"),
    ("json", "JSON: the item records"),
    ("obsidian", "Obsidian: a folder, one note per item"),
)


def default_export_path(fmt: str, folder: Path | None = None) -> str:
    folder = folder or Path.home()
    name = "newsdesk-export" + ("" if fmt == "obsidian" else f".{fmt}")
    return str(folder / name)


class ExportDialog(DeskDialog):
    """Format (a list) and path (a line); Enter in the path exports: (format, path)."""

    def __init__(self, title: str, folder: Path | None = None) -> None:
        super().__init__(title)
        self.folder = folder
        self.format = "md"

    def compose(self) -> ComposeResult:
        with self.box():
            yield OptionList(
                *(Option(Text(label, end=""), id=key) for key, label in EXPORT_FORMATS),
                id="formats",
            )
            yield Input(default_export_path("md", self.folder), id="path")
            yield Static(
                Text("↑↓ format · Enter on a format or the path exports · Esc cancels", end=""),
                classes="dialog-hint",
            )
            yield Static("", classes="dialog-error")

    def on_mount(self) -> None:
        self.show_error("")
        self.query_one(OptionList).highlighted = 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        fmt = event.option.id or "md"
        path = self.query_one("#path", Input)
        if path.value == default_export_path(self.format, self.folder):
            path.value = default_export_path(fmt, self.folder)
        self.format = fmt

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.format = event.option.id or "md"
        self._submit(self.query_one("#path", Input).value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit(event.value)

    def _submit(self, value: str) -> None:
        path = value.strip()
        if not path:
            self.show_error("Give a path to write to.")
            return
        self.dismiss((self.format, str(Path(path).expanduser())))
