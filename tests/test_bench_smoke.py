"""The benchmark runs end to end on a small corpus and prints one complete JSON object.

Not a timed test: no assertion is about speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus import generate_corpus, parse_counts

ROOT = Path(__file__).resolve().parent.parent
KEYS = (
    "n", "ingest_items_per_s", "cold_start_s", "filter_p50_ms", "filter_p95_ms", "bookmark_ms",
    "search_cli_s", "list_cli_s", "add_document_s", "peak_rss_mb",
)  # fmt: skip


@pytest.mark.timeout(120)
def test_bench_json_has_every_figure():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--n", "500", "--runs", "1", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=110,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)  # stdout is exactly one JSON object
    assert set(result) - {"details"} == set(KEYS)
    assert result["n"] == 500
    for key in KEYS:
        value = result[key]
        assert isinstance(value, int | float) and not isinstance(value, bool), key
        assert value > 0, key
    assert result["filter_p95_ms"] >= result["filter_p50_ms"]
    assert "[bench]" in done.stderr  # progress went to stderr


def test_corpus_is_deterministic_and_sized(tmp_path):
    a = generate_corpus(1200, tmp_path / "a", seed=7)
    b = generate_corpus(1200, tmp_path / "b", seed=7)
    c = generate_corpus(1200, tmp_path / "c", seed=8)
    assert a.items == 1200
    assert all(20 <= d.items <= 40 for d in a.documents[:-1])
    assert [p.read_bytes() for p in a.paths] == [p.read_bytes() for p in b.paths]
    assert [p.read_bytes() for p in a.paths] != [p.read_bytes() for p in c.paths]
    assert 0 < a.reprints < 0.2 * a.items
    assert {d.layout for d in a.documents} == {
        "equalocean_report", "caixin_listing", "star_daily", "search_digest",
    }  # fmt: skip


def test_corpus_parses_to_intended_counts(tmp_path):
    corpus = generate_corpus(600, tmp_path, seed=3)
    counts = parse_counts(corpus)
    for layout, (_docs, intended, parsed) in counts.items():
        # Every layout is detected as itself and parsed to (about) the items written.
        assert parsed >= 0.95 * intended, layout
        assert parsed <= intended, layout
