"""Caixin Global listing parser: the seed page, variants, and arbitrary text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.model import Mention, ParsedDocument
from store.parsers.caixin import PUBLISHER as PUBLISHER_CAIXIN
from store.parsers.caixin import TITLE_LIMIT, parse_caixin_listing
from tests.helpers.seed_text import seed_pieces

SEED_NAME = "001_ce5775964d962981.txt"
SEED_TEXT = (Path(__file__).resolve().parent.parent / "seeds" / SEED_NAME).read_text("utf-8")
SEED_LINES = SEED_TEXT.split("\n")

FURNITURE = (
    "Photo:",
    "Read the full story",
    "To read the full story",
    "Contact reporter",
    "Contact editor",
    "Related:",
    "Share this article",
    "Open WeChat",
    "Home >",
)


@pytest.fixture(scope="module")
def seed() -> ParsedDocument:
    return parse_caixin_listing(SEED_TEXT, SEED_NAME)


def item_titled(doc: ParsedDocument, start: str):
    matches = [item for item in doc.items if item.title.startswith(start)]
    assert len(matches) == 1, [item.title for item in doc.items]
    return matches[0]


def check_invariants(doc: ParsedDocument) -> None:
    assert isinstance(doc, ParsedDocument)
    assert doc.layout == "caixin_listing"
    assert doc.publisher == PUBLISHER_CAIXIN
    assert doc.title.strip()
    for item in doc.items:
        assert item.title.strip()
        assert item.title == item.title.strip()
        assert "\n" not in item.title
        assert len(item.title) <= TITLE_LIMIT
        assert item.publisher == PUBLISHER_CAIXIN
        assert item.body and all(isinstance(p, str) and p for p in item.body)


def assert_taken_from(doc: ParsedDocument, text: str) -> None:
    """Titles, paragraphs and related headlines are pieces of the text, never invented."""
    folded = " ".join(text.split())
    for item in doc.items:
        assert item.title.removesuffix("…") in folded
        assert all(p in folded for p in item.body)
        assert all(r in folded for r in item.related)


# --- the seed page -------------------------------------------------------------------------


def test_seed_gives_20_items(seed):
    assert len(seed.items) == 20
    check_invariants(seed)
    assert_taken_from(seed, SEED_TEXT)


def test_seed_document_fields(seed):
    assert seed.name == SEED_NAME
    assert seed.layout == "caixin_listing"
    assert seed.publisher == "Caixin Global"
    assert seed.title == "Caixin Global – CX Tech"
    assert seed.published == "2021-01-19T18:27:00+08:00"
    assert seed.preamble == [
        "CX Tech is Caixin Global's real-time tech news portal, featuring 24-hour news, "
        "short-form analysis, and roundups from business and tech media in China."
    ]


def test_seed_bylines(seed):
    assert [item.published for item in seed.items[:4]] == [
        "2021-01-19T18:27:00+08:00",
        "2021-01-19T16:53:00+08:00",
        "2021-01-19T15:26:00+08:00",
        "2021-01-19T13:17:00+08:00",
    ]
    assert seed.items[-1].published == "2021-01-11T12:58:00+08:00"
    assert all(item.section == "Business & Tech" for item in seed.items)
    authors = [tuple(item.authors) for item in seed.items]
    assert authors.count(("Ding Yi",)) == 16
    assert authors.count(("Anniek Bao",)) == 2
    assert authors.count(("Yang Ge",)) == 1
    assert item_titled(seed, "Beijing has stepped up").authors == [
        "Qian Tong",
        "Yuan Ruiyang",
        "Han Wei",
    ]
    assert item_titled(seed, "U.S. electric carmaker Tesla").authors == ["Ding Yi"]  # "By Ding Yi"


def test_seed_titles_are_whole_first_sentences_of_the_ledes(seed):
    boe = seed.items[0]
    assert boe.title == (
        "Chinese display panel maker BOE Technology has announced plans to raise as much as "
        "20 billion yuan ($3 billion) by selling shares to a group of investors"
    )
    assert boe.body[0].startswith(boe.title)
    tesla = item_titled(seed, "U.S. electric carmaker Tesla")
    assert tesla.title.startswith(
        "U.S. electric carmaker Tesla on Monday started delivering its first Shanghai-assembled "
        "Model Y"
    )
    assert not tesla.title.endswith(("…", "."))
    for item in seed.items:
        assert not item.title.startswith(FURNITURE)


def test_seed_related_headlines(seed):
    assert seed.items[0].related == [
        "Display-Maker BOE Seals $1.1 Billion Deal to Buy 35% of Smaller Rival"
    ]
    kuaishou = item_titled(seed, "The TikTok-like Kuaishou")
    assert kuaishou.related == [
        "China’s Other TikTok-Like App Sensation Sprints Toward Hong Kong IPO",
        "In Depth: IPO-Bound TikTok Rival Kuaishou Continues to Play Second Fiddle",
    ]
    assert kuaishou.body[-1].startswith("“It will be an important litmus test")
    assert len(kuaishou.body) == 4
    scrutiny = item_titled(seed, "Beijing has stepped up")
    assert scrutiny.related == [
        "In Depth - China Applies Closer Scrutiny to Sprawling Tech Acquisitions"
    ]
    assert item_titled(seed, "A shocking case").related == []
    assert item_titled(seed, "U.S. artificial-meat maker").related == []
    all_related = [r for item in seed.items for r in item.related]
    assert len(all_related) == 19
    assert not any(r.startswith("Related") for r in all_related)


def test_seed_furniture_is_gone(seed):
    for item in seed.items:
        for paragraph in item.body:
            assert not paragraph.startswith(FURNITURE), paragraph
            assert paragraph not in item.related
    tesla = item_titled(seed, "U.S. electric carmaker Tesla")
    assert tesla.body[0].startswith("U.S. electric carmaker Tesla on Monday")
    assert len(tesla.body) == 4
    lotus = item_titled(seed, "Lotus, a British sports car brand")
    assert not any(p.startswith("Geely owns a number") for p in lotus.body)
    assert lotus.body[0].startswith("Lotus, a British sports car brand")
    assert item_titled(seed, "A shocking case").body[-1].startswith("The case shines a spotlight")


def test_seed_body_paragraphs_kept(seed):
    weibo = item_titled(seed, "Social media platform Weibo")
    assert len(weibo.body) == 5
    assert weibo.body[3] == (
        "As of September, Weibo had 511 million monthly active users, an increase of 14 million "
        "year-on-year, according to the company."
    )
    assert all(item.mentions == [] for item in seed.items)  # no tickers written on this page


# --- variants ------------------------------------------------------------------------------

VARIANT = """Top stories

