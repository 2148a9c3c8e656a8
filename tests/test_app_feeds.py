"""The reader's feeds: the Feeds group, `r` (fetch in a worker) and `o` (open the link),
against a real HTTP server on 127.0.0.1 started by each test."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import ProgressBar, Static

from store.intake.feedlist import FeedList
from store.intake.fetch import fetch_feeds
from tests.conftest import NotificationLog
from tests.helpers import feed_fixtures as ff
from tests.helpers.feed_server import FeedServer
from tests.test_app import HOSTILE_TITLE, articles, poll, settle, wait_for_workers
from tui.app import NewsdeskApp
from tui.messages import FeedFetched, FeedsFetched
from tui.widgets.sources import FEEDS, SourceTree, feed_source

SIZE = (80, 24)
WIDE = (160, 48)
SEEDED = 75  # items in the seeded store


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


def follow(store, server, *, failing: bool = True, gate: threading.Event | None = None) -> None:
    """36kr (3 items) and technode (2) served; `down` answers 503 (once `gate` is set)."""
    server.route("/36kr.xml", body=ff.kr36(), etag='"36kr-1"')
    server.route("/technode.xml", body=ff.technode(), etag='"tn-1"')
    feeds = FeedList(store.root)
    feeds.add(server.url("/36kr.xml"), name="36kr")
    feeds.add(server.url("/technode.xml"), name="technode")
    if failing:
        server.route("/down.xml", status=503, body=b"", gate=gate)
        feeds.add(server.url("/down.xml"), name="down")


class Log(NotificationLog):
    """Notifications, plus the fetch's own messages in the order they came."""

    def __call__(self, message) -> None:
        super().__call__(message)
        if isinstance(message, FeedFetched | FeedsFetched):
            self.fetch_messages.append(message)

    def __init__(self) -> None:
        super().__init__()
        self.fetch_messages: list = []


def detail_text(app, part: str) -> str:
    return str(app.reader.query_one(f"#detail-{part}", Static).render())


def feed_labels(app) -> dict[str, str]:
    tree = app.reader.query_one(SourceTree)
    group = next(n for n in tree.root.children if n.data == FEEDS)
    return {n.data.value: str(n.label) for n in group.children} | {"": str(group.label)}


async def fetched(pilot, press: bool = True) -> None:
    """`r` pressed: its worker done, the poll it asked for done, the list refiltered."""
    if press:
        await pilot.press("r")
    for _ in range(200):
        await wait_for_workers(pilot.app)
        await pilot.pause()
        if not pilot.app.reader.fetching:
            break
    await poll(pilot)


async def test_the_reader_opens_cache_first_and_r_fetches_in_a_worker(seeded_store, server):
    down = threading.Event()  # the failing feed answers when the test says so
    follow(seeded_store, server, gate=down)
    log = Log()
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        await settle(pilot)
        assert server.requests == []  # nothing fetched at start: the store as it is
        assert feed_labels(app) == {"": "Feeds  0", "36kr": "36kr  0", "technode": "technode  0",
                                    "down": "down  0"}  # fmt: skip
        await pilot.press("r")
        assert app.reader.fetching and app.reader.query_one("#fetch-bar").display
        # the two feeds that answered are listed while the third is still being waited for
        for _ in range(500):
            if len(articles(app).rows) == SEEDED + 5:
                break
            await pilot.pause(0.02)
        assert len(articles(app).rows) == SEEDED + 5 and app.reader.fetching
        await pilot.press("j", "k")  # the UI answers meanwhile
        assert app.reader.query_one("#fetch-progress", ProgressBar).progress == 2
        down.set()
        await fetched(pilot, press=False)
        assert not app.reader.query_one("#fetch-bar").display

        # every feed asked for once; the items of the two that worked are listed
        assert sorted(p for p, _ in server.requests) == ["/36kr.xml", "/down.xml", "/technode.xml"]
        assert len(app.store.index) == SEEDED + 5
        assert len(articles(app).rows) == SEEDED + 5
        titles = {app.store.index.title[r] for r in articles(app).rows}
        assert "腾讯控股：2024年第四季度营收1724亿元" in titles

        # progress: one message per feed, counting up to all of them, then the end
        per_feed = [m for m in log.fetch_messages if isinstance(m, FeedFetched)]
        assert sorted(m.result.name for m in per_feed) == ["36kr", "down", "technode"]
        assert [m.done for m in per_feed] == [1, 2, 3] and {m.total for m in per_feed} == {3}
        assert isinstance(log.fetch_messages[-1], FeedsFetched)
        assert app.reader.query_one("#fetch-progress", ProgressBar).progress == 3

        # the failing feed named in a notification, the rest summed up
        assert "down: HTTP 503" in log.messages("error")
        assert "5 new items, 1 failed" in log.messages("warning")
        labels = feed_labels(app)
        assert labels["36kr"] == "36kr  3" and labels["technode"] == "technode  2"
        assert labels["down"] == "✗ down  0" and labels[""] == "Feeds  5  ✗1"


