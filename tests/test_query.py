"""The filter's query language over the seeded store: each operator against an answer
computed independently from the index and the user's marks."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from store import views
from store.entities.companies import CompanyDirectory
from store.query import evaluate as run_query
from store.query import parse, since_day
from store.search import search
from store.storage.desk import Desk

TODAY = date(2025, 7, 20)


@pytest.fixture
def desk_store(seeded_store):
    return seeded_store, Desk(seeded_store.root, user=seeded_store.user)


@pytest.fixture(scope="module")
def directory() -> CompanyDirectory:
    return CompanyDirectory.bundled()


def evaluate(store, desk, directory, text: str, rows=None) -> list[int]:
    return run_query(
        text, store.index, directory, store.state, desk.tags, desk.notes, rows=rows, today=TODAY
    ).rows


def test_parse_splits_operators_from_words() -> None:
    q = parse('tencent #AI is:unread from:"Caixin Global" since:7d -game HK:0700', today=TODAY)
    assert q.words == ["tencent", "HK:0700"]  # a ticker spelling stays a plain word
    assert q.excluded == ["game"]
    assert [(t.kind, t.value, t.negated) for t in q.terms] == [
        ("tag", "ai", False),
        ("is", "unread", False),
        ("from", "Caixin Global", False),
        ("since", "2025-07-13", False),
    ]
    assert not q.errors
    bad = parse("is:maybe since:soon from: chips")
    assert len(bad.errors) == 3 and bad.words == ["chips"]
    assert "is:unread" in bad.errors[0]


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("7d", "2025-07-13"),
        ("2w", "2025-07-06"),
        ("2025-03-01", "2025-03-01"),
        ("2025-03", "2025-03-01"),
        ("today", "2025-07-20"),
        ("yesterday", "2025-07-19"),
        ("2025-02-30", None),
        ("soon", None),
    ],
)
def test_since_values(value: str, day: str | None) -> None:
    assert since_day(value, TODAY) == day


def test_plain_words_keep_todays_search(desk_store, directory) -> None:
    store, desk = desk_store
    for text in ("0700", "tencent", "比亚迪", "chip"):
        assert evaluate(store, desk, directory, text) == search(store.index, directory, text).rows


def test_tags_flags_publisher_and_since(desk_store, directory) -> None:
    store, desk = desk_store
    index = store.index
    ids = index.ids
    desk.add_tags(ids[1], ["ai", "chips"])
    desk.add_tags(ids[5], ["ai"])
    store.state.set_bookmarked(ids[5], True)
    store.state.set_read(ids[0], True)
    assert evaluate(store, desk, directory, "#ai") == [1, 5]
    assert evaluate(store, desk, directory, "#AI #chips") == [1]
    assert evaluate(store, desk, directory, "#ai -#chips") == [5]
    assert evaluate(store, desk, directory, "is:bookmarked") == [5]
    assert evaluate(store, desk, directory, "is:tagged") == [1, 5]
    assert evaluate(store, desk, directory, "is:read") == [0]
    assert evaluate(store, desk, directory, "is:unread") == list(range(1, len(index)))
    assert evaluate(store, desk, directory, "-is:unread") == [0]

    caixin = [r for r in range(len(index)) if index.publisher[r] == "Caixin Global"]
    assert len(caixin) == 20
    assert evaluate(store, desk, directory, "from:caixin") == caixin
    assert evaluate(store, desk, directory, 'from:"caixin global"') == caixin
    assert evaluate(store, desk, directory, "-from:caixin") == [
        r for r in range(len(index)) if r not in caixin
    ]

    recent = [r for r in range(len(index)) if index.published[r][:10] >= "2025-06-20"]
    assert len(recent) == 5  # the index's newest rows
    assert evaluate(store, desk, directory, "since:2025-06-20") == recent
    assert evaluate(store, desk, directory, "since:1m") == list(range(len(index)))  # an error
    assert parse("since:1m").errors
    assert evaluate(store, desk, directory, "since:30d") == [
        r for r in range(len(index)) if index.published[r][:10] >= "2025-06-20"
    ]
    older = evaluate(store, desk, directory, "-since:2025-06-20")
    assert older == [r for r in range(len(index)) if r not in recent]


def test_words_with_operators_and_exclusions(desk_store, directory) -> None:
    store, desk = desk_store
    index = store.index
    alibaba = directory.by_key("alibaba")
    about = views.rows_about(index, alibaba)
    assert len(about) >= 3
    unread_first = about[0]
    store.state.set_read(index.ids[about[1]], True)
    unread = evaluate(store, desk, directory, "9988 is:unread")
    assert unread_first in unread and about[1] not in unread
    # -word leaves out what the word finds: the Alibaba items, wherever they are
    without = evaluate(store, desk, directory, "-alibaba")
    assert set(without) == set(range(len(index))) - set(search(index, directory, "alibaba").rows)
    both = evaluate(store, desk, directory, "ai -nvidia")
    ai = set(search(index, directory, "ai").rows)
    nvidia = set(search(index, directory, "nvidia").rows)
    assert ai & nvidia and ai - nvidia and set(both) == ai - nvidia


def test_note_words_are_searched(desk_store, directory) -> None:
    store, desk = desk_store
    target = store.index.ids[7]
    desk.set_note(target, "Ask IR about the Qqxfab ramp")
    assert evaluate(store, desk, directory, "qqxfab") == [7]
    assert evaluate(store, desk, directory, "qqxfab ramp is:noted") == [7]
    assert 7 not in evaluate(store, desk, directory, "-qqxfab")
    assert evaluate(store, desk, directory, "qqxfab", rows=[1, 2, 3]) == []


def test_rows_restrict_the_result(desk_store, directory) -> None:
    store, desk = desk_store
    desk.add_tags(store.index.ids[2], ["x"])
    desk.add_tags(store.index.ids[9], ["x"])
    assert evaluate(store, desk, directory, "#x", rows=[0, 1, 2, 3]) == [2]
    assert evaluate(store, desk, directory, "", rows=[4, 5]) == [4, 5]


def test_source_listing_puts_each_document_under_every_publisher_it_quotes(seeded_store):
    index = seeded_store.index
    documents = seeded_store.documents()
    listing = views.source_listing(index, documents)

    assert [p for p, _ in listing.publishers] == sorted(
        index.rows_by_publisher, key=lambda p: (-len(index.rows_by_publisher[p]), p)
    )
    assert dict(listing.publishers) == {p: len(r) for p, r in index.rows_by_publisher.items()}
    newest_first = sorted(documents, key=lambda d: d.get("published") or "", reverse=True)
    assert list(listing.documents) == [d["name"] for d in newest_first]
    for publisher, rows in index.rows_by_publisher.items():
        quoted = {name for row in rows for name in index.documents[row]}
        expected = [d["name"] for d in newest_first if d["name"] in quoted]
        assert [d["name"] for d in listing.by_publisher.get(publisher, [])] == expected
    assert listing.items == {
        d["name"]: len(index.rows_by_document.get(d["name"], ())) for d in documents
    }
    under = Counter(d["name"] for docs in listing.by_publisher.values() for d in docs)
    assert max(under.values()) > 1  # the search digest quotes several outlets
