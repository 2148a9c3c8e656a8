"""Snapshot tests of the reader (pytest-textual-snapshot) over a store built from /seeds.

Nothing on screen depends on the clock: no header clock, and item ids are content hashes.
Update with `pytest tests/test_app_snapshots.py --snapshot-update` after a deliberate change.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tui.app import NewsdeskApp
from tui.screens.reader import DEBOUNCE_SECONDS


async def _settle(pilot) -> None:
    await pilot.pause(DEBOUNCE_SECONDS + 0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _filter_then(query: str, *keys: str):
    async def run_before(pilot) -> None:
        await pilot.press("slash")
        box = pilot.app.reader.query_one("#filter", Input)
        box.cursor_blink = False  # a blinking cursor would make the picture time-dependent
        box.value = query
        await _settle(pilot)
        await pilot.press(*keys)
        await _settle(pilot)

    return run_before


def test_start_80x24(seeded_store, snap_compare):
    assert snap_compare(NewsdeskApp(seeded_store), terminal_size=(80, 24))


def test_open_item_80x24(seeded_store, snap_compare):
    assert snap_compare(
        NewsdeskApp(seeded_store), terminal_size=(80, 24), press=["j", "j", "enter", "b"]
    )


def test_start_160x48(seeded_store, snap_compare):
    assert snap_compare(NewsdeskApp(seeded_store), terminal_size=(160, 48))


def test_filter_and_open_160x48(seeded_store, snap_compare):
    assert snap_compare(
        NewsdeskApp(seeded_store),
        terminal_size=(160, 48),
        run_before=_filter_then("tencnt", "enter", "j", "enter"),
    )


def test_chinese_filter_160x48(seeded_store, snap_compare):
    assert snap_compare(
        NewsdeskApp(seeded_store),
        terminal_size=(160, 48),
        run_before=_filter_then("联想", "enter", "enter"),
    )


def test_company_view_80x24(seeded_store, snap_compare):
    assert snap_compare(
        NewsdeskApp(seeded_store),
        terminal_size=(80, 24),
        run_before=_filter_then("0700", "enter", "c"),
    )


def test_no_match_80x24(seeded_store, snap_compare):
    assert snap_compare(
        NewsdeskApp(seeded_store), terminal_size=(80, 24), run_before=_filter_then("qqzzxx")
    )


def test_help_80x24(seeded_store, snap_compare):
    assert snap_compare(NewsdeskApp(seeded_store), terminal_size=(80, 24), press=["question_mark"])


def test_narrow_40x12(seeded_store, snap_compare):
    assert snap_compare(NewsdeskApp(seeded_store), terminal_size=(40, 12), press=["j", "enter"])


# --- each view at 80x24 (SSH) and at 160x48 ------------------------------------------

SIZES = [(80, 24), (160, 48)]


def _bookmark_the_second_item(store) -> None:
    """A bookmark set before start (a "Bookmarked" toast would make the picture timing-bound)."""
    store.state.set_bookmarked(store.index.ids[1], True)


SIZE_IDS = ["80x24", "160x48"]


def test_company_view_160x48(seeded_store, snap_compare):
    assert snap_compare(
        NewsdeskApp(seeded_store),
        terminal_size=(160, 48),
        run_before=_filter_then("0700", "enter", "c"),
    )


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_command_palette(seeded_store, snap_compare, size):
    async def run_before(pilot) -> None:
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.press(*"tencent")  # the reader's commands and "Company: Tencent …"
        await pilot.pause(0.5)

    assert snap_compare(NewsdeskApp(seeded_store), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_error_notification(seeded_store, snap_compare, monkeypatch, size):
    """A failed filter: a notification naming what failed, over a reader still running."""
    import tui.screens.reader as reader_module

    def evaluate(query, *args, **options):  # the filter: the query language over search
        raise RuntimeError("the search index is damaged")

    app = NewsdeskApp(seeded_store)

    async def run_before(pilot) -> None:
        await _settle(pilot)
        monkeypatch.setattr(reader_module, "evaluate", evaluate)
        await pilot.press("slash")
        box = pilot.app.reader.query_one("#filter", Input)
        box.cursor_blink = False
        box.value = "tencent"
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_sources_tree_expanded(seeded_store, snap_compare, size):
    """The sources pane with the first publisher's documents shown (space expands)."""
    assert snap_compare(
        NewsdeskApp(seeded_store),
        terminal_size=size,
        press=["shift+tab", "j", "j", "j", "space", "j"],
    )


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_reader_with_no_color(seeded_store, snap_compare, monkeypatch, size):
    """NO_COLOR: focus, cursor and marks still show (by border type and text style)."""
    _bookmark_the_second_item(seeded_store)
    monkeypatch.setenv("NO_COLOR", "1")
    app = NewsdeskApp(seeded_store)  # reads NO_COLOR when made
    assert app.no_color
    assert snap_compare(app, terminal_size=size, press=["j", "j", "enter"])


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_reader_in_16_colours(seeded_store, snap_compare, size):
    """The ANSI theme: only the terminal's own 16 colours, as on a basic terminal."""
    _bookmark_the_second_item(seeded_store)
    app = NewsdeskApp(seeded_store)

    async def run_before(pilot) -> None:
        pilot.app.theme = "ansi-dark"
        await pilot.press("j", "j", "enter")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
