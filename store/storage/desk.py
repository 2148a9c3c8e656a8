"""The analyst's desk of one user: watched companies, saved searches, tags, notes, and the
cursor of `newsdesk new`. Two small private files beside the corpus, like the state file:

- `desk-<user>.json`: `{"watchlist": {company key: name}, "saved": {name: query},
  "tags": {item id: [tag, ...]}, "notes": {item id: text}}`.
- `cursor-<user>.json`: `{"seen": "id id ...", "at": {scope: position}}`: every item id in
  the order this user's `new` first saw it (the arrival log), and for each scope (`all`,
  `watchlist`, `saved:NAME`) how much of that log it has already reported.

Every change takes the desk lock, re-reads the file, applies the change and writes it
atomically (0600, last good copy kept as `.bak`): two processes tagging, noting or watching
at once never lose each other's changes. Tags and notes are keyed by item id, and ids are
stable through re-ingest, so they survive it. Nothing here knows about companies or
queries: the callers resolve those and hand over plain keys and strings.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TypedDict, TypeVar

import orjson

from store.storage.errors import CorruptStoreError
from store.storage.files import (
    FileLock,
    atomic_write,
    file_lock,
    held_in,
    parse_json,
    read_bytes,
    remove_stale_temps,
    stamp,
)
from store.storage.state import STATE_LOCK_TIMEOUT, current_user
from store.text.sanitize import clean_line, strip_controls

T = TypeVar("T")

TAG_MAX = 32
NOTE_MAX = 20_000
SAVED_NAME_MAX = 40
QUERY_MAX = 400
_TAG = re.compile(r"^\w[\w.+/-]*$", re.UNICODE)
_DESK_HINT = "move it aside to start again with no watchlist, saved searches, tags or notes"
_CURSOR_HINT = "move it aside: the next `newsdesk new` then lists every item once more"


class DeskData(TypedDict):
    """A desk file: watched companies (key -> name), saved searches (name -> query), tags
    (item id -> its tags) and notes (item id -> its note)."""

    watchlist: dict[str, str]
    saved: dict[str, str]
    tags: dict[str, list[str]]
    notes: dict[str, str]


class CursorData(TypedDict):
    """A cursor file: the arrival log (ids in arrival order) and each scope's position."""

    seen: list[str]
    at: dict[str, int]


def _empty_desk() -> DeskData:
    return {"watchlist": {}, "saved": {}, "tags": {}, "notes": {}}


class DeskValueError(ValueError):
    """A tag, note, name or query the desk does not accept; the message says why."""


# ---------------------------------------------------------------- values


def clean_tag(text: str) -> str:
    """A tag as stored: NFKC, lower-case, without a leading `#`; DeskValueError if it is not
    one word of letters, digits and `_ . + / -` (at most TAG_MAX characters)."""
    tag = unicodedata.normalize("NFKC", strip_controls(text)).strip().lstrip("#").casefold()
    if not tag:
        raise DeskValueError("an empty tag")
    if len(tag) > TAG_MAX:
        raise DeskValueError(f"tag {tag[:TAG_MAX]!r}… is longer than {TAG_MAX} characters")
    if not _TAG.match(tag):
        raise DeskValueError(
            f"tag {tag!r} is not one word (letters, digits and _ . + / - only, no spaces)"
        )
    return tag


def clean_note(text: str) -> str:
    """A note as stored: plain text, no control or escape sequences (newlines kept, tabs as
    spaces), trailing blanks trimmed; DeskValueError past NOTE_MAX characters."""
    lines = [line.rstrip() for line in strip_controls(text).replace("\t", "    ").split("\n")]
    note = "\n".join(lines).strip("\n")
    if len(note) > NOTE_MAX:
        raise DeskValueError(f"a note of {len(note)} characters (at most {NOTE_MAX})")
    return note


def _clean_one_line(text: str, limit: int, empty: str, what: str) -> str:
    """One line of plain text; DeskValueError (`empty`) if none is left, or past `limit`."""
    line = clean_line(text)
    if not line:
        raise DeskValueError(empty)
    if len(line) > limit:
        raise DeskValueError(f"{what} is at most {limit} characters")
    return line


def clean_saved_name(text: str) -> str:
    return _clean_one_line(text, SAVED_NAME_MAX, "a saved search needs a name",
                           "a saved search name")  # fmt: skip


def clean_query(text: str) -> str:
    return _clean_one_line(text, QUERY_MAX, "an empty query", "a query")


# ---------------------------------------------------------------- files


def desk_path(root: Path, user: str | None = None) -> Path:
    return Path(root) / f"desk-{user or current_user()}.json"


def cursor_path(root: Path, user: str | None = None) -> Path:
    return Path(root) / f"cursor-{user or current_user()}.json"


def _str_map(path: Path, value: object, what: str, hint: str) -> dict[str, str]:
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return dict(value)
    raise CorruptStoreError(path, f"the {what} are malformed", hint)


