"""The layouts newsdesk reads, and the one place that picks a text's layout by its content
(never its file name).

Each layout module defines its `Layout` (name, publisher, detector, parser) beside its
parser; a text is parsed by the layout whose detector accepts it with the best score.
"""

from __future__ import annotations

from datetime import date

from store.model import ParsedDocument
from store.parsers import caixin, digest, equalocean, star_daily
from store.parsers.layout import Detection, Layout, UnknownLayoutError

LAYOUTS: tuple[Layout, ...] = (
    equalocean.LAYOUT,
    caixin.LAYOUT,
    star_daily.LAYOUT,
    digest.LAYOUT,
)

__all__ = [
    "LAYOUTS",
    "Detection",
    "Layout",
    "UnknownLayoutError",
    "detect_layout",
    "detections",
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


def detect_layout(text: str) -> Layout | None:
    """The layout `text` is written in, or None when no layout accepts it."""
    best: tuple[Layout, Detection] | None = None
    for layout in LAYOUTS:
        found = layout.detect(text)
        if found.accepted and (best is None or found.score > best[1].score):
            best = (layout, found)
    return best[0] if best else None


def parse_document(text: str, name: str, file_date: date | None = None) -> ParsedDocument:
    """Detect the layout of `text` and parse it.

    `file_date` (the file's own date) dates a document that gives no year of its own.
    Raises UnknownLayoutError with a one-line reason when no layout accepts the text, or
    when the layout that does finds no items in it.
    """
    layout = detect_layout(text)
    if layout is None:
        raise UnknownLayoutError(no_known_layout())
    document = layout.parse(text, name, file_date)
    if not document.items:
        raise UnknownLayoutError(
            f"looks like {_with_article(layout.label)} but no entries were found"
        )
    return document
