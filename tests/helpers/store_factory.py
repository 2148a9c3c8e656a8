"""Small factories for item and document records, as the ingest hands them to the store."""

from __future__ import annotations

import hashlib


def make_item(
    title: str,
    body: str | None = None,
    *,
    publisher: str = "Caixin Global",
    published: str = "2024-03-01T09:00:00+08:00",
    tickers: tuple[str, ...] = (),
    companies: tuple[tuple[str, str, str | None], ...] = (),
    section: str = "Markets",
    authors: tuple[str, ...] = (),
    related: tuple[str, ...] = (),
) -> dict:
    """An item record without an id; `companies` are (key, name, ticker) triples."""
    if body is None:
        body = f"{title}. " + " ".join(f"word{i} about {title.lower()}" for i in range(30))
    return {
        "title": title,
        "publisher": publisher,
        "documents": [],
        "section": section,
        "authors": list(authors),
        "published": published,
        "body": body,
        "related": list(related),
        "companies": [{"key": k, "name": n, "ticker": t} for k, n, t in companies],
        "tickers": list(tickers),
    }


def make_doc(name: str, items: list[dict], *, layout: str = "caixin_listing") -> tuple[dict, list]:
    """A (document record, item records) pair; its sha256 follows the items' content."""
    for item in items:
        item["documents"] = [name]
    digest = hashlib.sha256(
        repr([(i["title"], i["body"], i["published"]) for i in items]).encode()
    ).hexdigest()
    doc = {
        "name": name,
        "layout": layout,
        "publisher": items[0]["publisher"] if items else "Caixin Global",
        "title": f"Document {name}",
        "published": "2024-03-01",
        "preamble": "A preamble.",
        "sha256": digest,
    }
    return doc, items


def numbered_batch(batch_no: int, per_batch: int, docs: int = 1) -> list[tuple[dict, list]]:
    """A deterministic batch of distinct stories: batch `batch_no`, `per_batch` items."""
    out = []
    for d in range(docs):
        items = [
            make_item(
                f"Story {batch_no}-{d}-{i} on chips",
                published=f"2024-{1 + batch_no % 12:02d}-{1 + i % 28:02d}T{d % 24:02d}:00:00+08:00",
                tickers=(f"{(batch_no + i) % 50:04d}.HK",),
            )
            for i in range(per_batch)
        ]
        out.append(make_doc(f"batch-{batch_no:05d}-{d}.txt", items))
    return out
