"""Store size on disk against newsboat's cache for the same items (issue 11's last target).

    .venv/bin/python bench/store_size.py --store PATH [--feeds 100] [--newsboat newsboat]

Every item of the store at PATH is written into RSS 2.0 feeds (title, link, guid, pubDate,
author, category and the body as the description: what newsboat keeps of an item), served
from 127.0.0.1, and fetched by `newsboat -x reload` into an empty cache. Printed: the
newsdesk store's size (each kind of file apart) and newsboat's cache.db, in MB. Needs
newsboat installed (Debian: apt install newsboat); without it, says so and exits 2.
"""

from __future__ import annotations

import argparse
import email.utils
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from store.storage.store import Store  # noqa: E402
from tests.helpers.feed_server import FeedServer  # noqa: E402


def rss(title: str, items: list[dict]) -> bytes:
    """One RSS 2.0 feed of `items` (store records)."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>http://127.0.0.1/</link><description/>",
    ]
    for item in items:
        try:
            when = datetime.fromisoformat(item["published"])
            pub = email.utils.format_datetime(when) if when.tzinfo else ""
        except (KeyError, ValueError):
            pub = ""
        link = item.get("link") or f"https://example.com/item/{item['id']}"
        out.append(
            "<item>"
            f"<title>{escape(item.get('title', ''))}</title>"
            f"<link>{escape(link)}</link>"
            f'<guid isPermaLink="false">{escape(item["id"])}</guid>'
            + (f"<pubDate>{pub}</pubDate>" if pub else "")
            + f"<author>{escape(', '.join(item.get('authors', ())))}</author>"
            f"<category>{escape(item.get('section', ''))}</category>"
            f"<description>{escape(item.get('body', ''))}</description>"
            "</item>"
        )
    out.append("</channel></rss>\n")
    return "".join(out).encode("utf-8")


def store_sizes(root: Path) -> Counter[str]:
    """Bytes on disk by kind of file: corpus segments, documents, index, the rest."""
    sizes: Counter[str] = Counter()
    for path in root.iterdir():
        if path.is_file():
            name = path.name
            kind = (
                "corpus" if name.startswith("corpus-") else
                "documents" if name.startswith("documents") else
                "index" if name.startswith("index") else "other"
            )  # fmt: skip
            sizes[kind] += path.stat().st_size
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="a newsdesk store folder")
    parser.add_argument("--feeds", type=int, default=100, help="feeds the items are spread over")
    parser.add_argument("--newsboat", default="newsboat", help="the newsboat command")
    args = parser.parse_args(argv)
    if shutil.which(args.newsboat) is None:
        print(f"{args.newsboat}: not installed (Debian: apt install newsboat)", file=sys.stderr)
        return 2
    root = Path(args.store)
    store = Store(root)
    records = list(store.iter_records())
    feeds: list[list[dict]] = [[] for _ in range(args.feeds)]
    for n, record in enumerate(records):
        feeds[n % args.feeds].append(record)
    with tempfile.TemporaryDirectory(prefix="newsdesk-size-") as work, FeedServer() as server:
        urls = []
        for n, items in enumerate(feeds):
            server.route(f"/feed-{n}.xml", body=rss(f"feed {n}", items))
            urls.append(server.url(f"/feed-{n}.xml"))
        home = Path(work)
        (home / "urls").write_text("\n".join(urls) + "\n")
        (home / "config").write_text("max-items 0\nreload-threads 4\nshow-read-feeds yes\n")
        cache = home / "cache.db"
        started = time.perf_counter()
        proc = subprocess.run(
            [args.newsboat, "-x", "reload", "-u", str(home / "urls"), "-c", str(cache),
             "-C", str(home / "config")],
            capture_output=True, text=True, env={**os.environ, "HOME": work}, timeout=3600,
        )  # fmt: skip
        took = time.perf_counter() - started
        if proc.returncode != 0:
            print(f"newsboat failed ({proc.returncode}): {proc.stderr.strip()}", file=sys.stderr)
            return 1
        count = subprocess.run(
            ["sqlite3", str(cache), "select count(*) from rss_item"], capture_output=True,
            text=True,
        ).stdout.strip() if shutil.which("sqlite3") else "?"  # fmt: skip
        boat = cache.stat().st_size
    sizes = store_sizes(root)
    mb = 1024 * 1024
    print(f"items: {len(records):,} in the store, {count} in newsboat's cache ({took:.0f} s)")
    print(f"newsdesk store: {sum(sizes.values()) / mb:.1f} MB  (" + ", ".join(
        f"{k} {v / mb:.1f}" for k, v in sizes.most_common()) + ")")  # fmt: skip
    print(f"newsboat cache.db: {boat / mb:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
