"""The index on disk: a base written at compaction, a piece appended by every batch (the
delta written whole after MAX_PIECES of them), read lazily (one value, one posting list) or
whole, and rebuilt when damaged."""

from __future__ import annotations

import random
import shutil
from collections import Counter
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.storage import generation as generation_module
from store.storage import index as index_module
from store.storage.columns import ColumnFile
from store.storage.errors import CorruptStoreError
from store.storage.index import COLUMNS, postings
from store.storage.store import Store
from tests.helpers.store_factory import make_doc, make_item, numbered_batch
from tests.helpers.store_files import manifest

USER = "tester"


def open_store(root: Path, **options) -> Store:
    return Store(root, user=USER, segment_size=5, **options)


def index_files(root: Path) -> tuple[Path, Path | None]:
    data = manifest(root)
    delta = data["delta"][0] if data["delta"] else None
    return root / data["index"][0], (root / delta if delta else None)


def index_pieces(root: Path) -> list[Path]:
    return [root / name for name, _ in manifest(root)["pieces"]]


def index_names(root: Path) -> set[str]:
    base, delta = index_files(root)
    return {base.name, *([delta.name] if delta else []), *(p.name for p in index_pieces(root))}


def mapping_name(column: str) -> str:
    return {"companies": "rows_by_company"}.get(column, f"rows_by_{column[:-1]}")


def whole(index) -> dict[str, list]:
    return {name: list(getattr(index, name)) for name in COLUMNS}


def shuffled_batches(seed: int) -> list[list]:
    """Batches whose dates interleave with what is stored, with reprints and changes."""
    rng = random.Random(seed)
    batches = []
    for b in range(6):
        items = [
            make_item(
                f"Story {b}-{i} about {rng.choice(['chips', 'cars', 'banks'])}",
                published=f"2024-0{1 + rng.randrange(9)}-{1 + rng.randrange(28):02d}T08:00",
                tickers=(f"{rng.randrange(30):04d}.HK",),
                companies=((f"co{rng.randrange(10)}", "Co", None),),
            )
            for i in range(8)
        ]
        if b:  # a longer printing of a story stored before: a change to an older row
            old = batches[rng.randrange(b)][0][1][0]
            items.append(
                make_item(
                    old["title"],
                    old["body"] + " More detail." * 8,
                    published=old["published"],
                    tickers=("9999.HK",),
                )
            )
        batches.append([make_doc(f"doc-{b}.txt", items)])
    return batches


@pytest.fixture
def small_delta(monkeypatch):
    """Compaction after a few rows, so a short test sees bases and deltas."""
    monkeypatch.setattr(index_module, "DELTA_MIN", 12)


