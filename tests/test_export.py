"""Exports are plain data: CSV a spreadsheet cannot run, Markdown a renderer cannot turn into
links or HTML, JSON with the documented fields, Obsidian notes whose user edits survive."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from store import export
from store.model import ITEM_FIELDS

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def record(item_id: str, title: str, **extra) -> dict:
    base = {
        "id": item_id,
        "title": title,
        "publisher": "Caixin Global",
        "documents": ["doc-1.txt"],
        "section": "Markets",
        "authors": ["Ann Li"],
        "published": "2025-03-02T09:30:00+08:00",
        "body": "First paragraph.\n\nSecond paragraph.",
        "related": [],
        "companies": [{"key": "tencent", "name": "Tencent Holdings", "ticker": "0700.HK"}],
        "tickers": ["0700.HK"],
    }
    base.update(extra)
    return base


HOSTILE = [
    record("a1", '=HYPERLINK("http://evil","click")'),
    record("a2", "+1+2", publisher="@SUM(A1:A2)"),
    record("a3", "-2+3 \x1b[31mred\x1b[0m", section="\tTabbed", authors=["\rCR"]),
    record("a4", "Plain title [link](javascript:alert(1)) <script>x</script> *b* & co"),
    record("a5", "# Not a heading", body="> not a quote\n\n1. not a list\n\n<img src=x>"),
]
TAGS = {"a1": ["ai"], "a4": ["x", "y"]}
NOTES = {"a1": "=cmd|' /C calc'!A0", "a4": "line one\nline two"}


def test_csv_neutralises_formulas_in_every_cell() -> None:
    text = export.to_csv(HOSTILE, TAGS, NOTES)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(export.CSV_COLUMNS)
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) == 6
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_id["a1"]["title"] == '\'=HYPERLINK("http://evil","click")'
    assert by_id["a1"]["note"] == "'=cmd|' /C calc'!A0"
    assert by_id["a2"]["title"] == "'+1+2" and by_id["a2"]["publisher"] == "'@SUM(A1:A2)"
    assert by_id["a3"]["title"] == "'-2+3 red"  # escape sequences are gone too
    assert by_id["a3"]["section"] == "Tabbed"  # a leading tab is whitespace, trimmed
    assert by_id["a3"]["authors"] == "CR"
    assert by_id["a4"]["tags"] == "x y" and by_id["a4"]["note"] == "line one\nline two"
    assert by_id["a1"]["tickers"] == "0700.HK"
    assert by_id["a1"]["companies"] == "Tencent Holdings"
    assert "\x1b" not in text
    # a cell that only becomes a formula after stripping is caught as well
    assert export.csv_cell("\x07=1+1") == "'=1+1"
    assert export.csv_cell("-") == "'-"
    assert export.csv_cell("ok -1") == "ok -1"


def test_markdown_escapes_document_text() -> None:
    text = export.to_markdown(HOSTILE, TAGS, NOTES)
    assert "[link](javascript" not in text and "\\[link\\](javascript" in text
    assert "<script>" not in text and "\\<script\\>" in text
    assert "\\*b\\*" in text and "\\& co" in text
    assert "### \\# Not a heading" in text
    assert "\n\\> not a quote" in text and "\n1\\. not a list" in text
    assert "\\<img src=x\\>" in text
    assert not CONTROL.search(text.replace("\n", ""))
    assert "> line one\n> line two" in text  # the user's note, quoted
    assert "Tags: \\#x \\#y" in text


def test_markdown_groups_by_date_or_company() -> None:
    items = [
        record("d1", "Old", published="2025-01-05"),
        record("d2", "New", published="2025-03-01T10:00:00+08:00"),
        record("d3", "No company", companies=[], published="2025-02-01"),
    ]
    by_date = export.to_markdown(items, {}, {})
    headings = re.findall(r"^## (.+)$", by_date, re.M)
    assert headings == ["2025-03-01", "2025-02-01", "2025-01-05"]
    by_company = export.to_markdown(items, {}, {}, group="company")
    assert re.findall(r"^## (.+)$", by_company, re.M) == ["Tencent Holdings", "Other"]
    assert by_company.index("### Old") < by_company.index("### No company")


def test_json_has_the_item_fields_plus_tags_and_note() -> None:
    items = json.loads(export.to_json(HOSTILE, TAGS, NOTES))
    assert [list(i) for i in items] == [[*ITEM_FIELDS, "tags", "note"]] * 5
    assert items[0]["tags"] == ["ai"] and items[0]["note"] == NOTES["a1"]
    assert items[1]["tags"] == [] and items[1]["note"] == ""


def test_obsidian_notes_front_matter_and_reexport_keeps_edits(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    items = [
        record("a4", 'Tencent: results / outlook? "Q4" #1 [x]'),
        record("b7", 'A "quoted" title\nwith: colon', tickers=["0700.HK", "BABA.US"]),
    ]
    first = export.to_obsidian(items, TAGS, NOTES, vault)
    assert len(first.written) == 2 and not first.updated
    names = sorted(p.name for p in vault.iterdir())
    assert names == [
        "A quoted title with colon (b7).md",
        "Tencent results outlook Q4 1 x (a4).md",
    ]
    note_path = vault / "Tencent results outlook Q4 1 x (a4).md"
    text = note_path.read_text()
    head = text.split("---\n")[1]
    fields = dict(line.split(": ", 1) for line in head.splitlines())
    assert set(fields) == {
        "title", "publisher", "published", "tickers", "companies", "tags", "documents",
        "link", "newsdesk_id",
    }  # fmt: skip
    assert json.loads(fields["title"]) == 'Tencent: results / outlook? "Q4" #1 [x]'
    assert json.loads(fields["tags"]) == ["x", "y"]
    assert json.loads(fields["tickers"]) == ["0700.HK"]
    assert json.loads(fields["companies"]) == ["Tencent Holdings"]
    other = (vault / "A quoted title with colon (b7).md").read_text()
    other_fields = dict(line.split(": ", 1) for line in other.split("---\n")[1].splitlines())
    assert json.loads(other_fields["title"]) == 'A "quoted" title with: colon'
    assert "line one\nline two\n" in text and export.MARKER in text

    # the user writes below the marker (and Obsidian may touch nothing else)
    note_path.write_text(text + "My own analysis.\n\n- point one\n")
    again = export.to_obsidian(items, TAGS, NOTES, vault)
    assert again.unchanged and not again.written and not again.updated
    # the newsdesk note and tags change: the top is rewritten, the user's part is kept
    again = export.to_obsidian(items, {"a4": ["z"]}, {"a4": "new note"}, vault)
    assert [p.name for p in again.updated] == ["Tencent results outlook Q4 1 x (a4).md"]
    text = note_path.read_text()
    assert "new note" in text and "line one" not in text
    assert text.endswith(export.MARKER + "\nMy own analysis.\n\n- point one\n")
    assert '"z"' in text
    # a note renamed by the user is still found by its id; a lost marker loses nothing
    renamed = vault / "My name for it (a4).md"
    note_path.rename(renamed)
    renamed.write_text(renamed.read_text().replace(export.MARKER, "marker deleted"))
    export.to_obsidian(items, {}, {}, vault)
    assert sorted(p.name for p in vault.iterdir())[1] == "My name for it (a4).md"
    kept = renamed.read_text()
    assert kept.count(export.MARKER) == 1 and "marker deleted" in kept
    assert "My own analysis." in kept
    assert len(list(vault.iterdir())) == 2
