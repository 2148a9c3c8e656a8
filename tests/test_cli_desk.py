"""The desk's commands through the installed `newsdesk` entry point, as a user runs them:
watchlist, saved searches, list --saved/--watchlist/--tag, new, tag/untag/note/tags, export."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from tests.test_cli import SEEDS, items, run


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("desk") / "store"
    run("ingest", str(SEEDS), "--db", str(db))
    return db


@pytest.fixture
def db(seeded: Path, tmp_path: Path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(seeded, target)
    return target


def nd(db: Path, *args: str, check: int | None = 0, stdin: str | None = None):
    if stdin is None:
        return run(*args, "--db", str(db), check=check)
    import subprocess

    from tests.test_cli import NEWSDESK

    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_DB"}
    proc = subprocess.run(
        [NEWSDESK, *args, "--db", str(db)], input=stdin, capture_output=True, text=True,
        env={**env, "NO_COLOR": "1"}, timeout=120,
    )  # fmt: skip
    assert proc.returncode == (check or 0), proc.stderr
    return proc


def ids_about(db: Path, query: str) -> set[str]:
    """The ids of a company's items, computed in this process (no command run)."""
    from store import views
    from store.entities.companies import CompanyDirectory
    from store.search import resolve_company
    from store.storage.store import Store

    store = Store(db)
    company, _ = resolve_company(CompanyDirectory.for_store(store), query)
    assert company is not None, query
    return {store.index.ids[r] for r in views.rows_about(store.index, company)}


def all_ids(db: Path) -> set[str]:
    from store.storage.store import Store

    return set(Store(db).index.ids)


def test_watchlist_add_resolves_every_spelling_and_refuses_the_rest(db: Path) -> None:
    proc = nd(db, "watchlist", "add", "0700", "BABA", "比亚迪", "zhongxin guoji")
    lines = proc.stdout.splitlines()
    assert lines == [
        "watching Tencent Holdings (0700.HK)",
        "watching Alibaba Group Holding (BABA.US 9988.HK)",
        "watching BYD Company (1211.HK 002594.SZ)",
        "watching Semiconductor Manufacturing International Corporation (0981.HK 688981.SH)",
    ]
    again = nd(db, "watchlist", "add", "9988", "china", "qqzzyx", check=1)
    assert again.stdout == "already watching Alibaba Group Holding (BABA.US 9988.HK)\n"
    errors = again.stderr.splitlines()
    assert len(errors) == 2
    assert "'china' is ambiguous" in errors[0] and "China Mobile (0941.HK" in errors[0]
    assert "'qqzzyx': no company matches" in errors[1]

    listed = json.loads(nd(db, "watchlist", "--json").stdout)
    assert [w["key"] for w in listed] == ["tencent", "alibaba", "byd", "smic"]
    alibaba = listed[1]
    assert alibaba["tickers"] == ["BABA.US", "9988.HK"]
    assert alibaba["items"] == len(ids_about(db, "alibaba")) >= 3
    assert alibaba["unread"] == alibaba["items"]
    from store.storage.store import Store

    state = Store(db).state  # the reader's `m`
    for item_id in sorted(ids_about(db, "alibaba"))[:2]:
        state.set_read(item_id, True)
    listed = json.loads(nd(db, "watchlist", "list", "--json").stdout)
    assert listed[1]["unread"] == alibaba["items"] - 2 and listed[0]["unread"] == listed[0]["items"]
    table = nd(db, "watchlist").stdout.splitlines()
    assert table[0].split("\t")[:3] == ["Tencent Holdings", "腾讯控股", "0700.HK"]

    watched = {i["id"] for i in items(db, "list", "--watchlist")}
    expected = set().union(*(ids_about(db, q) for q in ("0700", "9988", "byd", "smic")))
    assert watched == expected

    out = nd(db, "watchlist", "remove", "alibaba", "9988", check=1)
    assert out.stdout == "stopped watching Alibaba Group Holding\n"
    assert "'9988' is not on the watchlist" in out.stderr
    nd(db, "watchlist", "remove", "Tencent Holdings", "byd", "smic")
    assert json.loads(nd(db, "watchlist", "--json").stdout) == []
    assert "empty" in nd(db, "list", "--watchlist", check=1).stderr


