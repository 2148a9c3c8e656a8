"""Child process of the benchmark: the real `newsdesk --db STORE` reader, headless, timed.

    python bench/reader_probe.py STORE SPAWN_TIME [QUERY]

SPAWN_TIME is the parent's `time.time()` just before it spawned this process, so the figure
includes interpreter start-up and every import. The reader starts through `tui.cli.parser.main`
exactly as the `newsdesk` command does; the only changes are that `App.run` is made headless
(140x40), so the reader's terminal check is answered yes, and the article list reports the
first frame in which it painted rows. After that the probe types QUERY into the filter (if
given) and waits for the list to repaint, so the peak RSS covers a filter run too. Prints one JSON
object:
`{"cold_start_s": …, "filter_s": …, "peak_rss_mb": …}`.
"""

from __future__ import annotations

import sys
import time

SPAWN = float(sys.argv[2])
STORE = sys.argv[1]
QUERY = sys.argv[3] if len(sys.argv) > 3 else ""

import json  # noqa: E402
import resource  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tui.app  # noqa: E402
from tui.widgets.article_list import ArticleList  # noqa: E402

found: dict[str, float] = {}
_render_lines = ArticleList.render_lines
_set_rows = ArticleList.set_rows
_run = tui.app.NewsdeskApp.run


def render_lines(self, crop):
    lines = _render_lines(self, crop)
    if self.rows and "cold_start_s" not in found:
        found["cold_start_s"] = time.time() - SPAWN
        self.app.call_later(after_first_paint, self.app)
    elif "typed" in found and "rows_set" in found and "filter_s" not in found:
        found["filter_s"] = time.perf_counter() - found["typed"]
        self.app.call_later(self.app.exit)
    return lines


def set_rows(self, *args, **kwargs):
    if "typed" in found:
        found["rows_set"] = time.perf_counter()
    return _set_rows(self, *args, **kwargs)


def after_first_paint(app) -> None:
    if not QUERY:
        app.exit()
        return
    app.set_timer(10, app.exit)  # never hang the benchmark
    found["typed"] = time.perf_counter()
    app.reader.filter_input.value = QUERY


def run(self, *args, **kwargs):
    kwargs["headless"] = True
    kwargs.setdefault("size", (140, 40))
    return _run(self, *args, **kwargs)


ArticleList.render_lines = render_lines
ArticleList.set_rows = set_rows
tui.app.NewsdeskApp.run = run

import tui.cli.parser  # noqa: E402

tui.cli.parser.has_terminal = lambda: True  # headless: the app draws to no terminal
main = tui.cli.parser.main

code = main(["--db", STORE])
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
found.pop("typed", None)
found.pop("rows_set", None)
print(json.dumps({**found, "peak_rss_mb": peak_kb / 1024, "exit": code}))
