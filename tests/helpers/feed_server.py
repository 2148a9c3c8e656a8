"""A real HTTP server on 127.0.0.1 for the intake tests: routes with bodies, ETags,
Last-Modified, status codes, redirects, slow and endless responses, gzip.

    with FeedServer() as server:
        server.route("/feed.xml", body=b"...", content_type="application/rss+xml", etag='"v1"')
        url = server.url("/feed.xml")

Every request is recorded (`server.requests`: (path, headers) pairs).
"""

from __future__ import annotations

import gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str = ""
    last_modified: str = ""
    location: str = ""
    delay: float = 0.0  # seconds before the status line
    trickle: float = 0.0  # seconds between single bytes of the body
    endless: int = 0  # bytes of body streamed (without Content-Length), e.g. 50 MB
    gzip: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    gate: threading.Event | None = None  # the answer waits until the test sets it (30 s at most)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.server.record(self.path, dict(self.headers.items()))
        route = self.server.routes.get(path)
        if route is None:
            return self._send(404, b"not found", "text/plain")
        if route.delay and self.server.stopping.wait(route.delay):
            return
        if route.gate is not None:
            route.gate.wait(30)
        if route.location:
            self.send_response(route.status or 302)
            self.send_header("Location", route.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if route.status == 200 and (route.etag or route.last_modified):
            inm = self.headers.get("If-None-Match")
            ims = self.headers.get("If-Modified-Since")
            if (route.etag and inm == route.etag) or (
                not route.etag and route.last_modified and ims == route.last_modified
            ):
                self.send_response(304)
                if route.etag:
                    self.send_header("ETag", route.etag)
                self.end_headers()
                return
        if route.endless:
            return self._stream(route)
        body = route.body
        headers = dict(route.headers)
        if route.gzip and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        self._send(route.status, body, route.content_type, headers, trickle=route.trickle)

    def _send(self, status, body, content_type, headers=None, trickle=0.0) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            if trickle:
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    if self.server.stopping.wait(trickle):
                        return
            else:
                self.wfile.write(body)
        except OSError:
            pass

    def _stream(self, route: Route) -> None:
        self.send_response(200)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"<item><title>x</title></item>" * 2000
        sent = 0
        try:
            while sent < route.endless and not self.server.stopping.is_set():
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append((path, headers))


class FeedServer:
    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, **kwargs) -> Route:
        route = Route(**kwargs)
        self._server.routes[path] = route
        return route

    @property
    def requests(self) -> list[tuple[str, dict[str, str]]]:
        with self._server._lock:
            return list(self._server.requests)

    def hits(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p.split("?", 1)[0] == path]


def wait_for(predicate, seconds: float = 5.0, step: float = 0.02) -> bool:
    """Poll `predicate` until it is true or `seconds` pass (for watchers, not timing)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
