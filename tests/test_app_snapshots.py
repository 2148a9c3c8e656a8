"""Snapshot tests of the reader (pytest-textual-snapshot) over a store built from /seeds.

Nothing on screen depends on the clock: no header clock, and item ids are content hashes.
Update with `pytest tests/test_app_snapshots.py --snapshot-update` after a deliberate change.
"""

from __future__ import annotations

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
