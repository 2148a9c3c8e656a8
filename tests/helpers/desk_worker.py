"""A child process for the desk's two-process test: tags and notes items, acking each change.

    python desk_worker.py ROOT IDS_FILE TAG [--start-at EPOCH]

For every id in the file: add TAG to its tags, then write the note "noted by TAG" on it.
Every line printed is flushed after the change it reports is durable on disk.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from store.storage.desk import Desk  # noqa: E402

USER = "worker"


def main(argv: list[str]) -> None:
    root, ids_file, tag, *rest = argv
    start_at = float(rest[1]) if rest[:1] == ["--start-at"] else 0.0
    desk = Desk(root, user=USER)
    ids = Path(ids_file).read_text().split()
    while time.time() < start_at:
        time.sleep(0.001)
    for item_id in ids:
        desk.add_tags(item_id, [tag])
        desk.set_note(item_id, f"noted by {tag}")
        sys.stdout.write(f"done {item_id}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
