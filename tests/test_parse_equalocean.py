"""EqualOcean sector report parser: the seed report, variants, and arbitrary text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.model import Mention, ParsedDocument
from store.parsers.equalocean import PUBLISHER as PUBLISHER_EQUALOCEAN
from store.parsers.equalocean import parse_equalocean_report
from tests.helpers.seed_text import seed_pieces

SEED_NAME = "000_8dddf056b50c37f7.txt"
SEED_TEXT = (Path(__file__).resolve().parent.parent / "seeds" / SEED_NAME).read_text("utf-8")
SEED_LINES = SEED_TEXT.split("\n")


@pytest.fixture(scope="module")
def seed() -> ParsedDocument:
    return parse_equalocean_report(SEED_TEXT, SEED_NAME)


def item_titled(doc: ParsedDocument, start: str):
    matches = [item for item in doc.items if item.title.startswith(start)]
    assert len(matches) == 1, [item.title for item in doc.items]
    return matches[0]


def check_invariants(doc: ParsedDocument) -> None:
    assert isinstance(doc, ParsedDocument)
    assert doc.layout == "equalocean_report"
    assert doc.publisher == PUBLISHER_EQUALOCEAN
    assert doc.title.strip()
    for item in doc.items:
        assert item.title.strip()
        assert item.title == item.title.strip()
        assert "\n" not in item.title
        assert item.publisher == PUBLISHER_EQUALOCEAN
        assert all(isinstance(p, str) and p for p in item.body)


def assert_taken_from(doc: ParsedDocument, text: str) -> None:
    """Titles and paragraphs are pieces of the text (whitespace folded), never invented."""
    folded = " ".join(text.split())
    for item in doc.items:
        assert item.title.removesuffix("…") in folded
        assert all(paragraph in folded for paragraph in item.body)


# --- the seed report ---------------------------------------------------------------------


def test_seed_gives_14_updates_and_4_key_events(seed):
    assert_taken_from(seed, SEED_TEXT)
    assert len(seed.items) == 18
    assert [item.section for item in seed.items] == ["Main Players Updates"] * 14 + [
        "Key Events"
    ] * 4


def test_seed_document_fields(seed):
    assert seed.name == SEED_NAME
    assert seed.layout == "equalocean_report"
    assert seed.publisher == "EqualOcean"
    assert seed.title == "EqualOcean Sector Quarterly Report - Sci-Tech Innovation Sectors"
    assert seed.published == "2022-04-01T14:30:00+08:00"
    assert len(seed.preamble) == 4
    assert seed.preamble[0].startswith("To help worldwide investors keep track of what")
    assert seed.preamble[1].startswith("According to the National Bureau of Statistics")
    assert seed.preamble[3].startswith("The report has three sections:")


def test_seed_every_item_has_report_date_and_author(seed):
    for item in seed.items:
        assert item.publisher == "EqualOcean"
        assert item.published == "2022-04-01T14:30:00+08:00"
        assert item.authors == ["Fuller Wang"]
        assert item.body and all(item.body)
        assert item.related == []


def test_seed_update_titles_in_order(seed):
    titles = [item.title for item in seed.items[:14]]
    assert (
        titles[0]
        == "Nokia signs DAC sales deals with Alibaba, Atos – as private 5G shifts up a gear"
    )
    assert titles[1] == "Tencent sells USD 3 billion stakes in Singapore tech group Sea"
    assert (
        titles[2] == "Huawei launches a rival to the Amazon Kindle to revive the consumer business"
    )
    assert titles[5] == "China Unicom chief pegs joint 5G capex savings at USD 33B"
    assert titles[10] == "Luxshare's Shares Rally as It Confirms Entry into NEV Market"
    assert titles[12].startswith("Figma starts cutting ties with DJI")
    assert titles[13] == "BOE may supply OLED Panel for iPhone 15 in 2023"


def test_seed_header_mentions(seed):
    assert item_titled(seed, "Nokia signs").mentions == [Mention("Alibaba", "BABA.US")]
    assert item_titled(seed, "Tencent sells").mentions == [Mention("Tencent", "0700.HK")]
    assert item_titled(seed, "Xiaomi Redmi K50").mentions == [Mention("Xiaoxi", "1810.HK")]
    assert item_titled(seed, "China Mobile Hong Kong").mentions == [
        Mention("China Mobile", "600941.SH")
    ]
    assert item_titled(seed, "Hikvision introduces").mentions == [Mention("Hikvision", "002415.SZ")]
    assert item_titled(seed, "LONGi Green Energy").mentions == [
        Mention("LONGi Green Energy Technology", "601012.SH")
    ]
    assert item_titled(seed, "Figma starts").mentions == [Mention("DJI Technology", None)]


def test_seed_headerless_paragraphs_do_not_inherit_a_company(seed):
    huawei = item_titled(seed, "Huawei launches")
    boe = item_titled(seed, "BOE may supply")
    assert huawei.mentions == []
    assert boe.mentions == []
    assert huawei.body[0].startswith("The company launched a slew of new products")
    assert boe.body[0].startswith("BOE, the major panel manufacturer in China")


def test_seed_update_body_is_the_rest_of_the_paragraph_folded(seed):
    tencent = item_titled(seed, "Tencent sells")
    assert tencent.body == [
        "Tencent Holdings has sold 14.5 million shares in Singapore-based gaming and e-commerce "
        "firm Sea at USD 208 each to raise USD 3 billion on January 4, 2022. According to the "
        "company, the share sale unlocks a portion of the value of Tencent's investment in Sea, "
        "which has seen significant growth and expansion in its global business operations. The "
        "divestment provides Tencent with resources to fund other investments and social "
        "initiatives."
    ]
    alibaba = item_titled(seed, "Nokia signs")
    assert "Digital Automation Cloud (DAC)" in alibaba.body[0]
    for item in seed.items:
        for paragraph in item.body:
            assert "  " not in paragraph and "\xa0" not in paragraph


def test_seed_key_events(seed):
    events = seed.items[14:]
    assert [e.title for e in events] == [
        "China plans to increase the contribution of core digital economy industries to 10 % "
        "of GDP by 2025",
        "Innovation China Conference 2022 held in Beijing",
        "Wrap-Up Meeting of WAIC 2021 and Launch Ceremony of WAIC 2022 Successfully Held",
        "NPC & CPPCC 2022: the metaverse development should be spearheaded by the central "
        "government, delegates propose",
    ]
    assert all(len(e.body) == 2 for e in events)
    assert events[0].body[0].startswith("China's State Council published a blueprint on Jan. 12")
    assert events[0].body[1].startswith("Expected growth in the digital economy's share")
    assert events[3].body[1].endswith("said Tan Jianfeng.")


def test_seed_section_headings_and_preamble_are_not_items(seed):
    titles = {item.title for item in seed.items}
    assert not any("Capital Market Calendar" in t for t in titles)
    assert not any(t.startswith(("Main Players", "Key Events", "To help")) for t in titles)
    assert not any(t.startswith(("Alibaba (", "Tencent (", "DJI Technology")) for t in titles)


# --- variants ------------------------------------------------------------------------------

VARIANT = """Quarterly Report - Internet Sector

