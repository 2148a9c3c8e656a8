"""Hostile and unlucky input through the `newsdesk` command and the reader: one clear line,
never a traceback, never a control sequence or markup reaching the terminal.

Each case builds its own files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.storage.columns import ColumnFile, Writer
from tests.helpers.store_files import index_file
from tests.helpers.terminal import read_pty
from tests.test_app import wait_for_workers
from tests.test_cli import NEWSDESK, SEEDS, run

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Linux names, PTYs and locks")

DIGEST = SEEDS / "003_a6fe991c24fb0183.txt"
EVIL_NAME = "a\x1b]0;PWNED-TITLE\x07\x1b]52;c;cHduZWQtY2xpcA==\x07\x1b[31mRED\x1b[0m\nline2 ok.txt"
TERMINAL_CONTROLS = ("\x1b", "\x07", "\x9b", "\x9d", "\u202e")


@pytest.fixture(scope="module")
def evil_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("evil")
    shutil.copy(DIGEST, folder / EVIL_NAME)
    shutil.copy(SEEDS / "001_ce5775964d962981.txt", folder / os.fsdecode(b"\xb2\xc6\xd0\xc2.txt"))
    db = folder / "db"
    proc = run("ingest", str(folder), "--db", str(db))
    assert not any(bad in proc.stdout for bad in TERMINAL_CONTROLS)
    assert len(proc.stdout.splitlines()) == 2  # a newline in a name forges no line
    assert "\\x1b]0;PWNED-TITLE\\x07" in proc.stdout and "财新.txt" in proc.stdout
    return db


@pytest.mark.parametrize("command", [["sources"], ["list"], ["show", "FIRST"], ["search", "芯片"]])
def test_file_names_never_reach_the_terminal_raw(evil_store, command):
    """F7: OSC 0/52 in a name set the title and the clipboard; a newline forged lines."""
    if command[-1] == "FIRST":
        first = json.loads(run("list", "--json", "--db", str(evil_store)).stdout)
        command = ["show", next(i["id"] for i in first if "PWNED" in " ".join(i["documents"]))]
    piped = run(*command, "--db", str(evil_store)).stdout
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "300"}
    env.pop("NEWSDESK_DB", None)
    on_pty = read_pty([NEWSDESK, *command, "--db", str(evil_store)], env)
    for out in (piped, on_pty):
        assert "Traceback" not in out
        for bad in ("\x1b]", "\x07", "\x9d"):
            assert bad not in out
    if command == ["sources"]:
        rows = [line.split("\t") for line in piped.splitlines()]
        assert all(len(row) == 3 for row in rows), rows  # the TSV is not broken
        assert any("PWNED-TITLE\\x07" in row[1] and "\\nline2 ok.txt" in row[1] for row in rows)


def test_non_utf8_argv_is_a_clean_answer(evil_store):
    """F15: `newsdesk search $'\\xff'` was a UnicodeEncodeError traceback."""
    for args in (["search", os.fsdecode(b"\xff")], ["list", "--publisher", os.fsdecode(b"\xfe")]):
        proc = subprocess.run(
            [NEWSDESK, *args, "--db", str(evil_store)], capture_output=True, timeout=60
        )
        assert b"Traceback" not in proc.stderr and proc.returncode in (0, 1), proc.stderr


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_an_output_encoding_without_the_characters_falls_back(evil_store, encoding):
    """F18: `PYTHONIOENCODING=latin-1 newsdesk list | cat` was a UnicodeEncodeError."""
    for command in (["list"], ["sources"]):
        proc = run(*command, "--db", str(evil_store), env={"PYTHONIOENCODING": encoding})
        assert proc.stdout.count("\n") >= 2


def test_a_bad_store_path_is_named(tmp_path):
    """F28: --db "" used the default store; a file said "file exists"."""
    assert "--db is empty" in run("list", "--db", "", check=1).stderr
    (tmp_path / "afile").write_text("x")
    proc = run("list", env={"NEWSDESK_DB": str(tmp_path / "afile")}, check=1)
    assert "is not a folder" in proc.stderr and "file exists" not in proc.stderr
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    assert "broken symbolic link" in run("list", "--db", str(tmp_path / "dangling"), check=1).stderr


def _overwrite_spans(base: Path, *, keep_checksum: bool) -> None:
    """The spans section of a base index file overwritten with bytes that are no spans
    (8-byte values 0x7a7a...: offsets far past any segment), the file otherwise whole;
    `keep_checksum`: the section's CRC recomputed, so only the values betray the damage."""
    file = ColumnFile(base)
    start, length, kind, _crc = file._sections["spans"]
    assert kind == "i64" and length and file.raw("spans") != b"z" * length
    if not keep_checksum:  # the header (and its checksum) byte for byte the old one
        data = file._map[:start] + b"z" * length + file._map[start + length :]
    else:
        writer = Writer()
        for name, (at, size, its_kind, _) in file._sections.items():
            writer.sections[name] = (its_kind, file._map[at : at + size])
        writer.sections["spans"] = (kind, b"z" * length)
        data = writer.to_bytes(file.meta)
    del file
    base.write_bytes(data)


