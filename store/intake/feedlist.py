"""The feeds a store follows, kept in the store folder beside the corpus.

`feeds.json`: `{"version": 1, "feeds": [{name, url, tags, full, title, added, etag,
last_modified, last_fetch, last_status, last_error}, ...]}`.
`feed-items.json`: which stored item each feed entry became: `{"version": 1, "items":
{item_id: [feed name, guid, link]}}` — the link and guid dedupe, and the link `o` opens.

Every change takes the store's write lock, re-reads the file, applies the change and
writes it atomically (temp, fsync, os.replace): two processes at once lose nothing.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from store.model import ItemRecord
from store.storage.errors import CorruptStoreError
from store.storage.files import atomic_write, parse_json, read_bytes, remove_stale_temps
from store.storage.layout import holding, write_lock
from store.text.sanitize import clean_line

FEEDS_FILE = "feeds.json"
LINKS_FILE = "feed-items.json"
NAME_CHARS = 40
_NAME = re.compile(r"^[\w.-]{1,40}$", re.UNICODE)
_HINT = "move it aside and add your feeds again (newsdesk feeds import FILE.opml)"


class FeedListError(ValueError):
    """A feed-list change that cannot be made; the message says why."""


def now_iso() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


@dataclass(slots=True)
class Feed:
    name: str
    url: str
    tags: list[str] = field(default_factory=list)
    full: bool = False  # fetch each new entry's page and extract its main text
    title: str = ""  # the feed's own title, as last fetched
    added: str = ""
    etag: str = ""
    last_modified: str = ""
    last_fetch: str = ""  # when it was last asked for (ISO 8601)
    last_status: str = ""  # "3 new, 47 known", "not modified", or the error
    last_error: str = ""  # "" when the last fetch worked

    @property
    def document(self) -> str:
        """The source name its items carry in `documents`."""
        return f"feed:{self.name}"

    @property
    def failing(self) -> bool:
        return bool(self.last_error)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Feed | None:
        if not isinstance(data, dict):
            return None
        name, url = data.get("name"), data.get("url")
        if not isinstance(name, str) or not isinstance(url, str) or not name or not url:
            return None
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = data.get(f.name)
            if f.name == "tags":
                value = [clean_line(t) for t in value or [] if isinstance(t, str) and t.strip()]
            elif f.name == "full":
                value = bool(value)
            elif value is None or not isinstance(value, str):
                continue
            values[f.name] = value
        return cls(**values)


def store_lock(root: Path) -> contextlib.AbstractContextManager[None]:
    """The store's write lock (the one `Store.add_documents` takes).

    Never take it around a call into the Store: two holders in one process would wait on
    each other.
    """
    return holding(write_lock(Path(root)), Path(root))


def _read_json(path: Path, kind: str) -> dict:
    raw = read_bytes(path)
    if raw is None:
        return {}
    data = parse_json(path, raw, _HINT)
    if not isinstance(data, dict):
        raise CorruptStoreError(path, f"not a {kind} file", _HINT)
    return data


def valid_url(url: str) -> str:
    """The URL cleaned, or FeedListError if it is not an http(s) URL."""
    url = clean_line(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        raise FeedListError(f"not a valid URL: {url}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FeedListError(f"not an http(s) feed URL: {url}")
    return url


def name_for(url: str, taken: Iterable[str]) -> str:
    """A short name from a feed URL: `https://www.scmp.com/rss/36/feed` → `scmp`."""
    host = (urlsplit(url).hostname or "").lower()
    labels = [p for p in host.split(".") if p]
    if not labels or all(p.isdigit() for p in labels) or ":" in host:
        labels = ["feed"]  # an IP address names nothing
    while len(labels) > 2 and labels[0] in ("www", "feeds", "feed", "rss", "m", "api", "en"):
        labels.pop(0)
    base = labels[0]
    if len(labels) >= 2:
        base = labels[-2]
        if base in ("com", "co", "org", "net", "gov", "edu", "ac") and len(labels) >= 3:
            base = labels[-3]
    base = re.sub(r"[^\w.-]+", "-", base).strip("-.")[:NAME_CHARS] or "feed"
    taken = {t.casefold() for t in taken}
    name, n = base, 2
    while name.casefold() in taken:
        name = f"{base}-{n}"
        n += 1
    return name


def check_name(name: str) -> str:
    name = clean_line(name)
    if not _NAME.match(name):
        raise FeedListError(
            f"bad feed name {name!r}: use up to {NAME_CHARS} letters, digits, '.', '-' or '_'"
        )
    return name


class FeedList:
    """The store's feed list; reads are lock-free, changes are read-modify-write."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.path = self.root / FEEDS_FILE

    def load(self) -> list[Feed]:
        data = _read_json(self.path, "feed list")
        feeds = data.get("feeds", [])
        if not isinstance(feeds, list):
            raise CorruptStoreError(self.path, "its feeds are not a list", _HINT)
        out = []
        for raw in feeds:
            feed = Feed.from_dict(raw)
            if feed is not None:
                out.append(feed)
        return out

    def get(self, name: str) -> Feed | None:
        folded = name.casefold()
        return next((f for f in self.load() if f.name.casefold() == folded), None)

    def _write(self, feeds: list[Feed]) -> None:
        payload = {"version": 1, "feeds": [f.to_dict() for f in feeds]}
        atomic_write(self.path, orjson.dumps(payload, option=orjson.OPT_INDENT_2), backup=True)

    @contextlib.contextmanager
    def editing(self) -> Iterator[list[Feed]]:
        """The feed list to change in place; written when the block ends without error."""
        self.root.mkdir(parents=True, exist_ok=True)
        with store_lock(self.root):
            remove_stale_temps(self.root, f".{FEEDS_FILE}.")
            feeds = self.load()
            yield feeds
            self._write(feeds)

    def add(
        self, url: str, name: str | None = None, tags: Iterable[str] = (), full: bool = False
    ) -> Feed:
        url = valid_url(url)
        tags = [clean_line(t) for t in tags if clean_line(t)]
        with self.editing() as feeds:
            for feed in feeds:
                if feed.url == url:
                    raise FeedListError(f"already following {url} (as {feed.name})")
            if name:
                name = check_name(name)
                if any(f.name.casefold() == name.casefold() for f in feeds):
                    raise FeedListError(f"a feed named {name} exists already")
            else:
                name = name_for(url, (f.name for f in feeds))
            feed = Feed(
                name=name, url=url, tags=list(dict.fromkeys(tags)), full=full, added=now_iso()
            )
            feeds.append(feed)
        return feed

    def add_many(
        self, subscriptions: Iterable[tuple[str, str, list[str]]]
    ) -> tuple[list[Feed], list[str]]:
        """Add (url, label, tags) subscriptions in one write: (feeds added, reasons for the
        ones skipped). A label becomes the name when it makes a good one."""
        added: list[Feed] = []
        skipped: list[str] = []
        with self.editing() as feeds:
            urls = {f.url: f.name for f in feeds}
            for raw_url, label, tags in subscriptions:
                try:
                    url = valid_url(raw_url)
                except FeedListError as exc:
                    skipped.append(str(exc))
                    continue
                if url in urls:
                    skipped.append(f"already following {url} (as {urls[url]})")
                    continue
                taken = [f.name for f in feeds]
                slug = re.sub(r"[^\w.-]+", "-", clean_line(label)).strip("-.")[:NAME_CHARS]
                if (
                    slug
                    and _NAME.match(slug)
                    and slug.casefold() not in {t.casefold() for t in taken}
                ):
                    name = slug
                else:
                    name = name_for(url, taken)
                feed = Feed(
                    name=name,
                    url=url,
                    tags=list(dict.fromkeys(clean_line(t) for t in tags if clean_line(t))),
                    added=now_iso(),
                )
                feeds.append(feed)
                urls[url] = name
                added.append(feed)
        return added, skipped

    def remove(self, name: str) -> Feed:
        with self.editing() as feeds:
            for i, feed in enumerate(feeds):
                if feed.name.casefold() == name.casefold():
                    del feeds[i]
                    return feed
            raise FeedListError(f"no feed named {name} (see: newsdesk feeds list)")

    def record(self, updates: dict[str, dict]) -> None:
        """Apply per-feed state changes ({name: {field: value}}) in one write."""
        if not updates:
            return
        with self.editing() as feeds:
            for feed in feeds:
                change = updates.get(feed.name)
                if change:
                    for key, value in change.items():
                        setattr(feed, key, value)