async def test_the_feeds_group_counts_unread_and_a_failing_feed_shows_its_error(
    seeded_store, server
):
    follow(seeded_store, server)
    fetch_feeds(seeded_store)  # as `newsdesk fetch` would, before the reader starts
    seeded_store.refresh()
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        tree = app.reader.query_one(SourceTree)
        tree.select_source(feed_source("36kr"))
        await settle(pilot)
        assert len(articles(app).rows) == 3  # the feed's own items
        assert app.reader.query_one("#articles-pane").border_title == "Articles · Feed 36kr"
        assert "36氪" in detail_text(app, "title")
        assert "3 items · 3 unread" in detail_text(app, "meta")
        assert "3 new, 0 known" in detail_text(app, "companies")

        await pilot.press("enter")  # the list has the focus: open the first item (read)
        await settle(pilot)
        assert feed_labels(app)["36kr"] == "36kr  2"
        assert feed_labels(app)[""] == "Feeds  4  ✗1"

        tree.select_source(feed_source("down"))
        await settle(pilot)
        assert articles(app).rows == []
        assert articles(app).empty_message == "No items · last fetch failed: HTTP 503"
        assert "✗ Last error: HTTP 503" in detail_text(app, "companies")
        assert server.url("/down.xml") in detail_text(app, "meta")

        tree.select_source(FEEDS)  # the group: every feed's items, a line per feed
        await settle(pilot)
        assert len(articles(app).rows) == 5
        body = detail_text(app, "body")
        assert "✗ down  0 unread · HTTP 503" in body and "technode  2 unread · 2 new" in body


async def test_a_feed_fetched_elsewhere_shows_its_status_on_the_next_poll(seeded_store, server):
    follow(seeded_store, server, failing=False)
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await poll(pilot)
        fetch_feeds(type(seeded_store)(seeded_store.root, user=seeded_store.user))
        await poll(pilot)
        assert feed_labels(app) == {"": "Feeds  5", "36kr": "36kr  3", "technode": "technode  2"}
        server.route("/technode.xml", status=500, body=b"")
        server.route("/36kr.xml", body=ff.kr36())  # no ETag now: fetched again, all known
        fetch_feeds(type(seeded_store)(seeded_store.root, user=seeded_store.user))
        await poll(pilot)  # no new items: only feeds.json changed
        assert feed_labels(app)["technode"] == "✗ technode  2"


async def test_r_without_feeds_says_how_to_add_one(seeded_store):
    log = NotificationLog()
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        await settle(pilot)
        tree = app.reader.query_one(SourceTree)
        assert FEEDS not in [n.data for n in tree.root.children]
        await pilot.press("r")
        await settle(pilot)
        assert any("newsdesk feeds add URL" in m for m in log.messages("warning"))
        assert not app.reader.fetching


async def test_a_feeds_untrusted_text_is_never_markup(seeded_store, server):
    """A feed's title and its items' titles, a server's error: shown as written."""
    hostile = HOSTILE_TITLE.replace("&", "&amp;").replace("<", "&lt;")
    body = ff.kr36().replace("<title>36氪</title>".encode(), f"<title>{hostile}</title>".encode())
    body = body.replace("腾讯控股".encode(), hostile.encode())
    server.route("/x.xml", body=body)
    FeedList(seeded_store.root).add(server.url("/x.xml"), name="x")
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        await fetched(pilot)
        tree = app.reader.query_one(SourceTree)
        tree.select_source(feed_source("x"))
        await settle(pilot)
        assert HOSTILE_TITLE in detail_text(app, "title")
        titles = {app.store.index.title[r] for r in articles(app).rows}
        assert any(HOSTILE_TITLE in t for t in titles)
        assert app.is_running  # the [@click=app.quit] was text, not an action


