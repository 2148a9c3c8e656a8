"""`newsdesk feeds`, `fetch`, `ingest page.html/report.pdf` and `watch` through the installed
entry point, against a real local HTTP server."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.helpers import feed_fixtures as ff
from tests.helpers.feed_server import FeedServer, wait_for
from tests.helpers.tiny_pdf import write_pdf
from tests.test_cli import NEWSDESK, run


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "store"


def nd(db: Path, *args: str, check: int | None = 0) -> subprocess.CompletedProcess:
    return run("--db", str(db), *args, check=check)


def test_feeds_add_list_remove(db, server):
    server.route("/36kr.xml", body=ff.kr36())
    out = nd(db, "feeds", "add", server.url("/36kr.xml"), "--name", "36kr", "--tag", "cn")
    assert out.stdout == f"added 36kr: {server.url('/36kr.xml')} [cn]\n"
    again = nd(db, "feeds", "add", server.url("/36kr.xml"), check=1)
    assert again.stderr == f"newsdesk: already following {server.url('/36kr.xml')} (as 36kr)\n"
    bad = nd(db, "feeds", "add", "ftp://example.com/feed", check=1)
    assert bad.stderr == "newsdesk: not an http(s) feed URL: ftp://example.com/feed\n"
    listed = nd(db, "feeds", "list").stdout.splitlines()
    assert listed == [f"36kr\t{server.url('/36kr.xml')}\t0\tnever\tnot fetched yet"]
    nd(db, "fetch")
    (row,) = json.loads(nd(db, "feeds", "list", "--json").stdout)
    assert row["items"] == 3 and row["last_status"] == "3 new, 0 known" and row["tags"] == ["cn"]
    assert row["unread"] == 3
    assert nd(db, "feeds", "remove", "36kr").stderr == "its 3 items stay in the store\n"
    assert nd(db, "feeds", "list").stderr.startswith("newsdesk: no feeds yet")
    assert len(json.loads(nd(db, "list", "--json").stdout)) == 3


def test_an_item_from_a_feed_shows_its_link(db, server):
    """`show`, `show --json` and `list --json` give a feed item's link; an item from a
    document has none (""), and a store without a feed-items file reads as before."""
    nd(db, "ingest", str(ff.seed_path("caixin")))
    documents_only = json.loads(nd(db, "list", "--json", "--limit", "0").stdout)
    assert documents_only and all(item["link"] == "" for item in documents_only)
    server.route("/36kr.xml", body=ff.kr36())
    nd(db, "feeds", "add", server.url("/36kr.xml"), "--name", "36kr")
    nd(db, "fetch")
    items = json.loads(nd(db, "list", "--json", "--limit", "0").stdout)
    by_title = {item["title"]: item for item in items}
    xiaomi = by_title["小米集团2024年营收3659亿元，汽车业务首年交付超13.5万辆"]
    assert xiaomi["link"] == "https://36kr.com/p/3216548862419072?f=rss"
    assert xiaomi["documents"] == ["feed:36kr"]
    shown = json.loads(nd(db, "show", xiaomi["id"], "--json").stdout)
    assert shown["link"] == xiaomi["link"]
    assert list(shown).index("link") == list(shown).index("published") + 1
    text = nd(db, "show", xiaomi["id"]).stdout
    assert "link: https://36kr.com/p/3216548862419072?f=rss" in text
    other = next(i for i in items if i["documents"] != ["feed:36kr"])
    assert "link:" not in nd(db, "show", other["id"]).stdout


def test_fetch_one_line_per_feed_and_exit_1_when_one_failed(db, server):
    server.route("/36kr.xml", body=ff.kr36(), etag='"a"')
    server.route("/technode.xml", body=ff.technode(), etag='"b"')
    server.route("/down.xml", status=503, body=b"")
    server.route("/home.html", body=ff.HTML_PAGE, content_type="text/html")
    server.route("/slow.xml", body=ff.scmp_tech(), delay=10)
    for name, path in [
        ("36kr", "/36kr.xml"),
        ("technode", "/technode.xml"),
        ("down", "/down.xml"),
        ("x", "/home.html"),
        ("scmp-tech", "/slow.xml"),
    ]:
        nd(db, "feeds", "add", server.url(path), "--name", name)
    first = nd(db, "fetch", "--timeout", "1", check=1)
    assert sorted(first.stdout.splitlines()) == [
        "36kr: 3 new, 0 known",
        "down: HTTP 503",
        "scmp-tech: timed out after 1 s",
        "technode: 2 new, 0 known",
        "x: not a feed (HTML page)",
    ]
    assert first.stderr == "newsdesk: 3 of 5 feeds failed; the others were stored\n"
    second = nd(db, "fetch", "36kr", "technode")
    assert sorted(second.stdout.splitlines()) == ["36kr: not modified", "technode: not modified"]
    assert second.stderr == ""
    unknown = nd(db, "fetch", "nope", check=1)
    assert unknown.stdout == "nope: no such feed (see: newsdesk feeds list)\n"
    status = {r["name"]: r for r in json.loads(nd(db, "feeds", "list", "--json").stdout)}
    assert status["down"]["last_error"] == "HTTP 503"
    assert status["36kr"]["last_status"] == "not modified" and status["36kr"]["items"] == 3


def test_opml_import_and_export_keep_tags(db, tmp_path):
    opml = tmp_path / "subs.opml"
    opml.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>from another reader</title></head><body>
<outline text="China tech" title="China tech">
  <outline type="rss" text="TechNode" xmlUrl="https://technode.com/feed/" category="/ev,/startups"/>
  <outline type="rss" text="36氪" xmlUrl="https://36kr.com/feed"/>
</outline>
<outline type="rss" text="SCMP Tech" title="SCMP Tech" xmlUrl="https://www.scmp.com/rss/36/feed"/>
<outline type="rss" text="dup" xmlUrl="https://36kr.com/feed"/>
<outline type="rss" text="bad" xmlUrl="javascript:alert(1)"/>
</body></opml>""",
        encoding="utf-8",
    )
    result = nd(db, "feeds", "import", str(opml))
    assert result.stdout.splitlines() == [
        "added TechNode: https://technode.com/feed/ [China tech, ev, startups]",
        "added 36氪: https://36kr.com/feed [China tech]",
        "added SCMP-Tech: https://www.scmp.com/rss/36/feed",
    ]
    assert result.stderr.splitlines()[-1] == f"newsdesk: 3 feeds added from {opml}, 2 skipped"
    exported = nd(db, "feeds", "export").stdout
    assert exported.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert (
        '<outline type="rss" text="TechNode" title="TechNode" '
        'xmlUrl="https://technode.com/feed/" category="China tech,ev,startups"/>'
    ) in exported
    # what we export, another newsdesk imports with the same names and tags
    (tmp_path / "out.opml").write_text(exported, encoding="utf-8")
    other = tmp_path / "other"
    nd(other, "feeds", "import", str(tmp_path / "out.opml"))
    mine = [
        (r["name"], r["url"], r["tags"])
        for r in json.loads(nd(db, "feeds", "list", "--json").stdout)
    ]
    theirs = [
        (r["name"], r["url"], r["tags"])
        for r in json.loads(nd(other, "feeds", "list", "--json").stdout)
    ]
    assert mine == theirs