Consumer Author: Ada Li and Bo Chen Jan 09, 2023 12:05 AM (GMT+8)

An introduction.

Main Players Updates

Baidu (BIDU: NASDAQ)

Baidu opens Ernie to the public. The chatbot launched on Monday.

Baidu adds plugins to Ernie. Developers can write their own.

JD.com (NASDAQ: JD)

JD.com cuts prices. Shares of Meituan (3690.HK) fell.

Alibaba (BABA: NYSE; 9988: HK)

Alibaba splits into six groups.

NIO Inc.

NIO delivers its 300,000th car.

Capital Market Calendar

Company A raised USD 10 million in a Series A round.

Key Events

  • Beijing issues AI rules

The rules take effect in August.

They cover generative models.

  • A headline with no text

Key Events
"""


def test_variant_report_metadata():
    doc = parse_equalocean_report(VARIANT, "v.txt")
    assert doc.title == "Quarterly Report - Internet Sector"
    assert doc.published == "2023-01-09T00:05:00+08:00"
    assert doc.preamble == ["An introduction."]
    assert all(item.authors == ["Ada Li", "Bo Chen"] for item in doc.items)


def test_variant_headers_and_paragraphs():
    doc = parse_equalocean_report(VARIANT, "v.txt")
    updates = [i for i in doc.items if i.section == "Main Players Updates"]
    assert [(i.title, i.mentions) for i in updates] == [
        ("Baidu opens Ernie to the public", [Mention("Baidu", "BIDU.US")]),
        ("Baidu adds plugins to Ernie", []),
        ("JD.com cuts prices", [Mention("JD.com", "JD.US"), Mention("Meituan", "3690.HK")]),
        (
            "Alibaba splits into six groups",
            [Mention("Alibaba", "BABA.US"), Mention("Alibaba", "9988.HK")],
        ),
        ("NIO delivers its 300,000th car", [Mention("NIO Inc.", None)]),
    ]
    assert updates[0].body == ["The chatbot launched on Monday."]
    # a one-sentence paragraph keeps itself as the body
    assert updates[3].body == ["Alibaba splits into six groups."]


def test_variant_calendar_gives_no_items_and_events_keep_paragraphs():
    doc = parse_equalocean_report(VARIANT, "v.txt")
    assert not any("raised USD 10 million" in i.title for i in doc.items)
    events = [i for i in doc.items if i.section == "Key Events"]
    assert [(e.title, e.body) for e in events] == [
        (
            "Beijing issues AI rules",
            ["The rules take effect in August.", "They cover generative models."],
        ),
        ("A headline with no text", []),
    ]


def test_key_events_without_bullet_marks_use_headline_lines():
    text = (
        "Report\n\nTechnology Author: X Y Feb 02, 2022 09:15 AM (GMT+8)\n\nKey Events\n\n"
        "Shenzhen opens a chip fund\n\nThe fund is worth 5 billion yuan.\n\n"
        "More capital flows in.\n\nShanghai hosts WAIC\n\nThe event ran for three days.\n"
    )
    doc = parse_equalocean_report(text, "n.txt")
    assert [(i.title, i.body, i.published) for i in doc.items] == [
        (
            "Shenzhen opens a chip fund",
            ["The fund is worth 5 billion yuan.", "More capital flows in."],
            "2022-02-02T09:15:00+08:00",
        ),
        ("Shanghai hosts WAIC", ["The event ran for three days."], "2022-02-02T09:15:00+08:00"),
    ]


def test_other_timezone_and_noon():
    text = "T\nFinance Author: A B Dec 31, 2021 12:00 PM (GMT-5)\nKey Events\n• E\nbody.\n"
    doc = parse_equalocean_report(text, "t.txt")
    assert doc.published == "2021-12-31T12:00:00-05:00"
    assert [i.title for i in doc.items] == ["E"]


def test_long_first_sentence_is_cut_and_body_keeps_whole_paragraph():
    sentence = "Tencent " + "expands its cloud business again " * 10 + "in Asia."
    text = f"T\nMain Players Updates\nTencent (0700: HK)\n{sentence} More follows.\n"
    item = parse_equalocean_report(text, "t.txt").items[0]
    assert item.title.endswith("…") and len(item.title) <= 200
    assert item.body == [f"{sentence} More follows."]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "EqualOcean Sector Quarterly Report",
        "Technology Author: Fuller Wang Apr 01, 2022 02:30 PM (GMT+8)",
        "Report\nMain Players Updates\n",
        "Report\nMain Players Updates\nTencent (0700: HK)\n",
        "Report\nKey Events\n",
        "Report\nCapital Market Calendar\nA (B: C)\n",
    ],
)
def test_empty_and_broken_reports(text):
    doc = parse_equalocean_report(text, "x.txt")
    check_invariants(doc)
    assert doc.items == []


def test_impossible_date_gives_empty_published():
    text = "R\nTech Author: A Feb 30, 2022 02:30 PM (GMT+8)\nKey Events\n• Headline\nText.\n"
    doc = parse_equalocean_report(text, "x.txt")
    assert doc.published == ""
    assert [(i.title, i.published) for i in doc.items] == [("Headline", "")]


# --- arbitrary text ------------------------------------------------------------------------


@given(st.text())
def test_never_raises_on_arbitrary_text(text):
    check_invariants(parse_equalocean_report(text, "any.txt"))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(seed_pieces(SEED_TEXT))
def test_never_raises_on_seed_pieces(text):
    doc = parse_equalocean_report(text, "any.txt")
    check_invariants(doc)
    assert_taken_from(doc, text)


@pytest.mark.parametrize(
    ("header", "mentions"),
    [
        ("Baidu (BIDU: NASDAQ)", [Mention("Baidu", "BIDU.US")]),
        ("Baidu (NASDAQ: BIDU)", [Mention("Baidu", "BIDU.US")]),
        ("Alibaba (9988: HKEX)", [Mention("Alibaba", "9988.HK")]),
        ("Hikvision (SZSE: 002415)", [Mention("Hikvision", "002415.SZ")]),
        ("SMIC (688981: STAR)", [Mention("SMIC", "688981.SH")]),
        ("Kingsoft Cloud（KC：NASDAQ）", [Mention("Kingsoft Cloud", "KC.US")]),
        ("Siemens (SIE: XETRA)", [Mention("Siemens", None)]),
        (
            "Pinduoduo (PDD: NASDAQ and 1234: HK)",
            [Mention("Pinduoduo", "PDD.US"), Mention("Pinduoduo", "1234.HK")],
        ),
    ],
)
def test_headers_with_other_exchanges(header, mentions):
    text = f"T\nMain Players Updates\n{header}\nThe company did something. More text.\n"
    items = parse_equalocean_report(text, "h.txt").items
    assert [(i.title, i.mentions) for i in items] == [("The company did something", mentions)]


@pytest.mark.parametrize(
    ("header", "mentions"),
    [
        (
            "Ping An Insurance (Group) Company of China",
            [Mention("Ping An Insurance (Group) Company of China", None)],
        ),
        (
            "Ping An Insurance (Group) Company of China (2318: HK)",
            [Mention("Ping An Insurance (Group) Company of China", "2318.HK")],
        ),
        (
            "BYD Electronic (International) (0285: HK)",
            [Mention("BYD Electronic (International)", "0285.HK")],
        ),
        ("Amlogic (Shanghai)", [Mention("Amlogic (Shanghai)", None)]),
    ],
)
def test_header_with_a_parenthesis_in_the_name_heads_the_paragraph_under_it(header, mentions):
    text = (
        f"T\nMain Players Updates\n{header}\nThe company did something. More text.\n"
        "Huawei launches a rival to the Amazon Kindle.\n"
    )
    items = parse_equalocean_report(text, "h.txt").items
    assert [(i.title, i.mentions) for i in items] == [
        ("The company did something", mentions),
        ("Huawei launches a rival to the Amazon Kindle", []),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Ping An (and others) Company",  # a parenthesis of prose, not of a name
        "Ping An Insurance (Group Company of China",  # unbalanced
        "Ping An Insurance (Group) Company of China Limited Holdings",  # too many words
    ],
)
def test_lines_with_parentheses_that_are_not_company_headers(line):
    text = f"T\nMain Players Updates\n{line}\nThe company did something. More text.\n"
    items = parse_equalocean_report(text, "h.txt").items
    assert [i.title for i in items] == [line, "The company did something"]
    assert all(i.mentions == [] for i in items)