def test_new_over_a_simulated_day_gives_each_item_once(tmp_path: Path) -> None:
    db = tmp_path / "store"
    seeds = sorted(SEEDS.glob("*.txt"))
    morning, evening = tmp_path / "morning", tmp_path / "evening"
    morning.mkdir()
    evening.mkdir()
    for path in seeds[:3]:
        shutil.copy(path, morning)
    for path in seeds[3:]:
        shutil.copy(path, evening)
    nd(db, "ingest", str(morning))
    nd(db, "watchlist", "add", "9988", "0700")
    first = json.loads(nd(db, "new", "--json").stdout)
    assert {i["id"] for i in first} == all_ids(db)
    watch_first = nd(db, "new", "--watchlist").stdout.splitlines()
    nothing = nd(db, "new")
    assert nothing.stdout == "" and nothing.stderr == ""  # nothing new: silent, exit 0

    nd(db, "ingest", str(evening))
    nd(db, "ingest", str(morning))  # a re-ingest of known documents brings nothing new
    peek = json.loads(nd(db, "new", "--json", "--peek").stdout)
    second = json.loads(nd(db, "new", "--json").stdout)
    assert peek == second and second
    assert json.loads(nd(db, "new", "--json").stdout) == []
    everything = all_ids(db)
    seen = [i["id"] for i in first + second]
    assert len(seen) == len(set(seen)) and set(seen) == everything == set(seen)
    assert len(everything) == 75

    lines = nd(db, "new", "--watchlist").stdout.splitlines()  # its own cursor
    watched = ids_about(db, "9988") | ids_about(db, "0700")
    got = [line.split("\t")[0] for line in watch_first + lines]
    assert len(got) == len(set(got)) and set(got) == watched
    assert all(line.count("\t") == 5 for line in lines)

    nd(db, "saved", "add", "recent", "since:2025-06-01")
    saved = json.loads(nd(db, "new", "--saved", "recent", "--json").stdout)
    assert {i["id"] for i in saved} == {i["id"] for i in items(db, "list", "--saved", "recent")}
    assert json.loads(nd(db, "new", "--saved", "RECENT", "--json").stdout) == []
    assert "no saved search named 'nope'" in nd(db, "new", "--saved", "nope", check=1).stderr
    assert nd(db, "new", "--watchlist", "--saved", "x", check=2).returncode == 2
    cursors = list(db.glob("cursor-*.json"))
    assert len(cursors) == 1 and stat.S_IMODE(cursors[0].stat().st_mode) == 0o600


def test_saved_searches_list_and_remove(db: Path) -> None:
    out = nd(db, "saved", "add", "EV makers", "byd -nio").stdout
    assert out.startswith("saved “EV makers”: byd -nio")
    nd(db, "saved", "add", "caixin", "from:caixin")
    listed = json.loads(nd(db, "saved", "--json").stdout)
    assert [(s["name"], s["query"]) for s in listed] == [
        ("EV makers", "byd -nio"), ("caixin", "from:caixin"),
    ]  # fmt: skip
    assert listed[1]["items"] == 20
    caixin = items(db, "list", "--saved", "caixin")
    assert len(caixin) == 20 and {i["publisher"] for i in caixin} == {"Caixin Global"}
    ev = items(db, "list", "--saved", "ev makers")
    assert ev and {i["id"] for i in ev} <= ids_about(db, "byd")
    assert "is:maybe" in nd(db, "saved", "add", "bad", "is:maybe", check=1).stderr
    assert nd(db, "saved", "remove", "EV MAKERS").stdout == "removed saved search “EV makers”\n"
    nd(db, "saved", "remove", "EV makers", check=1)
    assert [s["name"] for s in json.loads(nd(db, "saved", "list", "--json").stdout)] == ["caixin"]
    assert "no saved search named 'gone'" in nd(db, "list", "--saved", "gone", check=1).stderr


