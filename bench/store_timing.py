"""Store timings on synthetic data: ingest throughput, index load, get, one add, toggle.

.venv/bin/python bench/store_timing.py [N] [--keep PATH]
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from store.storage.store import Store

WORDS = [
    "china",
    "tech",
    "market",
    "shares",
    "rise",
    "fall",
    "quarter",
    "revenue",
    "profit",
    "chip",
    "ev",
    "battery",
    "cloud",
    "ai",
    "regulator",
    "beijing",
    "shanghai",
    "shenzhen",
    "listing",
    "bond",
    "yuan",
    "export",
    "import",
    "growth",
    "policy",
    "platform",
    "gaming",
    "payment",
    "retail",
    "robot",
    "solar",
    "steel",
    "property",
    "bank",
    "insurer",
    "fund",
    "index",
]
PUBLISHERS = ["Caixin Global", "EqualOcean", "STAR Market Daily"]
TICKERS = [f"{n:04d}.HK" for n in range(1, 200)] + [f"{n:06d}.SH" for n in range(600000, 600100)]


def synthetic_item(rng: random.Random, serial: int) -> dict:
    title = " ".join(rng.choices(WORDS, k=8)) + f" {serial}"
    body = " ".join(rng.choices(WORDS, k=170))  # ~1 KB
    day = 1 + serial % 28
    tickers = rng.sample(TICKERS, k=rng.randint(0, 3))
    return {
        "title": title.capitalize(),
        "publisher": rng.choice(PUBLISHERS),
        "published": f"2024-{1 + serial % 12:02d}-{day:02d}T{serial % 24:02d}:00:00+08:00",
        "body": f"{serial} {body}",
        "section": rng.choice(["Markets", "Tech", ""]),
        "authors": ["Reporter"],
        "related": [],
        "companies": [{"key": t, "name": f"Company {t}", "ticker": t} for t in tickers],
        "tickers": tickers,
    }


def synthetic_batch(rng: random.Random, start_doc: int, start_item: int, docs: int, per_doc: int):
    batch = []
    serial = start_item
    for d in range(docs):
        items = []
        for _ in range(per_doc):
            items.append(synthetic_item(rng, serial))
            serial += 1
        name = f"doc-{start_doc + d:06d}.txt"
        doc = {
            "name": name,
            "layout": "caixin_listing",
            "publisher": "Caixin Global",
            "title": name,
            "published": "2024-01-01",
            "preamble": "",
            "sha256": f"sha-{name}",
        }
        batch.append((doc, items))
    return batch, serial


COLD_OPEN = """
import time, json, sys
t = time.perf_counter()
from store.storage.store import Store
out = {"import": (time.perf_counter() - t) * 1000}
t = time.perf_counter()
store = Store(sys.argv[1])
out["open"] = (time.perf_counter() - t) * 1000
out["rows"] = len(store.index)
t = time.perf_counter()
store.index.rows_by_ticker, store.index.rows_by_company, store.index.rows_by_publisher
out["postings"] = (time.perf_counter() - t) * 1000
t = time.perf_counter()
store.get(store.index.ids[0])
out["get_first"] = (time.perf_counter() - t) * 1000
seg0 = store.index.segment[0]
same = [i for r, i in enumerate(store.index.ids) if store.index.segment[r] == seg0]
t = time.perf_counter()
for item_id in same[:200]:
    store.get(item_id)
out["get_warm"] = (time.perf_counter() - t) * 1000 / len(same[:200])
print(json.dumps(out))
"""

COLD_ADD = """
import time, json, sys, random
sys.path.insert(0, "bench")
from store_timing import synthetic_batch
from store.storage.store import Store
rng = random.Random(5)
first, _ = synthetic_batch(rng, DOC, SERIAL, 1, 30)
second, _ = synthetic_batch(rng, DOC + 1, SERIAL + 30, 1, 30)
t = time.perf_counter()
store = Store(sys.argv[1])
result = store.add_documents(first)
out = {"add": (time.perf_counter() - t) * 1000, "new": result[0].new, "rows": len(store.index)}
t = time.perf_counter()
store.add_documents(second)
out["add2"] = (time.perf_counter() - t) * 1000
print(json.dumps(out))
"""


def run_cold(root: Path, script: str) -> dict:
    """Run `script` in a fresh interpreter (a truly cold start) and return its JSON output."""
    repo = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", script, str(root)],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 100_000
    root = Path(tempfile.mkdtemp(prefix="newsdesk-bench-")) / "store"
    if "--keep" in sys.argv:
        root = Path(sys.argv[sys.argv.index("--keep") + 1])
    rng = random.Random(7)
    store = Store(root)
    per_doc, docs_per_batch = 30, 30
    serial = doc = 0
    started = time.perf_counter()
    while serial < n:
        batch, serial = synthetic_batch(rng, doc, serial, docs_per_batch, per_doc)
        doc += docs_per_batch
        store.add_documents(batch)
    elapsed = time.perf_counter() - started
    print(f"ingest: {serial} items in {elapsed:.1f} s = {serial / elapsed:,.0f} items/s")

    del store
    index_bytes = sum(p.stat().st_size for p in root.glob("index-*"))
    print(f"index: {index_bytes / 1e6:.1f} MB")
    cold = run_cold(root, COLD_OPEN)
    print(
        f"cold process: import store.storage.store {cold['import']:.0f} ms, open store (index) "
        f"{cold['open']:.0f} ms, postings {cold['postings']:.0f} ms, {cold['rows']} rows"
    )
    print(
        f"cold process: first get() (segment load) {cold['get_first']:.1f} ms, "
        f"get() from a loaded segment {cold['get_warm']:.3f} ms"
    )
    cold = run_cold(root, COLD_ADD.replace("SERIAL", str(serial)).replace("DOC", str(doc)))
    serial += 60
    print(
        f"cold process: Store() + one 30-item document into {cold['rows']} items: "
        f"{cold['add']:.0f} ms (new={cold['new']}); a second one, warm: {cold['add2']:.0f} ms"
    )
    fresh = Store(root)
    ids = fresh.index.ids
    times = []
    for item_id in ids[:50]:
        started = time.perf_counter()
        fresh.state.toggle_bookmark(item_id)
        times.append(time.perf_counter() - started)
    times.sort()
    print(f"toggle bookmark: median {times[25] * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms")
    reader = Store(root)
    fresh.add_documents(synthetic_batch(rng, doc + 5, serial, 1, 30)[0])
    started = time.perf_counter()
    changed = reader.refresh()
    print(f"refresh after change: {(time.perf_counter() - started) * 1000:.0f} ms ({changed})")
    started = time.perf_counter()
    for _ in range(100):
        reader.refresh()
    print(f"refresh, nothing changed: {(time.perf_counter() - started) * 10:.2f} ms")
    started = time.perf_counter()
    count = sum(1 for _ in reader.iter_records())
    print(f"iter_records: {count} in {time.perf_counter() - started:.2f} s")
    print(f"store: {root}")


if __name__ == "__main__":
    main()
