"""Caixin Global listing pages (CX Tech): entries under bylines, no headlines of their own.

Layout::

    Caixin Global – Latest China News & Headlines     page title
    Home >                                             breadcrumb
    CX Tech is Caixin Global's real-time tech news ... blurb -> ParsedDocument.preamble
    By Ding Yi / Jan 19, 2021 06:27 PM / Business & Tech    byline: one entry each
    Photo: VCG / a caption printed twice               furniture
    <paragraphs>                                       body; title = the lede's first sentence
    Read the full story here.                          furniture
    Contact reporter Ding Yi (                         trailer starts
    Related: HEADLINE                                  related headlines; bare short lines
    China's Other TikTok-Like App Sensation ...        after a Contact line are related too
    Share this article                                 furniture

Each paragraph is one line of the text. Times are China time (+08:00).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from store.model import ParsedDocument, ParsedItem
from store.parsers.layout import MAX_ITEMS, Detection, Layout
from store.parsers.mentions import mentions_in_text
from store.parsers.shapes import head_lines, is_prose
from store.text.dates import CHINA_OFFSET, DATE_TIME, iso_published
from store.text.patterns import lazy_pattern
from store.text.prose import first_sentence, fold, folded_lines, headline, split_authors

NAME = "caixin_listing"
PUBLISHER = "Caixin Global"
# A title from a lede is its whole first sentence; only a runaway one is cut.
TITLE_LIMIT = 400
RELATED_LIMIT = 200

# A byline's authors: one to many names ("Ding Yi", "Lin Jinbing, Qin Min and Denise Jia"),
# with or without "By".
_NAME = (
    r"(?:[A-Z][\w'’.\-]*|[\u3400-\u9fff]{2,4})"
    r"(?:\s+(?:[A-Z][\w'’.\-]*|van|von|de|da|di|bin|le|la)){0,3}"
    r"(?:\s+(?:staff|reporters?|writers?|editors?|correspondents?))?"
)
_AUTHORS = rf"(?:[Bb]y\s+)?{_NAME}(?:\s*(?:,\s*and\s+|,|，|、|;|&|\s+and\s+)\s*{_NAME}){{0,11}}"
_BYLINE = lazy_pattern(
    rf"(?P<authors>{_AUTHORS})\s*/\s*{DATE_TIME}\s*(?:/\s*(?P<section>[^/]{{1,60}}))?"
)
_CONTACT = lazy_pattern(
    r"contact\s+(?:the\s+)?(?:reporter|editor|writer|author|us|reporters|editors)\b", re.I
)
_RELATED = lazy_pattern(r"related\s*(?:stories|articles|reading)?\s*[:：]\s*(?P<headline>.*)", re.I)
# Lines of the page, not of a story (one pattern, matched once per line).
_FURNITURE = lazy_pattern(
    "|".join(
        f"(?:{pattern})"
        for pattern in (
            r"(?:photo|photos|image|picture|video|source|graphic)\s*(?:by|credit)?\s*[:：].{0,80}",
            r"\(?(?:photo|image)\s*[:：].{0,80}\)?",
            r"(?:to\s+)?read\s+(?:the\s+)?(?:full|whole|complete)\s+(?:story|article|report)\b.{0,40}",
            r"(?:.{0,40}\s)?click\s+here\.?",
            r"share\s+(?:this\s+)?(?:article|story|on\s+\w+)\.?",
            r"open\s+wechat\s+and\s+scan\s+the\s+qr\s+code.{0,40}",
            r"scan\s+the\s+qr\s+code.{0,60}",
            r"download\s+our\s+app\b.{0,120}",
            r"get\s+our\s+(?:weekly\s+)?(?:free\s+)?.{0,40}newsletter.{0,40}",
            r"(?:sign\s+up|subscribe)\b.{0,80}",
            r"you(?:'|’)ve\s+accessed\s+an\s+article\b.{0,120}",
            r"(?:(?:load|read|see|view|show)\s+)?more(?:\s+(?:stories|news|articles))?\.?",
            r"(?:follow\s+us|like\s+us)\b.{0,60}",
            r"(?:copyright|©).{0,120}",
            r"all\s+rights\s+reserved\.?",
            r"home\s*>.{0,80}",
            r"advertisement|ad",
            r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*\)?",
            r"[()\s]+",
        )
    ),
    re.IGNORECASE,
)
_CHANNEL_BLURB = lazy_pattern(r"(?P<channel>[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,3})\s+is\s+Caixin\b")


def _is_page_title(line: str) -> bool:
    return "caixin" in line.lower() and len(line) <= 120 and not line.endswith(".")


def _is_furniture(line: str) -> bool:
    return _is_label(line) or bool(_FURNITURE.fullmatch(line))


def _is_label(line: str) -> bool:
    """A section label in capitals between entries ("FINANCE", "BUSINESS & TECH")."""
    return (
        len(line) <= 40
        and line.upper() == line
        and sum(ch.isalpha() for ch in line) >= 3
        and len(line.split()) <= 4
        and not line.endswith((".", "!", "?"))
    )


def _drop_captions(lines: list[str]) -> list[str]:
    """Remove lines printed twice or more in a row: photo captions."""
    kept: list[str] = []
    i = 0
    while i < len(lines):
        j = i + 1
        while j < len(lines) and lines[j] == lines[i]:
            j += 1
        if j - i == 1:
            kept.append(lines[i])
        i = j
    return kept


def _is_bare_related(line: str) -> bool:
    """A headline printed after the Contact line: short, one sentence, no final period."""
    return (
        len(line) <= RELATED_LIMIT
        and not line.endswith((".", "。", ",", ";", ":"))
        and not first_sentence(line)[1]
    )


def _entry(
    byline: re.Match[str], lines: list[str], title_above: str
) -> tuple[ParsedItem, datetime | None] | None:
    """The item for one byline and the lines under it (titled by the headline printed above
    the byline, else by the lede's first sentence); None when it has no text."""
    body: list[str] = []
    related: list[str] = []
    seen: set[str] = set()
    in_trailer = related_next = False  # after a Contact line; after a bare "Related:"
    for line in _drop_captions([line for line in lines if not _is_furniture(line)]):
        headline_found = ""
        if related_match := _RELATED.fullmatch(line):
            headline_found = fold(related_match.group("headline"))
        elif _CONTACT.match(line):
            in_trailer = True
        elif (in_trailer or related_next) and _is_bare_related(line):
            headline_found = line
        else:
            body.append(line)
        if headline_found and headline_found not in seen:
            seen.add(headline_found)
            related.append(headline_found)
        related_next = bool(related_match) and not headline_found
    if not body:
        return None
    sentence = first_sentence(body[0])[0] or body[0]
    title = title_above or headline(sentence, TITLE_LIMIT)[0]
    if not title:
        return None
    published, stamp = iso_published(byline, CHINA_OFFSET)
    item = ParsedItem(
        title=title,
        publisher=PUBLISHER,
        published=published,
        body=body,
        section=fold(byline.group("section") or ""),
        authors=split_authors(byline.group("authors")),
        related=related,
        mentions=mentions_in_text("\n\n".join(body)),
    )
    return item, stamp


def _document_title(page_title: str, preamble: list[str]) -> str:
    """ "Caixin Global – CX Tech" when the blurb names its channel, else the page title."""
    for paragraph in preamble:
        if found := _CHANNEL_BLURB.match(paragraph):
            return f"Caixin Global – {found.group('channel')}"
    return page_title or "Caixin Global"


_STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "its",
        "their",
        "has",
        "have",
        "will",
        "into",
        "over",
        "after",
        "about",
        "than",
        "more",
        "says",
        "said",
        "new",
    ]
)
_WORD = lazy_pattern(r"[^\W\d_]{3,}")


