"""Command palette provider: the reader's actions and its companies."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from tui.app import NewsdeskApp

# (command name, help, screen action)
READER_COMMANDS: list[tuple[str, str, str]] = [
    ("Filter articles", "Focus the filter box (/)", "focus_filter"),
    ("Clear filter", "Show every item of the current source (Esc)", "clear_filter"),
    ("Toggle bookmark", "Bookmark or un-bookmark the current item (b)", "toggle_bookmark"),
    ("Toggle read", "Mark the current item read or unread (m)", "toggle_read"),
    ("Next unread", "Open the next unread item (n)", "next_unread"),
    ("Company view", "The company of the filter or the current item (c)", "company"),
    ("Save filter as…", "Save the filter as a search under Sources (Ctrl+S)", "save_filter"),
    ("Watch company", "Watch or stop watching the item's company (w)", "watch"),
    ("Tag item…", "Tag the current item (t)", "tag"),
    ("Note on item…", "Write a note on the current item (N)", "note"),
    ("Undo mark change", "Undo the last bookmark, read, tag or note change (u)", "undo"),
    ("Export view…", "Export the listed items: md, csv, json, Obsidian (e)", "export"),
    ("Fetch feeds", "Fetch every feed now, in the background (r)", "fetch_feeds"),
    ("Open link", "Open the item's link in the browser, or show it to copy (o)", "open_link"),
    ("Keys and help", "Every key the reader knows (?)", "app.help"),
]


class ReaderCommands(Provider):
    """The reader's own actions, plus "Company: …" for companies the query names."""

    @property
    def newsdesk(self) -> NewsdeskApp:
        return cast("NewsdeskApp", self.app)

    def _commands(self):
        from tui.screens.reader import ReaderScreen

        reader = next((s for s in self.app.screen_stack if isinstance(s, ReaderScreen)), None)
        if reader is None:
            return
        for name, help_text, action in READER_COMMANDS:
            if action.startswith("app."):
                yield name, help_text, partial(self.app.run_action, action[4:])
            else:
                yield name, help_text, partial(reader.run_action, action)

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        directory = getattr(self.app, "directory", None)
        if directory is None or len(query.strip()) < 2:
            return
        for company, score in directory.match(query, limit=3):
            listing = f" ({company.listings[0]})" if company.listings else ""
            name = f"Company: {company.name}{listing}"
            yield Hit(
                min(score / 100, 1.0) * 0.9,
                Content(name),  # a learned company's name comes from a document
                partial(self.newsdesk.show_company, company.key),
                text=name,
                help="Open the company view",
            )
