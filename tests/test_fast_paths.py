"""Fast paths of the ingest give what the general code gives (they only skip work)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from store.storage import dedupe

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def _normalize_by_regex(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def test_dedupe_fold_of_every_ascii_character():
    for code in range(128):
        text = f"aB{chr(code)}Zz 9{chr(code)}_{chr(code)}"
        assert dedupe._normalize(text) == _normalize_by_regex(text), code


@given(st.text(alphabet=st.characters(max_codepoint=0x17F), max_size=40))
def test_dedupe_fold_is_the_regex_fold(text):
    assert dedupe._normalize(text) == _normalize_by_regex(text)


def test_letters_of_every_ascii_character():
    from store.parsers.shapes import _NOT_LETTER, _letters

    for code in range(128):
        line = f"Ab{chr(code)}9_ {chr(code)}z"
        assert _letters(line) == len(_NOT_LETTER.sub("", line)), code


@given(st.text(alphabet=st.characters(max_codepoint=0x17F), max_size=40))
def test_letters_are_what_the_regex_leaves(line):
    from store.parsers.shapes import _NOT_LETTER, _letters

    assert _letters(line) == len(_NOT_LETTER.sub("", line))


_TICKER_ALPHABET = [*"(（.AZaz09 SHZBJ\n", "SH6", "BJ8", ".O", "x.Y"]


@given(st.lists(st.sampled_from(_TICKER_ALPHABET), max_size=10).map("".join))
def test_ticker_precheck_is_the_one_pattern(text):
    from store.entities.tickers import _TICKER_DOT, may_hold_tickers

    expected = "(" in text or "（" in text or _TICKER_DOT.search(text) is not None
    assert may_hold_tickers(text) == expected


def test_a_big_batch_is_inserted_where_each_binary_search_puts_it(tmp_path):
    """More than 256 new rows are placed by bisecting the decoded columns; the index is
    then in the same order, newest first, as one row placed at a time would give."""
    import random

    from store.storage.store import Store
    from tests.helpers.store_factory import make_doc, make_item

    rng = random.Random(7)

    def batch(tag: str, count: int) -> list[tuple[dict, list]]:
        items = [
            make_item(
                f"Story {tag} {i} on chips {rng.random()}",
                published=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                f"T{rng.randint(0, 23):02d}:00:00+08:00",
            )
            for i in range(count)
        ]
        return [make_doc(f"{tag}.txt", items)]

    root = tmp_path / "store"
    store = Store(root)
    store.add_documents(batch("a", 400))
    store.index.base.column("ids")  # the first batch's rows are the base
    store.add_documents(batch("b", 400))
    index = Store(root).index
    base = index.base
    orders = [(index.published[r], index.ids[r]) for r in range(len(index))]
    assert orders == sorted(orders, reverse=True)
    new = [(p, i) for p, i in orders if i not in set(base.column("ids"))]
    assert len(new) == 400
    assert base.insertion_points(new) == [base.newer_than(order) for order in new]
    # a third batch merged into the delta the second one left: still newest first, whole
    store.add_documents(batch("c", 300))
    index = Store(root).index
    orders = [(index.published[r], index.ids[r]) for r in range(len(index))]
    assert orders == sorted(orders, reverse=True) and len(set(orders)) == 1100
    assert [index.row_of(i) for _, i in orders] == list(range(1100))
