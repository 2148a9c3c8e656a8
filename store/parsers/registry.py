"""The layouts newsdesk reads, and the one place that picks a text's layout by its content
(never its file name).

Each layout module defines its `Layout` (name, publisher, detector, parser) beside its
parser; a text is parsed by the layout whose detector accepts it with the best score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from store.model import ParsedDocument
from store.parsers import article, caixin, digest, equalocean, star_daily
from store.parsers.layout import (
    MAX_ITEMS,
    MAX_LINES,
    Detection,
    Layout,
    UnknownLayoutError,
    text_lines,
)
from store.parsers.shapes import not_a_document

LAYOUTS: tuple[Layout, ...] = (
    equalocean.LAYOUT,
    caixin.LAYOUT,
    star_daily.LAYOUT,
    digest.LAYOUT,
    article.LAYOUT,
)

__all__ = [
    "LAYOUTS",
    "Detection",
    "Layout",
    "UnknownLayoutError",
    "detect_layout",
    "detections",
    "examine",
    "layout_named",
    "parse_document",
]


def _with_article(label: str) -> str:
    return f"an {label}" if label[:1].lower() in "aeiou" else f"a {label}"


def _labels() -> str:
    labels = [_with_article(layout.label) for layout in LAYOUTS]
    return ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0]


def no_known_layout() -> str:
    return f"no known layout (not {_labels()})"


def detections(text: str) -> dict[str, Detection]:
    """Each layout's detection for `text` (for diagnostics and tests)."""
    return {layout.name: layout.detect(text) for layout in LAYOUTS}


def layout_named(name: str) -> Layout | None:
    return next((layout for layout in LAYOUTS if layout.name == name), None)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What `text` is: the layout to parse it with, or None and the one-line reason."""

    layout: Layout | None
    reason: str


def examine(text: str) -> Verdict:
    """Pick the layout whose structure `text` shows best, or say why none.

    A layout found inside a file of another kind (source code, markdown, an e-mail, a data
    export …) is a quotation, not a document: refused, with what the file looks like.
    """
    found = [(layout, layout.detect(text)) for layout in LAYOUTS]
    accepted = [pair for pair in found if pair[1].accepted]
    foreign = not_a_document(text)
    if accepted:
        layout, detection = max(accepted, key=lambda pair: pair[1].score)
        if foreign is None:
            return Verdict(layout, detection.reason)
        return Verdict(
            None, f"looks like {_with_article(layout.label)} quoted in {foreign}, not a document"
        )
    layout, detection = max(found, key=lambda pair: pair[1].score)
    if detection.score > 0 and foreign is not None:
        return Verdict(None, f"{detection.reason}; the file looks like {foreign}")
    if detection.score > 0:
        return Verdict(None, detection.reason)
    if foreign is not None:
        return Verdict(None, f"{foreign}, not a news document")
    return Verdict(None, no_known_layout())


def detect_layout(text: str) -> Layout | None:
    """The layout `text` is written in, or None when it is no document of a known layout."""
    return examine(text).layout


def parse_document(text: str, name: str, file_date: date | None = None) -> ParsedDocument:
    """Detect the layout of `text` and parse it.

    `file_date` (the file's own date) dates a document that gives no year of its own.
    Raises UnknownLayoutError with a one-line reason when `text` is no document of a known
    layout, or when the layout it is written in finds no items in it.
    """
    verdict = examine(text)
    if verdict.layout is None:
        raise UnknownLayoutError(verdict.reason)
    if text_lines(text) > MAX_LINES:
        raise UnknownLayoutError(
            f"looks like {_with_article(verdict.layout.label)} but has more than "
            f"{MAX_LINES:,} lines: a list in its shape, not a document"
        )
    document = verdict.layout.parse(text, name, file_date)
    if len(document.items) > MAX_ITEMS:
        raise UnknownLayoutError(
            f"looks like {_with_article(verdict.layout.label)} but has more than "
            f"{MAX_ITEMS:,} entries: a list in its shape, not a document"
        )
    if not document.items:
        raise UnknownLayoutError(
            f"looks like {_with_article(verdict.layout.label)} but no entries were found"
        )
    return document
