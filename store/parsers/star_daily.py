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

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import pairwise

from store.model import Mention, ParsedDocument, ParsedItem
from store.parsers.layout import MAX_ITEMS, Detection, Layout
from store.parsers.mentions import mentions_in_text
from store.parsers.shapes import TERMINAL, head_lines, is_prose
from store.text.dates import (
    FULL_DATES,
    MONTH_DAYS,
    MONTH_NAMES,
    WEEKDAY,
    date_of,
    full_dates,
    month_day_of,
    unnamed,
    year_from_dates,
)
from store.text.patterns import lazy_pattern
from store.text.prose import folded_lines, shorten

NAME = "star_daily"
PUBLISHER = "STAR Market Daily"

# The brief's own name, in its English spellings and in Chinese.
BRIEF_NAME = lazy_pattern(
    r"Science\s+and\s+Technology\s+Innovation\s+Board\s+Daily|STAR\s+Market\s+Daily|科创板日报",
    re.IGNORECASE,
)
_PREAMBLE_LINE = lazy_pattern(
    rf"{BRIEF_NAME.pattern}"
    r"|main\s+contents\s+of\s+today|\banchor\b|broadcast\s+for\s+you"
    r"|^(?:Transferred|Reprinted|Forwarded)\s+from\b|^Source\s*[:：]|^来源\s*[:：]|^转自",
    re.IGNORECASE,
)
_SECTION_MARKER = lazy_pattern(
    r"^[\[【〔]\s*(?P<name>[^\[\]【】〔〕]{1,80}?)\s*[\]】〕]\s*[.。:：]?$"
)
_SUB_LABEL = lazy_pattern(r"^(?P<name>[^\s:：.。][^:：.。]{0,40}?)\s*[:：]$")
_SOURCE_CREDIT = lazy_pattern(r"^[(（][^()（）]{2,80}[)）]\s*[.。]?$")
_TABLE_HEADER = lazy_pattern(
    r"^(?:(?:Ticker|Stock|Security)\s+(?:Name|Code)|Percentage\s+Change|Price\s+Change"
    r"|Inclusion\s+Date|Change\s*\(%\)|股票名称|涨跌幅|入选日期)$",
    re.IGNORECASE,
)
_EDITIONS = [
    (lazy_pattern(r"\bevening\b|晚报", re.IGNORECASE), "Evening"),
    (lazy_pattern(r"\bmorning\b|早报", re.IGNORECASE), "Morning"),
    (lazy_pattern(r"\b(?:noon|midday)\b|午报", re.IGNORECASE), "Midday"),
]

# "Name: claim", the name in title case ("Taiwan Affairs Office of the State Council: …").
# A capitalised word, a number, CJK, or a camel-case brand ("iFlytek", "eHang").
_NAME_WORD = r"(?:[A-Z0-9\u3400-\u9fff]|[a-z]{1,3}[A-Z])[\w&.'’()\-]*"
_NAME_COLON = lazy_pattern(
    rf"^(?P<name>{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|of|the|and|for|on|in|de|&)){{0,7}})\s*[:：]\s*\S"
)
# A brand written all in lower case ("vivo: Launches …", "realme: …"): one word, and the claim
# after the colon starts with a capital, so it is not the rest of a broken-off sentence.
_BRAND_COLON = lazy_pattern(
    r"^(?P<name>[a-z][\w&.'’\-]{1,24})\s*[:：]\s*(?=[A-Z0-9\u3400-\u9fff\"“])\S"
)
_SENTENCE_BREAK = lazy_pattern(r"[.!?。！？][\"”’)]*\s+(?=[\"“(]?[A-Z])")
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

# Units written with capitals, kept as written when an all-caps headline is put in sentence
# case ("200 EFLOPS", "10 GWh"); company names come from the company directory.
UNITS = (
    "W", "kW", "MW", "GW", "TW", "Wh", "kWh", "MWh", "GWh", "TWh", "V", "kV", "mAh", "Ah",
    "FLOPS", "TFLOPS", "PFLOPS", "EFLOPS", "TOPS", "B", "KB", "MB", "GB", "TB", "PB", "Hz",
    "kHz", "MHz", "GHz", "THz", "dB", "RMB", "CNY", "USD", "HKD", "EUR", "JPY",
)  # fmt: skip


