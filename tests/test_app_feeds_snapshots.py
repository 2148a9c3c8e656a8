"""A snapshot of the sources pane with feeds (pytest-textual-snapshot): the Feeds group with
unread counts and a failing feed marked, its items listed. The feeds are fetched from a real
local server first; the fetch times are then fixed, so nothing drawn depends on the clock.

Update with `pytest tests/test_app_feeds_snapshots.py --snapshot-update` after a deliberate
change.
"""

from __future__ import annotations

from store.intake.feedlist import FeedList
from store.intake.fetch import fetch_feeds
from tests.helpers.feed_server import FeedServer
from tests.test_app import settle
from tests.test_app_feeds import follow
from tui.app import NewsdeskApp

FETCHED_AT = "2025-04-01T09:30:00+08:00"


def test_sources_with_feeds_80x24(seeded_store, snap_compare):
    with FeedServer() as server:
        follow(seeded_store, server)
        fetch_feeds(seeded_store)
    feeds = FeedList(seeded_store.root)
    feeds.record({f.name: {"last_fetch": FETCHED_AT} for f in feeds.load()})
    seeded_store.refresh()
    index = seeded_store.index
    read = index.ids[index.rows_by_document["feed:36kr"][0]]
    seeded_store.state.set_read(read, True)  # one of 36kr's read: 2 unread of its 3

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("shift+tab", "j", "j", "j", "j")  # Sources: on the first feed
        await settle(pilot)

    assert snap_compare(NewsdeskApp(seeded_store), terminal_size=(80, 24), run_before=run_before)
