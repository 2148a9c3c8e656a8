"""Fetch the store's feeds: download (bounded concurrency), parse, dedupe, link, store.

Each feed succeeds or fails on its own: a failing feed gets its error in words and the
others are stored. A 304 writes nothing to the corpus. Entries already stored (by guid in
that feed, or by link) are "known" without touching the store; the others go through the
store's story dedupe, so a story already held from a document gains the feed as a source.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from store.entities.companies import CompanyDirectory
from store.ingest import Linker, item_record
from store.intake.extract import main_text
from store.intake.feedlist import Feed, FeedList, ItemLinks, now_iso
from store.intake.feeds import FeedEntry, FeedError, ParsedFeed, parse_feed
from store.intake.http import FEED_ACCEPT, PAGE_ACCEPT, Fetcher, FetchError, Response
from store.model import ParsedItem
from store.text.sanitize import clean_line

FLUSH_SECONDS = 1.0  # store what has arrived at least this often (the reader shows it)
FEED_LAYOUT = "feed"


@dataclass(slots=True)
class FeedResult:
    """What happened to one feed."""

    name: str
    url: str = ""
    new: int = 0
    known: int = 0
    not_modified: bool = False
    error: str = ""
    title: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def status(self) -> str:
        if self.error:
            return self.error
        if self.not_modified:
            return "not modified"
        return f"{self.new} new, {self.known} known"

    def line(self) -> str:
        return f"{self.name}: {self.status}"


@dataclass(slots=True)
class _Pending:
    """One feed's parsed entries, waiting to be stored."""

    feed: Feed
    result: FeedResult
    response: Response
    parsed: ParsedFeed
    entries: list[FeedEntry] = field(default_factory=list)


def _entry_digest(entry: FeedEntry) -> str:
    h = hashlib.sha256()
    for part in (entry.guid, entry.link, entry.title, entry.published, *entry.body):
        h.update(part.encode("utf-8", "replace"))
        h.update(b"\x1f")
    return h.hexdigest()


def publisher_of(feed: Feed, parsed: ParsedFeed) -> str:
    return clean_line(parsed.title) or feed.name


def entry_records(
    feed: Feed, parsed: ParsedFeed, entries: Iterable[FeedEntry], linker: Linker
) -> list[tuple[dict, list[dict]]]:
    """One (document, [record]) pair per entry, all under the feed's document name."""
    publisher = publisher_of(feed, parsed)
    out = []
    for entry in entries:
        item = ParsedItem(
            title=entry.title,
            publisher=publisher,
            published=entry.published,
            body=entry.body,
            section=entry.categories[0] if entry.categories else "",
            authors=entry.authors,
        )
        companies, tickers = linker.link(item)
        record = item_record(item, feed.document, companies, tickers)
        document = {
            "name": feed.document,
            "layout": FEED_LAYOUT,
            "publisher": publisher,
            "title": clean_line(parsed.title) or feed.name,
            "published": entry.published,
            "preamble": parsed.description,
            "sha256": _entry_digest(entry),
            "url": feed.url,
        }
        out.append((document, [record]))
    return out


def _select(feeds: list[Feed], names: Iterable[str] | None) -> tuple[list[Feed], list[FeedResult]]:
    if not names:
        return feeds, []
    by_name = {f.name.casefold(): f for f in feeds}
    chosen, missing = [], []
    for name in names:
        feed = by_name.get(name.casefold())
        if feed is None:
            missing.append(FeedResult(name, error="no such feed (see: newsdesk feeds list)"))
        elif feed not in chosen:
            chosen.append(feed)
    return chosen, missing


def _full_text(fetcher: Fetcher, pending: _Pending, timeout: float | None) -> None:
    """Replace entries' summaries by their pages' main text, where that is longer."""
    from store.intake.feeds import decode_markup

    jobs = [
        (i, {"url": entry.link, "accept": PAGE_ACCEPT, "timeout": timeout})
        for i, entry in enumerate(pending.entries)
        if entry.link
    ]
    for i, outcome in fetcher.get_many(jobs):
        if isinstance(outcome, FetchError) or outcome.status != 200:
            continue
        entry = pending.entries[i]
        text = main_text(decode_markup(outcome.body, outcome.content_type), outcome.url)
        if sum(map(len, text)) > sum(len(p) for p in entry.body):
            entry.body = text


