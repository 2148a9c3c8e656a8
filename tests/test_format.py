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
