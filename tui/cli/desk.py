"""The analyst's desk from the shell: watchlist, saved searches, `new`, tags, notes, export.

newsdesk watchlist add 0700 BABA 比亚迪 "zhongxin guoji"
newsdesk new --watchlist            # for cron and SSH: what arrived since the last `new`
newsdesk tag 3f2a ai chips ; newsdesk note 3f2a "call IR"
newsdesk export --watchlist --format obsidian -o ~/vault/newsdesk
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from store import views
from tui.cli.commands import CliError, open_directory, open_store, records_for_rows, resolve_item
from tui.cli.output import Output, note, print_items, print_json

SCOPE_ALL = "all"
SCOPE_WATCHLIST = "watchlist"


def open_desk(store):
    from store.storage.desk import Desk

    return Desk(store.root, store.user)


def desk_errors():
    from store.storage.desk import DeskValueError

    return DeskValueError


# ---------------------------------------------------------------- shared selections


def watched(desk, directory) -> list:
    """The watchlist's companies, in order (entries the directory no longer knows skipped)."""
    companies = []
    for key in desk.watchlist:
        company = directory.by_key(key)
        if company is not None:
            companies.append(company)
    return companies


def saved_or_fail(desk, name: str) -> tuple[str, str]:
    found = desk.saved_query(name)
    if found is None:
        names = ", ".join(desk.saved) or "none yet (save one with Ctrl+S in the reader)"
        raise CliError(f"no saved search named {name!r}; saved searches: {names}")
    return found


def query_rows(store, desk, directory, text: str, rows=None) -> list[int]:
    from store.query import evaluate, parse

    query = parse(text)
    if query.errors:
        raise CliError(f"query {text!r}: {'; '.join(query.errors)}")
    result = evaluate(query, store.index, directory, store.state, desk.tags, desk.notes, rows=rows)
    return result.rows


def desk_filter(args, store, rows: list[int]) -> tuple[list[int], list[str]]:
    """`--saved NAME`, `--watchlist`, `--tag T` of `list` and `export`: the rows kept and
    words describing the filters."""
    described: list[str] = []
    if not (getattr(args, "saved", None) or getattr(args, "watchlist", False)) and not getattr(
        args, "tag", None
    ):
        return rows, described
    desk = open_desk(store)
    index = store.index
    directory = None
    if getattr(args, "watchlist", False):
        directory = open_directory(store)
        companies = watched(desk, directory)
        if not companies:
            raise CliError("the watchlist is empty (add with `newsdesk watchlist add NAME`)")
        allowed = set(views.watchlist_rows(index, companies))
        rows = [r for r in rows if r in allowed]
        described.append("watchlist")
    if getattr(args, "tag", None):
        from store.storage.desk import clean_tag

        try:
            tag = clean_tag(args.tag)
        except desk_errors() as exc:
            raise CliError(str(exc)) from None
        allowed = set(views.tagged_rows(index, desk.tags, tag))
        rows = [r for r in rows if r in allowed]
        described.append(f"#{tag}")
    if getattr(args, "saved", None):
        name, text = saved_or_fail(desk, args.saved)
        directory = directory or open_directory(store)
        rows = query_rows(store, desk, directory, text, rows)
        described.append(f"saved “{name}”")
    return rows, described


def add_desk_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--saved", metavar="NAME", help="only items a saved search finds")
    p.add_argument("--watchlist", action="store_true", help="only items about watched companies")
    p.add_argument("--tag", metavar="T", help="only items you tagged T")


# ---------------------------------------------------------------- watchlist


def _listing(company) -> str:
    return " ".join(company.listings) or "unlisted"


def cmd_watchlist(args, out: Output) -> int:
    store = open_store(args)
    desk = open_desk(store)
    directory = open_directory(store)
    entries = views.watched_companies(store.index, store.state, watched(desk, directory))
    if args.json:
        print_json([
            {"key": w.company.key, "name": w.company.name, "tickers": list(w.company.listings),
             "items": len(w.rows), "unread": w.unread}
            for w in entries
        ])  # fmt: skip
        return 0
    if not entries:
        note("the watchlist is empty (add with `newsdesk watchlist add 0700 BABA 比亚迪`)")
        return 0
    rows = [
        [w.company.name, w.company.chinese_name or "", _listing(w.company), str(len(w.rows)),
         str(w.unread)]
        for w in entries
    ]  # fmt: skip
    out.table(
        ("company", "chinese", "tickers", "items", "unread"), rows,
        title=f"watching {len(rows)} companies", flex=0, caps=(None, 16, 24, None, None),
    )  # fmt: skip
    return 0