def test_index_spans_of_the_right_length_but_not_hex(tmp_path):
    """F16: list --json, show and search were ValueError tracebacks. The spans are now an
    i64 section of the base index file: damaged, its checksum fails and each command says
    so in one line (exit 1); damaged with a matching checksum, no span holds its record and
    the records are found by reading their segment instead (the same output as before)."""
    db = tmp_path / "db"
    run("ingest", str(DIGEST), "--db", str(db))
    item = json.loads(run("list", "--json", "--db", str(db)).stdout)[0]
    commands = (["list", "--json"], ["show", item["id"]], ["search", "芯片"])
    before = {tuple(c): run(*c, "--db", str(db)).stdout for c in commands}
    base = index_file(db)
    intact = base.read_bytes()
    _overwrite_spans(base, keep_checksum=False)
    assert base.read_bytes() != intact and len(base.read_bytes()) == len(intact)
    for command in commands:
        proc = run(*command, "--db", str(db), check=1)
        assert "Traceback" not in proc.stderr and proc.stdout == ""
        assert proc.stderr.count("\n") == 1 and base.name in proc.stderr, proc.stderr
        assert "spans" in proc.stderr and "newsdesk reindex" in proc.stderr
    base.write_bytes(intact)
    _overwrite_spans(base, keep_checksum=True)
    assert ColumnFile(base).i64("spans").tolist() == [0x7A7A7A7A7A7A7A7A] * 10
    for command in commands:
        proc = run(*command, "--db", str(db))
        assert proc.stdout == before[tuple(command)] and proc.stderr == ""


@pytest.mark.parametrize("damage", ["directory", "garbage"])
def test_a_damaged_state_file_is_one_line_in_the_cli(tmp_path, damage):
    """F10 (CLI side): one line naming the file."""
    db = tmp_path / "db"
    run("ingest", str(DIGEST), "--db", str(db))
    item = json.loads(run("list", "--json", "--db", str(db)).stdout)[0]
    run("bookmark", item["id"], "--db", str(db))
    [state] = db.glob("state-*.json")
    state.unlink()
    if damage == "directory":
        state.mkdir()
    else:
        state.write_text("garbage{")
        for bak in db.glob("state-*.json.bak"):
            bak.unlink()
    proc = run("bookmarks", "--db", str(db), check=1)
    assert proc.stderr.count("\n") == 1 and state.name in proc.stderr


HOLDER = """
import sys, time, filelock
lock = filelock.FileLock(sys.argv[1]); lock.acquire()
print("held", flush=True); time.sleep(float(sys.argv[2]))
"""


def hold_lock(path: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(seconds)],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_busy_lock_says_at_once_that_it_waits_and_for_whom(tmp_path):
    """F20: bookmark waited 10 s and ingest 30 s in silence."""
    db = tmp_path / "db"
    run("ingest", str(DIGEST), "--db", str(db))
    item = json.loads(run("list", "--json", "--db", str(db)).stdout)[0]
    run("bookmark", item["id"], "--db", str(db))
    [lock] = db.glob(".state-*.lock")
    holder = hold_lock(lock, 6)
    try:
        proc = run("unbookmark", item["id"], "--db", str(db))
    finally:
        holder.wait()
    assert f"is locked by newsdesk process {holder.pid}: waiting up to" in proc.stderr
    holder = hold_lock(db / ".lock", 8)  # past the reading and parsing before the lock
    try:
        proc = run("ingest", str(SEEDS / "002_db7f17587a9c4bfe.txt"), "--db", str(db))
    finally:
        holder.wait()
    assert f"locked by newsdesk process {holder.pid}; an ingest may be running" in proc.stderr


