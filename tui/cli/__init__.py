"""The `newsdesk` command: the reader with no sub-command, one-shot lookups otherwise."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import orjson

from store.paths import default_store_path

ITEM_FIELDS = (
    "id", "title", "publisher", "documents", "section", "authors", "published", "body",
    "related", "companies", "tickers", "bookmarked", "read",
)  # fmt: skip


class CliError(Exception):
    """A failure to report on one line, exit status 1."""


# ---------------------------------------------------------------- output helpers


def public_item(record: dict) -> dict:
    """A record with exactly the documented item fields, in order."""
    item = {name: record.get(name) for name in ITEM_FIELDS}
    item["companies"] = [
        {"name": c.get("name"), "ticker": c.get("ticker")} for c in record.get("companies") or []
    ]
    item["bookmarked"] = bool(record.get("bookmarked"))
    item["read"] = bool(record.get("read"))
    return item


def print_json(value) -> None:
    sys.stdout.buffer.write(orjson.dumps(value, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.flush()


def short_date(published: str) -> str:
    """`2022-04-01T14:30:00+08:00` → `2022-04-01 14:30`; a bare date stays as it is."""
    if "T" in published:
        day, time = published.split("T", 1)
        return f"{day} {time[:5]}"
    return published


class Output:
    """Rich tables on a terminal, tab-separated plain lines when piped. Data is never markup."""

    def __init__(self) -> None:
        self.tty = sys.stdout.isatty()
        self._console = None

    @property
    def console(self):
        if self._console is None:
            from rich.console import Console

            self._console = Console(highlight=False, soft_wrap=False)
        return self._console

    def table(self, columns: Sequence[str], rows: Sequence[Sequence[str]], title: str = "") -> None:
        if not self.tty:
            for row in rows:
                sys.stdout.write("\t".join(cell.replace("\t", " ") for cell in row) + "\n")
            return
        from rich.table import Table
        from rich.text import Text

        table = Table(
            title=Text(title) if title else None,
            box=None,
            header_style="bold",
            pad_edge=False,
            expand=False,
        )
        for i, column in enumerate(columns):
            table.add_column(
                column,
                overflow="fold" if i == len(columns) - 1 else "ellipsis",
                no_wrap=i != len(columns) - 1,
            )
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        self.console.print(table)

    def lines(self, lines: Sequence[tuple[str, str]]) -> None:
        """Print (style, text) lines; the style is dropped when piped."""
        if not self.tty:
            for _, text in lines:
                sys.stdout.write(text + "\n")
            return
        from rich.text import Text

        for style, text in lines:
            self.console.print(Text(text, style=style))


def note(message: str) -> None:
    """A human note on stderr (counts, 'no items match'): never mixed into data on stdout."""
    sys.stderr.write(message + "\n")


ITEM_COLUMNS = ("id", "", "published", "publisher", "tickers", "title")
TERMINAL_LIMIT = 50  # rows a command shows on a terminal unless --limit says otherwise


def item_rows(store, rows: Sequence[int]) -> list[list[str]]:
    """Table rows straight from the index: no corpus segment is loaded."""
    index = store.index
    bookmarks, read = store.state.bookmarks, store.state.read
    out = []
    for row in rows:
        item_id = index.ids[row]
        marks = ("★" if item_id in bookmarks else "") + ("" if item_id in read else "●")
        out.append([
            item_id, marks, short_date(index.published[row]), index.publisher[row],
            " ".join(index.tickers[row]), index.title[row],
        ])  # fmt: skip
    return out


def effective_limit(args) -> int | None:
    """--limit N (0: all); by default everything when piped or JSON, a screenful on a terminal."""
    if args.limit is not None:
        return args.limit if args.limit > 0 else None
    return TERMINAL_LIMIT if sys.stdout.isatty() and not args.json else None


def print_items(
    out: Output,
    store,
    rows: Sequence[int],
    as_json: bool,
    title: str = "",
    total: int | None = None,
) -> None:
    """Items as JSON (full records) or as a table (from the index)."""
    if as_json:
        index = store.index
        print_json([public_item(r) for r in store.get_many([index.ids[i] for i in rows])])
        return
    out.table(ITEM_COLUMNS, item_rows(store, rows), title=title)
    if total is not None and total > len(rows):
        note(f"showing {len(rows)} of {total}; --limit N for more, --limit 0 for all")


# ---------------------------------------------------------------- store access


def open_store(args, *, seed: bool = True):
    """The store `--db`/`NEWSDESK_DB` names; a new, empty one first gets the bundled seeds,
    so a fresh install answers lookups as the reader would show them."""
    from store.storage.db import Store

    store = Store(Path(args.db) if args.db else default_store_path())
    if seed and not len(store.index):
        from store.ingest import ensure_seeded  # the parsers: only needed for a new store

        for result in ensure_seeded(store) or ():
            if not result.ok:
                note(f"newsdesk: {result.path}: {result.error}")
    return store


def open_directory(store):
    from store.entities.companies import CompanyDirectory

    return CompanyDirectory.for_store(store)


def records_for_rows(store, rows: Sequence[int]) -> list[dict]:
    index = store.index
    return store.get_many([index.ids[r] for r in rows])


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


def cmd_ingest(args, out: Output) -> int:
    from store.ingest import ingest_paths
    from store.parsers.registry import LAYOUTS

    labels = {layout.name: layout.label for layout in LAYOUTS}
    store = open_store(args, seed=False)
    results = ingest_paths(store, args.paths)
    refused = 0
    for r in results:
        if r.ok:
            label = labels.get(r.layout or "", r.layout)
            print(f"{r.path}: {label}, {r.new} new, {r.known} already known", flush=True)
        else:
            refused += 1
            note(f"{r.path}: refused: {r.error}")
    if not results:
        note("newsdesk: no files found in the paths given")
        return 1
    if refused:
        note(f"newsdesk: {refused} of {len(results)} files refused; the others were stored")
        return 1
    return 0


def _rows_for_publisher(index, publisher: str) -> list[int]:
    wanted = publisher.casefold()
    rows: set[int] = set()
    for name, name_rows in index.rows_by_publisher.items():
        if wanted in name.casefold():
            rows.update(name_rows)
    return sorted(rows)


def cmd_list(args, out: Output) -> int:
    from store.search import match_companies

    store = open_store(args)
    index = store.index
    rows: list[int] = list(range(len(index)))
    described = []
    if args.publisher:
        allowed = set(_rows_for_publisher(index, args.publisher))
        rows = [r for r in rows if r in allowed]
        described.append(f"publisher “{args.publisher}”")
    if args.company:
        directory = open_directory(store)
        companies = match_companies(directory, args.company, limit=1)
        if not companies:
            raise CliError(f"no company matches {args.company!r} (see `newsdesk companies`)")
        company = companies[0]
        allowed = set(index.rows_by_company.get(company.key, ()))
        for ticker in company.listings:
            allowed.update(index.rows_by_ticker.get(ticker, ()))
        rows = [r for r in rows if r in allowed]
        described.append(company.name)
    if args.bookmarked:
        marks = store.state.bookmarks
        rows = [r for r in rows if index.ids[r] in marks]
        described.append("bookmarked")
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
    if limit is None or len(rows) < limit:
        # Bodies only when companies and titles leave room: it reads the whole corpus.
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
    ]
    lines += [("dim", f"{k}: {v}") for k, v in meta if v]
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
    index = store.index
    marks = store.state.bookmarks
    rows = [r for r in range(len(index)) if index.ids[r] in marks]
    print_items(out, store, rows, args.json, title=f"{len(rows)} bookmarks")
    if not args.json and not rows:
        note("no bookmarks yet (bookmark with `newsdesk bookmark ID` or `b` in the reader)")
    return 0


def company_counts(store, directory) -> list[tuple[object, int]]:
    index = store.index
    counted = []
    for key, rows in index.rows_by_company.items():
        company = directory.by_key(key)
        if company is not None:
            counted.append((company, len(rows)))
    counted.sort(key=lambda pair: (-pair[1], pair[0].name.casefold()))
    return counted


def cmd_companies(args, out: Output) -> int:
    store = open_store(args)
    counted = company_counts(store, open_directory(store))
    if args.json:
        print_json([
            {"name": c.name, "chinese_name": c.chinese_name, "tickers": list(c.listings),
             "items": n}
            for c, n in counted
        ])  # fmt: skip
        return 0
    rows = [[c.name, c.chinese_name or "", " ".join(c.listings), str(n)] for c, n in counted]
    out.table(("company", "chinese", "tickers", "items"), rows, title=f"{len(rows)} companies")
    return 0


def cmd_sources(args, out: Output) -> int:
    store = open_store(args)
    index = store.index
    sources = []
    for publisher in sorted(index.rows_by_publisher, key=str.casefold):
        docs: dict[str, int] = {}
        for row in index.rows_by_publisher[publisher]:
            for doc in index.documents[row]:
                docs[doc] = docs.get(doc, 0) + 1
        for doc, n in sorted(docs.items()):
            sources.append({"publisher": publisher, "document": doc, "items": n})
    if args.json:
        print_json(sources)
        return 0
    rows = [[s["publisher"], s["document"], str(s["items"])] for s in sources]
    out.table(("publisher", "document", "items"), rows, title=f"{len(index)} items")
    return 0


def company_card(store, directory, company, *, with_records: bool = True) -> dict:
    """The company view as data: names, listings, sector, items, companies seen with it.

    `items` holds full records, or index rows when `with_records` is false.
    """
    index = store.index
    rows = set(index.rows_by_company.get(company.key, ()))
    for ticker in company.listings:
        rows.update(index.rows_by_ticker.get(ticker, ()))
    ordered = sorted(rows)
    related: dict[str, int] = {}
    for row in ordered:
        for key in index.companies[row]:
            if key != company.key:
                related[key] = related.get(key, 0) + 1
    related_companies = []
    for key, n in sorted(related.items(), key=lambda kv: (-kv[1], kv[0]))[:10]:
        other = directory.by_key(key)
        if other is not None:
            related_companies.append(
                {"name": other.name, "tickers": list(other.listings), "items": n}
            )
    aliases = [a for a in (company.short_name, *company.aliases) if a and a != company.name]
    return {
        "name": company.name,
        "aliases": list(dict.fromkeys(aliases)),
        "chinese_name": company.chinese_name,
        "listings": list(company.listings),
        "sector": company.sector,
        "items": (
            [public_item(r) for r in records_for_rows(store, ordered)] if with_records else ordered
        ),
        "related_companies": related_companies,
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
    out.table(ITEM_COLUMNS, item_rows(store, rows), title=f"{len(rows)} items")
    return 0


def cmd_restore(args, out: Output) -> int:
    store_path = Path(args.db) if args.db else default_store_path()
    from store.storage.db import Store

    restored = Store(store_path).restore_backups()
    if not restored:
        note(f"newsdesk: nothing to restore in {store_path}")
        return 0
    for path in restored:
        print(f"restored {path} from its last good copy")
    return 0


# ---------------------------------------------------------------- argument parsing


def build_parser() -> argparse.ArgumentParser:
    db_parent = argparse.ArgumentParser(add_help=False)
    db_parent.add_argument(
        "--db", metavar="PATH", default=argparse.SUPPRESS,
        help="store folder (default: $NEWSDESK_DB or the user data directory)",
    )  # fmt: skip
    json_parent = argparse.ArgumentParser(add_help=False)
    json_parent.add_argument("--json", action="store_true", help="print JSON")

    parser = argparse.ArgumentParser(
        prog="newsdesk", parents=[db_parent],
        description="A terminal news reader for China tech and market news. "
        "With no command, opens the reader.",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Callable, help: str, json: bool = False) -> argparse.ArgumentParser:
        parents = [db_parent, json_parent] if json else [db_parent]
        p = sub.add_parser(name, parents=parents, help=help, description=help)
        p.set_defaults(func=func)
        return p

    add("read", cmd_read, "open the reader (the default)")
    p = add("ingest", cmd_ingest, "parse documents (files or folders) into the store")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p = add("list", cmd_list, "list items, newest first", json=True)
    p.add_argument("--publisher", metavar="P", help="only items from this publisher")
    p.add_argument("--company", metavar="Q", help="only items about this company or ticker")
    p.add_argument("--bookmarked", action="store_true", help="only bookmarked items")
    p.add_argument("--limit", type=int, metavar="N", help="at most N items")
    p = add("search", cmd_search, "find items by company, ticker, title or body", json=True)
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--limit", type=int, metavar="N", help="at most N items")
    p = add("show", cmd_show, "show one item", json=True)
    p.add_argument("id", metavar="ID")
    p = add("bookmark", cmd_bookmark, "bookmark an item")
    p.add_argument("id", metavar="ID")
    p = add("unbookmark", cmd_unbookmark, "remove a bookmark")
    p.add_argument("id", metavar="ID")
    add("bookmarks", cmd_bookmarks, "list bookmarked items", json=True)
    add("companies", cmd_companies, "companies in the store with their item counts", json=True)
    add("sources", cmd_sources, "publishers and documents with their item counts", json=True)
    p = add("company", cmd_company, "a company's card: names, listings, items", json=True)
    p.add_argument("query", metavar="QUERY")
    add("restore", cmd_restore, "put back the last good copy of corrupt store files")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    func = getattr(args, "func", cmd_read)
    if func is not cmd_read:
        # A one-shot command lives for a moment and makes few cycles: collecting them while
        # it loads the corpus only costs time.
        gc.disable()
    out = Output()
    from store.storage.db import StoreError

    try:
        return func(args, out)
    except (CliError, StoreError) as exc:
        note(f"newsdesk: {exc}")
        return 1
    except OSError as exc:
        note(f"newsdesk: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
        return 1
    except KeyboardInterrupt:
        return 130


def entry() -> None:
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader of our output went away (`newsdesk list | head`): exit quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    sys.exit(code)


if __name__ == "__main__":
    entry()
