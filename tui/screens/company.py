"""The company view: who a company is, every item about it, and who it appears with."""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.format import plural
from tui.messages import ItemOpened
from tui.widgets.article_list import ArticleList


def co_mentions(index: Any, key: str, rows: list[int], limit: int = 8) -> list[tuple[str, int]]:
    """The company keys most often linked to the same items as `key`, with their counts."""
    counts: Counter[str] = Counter()
    for row in rows:
        counts.update(k for k in set(index.companies[row]) if k != key)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def company_name(directory: Any, key: str) -> str:
    company = directory.by_key(key) if directory is not None else None
    return company.name if company is not None else key


class CompanyScreen(Screen[str | None]):
    """One company: names, listings, sector, a timeline of its items; Esc goes back.

    Dismisses with the id of the item opened from the timeline, or None.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="company_back"),
        Binding("tab", "app.focus_next", "Next", show=False),
    ]

    def __init__(self, store: Any, directory: Any, key: str) -> None:
        super().__init__()
        self.store = store
        self.directory = directory
        self.key = key
        index = store.index
        self.rows = sorted(index.rows_by_company.get(key, ()))

    def compose(self) -> ComposeResult:
        with Vertical(id="company-pane", classes="pane"):
            yield Static(self.describe(), id="company-info", markup=False)
            yield ArticleList(
                self.store, id="company-timeline", empty_message="No items about this company"
            )
        yield Footer(compact=True)

    def describe(self) -> Text:
        """Names, listings, sector and co-mentions as plain Text."""
        company = self.directory.by_key(self.key) if self.directory is not None else None
        text = Text(end="")
        if company is None:
            text.append(self.key, "bold")
        else:
            text.append(company.name, "bold")
            names = [n for n in (company.short_name, *company.aliases) if n and n != company.name]
            chinese = [n for n in (company.chinese_name, company.chinese_traditional) if n]
            if names:
                text.append("\nAlso: ", "dim")
                text.append(", ".join(dict.fromkeys(names)))
            if chinese:
                text.append("\nChinese: ", "dim")
                text.append(" / ".join(dict.fromkeys(chinese)))
            if company.listings:
                text.append("\nListings: ", "dim")
                text.append(", ".join(company.listings))
            if company.sector:
                text.append("\nSector: ", "dim")
                text.append(company.sector)
        mentions = co_mentions(self.store.index, self.key, self.rows)
        if mentions:
            text.append("\nOften with: ", "dim")
            text.append(", ".join(f"{company_name(self.directory, k)} ({n})" for k, n in mentions))
        return text

    def on_mount(self) -> None:
        pane = self.query_one("#company-pane")
        company = self.directory.by_key(self.key) if self.directory is not None else None
        pane.border_title = company.name if company is not None else self.key
        pane.border_subtitle = plural(len(self.rows), "item")
        timeline = self.query_one(ArticleList)
        timeline.set_rows(self.store.index, self.rows)
        timeline.focus()

    def on_item_opened(self, event: ItemOpened) -> None:
        event.stop()
        self.dismiss(event.item_id)

    def action_back(self) -> None:
        self.dismiss(None)
