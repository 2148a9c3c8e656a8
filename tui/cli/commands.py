"""The one-shot commands (`newsdesk list`, `search`, …) and the store access they share."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from store import views
from store.model import ItemRecord, public_item
from store.paths import default_store_path
from store.text.sanitize import visible
from tui.cli.output import (
    ITEM_CAPS,
    ITEM_COLUMNS,
    Output,
    effective_limit,
    item_rows,
    note,
    print_items,
    print_json,
    short_date,
    silence_stdout,
)

if TYPE_CHECKING:
    from store.ingest import FileResult
    from store.storage.store import Store


class CliError(Exception):
    """A failure to report on one line, exit status 1."""


# ---------------------------------------------------------------- store access


def store_path(args) -> Path:
    """The store folder `--db` or `NEWSDESK_DB` names (else the default); CliError if it
    names nothing (an empty --db), a file, or a broken symbolic link."""
    if args.db is not None and not str(args.db).strip():
        raise CliError("--db is empty: give the store folder's path")
    given = "--db" if args.db is not None else "NEWSDESK_DB"
    path = Path(args.db).expanduser() if args.db is not None else default_store_path()
    if path.is_symlink() and not path.exists():
        raise CliError(f"the store path {path} ({given}) is a broken symbolic link")
    if path.exists() and not path.is_dir():
        raise CliError(f"the store path {path} ({given}) is not a folder")
    return path


def open_store(args, *, seed: bool = True):
    """The store `--db`/`NEWSDESK_DB` names; a new, empty one first gets the bundled seeds,
    so a fresh install answers lookups as the reader would show them."""
    from store.storage.store import Store

    store = Store(store_path(args))
    if seed and not len(store.index):
        from store.ingest import ensure_seeded  # the parsers: only needed for a new store

        for result in ensure_seeded(store) or ():
            if not result.ok:
                note(f"newsdesk: {result.shown}: {result.error}")
    return store


def open_directory(store):
    from store.entities.companies import CompanyDirectory

    return CompanyDirectory.for_store(store)


def records_for_rows(store: Store, rows: Sequence[int]) -> list[ItemRecord]:
    index = store.index
    return with_links(store, store.get_many([index.ids[r] for r in rows]))


def with_links(store: Store, records: list[ItemRecord]) -> list[ItemRecord]:
    """The records with their `link` (a feed entry's or saved page's page; "" if none)."""
    from store.intake.feedlist import attach_links

    return attach_links(store.root, records)


def resolve_item(store, item_id: str) -> str:
    resolved = store.resolve_id(item_id.strip())
    if resolved is None:
        raise CliError(f"no item with id {item_id!r} (see `newsdesk list` for ids)")
    return resolved


# ---------------------------------------------------------------- commands


def cmd_read(args, out: Output) -> int:
    store = open_store(args)
    from tui.app import NewsdeskApp
    from tui.config import load_config

    NewsdeskApp(store, config=load_config()).run()
    return 0


def plural_files(n: int) -> str:
    return "the file was" if n == 1 else f"all {n} files were"


def cmd_ingest(args, out: Output) -> int:
    from store.ingest import ingest_paths
    from store.parsers.registry import LAYOUTS

    labels = {layout.name: layout.label for layout in LAYOUTS}
    store = open_store(args, seed=False)
    shown: list[FileResult] = []

    def show(r: FileResult) -> None:  # as each batch is stored: a long ingest shows progress
        shown.append(r)
        if r.ok:
            label = labels.get(r.layout or "", r.layout)
            done = f" ({'; '.join(r.notes)})" if r.notes else ""
            line = f"{r.shown}: {label}, {r.new} new, {r.known} already known{done}"
            try:
                print(line, flush=True)
            except BrokenPipeError:  # `ingest … | head`: the reader left, the ingest goes on
                silence_stdout()
        else:
            note(f"{r.shown}: refused: {r.error}")

    try:
        results = ingest_paths(store, args.paths, on_result=show)
    except KeyboardInterrupt:
        note(
            f"newsdesk: interrupted after {len(shown)} files; the files not listed may not "
            "be stored: the same command adds them (what is stored already is skipped)"
        )
        return 130
    refused = sum(1 for r in results if not r.ok)
    if not results:
        note("newsdesk: no files found in the paths given")
        return 1
    if refused == len(results):
        note(f"newsdesk: nothing stored: {plural_files(refused)} refused")
        return 1
    if refused:
        note(f"newsdesk: {refused} of {len(results)} files refused; the others were stored")
        return 1
    return 0


def cmd_list(args, out: Output) -> int:
    store = open_store(args)
    index = store.index
    rows: list[int] = list(range(len(index)))
    described = []
    if args.publisher:
        allowed = set(views.publisher_rows(index, args.publisher))
        rows = [r for r in rows if r in allowed]
        described.append(f"publisher “{args.publisher}”")
    if args.company:
        from store.search import match_companies  # the directory: only for --company

        directory = open_directory(store)
        companies = match_companies(directory, args.company, limit=1)
        if not companies:
            raise CliError(f"no company matches {args.company!r} (see `newsdesk companies`)")
        company = companies[0]
        allowed = set(views.rows_about(index, company))
        rows = [r for r in rows if r in allowed]
        described.append(company.name)
    if args.bookmarked:
        marks = store.state.bookmarks
        rows = [r for r in rows if index.ids[r] in marks]
        described.append("bookmarked")
    from tui.cli.desk import desk_filter

    rows, more = desk_filter(args, store, rows)
    described += more
    total = len(rows)
    limit = effective_limit(args)
    rows = rows[:limit] if limit else rows
    title = f"{len(rows)} of {total} items" + (f" · {', '.join(described)}" if described else "")
    print_items(out, store, rows, args.json, title=title, total=total)
    if not args.json and not rows:
        note("no items match")
    return 0


def cmd_search(args, out: Output) -> int:
    from store.search import search

    store = open_store(args)
    index = store.index
    directory = open_directory(store)
    limit = effective_limit(args)
    result = search(index, directory, args.query)
    rows = result.company_rows + result.title_rows
    # A company or ticker is answered by the index: ingest linked each item to the companies
    # its title and body name. Bodies are scanned (the whole corpus) for other words, or
    # with --bodies, and only when companies and titles leave room under the limit.
    bodies = args.bodies or not (result.companies or result.tickers)
    if bodies and (limit is None or len(rows) < limit):
        wanted = None if limit is None else limit - len(rows)
        body = search(index, directory, args.query, store=store, body_limit=wanted).body_ids
        rows += sorted(r for r in map(index.row_of, body) if r is not None)
    total = None if limit is None or len(rows) <= limit else len(rows)
    rows = rows[:limit] if limit else rows
    if not rows and not args.json:
        note(f"no items match {args.query!r}")
        return 0
    described = result.describe()
    title = f"{len(rows)} items" + (f" · {described}" if described else "")
    print_items(out, store, rows, args.json, title=title, total=total)
    return 0


def cmd_show(args, out: Output) -> int:
    store = open_store(args)
    record = store.get(resolve_item(store, args.id))
    if record is None:
        raise CliError(f"no item with id {args.id!r}")
    record = with_links(store, [record])[0]
    if args.json:
        print_json(public_item(record))
        return 0
    companies = ", ".join(
        f"{c['name']} ({c['ticker']})" if c.get("ticker") else c["name"]
        for c in record.get("companies") or []
    )
    marks = ("bookmarked" if record.get("bookmarked") else "") + (
        "" if record.get("read") else (", unread" if record.get("bookmarked") else "unread")
    )
    lines: list[tuple[str, str]] = [("bold", record["title"])]
    meta = [
        ("id", record["id"] + (f"  [{marks}]" if marks else "")),
        ("publisher", record.get("publisher", "")),
        ("published", short_date(record.get("published", ""))),
        ("authors", ", ".join(record.get("authors") or [])),
        ("section", record.get("section", "")),
        ("companies", companies),
        ("documents", ", ".join(record.get("documents") or [])),
        ("link", record.get("link", "")),
    ]
    lines += [("dim", f"{k}: {visible(v)}") for k, v in meta if v]  # names: escaped
    from tui.cli.desk import desk_lines

    lines += desk_lines(store, record["id"])
    lines.append(("", ""))
    for paragraph in (record.get("body") or "").split("\n\n"):
        lines.append(("", paragraph))
        lines.append(("", ""))
    for related in record.get("related") or []:
        lines.append(("italic", f"Related: {related}"))
    out.lines(lines)
    return 0


def _set_bookmark(args, on: bool) -> int:
    store = open_store(args)
    item_id = resolve_item(store, args.id)
    store.state.set_bookmarked(item_id, on)
    record = store.get(item_id) or {"title": ""}
    print(f"{'bookmarked' if on else 'unbookmarked'} {item_id}  {record['title']}")
    return 0


def cmd_bookmark(args, out: Output) -> int:
    return _set_bookmark(args, True)


def cmd_unbookmark(args, out: Output) -> int:
    return _set_bookmark(args, False)


def cmd_bookmarks(args, out: Output) -> int:
    store = open_store(args)
    rows = views.bookmarked_rows(store.index, store.state)
    total = len(rows)
    limit = effective_limit(args)
    rows = rows[:limit] if limit else rows
    print_items(out, store, rows, args.json, title=f"{total} bookmarks", total=total)
    if not args.json and not rows:
        note("no bookmarks yet (bookmark with `newsdesk bookmark ID` or `b` in the reader)")
    return 0


def cmd_companies(args, out: Output) -> int:
    store = open_store(args)
    counted = views.company_counts(store.index, open_directory(store))
    if args.json:
        print_json([
            {"name": c.name, "chinese_name": c.chinese_name, "tickers": list(c.listings),
             "items": n}
            for c, n in counted
        ])  # fmt: skip
        return 0
    rows = [[c.name, c.chinese_name or "", " ".join(c.listings), str(n)] for c, n in counted]
    out.table(
        ("company", "chinese", "tickers", "items"),
        rows,
        title=f"{len(rows)} companies",
        flex=0,
        caps=(None, 16, 24, None),
    )
    return 0


def cmd_sources(args, out: Output) -> int:
    store = open_store(args)
    sources = views.document_sources(store.index)
    if args.json:
        print_json([
            {"publisher": s.publisher, "document": s.document, "items": s.items} for s in sources
        ])  # fmt: skip
        return 0
    rows = [[s.publisher, s.document, str(s.items)] for s in sources]
    out.table(
        ("publisher", "document", "items"), rows, title=f"{len(store.index)} items",
        flex=1, caps=(24, None, None),
    )  # fmt: skip
    return 0


def company_card(store, directory, company, *, with_records: bool = True) -> dict:
    """The company view as data: names, listings, sector, items, companies seen with it.

    `items` holds full records, or index rows when `with_records` is false.
    """
    card = views.company_card(store.index, directory, company)
    return {
        "name": company.name,
        "aliases": card.aliases,
        "chinese_name": company.chinese_name,
        "listings": list(company.listings),
        "sector": company.sector,
        "items": (
            [public_item(r) for r in records_for_rows(store, card.rows)]
            if with_records
            else card.rows
        ),
        "related_companies": [
            {"name": other.name, "tickers": list(other.listings), "items": n}
            for other, n in card.peers
        ],
    }


def cmd_company(args, out: Output) -> int:
    from store.search import match_companies

    store = open_store(args)
    directory = open_directory(store)
    companies = match_companies(directory, args.query, limit=1)
    if not companies:
        close = [c.name for c, _ in directory.match(args.query, limit=5)]
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise CliError(f"no company matches {args.query!r}{hint}")
    card = company_card(store, directory, companies[0], with_records=args.json)
    if args.json:
        print_json(card)
        return 0
    head = [("bold", card["name"] + (f"  {card['chinese_name']}" if card["chinese_name"] else ""))]
    if card["aliases"]:
        head.append(("dim", "also: " + ", ".join(card["aliases"])))
    head.append(("", "listings: " + (", ".join(card["listings"]) or "unlisted")))
    if card["sector"]:
        head.append(("", f"sector: {card['sector']}"))
    if card["related_companies"]:
        head.append(
            (
                "",
                "mentioned with: "
                + ", ".join(f"{c['name']} ({c['items']})" for c in card["related_companies"]),
            )
        )
    head.append(("", ""))
    out.lines(head)
    rows = card["items"]
    total, limit = len(rows), effective_limit(args)
    rows = rows[:limit] if limit else rows
    out.table(
        ITEM_COLUMNS,
        item_rows(store, rows, width=out.width),
        title=f"{total} items",
        caps=ITEM_CAPS,
    )
    if total > len(rows):
        note(f"showing {len(rows)} of {total}; --limit N for more, --limit 0 for all")
    return 0


def cmd_restore(args, out: Output) -> int:
    folder = store_path(args)
    from store.storage.restore import restore_backups

    restored = restore_backups(folder)
    if not restored:
        note(f"newsdesk: nothing to restore in {folder}")
        return 0
    for path in restored:
        print(f"restored {path} from its last good copy")
    if restored.lost_items:
        note(
            f"newsdesk: {restored.lost_items} items were only in the damaged files; ingest these "
            f"documents again: {', '.join(restored.lost_documents)}"
        )
    return 0


def cmd_reindex(args, out: Output) -> int:
    from store.storage.restore import reindex

    store_path = Path(args.db) if args.db else default_store_path()
    print(f"reindexed {reindex(store_path)} items in {store_path}")
    return 0
