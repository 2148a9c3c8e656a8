"""STAR Market Daily ("Science and Technology Innovation Board Daily") briefs.

The layout: some leftovers (`} ?>`, `Transferred from: …`), a summary line dating the brief
without a year ("… Daily" on March 26 - The main contents of today's … Evening News
include: …), perhaps an anchor line; then bracketed section markers (`[Hot Spotlight].`),
optional sub-labels ("News-in-brief:"), and items: a headline line followed by its body
line(s). A trailing stock-table header (`Ticker Name / Percentage Change / Inclusion Date`)
and a source credit `(Science and Technology Innovation Board Daily).` are dropped.

The year of the brief is not printed; it is inferred from full dates in the text (see
`brief_year`). When the text has no full date at all, `published` is "" (the month and day
stay in the document title), since a date without a year cannot be written in ISO 8601 form
that the rest of newsdesk could sort or parse.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from store.model import ParsedDocument, ParsedItem
from store.parsers.layout import Detection, Layout
from store.parsers.mentions import mentions_in_text
from store.parsers.shapes import TERMINAL, head_lines, is_prose
from store.text.dates import (
    FULL_DATES,
    MONTH_DAYS,
    MONTH_NAMES,
    WEEKDAY,
    full_dates,
    month_day_of,
    most_common_year,
    unnamed,
    year_from_dates,
)
from store.text.prose import fold, shorten

NAME = "star_daily"
PUBLISHER = "STAR Market Daily"

# The brief's own name, in its English spellings and in Chinese.
BRIEF_NAME = re.compile(
    r"Science\s+and\s+Technology\s+Innovation\s+Board\s+Daily|STAR\s+Market\s+Daily|科创板日报",
    re.IGNORECASE,
)
_PREAMBLE_LINE = re.compile(
    rf"{BRIEF_NAME.pattern}"
    r"|main\s+contents\s+of\s+today|\banchor\b|broadcast\s+for\s+you"
    r"|^(?:Transferred|Reprinted|Forwarded)\s+from\b|^Source\s*[:：]|^来源\s*[:：]|^转自",
    re.IGNORECASE,
)
_SECTION_MARKER = re.compile(
    r"^[\[【〔]\s*(?P<name>[^\[\]【】〔〕]{1,80}?)\s*[\]】〕]\s*[.。:：]?$"
)
_SUB_LABEL = re.compile(r"^(?P<name>[^\s:：.。][^:：.。]{0,40}?)\s*[:：]$")
_SOURCE_CREDIT = re.compile(r"^[(（][^()（）]{2,80}[)）]\s*[.。]?$")
_TABLE_HEADER = re.compile(
    r"^(?:(?:Ticker|Stock|Security)\s+(?:Name|Code)|Percentage\s+Change|Price\s+Change"
    r"|Inclusion\s+Date|Change\s*\(%\)|股票名称|涨跌幅|入选日期)$",
    re.IGNORECASE,
)
_EDITIONS = [
    (re.compile(r"\bevening\b|晚报", re.IGNORECASE), "Evening"),
    (re.compile(r"\bmorning\b|早报", re.IGNORECASE), "Morning"),
    (re.compile(r"\b(?:noon|midday)\b|午报", re.IGNORECASE), "Midday"),
]

# "Name: claim", the name in title case ("Taiwan Affairs Office of the State Council: …").
# A capitalised word, a number, CJK, or a camel-case brand ("iFlytek", "eHang").
_NAME_WORD = r"(?:[A-Z0-9\u3400-\u9fff]|[a-z]{1,3}[A-Z])[\w&.'’()\-]*"
_NAME_COLON = re.compile(
    rf"^(?P<name>{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|of|the|and|for|on|in|de|&)){{0,7}})\s*[:：]\s*\S"
)
# A brand written all in lower case ("vivo: Launches …", "realme: …"): one word, and the claim
# after the colon starts with a capital, so it is not the rest of a broken-off sentence.
_BRAND_COLON = re.compile(
    r"^(?P<name>[a-z][\w&.'’\-]{1,24})\s*[:：]\s*(?=[A-Z0-9\u3400-\u9fff\"“])\S"
)
_SENTENCE_BREAK = re.compile(r"[.!?。！？][\"”’)]*\s+(?=[\"“(]?[A-Z])")
_TERMINAL = (".", "。", "!", "！", "?", "？", ";", "；", '."', ".”", "…")
_STOPWORDS = frozenset({
    "the", "a", "an", "of", "in", "on", "at", "to", "for", "and", "with", "by", "from", "as",
    "that", "this", "its", "their", "it", "is", "are", "was", "were", "be", "has", "have",
    "will", "new",
})  # fmt: skip
# Words a line cannot end on if it is complete: a line made of one or two of them is the
# broken-off start of the next line ("The" / "Chinese research team published …").
_DANGLING = _STOPWORDS | {"according", "recently", "on", "in"}

_HEADLINE_MAX_CHARS = 320
_HEADLINE_MAX_WORDS = 55
_FALLBACK_TITLE_CHARS = 90

# Acronyms kept upper-case when an all-caps headline is put in sentence case and the brief
# itself does not show how the word is written.
_ACRONYMS = frozenset({
    "AI", "AGI", "AR", "VR", "XR", "EV", "EVS", "NEV", "NEVS", "IPO", "CEO", "CFO", "CTO", "GPU",
    "CPU", "NPU", "TPU", "HBM", "DRAM", "NAND", "SSD", "LLM", "LLMS", "ICT", "IOT", "US",
    "USA", "UK", "EU", "UN", "HK", "SAR", "PRC", "CPC", "NPC", "CSRC", "SEC", "NDRC", "MIIT",
    "PBOC", "SASAC", "RMB", "USD", "GDP", "CPI", "PMI", "ETF", "ESG", "R&D", "M&A", "API",
    "SaaS", "OLED", "LCD", "MW", "GW", "GWH", "KWH", "TWH", "EFLOPS", "PFLOPS", "FLOPS",
    "TSMC", "SMIC", "BYD", "CATL", "NIO", "JD", "ZTE", "OPPO", "TCL", "BOE", "STAR", "SH", "SZ",
    "BSE", "AIGC", "ASIC", "FPGA", "SOC", "SOE",
})  # fmt: skip
_ACRONYM_FORMS = {acronym.upper(): acronym for acronym in _ACRONYMS}


@dataclass(slots=True)
class _Item:
    title: str
    section: str
    paragraphs: list[str] = field(default_factory=list)
    shouted: bool = False  # an ALL-CAPS headline, to be put in sentence case


def parse_star_daily(text: str, name: str, file_date: date | None = None) -> ParsedDocument:
    """Parse a STAR Market Daily brief. Never raises; a brief with no items gives none."""
    lines = _content_lines(text)
    preamble, rest = _split_preamble(lines)
    month_day = _brief_month_day(preamble) or _brief_month_day(rest[:3])
    year = brief_year(text, month_day) if month_day else None
    published = _iso_date(year, month_day)
    edition = _edition(preamble)

    items = _parse_items(rest)
    _recase_shouted_headlines(items, lines)
    parsed_items = [
        ParsedItem(
            title=item.title,
            publisher=PUBLISHER,
            published=published,
            body=item.paragraphs,
            section=item.section,
            mentions=mentions_in_text("\n".join(item.paragraphs), _headline_subject(item.title)),
        )
        for item in items
    ]
    return ParsedDocument(
        name=name,
        layout=NAME,
        publisher=PUBLISHER,
        title=_document_title(edition, month_day, year),
        published=published,
        preamble=preamble,
        items=parsed_items,
    )


# ---------------------------------------------------------------------------------- lines


def _content_lines(text: str) -> list[str]:
    """Non-empty lines, leftovers dropped: code scraps, source credits, the stock table."""
    raw = [fold(line) for line in text.split("\n")]
    lines: list[str | None] = []  # None: something was dropped here that no sentence spans
    in_table = False
    for line in raw:
        if not line:
            continue
        if not any(ch.isalnum() for ch in line):
            continue  # "} ?>" and other scraps of markup
        if _TABLE_HEADER.match(line):
            in_table = True
            lines.append(None)
            continue
        if in_table and len(line.split()) <= 8 and not line.endswith(_TERMINAL):
            continue  # a row of the stock table under its header
        in_table = False
        if _SOURCE_CREDIT.match(line):
            lines.append(None)  # "(Science and Technology Innovation Board Daily)."
            continue
        lines.append(line)
    return _join_dangling(lines)


def _join_dangling(lines: list[str | None]) -> list[str]:
    """Glue a broken-off line start ("The") to the line that continues it."""
    joined: list[str] = []
    carry = ""
    for line in lines:
        if carry and (line is None or _SECTION_MARKER.match(line) or _is_sub_label(line)):
            joined.append(carry)  # nothing continues the broken-off start
            carry = ""
        if line is None:
            continue
        if carry:
            line = f"{carry} {line}"
            carry = ""
        words = line.split()
        if (
            len(words) <= 2
            and words[-1].casefold() in _DANGLING
            and not _SECTION_MARKER.match(line)
            and not line.endswith((":", "："))
        ):
            carry = line
            continue
        joined.append(line)
    if carry:
        joined.append(carry)
    return joined


def _split_preamble(lines: list[str]) -> tuple[list[str], list[str]]:
    """Leading summary/credit/anchor lines, and the rest."""
    preamble: list[str] = []
    for index, line in enumerate(lines):
        if _SECTION_MARKER.match(line) or not _PREAMBLE_LINE.search(line):
            return preamble, lines[index:]
        preamble.append(line)
    return preamble, []


def _is_sub_label(line: str) -> bool:
    """A short label ending in a colon ("News-in-brief:", "Depth:") that heads a group."""
    return bool(_SUB_LABEL.match(line)) and len(line.split()) <= 5


# ---------------------------------------------------------------------------------- items


def _parse_items(lines: list[str]) -> list[_Item]:
    """Headlines and their bodies, under the section markers and sub-labels."""
    items: list[_Item] = []
    section = ""
    sub_label = ""
    current: _Item | None = None
    expecting_body = False
    for index, line in enumerate(lines):
        marker = _SECTION_MARKER.match(line)
        if marker:
            section, sub_label = marker.group("name").strip(" .。"), ""
            current, expecting_body = None, False
            continue
        if _is_sub_label(line):
            sub_label = line.rstrip(":： ")
            current, expecting_body = None, False
            continue
        following = _following_content(lines, index)
        if current is None:
            starts_headline = _is_headline_shaped(line) and (
                following is not None or not line.endswith(_TERMINAL)
            )
        elif expecting_body:
            starts_headline = False
        else:
            after = _following_content(lines, index + 1) if following is not None else None
            starts_headline = _is_headline(line, following, after, current)
        if starts_headline or current is None:
            item_section = f"{section} · {sub_label}" if section and sub_label else section
            if starts_headline:
                current = _Item(line, item_section or sub_label, shouted=_is_all_caps(line))
                expecting_body = True
            else:
                current = _Item(_title_from_body(line), item_section or sub_label, [line])
                expecting_body = False
            items.append(current)
            continue
        _add_body_line(current, line)
        expecting_body = False
    return items


def _following_content(lines: list[str], index: int) -> str | None:
    """The line after `index` if it is content (not a marker or label), else None."""
    if index + 1 >= len(lines):
        return None
    line = lines[index + 1]
    if _SECTION_MARKER.match(line) or _is_sub_label(line):
        return None
    return line


def _is_headline_shaped(line: str) -> bool:
    return len(line) <= _HEADLINE_MAX_CHARS and len(line.split()) <= _HEADLINE_MAX_WORDS


def _is_headline(line: str, following: str | None, after: str | None, current: _Item) -> bool:
    """Whether `line` starts a new item rather than continuing the current body.

    A headline is short, usually "Name: claim" or one sentence without a final period, and
    is followed by a longer body paragraph that often repeats its subject.
    """
    if following is None or not _is_headline_shaped(line):
        return False
    score = 0
    if _name_colon(line):
        score += 2
    score += -1 if line.endswith(_TERMINAL) else 1
    score -= min(3, len(_SENTENCE_BREAK.findall(line)))
    if len(following) >= 1.2 * len(line):
        score += 1
    elif len(following) < 0.6 * len(line):
        score -= 1
    if _shares_subject(line, following):
        score += 1
    if _starts_lowercase(line):
        score -= 2
        last = current.paragraphs[-1] if current.paragraphs else ""
        if last and not last.endswith(_TERMINAL):
            score -= 2  # the previous line broke off mid-sentence
    if (
        after is not None
        and _name_colon(following)
        and not following.endswith(_TERMINAL)
        and len(after) > len(following)
    ):
        score -= 2  # the next line is the headline, this is the end of a body
    return score >= 2


def _name_colon(line: str) -> re.Match[str] | None:
    """The "Name: claim" shape of a headline; the match's "name" group is the subject."""
    return _NAME_COLON.match(line) or _BRAND_COLON.match(line)


