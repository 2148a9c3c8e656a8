"""Store internals that keep it fast at 100k: records read by their spans, dedupe settled
from the index's body prints, segments written as plain orjson TinyDB files, old indexes."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.storage import dedupe
from store.storage.batch import Batch
from store.storage.dedupe import Keys, Openings, alike_openings, body_opening, body_print, settled
from store.storage.segments import NO_SPAN, segment_bytes
from store.storage.store import Store
from tests.helpers.store_factory import make_doc, make_item, numbered_batch
from tests.helpers.store_files import documents_file, generated_files, segment_file

USER = "tester"


def open_store(root: Path, **options) -> Store:
    return Store(root, user=USER, **options)


def test_segment_file_is_exactly_orjson_of_its_tables(tmp_path: Path) -> None:
    store = open_store(tmp_path, segment_size=4)
    store.add_documents(numbered_batch(1, 6))
    for path in sorted(tmp_path.glob("corpus-*.json")):
        raw = path.read_bytes()
        data = orjson.loads(raw)
        assert list(data) == ["meta", "items"]
        assert orjson.dumps(data) == raw
        token = data["meta"]["1"]["token"]
        assert segment_bytes(token, data["items"])[0] == raw


def test_spans_point_at_each_record(tmp_path: Path) -> None:
    store = open_store(tmp_path, segment_size=4)
    store.add_documents(numbered_batch(1, 6) + numbered_batch(2, 3))
    index = store.index
    assert NO_SPAN not in index.spans
    for row, item_id in enumerate(index.ids):
        raw = segment_file(tmp_path, index.segment[row]).read_bytes()
        offset, length = index.span_of(row)
        assert orjson.loads(raw[offset : offset + length])["id"] == item_id
    loaded = open_store(tmp_path).index  # packed on disk, the same spans
    assert [loaded.span_of(r) for r in range(len(loaded))] == [
        index.span_of(r) for r in range(len(index))
    ]


def test_get_many_reads_records_alone_without_loading_segments(tmp_path: Path) -> None:
    writer = open_store(tmp_path, segment_size=3)
    results = writer.add_documents(numbered_batch(1, 7))
    ids = results[0].ids
    reader = open_store(tmp_path)
    records = reader.get_many([ids[5], ids[0], "nope", ids[3]])
    assert [r["id"] for r in records] == [ids[5], ids[0], ids[3]]
    assert [r["title"] for r in records] == [
        writer.get(i)["title"] for i in (ids[5], ids[0], ids[3])
    ]
    assert not reader._corpus  # nothing loaded whole


def test_a_reader_reads_its_generation_until_it_refreshes(tmp_path: Path) -> None:
    writer = open_store(tmp_path, segment_size=100)
    [first] = writer.add_documents(numbered_batch(1, 3))
    reader = open_store(tmp_path)
    before = reader.get(first.ids[0])["body"]
    # another writer merges a longer printing of the first story into the same segment
    longer = make_item(reader.get(first.ids[0])["title"], before + " And more detail." * 40)
    writer.add_documents([*numbered_batch(2, 4), make_doc("longer.txt", [longer])])
    # the reader's generation is still on disk (kept as the new one's backup): consistent
    assert reader.get(first.ids[0])["body"] == before
    assert not reader._corpus  # read by its span in the file the reader's index names
    assert reader.refresh()
    assert reader.get(first.ids[0])["body"] == longer["body"]
    # two commits later the reader's files are gone: it refreshes and reads the new ones
    stale = open_store(tmp_path)
    writer.add_documents(numbered_batch(3, 1))
    writer.add_documents(numbered_batch(4, 1))
    assert stale.get(first.ids[1])["id"] == first.ids[1]
    assert len(stale.index) == len(writer.index) == 9


def test_a_record_not_at_its_span_is_loaded_whole(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    [result] = store.add_documents([make_doc("a.txt", [make_item("One"), make_item("Two")])])
    segment = segment_file(tmp_path)
    data = orjson.loads(segment.read_bytes())
    data["items"]["1"]["body"] = "edited by hand, so every later record moved"
    segment.write_bytes(orjson.dumps(data))  # the same token: only the record check sees it
    reader = open_store(tmp_path)
    assert [r["id"] for r in reader.get_many(result.ids)] == result.ids


def test_old_segments_and_an_old_index_stay_readable(tmp_path: Path) -> None:
    store = open_store(tmp_path, segment_size=3)
    store.add_documents(numbered_batch(1, 5))
    ids = list(store.index.ids)
    titles = list(store.index.title)
    # a store as the versions before manifests wrote it: corpus-NNNN.json, index.json
    segments = [orjson.loads(segment_file(tmp_path, n).read_bytes())["items"] for n in (0, 1)]
    data = {"version": 2, "ids": ids}  # an index of a version this one does not read
    documents = documents_file(tmp_path).read_bytes()
    for name in [*generated_files(tmp_path), "manifest.json", "manifest.json.bak"]:
        (tmp_path / name).unlink(missing_ok=True)
    for number, items in enumerate(segments):
        (tmp_path / f"corpus-{number:04d}.json").write_bytes(orjson.dumps({"items": items}))
    (tmp_path / "index.json").write_bytes(orjson.dumps(data))
    (tmp_path / "documents.json").write_bytes(documents)

    old = open_store(tmp_path)  # rebuilt from the corpus
    assert old.index.ids == ids and old.index.title == titles
    assert old.index.tokens == {} and set(old.index.spans) == {NO_SPAN}
    assert [r["id"] for r in old.get_many(ids)] == ids
    [again] = old.add_documents(numbered_batch(1, 5))
    assert (again.new, again.known) == (0, 5)
    [more] = old.add_documents(numbered_batch(2, 2))
    assert more.new == 2
    # the segments it wrote have spans again
    fresh = open_store(tmp_path)
    for row in range(len(fresh.index)):
        if fresh.index.segment[row] in fresh.index.tokens:
            assert fresh.index.span_of(row)[1] > 0
    assert [r["id"] for r in fresh.get_many(fresh.index.ids)] == fresh.index.ids


def test_dedupe_of_a_reprint_and_of_a_different_story_with_the_same_opening(
    tmp_path: Path,
) -> None:
    opening = "Hygon (688041.SH) announced that the company will raise funds for new chips "
    store = open_store(tmp_path)
    [a] = store.add_documents(
        [make_doc("a.txt", [make_item("Hygon raises funds", opening + "in Chengdu. " * 20)])]
    )
    other = open_store(tmp_path)
    [b] = other.add_documents(
        [
            make_doc(
                "b.txt",
                [
                    make_item("Hygon raises funds", opening + "in Chengdu. " * 20),  # reprint
                    make_item("Hygon buys a fab", opening + "and buys a fab in Wuxi. " * 12),
                    make_item("Hygon in brief", opening[:60]),  # short body, other headline
                ],
            )
        ]
    )
    assert (b.new, b.known) == (2, 1)
    assert b.ids[0] == a.ids[0]


BODIES = st.sampled_from(
    [
        "",
        "short body",
        "Shares rose. " * 10,
        "Shares rose! " * 10,  # folds to the same opening as the one above
        "Shares rose. " * 10 + "Then they fell.",
        "Shares fell sharply after the results. " * 4,
        "x" * 79,
        "x" * 80,
        "!!! " * 40,  # folds to nothing
        "?? " * 40,
    ]
)
TITLES = st.sampled_from(["Tencent results", "TENCENT: results", "Alibaba results", "", "!!"])


@settings(max_examples=400, deadline=None)
@given(TITLES, BODIES, TITLES, BODIES)
def test_settled_agrees_with_same_story(title_a, body_a, title_b, body_b) -> None:
    a, b = {"title": title_a, "body": body_a}, {"title": title_b, "body": body_b}
    keys = Keys()
    verdict = settled(
        keys.title_hash(title_a), body_print(body_a), keys.title_hash(title_b), body_print(body_b)
    )
    if verdict is not None:
        assert verdict == dedupe.same_story(a, b)
    else:  # what a batch compares then: the two openings
        same_title = keys.title_hash(title_a) == keys.title_hash(title_b)
        alike = alike_openings(body_opening(body_a), body_opening(body_b), same_title=same_title)
        assert alike == dedupe.same_story(a, b)


def test_openings_keep_the_newest_used() -> None:
    openings = Openings(limit=2)
    assert openings.keep(1, "One, two!") == "one two"
    openings.keep(2, "Three")
    assert openings.get(1) == "one two"  # used: now the newest
    openings.keep(3, "Four")  # over the limit: the least recently used (2) goes
    assert openings.get(2) is None
    assert (openings.get(1), openings.get(3)) == ("one two", "four")


def test_a_stored_story_is_read_once_however_many_new_ones_share_its_headline(
    tmp_path: Path, monkeypatch
) -> None:
    """A headline that recurs (a daily brief) has every new item compared with each stored
    one; a bulk ingest reads and folds each stored body once, not once per comparison."""
    sentences = [
        "Shares of Tencent rose after the quarterly results beat estimates.",
        "Regulators in Beijing approved a batch of new online games for release.",
        "Tencent Music reported fewer paying users than analysts had expected.",
        "The company said cloud revenue grew for a third quarter in a row.",
    ]
    writer = open_store(tmp_path)
    read: list[str] = []
    record_of = Batch.record_of

    def counted(self: Batch, item_id: str):
        if item_id not in self.records:
            read.append(item_id)
        return record_of(self, item_id)

    def add(store: Store, name: str, body: str, *, more_to_come: bool) -> list[str]:
        item = make_item("Tencent daily", body, published=f"2026-01-{len(name):02}")
        [added] = store.add_documents([make_doc(name, [item])], more_to_come=more_to_come)
        assert (added.new, added.known) == (1, 0)
        return added.ids

    monkeypatch.setattr(Batch, "record_of", counted)
    ids: list[str] = []
    for day, sentence in enumerate(sentences):  # one story a day under the same headline
        last = day == len(sentences) - 1
        ids += add(writer, "d" * (day + 1), f"{sentence} " * 4, more_to_come=not last)
    # the first story is read when the second comes; the others were kept as they came
    assert read == ids[:1]
    read.clear()
    fresh = open_store(tmp_path)  # another ingest: it reads each stored story once
    ids += add(fresh, "d" * 5, "WeChat Pay volumes rose 37% by July. " * 4, more_to_come=True)
    typhoon = "Typhoon Wipha shut the exchanges until noon. " * 4
    ids += add(fresh, "d" * 6, typhoon, more_to_come=False)
    assert sorted(read) == sorted(ids[:4])
    read.clear()
    # after its last batch the writer keeps none: a later write reads the stories it compares
    add(fresh, "d" * 7, "Ma Huateng spoke at the Boao forum in Hainan. " * 4, more_to_come=False)
    assert sorted(read) == sorted(ids)


def test_a_failed_bulk_batch_leaves_the_writer_no_openings(tmp_path: Path, monkeypatch) -> None:
    """A bulk ingest stopped by a failed write (or Ctrl-C) does not leave its openings with
    a writer that lives on: its next write reads the stories it compares again."""
    from store.storage.generation import NextGeneration

    writer = open_store(tmp_path)
    first = make_item(
        "Tencent daily", "Shares of Tencent rose after the results beat estimates. " * 4
    )
    [stored] = writer.add_documents([make_doc("a.txt", [first])])
    commit = NextGeneration.commit

    def failing(self, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(NextGeneration, "commit", failing)
    second = make_item("Tencent daily", "Regulators approved a batch of new online games. " * 4)
    with pytest.raises(OSError):
        writer.add_documents([make_doc("b.txt", [second])], more_to_come=True)
    monkeypatch.setattr(NextGeneration, "commit", commit)
    read: list[str] = []
    record_of = Batch.record_of
    monkeypatch.setattr(
        Batch, "record_of", lambda self, item_id: read.append(item_id) or record_of(self, item_id)
    )
    third = make_item("Tencent daily", "Ma Huateng spoke at the Boao forum in Hainan. " * 4)
    [added] = writer.add_documents([make_doc("c.txt", [third])])
    assert added.new == 1 and read == stored.ids
