"""STAR Market Daily briefs: the two seed briefs, synthetic variants, and any text at all."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.model import Mention, ParsedDocument, ParsedItem
from store.parsers.star_daily import PUBLISHER as PUBLISHER_STAR_DAILY
from store.parsers.star_daily import (
    _is_all_caps,
    _word_casings,
    brief_year,
    parse_star_daily,
)
from store.storage.dedupe import same_story
from store.text.dates import FULL_DATES as _FULL_DATES
from store.text.dates import full_dates as _full_dates
from store.text.dates import month_number as _month_number
from tests.helpers.seed_text import mangled_lines

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EVENING = SEEDS / "002_db7f17587a9c4bfe.txt"
MORNING = SEEDS / "004_7725f43b712bb9ec.txt"


def parse_seed(path: Path) -> ParsedDocument:
    return parse_star_daily(path.read_text(encoding="utf-8"), path.name)


def record(item: ParsedItem) -> dict:
    """An item as the store sees it (what `same_story` compares)."""
    return {"title": item.title, "body": "\n\n".join(item.body)}


def titled(doc: ParsedDocument, start: str) -> list[ParsedItem]:
    return [item for item in doc.items if item.title.startswith(start)]


@pytest.fixture(scope="module")
def evening() -> ParsedDocument:
    return parse_seed(EVENING)


@pytest.fixture(scope="module")
def morning() -> ParsedDocument:
    return parse_seed(MORNING)


def check_invariants(doc: ParsedDocument, name: str) -> None:
    assert doc.name == name
    assert doc.layout == "star_daily"
    assert doc.publisher == PUBLISHER_STAR_DAILY
    assert doc.title.startswith(PUBLISHER_STAR_DAILY)
    if doc.published:
        date.fromisoformat(doc.published)
    for item in doc.items:
        assert item.title.strip()
        assert item.title == item.title.strip()
        assert item.publisher == PUBLISHER_STAR_DAILY
        assert item.published == doc.published
        assert all(isinstance(paragraph, str) and paragraph for paragraph in item.body)
        for mention in item.mentions:
            assert isinstance(mention.name, str)  # "" when no name stands before it
            assert mention.ticker and re.fullmatch(r"[0-9A-Z.-]+\.(SH|SZ|BJ|HK|US)", mention.ticker)


# ------------------------------------------------------------------------- the evening seed


def test_evening_brief_document(evening: ParsedDocument) -> None:
    check_invariants(evening, EVENING.name)
    assert evening.title == "STAR Market Daily — Evening brief, March 26, 2025"
    assert evening.published == "2025-03-26"
    assert len(evening.preamble) == 1
    assert evening.preamble[0].startswith(
        '"Science and Technology Innovation Board Daily" on March 26 - The main contents'
    )


def test_evening_brief_has_eighteen_headlines_in_order(evening: ParsedDocument) -> None:
    titles = [item.title for item in evening.items]
    assert len(titles) == 18
    assert titles[0] == (
        "Taiwan Affairs Office of the State Council: TSMC has become a fat meat to be "
        "slaughtered on the chopping board"
    )
    assert titles[3] == "China Mobile and Alibaba will jointly build and operate an AI data center"
    assert titles[6] == (
        "NOVOSENSE: It plans to issue H shares and list them on the Hong Kong Stock Exchange"
    )
    # a headline that ends with a period is still a headline
    assert titles[11] == (
        "Yuchen Intelligence: Liu Wei, chairman of the board of supervisors, plans to reduce "
        "his holdings by no more than 0.75%."
    )
    assert titles[-1] == "The Force received 200 million yuan in angel round financing"
    assert len(titles) - len(set(titles)) == 1  # Shihua Technology, printed twice


def test_all_caps_headline_is_put_in_sentence_case(evening: ParsedDocument) -> None:
    assert evening.items[1].title == (
        "Shanghai: By 2027, the scale of the city's intelligent computing cloud industry will "
        "strive to exceed 200 billion yuan, and the scale of intelligent computing will strive "
        "to reach 200 EFLOPS"
    )


def test_evening_sections_and_sub_labels(evening: ParsedDocument) -> None:
    sections = [item.section for item in evening.items]
    # A label under a marker names the section (the innermost heading).
    assert sections[:6] == ["News-in-brief"] * 6
    assert sections[6:15] == ["Announcement of the Science and Technology Innovation Board"] * 9
    assert sections[15:] == ["Venture capital vane"] * 3


def test_evening_bodies_are_one_paragraph_each_and_leftovers_are_gone(
    evening: ParsedDocument,
) -> None:
    assert all(len(item.body) == 1 for item in evening.items)
    assert evening.items[7].body[0].endswith("and between 85 GW and 100 GW for the full year")
    everything = "\n".join(
        [*evening.preamble, *(t for i in evening.items for t in [i.title, *i.body])]
    )
    for leftover in ("} ?>", "Ticker Name", "Percentage Change", "Inclusion Date", "Depth"):
        assert leftover not in everything
    assert evening.items[-1].body[0].endswith("advanced manufacturing.")


def test_evening_mentions_name_the_company_before_the_ticker(evening: ParsedDocument) -> None:
    mentions = {(m.name, m.ticker) for item in evening.items for m in item.mentions}
    assert ("NOVOSENSE Micro", "688052.SH") in mentions
    assert ("JinkoSolar", "688223.SH") in mentions
    assert ("Debang Technology", "688035.SH") in mentions
    assert ("Zhijiang Biology", "688317.SH") in mentions
    assert len({ticker for _, ticker in mentions}) == 8  # Shihua is printed twice
    assert evening.items[0].mentions == []


def test_shihua_printed_twice_is_one_story(evening: ParsedDocument) -> None:
    shihua = titled(evening, "Shihua Technology")
    assert len(shihua) == 2
    assert same_story(record(shihua[0]), record(shihua[1]))


# ------------------------------------------------------------------------- the morning seed


def test_morning_brief_document(morning: ParsedDocument) -> None:
    check_invariants(morning, MORNING.name)
    assert morning.title == "STAR Market Daily — Morning brief, March 27, 2025"
    assert morning.published == "2025-03-27"
    assert morning.preamble[0] == "Transferred from: Finance Associated Press"
    assert morning.preamble[-1] == (
        '"Science and Technology Innovation Board Daily" anchor Xiao K will broadcast for you.'
    )
    assert len(morning.preamble) == 3


def test_morning_brief_has_sixteen_headlines(morning: ParsedDocument) -> None:
    titles = [item.title for item in morning.items]
    assert len(titles) == 16
    assert titles[3] == "OpenAI expects revenue to reach $12.7 billion in 2025"
    assert titles[13] == (
        "The Chinese team successfully transplanted the gene-edited pig liver into the human "
        "body for the first time in the world"
    )
    assert (
        titles[15]
        == "Quantum computers simulate two-dimensional quantum field theory at full scale"
    )
    sections = [item.section for item in morning.items]
    assert (
        sections
        == ["Market dynamics"] * 6
        + ["Company Aspect"] * 7
        + ["Frontier of science and technology"] * 3
    )


def test_morning_broken_line_is_joined_and_credit_dropped(morning: ParsedDocument) -> None:
    pig_liver = morning.items[13]
    assert pig_liver.body == [
        "The Chinese research team published a paper online in the British journal Nature on "
        "the 26th, London time, reporting the world's first successful case of transplanting "
        "the liver of a gene-edited pig into a brain-dead person."
    ]
    assert morning.items[-1].body[-1].endswith("core mysteries of particle physics.")
    assert all("Innovation Board Daily" not in p for i in morning.items for p in i.body)


def test_morning_mentions_other_exchange(morning: ParsedDocument) -> None:
    goertek = titled(morning, "Goertek")[0]
    assert [(m.name, m.ticker) for m in goertek.mentions] == [("Goertek", "002241.SZ")]
    assert titled(morning, "SenseTime")[0].mentions == []


# ------------------------------------------------------------------ stories across the briefs


def test_six_morning_stories_repeat_evening_stories(
    evening: ParsedDocument, morning: ParsedDocument
) -> None:
    matches = {
        (m.title.split(":")[0], e.title.split(":")[0])
        for m in morning.items
        for e in evening.items
        if same_story(record(m), record(e))
    }
    assert matches == {
        ("Ministry of Commerce", "Ministry of Commerce"),
        ("Shanghai", "Shanghai"),
        ("Chengdu", "Chengdu"),
        ("NOVOSENSE", "NOVOSENSE"),
        ("JinkoSolar", "JinkoSolar"),
        ("Debang Technology", "Debang Technology"),
    }
    # The Shanghai story is matched by its body: the headlines differ.
    shanghai_morning = titled(morning, "Shanghai: By 2027")[0]
    assert shanghai_morning.title != evening.items[1].title
    assert same_story(record(shanghai_morning), record(evening.items[1]))


def test_other_shanghai_item_is_a_different_story(
    evening: ParsedDocument, morning: ParsedDocument
) -> None:
    deploy = titled(morning, "Shanghai: Actively deploy intelligent computing power")
    assert len(deploy) == 1
    assert not any(same_story(record(deploy[0]), record(e)) for e in evening.items)
    assert not any(
        same_story(record(deploy[0]), record(m)) for m in morning.items if m is not deploy[0]
    )


def test_both_briefs_hold_27_distinct_stories(
    evening: ParsedDocument, morning: ParsedDocument
) -> None:
    stories: list[dict] = []
    for item in [*evening.items, *morning.items]:
        if not any(same_story(record(item), known) for known in stories):
            stories.append(record(item))
    assert len(stories) == 17 + 16 - 6 == 27


# ----------------------------------------------------------------------- synthetic variants

BODY_A = (
    "Acme Robotics (688001.SH) announced that it will invest 300 million yuan in a new plant "
    "in Suzhou. The plant is expected to start production in 2026."
)
BODY_B = (
    "Beta Chips (0981.HK) said on January 3, 2024 that shipments of its new sensor rose by "
    "half in the fourth quarter, driven by orders from carmakers."
)


def brief(
    *lines: str,
    summary: str = "on January 5 - The main contents of today's "
    "Science and Technology Innovation Board Morning Report are: robots.",
) -> str:
    return "\n".join([f'"Science and Technology Innovation Board Daily" {summary}', *lines])


def test_brief_without_section_markers() -> None:
    doc = parse_star_daily(
        brief(
            "Acme Robotics: Plans a 300 million yuan plant in Suzhou",
            BODY_A,
            "Beta Chips reports record sensor shipments",
            BODY_B,
        ),
        "x.txt",
    )
    check_invariants(doc, "x.txt")
    assert [i.title for i in doc.items] == [
        "Acme Robotics: Plans a 300 million yuan plant in Suzhou",
        "Beta Chips reports record sensor shipments",
    ]
    assert [i.section for i in doc.items] == ["", ""]
    assert doc.items[0].body == [BODY_A]
    # "January 3, 2024" is two days before a January 5 brief: the brief is of 2024.
    assert doc.published == "2024-01-05"
    assert doc.title == "STAR Market Daily — Morning brief, January 5, 2024"
    assert [(m.name, m.ticker) for m in doc.items[1].mentions] == [("Beta Chips", "0981.HK")]


def test_bodies_over_several_lines_and_chinese_markers() -> None:
    doc = parse_star_daily(
        brief(
            "【公司动态】",
            "Acme Robotics: Plans a 300 million yuan plant in Suzhou",
            BODY_A,
            "The company said the plant would employ 800 people and make arms for assembly lines.",
            "It did not say how the plant would be financed",
            "[Frontier of science and technology]",
            "Gamma Labs: A new battery material doubles energy density.",
            "Gamma Labs (688002: SH) published a paper describing a cathode material that "
            "doubles the energy density of lithium cells in laboratory tests, the company said",
            "and it plans pilot production next year.",
        ),
        "x.txt",
    )
    check_invariants(doc, "x.txt")
    assert [i.title for i in doc.items] == [
        "Acme Robotics: Plans a 300 million yuan plant in Suzhou",
        "Gamma Labs: A new battery material doubles energy density.",
    ]
    assert [i.section for i in doc.items] == ["公司动态", "Frontier of science and technology"]
    assert len(doc.items[0].body) == 3
    assert doc.items[1].body == [
        "Gamma Labs (688002: SH) published a paper describing a cathode material that doubles "
        "the energy density of lithium cells in laboratory tests, the company said and it "
        "plans pilot production next year."
    ]
    assert [(m.name, m.ticker) for m in doc.items[1].mentions] == [("Gamma Labs", "688002.SH")]


def test_body_without_final_period_then_headline() -> None:
    doc = parse_star_daily(
        brief(
            "[Company Aspect].",
            "Acme Robotics: Plans a 300 million yuan plant in Suzhou",
            "Acme Robotics (688001.SH) announced a plant in Suzhou with output expected between "
            "16 GW and 18 GW in the first quarter of 2026",
            "Beta Chips: Sensor shipments rose by half in the fourth quarter",
            BODY_B,
        ),
        "x.txt",
    )
    assert [i.title for i in doc.items] == [
        "Acme Robotics: Plans a 300 million yuan plant in Suzhou",
        "Beta Chips: Sensor shipments rose by half in the fourth quarter",
    ]


def test_section_paragraph_without_headline_gets_a_title_from_its_first_sentence() -> None:
    doc = parse_star_daily(brief("[Market dynamics].", BODY_A), "x.txt")
    assert len(doc.items) == 1
    assert doc.items[0].title.startswith("Acme Robotics (688001.SH) announced")
    assert doc.items[0].title.endswith("…")
    assert doc.items[0].body == [BODY_A]


def test_no_year_in_the_brief_takes_the_year_of_the_file() -> None:
    text = brief("Acme Robotics: Plans a plant", "Acme Robotics announced a new plant in Suzhou.")
    doc = parse_star_daily(text, "x.txt", date(2025, 1, 6))
    assert doc.published == doc.items[0].published == "2025-01-05"
    assert doc.items[0].date_inferred
    assert doc.title == "STAR Market Daily — Morning brief, January 5, 2025"
    # A brief for January 5 in a file dated January 3 is last year's.
    assert parse_star_daily(text, "x.txt", date(2025, 1, 3)).published == "2024-01-05"
    # Without a file date, the latest January 5 up to today: never an empty date.
    undated = parse_star_daily(text, "x.txt")
    assert undated.published.endswith("-01-05") and undated.items[0].date_inferred


def test_a_year_in_the_brief_is_not_inferred() -> None:
    text = brief(
        "Acme Robotics: Plans a plant",
        "Acme Robotics said on January 4, 2023 that it will build a new plant in Suzhou.",
    )
    doc = parse_star_daily(text, "x.txt", date(2025, 1, 6))
    assert doc.published == "2023-01-05" and not doc.items[0].date_inferred
    dated = brief("Acme Robotics: Plans a plant", "Acme Robotics will build a plant.")
    header = dated.replace('"Science', 'DATE: Jan 5 2022\n"Science', 1)
    assert parse_star_daily(header, "x.txt", date(2025, 1, 6)).published == "2022-01-05"
    named = brief("Acme Robotics: Plans a plant", "Acme's 2021 results and its 2030 target.")
    assert parse_star_daily(named, "x.txt", date(2025, 1, 6)).published == "2021-01-05"


def test_brief_year_votes_for_dates_near_the_brief() -> None:
    march_27 = (3, 27)
    text = "results for the year ended December 31, 2024 ... disclosed on March 26, 2025"
    assert brief_year(text, march_27) == 2025
    # the last day of last year votes for a brief in early January
    assert brief_year("the year ended December 31, 2023", (1, 4)) == 2024
    # far-off dates only: the most common year
    assert brief_year("by 2030-06-01 and 2030-07-01, then 2031-01-01", march_27) == 2030
    assert brief_year("no dates here", march_27) is None


def test_sentence_case_keeps_acronyms_and_known_casing() -> None:
    doc = parse_star_daily(
        brief(
            "HUAWEI: AI CHIP SHIPMENTS FOR 5G BASE STATIONS DOUBLE, SAYS THE MIIT",
            "Huawei said its AI chip shipments for 5G base stations doubled last year, the "
            "Ministry of Industry and Information Technology said on Tuesday in Beijing.",
        ),
        "x.txt",
    )
    assert doc.items[0].title == (
        "Huawei: AI chip shipments for 5G base stations double, says the MIIT"
    )


def test_stock_table_rows_after_the_header_are_dropped() -> None:
    doc = parse_star_daily(
        brief(
            "Acme Robotics: Plans a 300 million yuan plant in Suzhou",
            BODY_A,
            "Ticker Name",
            "Percentage Change",
            "Inclusion Date",
            "Acme Robotics 688001",
            "+5.2%",
            "2025-01-02",
        ),
        "x.txt",
    )
    assert len(doc.items) == 1
    assert doc.items[0].body == [BODY_A]


def test_empty_brief_has_no_items() -> None:
    doc = parse_star_daily(brief("[Hot Spotlight].", "} ?>"), "x.txt")
    check_invariants(doc, "x.txt")
    assert doc.items == []


# ------------------------------------------------------------------------------- any input

SEED_LINES = [
    line for path in (EVENING, MORNING) for line in path.read_text(encoding="utf-8").split("\n")
]


@given(st.text())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_parses_without_error(text: str) -> None:
    check_invariants(parse_star_daily(text, "any.txt"), "any.txt")


@given(mangled_lines(SEED_LINES))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mangled_briefs_parse_without_error(text: str) -> None:
    check_invariants(parse_star_daily(text, "mangled.txt"), "mangled.txt")


@given(st.lists(st.sampled_from(SEED_LINES), min_size=1, max_size=40))
@settings(max_examples=300, deadline=None)
def test_items_only_come_from_the_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    # scraps of markup ("} ?>") are dropped, so a broken line may be joined across them
    kept = [line for line in lines if any(ch.isalnum() for ch in line)]
    folded = " ".join(" ".join(kept).split()).casefold()
    for item in parse_star_daily(text, "x.txt").items:
        for paragraph in item.body:
            assert paragraph.casefold() in folded


def test_camel_case_brand_headline_starts_an_item() -> None:
    doc = parse_star_daily(
        brief(
            "[Company Aspect].",
            "Acme Robotics: Plans a 300 million yuan plant in Suzhou",
            BODY_A,
            "iFlytek: Signs a biomedicine pact with Lenovo in Xi'an",
            "iFlytek (002230.SZ) announced that it signed a strategic cooperation agreement "
            "with Lenovo Group in Xi'an covering biomedicine, according to a filing.",
        ),
        "x.txt",
    )
    assert [i.title for i in doc.items] == [
        "Acme Robotics: Plans a 300 million yuan plant in Suzhou",
        "iFlytek: Signs a biomedicine pact with Lenovo in Xi'an",
    ]
    assert [(m.name, m.ticker) for m in doc.items[1].mentions] == [("iFlytek", "002230.SZ")]


def test_broken_line_start_before_a_marker_stays_apart() -> None:
    doc = parse_star_daily(brief("The", "} ?>", "[Hot Spotlight].", "Acme: Plans", BODY_A), "x")
    assert [i.title for i in doc.items] == ["The", "Acme: Plans"]
    assert doc.items[1].section == "Hot Spotlight"


def test_mentions_in_text_names_dedupes_and_drops_qualifiers():
    from store.parsers.mentions import mentions_in_text

    text = (
        "Shares of Tencent Holdings (0700.HK) rose. New York-listed TME (TME.US) fell.\n\n"
        "(9988.HK) was flat. Tencent (HKG: 0700) again."
    )
    assert mentions_in_text(text) == [
        Mention("Tencent Holdings", "0700.HK"),
        Mention("TME", "TME.US"),
        Mention("", "9988.HK"),
    ]


@pytest.mark.parametrize(
    ("headline", "body"),
    [
        (
            "iFlytek: Its net profit rose 20% to 1.2 billion yuan in 2024",
            "The company said its net profit rose 20% to 1.2 billion yuan in 2024, driven by "
            "its education business.",
        ),
        (
            "vivo: Launches X200 series with in-house imaging chip",
            "The company said the phones would go on sale on Friday, priced from 4,299 yuan.",
        ),
        (
            "xiaomi: SU7 deliveries top 10,000",
            "Xiaomi said deliveries of its SU7 electric sedan topped 10,000 units in March, "
            "ahead of its own target.",
        ),
    ],
)
@pytest.mark.parametrize("previous_end", [".", ""])
def test_headline_starting_in_lower_case_is_a_headline(headline, body, previous_end) -> None:
    previous = BODY_A.rstrip(".") + previous_end
    doc = parse_star_daily(
        brief("Acme Robotics: Plans a 300 million yuan plant in Suzhou", previous, headline, body),
        "x.txt",
    )
    check_invariants(doc, "x.txt")
    assert [i.title for i in doc.items] == [
        "Acme Robotics: Plans a 300 million yuan plant in Suzhou",
        headline,
    ]
    assert doc.items[0].body == [previous]
    assert doc.items[1].body == [body]


def test_lower_case_continuation_with_a_colon_stays_in_the_body() -> None:
    doc = parse_star_daily(
        brief(
            "Acme Robotics: Plans a 300 million yuan plant in Suzhou",
            "The company said the plant would make arms for carmakers and that, according to",
            "the statement: production starts in 2026 with 400 workers on two lines.",
        ),
        "x.txt",
    )
    assert [i.title for i in doc.items] == [
        "Acme Robotics: Plans a 300 million yuan plant in Suzhou"
    ]
    assert len(doc.items[0].body) == 1


# ------------------------------------------------------- fast scans agree with plain ones


def reference_full_dates(text: str) -> list[date]:
    """Every pattern over the whole text, as `_full_dates` is meant to find them."""
    found = []
    for pattern in _FULL_DATES:
        for match in pattern.finditer(text):
            month = _month_number(match.group("month"))
            if not month:
                continue
            try:
                found.append(date(int(match.group("year")), month, int(match.group("day"))))
            except ValueError:
                continue
    return found


def reference_word_casings(lines: list[str], wanted: set[str]) -> dict[str, str]:
    """Every word of every line that is not all caps, looked at one by one.

    A capitalised word with a capitalised word one space before or after it is part of a
    name: its forms count only when the word is never written outside a name.
    """
    alone: dict[str, dict[str, int]] = {}
    in_names: dict[str, dict[str, int]] = {}
    for line in lines:
        if _is_all_caps(line):
            continue
        for match in re.finditer(r"[A-Za-z]+(?:['’][A-Za-z]+)*", line):
            word = match.group(0)
            before = line[max(0, match.start() - 3) : match.start()].rstrip()
            if (
                word.casefold() not in wanted
                or not before
                or before.endswith((".", "!", "?", ":", '"', "“", "-", "–", "—"))
            ):
                continue
            start, end = match.span()
            word_before = line[: start - 1].split(" ")[-1] if line[start - 1] == " " else ""
            word_after = line[end + 1 :] if line[end : end + 1] == " " else ""
            named = word[0].isupper() and (word_before[:1].isupper() or word_after[:1].isupper())
            counts = in_names if named else alone
            forms = counts.setdefault(word.casefold(), {})
            forms[word] = forms.get(word, 0) + 1
    return {
        key: max(forms, key=lambda form: (forms[form], form == key))
        for key, forms in (in_names | alone).items()
    }


DATE_PIECES = [
    "March", "Mar.", "Sept", "26", "3rd", "2024", "2025", "1999", "19", "20", "192019", ",",
    " ", "  ", "\n", "\t", "-", "/", ".", "年", "月", "日", "03", "of", "x", "on",
]  # fmt: skip
WORD_PIECES = [
    "iFlytek", "IFLYTEK", "iflytek", "the", "The", "rock'n'roll", "Huawei's", "’s", "'", " ",
    "  ", ".", ": ", "-", "AI", "ai", "Ai", "chip", "Chip", "CHIPS AND MORE CHIPS", "x",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(DATE_PIECES), max_size=30).map("".join) | st.text(max_size=60))
def test_full_dates_agree_with_scanning_the_whole_text(text: str) -> None:
    assert _full_dates(text) == reference_full_dates(text)


@settings(max_examples=400, deadline=None)
@given(
    # lines as the parser makes them: no line breaks
    st.lists(st.lists(st.sampled_from(WORD_PIECES), max_size=12).map("".join), max_size=5),
    st.sets(st.sampled_from(["iflytek", "the", "ai", "chip", "chips", "huawei's", "rock'n'roll"])),
)
def test_word_casings_agree_with_reading_every_word(lines: list[str], wanted: set[str]) -> None:
    assert _word_casings(lines, wanted) == reference_word_casings(lines, wanted)
