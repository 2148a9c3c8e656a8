"""Pilot tests for the reader: every key path over a real store seeded from /seeds."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, Static

import tui.app
from store.storage.store import Store
from tests.conftest import TEST_USER
from tui.app import NewsdeskApp
from tui.messages import Source
from tui.screens.company import CompanyScreen
from tui.screens.help import HelpScreen
from tui.screens.reader import DEBOUNCE_SECONDS, ReaderScreen
from tui.widgets.article_list import BOOKMARK_MARK, UNREAD_MARK, ArticleList
from tui.widgets.detail import DetailView
from tui.widgets.sources import SourceTree

SIZE = (80, 24)
HOSTILE_TITLE = "[bold]x[/bold] [@click=app.quit]q[/] [link=file:///etc/passwd]p[/link]"


async def wait_for_workers(app) -> None:
    """Every worker running now has finished (a failed one too: the app reports those)."""
    from textual.worker import WorkerFailed

    for worker in list(app.workers):
        with contextlib.suppress(WorkerFailed):
            await worker.wait()


async def settle(pilot) -> None:
    """Let the filter's debounce timer fire and its worker finish."""
    await pilot.pause(DEBOUNCE_SECONDS + 0.05)
    await wait_for_workers(pilot.app)
    await pilot.pause()


async def resized(pilot, width: int, height: int) -> None:
    """The reader has seen the terminal's new size (its Resize can take more than one pause
    to arrive on a loaded machine)."""
    for _ in range(100):
        await pilot.pause()
        if pilot.app.reader.size == (width, height):
            await pilot.pause()
            return
    raise AssertionError(f"the reader never saw the size {width}x{height}")


async def poll(pilot) -> None:
    """One store poll (a thread worker), its message handled, and the filter it started."""
    pilot.app.poll_store()
    await wait_for_workers(pilot.app)
    await pilot.pause()
    await settle(pilot)


async def type_filter(pilot, text: str) -> None:
    await pilot.press("slash")
    for char in text:
        await pilot.press("space" if char == " " else char)
    await settle(pilot)


def articles(app: NewsdeskApp) -> ArticleList:
    return app.reader.query_one("#articles", ArticleList)


def listed_ids(app: NewsdeskApp) -> list[str]:
    lst = articles(app)
    return [lst.index.ids[row] for row in lst.rows]


def plain(widget: Static) -> str:
    return str(widget.render())


def company_key_for(app: NewsdeskApp, ticker: str) -> str:
    company = app.directory.by_ticker(ticker)
    assert company is not None, ticker
    return company.key


def ids_about(store: Store, key: str) -> set[str]:
    """Items whose stored `companies` include `key` (read from the records, not the index)."""
    return {
        record["id"]
        for record in store.iter_records()
        if any((c.get("key") or c.get("name")) == key for c in record["companies"])
    }


