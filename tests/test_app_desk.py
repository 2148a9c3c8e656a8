"""Pilot tests for the desk in the reader: the Watchlist and saved-search sources, and the
keys w, Ctrl+S, t, N, u and e, each checked against the desk file on disk."""

from __future__ import annotations

import csv
from pathlib import Path

from textual.widgets import Input, OptionList, TextArea

from store import views
from store.storage.desk import Desk
from store.storage.store import Store
from tests.conftest import TEST_USER
from tests.test_app import articles, listed_ids, poll, settle, type_filter, wait_for_workers
from tui.app import NewsdeskApp
from tui.config import Config
from tui.messages import Source
from tui.screens.desk import ChoiceDialog, ExportDialog, NameDialog, NoteDialog, TagDialog
from tui.widgets.detail import DetailView
from tui.widgets.sources import SourceTree

SIZE = (120, 36)


def desk_of(store: Store) -> Desk:
    """The desk as another process would read it now (from the file)."""
    return Desk(store.root, user=TEST_USER)


def rows_about(app: NewsdeskApp, key: str) -> list[int]:
    company = app.directory.by_key(key)
    assert company is not None
    return views.rows_about(app.store.index, company)


def ids_of(app: NewsdeskApp, rows) -> list[str]:
    return [app.store.index.ids[r] for r in rows]


def tree_lines(app: NewsdeskApp) -> list[str]:
    tree = app.reader.query_one(SourceTree)
    return [str(tree.get_node_at_line(n).label) for n in range(tree.last_line + 1)]


def move_to_item(app: NewsdeskApp, item_id: str) -> None:
    lst = articles(app)
    lst.move_cursor(listed_ids(app).index(item_id))


def one_company_item(app: NewsdeskApp, key: str) -> str:
    """An item about `key` and no other company (by the index and the directory)."""
    for row in rows_about(app, key):
        item_id = app.store.index.ids[row]
        if [c.key for c in app.reader.item_companies(item_id)] == [key]:
            return item_id
    raise AssertionError(f"no item about {key} alone")


def many_company_item(app: NewsdeskApp) -> str:
    for item_id in app.store.index.ids:
        if len(app.reader.item_companies(item_id)) >= 3:
            return item_id
    raise AssertionError("no item names three companies")


async def choose_source(pilot, source: Source) -> None:
    tree = pilot.app.reader.query_one(SourceTree)
    tree.select_source(source)
    await pilot.pause()
    await settle(pilot)


async def test_watchlist_source_at_the_top_with_companies_and_unread_counts(seeded_store):
    desk = desk_of(seeded_store)
    desk.watch("alibaba", "Alibaba Group Holding")
    desk.watch("tencent", "Tencent Holdings")
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        alibaba, tencent = rows_about(app, "alibaba"), rows_about(app, "tencent")
        union = sorted(set(alibaba) | set(tencent))
        lines = tree_lines(app)
        assert lines[:3] == [
            f"Watchlist  {len(union)}",
            f"Alibaba  {len(alibaba)}",
            f"Tencent  {len(tencent)}",
        ]
        assert lines[3].startswith("All  ")
        await choose_source(pilot, Source("watchlist", "", "Watchlist"))
        assert listed_ids(app) == ids_of(app, union)
        await choose_source(pilot, Source("watch", "tencent", "Tencent"))
        assert listed_ids(app) == ids_of(app, tencent)
        # opening one marks it read: the unread counts go down by one
        await pilot.press("enter")
        await settle(pilot)
        assert tree_lines(app)[:3] == [
            f"Watchlist  {len(union) - 1}",
            f"Alibaba  {len(alibaba) - (tencent[0] in alibaba)}",
            f"Tencent  {len(tencent) - 1}",
        ]


