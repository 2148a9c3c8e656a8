"""NewsdeskApp: the keyboard-first reader over a Store."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType, Keymap
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from store.storage.desk import Desk
from store.storage.errors import StoreError
from tui.commands import ReaderCommands
from tui.config import Config
from tui.keymap import check_keymap
from tui.messages import StorePolled
from tui.screens.reader import ReaderScreen

if TYPE_CHECKING:
    from store.entities.companies import CompanyDirectory
    from store.storage.store import Store

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
        self,
        store: Store,
        directory: CompanyDirectory | None = None,
        config: Config | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        # the store's companies: built on first use (rapidfuzz, the curated directory and the
        # learned companies, ~80 ms the first frame does not need; the warm-up asks for it)
        self._directory = directory
        self._directory_lock = threading.Lock()
        self.config = config or Config()
        # the user's watchlist, saved searches, tags and notes (None: its file is damaged)
        self.desk: Desk | None = None
        self.desk_problem: str | None = None
        try:
            self.desk = Desk(store.root, store.user)
        except StoreError as exc:
            self.desk_problem = str(exc)
        self._poll_error: str | None = None
        self._poll: Worker[None] | None = None
        self._feeds_stamp: tuple[int, int] | None = None  # feeds.json as last seen
        self.keymap: dict[
            str, str
        ] = {}  # the keymap set (binding id -> keys), as the help shows it

    @property
    def directory(self) -> CompanyDirectory:
        with self._directory_lock:  # the warm-up worker and the UI thread may both ask first
            if self._directory is None:
                from store.entities.companies import CompanyDirectory

                self._directory = CompanyDirectory.for_store(self.store)
            return self._directory

    @directory.setter
    def directory(self, directory: CompanyDirectory) -> None:
        self._directory = directory

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
        problems = [self.config.problem] if self.config.problem else []
        if self.config.keymap:
            from tui.screens.help import default_keys

            keymap, conflicts = check_keymap(self.config.keymap, default_keys(self))
            if conflicts:
                problems.append("keymap: " + "; ".join(conflicts))
            self.set_keymap(keymap)
        for problem in problems:
            self.notify(problem, title="Config", severity="warning", timeout=8, markup=False)
        try:
            self.store.state  # noqa: B018 - read the user's marks now, to report a damaged file
        except StoreError as exc:
            self.notify(
                f"{exc}; bookmarks and read marks are not shown",
                title="Store", severity="error", timeout=15, markup=False,
            )  # fmt: skip
        if self.desk_problem:
            self.notify(self.desk_problem, title="Desk", severity="error", timeout=12, markup=False)
        self.set_interval(REFRESH_SECONDS, self.poll_store, name="poll-store")

    # --- the store on disk ----------------------------------------------------------

    def poll_store(self) -> None:
        """Pick up what another process changed, off the UI thread (an index reload at
        100,000 items takes a while); one poll at a time, the next tick tries again."""
        if self._poll is not None and not self._poll.is_finished:  # pending or running
            return
        self._poll = self._poll_worker()

    @work(thread=True, group="poll", exit_on_error=False, description="checking the store")
    def _poll_worker(self) -> None:
        store = self.store
        index = store.index
        try:
            changed = store.refresh()  # a cheap stat when nothing changed
            if self.desk is not None and self.desk.refresh():  # tags, notes, watchlist…
                changed = True
        except StoreError as exc:  # e.g. locked or damaged by another process: try again later
            self.post_message(StorePolled(error=str(exc)))
            return
        reloaded = changed and store.index is not index
        feeds_changed = self._feeds_changed()
        # the directory learns the new items' companies here too, not on the UI thread
        directory = None
        if reloaded:
            from store.entities.companies import CompanyDirectory

            directory = CompanyDirectory.for_store(store)
        self.post_message(
            StorePolled(changed=changed, reloaded=reloaded, directory=directory,
                        feeds_changed=feeds_changed)
        )  # fmt: skip

    def _feeds_changed(self) -> bool:
        """Whether feeds.json changed since the last poll (`newsdesk fetch` records each
        feed's status there, after its items)."""
        from store.intake.feedlist import FEEDS_FILE

        try:
            st = (self.store.root / FEEDS_FILE).stat()
            stamp = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = (0, 0)
        changed = self._feeds_stamp is not None and stamp != self._feeds_stamp
        self._feeds_stamp = stamp
        return changed

    def on_store_polled(self, event: StorePolled) -> None:
        if event.error is not None:
            if event.error != self._poll_error:
                self._poll_error = event.error
                self.notify(event.error, title="Store", severity="warning", timeout=6, markup=False)
            return
        self._poll_error = None
        if event.feeds_changed and not event.reloaded:
            self.reader.load_feeds()
        if not event.changed:
            return
        if not event.reloaded:
            self.reader.marks_changed()
            return
        if event.directory is not None:
            self.directory = event.directory
        self.reader.store_changed()

    # --- failures ---------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.report_worker_error(event)

    def report_worker_error(self, event: Worker.StateChanged) -> None:
        """A worker that failed is named in a notification; the reader stays up."""
        worker = event.worker
        if event.state is WorkerState.ERROR and worker.error is not None:
            self.report_failure(worker.description or worker.name, worker.error)

    def report_failure(self, what: str, error: BaseException) -> None:
        reason = str(error) or type(error).__name__
        self.notify(
            f"{what[:1].upper()}{what[1:]} failed: {reason}",
            title="Error",
            severity="error",
            timeout=12,
            markup=False,
        )

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def show_company(self, key: str) -> None:
        """Push the company view; an item opened there opens in the reader."""
        from tui.screens.company import CompanyScreen  # imported when first shown

        def opened(item_id: str | None) -> None:
            if item_id:
                self.reader.open_item(item_id)
                self.reader.focus_detail()

        self.push_screen(CompanyScreen(self.store, self.directory, key), opened)