def _refusal(query: str, candidates: list) -> str:
    if not candidates:
        return f"{query!r}: no company matches (see `newsdesk companies`)"
    names = ", ".join(f"{c.name} ({_listing(c)})" for c in candidates[:5])
    if len(candidates) > 1:
        return f"{query!r} is ambiguous: {names}; say which (a ticker works)"
    return f"{query!r}: no company matches; closest: {names}"


def cmd_watchlist_add(args, out: Output) -> int:
    from store.search import resolve_company

    store = open_store(args)
    desk = open_desk(store)
    directory = open_directory(store)
    refused = 0
    for query in args.names:
        company, candidates = resolve_company(directory, query)
        if company is None:
            note(f"newsdesk: not added: {_refusal(query, candidates)}")
            refused += 1
            continue
        added = desk.watch(company.key, company.name)
        verb = "watching" if added else "already watching"
        print(f"{verb} {company.name} ({_listing(company)})")
    return 1 if refused else 0


def cmd_watchlist_remove(args, out: Output) -> int:
    from store.search import resolve_company

    store = open_store(args)
    desk = open_desk(store)
    directory = open_directory(store)
    missing = 0
    for query in args.names:
        key = next(
            (k for k, name in desk.watchlist.items() if query.casefold() in (k, name.casefold())),
            None,
        )
        if key is None:
            company, _ = resolve_company(directory, query)
            key = company.key if company is not None else None
        if key is None or not desk.unwatch(key):
            note(f"newsdesk: {query!r} is not on the watchlist")
            missing += 1
            continue
        company = directory.by_key(key)
        print(f"stopped watching {company.name if company else key}")
    return 1 if missing else 0


# ---------------------------------------------------------------- saved searches


def cmd_saved(args, out: Output) -> int:
    store = open_store(args)
    desk = open_desk(store)
    directory = open_directory(store) if desk.saved else None
    listed = []
    for name, text in desk.saved.items():
        try:
            count: int | None = len(query_rows(store, desk, directory, text))
        except CliError:
            count = None
        listed.append((name, text, count))
    if args.json:
        print_json([{"name": n, "query": q, "items": c} for n, q, c in listed])
        return 0
    if not listed:
        note("no saved searches (Ctrl+S in the reader's filter, or `newsdesk saved add NAME Q`)")
        return 0
    rows = [[n, q, "?" if c is None else str(c)] for n, q, c in listed]
    out.table(("name", "query", "items"), rows, title=f"{len(rows)} saved searches", flex=1)
    return 0


def cmd_saved_add(args, out: Output) -> int:
    from store.query import parse

    store = open_store(args)
    desk = open_desk(store)
    text = " ".join(args.query)
    errors = parse(text).errors
    if errors:
        raise CliError(f"query {text!r}: {'; '.join(errors)}")
    try:
        name = desk.save_search(args.name, text)
    except desk_errors() as exc:
        raise CliError(str(exc)) from None
    count = len(query_rows(store, desk, open_directory(store), text))
    print(f"saved “{name}”: {desk.saved[name]}  ({count} items)")
    return 0


def cmd_saved_remove(args, out: Output) -> int:
    store = open_store(args)
    desk = open_desk(store)
    removed = desk.remove_search(args.name)
    if removed is None:
        raise CliError(f"no saved search named {args.name!r}")
    desk.forget_scope(f"saved:{removed.casefold()}")
    print(f"removed saved search “{removed}”")
    return 0


# ---------------------------------------------------------------- new


def cmd_new(args, out: Output) -> int:
    store = open_store(args)
    desk = open_desk(store)
    index = store.index
    scope, allowed, label = SCOPE_ALL, None, "new"
    if args.watchlist:
        directory = open_directory(store)
        companies = watched(desk, directory)
        if not companies:
            raise CliError("the watchlist is empty (add with `newsdesk watchlist add NAME`)")
        scope, label = SCOPE_WATCHLIST, "new · watchlist"
        allowed = set(views.watchlist_rows(index, companies))
    elif args.saved:
        name, text = saved_or_fail(desk, args.saved)
        scope, label = f"saved:{name.casefold()}", f"new · saved “{name}”"
        allowed = set(query_rows(store, desk, open_directory(store), text))
    ids = desk.take_new(scope, index.ids, peek=args.peek)
    rows = sorted(r for r in map(index.row_of, ids) if r is not None)
    if allowed is not None:
        rows = [r for r in rows if r in allowed]
    if not rows:
        if args.json:
            print_json([])
        elif out.tty:
            note("nothing new")
        return 0
    print_items(out, store, rows, args.json, title=f"{len(rows)} {label}")
    return 0


