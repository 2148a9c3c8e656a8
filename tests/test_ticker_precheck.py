"""The fast ticker pre-check never hides a ticker find_tickers would read."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.entities import tickers
from store.entities.tickers import may_hold_tickers
from store.model import Mention
from store.parsers.mentions import mentions_in_text

TICKER_PIECES = [
    "(0700: HK)", "(NASDAQ: BIDU)", "688052.SH", "BABA.US", "9988.HK", "联想(00992)",
    "中芯国际（688981）", "(SZ: 002415)", "TME.Nasdaq", " ", "Tencent", ".", "(", "）", "：",
    "HK", "SH", "0700", "a", "\n", "SH688184", "AAPL.O", "(01810)", "(3690: HKEX)", "688630",
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tencent (0700: HK) rose.", True),
        ("Shares of 688052.SH fell.", True),
        ("联想（00992）", True),
        ("No tickers here. None at all, Mr. smith.", False),
        ("", False),
    ],
)
def test_may_hold_tickers(text: str, expected: bool) -> None:
    assert may_hold_tickers(text) is expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TICKER_PIECES), max_size=12).map("".join) | st.text(max_size=80))
def test_pre_check_is_false_only_when_there_are_no_tickers(text: str) -> None:
    # find_tickers itself consults the pre-check, so compare with a run that skips it.
    if not may_hold_tickers(text):
        assert find_tickers_without_pre_check(text) == []


def find_tickers_without_pre_check(text: str) -> list:
    original = tickers.may_hold_tickers
    tickers.may_hold_tickers = lambda _text: True
    try:
        return tickers.find_tickers(text)
    finally:
        tickers.may_hold_tickers = original


def test_mentions_in_text_without_brackets_or_dotted_codes_is_empty() -> None:
    assert mentions_in_text("Tencent said revenue rose. Alibaba agreed.") == []
    assert mentions_in_text("Hikvision (002415.SZ) rose.") == [Mention("Hikvision", "002415.SZ")]