def test_tag_untag_note_tags_and_show(db: Path) -> None:
    first, second = (i["id"] for i in items(db, "list", "--limit", "2"))
    out = nd(db, "tag", first[:5], "AI", "#chips").stdout
    assert out.startswith(f"{first}  #ai #chips  ")
    nd(db, "tag", second, "ai")
    assert "not one word" in nd(db, "tag", first, "two words", check=1).stderr
    assert "no item with id" in nd(db, "tag", "zzzzzz", "x", check=1).stderr
    assert json.loads(nd(db, "tags", "--json").stdout) == [
        {"tag": "ai", "items": 2}, {"tag": "chips", "items": 1},
    ]  # fmt: skip
    assert nd(db, "tags").stdout.splitlines() == ["#ai\t2", "#chips\t1"]
    assert {i["id"] for i in items(db, "list", "--tag", "#AI")} == {first, second}

    nd(db, "note", first, "call", "IR", "about", "capex")
    assert nd(db, "note", first).stdout == "call IR about capex\n"
    nd(db, "note", first, "-", stdin="line one\n\x1b[31mline two\x07\n")
    assert nd(db, "note", first).stdout == "line one\nline two\n"
    shown = nd(db, "show", first).stdout
    assert "tags: #ai #chips" in shown and "  line one\n  line two" in shown
    nd(db, "saved", "add", "noted", "line two is:noted")  # note words are searchable
    assert [i["id"] for i in items(db, "list", "--saved", "noted")] == [first]

    assert nd(db, "untag", first, "chips").stdout.startswith(f"{first}  #ai  ")
    assert nd(db, "untag", second).stdout.startswith(f"{second}  (no tags)")
    nd(db, "note", first, "--delete")
    gone = nd(db, "note", first)
    assert gone.stdout == "" and "no note" in gone.stderr
    # everything survives a re-ingest of the same documents
    nd(db, "note", second, "kept")
    nd(db, "ingest", str(SEEDS))
    assert nd(db, "note", second).stdout == "kept\n"
    assert {i["id"] for i in items(db, "list", "--tag", "ai")} == {first}
    desk = next(db.glob("desk-*.json"))
    assert stat.S_IMODE(desk.stat().st_mode) == 0o600


def test_export_every_format(db: Path, tmp_path: Path) -> None:
    from store.storage.desk import Desk
    from store.storage.store import Store

    target = sorted(ids_about(db, "9988"))[0]
    store = Store(db)  # as the reader would have left them
    store.state.set_bookmarked(target, True)
    desk = Desk(db, store.user)
    desk.add_tags(target, ["ai"])
    desk.set_note(target, "=1+1 is a formula")
    desk.watch("alibaba", "Alibaba Group Holding")

    csv_text = nd(db, "export", "--watchlist", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert {r["id"] for r in rows} == ids_about(db, "9988")
    mine = next(r for r in rows if r["id"] == target)
    assert mine["note"] == "'=1+1 is a formula" and mine["tags"] == "ai"
    assert "BABA.US" in mine["tickers"] or "9988.HK" in mine["tickers"]

    out = tmp_path / "out.json"
    proc = nd(db, "export", "--tag", "ai", "--format", "json", "-o", str(out))
    assert f"exported 1 item (#ai) to {out}" in proc.stderr and proc.stdout == ""
    exported = json.loads(out.read_text())
    assert [e["id"] for e in exported] == [target]
    assert exported[0]["tags"] == ["ai"] and exported[0]["bookmarked"] is True

    md = nd(db, "export", "--bookmarked", "--format", "md", "--group", "company").stdout
    assert md.startswith("# newsdesk: bookmarked\n") and "## Alibaba Group Holding" in md
    assert "> \\=1+1" not in md and "> =1+1 is a formula" in md  # the user's own note

    company = nd(db, "export", "--company", "byd", "--format", "json").stdout
    assert {e["id"] for e in json.loads(company)} == ids_about(db, "byd")

    vault = tmp_path / "vault"
    proc = nd(db, "export", "--watchlist", "--format", "obsidian", "-o", str(vault))
    count = len(ids_about(db, "9988"))
    assert f"{count} new, 0 updated, 0 unchanged" in proc.stderr
    note_file = next(vault.glob(f"*({target}).md"))
    note_file.write_text(note_file.read_text() + "my analysis\n")
    nd(db, "note", target, "second thoughts")
    proc = nd(db, "export", "--watchlist", "--format", "obsidian", "-o", str(vault))
    assert f"0 new, 1 updated, {count - 1} unchanged" in proc.stderr
    text = note_file.read_text()
    assert "second thoughts" in text and text.endswith("%%\nmy analysis\n")

    assert "writes a folder" in nd(db, "export", "--format", "obsidian", check=1).stderr
    assert nd(db, "export", "--format", "pdf", check=2).returncode == 2
    assert "is a folder" in nd(db, "export", "--format", "md", "-o", str(vault), check=1).stderr


def test_export_writes_into_a_linked_file_and_refuses_what_is_no_file(
    db: Path, tmp_path: Path
) -> None:
    kept = tmp_path / "kept.csv"
    kept.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(kept)

    nd(db, "export", "--format", "csv", "-o", str(link))
    assert link.is_symlink() and link.resolve() == kept  # the link stays: its file is written
    assert kept.read_text().startswith("id,published,")

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    proc = nd(db, "export", "--format", "csv", "-o", str(fifo), check=1)
    assert proc.stderr == (
        f"newsdesk: {fifo} is not a regular file (a device, pipe or socket); give a file "
        "name, or - for standard output\n"
    )
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # not replaced by a regular file
