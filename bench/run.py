"""The newsdesk benchmark: a synthetic corpus of N items, then the figures users feel.

    python bench/run.py --n 10000 [--runs 3] [--json] [--keep DIR] [--seed 0]
    python bench/run.py --n 1000000        # the corpus is cached in bench/out/cache
    python bench/run.py --scaling          # the saved results side by side, with growth

Generates N items in the seed layouts (bench/corpus.py; not timed), checks the real parsers
find them, then measures (each the median of --runs runs unless said otherwise):

ingest_items_per_s  `newsdesk ingest CORPUS --db EMPTY` wall time (subprocess), items / s
cold_start_s        spawn of a fresh `newsdesk --db STORE` reader (headless) until the article
                    list has painted its first rows (bench/reader_probe.py)
filter_p50_ms/p95   in a Pilot session, over the filter queries: from the moment the filter's
                    debounce fires (ReaderScreen._apply_filter: search in the worker thread,
                    FilterChanged, ArticleList.set_rows) until the article list has rendered
                    its visible lines with the new rows; the 0.1 s debounce itself is excluded
                    (details: the same again after opening 50 items in the session, which
                    loads their segments: filter_after_opening_p50_ms / _p95_ms)
bookmark_ms         store.state.toggle_bookmark(id) (it locks, writes, fsyncs, returns)
search_cli_s        `newsdesk search QUERY --db STORE` wall time, stdout to a pipe
list_cli_s          `newsdesk list --limit 20 --db STORE` wall time, stdout to a pipe
add_document_s      `newsdesk ingest one.txt --db STORE` of one new 30-item document into a copy
                    of the full store, wall time (in-process ingest_paths in details)
peak_rss_mb         peak RSS of the reader child (first paint plus one filter run)

Progress goes to stderr; with --json, stdout holds exactly one JSON object. Each run's result
is saved as bench/out/cache/result-N.json for the scaling table (--scaling), and the corpus
of N items (seed S) is kept in bench/out/cache/corpus-N-S, so a rerun does not write it again.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import (  # noqa: E402
    SPAN_DAYS,
    START,
    Corpus,
    GeneratedDocument,
    generate_corpus,
    parse_counts,
)

KEYS = (
    "n", "ingest_items_per_s", "cold_start_s", "filter_p50_ms", "filter_p95_ms", "bookmark_ms",
    "search_cli_s", "list_cli_s", "add_document_s", "peak_rss_mb",
)  # fmt: skip

# Typed into the reader's filter: names, typos, every ticker spelling, Chinese, pinyin, words.
FILTER_QUERIES = (
    "tencent", "tencnt", "Tencent Holdings", "alibaba", "alibba", "Alibaba Group", "0700",
    "700 HK", "00700.HK", "HK:0700", "9988", "9988.HK", "BABA", "688981", "sh688981",
    "0981.HK", "腾讯", "联想", "中芯国际", "阿里巴巴", "小米", "比亚迪", "宁德时代", "tengxun",
    "lianxiang", "zhongxin guoji", "xiaomi", "xiaomi 1810", "1810", "byd", "BYD 1211",
    "002594", "catl", "300750", "ningde shidai", "baidu", "BIDU", "meituan", "3690", "nio",
    "xpeng", "li auto", "smic", "lenovo", "lenvo", "hikvison", "luxshre", "sensetime",
    "kuaishou", "netease", "jd.com", "pdd", "600941", "china mobile", "china telcom",
    "hua hong", "cambricon", "goertek", "lidar sensor", "humanoid robot", "battery plant",
    "buy back", "series b", "fined", "Shanghai", "leadership reshuffle", "hong kong listing",
)  # fmt: skip
FILTER_AFTER_OPENING = 50  # items opened (segments loaded) before the second filter run
SEARCH_CLI_QUERIES = ("Tencent", "0700.HK", "腾讯", "lidar sensor", "alibba")

# metric -> (comparison, target up to 100k items, target at 1M) (issue 11)
TARGETS: dict[str, tuple[str, float, float]] = {
    "ingest_items_per_s": (">=", 5000, 5000),
    "cold_start_s": ("<=", 0.4, 0.8),
    "filter_p95_ms": ("<=", 20, 50),
    "bookmark_ms": ("<=", 30, 30),
    "search_cli_s": ("<=", 0.2, 0.5),
    "list_cli_s": ("<=", 0.15, 0.25),
    "add_document_s": ("<=", 0.3, 0.5),
    "peak_rss_mb": ("<=", 150, 600),
}
CACHE = ROOT / "bench" / "out" / "cache"


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def newsdesk_command() -> list[str]:
    """The installed `newsdesk` entry point next to this Python, else `python -m tui.cli`."""
    beside = Path(sys.executable).parent / "newsdesk"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("newsdesk")
    return [found] if found else [sys.executable, "-m", "tui.cli"]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("NEWSDESK_DB", None)
    # an installed newsdesk has its bytecode compiled: measure that, not recompiling each start
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


# CPU seconds (user + system) of each command timed_command ran, by what it was: on a
# machine other work shares, wall time grows with the load, CPU time much less.
CPU_SECONDS: dict[str, list[float]] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_command(args: Sequence[str], what: str) -> float:
    """Wall time of a command, stdout and stderr to pipes; raises when it fails."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, env=child_env(), cwd=ROOT)
    elapsed = time.perf_counter() - start
    CPU_SECONDS.setdefault(what, []).append(_children_cpu() - cpu)
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-5:]
        raise RuntimeError(f"{what} failed ({done.returncode}): " + " | ".join(tail))
    return elapsed


