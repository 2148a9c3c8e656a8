"""Export items for other tools: Markdown, CSV, JSON and an Obsidian folder.

Every string that comes from a document is plain data in the output: control characters
and escape sequences are removed, Markdown metacharacters are escaped where a renderer
would act on them, CSV cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
tab, CR first) get a leading apostrophe, YAML values are quoted strings. The user's own
notes keep their text (and any Markdown in it), without control characters.

An Obsidian export writes one note per item, named `<title> (<id>).md`, with YAML front
matter and the user's note as body, then a marker line: whatever the user writes below the
marker is kept when the folder is exported again; everything above it is rewritten.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from store.model import public_item
from store.storage.errors import StoreError, os_reason
from store.storage.files import atomic_write
from store.text.sanitize import clean_line, strip_controls

FORMATS = ("md", "csv", "json", "obsidian")
GROUPS = ("date", "company")
MARKER = "%% newsdesk: write below this line; re-export keeps everything under it %%"
CSV_COLUMNS = (
    "id", "published", "publisher", "title", "tickers", "companies", "tags", "note",
    "section", "authors", "documents",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_MD_LINE_START = re.compile(r"^(\s*|\s*\d+)((?<!\d)[#>+=-]|(?<=\d)[.)])")
_FILE_UNSAFE = re.compile(r'[\\/:*?"<>|#^\[\]{}%\x00-\x1f\x7f]+')
_ID_IN_NAME = re.compile(r"\(([0-9a-z]+)\)\.md$")

Tags = Mapping[str, Sequence[str]]
Notes = Mapping[str, str]


def plain(text: object) -> str:
    """A single-line field as plain text: no control characters, whitespace folded."""
    return clean_line(str(text or ""))


def plain_block(text: object) -> str:
    """A multi-line field: no control characters; newlines kept, tabs as spaces."""
    return strip_controls(str(text or "")).replace("\t", "    ")


# ---------------------------------------------------------------- CSV


def csv_cell(text: object) -> str:
    """A CSV cell a spreadsheet shows as text: one that starts like a formula is quoted."""
    cell = strip_controls(str(text or "")).replace("\t", " ")
    if cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def _companies(record: Mapping) -> list[str]:
    return [plain(c.get("name")) for c in record.get("companies") or [] if c.get("name")]


def to_csv(records: Sequence[Mapping], tags: Tags, notes: Notes) -> str:
    """One row per item, tickers and tags joined by spaces, companies and documents by `; `."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        item_id = str(r.get("id", ""))
        row = (
            item_id,
            plain(r.get("published")),
            plain(r.get("publisher")),
            plain(r.get("title")),
            " ".join(plain(t) for t in r.get("tickers") or []),
            "; ".join(_companies(r)),
            " ".join(tags.get(item_id, ())),
            notes.get(item_id, ""),
            plain(r.get("section")),
            "; ".join(plain(a) for a in r.get("authors") or []),
            "; ".join(plain(d) for d in r.get("documents") or []),
        )
        writer.writerow([csv_cell(cell) for cell in row])
    return out.getvalue()


# ---------------------------------------------------------------- JSON


def json_item(record: Mapping, tags: Tags, notes: Notes) -> dict[str, object]:
    """The item record `--json` prints, plus the user's `tags` and `note`."""
    item = public_item(record)  # type: ignore[arg-type]
    item_id = str(record.get("id", ""))
    item["tags"] = list(tags.get(item_id, ()))
    item["note"] = notes.get(item_id, "")
    return item


def to_json(records: Sequence[Mapping], tags: Tags, notes: Notes) -> bytes:
    items = [json_item(r, tags, notes) for r in records]
    return orjson.dumps(items, option=orjson.OPT_INDENT_2) + b"\n"


# ---------------------------------------------------------------- Markdown


def md_text(text: object) -> str:
    """Document text for Markdown: inline metacharacters escaped, and a line start that
    would make a heading, quote, list or rule escaped too."""
    lines = plain_block(text).split("\n")
    out = []
    for line in lines:
        line = _MD_INLINE.sub(r"\\\1", line)
        line = _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
        out.append(line)
    return "\n".join(out)


