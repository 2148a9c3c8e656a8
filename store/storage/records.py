"""Item records as the store keeps them: one normal form, merging reprints, the user's marks."""

from __future__ import annotations

import hashlib

import orjson

from store.model import ItemRecord


def company_key(company: dict) -> str:
    return str(company.get("key") or company.get("name") or "").strip()


def join_paragraphs(paragraphs: list) -> str:
    """A body or preamble given as a list of paragraphs, as one string (blank-line separated)."""
    return "\n\n".join(p.strip() for p in paragraphs if p and p.strip())


def normalize_record(record: dict, document: str | None = None) -> ItemRecord:
    """A clean item record with every field present, listing `document` among its sources."""
    body = record.get("body") or ""
    if isinstance(body, list):
        body = join_paragraphs(body)
    documents = [d for d in record.get("documents") or [] if isinstance(d, str)]
    if document is not None and document not in documents:
        documents.append(document)
    return {
        "id": str(record.get("id") or ""),
        "title": str(record.get("title") or ""),
        "publisher": str(record.get("publisher") or ""),
        "documents": documents,
        "section": str(record.get("section") or ""),
        "authors": list(record.get("authors") or []),
        "published": str(record.get("published") or ""),
        "body": str(body),
        "related": list(record.get("related") or []),
        "companies": [dict(c) for c in record.get("companies") or [] if isinstance(c, dict)],
        "tickers": list(record.get("tickers") or []),
    }


def _union(old: list, new: list) -> list:
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
    companies = [{**c} for c in stored.get("companies", [])]
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


def content_hash(document: dict, items: list[dict]) -> str:
    payload = orjson.dumps(
        [{k: v for k, v in document.items() if k != "ingested_at"}, items],
        option=orjson.OPT_SORT_KEYS,
        default=str,
    )
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


def next_doc_id(table: dict[str, dict]) -> str:
    """The TinyDB doc id after the highest one in `table`."""
    return str(max(map(int, table), default=0) + 1)