def copy_store(source: Path, target: Path) -> Path:
    """A copy of a store, written out to disk before it is used: the command timed next
    fsyncs its own files and must not wait for the copy's writeback."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".lock"))
    os.sync()
    return target


# ----------------------------------------------------------------------------- measurements


def measure_ingest(corpus: Corpus, work: Path, runs: int) -> tuple[float, Path, list[float]]:
    """Items/s of `newsdesk ingest` into an empty store; the first store is kept."""
    times = []
    kept: Path | None = None
    for run in range(runs):
        target = work / f"store-{run}"
        if target.exists():
            shutil.rmtree(target)
        elapsed = timed_command(
            [*newsdesk_command(), "ingest", str(corpus.root), "--db", str(target)], "ingest"
        )
        times.append(elapsed)
        progress(f"ingest run {run + 1}/{runs}: {elapsed:.2f} s ({corpus.items / elapsed:,.0f}/s)")
        if kept is None:
            kept = target
        else:
            shutil.rmtree(target)
    assert kept is not None
    return corpus.items / median(times), kept, times


def measure_cold_start(store: Path, runs: int) -> tuple[float, float, list[dict]]:
    probe = Path(__file__).resolve().parent / "reader_probe.py"
    reports = []
    for run in range(runs):
        spawn = time.time()
        done = subprocess.run(
            [sys.executable, str(probe), str(store), repr(spawn), "tencent"],
            capture_output=True,
            env=child_env(),
            cwd=ROOT,
            timeout=120,
        )
        lines = done.stdout.decode(errors="replace").strip().splitlines()
        if done.returncode != 0 or not lines:
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-5:]
            raise RuntimeError("reader probe failed: " + " | ".join(tail))
        report = json.loads(lines[-1])
        if "cold_start_s" not in report:
            raise RuntimeError(f"reader probe never painted the article list: {report}")
        reports.append(report)
        progress(
            f"cold start run {run + 1}/{runs}: {report['cold_start_s']:.3f} s, "
            f"peak RSS {report['peak_rss_mb']:.0f} MB"
        )
    cold = median([r["cold_start_s"] for r in reports])
    rss = max(r["peak_rss_mb"] for r in reports)
    return cold, rss, reports


def measure_search(store_path: Path, queries: Sequence[str]) -> list[float]:
    """Pure `search()` over the index (no UI), ms per query."""
    from store.entities.companies import CompanyDirectory
    from store.search import search
    from store.storage.store import Store

    store = Store(store_path)
    index = store.index
    directory = CompanyDirectory.for_store(store)
    search(index, directory, "warm up")
    times = []
    for query in queries:
        start = time.perf_counter()
        search(index, directory, query)
        times.append((time.perf_counter() - start) * 1000)
    return times


async def _filter_session(store_path: Path, queries: Sequence[str], opened: int = 0) -> list[float]:
    from store.storage.store import Store
    from tui.app import NewsdeskApp

    app = NewsdeskApp(Store(store_path))
    times: list[float] = []
    async with app.run_test(headless=True, size=(140, 40)) as pilot:
        await pilot.pause()
        screen = app.reader
        # `opened` items shown first, spread over the list (each loads its corpus segment):
        # what a session has done before the filter is typed into
        rows = screen.articles.rows
        for row in rows[:: max(1, len(rows) // opened)][:opened] if opened else ():
            screen.open_item(app.store.index.ids[row])
            await pilot.pause()
        articles = screen.articles
        marks: dict[str, float] = {}
        done = asyncio.Event()
        apply_filter, set_rows, render_lines = (
            screen._apply_filter,
            articles.set_rows,
            articles.render_lines,
        )

        def timed_apply_filter(*args, **kwargs):
            marks["start"] = time.perf_counter()
            return apply_filter(*args, **kwargs)

        def timed_set_rows(*args, **kwargs):
            if "start" in marks:
                marks["rows"] = time.perf_counter()
            return set_rows(*args, **kwargs)

        def timed_render_lines(crop):
            lines = render_lines(crop)
            if "rows" in marks and "painted" not in marks:
                marks["painted"] = time.perf_counter()
                done.set()
            return lines

        # Instance attributes: the debounce timer, the message handler and the compositor
        # all look these up on the instance.
        screen._apply_filter = timed_apply_filter
        articles.set_rows = timed_set_rows
        articles.render_lines = timed_render_lines
        screen.filter_input.focus()
        await pilot.pause()
        for query in queries:
            marks.clear()
            done.clear()
            screen.filter_input.value = query
            try:
                await asyncio.wait_for(done.wait(), timeout=30)
            except TimeoutError as exc:
                raise RuntimeError(f"the list never repainted after filter {query!r}") from exc
            times.append((marks["painted"] - marks["start"]) * 1000)
        await pilot.pause()
    return times


def measure_filter(store_path: Path, queries: Sequence[str], opened: int = 0) -> list[float]:
    return asyncio.run(_filter_session(store_path, queries, opened))


def measure_bookmark(store_path: Path, count: int) -> list[float]:
    from store.storage.store import Store

    store = Store(store_path)
    ids = list(store.index.ids[:count])
    times = []
    for item_id in ids + ids:  # on, then off again
        start = time.perf_counter()
        store.state.toggle_bookmark(item_id)
        times.append((time.perf_counter() - start) * 1000)
    return times


def measure_search_cli(store: Path, runs: int) -> list[float]:
    times = []
    for query in SEARCH_CLI_QUERIES:
        for _ in range(runs):
            times.append(
                timed_command([*newsdesk_command(), "search", query, "--db", str(store)], "search")
            )
        progress(f"search {query!r}: {median(times[-runs:]):.3f} s")
    return times


def measure_list_cli(store: Path, runs: int) -> list[float]:
    command = [*newsdesk_command(), "list", "--limit", "20", "--db", str(store)]
    times = [timed_command(command, "list") for _ in range(runs)]
    progress(f"list --limit 20: {median(times):.3f} s")
    return times


def measure_add_document(
    store: Path, document: Path, work: Path, runs: int
) -> tuple[list[float], list[float]]:
    """Command and in-process times of adding one new document to copies of the store."""
    from store.ingest import ingest_paths
    from store.storage.store import Store

    command, in_process = [], []
    for run in range(runs):
        copy = copy_store(store, work / "add-copy")
        command.append(
            timed_command([*newsdesk_command(), "ingest", str(document), "--db", str(copy)], "add")
        )
        copy = copy_store(store, work / "add-copy")
        start = time.perf_counter()
        results = ingest_paths(Store(copy), [document])
        in_process.append(time.perf_counter() - start)
        if not all(r.ok and r.new for r in results):
            raise RuntimeError(f"adding the new document failed: {results}")
        progress(
            f"add document run {run + 1}/{runs}: command {command[-1]:.3f} s, "
            f"in-process {in_process[-1]:.3f} s"
        )
    shutil.rmtree(work / "add-copy", ignore_errors=True)
    return command, in_process


# ----------------------------------------------------------------------------- reporting


def verdict(key: str, value: float, n: int) -> tuple[str, bool | None]:
    if key not in TARGETS:
        return "", None
    op, small, large = TARGETS[key]
    target = small if n <= 100_000 else large
    ok = value >= target if op == ">=" else value <= target
    if key in ("ingest_items_per_s", "peak_rss_mb"):
        unit = {"ingest_items_per_s": " items/s", "peak_rss_mb": " MB"}[key]
    else:
        unit = " ms" if key.endswith("_ms") else " s"
    return f"{op} {target:,g}{unit}", ok


def print_table(result: dict, notes: dict[str, str]) -> None:
    from rich.console import Console
    from rich.table import Table

    n = result["n"]
    table = Table(title=f"newsdesk benchmark · N = {n:,}")
    for column in ("metric", "value", "target", "", "how"):
        table.add_column(column, justify="right" if column == "value" else "left")
    for key in KEYS[1:]:
        value = result[key]
        target, ok = verdict(key, value, n)
        mark = "" if ok is None else ("[green]✓[/]" if ok else "[red]✗[/]")
        shown = f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
        table.add_row(key, shown, target, mark, notes.get(key, ""))
    Console(width=None if sys.stdout.isatty() else 120).print(table)


def rounded(value: float) -> float:
    return float(f"{value:.4g}")


CACHED_FROM = 50_000  # corpora this big are kept in CACHE and reused
SAVED_FROM = 10_000  # results of runs this big are kept in CACHE for the scaling table


def cached_corpus(args: argparse.Namespace, work: Path) -> tuple[Corpus, Path, dict]:
    """The corpus of --n items (written, or read back from the cache), the extra document
    to add, and the parsers' counts per layout."""
    n, seed = args.n, args.seed
    folder = CACHE / f"corpus-{n}-{seed}" if n >= CACHED_FROM else work / "corpus"
    described = folder / "corpus.json"
    if described.exists():
        data = json.loads(described.read_text())
        corpus = Corpus(root=folder / "items", seed=seed)
        corpus.documents = [
            GeneratedDocument(
                folder / "items" / name, layout, items, reprints, datetime.fromisoformat(when)
            )
            for name, layout, items, reprints, when in data["documents"]
        ]
        progress(f"reusing the corpus of {corpus.items:,} items in {folder}")
        return corpus, folder / "extra" / data["extra"], data["counts"]
    progress(f"generating {n:,} items (seed {seed}) in {folder}")
    started = time.perf_counter()
    corpus = generate_corpus(n, folder / "items", seed)
    extra = generate_corpus(
        30,
        folder / "extra",
        seed + 1,
        start=START + timedelta(days=SPAN_DAYS + 1),
        span_days=1,
        per_document=(30, 30),
        prefix="extra-",
    )
    progress(
        f"{len(corpus.documents)} documents, {corpus.items:,} items, {corpus.reprints:,} "
        f"reprints ({time.perf_counter() - started:.1f} s, not timed)"
    )
    counts = parse_counts(corpus)
    data = {
        "documents": [
            [d.path.name, d.layout, d.items, d.reprints, d.published.isoformat()]
            for d in corpus.documents
        ],
        "extra": extra.paths[0].name,
        "counts": counts,
    }
    described.write_text(json.dumps(data))
    return corpus, extra.paths[0], counts


