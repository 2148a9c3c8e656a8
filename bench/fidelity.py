"""Parser fidelity: how much of what a careful reader extracts the parsers get, per layout and
field, over the seeds and the variant fixtures; and how many near-miss files are refused.

    python bench/fidelity.py [--misses] [--json]

Expectations: `tests/fixtures/variants/<layout>/<slug>.json` beside each variant (format in
`tests/fixtures/README.md`) and `tests/fixtures/seeds/<seed>.json` for the seeds. Each
document is parsed through the registry (`parse_document`, with the expectation's
`file_date`), as ingest does. Each expected item is paired with the parsed item of the same
title, else the one whose body starts as expected; an expected item with no partner counts
as a miss in every field, and a parsed item no expectation pairs with is counted as extra.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from store.model import ParsedItem  # noqa: E402
from store.parsers import UnknownLayoutError, parse_document  # noqa: E402
from store.text.prose import fold  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "seeds"
FIELDS = (
    "title", "publisher", "published", "authors", "section", "tickers", "body_start",
    "date_inferred",
)  # fmt: skip
LAYOUT_ORDER = ("equalocean_report", "caixin_listing", "star_daily", "search_digest")

_CITATION = re.compile(r"\[\d{1,3}(?:\s*[,，-]\s*\d{1,3})*\]")


def _letters(text: str) -> str:
    """Only the letters and digits of `text`, case-folded, citation marks dropped: a body is
    compared with what the document writes whatever its punctuation became."""
    return "".join(ch for ch in _CITATION.sub("", text).casefold() if ch.isalnum())


def item_values(item: ParsedItem) -> dict[str, object]:
    """A parsed item's values in the expectation's terms."""
    return {
        "title": fold(item.title),
        "publisher": item.publisher,
        "published": item.published,
        "authors": list(item.authors),
        "section": item.section,
        "tickers": sorted({m.ticker for m in item.mentions if m.ticker}),
        "body": " ".join(item.body),
        "date_inferred": bool(getattr(item, "date_inferred", False)),
    }


def field_matches(name: str, expected: object, got: dict[str, object]) -> bool:
    if name == "body_start":
        return _letters(str(got["body"])).startswith(_letters(str(expected)))
    if name == "title":
        return fold(str(expected)) == got["title"]
    if name == "tickers":
        return sorted(expected) == got["tickers"]  # type: ignore[call-overload]
    return expected == got[name]


@dataclass
class Document:
    path: Path
    layout: str
    file_date: date | None
    expected: list[dict]


@dataclass
class Tally:
    documents: int = 0
    refused: int = 0
    expected: int = 0
    paired: int = 0
    extra: int = 0
    checked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    matched: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)

    def share(self, name: str) -> float | None:
        return self.matched[name] / self.checked[name] if self.checked[name] else None


def documents() -> list[Document]:
    """Every document with expectations: the seeds, then the variants."""
    found = []
    pairs = sorted((FIXTURES / "seeds").glob("*.json")) + sorted(
        (FIXTURES / "variants").glob("*/*.json")
    )
    for expectation in pairs:
        spec = json.loads(expectation.read_text(encoding="utf-8"))
        text_path = expectation.with_suffix(".txt")
        if expectation.parent.name == "seeds":
            text_path = SEEDS / f"{expectation.stem}.txt"
        file_date = date.fromisoformat(spec["file_date"]) if spec.get("file_date") else None
        found.append(Document(text_path, spec["layout"], file_date, spec["items"]))
    return found


def _pair(expected: list[dict], got: list[dict[str, object]]) -> list[int | None]:
    """For each expected item, the index of its parsed partner (each used once)."""
    free = set(range(len(got)))
    partners: list[int | None] = [None] * len(expected)
    for rule in ("title", "body_start"):
        for i, want in enumerate(expected):
            if partners[i] is not None:
                continue
            for j in sorted(free):
                if field_matches(rule, want[rule], got[j]):
                    partners[i] = j
                    free.discard(j)
                    break
    return partners


def measure(docs: list[Document] | None = None) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    for doc in docs if docs is not None else documents():
        tally = tallies.setdefault(doc.layout, Tally())
        tally.documents += 1
        tally.expected += len(doc.expected)
        text = doc.path.read_text(encoding="utf-8")
        try:
            parsed = parse_document(text, doc.path.name, doc.file_date)
            got = [item_values(item) for item in parsed.items]
            if parsed.layout != doc.layout:
                tally.misses.append(f"{doc.path.name}: detected as {parsed.layout}")
                got = []
        except UnknownLayoutError as error:
            tally.refused += 1
            tally.misses.append(f"{doc.path.name}: refused: {error}")
            got = []
        partners = _pair(doc.expected, got)
        tally.extra += len(got) - sum(p is not None for p in partners)
        for want, partner in zip(doc.expected, partners, strict=True):
            tally.paired += partner is not None
            for name in FIELDS:
                if name not in want:
                    continue  # e.g. no publisher where a source line names none
                tally.checked[name] += 1
                if partner is not None and field_matches(name, want[name], got[partner]):
                    tally.matched[name] += 1
                else:
                    value = (
                        got[partner]["body" if name == "body_start" else name]
                        if (partner is not None)
                        else "(no such item)"
                    )
                    tally.misses.append(
                        f"{doc.path.name}: {name}: expected {want[name]!r}, got {value!r}"[:300]
                    )
    return tallies


def near_misses() -> tuple[int, int, list[str]]:
    """(files, refused, the files stored) over `tests/fixtures/nearmiss/`."""
    files = sorted(p for p in (FIXTURES / "nearmiss").iterdir() if p.is_file())
    stored = []
    for path in files:
        try:
            parse_document(path.read_text(encoding="utf-8", errors="replace"), path.name)
            stored.append(path.name)
        except UnknownLayoutError:
            pass
    return len(files), len(files) - len(stored), stored


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.1f}%"


def table(tallies: dict[str, Tally], nearmiss: tuple[int, int, list[str]]) -> str:
    layouts = [name for name in LAYOUT_ORDER if name in tallies] + sorted(
        set(tallies) - set(LAYOUT_ORDER)
    )
    head = ["layout", "docs", "items", "found", "extra", *FIELDS]
    rows = [head, ["---"] * len(head)]
    for name in layouts:
        t = tallies[name]
        rows.append([
            name, str(t.documents), str(t.expected), str(t.paired), str(t.extra),
            *(_percent(t.share(f)) for f in FIELDS),
        ])  # fmt: skip
    total = Tally()
    for t in tallies.values():
        total.documents += t.documents
        total.expected += t.expected
        total.paired += t.paired
        total.extra += t.extra
        for f in FIELDS:
            total.checked[f] += t.checked[f]
            total.matched[f] += t.matched[f]
    rows.append([
        "all", str(total.documents), str(total.expected), str(total.paired), str(total.extra),
        *(_percent(total.share(f)) for f in FIELDS),
    ])  # fmt: skip
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    files, refused, _ = nearmiss
    lines.append("")
    lines.append(f"near-miss files refused: {refused} of {files} ({_percent(refused / files)})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every value missed")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    tallies = measure()
    nearmiss = near_misses()
    if args.json:
        report = {
            "layouts": {
                name: {
                    "documents": t.documents,
                    "items": t.expected,
                    "found": t.paired,
                    "extra": t.extra,
                    "fields": {f: t.share(f) for f in FIELDS},
                }
                for name, t in tallies.items()
            },
            "nearmiss": {"files": nearmiss[0], "refused": nearmiss[1], "stored": nearmiss[2]},
        }
        print(json.dumps(report))
        return 0
    print(table(tallies, nearmiss))
    if args.misses:
        for name, t in tallies.items():
            for miss in t.misses:
                print(f"{name}: {miss}")
        for stored in nearmiss[2]:
            print(f"near-miss stored: {stored}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
