"""SIGKILL a writer at random moments: the store always opens, consistent, nothing acked lost.

A child process (tests/helpers/store_worker.py) loops: ingest a batch, print
`committed <n> <ids>`, bookmark three of its items, printing `bookmarked <id>` after each is
durable. The parent kills it at random moments and then checks the store from scratch.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from store.storage.store import Store
from tests.helpers.store_worker import USER

WORKER = Path(__file__).resolve().parent / "helpers" / "store_worker.py"
REPO = Path(__file__).resolve().parents[1]
KILLS = 25  # random moments; tests/test_crash_points.py kills at every write point
PER_BATCH = 8
SEGMENT_SIZE = 20  # small: rollovers happen often, so kills land in them too
# Only a safety net: the test stops at KILLS kills (about 10 s on an idle 2-core machine); a
# loaded CI box is slower, and the number of kills, not the time, is what the test is about.
TIME_LIMIT = 300.0


def run_until_killed(root: Path, start_batch: int, rng: random.Random) -> list[str]:
    """Start a worker, let it run for a random moment after it is ready, SIGKILL it."""
    child = subprocess.Popen(
        [
            sys.executable,
            str(WORKER),
            str(root),
            "ingest-and-bookmark",
            str(start_batch),
            str(PER_BATCH),
            str(SEGMENT_SIZE),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    lines: list[str] = []
    buffer = b""
    deadline = None
    try:
        while True:
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                break
            timeout = 10.0 if deadline is None else deadline - now
            ready, _, _ = select.select([child.stdout], [], [], timeout)
            if not ready:
                if deadline is None:
                    pytest.fail("worker did not start: " + child.stderr.read().decode())
                break
            chunk = os.read(child.stdout.fileno(), 65536)
            if not chunk:
                pytest.fail("worker exited: " + child.stderr.read().decode())
            buffer += chunk
            *complete, buffer = buffer.split(b"\n")
            for line in complete:
                text = line.decode()
                if text == "ready" and deadline is None:
                    deadline = time.monotonic() + rng.uniform(0.0, 0.25)
                else:
                    lines.append(text)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        child.stderr.close()
    # lines still in the pipe were printed (so made durable) before the kill: count them
    tail = buffer.decode().split("\n")
    return lines + [t for t in tail[:-1] if t]


def check_store(root: Path, committed: dict[str, int], bookmarked: set[str]) -> None:
    store = Store(root, user=USER, segment_size=SEGMENT_SIZE)
    index = store.index
    assert len(set(index.ids)) == len(index.ids), "an item is listed twice"
    missing = set(committed) - set(index.ids)
    assert not missing, f"committed items lost: {sorted(missing)[:5]}"
    # every row's record is where the index says, and says the same
    records = {r["id"]: r for r in store.iter_records()}
    assert set(records) == set(index.ids)
    for row, item_id in enumerate(index.ids):
        record = records[item_id]
        assert record["title"] == index.title[row]
        assert tuple(record["documents"]) == index.documents[row]
    # no segment is over-full, and each file is well-formed JSON
    for path in root.glob("corpus-*.json"):
        items = orjson.loads(path.read_bytes())["items"]
        live = [r for r in items.values() if index.row_of(r["id"]) is not None]
        assert len(live) <= SEGMENT_SIZE
    assert bookmarked <= store.state.bookmarks, "an acknowledged bookmark was lost"
    names = {d["name"] for d in store.documents()}
    for item_id, batch_no in committed.items():
        assert f"batch-{batch_no:05d}-0.txt" in names, item_id


def test_sigkill_never_loses_committed_items_or_acked_bookmarks(tmp_path: Path) -> None:
    root = tmp_path / "store"
    Store(root, user=USER, segment_size=SEGMENT_SIZE)
    rng = random.Random(int(os.environ.get("NEWSDESK_CRASH_SEED", "20240301")))
    committed: dict[str, int] = {}
    bookmarked: set[str] = set()
    next_batch = 0
    started = time.monotonic()
    kills = 0
    while kills < KILLS and time.monotonic() - started < TIME_LIMIT:
        for line in run_until_killed(root, next_batch, rng):
            kind, _, rest = line.partition(" ")
            if kind == "committed":
                batch_no, *ids = rest.split()
                committed.update(dict.fromkeys(ids, int(batch_no)))
                next_batch = max(next_batch, int(batch_no) + 1)
            elif kind == "bookmarked":
                bookmarked.add(rest)
        kills += 1
        check_store(root, committed, bookmarked)
    assert kills == KILLS, f"only {kills} kills in {TIME_LIMIT} s"
    assert len(committed) > 0 and len(bookmarked) > 0
    # the interrupted batches, ingested again, neither duplicate nor lose anything
    store = Store(root, user=USER, segment_size=SEGMENT_SIZE)
    assert len(store.index) == len(set(store.index.ids))
    assert len(list(root.glob(".*.tmp"))) <= 3  # killed writers' temp files get cleaned up
