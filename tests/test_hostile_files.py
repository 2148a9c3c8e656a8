"""Hostile and unlucky files on disk: names, folders, encodings, killed ingests.

Each case builds its own files; none depends on another's."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from store.ingest import collect_files, ingest_paths
from store.storage.store import Store
from tests.conftest import SEEDS

CAIXIN = SEEDS / "001_ce5775964d962981.txt"
STAR = SEEDS / "002_db7f17587a9c4bfe.txt"
DIGEST = SEEDS / "003_a6fe991c24fb0183.txt"
EQUALOCEAN = SEEDS / "000_8dddf056b50c37f7.txt"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Linux file names and signals")


def test_two_different_files_of_one_name_are_two_documents(tmp_path):
    """F3: the second `brief.txt` replaced the first's document record."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(STAR, tmp_path / "a" / "brief.txt")
    shutil.copy(EQUALOCEAN, tmp_path / "b" / "brief.txt")
    store = Store(tmp_path / "db")
    [star] = ingest_paths(store, [tmp_path / "a" / "brief.txt"])
    [report] = ingest_paths(store, [tmp_path / "b" / "brief.txt"])
    assert (star.new, report.new) == (17, 18)
    documents = {d["name"]: d for d in store.documents()}
    assert set(documents) == {str(tmp_path / "a" / "brief.txt"), str(tmp_path / "b" / "brief.txt")}
    assert documents[str(tmp_path / "a" / "brief.txt")]["layout"] == "star_daily"
    assert documents[str(tmp_path / "b" / "brief.txt")]["layout"] == "equalocean_report"
    by_document = store.index.rows_by_document
    assert len(by_document[str(tmp_path / "a" / "brief.txt")]) == 17
    assert len(by_document[str(tmp_path / "b" / "brief.txt")]) == 18
    # re-ingesting the first does not flip anything back
    [again] = ingest_paths(store, [tmp_path / "a" / "brief.txt"])
    assert again.new == 0
    assert {d["name"]: d["layout"] for d in store.documents()} == {
        n: d["layout"] for n, d in documents.items()
    }


def test_the_same_bytes_under_another_name_are_the_same_document(tmp_path):
    shutil.copy(CAIXIN, tmp_path / "copy.txt")
    store = Store(tmp_path / "db")
    [first] = ingest_paths(store, [CAIXIN])
    [copy] = ingest_paths(store, [tmp_path / "copy.txt"])
    assert (first.new, copy.new, copy.known) == (20, 0, 20)
    assert [d["name"] for d in store.documents()] == [str(CAIXIN)]


def test_a_gbk_file_name_is_stored_under_its_chinese_name_beside_a_good_file(tmp_path):
    """F5: a non-UTF-8 name aborted the whole batch with a TypeError traceback."""
    folder = tmp_path / "zip"
    folder.mkdir()
    gbk = os.fsdecode(b"\xb2\xc6\xd0\xc2\xbf\xc6\xbc\xbc.txt")  # 财新科技.txt in GBK
    shutil.copy(CAIXIN, folder / gbk)
    shutil.copy(DIGEST, folder / "good.txt")
    undecodable = os.fsdecode(b"caf\xe9-\xff.txt")
    shutil.copy(STAR, folder / undecodable)
    store = Store(tmp_path / "db")
    results = {r.shown: r for r in ingest_paths(store, [folder])}
    assert set(results) == {
        f"{folder}/财新科技.txt",
        f"{folder}/good.txt",
        f"{folder}/caf\\xe9-\\xff.txt",
    }
    assert all(r.ok for r in results.values()), [r.error for r in results.values()]
    assert results[f"{folder}/财新科技.txt"].new == 20
    names = {d["name"] for d in store.documents()}
    assert f"{folder}/财新科技.txt" in names and f"{folder}/caf\\xe9-\\xff.txt" in names
    # the names survive a reload from disk (orjson refused the raw surrogates)
    assert {d["name"] for d in Store(tmp_path / "db").documents()} == names


def test_control_characters_in_a_file_name_are_escaped_in_the_stored_name(tmp_path):
    """F7: a name with OSC 0/52 set the terminal title and clipboard wherever it was shown."""
    name = "a\x1b]0;PWNED-TITLE\x07\x1b]52;c;cHduZWQ=\x07\x1b[31mRED\x1b[0m\nline2.txt"
    shutil.copy(DIGEST, tmp_path / name)
    store = Store(tmp_path / "db")
    [result] = ingest_paths(store, [tmp_path / name])
    assert result.ok and result.new > 0
    [doc] = store.documents()
    for shown in (doc["name"], result.shown):
        assert "\x1b" not in shown and "\x07" not in shown and "\n" not in shown
        assert shown.endswith("a\\x1b]0;PWNED-TITLE\\x07\\x1b]52;c;cHduZWQ=\\x07\\x1b[31mRED"
                              "\\x1b[0m\\nline2.txt")  # fmt: skip
    record = store.get(store.index.ids[0])
    assert record["documents"] == [doc["name"]]


