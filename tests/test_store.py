"""Store: adding, deduping, ids, segments, the index, refresh, corruption and restore."""

from __future__ import annotations

import os
from pathlib import Path

import filelock
import orjson
import pytest
from tinydb import TinyDB

from store.storage.batch import AddResult
from store.storage.errors import (
    AmbiguousIdError,
    CorruptStoreError,
    StoreError,
    StoreLockedError,
)
from store.storage.files import OrjsonStorage
from store.storage.restore import restore_backups
from store.storage.store import Store
from tests.helpers.store_factory import make_doc, make_item, numbered_batch
from tests.helpers.store_files import (
    documents_file,
    generated_files,
    index_file,
    segment_backup,
    segment_file,
)

USER = "tester"
RECORD_FIELDS = {
    "id",
    "title",
    "publisher",
    "documents",
    "section",
    "authors",
    "published",
    "body",
    "related",
    "companies",
    "tickers",
    "bookmarked",
    "read",
}


def open_store(root: Path, **options) -> Store:
    return Store(root, user=USER, **options)


def test_add_and_get_roundtrip(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    item = make_item(
        "Tencent lifts dividend",
        "Tencent raised its dividend.\n\nShares rose 3%.",
        tickers=("0700.HK",),
        companies=(("tencent", "Tencent", "0700.HK"),),
        authors=("Li Wei",),
        related=("Tencent results",),
    )
    results = store.add_documents([make_doc("a.txt", [item])])
    assert len(results) == 1
    result = results[0]
    assert isinstance(result, AddResult)
    assert (result.document, result.new, result.known) == ("a.txt", 1, 0)
    assert len(result.ids) == 1 and len(result.ids[0]) == 8

    record = store.get(result.ids[0])
    assert set(record) == RECORD_FIELDS
    assert record == {
        "id": result.ids[0],
        "title": "Tencent lifts dividend",
        "publisher": "Caixin Global",
        "documents": ["a.txt"],
        "section": "Markets",
        "authors": ["Li Wei"],
        "published": "2024-03-01T09:00:00+08:00",
        "body": "Tencent raised its dividend.\n\nShares rose 3%.",
        "related": ["Tencent results"],
        "companies": [{"key": "tencent", "name": "Tencent", "ticker": "0700.HK"}],
        "tickers": ["0700.HK"],
        "bookmarked": False,
        "read": False,
    }
    assert store.get("nosuchid") is None
    # a fresh Store sees the same thing from disk
    again = open_store(tmp_path / "store")
    assert again.get(result.ids[0]) == record


def test_returned_records_are_copies(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    [result] = store.add_documents([make_doc("a.txt", [make_item("One", tickers=("0700.HK",))])])
    record = store.get(result.ids[0])
    record["tickers"].append("BABA.US")
    record["title"] = "changed"
    assert store.get(result.ids[0])["tickers"] == ["0700.HK"]
    assert store.get(result.ids[0])["title"] == "One"


def test_index_columns_newest_first_and_postings(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    items = [
        make_item("Old", published="2023-01-05T10:00:00+08:00", tickers=("0700.HK",)),
        make_item(
            "New",
            published="2024-06-01T10:00:00+08:00",
            tickers=("0700.HK", "BABA.US"),
            companies=(("alibaba", "Alibaba", "BABA.US"),),
        ),
        make_item("Middle", published="2023-09-01", publisher="EqualOcean", section=""),
    ]
    [result] = store.add_documents([make_doc("a.txt", items)])
    index = store.index
    assert len(index) == 3
    assert index.title == ["New", "Middle", "Old"]
    assert index.published == [
        "2024-06-01T10:00:00+08:00",
        "2023-09-01",
        "2023-01-05T10:00:00+08:00",
    ]
    assert index.publisher == ["Caixin Global", "EqualOcean", "Caixin Global"]
    assert index.section == ["Markets", "", "Markets"]
    assert index.tickers == [("0700.HK", "BABA.US"), (), ("0700.HK",)]
    assert index.companies == [("alibaba",), (), ()]
    assert index.documents == [("a.txt",), ("a.txt",), ("a.txt",)]
    assert index.segment == [0, 0, 0]
    assert index.rows_by_ticker == {"0700.HK": [0, 2], "BABA.US": [0]}
    assert index.rows_by_company == {"alibaba": [0]}
    assert index.rows_by_document == {"a.txt": [0, 1, 2]}
    assert index.rows_by_publisher == {"Caixin Global": [0, 2], "EqualOcean": [1]}
    for row, item_id in enumerate(index.ids):
        assert index.row_of(item_id) == row
    assert index.row_of("missing") is None
    assert set(result.ids) == set(index.ids)
    # the same index comes back from disk
    loaded = open_store(tmp_path).index
    for column in (
        "ids",
        "published",
        "publisher",
        "title",
        "section",
        "tickers",
        "companies",
        "documents",
        "segment",
        "title_key",
        "body_key",
    ):
        assert getattr(loaded, column) == getattr(index, column), column


def test_same_story_in_two_documents_merges(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    short = make_item(
        "Xiaomi ships its first car",
        "Xiaomi delivered the SU7 to its first buyers in Beijing on Wednesday evening, "
        "the company said.",
        tickers=("1810.HK",),
        companies=(("xiaomi", "Xiaomi", None),),
    )
    full = make_item(
        "XIAOMI ships its first car!",
        "Xiaomi delivered the SU7 to its first buyers in Beijing on Wednesday evening, "
        "the company said. It plans to deliver 10,000 cars this year, its chairman added.",
        tickers=("1810.HK", "XIACY.US"),
        companies=(("xiaomi", "Xiaomi", "1810.HK"), ("byd", "BYD", "1211.HK")),
        related=("Xiaomi EV",),
    )
    [a] = store.add_documents([make_doc("a.txt", [short])])
    [b] = store.add_documents([make_doc("b.txt", [full, make_item("Other story")])])
    assert (a.new, a.known) == (1, 0)
    assert (b.new, b.known) == (1, 1)
    assert b.ids[0] == a.ids[0]
    record = store.get(a.ids[0])
    assert record["documents"] == ["a.txt", "b.txt"]
    assert record["body"] == full["body"]  # the fuller body
    assert record["title"] == "Xiaomi ships its first car"  # the first title stays
    assert record["tickers"] == ["1810.HK", "XIACY.US"]
    assert record["related"] == ["Xiaomi EV"]
    assert record["companies"] == [
        {"key": "xiaomi", "name": "Xiaomi", "ticker": "1810.HK"},
        {"key": "byd", "name": "BYD", "ticker": "1211.HK"},
    ]
    row = store.index.row_of(a.ids[0])
    assert store.index.documents[row] == ("a.txt", "b.txt")
    assert store.index.tickers[row] == ("1810.HK", "XIACY.US")
    assert store.index.companies[row] == ("xiaomi", "byd")
    assert store.index.rows_by_document["a.txt"] == [row]
    assert len(store.index) == 2
    # and the merge survives a reload from disk
    assert open_store(tmp_path).get(a.ids[0]) == record


def test_same_story_twice_in_one_document_is_stored_once(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    body = "Shares of BYD rose 5% in Hong Kong after the carmaker reported record deliveries."
    first = make_item("BYD rises", body)
    second = make_item("BYD rises", body + " Analysts expect more.")
    [result] = store.add_documents([make_doc("a.txt", [first, second, make_item("Other")])])
    assert (result.new, result.known) == (2, 1)  # every item read is new or known
    assert len(result.ids) == 2
    assert store.get(result.ids[0])["body"] == second["body"]
    assert len(store.index) == 2
    again = make_doc("a.txt", [make_item("BYD rises", body), dict(second), make_item("Other")])
    [result] = store.add_documents([again])
    assert (result.new, result.known) == (0, 3)


def test_stories_dedupe_across_documents_of_one_batch(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    story = make_item("Baidu opens robotaxi service in Wuhan")
    batch = [make_doc("a.txt", [dict(story)]), make_doc("b.txt", [dict(story), make_item("Two")])]
    a, b = store.add_documents(batch)
    assert (a.new, a.known, b.new, b.known) == (1, 0, 1, 1)
    assert store.get(a.ids[0])["documents"] == ["a.txt", "b.txt"]


def test_reingest_adds_nothing_and_keeps_marks(tmp_path: Path) -> None:
    root = tmp_path / "store"
    store = open_store(root)
    batch = numbered_batch(1, 5, docs=2)
    first = store.add_documents(batch)
    ids = [i for r in first for i in r.ids]
    store.state.set_bookmarked(ids[0], True)
    store.state.set_read(ids[1], True)
    stamps = {p.name: p.stat().st_mtime_ns for p in root.glob("*.json")}

    again = open_store(root).add_documents(numbered_batch(1, 5, docs=2))
    assert [(r.new, r.known) for r in again] == [(0, 5), (0, 5)]
    assert [i for r in again for i in r.ids] == ids
    assert {p.name: p.stat().st_mtime_ns for p in root.glob("*.json")} == stamps  # untouched

    reader = open_store(root)
    assert reader.get(ids[0])["bookmarked"] is True
    assert reader.get(ids[1])["read"] is True
    assert reader.get(ids[2])["bookmarked"] is False


def test_ids_are_stable_across_stores_and_batch_order(tmp_path: Path) -> None:
    one, two = open_store(tmp_path / "one"), open_store(tmp_path / "two")
    docs = numbered_batch(3, 4, docs=3)
    ids_one = {r.document: r.ids for r in one.add_documents(docs)}
    ids_two = {}
    for doc in reversed(numbered_batch(3, 4, docs=3)):
        ids_two.update({r.document: r.ids for r in two.add_documents([doc])})
    assert ids_one == ids_two
    assert one.index.ids == two.index.ids


def test_id_collision_with_a_different_story_gets_a_longer_id(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    a = make_item("Morning briefing", "Chip stocks led gains as the index rose. " * 5)
    b = make_item("Morning briefing", "Property developers slid after weak land sales data. " * 5)
    [result] = store.add_documents([make_doc("a.txt", [a, b])])
    first, second = result.ids
    assert (result.new, result.known) == (2, 0)
    assert len(first) == 8 and len(second) == 9 and second.startswith(first)
    assert store.get(first)["body"] == a["body"]
    assert store.get(second)["body"] == b["body"]


def test_segments_roll_over_and_are_tinydb_files(tmp_path: Path) -> None:
    store = open_store(tmp_path, segment_size=3)
    [result] = store.add_documents([make_doc("a.txt", [make_item(f"S{i}") for i in range(4)])])
    [more] = store.add_documents([make_doc("b.txt", [make_item(f"T{i}") for i in range(3)])])
    names = [segment_file(tmp_path, n).name for n in range(3)]
    # a write never changes a file: segment 1, filled up by the second write, is a new file
    assert names == [
        "corpus-0000-g000001.json",
        "corpus-0001-g000002.json",
        "corpus-0002-g000002.json",
    ]
    assert segment_backup(tmp_path, 1) == tmp_path / "corpus-0001-g000001.json"  # kept
    assert segment_backup(tmp_path, 0) is None
    assert sorted(store.index.segment) == [0, 0, 0, 1, 1, 1, 2]
    seen = []
    for name in names:
        db = TinyDB(tmp_path / name, storage=OrjsonStorage)
        records = db.table("items").all()
        assert 1 <= len(records) <= 3
        seen.extend(r["id"] for r in records)
        db.close()
    assert sorted(seen) == sorted(result.ids + more.ids)
    assert [r["id"] for r in store.get_many(more.ids + result.ids)] == more.ids + result.ids


def test_index_rebuilt_when_missing_or_corrupt(tmp_path: Path) -> None:
    store = open_store(tmp_path, segment_size=4)
    store.add_documents(numbered_batch(1, 6) + numbered_batch(2, 3))
    expected = {c: getattr(store.index, c) for c in ("ids", "title", "tickers", "segment")}
    merged_id = store.index.ids[0]

    index_file(tmp_path).unlink()
    rebuilt = open_store(tmp_path)
    assert {c: getattr(rebuilt.index, c) for c in expected} == expected
    assert index_file(tmp_path).exists()  # and saved again (committed)

    index_file(tmp_path).write_bytes(b'{"version": 2, "ids": [')
    rebuilt = open_store(tmp_path)
    assert {c: getattr(rebuilt.index, c) for c in expected} == expected
    assert rebuilt.get(merged_id)["id"] == merged_id
    # the rebuilt index dedupes like the original
    [again] = rebuilt.add_documents(numbered_batch(2, 3))
    assert (again.new, again.known) == (0, 3)


def test_corrupt_segment_raises_and_restore_puts_back_the_last_good_copy(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    [first] = store.add_documents([make_doc("a.txt", [make_item("First")])])
    store.add_documents([make_doc("b.txt", [make_item("Second")])])  # seg 0 anew, old kept
    segment, backup = segment_file(tmp_path), segment_backup(tmp_path)
    assert backup is not None and backup.exists()
    segment.write_bytes(segment.read_bytes()[:50])  # truncated

    broken = open_store(tmp_path)  # the index alone opens fine
    with pytest.raises(CorruptStoreError) as caught:
        broken.get(first.ids[0])
    message = str(caught.value)
    assert "\n" not in message
    assert str(segment) in message
    assert "truncated JSON" in message
    assert f"the last good copy is {backup}" in message and "newsdesk restore" in message
    assert caught.value.path == segment
    with pytest.raises(CorruptStoreError):
        broken.add_documents([make_doc("c.txt", [make_item("Third")])])
    assert segment.read_bytes()[:50] == segment.read_bytes()  # never replaced by an empty one

    report = broken.restore_backups()
    assert report.paths == [segment]
    assert (report.lost_items, report.lost_documents) == (1, ["b.txt"])  # say what went
    restored = open_store(tmp_path)
    assert restored.get(first.ids[0])["title"] == "First"
    assert restored.index.title == ["First"]  # the index follows the restored corpus
    assert [d["name"] for d in restored.documents()] == ["a.txt"]
    assert restored.restore_backups().paths == []
    [again] = restored.add_documents([make_doc("b.txt", [make_item("Second")])])
    assert again.new == 1


def test_restore_works_when_the_store_cannot_even_open(tmp_path: Path) -> None:
    store = open_store(tmp_path, segment_size=2)
    store.add_documents([make_doc("a.txt", [make_item("First")])])
    [second] = store.add_documents([make_doc("b.txt", [make_item("Second"), make_item("3")])])
    segment = segment_file(tmp_path)
    segment.write_bytes(b'{"items": {"1": {"id": "x"')
    index_file(tmp_path).unlink()
    with pytest.raises(CorruptStoreError, match=segment.name):
        open_store(tmp_path)
    assert restore_backups(tmp_path).paths == [segment]
    restored = open_store(tmp_path)
    # the backup is the segment before its last write: "Second" went with the damage
    assert sorted(restored.index.title) == ["3", "First"]
    assert restored.get(second.ids[1])["title"] == "3"


def test_corrupt_segment_without_backup_says_what_to_do(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    [result] = store.add_documents([make_doc("a.txt", [make_item("First")])])
    segment = segment_file(tmp_path)
    segment.write_text('{"items": {"1": "not a record"}}')
    with pytest.raises(CorruptStoreError) as caught:
        open_store(tmp_path).get(result.ids[0])
    assert "no backup copy" in str(caught.value)
    assert segment.name in str(caught.value)


@pytest.mark.parametrize("content", [b"", b"garbage", b"[1, 2]", b'{"documents": []}'])
def test_corrupt_documents_file_raises(tmp_path: Path, content: bytes) -> None:
    store = open_store(tmp_path)
    store.add_documents([make_doc("a.txt", [make_item("First")])])
    documents = documents_file(tmp_path)
    documents.write_bytes(content)
    broken = open_store(tmp_path)
    with pytest.raises(CorruptStoreError, match=rf"{documents.name} is corrupt"):
        broken.documents()
    with pytest.raises(CorruptStoreError):
        broken.add_documents([make_doc("b.txt", [make_item("Second")])])
    assert documents.read_bytes() == content


def test_corrupt_index_is_not_an_error_but_corrupt_corpus_on_rebuild_is(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.add_documents([make_doc("a.txt", [make_item("First")])])
    index_file(tmp_path).unlink()
    segment_file(tmp_path).write_bytes(b"{")
    with pytest.raises(CorruptStoreError, match=segment_file(tmp_path).name):
        open_store(tmp_path)


def test_documents_and_learned_companies(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    doc, items = make_doc("a.txt", [make_item("One"), make_item("Two")])
    doc["preamble"] = ["First paragraph.", "Second paragraph."]
    learned = [{"key": "xiaoxi", "name": "Xiaoxi", "listings": [], "learned": True}]
    [result] = store.add_documents([(doc, items)], learned_companies=learned)
    [stored] = store.documents()
    assert stored["name"] == "a.txt"
    assert stored["layout"] == "caixin_listing"
    assert stored["title"] == "Document a.txt"
    assert stored["preamble"] == "First paragraph.\n\nSecond paragraph."
    assert stored["item_ids"] == result.ids
    assert stored["ingested_at"].endswith("+00:00")
    assert store.learned_companies() == learned
    # the same company learned again with more detail replaces the old entry, once
    better = [{"key": "xiaoxi", "name": "Xiaoxi", "listings": ["1234.HK"], "learned": True}]
    store.add_documents([make_doc("b.txt", [make_item("Three")])], learned_companies=better)
    assert open_store(tmp_path).learned_companies() == better


def test_resolve_id(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    [result] = store.add_documents([make_doc("a.txt", [make_item(f"S{i}") for i in range(40)])])
    item_id = result.ids[0]
    assert store.resolve_id(item_id) == item_id
    assert store.resolve_id(item_id.upper()) == item_id
    assert store.resolve_id(item_id[:6]) == item_id
    assert store.resolve_id("") is None
    assert store.resolve_id("zzzzzzzzzz") is None
    by_first = {}
    for i in result.ids:
        by_first.setdefault(i[0], []).append(i)
    shared = next(ids for ids in by_first.values() if len(ids) > 1)
    with pytest.raises(AmbiguousIdError) as caught:  # ambiguous, not unknown
        store.resolve_id(shared[0][0])
    assert (caught.value.prefix, caught.value.count) == (shared[0][0], len(shared))
    assert (
        str(caught.value) == f"'{shared[0][0]}' matches {len(shared)} items; give more characters"
    )


def test_refresh_sees_another_writer(tmp_path: Path) -> None:
    reader = open_store(tmp_path)
    writer = open_store(tmp_path)
    assert reader.refresh() is False
    [result] = writer.add_documents([make_doc("a.txt", [make_item("One")])])
    assert reader.get(result.ids[0]) is None
    assert reader.refresh() is True
    assert reader.get(result.ids[0])["title"] == "One"
    assert reader.refresh() is False
    writer.state.set_bookmarked(result.ids[0], True)
    assert reader.refresh() is True
    assert reader.get(result.ids[0])["bookmarked"] is True


def test_iter_records_streams_every_committed_record(tmp_path: Path) -> None:
    store = open_store(tmp_path, segment_size=4)
    results = store.add_documents(numbered_batch(1, 5) + numbered_batch(2, 6))
    store.state.set_bookmarked(results[0].ids[0], True)
    records = list(store.iter_records())
    assert sorted(r["id"] for r in records) == sorted(store.index.ids)
    assert len(records) == 11
    assert [r["id"] for r in records if r["bookmarked"]] == [results[0].ids[0]]


def test_files_of_a_write_that_never_committed_are_never_read(tmp_path: Path) -> None:
    """A writer killed before the manifest names its files: readers, a rebuild of the
    index and the next write all ignore them, and the next write deletes them."""
    store = open_store(tmp_path)
    [result] = store.add_documents([make_doc("a.txt", [make_item("One")])])
    committed = generated_files(tmp_path)
    # what a killed writer leaves: a next version of segment 0 holding an extra record
    data = orjson.loads(segment_file(tmp_path).read_bytes())
    data["items"]["2"] = dict(make_item("Orphan"), id="orphan01", documents=["x.txt"])
    (tmp_path / "corpus-0000-g000009.json").write_bytes(orjson.dumps(data))
    (tmp_path / "corpus-0001-g000009.json").write_bytes(orjson.dumps(data))
    reader = open_store(tmp_path)
    assert reader.get("orphan01") is None
    assert [r["id"] for r in reader.iter_records()] == result.ids
    index_file(tmp_path).unlink()  # a rebuild reads only what the manifest names
    rebuilt = open_store(tmp_path)
    assert rebuilt.index.ids == result.ids and rebuilt.get("orphan01") is None
    assert restore_backups(tmp_path).paths == []
    rebuilt.add_documents([make_doc("b.txt", [make_item("Two")])])
    assert "corpus-0001-g000009.json" not in generated_files(tmp_path)
    assert len(open_store(tmp_path).index) == 2
    assert set(committed) - set(generated_files(tmp_path))  # superseded files go too


def test_write_lock_held_elsewhere_raises_store_locked(tmp_path: Path) -> None:
    store = open_store(tmp_path, lock_timeout=0.2)
    other = filelock.FileLock(str(tmp_path / ".lock"))
    with other:
        with pytest.raises(
            StoreLockedError, match=r"locked by (another newsdesk|newsdesk process \d+)"
        ):
            store.add_documents([make_doc("a.txt", [make_item("One")])])
        # bookmarks use their own lock: a long ingest never blocks them
        assert store.state.toggle_bookmark("abc") is True
    [result] = store.add_documents([make_doc("a.txt", [make_item("One")])])
    assert result.new == 1


def test_paths_with_spaces_and_non_ascii(tmp_path: Path) -> None:
    root = tmp_path / "my news" / "新闻 store é"
    store = open_store(root)
    [result] = store.add_documents([make_doc("文件 one.txt", [make_item("腾讯 results")])])
    store.state.set_bookmarked(result.ids[0], True)
    again = open_store(root)
    record = again.get(result.ids[0])
    assert record["title"] == "腾讯 results"
    assert record["documents"] == ["文件 one.txt"]
    assert record["bookmarked"] is True
    assert again.index.rows_by_document == {"文件 one.txt": [0]}


def test_a_file_where_the_store_folder_should_be_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "not-a-folder"
    path.write_text("x")
    with pytest.raises(StoreError, match="not-a-folder"):
        Store(path)
    with pytest.raises(StoreError, match="not-a-folder"):
        Store(path / "child")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_permission_denied_is_a_store_error(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s")
    store.add_documents([make_doc("a.txt", [make_item("One")])])
    segment = segment_file(tmp_path / "s")
    os.chmod(segment, 0)
    try:
        with pytest.raises(StoreError, match=rf"{segment.name}: permission denied"):
            open_store(tmp_path / "s").get(store.index.ids[0])
    finally:
        os.chmod(segment, 0o644)


@pytest.mark.parametrize("more_to_come", [False, True])
def test_a_document_without_items_into_an_empty_store(tmp_path: Path, more_to_come) -> None:
    """Its directory entry is written in the first base (this raised AssertionError)."""
    store = Store(tmp_path / "db")
    [added] = store.add_documents([make_doc("empty.txt", [])], more_to_come=more_to_come)
    assert (added.new, added.known, added.ids) == (0, 0, [])
    reopened = Store(tmp_path / "db")
    assert len(reopened.index) == 0
    [again] = reopened.add_documents([make_doc("b.txt", [make_item("Tencent results")])])
    assert again.new == 1 and len(Store(tmp_path / "db").index) == 1
