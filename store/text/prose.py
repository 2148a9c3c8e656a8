"""Text helpers shared by the layout parsers: folding, sentences, headlines, dates, names.

Every function here is total: any string in, a value out, never an exception.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

BULLETS = "•·▪●○◦‣∙*-–—"

COMPANY_SUFFIXES = frozenset({"inc", "ltd", "co", "corp", "plc", "llc", "ag", "sa", "nv"})
_TITLES = {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "gov", "rep", "sen"}
_SHORT_WORDS = {
    "no",
    "nos",
    "vs",
    "mt",
    "ft",
    "dept",
    "univ",
    "bros",
    "approx",
    "est",
    "fig",
    "vol",
}
_MONTH_ABBREVIATIONS = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct"}
_ABBREVIATIONS = COMPANY_SUFFIXES | _TITLES | _SHORT_WORDS | _MONTH_ABBREVIATIONS | {"nov", "dec"}
# A sentence ends at . ! ? (closing quotes/brackets may follow) before whitespace and a capital,
# digit or opening quote; CJK sentence marks end a sentence wherever they are.
_SENTENCE_END = re.compile(r"([.!?])([\"”’')\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])|([。！？])")
_WORD_BEFORE = re.compile(r"([\w.&'’-]*)$")
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

# "Jan 19, 2021 06:27 PM", "January 9 2021 6:27 p.m.", "Apr 01, 2022 14:30"
DATE_TIME = (
    r"(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})"
    r"(?:,?\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?:\s*(?P<ampm>[AaPp])\.?\s*[Mm]\.?)?)?"
)

CHINA_OFFSET = "+08:00"


def fold(text: str) -> str:
    """Whitespace runs (non-breaking spaces included) folded to one space, ends trimmed."""
    return " ".join(text.split())


def strip_bullet(text: str) -> tuple[str, bool]:
    """`"• headline"` → `("headline", True)`; other text unchanged with False."""
    if len(text) >= 2 and text[0] in BULLETS and text[1].isspace():
        return fold(text[1:]), True
    if len(text) >= 2 and text[0] in "•▪●◦‣∙":
        return fold(text[1:]), True
    return text, False


def first_sentence(paragraph: str) -> tuple[str, str]:
    """Split a folded paragraph into its first sentence and the rest.

    Abbreviations ("U.S.", "Jan.", "Co.", initials) do not end a sentence. A paragraph with
    no sentence end is one sentence.
    """
    for match in _SENTENCE_END.finditer(paragraph):
        if match.group(3):
            end = match.end()
            return paragraph[:end].strip(), paragraph[end:].strip()
        if match.group(1) == ".":
            window = paragraph[max(0, match.start() - 40) : match.start()]
            word = _WORD_BEFORE.search(window).group(1).lstrip("(\"“'‘")
            bare = word.rsplit(".", 1)[-1] if "." in word and not _INITIALISM.match(word) else word
            if (
                _INITIALISM.match(word)
                or (len(bare) == 1 and bare.isupper())
                or bare.lower() in _ABBREVIATIONS
            ):
                continue
        end = match.start() + len(match.group(1)) + len(match.group(2))
        return paragraph[:end].strip(), paragraph[end:].strip()
    return paragraph.strip(), ""


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """`text` cut at a word boundary to at most `limit` characters with "…"; (text, was_cut)."""
    if len(text) <= limit:
        return text, False
    cut = text[: max(limit - 1, 1)]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    cut = cut.rstrip(" ,;:–—-")
    return (cut or text[: max(limit - 1, 1)]) + "…", True


def headline(sentence: str, limit: int) -> tuple[str, bool]:
    """A sentence as a title: final period dropped, shortened to `limit`; (title, was_cut)."""
    text = fold(sentence)
    if text.endswith((".", "。")) and not text.endswith("..."):
        text = text[:-1].rstrip() or text
    return shorten(text, limit)


def title_and_rest(paragraph: str, limit: int) -> tuple[str, str, bool]:
    """A paragraph's first sentence as a title, the rest of it, and whether the title was cut."""
    sentence, rest = first_sentence(paragraph)
    title, cut = headline(sentence or paragraph, limit)
    return title, rest, cut


def clock(hour: str | None, minute: str | None, ampm: str | None) -> tuple[int, int] | None:
    """("06", "27", "P") → (18, 27); 12 AM is midnight, 12 PM noon; None when impossible."""
    if hour is None or minute is None:
        return None
    h, m = int(hour), int(minute)
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm.upper() == "P" else 0)
    if h > 23 or m > 59:
        return None
    return h, m


def utc_offset(spec: str | None) -> str:
    """ "+8", "+08:00", "-5", "+530" → "+08:00"-style; China time when missing or odd."""
    if not spec:
        return CHINA_OFFSET
    m = re.fullmatch(r"([+-])\s*(\d{1,2})(?::?(\d{2}))?", spec.strip())
    if not m:
        return CHINA_OFFSET
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes > 59:
        return CHINA_OFFSET
    return f"{m.group(1)}{hours:02d}:{minutes:02d}"


def iso_published(match: re.Match[str], offset: str = CHINA_OFFSET) -> tuple[str, datetime | None]:
    """ISO 8601 text for a `DATE_TIME` match: with time and offset, or a bare date; the
    datetime (None for a bare date) for ordering. ("", None) for an impossible date."""
    groups = match.groupdict()
    month = MONTHS.get(groups["mon"].lower())
    if month is None:
        return "", None
    try:
        day = datetime(int(groups["year"]), month, int(groups["day"]))
    except ValueError:
        return "", None
    time = clock(groups.get("hour"), groups.get("minute"), groups.get("ampm"))
    if time is None:
        return day.date().isoformat(), None
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = offset[1:].split(":")
    tz = timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
    stamp = day.replace(hour=time[0], minute=time[1], tzinfo=tz)
    return stamp.isoformat(), stamp


_AUTHOR_SEPARATORS = re.compile(r"\s*(?:,\s*and\s+|,|;|\s+and\s+|&)\s*")


def split_authors(text: str) -> list[str]:
    """ "By Qian Tong, Yuan Ruiyang and Han Wei" → ["Qian Tong", "Yuan Ruiyang", "Han Wei"]."""
    text = re.sub(r"^(?:by|authors?\s*[:：])\s+", "", fold(text), flags=re.IGNORECASE)
    return [name for name in (fold(p) for p in _AUTHOR_SEPARATORS.split(text)) if name]
