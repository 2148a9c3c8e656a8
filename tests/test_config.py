"""The config file: users remap keys by binding id."""

from __future__ import annotations

from tui.app import NewsdeskApp
from tui.config import load_config
from tui.widgets.article_list import ArticleList


def test_missing_config_is_empty(tmp_path):
    config = load_config(tmp_path / "none.toml")
    assert config.keymap == {} and config.problem is None


def test_bad_config_is_reported_not_fatal(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[keymap\nbookmark = ", encoding="utf-8")
    config = load_config(path)
    assert config.keymap == {} and "config.toml" in config.problem
    path.write_text('[keymap]\nbookmark = "s"\nquit = 3\n', encoding="utf-8")
    config = load_config(path)
    assert config.keymap == {"bookmark": "s"} and "quit" in config.problem


async def test_a_remapped_key_works_in_the_reader(seeded_store, tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text('[keymap]\nbookmark = "s"\n', encoding="utf-8")
    monkeypatch.setenv("NEWSDESK_CONFIG", str(path))
    app = NewsdeskApp(seeded_store, config=load_config())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        current = app.reader.query_one(ArticleList).current_id
        assert current in seeded_store.state.bookmarks
        await pilot.press("b")  # the old key no longer bookmarks
        await pilot.pause()
        assert current in seeded_store.state.bookmarks


async def test_a_config_problem_is_shown_as_written_not_as_markup(
    seeded_store, tmp_path, notifications
):
    path = tmp_path / "[odd] dir" / "config.toml"
    path.parent.mkdir()
    path.write_text('keymap = "s"\n', encoding="utf-8")
    config = load_config(path)
    app = NewsdeskApp(seeded_store, config=config)
    async with app.run_test(size=(100, 30), message_hook=notifications) as pilot:
        await pilot.pause(0.2)
        [problem] = [n for n in notifications if n.title == "Config"]
        assert "[odd] dir" in problem.message and "[keymap] must be a table" in problem.message
        assert not problem.markup  # shown as written: "[odd]" is not a markup tag


async def test_the_ids_of_the_sources_and_the_company_view_are_known_to_the_keymap(
    seeded_store, tmp_path, notifications
):
    from tui.screens.company import CompanyScreen
    from tui.widgets.sources import SourceTree

    path = tmp_path / "config.toml"
    path.write_text('[keymap]\nexpand = "x"\ncompany_back = "backspace"\n', encoding="utf-8")
    app = NewsdeskApp(seeded_store, config=load_config(path))
    async with app.run_test(size=(160, 48), message_hook=notifications) as pilot:
        await pilot.pause()
        assert [n for n in notifications if n.title == "Config"] == []
        tree = app.reader.query_one(SourceTree)
        await pilot.press("shift+tab", "j", "j", "j", "x")  # the first publisher, expanded
        assert tree.cursor_node.is_expanded
        app.show_company(app.directory.by_ticker("0700.HK").key)
        await pilot.pause()
        assert isinstance(app.screen, CompanyScreen)
        await pilot.press("backspace")
        assert not isinstance(app.screen, CompanyScreen)