@dataclass(slots=True)
class _Item:
    title: str
    section: str
    # Paragraphs, each as the pieces of its lines (joined once at the end: a paragraph that
    # grows line by line is never copied, however many lines it has).
    pieces: list[list[str]] = field(default_factory=list)
    shouted: bool = False  # an ALL-CAPS headline, to be put in sentence case

    @property
    def last_piece(self) -> str:
        return self.pieces[-1][-1] if self.pieces else ""

    def paragraphs(self) -> list[str]:
        return [" ".join(pieces) for pieces in self.pieces]


def parse_star_daily(text: str, name: str, file_date: date | None = None) -> ParsedDocument:
    """Parse a STAR Market Daily brief. Never raises; a brief with no items gives none.

    `file_date` (the file's own date) dates a brief that gives no year (or no date) of its
    own; the items then say `date_inferred`.
    """
    lines = _content_lines(text)
    preamble, rest = _split_preamble(lines)
    day, inferred = brief_date(preamble, rest, "\n".join(lines), file_date)
    published = day.isoformat()
    edition = _edition(preamble)

    items = _parse_items(rest)
    _recase_shouted_headlines(items, lines)
    parsed_items = []
    for item in items:
        body = item.paragraphs()
        parsed_items.append(
            ParsedItem(
                title=item.title,
                publisher=PUBLISHER,
                published=published,
                body=body,
                section=item.section,
                mentions=_mentions(item.title, body),
                date_inferred=inferred,
            )
        )
    return ParsedDocument(
        name=name,
        layout=NAME,
        publisher=PUBLISHER,
        title=_document_title(edition, day),
        published=published,
        preamble=preamble,
        items=parsed_items,
    )


def _mentions(title: str, body: list[str]) -> list[Mention]:
    """Tickers written in the body (a ticker with no name before it named by the headline's
    subject), then those only the headline writes."""
    found = mentions_in_text("\n".join(body), _headline_subject(title))
    known = {mention.ticker for mention in found}
    return found + [m for m in mentions_in_text(title) if m.ticker not in known]


# ---------------------------------------------------------------------------------- lines

# Lines of the page, not of any story: app promotions, risk warnings, translation notes,
# editor credits, "load more".
_FURNITURE = lazy_pattern(
    r"(?:download|install|open|get|use)\b.{0,60}\bapps?\b"
    r"|.{0,60}\bapps?\s+(?:store|download)\b"
    r"|scan\s+(?:the\s+)?qr\s+code"
    r"|risk\s+(?:warning|warnings|disclosure|reminder|statement)\s*[:：]"
    r"|(?:disclaimer|statement|special\s+statement)\s*[:：]"
    r"|(?:the\s+)?(?:above\s+)?(?:content\s+is\s+)?(?:this\s+)?translation\s+(?:is\s+)?"
    r"(?:provided|generated|produced|done)\b"
    r"|(?:this\s+article\s+(?:is|was)\s+)?"
    r"(?:machine[- ]translated|translated\s+by\s+(?:ai|machine))"
    r"|(?:responsible\s+)?editors?\s*[:：]"
    r"|(?:load|read|see|view)\s+more\b.{0,20}"
    r"|投资有风险|风险提示|免责声明|责任编辑|下载.{0,10}app",
    re.IGNORECASE,
)
_FURNITURE_MAX_CHARS = 240


def _is_furniture(line: str) -> bool:
    return len(line) <= _FURNITURE_MAX_CHARS and bool(_FURNITURE.match(line))


def _content_lines(text: str) -> list[str]:
    """Non-empty lines, leftovers dropped: code scraps, source credits, the stock table, the
    page's furniture."""
    lines: list[str | None] = []  # None: something was dropped here that no sentence spans
    in_table = False
    for line in folded_lines(text):
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
        if _SOURCE_CREDIT.match(line) or _is_furniture(line):
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


# A page-title line: "STAR Market Daily | Midday Report", "STAR Evening News | Beijing …".
_PAGE_TITLE = lazy_pattern(rf"^(?:{BRIEF_NAME.pattern}|STAR\b|科创板).{{0,200}}?\s[|｜]\s", re.I)
_NAME_ONLY = lazy_pattern(rf"^[\"“]?(?:{BRIEF_NAME.pattern})[\"”]?$", re.IGNORECASE)


def _is_header_line(line: str) -> bool:
    """A line of the brief's own header: its name, page title, summary, date, anchor, credit."""
    return bool(
        _SUMMARY_LINE.match(line)
        or _CIRCLED_SUMMARY.match(line)
        or _DATE_LINE.match(line)
        or _PAGE_TITLE.match(line)
        or _NAME_ONLY.match(line)
        or _HEADER_WORDS.search(line)
    )


