"""The company directory: curated companies plus those learned at ingest, matched the way
users and documents name them (tickers, English names with typos, pinyin, Chinese).

`companies.json` is a list of objects with these fields:

- `key`: unique slug (`"alibaba"`, `"hua-hong"`).
- `name`: English name (`"Alibaba Group Holding"`); `short_name`: what news calls it.
- `aliases`: other English names, exchange short names and US symbols (`"Alibaba-SW"`, `"BABA"`).
- `chinese_name`: simplified Chinese (`"阿里巴巴"`), `""` for a foreign company without one;
  `chinese_traditional`: traditional form, `""` where it is the same;
  `chinese_aliases`: other Chinese names (`"阿里"`).
- `pinyin`: pinyin of `chinese_name`, lower-case, syllables separated by spaces
  (`"zhong xin guo ji"`); `pinyin_aliases`: pinyin of the Chinese aliases (optional).
- `listings`: canonical tickers (`store.entities.tickers`), primary first; `[]` when unlisted
  or listed only outside SH/SZ/BJ/HK/US (Foxconn's Taiwan listing).
- `sector`: one lower-case word or slug (`"semiconductors"`, `"ev"`).
- `text_exclude` (optional): names that are never looked for in body text because they are
  also common words or too ambiguous (`"Ant"`, `"Sea"`, `"美的"`, `"联通"`); they still match
  queries and `by_name`.

Body-text linking (`companies_in_text`) uses every name and alias except `text_exclude`,
English ones case-sensitively on word boundaries (plus their ALL-CAPS form for headlines),
pure digits and one-letter names never, two-letter ones only when upper-case.
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from store.entities.tickers import (
    canonical_ticker,
    find_tickers,
    parse_ticker_query,
    ticker_code,
    ticker_market,
)
from store.model import Mention
from store.text.cjk import cjk_pattern, has_cjk

DATA_FILE = Path(__file__).with_name("companies.json")

_NON_WORD_ASCII = re.compile(r"[^0-9a-z]+")
_NON_WORD = "[^0-9a-z{cjk}]+"  # compiled when a name that is not ASCII is first met
# A query that looks like a ticker in some spelling: market and code in either order.
_CODE_QUERY = re.compile(r"^(?:[a-z]{2,6}\s*[.:\s]?\s*)?(\d{1,6})(?:\s*[.:\s]\s*[a-z]{2,6})?$")
_LATIN_BOUNDARY = "A-Za-z0-9"

# Scores: an exact name 100, exact pinyin 96, a name starting with the query's whole words
# 80-90, a name one of whose later words is the query 65-75, fuzzy ratio scaled to <= 90.
_EXACT = 100.0
_SAME_CODE_OTHER_MARKET = 95.0
_EXACT_PINYIN = 96.0
_FUZZY_SCALE = 0.9


@dataclass(frozen=True, slots=True)
class Company:
    """One company: its names in every script and its listings."""

    key: str
    name: str
    short_name: str
    aliases: tuple[str, ...]
    chinese_name: str
    chinese_traditional: str
    chinese_aliases: tuple[str, ...]
    pinyin: str
    listings: tuple[str, ...]
    sector: str
    learned: bool = False
    pinyin_aliases: tuple[str, ...] = ()
    text_exclude: tuple[str, ...] = ()

    @property
    def primary_ticker(self) -> str | None:
        return self.listings[0] if self.listings else None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def all_names(self) -> list[str]:
        """Every name and alias in every script, without duplicates, English first."""
        seen: dict[str, None] = {}
        for n in (
            self.short_name,
            self.name,
            *self.aliases,
            self.chinese_name,
            self.chinese_traditional,
            *self.chinese_aliases,
        ):
            if n and n not in seen:
                seen[n] = None
        return list(seen)

    def to_dict(self) -> dict:
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, tuple):
                d[k] = list(v)
        return d

    @classmethod
    def from_dict(cls, d: dict, *, learned: bool | None = None) -> Company:
        """A Company from a JSON object; missing optional fields get their defaults."""

        def strs(name: str) -> tuple[str, ...]:
            return tuple(str(x) for x in d.get(name) or ())

        return cls(
            key=str(d["key"]),
            name=str(d["name"]),
            short_name=str(d.get("short_name") or d["name"]),
            aliases=strs("aliases"),
            chinese_name=str(d.get("chinese_name") or ""),
            chinese_traditional=str(d.get("chinese_traditional") or ""),
            chinese_aliases=strs("chinese_aliases"),
            pinyin=str(d.get("pinyin") or ""),
            listings=strs("listings"),
            sector=str(d.get("sector") or ""),
            learned=bool(d.get("learned", False)) if learned is None else learned,
            pinyin_aliases=strs("pinyin_aliases"),
            text_exclude=strs("text_exclude"),
        )


@dataclass(slots=True)
class Linked:
    """What `CompanyDirectory.link` found for one item."""

    companies: list[Company] = field(default_factory=list)
    tickers: list[str] = field(default_factory=list)
    learned: list[Company] = field(default_factory=list)


def _norm(text: str) -> str:
    """Lower-case words separated by single spaces: `"Alibaba-SW"` → `"alibaba sw"`."""
    if text.isascii():
        return _NON_WORD_ASCII.sub(" ", text.lower()).strip()
    text = unicodedata.normalize("NFKC", text).casefold()
    return cjk_pattern(_NON_WORD).sub(" ", text).strip()


def _code_key(code: str) -> str:
    """A ticker code as compared across markets: HK `0981` and a bare `981` are the same."""
    return (code.lstrip("0") or "0") if code.isdigit() else code.upper()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", text).lower()).strip("-")


def _keep_unconverted(text: str) -> str:
    """pypinyin's `errors` hook: characters with no pinyin stay as they are."""
    return text