async def test_w_watches_the_items_company_and_a_choice_when_it_names_several(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert tree_lines(app)[0].startswith("All  ")  # no Watchlist until something is watched
        item = one_company_item(app, "xiaomi")
        move_to_item(app, item)
        await pilot.press("w")
        await wait_for_workers(app)
        await settle(pilot)
        assert desk_of(seeded_store).watchlist == {"xiaomi": "Xiaomi Corporation"}
        count = len(rows_about(app, "xiaomi"))
        assert tree_lines(app)[:2] == [f"Watchlist  {count}", f"Xiaomi  {count}"]
        await pilot.press("w")  # again: stops watching
        await wait_for_workers(app)
        await settle(pilot)
        assert desk_of(seeded_store).watchlist == {}

        several = many_company_item(app)
        companies = app.reader.item_companies(several)
        move_to_item(app, several)
        await pilot.press("w")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        options = dialog.query_one(OptionList)
        assert options.option_count == len(companies)
        await pilot.press("down", "enter")  # the second company named
        await wait_for_workers(app)
        await settle(pilot)
        assert list(desk_of(seeded_store).watchlist) == [companies[1].key]
        await pilot.press("w")
        await pilot.pause()
        assert str(app.screen.query_one(OptionList).get_option_at_index(1).prompt).startswith("✓")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceDialog)


async def test_ctrl_s_saves_the_filter_and_it_shows_as_a_source_with_a_live_count(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_filter(pilot, "from:caixin is:unread")
        caixin = listed_ids(app)
        assert len(caixin) == 20
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NameDialog)
        box = app.screen.query_one(Input)
        box.value = ""
        for key in ("C", "x"):
            await pilot.press(key)
        await pilot.press("enter")
        await wait_for_workers(app)
        await settle(pilot)
        assert desk_of(seeded_store).saved == {"Cx": "from:caixin is:unread"}
        lines = tree_lines(app)
        assert "Saved searches" in lines and "⌕ Cx  20" in lines
        await pilot.press("escape")  # clear the filter
        await settle(pilot)
        await choose_source(pilot, Source("saved", "Cx", "⌕ Cx"))
        assert listed_ids(app) == caixin
        await pilot.press("enter")  # reads one: the saved search of unread items shrinks
        await settle(pilot)
        assert "⌕ Cx  19" in tree_lines(app)
        assert listed_ids(app) == caixin  # the item just read stays under the cursor

        # the palette's "Save filter as…" opens the same dialog
        await type_filter(pilot, "tencent")
        await pilot.press("ctrl+p")
        await pilot.pause()
        for char in "save filter":
            await pilot.press("space" if char == " " else char)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, NameDialog)
        assert app.screen.query_one(Input).value == "Tencent"  # the matched company's name
        await pilot.press("enter")
        await wait_for_workers(app)
        assert desk_of(seeded_store).saved["Tencent"] == "tencent"


