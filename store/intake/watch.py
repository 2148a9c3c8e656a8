"""The inbox: files dropped in a folder are ingested as they land (watchfiles).

The folder is also looked over every SCAN_SECONDS, for changes the watcher missed. A file
is read only once it has settled: its size and modification time unchanged for
`settle` seconds and, where the system tells (Linux /proc), no process holding it open for
writing. Partial downloads (`.part`, `.crdownload`, …), hidden and editor temp files are
left alone until they are renamed to their final name.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from store.ingest import FileResult, ingest_paths

SETTLE_SECONDS = 1.0
SCAN_SECONDS = 2.0
_PARTIAL = (".part", ".partial", ".crdownload", ".download", ".tmp", ".temp", ".swp", "~")
_TICK_MS = 200


def ignored(path: Path) -> bool:
    name = path.name
    return name.startswith((".", "~$")) or name.lower().endswith(_PARTIAL)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    return (st.st_size, st.st_mtime_ns)


def open_for_writing(path: Path) -> bool:
    """Whether any process we can see holds `path` open for writing (Linux; else False)."""
    proc = Path("/proc")
    if not (proc / "self" / "fd").is_dir():
        return False
    try:
        target = os.path.realpath(path)
    except OSError:
        return False
    for pid in os.listdir(proc):
        if not pid.isdigit():
            continue
        fd_dir = proc / pid / "fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd_dir / fd) != target:
                    continue
                info = (proc / pid / "fdinfo" / fd).read_text()
            except OSError:
                continue
            for line in info.splitlines():
                if line.startswith("flags:"):
                    flags = int(line.split()[1], 8)
                    if flags & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR):
                        return True
    return False


class Inbox:
    """Files seen in the folder and not ingested yet, with when they last changed."""

    def __init__(self, folder: Path, settle: float = SETTLE_SECONDS) -> None:
        self.folder = folder
        self.settle = settle
        self.pending: dict[Path, tuple[tuple[int, int], float]] = {}
        self.done: dict[Path, tuple[int, int]] = {}  # ingested, as it was then
        self.scanned = 0.0

    def saw(self, path: Path) -> None:
        try:
            parts = path.relative_to(self.folder).parts
        except ValueError:
            return
        if ignored(path) or any(part.startswith(".") for part in parts):
            return
        stamp = _stamp(path)
        if stamp is None:
            self.pending.pop(path, None)
            return
        if self.done.get(path) == stamp:
            return
        old = self.pending.get(path)
        if old is None or old[0] != stamp:
            self.pending[path] = (stamp, time.monotonic())

    def scan(self) -> None:
        """Look at every file in the folder: a change the watcher missed (one made while it
        started, or on a file system that sends no events) is found within SCAN_SECONDS."""
        self.scanned = time.monotonic()
        try:
            paths = sorted(self.folder.rglob("*"))
        except OSError:
            return
        for path in paths:
            if path.is_file():
                self.saw(path)

    def ready(self) -> list[Path]:
        """Files that have settled: taken off the pending list, in name order."""
        now = time.monotonic()
        out = []
        for path, (stamp, since) in list(self.pending.items()):
            current = _stamp(path)
            if current is None:
                del self.pending[path]
                continue
            if current != stamp:
                self.pending[path] = (current, now)
                continue
            if now - since < self.settle:
                continue
            if open_for_writing(path):
                self.pending[path] = (current, now)
                continue
            del self.pending[path]
            self.done[path] = current
            out.append(path)
        return sorted(out)


def _changes(folder: Path, stop: threading.Event):
    """watchfiles' change sets (an empty one at least every tick); polling the folder when
    the system's file notifications cannot be had (e.g. out of inotify instances)."""
    from watchfiles import watch

    options: dict[str, Any] = {
        "stop_event": stop,
        "yield_on_timeout": True,
        "rust_timeout": _TICK_MS,
        "debounce": _TICK_MS,
        "step": 50,
        "recursive": True,
    }
    try:
        yield from watch(folder, **options)
    except OSError:
        if stop.is_set():
            return
        yield from watch(folder, force_polling=True, poll_delay_ms=_TICK_MS, **options)


def watch_inbox(
    store,
    folder: Path,
    *,
    on_result: Callable[[FileResult], None],
    stop: threading.Event | None = None,
    settle: float = SETTLE_SECONDS,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Ingest the files in `folder` now, then each file that lands there, until `stop` is
    set (or Ctrl-C). Each file gives one FileResult to `on_result`."""
    from watchfiles import Change

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stop = stop or threading.Event()
    inbox = Inbox(folder, settle)
    inbox.scan()
    if on_ready:
        on_ready()
    with contextlib.suppress(KeyboardInterrupt):
        for changes in _changes(folder, stop):
            for change, raw in changes:
                if change in (Change.added, Change.modified):
                    inbox.saw(Path(raw))
                else:
                    inbox.pending.pop(Path(raw), None)
            if time.monotonic() - inbox.scanned >= SCAN_SECONDS:
                inbox.scan()
            for path in inbox.ready():
                for result in ingest_paths(store, [path], workers=1):
                    on_result(result)
            if stop.is_set():
                break
