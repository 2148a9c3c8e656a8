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
from store.parsers.layout import MAX_ITEMS, Detection, Layout
from store.parsers.mentions import mentions_in_text
from store.parsers.shapes import head_lines, is_prose, word_count
from store.text.dates import CLOCK, ISO_DATE, iso_numeric
from store.text.patterns import lazy_pattern
from store.text.prose import folded_lines, shorten

NAME = "search_digest"
PUBLISHER = "Search digest"

# A result's source line: its outlet and date ("Sou Hu Cai Jing· 2025-08-19 04:05").
SOURCE_LINE = lazy_pattern(rf"^(?P<outlet>\S.{{0,80}}?)\s*[·•・]\s*{ISO_DATE}(?:[ T]+{CLOCK})?\s*$")
# The same without the dot ("Zheng Quan Shi Bao Wang 2025-10-21 14:32"): an outlet of a few
# words with no punctuation of a sentence; or a date alone ("2025-06-12").
_UNDOTTED_SOURCE_LINE = lazy_pattern(
    rf"^(?P<outlet>(?!(?:19|20)\d\d[-/.])[^\W_][^·•・:：,，;；。.!?()（）]{{0,60}}?)\s+"
    rf"{ISO_DATE}(?:[ T]+{CLOCK})?\s*$"
)
_DATE_LINE = lazy_pattern(rf"^(?P<outlet>){ISO_DATE}(?:[ T]+{CLOCK})?\s*$")
_SEARCH_HEADER = lazy_pattern(
    r"^(?:Search\s+(?:documents|results)|搜索结果|搜索文档|相关文档)$", re.IGNORECASE
)
_CITATIONS = lazy_pattern(r"\s*(?:\[\d{1,3}(?:\s*[,，-]\s*\d{1,3})*\])+")
# The same marks without the spaces before them: a literal "[" first scans much faster.
_CITATION_RUN = lazy_pattern(r"(?:\[\d{1,3}(?:\s*[,，-]\s*\d{1,3})*\])+")
_BULLET_SEPARATOR = lazy_pattern(r"\s+[-–—]\s+")
# A summary's headings, found at the end of the text before a " - ".
_GROUP_HEADING = lazy_pattern(
    r"(?:^|(?<=\s))(?P<head>Group\s+\d{1,3}(?:\s*[:：]\s*[^\[\]]{1,100})?)$"
)
_CORE_HEADING = lazy_pattern(
    r"^(?P<head>(?:Core|Key)\s+(?:Viewpoints?|Insights?|Views?|Points?|Findings?|Summary)"
    r"|Summary|Overview|Abstract)$",
    re.IGNORECASE,
)
_HEAD_WORD = r"[A-Z][\w'’&/-]*"
_FREE_HEADING = lazy_pattern(
    rf"(?:^|(?<=[\].!?。])\s*)(?P<head>{_HEAD_WORD}(?:,?\s+(?:{_HEAD_WORD}|and|of|the|for|in|on|to|with|&)){{0,7}})$"
)
_SPELLED_LETTERS = lazy_pattern(r"\b(?:[A-Z] ){1,}[A-Z]\b")
_TITLE_MAX_CHARS = 200
# Right after a source line, a line is read as the next result's headline (the previous
# result then has no summary) only if it is this short and does not open like a summary.
_SHORT_HEADLINE_CHARS = 120
# How a result's summary opens: "Core Viewpoint - …", "Investment Rating - …", "投资要点 - …".
_SUMMARY_START = lazy_pattern(
    r"^(?:(?:Core|Key)\s+\w+|Group\s+\d+|Summary|Overview|Abstract|Highlights"
    r"|(?:Investment|Industry|Report)?\s*Ratings?|Investment\s+Points?|Risks?"
    r"|投资要点|核心观点|报告投资评级|行业投资评级|投资评级|摘要|要点|事件|点评)"
    r"\s*(?:\d+\s*)?(?:[:：][^-–—]{0,100})?\s*[-–—:：]",
    re.IGNORECASE,
)
_FALLBACK_TITLE_CHARS = 80


def source_line(line: str) -> re.Match[str] | None:
    """A folded line as a source line (groups outlet, year, month, day, hour, minute,
    second), or None."""
    if len(line) > 120 or not any(ch.isdigit() for ch in line[-5:]):
        return None
    return SOURCE_LINE.match(line) or _UNDOTTED_SOURCE_LINE.match(line) or _DATE_LINE.match(line)


