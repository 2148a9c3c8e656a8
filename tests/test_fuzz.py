"""Property-based fuzzing of every parser, the layout detector and the ticker normaliser.

CI runs a few hundred examples each; the long run is
`NEWSDESK_FUZZ_EXAMPLES=100000 python -m pytest tests/test_fuzz.py` (see README).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.entities.tickers import canonical_ticker, find_tickers, parse_ticker_query
from store.model import ParsedDocument
from store.parsers import caixin, equalocean, star_daily
from store.parsers.registry import LAYOUTS, detect_layout
from store.text.sanitize import strip_controls

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
SEED_LINES = [line for p in SEEDS for line in p.read_text(encoding="utf-8").splitlines()]
EXAMPLES = int(os.environ.get("NEWSDESK_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FIXED_PUBLISHERS = {
    "equalocean_report": equalocean.PUBLISHER,
    "caixin_listing": caixin.PUBLISHER,
    "star_daily": star_daily.PUBLISHER,
}

# Documents made of real seed lines, shuffled, dropped, repeated and spliced with noise:
# the shapes that stress a parser most.
seed_lines = st.sampled_from(SEED_LINES)
noisy_line = st.one_of(
    seed_lines,
    seed_lines.map(str.upper),
    st.tuples(seed_lines, st.integers(0, 200)).map(lambda t: t[0][: t[1]]),
    st.text(max_size=80),
    st.just(""),
)
documents = st.one_of(
    st.text(),
    st.lists(noisy_line, max_size=60).map("\n".join),
    st.tuples(st.sampled_from(SEEDS), st.integers(0, 40000), st.integers(0, 40000)).map(
        lambda t: t[0].read_text(encoding="utf-8")[min(t[1], t[2]) : max(t[1], t[2])]
    ),
)


def check_document(doc: ParsedDocument, layout_name: str) -> None:
    assert isinstance(doc, ParsedDocument)
    for item in doc.items:
        assert item.title.strip()
        assert item.publisher.strip()
        if layout_name in FIXED_PUBLISHERS:
            assert item.publisher == FIXED_PUBLISHERS[layout_name]
        assert all(isinstance(p, str) for p in item.body)


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
@FUZZ
@given(text=documents)
def test_parsers_never_raise(layout, text):
    check_document(layout.parse(strip_controls(text), "fuzz.txt"), layout.name)


@FUZZ
@given(text=documents)
def test_detector_never_raises_and_detected_documents_parse(text):
    text = strip_controls(text)
    layout = detect_layout(text)
    if layout is not None:
        check_document(layout.parse(text, "fuzz.txt"), layout.name)


@FUZZ
@given(text=st.one_of(st.text(), seed_lines))
def test_ticker_normaliser_never_raises(text):
    for match in find_tickers(text):
        assert canonical_ticker(*match.ticker.rsplit(".", 1)) == match.ticker
    for ticker in parse_ticker_query(text):
        assert canonical_ticker(*ticker.rsplit(".", 1)) == ticker
