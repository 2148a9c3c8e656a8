"""Search-results digests: a keyword, then per result a headline, a source line and a summary.

    技术主权
    Search documents
    上市满一个月后,中国芯片公司向美国巨头宣战,索赔9999万元
    Sou Hu Cai Jing· 2025-08-19 04:05
    Core Viewpoint - … [2][8]. Group 1: Lawsuit Details - … [2]. - … [3]

Each source line (`OUTLET· YYYY-MM-DD HH:MM`) anchors one result: the headline is the line
before it, the summary the lines after it up to the next result's headline. Summaries are
split into paragraphs: "Core Viewpoint: …", then one paragraph per group ("Group 1: Lawsuit
Details" or a free heading such as "Investment and Incentives") with its " - " bullets on
lines of their own. Citation marks like `[2][8]` point into source articles the reader does
not have, so they are removed.
"""

from __future__ import annotations

import re
from datetime import date

from store.model import ParsedDocument, ParsedItem
from store.parsers.layout import Detection, Layout, count
from store.parsers.mentions import mentions_in_text
from store.text.dates import CLOCK, ISO_DATE, iso_numeric
from store.text.prose import fold, shorten

NAME = "search_digest"
PUBLISHER = "Search digest"

SOURCE_LINE = re.compile(rf"^(?P<outlet>\S.{{0,80}}?)\s*[·•・]\s*{ISO_DATE}(?:[ T]+{CLOCK})?\s*$")
_SEARCH_HEADER = re.compile(r"^(?:Search\s+(?:documents|results)|搜索结果|相关文档)$", re.I)
_CITATIONS = re.compile(r"\s*(?:\[\d{1,3}(?:\s*[,，-]\s*\d{1,3})*\])+")
# The same marks without the spaces before them: a literal "[" first scans much faster.
_CITATION_RUN = re.compile(r"(?:\[\d{1,3}(?:\s*[,，-]\s*\d{1,3})*\])+")
_BULLET_SEPARATOR = re.compile(r"\s+[-–—]\s+")
# A summary's headings, found at the end of the text before a " - ".
_GROUP_HEADING = re.compile(
    r"(?:^|(?<=\s))(?P<head>Group\s+\d{1,3}(?:\s*[:：]\s*[^\[\]]{1,100})?)$"
)
_CORE_HEADING = re.compile(
    r"^(?P<head>(?:Core|Key)\s+(?:Viewpoints?|Insights?|Views?|Points?|Findings?|Summary)"
    r"|Summary|Overview|Abstract)$",
    re.IGNORECASE,
)
_HEAD_WORD = r"[A-Z][\w'’&/-]*"
_FREE_HEADING = re.compile(
    rf"(?:^|(?<=[\].!?。])\s*)(?P<head>{_HEAD_WORD}(?:,?\s+(?:{_HEAD_WORD}|and|of|the|for|in|on|to|with|&)){{0,7}})$"
)
_SPELLED_LETTERS = re.compile(r"\b(?:[A-Z] ){1,}[A-Z]\b")
_TITLE_MAX_CHARS = 200
# Right after a source line, a line is read as the next result's headline (the previous
# result then has no summary) only if it is this short and does not open like a summary.
_SHORT_HEADLINE_CHARS = 120
_SUMMARY_START = re.compile(r"^(?:Core|Key|Group\s+\d|Summary|Overview)\b", re.IGNORECASE)
_FALLBACK_TITLE_CHARS = 80