# ---------------------------------------------------------------- tags and notes


def _title(store, item_id: str) -> str:
    row = store.index.row_of(item_id)
    return store.index.title[row] if row is not None else ""


def cmd_tag(args, out: Output) -> int:
    store = open_store(args)
    item_id = resolve_item(store, args.id)
    try:
        tags = open_desk(store).add_tags(item_id, args.tags)
    except desk_errors() as exc:
        raise CliError(str(exc)) from None
    print(f"{item_id}  {' '.join('#' + t for t in tags)}  {_title(store, item_id)}")
    return 0


def cmd_untag(args, out: Output) -> int:
    store = open_store(args)
    item_id = resolve_item(store, args.id)
    try:
        tags = open_desk(store).remove_tags(item_id, args.tags or None)
    except desk_errors() as exc:
        raise CliError(str(exc)) from None
    shown = " ".join("#" + t for t in tags) or "(no tags)"
    print(f"{item_id}  {shown}  {_title(store, item_id)}")
    return 0


def cmd_note(args, out: Output) -> int:
    store = open_store(args)
    item_id = resolve_item(store, args.id)
    desk = open_desk(store)
    if args.delete:
        if args.text:
            raise CliError("--delete takes no text")
        desk.set_note(item_id, "")
        print(f"{item_id}  note removed")
        return 0
    if not args.text:
        text = desk.note_of(item_id)
        if text:
            sys.stdout.write(text + "\n")
        else:
            note(f"no note on {item_id} (write one: newsdesk note {item_id} TEXT)")
        return 0
    text = sys.stdin.read() if args.text == ["-"] else " ".join(args.text)
    try:
        stored = desk.set_note(item_id, text)
    except desk_errors() as exc:
        raise CliError(str(exc)) from None
    lines = stored.count("\n") + 1 if stored else 0
    print(
        f"{item_id}  note: {lines} line{'' if lines == 1 else 's'}"
        if stored
        else f"{item_id}  note removed"
    )
    return 0


def cmd_tags(args, out: Output) -> int:
    store = open_store(args)
    counts = open_desk(store).tag_counts()
    if args.json:
        print_json([{"tag": t, "items": n} for t, n in counts])
        return 0
    if not counts:
        note("no tags yet (tag with `newsdesk tag ID TAG…` or `t` in the reader)")
        return 0
    out.table(("tag", "items"), [["#" + t, str(n)] for t, n in counts], flex=0)
    return 0


def desk_lines(store, item_id: str) -> list[tuple[str, str]]:
    """`show`'s lines for the user's tags and note (none when there are neither)."""
    desk = open_desk(store)
    lines = []
    tags = desk.tags_of(item_id)
    if tags:
        lines.append(("dim", "tags: " + " ".join("#" + t for t in tags)))
    text = desk.note_of(item_id)
    if text:
        lines.append(("dim", "note:"))
        lines.extend(("italic", "  " + line) for line in text.split("\n"))
    return lines


# ---------------------------------------------------------------- export


def cmd_export(args, out: Output) -> int:
    from store import export
    from store.search import match_companies

    store = open_store(args)
    index = store.index
    rows = list(range(len(index)))
    described: list[str] = []
    prefer: list[str] = []
    if args.bookmarked:
        marks = store.state.bookmarks
        rows = [r for r in rows if index.ids[r] in marks]
        described.append("bookmarked")
    if args.company:
        companies = match_companies(open_directory(store), args.company, limit=1)
        if not companies:
            raise CliError(f"no company matches {args.company!r} (see `newsdesk companies`)")
        allowed = set(views.rows_about(index, companies[0]))
        rows = [r for r in rows if r in allowed]
        described.append(companies[0].name)
        prefer.append(companies[0].name)
    rows, more = desk_filter(args, store, rows)
    described += more
    desk = open_desk(store)
    if args.group == "company" and args.format == "md":
        directory = open_directory(store)
        prefer += [c.name for c in watched(desk, directory)]
    records = records_for_rows(store, rows)  # with their links
    what = f"{len(records)} item{'' if len(records) == 1 else 's'}" + (
        f" ({', '.join(described)})" if described else ""
    )
    if args.format == "obsidian":
        if not args.output:
            raise CliError("--format obsidian writes a folder: give it with -o PATH")
        result = export.to_obsidian(records, desk.tags, desk.notes, Path(args.output))
        note(
            f"exported {what} to {result.folder}: {len(result.written)} new, "
            f"{len(result.updated)} updated, {len(result.unchanged)} unchanged"
        )
        return 0
    title = "newsdesk: " + (", ".join(described) or "all items")
    options = {"group": args.group, "title": title, "prefer": prefer} if args.format == "md" else {}
    data = export.export_text(args.format, records, desk.tags, desk.notes, **options)
    if not args.output or args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    target = Path(args.output).expanduser()
    if target.is_dir():
        raise CliError(f"{target} is a folder; give a file name (or use --format obsidian)")
    export.write_export(target, data)
    note(f"exported {what} to {target}")
    return 0


