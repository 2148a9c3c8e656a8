"""Tickers: every spelling in documents and queries to canonical CODE.MARKET."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.entities.tickers import (
    canonical_ticker,
    find_tickers,
    mainland_market,
    parse_ticker_query,
)


@pytest.mark.parametrize(
    ("code", "market", "expected"),
    [
        ("0700", "HK", "0700.HK"),
        ("700", "HK", "0700.HK"),
        ("00700", "HKEX", "0700.HK"),
        ("600941", "SH", "600941.SH"),
        ("600941", "SS", "600941.SH"),
        ("002415", "SZ", "002415.SZ"),
        ("BABA", "NYSE", "BABA.US"),
        ("bidu", "Nasdaq", "BIDU.US"),
        ("688052", None, "688052.SH"),
        ("300750", None, "300750.SZ"),
        ("830799", None, "830799.BJ"),
        ("00992", None, "0992.HK"),
        ("9988", None, "9988.HK"),
        ("BABA", None, "BABA.US"),
        ("12345", "SH", None),
        ("1234567", None, None),
        ("0700", "MARS", None),
    ],
)
def test_canonical_ticker(code, market, expected):
    assert canonical_ticker(code, market) == expected


@pytest.mark.parametrize(
    ("code", "market"),
    [("600000", "SH"), ("688981", "SH"), ("000001", "SZ"), ("300750", "SZ"),
     ("002241", "SZ"), ("430047", "BJ"), ("920001", "BJ"), ("123456", None)],
)  # fmt: skip
def test_mainland_codes_are_placed_by_range(code, market):
    assert mainland_market(code) == market


@pytest.mark.parametrize(
    "query", ["700", "0700", "00700", "0700.HK", "00700.HK", "HK:0700", "700 HK", "hk0700",
              "(0700: HK)", " 0700.hk "],
)  # fmt: skip
def test_every_tencent_spelling(query):
    assert parse_ticker_query(query) == ["0700.HK"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("BABA", ["BABA.US"]), ("baba.us", ["BABA.US"]), ("NYSE:BABA", ["BABA.US"]),
     ("688981", ["688981.SH"]), ("sh688981", ["688981.SH"]), ("688981.SS", ["688981.SH"]),
     ("9988", ["9988.HK"]), ("300750", ["300750.SZ"]), ("tencent holdings", []), ("", []),
     ("联想", [])],
)  # fmt: skip
def test_parse_ticker_query(query, expected):
    assert parse_ticker_query(query) == expected


def test_find_tickers_in_seed_spellings():
    text = (
        "Alibaba (BABA: NYSE) and Tencent (0700: HK); China Mobile (600941: SH); "
        "NOVOSENSE Micro (688052.SH) and Goertek (002241.SZ); 联想(00992) rose; "
        "Baidu (NASDAQ: BIDU)."
    )
    assert [m.ticker for m in find_tickers(text)] == [
        "BABA.US", "0700.HK", "600941.SH", "688052.SH", "002241.SZ", "0992.HK", "BIDU.US",
    ]  # fmt: skip


def test_find_tickers_ignores_plain_numbers_and_words():
    text = "In 2024 revenue rose (12%) to 5,000 yuan; the U.S. firm said (Reuters: yes)."
    assert find_tickers(text) == []
    text = "Staff numbers (8500) and the plan (2024), model (123456), C.N. Rao, co (01234567)."
    assert find_tickers(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # bare six-digit codes after a name take their exchange from the code
        ("Xinqi Micro (688630) said", ["688630.SH"]),
        (
            "Foxconn Industrial Internet (601138) and BOE Technology (000725)",
            ["601138.SH", "000725.SZ"],
        ),
        ("CATL (300750) said", ["300750.SZ"]),
        ("Btr New Material (835185) and Airong Software (830799)", ["835185.BJ", "830799.BJ"]),
        ("Tongguan (920001) and Jinbo (430047)", ["920001.BJ", "430047.BJ"]),
        ("Pawa (SH688184) announced", ["688184.SH"]),
        ("Ping An (SZ000001)", ["000001.SZ"]),
        ("Xiaomi Group (01810) said", ["1810.HK"]),
        ("Lenovo (0992) rose", ["0992.HK"]),
        ("Alibaba (09988.HK) said", ["9988.HK"]),
        ("orders from Apple (AAPL.O) and IBM.N grew", ["AAPL.US", "IBM.US"]),
        ("Baidu (BIDU: NASDAQ) said", ["BIDU.US"]),
        ("Meituan (3690: HKEX) said", ["3690.HK"]),
        ("Ping An (601318.SH, 2318.HK)", ["601318.SH", "2318.HK"]),
    ],
)
def test_find_tickers_in_other_spellings(text, expected):
    assert [m.ticker for m in find_tickers(text)] == expected


@given(st.text())
def test_ticker_functions_never_raise(text):
    for match in find_tickers(text):
        assert match.ticker.rsplit(".", 1)[1] in {"SH", "SZ", "BJ", "HK", "US"}
    for ticker in parse_ticker_query(text):
        assert canonical_ticker(*ticker.rsplit(".", 1)) == ticker


TICKER_PIECES = [
    "(0700: HK)", "(NASDAQ: BIDU)", "688052.SH", "BABA.US", "9988.HK", "联想(00992)",
    "中芯国际（688981）", "(SZ: 002415)", " ", "  ", "Tencent", ".", "(", "）", "：", "HK",
    "SH", "0700", "a", "\n", "SH688184", "AAPL.O", "IBM.N", ".NYSE", "(01810)", "Xiaomi (",
    "688630)", "X", "9", "中", "(3690: HKEX)", "0",
]  # fmt: skip


@given(st.lists(st.sampled_from(TICKER_PIECES), max_size=16).map("".join) | st.text(max_size=60))
def test_anchored_spellings_find_what_scanning_the_whole_text_finds(text):
    # Each spelling is tried only around its anchors; that must find exactly what running
    # its pattern over the whole text finds.
    from store.entities.tickers import spellings

    for spelling in spellings():
        assert [m.span() for m in spelling.matches(text)] == [
            m.span() for m in spelling.pattern.finditer(text)
        ], spelling.pattern.pattern
