"""Layout detection: by content, never by file name; unknown text is refused with a reason."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.parsers import LAYOUTS, UnknownLayoutError, detect_layout, parse_document
from store.parsers.registry import detections
from tui.format import short_publisher

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
NEARMISS = ROOT / "tests" / "fixtures" / "nearmiss"
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


@pytest.mark.parametrize("text", [ESSAY, "", "   \n\n ", "lorem ipsum dolor sit amet " * 50])
def test_other_texts_are_refused_as_no_known_layout(text: str) -> None:
    assert detect_layout(text) is None
    with pytest.raises(UnknownLayoutError) as caught:
        parse_document(text, "x.txt")
    assert str(caught.value) == (
        "no known layout (not an EqualOcean quarterly report, a Caixin listing, "
        "a STAR Market Daily brief, a search digest or a news article)"
    )
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (CSV, "a CSV export (4 of 4 lines), not a news document"),
        ("[Note].\n[Other].\n[Third].", "no known layout"),
    ],
)
def test_refusals_say_what_the_text_is(text: str, reason: str) -> None:
    with pytest.raises(UnknownLayoutError, match=re.escape(reason)):
        parse_document(text, "x.txt")


def test_caixin_page_with_one_entry_is_detected() -> None:
    detected = detect_layout(CAIXIN_ONE_ENTRY)
    assert detected is not None and detected.name == "caixin_listing"


def test_a_byline_needs_a_story_under_it() -> None:
    byline = "Ding Yi / Jan 19, 2021 06:27 PM / Business & Tech"
    story = "Chinese display panel maker BOE Technology has announced plans to raise money."
    detected = detect_layout(f"{byline}\n\n{story}")
    assert detected is not None and detected.name == "caixin_listing"
    for after in ["A story about panels.", "and the lede follows on the next line, as always."]:
        with pytest.raises(UnknownLayoutError, match="Caixin byline but no story"):
            parse_document(f"{byline}\n\n{after}", "x.txt")


def test_a_byline_inside_a_line_is_no_byline() -> None:
    story = "Chinese display panel maker BOE Technology has announced plans to raise money."
    for line in [
        '    BYLINE = "Ding Yi / Jan 19, 2021 06:27 PM / Business & Tech"',
        '6,"Ding Yi / Jan 19, 2021 06:27 PM / Business & Tech",Caixin Global,,',
        "> Ding Yi / Jan 19, 2021 06:27 PM / Business & Tech",
    ]:
        assert detect_layout(f"Caixin notes\n{line}\n{story}") is None, line


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


# ------------------------------------------------------------------------ not a document

BRIEF = (SEEDS / "002_db7f17587a9c4bfe.txt").read_text(encoding="utf-8")
BRIEF_OPENING = "\n".join(BRIEF.split("\n")[:12])
LISTING_OPENING = "\n".join(seed_text("001_ce5775964d962981.txt").split("\n")[:30])


def test_every_near_miss_fixture_is_listed_and_refused_in_one_line() -> None:
    listed = json.loads((ROOT / "tests" / "fixtures" / "nearmiss.json").read_text())
    files = sorted(path.name for path in NEARMISS.iterdir())
    assert files == sorted(listed)
    for name in files:
        text = (NEARMISS / name).read_text(encoding="utf-8")
        with pytest.raises(UnknownLayoutError) as caught:
            parse_document(text, name)
        reason = str(caught.value)
        assert reason and "\n" not in reason and len(reason) < 240, (name, reason)


def test_notes_naming_the_brief_say_what_structure_is_missing() -> None:
    text = (NEARMISS / "reading-notes-star-brief.md").read_text(encoding="utf-8")
    with pytest.raises(UnknownLayoutError) as caught:
        parse_document(text, "notes.md")
    assert str(caught.value).startswith(
        "mentions STAR Market Daily but has no brief structure (no summary line, no section markers"
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # A test module holding a whole brief in a string: a quotation, not a brief.
        (
            '"""Tests for briefs."""\n\nimport pytest\n\nfrom store import parsers\n\n'
            f'BRIEF = """{BRIEF_OPENING}"""\n\n\ndef test_brief():\n    doc = parse(BRIEF)\n'
            "    assert doc.items\n    assert doc.title == 'x'\n    assert len(doc.items) > 3\n",
            "source code",
        ),
        # A README showing a brief in a code block.
        (
            "# newsdesk\n\nA reader for briefs.\n\n## Example\n\n```text\n"
            f"{BRIEF_OPENING}\n```\n\n## Install\n\n- `pip install .`\n- run `newsdesk`\n",
            "markdown",
        ),
        # An e-mail forwarding a whole brief.
        (
            "From: Wei Chen <wei@example.com>\nTo: team@example.com\n"
            f"Subject: Fwd: brief\n\nSee below.\n\n{BRIEF_OPENING}\n",
            "an e-mail",
        ),
        # A Caixin listing pasted into a chat.
        (
            "\n".join(
                f"[10:{minute:02}] bob: {line}" if minute % 3 == 0 else line
                for minute, line in enumerate(LISTING_OPENING.split("\n"))
            ),
            "a chat log",
        ),
    ],
    ids=["python", "readme", "email", "chat"],
)
def test_a_layout_quoted_inside_another_kind_of_file_is_refused(text: str, kind: str) -> None:
    with pytest.raises(UnknownLayoutError) as caught:
        parse_document(text, "x")
    assert kind in str(caught.value)


def test_the_brief_itself_is_still_a_brief() -> None:
    # What the quotations above quote is a document in its own right.
    assert parse_document(BRIEF_OPENING, "brief.txt").items


def test_ingesting_the_project_itself_stores_only_its_fixture_documents(tmp_path) -> None:
    from store.ingest import ingest_paths
    from store.storage.store import Store

    store = Store(tmp_path / "db")
    paths = [ROOT / name for name in ("store", "tui", "tests", "docs", "README.md")]
    # bench/out/ (git-ignored) holds the benchmark's generated corpora: real documents
    paths += [path for path in (ROOT / "bench").iterdir() if path.name != "out"]
    results = ingest_paths(store, [path for path in paths if path.exists()], workers=1)
    stored = {r.path.relative_to(ROOT).as_posix() for r in results if r.ok}
    variants = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "tests" / "fixtures" / "variants").rglob("*.txt")
    }
    assert stored == variants  # documents written as test data, and nothing else
    assert not any(r.ok for r in results if r.path.suffix in {".py", ".md", ".json", ".svg"})


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
