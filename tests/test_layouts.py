"""Layout detection: by content, never by file name; unknown text is refused with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.parsers import LAYOUTS, UnknownLayoutError, detect_layout, parse_document
from store.parsers.registry import detections
from tui.format import short_publisher

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_LAYOUTS = {
    "000_8dddf056b50c37f7.txt": "equalocean_report",
    "001_ce5775964d962981.txt": "caixin_listing",
    "002_db7f17587a9c4bfe.txt": "star_daily",
    "003_a6fe991c24fb0183.txt": "search_digest",
    "004_7725f43b712bb9ec.txt": "star_daily",
}

ESSAY = """On Reading Slowly

There is a particular pleasure in reading a book slowly. The modern habit of skimming,
encouraged by screens and notifications, trains us to hunt for the gist and move on.
But some writing rewards patience: a long novel, a dense essay, a poem that must be read
twice before it yields anything at all.

When I was a student in Shanghai in March 2019, a teacher told us to read one page a day
of a difficult book and to write a paragraph about it. It seemed absurd at the time.
Looking back, it taught me more about attention than any lecture did.

Slowness is not laziness. It is a decision to let a text change you, rather than to
extract from it what you already expected to find.
"""

CSV = """ticker,name,change,date
688052.SH,NOVOSENSE,+3.2%,2025-03-26
002241.SZ,Goertek,-1.1%,2025-03-27
0700.HK,Tencent,+0.5%,2025-03-27
"""

CAIXIN_ONE_ENTRY = """Caixin Global – Latest China News & Headlines

Home >

Wang Xintong / Mar 02, 2023 09:15 AM / Finance

China's securities regulator approved a batch of new listings on Thursday, the first under
the registration system rolled out to the main boards, as it seeks to widen companies'
access to equity financing.

Contact reporter Wang Xintong (
"""


def seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "layout"), sorted(SEED_LAYOUTS.items()))
def test_each_seed_is_detected_as_its_layout(name: str, layout: str) -> None:
    detected = detect_layout(seed_text(name))
    assert detected is not None
    assert detected.name == layout
    found = detections(seed_text(name))
    assert all(found[other].score < found[layout].score for other in found if other != layout), (
        found
    )


@pytest.mark.parametrize(("name", "layout"), sorted(SEED_LAYOUTS.items()))
def test_each_seed_parses_to_items_whatever_its_file_name(name: str, layout: str) -> None:
    document = parse_document(seed_text(name), "renamed.csv")
    assert document.layout == layout
    assert document.name == "renamed.csv"
    assert document.items


@pytest.mark.parametrize(
    "text", [ESSAY, CSV, "", "   \n\n ", "lorem ipsum dolor sit amet " * 50, "[Note].\n[Other]."]
)
def test_other_texts_are_not_detected(text: str) -> None:
    assert detect_layout(text) is None
    with pytest.raises(UnknownLayoutError) as caught:
        parse_document(text, "x.txt")
    assert str(caught.value) == (
        "no known layout (not an EqualOcean quarterly report, a Caixin listing, "
        "a STAR Market Daily brief or a search digest)"
    )
    assert isinstance(caught.value, ValueError)


def test_caixin_page_with_one_entry_is_detected() -> None:
    detected = detect_layout(CAIXIN_ONE_ENTRY)
    assert detected is not None and detected.name == "caixin_listing"


def test_byline_alone_is_enough_for_caixin() -> None:
    text = "Ding Yi / Jan 19, 2021 06:27 PM / Business & Tech\n\nA story about panels."
    detected = detect_layout(text)
    assert detected is not None and detected.name == "caixin_listing"


def test_star_brief_without_items_is_refused_with_a_reason() -> None:
    text = (
        '"Science and Technology Innovation Board Daily" on March 26 - The main contents of '
        "today's Science and Technology Innovation Board Evening News include: nothing.\n"
        "[Hot Spotlight].\n} ?>\n"
    )
    detected = detect_layout(text)
    assert detected is not None and detected.name == "star_daily"
    with pytest.raises(UnknownLayoutError) as caught:
        parse_document(text, "x.txt")
    assert str(caught.value) == "looks like a STAR Market Daily brief but no entries were found"


def test_digest_with_one_result_is_detected() -> None:
    text = (
        "芯片\nSearch documents\n标题\n36Kr· 2024-01-02 03:04\n"
        "Core Viewpoint - Something happened [1]."
    )
    detected = detect_layout(text)
    assert detected is not None and detected.name == "search_digest"
    assert len(parse_document(text, "d.txt").items) == 1


def test_detection_is_by_content_of_mixed_signals() -> None:
    # A Caixin story quoting a STAR ticker is still a Caixin listing.
    text = CAIXIN_ONE_ENTRY.replace(
        "equity financing.", "equity financing, NOVOSENSE (688052.SH) said."
    )
    detected = detect_layout(text)
    assert detected is not None and detected.name == "caixin_listing"


@pytest.mark.parametrize(("name", "layout_name"), sorted(SEED_LAYOUTS.items()))
def test_a_layout_parses_documents_of_its_own_name_and_publisher(
    name: str, layout_name: str
) -> None:
    layout = next(layout for layout in LAYOUTS if layout.name == layout_name)
    document = layout.parse(seed_text(name), name)
    assert document.layout == layout.name
    assert document.publisher == layout.publisher
    if layout.name != "search_digest":  # a digest's items carry their outlets' names
        assert {item.publisher for item in document.items} == {layout.publisher}


def test_layouts_have_distinct_names_and_publishers() -> None:
    assert len({layout.name for layout in LAYOUTS}) == len(LAYOUTS)
    assert len({layout.publisher for layout in LAYOUTS}) == len(LAYOUTS)
    assert len({layout.label for layout in LAYOUTS}) == len(LAYOUTS)


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_the_reader_shortens_each_publisher_from_the_registry(layout) -> None:
    # The article list's publisher column is 10 cells wide.
    assert short_publisher(layout.publisher) == layout.short_publisher
    assert 0 < len(layout.short_publisher) <= 10
    assert short_publisher("Sou Hu Cai Jing") == "Sou Hu Cai Jing"  # an outlet: as written


# ------------------------------------------------------------------------------- any input

ALL_SEED_LINES = [line for name in SEED_LAYOUTS for line in seed_text(name).split("\n")]


@given(st.text())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_random_text_is_not_detected(text: str) -> None:
    assert detect_layout(text) is None


@given(st.lists(st.sampled_from(ALL_SEED_LINES), max_size=60))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mixed_seed_lines_parse_or_are_refused(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        document = parse_document(text, "mixed.txt")
    except UnknownLayoutError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert document.layout in {layout.name for layout in LAYOUTS}
    assert document.items
    for item in document.items:
        assert item.title.strip() and item.publisher.strip()