def test_a_folder_1500_deep_is_walked(tmp_path):
    """F17: a RecursionError traceback."""
    deep = tmp_path / "deep"
    path = deep
    deep.mkdir()
    for _ in range(1500):  # one level at a time: Path.mkdir(parents=True) recurses too
        path = path / "d"
        path.mkdir()
    try:
        shutil.copy(STAR, path / "brief.txt")
        shutil.copy(DIGEST, deep / "top.txt")
        files = collect_files([deep])
        assert [(p.name, why) for p, why in files] == [("brief.txt", None), ("top.txt", None)]
        store = Store(tmp_path / "db")
        results = ingest_paths(store, [deep])
        assert [r.new for r in results] == [17, 10]
    finally:
        (path / "brief.txt").unlink(missing_ok=True)
        while path != deep:  # bottom up: shutil.rmtree (pytest's clean-up) recurses per level
            path.rmdir()
            path = path.parent


def test_a_walk_keeps_sorted_order_with_files_and_folders_mixed(tmp_path):
    for name in ("b/2.txt", "b/1.txt", "a.txt", "c.txt", "b/z/0.txt", ".hidden/x.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    order = [p.relative_to(tmp_path).as_posix() for p, _ in collect_files([tmp_path])]
    assert order == ["a.txt", "b/1.txt", "b/2.txt", "b/z/0.txt", "c.txt"]


@pytest.mark.parametrize("codec", ["latin-1", "sloppy-windows-1252"])
def test_a_double_encoded_caixin_page_stores_its_20_items_and_says_so(tmp_path, codec):
    """F4: 3 of 20 items were stored, silently."""
    import ftfy.bad_codecs  # noqa: F401 - registers sloppy-windows-1252

    text = CAIXIN.read_text(encoding="utf-8")
    (tmp_path / "m.txt").write_bytes(text.encode("utf-8").decode(codec).encode("utf-8"))
    store = Store(tmp_path / "db")
    [result] = ingest_paths(store, [tmp_path / "m.txt"])
    assert result.ok and result.new == 20
    assert any(note.startswith("repaired mis-encoded UTF-8") for note in result.notes)
    reference = Store(tmp_path / "ref")
    ingest_paths(reference, [CAIXIN])
    assert sorted(reference.index.title) == sorted(store.index.title)


def test_a_stray_c1_character_in_a_body_keeps_the_document_and_is_reported(tmp_path):
    lines = CAIXIN.read_text(encoding="utf-8").split("\n")
    body = next(i for i, line in enumerate(lines) if len(line) > 200)
    lines[body] += "\x90"
    lines[2] = "\x1b]0;" + lines[2]
    (tmp_path / "c1.txt").write_text("\n".join(lines), encoding="utf-8")
    [result] = ingest_paths(Store(tmp_path / "db"), [tmp_path / "c1.txt"])
    assert result.ok and result.new == 20, result.error
    assert "stripped 1 escape sequence" in result.notes
    assert "stripped 1 control or invisible character" in result.notes


WORKER_SCRIPT = """
import sys
from store.ingest import ingest_paths
from store.storage.store import Store
print("started", flush=True)
ingest_paths(Store(sys.argv[1]), [sys.argv[2]], workers=2)
"""


def test_a_sigkilled_ingest_leaves_no_pool_workers(tmp_path):
    """F11: workers re-parented to init and blocked forever."""
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(200):  # enough files that the pool is still busy when the kill comes
        shutil.copy(SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[n % 5], folder / f"{n}.txt")
    repo = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER_SCRIPT, str(tmp_path / "db"), str(folder)],
        cwd=repo,
        stdout=subprocess.PIPE,
    )
    parent = psutil.Process(proc.pid)
    workers: list[psutil.Process] = []
    for _ in range(600):  # wait (up to a minute) for the pool to start
        workers = parent.children()
        if len(workers) >= 2:
            break
        time.sleep(0.1)
    assert len(workers) >= 2, "the ingest never started its pool"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _, alive = psutil.wait_procs(workers, timeout=30)
    for orphan in alive:
        orphan.kill()
    assert not alive, f"{len(alive)} pool workers outlived the killed ingest"