_HEADER_WORDS = lazy_pattern(
    r"main\s+contents\s+of\s+today|anchor\b.{0,60}\bbroadcast|broadcast\s+for\s+you"
    r"|^(?:Transferred|Reprinted|Forwarded|Republished)\s+from\b|^Source\s*[:：]|^来源\s*[:：]"
    r"|^转自",
    re.IGNORECASE,
)


def _split_preamble(lines: list[str]) -> tuple[list[str], list[str]]:
    """The brief's header (name, page title, summary, date, anchor and credit lines, up to the
    last of them among its first lines), and the rest."""
    last = -1
    for index, line in enumerate(lines[:_BRIEF_HEAD_LINES]):
        if _SECTION_MARKER.match(line):
            break
        if _is_header_line(line):
            last = index
    return lines[: last + 1], lines[last + 1 :]


def _is_sub_label(line: str) -> bool:
    """A short label ending in a colon ("News-in-brief:", "Depth:") that heads a group."""
    return bool(_SUB_LABEL.match(line)) and len(line.split()) <= 5


def _heading(line: str) -> str | None:
    """The name of a section heading written as a marker or a label, else None."""
    marker = _SECTION_MARKER.match(line)
    if marker:
        return marker.group("name").strip(" .。")
    if _is_sub_label(line):
        return line.rstrip(":： ")
    return None


_PLAIN_HEADING_MAX_WORDS = 5
_PLAIN_HEADING_MAX_CHARS = 50


def _is_plain_heading(
    line: str, following: str | None, after: str | None, following_heading: list[str | None]
) -> bool:
    """A heading written as a plain line ("Announcements", "Company announcements"): short,
    no sentence, and what follows it is a headline over its body (or another heading)."""
    if (
        following is None
        or len(line) > _PLAIN_HEADING_MAX_CHARS
        or len(line.split()) > _PLAIN_HEADING_MAX_WORDS
        or line.endswith(_TERMINAL)
        or _name_colon(line)
        or not (line[0].isupper() or _CJK.match(line))
        or all(word.casefold() in _DANGLING for word in line.split())
    ):
        return False
    if following_heading and following_heading[0] is not None:
        return True
    return (
        after is not None
        and not following.endswith(_TERMINAL)
        and len(following) > len(line)
        and len(after) >= 1.2 * len(following)
        and after.endswith(_TERMINAL)
    )


_CJK = lazy_pattern(r"[\u3400-\u9fff]")


# ---------------------------------------------------------------------------------- items


def _parse_items(lines: list[str]) -> list[_Item]:
    """Headlines and their bodies, under the section headings (the innermost one names the
    section)."""
    items: list[_Item] = []
    section = ""
    current: _Item | None = None
    expecting_body = False
    headings = [_heading(line) for line in lines]
    # Each line's next line when that is content (not a marker or label), else None.
    following_content = [
        lines[i + 1] if headings[i + 1] is None else None for i in range(len(lines) - 1)
    ] + [None]
    for index, line in enumerate(lines):
        if len(items) > MAX_ITEMS:
            break  # no brief holds this many: the registry refuses it
        heading = headings[index]
        following = following_content[index]
        after = following_content[index + 1] if following is not None else None
        next_line = lines[index + 1] if index + 1 < len(lines) else None
        if (
            heading is None
            and (current is None or not expecting_body)
            and _is_plain_heading(line, next_line, after, headings[index + 1 : index + 2])
        ):
            heading = line
        if heading is not None:
            section = heading
            current, expecting_body = None, False
            continue
        if current is None:
            starts_headline = _is_headline_shaped(line) and (
                following is not None or not line.endswith(_TERMINAL)
            )
        elif expecting_body:
            starts_headline = False
        else:
            starts_headline = _is_headline(line, following, after, current)
        if starts_headline or current is None:
            if starts_headline:
                current = _Item(line, section, shouted=_is_all_caps(line))
                expecting_body = True
            else:
                current = _Item(_title_from_body(line), section, [[line]])
                expecting_body = False
            items.append(current)
            continue
        _add_body_line(current, line)
        expecting_body = False
    return items


def _is_headline_shaped(line: str) -> bool:
    return len(line) <= _HEADLINE_MAX_CHARS and len(line.split()) <= _HEADLINE_MAX_WORDS


_CAPITALISED = lazy_pattern(r"\b[A-Z][A-Za-z0-9&\-]+")


