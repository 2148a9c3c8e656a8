"""Item records as the store keeps them: one normal form, merging reprints, the user's marks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeGuard

import orjson

from store.model import CompanyRef, ItemRecord


def company_key(company: Mapping[str, object]) -> str:
    return str(company.get("key") or company.get("name") or "").strip()


def company_ref(company: Mapping[str, object]) -> CompanyRef:
    """A company as an item stores it: its key (its name when it has none), name, ticker."""
    ticker = company.get("ticker")
    return {
        "key": company_key(company),
        "name": str(company.get("name") or ""),
        "ticker": str(ticker) if ticker else None,
    }


def is_item_record(value: object) -> TypeGuard[ItemRecord]:
    """Whether a value read back from a segment file is an item record: a JSON object with
    a string id and title (the store wrote it as `normalize_record` made it, so a file that
    passes this and its checksum-free parse is trusted for the other fields)."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("id"), str)
        and isinstance(value.get("title"), str)
    )


def join_paragraphs(paragraphs: list[str]) -> str:
    """A body or preamble given as a list of paragraphs, as one string (blank-line separated)."""
    return "\n\n".join(p.strip() for p in paragraphs if p and p.strip())


def normalize_record(record: Mapping[str, object], document: str | None = None) -> ItemRecord:
    """A clean item record with every field present, listing `document` among its sources."""
    body = record.get("body") or ""
    if isinstance(body, list):
        body = join_paragraphs(_strings(body))
    documents = _strings(record.get("documents"))
    if document is not None and document not in documents:
        documents.append(document)
    return {
        "id": str(record.get("id") or ""),
        "title": str(record.get("title") or ""),
        "publisher": str(record.get("publisher") or ""),
        "documents": documents,
        "section": str(record.get("section") or ""),
        "authors": _strings(record.get("authors")),
        "published": str(record.get("published") or ""),
        "body": str(body),
        "related": _strings(record.get("related")),
        "companies": _company_refs(record.get("companies")),
        "tickers": _strings(record.get("tickers")),
    }


def _company_refs(value: object) -> list[CompanyRef]:
    if not isinstance(value, list | tuple):
        return []
    return [company_ref(c) for c in value if isinstance(c, dict)]


def _strings(value: object) -> list[str]:
    """The strings of a list field (a field that is not a list: none)."""
    if not isinstance(value, list | tuple):
        return []
    return [v for v in value if isinstance(v, str)]


def _union(old: list[str], new: list[str]) -> list[str]:
    out = list(old)
    out.extend(v for v in new if v not in out)
    return out


def merged(stored: ItemRecord, incoming: ItemRecord) -> ItemRecord:
    """The stored record with what another printing of the same story adds."""
    record: ItemRecord = {**stored}
    record["documents"] = _union(stored.get("documents", []), incoming["documents"])
    if len(incoming["body"]) > len(stored.get("body") or ""):
        record["body"] = incoming["body"]
    record["tickers"] = _union(stored.get("tickers", []), incoming["tickers"])
    record["related"] = _union(stored.get("related", []), incoming["related"])
    record["authors"] = _union(stored.get("authors", []), incoming["authors"])
    if not stored.get("section"):
        record["section"] = incoming["section"]
    companies: list[CompanyRef] = [{**c} for c in stored.get("companies", [])]
    by_key = {company_key(c): c for c in companies}
    for company in incoming["companies"]:
        known = by_key.get(company_key(company))
        if known is None:
            companies.append(company)
            by_key[company_key(company)] = company
        elif not known.get("ticker") and company.get("ticker"):
            known["ticker"] = company["ticker"]
    record["companies"] = companies
    return record


def content_hash(document: Mapping[str, object], items: Sequence[Mapping[str, object]]) -> str:
    payload = orjson.dumps(
        [{k: v for k, v in document.items() if k != "ingested_at"}, list(items)],
        option=orjson.OPT_SORT_KEYS,
        default=str,
    )
    import hashlib  # (imported when first used: ~5 ms of OpenSSL a one-shot read skips)

    return hashlib.sha256(payload).hexdigest()


def with_marks(
    record: ItemRecord, bookmarks: frozenset[str], read: frozenset[str], *, copy: bool = True
) -> ItemRecord:
    """A record as callers see it, with the user's marks.

    With `copy`, its lists and companies are copies the caller may change; without, it is a
    shallow copy whose lists are shared with the store's cache (read them, do not change them).
    """
    out: ItemRecord = {**record}
    out["bookmarked"] = record["id"] in bookmarks
    out["read"] = record["id"] in read
    if copy:
        out["documents"] = list(out.get("documents") or [])
        out["authors"] = list(out.get("authors") or [])
        out["related"] = list(out.get("related") or [])
        out["tickers"] = list(out.get("tickers") or [])
        out["companies"] = [{**c} for c in out.get("companies") or []]
    return out


def next_doc_id(table: Mapping[str, object]) -> str:
    """The TinyDB doc id after the highest one in `table`."""
    return str(max(map(int, table), default=0) + 1)