def _words(text: str) -> set[str]:
    """Significant words of `text`, case-folded, a final "s" dropped."""
    return {
        word.removesuffix("s") for word in _WORD.findall(text.casefold()) if word not in _STOPWORDS
    }


def _is_headline_line(line: str) -> bool:
    """A headline printed on a line of its own: short, one sentence, no final period."""
    return (
        _is_bare_related(line)
        and not _RELATED.fullmatch(line)
        and not _CONTACT.match(line)
        and not _is_furniture(line)
        and any(ch.isalpha() for ch in line)
    )


def _story_opening(rows: list[tuple[str, int]], start: int) -> str:
    """The first two lines at or after `start` that are not furniture: the story's lede."""
    found = [line for line, _ in rows[start : start + 8] if not _is_furniture(line)]
    return " ".join(found[:2])


def _title_above(rows: list[tuple[str, int]], index: int, previous: list[str] | None) -> bool:
    """Whether the line right above the byline at `rows[index]` is that entry's headline,
    rather than the end of what comes before (a related headline of the previous entry, a
    label over the listing).

    A headline shares its words with the story under it, a related headline with the story
    above it; when both share as little, a headline sits closer to its byline than to what
    is above it.
    """
    line, gap_below = rows[index - 1][0], rows[index][1]
    if not _is_headline_line(line):
        return False
    words = _words(line)
    after = len(words & _words(_story_opening(rows, index + 1)))
    if previous is None:
        return after > 0  # above the first byline: "Top stories" is no headline
    if not previous or (index >= 2 and rows[index - 2][0] == line):
        return False
    before = len(words & _words(" ".join(previous[:-1])))  # the story above, without `line`
    if after != before:
        return after > before
    return gap_below < rows[index - 1][1]