def _is_headline(line: str, following: str | None, after: str | None, current: _Item) -> bool:
    """Whether `line` starts a new item rather than continuing the current body.

    A headline is short, usually "Name: claim" or one sentence without a final period, and
    is followed by a longer body paragraph that often repeats its subject.
    """
    if following is None or " " not in line or not _is_headline_shaped(line):
        return False  # a headline has words, and a body under it
    lower = _starts_lowercase(line)
    if lower and current.pieces and not current.last_piece.endswith(_TERMINAL):
        return False  # it continues a line that broke off mid-sentence
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
        if len(following) >= 2.5 * len(line) and _shares_names(line, following):
            score += 1  # "Moore Threads opens …." over "GPU designer Moore Threads said …"
    if lower:
        score -= 2
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


def _shares_names(line: str, following: str) -> bool:
    """Whether two capitalised words of `line` open `following` too."""
    opening = following[:160]
    return sum(1 for word in set(_CAPITALISED.findall(line)) if word in opening) >= 2


def _add_body_line(item: _Item, line: str) -> None:
    """A body line: a new paragraph, or the rest of a paragraph that broke off mid-sentence."""
    if item.pieces and not item.last_piece.endswith(_TERMINAL) and _starts_lowercase(line):
        item.pieces[-1].append(line)
    else:
        item.pieces.append([line])


def _title_from_body(line: str) -> str:
    """A title for a paragraph that came without a headline: its first sentence, shortened."""
    first = _SENTENCE_BREAK.split(line, maxsplit=1)[0].strip()
    return shorten(first or line, _FALLBACK_TITLE_CHARS)[0]


def _headline_subject(title: str) -> str:
    match = _name_colon(title)
    return match.group("name") if match else ""


# ---------------------------------------------------------------------------- headline case