def to_pinyin(chinese: str) -> str:
    """Pinyin of a Chinese name, syllables separated by spaces (pypinyin, loaded on demand)."""
    from pypinyin import lazy_pinyin  # a large dictionary: import only when needed

    syllables: list[str] = []
    for part in lazy_pinyin(chinese, errors=_keep_unconverted):
        syllables.extend(part.lower().split())
    return " ".join(syllables)


class _SubstringIndex:
    """Many strings joined into one, to find every string containing a query in one scan."""

    def __init__(self, strings: Sequence[str]) -> None:
        self.strings = list(strings)
        self.starts: list[int] = []
        pos = 0
        for s in self.strings:
            self.starts.append(pos)
            pos += len(s) + 1
        self.blob = "\n".join(self.strings)

    def find(self, query: str) -> Iterable[tuple[int, int]]:
        """(string index, offset in that string) of every occurrence of `query`."""
        if not query or "\n" in query:
            return
        at = self.blob.find(query)
        while at != -1:
            i = bisect_right(self.starts, at) - 1
            yield i, at - self.starts[i]
            at = self.blob.find(query, at + 1)


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex alternation for many literals, factored by prefix so matching stays fast;
    at each node longer continuations are tried first (leftmost-longest)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            if len(branches) == 1 and len(body) > 1:
                body = "(?:" + body + ")"
            return body + "?"
        return body

    return build(trie)


