"""The ingest pipeline: files to records, serially or in a pool of processes."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

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