def parse_search_digest(text: str, name: str, file_date: date | None = None) -> ParsedDocument:
    """Parse a search-results digest. Never raises; a digest with no results gives none."""
    lines = [line for line in (fold(raw) for raw in text.split("\n")) if line]
    sources = [index for index, line in enumerate(lines) if SOURCE_LINE.match(line)]
    first_result = len(lines)
    if sources:
        first_headline = _headline_index(lines, sources[0], -1)
        first_result = sources[0] if first_headline is None else first_headline
    keyword = _keyword(lines[:first_result])
    section = f"Search: {keyword}" if keyword else "Search"

    items: list[ParsedItem] = []
    for position, source_index in enumerate(sources):
        previous_source = sources[position - 1] if position else -1
        headline_index = _headline_index(lines, source_index, previous_source)
        body_end = len(lines)
        if position + 1 < len(sources):
            next_source = sources[position + 1]
            next_headline = _headline_index(lines, next_source, source_index)
            body_end = next_source if next_headline is None else next_headline
        summary = " ".join(lines[source_index + 1 : body_end])
        body = summary_paragraphs(summary)
        title = lines[headline_index] if headline_index is not None else ""
        if not title:
            title = _title_from_body(summary) or "(untitled)"
        match = SOURCE_LINE.match(lines[source_index])
        assert match is not None
        outlet = _outlet_name(match.group("outlet"))
        items.append(
            ParsedItem(
                title=title,
                publisher=outlet or PUBLISHER,
                published=_published(match),
                body=body,
                section=section,
                mentions=mentions_in_text(f"{title}\n{summary}"),
            )
        )
    return ParsedDocument(
        name=name,
        layout=NAME,
        publisher=PUBLISHER,
        title=f"Search digest: {keyword}" if keyword else "Search digest",
        published=max((item.published for item in items), default=""),
        preamble=[keyword] if keyword else [],
        items=items,
    )


def _headline_index(lines: list[str], source_index: int, previous_source: int) -> int | None:
    """The headline of the result whose source line is at `source_index`, if it has one.

    It is the line right before the source line, unless that line is the previous result's
    only summary line (a result printed without a headline).
    """
    candidate = source_index - 1
    if candidate <= previous_source:
        return None
    line = lines[candidate]
    if candidate == previous_source + 1 and (
        len(line) > _SHORT_HEADLINE_CHARS or _SUMMARY_START.match(line)
    ):
        return None  # the previous result's only summary line, not a headline
    if len(line) > _TITLE_MAX_CHARS or _SEARCH_HEADER.match(line):
        return None
    return candidate


def _keyword(lines: list[str]) -> str:
    """The search keyword: the first line before the results that is not the header."""
    for line in lines:
        if not _SEARCH_HEADER.match(line):
            return line[:_TITLE_MAX_CHARS]
    return ""


def _outlet_name(raw: str) -> str:
    """The outlet as written, with spelled-out letters closed up ("Tai Mei Ti A P P")."""
    outlet = raw.strip(" ·•・-|")
    return _SPELLED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), outlet)


def _published(match: re.Match[str]) -> str:
    """The source line's time as ISO 8601 in China time, or its date alone."""
    return iso_numeric(*match.group("year", "month", "day", "hour", "minute", "second"))


def _title_from_body(summary: str) -> str:
    text = _drop_citations(summary).strip()
    text = re.sub(r"^(?:Core\s+\w+|Group\s+\d+)\s*[-:：]\s*", "", text)
    return shorten(text, _FALLBACK_TITLE_CHARS)[0]


def summary_paragraphs(summary: str) -> list[str]:
    """A digest summary as readable paragraphs, one per heading, bullets on their own lines.

    "Core Viewpoint - A [1]. Group 1: Details - B [2]. - C" gives
    ["Core Viewpoint: A.", "Group 1: Details\\n- B.\\n- C"]; citation marks are removed.
    """
    parts = _BULLET_SEPARATOR.split(summary.strip())
    sections: list[tuple[str, list[str]]] = []
    heading = ""
    bullets: list[str] = []
    for index, part in enumerate(parts):
        is_last = index == len(parts) - 1
        text, next_heading = (part, None) if is_last else _split_heading(part, index == 0)
        if text.strip():
            bullets.append(text)
        if next_heading is not None:
            if heading or bullets:
                sections.append((heading, bullets))
            heading, bullets = next_heading, []
    if heading or bullets:
        sections.append((heading, bullets))
    paragraphs = [_paragraph(heading, bullets) for heading, bullets in sections]
    return [paragraph for paragraph in paragraphs if paragraph]