def save_result(result: dict) -> None:
    if result["n"] >= SAVED_FROM:
        CACHE.mkdir(parents=True, exist_ok=True)
        (CACHE / f"result-{result['n']}.json").write_text(json.dumps(result, indent=1))


def print_scaling() -> int:
    """The saved results side by side (10k → 100k → 1M), with each figure's growth."""
    from rich.console import Console
    from rich.table import Table

    results = sorted(
        (json.loads(p.read_text()) for p in CACHE.glob("result-*.json")), key=lambda r: r["n"]
    )
    if not results:
        print(f"no saved results in {CACHE}: run bench/run.py --n N first", file=sys.stderr)
        return 1
    table = Table(title="newsdesk benchmark · scaling")
    table.add_column("metric")
    for i, result in enumerate(results):
        table.add_column(f"N = {result['n']:,}", justify="right")
        if i:
            table.add_column("×", justify="right")
    for key in KEYS[1:]:
        cells = []
        for i, result in enumerate(results):
            value = result.get(key)
            cells.append("" if value is None else f"{value:,.4g}")
            if i:
                before = results[i - 1].get(key)
                grew = value / before if value and before else None
                cells.append("" if grew is None else f"{grew:.2f}")
        table.add_row(key, *cells)
    Console(width=None if sys.stdout.isatty() else 140).print(table)
    return 0


