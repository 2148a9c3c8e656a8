"""Bad files and hostile text through `newsdesk ingest`, `show`, `list` and `--json`."""

from __future__ import annotations

import codecs
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.helpers.terminal import read_pty
from tests.test_cli import NEWSDESK, SEEDS, items, run

MARKUP = "[bold red]x[/] [link=file:///etc/passwd]y[/link] [@click=app.quit]q[/]"
CONTROLS = {
    "csi": "\x1b[31mred\x1b[0m",
    "osc52": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "osc8": "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "title": "\x1b]0;pwned\x07",
    "c1": "\x9b31m\x85",
    "c0": "\x07\x08\x00",
    "bidi": "\u202eevil\u202c\u2066x\u2069",
    "zero_width": "\u200b\u200d\ufeff",
}
FORBIDDEN = ["\x1b", "\x9b", "\x07", "\x08", "\x00", "\x85", "\u202e", "\u2066", "\u200b",
             "\ufeff"]  # fmt: skip


def hostile_caixin() -> str:
    noise = "".join(CONTROLS.values())
    return (
        "Caixin Global – Latest China News & Headlines\n\nHome >\n\n"
        "CX Tech is Caixin Global's real-time tech news portal.\n\n\n"
        "Ding Yi / Jan 19, 2021 06:27 PM / Business & Tech\n\n"
        f"Tencent {MARKUP} said on Monday{noise} that its cloud unit will expand.\n\n"
        f"The second paragraph {noise}mentions {MARKUP} again and Alibaba.\n\n"
        "Contact reporter Ding Yi (\n\n"
        f"Related: Headline {MARKUP}\n\n"
    )


@pytest.fixture
def hostile_db(tmp_path) -> Path:
    doc = tmp_path / "hostile.txt"
    doc.write_text(hostile_caixin(), encoding="utf-8")
    db = tmp_path / "db"
    run("ingest", str(doc), "--db", str(db))
    return db


def test_hostile_text_is_stored_inert_and_shown_literally_in_json(hostile_db):
    [item] = items(hostile_db, "list")
    raw = run("show", item["id"], "--json", "--db", str(hostile_db)).stdout
    for bad in FORBIDDEN:
        assert bad not in raw
        assert bad not in json.dumps(item, ensure_ascii=False)
    assert MARKUP in item["title"] or MARKUP in item["body"]
    assert MARKUP in item["body"]
    assert any(MARKUP in r for r in item["related"])
    assert "pwned" not in raw and "cm0gLXJmIH4" not in raw


@pytest.mark.parametrize("command", ["list", "show", "search"])
def test_hostile_text_on_a_terminal_is_literal(hostile_db, command):
    [item] = items(hostile_db, "list")
    args = {"list": ["list"], "show": ["show", item["id"]], "search": ["search", "tencent"]}
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "400"}
    out = read_pty([NEWSDESK, *args[command], "--db", str(hostile_db)], env)
    assert "Traceback" not in out
    assert "[bold red]x[/]" in out or "[bold red]" in out
    for bad in ("\x1b]", "\x9b", "\x07", "\u202e", "\u2066", "\u200b"):
        assert bad not in out
    assert "pwned" not in out


# ---------------------------------------------------------------- bad input


