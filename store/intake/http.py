"""HTTP GET for feeds and article pages (urllib3): time-boxed, size-capped, conditional.

- Each request has a deadline (`timeout` seconds for the whole exchange: connect, headers
  and body). Reads block at most until then: a watchdog shuts the socket down at the
  deadline, so a server that trickles bytes cannot hold a fetch.
- Redirects are followed here (at most `max_redirects`), so a loop is named as one.
- Bodies are read in chunks and refused past `max_bytes` (after gzip/deflate decoding,
  which urllib3 bounds per read).
- `etag` / `last_modified` make the request conditional; a 304 comes back as `status=304`.
- Failures raise `FetchError` with the reason in words ("HTTP 503", "timed out after 15 s").
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

DEFAULT_TIMEOUT = 15.0
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_WORKERS = 8
IDLE_SECONDS = 0.25  # get_many's on_idle: this long with no download finishing
USER_AGENT = "newsdesk/0.1 (terminal news reader; +feeds)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
_CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)
K = TypeVar("K")


class FetchError(Exception):
    """A request that did not give a usable response; the message says why, in words."""


@dataclass(slots=True)
class Response:
    url: str  # after redirects
    status: int  # 200 (any 2xx) or 304
    body: bytes
    content_type: str
    etag: str
    last_modified: str


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


# ---------------------------------------------------------------- the deadline watchdog

_local = threading.local()


class _Deadline:
    """Shuts down the sockets of one request when its time is up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._done = False
        self._connections: list = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, connection) -> None:
        with self._lock:
            if self._done:
                return
            self._connections.append(connection)
            if self.expired:
                _shutdown(connection)

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for connection in self._connections:
                _shutdown(connection)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def finish(self) -> None:
        with self._lock:
            self._done = True
            self._connections.clear()
        self._timer.cancel()


