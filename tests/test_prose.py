"""Text helpers the layout parsers share."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.text.dates import DATE_TIME, clock, iso_published, utc_offset
from store.text.prose import (
    first_sentence,
    fold,
    headline,
    shorten,
    split_authors,
    strip_bullet,
)


@pytest.mark.parametrize(
    ("paragraph", "sentence", "rest"),
    [
        ("One. Two.", "One.", "Two."),
        ("U.S. carmaker Tesla sells cars. More.", "U.S. carmaker Tesla sells cars.", "More."),
        (
            "It opened on Jan. 12 in Beijing. Then more.",
            "It opened on Jan. 12 in Beijing.",
            "Then more.",
        ),
        ("Ant Group Co. Ltd is big. Yes.", "Ant Group Co. Ltd is big.", "Yes."),
        ("He said “it works.” Then left.", "He said “it works.”", "Then left."),
        ("Savings at USD 33B. China Unicom said.", "Savings at USD 33B.", "China Unicom said."),
        ("Version 3.5 ships today", "Version 3.5 ships today", ""),
        ("Is it real? Yes.", "Is it real?", "Yes."),
        ("中国发布。第二句", "中国发布。", "第二句"),
        ("Court No. 2 ruled. Done.", "Court No. 2 ruled.", "Done."),
    ],
)
def test_first_sentence(paragraph, sentence, rest):
    assert first_sentence(paragraph) == (sentence, rest)


def test_shorten_at_word_boundary():
    assert shorten("short", 10) == ("short", False)
    text = "Chinese display panel maker BOE Technology has announced plans to raise money"
    cut, was_cut = shorten(text, 40)
    assert was_cut and cut == "Chinese display panel maker BOE…"
    assert len(cut) <= 40
    assert shorten("x" * 50, 10) == ("x" * 9 + "…", True)


def test_headline_drops_final_period_only():
    assert headline("Tencent sells stakes in Sea.", 100) == ("Tencent sells stakes in Sea", False)
    assert headline("Wait...", 100) == ("Wait...", False)
    assert headline(".", 100) == (".", False)


@pytest.mark.parametrize(
    ("hour", "minute", "ampm", "expected"),
    [
        ("12", "05", "A", (0, 5)),
        ("12", "30", "P", (12, 30)),
        ("06", "27", "P", (18, 27)),
        ("11", "59", "a", (11, 59)),
        ("14", "30", None, (14, 30)),
        ("13", "00", "P", None),
        ("00", "10", "A", None),
        ("24", "00", None, None),
        (None, None, None, None),
    ],
)
def test_clock(hour, minute, ampm, expected):
    assert clock(hour, minute, ampm) == expected


def test_iso_published():
    pattern = re.compile(DATE_TIME)
    assert iso_published(pattern.fullmatch("Jan 19, 2021 06:27 PM"))[0] == (
        "2021-01-19T18:27:00+08:00"
    )
    assert iso_published(pattern.fullmatch("September 9 2021 12:05 a.m."))[0] == (
        "2021-09-09T00:05:00+08:00"
    )
    assert iso_published(pattern.fullmatch("Apr 01, 2022"))[0] == "2022-04-01"
    assert iso_published(pattern.fullmatch("Feb 29, 2021 01:00 PM")) == ("", None)
    assert pattern.fullmatch("Foo 01, 2021 01:00 PM") is None  # not a month
    assert iso_published(pattern.fullmatch("SEPT 9, 2021"))[0] == "2021-09-09"
    assert iso_published(pattern.fullmatch("Jan 01, 2021 01:00 PM"), "-05:00")[0] == (
        "2021-01-01T13:00:00-05:00"
    )


def test_utc_offset():
    assert utc_offset("+8") == "+08:00"
    assert utc_offset("+5:30") == "+05:30"
    assert utc_offset("-5") == "-05:00"
    assert utc_offset(None) == "+08:00"
    assert utc_offset("+99") == "+08:00"


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("Qian Tong, Yuan Ruiyang and Han Wei", ["Qian Tong", "Yuan Ruiyang", "Han Wei"]),
        ("By Ding Yi", ["Ding Yi"]),
        ("By A B, C D, E F, and G H", ["A B", "C D", "E F", "G H"]),
        ("Author: Fuller Wang", ["Fuller Wang"]),
        ("A & B", ["A", "B"]),
        ("", []),
    ],
)
def test_split_authors(text, authors):
    assert split_authors(text) == authors


def test_fold_and_strip_bullet():
    assert fold(" Digital \xa0 Automation\t Cloud ") == "Digital Automation Cloud"
    assert strip_bullet("• Headline") == ("Headline", True)
    assert strip_bullet("- Headline") == ("Headline", True)
    assert strip_bullet("-5% drop") == ("-5% drop", False)


@given(st.text())
def test_helpers_are_total(text):
    sentence, rest = first_sentence(text)
    assert len(sentence) + len(rest) <= len(text)
    assert len(shorten(text, 20)[0]) <= max(20, 1)
    headline(text, 50)
    split_authors(text)
    strip_bullet(fold(text))
