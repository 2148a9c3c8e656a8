"""Parser speed and memory on hostile line shapes: the worst seconds and megabytes per MB.

    python bench/parser_speed.py [--mb 1.0] [--layout star_daily] [--json] [--top 5]

For each layout, a document is its seed's opening (so the layout's own structure is there)
followed by one line shape repeated to `--mb` megabytes: the crafted shapes below (the ones
that once made parsers quadratic or slow), every distinct line shape of the layout's seed and
variant fixtures, and each shape again with its line breaks removed (one huge line); with
`--distinct`, each copy of a shape is numbered, so that no line repeats the one before. Each
document is parsed by the layout's parser (detection run too) in a child process of its own,
so its peak memory is its own. Reported per layout: the worst seconds per MB and the worst
peak memory growth per MB of input, with the shapes that gave them. Times are CPU seconds of
the child (sanitising, detection and parsing). Target: ≤ 0.5 s/MB.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from store.parsers import LAYOUTS, detect_layout  # noqa: E402
from store.text.sanitize import strip_controls  # noqa: E402

SEEDS = {
    "equalocean_report": ("000_8dddf056b50c37f7.txt", 20),
    "caixin_listing": ("001_ce5775964d962981.txt", 12),
    "star_daily": ("002_db7f17587a9c4bfe.txt", 4),
    "search_digest": ("003_a6fe991c24fb0183.txt", 6),
}
CRAFTED = [
    "word and more\n", "a\n", "word and more\n\n", "- bullet point without end\n",
    "Group 1 - x [1] - y\n", "[x].\n", "Name Corp: claim\n",
    "Ding Yi / Jan 19, 2021 06:27 PM / Tech\n", "Alibaba (BABA: NYSE)\n",
    "Core Viewpoint - a - b - c\n", "the U.S. and the U.K. and Co. Ltd. Inc. ",
    "Sou Hu Cai Jing· 2025-08-19 04:05\n", "x" * 1000 + "\n", "( ( ( ( ( \n",
    "Author: " + "a " * 200 + "\n", "Alibaba (BABA: NYSE) Author: x (GMT+8) ",
    "Home >\n", "ALL CAPS HEADLINE WORDS HERE\n", "Briefs:\n", "Announcements\n",
    "Tencent (0700: HK) (BABA.US) 688001.SH (01810) SH688184 AAPL.O ", "March 26, 2025 ",
    "[1][2][3] - ", "①a；②b；", "By A, B and C / Mar 1, 2024 / Finance\n", "FINANCE\nMore\n",
]  # fmt: skip


def _shape(line: str) -> str:
    return re.sub(r"\d+", "9", re.sub(r"[^\W\d_]+", "a", line))


def shapes_of(layout: str) -> list[str]:
    """The crafted shapes and one line of each distinct shape of the layout's documents."""
    texts = [(ROOT / "seeds" / SEEDS[layout][0]).read_text(encoding="utf-8")]
    texts += [
        p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "tests" / "fixtures" / "variants" / layout).glob("*.txt"))
    ]
    units = list(CRAFTED)
    seen = set()
    for text in texts:
        for line in text.split("\n"):
            if line.strip() and _shape(line.strip()) not in seen:
                seen.add(_shape(line.strip()))
                units.append(line + "\n")
    return units + [unit.rstrip("\n") + " " for unit in units if unit.endswith("\n")]


def _measure(layout_name: str, text: str) -> tuple[float, int]:
    """Seconds and peak RSS (KB) of detecting and parsing `text`, in a child process."""
    layout = next(layout for layout in LAYOUTS if layout.name == layout_name)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: parse, report the time, exit
        os.close(read)
        start = time.process_time()  # CPU seconds: what other processes do does not count
        clean = strip_controls(text)
        detect_layout(clean)
        layout.parse(clean, "x.txt")
        elapsed = time.process_time() - start
        os.write(write, pickle.dumps(elapsed))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, _, usage = os.wait4(pid, 0)
    return pickle.loads(data) if data else float("inf"), usage.ru_maxrss


def _document(header: str, unit: str, mb: float, distinct: bool) -> str:
    """`header` and `unit` repeated to `mb` megabytes; with `distinct`, each copy numbered
    (so no copy repeats the one before and every line is parsed for itself)."""
    count = max(1, int(mb * 1_000_000 / max(1, len(unit.encode()) + (6 if distinct else 0))))
    if not distinct:
        return header + unit * count
    end = "\n" if unit.endswith("\n") else " "
    stem = unit.rstrip("\n")
    return header + "".join(f"{stem} {i}{end}" for i in range(count))


def run(mb: float, only: str | None = None, distinct: bool = False) -> dict[str, dict]:
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB, this process so far
    report: dict[str, dict] = {}
    for layout, (seed, head_lines) in SEEDS.items():
        if only and layout != only:
            continue
        seed_text = (ROOT / "seeds" / seed).read_text(encoding="utf-8")
        header = "\n".join(seed_text.split("\n")[:head_lines]) + "\n"
        rows = []
        for unit in shapes_of(layout):
            text = _document(header, unit, mb, distinct)
            size = len(text.encode()) / 1e6
            seconds, peak_kb = _measure(layout, text)
            rows.append((seconds / size, max(0, peak_kb - baseline) / 1024 / size, unit))
        worst_time = max(rows, key=lambda row: row[0])
        worst_memory = max(rows, key=lambda row: row[1])
        report[layout] = {
            "shapes": len(rows),
            "worst_s_per_mb": round(worst_time[0], 3),
            "worst_s_shape": worst_time[2][:60],
            "worst_mb_per_mb": round(worst_memory[1], 1),
            "worst_mb_shape": worst_memory[2][:60],
            "slowest": [(round(row[0], 3), row[2][:40]) for row in sorted(rows, reverse=True)[:5]],
        }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="size of each document")
    parser.add_argument("--layout", help="one layout only")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--distinct", action="store_true", help="number each copy of a shape (no two alike)"
    )
    args = parser.parse_args(argv)
    report = run(args.mb, args.layout, args.distinct)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    kind = "numbered copies" if args.distinct else "repeated"
    print(f"| layout | shapes | worst s/MB | shape | worst MB/MB | shape |  ({args.mb} MB, {kind})")
    print("| --- | --- | --- | --- | --- | --- |")
    for layout, row in report.items():
        print(
            f"| {layout} | {row['shapes']} | {row['worst_s_per_mb']} | {row['worst_s_shape']!r} "
            f"| {row['worst_mb_per_mb']} | {row['worst_mb_shape']!r} |"
        )
    for layout, row in report.items():
        print(f"{layout} slowest: {row['slowest']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