def parse_caixin_listing(text: str, name: str, file_date: date | None = None) -> ParsedDocument:
    """Parse a Caixin Global listing page; never raises, whatever the text."""
    rows: list[tuple[str, int]] = []  # (line, blank lines before it)
    blank = 0
    for line in folded_lines(text):
        if line:
            rows.append((line, blank))
            blank = 0
        else:
            blank += 1

    page_title = ""
    preamble: list[str] = []
    entries: list[tuple[re.Match[str], list[str], str]] = []
    for index, (line, _) in enumerate(rows):
        byline = _BYLINE.fullmatch(line) if "/" in line else None
        if byline:
            title = ""
            previous = entries[-1][1] if entries else None
            if index and _title_above(rows, index, previous):
                title = rows[index - 1][0]
                if entries and entries[-1][1] and entries[-1][1][-1] == title:
                    entries[-1][1].pop()
                elif not entries and preamble and preamble[-1] == title:
                    preamble.pop()
            entries.append((byline, [], title))
        elif entries:
            entries[-1][1].append(line)
        elif not page_title and not preamble and _is_page_title(line):
            page_title = line
        elif not _is_furniture(line):
            preamble.append(line)

    items: list[ParsedItem] = []
    newest: tuple[datetime, str] | None = None
    for byline, entry_lines, title in entries:
        if len(items) > MAX_ITEMS:
            break  # no listing holds this many: the registry refuses it
        parsed = _entry(byline, entry_lines, title)
        if parsed is None:
            continue
        item, stamp = parsed
        items.append(item)
        if stamp is not None and (newest is None or stamp > newest[0]):
            newest = (stamp, item.published)

    return ParsedDocument(
        name=name,
        layout=NAME,
        publisher=PUBLISHER,
        title=_document_title(page_title, preamble),
        published=newest[1] if newest else "",
        preamble=preamble,
        items=items,
    )


# ------------------------------------------------------------------------------- detection

_NAME_MENTION = lazy_pattern(r"\bCaixin\b", re.IGNORECASE)
_HEAD_LINES = 12
_LEDE_MIN_WORDS = 8
_LEDE_LOOKAHEAD = 8  # furniture and captions between a byline and its lede: a few lines


def _lede_follows(lines: list[str], start: int) -> bool:
    """Whether the first line after a byline at `start - 1` that is not furniture (a photo
    credit, a caption printed twice) opens a story: a sentence-like paragraph."""
    index = start
    while index < min(len(lines), start + _LEDE_LOOKAHEAD):
        line = lines[index]
        if _is_furniture(line):
            index += 1
        elif index + 1 < len(lines) and lines[index + 1] == line:
            index += 2  # a caption printed twice
        else:
            return is_prose(line, min_words=_LEDE_MIN_WORDS)
    return False


def detect_caixin_listing(text: str) -> Detection:
    """Entries: a byline (`Ding Yi / Jan 19, 2021 06:27 PM / Business & Tech`) on a line of
    its own, then the story's lede. A byline quoted anywhere else is no entry."""
    lines = head_lines(text)
    bylines = [i for i, line in enumerate(lines) if "/" in line and _BYLINE.fullmatch(line)]
    entries = sum(_lede_follows(lines, i + 1) for i in bylines)
    if entries:
        reason = f"{entries} byline(s) each followed by a story"
        return Detection(10 + 3 * min(entries, 20), reason, accepted=True)
    if bylines:
        return Detection(2, "has a Caixin byline but no story under it")
    if any(_NAME_MENTION.search(line) for line in lines[:_HEAD_LINES]):
        return Detection(
            1, "mentions Caixin but has no listing structure (no byline followed by a story)"
        )
    return Detection(0, "no listing structure")


LAYOUT = Layout(
    name=NAME,
    label="Caixin listing",
    publisher=PUBLISHER,
    short_publisher="Caixin",
    detect=detect_caixin_listing,
    parse=parse_caixin_listing,
)
