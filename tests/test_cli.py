"""The `newsdesk` command, run through its installed entry point as a user would."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.store_files import segment_backup, segment_file

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
NEWSDESK = shutil.which("newsdesk", path=str(Path(sys.executable).parent)) or "newsdesk"

ITEM_FIELDS = [
    "id", "title", "publisher", "documents", "section", "authors", "published", "link",
    "body", "related", "companies", "tickers", "bookmarked", "read",
]  # fmt: skip


def run(*args: str, env: dict | None = None, check: int | None = 0) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_DB"}
    full_env.update({"NO_COLOR": "1", **(env or {})})
    proc = subprocess.run(
        [NEWSDESK, *args], capture_output=True, text=True, env=full_env, timeout=120
    )
    if check is not None:
        assert proc.returncode == check, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "store"
    proc = run("ingest", str(SEEDS), "--db", str(db))
    assert len(proc.stdout.strip().splitlines()) == 5
    return db


@pytest.fixture
def db(seeded: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded store, so tests may change it."""
    target = tmp_path / "store"
    shutil.copytree(seeded, target)
    for state in target.glob("state-*.json"):
        state.unlink()
    return target


def items(db: Path, *args: str) -> list[dict]:
    return json.loads(run(*args, "--json", "--db", str(db)).stdout)


def test_ingest_reports_each_file_with_counts(tmp_path):
    db = tmp_path / "s"
    out = run("--db", str(db), "ingest", str(SEEDS)).stdout.splitlines()
    by_file = {Path(line.split(":", 1)[0]).name[:3]: line for line in out}
    assert "18 new, 0 already known" in by_file["000"]
    assert "20 new, 0 already known" in by_file["001"]
    assert "17 new, 1 already known" in by_file["002"]
    assert "10 new, 0 already known" in by_file["003"]
    assert "10 new, 6 already known" in by_file["004"]
    again = run("--db", str(db), "ingest", str(SEEDS)).stdout.splitlines()
    assert len(again) == 5
    for line in again:
        counts = re.search(r", (\d+) new, (\d+) already known$", line)
        assert counts, line
        assert int(counts.group(1)) == 0 and int(counts.group(2)) > 0, line
    assert len(items(db, "list")) == 75


def test_list_json_has_the_documented_fields_newest_first(seeded):
    listed = items(seeded, "list")
    assert len(listed) == 75
    assert all(list(item) == ITEM_FIELDS for item in listed)
    dates = [item["published"][:10] for item in listed]
    assert dates == sorted(dates, reverse=True)
    assert len({item["id"] for item in listed}) == 75


def test_db_option_before_or_after_the_command_and_env(seeded):
    after = run("list", "--json", "--db", str(seeded)).stdout
    before = run("--db", str(seeded), "list", "--json").stdout
    env = run("list", "--json", env={"NEWSDESK_DB": str(seeded)}).stdout
    assert after == before == env
    assert len(json.loads(after)) == 75


def tencent_ids(db: Path) -> set[str]:
    return {
        item["id"]
        for item in items(db, "list")
        if any(
            c["name"].startswith("Tencent") and "Music" not in c["name"] for c in item["companies"]
        )
    }


@pytest.mark.parametrize(
    "query",
    ["700", "0700", "00700", "0700.HK", "00700.HK", "HK:0700", "700 HK", "tencnt", "TENCENT"],
)
def test_search_finds_tencent_in_every_spelling(seeded, query):
    expected = tencent_ids(seeded)
    assert len(expected) >= 3
    found = [item["id"] for item in items(seeded, "search", query)]
    assert set(found[: len(expected)]) == expected


def test_search_chinese_name_finds_lenovo(seeded):
    found = items(seeded, "search", "联想")
    assert found
    assert any("0992.HK" in item["tickers"] for item in found[:1])


def test_search_without_match_says_so(seeded):
    proc = run("search", "zzqxv-nothing", "--db", str(seeded))
    assert proc.stdout == ""
    assert "no items match" in proc.stderr


def test_show_and_unknown_id(seeded):
    first = items(seeded, "list")[0]
    shown = json.loads(run("show", first["id"], "--json", "--db", str(seeded)).stdout)
    assert shown == first
    plain = run("show", first["id"], "--db", str(seeded)).stdout
    assert first["title"] in plain
    proc = run("show", "nosuchid", "--db", str(seeded), check=1)
    assert proc.stderr.count("\n") == 1 and "nosuchid" in proc.stderr


