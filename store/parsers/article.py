"""The generic article layout: one news article as text, with a header of its metadata.

    Article: Xiaomi unveils the SU7
    By: Li Ming, Wang Fang
    Published: 2025-03-28T19:00:00+08:00
    Publisher: 36Kr
    Section: Autos
    URL: https://36kr.com/p/123

    First paragraph of the body.

    Second paragraph.

`newsdesk ingest page.html` writes a saved article page (JSON-LD NewsArticle, og:type
article or `<article>`) in this form; a text file in it is read the same way. Only
`Article:` and a body are required.
"""

from __future__ import annotations

import re
from datetime import date

from store.model import ParsedDocument, ParsedItem
from store.parsers.layout import Detection, Layout
from store.text.prose import split_authors

NAME = "article"
PUBLISHER = "Web article"
_FIELD = re.compile(
    r"^(Article|By|Published|Publisher|Section|URL)[ \t]*:[ \t]*(.*?)[ \t]*$", re.IGNORECASE
)
_FIELDS = ("article", "by", "published", "publisher", "section", "url")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:[+-]\d{2}:\d{2}|Z)?)?$")
HEADER_LINES = 12
_WEB_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)


def _header(text: str) -> tuple[dict[str, str], str]:
    """The header fields and the rest of the text (the body)."""
    lines = text.lstrip("\ufeff\n \t").split("\n")
    fields: dict[str, str] = {}
    for n, line in enumerate(lines[:HEADER_LINES]):
        if not line.strip():
            return fields, "\n".join(lines[n + 1 :])
        m = _FIELD.match(line)
        if not m or (n == 0 and m.group(1).lower() != "article"):
            return fields, "\n".join(lines[n:])
        fields.setdefault(m.group(1).lower(), m.group(2))
    return fields, "\n".join(lines[len(fields) :])


def detect_article(text: str) -> Detection:
    """3 for an `Article:` first line, 2 for a readable `Published:`, 1 per other field;
    accepted from 5 (a headline and a date, or a headline and two other fields)."""
    fields, rest = _header(text[:8000])
    if not fields.get("article"):
        return Detection(0, "no Article: line at the top")
    score = 3
    if _ISO.match(fields.get("published", "").strip()):
        score += 2
    score += sum(1 for key in ("by", "publisher", "section", "url") if fields.get(key))
    if not rest.strip():
        return Detection(score, "an article header with no text under it")
    return Detection(score, f"an article header with {len(fields)} fields", accepted=score >= 5)


def parse_article(text: str, name: str, file_date: date | None = None) -> ParsedDocument:
    """One item from an article text; zero items when it has no headline or no body."""
    fields, rest = _header(text)
    title = " ".join((fields.get("article") or "").split())
    published = fields.get("published", "").strip()
    if not _ISO.match(published):
        published = ""
    publisher = " ".join((fields.get("publisher") or "").split()) or PUBLISHER
    body = [" ".join(p.split()) for p in re.split(r"\n[ \t]*\n", rest)]
    body = [p for p in body if p]
    items = []
    if title and body:
        items.append(
            ParsedItem(
                title=title,
                publisher=publisher,
                published=published,
                body=body,
                section=" ".join((fields.get("section") or "").split()),
                authors=split_authors(fields.get("by", "")) if fields.get("by") else [],
                link=_link(fields.get("url", "")),
            )
        )
    return ParsedDocument(
        name=name,
        layout=NAME,
        publisher=publisher,
        title=title,
        published=published,
        preamble=[],
        items=items,
    )


def _link(url: str) -> str:
    """The URL: line, when it is a web address (anything else is not a link to open)."""
    url = url.strip()
    return url if _WEB_URL.match(url) and len(url) <= 2000 else ""


LAYOUT = Layout(
    name=NAME,
    label="news article",
    publisher=PUBLISHER,
    short_publisher="Article",
    detect=detect_article,
    parse=parse_article,
)