# --- o: the item's link ---------------------------------------------------------------


@pytest.fixture
def fetched_store(seeded_store, server):
    follow(seeded_store, server, failing=False)
    fetch_feeds(seeded_store)
    seeded_store.refresh()
    return seeded_store


async def open_the_36kr_item(pilot, title: str) -> None:
    await settle(pilot)
    app = pilot.app
    index = app.store.index
    row = next(r for r in articles(app).rows if index.title[r] == title)
    articles(app).move_cursor(articles(app).rows.index(row))
    await pilot.press("enter")
    await settle(pilot)


XIAOMI = "小米集团2024年营收3659亿元，汽车业务首年交付超13.5万辆"
XIAOMI_LINK = "https://36kr.com/p/3216548862419072?f=rss"


async def test_o_opens_the_link_in_the_browser(fetched_store, monkeypatch):
    opened: list[str] = []
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("webbrowser.open", lambda url, **options: opened.append(url) or True)
    log = NotificationLog()
    app = NewsdeskApp(fetched_store)
    async with app.run_test(size=WIDE, message_hook=log) as pilot:
        await open_the_36kr_item(pilot, XIAOMI)
        assert f"Link: {XIAOMI_LINK}" in detail_text(app, "meta")  # shown with the item
        await pilot.press("o")
        await wait_for_workers(app)
        await pilot.pause()
        assert opened == [XIAOMI_LINK]
        assert [n.title for n in log if n.message == XIAOMI_LINK] == ["Opened in the browser"]


async def test_o_over_ssh_shows_the_link_to_copy(fetched_store, monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
    monkeypatch.setattr("webbrowser.open", lambda *a, **k: pytest.fail("no browser over SSH"))
    log = NotificationLog()
    app = NewsdeskApp(fetched_store)
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        await open_the_36kr_item(pilot, XIAOMI)
        await pilot.press("o")
        await pilot.pause()
        (shown,) = [n for n in log if n.message == XIAOMI_LINK]
        assert shown.title.endswith("copy the link") and not shown.markup
        assert app.clipboard == XIAOMI_LINK


async def test_o_when_the_browser_fails_shows_the_link(fetched_store, monkeypatch):
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("webbrowser.open", lambda *a, **k: False)  # no browser took it
    log = NotificationLog()
    app = NewsdeskApp(fetched_store)
    async with app.run_test(size=WIDE, message_hook=log) as pilot:
        await open_the_36kr_item(pilot, XIAOMI)
        await pilot.press("o")
        await wait_for_workers(app)
        await pilot.pause()
        assert [n.title for n in log if n.message == XIAOMI_LINK] == [
            "No browser opened it: copy the link"
        ]


async def test_o_on_an_item_without_a_link_says_so(fetched_store, monkeypatch):
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr("webbrowser.open", lambda *a, **k: pytest.fail("nothing to open"))
    log = NotificationLog()
    app = NewsdeskApp(fetched_store)
    async with app.run_test(size=WIDE, message_hook=log) as pilot:
        await settle(pilot)
        index = app.store.index
        row = next(r for r in articles(app).rows if not index.documents[r][0].startswith("feed:"))
        articles(app).move_cursor(articles(app).rows.index(row))
        await pilot.press("o")
        await pilot.pause()
        assert any("has no link" in m for m in log.messages())


def test_a_browser_is_used_only_where_the_user_sees_it():
    from tui.links import browser_reachable, openable

    ssh = {"SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22"}
    assert browser_reachable({"DISPLAY": ":0", **ssh}, "linux")  # X forwarded over SSH
    assert browser_reachable({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not browser_reachable(ssh, "linux") and not browser_reachable(ssh, "darwin")
    assert not browser_reachable({}, "linux")  # a console: a text browser would take it over
    assert browser_reachable({}, "darwin") and browser_reachable({}, "win32")
    assert openable("https://36kr.com/p/1?f=rss") and openable("http://127.0.0.1:8080/x")
    assert not any(map(openable, ["javascript:alert(1)", "file:///etc/passwd", "-x", ""]))
