"""The writer killed at each of its write points, deterministically.

A forked child runs a sequence of store operations; its N-th call that changes the file
system (`os.open` for writing, `os.write`, `os.replace`, `os.rename`, `os.link`,
`os.unlink`) ends it with `os._exit` before the call happens, as a SIGKILL would: no
`finally`, no cleanup. The child reports each operation it finished ("acknowledged").
For every N until the child finishes untouched, the parent checks that the store opens,
that it holds exactly the acknowledged operations (plus, at most, the one in flight, whole),
that corpus, index and documents agree, and that running the operations again ends in the
same store as a run that was never interrupted.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

from store.storage import generation as generation_module
from store.storage import index as index_module
from store.storage.restore import reindex, restore_backups
from store.storage.store import Store
from tests.helpers.store_factory import make_doc, make_item, numbered_batch
from tests.helpers.store_files import segment_file

USER = "tester"
SEGMENT_SIZE = 4
_REAL = {name: getattr(os, name) for name in ("open", "write", "replace", "rename", "link")}
_REAL["unlink"] = os.unlink
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

Action = tuple[str, Callable[[Path], object]]


def open_store(root: Path) -> Store:
    return Store(root, user=USER, segment_size=SEGMENT_SIZE)


def _install_crash(at: int, log: int | None = None) -> None:
    """In the child: die before the `at`-th call that changes the file system; with `log`
    (a pipe), write there the file each such call names (its last path argument)."""
    count = 0

    def counted(name: str):
        real = _REAL[name]

        def call(*args, **kwargs):
            nonlocal count
            if name == "open" and not (args[1] if len(args) > 1 else 0) & _WRITE_FLAGS:
                return real(*args, **kwargs)
            count += 1
            if count == at:
                os._exit(137)
            if log is not None:
                paths = [os.fspath(a) for a in args if isinstance(a, str | os.PathLike)]
                target = os.path.basename(paths[-1]) if paths else "(a file descriptor)"
                _REAL["write"](log, f"{name} {target}\n".encode())
            return real(*args, **kwargs)

        return call

    for name in _REAL:
        setattr(os, name, counted(name))


def write_points(base: Path, actions: list[Action], tmp_path: Path) -> list[str]:
    """The write points of `actions` run on a copy of `base`: "<call> <file name>" each."""
    root = tmp_path / "traced"
    shutil.copytree(base, root)
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(read_end)
            _install_crash(0, log=write_end)
            for _, action in actions:
                action(root)
        except BaseException:
            traceback.print_exc()
            code = 3
        os._exit(code)
    os.close(write_end)
    output = b""
    while chunk := os.read(read_end, 65536):
        output += chunk
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    shutil.rmtree(root)
    return output.decode().splitlines()


def committed_files(points: list[str]) -> set[str]:
    """The kinds of file the write points put in place (the targets of os.replace)."""
    kinds = {
        "manifest": re.compile(r"^manifest\.json$"),
        "corpus segment": re.compile(r"^corpus-\d{4}-g\d{6}\.json$"),
        "documents segment": re.compile(r"^documents-\d{4}-g\d{6}\.json$"),
        "companies": re.compile(r"^companies-g\d{6}\.json$"),
        "index base": re.compile(r"^index-g\d{6}\.base$"),
        "index delta": re.compile(r"^index-g\d{6}\.delta$"),
        "index piece": re.compile(r"^index-g\d{6}\.piece$"),
    }
    targets = [p.split(" ", 1)[1] for p in points if p.startswith("replace ")]
    return {kind for kind, pattern in kinds.items() if any(pattern.match(t) for t in targets)}


def run_crashing(root: Path, actions: list[Action], at: int) -> tuple[bool, list[str]]:
    """Run `actions` in a child killed at write point `at`; (killed, acknowledged labels)."""
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            os.close(read_end)
            _install_crash(at)
            for label, action in actions:
                action(root)
                _REAL["write"](write_end, label.encode() + b"\n")
        except BaseException:
            traceback.print_exc()
            code = 3
        os._exit(code)
    os.close(write_end)
    output = b""
    while chunk := os.read(read_end, 65536):
        output += chunk
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    assert code in (0, 137), f"the child failed (exit {code}) at write point {at}"
    return code == 137, output.decode().split()


def snapshot(root: Path) -> tuple:
    """What a user can see of a store, checked for agreement between its parts."""
    store = open_store(root)
    index = store.index
    records = {r["id"]: r for r in store.iter_records()}
    assert sorted(records) == sorted(index.ids), "the index and the corpus disagree"
    for row, item_id in enumerate(index.ids):
        record = records[item_id]
        assert index.title[row] == record["title"]
        assert index.documents[row] == tuple(record["documents"])
        assert index.tickers[row] == tuple(record["tickers"])
    assert [r["id"] for r in store.get_many(index.ids)] == index.ids
    documents = store.documents()
    stored_documents = list(store._document_table().records())
    assert len(documents) == len(stored_documents), "a document lists uncommitted items"
    names = {d["name"] for d in documents}
    assert set(index.rows_by_document) <= names, "an item names a document `sources` lacks"
    state = store.state
    return (
        tuple(
            sorted(
                (i, r["title"], tuple(r["documents"]), r["body"], tuple(r["tickers"]))
                for i, r in records.items()
            )
        ),
        tuple(sorted((d["name"], d["sha256"], tuple(d["item_ids"])) for d in documents)),
        tuple(sorted(c["key"] for c in store.learned_companies())),
        tuple(sorted(state.bookmarks)),
        tuple(sorted(state.read)),
    )


def crash_everywhere(
    base: Path, actions: list[Action], tmp_path: Path, check: Callable[[Path, list[str]], None]
) -> int:
    """Copy `base`, run `actions` crashing at write point 1, 2, ... until they finish;
    `check(store, acknowledged)` after each crash. The number of write points."""
    at = 1
    while True:
        root = tmp_path / f"crash-{at}"
        shutil.copytree(base, root)
        killed, acked = run_crashing(root, actions, at)
        if not killed:
            assert acked == [label for label, _ in actions]
            return at - 1
        check(root, acked)
        shutil.rmtree(root)
        at += 1
        assert at < 500, "the operations never finished"


# ------------------------------------------------------------------------- ingest


def _batch_a() -> list:
    return numbered_batch(1, 5, docs=2)


def _batch_b() -> list:
    """New stories, a longer reprint of one of batch A (a merge into an older segment)."""
    a_story = _batch_a()[0][1][0]
    reprint = make_item(a_story["title"], a_story["body"] + " A later, longer printing." * 5)
    return [*numbered_batch(2, 6), make_doc("reprints.txt", [reprint, make_item("Only here")])]


def _batch_c() -> list:
    """A document of batch B again with changed content, and more stories."""
    changed = make_doc("reprints.txt", [make_item("Only here"), make_item("Added later")])
    return [changed, *numbered_batch(3, 3)]


def _add(batch: Callable[[], list], learned: list[dict] | None = None):
    def action(root: Path) -> None:
        open_store(root).add_documents(batch(), learned)

    return action


INGEST: list[Action] = [
    ("b", _add(_batch_b, [{"key": "acme", "name": "Acme", "ticker": None}])),
    ("c", _add(_batch_c)),
]


def _reference(tmp_path: Path, name: str, base: Path, actions: list[Action]) -> list[tuple]:
    """The snapshots of an uninterrupted run: before, and after each action."""
    root = tmp_path / name
    shutil.copytree(base, root)
    states = [snapshot(root)]
    for _, action in actions:
        action(root)
        states.append(snapshot(root))
    return states


@pytest.fixture
def ingested(tmp_path: Path) -> Path:
    base = tmp_path / "base"
    _add(_batch_a)(base)
    return base


@pytest.mark.parametrize(("max_pieces", "index_file"), [(16, "index piece"), (0, "index delta")])
def test_a_killed_ingest_shows_whole_batches_and_converges(
    ingested: Path, tmp_path: Path, monkeypatch, max_pieces: int, index_file: str
):
    """Each batch appends an index piece, or (after MAX_PIECES of them) writes the delta."""
    monkeypatch.setattr(generation_module, "MAX_PIECES", max_pieces)
    states = _reference(tmp_path, "reference", ingested, INGEST)
    assert states[0] != states[1] != states[2]

    def check(root: Path, acked: list[str]) -> None:
        now = snapshot(root)
        k = len(acked)
        assert now in states[k : k + 2], f"not a committed state after {acked}"
        for _, action in INGEST:  # ingest everything again
            action(root)
        assert snapshot(root) == states[-1]

    points = crash_everywhere(ingested, INGEST, tmp_path, check)
    assert points > 20  # every file of two commits, and the commits themselves
    traced = write_points(ingested, INGEST, tmp_path)
    assert len(traced) == points
    assert committed_files(traced) == {
        "manifest", "corpus segment", "documents segment", "companies", index_file
    }  # fmt: skip


# ------------------------------------------------------------------------- compaction


def test_a_killed_compaction_shows_whole_batches_and_converges(
    ingested: Path, tmp_path: Path, monkeypatch
):
    """A batch whose index delta has grown past DELTA_MIN rows: the index is compacted into
    a new base (the old base and pieces are dropped), in the same commit as the batch."""
    monkeypatch.setattr(index_module, "DELTA_MIN", 12)  # batch b appends a piece, c compacts
    states = _reference(tmp_path, "reference", ingested, INGEST)
    traced = write_points(ingested, INGEST, tmp_path)
    assert {"index base", "index piece"} <= committed_files(traced)
    assert any(p.startswith("unlink index-") and p.endswith(".piece") for p in traced)

    def check(root: Path, acked: list[str]) -> None:
        k = len(acked)
        assert snapshot(root) in states[k : k + 2], f"not a committed state after {acked}"
        for _, action in INGEST:
            action(root)
        assert snapshot(root) == states[-1]

    assert crash_everywhere(ingested, INGEST, tmp_path, check) == len(traced)


# ------------------------------------------------------------------------- bookmarks


def test_a_killed_mark_change_loses_no_acknowledged_mark(ingested: Path, tmp_path: Path):
    ids = open_store(ingested).index.ids
    marks: list[Action] = [
        ("bookmark", lambda root: open_store(root).state.set_bookmarked(ids[0], True)),
        ("read", lambda root: open_store(root).state.set_read(ids[1], True)),
        ("unbookmark", lambda root: open_store(root).state.set_bookmarked(ids[0], False)),
    ]
    states = _reference(tmp_path, "reference", ingested, marks)

    def check(root: Path, acked: list[str]) -> None:
        k = len(acked)
        assert snapshot(root) in states[k : k + 2]
        for _, action in marks:
            action(root)
        assert snapshot(root) == states[-1]

    assert crash_everywhere(ingested, marks, tmp_path, check) >= 3 * 4


# ------------------------------------------------------------------------- restore


def test_a_killed_restore_is_resumed_by_the_next(ingested: Path, tmp_path: Path):
    _add(_batch_b)(ingested)
    segment = segment_file(ingested, 0)
    segment.write_bytes(segment.read_bytes()[:40])  # damaged, with a good backup
    restore: list[Action] = [("restore", restore_backups)]
    reference = tmp_path / "reference"
    shutil.copytree(ingested, reference)
    assert restore_backups(reference).paths == [reference / segment.name]
    restored = snapshot(reference)

    def check(root: Path, acked: list[str]) -> None:
        open_store(root)  # opens, restored or not
        assert restore_backups(root).paths in ([root / segment.name], [])
        assert snapshot(root) == restored
        assert restore_backups(root).paths == []

    points = crash_everywhere(ingested, restore, tmp_path, check)
    assert points > 5
    traced = write_points(ingested, restore, tmp_path)
    assert len(traced) == points
    assert {"manifest", "corpus segment", "index base"} <= committed_files(traced)


# ------------------------------------------------------------------------- reindex


def test_a_killed_reindex_changes_nothing_visible(ingested: Path, tmp_path: Path):
    _add(_batch_b)(ingested)
    before = snapshot(ingested)
    actions: list[Action] = [("reindex", reindex)]

    def check(root: Path, acked: list[str]) -> None:
        assert snapshot(root) == before
        reindex(root)
        assert snapshot(root) == before

    points = crash_everywhere(ingested, actions, tmp_path, check)
    assert points > 3
    traced = write_points(ingested, actions, tmp_path)
    assert len(traced) == points and {"manifest", "index base"} <= committed_files(traced)
