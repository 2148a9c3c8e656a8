"""Plain-text formatting for the reader (tui/format.py): cells, not characters."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.text import Text

from tui.format import fit_cells


@pytest.mark.parametrize("width", [0, 1, 2, 3, 5, 8, 13])
@pytest.mark.parametrize(
    "text", ["", "abc", "abcdefghijklmnop", "腾讯控股", "a腾b讯c", "x\ry\x07z", "…★●"]
)
def test_fit_cells_crops_with_an_ellipsis_or_pads_to_exactly_the_width(text, width):
    fitted = fit_cells(text, width)
    assert cell_len(fitted) == width
    reference = Text(text, no_wrap=True, end="")  # what rich itself does
    if width > 0:
        reference.truncate(width, overflow="ellipsis", pad=True)
        assert fitted == reference.plain


def test_fit_cells_strips_the_controls_rich_strips():
    """fit_cells strips what rich.text.Text strips, without importing rich.control."""
    from rich.control import STRIP_CONTROL_CODES

    from tui.format import fit_cells

    for code in range(32):
        expected = "ab " if code in STRIP_CONTROL_CODES else None
        fitted = fit_cells(f"a{chr(code)}b", 3)
        if expected is not None:
            assert fitted == expected, code
        else:
            assert chr(code) in fitted, code