By Li Na, Wang Fei, Zhao Lei and Chen Jie / Mar 02, 2024 12:05 AM / Finance

Photo: Bloomberg

Tencent Holdings Ltd. (0700.HK) reported a 30% jump in profit on Tuesday. Analysts expected less.

Share this article

Its shares rose, as did those of Alibaba (BABA.US) and Meituan (03690.HK).

A caption about the shares

A caption about the shares

Read the full story here.

Related: Tencent Profit Beats Estimates

Contact editor Bob Smith (bob@caixin.com)

Tencent’s Games Rebound

Zhang San / March 3, 2024 12:30 PM / Business & Tech

Short lede without a full stop

Related: Only Related Headlines Here

Contact reporter Zhang San (

Wu Si / Mar 1, 2024 11:59 PM / Economy

Photo: VCG

Related: Nothing Else In This Entry

Open WeChat and scan the QR code
"""


def test_variant_byline_with_four_authors_and_midnight():
    doc = parse_caixin_listing(VARIANT, "v.txt")
    first = doc.items[0]
    assert first.authors == ["Li Na", "Wang Fei", "Zhao Lei", "Chen Jie"]
    assert first.published == "2024-03-02T00:05:00+08:00"
    assert first.section == "Finance"


def test_variant_furniture_placed_elsewhere_and_related_after_contact():
    doc = parse_caixin_listing(VARIANT, "v.txt")
    first = doc.items[0]
    assert first.title == "Tencent Holdings Ltd. (0700.HK) reported a 30% jump in profit on Tuesday"
    assert first.body == [
        "Tencent Holdings Ltd. (0700.HK) reported a 30% jump in profit on Tuesday. Analysts "
        "expected less.",
        "Its shares rose, as did those of Alibaba (BABA.US) and Meituan (03690.HK).",
    ]
    assert first.related == ["Tencent Profit Beats Estimates", "Tencent’s Games Rebound"]


def test_variant_ticker_mentions_with_names():
    first = parse_caixin_listing(VARIANT, "v.txt").items[0]
    assert first.mentions == [
        Mention("Tencent Holdings Ltd.", "0700.HK"),
        Mention("Alibaba", "BABA.US"),
        Mention("Meituan", "3690.HK"),
    ]


def test_variant_noon_full_month_and_entries_without_text():
    doc = parse_caixin_listing(VARIANT, "v.txt")
    assert len(doc.items) == 2  # Wu Si's entry has nothing but furniture and a related line
    second = doc.items[1]
    assert second.title == "Short lede without a full stop"
    assert second.published == "2024-03-03T12:30:00+08:00"
    assert second.related == ["Only Related Headlines Here"]
    assert doc.published == "2024-03-03T12:30:00+08:00"
    assert doc.title == "Caixin Global"
    assert doc.preamble == ["Top stories"]


def test_twelve_pm_and_am_and_other_sections():
    text = (
        "Caixin Global – Latest China News & Headlines\n"
        "Economy is Caixin Global's economy channel.\n"
        "A / Jan 05, 2022 12:00 PM / Economy\nNoon story.\n"
        "B / Jan 05, 2022 12:59 AM / Finance\nEarly story.\n"
        "C and D / Jan 05, 2022 01:00 PM / Business & Tech\nAfternoon story.\n"
    )
    doc = parse_caixin_listing(text, "t.txt")
    assert [(i.title, i.published, i.section, i.authors) for i in doc.items] == [
        ("Noon story", "2022-01-05T12:00:00+08:00", "Economy", ["A"]),
        ("Early story", "2022-01-05T00:59:00+08:00", "Finance", ["B"]),
        ("Afternoon story", "2022-01-05T13:00:00+08:00", "Business & Tech", ["C", "D"]),
    ]
    assert doc.title == "Caixin Global – Economy"
    assert doc.published == "2022-01-05T13:00:00+08:00"


def test_long_body_after_contact_stays_body():
    text = (
        "X Y / Feb 01, 2021 10:00 AM / Tech\nLede.\nContact reporter X Y (\n"
        "A long paragraph that goes on. It has two sentences and is clearly body text.\n"
    )
    item = parse_caixin_listing(text, "t.txt").items[0]
    assert item.body == [
        "Lede.",
        "A long paragraph that goes on. It has two sentences and is clearly body text.",
    ]
    assert item.related == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "Caixin Global – Latest China News & Headlines\n\nHome >\n",
        "Ding Yi / Jan 19, 2021 06:27 PM / Business & Tech\n",
        "Ding Yi / Jan 19, 2021 06:27 PM / Business & Tech\nPhoto: VCG\nRead the full story here.",
        "Ding Yi / Jan 19, 2021 06:27 PM / Business & Tech\nRelated: A headline\n",
    ],
)
def test_empty_and_broken_pages(text):
    doc = parse_caixin_listing(text, "x.txt")
    check_invariants(doc)
    assert doc.items == []


def test_impossible_byline_time_gives_empty_published():
    doc = parse_caixin_listing("A / Feb 30, 2021 13:61 PM / Tech\nLede.\n", "x.txt")
    assert [(i.title, i.published) for i in doc.items] == [("Lede", "")]
    assert doc.published == ""


# --- arbitrary text ------------------------------------------------------------------------


@given(st.text())
def test_never_raises_on_arbitrary_text(text):
    check_invariants(parse_caixin_listing(text, "any.txt"))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(seed_pieces(SEED_TEXT))
def test_never_raises_on_seed_pieces(text):
    doc = parse_caixin_listing(text, "any.txt")
    check_invariants(doc)
    assert_taken_from(doc, text)
    for item in doc.items:
        assert not item.title.startswith("Related:")
        assert all(not r.startswith("Related:") for r in item.related)
