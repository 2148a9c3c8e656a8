"""A child process for the crash and two-process tests: ingests and toggles, acking each step.

    python store_worker.py ROOT ingest-and-bookmark START PER_BATCH SEGMENT_SIZE
    python store_worker.py ROOT toggle IDS_FILE [--read] [--start-at EPOCH]
    python store_worker.py ROOT ingest START COUNT PER_BATCH

Every line printed is flushed after the change it reports is durable on disk.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from store.storage.store import Store  # noqa: E402
from tests.helpers.store_factory import numbered_batch  # noqa: E402

USER = "worker"


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def wait_until(epoch: float) -> None:
    while time.time() < epoch:
        time.sleep(0.001)


def ingest_and_bookmark(root: str, start: int, per_batch: int, segment_size: int) -> None:
    """Forever: ingest batch n, ack it, bookmark its items one by one, ack each."""
    store = Store(root, user=USER, segment_size=segment_size)
    say("ready")
    batch_no = start
    while True:
        results = store.add_documents(numbered_batch(batch_no, per_batch))
        ids = [i for r in results for i in r.ids]
        say(f"committed {batch_no} {' '.join(ids)}")
        for item_id in ids[:3]:
            store.state.set_bookmarked(item_id, True)
            say(f"bookmarked {item_id}")
        batch_no += 1


def toggle(root: str, ids_file: str, read: bool, start_at: float) -> None:
    """Bookmark (or mark read) every id in the file, one persisted change at a time."""
    store = Store(root, user=USER)
    ids = Path(ids_file).read_text().split()
    wait_until(start_at)
    for item_id in ids:
        if read:
            store.state.set_read(item_id, True)
        else:
            store.state.toggle_bookmark(item_id)
        say(f"done {item_id}")


def ingest(root: str, start: int, count: int, per_batch: int, start_at: float) -> None:
    store = Store(root, user=USER)
    wait_until(start_at)
    for batch_no in range(start, start + count):
        results = store.add_documents(numbered_batch(batch_no, per_batch))
        say(f"committed {batch_no} {' '.join(i for r in results for i in r.ids)}")


def main(argv: list[str]) -> None:
    root, mode, *rest = argv
    start_at = 0.0
    if "--start-at" in rest:
        at = rest.index("--start-at")
        start_at = float(rest[at + 1])
        del rest[at : at + 2]
    if mode == "ingest-and-bookmark":
        ingest_and_bookmark(root, int(rest[0]), int(rest[1]), int(rest[2]))
    elif mode == "toggle":
        toggle(root, rest[0], "--read" in rest, start_at)
    elif mode == "ingest":
        ingest(root, int(rest[0]), int(rest[1]), int(rest[2]), start_at)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
