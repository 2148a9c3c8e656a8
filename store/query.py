"""The filter's small query language, on top of `store.search`'s fuzzy match.

    tencent #ai is:unread from:caixin since:7d -game

- plain words: today's search (companies and tickers in any spelling, then titles), plus
  the user's notes holding every word;
- `#tag`: items the user tagged so (several: all of them);
- `is:unread`, `is:read`, `is:bookmarked`, `is:tagged`, `is:noted`;
- `from:PUBLISHER`: the publisher contains it (`from:"Caixin Global"`; several: any);
- `since:7d`, `since:2w`, `since:2025-03-01`, `since:2025-03`, `since:today`: published
  on or after that day;
- `-word` (or `-#tag`, `-is:…`, `-from:…`): leave out what it would find.

Other `key:value` words stay plain words (`HK:0700` is a ticker). A term the language does
not accept (`is:maybe`, `since:soon`) is an error the caller shows; the rest still applies.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from store import views
from store.search import SearchResult, search

if TYPE_CHECKING:
    from store.entities.companies import Company, CompanyDirectory

FLAGS = ("unread", "read", "bookmarked", "tagged", "noted")
_RELATIVE = re.compile(r"^(\d{1,4})([dw])$")
_DAY = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")

HELP = (
    ("words", "company, ticker, 中文, pinyin, title or note words"),
    ("#tag", "items you tagged so"),
    ("is:unread", "also is:read, is:bookmarked, is:tagged, is:noted"),
    ("from:caixin", "publisher contains it (quote names with spaces)"),
    ("since:7d", "published in the last 7 days (2w, 2025-03-01, today)"),
    ("-word", "leave out what a term finds (-nio, -#old, -is:read)"),
)


@dataclass(slots=True)
class Term:
    """One operator term: kind ("tag", "is", "from", "since") and its value."""

    kind: str
    value: str
    negated: bool = False


@dataclass(slots=True)
class Query:
    """A parsed query: the plain words, the operator terms, the excluded words, errors."""

    text: str
    words: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def plain(self) -> str:
        return " ".join(self.words)

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.excluded or self.terms)

    def describe(self) -> str:
        """The operator terms in words ("#ai, unread, from caixin, since 2025-03-01")."""
        parts = []
        for term in self.terms:
            neg = "not " if term.negated else ""
            if term.kind == "tag":
                parts.append(f"{neg}#{term.value}")
            elif term.kind == "is":
                parts.append(f"{neg}{term.value}")
            elif term.kind == "from":
                parts.append(f"{neg}from {term.value}")
            elif term.kind == "since":
                parts.append(f"{'before' if term.negated else 'since'} {term.value}")
        parts.extend(f"without “{w}”" for w in self.excluded)
        return ", ".join(parts)


def _split(text: str) -> list[str]:
    """Words, honouring double quotes (`from:"Caixin Global"`); unbalanced quotes are text."""
    try:
        lexer = shlex.shlex(text, posix=True)
        lexer.whitespace_split = True
        lexer.quotes = '"'
        lexer.escape = ""
        lexer.commenters = ""
        return list(lexer)
    except ValueError:
        return text.replace('"', " ").split()


def since_day(value: str, today: date | None = None) -> str | None:
    """`7d`, `2w`, `2025-03-01`, `2025-03`, `today`, `yesterday` → an ISO day; None if not."""
    today = today or date.today()
    value = value.strip().casefold()
    if value in ("today", "yesterday"):
        return (today - timedelta(days=value == "yesterday")).isoformat()
    m = _RELATIVE.match(value)
    if m:
        days = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
        return (today - timedelta(days=days)).isoformat()
    m = _DAY.match(value)
    if m:
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
        except ValueError:
            return None
        return day.isoformat()
    return None


def parse(text: str, today: date | None = None) -> Query:
    query = Query(text=text)
    for raw in _split(" ".join(text.split())):
        negated = raw.startswith("-") and len(raw) > 1
        word = raw[1:] if negated else raw
        key, sep, value = word.partition(":")
        key = key.casefold()
        if word.startswith("#") and len(word) > 1:
            tag = unicodedata.normalize("NFKC", word[1:]).casefold()
            query.terms.append(Term("tag", tag, negated))
        elif sep and key == "is":
            flag = value.casefold()
            if flag in FLAGS:
                query.terms.append(Term("is", flag, negated))
            else:
                query.errors.append(f"unknown is:{value} (is:{', is:'.join(FLAGS)})")
        elif sep and key == "from":
            if value.strip():
                query.terms.append(Term("from", " ".join(value.split()), negated))
            else:
                query.errors.append("from: needs a publisher (from:caixin)")
        elif sep and key == "since":
            day = since_day(value, today)
            if day is None:
                query.errors.append(
                    f"since:{value} is not a day (since:7d, since:2w, since:2025-03-01)"
                )
            else:
                query.terms.append(Term("since", day, negated))
        elif negated:
            query.excluded.append(word)
        elif raw != "-":
            query.words.append(raw)
    return query


@dataclass(slots=True)
class QueryResult:
    """The rows a query matched (newest first) and the fuzzy search behind its words.

    `query`, `companies`, `tickers` and `describe()` read as a SearchResult's do, so the
    reader shows either the same way."""

    parsed: Query
    rows: list[int]
    search: SearchResult | None = None

    @property
    def query(self) -> str:
        return self.parsed.text

    @property
    def companies(self) -> list[Company]:
        return self.search.companies if self.search is not None else []

    @property
    def tickers(self) -> list[str]:
        return self.search.tickers if self.search is not None else []

    @property
    def errors(self) -> list[str]:
        return self.parsed.errors

    def describe(self) -> str:
        """What matched ("Tencent · 0700.HK; #ai, unread"), and any term not understood."""
        parts = [self.search.describe()] if self.search is not None else []
        parts.append(self.parsed.describe())
        parts.extend(f"⚠ {error}" for error in self.parsed.errors)
        return "; ".join(p for p in parts if p)


def _since_prefix(index: views.IndexColumns, day: str) -> int:
    """How many rows (newest first) are published on or after `day`."""
    published = index.published
    lo, hi = 0, len(published)
    while lo < hi:
        mid = (lo + hi) // 2
        if published[mid] >= day:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _note_rows(
    index: views.IndexColumns, notes: Mapping[str, str], words: Sequence[str]
) -> set[int]:
    folded = [w.casefold() for w in words]
    rows = set()
    for item_id, note in notes.items():
        text = note.casefold()
        if all(w in text for w in folded):
            row = index.row_of(item_id)
            if row is not None:
                rows.add(row)
    return rows


def _term_rows(
    index: views.IndexColumns,
    term: Term,
    marks: views.Marks,
    tags: Mapping[str, Sequence[str]],
    notes: Mapping[str, str],
) -> set[int] | None:
    """The rows a term keeps (None for `since`, which is a prefix of the rows)."""
    ids: Iterable[str]
    if term.kind == "tag":
        ids = (i for i, item_tags in tags.items() if term.value in item_tags)
    elif term.kind == "from":
        return set(views.publisher_rows(index, term.value))
    elif term.kind == "is" and term.value == "unread":
        read = marks.read
        return {r for r, i in enumerate(index.ids) if i not in read}
    elif term.kind == "is" and term.value == "read":
        ids = iter(marks.read)
    elif term.kind == "is" and term.value == "bookmarked":
        ids = iter(marks.bookmarks)
    elif term.kind == "is" and term.value == "tagged":
        ids = iter(tags)
    elif term.kind == "is" and term.value == "noted":
        ids = iter(notes)
    else:
        return None
    rows = (index.row_of(i) for i in ids)
    return {r for r in rows if r is not None}


def evaluate(
    query: Query | str,
    index,
    directory: CompanyDirectory,
    marks: views.Marks,
    tags: Mapping[str, Sequence[str]] | None = None,
    notes: Mapping[str, str] | None = None,
    rows: Sequence[int] | None = None,
    *,
    today: date | None = None,
) -> QueryResult:
    """The rows of `rows` (default: all) that `query` matches, newest first.

    `marks` are the user's bookmarks and read marks (`store.state`); `tags` and `notes`
    the user's desk (`Desk.tags`, `Desk.notes`)."""
    if isinstance(query, str):
        query = parse(query, today)
    tags = tags or {}
    notes = notes or {}
    # None: every row (no list of 100,000 rows built, copied and turned into a set per keystroke)
    base: list[int] | None = list(rows) if rows is not None else None
    for term in query.terms:
        every = range(len(index)) if base is None else base
        if term.kind == "since":
            cut = _since_prefix(index, term.value)
            base = [r for r in every if (r >= cut) == term.negated]
            continue
        kept = _term_rows(index, term, marks, tags, notes)
        if kept is not None:
            base = [r for r in every if (r in kept) != term.negated]
    found: SearchResult | None = None
    if query.words:
        found = search(index, directory, query.plain, rows=base)
        noted = _note_rows(index, notes, query.words) if notes else set()
        if base is not None and noted:
            noted &= set(base)
        # search's rows are ascending and distinct already; only a note's rows are merged in
        base = sorted(noted.union(found.rows)) if noted else list(found.rows)
    if base is None:
        base = list(range(len(index)))
    for word in query.excluded:
        if not base:
            break
        dropped = set(search(index, directory, word, rows=base).rows)
        dropped |= _note_rows(index, notes, [word])
        base = [r for r in base if r not in dropped]
    return QueryResult(query, base, found)
