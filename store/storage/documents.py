"""The documents table: one record per ingested document, in TinyDB files of 500 each.

Document ids are TinyDB doc ids, numbered from 1 in the order documents were first
ingested; document `d` lives in segment `(d - 1) // DOCUMENTS_PER_SEGMENT`
(`documents-NNNN-gGGGGGG.json`, table `documents`). A write rewrites only the segments
of the documents it adds or changes (the last one, mostly). The companies learned at ingest
are one more small file (`companies-gGGGGGG.json`, table `companies`). Which document has
which name is kept in the index (`ItemIndex.document_directory`), so a write finds a
document by name without reading the table.

A store written before this (one `documents.json` or `documents-gGGGGGG.json` holding
both tables) is read as it is; its first write moves it to segments.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict, cast

from store.storage.errors import CorruptStoreError
from store.storage.files import OrjsonStorage, Record, Tables, check_tinydb_shape
from store.storage.layout import COMPANIES_TABLE, DOCUMENTS_HINT, DOCUMENTS_TABLE
from store.storage.manifest import Manifest, Version

DOCUMENTS_PER_SEGMENT = 500


def segment_of(doc_id: str | int) -> int:
    return (int(doc_id) - 1) // DOCUMENTS_PER_SEGMENT


def read_tables(root: Path, version: Version, required: tuple[str, ...], legacy: bool) -> Tables:
    """The tables of one TinyDB file the manifest names (CorruptStoreError naming its
    backup when it is damaged or missing)."""
    path = Path(root) / version.name
    backup = Path(root) / version.backup if version.backup else None
    try:
        read = OrjsonStorage(path, hint=DOCUMENTS_HINT).read()
        if read is None and not legacy:
            raise CorruptStoreError(path, "the file is missing", DOCUMENTS_HINT)
        return check_tinydb_shape(path, read or {}, required, DOCUMENTS_HINT)
    except CorruptStoreError as exc:
        raise exc.with_backup(backup) from None


class DocumentRecord(TypedDict, total=False):
    """An ingested document as `Store.documents()` gives it (store/ingest.py makes it; the
    store adds `sha256`, `item_ids` and `ingested_at`). Other fields are kept as stored."""

    name: str
    layout: str
    publisher: str
    title: str
    published: str
    preamble: str
    sha256: str
    item_ids: list[str]
    ingested_at: str


_TEXT_FIELDS = ("name", "layout", "publisher", "title", "published", "preamble", "sha256")


def as_document(record: Record, ids: list[str] | None = None) -> DocumentRecord:
    """A stored document record as a DocumentRecord: each known field of its type (a text
    field that is not text becomes its str(), item ids that are not strings are dropped)."""
    out = dict(record)
    for key in _TEXT_FIELDS:
        if key in out and not isinstance(out[key], str):
            out[key] = str(out[key])
    out["item_ids"] = item_ids(record) if ids is None else ids
    return cast("DocumentRecord", out)  # its fields checked above


def item_ids(document: Record) -> list[str]:
    """The ids of the items a document record lists (in document order)."""
    ids = document.get("item_ids")
    if not isinstance(ids, list):
        return []
    if all(type(i) is str for i in ids):
        return list(ids)
    return [i for i in ids if isinstance(i, str)]


class DocumentTable:
    """The documents and learned companies of one generation, read as they are asked for."""

    def __init__(self, root: Path, manifest: Manifest) -> None:
        self.root = Path(root)
        self.manifest = manifest
        self._segments: dict[int, dict[str, Record]] = {}
        self._single: Tables | None = None
        self._companies: dict[str, Record] | None = None

    @property
    def single(self) -> Tables | None:
        """Both tables of a store from before document segments (None: it has segments)."""
        if self.manifest.documents is None:
            return None
        if self._single is None:
            self._single = read_tables(
                self.root,
                self.manifest.documents,
                (DOCUMENTS_TABLE, COMPANIES_TABLE),
                self.manifest.legacy,
            )
        return self._single

    def segment(self, number: int) -> dict[str, Record]:
        """doc id -> record of one document segment (empty if there is none yet)."""
        table = self._segments.get(number)
        if table is None:
            single = self.single
            if single is not None:
                table = {
                    k: v for k, v in single[DOCUMENTS_TABLE].items() if segment_of(k) == number
                }
            elif number in self.manifest.doc_segments:
                version = self.manifest.doc_segments[number]
                table = read_tables(self.root, version, (DOCUMENTS_TABLE,), False)[DOCUMENTS_TABLE]
            else:
                table = {}
            self._segments[number] = table
        return table

    def get(self, doc_id: str) -> Record | None:
        return self.segment(segment_of(doc_id)).get(doc_id)

    def records(self) -> Iterator[tuple[str, Record]]:
        """(doc id, record) of every document, in the order they were first ingested."""
        single = self.single
        if single is not None:
            yield from sorted(single[DOCUMENTS_TABLE].items(), key=lambda kv: int(kv[0]))
            return
        for number in sorted(self.manifest.doc_segments):
            yield from sorted(self.segment(number).items(), key=lambda kv: int(kv[0]))

    def companies(self) -> dict[str, Record]:
        if self._companies is None:
            single = self.single
            if single is not None:
                self._companies = single[COMPANIES_TABLE]
            elif self.manifest.companies is not None:
                tables = read_tables(self.root, self.manifest.companies, (COMPANIES_TABLE,), False)
                self._companies = tables[COMPANIES_TABLE]
            else:
                self._companies = {}
        return self._companies

    def directory(self) -> dict[str, tuple[str, str]]:
        """name -> (doc id, sha256) of every document (reads the whole table)."""
        return {
            str(r.get("name") or ""): (doc_id, str(r.get("sha256") or ""))
            for doc_id, r in self.records()
        }