def _starts_lowercase(line: str) -> bool:
    """Whether a line opens with a lower-case word ("and it plans …"; not "iFlytek: …" or
    "vivo: Launches …")."""
    if _BRAND_COLON.match(line):
        return False
    first = line.split(maxsplit=1)[0] if line.strip() else ""
    return first[:1].islower() and not any(ch.isupper() for ch in first)


def _subject_words(line: str) -> list[str]:
    """Significant words of a headline's subject: its "Name:" part, else its first words."""
    match = _name_colon(line)
    head = match.group("name") if match else " ".join(line.split()[:4])
    return [
        word
        for word in re.findall(r"[^\W_]+", head.casefold())
        if word not in _STOPWORDS and len(word) > 1
    ][:3]


def _shares_subject(line: str, following: str) -> bool:
    opening = following[:200].casefold()
    return any(word in opening for word in _subject_words(line))


def _add_body_line(item: _Item, line: str) -> None:
    """A body line: a new paragraph, or the rest of a paragraph that broke off mid-sentence."""
    last = item.paragraphs[-1] if item.paragraphs else ""
    if last and not last.endswith(_TERMINAL) and _starts_lowercase(line):
        item.paragraphs[-1] = f"{last} {line}"
    else:
        item.paragraphs.append(line)


def _title_from_body(line: str) -> str:
    """A title for a paragraph that came without a headline: its first sentence, shortened."""
    first = _SENTENCE_BREAK.split(line, maxsplit=1)[0].strip()
    return shorten(first or line, _FALLBACK_TITLE_CHARS)[0]


