"""Short publisher names: the light table the reader uses equals what the layouts declare."""

from __future__ import annotations

import subprocess
import sys

from store.parsers import LAYOUTS
from store.parsers.publishers import SHORT_PUBLISHERS


def test_the_short_name_table_is_the_layouts_own():
    declared = {layout.publisher: layout.short_publisher for layout in LAYOUTS}
    assert declared == SHORT_PUBLISHERS


def test_showing_a_publisher_imports_no_parser():
    code = (
        "import sys, tui.format\n"
        "assert tui.format.short_publisher('Caixin Global') == 'Caixin'\n"
        "bad = [m for m in sys.modules if m.startswith('store.parsers.') and "
        "m != 'store.parsers.publishers']\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
