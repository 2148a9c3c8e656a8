"""The manifest: which files make up the store now. Replacing it is the one commit of a write.

`manifest.json` names, for the current generation, the file of each corpus segment, the
documents file and the index files, each with the version it replaced (its backup, for
`newsdesk restore`). A writer never changes a file the manifest names: it writes new files
under new names (`corpus-0007-g000042.json` is segment 7 as generation 42 wrote it), then
replaces `manifest.json` atomically. A writer killed at any point before that rename leaves
only files the manifest does not name: nothing a reader or a rebuild ever looks at, and the
next writer deletes them. After the rename every reader that refreshes sees the whole batch.

A store written before manifests existed (`corpus-NNNN.json`, `documents.json`,
`index.json`) is read as generation 0 of the same form (`Manifest.legacy`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from store.storage.errors import CorruptStoreError, StoreError, backup_path, os_reason
from store.storage.files import atomic_write, parse_json, read_bytes

MANIFEST_FILE = "manifest.json"
MANIFEST_VERSION = 5  # 5: index pieces
READABLE_VERSIONS = (4, MANIFEST_VERSION)  # a version-4 manifest is one without pieces
_HINT = "run: newsdesk restore (it puts back the previous manifest), or newsdesk reindex"

# Files a generation writes; anything matching these that the manifest does not name is the
# leftover of a writer that died before committing (or a version two commits old).
GENERATED = re.compile(
    r"^(corpus-\d{4,}(-g\d{6,})?|documents(-\d{4,})?(-g\d{6,})?|companies-g\d{6,}"
    r"|index(-g\d{6,})?(\.\w+)?)\.json(\.bak)?$"
    r"|^index-g\d{6,}\.\w+$"
)
_GENERATION = re.compile(r"-g(\d{6,})[.]")
LEGACY_SEGMENT = re.compile(r"^corpus-(\d{4,})\.json$")


def segment_name(number: int, generation: int) -> str:
    return f"corpus-{number:04d}-g{generation:06d}.json"


def documents_name(number: int, generation: int) -> str:
    return f"documents-{number:04d}-g{generation:06d}.json"


def companies_name(generation: int) -> str:
    return f"companies-g{generation:06d}.json"


def index_name(generation: int, suffix: str) -> str:
    return f"index-g{generation:06d}.{suffix}"


@dataclass(frozen=True, slots=True)
class Version:
    """A file the manifest names, and the version it replaced (None: there is none)."""

    name: str
    backup: str | None = None

    def succeeded_by(self, name: str) -> Version:
        return Version(name, self.name)

    def to_json(self) -> list[str | None]:
        return [self.name, self.backup]

    @classmethod
    def from_json(cls, value: object) -> Version:
        if (
            isinstance(value, list)
            and len(value) == 2
            and isinstance(value[0], str)
            and (value[1] is None or isinstance(value[1], str))
            and all(v is None or _plain_name(v) for v in value)
        ):
            return cls(value[0], value[1])
        raise ValueError("a file entry is malformed")


def _plain_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and name not in (".", "..")


@dataclass(frozen=True, slots=True)
class Manifest:
    """One generation of the store: the files that hold it."""

    generation: int = 0
    segments: dict[int, Version] = field(default_factory=dict)
    documents: Version | None = None  # both tables in one file (stores before segments)
    index: Version | None = None  # the index base
    delta: Version | None = None  # the index delta over it (store/storage/index.py)
    legacy: bool = False  # read from a store without a manifest (not yet written)
    doc_segments: dict[int, Version] = field(default_factory=dict)  # documents table
    companies: Version | None = None  # companies learned at ingest
    pieces: tuple[Version, ...] = ()  # index pieces after the delta, oldest first

    def names(self) -> set[str]:
        """Every file this generation keeps: current files and their backups."""
        names = {MANIFEST_FILE}
        versions = (*self.segments.values(), *self.doc_segments.values())
        indexes = (self.index, self.delta, *self.pieces)
        for version in (*versions, self.documents, self.companies, *indexes):
            if version is not None:
                names.add(version.name)
                if version.backup:
                    names.add(version.backup)
        return names

    def segment_files(self) -> dict[int, tuple[str, str | None]]:
        """Segment number -> (its file, the file's backup)."""
        return {n: (v.name, v.backup) for n, v in self.segments.items()}

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "version": MANIFEST_VERSION,
                "generation": self.generation,
                "segments": {str(n): v.to_json() for n, v in sorted(self.segments.items())},
                "documents": self.documents.to_json() if self.documents else None,
                "index": self.index.to_json() if self.index else None,
                "delta": self.delta.to_json() if self.delta else None,
                "pieces": [v.to_json() for v in self.pieces],
                "doc_segments": {str(n): v.to_json() for n, v in sorted(self.doc_segments.items())},
                "companies": self.companies.to_json() if self.companies else None,
            }
        )

    @classmethod
    def parse(cls, path: Path, raw: bytes) -> Manifest:
        data = parse_json(path, raw, _HINT)
        try:
            if not isinstance(data, dict) or data.get("version") not in READABLE_VERSIONS:
                raise ValueError("not a manifest of this version")
            generation = data["generation"]
            if type(generation) is not int or generation < 0:
                raise ValueError("no generation")
            segments = _numbered(data["segments"])
            doc_segments = _numbered(data.get("doc_segments") or {})
            pieces = data.get("pieces") or []
            if not isinstance(pieces, list):
                raise ValueError("the index pieces are malformed")

            def version(key: str) -> Version | None:
                value = data.get(key)
                return None if value is None else Version.from_json(value)

            return cls(
                generation,
                segments,
                version("documents"),
                version("index"),
                version("delta"),
                doc_segments=doc_segments,
                companies=version("companies"),
                pieces=tuple(Version.from_json(v) for v in pieces),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = str(exc) if isinstance(exc, ValueError) else "malformed manifest"
            raise CorruptStoreError(path, reason, _HINT) from None

    @classmethod
    def legacy_of(cls, root: Path) -> Manifest:
        """The manifest of a store written before manifests (or of a new, empty folder)."""
        try:
            names = set(os.listdir(root))
        except OSError as exc:
            raise StoreError(f"cannot list the store folder {root}: {os_reason(exc)}") from exc
        segments = {}
        for name in names:
            match = LEGACY_SEGMENT.match(name)
            if match:
                segments[int(match.group(1))] = _legacy_version(name, names)
        for name in names:  # a segment whose file is gone but whose backup is there
            match = LEGACY_SEGMENT.match(name[:-4]) if name.endswith(".bak") else None
            if match:
                segments.setdefault(int(match.group(1)), Version(name[:-4], name))
        documents = "documents.json"
        has_documents = documents in names or f"{documents}.bak" in names
        return cls(
            0,
            segments,
            _legacy_version(documents, names) if has_documents else None,
            Version("index.json") if "index.json" in names else None,
            legacy=True,
        )


def _numbered(value: object) -> dict[int, Version]:
    if not isinstance(value, dict):
        raise ValueError("a file table is malformed")
    out = {}
    for number, entry in value.items():
        if not number.isdigit():
            raise ValueError("a segment number is malformed")
        out[int(number)] = Version.from_json(entry)
    return out


def _legacy_version(name: str, names: set[str]) -> Version:
    backup = backup_path(Path(name)).name
    return Version(name, backup if backup in names else None)


def highest_generation(root: Path) -> int:
    """The highest generation any file in the folder was written by (0: none)."""
    try:
        names = os.listdir(root)
    except OSError:
        return 0
    found = (_GENERATION.search(n) for n in names if GENERATED.match(n))
    return max((int(m.group(1)) for m in found if m), default=0)


def load(root: Path) -> Manifest:
    """The store's current manifest (its legacy form when there is none)."""
    path = Path(root) / MANIFEST_FILE
    raw = read_bytes(path)
    if raw is None:
        return Manifest.legacy_of(root)
    return Manifest.parse(path, raw)


def commit(root: Path, manifest: Manifest, *, keep_backup: bool = True) -> None:
    """Make `manifest` the store's current one: the commit point of a write."""
    atomic_write(Path(root) / MANIFEST_FILE, manifest.to_json(), backup=keep_backup)


def garbage(root: Path, keep: Iterable[str]) -> list[Path]:
    """Files of generations the manifest does not name (call with the write lock held)."""
    keep = set(keep)
    try:
        names = os.listdir(root)
    except OSError:
        return []
    return [Path(root) / n for n in sorted(names) if GENERATED.match(n) and n not in keep]


def remove(paths: Iterable[Path]) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError:
            return  # a read-only folder: leave them; they are never read