def load_desk_file(path: Path) -> DeskData | None:
    """The desk in a file, None if it does not exist; CorruptStoreError if damaged."""
    raw = read_bytes(path)
    if raw is None:
        return None
    data = parse_json(path, raw, _DESK_HINT)
    if not isinstance(data, dict):
        raise CorruptStoreError(path, "not a desk file", _DESK_HINT)
    tags = data.get("tags", {})
    if not isinstance(tags, dict) or not all(
        isinstance(v, list) and all(isinstance(t, str) for t in v) for v in tags.values()
    ):
        raise CorruptStoreError(path, "the tags are malformed", _DESK_HINT)
    return {
        "watchlist": _str_map(path, data.get("watchlist", {}), "watched companies", _DESK_HINT),
        "saved": _str_map(path, data.get("saved", {}), "saved searches", _DESK_HINT),
        "tags": {k: list(v) for k, v in tags.items() if v},
        "notes": _str_map(path, data.get("notes", {}), "notes", _DESK_HINT),
    }


def load_cursor_file(path: Path) -> CursorData | None:
    """The arrival log and cursors in a file, None if none; CorruptStoreError if damaged."""
    raw = read_bytes(path)
    if raw is None:
        return None
    data = parse_json(path, raw, _CURSOR_HINT)
    if not isinstance(data, dict):
        raise CorruptStoreError(path, "not a cursor file", _CURSOR_HINT)
    seen, at = data.get("seen", ""), data.get("at", {})
    if not isinstance(seen, str):
        raise CorruptStoreError(path, "the arrival log is malformed", _CURSOR_HINT)
    if not isinstance(at, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in at.values()
    ):
        raise CorruptStoreError(path, "the cursors are malformed", _CURSOR_HINT)
    return {"seen": seen.split(), "at": dict(at)}


def private_file_check(name: str) -> Callable[[Path], object] | None:
    """For `newsdesk restore`: the loader that validates a desk or cursor file of this name."""
    if name.startswith("desk-") and name.endswith(".json"):
        return load_desk_file
    if name.startswith("cursor-") and name.endswith(".json"):
        return load_cursor_file
    return None


# ---------------------------------------------------------------- the desk


