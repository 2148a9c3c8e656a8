"""Stock tickers: every spelling found in documents or typed by users, to `CODE.MARKET`.

Canonical form: MARKET is one of SH, SZ, BJ, HK, US. HK codes are zero-padded to four
digits (`0700.HK`), mainland codes are six digits (`600941.SH`), US symbols upper-case
(`BABA.US`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from store.text.patterns import lazy_pattern

MARKETS = ("SH", "SZ", "BJ", "HK", "US")

_MARKET_ALIASES = {
    "SH": "SH", "SS": "SH", "SSE": "SH", "SHA": "SH", "SHANGHAI": "SH", "SHSE": "SH",
    "SZ": "SZ", "SZSE": "SZ", "SHE": "SZ", "SHENZHEN": "SZ",
    "BJ": "BJ", "BSE": "BJ", "BEIJING": "BJ",
    "HK": "HK", "HKG": "HK", "HKEX": "HK", "SEHK": "HK", "HONGKONG": "HK", "HONG KONG": "HK",
    "US": "US", "NYSE": "US", "NASDAQ": "US", "NASDAQGS": "US", "NASDAQGM": "US",
    "AMEX": "US", "NYSEAMERICAN": "US", "OTC": "US", "NYSEARCA": "US",
}  # fmt: skip

_US_SYMBOL = lazy_pattern(r"^[A-Z]{1,5}(?:[.-][A-Z])?$")


def normalize_market(market: str) -> str | None:
    """`"NYSE"` → `"US"`, `"ss"` → `"SH"`; None for an unknown market name."""
    return _MARKET_ALIASES.get(" ".join(market.upper().split()))


def mainland_market(code: str) -> str | None:
    """The exchange a six-digit mainland code belongs to, by its range."""
    if len(code) != 6 or not code.isdigit():
        return None
    if code.startswith(("60", "68", "90")):
        return "SH"
    if code.startswith(("00", "30", "20")):
        return "SZ"
    if code.startswith(("4", "8", "92")):
        return "BJ"
    return None


def canonical_ticker(code: str, market: str | None = None) -> str | None:
    """Canonical `CODE.MARKET` for a code and an optional market name, or None.

    Without a market, digits are placed by their form: 1-5 digits are Hong Kong,
    6 digits mainland by range (`688xxx` SH, `300xxx` SZ, `83xxxx` BJ); letters are US.
    """
    code = code.strip().upper()
    mkt = normalize_market(market) if market else None
    if market and mkt is None:
        return None
    if code.isdigit():
        if mkt is None:
            mkt = "HK" if len(code) <= 5 else mainland_market(code)
        if mkt == "HK":
            digits = code.lstrip("0") or "0"
            if len(digits) > 5:
                return None
            return f"{digits.zfill(4)}.HK"
        if mkt in ("SH", "SZ", "BJ"):
            if len(code) != 6:
                return None
            return f"{code}.{mkt}"
        return None
    if mkt in (None, "US") and _US_SYMBOL.match(code):
        return f"{code}.US"
    return None


@dataclass(frozen=True, slots=True)
class TickerMatch:
    start: int
    end: int
    raw: str
    ticker: str


_MKT = r"(?:HK|HKG|HKEX|SEHK|SH|SS|SSE|SZ|SZSE|BJ|BSE|NYSE|NASDAQ|Nasdaq|AMEX|US)"


def _positions(text: str, literals: tuple[str, ...]) -> list[int]:
    """Where any of `literals` occurs in `text`, in order (found by str.find, at C speed)."""
    found: list[int] = []
    for literal in literals:
        at = text.find(literal)
        while at != -1:
            found.append(at)
            at = text.find(literal, at + 1)
    return sorted(found)


@dataclass(frozen=True, slots=True)
class _Spelling:
    """A ticker spelling (groups `code`, optionally `market`), and where to look for it:
    with `anchors`, the pattern is tried only where one of those literal strings occurs
    (after backing over the `back` characters a match may start with), so the text itself
    is scanned at C speed."""

    pattern: re.Pattern[str]
    anchors: tuple[str, ...] = ()  # empty: scan the text with the pattern itself
    back: re.Pattern[str] | None = None
    reach: int = 0  # how far back from an anchor a match can start

    def matches(self, text: str) -> Iterator[re.Match[str]]:
        if not self.anchors:
            yield from self.pattern.finditer(text)
            return
        after = 0  # matches of one spelling do not overlap (as finditer's)
        for at in _positions(text, self.anchors):
            if at < after:
                continue
            start = at
            while (
                self.back is not None
                and start > max(after, at - self.reach)
                and self.back.match(text, start - 1)
            ):
                start -= 1
            for begin in range(start, at + 1):
                found = self.pattern.match(text, begin)
                if found and found.end() > at:
                    yield found
                    after = found.end()
                    break


_SPACE = lazy_pattern(r"\s")
_CODE_CHAR = lazy_pattern(r"[0-9A-Z]")
_BRACKETS = ("(", "（")
_MARKETS = tuple(
    "." + market
    for market in [
        "HK",
        "HKG",
        "HKEX",
        "SEHK",
        "SH",
        "SS",
        "SSE",
        "SZ",
        "SZSE",
        "BJ",
        "BSE",
        "NYSE",
        "NASDAQ",
        "Nasdaq",
        "AMEX",
        "US",
    ]
)


@cache
def spellings() -> list[_Spelling]:
    """The ticker spellings `find_tickers` reads in text, compiled on first use (~8 ms: a
    one-shot lookup parses queries, never text)."""
    return [
        # (0700: HK), (BABA: NYSE), (600941: SH)
        _Spelling(
            re.compile(
                rf"\(\s*(?P<code>[0-9]{{1,6}}|[A-Z]{{1,5}})\s*[:：]\s*(?P<market>{_MKT})\s*\)"
            )
        ),
        # (NASDAQ: BIDU), (HKG: 0700), (SZ: 002415)
        _Spelling(
            re.compile(
                rf"\(\s*(?P<market>{_MKT})\s*[:：]\s*(?P<code>[0-9]{{1,6}}|[A-Z]{{1,5}})\s*\)"
            )
        ),
        # 688052.SH, 0700.HK, 9988.HK, BABA.US (with or without parentheses)
        _Spelling(
            re.compile(
                rf"(?<![\w.])(?P<code>[0-9]{{4,6}}|[A-Z]{{1,5}})\.(?P<market>{_MKT})(?![\w])"
            ),
            _MARKETS,
            _CODE_CHAR,
            reach=6,
        ),
        # 联想(00992), 中芯国际（688981）: a bare code in brackets right after a CJK name
        _Spelling(
            re.compile(r"(?<=[\u4e00-\u9fff])\s*[（(]\s*(?P<code>[0-9]{4,6})\s*[)）]"),
            _BRACKETS,
            _SPACE,
            reach=64,
        ),
        # Xinqi Micro (688630), Xiaomi Group (01810), Lenovo (0992): a bare code in brackets
        # after a name; six digits in a mainland range, or a Hong Kong code with its leading
        # zero (a bare "(2024)" or "(8500)" is a year or a count)
        _Spelling(
            re.compile(r"(?<=[A-Za-z.’'])\s*[（(]\s*(?P<code>[0-9]{6}|0[0-9]{3,4})\s*[)）]"),
            _BRACKETS,
            _SPACE,
            reach=64,
        ),
        # SH688184, SZ000001, BJ830799: the market before the code
        _Spelling(
            re.compile(r"(?<![A-Za-z0-9])(?P<market>SH|SZ|BJ)(?P<code>[0-9]{6})(?![0-9])"),
            ("SH", "SZ", "BJ"),
        ),
        # AAPL.O, IBM.N: Reuters codes of US listings (.O Nasdaq, .N NYSE)
        _Spelling(
            re.compile(r"(?<![\w.])(?P<code>[A-Z]{1,5})\.(?P<market>O|OQ|N)(?![\w.])"),
            (".O", ".N"),
            _CODE_CHAR,
            reach=5,
        ),
    ]


_REUTERS_MARKETS = {"O": "NASDAQ", "OQ": "NASDAQ", "N": "NYSE"}


# Every ticker `find_tickers` reads is in brackets, written `CODE.MARKET` ("0700.HK") or
# `MARKET` + six digits ("SH688184"): text with none of these holds none, and most items are
# skipped without running the patterns.
_TICKER_DOT = lazy_pattern(r"\.[A-Z]|(?:SH|SZ|BJ)[0-9]")


_DOT_CAPITAL = lazy_pattern(r"\.[A-Z]")  # a literal first: the scan for "." runs at C speed
_MARKET_CODE = lazy_pattern(r"(?:SH|SZ|BJ)[0-9]")


def may_hold_tickers(text: str) -> bool:
    """False when `find_tickers(text)` is sure to find nothing (a fast pre-check): what
    `_TICKER_DOT` finds, looked for as its two branches, the second only where one of its
    market letters occurs."""
    if "(" in text or "（" in text:
        return True
    if "." in text and _DOT_CAPITAL.search(text) is not None:
        return True
    return ("SH" in text or "SZ" in text or "BJ" in text) and _MARKET_CODE.search(text) is not None


def find_tickers(text: str) -> list[TickerMatch]:
    """Every ticker written in `text`, in order, without overlaps."""
    if not may_hold_tickers(text):
        return []
    found: list[TickerMatch] = []
    taken: set[int] = set()  # character positions already claimed by an earlier pattern
    for spelling in spellings():
        for m in spelling.matches(text):
            if not taken.isdisjoint(range(m.start(), m.end())):
                continue
            market = m.groupdict().get("market")
            market = _REUTERS_MARKETS.get(market, market) if market else None
            ticker = canonical_ticker(m.group("code"), market)
            if ticker:
                found.append(TickerMatch(m.start(), m.end(), m.group(0), ticker))
                taken.update(range(m.start(), m.end()))
    found.sort(key=lambda t: t.start)
    return found


_QUERY_FORMS = [
    lazy_pattern(r"^(?P<code>[0-9]{1,6}|[A-Z]{1,5}(?:[.-][A-Z])?)$"),
    lazy_pattern(r"^(?P<code>[0-9]{1,6}|[A-Z]{1,5})\s*[.:\s]\s*(?P<market>[A-Z]{2,6})$"),
    lazy_pattern(r"^(?P<market>[A-Z]{2,6})\s*[.:\s]?\s*(?P<code>[0-9]{1,6})$"),
    lazy_pattern(r"^(?P<market>[A-Z]{2,6})\s*[.:\s]\s*(?P<code>[A-Z]{1,5})$"),
]


def parse_ticker_query(query: str) -> list[str]:
    """Canonical tickers a user's query could mean: `700`, `00700.HK`, `HK:0700`,
    `700 HK`, `sh688981`, `baba` … Empty when the query is not ticker-shaped.

    A bare symbol of letters is read as a US ticker; callers check it exists.
    """
    q = " ".join(query.strip().upper().split())
    q = q.strip("()（）")
    if not q:
        return []
    for form in _QUERY_FORMS:
        m = form.match(q)
        if not m:
            continue
        market = m.groupdict().get("market")
        if market and normalize_market(market) is None:
            continue
        ticker = canonical_ticker(m.group("code"), market)
        if ticker:
            return [ticker]
    return []


def ticker_code(ticker: str) -> str:
    """`0700.HK` → `0700`."""
    return ticker.rsplit(".", 1)[0]


def ticker_market(ticker: str) -> str:
    """`0700.HK` → `HK`."""
    return ticker.rsplit(".", 1)[-1]
