"""`newsdesk`'s argument parser and entry point: the reader with no command, one-shots otherwise."""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from tui.cli import commands, desk, intake
from tui.cli.output import TERMINAL_LIMIT, Output, note, silence_stdout

EPILOG = f"""\
environment:
  NEWSDESK_DB      the store folder (like --db)
  NEWSDESK_CONFIG  the reader's config file (keymap), default ~/.config/newsdesk/config.toml
  NO_COLOR         no colours

output: a table on a terminal ({TERMINAL_LIMIT} rows unless --limit), tab-separated lines when
piped, one JSON array with --json (an object for `show` and `company`).
exit status: 0 ok, 1 an error (one line on stderr), 2 usage.

examples:
  newsdesk search 0700          items about Tencent (any ticker spelling, name, 中文, pinyin)
  newsdesk list --company byd --limit 5
  newsdesk ingest ~/Downloads/briefs/    text files, saved pages (.html) and PDFs
  newsdesk feeds add https://technode.com/feed/ --tag ev
  newsdesk fetch                fetch every feed (one line each)
"""

PATH_HELP = "files or folders (folders are read recursively; hidden files are skipped)"
QUERY_HELP = (
    "company name, Chinese name, pinyin, any ticker spelling (700, 0700.HK, HK:0700) or title words"
)
ID_HELP = "an item id or a unique prefix of one (see `newsdesk list`)"


def limit_value(text: str) -> int:
    """--limit: a whole number, 0 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (all) or more, not {value}")
    return value


def package_version() -> str:
    """The version pyproject builds from (not importlib.metadata: importing it costs ~90 ms)."""
    from tui import __version__

    return __version__


class VersionAction(argparse.Action):
    """--version: the installed version, looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        print(f"newsdesk {package_version()}")  # on standard output, as argparse's own does
        parser.exit()


def has_terminal() -> bool:
    """Whether the reader can run here: standard input and output are both a terminal."""
    return sys.stdout.isatty() and sys.stdin.isatty()


class _NotBuilt:
    """The parser of a command this run does not build: what is added to it goes nowhere."""

    def __getattr__(self, name: str) -> Callable[..., _NotBuilt]:
        return lambda *args, **kwargs: self