def test_bookmark_unbookmark_bookmarks(db):
    target = items(db, "list")[3]["id"]
    run("bookmark", target, "--db", str(db))
    marked = items(db, "bookmarks")
    assert [item["id"] for item in marked] == [target]
    assert marked[0]["bookmarked"] is True
    assert [i["id"] for i in items(db, "list", "--bookmarked")] == [target]
    # a re-ingest keeps the bookmark
    run("ingest", str(SEEDS), "--db", str(db))
    assert [item["id"] for item in items(db, "bookmarks")] == [target]
    run("unbookmark", target, "--db", str(db))
    assert items(db, "bookmarks") == []


def test_list_filters(seeded):
    caixin = items(seeded, "list", "--publisher", "caixin")
    assert len(caixin) == 20
    assert {item["publisher"] for item in caixin} == {"Caixin Global"}
    limited = items(seeded, "list", "--limit", "5")
    assert len(limited) == 5
    about = items(seeded, "list", "--company", "xiaomi")
    assert about and all("1810.HK" in item["tickers"] for item in about)


def test_companies_and_sources(seeded):
    companies = json.loads(run("companies", "--json", "--db", str(seeded)).stdout)
    tencent = next(
        c for c in companies if c["name"].startswith("Tencent") and "Music" not in c["name"]
    )
    assert "0700.HK" in tencent["tickers"] and tencent["items"] >= 3
    sources = json.loads(run("sources", "--json", "--db", str(seeded)).stdout)
    docs = {s["document"] for s in sources}  # documents are named by their full path
    assert {str(p.absolute()) for p in SEEDS.glob("*.txt")} <= docs
    caixin = [s for s in sources if s["publisher"] == "Caixin Global"]
    assert sum(s["items"] for s in caixin) == 20


def test_company_card(seeded):
    card = json.loads(run("company", "9988", "--json", "--db", str(seeded)).stdout)
    assert card["name"].startswith("Alibaba")
    assert {"BABA.US", "9988.HK"} <= set(card["listings"])
    assert set(card) == {
        "name",
        "aliases",
        "chinese_name",
        "listings",
        "sector",
        "items",
        "related_companies",
    }
    assert card["items"] and all("id" in item for item in card["items"])
    proc = run("company", "qqqzzx", "--db", str(seeded), check=1)
    assert "no company matches" in proc.stderr


def test_piped_output_is_plain_lines(seeded):
    out = run("list", "--limit", "3", "--db", str(seeded)).stdout
    lines = out.splitlines()
    assert len(lines) == 3
    assert all(line.count("\t") == 5 for line in lines)
    assert "\x1b" not in out


def test_usage_errors_exit_2(seeded):
    proc = run("list", "--limit", "many", "--db", str(seeded), check=2)
    assert "usage" in proc.stderr
    run("frobnicate", check=2)


def test_bad_file_beside_good_ones(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "001_ce5775964d962981.txt", folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "essay.txt").write_text("Just some thoughts about the weather.\n" * 20)
    db = tmp_path / "db"
    proc = run("ingest", str(folder), str(tmp_path / "missing.txt"), "--db", str(db), check=1)
    err = proc.stderr.splitlines()
    assert any("empty.txt" in line and "empty" in line for line in err)
    assert any("essay.txt" in line and "no known layout" in line for line in err)
    assert any("missing.txt" in line and "no such file" in line for line in err)
    assert "good.txt" in proc.stdout
    assert len(items(db, "list")) == 20


def test_companies_revealed_by_documents_join_the_directory(tmp_path):
    brief = (
        '"Science and Technology Innovation Board Daily" on May 6 - The main contents of '
        "today's Science and Technology Innovation Board Evening News include: Qingfeng "
        "Photonics lists.\n[Company Aspect].\n"
        "Qingfeng Photonics: Its first-quarter revenue rose 41% year-on-year\n"
        "Qingfeng Photonics (688999.SH) announced on May 6, 2025 that revenue in the first "
        "quarter rose 41% year-on-year, driven by demand for optical modules.\n"
        "Tencent: It will raise its capital expenditure this year\n"
        "Tencent Holdings (0700.HK) said it will raise capital expenditure in 2025 to build "
        "more computing power for its models.\n"
    )
    doc = tmp_path / "brief.txt"
    doc.write_text(brief, encoding="utf-8")
    db = tmp_path / "db"
    assert "2 new" in run("ingest", str(doc), "--db", str(db)).stdout
    companies = json.loads(run("companies", "--json", "--db", str(db)).stdout)
    learned = next(c for c in companies if c["tickers"] == ["688999.SH"])
    assert learned["name"] == "Qingfeng Photonics" and learned["items"] == 1
    for query in ("688999", "688999.SH", "qingfeng photonics", "Qingfeng"):
        found = items(db, "search", query)
        assert found and found[0]["tickers"] == ["688999.SH"], query
    card = json.loads(run("company", "688999", "--json", "--db", str(db)).stdout)
    assert card["name"] == "Qingfeng Photonics" and card["listings"] == ["688999.SH"]


