"""UserState: bookmarks and read marks, persisted at once, private, never silently reset."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import orjson
import pytest

from store.storage.errors import CorruptStoreError
from store.storage.state import UserState, current_user, state_path
from store.storage.store import Store
from tests.helpers.store_factory import make_doc, make_item


def test_toggles_persist_at_once(tmp_path: Path) -> None:
    state = UserState(tmp_path, user="ann")
    assert state.bookmarks == set() and state.read == set()
    assert not state.path.exists()  # nothing written until something changes
    assert state.toggle_bookmark("a1") is True
    assert state.toggle_read("b2") is True
    assert state.bookmarks == {"a1"} and state.read == {"b2"}
    on_disk = orjson.loads(state.path.read_bytes())
    assert set(on_disk) == {"bookmarks", "read"}
    assert set(on_disk["bookmarks"]) == {"a1"} and set(on_disk["read"]) == {"b2"}
    assert abs(on_disk["bookmarks"]["a1"] - time.time()) < 60

    assert state.toggle_bookmark("a1") is False
    assert state.set_read("b2", False) is False
    assert state.set_bookmarked("c3", True) is True
    assert state.set_bookmarked("c3", True) is True  # idempotent
    fresh = UserState(tmp_path, user="ann")
    assert fresh.bookmarks == {"c3"} and fresh.read == set()
    assert fresh.is_bookmarked("c3") and not fresh.is_read("c3")


def test_state_file_is_private_and_folder_created(tmp_path: Path) -> None:
    root = tmp_path / "new" / "folder"
    state = UserState(root, user="ann")
    state.toggle_bookmark("x")
    assert state.path == root / "state-ann.json"
    assert stat.S_IMODE(os.stat(state.path).st_mode) == 0o600
    state.toggle_bookmark("y")  # replaced files stay private, and so does the backup
    assert stat.S_IMODE(os.stat(state.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(f"{state.path}.bak").st_mode) == 0o600


def test_toggle_reads_the_file_not_a_stale_copy(tmp_path: Path) -> None:
    one, two = UserState(tmp_path, user="ann"), UserState(tmp_path, user="ann")
    one.toggle_bookmark("a")
    two.toggle_bookmark("b")  # two has not refreshed, yet keeps one's bookmark
    assert two.bookmarks == {"a", "b"}
    assert two.toggle_bookmark("a") is False  # decided by the file, where "a" is set
    assert one.refresh() is True
    assert one.bookmarks == {"b"}
    assert one.refresh() is False


def test_users_have_separate_files(tmp_path: Path) -> None:
    UserState(tmp_path, user="ann").toggle_bookmark("a")
    assert UserState(tmp_path, user="bob").bookmarks == set()
    assert state_path(tmp_path, "bob") == tmp_path / "state-bob.json"


def test_current_user_is_safe_for_a_file_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "DOMAIN\\j doe/../x")
    assert current_user() == "DOMAIN_j_doe_.._x"
    monkeypatch.setattr("getpass.getuser", lambda: "张伟")
    assert current_user() == "张伟"

    def no_user() -> str:
        raise OSError("no user")

    monkeypatch.setattr("getpass.getuser", no_user)
    assert current_user() == "user"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b'{"bookmarks": {"a": 1', "truncated JSON"),
        (b"[]", "not a state file"),
        (b'{"bookmarks": "a"}', "malformed"),
    ],
)
def test_corrupt_state_raises_and_is_never_reset(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = state_path(tmp_path, "ann")
    path.write_bytes(content)
    with pytest.raises(CorruptStoreError) as caught:
        UserState(tmp_path, user="ann")
    assert str(path) in str(caught.value) and reason in str(caught.value)
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == content


def test_corrupt_state_is_detected_on_change_and_restored(tmp_path: Path) -> None:
    state = UserState(tmp_path, user="ann")
    state.toggle_bookmark("a")
    state.toggle_bookmark("b")  # the .bak now holds {"a"}
    state.path.write_bytes(b"\x00\x01garbage")
    with pytest.raises(CorruptStoreError, match="newsdesk restore"):
        state.toggle_bookmark("c")
    store = Store(tmp_path, user="ann")
    assert store.restore_backups().paths == [state.path]
    assert UserState(tmp_path, user="ann").bookmarks == {"a"}
    assert stat.S_IMODE(os.stat(state.path).st_mode) == 0o600


def test_store_marks_survive_reingest_and_reflect_in_records(tmp_path: Path) -> None:
    store = Store(tmp_path, user="ann")
    [result] = store.add_documents([make_doc("a.txt", [make_item("One"), make_item("Two")])])
    store.state.toggle_bookmark(result.ids[1])
    store.state.toggle_read(result.ids[0])
    store.add_documents([make_doc("a.txt", [make_item("One"), make_item("Two"), make_item("3")])])
    records = {r["id"]: r for r in Store(tmp_path, user="ann").get_many(result.ids)}
    assert records[result.ids[1]]["bookmarked"] is True
    assert records[result.ids[0]]["read"] is True
    assert records[result.ids[0]]["bookmarked"] is False


def test_toggles_on_a_well_used_state_file_keep_every_mark(tmp_path: Path) -> None:
    # How long a toggle takes is the benchmark's figure (bench/run.py: bookmark_ms).
    marks = {f"id{i:05d}": 1_700_000_000 for i in range(2000)}
    state_path(tmp_path, "ann").write_bytes(orjson.dumps({"bookmarks": {}, "read": marks}))
    state = UserState(tmp_path, user="ann")
    assert len(state.read) == 2000
    for i in range(20):
        assert state.toggle_bookmark(f"b{i}") is True
    again = UserState(tmp_path, user="ann")
    assert len(again.read) == 2000
    assert again.bookmarks == {f"b{i}" for i in range(20)}