def test_deeply_nested_config_and_keymap_conflicts_are_reported(tmp_path):
    """F19, F26: a RecursionError traceback; conflicts accepted silently, q lost."""
    from tui.app import NewsdeskApp
    from tui.config import load_config
    from tui.keymap import check_keymap
    from tui.screens.help import default_keys

    deep = tmp_path / "deep.toml"
    deep.write_text("[keymap]\nx = " + "[" * 50000 + "]" * 50000 + "\n")
    config = load_config(deep)
    assert config.keymap == {} and "nested too deeply" in config.problem
    defaults = default_keys(NewsdeskApp.__new__(NewsdeskApp))
    keymap, problems = check_keymap(
        {"bookmark": "j", "toggle_read": "j", "quit": "j", "cursor_down": "j"}, defaults
    )
    assert keymap == {} and "'j' is bound to" in problems[0]
    keymap, problems = check_keymap({"bookmark": "q", "nope": "x"}, defaults)
    assert keymap == {} and any("unknown binding ids nope" in p for p in problems)
    assert any("'q' is bound to bookmark, quit" in p for p in problems)


def test_key_names_that_are_no_keys_are_reported_and_the_default_kept():
    """Red team F26: `quit = "[@click=app.bell]z[/]"` was taken; the footer showed it and
    q no longer quit."""
    from tui.app import NewsdeskApp
    from tui.keymap import check_keymap, is_key
    from tui.screens.help import default_keys

    defaults = default_keys(NewsdeskApp.__new__(NewsdeskApp))
    assert all(is_key(key) for spec in defaults.values() for key in spec.split(","))
    keymap, problems = check_keymap(
        {"quit": "[@click=app.bell]z[/]", "bookmark": "[/]", "toggle_read": "x,zz,ctrl+"},
        defaults,
    )
    assert keymap == {"toggle_read": "x"}
    assert "quit: '[@click=app.bell]z[/]' is no key name: ignored" in problems
    assert "toggle_read: 'zz', 'ctrl+' is no key name: ignored" in problems
    assert "quit has no key: it keeps its default" in problems


async def test_a_keymap_that_steals_q_keeps_q_quitting(seeded_store, tmp_path):
    from tui.app import NewsdeskApp
    from tui.config import load_config

    path = tmp_path / "config.toml"
    path.write_text('[keymap]\nbookmark = "q"\ntoggle_read = "x"\nquit = "x"\n', encoding="utf-8")
    app = NewsdeskApp(seeded_store, config=load_config(path))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert any("keymap" in n.message for n in app._notifications)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


# ---------------------------------------------------------------- the reader


def digest_with_outlet(outlet: str) -> str:
    lines = DIGEST.read_text(encoding="utf-8").split("\n")
    lines[4] = f"{outlet} {lines[4]}"  # the first result's source line: its outlet
    return "\n".join(lines)


@pytest.mark.parametrize("outlet", ["Evil [/] News [/bold]", "[@click=app.quit]Click me[/]"])
async def test_markup_in_a_publisher_is_literal_in_the_border_title(tmp_path, outlet):
    """F8: `[/]` crashed the reader; `[@click=app.quit]` became a clickable action."""
    from store.ingest import ingest_paths
    from store.storage.store import Store
    from tui.app import NewsdeskApp
    from tui.messages import Source
    from tui.widgets.sources import SourceTree

    (tmp_path / "d.txt").write_text(digest_with_outlet(outlet), encoding="utf-8")
    store = Store(tmp_path / "db")
    [result] = ingest_paths(store, [tmp_path / "d.txt"])
    assert result.ok, result.error
    publisher = next(p for p in store.index.publisher if "[" in p)
    app = NewsdeskApp(store)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        tree = app.reader.query_one(SourceTree)
        app.reader.post_message(
            SourceTree.SourceChosen(Source("publisher", publisher, publisher), tree)
        )
        await pilot.pause()  # the choice handled: the filter's worker started
        await wait_for_workers(app)  # (on a loaded machine one pause did not see it done)
        await pilot.pause()
        pane = app.reader.query_one("#articles-pane")
        title = pane._border_title
        assert title.plain == f"Articles · {publisher}"
        assert not title.spans, "no style or action came from the document"
        assert app.is_running


