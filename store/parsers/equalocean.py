"""EqualOcean sector reports: a title, an author/date line, a preamble, then parts.

Layout::

    EqualOcean Sector Quarterly Report - Sci-Tech Innovation Sectors
    Technology Author: Fuller Wang Apr 01, 2022 02:30 PM (GMT+8)
    <introduction paragraphs>                       -> ParsedDocument.preamble
    Main Players Updates
    Tencent (0700: HK)                              company header (or a bare "DJI Technology")
    Tencent sells USD 3 billion stakes in ... .     one item per update paragraph
    Huawei launches a rival to the Amazon Kindle.   header-less: an item with no header mention
    Capital Market Calendar                         no items
    Key Events
      • headline                                    one item per bullet
    <paragraphs>                                    its body

Items: publisher EqualOcean; published = the report's date-time; authors = the report's;
section = the part the item came from as the report writes it ("Main Players Updates",
"Key Events"); the report's own section word ("Technology") is read but not kept. A header
mention goes only to the paragraph right under the header. An update's title is its
paragraph's first sentence and its body the rest of the paragraph (the whole paragraph when
nothing else is left or the title had to be cut).
Each paragraph is one line of the text.
"""

from __future__ import annotations

import re
from datetime import date

from store.entities.tickers import canonical_ticker
from store.model import Mention, ParsedDocument, ParsedItem
from store.parsers.layout import MAX_ITEMS, Detection, Layout
from store.parsers.mentions import mentions_in_text
from store.parsers.shapes import head_lines
from store.text.cjk import has_cjk
from store.text.dates import DATE_TIME, iso_published, utc_offset
from store.text.patterns import lazy_pattern
from store.text.prose import (
    COMPANY_SUFFIXES,
    first_sentence,
    fold,
    folded_lines,
    headline,
    split_authors,
    strip_bullet,
    title_and_rest,
)

NAME = "equalocean_report"
PUBLISHER = "EqualOcean"
TITLE_LIMIT = 200

# A report's parts, by their headings: players' updates (company headers, each over its
# update paragraph), a calendar (no items), and the rest ("Key Events", "Financing Updates",
# "Policy Updates", "Industry Updates": bullets or headlines, each over its paragraphs).
_PART_KINDS = [
    (
        lazy_pattern(
            r"(?:main|key|leading|major|top)\s+(?:players?|compan(?:y|ies))\s*'?\s*updates?",
            re.IGNORECASE,
        ),
        "updates",
    ),
    (lazy_pattern(r"(?:capital\s+markets?|ipo|listings?|earnings)\s+calendar", re.I), "calendar"),
    (
        lazy_pattern(
            r"(?:(?:key|other|major|notable|industry|sector|market|policy|policies|regulatory"
            r"|regulation|financing|funding|investment|investments|capital|technology|product"
            r"|m&a|deal)\s+(?:(?:and|&)\s+\w+\s+)?)?(?:events|updates?|news|deals|developments)"
            r"|policies|regulation|financing|(?:investment|financing)\s+(?:and|&)\s+(?:financing"
            r"|investment)(?:\s+events)?",
            re.IGNORECASE,
        ),
        "events",
    ),
]

_META = lazy_pattern(
    r"(?P<section>[^.:：]{0,40}?)\s*\bAuthors?\s*[:：]\s*(?P<authors>[^():：]{1,160}?)"
    rf"(?:\s+{DATE_TIME})?"
    r"\s*(?:\(\s*(?:GMT|UTC)\s*(?P<tz>[+-]\s*\d{1,2}(?::?\d{2})?)?\s*\))?",
    re.I,
)
# `Tencent (0700: HK)`, `Alibaba (BABA: NYSE; 9988: HK)`, `Baidu (NASDAQ: BIDU)`, and a
# name with a parenthesis of its own: `Ping An Insurance (Group) Company of China (2318: HK)`
_HEADER = lazy_pattern(
    r"(?P<name>[^()（）]{1,80}?(?:[(（][^()（）]{1,30}[)）][^()（）]{0,60}?)?)"
    r"\s*[(（](?P<listings>[^()（）]{1,60})[)）]"
)
# A parenthesis inside a bare company name: `(Group)`, `(Shanghai)`, `（集团）`
_NAME_PARENTHESIS = lazy_pattern(r"[(（][^()（）]{1,30}[)）]")
_BARE_HEADER_MAX_WORDS = 6
_BARE_HEADER_MAX_CHARS = 80
_LISTING = lazy_pattern(r"\s*(?P<a>[A-Za-z0-9.]{1,10})\s*[:：]\s*(?P<b>[A-Za-z0-9. ]{1,15}?)\s*")
_LISTING_SEPARATORS = lazy_pattern(r"[;,/、]|\s+and\s+")
_NAME_CONNECTORS = frozenset({"of", "and", "&", "de", "the"})