def _headline_subject(title: str) -> str:
    match = _name_colon(title)
    return match.group("name") if match else ""


# ---------------------------------------------------------------------------- headline case


_LOWER = re.compile(r"[a-z]")
_EIGHT_LETTERS = re.compile(r"(?:[^A-Za-z]*[A-Za-z]){8}")
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


def _is_all_caps(line: str) -> bool:
    """At least 8 ASCII letters, none of them lower-case."""
    return not _LOWER.search(line) and bool(_EIGHT_LETTERS.match(line))


def _recase_shouted_headlines(items: list[_Item], lines: list[str]) -> None:
    """ALL-CAPS headlines in sentence case, words cased as the brief writes them elsewhere."""
    shouted = [item for item in items if item.shouted]
    if not shouted:
        return
    wanted = {word.casefold() for item in shouted for word in _WORD.findall(item.title)}
    vocabulary = _word_casings(lines, wanted)
    for item in shouted:
        item.title = _sentence_case(item.title, vocabulary)


def _word_casings(lines: list[str], wanted: set[str]) -> dict[str, str]:
    """How the brief writes each of the `wanted` words (case-folded) mid-sentence, from its
    lines that are not all caps."""
    if not wanted:
        return {}
    text = "\n".join(line for line in lines if not _is_all_caps(line))
    # The wanted words as whole `_WORD` tokens, in any case.
    alternatives = "|".join(re.escape(word) for word in sorted(wanted, key=len, reverse=True))
    pattern = re.compile(
        rf"(?<![A-Za-z])(?<![A-Za-z]['’])(?:{alternatives})(?![A-Za-z]|['’][A-Za-z])",
        re.IGNORECASE | re.ASCII,
    )
    counts: dict[str, Counter[str]] = {}
    for match in pattern.finditer(text):
        start = match.start()
        before = text[max(0, start - 3) : start]
        before = before[before.rfind("\n") + 1 :].rstrip()  # within the line; spaces folded
        if not before or before.endswith((".", "!", "?", ":", '"', "“", "-", "–", "—")):
            continue  # a sentence start says nothing about the word's own case
        word = match.group(0)
        counts.setdefault(word.lower(), Counter())[word] += 1
    # The most frequent form; on a tie the lower-case one (a name is capitalised every time).
    return {
        key: max(forms, key=lambda form: (forms[form], form == key))
        for key, forms in counts.items()
    }


