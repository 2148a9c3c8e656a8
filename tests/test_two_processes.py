"""Two real processes against one store: no bookmark, read mark or item is ever lost."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from store.storage.store import Store
from tests.helpers.store_factory import numbered_batch
from tests.helpers.store_worker import USER

WORKER = Path(__file__).resolve().parent / "helpers" / "store_worker.py"
REPO = Path(__file__).resolve().parents[1]


def start(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WORKER), str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def finish(child: subprocess.Popen) -> list[str]:
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    return out.split("\n")[:-1]


def seeded_ids(root: Path, count: int) -> list[str]:
    store = Store(root, user=USER)
    results = store.add_documents(numbered_batch(0, count))
    return [i for r in results for i in r.ids]


def test_two_processes_toggle_different_ids_concurrently(tmp_path: Path) -> None:
    root = tmp_path / "store"
    ids = seeded_ids(root, 200)
    (tmp_path / "a.ids").write_text("\n".join(ids[:100]))
    (tmp_path / "b.ids").write_text("\n".join(ids[100:]))
    at = str(time.time() + 1.0)  # both start together, after their imports
    children = [
        start(root, "toggle", str(tmp_path / "a.ids"), "--start-at", at),
        start(root, "toggle", str(tmp_path / "b.ids"), "--start-at", at),
        start(root, "toggle", str(tmp_path / "b.ids"), "--read", "--start-at", at),
        start(root, "toggle", str(tmp_path / "a.ids"), "--read", "--start-at", at),
    ]
    outputs = [finish(child) for child in children]
    assert [len(lines) for lines in outputs] == [100, 100, 100, 100]
    state = Store(root, user=USER).state
    assert state.bookmarks == set(ids)
    assert state.read == set(ids)


def test_ingest_while_another_process_toggles(tmp_path: Path) -> None:
    root = tmp_path / "store"
    ids = seeded_ids(root, 100)
    (tmp_path / "ids").write_text("\n".join(ids))
    reader = Store(root, user=USER)
    assert len(reader.index) == 100
    at = str(time.time() + 1.0)
    ingest = start(root, "ingest", "1", "15", "40", "--start-at", at)
    toggler = start(root, "toggle", str(tmp_path / "ids"), "--start-at", at)
    marker = start(root, "toggle", str(tmp_path / "ids"), "--read", "--start-at", at)
    ingested = finish(ingest)
    assert len(finish(toggler)) == 100 and len(finish(marker)) == 100
    new_ids = {i for line in ingested for i in line.split()[2:]}
    assert len(new_ids) == 15 * 40

    assert reader.refresh() is True
    assert len(reader.index) == 100 + 15 * 40
    assert set(reader.index.ids) == set(ids) | new_ids
    assert reader.state.bookmarks == set(ids)
    assert reader.state.read == set(ids)
    assert all(r["bookmarked"] and r["read"] for r in reader.get_many(ids))
    assert len(reader.get_many(sorted(new_ids))) == 15 * 40
    assert reader.refresh() is False


def test_two_processes_ingest_at_once_lose_nothing(tmp_path: Path) -> None:
    root = tmp_path / "store"
    Store(root, user=USER)
    at = str(time.time() + 1.0)
    first = start(root, "ingest", "1", "10", "30", "--start-at", at)
    second = start(root, "ingest", "101", "10", "30", "--start-at", at)
    lines = finish(first) + finish(second)
    ids = {i for line in lines for i in line.split()[2:]}
    assert len(ids) == 20 * 30
    store = Store(root, user=USER)
    assert set(store.index.ids) == ids
    assert len(store.documents()) == 20
    assert sum(1 for _ in store.iter_records()) == 20 * 30