class ItemLinks:
    """Which stored item each feed entry (and saved page) became: guid and link to id."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.path = self.root / LINKS_FILE
        self.items: dict[str, list[str]] = {}  # id -> [feed, guid, link]
        self.by_guid: dict[tuple[str, str], str] = {}
        self.by_link: dict[str, str] = {}
        self._added: dict[str, list[str]] = {}

    @classmethod
    def load(cls, root: Path | str) -> ItemLinks:
        links = cls(root)
        links._fill(_read_json(links.path, "feed items"))
        return links

    @classmethod
    def current(cls, root: Path | str) -> ItemLinks:
        """The links as the file holds them now, read again only when it changed (the reader
        asks for each item it opens). Read it, do not add to it."""
        path = Path(root) / LINKS_FILE
        try:
            st = os.stat(path)
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            stamp = (0, 0, 0)
        with _CACHE_LOCK:
            cached = _CACHE.get(path)
            if cached is not None and cached[0] == stamp:
                return cached[1]
        links = cls.load(root) if stamp != (0, 0, 0) else cls(root)
        with _CACHE_LOCK:
            _CACHE[path] = (stamp, links)
        return links

    def _fill(self, data: dict) -> None:
        items = data.get("items", {})
        if not isinstance(items, dict):
            raise CorruptStoreError(self.path, "its items are not a table", _HINT)
        for item_id, value in items.items():
            if (
                isinstance(value, list)
                and len(value) == 3
                and all(isinstance(v, str) for v in value)
            ):
                self._index(item_id, value)

    def _index(self, item_id: str, value: list[str]) -> None:
        feed, guid, link = value
        self.items[item_id] = value
        if guid:
            self.by_guid[(feed, guid)] = item_id
        if link:
            self.by_link[link] = item_id

    def find(self, feed: str, guid: str, link: str) -> str | None:
        """The item id an entry became, by its guid in that feed or its link anywhere."""
        found = self.by_guid.get((feed, guid)) if guid else None
        if found is None and link:
            found = self.by_link.get(link)
        return found

    def link_of(self, item_id: str) -> str:
        value = self.items.get(item_id)
        return value[2] if value else ""

    def feed_of(self, item_id: str) -> str:
        value = self.items.get(item_id)
        return value[0] if value else ""

    def add(self, item_id: str, feed: str, guid: str, link: str) -> None:
        old = self.items.get(item_id)
        if old is not None:  # a story seen again: keep the first link, learn a new guid
            feed, guid, link = old[0] or feed, old[1] or guid, old[2] or link
        value = [feed, guid, link]
        self._added[item_id] = value
        self._index(item_id, value)

    def save(self) -> None:
        """Write the entries added since loading, merged into what is on disk now."""
        if not self._added:
            return
        with store_lock(self.root):
            remove_stale_temps(self.root, f".{LINKS_FILE}.")
            current = _read_json(self.path, "feed items").get("items", {})
            if not isinstance(current, dict):
                current = {}
            for item_id, value in self._added.items():
                old = current.get(item_id)
                if isinstance(old, list) and len(old) == 3:
                    value = [old[0] or value[0], old[1] or value[1], old[2] or value[2]]
                current[item_id] = value
            atomic_write(self.path, orjson.dumps({"version": 1, "items": current}), backup=True)
        self._added.clear()


_CACHE: dict[Path, tuple[tuple[int, int, int], ItemLinks]] = {}
_CACHE_LOCK = threading.Lock()


def attach_links(root: Path | str, records: list[ItemRecord]) -> list[ItemRecord]:
    """The records with their `link` ("" when none is known), for `show`, `--json` and the
    reader: the link of a feed entry or saved page is kept in feed-items.json, by item id."""
    try:
        links = ItemLinks.current(root)
    except CorruptStoreError:  # the item is still shown; `newsdesk fetch` names the file
        links = ItemLinks(root)
    for record in records:
        record["link"] = links.link_of(record["id"])
    return records