# ---------------------------------------------------------------- the parser


def register(
    add: Callable[..., argparse.ArgumentParser],
    db_parent,
    json_parent,
    wanted: Callable[[str], bool] = lambda name: True,
) -> None:
    """Add the desk's commands with the parser's `add(name, func, help, json=...)`
    (`wanted(name)`: whether the parser builds that command)."""
    from tui.cli.parser import ID_HELP

    p = add("watchlist", cmd_watchlist, "watched companies with item and unread counts", json=True)
    actions = p.add_subparsers(dest="watch_action", metavar="ACTION")
    wp = actions.add_parser(
        "list", parents=[db_parent, json_parent], help="the watchlist (the default)"
    )
    wp.set_defaults(func=cmd_watchlist)
    wp = actions.add_parser(
        "add", parents=[db_parent], help="watch companies: tickers in any spelling or names",
        description="Each name is resolved through the company directory to one company with "
        "all its listings (9988 watches Alibaba on both markets); an ambiguous or unknown "
        "name is refused with the closest matches.",
    )  # fmt: skip
    wp.add_argument("names", nargs="+", metavar="NAME", help="0700, BABA, 比亚迪, 'zhongxin guoji'")
    wp.set_defaults(func=cmd_watchlist_add)
    wp = actions.add_parser("remove", parents=[db_parent], help="stop watching companies")
    wp.add_argument("names", nargs="+", metavar="NAME")
    wp.set_defaults(func=cmd_watchlist_remove)

    p = add("saved", cmd_saved, "saved searches with their item counts", json=True)
    actions = p.add_subparsers(dest="saved_action", metavar="ACTION")
    sp = actions.add_parser(
        "list", parents=[db_parent, json_parent], help="the saved searches (the default)"
    )
    sp.set_defaults(func=cmd_saved)
    sp = actions.add_parser("add", parents=[db_parent], help="save a query under a name")
    sp.add_argument("name", metavar="NAME")
    sp.add_argument("query", nargs="+", metavar="QUERY", help="words, #tag, is:unread, since:7d…")
    sp.set_defaults(func=cmd_saved_add)
    sp = actions.add_parser("remove", parents=[db_parent], help="remove a saved search")
    sp.add_argument("name", metavar="NAME")
    sp.set_defaults(func=cmd_saved_remove)

    p = add(
        "new", cmd_new,
        "items that arrived since your last `new` (per scope); nothing and exit 0 if none",
        json=True,
    )  # fmt: skip
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--watchlist", action="store_true", help="only watched companies' items")
    scope.add_argument("--saved", metavar="NAME", help="only what a saved search finds")
    p.add_argument("--peek", action="store_true", help="show them but leave the cursor")

    p = add("tag", cmd_tag, "tag an item (several tags at once)")
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p.add_argument("tags", nargs="+", metavar="TAG", help="one word each; a leading # is dropped")
    p = add("untag", cmd_untag, "remove tags from an item (all of them with none named)")
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p.add_argument("tags", nargs="*", metavar="TAG")
    p = add("note", cmd_note, "show, set or remove an item's note")
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p.add_argument(
        "text", nargs="*", metavar="TEXT",
        help="the note (replaces the old one); `-` reads it from standard input; none shows it",
    )  # fmt: skip
    p.add_argument("--delete", action="store_true", help="remove the note")
    add("tags", cmd_tags, "your tags with their item counts", json=True)

    if not wanted("export"):
        return
    from store.export import FORMATS, GROUPS

    p = add("export", cmd_export, "export items as Markdown, CSV, JSON or an Obsidian folder")
    p.add_argument("--format", required=True, choices=FORMATS, help="md, csv, json or obsidian")
    p.add_argument(
        "-o", "--output", metavar="PATH",
        help="file to write (default: standard output); the folder for obsidian",
    )  # fmt: skip
    p.add_argument("--bookmarked", action="store_true", help="only bookmarked items")
    p.add_argument("--company", metavar="Q", help="only items about this company or ticker")
    add_desk_filters(p)
    p.add_argument(
        "--group", choices=GROUPS, default="date", help="md: group by date (default) or company"
    )
