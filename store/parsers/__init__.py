"""Text → ParsedDocument: one module per layout, and the registry that picks one.

The names below load on first use (PEP 562), so importing a light module of this package
(`store.parsers.publishers`) does not compile every layout's patterns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_FROM_LAYOUT = {"Detection", "Layout", "UnknownLayoutError"}


def __getattr__(name: str) -> Any:
    if name in _FROM_LAYOUT:
        from store.parsers import layout

        return getattr(layout, name)
    if name in __all__:
        from store.parsers import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