def command_named(argv: Sequence[str]) -> str | None:
    """The command an argument list names (its first word that is not an option or the
    value of --db); "read" when there is none (the reader starts without building the
    others); None when help is asked for (every command is then built); "--version" for the
    version (no command is built: argparse answers it first)."""
    after_db = False
    for arg in argv:
        if after_db:
            after_db = False
        elif arg == "--db":
            after_db = True
        elif arg == "--version":
            return arg
        elif arg in ("-h", "--help"):
            return None
        elif not arg.startswith("-"):
            return arg
    return "read"


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `command`, one that knows that command alone (a one-shot
    command then builds one subparser, not forty, and imports nothing the others need)."""
    db_parent = argparse.ArgumentParser(add_help=False)
    db_parent.add_argument(
        "--db", metavar="PATH", default=argparse.SUPPRESS,
        help="store folder (default: $NEWSDESK_DB or the user data directory)",
    )  # fmt: skip
    json_parent = argparse.ArgumentParser(add_help=False)
    json_parent.add_argument("--json", action="store_true", help="print JSON")
    limit_parent = argparse.ArgumentParser(add_help=False)
    limit_parent.add_argument(
        "--limit", type=limit_value, metavar="N",
        help=f"at most N items; 0 for all (default: {TERMINAL_LIMIT} on a terminal, "
        "all when piped or with --json)",
    )  # fmt: skip
    limit_parent.add_argument(
        "--wide", action="store_true", help="on a terminal, fold long titles instead of cutting"
    )

    parser = argparse.ArgumentParser(
        prog="newsdesk", parents=[db_parent],
        description="A terminal news reader for China tech and market news. "
        "With no command, opens the reader (it needs a terminal).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--version", action=VersionAction, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    built: set[str] = set()

    def wanted(name: str) -> bool:
        return command is None or name == command

    def add(
        name: str, func: Callable[..., int], help: str, *, json: bool = False, limit: bool = False
    ) -> argparse.ArgumentParser:
        if not wanted(name):
            return _NotBuilt()  # type: ignore[return-value]  # a sink for its arguments
        parents = [db_parent] + ([json_parent] if json else []) + ([limit_parent] if limit else [])
        p = sub.add_parser(name, parents=parents, help=help, description=help)
        p.set_defaults(func=func)
        built.add(name)
        return p

    add("read", commands.cmd_read, "open the reader (the default; needs a terminal)")
    p = add("ingest", commands.cmd_ingest, "parse documents (files or folders) into the store")
    p.add_argument("paths", nargs="+", metavar="PATH", help=PATH_HELP)
    p = add("list", commands.cmd_list, "list items, newest first", json=True, limit=True)
    p.add_argument("--publisher", metavar="P", help="only items whose publisher contains P")
    p.add_argument("--company", metavar="Q", help="only items about this company or ticker")
    p.add_argument("--bookmarked", action="store_true", help="only bookmarked items")
    desk.add_desk_filters(p)
    p = add(
        "search", commands.cmd_search,
        "find items by company, ticker, title or body (companies and tickers first)",
        json=True, limit=True,
    )  # fmt: skip
    p.add_argument("query", metavar="QUERY", help=QUERY_HELP)
    p.add_argument(
        "--bodies", action="store_true",
        help="also look for the words in item bodies when the query names a company or "
        "ticker (its items are found by the index; other queries always search bodies)",
    )  # fmt: skip
    p = add("show", commands.cmd_show, "show one item", json=True)
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p = add("bookmark", commands.cmd_bookmark, "bookmark an item")
    p.add_argument("id", metavar="ID", help=ID_HELP)
    p = add("unbookmark", commands.cmd_unbookmark, "remove a bookmark")
    p.add_argument("id", metavar="ID", help=ID_HELP)
    add("bookmarks", commands.cmd_bookmarks, "list bookmarked items", json=True, limit=True)
    add(
        "companies", commands.cmd_companies, "companies in the store with their item counts",
        json=True,
    )  # fmt: skip
    add(
        "sources", commands.cmd_sources, "publishers and documents with their item counts",
        json=True,
    )  # fmt: skip
    p = add(
        "company", commands.cmd_company, "a company's card: names, listings, items, peers",
        json=True, limit=True,
    )  # fmt: skip
    p.add_argument("query", metavar="QUERY", help=QUERY_HELP)
    add_intake(sub, add, wanted)
    add(
        "restore", commands.cmd_restore,
        "put back the last good copy of damaged store files (when a command says so)",
    )  # fmt: skip
    desk.register(add, db_parent, json_parent, wanted)
    add("reindex", commands.cmd_reindex, "rebuild the item index from the corpus files")
    if command is not None and command not in built:
        return build_parser()  # not a command: the whole parser says so, with the choices
    return parser


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value > 3600:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 3600, not {text}")
    return value


def job_count(text: str) -> int:
    value = limit_value(text)
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError(f"must be from 1 to 64, not {value}")
    return value


def add_intake(
    sub, add: Callable[..., argparse.ArgumentParser], wanted: Callable[[str], bool]
) -> None:
    """`feeds …`, `fetch` and `watch`."""
    from store.paths import inbox_path

    feeds = add(
        "feeds", intake.cmd_feeds_list, "the feeds you follow: add, list, remove, import, export"
    )
    actions = feeds.add_subparsers(dest="feeds_command", metavar="ACTION")

    def action(name: str, func: Callable[..., int], help: str, json: bool = False):
        p = actions.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        if json:
            p.add_argument("--json", action="store_true", help="print JSON")
        p.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="store folder")
        return p

    p = action("add", intake.cmd_feeds_add, "follow a feed (RSS, Atom or JSON Feed)")
    p.add_argument("url", metavar="URL", help="the feed's address (http or https)")
    p.add_argument("--name", metavar="N", help="a short name (default: from the address)")
    p.add_argument("--tag", metavar="T", action="append", help="a tag (repeatable)")
    p.add_argument(
        "--full", action="store_true",
        help="fetch each new entry's page and keep its main text (for feeds that truncate)",
    )  # fmt: skip
    action("list", intake.cmd_feeds_list, "name, URL, items, last fetch and last status", json=True)
    p = action("remove", intake.cmd_feeds_remove, "stop following a feed (its items stay)")
    p.add_argument("name", metavar="NAME")
    p = action("import", intake.cmd_feeds_import, "follow the feeds of an OPML file")
    p.add_argument("file", metavar="FILE.opml")
    action("export", intake.cmd_feeds_export, "print the feeds as OPML 2.0 (tags kept)")
    feeds.add_argument("--json", action="store_true", help=argparse.SUPPRESS)

    p = add(
        "fetch", intake.cmd_fetch,
        "fetch feeds (all, or those named) into the store; one line per feed",
    )  # fmt: skip
    p.add_argument("names", nargs="*", metavar="NAME", help="feeds to fetch (default: all)")
    p.add_argument(
        "--full", action="store_true",
        help="also fetch each new entry's page and keep its main text",
    )  # fmt: skip
    p.add_argument(
        "--timeout", type=positive_seconds, default=15.0, metavar="S",
        help="give up on a feed after S seconds (default: 15)",
    )  # fmt: skip
    p.add_argument(
        "--jobs", type=job_count, default=8, metavar="N",
        help="feeds fetched at once (default: 8)",
    )  # fmt: skip
    inbox = inbox_path() if wanted("watch") else None  # the user directories: only for watch
    p = add(
        "watch", intake.cmd_watch,
        f"ingest files dropped into a folder as they land (default: {inbox})",
    )  # fmt: skip
    p.add_argument("dir", nargs="?", metavar="DIR", help=f"the folder to watch (default: {inbox})")
    p.add_argument(
        "--settle", type=positive_seconds, default=1.0, metavar="S",
        help="read a file once it has not changed for S seconds (default: 1)",
    )  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(command_named(argv))
    args = parser.parse_args(argv)
    if not hasattr(args, "db"):
        args.db = None
    for name, default in (("json", False), ("limit", None), ("wide", False)):
        if not hasattr(args, name):
            setattr(args, name, default)
    for name in ("query", "id", "publisher", "company"):
        value = getattr(args, name, None)
        if isinstance(value, str):  # bytes that were not UTF-8 (surrogates) become U+FFFD
            setattr(args, name, os.fsencode(value).decode("utf-8", "replace"))
    func: Callable[[Any, Output], int] = getattr(args, "func", commands.cmd_read)
    if func is commands.cmd_read and not has_terminal():
        note(
            "newsdesk: the reader needs a terminal (standard input and output are not both one); "
            "for scripts use a command such as `newsdesk list` (see `newsdesk --help`)"
        )
        return 2
    if func is not commands.cmd_read:
        # A one-shot command lives for a moment and makes few cycles: collecting them while
        # it loads the corpus only costs time.
        gc.disable()
    out = Output(wide=args.wide)
    from store.storage import files
    from store.storage.errors import StoreError

    files.on_lock_wait = lambda message: note(f"newsdesk: {message}")

    try:
        return func(args, out)
    except BrokenPipeError:
        raise  # entry() ends quietly: the reader of our output went away
    except (commands.CliError, StoreError) as exc:
        note(f"newsdesk: {exc}")
        return 1
    except OSError as exc:
        note(f"newsdesk: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
        return 1
    except KeyboardInterrupt:
        return 130


def entry() -> None:
    for stream in (sys.stdout, sys.stderr):
        # An output encoding that cannot show a character (PYTHONIOENCODING=latin-1, an
        # ISO-8859 locale over ssh) shows "?" for it instead of a UnicodeEncodeError.
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError):
                stream.reconfigure(errors="replace")
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()  # the reader of our output went away: exit quietly
        code = 0
    sys.exit(code)
