"""The HTTP client against a real local server: 200, 304, errors, redirects, time-outs,
size caps, gzip. No network beyond 127.0.0.1."""

from __future__ import annotations

import gzip
import socket
import threading

import pytest

from store.intake.http import Fetcher, FetchError
from tests.helpers.feed_fixtures import technode
from tests.helpers.feed_server import FeedServer


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


def test_200_then_304_with_etag(server):
    server.route(
        "/feed", body=technode(), etag='"v1"', last_modified="Wed, 26 Mar 2025 09:10:11 GMT"
    )
    with Fetcher(timeout=5) as fetcher:
        first = fetcher.get(server.url("/feed"))
        assert first.status == 200 and first.body == technode()
        assert first.etag == '"v1"' and first.last_modified.startswith("Wed, 26 Mar")
        second = fetcher.get(
            server.url("/feed"), etag=first.etag, last_modified=first.last_modified
        )
    assert second.status == 304 and second.body == b""
    hits = server.hits("/feed")
    assert "If-None-Match" not in hits[0]
    assert hits[1]["If-None-Match"] == '"v1"'
    assert hits[1]["If-Modified-Since"] == "Wed, 26 Mar 2025 09:10:11 GMT"


def test_last_modified_alone_gives_304(server):
    server.route("/feed", body=b"<rss/>", last_modified="Wed, 26 Mar 2025 09:10:11 GMT")
    with Fetcher(timeout=5) as fetcher:
        got = fetcher.get(server.url("/feed"), last_modified="Wed, 26 Mar 2025 09:10:11 GMT")
    assert got.status == 304


@pytest.mark.parametrize("status", [404, 500, 503])
def test_error_status_in_words(server, status):
    server.route("/feed", body=b"oops", status=status, content_type="text/plain")
    with Fetcher(timeout=5) as fetcher, pytest.raises(FetchError, match=f"^HTTP {status}$"):
        fetcher.get(server.url("/feed"))


def test_unknown_path_is_404(server):
    with Fetcher(timeout=5) as fetcher, pytest.raises(FetchError, match=r"^HTTP 404$"):
        fetcher.get(server.url("/nothing-here"))


def test_redirect_followed_and_loop_named(server):
    server.route("/old", status=301, location="/new")
    server.route("/new", body=b"<rss/>")
    server.route("/a", status=302, location=server.url("/b"))
    server.route("/b", status=302, location="/a")
    with Fetcher(timeout=5) as fetcher:
        got = fetcher.get(server.url("/old"))
        assert got.url == server.url("/new") and got.body == b"<rss/>"
        with pytest.raises(FetchError, match="redirect loop"):
            fetcher.get(server.url("/a"))
    assert len(server.hits("/a")) == 1  # the loop is seen, not walked round and round


def test_too_many_redirects(server):
    for i in range(10):
        server.route(f"/r{i}", status=302, location=f"/r{i + 1}")
    server.route("/r10", body=b"<rss/>")
    with (
        Fetcher(timeout=5, max_redirects=3) as fetcher,
        pytest.raises(FetchError, match=r"too many redirects \(more than 3\)"),
    ):
        fetcher.get(server.url("/r0"))
    assert not server.hits("/r10")


def test_slow_headers_time_out(server):
    server.route("/slow", body=b"<rss/>", delay=5)
    with (
        Fetcher(timeout=0.4) as fetcher,
        pytest.raises(FetchError, match=r"^timed out after 0\.4 s$"),
    ):
        fetcher.get(server.url("/slow"))


def test_trickling_body_cannot_hold_the_fetch(server):
    # one byte every 0.1 s: every single read is quick, the whole is not
    server.route("/trickle", body=b"<rss>" + b" " * 200 + b"</rss>", trickle=0.1)
    with (
        Fetcher(timeout=0.5) as fetcher,
        pytest.raises(FetchError, match=r"timed out after 0\.5 s"),
    ):
        fetcher.get(server.url("/trickle"))


def test_fifty_megabytes_are_refused_by_the_cap(server):
    server.route("/huge", endless=50 * 1024 * 1024)
    with (
        Fetcher(timeout=10, max_bytes=2 * 1024 * 1024) as fetcher,
        pytest.raises(FetchError, match=r"too large \(more than 2\.0 MB\)"),
    ):
        fetcher.get(server.url("/huge"))


def test_declared_length_over_the_cap_is_refused_before_reading(server):
    server.route("/big", body=b"x" * (300 * 1024))
    with (
        Fetcher(timeout=5, max_bytes=100 * 1024) as fetcher,
        pytest.raises(FetchError, match=r"too large \(300 KB; at most 100 KB is read\)"),
    ):
        fetcher.get(server.url("/big"))


def test_gzip_is_decoded_and_a_gzip_bomb_capped(server):
    server.route("/gz", body=technode(), gzip=True)
    server.route("/bomb", body=b"<rss>" + b" " * (20 * 1024 * 1024) + b"</rss>", gzip=True)
    with Fetcher(timeout=10, max_bytes=1024 * 1024) as fetcher:
        got = fetcher.get(server.url("/gz"))
        assert got.body == technode()
        with pytest.raises(FetchError, match="too large"):
            fetcher.get(server.url("/bomb"))
    assert server.hits("/gz")[0]["Accept-Encoding"] == "gzip, deflate"
    assert len(gzip.compress(b" " * (20 * 1024 * 1024))) < 1024 * 1024  # it was small on the wire


def test_connection_refused_and_bad_urls():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with Fetcher(timeout=2) as fetcher:
        with pytest.raises(FetchError, match="connection refused"):
            fetcher.get(f"http://127.0.0.1:{port}/feed")
        with pytest.raises(FetchError, match=r"not an http\(s\) URL \(file\)"):
            fetcher.get("file:///etc/passwd")
        with pytest.raises(FetchError, match="not a valid URL"):
            fetcher.get("http:///feed")


def test_many_at_once_with_bounded_threads(server):
    for i in range(30):
        server.route(f"/f{i}", body=f"<rss>{i}</rss>".encode(), delay=0.05)
    seen_threads: set[str] = set()
    lock = threading.Lock()
    original = Fetcher.get

    def spy(self, *args, **kwargs):
        with lock:
            seen_threads.add(threading.current_thread().name)
        return original(self, *args, **kwargs)

    with Fetcher(timeout=5, workers=4) as fetcher:
        fetcher.get = spy.__get__(fetcher)
        results = dict(fetcher.get_many((i, {"url": server.url(f"/f{i}")}) for i in range(30)))
    assert {k: v.body for k, v in results.items()} == {
        i: f"<rss>{i}</rss>".encode() for i in range(30)
    }
    assert 1 < len(seen_threads) <= 4