def _part_kind(paragraph: str) -> str | None:
    text = strip_bullet(paragraph)[0].rstrip(":： ")
    for pattern, kind in _PART_KINDS:
        if pattern.fullmatch(text):
            return kind
    return None


def _header_mentions(paragraph: str) -> list[Mention] | None:
    """Mentions for a company header `Name (CODE: MARKET)`; None when it is not one."""
    match = _HEADER.fullmatch(strip_bullet(paragraph)[0])
    if not match:
        return None
    name = fold(match.group("name"))
    if not name or len(name.split()) > 10 or first_sentence(name)[1]:
        return None
    mentions: list[Mention] = []
    for listing in _LISTING_SEPARATORS.split(match.group("listings")):
        part = _LISTING.fullmatch(listing)
        if not part:
            return None
        a, b = part.group("a"), part.group("b")
        ticker = canonical_ticker(a, b) or canonical_ticker(b, a)
        if ticker is None:  # an exchange spelling tickers does not know: place digits by form
            digits = a if a.isdigit() else b if b.isdigit() else ""
            ticker = canonical_ticker(digits) if digits else None
        if ticker and all(m.ticker != ticker for m in mentions):
            mentions.append(Mention(name, ticker))
    return mentions or [Mention(name, None)]


def _is_bare_header(paragraph: str) -> bool:
    """A company name on its own line: `DJI Technology`, `LONGi Green Energy Technology`,
    `Ping An Insurance (Group) Company of China` (a parenthesis is not counted as a word)."""
    if len(paragraph) > _BARE_HEADER_MAX_CHARS or paragraph[-1] in "!?;:,。！？":
        return False
    inner = [p[1:-1] for p in _NAME_PARENTHESIS.findall(paragraph)]
    outside = _NAME_PARENTHESIS.sub(" ", paragraph)
    if any(ch in "()（）" for ch in outside):
        return False  # an unbalanced or nested parenthesis
    words = outside.split()
    if not 1 <= len(words) <= _BARE_HEADER_MAX_WORDS:
        return False
    if paragraph[-1] == "." and words[-1][:-1].lower() not in COMPANY_SUFFIXES:
        return False
    inner_words = [w for text in inner for w in text.split()]
    return all(_is_name_word(w) for w in words) and all(
        _is_name_word(w) or has_cjk(w) for w in inner_words
    )


def _is_name_word(word: str) -> bool:
    return word.lower() in _NAME_CONNECTORS or any(c.isupper() or c.isdigit() for c in word)


def _looks_like_headline(paragraph: str) -> bool:
    return (
        len(paragraph) <= TITLE_LIMIT
        and paragraph[-1] not in ".;:,。"
        and not first_sentence(paragraph)[1]
    )


class _Report:
    """Items collected while walking a report's paragraphs."""

    def __init__(self, published: str, authors: list[str]) -> None:
        self.published = published
        self.authors = authors
        self.items: list[ParsedItem] = []

    @property
    def full(self) -> bool:
        """One item more than any report holds: the registry refuses it."""
        return len(self.items) > MAX_ITEMS

    def add(self, title: str, body: list[str], section: str, mentions: list[Mention]) -> None:
        if not title or self.full:
            return
        self.items.append(
            ParsedItem(
                title=title,
                publisher=PUBLISHER,
                published=self.published,
                body=body,
                section=section,
                authors=list(self.authors),
                mentions=mentions,
            )
        )

    def add_paragraph(self, paragraph: str, section: str, mentions: list[Mention]) -> None:
        """An update paragraph: its first sentence is the title, the rest the body."""
        title, rest, cut = title_and_rest(paragraph, TITLE_LIMIT)
        body = [rest] if rest and not cut else [paragraph]
        known = {m.ticker for m in mentions}
        extra = [m for m in mentions_in_text(paragraph) if m.ticker not in known]
        self.add(title, body, section, mentions + extra)

    def add_updates(self, paragraphs: list[str], section: str) -> None:
        header: list[Mention] = []
        for raw in paragraphs:
            if self.full:
                return
            paragraph = strip_bullet(raw)[0]
            mentions = _header_mentions(paragraph)
            if mentions is not None:
                header = mentions
            elif _is_bare_header(paragraph):
                header = [Mention(paragraph, None)]
            else:
                # Only the paragraph right under a header is that company's update.
                self.add_paragraph(paragraph, section, header)
                header = []

    def add_events(self, paragraphs: list[str], section: str) -> None:
        marked = [strip_bullet(p) for p in paragraphs]
        bulleted = any(is_bullet for _, is_bullet in marked)
        groups: list[tuple[str | None, list[str]]] = []
        for text, is_bullet in marked:
            if is_bullet if bulleted else _looks_like_headline(text):
                groups.append((text, []))
            elif groups and groups[-1][0] is not None:
                groups[-1][1].append(text)
            else:
                groups.append((None, [text]))
        for head, body in groups:
            if self.full:
                return
            if head is None:
                self.add_paragraph(body[0], section, [])
                continue
            title, cut = headline(head, TITLE_LIMIT)
            text = " ".join([head, *body])
            self.add(title, ([head] if cut else []) + body, section, mentions_in_text(text))