def _split_heading(part: str, is_first: bool) -> tuple[str, str | None]:
    """Split the heading that introduces the next bullets off the end of `part`."""
    stripped = part.strip()
    if _CORE_HEADING.match(stripped):
        return "", stripped
    group = _GROUP_HEADING.search(stripped) if "Group" in stripped else None
    if group:
        return stripped[: group.start("head")], group.group("head").strip()
    free = _FREE_HEADING.search(stripped)
    if free and (is_first or free.start("head") > 0):
        return stripped[: free.start("head")], free.group("head")
    return stripped, None


_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:])")
_DOUBLED_PERIOD = re.compile(r"(?<!\.)\.\.(?!\.)")


def _drop_citations(text: str) -> str:
    """`text` without its citation marks and the spaces before them (as `_CITATIONS.sub`)."""
    pieces = _CITATION_RUN.split(text)
    if len(pieces) == 1:
        return text
    last = len(pieces) - 1
    return "".join(piece if i == last else piece.rstrip() for i, piece in enumerate(pieces))


def _clean(text: str) -> str:
    text = _drop_citations(text)
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    if ".." in text:
        text = _DOUBLED_PERIOD.sub(".", text)  # "the U.S. [5]." lost its citation
    return " ".join(text.split())


def _paragraph(heading: str, bullets: list[str]) -> str:
    cleaned = [line for line in (_clean(bullet) for bullet in bullets) if line]
    heading = " ".join(heading.split())
    if not heading:
        return "\n".join(f"- {line}" for line in cleaned) if len(cleaned) > 1 else "".join(cleaned)
    if not cleaned:
        return heading
    if len(cleaned) == 1 and _CORE_HEADING.match(heading):
        return f"{heading}: {cleaned[0]}"
    return "\n".join([heading, *(f"- {line}" for line in cleaned)])


# ------------------------------------------------------------------------------- detection

_HEAD_CHARS = 4_000
_STRUCTURE_CHARS = 20_000
_HEADER_LINE = re.compile(r"^\s*(?:Search\s+(?:documents|results)|搜索结果)\s*$", re.I | re.M)
_SUMMARY_LINE = re.compile(
    r"^\s*(?:Core\s+(?:Viewpoints?|Insights?|Views?)|Group\s+\d+)\s*[:：]?\s*[-–—]", re.M
)
# What every source line holds: a dot before a date ("Sina Finance · 2025-03-26 10:02").
_SOURCE_DATE = re.compile(r"[·•・][^\S\n]*(?:19|20)\d\d[-/.]")


def _count_source_lines(text: str, cap: int) -> int:
    """Source lines in `text`: only lines with a dot before a date are folded and matched."""
    found = 0
    line_end = -1
    for match in _SOURCE_DATE.finditer(text):
        if match.start() < line_end:
            continue  # a line already looked at
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        if line_end == -1:
            line_end = len(text)
        if SOURCE_LINE.match(fold(text[line_start:line_end])):
            found += 1
            if found >= cap:
                break
    return found


def detect_search_digest(text: str) -> Detection:
    """Source lines (`Sina Finance · 2025-03-26 10:02`), a results header, summary headings."""
    structure = text[:_STRUCTURE_CHARS]
    sources = _count_source_lines(structure, 3)
    score = (
        3 * sources
        + 2 * count(_HEADER_LINE, text[:_HEAD_CHARS], 1)
        + 2 * count(_SUMMARY_LINE, structure, 1)
    )
    return Detection(score, f"{sources} source line(s)", accepted=score >= 5)


LAYOUT = Layout(
    name=NAME,
    label="search digest",
    publisher=PUBLISHER,
    short_publisher="Digest",
    detect=detect_search_digest,
    parse=parse_search_digest,
)
