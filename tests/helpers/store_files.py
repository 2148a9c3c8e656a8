"""Where a store's current files are: what its manifest names (for tests that damage them)."""

from __future__ import annotations

from pathlib import Path

import orjson


def manifest(root: Path) -> dict:
    return orjson.loads((Path(root) / "manifest.json").read_bytes())


def segment_file(root: Path, number: int = 0) -> Path:
    return Path(root) / manifest(root)["segments"][str(number)][0]


def segment_backup(root: Path, number: int = 0) -> Path | None:
    backup = manifest(root)["segments"][str(number)][1]
    return Path(root) / backup if backup else None


def index_file(root: Path) -> Path:
    return Path(root) / manifest(root)["index"][0]


def documents_file(root: Path, number: int = 0) -> Path:
    """Document segment `number` (documents 1-500 are in segment 0)."""
    return Path(root) / manifest(root)["doc_segments"][str(number)][0]


def generated_files(root: Path) -> list[str]:
    """The names of the store's generated files, whether a manifest names them or not."""
    return sorted(
        p.name
        for pattern in ("corpus-*", "documents*", "companies*", "index*")
        for p in Path(root).glob(pattern)
    )
