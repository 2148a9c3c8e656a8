"""What parsers produce: plain data, independent of storage."""

from __future__ import annotations

from dataclasses import dataclass, field

PUBLISHER_EQUALOCEAN = "EqualOcean"
PUBLISHER_CAIXIN = "Caixin Global"
PUBLISHER_STAR_DAILY = "STAR Market Daily"


@dataclass(slots=True)
class Mention:
    """A company a layout names explicitly, e.g. a header `Tencent (0700: HK)`.

    `name` is as written (it may be misspelt, "Xiaoxi"); `ticker` is canonical or None.
    """

    name: str
    ticker: str | None = None


@dataclass(slots=True)
class ParsedItem:
    """One story found in a document."""

    title: str
    publisher: str
    published: str  # ISO 8601: "2022-04-01T14:30:00+08:00", or a date "2025-03-26"
    body: list[str]  # paragraphs, furniture removed
    section: str = ""
    authors: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass(slots=True)
class ParsedDocument:
    """A whole document: its own metadata, its preamble, and its items."""

    name: str  # file name, e.g. "000_8dddf056b50c37f7.txt"
    layout: str  # e.g. "equalocean_report"
    publisher: str  # the document's publisher ("Search digest" for digests)
    title: str
    published: str
    preamble: list[str]
    items: list[ParsedItem]
