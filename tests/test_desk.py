"""The desk's storage: watchlist, saved searches, tags, notes and the `new` cursor, persisted
at once, private, never silently reset, kept through re-ingest."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import orjson
import pytest

from store.ingest import ingest_paths
from store.storage.desk import Desk, DeskValueError, clean_note, clean_tag
from store.storage.errors import CorruptStoreError
from store.storage.restore import restore_backups
from store.storage.store import Store
from tests.conftest import SEEDS, TEST_USER
from tests.helpers.store_factory import numbered_batch


def test_tags_and_notes_persist_at_once_and_privately(tmp_path: Path) -> None:
    desk = Desk(tmp_path, user="ann")
    assert not desk.path.exists()  # nothing written until something changes
    assert desk.add_tags("a1", ["AI", "#chips", "ai"]) == ["ai", "chips"]
    assert desk.set_note("a1", "first line\r\nsecond\tline  \n\n") == "first line\nsecond    line"
    fresh = Desk(tmp_path, user="ann")
    assert fresh.tags_of("a1") == ["ai", "chips"]
    assert fresh.note_of("a1") == "first line\nsecond    line"
    assert stat.S_IMODE(os.stat(desk.path).st_mode) == 0o600
    desk.add_tags("b2", ["ai"])
    assert stat.S_IMODE(os.stat(f"{desk.path}.bak").st_mode) == 0o600
    assert fresh.tag_counts() == [("ai", 1), ("chips", 1)]  # a stale snapshot...
    assert fresh.refresh() is True  # ...until it re-reads the changed file
    assert fresh.tag_counts() == [("ai", 2), ("chips", 1)]
    assert fresh.refresh() is False

    assert desk.remove_tags("a1", ["chips"]) == ["ai"]
    assert desk.remove_tags("a1") == []
    assert "a1" not in Desk(tmp_path, user="ann").tags
    assert desk.set_note("a1", "   ") == ""
    assert Desk(tmp_path, user="ann").notes == {}
    assert Desk(tmp_path, user="bob").tags == {}  # users are separate


def test_a_change_reads_the_file_not_a_stale_copy(tmp_path: Path) -> None:
    one, two = Desk(tmp_path, user="ann"), Desk(tmp_path, user="ann")
    one.add_tags("x", ["a"])
    two.add_tags("x", ["b"])  # two never refreshed, yet keeps one's tag
    assert two.tags_of("x") == ["a", "b"]
    one.watch("tencent", "Tencent Holdings")
    two.set_note("x", "hello")
    final = Desk(tmp_path, user="ann")
    assert final.watchlist == {"tencent": "Tencent Holdings"}
    assert final.tags_of("x") == ["a", "b"] and final.note_of("x") == "hello"


@pytest.mark.parametrize("bad", ["", "#", "two words", "a" * 33, "semi;colon", "\x1b[31m"])
def test_bad_tags_are_refused(bad: str) -> None:
    with pytest.raises(DeskValueError):
        clean_tag(bad)


def test_tags_and_notes_hold_no_control_characters() -> None:
    assert clean_tag("\u200bAI\x07") == "ai"
    assert clean_tag("ＡＩ") == "ai"  # NFKC: full-width letters
    assert clean_tag("芯片") == "芯片"
    note = clean_note("ok \x1b]0;title\x07 done\x1b[2J\x00")
    assert note == "ok  done"
    with pytest.raises(DeskValueError):
        clean_note("x" * 20_001)


def test_watchlist_and_saved_searches(tmp_path: Path) -> None:
    desk = Desk(tmp_path, user="ann")
    assert desk.watch("tencent", "Tencent Holdings") is True
    assert desk.watch("tencent", "Tencent Holdings") is False
    assert desk.watch("alibaba", "Alibaba") is True
    assert list(desk.watchlist) == ["tencent", "alibaba"]  # in the order added
    assert desk.unwatch("tencent") is True and desk.unwatch("tencent") is False
    assert desk.save_search("Chips  today", "#chips   since:1d") == "Chips today"
    assert desk.saved_query("chips TODAY") == ("Chips today", "#chips since:1d")
    desk.save_search("CHIPS today", "chips")  # same name in another case replaces it
    assert desk.saved == {"CHIPS today": "chips"}
    assert desk.remove_search("chips today") == "CHIPS today"
    assert desk.remove_search("chips today") is None
    with pytest.raises(DeskValueError):
        desk.save_search("", "x")
    with pytest.raises(DeskValueError):
        desk.save_search("name", "   ")


def test_a_damaged_desk_file_is_refused_never_reset(tmp_path: Path) -> None:
    desk = Desk(tmp_path, user="ann")
    desk.add_tags("a", ["keep"])
    desk.add_tags("b", ["also"])
    desk.path.write_bytes(b'{"tags": {"a": ["ke')
    with pytest.raises(CorruptStoreError) as caught:
        Desk(tmp_path, user="ann")
    assert str(desk.path) in str(caught.value) and "restore" in str(caught.value)
    with pytest.raises(CorruptStoreError):
        desk.add_tags("c", ["x"])  # a change never writes over the damaged file
    restored = restore_backups(tmp_path)
    assert desk.path in restored
    assert stat.S_IMODE(os.stat(desk.path).st_mode) == 0o600
    assert Desk(tmp_path, user="ann").tags == {"a": ["keep"]}  # the last good copy
    desk.path.write_bytes(orjson.dumps({"tags": {"a": "not a list"}}))
    with pytest.raises(CorruptStoreError):
        Desk(tmp_path, user="ann")


def test_new_cursor_reports_each_item_once_per_scope(tmp_path: Path) -> None:
    desk = Desk(tmp_path, user="ann")
    assert desk.take_new("all", ["a", "b"]) == ["a", "b"]  # a first run reports everything
    assert desk.take_new("all", ["a", "b"]) == []
    assert desk.take_new("all", ["c", "a", "b"], peek=True) == ["c"]
    assert desk.take_new("all", ["c", "a", "b"]) == ["c"]  # peek left the cursor
    assert desk.take_new("all", ["c", "a", "b"]) == []
    # another scope has its own cursor over the same arrival log
    assert desk.take_new("watchlist", ["d", "c", "a", "b"]) == ["a", "b", "c", "d"]
    assert desk.take_new("all", ["d", "c", "a", "b"]) == ["d"]
    assert desk.take_new("watchlist", ["e", "d", "c", "a", "b"]) == ["e"]
    assert stat.S_IMODE(os.stat(desk.cursor_path).st_mode) == 0o600
    desk.forget_scope("watchlist")
    assert desk.take_new("watchlist", ["e", "d", "c", "a", "b"], peek=True) == [
        "a", "b", "c", "d", "e",
    ]  # fmt: skip
    desk.cursor_path.write_bytes(b"{")
    with pytest.raises(CorruptStoreError):
        desk.take_new("all", ["a"])


def test_tags_notes_and_watchlist_survive_reingest(tmp_path: Path) -> None:
    root = tmp_path / "store"
    store = Store(root, user=TEST_USER)
    ingest_paths(store, [SEEDS])
    ids = list(store.index.ids)
    desk = Desk(root, user=TEST_USER)
    desk.add_tags(ids[0], ["ai"])
    desk.set_note(ids[3], "watch the margin")
    # the same documents again, plus new ones: ids are stable, marks stay on their items
    ingest_paths(store, [SEEDS])
    store.add_documents(numbered_batch(1, 5))
    store = Store(root, user=TEST_USER)
    assert set(ids) <= set(store.index.ids) and len(store.index) == len(ids) + 5
    desk = Desk(root, user=TEST_USER)
    assert desk.tags_of(ids[0]) == ["ai"]
    assert desk.note_of(ids[3]) == "watch the margin"


WORKER = Path(__file__).resolve().parent / "helpers" / "desk_worker.py"


def test_two_processes_tagging_and_noting_at_once_lose_nothing(tmp_path: Path) -> None:
    """Two real processes change the same desk file 2 x 2 x 60 times, interleaved: every
    tag of both stays on every item, and every note is there (the last writer's on the
    items both noted)."""
    import subprocess
    import sys
    import time

    from tests.helpers.desk_worker import USER

    ids = [f"item{n:03d}" for n in range(90)]
    (tmp_path / "a.ids").write_text("\n".join(ids[:60]))
    (tmp_path / "b.ids").write_text("\n".join(ids[30:]))  # 30 items both touch
    Desk(tmp_path, user=USER).watch("tencent", "Tencent Holdings")
    at = str(time.time() + 1.0)  # both start together, after their imports
    children = [
        subprocess.Popen(
            [
                sys.executable,
                str(WORKER),
                str(tmp_path),
                str(tmp_path / f"{name}.ids"),
                name,
                "--start-at",
                at,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        assert len(out.splitlines()) == 60
    desk = Desk(tmp_path, user=USER)
    assert set(desk.tags) == set(ids) and set(desk.notes) == set(ids)
    for item_id in ids[:30]:
        assert desk.tags_of(item_id) == ["a"] and desk.note_of(item_id) == "noted by a"
    for item_id in ids[30:60]:
        assert sorted(desk.tags_of(item_id)) == ["a", "b"]
        assert desk.note_of(item_id) in ("noted by a", "noted by b")
    for item_id in ids[60:]:
        assert desk.tags_of(item_id) == ["b"] and desk.note_of(item_id) == "noted by b"
    assert desk.watchlist == {"tencent": "Tencent Holdings"}  # untouched by both
    assert not list(tmp_path.glob(".desk-*.tmp"))