def parse_search_digest(text: str, name: str, file_date: date | None = None) -> ParsedDocument:
    """Parse a search-results digest. Never raises; a digest with no results gives none."""
    lines = [line for line in folded_lines(text) if line]
    sources = [index for index, line in enumerate(lines) if source_line(line)]
    first_result = len(lines)
    if sources:
        first_headline = _headline_index(lines, sources[0], -1)
        first_result = sources[0] if first_headline is None else first_headline
    keyword = _keyword(lines[:first_result], lines[first_result:])

    items: list[ParsedItem] = []
    for position, source_index in enumerate(sources):
        if len(items) > MAX_ITEMS:
            break  # no results page holds this many: the registry refuses it
        previous_source = sources[position - 1] if position else -1
        headline_index = _headline_index(lines, source_index, previous_source)
        body_end = len(lines)
        if position + 1 < len(sources):
            next_source = sources[position + 1]
            next_headline = _headline_index(lines, next_source, source_index)
            body_end = next_source if next_headline is None else next_headline
        summary = " ".join(_summary_lines(lines[source_index + 1 : body_end]))
        body = _body(summary)
        title = lines[headline_index] if headline_index is not None else ""
        if not title:
            title = _title_from_body(summary) or "(untitled)"
        match = source_line(lines[source_index])
        assert match is not None
        outlet = _outlet_name(match.group("outlet"))
        items.append(
            ParsedItem(
                title=title,
                publisher=outlet or PUBLISHER,
                published=_published(match),
                body=body,
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


def _keyword(before: list[str], results: list[str]) -> str:
    """The search keyword, among the lines before the results: the one the results name
    most (the page's other lines, "Workflow", "icon", name nothing), else the first that is
    not the results header."""
    candidates = [
        line[:_TITLE_MAX_CHARS]
        for line in before
        if not _SEARCH_HEADER.match(line) and not _is_furniture(line)
    ]
    if not candidates:
        return ""
    named = " ".join(results[:400]).casefold()
    counts = [named.count(line.casefold()) for line in candidates]
    best = max(range(len(candidates)), key=lambda i: (counts[i], -i))
    return candidates[best] if counts[best] else candidates[0]


# The search page around the results: pagination, "Load more", recommended searches.
_FURNITURE = lazy_pattern(
    r"(?:load|show|view|see)\s+more|more|next|previous|prev|next\s+page|no\s+more\s+results"
    r"|(?:\d{1,3}\s+){1,12}(?:next|下一页|>|»)?|(?:上一页|previous|<|«)\s+(?:\d{1,3}\s+)*(?:下一页|next)?"
    r"|上一页|下一页|加载更多|查看更多|相关推荐|相关搜索|猜你喜欢|related\s+(?:searches|recommendations)"
    r"|search\s+(?:documents|results)|搜索结果|搜索文档|相关文档|icon|menu|workflow|home|login",
    re.IGNORECASE,
)


def _is_furniture(line: str) -> bool:
    return len(line) <= 40 and bool(_FURNITURE.fullmatch(line))


def _summary_lines(lines: list[str]) -> list[str]:
    """A result's summary lines, up to the page's furniture after them ("Load more",
    pagination, recommended searches and everything under them)."""
    for index, line in enumerate(lines):
        if _is_furniture(line):
            return lines[:index]
    return lines


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


# A summary is a few hundred characters; past this many, the rest is one plain paragraph
# (its headings and bullets are not looked for: that work grows with every bullet).
_SUMMARY_STRUCTURE_CHARS = 20_000


def _body(summary: str) -> list[str]:
    if len(summary) <= _SUMMARY_STRUCTURE_CHARS:
        return summary_paragraphs(summary)
    cut = summary.rfind(" ", 0, _SUMMARY_STRUCTURE_CHARS) + 1 or _SUMMARY_STRUCTURE_CHARS
    rest = _clean(summary[cut:])
    return [*summary_paragraphs(summary[:cut]), *([rest] if rest else [])]


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


_SPACE_BEFORE_PUNCTUATION = lazy_pattern(r"\s+([.,;:])")
_DOUBLED_PERIOD = lazy_pattern(r"(?<!\.)\.\.(?!\.)")


def _drop_citations(text: str) -> str:
    """`text` without its citation marks and the spaces before them (as `_CITATIONS.sub`)."""
    pieces = _CITATION_RUN.split(text)
    if len(pieces) == 1:
        return text
    last = len(pieces) - 1
    return "".join(piece if i == last else piece.rstrip() for i, piece in enumerate(pieces))


def _clean(text: str) -> str:
    text = " ".join(_drop_citations(text).split())
    if any(gap in text for gap in (" .", " ,", " ;", " :")):  # the pattern is slow to fail
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

_SUMMARY_MIN_WORDS = 10


def _is_headline(line: str) -> bool:
    return (
        2 <= len(line) <= _TITLE_MAX_CHARS
        and word_count(line) >= 1
        and not (
            _SEARCH_HEADER.match(line) or source_line(line) or line.startswith(("```", "#", ">"))
        )
    )


def _is_summary(line: str) -> bool:
    return bool(
        not source_line(line)
        and (_SUMMARY_START.match(line) or is_prose(line, min_words=_SUMMARY_MIN_WORDS))
    )


def detect_search_digest(text: str) -> Detection:
    """Results: a headline, its source line (outlet and date), a summary; repeated, under a
    keyword and a results header."""
    lines = head_lines(text)
    sources = [i for i, line in enumerate(lines) if source_line(line)]
    results = sum(
        1
        for i in sources
        if 0 < i < len(lines) - 1 and _is_headline(lines[i - 1]) and _is_summary(lines[i + 1])
    )
    header = any(_SEARCH_HEADER.match(line) for line in lines[:10])
    headed = any(_SUMMARY_START.match(line) for line in lines)
    if results >= 2 or (results and (header or headed)):
        reason = f"{results} result(s): headline, source line, summary"
        return Detection(10 + 3 * min(results, 20), reason, accepted=True)
    if sources:
        return Detection(2, "has source lines but no results (headline, source line, summary)")
    if header:
        return Detection(1, "a search page with no results (no source lines)")
    return Detection(0, "no search results")


LAYOUT = Layout(
    name=NAME,
    label="search digest",
    publisher=PUBLISHER,
    short_publisher="Digest",
    detect=detect_search_digest,
    parse=parse_search_digest,
)
