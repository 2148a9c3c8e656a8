"""The private Textual API the reader uses, each beside its public fallback.

Each shortcut was checked against Textual 8.2.8 and is taken only on that major version
(`textual_checked()`), and only while the private name is there; otherwise the public way
runs (slower per keystroke, the same on screen). tests/test_app.py runs both ways.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from textual.content import Content
from textual.geometry import Region
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.geometry import Size

CHECKED_TEXTUAL_MAJOR = 8


@functools.cache
def textual_checked() -> bool:
    """Whether the installed Textual has the major version the shortcuts were checked on.

    Asked when a shortcut is first wanted (importlib.metadata is ~15 ms of imports a start
    does not need before its first frame; the reader's warm-up worker asks it then)."""
    from importlib.metadata import version

    return version("textual").split(".")[0] == str(CHECKED_TEXTUAL_MAJOR)


def fast_scroll_update() -> bool:
    """`Widget._scroll_update(virtual_size)`: the scrollbars updated and scroll_y kept in
    range without a layout of the whole screen (public: assign `virtual_size`)."""
    return textual_checked() and callable(getattr(Widget, "_scroll_update", None))


def fast_border_subtitle() -> bool:
    """`Widget._border_subtitle`, where the `border_subtitle` setter keeps the rendered
    subtitle (public: the setter, which repaints every line of the widget)."""
    return textual_checked() and "_border_subtitle" in Widget.__init__.__code__.co_names


def set_border_subtitle(widget: Widget, subtitle: str) -> None:
    """Set `widget`'s border subtitle (plain text, never markup), repainting only the bottom
    line of its border where the shortcut is taken: the article count changes with every
    filter run, and a repaint of the whole pane cost ~3 ms of each keystroke at 140x40."""
    content = Content(subtitle)
    height = widget.outer_size.height
    if not height or not fast_border_subtitle():
        widget.border_subtitle = content
        return
    # what the setter stores (Textual 8.2.8, widget._BorderTitle.__set__)
    widget._border_subtitle = widget.render_str(content).expand_tabs(4).split()[0]
    offset = widget.content_offset  # refresh() takes regions relative to the content
    widget.refresh(Region(-offset.x, height - 1 - offset.y, widget.outer_size.width, 1))


def scroll_update(widget: Widget, size: Size) -> None:
    """Set a laid-out scroll view's virtual size without a layout of the whole screen (the
    view keeps its own size; only a scrollbar appearing or going needs a layout, and its
    own reactive asks for one)."""
    if not fast_scroll_update():
        widget.virtual_size = size
        return
    widget.set_reactive(Widget.virtual_size, size)
    widget._scroll_update(size)  # scrollbars, and scroll_y kept within the new range