@pytest.mark.parametrize("damage", ["directory", "garbage"])
async def test_a_damaged_state_file_is_a_notification_in_the_reader(seeded_store_dir, damage):
    """F10: the reader crashed at start."""
    from store.storage.store import Store
    from tui.app import NewsdeskApp

    state = seeded_store_dir / "state-tester.json"
    if damage == "directory":
        state.mkdir()
    else:
        state.write_text("garbage{")
    app = NewsdeskApp(Store(seeded_store_dir, user="tester"))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.is_running
        assert any("state-tester.json" in n.message for n in app._notifications)
        await pilot.press("j", "b")  # keys still work; a mark that cannot be saved is a notice
        await pilot.pause()
        assert app.is_running
        current = app.reader.articles.current_id
        await pilot.press("enter")  # the article opens though its read mark cannot be kept
        await pilot.pause()
        assert app.reader.detail.item_id == current
        assert any("read mark was not saved" in n.message for n in app._notifications)


async def test_an_article_that_cannot_be_marked_read_is_shown(seeded_store, monkeypatch):
    """F12: the detail pane stayed "Nothing open" on a read-only or full disk."""
    from store.storage.errors import StoreError
    from store.storage.state import UserState
    from tui.app import NewsdeskApp

    def refuse(self, item_id, on):
        raise StoreError("cannot write store file state-tester.json: read-only file system")

    monkeypatch.setattr(UserState, "set_read", refuse)
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        current = app.reader.articles.current_id
        await pilot.press("enter")
        await pilot.pause()
        assert app.reader.detail.item_id == current
        messages = [n.message for n in app._notifications]
        assert any("read mark was not saved" in m and "read-only" in m for m in messages)


async def test_b_with_the_state_lock_held_elsewhere_never_blocks_the_reader(seeded_store):
    """F20: `b` froze the UI for 10 s while another process held the lock."""
    from tui.app import NewsdeskApp

    seeded_store.state  # noqa: B018 - the state file and its lock exist
    lock = seeded_store.root / ".state-tester.lock"
    app = NewsdeskApp(seeded_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        current = app.reader.articles.current_id
        holder = hold_lock(lock, 1.5)
        try:
            await pilot.press("b")
            await pilot.press("j")  # the UI answers while the write waits
            await pilot.pause()
            assert app.reader.articles.current_id != current
            assert any("saving when it is free" in n.message for n in app._notifications)
            assert current not in seeded_store.state.bookmarks
        finally:
            holder.wait()
        for _ in range(100):  # the thread saves it once the lock is free
            await pilot.pause(0.1)
            if current in seeded_store.state.bookmarks:
                break
        assert current in seeded_store.state.bookmarks


# ------------------------------------------------------ property: names reach no terminal

names = st.text(
    st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1, max_size=30
).filter(lambda n: n not in (".", "..") and not n.startswith("."))


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=names)
def test_no_file_name_reaches_the_terminal_with_a_control_character(tmp_path_factory, name):
    folder = tmp_path_factory.mktemp("name")
    try:
        shutil.copy(DIGEST, folder / f"{name}.txt")
    except OSError:  # a name too long for the file system
        return
    db = folder / "db"
    outputs = [run("ingest", str(folder), "--db", str(db)).stdout,
               run("sources", "--db", str(db)).stdout]  # fmt: skip
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "300"}
    env.pop("NEWSDESK_DB", None)
    outputs.append(read_pty([NEWSDESK, "sources", "--db", str(db)], env))
    for out in outputs:
        body = re.sub(r"\x1b\[[0-9;]*m", "", out.replace("\r\n", "\n"))  # Rich's own SGR
        assert not any(ch in body for ch in ("\x1b", "\x07", "\x08", "\x9b", "\x9d", "\x85"))
        assert all(ord(ch) >= 32 or ch in "\n\t" for ch in body), repr(body)
    rows = [line.split("\t") for line in outputs[1].splitlines()]
    assert all(len(row) == 3 for row in rows), rows
