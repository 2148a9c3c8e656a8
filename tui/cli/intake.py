"""`newsdesk feeds …`, `newsdesk fetch` and `newsdesk watch`: news that comes in by itself."""

from __future__ import annotations

import sys
from pathlib import Path

from tui.cli.commands import CliError, open_store
from tui.cli.output import Output, note, print_json, short_date


def _feed_list(store):
    from store.intake.feedlist import FeedList

    return FeedList(store.root)


def _feed_error(exc: Exception) -> CliError:
    return CliError(str(exc))


def cmd_feeds_add(args, out: Output) -> int:
    from store.intake.feedlist import FeedListError

    store = open_store(args, seed=False)
    try:
        feed = _feed_list(store).add(args.url, name=args.name, tags=args.tag or (), full=args.full)
    except FeedListError as exc:
        raise _feed_error(exc) from None
    tags = f" [{', '.join(feed.tags)}]" if feed.tags else ""
    print(f"added {feed.name}: {feed.url}{tags}" + (" (full text)" if feed.full else ""))
    note("fetch it with: newsdesk fetch " + feed.name)
    return 0


def feed_rows(store) -> list[dict]:
    """Each feed with its item and unread counts and last fetch (views.feed_sources: what
    the reader's Feeds group shows), for list and JSON."""
    from store import views

    feeds = _feed_list(store).load()
    sources = views.feed_sources(store.index, store.state, feeds)
    return [
        {
            "name": feed.name,
            "url": feed.url,
            "title": feed.title,
            "tags": list(feed.tags),
            "full": feed.full,
            "items": len(source.rows),
            "unread": source.unread,
            "last_fetch": source.last_fetch,
            "last_status": source.last_status,
            "last_error": source.last_error,
        }
        for feed, source in zip(feeds, sources, strict=True)
    ]


def cmd_feeds_list(args, out: Output) -> int:
    store = open_store(args, seed=False)
    rows = feed_rows(store)
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        note("newsdesk: no feeds yet; add one with: newsdesk feeds add URL")
        return 0
    table = [
        [
            r["name"],
            r["url"],
            str(r["items"]),
            short_date(r["last_fetch"]) if r["last_fetch"] else "never",
            ("✗ " if r["last_error"] else "") + (r["last_status"] or "not fetched yet"),
        ]
        for r in rows
    ]
    failing = sum(1 for r in rows if r["last_error"])
    title = f"{len(rows)} feeds" + (f", {failing} failing" if failing else "")
    out.table(
        ("name", "url", "items", "last fetch", "last status"),
        table,
        title=title,
        flex=1,
        caps=(20, None, None, None, 36),
    )
    return 0


def cmd_feeds_remove(args, out: Output) -> int:
    from store.intake.feedlist import FeedListError

    store = open_store(args, seed=False)
    try:
        feed = _feed_list(store).remove(args.name)
    except FeedListError as exc:
        raise _feed_error(exc) from None
    kept = len(store.index.rows_by_document.get(feed.document, ()))
    print(f"removed {feed.name}: {feed.url}")
    if kept:
        note(f"its {kept} items stay in the store")
    return 0


def cmd_feeds_import(args, out: Output) -> int:
    from store.intake.opml import OpmlError, parse_opml

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"{path}: {exc.strerror or exc}") from None
    try:
        subscriptions = parse_opml(data)
    except OpmlError as exc:
        raise CliError(f"{path}: {exc}") from None
    store = open_store(args, seed=False)
    added, skipped = _feed_list(store).add_many((s.url, s.name, s.tags) for s in subscriptions)
    for feed in added:
        tags = f" [{', '.join(feed.tags)}]" if feed.tags else ""
        print(f"added {feed.name}: {feed.url}{tags}")
    for reason in skipped:
        note(f"skipped: {reason}")
    note(f"newsdesk: {len(added)} feeds added from {path}, {len(skipped)} skipped")
    return 0


def cmd_feeds_export(args, out: Output) -> int:
    from store.intake.opml import export_opml

    store = open_store(args, seed=False)
    sys.stdout.buffer.write(export_opml(_feed_list(store).load()))
    sys.stdout.flush()
    return 0


class _Progress:
    """A progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.bar = None
        if total and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("fetching"),
                BarColumn(),
                MofNCompleteColumn(),
                console=Console(stderr=True, highlight=False),
                transient=True,
            )
            self.task = self.bar.add_task("feeds", total=total)
            self.bar.start()

    def advance(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def cmd_fetch(args, out: Output) -> int:
    from store.intake.fetch import fetch_feeds
    from store.intake.http import Fetcher

    store = open_store(args, seed=False)
    feeds = _feed_list(store).load()
    if not feeds:
        raise CliError("no feeds to fetch; add one with: newsdesk feeds add URL")
    total = len(args.names) if args.names else len(feeds)
    progress = _Progress(total)
    failed = 0

    def on_result(result) -> None:
        nonlocal failed
        if not result.ok:
            failed += 1
        print(result.line(), flush=True)  # the live bar (stderr) redraws below it

    fetcher = Fetcher(timeout=args.timeout, workers=args.jobs)
    try:
        results = fetch_feeds(
            store,
            args.names or None,
            full=args.full,
            fetcher=fetcher,
            on_result=on_result,
            on_progress=progress.advance,
        )
    finally:
        progress.stop()
        fetcher.close()
    if failed:
        note(f"newsdesk: {failed} of {len(results)} feeds failed; the others were stored")
        return 1
    return 0


def cmd_watch(args, out: Output) -> int:
    from store.intake.watch import watch_inbox
    from store.parsers.registry import LAYOUTS
    from store.paths import inbox_path

    folder = Path(args.dir).expanduser() if args.dir else inbox_path()
    if folder.exists() and not folder.is_dir():
        raise CliError(f"{folder} is not a folder")
    labels = {layout.name: layout.label for layout in LAYOUTS}
    store = open_store(args, seed=False)

    def on_result(r) -> None:
        if r.ok:
            label = labels.get(r.layout or "", r.layout)
            print(f"{r.path}: {label}, {r.new} new, {r.known} already known", flush=True)
        else:
            note(f"{r.path}: refused: {r.error}")

    def on_ready() -> None:
        note(f"newsdesk: watching {folder} (Ctrl-C to stop)")

    watch_inbox(store, folder, on_result=on_result, on_ready=on_ready, settle=args.settle)
    return 0