async def test_t_tags_with_completion_and_the_filter_finds_them(seeded_store):
    ids = list(seeded_store.index.ids)
    desk_of(seeded_store).add_tags(ids[5], ["semis"])
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # open the first item
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagDialog)
        box = app.screen.query_one(Input)
        for key in ("s", "e"):
            await pilot.press(key)
        await pilot.pause(0.2)
        assert box._suggestion == "semis"
        await pilot.press("right")  # accepts the completion
        for key in ("space", "A", "I"):
            await pilot.press(key)
        await pilot.press("enter")
        await wait_for_workers(app)
        await settle(pilot)
        assert desk_of(seeded_store).tags_of(ids[0]) == ["semis", "ai"]
        detail = app.reader.query_one(DetailView)
        assert "Tags: #semis #ai" in str(detail.query_one("#detail-desk").render())
        await pilot.press("t")  # a bad tag is refused in the dialog, nothing is written
        await pilot.pause()
        await pilot.press("space", "a", "/", "b", "space", "!", "enter")
        await pilot.pause()
        assert "not one word" in str(app.screen.query_one(".dialog-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert desk_of(seeded_store).tags_of(ids[0]) == ["semis", "ai"]
        await type_filter(pilot, "#semis")
        assert listed_ids(app) == [ids[0], ids[5]]


async def test_N_edits_a_multi_line_note_shown_and_searchable(seeded_store):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        item = articles(app).current_id
        await pilot.press("N")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        for key in ("C", "a", "l", "l", "space", "I", "R", "enter", "q", "q", "x", "z"):
            await pilot.press(key)
        assert app.screen.query_one(TextArea).text == "Call IR\nqqxz"
        await pilot.press("ctrl+s")
        await wait_for_workers(app)
        await settle(pilot)
        assert desk_of(seeded_store).note_of(item) == "Call IR\nqqxz"
        desk_text = str(app.reader.query_one("#detail-desk").render())
        assert "Note: Call IR\nqqxz" in desk_text
        await type_filter(pilot, "qqxz")
        assert listed_ids(app) == [item]
        # Esc in the editor keeps the note as it was
        await pilot.press("enter", "N")
        await pilot.pause()
        await pilot.press("x", "escape")
        await pilot.pause()
        assert desk_of(seeded_store).note_of(item) == "Call IR\nqqxz"


async def test_u_undoes_bookmark_read_tag_and_note_changes_in_turn(seeded_store, notifications):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE, message_hook=notifications) as pilot:
        await settle(pilot)
        item = articles(app).current_id
        assert item is not None
        state = seeded_store.state
        await pilot.press("b", "m")  # bookmark, mark read
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("x", "enter")
        await wait_for_workers(app)
        await pilot.press("N")
        await pilot.pause()
        await pilot.press("h", "i", "ctrl+s")
        await wait_for_workers(app)
        await settle(pilot)
        desk = desk_of(seeded_store)
        assert desk.tags_of(item) == ["x"] and desk.note_of(item) == "hi"
        assert item in state.bookmarks and item in state.read

        async def undo() -> None:
            await pilot.press("u")
            await wait_for_workers(app)
            await settle(pilot)

        await undo()
        assert desk_of(seeded_store).note_of(item) == ""
        await undo()
        assert desk_of(seeded_store).tags_of(item) == []
        await undo()
        assert item not in Store(seeded_store.root, user=TEST_USER).state.read
        await undo()
        assert item not in Store(seeded_store.root, user=TEST_USER).state.bookmarks
        await undo()
        assert notifications.messages()[-1] == "Nothing to undo."
        assert any(m.startswith("Undone: the note of") for m in notifications.messages())


async def test_e_exports_the_current_view(seeded_store, tmp_path: Path, notifications):
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE, message_hook=notifications) as pilot:
        await settle(pilot)
        await type_filter(pilot, "xiaomi")
        shown = listed_ids(app)
        assert shown
        await pilot.press("enter", "e")  # to the list, then export
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        path = dialog.query_one("#path", Input)
        assert path.value.endswith("newsdesk-export.md")
        await pilot.press("down")  # csv
        await pilot.pause()
        assert path.value.endswith("newsdesk-export.csv")
        target = tmp_path / "view.csv"
        path.value = str(target)
        path.focus()
        await pilot.press("enter")
        await wait_for_workers(app)
        await pilot.pause()
        rows = list(csv.DictReader(target.open(encoding="utf-8")))
        assert [r["id"] for r in rows] == shown
        assert notifications.messages()[-1] == f"Exported {len(shown)} items to {target}"

        await pilot.press("e")
        await pilot.pause()
        await pilot.press("down", "down", "down")  # obsidian
        await pilot.pause()
        vault = tmp_path / "vault"
        app.screen.query_one("#path", Input).value = str(vault)
        await pilot.press("enter")  # Enter on the format exports too
        await wait_for_workers(app)
        assert len(list(vault.glob("*.md"))) == len(shown)

        await pilot.press("e")  # a path that cannot be written: a notification, no crash
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(vault)
        app.screen.query_one("#path", Input).focus()
        await pilot.press("enter")
        await wait_for_workers(app)
        await pilot.pause()
        assert "is a folder" in notifications.messages("error")[-1]


