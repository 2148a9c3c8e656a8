"""Regression tests from a review of store/."""

from __future__ import annotations

from pathlib import Path

from store.entities.companies import CompanyDirectory
from store.ingest import ingest_paths
from store.model import Mention
from store.storage.store import Store
from tests.helpers.store_files import index_file


def test_link_keeps_a_class_share_ticker_with_a_dot():
    """`BRK.B.US` is canonical: its mention is learned with its ticker, not dropped."""
    linked = CompanyDirectory.bundled().link(
        [Mention(name="Some Holdings", ticker="ABC.B.US")], "Some Holdings said so."
    )
    assert linked.tickers == ["ABC.B.US"]
    assert [(c.name, c.listings) for c in linked.learned] == [("Some Holdings", ("ABC.B.US",))]
    assert [c.name for c in linked.companies] == ["Some Holdings"]


class _DirectoryThatFailsOnCaixin(CompanyDirectory):
    """A directory whose linking breaks on one document's text (a stand-in for a bug)."""

    def link(self, mentions, text):
        if "Caixin" in text:
            raise RuntimeError("boom")
        return super().link(mentions, text)


def test_a_linking_error_refuses_that_file_only(tmp_path):
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    store = Store(tmp_path / "store")
    directory = _DirectoryThatFailsOnCaixin(CompanyDirectory.bundled().companies)
    results = ingest_paths(store, [seeds], directory, workers=1)
    by_layout = {r.layout: r for r in results}
    failed = by_layout["caixin_listing"]
    assert failed.error == "companies could not be linked (RuntimeError: boom)"
    assert (failed.new, failed.known) == (0, 0)
    others = [r for r in results if r is not failed]
    assert len(others) == 4 and all(r.ok and r.new > 0 for r in others)
    assert failed.path.name not in {d["name"] for d in store.documents()}
    assert len(store.index) == sum(r.new for r in others)


def test_a_hand_edited_index_with_wrong_types_is_rebuilt(seeded_store_dir):
    import orjson

    path = index_file(seeded_store_dir)  # replaced by what a hand edit might leave
    path.write_bytes(orjson.dumps({"version": 4, "ids": list(range(75))}))
    store = Store(seeded_store_dir, user="tester")
    assert len(store.index) == 75
    assert all(isinstance(i, str) for i in store.index.ids)
    first = store.index.ids[0]
    assert store.resolve_id(first[:5]) == first