async def test_starts_on_the_article_list_with_every_item(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.focused is articles(app)
        index = seeded_store.index
        assert listed_ids(app) == list(index.ids)
        assert len(index) > 50
        pane = app.reader.query_one("#articles-pane")
        assert pane.border_subtitle == f"{len(index)} of {len(index)}"
        assert pane.border_title == "Articles · All"
        published = [index.published[row] for row in articles(app).rows]
        assert published == sorted(published, reverse=True)


async def test_cursor_keys_j_k_g_G_and_paging(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        lst = articles(app)
        total = len(lst.rows)
        await pilot.press("j", "j", "down")
        assert lst.cursor == 3
        await pilot.press("k", "up")
        assert lst.cursor == 1
        await pilot.press("G")
        assert lst.cursor == total - 1
        assert lst.scroll_offset.y > 0  # the cursor's row is on screen
        assert lst.scroll_offset.y <= lst.cursor < lst.scroll_offset.y + lst.size.height
        await pilot.press("j")
        assert lst.cursor == total - 1
        await pilot.press("g")
        assert lst.cursor == 0
        assert lst.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert lst.cursor == lst.scrollable_content_region.height - 1
        await pilot.press("pageup")
        assert lst.cursor == 0


async def test_rows_are_exactly_as_wide_as_the_list_even_with_chinese_titles(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lst = articles(app)
        titles = [lst.index.title[row] for row in lst.rows]
        assert any(cell_len(t) > len(t) for t in titles), "the seeds hold Chinese titles"
        width = lst.scrollable_content_region.width
        for y in range(lst.scrollable_content_region.height):
            assert lst.render_line(y).cell_length == width
        for width in (10, 23, 37, 45, 46, 49, 63, 71, 99):
            for row in lst.rows:
                assert lst.row_text(row, width).cell_len == width


async def test_the_two_pane_list_at_80_columns_keeps_the_year_and_a_ticker(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lst = articles(app)
        width = lst.scrollable_content_region.width
        assert 46 <= width < 64
        tencent = next(r for r in lst.rows if "0700.HK" in lst.index.tickers[r])
        line = lst.row_text(tencent, width).plain
        assert line.rstrip().endswith(lst.index.tickers[tencent][0])
        assert lst.index.published[tencent][:10] in line


@pytest.mark.parametrize("query", ["tencnt", "0700", "700 HK", "00700.HK", "HK:0700"])
async def test_filter_by_misspelt_name_or_any_ticker_spelling_lists_tencent_items(
    seeded_store, query
):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        key = company_key_for(app, "0700.HK")
        expected = ids_about(seeded_store, key)
        assert expected, "the seeds mention Tencent"
        await type_filter(pilot, query)
        assert app.reader.query_one("#filter", Input).value == query
        assert set(listed_ids(app)) == expected
        assert len(listed_ids(app)) == len(expected)
        status = plain(app.reader.query_one("#filter-status", Static))
        assert "Tencent" in status and "0700.HK" in status
        pane = app.reader.query_one("#articles-pane")
        assert pane.border_subtitle == f"{len(expected)} of {len(seeded_store.index)}"


async def test_filter_by_chinese_name(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        key = company_key_for(app, "0992.HK")  # Lenovo, 联想
        await pilot.press("slash")
        app.reader.query_one("#filter", Input).value = "联想"
        await settle(pilot)
        assert ids_about(seeded_store, key) <= set(listed_ids(app))
        assert listed_ids(app)


async def test_no_match_shows_a_line_saying_so_and_esc_clears(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await type_filter(pilot, "qqzzxxyy")
        lst = articles(app)
        assert lst.rows == []
        assert "No items match “qqzzxxyy”" in lst.render_line(0).text
        assert app.reader.query_one("#articles-pane").border_subtitle.startswith("0 of ")
        await pilot.press("escape")
        await settle(pilot)
        assert app.reader.query_one("#filter", Input).value == ""
        assert listed_ids(app) == list(seeded_store.index.ids)
        assert app.focused is lst


async def test_enter_in_the_filter_moves_to_the_list_and_applies_at_once(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        key = company_key_for(app, "0700.HK")
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        for char in "tencnt":
            await pilot.press(char)
        await pilot.press("enter")  # before the debounce timer fires
        assert app.focused is articles(app)
        assert set(listed_ids(app)) == ids_about(seeded_store, key)


async def test_open_item_shows_detail_and_marks_it_read(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        lst = articles(app)
        await pilot.press("j")
        item_id = lst.current_id
        assert item_id not in seeded_store.state.read
        assert lst.render_line(1).text.startswith(UNREAD_MARK)
        await pilot.press("enter")
        await pilot.pause()
        detail = app.reader.query_one(DetailView)
        record = seeded_store.get(item_id)
        assert detail.item_id == item_id
        assert plain(detail.query_one("#detail-title", Static)) == record["title"]
        body = plain(detail.query_one("#detail-body", Static))
        assert body == record["body"]
        meta = plain(detail.query_one("#detail-meta", Static))
        assert record["publisher"] in meta and record["published"][:10] in meta
        assert item_id in seeded_store.state.read
        assert not lst.render_line(1).text.startswith(UNREAD_MARK)
        # at 80 columns the detail takes the sources pane's place
        assert app.reader.query_one("#detail-pane").display
        assert not app.reader.query_one("#sources-pane").display


async def test_detail_scrolls_by_keyboard(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        index = seeded_store.index
        longest = max(range(len(index)), key=lambda r: len(seeded_store.get(index.ids[r])["body"]))
        app.reader.open_item(index.ids[longest])
        await pilot.press("tab")  # articles -> detail
        detail = app.reader.query_one(DetailView)
        assert app.focused is detail
        await pilot.pause()
        assert detail.max_scroll_y > 0
        await pilot.press("j", "j", "space")
        assert detail.scroll_y > 0
        await pilot.press("g")
        assert detail.scroll_y == 0


async def test_tab_cycles_panes(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("tab")
        assert app.focused is app.reader.query_one(DetailView)
        await pilot.press("tab")
        assert app.focused is app.reader.query_one(SourceTree)
        await pilot.press("tab")
        assert app.focused is articles(app)
        await pilot.press("shift+tab")
        assert app.focused is app.reader.query_one(SourceTree)


async def test_bookmark_persists_and_shows_under_bookmarks_in_a_new_app(seeded_store_dir: Path):
    store = Store(seeded_store_dir, user=TEST_USER)
    app = NewsdeskApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")
        item_id = articles(app).current_id
        await pilot.press("b")
        await pilot.pause()
        assert item_id in store.state.bookmarks
        assert articles(app).render_line(2).text[1] == BOOKMARK_MARK

    reopened = Store(seeded_store_dir, user=TEST_USER)
    assert item_id in reopened.state.bookmarks
    app = NewsdeskApp(reopened)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("shift+tab")  # to the sources pane
        assert app.focused is app.reader.query_one(SourceTree)
        await pilot.press("j", "j")  # All, Unread, Bookmarks
        await settle(pilot)
        assert app.reader.source.kind == "bookmarks"
        assert listed_ids(app) == [item_id]
        assert app.reader.query_one("#articles-pane").border_title == "Articles · Bookmarks"
        await pilot.press("enter")
        assert app.focused is articles(app)
        await pilot.press("b")  # un-bookmark
        assert item_id not in reopened.state.bookmarks


async def test_m_toggles_read_and_n_opens_the_next_unread(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        lst = articles(app)
        state = seeded_store.state
        first = lst.current_id
        await pilot.press("m")
        assert first in state.read
        await pilot.press("m")
        assert first not in state.read
        # rows 0-2 read: `n` from row 0 skips to row 3 and opens it
        ids = listed_ids(app)
        for item_id in ids[:3]:
            state.set_read(item_id, True)
        await pilot.press("n")
        await pilot.pause()
        assert lst.cursor == 3
        assert app.reader.query_one(DetailView).item_id == ids[3]
        assert ids[3] in state.read
        # an unread item under the cursor that is not open yet is the next one
        await pilot.press("j")
        await pilot.press("n")
        assert lst.cursor == 4
        assert app.reader.query_one(DetailView).item_id == ids[4]
        # at the bottom it wraps to the first unread from the top
        for item_id in ids[5:]:
            state.set_read(item_id, True)
        state.set_read(ids[1], False)
        await pilot.press("n")
        assert lst.cursor == 1
        assert app.reader.query_one(DetailView).item_id == ids[1]


async def test_choosing_a_publisher_filters_and_combines_with_the_filter(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(160, 48)) as pilot:
        index = seeded_store.index
        tree = app.reader.query_one(SourceTree)
        await pilot.press("shift+tab")
        await pilot.press("j", "j", "j")  # the first publisher (most items)
        await settle(pilot)
        source = app.reader.source
        assert source.kind == "publisher"
        assert tree.cursor_node.data == source
        assert listed_ids(app) == [index.ids[r] for r in index.rows_by_publisher[source.value]]
        await type_filter(pilot, "a")
        expected = [
            index.ids[r]
            for r in index.rows_by_publisher[source.value]
            if "a" in index.title[r].casefold()
        ]
        assert set(expected) <= set(listed_ids(app))
        assert all(index.publisher[index.row_of(i)] == source.value for i in listed_ids(app))


async def test_choosing_a_document_shows_its_preamble(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(160, 48)) as pilot:
        index = seeded_store.index
        tree = app.reader.query_one(SourceTree)
        doc = next(d for d in seeded_store.documents() if d["preamble"])
        await pilot.press("shift+tab")
        tree.select_source(Source("document", doc["name"], doc["title"] or doc["name"]))
        await pilot.pause()
        await settle(pilot)
        assert tree.cursor_node.data.value == doc["name"]
        assert tree.cursor_node.parent.is_expanded
        assert app.reader.source.kind == "document"
        assert listed_ids(app) == [index.ids[r] for r in index.rows_by_document[doc["name"]]]
        detail = app.reader.query_one(DetailView)
        assert detail.document == doc["name"]
        assert plain(detail.query_one("#detail-body", Static)) == doc["preamble"]
        assert plain(detail.query_one("#detail-title", Static)) == doc["title"]


async def test_question_mark_opens_help_and_escape_closes_it(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = plain(app.screen.query_one("#help-text", Static))
        for words in ("Bookmark", "Next unread", "Company view", "Quit"):
            assert words in text
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_help_shows_remapped_keys(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        app.set_keymap({"bookmark": "B"})
        await pilot.press("question_mark")
        lines = plain(app.screen.query_one("#help-text", Static)).splitlines()
        assert any(line.split()[0] == "B" and "Bookmark" in line for line in lines)
        await pilot.press("escape")
        await pilot.press("B")
        assert articles(app).current_id in seeded_store.state.bookmarks


async def test_a_remapped_cursor_key_moves_every_pane(seeded_store):
    """One keymap entry (by binding id) moves the list, the sources tree and the detail."""
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(160, 48)) as pilot:
        app.set_keymap({"cursor_down": "ctrl+n", "cursor_bottom": "ctrl+e", "cursor_top": "ctrl+t"})
        lst = articles(app)
        await pilot.press("ctrl+n", "ctrl+n")
        assert lst.cursor == 2
        await pilot.press("j")  # the old key no longer moves
        assert lst.cursor == 2

        tree = app.reader.query_one(SourceTree)
        await pilot.press("shift+tab")
        assert app.focused is tree
        await pilot.press("ctrl+n")
        assert tree.cursor_line == 1
        await pilot.press("ctrl+e")
        assert tree.cursor_line == tree.last_line
        await pilot.press("ctrl+t")
        assert tree.cursor_line == 0

        index = seeded_store.index
        longest = max(range(len(index)), key=lambda r: len(seeded_store.get(index.ids[r])["body"]))
        app.reader.open_item(index.ids[longest])
        app.reader.focus_detail()
        await pilot.pause()
        detail = app.reader.query_one(DetailView)
        assert detail.max_scroll_y > 0
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert detail.scroll_y > 0
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert detail.scroll_y == 0
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert detail.scroll_y == detail.max_scroll_y


async def test_help_lists_every_binding_with_an_id_from_every_pane(seeded_store):
    from tui.screens.help import binding_owners

    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(120, 48)) as pilot:
        app.set_keymap({"expand": "x"})
        await pilot.press("question_mark")
        lines = plain(app.screen.query_one("#help-text", Static)).splitlines()
        ids = {
            b.id
            for owner in binding_owners(app)
            for b in owner.BINDINGS
            if getattr(b, "id", None) is not None
        }
        assert {"cursor_down", "expand", "open", "bookmark", "company_back", "quit"} <= ids
        assert len(lines) == len(ids)  # one line per id, none twice
        expand = next(line for line in lines if "publisher's documents" in line)
        assert expand.split()[0] == "x"


async def test_opening_an_item_posts_item_opened_from_the_list(seeded_store):
    messages: list = []
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.press("j", "enter")
        await pilot.pause()
        # the hook sees a message at every node it bubbles through: count each once
        opened = list(
            {id(m): m for m in messages if isinstance(m, ArticleList.ItemOpened)}.values()
        )
        assert [m.item_id for m in opened] == [articles(app).current_id]
        assert opened[0].control is articles(app)
        await pilot.press("shift+tab", "j")  # sources: All -> Unread
        await pilot.pause()
        chosen = [m for m in messages if isinstance(m, SourceTree.SourceChosen)]
        assert chosen[-1].source.kind == "unread"
        assert chosen[-1].control is app.reader.query_one(SourceTree)
        assert app.reader.source.kind == "unread"


async def test_command_palette_lists_the_reader_actions(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        assert isinstance(app.screen, CommandPalette)
        commands = app.screen.query_one(CommandList)
        prompts = [
            str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)
        ]
        for name in ("Toggle bookmark", "Toggle read", "Next unread", "Company view"):
            assert any(name in p for p in prompts), (name, prompts)
        for char in "bookmark":
            await pilot.press(char)
        await pilot.pause(0.3)
        first = str(commands.get_option_at_index(0).prompt)
        assert "Toggle bookmark" in first
        item_id = articles(app).current_id
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert item_id in seeded_store.state.bookmarks


async def test_c_opens_the_company_view_of_the_filter_match(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        key = company_key_for(app, "0700.HK")
        await type_filter(pilot, "tencnt")
        await pilot.press("enter", "c")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompanyScreen)
        assert screen.key == key
        info = plain(screen.query_one("#company-info", Static))
        assert "Tencent" in info and "0700.HK" in info
        timeline = screen.query_one(ArticleList)
        assert {timeline.index.ids[r] for r in timeline.rows} == ids_about(seeded_store, key)
        assert app.focused is timeline
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        opened = app.reader.query_one(DetailView).item_id
        assert opened == timeline.index.ids[timeline.rows[min(1, len(timeline.rows) - 1)]]
        assert app.focused is app.reader.query_one(DetailView)


async def test_the_company_timeline_shows_the_company_s_own_ticker_on_every_row(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        app.show_company(company_key_for(app, "0700.HK"))
        await pilot.pause()
        timeline = app.screen.query_one(ArticleList)
        width = timeline.scrollable_content_region.width
        assert len(timeline.rows) > 1
        others = [r for r in timeline.rows if timeline.index.tickers[r][0] != "0700.HK"]
        assert others, "some Tencent items list another ticker first"
        for row in timeline.rows:
            assert "0700.HK" in timeline.row_text(row, width).plain


async def test_c_on_an_item_uses_its_first_company_and_escape_goes_back(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        index = seeded_store.index
        position = next(p for p, r in enumerate(articles(app).rows) if index.companies[r])
        articles(app).move_cursor(position)
        await pilot.press("c")
        assert isinstance(app.screen, CompanyScreen)
        assert app.screen.key == index.companies[articles(app).current_row][0]
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_hostile_markup_in_a_headline_shows_literally_and_does_not_act(seeded_store):
    document = {
        "name": "hostile.txt",
        "layout": "caixin_listing",
        "publisher": "Caixin Global",
        "title": "[red]Hostile[/red] document",
        "published": "2030-01-01",
        "preamble": "[@click=app.quit]preamble[/]",
    }
    item = {
        "title": HOSTILE_TITLE,
        "publisher": "Caixin Global",
        "documents": ["hostile.txt"],
        "section": "[b]sec[/b]",
        "authors": ["[i]me[/i]"],
        "published": "2030-01-01T10:00:00+08:00",
        "body": "[@click=app.quit]click me[/]\n\n[link=file:///etc/passwd]secret[/link]",
        "related": ["[blink]related[/blink]"],
        "companies": [],
        "tickers": [],
    }
    seeded_store.add_documents([(document, [item])])
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(160, 48)) as pilot:
        lst = articles(app)
        assert lst.index.title[lst.rows[0]] == HOSTILE_TITLE  # newest first
        assert HOSTILE_TITLE[:40] in lst.render_line(0).text
        await pilot.click(lst, offset=(30, 0))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        detail = app.reader.query_one(DetailView)
        assert plain(detail.query_one("#detail-title", Static)) == HOSTILE_TITLE
        body = plain(detail.query_one("#detail-body", Static))
        assert body == item["body"]
        await pilot.click(detail.query_one("#detail-body", Static))
        await pilot.press("enter", "tab", "enter")
        await pilot.pause()
        assert app.is_running and app.return_code is None


def shown_panes(app: NewsdeskApp) -> list[str]:
    panes = ("sources", "articles", "detail")
    return [p for p in panes if app.reader.query_one(f"#{p}-pane").display]


async def test_narrow_terminal_shows_one_pane_at_a_time_and_what_it_holds(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        lst = articles(app)
        index = seeded_store.index
        assert shown_panes(app) == ["articles"] and app.focused is lst
        width = lst.scrollable_content_region.width
        assert lst.render_line(0).text == lst.row_text(lst.rows[0], width).plain
        assert index.published[lst.rows[0]][5:10] in lst.render_line(0).text  # month-day

        await pilot.press("j", "enter")
        await pilot.pause()
        opened = lst.current_id
        detail = app.reader.query_one(DetailView)
        assert shown_panes(app) == ["detail"] and app.focused is detail
        assert plain(detail.query_one("#detail-title", Static)) == seeded_store.get(opened)["title"]

        await pilot.press("tab")  # detail -> sources
        assert shown_panes(app) == ["sources"]
        assert app.focused is app.reader.query_one(SourceTree)
        await pilot.press("j")  # All -> Unread
        await settle(pilot)
        assert app.reader.source.kind == "unread"
        assert opened not in listed_ids(app)  # opening it marked it read

        await pilot.press("tab", "j")  # sources -> articles
        assert shown_panes(app) == ["articles"] and lst.cursor == 1
        await pilot.press("tab", "enter")  # -> detail; Enter there does nothing
        assert shown_panes(app) == ["detail"] and detail.item_id == opened
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen) and shown_panes(app) == ["detail"]

        await type_filter(pilot, "tencnt")  # "/" brings the list back
        assert shown_panes(app) == ["articles"]
        key = company_key_for(app, "0700.HK")
        assert listed_ids(app) and set(listed_ids(app)) <= ids_about(seeded_store, key)
        await pilot.press("enter", "c")
        await pilot.pause()
        assert isinstance(app.screen, CompanyScreen) and app.screen.key == key
        info = plain(app.screen.query_one("#company-info", Static))
        assert info.startswith("Tencent")
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen) and shown_panes(app) == ["articles"]

        for size in ((20, 6), (1, 1), (12, 30)):
            await pilot.resize_terminal(*size)
            await resized(pilot, *size)
            assert shown_panes(app) == ["articles"]
        await pilot.resize_terminal(80, 24)
        await resized(pilot, 80, 24)
        assert shown_panes(app) in (["sources", "articles"], ["articles", "detail"])
        assert app.is_running


async def test_other_process_adds_items_and_the_reader_picks_them_up(seeded_store_dir):
    store = Store(seeded_store_dir, user=TEST_USER)
    app = NewsdeskApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j")
        kept = articles(app).current_id
        before = len(store.index)
        other = Store(seeded_store_dir, user=TEST_USER)
        document = {
            "name": "later.txt",
            "layout": "caixin_listing",
            "publisher": "Caixin Global",
            "title": "Later",
            "published": "2031-05-05",
            "preamble": "",
        }
        item = {
            "title": "A story written while the reader was open",
            "publisher": "Caixin Global",
            "documents": ["later.txt"],
            "section": "",
            "authors": [],
            "published": "2031-05-05T09:00:00+08:00",
            "body": "Body.",
            "related": [],
            "companies": [],
            "tickers": [],
        }
        other.add_documents([(document, [item])])
        await poll(pilot)
        assert len(store.index) == before + 1
        assert len(articles(app).rows) == before + 1
        assert articles(app).current_id == kept
        new_title = articles(app).index.title[articles(app).rows[0]]
        assert new_title == "A story written while the reader was open"


async def test_marks_set_by_another_process_show_without_a_restart(seeded_store_dir):
    store = Store(seeded_store_dir, user=TEST_USER)
    app = NewsdeskApp(store)
    async with app.run_test(size=SIZE) as pilot:
        first = articles(app).current_id
        assert articles(app).render_line(0).text[1] == " "
        Store(seeded_store_dir, user=TEST_USER).state.set_bookmarked(first, True)
        await poll(pilot)
        assert first in store.state.bookmarks
        assert articles(app).render_line(0).text[1] == BOOKMARK_MARK


async def test_one_pane_at_a_time_when_very_narrow(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(50, 16)) as pilot:
        reader = app.reader

        def shown() -> list[str]:
            panes = ("sources", "articles", "detail")
            return [p for p in panes if reader.query_one(f"#{p}-pane").display]

        assert shown() == ["articles"]
        await pilot.press("enter")
        await pilot.pause()
        assert shown() == ["detail"]
        assert app.focused is reader.query_one(DetailView)
        await pilot.press("escape")
        assert shown() == ["articles"]
        assert app.focused is articles(app)
        await pilot.press("shift+tab")
        assert shown() == ["sources"]


async def test_article_list_at_100k_rows_renders_only_the_visible_lines(tmp_path):
    """The list is virtual: moving and paging over 100,000 rows draws a screenful each time.

    The work is counted, not timed (timing lives in bench/): lines drawn and rows formatted.
    """
    from types import SimpleNamespace

    from textual.app import App

    from store.storage.index import ItemIndex
    from store.storage.state import UserState

    n = 100_000
    index = ItemIndex(  # by column name: the store may add columns of its own
        {
            "ids": [f"id{i:06d}" for i in range(n)],
            "published": [f"2024-{12 - i % 12:02d}-01T10:00:00+08:00" for i in range(n)],
            "publisher": ["Caixin Global"] * n,
            "title": [f"标题 headline number {i}" for i in range(n)],
            "section": [""] * n,
            "tickers": [("0700.HK",)] * n,
            "companies": [("tencent",)] * n,
            "documents": [("doc.txt",)] * n,
            "segment": [0] * n,
        }
    )
    store = SimpleNamespace(index=index, state=UserState(tmp_path, TEST_USER))

    class ListApp(App):
        def compose(self):
            yield ArticleList(store)

    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        lst = app.query_one(ArticleList)
        drawn: list[int] = []
        original = lst.render_line

        def counting(y):
            drawn.append(y)
            return original(y)

        formatted: list[int] = []
        original_pieces = lst.row_pieces

        def counting_pieces(row, width, state=None):
            formatted.append(row)
            return original_pieces(row, width, state)

        lst.render_line = counting
        lst.row_pieces = counting_pieces
        lst.set_rows(index, list(range(n)))
        lst.focus()
        await pilot.pause()
        keys = ("G", "pageup", "pageup", "g", "pagedown", "j", "k")
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        height = lst.scrollable_content_region.height
        assert lst.cursor == height - 1
        await pilot.press("G")
        await pilot.pause()
        assert lst.cursor == n - 1
        assert lst.current_id == index.ids[n - 1]
        frames = len(keys) + 3  # each key, the first frame, the pauses
        # a screenful (or one line) per step, never the 100,000 rows
        assert 0 < len(drawn) <= frames * height
        assert 0 < len(formatted) <= frames * height
        # only rows that were on screen: the top, the bottom, and the pages between
        shown = set(formatted)
        assert shown <= set(range(3 * height)) | set(range(n - 3 * height, n)), sorted(shown)
        await pilot.click(ArticleList, offset=(10, 3))
        assert lst.cursor == lst.scroll_offset.y + 3


async def test_screens_survive_a_terminal_shrunk_to_nothing(seeded_store):
    """rich 15 crashes an OptionList at width 0: the palette, help and company view must not."""
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(40, 12)) as pilot:
        for opening_keys, closing_keys in (
            (("ctrl+p", "t"), ("escape",)),
            (("question_mark",), ("escape",)),
            (("c",), ("escape",)),
        ):
            await pilot.press(*opening_keys)
            await pilot.pause(0.2)
            for size in ((20, 6), (4, 3), (1, 1), (40, 12)):
                await pilot.resize_terminal(*size)
                await pilot.pause(0.1)
            await pilot.press(*closing_keys)
            await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, ReaderScreen)


async def test_drawn_lines_are_the_row_text_and_the_cursor_style_follows_focus(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        lst = articles(app)
        width = lst.scrollable_content_region.width
        for y in range(10):
            assert lst.render_line(y).text == lst.row_text(lst.rows[y], width).plain
        assert all(s.style.reverse for s in lst.render_line(0) if s.text.strip())
        assert not any(s.style.reverse for s in lst.render_line(1))
        await pilot.press("slash")  # the list loses focus: the cursor line is underlined
        await pilot.pause()
        cursor_line = [s for s in lst.render_line(0) if s.text.strip()]
        assert all(s.style.underline and not s.style.reverse for s in cursor_line)


def test_the_shortcuts_are_used_on_the_textual_they_were_checked_against():
    """On Textual 8 the reader takes the private shortcuts; elsewhere the public ways."""
    from importlib.metadata import version

    from tui.widgets import shortcuts

    major = version("textual").split(".")[0]
    assert shortcuts.fast_scroll_update() is (major == "8")
    assert shortcuts.fast_border_subtitle() is (major == "8")


@pytest.mark.parametrize("fast", [True, False], ids=["private-shortcut", "public-fallback"])
async def test_the_article_count_is_painted_in_the_pane_border(seeded_store, monkeypatch, fast):
    """The count repaints the pane's bottom line alone (or, public, the whole pane): either
    way the border shows the new count, not a cached line."""
    from textual.geometry import Region

    from tui.widgets import shortcuts

    monkeypatch.setattr(shortcuts, "fast_border_subtitle", lambda: fast)
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.reader.query_one("#articles-pane")
        total = len(seeded_store.index)

        def bottom_line() -> str:
            size = pane.outer_size
            return pane.render_lines(Region(0, size.height - 1, size.width, 1))[0].text

        assert f"{total} of {total}" in bottom_line()
        await type_filter(pilot, "tencnt")
        shown = len(articles(app).rows)
        assert 0 < shown < total
        assert pane.border_subtitle == f"{shown} of {total}"
        assert f" {shown} of {total} " in bottom_line()
        assert pane.border_title == "Articles · All"


@pytest.mark.parametrize("fast", [True, False], ids=["private-shortcut", "public-fallback"])
async def test_filtering_moves_the_scroll_range_and_the_scrollbar(seeded_store, monkeypatch, fast):
    from tui.widgets import shortcuts

    monkeypatch.setattr(shortcuts, "fast_scroll_update", lambda: fast)
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lst = articles(app)
        height = lst.scrollable_content_region.height
        everything = len(lst.rows)
        assert everything > height and lst.show_vertical_scrollbar
        assert lst.max_scroll_y == everything - height
        await type_filter(pilot, "qqzzxx")  # no rows, and no status line to re-lay the screen
        assert lst.rows == []
        assert not lst.show_vertical_scrollbar
        assert lst.max_scroll_y == 0
        await pilot.press("ctrl+a", "ctrl+k")  # emptied by hand: the status line stays away
        await settle(pilot)
        assert len(lst.rows) == everything and lst.show_vertical_scrollbar
        assert lst.max_scroll_y == everything - height
        await type_filter(pilot, "tencnt")
        assert 0 < len(lst.rows) < height
        assert not lst.show_vertical_scrollbar
        assert lst.max_scroll_y == 0
        assert lst.render_line(0).cell_length == lst.scrollable_content_region.width
        await pilot.press("escape")  # clears the filter
        await settle(pilot)
        assert len(lst.rows) == everything and lst.show_vertical_scrollbar
        await pilot.press("enter", "G")
        await pilot.pause()
        assert lst.cursor == everything - 1
        assert lst.scroll_offset.y == everything - height
        assert (
            lst.render_line(height - 1).text
            == lst.row_text(lst.rows[-1], lst.scrollable_content_region.width).plain
        )


async def test_sources_come_after_the_first_frame_and_the_heap_is_frozen_until_exit(
    seeded_store,
):
    import gc

    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        tree = app.reader.query_one(SourceTree)
        publishers = [n.data.value for n in tree.root.children if n.data.kind == "publisher"]
        assert sorted(publishers) == sorted(seeded_store.index.rows_by_publisher)
        assert gc.get_freeze_count() > 0
        await type_filter(pilot, "tencnt")  # still filters with the heap frozen
        assert listed_ids(app)
    assert gc.get_freeze_count() == 0


async def test_an_item_opened_before_the_sources_are_listed_gets_its_document_titles(
    seeded_store, monkeypatch
):
    import threading

    from store import views

    listing_may_finish = threading.Event()
    real = views.source_listing

    def held_back(index, documents):  # a large store: the listing comes after the opening
        listing_may_finish.wait(10)
        return real(index, documents)

    monkeypatch.setattr(views, "source_listing", held_back)
    index = seeded_store.index
    row = next(r for r in range(len(index)) if index.documents[r])
    name = index.documents[row][0]
    title = next(d["title"] for d in seeded_store.documents() if d["name"] == name)
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        app.reader.open_item(index.ids[row])
        await pilot.pause()
        documents = app.reader.query_one("#detail-documents", Static)
        assert title not in plain(documents)  # the document's name only, for now
        listing_may_finish.set()
        await wait_for_workers(app)
        await pilot.pause()
        assert app.reader.query_one(SourceTree).documents
        assert title in plain(documents)


async def test_the_heap_stays_frozen_after_opening_every_item_and_a_reload(seeded_store_dir):
    """The reader owns the freeze: segment loads and an index reload must not undo it."""
    import gc

    store = Store(seeded_store_dir, user=TEST_USER)
    app = NewsdeskApp(store)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await wait_for_workers(app)
        assert gc.get_freeze_count() > 0
        for item_id in list(store.index.ids):  # every segment read
            app.reader.open_item(item_id)
        assert gc.get_freeze_count() > 0
        other = Store(seeded_store_dir, user=TEST_USER)
        document = {
            "name": "later.txt",
            "layout": "caixin_listing",
            "publisher": "Caixin Global",
            "title": "Later",
            "published": "2031-05-05",
            "preamble": "",
        }
        item = {
            "title": "Written while the heap was frozen",
            "publisher": "Caixin Global",
            "documents": ["later.txt"],
            "section": "",
            "authors": [],
            "published": "2031-05-05T09:00:00+08:00",
            "body": "Body.",
            "related": [],
            "companies": [],
            "tickers": [],
        }
        before = len(store.index)
        other.add_documents([(document, [item])])
        await poll(pilot)  # the index is reloaded in a worker, then the heap settled again
        await wait_for_workers(app)
        assert len(store.index) == before + 1
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


async def test_the_ticker_column_puts_the_filtered_company_first(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await type_filter(pilot, "tencnt")
        await pilot.press("enter")
        await pilot.pause()
        lst = articles(app)
        width = lst.scrollable_content_region.width
        assert lst.rows
        for row in lst.rows:
            if "0700.HK" in lst.index.tickers[row]:
                assert lst.row_text(row, width).plain.rstrip().endswith("0700.HK")


async def test_a_failing_filter_is_a_notification_and_the_list_keeps_its_rows(
    seeded_store, monkeypatch, notifications
):
    import tui.screens.reader as reader_module

    real_evaluate = reader_module.evaluate  # the filter: the query language over search
    broken = [False]

    def evaluate(query, *args, **options):
        if broken[0]:
            raise RuntimeError("the search index exploded")
        return real_evaluate(query, *args, **options)

    monkeypatch.setattr(reader_module, "evaluate", evaluate)
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE, message_hook=notifications) as pilot:
        await pilot.pause()
        await wait_for_workers(app)
        before = listed_ids(app)
        broken[0] = True
        await type_filter(pilot, "boom")  # the debounced worker
        assert app.is_running
        assert listed_ids(app) == before
        errors = notifications.messages("error")
        assert set(errors) == {"Filtering the articles failed: the search index exploded"}
        failed = len(errors)
        await pilot.press("enter")  # typing flushed on the UI thread: the same, no crash
        await pilot.press("slash", "x", "enter")
        await pilot.pause()
        assert app.is_running
        assert len(notifications.messages("error")) == failed + 1
        broken[0] = False
        await pilot.press("escape")
        await type_filter(pilot, "tencnt")  # the next good query still works
        assert 0 < len(listed_ids(app)) < len(before)


async def test_a_failing_warm_up_is_a_notification_not_a_dead_app(
    seeded_store, monkeypatch, notifications
):
    import tui.screens.reader as reader_module

    def warm_search(index, directory):
        raise MemoryError("no room for the caches")

    monkeypatch.setattr(reader_module, "warm_search", warm_search)
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE, message_hook=notifications) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert notifications.messages("error") == [
            "Preparing search failed: no room for the caches"
        ]
        await type_filter(pilot, "tencnt")  # search builds its caches on first use instead
        assert listed_ids(app)


async def test_a_failing_store_poll_is_a_notification_and_polling_goes_on(
    seeded_store_dir, monkeypatch, notifications
):
    from store.storage.errors import StoreError

    store = Store(seeded_store_dir, user=TEST_USER)
    failures = [RuntimeError("disk on fire"), StoreError("index.json is locked")]

    def refresh():
        if failures:
            raise failures.pop(0)
        return False

    monkeypatch.setattr(store, "refresh", refresh)
    app = NewsdeskApp(store)
    async with app.run_test(size=SIZE, message_hook=notifications) as pilot:
        await poll(pilot)
        assert notifications.messages("error") == ["Checking the store failed: disk on fire"]
        await poll(pilot)
        assert notifications.messages("warning") == ["index.json is locked"]
        await poll(pilot)
        assert app.is_running and failures == []
        assert len(notifications) == 2


async def test_the_store_poll_runs_off_the_ui_thread(seeded_store_dir, monkeypatch):
    import threading

    store = Store(seeded_store_dir, user=TEST_USER)
    threads: list[threading.Thread] = []
    real_refresh = store.refresh

    def refresh():
        threads.append(threading.current_thread())
        return real_refresh()

    monkeypatch.setattr(store, "refresh", refresh)
    # only the polls the test asks for: on a loaded machine the test outlasts the 2 s tick
    monkeypatch.setattr(tui.app, "REFRESH_SECONDS", 3600.0)
    app = NewsdeskApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await poll(pilot)
        assert threads and threading.main_thread() not in threads
        threads.clear()
        app.poll_store()
        app.poll_store()  # one poll at a time: a slow reload is not started twice
        await wait_for_workers(app)
        assert len(threads) == 1
        await poll(pilot)  # the next tick polls again
        assert len(threads) == 2


# --- key paths of the README's table that had no test of their own -------------------


async def test_q_quits_from_the_list_types_in_the_filter_and_closes_help(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "q")
        assert app.reader.query_one("#filter", Input).value == "q" and app.is_running
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        assert isinstance(app.screen, ReaderScreen) and app.is_running
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_home_end_and_space_move_the_list_like_g_g_and_page_down(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        lst = articles(app)
        await pilot.press("end")
        assert lst.cursor == len(lst.rows) - 1
        await pilot.press("home")
        assert lst.cursor == 0
        await pilot.press("space")
        assert lst.cursor == lst.scrollable_content_region.height - 1
        await pilot.press("pageup")
        assert lst.cursor == 0


async def test_space_in_the_sources_shows_a_publisher_s_documents_and_enter_chooses_one(
    seeded_store,
):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(160, 48)) as pilot:
        tree = app.reader.query_one(SourceTree)
        await pilot.press("shift+tab", "j", "j", "j")  # the first publisher
        publisher = tree.cursor_node
        assert publisher.data.kind == "publisher" and not publisher.is_expanded
        await pilot.press("space")
        assert publisher.is_expanded and publisher.children
        await pilot.press("j")  # its first document
        await settle(pilot)
        doc = tree.cursor_node.data
        assert doc.kind == "document" and app.reader.source == doc
        await pilot.press("enter")
        assert app.focused is articles(app)
        index = seeded_store.index
        assert listed_ids(app) == [index.ids[r] for r in index.rows_by_document[doc.value]]
        await pilot.press("shift+tab", "k", "space")  # back on the publisher: folds it
        assert not publisher.is_expanded


async def test_b_and_m_in_the_detail_pane_act_on_the_open_item(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("j", "j", "enter")
        opened = articles(app).current_id
        await pilot.press("shift+tab", "shift+tab")  # list -> sources -> detail
        assert app.focused is app.reader.query_one(DetailView)
        articles(app).move_cursor(0)  # the list's cursor is elsewhere now
        await pilot.press("b")
        await pilot.pause()
        state = seeded_store.state
        assert opened in state.bookmarks and articles(app).current_id not in state.bookmarks
        title = plain(app.reader.query_one("#detail-title", Static))
        assert title.startswith(BOOKMARK_MARK)
        await pilot.press("m")  # it was read when opened: now unread again
        await pilot.pause()
        assert opened not in state.read
        meta = plain(app.reader.query_one("#detail-meta", Static))
        assert "Unread" in meta


async def test_n_with_nothing_unread_and_c_without_a_company_say_so(seeded_store, notifications):
    index = seeded_store.index
    for item_id in index.ids:
        seeded_store.state.set_read(item_id, True)
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE, message_hook=notifications) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert app.reader.query_one(DetailView).item_id is None
        lonely = next(p for p, r in enumerate(articles(app).rows) if not index.companies[r])
        articles(app).move_cursor(lonely)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert notifications.messages() == [
            "No unread items here.",
            "No company for this item or filter.",
        ]


async def test_tab_in_the_company_view_moves_focus_and_escape_returns(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        app.show_company(company_key_for(app, "0700.HK"))
        await pilot.pause()
        timeline = app.screen.query_one(ArticleList)
        assert app.focused is timeline
        await pilot.press("j", "k", "G")
        assert timeline.cursor == len(timeline.rows) - 1
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)
        assert app.focused is articles(app)


async def test_a_slash_typed_fast_in_the_filter_stays_where_it_was_typed(seeded_store):
    """Red team N2: "ding/yi" typed quickly became "/dingyi" (the slash is a priority key)."""
    from textual import events

    from tui.app import NewsdeskApp

    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        for key, char in [("d", "d"), ("i", "i"), ("slash", "/"), ("y", "y"), ("i", "i")]:
            app.post_message(events.Key(key, char))  # as fast as a terminal sends them
        await pilot.pause()
        assert app.reader.filter_input.value == "di/yi"


async def test_a_later_sources_listing_keeps_the_source_shown(seeded_store):
    """The listing that follows every store change rebuilds the tree: the source shown stays,
    even one chosen without moving the tree's cursor (the listing once put it back on All)."""
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        tree = app.reader.query_one(SourceTree)
        publisher = seeded_store.index.publisher[0]
        source = Source("publisher", publisher, publisher)
        app.reader.post_message(SourceTree.SourceChosen(source, tree))
        await settle(pilot)
        assert app.reader.source == source
        app.reader.list_sources(seeded_store.index)  # what a store change starts
        await wait_for_workers(app)
        await settle(pilot)
        assert app.reader.source == source and tree.cursor_node.data == source