_LOWER = lazy_pattern(r"[a-z]")
_EIGHT_LETTERS = lazy_pattern(r"(?:[^A-Za-z]*[A-Za-z]){8}")
_WORD = lazy_pattern(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


def _is_all_caps(line: str) -> bool:
    """At least 8 ASCII letters, none of them lower-case."""
    return not _LOWER.search(line) and bool(_EIGHT_LETTERS.match(line))


def _recase_shouted_headlines(items: list[_Item], lines: list[str]) -> None:
    """ALL-CAPS headlines in sentence case, words cased as the brief writes them elsewhere."""
    shouted = [item for item in items if item.shouted]
    if not shouted:
        return
    wanted = {word.casefold() for item in shouted for word in _WORD.findall(item.title)}
    vocabulary = _initialisms(lines, wanted) | _word_casings(lines, wanted)
    for item in shouted:
        item.title = _sentence_case(item.title, vocabulary)


def _word_casings(lines: list[str], wanted: set[str]) -> dict[str, str]:
    """How the brief writes each of the `wanted` words (case-folded) mid-sentence, from its
    lines that are not all caps.

    A capitalised word beside another capitalised word is part of a name ("Technology
    Innovation Board"): it tells the word's own case only when the brief never writes the
    word anywhere else.
    """
    if not wanted:
        return {}
    text = "\n".join(line for line in lines if not _is_all_caps(line))
    alone: dict[str, dict[str, int]] = {}
    in_names: dict[str, dict[str, int]] = {}
    for match in _WORD.finditer(text):  # whole words: a wanted one in any case
        if match.group(0).lower() not in wanted:
            continue
        start, end = match.span()
        before = text[max(0, start - 3) : start]
        before = before[before.rfind("\n") + 1 :].rstrip()  # within the line; spaces folded
        if not before or before.endswith((".", "!", "?", ":", '"', "“", "-", "–", "—")):
            continue  # a sentence start says nothing about the word's own case
        word = match.group(0)
        counts = in_names if word[0].isupper() and _beside_a_capital(text, start, end) else alone
        forms = counts.setdefault(word.lower(), {})
        forms[word] = forms.get(word, 0) + 1
    # The most frequent form; on a tie the lower-case one (a name is capitalised every time).
    return {
        key: max(forms, key=lambda form: (forms[form], form == key))
        for key, forms in (in_names | alone).items()
    }


_NAME_RUN = lazy_pattern(
    r"[A-Z][A-Za-z'’&-]*(?:\s+(?:(?:of|and|for|the|on|&)\s+)*[A-Z][A-Za-z'’&-]*)+"
)


def _initialisms(lines: list[str], wanted: set[str]) -> dict[str, str]:
    """The `wanted` words that are the initials of a name the brief writes out: "MIIT" for
    "Ministry of Industry and Information Technology", "PBOC" for "People's Bank of China"."""
    found: dict[str, str] = {}
    for line in lines:
        if _is_all_caps(line):
            continue
        for run in _NAME_RUN.finditer(line):
            words = run.group(0).split()
            capitals = "".join(word[0] for word in words if word[0].isupper())
            every = "".join(word[0] for word in words if word != "&").upper()
            for initials in (capitals, every):
                key = initials.casefold()
                if len(initials) >= 2 and key in wanted:
                    found[key] = initials.upper()
    return found


def _beside_a_capital(text: str, start: int, end: int) -> bool:
    """Whether the word at text[start:end] has a capitalised word right before or after it
    on its line (one space between)."""
    if text[end : end + 1] == " " and text[end + 1 : end + 2].isupper():
        return True
    if start >= 2 and text[start - 1] == " ":
        word_start = max(text.rfind(" ", 0, start - 1), text.rfind("\n", 0, start - 1)) + 1
        return text[word_start : word_start + 1].isupper()
    return False


@cache
def _directory_forms() -> dict[str, str]:
    """Words the company directory writes in capitals or mixed case ("BYD", "CATL",
    "iFlytek", "SenseTime"), and the units, by their upper-case spelling."""
    from store.entities.companies import DATA_FILE  # only when a headline shouts

    forms = {unit.upper(): unit for unit in UNITS}
    try:
        companies = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return forms
    for company in companies:
        names = [company.get("name", ""), company.get("short_name", ""), *company["aliases"]]
        for name in names:
            for word in _WORD.findall(name):
                if len(word) >= 2 and (word.isupper() or not word[1:].islower()):
                    forms.setdefault(word.upper(), word)
    return forms


def _sentence_case(line: str, vocabulary: dict[str, str]) -> str:
    """An ALL-CAPS headline in sentence case, words cased as the brief writes them elsewhere.

    A word the brief does not show is kept as the company directory writes it (or as a
    unit is written), else put in lower case; the first word and the word after a colon are
    capitalised.
    """

    def recase(match: re.Match[str]) -> str:
        word = match.group(0)
        known = vocabulary.get(word.casefold()) or _directory_forms().get(word.upper())
        if known:
            return known
        if any(ch.isdigit() for ch in word):
            return word  # 5G, H20, 200EFLOPS
        return word.lower()

    text = re.sub(r"[A-Za-z0-9&]+(?:['’][A-Za-z]+)*", recase, line)
    return re.sub(r"(^|[:：]\s*)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text, count=0)


# ---------------------------------------------------------------------------------- dates


def _header_date(lines: list[str]) -> tuple[date | None, tuple[int, int] | None]:
    """The brief's date as its header writes it: a full date when a header line gives one
    ("DATE: Mar 25 2025", "2024年11月5日 星期二"), and the (month, day) of its summary line
    ("on March 26 - …"), lines naming the brief first."""
    ordered = sorted(lines, key=lambda line: not BRIEF_NAME.search(line))
    full: date | None = None
    month_day: tuple[int, int] | None = None
    for line in ordered:
        if full is None and (_DATE_LINE.match(line) or BRIEF_NAME.search(line)):
            for pattern in FULL_DATES:
                match = pattern.search(line)
                if match and (found := date_of(match)):
                    full = found
                    break
        if month_day is None:
            for pattern in (*FULL_DATES[:2], *MONTH_DAYS):
                match = pattern.search(line)
                if match and (found_day := month_day_of(match)):
                    month_day = found_day
                    break
    return full, month_day


# A brief's year shows in its opening; a huge text is read that far for it.
_DATE_SCAN_CHARS = 50_000
_YEAR_NAMED = lazy_pattern(r"(?<!\d)(?:19[89]\d|20\d\d)(?!\d)")


def brief_year(text: str, month_day: tuple[int, int], latest: int | None = None) -> int | None:
    """The year of a brief dated `month_day` (no year written beside it), from its text:
    the year its full dates point to (`year_from_dates`), else the latest year it names no
    later than `latest`; None when it names none."""
    text = text[:_DATE_SCAN_CHARS]
    dated = year_from_dates(month_day, full_dates(text))
    if dated is not None:
        return dated
    named = [int(year) for year in _YEAR_NAMED.findall(text)]
    plausible = [year for year in named if latest is None or year <= latest]
    return max(plausible, default=None)


def _year_up_to(month_day: tuple[int, int], until: date) -> date:
    """The last `month_day` on or before `until` (a day of slack for time zones)."""
    for year in (until.year, until.year - 1, until.year - 4):  # February 29
        try:
            day = date(year, *month_day)
        except ValueError:
            continue
        if day <= until + timedelta(days=1):
            return day
    return until


def brief_date(
    preamble: list[str], rest: list[str], text: str, file_date: date | None
) -> tuple[date, bool]:
    """The brief's date, and whether it was inferred from `file_date` (or today) because the
    brief gives no year of its own.

    In order: a full date in the header; the header's month and day with the year of the
    full dates in the text near it, else the latest plausible year the text names; else the
    year that puts that day last on or before the file's date; a brief with no date at all
    is dated by the file.
    """
    full, month_day = _header_date(preamble)
    if full is None and month_day is None:
        full, month_day = _header_date(rest[:3])
    if full is not None:
        return full, False
    until = file_date or date.today()
    if month_day is None:
        return until, True
    year = brief_year(text, month_day, latest=until.year)
    if year is not None:
        try:
            return date(year, *month_day), False
        except ValueError:
            pass  # February 29 of a common year
    return _year_up_to(month_day, until), True


def _edition(preamble: list[str]) -> str:
    text = " ".join(preamble)
    for pattern, edition in _EDITIONS:
        if pattern.search(text):
            return edition
    return ""


def _document_title(edition: str, day: date) -> str:
    brief = f"{edition} brief" if edition else "Brief"
    return f"{PUBLISHER} — {brief}, {MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


# ------------------------------------------------------------------------------- detection

# The brief's summary line: it opens with the brief's name and dates the brief or lists its
# contents ('"Science and Technology Innovation Board Daily" on March 26 - The main contents
# of today's … include: …', "The Science and Technology Innovation Board Daily News on
# October 14th: Today's evening news … mainly includes: …").
_SUMMARY_LINE = lazy_pattern(
    rf"^(?:The\s+)?[\"“]?(?:{BRIEF_NAME.pattern})[\"”]?"
    rf".{{0,80}}?(?:{'|'.join(unnamed(pattern) for pattern in MONTH_DAYS)}"
    r"|main\s+contents|mainly\s+includ|\binclude[sd]?\s*[:：]|\bare\s*[:：])",
    re.IGNORECASE,
)
# A summary written as circled numbers: "①Shenzhen will …; ②Montage Technology …".
_CIRCLED_SUMMARY = lazy_pattern(r"^[①❶⑴].{4,}[②❷⑵]")
# A line that only dates the brief: "DATE: Mar 25 2025", "Tuesday, 12 September 2023",
# "2024年11月5日 星期二", "October 14th".
_DATE_LINE = lazy_pattern(
    rf"^(?:(?:Date|Dated|日期)\s*[:：]\s*)?(?:{WEEKDAY}\.?,?\s+)?"
    rf"(?:{'|'.join(unnamed(pattern) for pattern in (*FULL_DATES, *MONTH_DAYS))})"
    rf"(?:\s*[,，]?\s*(?:{WEEKDAY}|星期.|周.))?\s*$",
    re.IGNORECASE,
)
_BRIEF_HEAD_LINES = 12
_PAIR_BODY_MIN_WORDS = 12


def _headline_body_pairs(lines: list[str], enough: int = 20) -> int:
    """Headline lines each followed by a longer body paragraph that ends a sentence (counted
    up to `enough`)."""
    pairs = 0
    for line, following in pairwise(lines):
        if (
            len(following) >= 1.2 * len(line)
            and len(line) <= _HEADLINE_MAX_CHARS
            and following.endswith(TERMINAL)
            and not line.endswith((":", "："))
            and 3 <= len(line.split()) <= _HEADLINE_MAX_WORDS
            and not _SECTION_MARKER.match(line)
            and is_prose(line, min_words=3)
            and is_prose(following, min_words=_PAIR_BODY_MIN_WORDS)
        ):
            pairs += 1
            if pairs >= enough:
                break
    return pairs


def detect_star_daily(text: str) -> Detection:
    """A brief: a summary line (or a dated header under the brief's name), section markers or
    labels, headline/body pairs. The name alone, or a summary alone, is no brief."""
    lines = head_lines(text)
    top = lines[:_BRIEF_HEAD_LINES]
    named = any(BRIEF_NAME.search(line) for line in top)
    summary = any(_SUMMARY_LINE.match(line) or _CIRCLED_SUMMARY.match(line) for line in top)
    dated = named and any(_DATE_LINE.match(line) for line in top)
    if not (named or summary):
        return Detection(0, "no brief structure")  # no brief's name, no summary line
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
