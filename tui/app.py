"""NewsdeskApp: the keyboard-first reader over a Store."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType, Keymap
from textual.screen import Screen

from store.entities.companies import CompanyDirectory
from store.storage.errors import StoreError
from tui.commands import ReaderCommands
from tui.config import Config
from tui.screens.company import CompanyScreen
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen

REFRESH_SECONDS = 2.0


class NewsdeskApp(App[None]):
    """Sources, articles and detail over `store`; `directory` defaults to the store's own."""

    CSS_PATH = "app.tcss"
    TITLE = "newsdesk"
    COMMANDS: ClassVar = App.COMMANDS | {ReaderCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="command_palette"),
    ]

    def __init__(
        self, store: Any, directory: Any | None = None, config: Config | None = None
    ) -> None:
        super().__init__()
        self.store = store
        self.directory = directory if directory is not None else CompanyDirectory.for_store(store)
        self.config = config or Config()
        self._poll_error: str | None = None
        self.keymap: dict[str, str] = {}  # the keymap set (binding id -> keys), as the help shows it

    def set_keymap(self, keymap: Keymap) -> None:
        super().set_keymap(keymap)
        self.keymap = dict(keymap)

    def update_keymap(self, keymap: Keymap) -> None:
        super().update_keymap(keymap)
        self.keymap = {**self.keymap, **keymap}

    def get_default_screen(self) -> Screen:
        return ReaderScreen()

    @property
    def reader(self) -> ReaderScreen:
        return next(s for s in self.screen_stack if isinstance(s, ReaderScreen))

    def on_mount(self) -> None:
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        if self.config.problem:
            self.notify(
                self.config.problem, title="Config", severity="warning", timeout=8, markup=False
            )
        self.set_interval(REFRESH_SECONDS, self.poll_store, name="poll-store")

    def poll_store(self) -> None:
        """Pick up items another process added (a cheap stat when nothing changed)."""
        index = self.store.index
        try:
            changed = self.store.refresh()
        except StoreError as exc:  # e.g. locked or damaged by another process: try again later
            if str(exc) != self._poll_error:
                self._poll_error = str(exc)
                self.notify(str(exc), title="Store", severity="warning", timeout=6, markup=False)
            return
        self._poll_error = None
        if not changed:
            return
        if self.store.index is index:
            self.reader.marks_changed()
            return
        self.directory = CompanyDirectory.for_store(self.store)
        self.reader.store_changed()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def show_company(self, key: str) -> None:
        """Push the company view; an item opened there opens in the reader."""

        def opened(item_id: str | None) -> None:
            if item_id:
                self.reader.open_item(item_id)
                self.reader.focus_detail()

        self.push_screen(CompanyScreen(self.store, self.directory, key), opened)
