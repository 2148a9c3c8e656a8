"""Search-results digests: the seed digest, synthetic variants, and any text at all."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.model import Mention, ParsedDocument
from store.parsers.digest import (
    _CITATIONS,
    SOURCE_LINE,
    _drop_citations,
    parse_search_digest,
    summary_paragraphs,
)
from store.text.prose import folded_lines
from tests.helpers.seed_text import mangled_lines

SEED = Path(__file__).resolve().parent.parent / "seeds" / "003_a6fe991c24fb0183.txt"


@pytest.fixture(scope="module")
def digest() -> ParsedDocument:
    return parse_search_digest(SEED.read_text(encoding="utf-8"), SEED.name)


def check_invariants(doc: ParsedDocument, name: str) -> None:
    assert doc.name == name
    assert doc.layout == "search_digest"
    assert doc.publisher == "Search digest"
    assert doc.title.startswith("Search digest")
    for item in doc.items:
        assert item.title.strip()
        assert item.publisher.strip()
        assert item.section == ""  # a result sits under no heading; the keyword is the page's
        if "T" in item.published:
            assert datetime.fromisoformat(item.published).utcoffset() is not None
        elif item.published:
            date.fromisoformat(item.published)
        assert all(isinstance(paragraph, str) and paragraph for paragraph in item.body)
        for mention in item.mentions:
            assert isinstance(mention.name, str) and mention.ticker  # a name may be unknown


EXPECTED_RESULTS = [
    (
        "上市满一个月后,中国芯片公司向美国巨头宣战,索赔9999万元",
        "Sou Hu Cai Jing",
        "2025-08-19T04:05:00+08:00",
    ),
    (
        "有意思!美国允许向中国供货H20芯片,中国却把正极材料限制了",
        "Sou Hu Cai Jing",
        "2025-07-17T05:11:00+08:00",
    ),
    (
        "蔚来自研神玑芯片落地:一次难而正确的长征",
        "Zhong Guo Qi Che Bao Wang",
        "2025-07-08T09:19:00+08:00",
    ),
    (
        "稀土!稀土!中国严管稀土动了真格,辞职可以,出境绝对不行!",
        "Sou Hu Cai Jing",
        "2025-06-29T07:05:00+08:00",
    ),
    (
        "领充新能源数智化推动充电行业新发展",
        "Zhong Guo Chan Ye Jing Ji Xin Xi Wang",
        "2025-06-25T07:21:00+08:00",
    ),
    (
        "【环球财经】法国米斯特拉尔人工智能公司与英伟达宣布云平台合作",
        "Xin Hua Cai Jing",
        "2025-06-12T23:02:00+08:00",
    ),
    (
        "不止稀土,特朗普才发现:“天平”已倾向北京,美国已无法挽回",
        "Sou Hu Cai Jing",
        "2025-06-10T12:17:00+08:00",
    ),
    ("1070亿美元的芯片豪赌", "半导体行业观察", "2025-05-30T01:55:00+08:00"),
    (
        "PIF战略布局下的中东AI革命:联想(00992)如何借势成为隐形赢家",
        "智通财经网",
        "2025-05-15T14:54:00+08:00",
    ),
    (
        "港股突围,赛力斯能否跑赢“问界依赖”与估值重构?|钛度车库",
        "Tai Mei Ti APP",
        "2025-04-30T13:23:00+08:00",
    ),
]


def test_seed_document(digest: ParsedDocument) -> None:
    check_invariants(digest, SEED.name)
    assert digest.title == "Search digest: 技术主权"
    assert digest.preamble == ["技术主权"]
    assert digest.published == "2025-08-19T04:05:00+08:00"  # the newest result


def test_seed_has_ten_results_each_with_its_outlet_and_time(digest: ParsedDocument) -> None:
    assert [(i.title, i.publisher, i.published) for i in digest.items] == EXPECTED_RESULTS
    assert {item.section for item in digest.items} == {""}


def test_seed_mentions(digest: ParsedDocument) -> None:
    assert digest.items[8].mentions == [Mention("联想", "0992.HK")]
    assert all(item.mentions == [] for i, item in enumerate(digest.items) if i != 8)


def test_seed_summary_paragraphs(digest: ParsedDocument) -> None:
    first = digest.items[0].body
    assert first[0].startswith("Core Viewpoint: The lawsuit initiated by Yitang Co.")
    assert first[0].endswith(
        "awakening of technological sovereignty awareness among Chinese chip companies."
    )
    assert first[1].split("\n")[0] == "Group 1: Lawsuit Details"
    assert first[1].split("\n")[1].startswith("- The lawsuit focuses on allegations")
    assert [p.split("\n")[0] for p in first[1:]] == [
        "Group 1: Lawsuit Details",
        "Group 2: Industry Context",
        "Group 3: Company Performance",
        "Group 4: Strategic Implications",
    ]
    # "Core Insights" with bullets, then free headings
    mistral = digest.items[5].body
    assert [p.split("\n")[0] for p in mistral] == [
        "Core Insights",
        "Investment and Strategic Goals",
        "European AI Landscape",
    ]
    assert len(mistral[0].split("\n")) == 4
    # groups without titles
    assert [p.split("\n")[0] for p in digest.items[3].body] == ["Group 1", "Group 2", "Group 3"]
    for item in digest.items:
        for paragraph in item.body:
            assert "[" not in paragraph and "]" not in paragraph  # citations removed
            assert ".." not in paragraph


# ----------------------------------------------------------------------- synthetic variants


def test_summary_paragraphs_forms() -> None:
    assert summary_paragraphs("Core Viewpoint - A is so [1]. Group 1: Details - B [2]. - C") == [
        "Core Viewpoint: A is so.",
        "Group 1: Details\n- B.\n- C",
    ]
    assert summary_paragraphs("Group 1 - X rose [1] - Y fell [2][3] Group 2 - Z") == [
        "Group 1\n- X rose\n- Y fell",
        "Group 2\n- Z",
    ]
    assert summary_paragraphs("Just one plain summary sentence, with a well-known hyphen.") == [
        "Just one plain summary sentence, with a well-known hyphen."
    ]
    assert summary_paragraphs("") == []


def test_source_line_spellings_and_multi_line_summaries() -> None:
    text = "\n".join(
        [
            "芯片",
            "Search documents",
            "标题一",
            "36Kr·2024-01-02 03:04",
            "Core Viewpoint - One [1].",
            "Group 1: More - Two [2]",
            "",
            "标题二",
            "Cai Lian She · 2024/12/31 23:59:59",
            "Group 1 - Three",
            "标题三",
            "新浪财经 · 2024-11-30",
            "Summary - Four",
        ]
    )
    doc = parse_search_digest(text, "d.txt")
    check_invariants(doc, "d.txt")
    assert [(i.title, i.publisher, i.published) for i in doc.items] == [
        ("标题一", "36Kr", "2024-01-02T03:04:00+08:00"),
        ("标题二", "Cai Lian She", "2024-12-31T23:59:59+08:00"),
        ("标题三", "新浪财经", "2024-11-30"),
    ]
    assert doc.items[0].body == ["Core Viewpoint: One.", "Group 1: More\n- Two"]
    assert doc.title == "Search digest: 芯片"


def test_result_without_headline_and_digest_without_keyword() -> None:
    long_summary = "Core Viewpoint - " + "A long summary of the article. " * 8
    text = "\n".join(
        [
            "Search documents",
            "标题一",
            "Outlet A· 2024-01-02 03:04",
            long_summary,
            "Outlet B· 2024-01-03 03:04",
            long_summary,
        ]
    )
    doc = parse_search_digest(text, "d.txt")
    check_invariants(doc, "d.txt")
    assert doc.title == "Search digest"
    assert doc.preamble == []
    assert doc.items[0].title == "标题一"
    assert doc.items[1].title.startswith("A long summary of the article.")
    assert doc.items[1].publisher == "Outlet B"
    assert doc.items[0].body == doc.items[1].body


def test_digest_without_results_is_empty() -> None:
    doc = parse_search_digest("技术主权\n\nSearch documents\n", "d.txt")
    check_invariants(doc, "d.txt")
    assert doc.items == []
    assert doc.title == "Search digest: 技术主权"


# ------------------------------------------------------------------------------- any input

SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")


@given(st.text())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_parses_without_error(text: str) -> None:
    check_invariants(parse_search_digest(text, "any.txt"), "any.txt")


@given(mangled_lines(SEED_LINES))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mangled_digests_parse_without_error(text: str) -> None:
    doc = parse_search_digest(text, "mangled.txt")
    check_invariants(doc, "mangled.txt")
    # A line (or a pair of lines) repeated in a row is read twice however often it repeats
    # (bounded work on crafted files): the copies beyond would be the same item again.
    read = folded_lines(text)
    sources = sum(1 for line in read if SOURCE_LINE.match(line))
    assert len(doc.items) >= sources  # every intact source line read is a result


@given(st.text(alphabet=st.sampled_from("ab -[]1:·.Group Core\n"), max_size=300))
@settings(max_examples=300)
def test_summary_paragraphs_never_fail(summary: str) -> None:
    for paragraph in summary_paragraphs(summary):
        assert paragraph.strip()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["[1]", "[2, 3]", "[4-6]", "[12，13]", " ", "  ", "\n", "a", ".", "[", "]"]
        ),
        max_size=14,
    ).map("".join)
    | st.text(max_size=60)
)
def test_dropping_citations_matches_the_citation_pattern(text: str) -> None:
    assert _drop_citations(text) == _CITATIONS.sub("", text)
