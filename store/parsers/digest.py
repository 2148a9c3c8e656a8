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
from datetime import datetime

from store.model import ParsedDocument, ParsedItem
from store.parsers.mentions import mentions_in_text

LAYOUT = "search_digest"
PUBLISHER_SEARCH_DIGEST = "Search digest"
CHINA_UTC_OFFSET = "+08:00"

SOURCE_LINE = re.compile(
    r"^(?P<outlet>\S.{0,80}?)\s*[·•・]\s*"
    r"(?P<date>(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2})"
    r"(?:[ T]+(?P<time>\d{1,2}:\d{2})(?::(?P<seconds>\d{2}))?)?\s*$"
)
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


def parse_search_digest(text: str, name: str) -> ParsedDocument:
    """Parse a search-results digest. Never raises; a digest with no results gives none."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line]
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
                publisher=outlet or PUBLISHER_SEARCH_DIGEST,
                published=_published(match),
                body=body,
                section=section,
                mentions=mentions_in_text(f"{title}\n{summary}"),
            )
        )
    return ParsedDocument(
        name=name,
        layout=LAYOUT,
        publisher=PUBLISHER_SEARCH_DIGEST,
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
    day = re.split(r"[-/.]", match.group("date"))
    try:
        year, month, dom = (int(part) for part in day)
        if match.group("time"):
            hour, minute = (int(part) for part in match.group("time").split(":"))
            second = int(match.group("seconds") or 0)
            stamp = datetime(year, month, dom, hour, minute, second)
            return stamp.isoformat() + CHINA_UTC_OFFSET
        return datetime(year, month, dom).date().isoformat()
    except ValueError:
        return ""


def _title_from_body(summary: str) -> str:
    text = _drop_citations(summary).strip()
    text = re.sub(r"^(?:Core\s+\w+|Group\s+\d+)\s*[-:：]\s*", "", text)
    if len(text) <= _FALLBACK_TITLE_CHARS:
        return text
    cut = text[:_FALLBACK_TITLE_CHARS].rsplit(" ", 1)[0] or text[:_FALLBACK_TITLE_CHARS]
    return cut.rstrip(" ,;:") + "…"


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