class Desk:
    """One user's watchlist, saved searches, tags and notes; each change persisted at once.

    The properties are snapshots, replaced (never changed in place) by each change or by a
    `refresh` that finds the file changed.
    """

    def __init__(
        self, root: Path | str, user: str | None = None, lock_timeout: float = STATE_LOCK_TIMEOUT
    ) -> None:
        self.root = Path(root)
        self.user = user or current_user()
        self.path = desk_path(self.root, self.user)
        self.cursor_path = cursor_path(self.root, self.user)
        self._lock_timeout = lock_timeout
        self._data: DeskData = _empty_desk()
        self._stamp: tuple[int, int, int] | None = None
        self._load()

    @cached_property
    def _lock(self) -> FileLock:  # made when the desk is first changed
        return file_lock(self.root / f".desk-{self.user}.lock", self._lock_timeout)

    # reading

    @property
    def watchlist(self) -> dict[str, str]:
        """Watched companies: key -> name, in the order they were added."""
        return self._data["watchlist"]

    @property
    def saved(self) -> dict[str, str]:
        """Saved searches: name -> query, in the order they were saved."""
        return self._data["saved"]

    @property
    def tags(self) -> dict[str, list[str]]:
        """item id -> its tags (only items that have some)."""
        return self._data["tags"]

    @property
    def notes(self) -> dict[str, str]:
        """item id -> its note (only items that have one)."""
        return self._data["notes"]

    def tags_of(self, item_id: str) -> list[str]:
        return list(self._data["tags"].get(item_id, ()))

    def note_of(self, item_id: str) -> str:
        return self._data["notes"].get(item_id, "")

    def tag_counts(self) -> list[tuple[str, int]]:
        """Every tag in use with its number of items, most used first, then by name."""
        counts = Counter(t for tags in self._data["tags"].values() for t in tags)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def saved_query(self, name: str) -> tuple[str, str] | None:
        """(name as saved, query) of a saved search, matched ignoring case; None if none."""
        wanted = clean_line(name).casefold()
        for saved_name, query in self._data["saved"].items():
            if saved_name.casefold() == wanted:
                return saved_name, query
        return None

    def refresh(self) -> bool:
        """Re-read the file if another process changed it; True if it did."""
        if stamp(self.path) == self._stamp:
            return False
        before = self._data
        self._load()
        return self._data != before

    # watchlist

    def watch(self, key: str, name: str) -> bool:
        """Add a company to the watchlist; False if it was already there."""

        def change(data: DeskData) -> bool:
            if key in data["watchlist"]:
                return False
            data["watchlist"][key] = clean_line(name) or key
            return True

        return self._change(change)

    def unwatch(self, key: str) -> bool:
        """Remove a company from the watchlist; False if it was not there."""
        return self._change(lambda data: data["watchlist"].pop(key, None) is not None)

    # saved searches

    def save_search(self, name: str, query: str) -> str:
        """Save (or replace) a search; returns the name as stored."""
        name, query = clean_saved_name(name), clean_query(query)

        def change(data: DeskData) -> str:
            saved = data["saved"]
            for old in list(saved):
                if old.casefold() == name.casefold():
                    del saved[old]
            saved[name] = query
            return name

        return self._change(change)

    def remove_search(self, name: str) -> str | None:
        """Remove a saved search (any case); the name it had, None if there was none."""
        wanted = clean_line(name).casefold()

        def change(data: DeskData) -> str | None:
            for old in list(data["saved"]):
                if old.casefold() == wanted:
                    del data["saved"][old]
                    return old
            return None

        return self._change(change)

    # tags and notes

    def add_tags(self, item_id: str, tags: Iterable[str]) -> list[str]:
        """Add tags to an item (cleaned, duplicates ignored); returns its tags now."""
        wanted = [clean_tag(t) for t in tags]

        def change(data: DeskData) -> list[str]:
            now = list(dict.fromkeys([*data["tags"].get(item_id, ()), *wanted]))
            if now:
                data["tags"][item_id] = now
            return now

        return self._change(change)

    def remove_tags(self, item_id: str, tags: Iterable[str] | None = None) -> list[str]:
        """Remove tags from an item (all of them with None); returns its tags now."""
        unwanted = None if tags is None else {clean_tag(t) for t in tags}

        def change(data: DeskData) -> list[str]:
            now: list[str] = []
            if unwanted is not None:
                now = [t for t in data["tags"].get(item_id, ()) if t not in unwanted]
            if now:
                data["tags"][item_id] = now
            else:
                data["tags"].pop(item_id, None)
            return now

        return self._change(change)

    def set_tags(self, item_id: str, tags: Sequence[str]) -> list[str]:
        """Make an item's tags exactly `tags` (the reader's tag editor, undo)."""
        wanted = list(dict.fromkeys(clean_tag(t) for t in tags))

        def change(data: DeskData) -> list[str]:
            if wanted:
                data["tags"][item_id] = wanted
            else:
                data["tags"].pop(item_id, None)
            return wanted

        return self._change(change)

    def set_note(self, item_id: str, text: str) -> str:
        """Set an item's note (an empty text removes it); returns the note as stored."""
        note = clean_note(text)

        def change(data: DeskData) -> str:
            if note:
                data["notes"][item_id] = note
            else:
                data["notes"].pop(item_id, None)
            return note

        return self._change(change)

    # the cursor of `newsdesk new`

    def take_new(self, scope: str, current: Sequence[str], *, peek: bool = False) -> list[str]:
        """The ids of `current` (the index's ids) that arrived since the last `take_new` of
        `scope`, in arrival order; the cursor moves past them unless `peek`.

        Ids never seen before join the arrival log first, so every scope reports each item
        exactly once whichever scope saw it first. A scope never taken reports everything.
        """
        with self._locked():
            remove_stale_temps(self.root, f".{self.cursor_path.name}.")
            data: CursorData = load_cursor_file(self.cursor_path) or {"seen": [], "at": {}}
            log: list[str] = data["seen"]
            known = set(log)
            arrived = [i for i in current if i not in known]
            log.extend(arrived)
            position = min(data["at"].get(scope, 0), len(log))
            present = set(current)
            new = [i for i in log[position:] if i in present]
            if not peek and (arrived or data["at"].get(scope) != len(log)):
                data["at"][scope] = len(log)
                payload = {"seen": " ".join(log), "at": data["at"]}
                atomic_write(self.cursor_path, orjson.dumps(payload), mode=0o600, backup=True)
        return new

    def forget_scope(self, scope: str) -> None:
        """Drop a scope's cursor (a removed saved search)."""
        with self._locked():
            data = load_cursor_file(self.cursor_path)
            if data is None or scope not in data["at"]:
                return
            del data["at"][scope]
            payload = {"seen": " ".join(data["seen"]), "at": data["at"]}
            atomic_write(self.cursor_path, orjson.dumps(payload), mode=0o600, backup=True)

    # internals

    def _load(self) -> None:
        now = stamp(self.path)
        data = load_desk_file(self.path)
        self._data = data or _empty_desk()
        self._stamp = now

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        return held_in(self.root, self._lock, f"the desk file {self.path}")

    def _change(self, change: Callable[[DeskData], T]) -> T:
        with self._locked():
            remove_stale_temps(self.root, f".{self.path.name}.")
            data = load_desk_file(self.path) or _empty_desk()
            before = orjson.dumps(data)
            result = change(data)
            after = orjson.dumps(data)
            if after != before:
                atomic_write(self.path, after, mode=0o600, backup=True)
            self._data = data
            self._stamp = stamp(self.path)
        return result
