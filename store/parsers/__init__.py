"""Text → ParsedDocument: one module per layout, and the registry that picks one."""

from store.parsers.layout import Detection, Layout, UnknownLayoutError
from store.parsers.registry import LAYOUTS, detect_layout, parse_document

__all__ = [
    "LAYOUTS",
    "Detection",
    "Layout",
    "UnknownLayoutError",
    "detect_layout",
    "parse_document",
]
