"""The `newsdesk` commands that reach the store's edges: restore, ambiguous ids."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import SEEDS, run


def test_restore_repairs_a_store_that_cannot_open(tmp_path: Path) -> None:
    """A truncated segment and no index: `list` says to restore, and `restore` can."""
    db = tmp_path / "db"
    run("ingest", str(SEEDS / "000_8dddf056b50c37f7.txt"), "--db", str(db))
    run("ingest", str(SEEDS / "001_ce5775964d962981.txt"), "--db", str(db))
    segment = db / "corpus-0000.json"
    segment.write_bytes(segment.read_bytes()[:1000])
    (db / "index.json").unlink()
    failed = run("list", "--db", str(db), check=1)
    assert "newsdesk restore" in failed.stderr and "corpus-0000.json" in failed.stderr
    restored = run("restore", "--db", str(db))
    assert f"restored {segment} from its last good copy" in restored.stdout
    listed = json.loads(run("list", "--json", "--db", str(db)).stdout)
    assert len(listed) == 18  # the copy before the second ingest
    again = run("restore", "--db", str(db))
    assert "nothing to restore" in again.stderr


def test_an_ambiguous_id_prefix_is_named_with_its_count(tmp_path: Path) -> None:
    db = tmp_path / "db"
    run("ingest", str(SEEDS), "--db", str(db))
    ids = [item["id"] for item in json.loads(run("list", "--json", "--db", str(db)).stdout)]
    counts: dict[str, int] = {}
    for item_id in ids:
        counts[item_id[0]] = counts.get(item_id[0], 0) + 1
    prefix, count = max(counts.items(), key=lambda kv: kv[1])
    assert count > 1
    proc = run("show", prefix, "--db", str(db), check=1)
    assert (
        proc.stderr.strip() == f"newsdesk: '{prefix}' matches {count} items; give more characters"
    )
    unknown = run("show", "zzzzzzzz9", "--db", str(db), check=1)
    assert "no item" in unknown.stderr