async def test_new_items_about_watched_companies_are_announced(seeded_store_dir, notifications):
    store = Store(seeded_store_dir, user=TEST_USER)
    desk_of(store).watch("xiaomi", "Xiaomi Corporation")
    app = NewsdeskApp(store, config=Config(bell=True))
    rings = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE, message_hook=notifications) as pilot:
        await settle(pilot)
        before = len(rows_about(app, "xiaomi"))
        document = {
            "name": "later.txt", "layout": "caixin_listing", "publisher": "Caixin Global",
            "title": "Later", "published": "2031-05-05", "preamble": "",
        }  # fmt: skip

        def item(title: str, tickers: list[str]) -> dict:
            return {
                "title": title, "publisher": "Caixin Global", "documents": ["later.txt"],
                "section": "", "authors": [], "published": "2031-05-05T09:00:00+08:00",
                "body": f"{title}. Body.", "related": [], "companies": [], "tickers": tickers,
            }  # fmt: skip

        other = Store(seeded_store_dir, user=TEST_USER)
        other.add_documents(
            [(document, [item("Xiaomi ships [bold]a car[/bold]", ["1810.HK"]),
                         item("Nothing watched here", ["0941.HK"])])]
        )  # fmt: skip
        await poll(pilot)
        await settle(pilot)
        watch = [n for n in notifications if (n.title or "").startswith("Watchlist")]
        assert [(n.title, n.message) for n in watch] == [
            ("Watchlist · Xiaomi", "Xiaomi ships [bold]a car[/bold]")
        ]
        assert rings == [1]
        assert tree_lines(app)[0] == f"Watchlist  {before + 1}"


async def test_tags_and_notes_written_by_another_process_show_in_the_reader(seeded_store_dir):
    store = Store(seeded_store_dir, user=TEST_USER)
    app = NewsdeskApp(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        item = articles(app).current_id
        assert item is not None
        other = desk_of(store)
        other.add_tags(item, ["elsewhere"])
        other.save_search("mine", "#elsewhere")
        await poll(pilot)
        await settle(pilot)
        assert "Tags: #elsewhere" in str(app.reader.query_one("#detail-desk").render())
        assert "⌕ mine  1" in tree_lines(app)


def test_the_export_dialog_offers_every_format() -> None:
    from store.export import FORMATS
    from tui.screens.desk import EXPORT_FORMATS

    assert [fmt for fmt, _ in EXPORT_FORMATS] == list(FORMATS)


async def test_a_desk_write_that_fails_is_a_notification_and_nothing_changes(
    seeded_store, monkeypatch, notifications
):
    from store.storage.errors import StoreError

    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE, message_hook=notifications) as pilot:
        await settle(pilot)
        item = articles(app).current_id
        assert item is not None and app.desk is not None

        def refuse(*args, **kwargs):
            raise StoreError(f"cannot write store file {app.desk.path}: read-only file system")

        monkeypatch.setattr(app.desk, "set_tags", refuse)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("x", "enter")
        await wait_for_workers(app)
        await pilot.pause()
        assert app.is_running
        assert notifications.messages("error") == [
            f"Saving to the desk failed: cannot write store file {app.desk.path}: "
            "read-only file system"
        ]
        assert desk_of(seeded_store).tags_of(item) == []


async def test_a_damaged_desk_file_is_named_and_the_reader_still_runs(seeded_store, notifications):
    desk_of(seeded_store).add_tags("x", ["y"])
    desk_of(seeded_store).add_tags("x", ["z"])  # a last good copy exists
    (seeded_store.root / f"desk-{TEST_USER}.json").write_text("{ not json")
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE, message_hook=notifications) as pilot:
        await settle(pilot)
        assert app.desk is None
        errors = notifications.messages("error")
        assert len(errors) == 1 and f"desk-{TEST_USER}.json is corrupt" in errors[0]
        assert "newsdesk restore" in errors[0]
        await pilot.press("t")  # says so again instead of opening the dialog
        await pilot.pause()
        assert not isinstance(app.screen, TagDialog)
        assert len(notifications.messages("error")) == 2
        assert len(listed_ids(app)) == len(seeded_store.index)  # the reader itself works
