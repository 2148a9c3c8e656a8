"""Crash-safe files and the store's use of the garbage collector (store/storage/files.py)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from store.storage.files import no_gc, stamp
from store.storage.manifest import GENERATED
from store.storage.store import Store
from tests.helpers.store_factory import numbered_batch

USER = "tester"


@pytest.fixture
def gc_restored():
    """Leave the collector as the test found it, whatever the test did."""
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_no_gc_restores_a_frozen_heap(gc_restored) -> None:
    gc.enable()
    gc.freeze()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    with no_gc():
        assert not gc.isenabled()
        data = [[i] for i in range(1000)]  # lists: always tracked
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(data)  # still frozen, the new objects too


def test_no_gc_leaves_an_unfrozen_heap_unfrozen(gc_restored) -> None:
    gc.enable()
    gc.unfreeze()
    with no_gc():
        [[i] for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_no_gc_leaves_a_disabled_collector_disabled(gc_restored) -> None:
    gc.disable()
    with no_gc():
        pass
    assert not gc.isenabled()


def test_a_frozen_heap_survives_a_segment_load_and_an_index_reload(
    tmp_path: Path, gc_restored
) -> None:
    """The reader freezes its start-up heap; nothing the store does may undo that."""
    writer = Store(tmp_path, user=USER, segment_size=5)
    writer.add_documents(numbered_batch(0, 12))
    reader = Store(tmp_path, user=USER, segment_size=5, segment_cache=1)
    gc.enable()
    gc.freeze()
    frozen = gc.get_freeze_count()
    ids = list(reader.index.ids)
    # a whole segment load (the fallback when spans cannot be used) ...
    reader._corpus.clear()
    assert len(list(reader.iter_records())) == 12
    assert gc.get_freeze_count() >= frozen
    # ... and an index reload after another process wrote
    writer.add_documents(numbered_batch(1, 3))
    assert reader.refresh()
    assert len(reader.index) == 15
    assert set(ids) < set(reader.index.ids)
    assert gc.get_freeze_count() >= frozen


def test_stamp_changes_when_a_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    assert stamp(path) is None
    path.write_bytes(b"{}")
    first = stamp(path)
    replacement = tmp_path / "g.json"
    replacement.write_bytes(b'{"a": 1}')
    replacement.replace(path)
    assert stamp(path) not in (None, first)


def test_a_commit_makes_its_files_durable_before_the_manifest_names_them(tmp_path, monkeypatch):
    """Every file of a generation is fsynced before it is renamed into place, and the folder
    (their names) synced after the last of them, before the manifest naming them replaces
    the old one; the manifest's own rename is synced too."""
    import os

    store = Store(tmp_path / "store", segment_size=4)
    store.add_documents(numbered_batch(0, 6))  # a first generation: the next one replaces it
    events: list[tuple[str, str, str]] = []  # (fsync, path, "") or (replace, source, target)
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}"), ""))
        return real_fsync(fd)

    def replace(src, dst, *args, **kwargs):
        events.append(("replace", os.fspath(src), os.fspath(dst)))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    store.add_documents(numbered_batch(1, 6))
    root = str((tmp_path / "store").resolve())
    manifest = os.path.join(root, "manifest.json")
    commit = next(i for i, e in enumerate(events) if e[0] == "replace" and e[2] == manifest)
    placed = [
        i
        for i, e in enumerate(events[:commit])
        if e[0] == "replace" and GENERATED.match(os.path.basename(e[2]))
    ]
    assert len(placed) >= 3, events  # segments, documents and the index were written
    for i in placed:  # written as a temp file, fsynced, then renamed into place
        source = os.path.realpath(events[i][1])
        assert ("fsync", source, "") in events[:i], events[i]
    assert ("fsync", root, "") in events[placed[-1] : commit], events  # the names are durable
    assert ("fsync", root, "") in events[commit:], events  # and the commit itself