def _shutdown(connection) -> None:
    sock = getattr(connection, "sock", None)
    if sock is None:
        return
    with contextlib.suppress(OSError, TypeError, ValueError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watched(base):
    class Watched(base):
        def request(self, *args, **kwargs):
            deadline = getattr(_local, "deadline", None)
            if deadline is not None:
                deadline.watch(self)
            return super().request(*args, **kwargs)

    Watched.__name__ = f"Watched{base.__name__}"
    return Watched


# ---------------------------------------------------------------- the client


class Fetcher:
    """A pool of connections shared by the threads of one fetch run."""

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        workers: int = DEFAULT_WORKERS,
        user_agent: str = USER_AGENT,
    ) -> None:
        import urllib3
        from urllib3.connection import HTTPConnection, HTTPSConnection
        from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.workers = max(1, workers)
        self.user_agent = user_agent

        class _HTTPPool(HTTPConnectionPool):
            ConnectionCls = _watched(HTTPConnection)

        class _HTTPSPool(HTTPSConnectionPool):
            ConnectionCls = _watched(HTTPSConnection)

        self._pool = urllib3.PoolManager(
            num_pools=64, maxsize=self.workers, block=False, retries=False
        )
        self._pool.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

    def close(self) -> None:
        self._pool.clear()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        etag: str = "",
        last_modified: str = "",
        timeout: float | None = None,
        accept: str = FEED_ACCEPT,
    ) -> Response:
        """GET `url`, following redirects; a Response (200 or 304) or FetchError."""
        seconds = timeout if timeout is not None and timeout > 0 else self.timeout
        deadline = _Deadline(seconds)
        _local.deadline = deadline
        try:
            return self._get(url, etag, last_modified, accept, deadline)
        except FetchError:
            raise
        except Exception as exc:
            if deadline.expired or deadline.remaining() <= 0:
                raise FetchError(f"timed out after {_seconds(seconds)}") from None
            raise FetchError(_reason(exc, seconds)) from None
        finally:
            _local.deadline = None
            deadline.finish()

    def _get(self, url: str, etag: str, last_modified: str, accept: str, deadline) -> Response:
        from urllib3 import Timeout

        headers = {
            "User-Agent": self.user_agent,
            "Accept": accept,
            "Accept-Encoding": "gzip, deflate",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = [url]
        while True:
            _check_url(url)
            remaining = deadline.remaining()
            if remaining <= 0:
                raise FetchError(f"timed out after {_seconds(deadline.seconds)}")
            response = self._pool.urlopen(
                "GET",
                url,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=True,
                timeout=Timeout(connect=remaining, read=remaining),
            )
            reusable = False
            try:
                status = response.status
                if status in _REDIRECTS:
                    location = response.headers.get("Location", "")
                    if not location:
                        raise FetchError(f"HTTP {status} without a Location to go to")
                    url = urljoin(url, location.strip())
                    if url in seen:
                        raise FetchError(f"redirect loop ({len(seen)} redirects back to {url})")
                    if len(seen) > self.max_redirects:
                        raise FetchError(f"too many redirects (more than {self.max_redirects})")
                    seen.append(url)
                    continue
                if status == 304:
                    reusable = not response.headers.get("Content-Length", "0").strip("0 ")
                    return Response(url, 304, b"", "", etag, last_modified)
                if status >= 400 or status < 200:
                    raise FetchError(f"HTTP {status}")
                body = self._read(response, deadline)
                reusable = True
                return Response(
                    url,
                    status,
                    body,
                    response.headers.get("Content-Type", ""),
                    response.headers.get("ETag", ""),
                    response.headers.get("Last-Modified", ""),
                )
            finally:
                # a connection goes back to the pool only with its response read to the end
                if reusable:
                    response.release_conn()
                else:
                    response.close()

    def _read(self, response, deadline) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes and not _encoded(response):
            raise FetchError(
                f"too large ({_size(int(declared))}; at most {_size(self.max_bytes)} is read)"
            )
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = response.read1(_CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > self.max_bytes:
                raise FetchError(f"too large (more than {_size(self.max_bytes)})")
            chunks.append(chunk)
            if deadline.remaining() <= 0:
                raise FetchError(f"timed out after {_seconds(deadline.seconds)}")
        return b"".join(chunks)

    def get_many(
        self,
        requests: Iterable[tuple[K, dict[str, Any]]],
        on_idle: Callable[[], None] | None = None,
        idle_seconds: float = IDLE_SECONDS,
    ) -> Iterator[tuple[K, Response | FetchError]]:
        """Run `get(**kwargs)` for each (key, kwargs) on `workers` threads; yields
        (key, Response or FetchError) as each finishes. `on_idle` is called (in the caller's
        thread) whenever `idle_seconds` pass with none finishing: time to store what came."""

        def one(kwargs: dict[str, Any]) -> Response | FetchError:
            try:
                return self.get(**kwargs)
            except FetchError as exc:
                return exc

        with ThreadPoolExecutor(self.workers, thread_name_prefix="newsdesk-fetch") as pool:
            futures = {pool.submit(one, kwargs): key for key, kwargs in requests}
            pending = set(futures)
            while pending:
                done, pending = wait(
                    pending,
                    timeout=idle_seconds if on_idle is not None else None,
                    return_when=FIRST_COMPLETED,
                )
                if not done and on_idle is not None:
                    on_idle()
                for future in done:
                    yield futures[future], future.result()


def _encoded(response) -> bool:
    return bool(response.headers.get("Content-Encoding", "").strip())


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FetchError("not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"not an http(s) URL ({parts.scheme or 'no scheme'})")
    if not parts.hostname:
        raise FetchError("not a valid URL (no host)")


def _reason(exc: BaseException, seconds: float) -> str:
    """A failed request's exception in words."""
    from urllib3 import exceptions as e

    # NewConnectionError is a ConnectTimeoutError in urllib3 2.x: look at it first
    if isinstance(exc, e.NameResolutionError | socket.gaierror):
        return "host not found"
    if isinstance(exc, e.NewConnectionError):
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, ConnectionRefusedError) or "refused" in str(exc).lower():
            return "connection refused"
        return "could not connect"
    if isinstance(exc, e.TimeoutError | socket.timeout | TimeoutError):
        return f"timed out after {_seconds(seconds)}"
    if isinstance(exc, e.LocationParseError | e.LocationValueError):
        return "not a valid URL"
    if isinstance(exc, e.SSLError):
        return "TLS error (certificate or handshake)"
    if isinstance(exc, e.DecodeError):
        return "bad compressed data (gzip/deflate)"
    if isinstance(exc, e.ProtocolError | e.IncompleteRead | ConnectionError):
        return "connection broken by the server"
    if isinstance(exc, e.HTTPError):
        return f"HTTP error ({type(exc).__name__})"
    if isinstance(exc, OSError):
        return f"network error ({exc.strerror or type(exc).__name__})".lower()
    return f"request failed ({type(exc).__name__})"
