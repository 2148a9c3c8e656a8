"""Fetching feeds into a real store from a real local HTTP server."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from store.intake.feedlist import FeedList, ItemLinks
from store.intake.fetch import fetch_feeds
from store.intake.http import Fetcher
from store.storage.store import Store
from tests.conftest import TEST_USER
from tests.helpers import feed_fixtures as ff
from tests.helpers.feed_server import FeedServer

OUTLETS = {
    "scmp-tech": ff.scmp_tech,
    "technode": ff.technode,
    "36kr": ff.kr36,
    "pandaily": ff.pandaily,
    "krasia": ff.krasia,
    "sixthtone": ff.sixth_tone,
    "weekly": ff.json_feed,
}


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store", user=TEST_USER)


def _follow(store, server, names=OUTLETS, **route):
    feeds = FeedList(store.root)
    for name in names:
        server.route(f"/{name}.xml", body=OUTLETS[name](), etag=f'"{name}-1"', **route)
        feeds.add(server.url(f"/{name}.xml"), name=name, tags=["china"])


def _records(store) -> list[dict]:
    return store.get_many(store.index.ids)


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        p.name: (p.stat().st_mtime_ns, p.stat().st_size)
        for p in root.iterdir()
        if p.is_file() and not p.name.startswith(".")
    }


def test_fetch_stores_every_outlet_with_its_fields(store, server):
    _follow(store, server)
    lines = []
    results = fetch_feeds(
        store, fetcher=Fetcher(timeout=5), on_result=lambda r: lines.append(r.line())
    )
    assert [r.line() for r in results] == [
        "scmp-tech: 3 new, 0 known",
        "technode: 2 new, 0 known",
        "36kr: 3 new, 0 known",
        "pandaily: 2 new, 0 known",
        "krasia: 1 new, 0 known",
        "sixthtone: 2 new, 0 known",
        "weekly: 2 new, 0 known",
    ]
    assert sorted(lines) == sorted(r.line() for r in results)
    store.refresh()
    records = {r["title"]: r for r in _records(store)}
    assert len(records) == 15
    wechat = records["Tencent's WeChat rolls out AI search powered by DeepSeek"]
    assert wechat["publisher"] == "Tech - South China Morning Post"
    assert wechat["documents"] == ["feed:scmp-tech"]
    assert wechat["published"] == "2025-02-16T19:30:08+08:00"
    assert wechat["authors"] == ["Ben Jiang"]
    assert "0700.HK" in wechat["tickers"]
    xiaomi = records["小米集团2024年营收3659亿元，汽车业务首年交付超13.5万辆"]
    assert xiaomi["publisher"] == "36氪" and "1810.HK" in xiaomi["tickers"]
    assert xiaomi["body"].endswith("[image: 小米SU7]")
    byd = records["BYD to build third European plant as EV exports climb"]
    assert byd["section"] == "Automotive" and "1211.HK" in byd["tickers"]
    # newest first, whatever order the feeds gave
    published = [store.index.published[row] for row in range(len(store.index))]
    assert published[0].startswith("2025-05-13") and published[-1].startswith("2025-02-13")
    links = ItemLinks.load(store.root)
    assert links.link_of(wechat["id"]).endswith("/tencents-wechat-rolls-out-ai-search")
    listed = {f.name: f for f in FeedList(store.root).load()}
    assert listed["36kr"].etag == '"36kr-1"' and listed["36kr"].last_status == "3 new, 0 known"
    assert listed["36kr"].title == "36氪" and listed["36kr"].last_fetch


def test_second_fetch_is_all_304_and_writes_nothing_to_the_corpus(store, server):
    _follow(store, server)
    fetch_feeds(store, fetcher=Fetcher(timeout=5))
    before = _snapshot(store.root)
    results = fetch_feeds(store, fetcher=Fetcher(timeout=5))
    assert {r.line() for r in results} == {f"{n}: not modified" for n in OUTLETS}
    after = _snapshot(store.root)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed <= {"feeds.json", "feeds.json.bak"}  # only "last fetch" was noted
    for name in OUTLETS:
        assert server.hits(f"/{name}.xml")[-1]["If-None-Match"] == f'"{name}-1"'


def test_unchanged_feed_without_etag_is_all_known_and_not_rewritten(store, server):
    server.route("/tn.xml", body=ff.technode())
    FeedList(store.root).add(server.url("/tn.xml"), name="technode")
    assert fetch_feeds(store, fetcher=Fetcher(timeout=5))[0].line() == "technode: 2 new, 0 known"
    # manifest.json is replaced by every commit of the store
    committed = (store.root / "manifest.json").stat().st_mtime_ns
    assert fetch_feeds(store, fetcher=Fetcher(timeout=5))[0].line() == "technode: 0 new, 2 known"
    assert (store.root / "manifest.json").stat().st_mtime_ns == committed


def test_same_guid_with_an_edited_title_is_known(store, server):
    server.route("/f.xml", body=ff.kr36())
    FeedList(store.root).add(server.url("/f.xml"), name="36kr")
    fetch_feeds(store, fetcher=Fetcher(timeout=5))
    edited = ff.kr36().replace(
        "腾讯控股：2024年第四季度营收1724亿元".encode(), "腾讯：Q4营收1724亿元（更新）".encode()
    )
    server.route("/f.xml", body=edited)
    assert fetch_feeds(store, fetcher=Fetcher(timeout=5))[0].line() == "36kr: 0 new, 3 known"
    store.refresh()
    assert len(store.index) == 3


def test_a_mirror_with_the_same_links_is_known(store, server):
    server.route("/a.xml", body=ff.pandaily())
    server.route(
        "/b.xml", body=ff.pandaily().replace(b"<title>Pandaily</title>", b"<title>Mirror</title>")
    )
    FeedList(store.root).add(server.url("/a.xml"), name="pandaily")
    FeedList(store.root).add(server.url("/b.xml"), name="mirror")
    lines = [r.line() for r in fetch_feeds(store, ["pandaily"], fetcher=Fetcher(timeout=5))]
    lines += [r.line() for r in fetch_feeds(store, ["mirror"], fetcher=Fetcher(timeout=5))]
    assert lines == ["pandaily: 2 new, 0 known", "mirror: 0 new, 2 known"]


def test_failures_are_named_and_the_others_stored(store, server):
    _follow(store, server, names=["36kr", "technode"])
    feeds = FeedList(store.root)
    server.route("/gone.xml", status=404, body=b"no")
    server.route("/broken.xml", status=503, body=b"down")
    server.route("/home.html", body=ff.HTML_PAGE, content_type="text/html")
    server.route("/bomb.xml", body=ff.BILLION_LAUGHS)
    server.route("/slow.xml", body=ff.technode(), delay=5)
    server.route("/loop1", status=302, location="/loop2")
    server.route("/loop2", status=302, location="/loop1")
    server.route("/huge.xml", endless=50 * 1024 * 1024)
    for name, path in [
        ("gone", "/gone.xml"),
        ("broken", "/broken.xml"),
        ("x", "/home.html"),
        ("bomb", "/bomb.xml"),
        ("scmp-tech", "/slow.xml"),
        ("loop", "/loop1"),
        ("huge", "/huge.xml"),
    ]:
        feeds.add(server.url(path), name=name)
    fetcher = Fetcher(timeout=0.5, max_bytes=1024 * 1024)
    lines = [r.line() for r in fetch_feeds(store, fetcher=fetcher)]
    assert lines == [
        "36kr: 3 new, 0 known",
        "technode: 2 new, 0 known",
        "gone: HTTP 404",
        "broken: HTTP 503",
        "x: not a feed (HTML page)",
        "bomb: refused: the feed declares XML entities (entity expansion is not allowed)",
        "scmp-tech: timed out after 0.5 s",
        f"loop: redirect loop (2 redirects back to {server.url('/loop1')})",
        "huge: too large (more than 1.0 MB)",
    ]
    store.refresh()
    assert len(store.index) == 5
    listed = {f.name: f for f in FeedList(store.root).load()}
    assert listed["broken"].last_error == "HTTP 503" and listed["broken"].failing
    assert not listed["36kr"].failing


def test_a_feed_that_failed_keeps_its_etag(store, server):
    _follow(store, server, names=["36kr"])
    fetch_feeds(store, fetcher=Fetcher(timeout=5))
    server.route("/36kr.xml", status=500, body=b"")
    assert fetch_feeds(store, fetcher=Fetcher(timeout=5))[0].line() == "36kr: HTTP 500"
    assert FeedList(store.root).get("36kr").etag == '"36kr-1"'


def test_unknown_feed_name(store, server):
    _follow(store, server, names=["36kr"])
    results = fetch_feeds(store, ["nope", "36kr"], fetcher=Fetcher(timeout=5))
    assert [r.line() for r in results] == [
        "nope: no such feed (see: newsdesk feeds list)",
        "36kr: 3 new, 0 known",
    ]


def test_a_caixin_story_in_a_feed_and_a_listing_is_one_item_with_both_sources(seeded_store, server):
    store = seeded_store
    listing = "001_ce5775964d962981.txt"
    before = {
        r["id"]: r
        for r in store.get_many(store.index.ids)
        if any(d.endswith("/" + listing) for d in r["documents"])
    }
    boe = next(
        r for r in before.values() if r["title"].startswith("Chinese display panel maker BOE")
    )
    store.state.set_bookmarked(boe["id"], True)
    store.state.set_read(boe["id"], True)
    count = len(store.index)
    server.route("/caixin.xml", body=ff.caixin_feed())
    FeedList(store.root).add(server.url("/caixin.xml"), name="caixin")
    (result,) = fetch_feeds(store, fetcher=Fetcher(timeout=5))
    assert result.line() == "caixin: 0 new, 2 known"
    store.refresh()
    assert len(store.index) == count
    merged = store.get(boe["id"])
    # documents are named by their path; the feed by its name
    assert [d.rsplit("/", 1)[-1] for d in merged["documents"]] == [listing, "feed:caixin"]
    assert merged["bookmarked"] and merged["read"]
    assert ItemLinks.load(store.root).link_of(boe["id"]).endswith("/story-0.html")


def test_full_fetches_the_article_page_and_keeps_its_main_text(store, server):
    paragraphs = [
        f"第{i}段：小米集团（1810.HK）今日发布新款电动汽车，雷军表示小米汽车将在三年内进入全球前五。"
        "这是一段足够长的中文正文，用于测试正文提取的效果。"
        for i in range(5)
    ]
    page = (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>小米发布</title>"
        "</head><body><nav><a href='/'>首页</a><a href='/news'>快讯</a></nav>"
        "<article><h1>小米发布新车</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article><footer>© 36氪 京ICP备12345号</footer></body></html>"
    ).encode()
    server.route("/p/1", body=page, content_type="text/html; charset=utf-8")
    feed = (
        "<rss version='2.0'><channel><title>36氪</title><item><title>小米发布新车</title>"
        f"<link>{server.url('/p/1')}</link><description>小米发布新车。</description></item>"
        "</channel></rss>"
    ).encode()
    server.route("/feed", body=feed)
    FeedList(store.root).add(server.url("/feed"), name="36kr")
    fetch_feeds(store, full=True, fetcher=Fetcher(timeout=5))
    store.refresh()
    (record,) = _records(store)
    body = record["body"].split("\n\n")
    assert body[-5:] == paragraphs
    assert "首页" not in record["body"] and "ICP" not in record["body"]
    assert "1810.HK" in record["tickers"]


def test_two_fetches_at_once_lose_nothing(store, server):
    import threading

    _follow(store, server, names=["36kr", "technode", "pandaily"])
    other = Store(store.root, user=TEST_USER)
    errors = []

    def run(s):
        try:
            fetch_feeds(s, fetcher=Fetcher(timeout=5))
        except Exception as exc:  # pragma: no cover - the assertion shows it
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in (store, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    store.refresh()
    assert len(store.index) == 7
    assert len(ItemLinks.load(store.root).items) == 7
    assert os.path.exists(store.root / "feeds.json")


def test_a_slow_feed_does_not_hold_back_the_ones_that_came_before_it(store, server):
    """What has arrived is stored while a slow feed is still being waited for (the reader
    lists it then): each result comes as its feed is in the store."""
    slow = threading.Event()
    server.route("/fast.xml", body=ff.technode())
    server.route("/slow.xml", body=ff.kr36(), gate=slow)
    FeedList(store.root).add(server.url("/fast.xml"), name="fast")
    FeedList(store.root).add(server.url("/slow.xml"), name="slow")
    seen: dict[str, tuple[bool, int]] = {}

    def on_result(result) -> None:
        seen[result.name] = (slow.is_set(), len(Store(store.root).index))
        slow.set()  # the slow feed answers once the fast one is stored

    results = fetch_feeds(store, fetcher=Fetcher(timeout=60), on_result=on_result)
    assert [r.line() for r in results] == ["fast: 2 new, 0 known", "slow: 3 new, 0 known"]
    assert seen == {"fast": (False, 2), "slow": (True, 5)}