def _sentence_case(line: str, vocabulary: dict[str, str]) -> str:
    """An ALL-CAPS headline in sentence case, words cased as the brief writes them elsewhere.

    Acronyms the brief does not show are kept when known; the first word and the word after a
    colon are capitalised.
    """

    def recase(match: re.Match[str]) -> str:
        word = match.group(0)
        known = vocabulary.get(word.casefold())
        if known:
            return known
        if word.upper() in _ACRONYM_FORMS:
            return _ACRONYM_FORMS[word.upper()]
        if any(ch.isdigit() for ch in word):
            return word  # 5G, H20, 200EFLOPS
        return word.lower()

    text = re.sub(r"[A-Za-z0-9&]+(?:['’][A-Za-z]+)*", recase, line)
    return re.sub(r"(^|[:：]\s*)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text, count=0)


# ---------------------------------------------------------------------------------- dates


def _brief_month_day(lines: list[str]) -> tuple[int, int] | None:
    """The (month, day) the brief is for, from its summary line: "on March 26 - …"."""
    ordered = sorted(lines, key=lambda line: not BRIEF_NAME.search(line))
    for line in ordered:
        for pattern in (*FULL_DATES[:2], *MONTH_DAYS):
            match = pattern.search(line)
            if match and (month_day := month_day_of(match)):
                return month_day
    return None


def brief_year(text: str, month_day: tuple[int, int]) -> int | None:
    """The year of a brief dated `month_day`, inferred from the full dates in its text: the
    year they point to (`year_from_dates`), else their most common year; None without any."""
    dates = full_dates(text)
    return year_from_dates(month_day, dates) or most_common_year(dates)


def _iso_date(year: int | None, month_day: tuple[int, int] | None) -> str:
    if year is None or month_day is None:
        return ""
    try:
        return date(year, *month_day).isoformat()
    except ValueError:
        return ""


def _edition(preamble: list[str]) -> str:
    text = " ".join(preamble)
    for pattern, edition in _EDITIONS:
        if pattern.search(text):
            return edition
    return ""


def _document_title(edition: str, month_day: tuple[int, int] | None, year: int | None) -> str:
    brief = f"{edition} brief" if edition else "Brief"
    if month_day is None:
        return f"{PUBLISHER} — {brief}"
    month, day = month_day
    when = f"{MONTH_NAMES[month - 1]} {day}"
    if year is not None:
        when += f", {year}"
    return f"{PUBLISHER} — {brief}, {when}"


# ------------------------------------------------------------------------------- detection

# The brief's summary line: it opens with the brief's name and dates the brief or lists its
# contents ('"Science and Technology Innovation Board Daily" on March 26 - The main contents
# of today's … include: …', "The Science and Technology Innovation Board Daily News on
# October 14th: Today's evening news … mainly includes: …").
_SUMMARY_LINE = re.compile(
    rf"^(?:The\s+)?[\"“]?(?:{BRIEF_NAME.pattern})[\"”]?"
    rf".{{0,80}}?(?:{'|'.join(unnamed(pattern) for pattern in MONTH_DAYS)}"
    r"|main\s+contents|mainly\s+includ|\binclude[sd]?\s*[:：]|\bare\s*[:：])",
    re.IGNORECASE,
)
# A summary written as circled numbers: "①Shenzhen will …; ②Montage Technology …".
_CIRCLED_SUMMARY = re.compile(r"^[①❶⑴].{4,}[②❷⑵]")
# A line that only dates the brief: "DATE: Mar 25 2025", "Tuesday, 12 September 2023",
# "2024年11月5日 星期二", "October 14th".
_DATE_LINE = re.compile(
    rf"^(?:(?:Date|Dated|日期)\s*[:：]\s*)?(?:{WEEKDAY}\.?,?\s+)?"
    rf"(?:{'|'.join(unnamed(pattern) for pattern in (*FULL_DATES, *MONTH_DAYS))})"
    rf"(?:\s*[,，]?\s*(?:{WEEKDAY}|星期.|周.))?\s*$",
    re.IGNORECASE,
)
_BRIEF_HEAD_LINES = 12
_PAIR_BODY_MIN_WORDS = 12


def _headline_body_pairs(lines: list[str]) -> int:
    """Headline lines each followed by a longer body paragraph that ends a sentence."""
    pairs = 0
    for line, following in pairwise(lines):
        if (
            3 <= len(line.split()) <= _HEADLINE_MAX_WORDS
            and len(line) <= _HEADLINE_MAX_CHARS
            and not line.endswith((":", "："))
            and not _SECTION_MARKER.match(line)
            and is_prose(line, min_words=3)
            and len(following) >= 1.2 * len(line)
            and following.endswith(TERMINAL)
            and is_prose(following, min_words=_PAIR_BODY_MIN_WORDS)
        ):
            pairs += 1
    return pairs


def detect_star_daily(text: str) -> Detection:
    """A brief: a summary line (or a dated header under the brief's name), section markers or
    labels, headline/body pairs. The name alone, or a summary alone, is no brief."""
    lines = head_lines(text)
    top = lines[:_BRIEF_HEAD_LINES]
    named = any(BRIEF_NAME.search(line) for line in top)
    summary = any(_SUMMARY_LINE.match(line) or _CIRCLED_SUMMARY.match(line) for line in top)
    dated = named and any(_DATE_LINE.match(line) for line in top)
    markers = sum(1 for line in lines if _SECTION_MARKER.match(line) or _is_sub_label(line))
    pairs = _headline_body_pairs(lines)
    header = summary or dated
    accepted = (header and (markers >= 1 or pairs >= 2)) or (named and markers >= 1 and pairs >= 2)
    found = [
        *(["a summary line" if summary else "a dated header"] if header else []),
        *([f"{markers} section marker(s)"] if markers else []),
        *([f"{pairs} headline/body pair(s)"] if pairs else []),
    ]
    if accepted:
        return Detection(10 + 2 * min(markers, 10) + min(pairs, 20), ", ".join(found), True)
    missing = [
        *([] if header else ["no summary line"]),
        *([] if markers else ["no section markers"]),
        *([] if pairs >= 2 else ["no headline/body pairs"]),
    ]
    if named:
        reason = f"mentions {PUBLISHER} but has no brief structure ({', '.join(missing)})"
    elif header:
        reason = f"has a brief's summary line but no brief structure ({', '.join(missing)})"
    else:
        return Detection(0, "no brief structure")
    return Detection(1 + len(found), reason)


LAYOUT = Layout(
    name=NAME,
    label="STAR Market Daily brief",
    publisher=PUBLISHER,
    short_publisher="STAR Daily",
    detect=detect_star_daily,
    parse=parse_star_daily,
)
