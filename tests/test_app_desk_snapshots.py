"""Snapshots of the reader with a watchlist and saved searches (pytest-textual-snapshot).

Update with `pytest tests/test_app_desk_snapshots.py --snapshot-update` after a deliberate
change; nothing drawn depends on the clock.
"""

from __future__ import annotations

from store.storage.desk import Desk
from tests.conftest import TEST_USER
from tests.test_app import settle
from tui.app import NewsdeskApp


def desk_app(store) -> NewsdeskApp:
    desk = Desk(store.root, user=TEST_USER)
    for key, name in (("tencent", "Tencent Holdings"), ("alibaba", "Alibaba Group Holding"),
                      ("byd", "BYD Company")):  # fmt: skip
        desk.watch(key, name)
    desk.save_search("Caixin unread", "from:caixin is:unread")
    desk.save_search("EV", "byd -nio")
    ids = list(store.index.ids)
    desk.add_tags(ids[1], ["ai", "chips"])
    desk.set_note(ids[1], "Ask IR about the capex plan.\nCompare with SMIC.")
    return NewsdeskApp(store)


async def open_second(pilot) -> None:
    await settle(pilot)
    await pilot.press("j", "enter")
    await settle(pilot)


def test_desk_80x24(seeded_store, snap_compare):
    assert snap_compare(desk_app(seeded_store), terminal_size=(80, 24), run_before=settle)


def test_desk_160x48(seeded_store, snap_compare):
    assert snap_compare(desk_app(seeded_store), terminal_size=(160, 48), run_before=open_second)
