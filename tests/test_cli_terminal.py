"""The `newsdesk` command on terminals of common widths and in pipes, as users meet it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.helpers.terminal import read_pty

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NEWSDESK = shutil.which("newsdesk", path=str(Path(sys.executable).parent)) or "newsdesk"


def env() -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != "NEWSDESK_DB"}
    return {**base, "NO_COLOR": "1", "TERM": "xterm-256color"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("term") / "store"
    subprocess.run([NEWSDESK, "--db", str(db), "ingest", str(SEEDS)], check=True, env=env(),
                   capture_output=True)  # fmt: skip
    return db


def table_lines(out: str) -> list[str]:
    """The item rows of a table: lines that start with an 8-character id."""
    lines = [line.rstrip("\r") for line in out.splitlines()]
    return [line for line in lines if len(line) > 8 and line[:8].isalnum() and line[8] == " "]


@pytest.mark.parametrize("columns", [80, 120, 160])
@pytest.mark.parametrize("command", [["list"], ["search", "tencent"], ["bookmarks"]])
def test_the_table_fits_the_terminal_one_line_per_item(seeded, tmp_path, columns, command):
    db = tmp_path / "store"
    shutil.copytree(seeded, db)
    if command == ["bookmarks"]:
        ids = subprocess.run([NEWSDESK, "--db", str(db), "list", "--limit", "3"],
                             capture_output=True, text=True, env=env()).stdout  # fmt: skip
        for line in ids.splitlines():
            subprocess.run([NEWSDESK, "--db", str(db), "bookmark", line.split("\t")[0]],
                           check=True, capture_output=True, env=env())  # fmt: skip
    out = read_pty([NEWSDESK, *command, "--db", str(db)], env(), columns=columns)
    rows = table_lines(out)
    assert rows, out
    expected = {"list": 50, "search": None, "bookmarks": 3}[command[0]]
    if expected is not None:
        assert len(rows) == expected, out
    for line in rows:
        assert cell_len(line) <= columns, line
        cells = [c for c in line.split("  ") if c.strip()]
        # id, a date, and a title of at least 20 cells on the same line
        assert any(c.strip()[:4].isdigit() and c.strip()[4:5] == "-" for c in cells), line
        assert cell_len(cells[-1].strip()) >= 20 or not cells[-1].endswith("…"), line
    assert "\t" not in out


def test_wide_folds_titles_instead_of_cutting_them(seeded):
    narrow = read_pty([NEWSDESK, "list", "--db", str(seeded)], env(), columns=80)
    wide = read_pty([NEWSDESK, "list", "--wide", "--db", str(seeded)], env(), columns=80)
    assert "…" in narrow
    assert len(wide.splitlines()) > len(narrow.splitlines())
    for line in wide.splitlines():
        assert cell_len(line.rstrip("\r")) <= 80


def test_output_piped_into_head_ends_quietly(seeded):
    for command in (["list"], ["companies"], ["sources"], ["search", "tencent"]):
        proc = subprocess.run(
            f"'{NEWSDESK}' --db '{seeded}' {' '.join(command)} | head -1",
            shell=True, capture_output=True, text=True, env=env(), executable="/bin/bash",
        )  # fmt: skip
        assert proc.stderr == "", proc.stderr
        assert len(proc.stdout.splitlines()) == 1
        status = subprocess.run(
            f"set -o pipefail; '{NEWSDESK}' --db '{seeded}' {' '.join(command)} | true",
            shell=True, capture_output=True, text=True, env=env(), executable="/bin/bash",
        )  # fmt: skip
        assert status.returncode == 0 and status.stderr == "", (command, status.stderr)


def test_the_reader_refuses_to_start_without_a_terminal(seeded):
    proc = subprocess.run([NEWSDESK, "--db", str(seeded)], capture_output=True, text=True,
                          env=env(), stdin=subprocess.DEVNULL, timeout=30)  # fmt: skip
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs a terminal" in lines[0]


def test_version_and_argument_help():
    from importlib.metadata import version

    installed = f"newsdesk {version('newsdesk')}\n"  # what pyproject built from tui/__init__
    for argv in (["--version"], ["--db", "/nonexistent", "--version"], ["--version", "list"]):
        proc = subprocess.run([NEWSDESK, *argv], capture_output=True, text=True, env=env())
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, installed, ""), argv
    helps = {
        "ingest": "folders are read recursively",
        "search": "any ticker spelling",
        "show": "unique prefix",
        "list": "0 for all (default: 50 on a terminal",
    }
    for command, words in helps.items():
        out = subprocess.run([NEWSDESK, command, "--help"], capture_output=True, text=True,
                             env=env()).stdout  # fmt: skip
        assert words in " ".join(out.split()), (command, out)


def test_a_negative_limit_is_a_usage_error(seeded):
    proc = subprocess.run([NEWSDESK, "--db", str(seeded), "list", "--limit", "-3"],
                          capture_output=True, text=True, env=env())  # fmt: skip
    assert proc.returncode == 2
    assert "--limit" in proc.stderr and "0 (all) or more" in proc.stderr


def test_refusing_every_file_does_not_speak_of_others(tmp_path):
    note = tmp_path / "notes.txt"
    note.write_text("just some words\n")
    proc = subprocess.run([NEWSDESK, "--db", str(tmp_path / "s"), "ingest", str(note)],
                          capture_output=True, text=True, env=env())  # fmt: skip
    assert proc.returncode == 1
    assert "the others" not in proc.stderr
    assert "nothing stored" in proc.stderr