class _Index:
    """Lookup tables for one directory, built once on first use."""

    def __init__(self, companies: Sequence[Company]) -> None:
        self.exact: dict[str, dict[int, float]] = {}
        latin: list[str] = []
        latin_owner: list[int] = []
        compact_pinyin: list[str] = []
        compact_owner: list[int] = []
        chinese: list[str] = []
        chinese_owner: list[int] = []
        self.trad_to_simp: dict[str, str] = {}

        def add_exact(text: str, ci: int, score: float) -> None:
            slot = self.exact.setdefault(text, {})
            slot[ci] = max(slot.get(ci, 0.0), score)

        for ci, c in enumerate(companies):
            for n in (c.short_name, c.name, *c.aliases):
                if not n or has_cjk(n):
                    continue
                nn = _norm(n)
                if not nn:
                    continue
                add_exact(nn, ci, _EXACT)
                add_exact(nn.replace(" ", ""), ci, _EXACT - 1)
                latin.append(nn)
                latin_owner.append(ci)
            for py in (c.pinyin, *c.pinyin_aliases):
                pn = _norm(py)
                if not pn:
                    continue
                compact = pn.replace(" ", "")
                add_exact(compact, ci, _EXACT_PINYIN)
                add_exact(pn, ci, _EXACT_PINYIN)
                latin.append(pn)
                latin_owner.append(ci)
                compact_pinyin.append(compact)
                compact_owner.append(ci)
            if c.chinese_traditional and len(c.chinese_traditional) == len(c.chinese_name):
                for s, t in zip(c.chinese_name, c.chinese_traditional, strict=True):
                    if s != t:
                        self.trad_to_simp[t] = s
            for n in (c.chinese_name, c.chinese_traditional, *c.chinese_aliases):
                if not n:
                    continue
                zn = _norm(n)
                if has_cjk(zn):
                    add_exact(zn, ci, _EXACT)
                    chinese.append(zn)
                    chinese_owner.append(ci)
                elif zn:  # a non-Chinese entry in chinese_aliases ("360")
                    add_exact(zn, ci, _EXACT)

        self.latin = _SubstringIndex(latin)
        self.latin_owner = latin_owner
        self.compact = _SubstringIndex(compact_pinyin)
        self.compact_owner = compact_owner
        self.fuzzy_choices = latin + compact_pinyin
        self.fuzzy_owner = latin_owner + compact_owner
        self.chinese = _SubstringIndex(chinese)
        self.chinese_owner = chinese_owner

        self.by_ticker: dict[str, list[int]] = {}
        self.by_code: dict[str, list[tuple[str, int]]] = {}
        for ci, c in enumerate(companies):
            for t in c.listings:
                self.by_ticker.setdefault(t, []).append(ci)
                self.by_code.setdefault(_code_key(ticker_code(t)), []).append((t, ci))

        self.by_name: dict[str, int] = {}
        for ci, c in enumerate(companies):
            for n in (c.key, *c.all_names()):
                for k in (n.casefold().strip(), _norm(n)):
                    if k:
                        self.by_name.setdefault(k, ci)

        self._text_forms: tuple[dict[str, int], list[str], list[str]] | None = None
        self._text_regexes: list[re.Pattern[str]] | None = None
        self._latin_names: re.Pattern[str] | None = None  # the English names, no boundaries
        self._name_lookup: NameLookup | None = None
        self._looked_up = 0  # characters of text matched by lookups so far
        self._companies = companies

    def text_forms(self) -> tuple[dict[str, int], list[str], list[str]]:
        """The spellings looked for in body text with the company of each (a spelling two
        companies share is left out: ambiguous), and those spellings split into English
        and Chinese ones."""
        if self._text_forms is None:
            owner: dict[str, int | None] = {}
            for ci, c in enumerate(self._companies):
                excluded = set(c.text_exclude)
                for n in c.all_names():
                    if n in excluded:
                        continue
                    for form in _text_forms(n):
                        prev = owner.get(form, ci)
                        owner[form] = ci if prev == ci else None  # shared by two: ambiguous
            usable = {k: v for k, v in owner.items() if v is not None}
            latin = [k for k in usable if not has_cjk(k)]
            cjk = [k for k in usable if has_cjk(k)]
            self._text_forms = (usable, latin, cjk)
        return self._text_forms

    def text_regexes(self) -> tuple[list[re.Pattern[str]], dict[str, int]]:
        """One regex for English names (word boundaries), one for Chinese (none), and the
        company of each matched spelling. Two plain regexes scan much faster than one."""
        if self._text_regexes is None:
            _, latin, cjk = self.text_forms()
            regexes = []
            if latin:
                b = _LATIN_BOUNDARY
                names = _trie_pattern(latin)
                regexes.append(re.compile(f"(?<![{b}])(?:{names})(?![{b}])"))
                # Without the boundary checks in front the regex engine skips quickly to the
                # letters names start with: it finds where to try the full pattern.
                self._latin_names = re.compile(names)
            if cjk:
                regexes.append(re.compile(_trie_pattern(cjk)))
            self._text_regexes = regexes
        return self._text_regexes, self.text_forms()[0]

    def text_matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, spelling) of every name `text_regexes` find in `text`: the same
        matches as their `finditer`. The first texts are matched by looking names up
        (`NameLookup`); compiling the regexes (~90 ms) pays only once enough text has come."""
        if self._text_regexes is None and self._looked_up < _LOOKUP_CHARS:
            lookup = self.name_lookup()
            if lookup is not None:
                self._looked_up += len(text)
                return lookup.matches(text)
        return self.regex_matches(text)

    def regex_matches(self, text: str) -> list[tuple[int, int, str]]:
        """`text_matches` by the regexes, the English names found faster."""
        regexes, _ = self.text_regexes()
        found: list[tuple[int, int, str]] = []
        for regex in regexes:
            if regex is regexes[0] and self._latin_names is not None:
                found.extend(_bounded_matches(regex, self._latin_names, text))
            elif not text.isascii():  # the Chinese names: each holds a CJK character
                found.extend((m.start(), m.end(), m.group(0)) for m in regex.finditer(text))
        return found

    def name_lookup(self) -> NameLookup | None:
        """The text forms as lookup tables; None when an English form does not start with
        a letter or digit (it could start anywhere: only the regex finds it)."""
        if self._name_lookup is None:
            _, latin, cjk = self.text_forms()
            if not all(_LATIN_RUN.match(form) for form in latin):
                return None
            self._name_lookup = NameLookup(latin, cjk)
        return self._name_lookup


_LOOKUP_CHARS = 1_000_000  # lookups scan ~2x slower than the regexes but need no compiling
_LATIN_RUN = re.compile(f"[{_LATIN_BOUNDARY}]+")


class NameLookup:
    """Finds the text forms by table lookups, as the regexes of `_Index.text_regexes` do:
    English names leftmost-longest on word boundaries (each starts a run of letters and
    digits: the run is the key), Chinese ones leftmost-longest anywhere (the first
    character is the key). Built in ~2 ms where the regexes take ~90 ms to compile."""

    def __init__(self, latin: Iterable[str], cjk: Iterable[str]) -> None:
        self.latin: dict[str, list[str]] = {}
        for form in latin:
            run = _LATIN_RUN.match(form)
            assert run is not None  # name_lookup checked every form
            self.latin.setdefault(run.group(0), []).append(form)
        self.cjk: dict[str, list[str]] = {}
        for form in cjk:
            self.cjk.setdefault(form[0], []).append(form)
        for table in (self.latin, self.cjk):
            for forms in table.values():
                forms.sort(key=len, reverse=True)
        b = _LATIN_BOUNDARY
        firsts = re.escape("".join(sorted({run[0] for run in self.latin})))
        self._runs = re.compile(f"(?<![{b}])[{firsts}][{b}]*") if firsts else None
        firsts = re.escape("".join(sorted(self.cjk)))
        self._cjk_starts = re.compile(f"[{firsts}]") if firsts else None

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, form) of every English match, then every Chinese one."""
        found: list[tuple[int, int, str]] = []
        if self._runs is not None:
            after = 0
            table = self.latin
            for run in self._runs.finditer(text):
                forms = table.get(run.group(0))
                at = run.start()
                if forms is None or at < after:
                    continue
                for form in forms:
                    end = at + len(form)
                    if text.startswith(form, at) and not _LATIN_RUN.match(text, end):
                        found.append((at, end, form))
                        after = end
                        break
        if self._cjk_starts is not None and not text.isascii():
            after = 0
            table = self.cjk
            for start in self._cjk_starts.finditer(text):
                at = start.start()
                if at < after:
                    continue
                for form in table[start.group(0)]:
                    if text.startswith(form, at):
                        found.append((at, at + len(form), form))
                        after = at + len(form)
                        break
        return found