def test_a_batch_appends_a_piece_and_readers_see_the_same_rows(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.add_documents(numbered_batch(1, 8))
    base, delta = index_files(tmp_path)
    assert delta is None and not index_pieces(tmp_path)  # the first write makes a base
    stamp = base.stat().st_mtime_ns, base.stat().st_ino
    for b in range(2, 2 + generation_module.MAX_PIECES):
        store.add_documents(numbered_batch(b, 3))
        again, delta = index_files(tmp_path)
        assert again == base and (base.stat().st_mtime_ns, base.stat().st_ino) == stamp
        pieces = index_pieces(tmp_path)
        assert delta is None and len(pieces) == b - 1  # only what the batch added, appended
        assert pieces[-1].stat().st_size < base.stat().st_size
        assert whole(open_store(tmp_path).index) == whole(store.index)
    store.add_documents(numbered_batch(99, 3))  # one piece too many: the delta, written whole
    _, delta = index_files(tmp_path)
    assert delta is not None and not index_pieces(tmp_path)
    assert {p.name for p in tmp_path.glob("index-*")} == index_names(tmp_path)
    assert whole(open_store(tmp_path).index) == whole(store.index)


def test_a_bulk_ingest_appends_more_pieces_before_writing_its_delta(tmp_path: Path) -> None:
    """Its batches' delta can be large (the bulk rule lets it reach half the base), so they
    append up to BULK_MAX_PIECES pieces; a write on its own, MAX_PIECES."""
    store = open_store(tmp_path)
    store.add_documents(numbered_batch(1, 8))
    limit = index_module.BULK_MAX_PIECES
    assert limit > index_module.MAX_PIECES
    for b in range(2, 2 + limit):
        store.add_documents(numbered_batch(b, 3), more_to_come=True)
        assert len(index_pieces(tmp_path)) == b - 1 and index_files(tmp_path)[1] is None
    store.add_documents(numbered_batch(99, 3), more_to_come=True)
    assert not index_pieces(tmp_path) and index_files(tmp_path)[1] is not None
    assert whole(open_store(tmp_path).index) == whole(store.index)


@pytest.mark.parametrize("delta_min", [12, 1000])
def test_pieces_read_back_as_the_index_one_delta_gives(
    tmp_path: Path, monkeypatch, delta_min: int
) -> None:
    """Rows added, reprints merged into rows of the base, of the delta and of earlier pieces:
    a store that appends pieces reads back what one that writes its delta whole does, and
    what an index rebuilt from the corpus says."""
    monkeypatch.setattr(index_module, "DELTA_MIN", delta_min)
    monkeypatch.setattr(generation_module, "MAX_PIECES", 3)
    pieces, deltas = open_store(tmp_path / "pieces"), open_store(tmp_path / "deltas")
    seen_pieces, replaced, patched = 0, 0, 0
    for batch in shuffled_batches(7) + shuffled_batches(8):
        pieces.add_documents(batch)
        if index_pieces(tmp_path / "pieces"):
            piece = ColumnFile(index_pieces(tmp_path / "pieces")[-1])
            replaced += len(piece.strings("repl.ids").all())
            patched += len(piece.u32("patch.rows"))
        monkeypatch.setattr(generation_module, "MAX_PIECES", 0)
        deltas.add_documents(batch)
        monkeypatch.setattr(generation_module, "MAX_PIECES", 3)
        seen_pieces = max(seen_pieces, len(index_pieces(tmp_path / "pieces")))
        assert not index_pieces(tmp_path / "deltas")
        expected = whole(open_store(tmp_path / "deltas").index)
        assert whole(open_store(tmp_path / "pieces").index) == expected == whole(pieces.index)
        rebuilt = tmp_path / f"rebuilt-{seen_pieces}-{len(expected['ids'])}"
        shutil.copytree(tmp_path / "pieces", rebuilt)
        open_store(rebuilt).reindex()  # from the corpus: what the index must say
        assert whole(open_store(rebuilt).index) == expected
        reader = open_store(tmp_path / "pieces").index
        assert [reader.row_of(i) for i in expected["ids"]] == list(range(len(expected["ids"])))
    assert seen_pieces == (3 if delta_min > 100 else 1)
    assert patched and (replaced or delta_min < 100)  # base rows and delta rows changed


def test_a_damaged_or_missing_piece_rebuilds_the_index(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    for b in range(1, 4):
        store.add_documents(numbered_batch(b, 4))
    expected = whole(store.index)
    _, second = index_pieces(tmp_path)
    second.write_bytes(second.read_bytes()[:-9])
    assert whole(open_store(tmp_path).index) == expected  # rebuilt from the corpus
    store = open_store(tmp_path)
    store.add_documents(numbered_batch(4, 4))
    expected = whole(store.index)
    index_pieces(tmp_path)[-1].unlink()
    assert whole(open_store(tmp_path).index) == expected


def test_a_store_written_before_pieces_opens_and_takes_pieces(tmp_path: Path) -> None:
    """A version-4 manifest (no pieces) is read; the next write appends a piece to it."""
    store = open_store(tmp_path)
    store.add_documents(numbered_batch(1, 4))
    path = tmp_path / "manifest.json"
    data = orjson.loads(path.read_bytes())
    data["version"] = 4
    del data["pieces"]
    path.write_bytes(orjson.dumps(data))
    assert whole(open_store(tmp_path).index) == whole(store.index)
    reopened = open_store(tmp_path)
    reopened.add_documents(numbered_batch(2, 4))
    assert len(index_pieces(tmp_path)) == 1
    assert whole(open_store(tmp_path).index) == whole(reopened.index)


def test_lazy_reads_agree_with_whole_columns(tmp_path: Path, small_delta) -> None:
    writer = open_store(tmp_path)
    for batch in shuffled_batches(3):
        writer.add_documents(batch)
        lazy, full = open_store(tmp_path).index, open_store(tmp_path).index
        columns = whole(full)
        assert columns == whole(writer.index)
        dates = [(p, i) for p, i in zip(columns["published"], columns["ids"], strict=True)]
        assert dates == sorted(dates, reverse=True)  # newest first, across base and delta
        for row in range(0, len(lazy), 3):
            assert lazy.row(row) == full.row(row)  # one value at a time, from the files
            assert lazy.row_of(columns["ids"][row]) == row
        page = [5, 0, len(lazy) - 1, 2, -1, 7]  # a page of rows, any order, read at once
        taker = open_store(tmp_path).index
        for name in COLUMNS:
            assert getattr(taker, name).take(page) == [columns[name][r] for r in page], name
        for name in ("tickers", "companies", "documents"):
            expected = postings(columns[name])
            mapping = getattr(lazy, f"rows_by_{name[:-1] if name != 'companies' else 'company'}")
            for key, rows in expected.items():
                assert mapping[key] == rows
            assert "no such key" not in mapping
            everything = getattr(open_store(tmp_path).index, mapping_name(name))
            assert dict(everything) == expected  # all keys at once, from the posting sections
        assert lazy.rows_by_publisher["Caixin Global"] == list(range(len(lazy)))
        for word in ("chips", "story 2-", "about cars", "zzz"):
            words = word.split()
            plain = [
                r for r, t in enumerate(columns["title"]) if all(w in t.casefold() for w in words)
            ]
            assert lazy.title_rows(words) == plain


def test_compaction_keeps_the_delta_small(tmp_path: Path, small_delta) -> None:
    store = open_store(tmp_path)
    bases = set()
    for batch in shuffled_batches(5):
        store.add_documents(batch)
        base, _ = index_files(tmp_path)
        bases.add(base.name)
        index = open_store(tmp_path).index
        assert index.delta_rows + len(index.patches) <= 12 + 9
    assert len(bases) > 1  # it compacted
    assert {p.name for p in tmp_path.glob("index-*")} == index_names(tmp_path)  # old: deleted


def test_resolve_prefix_reads_the_id_order(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    [result] = store.add_documents([make_doc("a.txt", [make_item(f"S{i}") for i in range(30)])])
    reader = open_store(tmp_path)
    for item_id in result.ids:
        assert reader.resolve_id(item_id[:7]) == item_id
    assert reader.resolve_id("zzzzzzz") is None


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_a_damaged_index_is_rebuilt_or_named(tmp_path: Path, damage: str) -> None:
    store = open_store(tmp_path)
    store.add_documents(numbered_batch(1, 12))
    expected = whole(store.index)
    base, _ = index_files(tmp_path)
    raw = bytearray(base.read_bytes())
    if damage == "truncate":
        base.write_bytes(bytes(raw[: len(raw) // 2]))
    elif damage == "garbage":
        base.write_bytes(b"not an index")
    else:  # one byte of the titles changed: its checksum says so when they are read
        raw[ColumnFile(base)._sections["title"][0] + 3] ^= 0x01
        base.write_bytes(bytes(raw))
    reopened = open_store(tmp_path)
    if damage != "flip":
        assert whole(reopened.index) == expected  # rebuilt from the corpus at open
        return
    assert reopened.index.ids[0] == expected["ids"][0]  # the other columns read fine
    with pytest.raises(CorruptStoreError) as caught:
        list(reopened.index.title)
    assert "newsdesk reindex" in str(caught.value) and base.name in str(caught.value)
    store.reindex()
    assert whole(open_store(tmp_path).index) == expected


def test_documents_live_in_segments_and_a_write_rewrites_only_its_own(
    tmp_path: Path, monkeypatch
) -> None:
    from store.storage import documents as documents_module

    monkeypatch.setattr(documents_module, "DOCUMENTS_PER_SEGMENT", 2)
    store = open_store(tmp_path)
    store.add_documents(numbered_batch(1, 2, docs=3))  # documents 1-3: segments 0 and 1
    first = manifest(tmp_path)["doc_segments"]
    assert sorted(first) == ["0", "1"]
    store.add_documents(numbered_batch(2, 2))  # document 4: segment 1 only
    second = manifest(tmp_path)["doc_segments"]
    assert second["0"] == first["0"]  # untouched: not rewritten
    assert second["1"][0] != first["1"][0] and second["1"][1] == first["1"][0]
    # a document ingested again with new content is found by name, in its own segment
    changed = [make_doc("batch-00001-0.txt", [make_item("A new story")])]
    [result] = store.add_documents(changed)
    assert result.new == 1
    third = manifest(tmp_path)["doc_segments"]
    assert third["0"][0] != second["0"][0] and third["1"] == second["1"]
    reader = open_store(tmp_path)
    assert [d["name"] for d in reader.documents()] == [
        "batch-00001-0.txt", "batch-00001-1.txt", "batch-00001-2.txt", "batch-00002-0.txt",
    ]  # fmt: skip
    assert reader.index.document_directory["batch-00001-0.txt"][0] == "1"


@pytest.mark.parametrize("odd", ["plain", "unit\x1fseparator", "nul\x00inside"])
def test_value_tables_read_one_value_or_whole_whatever_the_values_hold(tmp_path, odd) -> None:
    """Value tables are string sections (tuples joined by U+001F); one whose values hold
    that separator or a NUL is kept as JSON. Either way one value read alone from the file
    equals the whole column decoded."""
    store = open_store(tmp_path)
    items = [make_item(f"Story {i}", tickers=(f"{i:04d}.HK", "0700.HK")) for i in range(6)]
    store.add_documents([make_doc(f"{odd}.txt", items), make_doc("other.txt", [make_item("X")])])
    base, _ = index_files(tmp_path)
    kinds = {name: ColumnFile(base).kind(f"{name}.values") for name in ("documents", "tickers")}
    assert kinds == {"documents": "str" if odd == "plain" else "json", "tickers": "str"}
    lazy, full = open_store(tmp_path).index, whole(open_store(tmp_path).index)
    for row in range(len(lazy)):
        assert lazy.row(row) == tuple(full[name][row] for name in COLUMNS)
    assert Counter(full["documents"]) == {("other.txt",): 1, (f"{odd}.txt",): 6}


@pytest.mark.parametrize("ordered", [True, False])
def test_key_lookups_in_the_index_files_agree_with_the_key_maps(
    tmp_path, small_delta, monkeypatch, ordered: bool
) -> None:
    """A small batch looks its title and body keys up in the index (base rows found by
    binary search in the base's key order, or, in a base written before it had one, by a
    scan at C speed; patches and delta applied) instead of building maps of every row: the
    same answers as the maps, across bases, deltas and patched rows."""
    from store.storage import store as store_module
    from store.storage.batch import ids_under, key_lookups, key_maps

    if not ordered:
        monkeypatch.setattr(index_module, "_KEYS_ORDERED", ())
    writer = open_store(tmp_path)
    for batch in shuffled_batches(7):
        writer.add_documents(batch)
        index = open_store(tmp_path).index
        assert ("title_key.order" in ColumnFile(index_files(tmp_path)[0])) is ordered
        maps = key_maps(index)  # decodes the key columns: the lookups get a fresh index
        lookups = key_lookups(open_store(tmp_path).index)
        for mapping, lookup, name in zip(maps, lookups, ("title_key", "body_key"), strict=True):
            keys = set(mapping) | set(getattr(index, name)) | {12345}
            for key in keys:
                assert ids_under(lookup, key) == ids_under(mapping, key), (name, key)
    # and a store that takes its batches through the lookups dedupes the same way
    reference, looked_up = tmp_path / "reference", tmp_path / "looked-up"
    for root in (reference, looked_up):
        store = open_store(root)
        if root == looked_up:
            monkeypatch.setattr(store_module, "SMALL_BATCH_SHARE", 10**9)  # every batch small
        for batch in shuffled_batches(3):
            store.add_documents(batch)
    assert whole(open_store(reference).index) == whole(open_store(looked_up).index)


@pytest.mark.parametrize("scans", [0, 100])
def test_rows_in_segment_agree_with_the_segment_column(
    tmp_path, small_delta, monkeypatch, scans
) -> None:
    """A batch finds the committed rows of a segment it rewrites in the segment column (the
    base file's u32 section searched in place, a base in memory scanned or mapped by value,
    the delta's rows mapped once), not one id at a time: the same rows as reading the column
    whole, across bases and deltas, in a reader and in the writer that wrote them."""
    monkeypatch.setattr(index_module, "_SCANS_BEFORE_MAP", scans)
    writer = open_store(tmp_path)
    for batch in shuffled_batches(7):
        writer.add_documents(batch)
        for index in (open_store(tmp_path).index, writer.index):
            column = list(index.segment)
            for number in sorted({*column, 10**6}):
                expected = [row for row, value in enumerate(column) if value == number]
                assert index.rows_in_segment(number) == expected, number
    assert writer.index.base.file is None  # the writer's base: the one compaction made
    assert open_store(tmp_path).index.rows_in_segment(2**40) == []  # no u32 holds it


TRICKY_TITLES = [
    "Tencent raises capex", "腾讯 raises capex", "Straße of chips", "STRASSE OF CHIPS",
    "Ünïcödé titles: café", "中芯国际 (0981.HK) 扩产", "", "x", "lidar sensor maker lists",
    "Sensor lidar, reversed", "a\udc80 byte that was not UTF-8",
]  # fmt: skip
TRICKY_WORDS = [
    ["tencent"], ["腾讯"], ["ss"], ["straße"], ["strasse"], ["café"], ["ü"], ["0981.hk"],
    ["中芯", "扩产"], ["lidar", "sensor"], ["sensor"], ["x"], ["\udc80"], ["zzz"], ["s", "o"],
]  # fmt: skip


def plain_title_rows(titles: list[str], words: list[str]) -> list[int]:
    return [r for r, t in enumerate(titles) if all(w in t.casefold() for w in words)]


def test_title_search_in_a_mapped_file_agrees_with_a_plain_scan(tmp_path: Path) -> None:
    """The base's titles are searched as bytes in its mapping: any script, casefolding and
    undecodable bytes find the same rows as a scan of the titles."""
    text, ends = index_module.title_bytes(TRICKY_TITLES)
    writer = index_module.Writer()
    writer.sections["title_text"] = ("str", text)
    writer.u32("title_text.byte_ends", ends)
    writer.write(tmp_path / "t.base", {})
    mapping, start, _length = ColumnFile(tmp_path / "t.base").mapped("title_text")
    in_file = index_module.TitleText(mapping, ColumnFile(tmp_path / "t.base").u32(
        "title_text.byte_ends"), start)  # fmt: skip
    in_memory = index_module.TitleText.of(TRICKY_TITLES)
    indexed = index_module.TitleText.of(TRICKY_TITLES, indexed=True)
    for words in TRICKY_WORDS:
        expected = plain_title_rows(TRICKY_TITLES, words)
        assert in_file.rows_with(words) == expected, words
        assert in_memory.rows_with(words) == expected, words
        assert indexed.rows_with(words) == expected, words


def base_of_titles(tmp_path: Path, titles: list[str]) -> index_module.Base:
    """A base written to a file (as compaction writes it) with one row per title."""
    rows = [
        make_row(f"i{n:05d}", title, published=f"2024-01-01T{n // 60 % 24:02d}:{n % 60:02d}")
        for n, title in enumerate(titles)
    ]
    index_module.ItemIndex.from_rows(rows).write_base(tmp_path / "t.base")
    return index_module.Base.open(tmp_path / "t.base")


def make_row(item_id: str, title: str, published: str) -> index_module.Row:
    return index_module.Row(item_id, published, "P", title, "", (), (), (), 0, 0, 0, 0, 0)


def test_a_written_base_finds_title_words_by_its_word_index(tmp_path: Path) -> None:
    """A base written by compaction carries a word index of its titles; words found by it,
    in any script, as part of a word or across punctuation, are the rows a scan finds."""
    base = base_of_titles(tmp_path, TRICKY_TITLES)
    text = base.title_text
    assert text.words is not None
    titles = list(base.column("title"))
    for words in [*TRICKY_WORDS, ["raises", "capex"], ["cap"], ["0981"], ["(0981.hk)"]]:
        assert text.rows_with(words) == plain_title_rows(titles, words), words


# a small alphabet, so that random words often meet: Latin, ß, Chinese, digits, marks
_ALPHABET = "abcAB ßss中芯国际腾讯 0123.-(),é\u0301"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    titles=st.lists(st.text(_ALPHABET, max_size=14), min_size=1, max_size=40),
    words=st.lists(
        st.text(_ALPHABET.replace(" ", ""), min_size=1, max_size=4), min_size=1, max_size=3
    ),
)
def test_title_words_find_what_a_scan_finds(tmp_path: Path, titles, words) -> None:
    """Property: for any titles and query words, the word index finds exactly the rows
    a plain scan of the casefolded titles finds (in memory and in a written base)."""
    words = [w.casefold() for w in words]
    expected = plain_title_rows([index_module.fold_title(t) for t in titles], words)
    assert index_module.TitleText.of(titles, indexed=True).rows_with(words) == expected
    base = base_of_titles(tmp_path, titles)
    found = base.title_text.rows_with(words)
    stored = list(base.column("title"))
    assert found == plain_title_rows([index_module.fold_title(t) for t in stored], words)


def test_a_damaged_word_index_is_a_corrupt_store_not_wrong_rows(tmp_path: Path) -> None:
    """Postings that name a row the base does not have are refused, naming the file."""
    base = base_of_titles(tmp_path, ["chips up", "chips down"])
    path = tmp_path / "t.base"
    raw = bytearray(path.read_bytes())
    file = ColumnFile(path)
    start, _length, _kind, _blocks = file._sections["title_words.rows"]
    raw[start : start + 4] = (7).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    with pytest.raises(CorruptStoreError, match=r"t\.base"):
        index_module.Base.open(path).title_text.rows_with(["chips"])
    assert base.n == 2


def test_a_read_checks_only_the_blocks_it_touches(tmp_path: Path) -> None:
    """A damaged block is never read unchecked: values elsewhere read fine, the value in it
    and the whole column are refused; a few values check a few blocks, not the column."""
    from store.storage.columns import BLOCK, DamagedColumnFile, Writer

    values = [f"title number {n:06d} about chips and cars" for n in range(60_000)]
    writer = Writer()
    writer.strings("title", values)
    writer.u32("post.rows", range(60_000))
    path = tmp_path / "t.base"
    writer.write(path, {})
    column = ColumnFile(path).strings("title")
    assert [column.get(n) for n in (0, 1, 59_999)] == [values[0], values[1], values[59_999]]

    raw = bytearray(path.read_bytes())
    start, length, _kind, blocks = ColumnFile(path)._sections["title"]
    assert len(blocks) == -(-length // BLOCK) > 20
    raw[start + length - 10] ^= 0x01  # in the last value, the last block
    path.write_bytes(bytes(raw))
    damaged = ColumnFile(path)
    column = damaged.strings("title")
    assert column.get(0) == values[0] and column.get(30_000) == values[30_000]
    assert sum(damaged._blocks_checked["title"]) == 2  # the two blocks read, nothing else
    with pytest.raises(DamagedColumnFile):
        column.get(59_999)
    with pytest.raises(DamagedColumnFile):
        damaged.strings("title").all()
    assert damaged.u32_range("post.rows", 10, 3).tolist() == [10, 11, 12]


def test_a_column_file_with_one_checksum_a_section_is_still_read(tmp_path: Path) -> None:
    """Files written before block checksums (one CRC for each section) read as before."""
    import struct
    import zlib

    from store.storage.columns import MAGIC, DamagedColumnFile, Writer, _pad

    writer = Writer()
    writer.strings("title", ["a", "b", "c"])
    directory, position = {}, 0
    for name, (kind, data) in writer.sections.items():
        directory[name] = (position, len(data), kind, zlib.crc32(data))
        position += len(data) + (-len(data) % 8)
    header = _pad(orjson.dumps({"meta": {}, "sections": directory}))
    body = b"".join(_pad(data) for _, data in writer.sections.values())
    path = tmp_path / "old.base"
    path.write_bytes(MAGIC + struct.pack("<Q", len(header)) + header + body)
    assert ColumnFile(path).strings("title").all() == ["a", "b", "c"]
    assert ColumnFile(path).strings("title").get(1) == "b"
    raw = bytearray(path.read_bytes())
    raw[len(MAGIC) + 8 + len(header)] ^= 0x01  # the first title's byte
    path.write_bytes(bytes(raw))
    with pytest.raises(DamagedColumnFile):
        ColumnFile(path).strings("title").get(2)  # one CRC: any read checks the whole


def test_a_title_several_stories_share_is_found_for_each_of_them(tmp_path: Path) -> None:
    """A headline printed over different stories ("Market wrap") keys them all: a lookup
    in the base's key order returns every row, as the maps do."""
    from store.storage.batch import ids_under, key_lookups, key_maps

    bodies = [f"{topic} " * 30 for topic in ("Chips rallied.", "Banks fell.", "Cars stalled.")]
    items = [
        make_item("Market wrap", body, published=f"2024-03-0{day}T09:00:00+08:00")
        for day, body in enumerate(bodies, 1)
    ]
    items += [make_item(f"Story {i}", f"Body {i} " * 30) for i in range(12)]
    store = open_store(tmp_path)
    store.add_documents([make_doc("a.txt", items)])
    (title_map, _) = key_maps(open_store(tmp_path).index)
    [shared] = [key for key, ids in title_map.items() if isinstance(ids, list)]
    (title_lookup, _) = key_lookups(open_store(tmp_path).index)  # from the file, not decoded
    assert len(ids_under(title_lookup, shared)) >= 2
    assert ids_under(title_lookup, shared) == ids_under(title_map, shared)


@pytest.mark.parametrize("by_search", [0, 10**9])
def test_base_rows_map_to_the_index_rows_one_search_each_gives(
    tmp_path, small_delta, monkeypatch, by_search
) -> None:
    """Many base rows (a posting list, a title match) find their index rows in one table of
    every base row's; the same rows a binary search in the insertion points gives each, and
    the same postings and title matches as an index rebuilt without a delta."""
    monkeypatch.setattr(index_module, "_ROWS_BY_SEARCH", by_search)
    writer = open_store(tmp_path)
    seen_delta = False
    for batch in shuffled_batches(11):
        writer.add_documents(batch)
        index = open_store(tmp_path).index
        if not index.delta_rows:
            continue
        seen_delta = True
        base_rows = list(range(index.base.n))
        assert index.global_rows(base_rows) == [index.global_row(r) for r in base_rows]
        assert index.global_rows(base_rows[::3]) == [index.global_row(r) for r in base_rows[::3]]
        for name, lookup in (("tickers", "rows_by_ticker"), ("documents", "rows_by_document"),
                             ("companies", "rows_by_company")):  # fmt: skip
            column = list(getattr(index, name))
            for key in {k for keys in column for k in keys}:
                expected = [row for row, keys in enumerate(column) if key in keys]
                assert list(getattr(index, lookup)[key]) == expected, (name, key)
        assert index.patches, "a reprint merged into a base row: its patch adds postings"
        titles = [t.casefold() for t in index.title]
        for word in ("chips", "cars", "story", "banks"):
            assert index.title_rows([word]) == [r for r, t in enumerate(titles) if word in t]
    assert seen_delta


def test_every_documents_rows_read_the_delta_once(tmp_path, small_delta, monkeypatch) -> None:
    """The sources pane asks for the rows of every document: the delta's rows are mapped by
    key once per index, not scanned once per key (at 1M items with a 36k-row delta that
    scan took the listing 28 s)."""
    writer = open_store(tmp_path)
    for batch in shuffled_batches(5):
        writer.add_documents(batch)
    index = open_store(tmp_path).index
    assert index.delta_rows and len(index.document_directory) > 1
    reads = []
    posted_values = index_module.posted_values
    monkeypatch.setattr(index_module, "posted_values", lambda name, column: reads.append(
        name) or posted_values(name, column))  # fmt: skip
    column = list(index.documents)
    for name in index.document_directory:
        expected = [row for row, names in enumerate(column) if name in names]
        assert index.rows_by_document.get(name, []) == expected, name
    assert reads == ["documents"]


def test_the_sources_listing_reads_each_documents_rows_without_keeping_them(
    tmp_path, small_delta
) -> None:
    """`Postings.peek` gives what `get` gives and keeps nothing: the sources pane's listing
    reads every document's rows once (at 1M items keeping them held ~40 MB of the reader)."""
    from store import views

    writer = open_store(tmp_path)
    for batch in shuffled_batches(3):
        writer.add_documents(batch)
    store = open_store(tmp_path)
    index = store.index
    listing = views.source_listing(index, store.documents())
    postings = index.rows_by_document
    assert postings._read == {}  # nothing kept by the listing
    for name in [*index.document_directory, "no such document"]:
        assert postings.peek(name) == postings.get(name, [])
        assert listing.items.get(name, 0) == len(postings.get(name, []))