def parse_equalocean_report(text: str, name: str, file_date: date | None = None) -> ParsedDocument:
    """Parse an EqualOcean sector report; never raises, whatever the text."""
    paragraphs = [p for p in folded_lines(text) if p]

    title = ""
    meta: re.Match[str] | None = None
    preamble: list[str] = []
    parts: list[tuple[str, str, list[str]]] = []  # (kind, heading, paragraphs)
    for paragraph in paragraphs:
        kind = _part_kind(paragraph)
        if kind:
            heading = strip_bullet(paragraph)[0].rstrip(":： ")
            parts.append((kind, heading, []))
        elif parts:
            parts[-1][2].append(paragraph)
        elif meta is None and (found := _META.fullmatch(paragraph)):
            meta = found
        elif not title and meta is None and not preamble:
            title = paragraph
        else:
            preamble.append(paragraph)

    published, authors = "", []
    if meta is not None:
        authors = split_authors(meta.group("authors"))
        if meta.group("mon"):
            published = iso_published(meta, utc_offset(meta.group("tz")))[0]

    report = _Report(published, authors)
    for kind, heading, part in parts:
        if report.full:
            break
        if kind == "updates":
            report.add_updates(part, heading)
        elif kind == "events":
            report.add_events(part, heading)

    return ParsedDocument(
        name=name,
        layout=NAME,
        publisher=PUBLISHER,
        title=title or "EqualOcean report",
        published=published,
        preamble=preamble,
        items=report.items,
    )


# ------------------------------------------------------------------------------- detection

_NAME_MENTION = lazy_pattern(r"\bEqualOcean\b", re.IGNORECASE)
_HEAD_LINES = 10


def _author_line(line: str) -> bool:
    """The report's author/date line: `Technology Author: Fuller Wang Apr 01, 2022 02:30 PM
    (GMT+8)`."""
    if len(line) > 300 or "uthor" not in line:
        return False
    meta = _META.fullmatch(line)
    return bool(meta and meta.group("mon"))


def detect_equalocean_report(text: str) -> Detection:
    """A report: a title, an author/date line, then its parts ("Main Players Updates",
    "Key Events", …) under their headings."""
    lines = head_lines(text)
    named = any(_NAME_MENTION.search(line) for line in lines[:_HEAD_LINES])
    author = any(_author_line(line) for line in lines[:_HEAD_LINES])
    if not (named or author):
        return Detection(0, "no report structure")  # no author line, no EqualOcean
    parts = sum(1 for line in lines if len(line) <= 80 and _part_kind(line))
    headers = sum(1 for line in lines if len(line) <= 160 and _header_mentions(line) is not None)
    if parts and (author or (named and headers >= 2)):
        reason = f"author line, {parts} report part(s), {headers} company header(s)"
        return Detection(10 + 3 * min(parts, 10) + min(headers, 20), reason, accepted=True)
    if author:
        return Detection(
            2,
            "has an EqualOcean report's author line but no report parts"
            " (no players' updates, events or other sections)",
        )
    if named:
        return Detection(
            1, "mentions EqualOcean but has no report structure (no author line, no report parts)"
        )
    return Detection(0, "no report structure")


LAYOUT = Layout(
    name=NAME,
    label="EqualOcean quarterly report",
    publisher=PUBLISHER,
    short_publisher="EqualOcean",
    detect=detect_equalocean_report,
    parse=parse_equalocean_report,
)