def _text_hits(idx: _Index, text: str, offset: int) -> list[tuple[int, int, int]]:
    """(start, -end, company position + offset) of every name `idx` finds in `text`."""
    owner = idx.text_forms()[0]
    return [(start, -end, owner[name] + offset) for start, end, name in idx.text_matches(text)]


def _bounded_matches(
    bounded: re.Pattern[str], unbounded: re.Pattern[str], text: str
) -> Iterable[tuple[int, int, str]]:
    """`bounded.finditer(text)` (a pattern with boundary checks around `unbounded`), found
    by trying `bounded` only where `unbounded` matches: it matches wherever `bounded` does."""
    pos = 0
    while True:
        candidate = unbounded.search(text, pos)
        if candidate is None:
            return
        at = candidate.start()
        match = bounded.match(text, at)
        if match is None:
            pos = at + 1
        else:
            yield at, match.end(), match.group(0)
            pos = match.end()


def _text_forms(name: str) -> list[str]:
    """The spellings of a name looked for in body text (see the module docstring)."""
    name = name.strip()
    if has_cjk(name):
        return [name] if len(name) >= 2 else []
    if not name or name.isdigit() or len(name) < 2:
        return []
    if len(name) == 2 and not name.isupper():
        return []
    forms = [name]
    if len(name) >= 4 and name.upper() != name:
        forms.append(name.upper())
    return forms


