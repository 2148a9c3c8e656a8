"""Search over the item index: companies and tickers first, then titles, then bodies.

The reader's filter and `newsdesk search` both go through `search`; only the CLI asks for
body matches (they need the full records, which the reader never loads at once).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from store import views

if TYPE_CHECKING:  # the reader's first frame imports this module, not the companies
    from store.entities.companies import Company, CompanyDirectory

# A company match this good counts; weaker fuzzy hits only when nothing better exists.
_COMPANY_SCORE_MIN = 72.0
_COMPANY_SCORE_SPREAD = 12.0


@dataclass(slots=True)
class SearchResult:
    """What a query matched: rows of the index (newest first) and why."""

    query: str
    rows: list[int]
    companies: list[Company] = field(default_factory=list)
    tickers: list[str] = field(default_factory=list)
    company_rows: list[int] = field(default_factory=list)
    title_rows: list[int] = field(default_factory=list)
    body_ids: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """A one-line account of the match, e.g. "Tencent · 0700.HK"."""
        if not self.query.strip():
            return ""
        parts = []
        for company in self.companies[:3]:
            tickers = " ".join(company.listings[:2])
            parts.append(f"{company.name} · {tickers}" if tickers else company.name)
        if not parts and self.tickers:
            parts.append(" ".join(self.tickers))
        if self.title_rows and not parts:
            parts.append(f"titles containing “{self.query.strip()}”")
        return "; ".join(parts)


def parse_ticker_query(query: str) -> list[str]:
    """Every ticker `query` may spell (store.entities.tickers, imported when first asked)."""
    from store.entities.tickers import parse_ticker_query as parse

    return parse(query)


def title_rows(index, query: str) -> list[int]:
    """Rows whose title holds every word of `query` (case-insensitive), ascending."""
    words = [w for w in query.casefold().split() if w and "\n" not in w]
    return index.title_rows(words) if words else []


def _merge_sorted(lists: Iterable[Sequence[int]]) -> list[int]:
    merged: set[int] = set()
    for rows in lists:
        merged.update(rows)
    return sorted(merged)


def match_companies(directory: CompanyDirectory, query: str, limit: int = 5) -> list[Company]:
    """The companies a query names: every ticker spelling first, then the best name matches."""
    found: list[Company] = []
    for ticker in parse_ticker_query(query):
        company = directory.by_ticker(ticker)
        if company and company not in found:
            found.append(company)
    scored = directory.match(query, limit=limit)
    if scored:
        best = scored[0][1]
        for company, score in scored:
            good = score >= _COMPANY_SCORE_MIN and score >= best - _COMPANY_SCORE_SPREAD
            if good and company not in found:
                found.append(company)
    return found[:limit]


# A name match this good (an exact name or pinyin) settles a choice among close matches.
_RESOLVE_EXACT = 96.0


def resolve_company(
    directory: CompanyDirectory, query: str
) -> tuple[Company | None, list[Company]]:
    """The one company a user means by a ticker (any spelling) or a name, with all its
    listings; else (None, the closest candidates: several for an ambiguous name, maybe none).
    """
    query = " ".join(query.split())
    for ticker in parse_ticker_query(query):
        company = directory.by_ticker(ticker)
        if company is not None:
            return company, [company]
    exact = directory.by_name(query) if query else None
    if exact is not None:
        return exact, [exact]
    found = match_companies(directory, query)
    if len(found) == 1:
        return found[0], found
    scored = directory.match(query, limit=5)
    if found and scored[0][1] >= _RESOLVE_EXACT and scored[1][1] < scored[0][1]:
        return scored[0][0], [scored[0][0]]
    return None, found or [company for company, _ in scored]


def search(
    index,
    directory: CompanyDirectory,
    query: str,
    rows: Sequence[int] | None = None,
    *,
    store=None,
    body_limit: int | None = None,
) -> SearchResult:
    """Rows matching `query`, limited to `rows` if given.

    With `store` given, bodies are searched too (ids in `body_ids`, not already in rows),
    stopping after `body_limit` matches.
    """
    q = " ".join(query.split())
    if not q:
        base = list(rows) if rows is not None else list(range(len(index)))
        return SearchResult(query=query, rows=base)

    companies = match_companies(directory, q)
    tickers = [t for t in parse_ticker_query(q) if t in index.rows_by_ticker]
    posting_lists: list[Sequence[int]] = [index.rows_by_ticker.get(t, ()) for t in tickers]
    posting_lists.extend(views.rows_about(index, company) for company in companies)
    company_rows = _merge_sorted(posting_lists)

    matched_titles = title_rows(index, q)

    restricted = rows is not None and len(rows) < len(index)
    allowed = set(rows) if rows is not None and restricted else None
    if allowed is not None:
        company_rows = [r for r in company_rows if r in allowed]
        matched_titles = [r for r in matched_titles if r in allowed]
    merged = _merge_sorted((company_rows, matched_titles))

    body_ids: list[str] = []
    if store is not None:
        seen = {index.ids[r] for r in merged}
        allowed_ids = {index.ids[r] for r in allowed} if allowed is not None else None
        folded = q.casefold()
        for record in store.iter_records(containing=folded):
            rid = record["id"]
            if rid in seen or (allowed_ids is not None and rid not in allowed_ids):
                continue
            if folded in record.get("body", "").casefold():
                body_ids.append(rid)
                if body_limit is not None and len(body_ids) >= body_limit:
                    break
    company_set = set(company_rows)
    return SearchResult(
        query=query,
        rows=merged,
        companies=companies,
        tickers=tickers,
        company_rows=company_rows,
        title_rows=[r for r in matched_titles if r not in company_set],
        body_ids=body_ids,
    )