def _day(record: Mapping) -> str:
    return plain(record.get("published"))[:10] or "undated"


def _when(record: Mapping) -> str:
    published = plain(record.get("published"))
    if "T" in published:
        day, time = published.split("T", 1)
        return f"{day} {time[:5]}"
    return published


def _md_item(record: Mapping, tags: Tags, notes: Notes, level: str) -> list[str]:
    item_id = str(record.get("id", ""))
    meta = [plain(record.get("publisher")), _when(record)]
    tickers = " ".join(plain(t) for t in record.get("tickers") or [])
    if tickers:
        meta.append(tickers)
    meta.append(f"id {item_id}")
    lines = [f"{level} {md_text(plain(record.get('title')))}", "", md_text(" · ".join(meta)), ""]
    companies = _companies(record)
    if companies:
        lines += [f"Companies: {md_text(', '.join(companies))}", ""]
    item_tags = tags.get(item_id, ())
    if item_tags:
        lines += ["Tags: " + " ".join(f"\\#{md_text(t)}" for t in item_tags), ""]
    note = notes.get(item_id, "")
    if note:
        lines += [*(f"> {line}" if line else ">" for line in plain_block(note).split("\n")), ""]
    for paragraph in plain_block(record.get("body")).split("\n\n"):
        if paragraph.strip():
            lines += [md_text(" ".join(paragraph.split())), ""]
    return lines


def _company_group(record: Mapping, prefer: Sequence[str]) -> str:
    names = _companies(record)
    for name in prefer:
        if name in names:
            return name
    return names[0] if names else "Other"


def to_markdown(
    records: Sequence[Mapping],
    tags: Tags,
    notes: Notes,
    *,
    group: str = "date",
    title: str = "",
    prefer: Sequence[str] = (),
) -> str:
    """One Markdown file: a heading per day (newest first) or per company (A-Z), the items
    under it with their tags, the user's note (quoted) and their text. Grouped by company,
    an item goes under the first of `prefer` (the watched or asked-for companies) it names,
    else under its first company."""
    groups: dict[str, list[Mapping]] = {}
    for record in records:
        key = _company_group(record, prefer) if group == "company" else _day(record)
        groups.setdefault(key, []).append(record)
    if group == "company":
        order = sorted(groups, key=lambda k: (k == "Other", k.casefold()))
    else:
        order = sorted(groups, reverse=True)
    heading = md_text(plain(title)) if title else "newsdesk export"
    lines = [f"# {heading}", "", f"{len(records)} item{'' if len(records) == 1 else 's'}", ""]
    for key in order:
        lines += [f"## {md_text(key)}", ""]
        for record in groups[key]:
            lines += _md_item(record, tags, notes, "###")
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------- Obsidian


def yaml_string(text: object) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return orjson.dumps(plain(text)).decode()


def yaml_list(values: Sequence[object]) -> str:
    return "[" + ", ".join(yaml_string(v) for v in values) + "]"


def front_matter(record: Mapping, tags: Tags) -> str:
    item_id = str(record.get("id", ""))
    fields = [
        ("title", yaml_string(record.get("title"))),
        ("publisher", yaml_string(record.get("publisher"))),
        ("published", yaml_string(record.get("published"))),
        ("tickers", yaml_list(list(record.get("tickers") or []))),
        ("companies", yaml_list(_companies(record))),
        ("tags", yaml_list(list(tags.get(item_id, ())))),
        ("documents", yaml_list(list(record.get("documents") or []))),
        ("link", yaml_string(record.get("url") or record.get("link") or "")),
        ("newsdesk_id", yaml_string(item_id)),
    ]
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in fields) + "---\n"


def obsidian_name(record: Mapping) -> str:
    """`<title> (<id>).md`: safe on every file system and in Obsidian links."""
    title = _FILE_UNSAFE.sub(" ", plain(record.get("title")))
    title = " ".join(title.split()).strip(" .")[:80].rstrip(" .") or "item"
    return f"{title} ({record.get('id', '')}).md"


