"""The ingest pipeline: files to records, serially or in a pool of processes."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

import store.ingest as ingest_module
from store.ingest import POOL_MIN_FILES, ingest_paths
from store.storage.store import Store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

NEWCOMER_BRIEF = (
    '"Science and Technology Innovation Board Daily" on May {day} - The main contents of '
    "today's Science and Technology Innovation Board Evening News include: results.\n"
    "[Company Aspect].\n"
    "Company{n} Photonics: Its first-quarter revenue rose {n}% year-on-year\n"
    "Company{n} Photonics ({code}.SH) announced on May {day}, 2025 that revenue in the first "
    "quarter rose {n}% year-on-year, driven by demand for optical modules from data centres.\n"
)


def make_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, folder / seed.name)
    for n in range(POOL_MIN_FILES):
        text = NEWCOMER_BRIEF.format(n=n + 10, day=n % 28 + 1, code=688900 + n)
        (folder / f"brief-{n:02}.txt").write_text(text, encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    return folder


def snapshot(store: Store) -> tuple:
    index = store.index
    records = store.get_many(index.ids)
    return (
        sorted((r["id"], r["title"], tuple(r["tickers"]), tuple(r["documents"])) for r in records),
        sorted(c["name"] for c in store.learned_companies()),
    )


def test_a_pool_of_processes_stores_what_one_process_stores(tmp_path):
    folder = make_folder(tmp_path)
    serial = Store(tmp_path / "serial")
    pooled = Store(tmp_path / "pooled")
    serial_results = ingest_paths(serial, [folder], workers=1)
    pooled_results = ingest_paths(pooled, [folder], workers=2)
    assert [(r.path, r.new, r.known, r.error) for r in serial_results] == [
        (r.path, r.new, r.known, r.error) for r in pooled_results
    ]
    assert snapshot(serial) == snapshot(pooled)
    assert len(pooled.index) == 75 + POOL_MIN_FILES
    learned = snapshot(pooled)[1]
    assert "Company10 Photonics" in learned and len(learned) == POOL_MIN_FILES
    refused = [r for r in pooled_results if not r.ok]
    assert [r.path.name for r in refused] == ["broken.txt"]


def test_reingest_in_a_pool_adds_nothing(tmp_path):
    folder = make_folder(tmp_path)
    store = Store(tmp_path / "db")
    ingest_paths(store, [folder], workers=2)
    again = ingest_paths(store, [folder], workers=2)
    assert sum(r.new for r in again) == 0
    assert sum(r.known for r in again) == 82 + POOL_MIN_FILES  # every item read, again


_real_prepare_in_worker = ingest_module._prepare_in_worker


def _dying_worker(job):
    """A worker killed mid-ingest, as the OOM killer would."""
    if job[0].name == "brief-03.txt":
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_prepare_in_worker(job)


def test_a_worker_that_dies_does_not_end_the_ingest(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_module, "_prepare_in_worker", _dying_worker)
    folder = make_folder(tmp_path)
    store = Store(tmp_path / "db")
    results = ingest_paths(store, [folder], workers=2)
    assert [r.path.name for r in results if not r.ok] == ["broken.txt"]
    assert len(store.index) == 75 + POOL_MIN_FILES


def test_programs_data_and_settings_are_refused_by_name_whatever_they_quote(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    listing = (SEEDS / "001_ce5775964d962981.txt").read_text(encoding="utf-8")
    # Each holds a whole Caixin listing, which would parse; the name says what the file is.
    (folder / "sample.py").write_text(f'PAGE = """\n{listing}\n"""\n', encoding="utf-8")
    (folder / "items.csv").write_text(listing, encoding="utf-8")
    (folder / "config.YAML").write_text(listing, encoding="utf-8")
    (folder / "listing.txt").write_text(listing, encoding="utf-8")
    store = Store(tmp_path / "db")

    results = {r.path.name: r for r in ingest_paths(store, [folder], workers=1)}

    assert results["listing.txt"].ok and results["listing.txt"].new == 20
    assert results["sample.py"].error == "a .py file (source code), not a news document"
    assert results["items.csv"].error == "a .csv file (data), not a news document"
    assert results["config.YAML"].error == "a .yaml file (settings), not a news document"
    assert len(store.index.ids) == 20


def test_an_ingest_commits_a_batch_per_so_many_documents_or_items(tmp_path, monkeypatch):
    from tests.conftest import stable_seeds

    def batches(documents: int, items: int) -> tuple[int, int]:
        monkeypatch.setattr(ingest_module, "BATCH_DOCUMENTS", documents)
        monkeypatch.setattr(ingest_module, "BATCH_ITEMS", items)
        store = Store(tmp_path / f"store-{documents}-{items}")
        calls = []
        add = store.add_documents
        monkeypatch.setattr(store, "add_documents", lambda batch, **kw: calls.append(batch) or
                            add(batch, **kw))  # fmt: skip
        ingest_paths(store, [stable_seeds()], workers=1)
        return len(calls), len(store.index)

    assert batches(600, 20_000) == (1, 75)  # five documents: one commit
    assert batches(2, 20_000) == (3, 75)  # 2 + 2 + 1 documents
    assert batches(600, 1) == (5, 75)  # every document is a batch of its own items


def test_the_pool_holds_a_bounded_window_of_files_ahead_of_the_store(tmp_path, monkeypatch):
    """Files go to the pool as the store takes their items, not all at once: a store slower
    than its workers does not gather every parsed file in memory."""
    from concurrent.futures import ProcessPoolExecutor

    monkeypatch.setattr(ingest_module, "IN_FLIGHT_FILES", 2)
    monkeypatch.setattr(ingest_module, "BATCH_DOCUMENTS", 1)
    submitted = []
    submit = ProcessPoolExecutor.submit
    monkeypatch.setattr(
        ProcessPoolExecutor,
        "submit",
        lambda pool, fn, *args, **kw: submitted.append(args) or submit(pool, fn, *args, **kw),
    )
    store = Store(tmp_path / "db")
    ahead = []
    add = store.add_documents
    monkeypatch.setattr(store, "add_documents", lambda batch, **kw: ahead.append(
        len(submitted) - len(ahead)) or add(batch, **kw))  # fmt: skip
    results = ingest_paths(store, [make_folder(tmp_path)], workers=2)
    assert len(submitted) == len(results) == 5 + POOL_MIN_FILES + 1
    # the window (2), the file just refilled, and broken.txt, which the store never sees
    assert max(ahead) <= 4, ahead
    assert len(store.index) == 75 + POOL_MIN_FILES


def test_the_workers_parse_at_a_lower_priority_than_the_writer(tmp_path, monkeypatch):
    """The one process writing the store is the ingest's critical path: the parsing workers
    are niced so that it gets a core whenever it has work."""
    if os.nice(0) > 19 - ingest_module.WORKER_NICENESS:
        pytest.skip("the tests run too niced for a worker to be niced further")
    seen = tmp_path / "niceness"
    seen.mkdir()
    prepare = ingest_module._prepare

    def noting_niceness(*args):  # runs in the (forked) workers
        (seen / str(os.getpid())).write_text(str(os.nice(0)))
        return prepare(*args)

    monkeypatch.setattr(ingest_module, "_prepare", noting_niceness)
    results = ingest_paths(Store(tmp_path / "db"), [make_folder(tmp_path)], workers=2)
    assert len(results) == 5 + POOL_MIN_FILES + 1
    assert str(os.getpid()) not in os.listdir(seen)  # every file was parsed in the pool
    expected = os.nice(0) + ingest_module.WORKER_NICENESS
    assert {int(p.read_text()) for p in seen.iterdir()} == {expected}


def test_keys_the_workers_compute_dedupe_as_the_store_would(tmp_path):
    """An ingest hands the store each item's dedupe keys (`story_keys`); the store keeps the
    same stories and the same keys as one that computes them itself."""
    from store.entities.companies import CompanyDirectory

    folder = make_folder(tmp_path)
    given = Store(tmp_path / "given")
    ingest_paths(given, [folder], workers=1)
    computed = Store(tmp_path / "computed")
    linker = ingest_module.Linker(CompanyDirectory.bundled())
    for path in sorted(folder.iterdir()):
        prepared = ingest_module._prepare(path, None, linker)
        if prepared.document is not None:
            assert len(prepared.keys) == len(prepared.records)
            computed.add_documents([(prepared.document, prepared.records)])
    assert snapshot(given)[0] == snapshot(computed)[0]  # (companies learned: not handed over)
    for column in ("title_key", "body_key", "body_print"):
        assert list(getattr(given.index, column)) == list(getattr(computed.index, column))


def test_primed_keys_are_filed_under_their_own_strings():
    from store.storage import dedupe

    keys = dedupe.Keys()
    body = "Tencent reported revenue up 8% as games recovered. " * 4
    primed = dedupe.story_keys("Tencent's results", body)
    assert primed == (
        dedupe.title_key("Tencent's results"),
        dedupe.key_hash(dedupe.title_key("Tencent's results")),
        dedupe.key_hash(dedupe.body_key(body)),
        dedupe.body_print(body),
    )
    keys.prime("Tencent's results", body, dedupe.StoryKeys("x", 1, 2, 3))
    assert keys.title_hash("Tencent's results") == 1 and keys.body_print(body) == 3
    # another title or body is computed, whatever was primed
    assert keys.title_hash("Tencent results") == dedupe.key_hash("tencent results")
    assert keys.body_hash(body + " More.") == dedupe.key_hash(dedupe.body_key(body + " More."))


def test_a_bulk_ingest_compacts_its_index_less_often_and_leaves_it_as_usual(tmp_path, monkeypatch):
    """The batches of one ingest before its last compact the index by the looser bulk rule;
    the last compacts by the usual one, so the store it leaves is shaped as any other, and
    its index is the one a rebuild from the corpus gives."""
    from store.storage import index as index_module

    monkeypatch.setattr(index_module, "DELTA_MIN", 12)
    monkeypatch.setattr(index_module, "BULK_DELTA_MIN", 60)
    monkeypatch.setattr(ingest_module, "BATCH_DOCUMENTS", 1)
    bases = []
    write_base = index_module.ItemIndex.write_base
    monkeypatch.setattr(index_module.ItemIndex, "write_base", lambda index, path: bases.append(
        index.base.n) or write_base(index, path))  # fmt: skip
    store = Store(tmp_path / "db")
    ingest_paths(store, [make_folder(tmp_path)], workers=1)
    rows = len(store.index)
    assert rows == 75 + POOL_MIN_FILES
    # the first batch makes the base; then one at 60+ rows, and the last batch's by the usual
    # rule (its delta past 12 rows); each batch by that rule would have compacted 5 times
    assert bases[0] < 60 and bases[-1] == rows and len(bases) == 3, bases
    index = Store(tmp_path / "db").index
    assert not index.needs_compaction()
    shutil.copytree(tmp_path / "db", tmp_path / "rebuilt")
    Store(tmp_path / "rebuilt").reindex()  # from the corpus: what the index must say
    fresh = Store(tmp_path / "rebuilt").index
    for column in index_module.COLUMNS:
        assert list(getattr(index, column)) == list(getattr(fresh, column)), column


def test_a_bulk_ingest_leaves_little_of_its_index_outside_the_base(tmp_path, monkeypatch):
    """Every reader pays for the rows outside the base at each start, so the last batch of a
    bulk ingest compacts a delta of more than DELTA_MIN rows, which the usual rule (a share
    of the base) would leave; a write on its own still compacts by the usual rule."""
    from store.storage import index as index_module
    from tests.helpers.store_factory import numbered_batch

    monkeypatch.setattr(index_module, "DELTA_MIN", 12)
    monkeypatch.setattr(index_module, "DELTA_SHARE", 1)  # the usual rule: past the base
    monkeypatch.setattr(index_module, "BULK_DELTA_MIN", 60)
    monkeypatch.setattr(ingest_module, "BATCH_DOCUMENTS", 4)
    store = Store(tmp_path / "db")
    ingest_paths(store, [make_folder(tmp_path)], workers=1)
    index = Store(tmp_path / "db").index
    assert len(index) == 75 + POOL_MIN_FILES
    assert index.delta_rows <= 12, (index.delta_rows, index.base.n)
    store.add_documents(numbered_batch(1, 20))
    index = Store(tmp_path / "db").index
    assert index.delta_rows >= 20 and index.base.n == 75 + POOL_MIN_FILES


def test_a_bulk_ingest_whose_last_batch_adds_nothing_still_leaves_a_compacted_index(
    tmp_path, monkeypatch
):
    """Its last batch only repeats stored documents, so it writes no items: it still compacts
    the delta the bulk rule let grow, as the usual rule would have."""
    from store.storage import index as index_module

    monkeypatch.setattr(index_module, "DELTA_MIN", 12)
    monkeypatch.setattr(index_module, "BULK_DELTA_MIN", 60)
    monkeypatch.setattr(ingest_module, "BATCH_DOCUMENTS", 1)
    folder = make_folder(tmp_path)
    last = [p for p in sorted(folder.iterdir()) if p.name != "broken.txt"][-1]
    store = Store(tmp_path / "db")
    ingest_paths(store, [last], workers=1)  # the folder's last document is stored already
    results = ingest_paths(store, [folder], workers=1)
    stored = [r for r in results if r.ok]
    assert stored[-1].path == last and stored[-1].new == 0 and stored[-1].known > 0
    index = Store(tmp_path / "db").index
    assert not index.needs_compaction(), (index.delta_rows, index.base.n)
    assert len(index) == 75 + POOL_MIN_FILES


def _slow_worker(job):
    """A worker that takes its time and leaves a mark for each file it parses."""
    import time

    time.sleep(0.05)
    (job[0].parent.parent / "parsed" / job[0].name).touch()
    return _real_prepare_in_worker(job)


def test_an_ingest_stopped_early_does_not_parse_the_files_in_its_window(tmp_path, monkeypatch):
    """Ctrl-C or a failed write ends the pool's work on the files it has not started, so the
    ingest stops without waiting for a window of files to be parsed."""
    monkeypatch.setattr(ingest_module, "_prepare_in_worker", _slow_worker)
    folder = make_folder(tmp_path)
    (tmp_path / "parsed").mkdir()
    jobs = ingest_module.collect_files([folder])
    linker = ingest_module.Linker(ingest_module.CompanyDirectory.bundled())
    outcomes = ingest_module._prepared_files(jobs, linker, 2)
    next(outcomes)
    outcomes.close()  # as an exception in the loop that takes them does
    parsed = len(list((tmp_path / "parsed").iterdir()))
    assert parsed < len(jobs) // 2, (parsed, len(jobs))


def test_each_files_result_is_reported_in_order_once_its_batch_is_stored(tmp_path, monkeypatch):
    """`on_result` hears of each file, in order, when its result is final: a refused file at
    once with the batch before it, a stored one when its batch is written, never before."""
    monkeypatch.setattr(ingest_module, "BATCH_DOCUMENTS", 3)
    store = Store(tmp_path / "db")
    heard: list[tuple[str, int, int]] = []
    commits = []
    add = store.add_documents
    monkeypatch.setattr(store, "add_documents", lambda batch, **kw: commits.append(
        len(heard)) or add(batch, **kw))  # fmt: skip

    def on_result(result) -> None:
        assert result.ok is False or result.new + result.known > 0, result  # final counts
        heard.append((result.path.name, result.new, result.known))

    results = ingest_paths(store, [make_folder(tmp_path)], workers=1, on_result=on_result)
    assert heard == [(r.path.name, r.new, r.known) for r in results]
    assert commits[:2] == [0, 3]  # the first three files were heard after the first commit
