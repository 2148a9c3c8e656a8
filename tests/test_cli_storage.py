"""The `newsdesk` commands that reach the store's edges: restore, ambiguous ids."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers.store_files import index_file, segment_file
from tests.test_cli import SEEDS, run

CAIXIN_VARIANTS = Path(__file__).resolve().parent / "fixtures" / "variants" / "caixin_listing"


def test_restore_repairs_a_store_that_cannot_open(tmp_path: Path) -> None:
    """A truncated segment and no index: `list` says to restore, and `restore` can."""
    db = tmp_path / "db"
    run("ingest", str(SEEDS / "000_8dddf056b50c37f7.txt"), "--db", str(db))
    run("ingest", str(SEEDS / "001_ce5775964d962981.txt"), "--db", str(db))
    segment = segment_file(db)
    segment.write_bytes(segment.read_bytes()[:1000])
    index_file(db).unlink()
    failed = run("list", "--db", str(db), check=1)
    assert "newsdesk restore" in failed.stderr and segment.name in failed.stderr
    restored = run("restore", "--db", str(db))
    assert f"restored {segment} from its last good copy" in restored.stdout
    # what the last good copy does not hold is named, with what to do
    assert "20 items were only in the damaged files" in restored.stderr
    assert "001_ce5775964d962981.txt" in restored.stderr
    listed = json.loads(run("list", "--json", "--db", str(db)).stdout)
    assert len(listed) == 18  # the copy before the second ingest
    again = run("restore", "--db", str(db))
    assert "nothing to restore" in again.stderr
    run("ingest", str(SEEDS / "001_ce5775964d962981.txt"), "--db", str(db))
    assert len(json.loads(run("list", "--json", "--db", str(db)).stdout)) == 38


def test_reindex_rebuilds_the_index_from_the_corpus(tmp_path: Path) -> None:
    db = tmp_path / "db"
    run("ingest", str(SEEDS), "--db", str(db))
    before = run("list", "--json", "--db", str(db)).stdout
    index_file(db).write_bytes(b'{"version": 3, "rows": 1}')
    done = run("reindex", "--db", str(db))
    assert done.stdout.strip() == f"reindexed 75 items in {db}"
    assert run("list", "--json", "--db", str(db)).stdout == before
    assert run("reindex", "--db", str(db)).stdout == done.stdout  # idempotent


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


def test_a_company_search_reads_no_body_unless_asked(tmp_path: Path) -> None:
    """`search Tencent` answers from the index (the items linked to Tencent, then titles);
    bodies, which take reading the whole corpus, are searched for it only with --bodies.
    Words that name no company are always looked for in bodies too."""
    from store.storage.store import Store
    from tests.helpers.store_factory import make_doc, make_item

    db = tmp_path / "db"
    linked = make_item("Cloud deal signed", companies=(("tencent", "Tencent Holdings", None),))
    titled = make_item("Why Tencent waits")
    mention = make_item("A games market note", "Rivals of Tencent cut prices for sensor games.")
    other = make_item("Steel output rises", "Nothing about the internet here at all, sensor.")
    Store(db).add_documents([make_doc("a.txt", [linked, titled, mention, other])])

    def titles(*args: str) -> list[str]:
        found = json.loads(run("search", *args, "--json", "--db", str(db)).stdout)
        return [item["title"] for item in found]

    assert titles("Tencent") == ["Cloud deal signed", "Why Tencent waits"]
    assert titles("Tencent", "--bodies") == [
        "Cloud deal signed", "Why Tencent waits", "A games market note"
    ]  # fmt: skip
    assert sorted(titles("sensor")) == ["A games market note", "Steel output rises"]


def test_a_segment_whose_last_copy_is_damaged_too_is_not_sent_to_restore(tmp_path):
    """Red team F27: `show` said "restore it with: newsdesk restore", and restore found
    nothing to restore: a loop."""
    db = tmp_path / "db"
    run("ingest", str(SEEDS), "--db", str(db))
    run("ingest", *map(str, sorted(CAIXIN_VARIANTS.glob("*.txt"))), "--db", str(db))
    segments = sorted(db.glob("corpus-0000-g*.json"))
    assert len(segments) == 2  # the current segment and its last copy
    for segment in segments:
        segment.write_bytes(segment.read_bytes()[:500])
    proc = run("list", "--json", "--db", str(db), check=1)
    assert f"its last copy {segments[0]} is damaged too" in proc.stderr
    assert "newsdesk restore" not in proc.stderr