def obsidian_note(record: Mapping, tags: Tags, notes: Notes, kept: str = "") -> str:
    """The whole note file: front matter, heading, the user's newsdesk note, the marker
    line, then `kept` (what the user wrote below the marker last time)."""
    item_id = str(record.get("id", ""))
    meta = " · ".join(
        p for p in (plain(record.get("publisher")), _when(record), plain(item_id)) if p
    )
    parts = [front_matter(record, tags), f"# {md_text(plain(record.get('title')))}\n", "\n"]
    parts.append(md_text(meta) + "\n\n")
    note = plain_block(notes.get(item_id, "")).strip("\n")
    if note:
        parts.append(note + "\n\n")
    parts.append(MARKER + "\n")
    parts.append(kept)
    return "".join(parts)


def kept_part(existing: str) -> str:
    """What a note file holds below the marker (everything after front matter if the
    marker is gone, so nothing the user wrote is lost)."""
    at = existing.find(MARKER)
    if at != -1:
        rest = existing[at + len(MARKER) :]
        return rest[1:] if rest.startswith("\n") else rest
    body = existing
    if body.startswith("---\n"):
        end = body.find("\n---\n", 4)
        if end != -1:
            body = body[end + 5 :]
    return body.lstrip("\n")


@dataclass(slots=True)
class ObsidianResult:
    folder: Path
    written: list[Path] = field(default_factory=list)  # new notes
    updated: list[Path] = field(default_factory=list)  # changed above the marker
    unchanged: list[Path] = field(default_factory=list)


def _existing_notes(folder: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return found
    except OSError as exc:
        raise StoreError(f"cannot read the folder {folder}: {os_reason(exc)}") from exc
    for name in names:
        m = _ID_IN_NAME.search(name)
        if m:
            found[m.group(1)] = folder / name
    return found


def to_obsidian(
    records: Sequence[Mapping], tags: Tags, notes: Notes, folder: Path | str
) -> ObsidianResult:
    """Write (or update in place) one note per item in `folder`."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot make the folder {folder}: {os_reason(exc)}") from exc
    if not folder.is_dir():
        raise StoreError(f"{folder} is not a folder")
    existing = _existing_notes(folder)
    result = ObsidianResult(folder)
    for record in records:
        item_id = str(record.get("id", ""))
        path = existing.get(item_id)
        old = None
        if path is not None:
            try:
                old = path.read_text(encoding="utf-8", errors="replace")
            except OSError as exc:
                raise StoreError(f"cannot read {path}: {os_reason(exc)}") from exc
        text = obsidian_note(record, tags, notes, kept_part(old) if old is not None else "")
        if path is None:
            path = folder / obsidian_name(record)
        if old == text:
            result.unchanged.append(path)
            continue
        path = write_export(path, text.encode("utf-8"))
        (result.written if old is None else result.updated).append(path)
    return result


# ---------------------------------------------------------------- writing a file


def write_export(target: Path | str, data: bytes) -> Path:
    """Write an export to the file `target` (crash-safe) and return the file written.

    A symbolic link is followed and the file it names is written, so the link stays. What
    is not a regular file (a folder, a device such as /dev/full, a pipe, a socket) is
    refused: a rename would replace it, not write into it.
    """
    path = Path(target).expanduser()
    real = path.resolve() if path.is_symlink() else path
    if real.is_dir():
        raise StoreError(f"{path} is a folder; give a file name")
    if real.exists() and not real.is_file():
        raise StoreError(
            f"{path} is not a regular file (a device, pipe or socket); give a file name, "
            "or - for standard output"
        )
    try:
        atomic_write(real, data)
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {os_reason(exc)}") from exc
    return real


# ---------------------------------------------------------------- one call for all


def export_text(fmt: str, records: Sequence[Mapping], tags: Tags, notes: Notes, **options) -> bytes:
    """The single-file formats as bytes (`md`, `csv`, `json`)."""
    if fmt == "md":
        return to_markdown(records, tags, notes, **options).encode("utf-8")
    if fmt == "csv":
        return to_csv(records, tags, notes).encode("utf-8")
    if fmt == "json":
        return to_json(records, tags, notes)
    raise ValueError(f"not a single-file format: {fmt}")
