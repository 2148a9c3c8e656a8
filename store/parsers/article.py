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

from store.model import ParsedDocument, ParsedItem
from store.text.prose import split_authors

LAYOUT = "article"
LABEL = "news article"
PUBLISHER = "Web article"
_FIELD = re.compile(
    r"^(Article|By|Published|Publisher|Section|URL)[ \t]*:[ \t]*(.*?)[ \t]*$", re.IGNORECASE
)
_FIELDS = ("article", "by", "published", "publisher", "section", "url")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:[+-]\d{2}:\d{2}|Z)?)?$")
HEADER_LINES = 12


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


def score_article(text: str) -> int:
    """3 for an `Article:` first line, 2 for a readable `Published:`, 1 per other field."""
    fields, _ = _header(text[:4000])
    if "article" not in fields or not fields["article"]:
        return 0
    score = 3
    if _ISO.match(fields.get("published", "")):
        score += 2
    score += sum(1 for key in ("by", "publisher", "section", "url") if fields.get(key))
    return score


def parse_article(text: str, name: str) -> ParsedDocument:
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
            )
        )
    return ParsedDocument(
        name=name,
        layout=LAYOUT,
        publisher=publisher,
        title=title,
        published=published,
        preamble=[],
        items=items,
    )
