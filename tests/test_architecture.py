"""The headless core stays headless; the code stays lint-clean."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def test_store_never_imports_textual():
    code = (
        "import sys, pkgutil, importlib, store\n"
        "for m in pkgutil.walk_packages(store.__path__, 'store.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'tui')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_import_contracts_hold():
    lint_imports = shutil.which("lint-imports", path=str(BIN))
    if lint_imports is None:
        pytest.skip("import-linter is not installed")
    proc = subprocess.run([lint_imports], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_types_check():
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    if "No module named mypy" in proc.stderr:
        pytest.skip("mypy is not installed")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(BIN))
    if ruff is None:
        pytest.skip("ruff is not installed")
    proc = subprocess.run([ruff, "check", "."], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout


def test_one_shot_readers_import_only_what_they_use(tmp_path):
    """`list` and `show` read the index and a record: no dedupe (rapidfuzz), no locks, no
    company directory, no parsers, no user directories (--db is given), no version lookup."""
    db = tmp_path / "db"
    seed = ROOT / "seeds" / "003_a6fe991c24fb0183.txt"
    newsdesk = [sys.executable, "-m", "tui.cli"]
    subprocess.run([*newsdesk, "ingest", str(seed), "--db", str(db)], check=True, cwd=ROOT)
    listed = subprocess.run(
        [*newsdesk, "list", "--json", "--db", str(db)], check=True, capture_output=True, cwd=ROOT
    )
    item = json.loads(listed.stdout)[0]["id"]
    code = (
        "import sys\n"
        "from tui.cli.parser import main\n"
        f"for args in (['list', '--json'], ['list', '--limit', '5'], ['show', {item!r}]):\n"
        f"    assert main([*args, '--db', {str(db)!r}]) == 0\n"
        "heavy = ('rapidfuzz', 'filelock', 'importlib.metadata', 'platformdirs', 'textual',\n"
        "         'store.search', 'store.storage.batch', 'store.storage.restore',\n"
        "         'store.entities.companies', 'store.parsers.registry', 'store.ingest')\n"
        "bad = [m for m in heavy if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and item in proc.stdout, proc.stderr
