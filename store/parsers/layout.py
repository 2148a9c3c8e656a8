"""What a layout is: a name, its publisher, how to recognise it, how to parse it.

Each layout module (`caixin.py`, `star_daily.py`, …) defines one `Layout` beside its parser;
`registry.LAYOUTS` lists them. Adding a layout is one module plus one registry line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from store.model import ParsedDocument

# A document holds at most this many items: a text that gives more is a list of lines in a
# layout's shape, not a document of it. Parsers stop once they have found one more.
MAX_ITEMS = 1_000
# Nor more than this many lines with text: a parser's work is linear in its lines, and this
# bounds it for any one file (a 32 MB page has ~100,000 lines).
MAX_LINES = 250_000


def text_lines(text: str) -> int:
    """About how many lines of `text` hold something (counted at C speed)."""
    return text.count("\n") - text.count("\n\n") + 1


class UnknownLayoutError(ValueError):
    """The text is of no known layout, or looks like one but holds no items; `str()` is the
    one-line reason."""


@dataclass(frozen=True, slots=True)
class Detection:
    """How much of a layout's structure a text shows.

    `score` weighs the structure found (0: none); `accepted` says whether that is enough to
    parse the text as this layout; `reason` says in one line what was found or what is
    missing ("mentions STAR Market Daily but has no brief structure (no summary line)").
    """

    score: int
    reason: str
    accepted: bool = False


class Parser(Protocol):
    def __call__(self, text: str, name: str, file_date: date | None = None) -> ParsedDocument: ...


@dataclass(frozen=True, slots=True)
class Layout:
    name: str  # as stored in ParsedDocument.layout: "star_daily"
    label: str  # for humans: "STAR Market Daily brief"
    publisher: str  # the document's publisher: "STAR Market Daily"
    short_publisher: str  # for narrow columns: "STAR Daily"
    detect: Callable[[str], Detection]
    parse: Parser


def count(pattern: re.Pattern[str], text: str, cap: int) -> int:
    """Matches of `pattern` in `text`, counting no further than `cap`."""
    found = 0
    for _ in pattern.finditer(text):
        found += 1
        if found >= cap:
            break
    return found