def fetch_feeds(
    store,
    names: Iterable[str] | None = None,
    *,
    full: bool = False,
    fetcher: Fetcher | None = None,
    timeout: float | None = None,
    directory: CompanyDirectory | None = None,
    on_result: Callable[[FeedResult], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    flush_seconds: float = FLUSH_SECONDS,
) -> list[FeedResult]:
    """Fetch the store's feeds (or those named); one FeedResult per feed, in list order.

    `full` (or a feed's own `full` setting) fetches each new entry's page and keeps its
    main text. `on_result` is called as each feed is done (stored, not modified or failed);
    `on_progress(done, total)` as each download ends. What has arrived is stored every
    `flush_seconds`, or twice as long as the last store write took (a write into a large
    store is slow: more feeds go into each), and whenever no download ends for a moment (a
    slow feed does not hold back the ones before it).
    """
    feed_list = FeedList(store.root)
    feeds, results = _select(feed_list.load(), names)
    for missing in results:
        if on_result:
            on_result(missing)
    if not feeds:
        return results
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher()
    links = ItemLinks.load(store.root)
    linker = Linker(directory or CompanyDirectory.for_store(store))
    index = store.index
    by_name: dict[str, FeedResult] = {}
    updates: dict[str, dict] = {}
    waiting: list[_Pending] = []
    last_flush = time.monotonic()
    flush_gap = flush_seconds  # how long after the last write the next one is due
    done = 0

    def finish(feed: Feed, result: FeedResult, change: dict) -> None:
        change.update(last_fetch=now_iso(), last_status=result.status, last_error=result.error)
        updates[feed.name] = change
        if on_result:
            on_result(result)

    def flush() -> None:
        nonlocal last_flush, flush_gap
        started = time.monotonic()
        try:
            store_waiting()
        finally:
            last_flush = time.monotonic()
            flush_gap = max(flush_seconds, 2 * (last_flush - started))

    def store_waiting() -> None:
        batch_of: list[tuple[_Pending, FeedEntry]] = []
        batch: list[tuple[dict, list[dict]]] = []
        for p in waiting:
            pairs = entry_records(p.feed, p.parsed, p.entries, linker)
            batch.extend(pairs)
            batch_of.extend((p, e) for e in p.entries)
        try:
            outcomes = store.add_documents(batch, learned_companies=list_learned()) if batch else []
        except Exception as exc:  # the store could not be written: these feeds failed
            reason = str(exc) or type(exc).__name__
            for p in waiting:
                p.result.error = f"not stored: {reason}"
                finish(p.feed, p.result, {})
            waiting.clear()
            return
        for (p, entry), outcome in zip(batch_of, outcomes, strict=True):
            p.result.new += outcome.new
            p.result.known += outcome.known
            if outcome.ids:
                links.add(outcome.ids[0], p.feed.name, entry.guid, entry.link)
        for p in waiting:
            change = {"title": clean_line(p.parsed.title)}
            change["etag"] = p.response.etag
            change["last_modified"] = p.response.last_modified
            finish(p.feed, p.result, change)
        waiting.clear()
        links.save()

    def list_learned() -> list[dict]:
        return [c.to_dict() for c in linker.learned.values()]

    requests = [
        (feed, {"url": feed.url, "etag": feed.etag, "last_modified": feed.last_modified,
                "accept": FEED_ACCEPT, "timeout": timeout})
        for feed in feeds
    ]  # fmt: skip

    def idle() -> None:
        if waiting:
            flush()

    try:
        for feed, outcome in fetcher.get_many(requests, on_idle=idle):
            done += 1
            if on_progress:
                on_progress(done, len(feeds))
            result = by_name[feed.name] = FeedResult(feed.name, feed.url)
            if isinstance(outcome, FetchError):
                result.error = str(outcome)
                finish(feed, result, {})
            elif outcome.status == 304:
                result.not_modified = True
                finish(feed, result, {})
            else:
                try:
                    parsed = parse_feed(outcome.body, outcome.content_type)
                except FeedError as exc:
                    result.error = str(exc)
                    finish(feed, result, {})
                except Exception as exc:  # a parser bug must not take the other feeds down
                    result.error = f"could not be parsed ({type(exc).__name__})"
                    finish(feed, result, {})
                else:
                    result.title = parsed.title
                    fresh = []
                    for entry in parsed.entries:
                        known = links.find(feed.name, entry.guid, entry.link)
                        if known is not None and index.row_of(known) is not None:
                            result.known += 1
                        else:
                            fresh.append(entry)
                    pending = _Pending(feed, result, outcome, parsed, fresh)
                    if full or feed.full:
                        _full_text(fetcher, pending, timeout)
                    waiting.append(pending)
            if waiting and time.monotonic() - last_flush >= flush_gap:
                flush()
        flush()
    finally:
        if own_fetcher:
            fetcher.close()
    feed_list.record(updates)
    results.extend(by_name[f.name] for f in feeds if f.name in by_name)
    return results