def test_encodings_and_line_endings_are_decoded(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    digest = (SEEDS / "003_a6fe991c24fb0183.txt").read_text(encoding="utf-8")
    caixin = (SEEDS / "001_ce5775964d962981.txt").read_text(encoding="utf-8")
    report = (SEEDS / "000_8dddf056b50c37f7.txt").read_text(encoding="utf-8")
    (folder / "digest-gb18030.txt").write_bytes(digest.encode("gb18030"))
    (folder / "caixin-utf16.txt").write_bytes(codecs.BOM_UTF16_LE + caixin.encode("utf-16-le"))
    (folder / "report-crlf.txt").write_bytes(report.replace("\n", "\r\n").encode("utf-8"))
    db = tmp_path / "db"
    out = run("ingest", str(folder), "--db", str(db)).stdout
    assert "20 new" in out and "18 new" in out and "10 new" in out
    reference = tmp_path / "ref"
    run("ingest", str(SEEDS / "003_a6fe991c24fb0183.txt"), str(SEEDS / "001_ce5775964d962981.txt"),
        str(SEEDS / "000_8dddf056b50c37f7.txt"), "--db", str(reference))  # fmt: skip
    titles = sorted(i["title"] for i in items(db, "list"))
    assert titles == sorted(i["title"] for i in items(reference, "list"))
    assert any(i["publisher"] == "半导体行业观察" for i in items(db, "list"))


def test_every_kind_of_bad_file_gets_one_line_and_the_good_one_is_stored(tmp_path):
    folder = tmp_path / "in dir ünïcode"
    folder.mkdir()
    shutil.copy(SEEDS / "004_7725f43b712bb9ec.txt", folder / "good brief.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 64)
    (folder / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me br\xfbl\xe9e ".encode("latin-1") * 50)
    with open(folder / "huge.txt", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    (folder / "loop").mkdir()
    (folder / "loop" / "again").symlink_to(folder / "loop")
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    db = tmp_path / "db with space"
    proc = run("ingest", str(folder), str(tmp_path / "missing.txt"), "--db", str(db), check=1)
    refused = proc.stderr.splitlines()
    reasons = {
        Path(line.split(": refused: ")[0]).name: line for line in refused if ": refused: " in line
    }
    assert set(reasons) == {"empty.txt", "binary.bin", "latin1.txt", "huge.txt", "again",
                            "dangling.txt", "missing.txt"}  # fmt: skip
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.bin"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "too large" in reasons["huge.txt"]
    assert "loop" in reasons["again"]
    assert "no such file" in reasons["missing.txt"]
    assert "good brief.txt" in proc.stdout and "16 new" in proc.stdout
    assert len(items(db, "list")) == 16


def test_unreadable_file_is_refused_with_a_reason(tmp_path, monkeypatch):
    from store.ingest import ingest_paths
    from store.storage.store import Store

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "002_db7f17587a9c4bfe.txt", folder / "a.txt")
    secret = folder / "b.txt"
    shutil.copy(SEEDS / "001_ce5775964d962981.txt", secret)
    secret.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the read fail as it would for a user
        real = Path.read_bytes

        def read_bytes(self):
            if self.name == "b.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    results = ingest_paths(Store(tmp_path / "db"), [folder])
    by_name = {r.path.name: r for r in results}
    assert by_name["a.txt"].ok and by_name["a.txt"].new == 17
    assert by_name["b.txt"].error == "permission denied"


def test_nothing_on_stdout_is_a_traceback_for_a_corrupt_store(tmp_path):
    db = tmp_path / "db"
    run("ingest", str(SEEDS / "000_8dddf056b50c37f7.txt"), "--db", str(db))
    for segment in db.glob("corpus-*.json"):
        segment.write_bytes(segment.read_bytes()[: len(segment.read_bytes()) // 2])
    proc = run("list", "--json", "--db", str(db), check=1)
    assert proc.stderr.count("\n") == 1
    assert "corpus-" in proc.stderr and "corrupt" in proc.stderr


if sys.platform != "linux":  # pragma: no cover
    pytestmark = pytest.mark.skip("pty and symlink tests are written for Linux")


async def test_hostile_text_in_the_reader_is_inert_and_literal(tmp_path):
    """Escape sequences, controls, bidi and zero-width characters never reach the reader."""
    from store.ingest import ingest_paths
    from store.storage.store import Store
    from tui.app import NewsdeskApp
    from tui.widgets.article_list import ArticleList
    from tui.widgets.detail import DetailView

    doc = tmp_path / "hostile.txt"
    doc.write_text(hostile_caixin(), encoding="utf-8")
    store = Store(tmp_path / "db")
    [result] = ingest_paths(store, [doc])
    assert result.ok and result.new == 1
    app = NewsdeskApp(store)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        articles = app.reader.query_one(ArticleList)
        shown = [articles.render_line(y).text for y in range(3)]
        await pilot.press("enter")
        await pilot.pause()
        detail = app.reader.query_one(DetailView)
        shown += [str(widget.render()) for widget in detail.query("Static")]
        screen = "\n".join(shown)
        for bad in FORBIDDEN:
            assert bad not in screen
        assert "pwned" not in screen
        assert MARKUP in screen
        assert app.is_running


async def test_a_corrupt_store_file_is_reported_in_the_reader_not_a_crash(
    seeded_store_dir, notifications
):
    from store.storage.store import Store
    from tui.app import NewsdeskApp

    for segment in seeded_store_dir.glob("corpus-*.json"):
        segment.write_bytes(segment.read_bytes()[:100])
    store = Store(seeded_store_dir, user="tester")
    app = NewsdeskApp(store)
    async with app.run_test(size=(80, 24), message_hook=notifications) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        messages = notifications.messages("error")
        assert any("corpus-" in m and "corrupt" in m for m in messages), messages
        await pilot.press("b")  # the user's own state is a separate file: still works
        await pilot.pause()
        assert store.state.bookmarks