def test_import_refuses_a_file_that_is_not_opml(db, tmp_path):
    path = tmp_path / "x.opml"
    path.write_bytes(ff.BILLION_LAUGHS)
    assert (
        nd(db, "feeds", "import", str(path), check=1).stderr
        == f"newsdesk: {path}: not an OPML file\n"
    )


def test_ingest_a_saved_page_and_a_pdf(db, tmp_path):
    from tests.test_intake_pages import _article_page, wrap_in_page

    page = tmp_path / "caixin.html"
    page.write_bytes(wrap_in_page(ff.seed_text("caixin"), "Caixin Global – CX Tech"))
    article, _ = _article_page()
    (tmp_path / "article.html").write_bytes(article)
    lines = [line for line in ff.seed_text("digest").split("\n") if line.strip()]
    (tmp_path / "digest.pdf").write_bytes(write_pdf(lines))
    (tmp_path / "shop.html").write_bytes(b"<html><body><p>Buy now</p></body></html>")
    out = nd(db, "ingest", str(tmp_path), check=1)
    assert out.stdout.splitlines() == [
        f"{tmp_path / 'article.html'}: news article, 1 new, 0 already known",
        f"{tmp_path / 'caixin.html'}: Caixin listing, 20 new, 0 already known",
        f"{tmp_path / 'digest.pdf'}: search digest, 10 new, 0 already known",
    ]
    assert out.stderr.splitlines()[0].startswith(
        f"{tmp_path / 'shop.html'}: refused: no known layout"
    )
    # the text copy of the listing adds nothing: the page held the same items
    again = nd(db, "ingest", str(ff.seed_path("caixin")))
    assert again.stdout.endswith("Caixin listing, 0 new, 20 already known\n")
    # the saved article keeps its page's address as its link (the canonical URL)
    items = json.loads(nd(db, "list", "--json", "--limit", "0").stdout)
    linked = {i["link"] for i in items if i["link"]}
    assert linked == {"https://36kr.com/p/3225000000000001"}


