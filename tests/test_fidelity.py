"""Parser fidelity over the seeds and the variant fixtures (bench/fidelity.py): every field of
every layout at least 98% right, every near-miss file refused."""

from __future__ import annotations

import copy

import pytest

from bench.fidelity import FIELDS, documents, measure, near_misses

THRESHOLD = 0.98


@pytest.fixture(scope="module")
def tallies():
    return measure()


def test_there_is_something_to_measure_for_every_layout(tallies) -> None:
    assert set(tallies) == {"equalocean_report", "caixin_listing", "star_daily", "search_digest"}
    for layout, tally in tallies.items():
        assert tally.documents >= 6, layout  # the seeds and at least five variants
        assert tally.expected >= 25, layout


@pytest.mark.parametrize("field", FIELDS)
def test_every_field_is_right_for_98_percent_of_items(tallies, field: str) -> None:
    for layout, tally in tallies.items():
        share = tally.share(field)
        assert share is not None and share >= THRESHOLD, (
            layout,
            field,
            share,
            [miss for miss in tally.misses if f": {field}:" in miss][:5],
        )


def test_every_expected_item_is_found_and_nothing_else(tallies) -> None:
    for layout, tally in tallies.items():
        assert tally.paired >= THRESHOLD * tally.expected, (layout, tally.misses[:5])
        assert tally.extra <= (1 - THRESHOLD) * tally.expected, (layout, tally.extra)
        assert tally.refused == 0, (layout, tally.misses[:5])


def test_every_near_miss_is_refused() -> None:
    files, refused, stored = near_misses()
    assert files >= 20
    assert stored == [] and refused == files


def test_a_wrong_expectation_is_counted_as_a_miss() -> None:
    # The measure can fail: an expectation the parser does not meet lowers the share.
    [doc] = [d for d in documents() if d.path.name.startswith("001_")]
    wrong = copy.deepcopy(doc)
    wrong.expected[0]["title"] = "A title nobody wrote"
    wrong.expected[1]["tickers"] = ["0700.HK"]
    wrong.expected[2]["published"] = "1999-01-01"
    tally = measure([wrong])["caixin_listing"]
    assert tally.matched["tickers"] == tally.checked["tickers"] - 1
    assert tally.matched["published"] == tally.checked["published"] - 1
    # the first item is still paired by its body, so only its title is missed
    assert tally.matched["title"] == tally.checked["title"] - 1
    assert tally.paired == tally.expected
