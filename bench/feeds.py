"""Feed fetching at scale: 200 feeds of 50 items from a local HTTP server into a 100k store,
then the same again unchanged (every feed answers 304), then again without ETags (every
entry known by its guid).

    .venv/bin/python bench/feeds.py [--items 100000] [--feeds 200] [--per-feed 50]
                                    [--store PATH] [--jobs 8]

`--store PATH` keeps the corpus store there and reuses it on the next run (building 100k
items takes minutes); each run fetches into a fresh copy of it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import generate_corpus
from store.ingest import ingest_paths
from store.intake.feedlist import FeedList
from store.intake.fetch import fetch_feeds
from store.intake.http import Fetcher
from store.storage.store import Store
from tests.helpers.feed_fixtures import big_feed
from tests.helpers.feed_server import FeedServer


def build_store(root: Path, items: int) -> float:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="newsdesk-corpus-") as corpus_dir:
        corpus = generate_corpus(items, corpus_dir)
        results = ingest_paths(Store(root), corpus.paths)
    refused = [r for r in results if not r.ok]
    if refused:
        raise SystemExit(f"corpus: {len(refused)} documents refused, e.g. {refused[0].error}")
    return time.perf_counter() - started


def timed_fetch(store: Store, jobs: int) -> tuple[str, list]:
    """Fetch every feed: (wall and CPU seconds, store writes and their seconds), results."""
    started, cpu = time.perf_counter(), time.process_time()
    writes: list[float] = []
    add = store.add_documents

    def timed_add(*args, **kwargs):
        t = time.perf_counter()
        try:
            return add(*args, **kwargs)
        finally:
            writes.append(time.perf_counter() - t)

    store.add_documents = timed_add  # type: ignore[method-assign]
    try:
        with Fetcher(timeout=30, workers=jobs) as fetcher:
            results = fetch_feeds(store, fetcher=fetcher)
    finally:
        del store.add_documents
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return (
        f"{wall:.2f} s wall, {cpu:.1f} s CPU, {len(writes)} store writes ({sum(writes):.1f} s)"
    ), results


def summary(results: list) -> str:
    new = sum(r.new for r in results)
    known = sum(r.known for r in results)
    not_modified = sum(r.not_modified for r in results)
    failed = [r for r in results if not r.ok]
    text = f"{new:,} new, {known:,} known, {not_modified} not modified"
    if failed:
        text += f", {len(failed)} FAILED (e.g. {failed[0].line()})"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000, help="items in the store first")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--per-feed", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=8, help="feeds fetched at once")
    parser.add_argument("--store", metavar="PATH", help="build the corpus store here, or reuse it")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="newsdesk-feeds-bench-"))
    try:
        template = Path(args.store) if args.store else work / "template"
        if not template.exists() or not len(Store(template).index):
            seconds = build_store(template, args.items)
            print(f"corpus store: {len(Store(template).index):,} items built in {seconds:.1f} s")
        else:
            print(f"corpus store: {len(Store(template).index):,} items (reused {template})")
        root = work / "store"
        shutil.copytree(template, root)
        store = Store(root)
        before = len(store.index)

        with FeedServer() as server:
            feeds = []
            for n in range(args.feeds):
                name = f"feed{n:03d}"
                server.route(f"/{name}.xml", body=big_feed(name, args.per_feed), etag=f'"{name}"')
                feeds.append((server.url(f"/{name}.xml"), name, ["bench"]))
            FeedList(root).add_many(feeds)

            timing, results = timed_fetch(store, args.jobs)
            store.refresh()
            print(f"first fetch:  {args.feeds} feeds x {args.per_feed} items into {before:,} items")
            print(f"              {timing}")
            print(f"              {summary(results)}; store now {len(store.index):,}")
            timing, results = timed_fetch(store, args.jobs)
            print(f"second fetch: unchanged, every feed 304: {timing}")
            print(f"              {summary(results)}")

            for route in list(server._server.routes.values()):
                route.etag = ""  # a server without conditional GET: entries known by guid
            timing, results = timed_fetch(store, args.jobs)
            print(f"third fetch:  unchanged, no ETag (full bodies): {timing}")
            print(f"              {summary(results)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
