"""Plain-text formatting for the reader: every document string stays data, never markup."""

from __future__ import annotations

from store.parsers.publishers import SHORT_PUBLISHERS

# What rich.text.Text strips (rich.control.STRIP_CONTROL_CODES: BEL, BS, VT, FF, CR), without
# importing rich.control and its styles into every one-shot command.
_STRIP_CONTROLS = dict.fromkeys((7, 8, 11, 12, 13))


def short_publisher(publisher: str) -> str:
    """A publisher's name for a narrow column ("Caixin Global" -> "Caixin")."""
    return SHORT_PUBLISHERS.get(publisher, publisher)


def date_of(published: str) -> str:
    """The date part of an ISO 8601 timestamp ("2022-04-01T14:30:00+08:00" -> "2022-04-01")."""
    return (published or "")[:10]


def when_of(published: str) -> str:
    """Date and time for the detail pane ("2022-04-01 14:30 +08:00"), or the date alone."""
    if not published:
        return ""
    if "T" not in published:
        return published
    date, _, rest = published.partition("T")
    time, zone = rest[:5], ""
    for sign in ("+", "-"):
        if sign in rest[5:]:
            zone = sign + rest[5:].split(sign, 1)[1]
            break
    if rest.endswith("Z"):
        zone = "UTC"
    return f"{date} {time} {zone}".strip()


def fit_cells(text: str, width: int) -> str:
    """`text` cropped (with an ellipsis) or padded to exactly `width` cells, as a plain string.

    A plain string, not a Text: the article list draws every visible row this way each frame.
    """
    if width <= 0:
        return ""
    text = text.translate(_STRIP_CONTROLS)  # as rich.text.Text does
    if text.isascii() and text.isprintable():  # one cell each; no need to import rich
        length = len(text)
        if length > width:
            return text[: width - 1] + "…"
    else:
        from rich.cells import cell_len, set_cell_size

        length = cell_len(text)
        if length > width:
            return set_cell_size(text, width - 1) + "…"
    return text + " " * (width - length) if length < width else text


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"