class CompanyDirectory:
    """Curated companies plus learned ones: lookups by key, ticker and name, fuzzy `match`,
    mention resolution and linking of companies named in text."""

    def __init__(
        self, companies: Iterable[Company], text_base: CompanyDirectory | None = None
    ) -> None:
        self._companies: tuple[Company, ...] = tuple(companies)
        self._by_key = {c.key: c for c in self._companies}
        self._index: _Index | None = None
        # Compiling the text regexes takes ~40 ms: a directory that only adds learned
        # companies to `text_base` reuses its regexes and compiles the additions alone.
        self._text_base = text_base
        self._extra_index: _Index | None = None

    # -- construction ------------------------------------------------------------------

    @classmethod
    def bundled(cls) -> CompanyDirectory:
        """The curated directory shipped in `companies.json` (loaded once per process)."""
        return _bundled()

    @classmethod
    def for_store(cls, store) -> CompanyDirectory:
        """The bundled directory plus the companies `store` has learned at ingest."""
        return cls.bundled().with_learned(store.learned_companies())

    @classmethod
    def from_json(cls, path: Path | str) -> CompanyDirectory:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(Company.from_dict(d, learned=False) for d in data)

    def with_learned(self, learned: Iterable[dict]) -> CompanyDirectory:
        """This directory plus companies learned at ingest (dicts as `Company.to_dict()`).

        A learned company whose key is taken, or whose tickers all belong to a company
        already here, is skipped: the curated entry wins.
        """
        extra: list[Company] = []
        keys = set(self._by_key)
        tickers = {t for c in self._companies for t in c.listings}
        for d in learned:
            try:
                c = Company.from_dict(d, learned=True)
            except (KeyError, TypeError):
                continue
            if c.key in keys or (c.listings and all(t in tickers for t in c.listings)):
                continue
            c = _replace_listings(c, tuple(t for t in c.listings if t not in tickers))
            if not c.pinyin and has_cjk(c.chinese_name):
                c = _with_pinyin(c, to_pinyin(c.chinese_name))
            extra.append(c)
            keys.add(c.key)
            tickers.update(c.listings)
        if not extra:
            return self
        return CompanyDirectory((*self._companies, *extra), text_base=self._text_base or self)

    def learn(self, name: str, ticker: str | None = None) -> Company:
        """A new learned Company for a mention this directory lacks (not added to it)."""
        name = " ".join(name.split())
        chinese = has_cjk(name)
        pinyin = to_pinyin(name) if chinese else ""
        base = _slug(pinyin if chinese else name) or _slug(ticker or "") or "company"
        key = base
        if key in self._by_key:
            key = f"{base}-{_slug(ticker)}" if ticker else base
            n = 2
            while key in self._by_key:
                key = f"{base}-{n}"
                n += 1
        return Company(
            key=key,
            name=name,
            short_name=name,
            aliases=(),
            chinese_name=name if chinese else "",
            chinese_traditional="",
            chinese_aliases=(),
            pinyin=pinyin,
            listings=(ticker,) if ticker else (),
            sector="",
            learned=True,
        )

    # -- lookups -----------------------------------------------------------------------

    @property
    def companies(self) -> tuple[Company, ...]:
        return self._companies

    def __len__(self) -> int:
        return len(self._companies)

    def __iter__(self):
        return iter(self._companies)

    @property
    def _idx(self) -> _Index:
        if self._index is None:
            self._index = _Index(self._companies)
        return self._index

    def compile_text_regexes(self) -> None:
        """Compile the name regexes now (~90 ms) rather than after the first megabyte of
        text: before forking workers that all scan much text, so they inherit them."""
        self._idx.text_regexes()

    def by_key(self, key: str) -> Company | None:
        return self._by_key.get(key)

    def by_ticker(self, ticker: str) -> Company | None:
        """The company listed under a canonical ticker (`"0700.HK"`)."""
        owners = self._idx.by_ticker.get(ticker)
        return self._companies[owners[0]] if owners else None

    def by_name(self, name: str) -> Company | None:
        """Exact (case-insensitive) lookup of any name, alias, Chinese name or key."""
        idx = self._idx
        for k in (name.casefold().strip(), _norm(name)):
            if k in idx.by_name:
                return self._companies[idx.by_name[k]]
        return None

    # -- matching ----------------------------------------------------------------------

    def match(self, query: str, limit: int = 5) -> list[tuple[Company, float]]:
        """Companies a user's query may mean, best first, each with a score 0-100.

        Tickers in any spelling (`700`, `00700.HK`, `HK:0700`, `BABA`), English names and
        aliases with typos, pinyin with or without spaces, simplified and traditional
        Chinese. A query that only fits part of many names (`China`) scores below a real
        match and returns only the few names it fits best.
        """
        query = unicodedata.normalize("NFKC", query).strip()
        if not query or limit <= 0:
            return []
        scores: dict[int, float] = {}

        def put(ci: int, score: float) -> None:
            if score > scores.get(ci, 0.0):
                scores[ci] = score

        def exact_found() -> bool:
            # typo-tolerant matching only when the query names no company exactly: its
            # hits would rank below the exact one (and it imports rapidfuzz, ~20 ms a start)
            return max(scores.values(), default=0.0) >= _EXACT_PINYIN

        self._match_tickers(query, put)
        if has_cjk(query):
            self._match_chinese(query, put, exact_found)
        else:
            self._match_latin(query, put, exact_found)
        ranked = sorted(
            scores.items(),
            key=lambda kv: (-kv[1], len(self._companies[kv[0]].display_name), kv[0]),
        )
        return [(self._companies[ci], round(score, 1)) for ci, score in ranked[:limit]]

    def _match_tickers(self, query: str, put) -> None:
        idx = self._idx
        exact: set[str] = set()
        for t in parse_ticker_query(query):
            exact.add(t)
            for ci in idx.by_ticker.get(t, ()):
                put(ci, _EXACT)
        m = _CODE_QUERY.match(query.lower())
        if m:  # the same code listed under another market: `688981.HK`, `0981.SH`
            for t, ci in idx.by_code.get(_code_key(m.group(1)), ()):
                if t not in exact:
                    put(ci, _SAME_CODE_OTHER_MARKET)

    def _match_latin(self, query: str, put, exact_found: Callable[[], bool]) -> None:
        idx = self._idx
        q = _norm(query)
        compact = q.replace(" ", "")
        if not compact:
            return
        for key in (q, compact):
            for ci, score in idx.exact.get(key, {}).items():
                put(ci, score)
        if len(compact) <= 2:  # too short for anything but an exact name or ticker
            return
        for si, at in idx.latin.find(q):
            s = idx.latin.strings[si]
            end = at + len(q)
            starts_word = at == 0 or s[at - 1] == " "
            ends_word = end == len(s) or s[end] == " "
            cover = len(q) / len(s)
            if at == 0 and ends_word:
                score = 80 + 10 * cover
            elif at == 0 and len(compact) >= 3:
                score = 72 + 10 * cover
            elif starts_word and ends_word:
                score = 65 + 10 * cover
            elif starts_word and len(compact) >= 4:
                score = 58 + 10 * cover
            else:
                continue
            put(idx.latin_owner[si], score)
        if len(compact) >= 4:
            for si, at in idx.compact.find(compact):
                if at == 0:
                    s = idx.compact.strings[si]
                    put(idx.compact_owner[si], 72 + 10 * len(compact) / len(s))
        if exact_found():
            return
        from rapidfuzz import fuzz, process

        # Plain ratio, not WRatio: partial matching would make "china" fit every
        # "China ..." name as well as a real typo fits its name.
        cutoff = 88 if len(compact) <= 4 else 78
        for form in (q, compact) if " " in q else (q,):
            for _, score, ci in process.extract(
                form,
                idx.fuzzy_choices,
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=cutoff,
                limit=20,
            ):
                put(idx.fuzzy_owner[ci], score * _FUZZY_SCALE)

    def _match_chinese(self, query: str, put, exact_found: Callable[[], bool]) -> None:
        idx = self._idx
        q = _norm(query)
        simplified = "".join(idx.trad_to_simp.get(ch, ch) for ch in q)
        for form in dict.fromkeys((q, simplified, q.replace(" ", ""))):
            for ci, score in idx.exact.get(form, {}).items():
                put(ci, score)
            if len(form) < 2:
                continue
            for si, at in idx.chinese.find(form):
                s = idx.chinese.strings[si]
                cover = len(form) / len(s)
                put(idx.chinese_owner[si], (80 if at == 0 else 65) + 10 * cover)
            for si, s in enumerate(idx.chinese.strings):
                if len(s) >= 2 and len(s) < len(form) and s in form:
                    put(idx.chinese_owner[si], 70 + 10 * len(s) / len(form))
            if len(form) >= 3 and not exact_found():
                from rapidfuzz import fuzz, process

                for _, score, ci in process.extract(
                    form,
                    idx.chinese.strings,
                    scorer=fuzz.ratio,
                    processor=None,
                    score_cutoff=70,
                    limit=10,
                ):
                    put(idx.chinese_owner[ci], score * _FUZZY_SCALE)

    # -- documents ---------------------------------------------------------------------

    def resolve_mention(self, name: str, ticker: str | None, context: str = "") -> Company | None:
        """The company a document's header means: `Xiaoxi (1810: HK)` is Xiaomi.

        A known ticker decides, even when the name is misspelt. Otherwise the name must
        match strongly, or fairly well a company the context (the item's text) names.
        None means the caller should learn a new company.
        """
        name = " ".join((name or "").split())
        if ticker:
            found = self.by_ticker(ticker)
            if found:
                return found
        if not name:
            return None
        exact = self.by_name(name)
        if exact:
            return exact
        candidates = [(c, s) for c, s in self._name_match(name) if s >= 60]
        if ticker:
            # An unknown ticker on a market where the candidate already has another code is
            # another company with a similar name ("Company15" is not "Company10").
            market = ticker_market(ticker)
            candidates = [
                (c, s) for c, s in candidates
                if not any(ticker_market(t) == market for t in c.listings)
            ]  # fmt: skip
        if not candidates:
            return None
        best, best_score = candidates[0]
        if best_score >= 80:  # a close typo of one name (ratio >= ~89)
            return best
        if context:
            in_text = {c.key for c in self.companies_in_text(context)}
            for c, _ in candidates:
                if c.key in in_text:
                    return c
        return None

    def _name_match(self, name: str) -> list[tuple[Company, float]]:
        """`match` without reading the name as a ticker ("TME" stays a name)."""
        scores: dict[int, float] = {}

        def put(ci: int, score: float) -> None:
            if score > scores.get(ci, 0.0):
                scores[ci] = score

        def always_fuzzy() -> bool:
            # a header's name is matched in full: a company it excludes by market leaves
            # the typo-tolerant candidates to choose from
            return False

        text = unicodedata.normalize("NFKC", name).strip()
        if has_cjk(text):
            self._match_chinese(text, put, always_fuzzy)
        else:
            self._match_latin(text, put, always_fuzzy)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(self._companies[ci], score) for ci, score in ranked[:5]]

    def companies_in_text(self, text: str) -> list[Company]:
        """Companies named in body text, in order of first mention."""
        if not text:
            return []
        base = self._text_base
        if base is None:
            found = _text_hits(self._idx, text, 0)
        else:
            offset = len(base._companies)
            if self._extra_index is None:
                self._extra_index = _Index(self._companies[offset:])
            found = _text_hits(base._idx, text, 0) + _text_hits(self._extra_index, text, offset)
        found.sort()
        seen: dict[int, None] = {}
        covered = 0
        for start, neg_end, ci in found:
            if start < covered:  # inside a longer name already taken ("TCL科技" vs "TCL")
                continue
            covered = -neg_end
            seen.setdefault(ci, None)
        return [self._companies[ci] for ci in seen]

    def link(self, mentions: Sequence[Mention], text: str) -> Linked:
        """Companies and tickers of one item: its header mentions (resolved, or learned when
        the directory lacks them), tickers written in the text, and companies the text
        names; each list in order of first appearance, without duplicates. `tickers` are
        the ones written (in mentions or text), not every listing of a named company.

        Learned companies are returned, not added: the caller keeps them
        (`with_learned`) so later documents resolve to the same company.
        """
        out = Linked()
        keys: set[str] = set()
        directory = self

        def add(c: Company) -> None:
            if c.key not in keys:
                keys.add(c.key)
                out.companies.append(c)

        for mention in mentions:
            ticker = mention.ticker
            if ticker and canonical_ticker(ticker_code(ticker), ticker_market(ticker)) != ticker:
                ticker = None
            c = directory.resolve_mention(mention.name, ticker, text)
            if c is None and mention.name.strip() and ticker:
                c = directory.learn(mention.name, ticker)
                out.learned.append(c)
                directory = directory.with_learned([c.to_dict()])
            if c is not None:
                add(c)
                if ticker and ticker not in out.tickers:
                    out.tickers.append(ticker)
        for tm in find_tickers(text):
            if tm.ticker not in out.tickers:
                out.tickers.append(tm.ticker)
            c = directory.by_ticker(tm.ticker)
            if c is not None:
                add(c)
        for c in directory.companies_in_text(text):
            add(c)
        return out


def _replace_listings(c: Company, listings: tuple[str, ...]) -> Company:
    d = c.to_dict()
    d["listings"] = list(listings)
    return Company.from_dict(d, learned=c.learned)


def _with_pinyin(c: Company, pinyin: str) -> Company:
    d = c.to_dict()
    d["pinyin"] = pinyin
    return Company.from_dict(d, learned=c.learned)


@cache
def _bundled() -> CompanyDirectory:
    return CompanyDirectory.from_json(DATA_FILE)
