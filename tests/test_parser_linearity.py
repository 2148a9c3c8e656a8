"""Every parser does work in proportion to its input, and a hostile file is bounded.

No wall-clock threshold: each parser's CPU time on a text and on one four times as long are
compared (a quadratic parser takes ~16 times as long, a linear one ~4 times; the factor
allowed, 8, is generous). The texts are lines that all differ, so no shortcut for repeated
lines applies; the shapes are those that once made a parser quadratic.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from store.parsers import UnknownLayoutError, parse_document
from store.parsers.caixin import parse_caixin_listing
from store.parsers.digest import parse_search_digest
from store.parsers.equalocean import parse_equalocean_report
from store.parsers.layout import MAX_ITEMS, MAX_LINES
from store.parsers.star_daily import parse_star_daily

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def opening(seed: str, lines: int) -> str:
    return "\n".join((SEEDS / seed).read_text(encoding="utf-8").split("\n")[:lines]) + "\n"


STAR = opening("002_db7f17587a9c4bfe.txt", 4)
EQUALOCEAN = opening("000_8dddf056b50c37f7.txt", 16)
DIGEST = opening("003_a6fe991c24fb0183.txt", 5)

# (parser, text of n units): one body continued line after line (the STAR parser once copied
# the growing paragraph for every line), one huge paragraph of abbreviations, one summary of
# many bullets, a listing of many entries.
CASES: dict[str, tuple[Callable, Callable[[int], str]]] = {
    "star continuation lines": (
        parse_star_daily,
        lambda n: STAR + "Acme: Plans a plant\n" + "".join(f"word{i} and more\n" for i in range(n)),
    ),
    "equalocean one long paragraph": (
        parse_equalocean_report,
        lambda n: EQUALOCEAN + "".join(f"the U.S. unit {i} and Co. Ltd. " for i in range(n)),
    ),
    "digest one summary of bullets": (
        parse_search_digest,
        lambda n: DIGEST + "".join(f"Group {i}: Point {i} - fact {i} [1]. " for i in range(n)),
    ),
    "caixin many entries": (
        parse_caixin_listing,
        lambda n: "".join(
            f"Ding Yi / Jan 19, 2021 06:27 PM / Tech\n\nCompany {i} raised {i} yuan from "
            f"investors in a share sale on Friday.\n\nContact reporter Ding Yi (\n\n"
            for i in range(n // 20)
        ),
    ),
}


def cpu_seconds(parse: Callable, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        parse(text, "x.txt")
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("case", sorted(CASES))
def test_four_times_the_text_is_at_most_eight_times_the_work(case: str) -> None:
    parse, build = CASES[case]
    small, large = build(4_000), build(16_000)
    assert len(large) > 3.5 * len(small)
    small_seconds = cpu_seconds(parse, small)
    large_seconds = cpu_seconds(parse, large)
    assert large_seconds <= 8 * small_seconds + 0.05, (small_seconds, large_seconds)


def test_a_file_of_more_entries_than_any_document_is_refused() -> None:
    entries = "".join(
        f"Company{i} Photonics: Revenue rose {i}%\nCompany{i} Photonics said revenue rose.\n"
        for i in range(MAX_ITEMS + 5)
    )
    with pytest.raises(UnknownLayoutError, match="more than 1,000 entries"):
        parse_document(STAR + "[Company News].\n" + entries, "x.txt")
    # … and one just under the limit is a document
    under = "".join(
        f"Company{i} Photonics: Revenue rose {i}%\nCompany{i} Photonics said revenue rose.\n"
        for i in range(50)
    )
    assert len(parse_document(STAR + "[Company News].\n" + under, "x.txt").items) == 50


def test_a_file_of_more_lines_than_any_document_is_refused() -> None:
    text = STAR + "[Company News].\n" + "".join(f"w{i}\n" for i in range(MAX_LINES + 1))
    with pytest.raises(UnknownLayoutError, match="more than 250,000 lines"):
        parse_document(text, "x.txt")


def test_a_line_repeated_a_million_times_is_read_as_two() -> None:
    # The red team's shape: a brief header, then one line over and over.
    doc = parse_star_daily(
        STAR + "[Hot Spotlight].\nAcme: Plans a plant\n" + "a\n" * 1_000_000, "x"
    )
    assert [item.title for item in doc.items] == ["Acme: Plans a plant"]
    assert doc.items[0].body == ["a a"]  # two printings, one continued paragraph