def test_watch_ingests_files_as_they_land_and_waits_for_a_slow_writer(db, tmp_path):
    inbox = tmp_path / "inbox"
    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_DB"}
    env["NO_COLOR"] = "1"
    out_path, err_path = tmp_path / "out.txt", tmp_path / "err.txt"
    with open(out_path, "w") as out_file, open(err_path, "w") as err_file:
        proc = subprocess.Popen(
            [NEWSDESK, "--db", str(db), "watch", str(inbox), "--settle", "0.3"],
            stdout=out_file, stderr=err_file, env=env,
        )  # fmt: skip
    try:
        assert wait_for(lambda: "watching" in err_path.read_text(), 30)
        (inbox / "caixin.txt").write_text(ff.seed_text("caixin"), encoding="utf-8")
        # a slow writer: half the file, a pause longer than the settle time, the rest
        text = ff.seed_text("star_evening").encode()
        with open(inbox / "star.txt", "wb") as handle:
            handle.write(text[: len(text) // 2])
            handle.flush()
            time.sleep(1.5)
            assert "star.txt" not in out_path.read_text()  # not read half-way
            handle.write(text[len(text) // 2 :])
        (inbox / "report.pdf.part").write_bytes(b"%PDF-1.7 half a download")
        (inbox / ".hidden.txt").write_text(ff.seed_text("digest"), encoding="utf-8")
        landed = wait_for(lambda: len(out_path.read_text().splitlines()) >= 2, 30)
        assert landed, (proc.poll(), out_path.read_text(), err_path.read_text())
        time.sleep(1.0)  # time to (wrongly) take the partial download
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    out, err = out_path.read_text(), err_path.read_text()
    lines = sorted(out.splitlines())
    assert lines[0] == f"{inbox / 'caixin.txt'}: Caixin listing, 20 new, 0 already known"
    assert re.fullmatch(
        re.escape(f"{inbox / 'star.txt'}: STAR Market Daily brief, ")
        + r"\d+ new, \d+ already known",
        lines[1],
    )
    assert len(lines) == 2
    assert err == f"newsdesk: watching {inbox} (Ctrl-C to stop)\n"
    stored = {r["documents"][0] for r in json.loads(nd(db, "list", "--json").stdout)}
    assert {Path(name).name for name in stored} == {"caixin.txt", "star.txt"}