def test_a_terminal_gets_a_table_of_a_screenful(seeded):
    from tests.helpers.terminal import read_pty

    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", "TERM": "xterm-256color"}
    out = read_pty([NEWSDESK, "list", "--db", str(seeded)], env)
    assert "50 of 75 items" in out
    assert "showing 50 of 75" in out
    assert "\t" not in out
    out = read_pty([NEWSDESK, "list", "--limit", "0", "--db", str(seeded)], env)
    assert "75 of 75 items" in out and "showing" not in out


def test_a_fresh_store_answers_lookups_from_the_bundled_seeds(tmp_path):
    db = tmp_path / "new"
    found = json.loads(run("search", "0700", "--json", "--db", str(db)).stdout)
    assert found and "0700.HK" in found[0]["tickers"]
    assert len(items(db, "list")) == 75


def test_restore_puts_back_the_last_good_copy(tmp_path):
    db = tmp_path / "db"
    run("ingest", str(SEEDS / "000_8dddf056b50c37f7.txt"), "--db", str(db))
    run("ingest", str(SEEDS / "001_ce5775964d962981.txt"), "--db", str(db))
    segment, backup = segment_file(db), segment_backup(db)
    assert backup is not None and backup.exists()
    segment.write_bytes(segment.read_bytes()[:50])
    proc = run("list", "--json", "--db", str(db), check=1)
    assert segment.name in proc.stderr and backup.name in proc.stderr
    assert "newsdesk restore" in proc.stderr
    restored = run("restore", "--db", str(db)).stdout
    assert segment.name in restored
    assert len(items(db, "list")) == 18  # the copy before the second ingest


def test_a_long_ingest_shows_each_batch_as_it_is_stored_and_stops_cleanly_on_ctrl_c(tmp_path):
    """Lines come as each batch of 600 documents is stored, not at the end; Ctrl-C ends the
    ingest at once with a one-line reason, what was stored stays, and the same command adds
    the rest."""
    import signal
    import threading
    import time

    from bench.corpus import generate_corpus

    corpus = generate_corpus(1300 * 30, tmp_path / "corpus", per_document=(30, 30))
    assert len(corpus.documents) == 1300
    db = tmp_path / "db"
    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_DB"}
    proc = subprocess.Popen(
        [NEWSDESK, "--db", str(db), "ingest", str(tmp_path / "corpus")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    lines: list[str] = []
    first = threading.Event()

    def read_lines() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            first.set()

    reader = threading.Thread(target=read_lines)
    reader.start()
    assert first.wait(60)  # the first batch is stored: its files are reported
    assert ": " in lines[0] and " new, " in lines[0], lines[0]
    proc.send_signal(signal.SIGINT)
    started = time.monotonic()
    err = proc.stderr.read()
    assert proc.wait(60) == 130, err
    reader.join(10)
    assert time.monotonic() - started < 10  # not after parsing the window's files
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("newsdesk: interrupted after "), err
    assert len(lines) < 1300  # (Ctrl-C may come while the first batch's lines are printed)
    stored = len(items(db, "list"))
    assert stored > 0
    again = run("--db", str(db), "ingest", str(tmp_path / "corpus")).stdout.splitlines()
    assert len(again) == 1300
    assert len(items(db, "list")) > stored


def test_an_ingest_piped_into_head_still_stores_every_file(tmp_path):
    """`newsdesk ingest FOLDER | head -1`: the reader of the listing goes away after the first
    batch; the ingest goes on quietly and stores the rest."""
    from bench.corpus import generate_corpus

    generate_corpus(700 * 10, tmp_path / "corpus", per_document=(10, 10))
    db = tmp_path / "db"
    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_DB"}
    proc = subprocess.run(
        f"'{NEWSDESK}' --db '{db}' ingest '{tmp_path / 'corpus'}' | head -1",
        shell=True, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 1, proc
    assert "Traceback" not in proc.stderr and "Broken pipe" not in proc.stderr, proc.stderr
    again = run("--db", str(db), "ingest", str(tmp_path / "corpus")).stdout.splitlines()
    assert len(again) == 700
    assert all(", 0 new, " in line for line in again), [x for x in again if ", 0 new" not in x]
