"""Search over the index: companies and tickers first, then title words, then bodies."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.entities.companies import CompanyDirectory
from store.search import search, title_rows


@pytest.fixture
def index_and_directory(seeded_store):
    return seeded_store.index, CompanyDirectory.for_store(seeded_store)


def company_rows(index, key: str) -> list[int]:
    return sorted(index.rows_by_company.get(key, ()))


@pytest.mark.parametrize(
    ("query", "key_part"),
    [("tencnt", "tencent"), ("0700", "tencent"), ("HK:0700", "tencent"), ("9988", "alibaba"),
     ("BABA", "alibaba"), ("阿里巴巴", "alibaba"), ("中芯国际", "smic"), ("lianxiang", "lenovo"),
     ("联想", "lenovo"), ("688981", "smic"), ("Xiaomi", "xiaomi")],
)  # fmt: skip
def test_company_queries_give_the_company_rows_first(index_and_directory, query, key_part):
    index, directory = index_and_directory
    result = search(index, directory, query)
    assert result.companies and key_part in result.companies[0].key
    expected = set(company_rows(index, result.companies[0].key))
    for ticker in result.companies[0].listings:
        expected |= set(index.rows_by_ticker.get(ticker, ()))
    assert expected and set(result.company_rows) >= expected
    assert result.rows == sorted(result.rows)  # newest first
    assert result.describe().startswith(result.companies[0].name)


def test_title_words_match_case_insensitively_all_words(index_and_directory):
    index, directory = index_and_directory
    result = search(index, directory, "NET profit")
    titles = [index.title[r] for r in result.rows]
    assert len(titles) >= 2
    assert all("net" in t.casefold() and "profit" in t.casefold() for t in titles)


def test_rows_restrict_the_search(index_and_directory):
    index, directory = index_and_directory
    caixin = sorted(index.rows_by_publisher["Caixin Global"])
    result = search(index, directory, "tencent", rows=caixin)
    assert result.rows and set(result.rows) <= set(caixin)


def test_empty_and_unmatched_queries(index_and_directory):
    index, directory = index_and_directory
    assert search(index, directory, "  ").rows == list(range(len(index)))
    nothing = search(index, directory, "zzqxv")
    assert nothing.rows == [] and nothing.describe() == ""


def test_ambiguous_short_words_do_not_match_every_company(index_and_directory):
    index, directory = index_and_directory
    assert len(search(index, directory, "China").companies) <= 5
    assert len(search(index, directory, "Tech").companies) <= 5


def test_bodies_are_searched_when_a_store_is_given(seeded_store, index_and_directory):
    index, directory = index_and_directory
    result = search(index, directory, "Kindle", store=seeded_store)
    assert result.body_ids or result.title_rows


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_title_rows_agree_with_a_plain_scan(seeded_store, data):
    index = seeded_store.index
    title = data.draw(st.sampled_from(index.title))
    start = data.draw(st.integers(0, max(0, len(title) - 1)))
    length = data.draw(st.integers(1, 12))
    words = title[start : start + length].split() or ["x"]
    extra = data.draw(st.sampled_from(["", " the", " 2025", " 芯片", " zz"]))
    query = " ".join(words) + extra
    folded = query.casefold().split()
    expected = [r for r, t in enumerate(index.title) if all(w in t.casefold() for w in folded)]
    assert title_rows(index, query) == expected


@pytest.mark.parametrize("needle", ["kindle", "tencent", "芯片", "straße", 'say "no"', "zzqxv"])
def test_a_body_search_skips_only_segments_that_cannot_match(seeded_store, needle):
    everything = [r["id"] for r in seeded_store.iter_records()]
    matching = [r["id"] for r in seeded_store.iter_records() if needle in r["body"].casefold()]
    skipped = {r["id"] for r in seeded_store.iter_records(containing=needle)}
    assert set(matching) <= skipped <= set(everything)


def test_a_body_search_falls_back_to_whole_segments_when_spans_are_untrusted(seeded_store):
    expected = {r["id"] for r in seeded_store.iter_records() if "kindle" in r["body"].casefold()}
    for number in list(seeded_store.index.tokens):
        seeded_store.index.tokens[number] = "not-the-token"
    seeded_store._corpus.clear()
    found = {r["id"] for r in seeded_store.iter_records(containing="kindle")}
    assert expected and expected <= found