def run_benchmark(args: argparse.Namespace, work: Path) -> tuple[dict, dict[str, str]]:
    n, runs = args.n, args.runs
    ingest_runs = args.ingest_runs or (runs if n <= 20_000 else 1)
    details: dict = {"seed": args.seed, "runs": runs, "ingest_runs": ingest_runs}
    notes: dict[str, str] = {}

    corpus, document, counts = cached_corpus(args, work)
    details["documents"] = len(corpus.documents)
    details["reprints"] = corpus.reprints

    intended = sum(c[1] for c in counts.values())
    parsed = sum(c[2] for c in counts.values())
    details["parse_ratio"] = rounded(parsed / intended)
    details["parse_ratio_by_layout"] = {k: rounded(v[2] / v[1]) for k, v in counts.items()}
    progress(
        f"the parsers find {parsed:,} of {intended:,} intended items ({parsed / intended:.2%})"
    )

    rate, store, times = measure_ingest(corpus, work, ingest_runs)
    from store.storage.store import Store

    stored = len(Store(store).index)
    details["store_mb"] = rounded(sum(p.stat().st_size for p in store.iterdir()) / 1e6)
    details["stored_items"] = stored
    details["stored_ratio"] = rounded(stored / corpus.unique)
    details["ingest_s"] = rounded(median(times))
    notes["ingest_items_per_s"] = f"`newsdesk ingest` wall, median of {ingest_runs}"
    progress(f"store holds {stored:,} items; {corpus.unique:,} unique stories were written")

    cold, rss, reports = measure_cold_start(store, runs)
    details["cold_start_runs_s"] = [rounded(r["cold_start_s"]) for r in reports]
    notes["cold_start_s"] = f"spawn → first rows painted, median of {runs}"
    notes["peak_rss_mb"] = "reader child, start + 1 filter, max of runs"

    queries = list(FILTER_QUERIES)
    search_ms = measure_search(store, queries)
    details["search_p50_ms"] = rounded(median(search_ms))
    details["search_p95_ms"] = rounded(percentile(search_ms, 95))
    details["search_max_ms"] = rounded(max(search_ms))
    slowest = sorted(zip(search_ms, queries, strict=True), reverse=True)[:5]
    details["search_slowest_ms"] = {q: rounded(t) for t, q in slowest}
    progress(f"pure search(): p50 {median(search_ms):.2f} ms, max {max(search_ms):.2f} ms")

    filter_ms = measure_filter(store, queries)
    details["filter_queries"] = len(filter_ms)
    details["filter_max_ms"] = rounded(max(filter_ms))
    slowest = sorted(zip(filter_ms, queries, strict=True), reverse=True)[:5]
    details["filter_slowest_ms"] = {q: rounded(t) for t, q in slowest}
    notes["filter_p50_ms"] = f"debounce fired → list repainted, {len(queries)} queries"
    notes["filter_p95_ms"] = "Pilot session, excl. 0.1 s debounce"
    progress(f"filter: p50 {median(filter_ms):.2f} ms, p95 {percentile(filter_ms, 95):.2f} ms")
    after = measure_filter(store, queries, opened=FILTER_AFTER_OPENING)
    details["filter_after_opening_p50_ms"] = rounded(median(after))
    details["filter_after_opening_p95_ms"] = rounded(percentile(after, 95))
    progress(
        f"filter after opening {FILTER_AFTER_OPENING} items: p50 {median(after):.2f} ms, "
        f"p95 {percentile(after, 95):.2f} ms"
    )

    bookmark = measure_bookmark(store, 20)
    notes["bookmark_ms"] = f"toggle_bookmark → on disk, median of {len(bookmark)}"

    cli = measure_search_cli(store, runs)
    notes["search_cli_s"] = f"`newsdesk search` wall, {len(SEARCH_CLI_QUERIES)} queries × {runs}"
    listed = measure_list_cli(store, runs)
    notes["list_cli_s"] = f"`newsdesk list --limit 20` wall, median of {runs}"

    command, in_process = measure_add_document(store, document, work, runs)
    details["add_document_in_process_s"] = rounded(median(in_process))
    notes["add_document_s"] = (
        f"`newsdesk ingest one.txt` wall, median of {runs} (in-process {median(in_process):.2f} s)"
    )

    details["cpu_s"] = {what: rounded(median(v)) for what, v in CPU_SECONDS.items()}
    details["load_average"] = [rounded(v) for v in os.getloadavg()]
    result = {
        "n": n,
        "ingest_items_per_s": rounded(rate),
        "cold_start_s": rounded(cold),
        "filter_p50_ms": rounded(median(filter_ms)),
        "filter_p95_ms": rounded(percentile(filter_ms, 95)),
        "bookmark_ms": rounded(median(bookmark)),
        "search_cli_s": rounded(median(cli)),
        "list_cli_s": rounded(median(listed)),
        "add_document_s": rounded(median(command)),
        "peak_rss_mb": rounded(rss),
        "details": details,
    }
    return result, notes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="newsdesk benchmark")
    parser.add_argument("--n", type=int, default=10_000, help="items in the corpus")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument(
        "--ingest-runs", type=int, default=0,
        help="runs of the full ingest (default: --runs up to N = 20,000, else 1)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="corpus seed")
    parser.add_argument("--json", action="store_true", help="print only a JSON object")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep corpus and store")
    parser.add_argument(
        "--scaling", action="store_true",
        help="print the saved results (bench/out/cache) side by side with their growth",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.scaling:
        return print_scaling()
    if args.n < 30 or args.runs < 1:
        parser.error("--n must be at least 30 and --runs at least 1")

    cleanup: Callable[[], None] = lambda: None  # noqa: E731
    if args.keep:
        work = Path(args.keep).resolve()
        if work.exists() and any(work.iterdir()):
            parser.error(f"--keep {work}: the folder must be new or empty")
        work.mkdir(parents=True, exist_ok=True)
    else:
        temp = tempfile.TemporaryDirectory(prefix="newsdesk-bench-")
        work = Path(temp.name)
        cleanup = temp.cleanup
    try:
        # With --json, stdout is for the one object: anything else printed goes to stderr.
        quiet = contextlib.redirect_stdout(sys.stderr) if args.json else contextlib.nullcontext()
        with quiet:
            result, notes = run_benchmark(args, work)
    finally:
        cleanup()
    save_result(result)
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        print_table(result, notes)
        print(json.dumps(result["details"], ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
