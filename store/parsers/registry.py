"""The one place that decides a document's layout, by its content (never its file name).

Each layout scores the signals it leaves in a text (a Caixin byline, a digest source line, a
STAR brief's name and bracketed sections, an EqualOcean report's title and author line);
the best score at or above its layout's threshold wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from store.model import ParsedDocument
from store.parsers.caixin import parse_caixin_listing
from store.parsers.digest import SOURCE_LINE, parse_search_digest
from store.parsers.equalocean import parse_equalocean_report
from store.parsers.star_daily import parse_star_daily

# Only the opening of a document is scored: signals appear early, and detection stays fast
# on huge files. Names and titles are looked for in the first `_HEAD_CHARS` characters
# (case-insensitive patterns are slow to fail over a whole text), structural lines (bylines,
# markers, company headers, source lines) in the first `_STRUCTURE_CHARS`, each count capped.
_HEAD_CHARS = 4_000
_STRUCTURE_CHARS = 20_000


class UnknownLayoutError(ValueError):
    """The text is of no known layout, or looks like one but holds no items."""


@dataclass(frozen=True, slots=True)
class Layout:
    name: str  # e.g. "star_daily", as stored in ParsedDocument.layout
    label: str  # for humans: "STAR Market Daily brief"
    parse: Callable[[str, str], ParsedDocument]
    score: Callable[[str], int]
    threshold: int


def _count(pattern: re.Pattern[str], text: str, cap: int) -> int:
    found = 0
    for _ in pattern.finditer(text):
        found += 1
        if found >= cap:
            break
    return found


_EO_TITLE = re.compile(r"Sector\s+Quarterly\s+Report", re.IGNORECASE)
_EO_PLAYERS = re.compile(r"^\s*Main\s+Players?\s+Updates?\s*$", re.IGNORECASE | re.MULTILINE)
_EO_AUTHOR = re.compile(r"Author\s*[:：]\s*\S.{0,80}?\(GMT\s*[+-]\s*\d{1,2}\)", re.IGNORECASE)
_EO_NAME = re.compile(r"\bEqualOcean\b", re.IGNORECASE)
_EO_COMPANY_HEADER = re.compile(
    r"^[^\n()]{1,60}\(\s*[A-Z0-9]{1,6}\s*:\s*(?:HK|NYSE|NASDAQ|SH|SZ|SSE|SZSE|BJ)\s*\)\s*$",
    re.MULTILINE,
)


def _score_equalocean(text: str) -> int:
    head, structure = text[:_HEAD_CHARS], text[:_STRUCTURE_CHARS]
    return (
        3 * _count(_EO_TITLE, head, 1)
        + 3 * _count(_EO_PLAYERS, structure, 1)
        + 3 * _count(_EO_AUTHOR, head, 1)
        + _count(_EO_NAME, head, 1)
        + _count(_EO_COMPANY_HEADER, structure, 3)
    )


_CAIXIN_BYLINE = re.compile(
    r"^[^\n/]{0,120}/\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4}\s+\d{1,2}:\d{2}\s*[AP]M\s*/\s*\S[^\n]*$",
    re.MULTILINE,
)
_CAIXIN_NAME = re.compile(r"\bCaixin\b", re.IGNORECASE)
_CAIXIN_CONTACT = re.compile(r"^\s*Contact\s+(?:reporter|editor)\b", re.IGNORECASE | re.MULTILINE)


def _score_caixin(text: str) -> int:
    structure = text[:_STRUCTURE_CHARS]
    return (
        5 * _count(_CAIXIN_BYLINE, structure, 2)
        + _count(_CAIXIN_NAME, text[:_HEAD_CHARS], 1)
        + _count(_CAIXIN_CONTACT, structure, 1)
    )


_STAR_NAME = re.compile(
    r"Science\s+and\s+Technology\s+Innovation\s+Board\s+Daily|STAR\s+Market\s+Daily|科创板日报",
    re.IGNORECASE,
)
_STAR_SUMMARY = re.compile(r"main\s+contents\s+of\s+today|anchor\s.{0,40}broadcast", re.I)
_STAR_MARKER = re.compile(
    r"^\s*[\[【〔][^\[\]【】〔〕\n]{1,80}[\]】〕]\s*[.。:：]?\s*$", re.MULTILINE
)
_STAR_TICKER = re.compile(r"\(\s*(?:68|60|00|30)\d{4}\.(?:SH|SZ)\s*\)")


def _score_star(text: str) -> int:
    head, structure = text[:_HEAD_CHARS], text[:_STRUCTURE_CHARS]
    return (
        4 * _count(_STAR_NAME, head, 1)
        + 2 * _count(_STAR_SUMMARY, head, 1)
        + 2 * _count(_STAR_MARKER, structure, 3)
        + _count(_STAR_TICKER, structure, 3)
    )


_DIGEST_HEADER = re.compile(r"^\s*(?:Search\s+(?:documents|results)|搜索结果)\s*$", re.I | re.M)
_DIGEST_SUMMARY = re.compile(
    r"^\s*(?:Core\s+(?:Viewpoints?|Insights?|Views?)|Group\s+\d+)\s*[:：]?\s*[-–—]", re.M
)


# What every source line holds: a dot before a date ("Sina Finance · 2025-03-26 10:02").
_DIGEST_SOURCE_DATE = re.compile(r"[·•・][^\S\n]*(?:19|20)\d\d[-/.]")


def _count_source_lines(text: str, cap: int) -> int:
    """Source lines in `text`: only lines with a dot before a date are folded and matched."""
    found = 0
    line_end = -1
    for match in _DIGEST_SOURCE_DATE.finditer(text):
        if match.start() < line_end:
            continue  # a line already looked at
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        if line_end == -1:
            line_end = len(text)
        if SOURCE_LINE.match(" ".join(text[line_start:line_end].split())):
            found += 1
            if found >= cap:
                break
    return found


def _score_digest(text: str) -> int:
    structure = text[:_STRUCTURE_CHARS]
    return (
        3 * _count_source_lines(structure, 3)
        + 2 * _count(_DIGEST_HEADER, text[:_HEAD_CHARS], 1)
        + 2 * _count(_DIGEST_SUMMARY, structure, 1)
    )


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "equalocean_report",
        "EqualOcean quarterly report",
        parse_equalocean_report,
        _score_equalocean,
        threshold=5,
    ),
    Layout("caixin_listing", "Caixin listing", parse_caixin_listing, _score_caixin, threshold=5),
    Layout("star_daily", "STAR Market Daily brief", parse_star_daily, _score_star, threshold=5),
    Layout("search_digest", "search digest", parse_search_digest, _score_digest, threshold=5),
)

NO_KNOWN_LAYOUT = (
    "no known layout (not an EqualOcean report, Caixin listing, STAR Market brief or search digest)"
)


def layout_scores(text: str) -> dict[str, int]:
    """Each layout's score for `text` (for diagnostics and tests)."""
    return {layout.name: layout.score(text) for layout in LAYOUTS}


def detect_layout(text: str) -> Layout | None:
    """The layout `text` is written in, or None when no layout's signals are strong enough."""
    scores = layout_scores(text)
    best: Layout | None = None
    for layout in LAYOUTS:
        score = scores[layout.name]
        if score >= layout.threshold and (best is None or score > scores[best.name]):
            best = layout
    return best


def _with_article(label: str) -> str:
    return f"an {label}" if label[:1].lower() in "aeiou" else f"a {label}"


def parse_document(text: str, name: str) -> ParsedDocument:
    """Detect the layout of `text` and parse it.

    Raises UnknownLayoutError when no layout matches, or when the layout that matches finds
    no items in the text.
    """
    layout = detect_layout(text)
    if layout is None:
        raise UnknownLayoutError(NO_KNOWN_LAYOUT)
    document = layout.parse(text, name)
    if not document.items:
        raise UnknownLayoutError(
            f"looks like {_with_article(layout.label)} but no entries were found"
        )
    return document
