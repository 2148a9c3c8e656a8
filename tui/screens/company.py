"""The company view: who a company is, every item about it, and who it appears with."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from store import views
from tui.format import plural
from tui.widgets.article_list import ArticleList

if TYPE_CHECKING:
    from store.entities.companies import CompanyDirectory
    from store.storage.store import Store


class CompanyScreen(Screen[str | None]):
    """One company: names, listings, sector, a timeline of its items; Esc goes back.

    Dismisses with the id of the item opened from the timeline, or None.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="company_back"),
        Binding("tab", "app.focus_next", "Next", show=False),
    ]

    def __init__(self, store: Store, directory: CompanyDirectory, key: str) -> None:
        super().__init__()
        self.store = store
        self.directory = directory
        self.key = key
        company = directory.by_key(key) if directory is not None else None
        self.company = company
        self.card = views.company_card(store.index, directory, company) if company else None
        self.rows = (
            self.card.rows if self.card else sorted(store.index.rows_by_company.get(key, ()))
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="company-pane", classes="pane"):
            yield Static(self.describe(), id="company-info", markup=False)
            yield ArticleList(
                self.store, id="company-timeline", empty_message="No items about this company"
            )
        yield Footer(compact=True)

    def describe(self) -> Text:
        """Names, listings, sector and co-mentions as plain Text."""
        company, card = self.company, self.card
        text = Text(end="")
        if company is None or card is None:
            text.append(self.key, "bold")
        else:
            text.append(company.name, "bold")
            if card.aliases:
                text.append("\nAlso: ", "dim")
                text.append(", ".join(card.aliases))
            if card.chinese_names:
                text.append("\nChinese: ", "dim")
                text.append(" / ".join(card.chinese_names))
            if company.listings:
                text.append("\nListings: ", "dim")
                text.append(", ".join(company.listings))
            if company.sector:
                text.append("\nSector: ", "dim")
                text.append(company.sector)
        if card is not None and card.peers:
            text.append("\nOften with: ", "dim")
            text.append(", ".join(f"{other.name} ({n})" for other, n in card.peers))
        return text

    def on_mount(self) -> None:
        pane = self.query_one("#company-pane")
        company = self.company
        # a learned company's name comes from a document: Content, never markup
        pane.border_title = Content(company.name if company is not None else self.key)
        pane.border_subtitle = Content(plural(len(self.rows), "item"))
        timeline = self.query_one(ArticleList)
        if company is not None:  # its own tickers first, as the reader's filter does
            timeline.preferred_tickers = frozenset(company.listings)
        timeline.set_rows(self.store.index, self.rows)
        timeline.focus()

    @on(ArticleList.ItemOpened, "#company-timeline")
    def open_from_timeline(self, event: ArticleList.ItemOpened) -> None:
        event.stop()
        self.dismiss(event.item_id)

    def action_back(self) -> None:
        self.dismiss(None)
