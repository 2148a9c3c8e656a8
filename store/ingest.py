"""From files on disk to records in the store: read, decode, detect, parse, link, add.

Each file succeeds or fails on its own; a refused file gets a one-line reason and the
files beside it are still stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path

from store.entities.companies import Company, CompanyDirectory
from store.model import ParsedDocument, ParsedItem
from store.parsers import UnknownLayoutError, parse_document
from store.paths import bundled_seeds_dir
from store.storage.dedupe import StoryKeys, story_keys
from store.storage.errors import os_reason
from store.text.patterns import compile_all
from store.text.sanitize import UndecodableError, clean_line, decode_document, path_text, sanitize

MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
# One commit per batch: fewer, larger batches rewrite the index delta and the last segments
# less often (at 100k items, 600 documents a batch cost the store 18% less CPU than 200),
# and the item bound keeps a batch of long documents in memory bounded.
BATCH_DOCUMENTS = 600
BATCH_ITEMS = 20_000
POOL_MIN_FILES = 16  # fewer files are parsed faster than a pool starts
# Files handed to the pool ahead of the store: enough that the workers keep parsing while a
# batch is written or the index compacted (seconds at 1M items), few enough that their items
# stay small beside the writer's (a 1M ingest: 256 files 230 s, 1024 files 220 s with 18 MB
# more at its peak RSS, 2048 files 216 s with 126 MB more).
IN_FLIGHT_FILES = 1024
WORKER_NICENESS = 10  # added to a parsing worker's niceness (lower priority than the writer)


# Files whose name says they are programs, data or settings: whatever they quote, they are
# not news documents (a test module can hold a whole brief in a string).
_PROGRAM_SUFFIXES = (
    ".py .pyi .pyx .ipynb .js .mjs .cjs .ts .tsx .jsx .go .rs .java .kt .scala .swift .c .h .cc"
    " .cpp .hpp .cs .rb .php .pl .lua .r .sh .bash .zsh .fish .ps1 .bat .sql .css .scss .vue"
)
_DATA_SUFFIXES = ".json .jsonl .ndjson .csv .tsv .xlsx .xls .parquet .svg"
_SETTINGS_SUFFIXES = ".yaml .yml .toml .ini .cfg .conf .lock"
NOT_DOCUMENT_SUFFIXES = {
    suffix: kind
    for kind, suffixes in (
        ("source code", _PROGRAM_SUFFIXES),
        ("data", _DATA_SUFFIXES),
        ("settings", _SETTINGS_SUFFIXES),
    )
    for suffix in suffixes.split()
}


class IngestError(Exception):
    """A file newsdesk will not store, with the reason in words."""


@dataclass(slots=True)
class FileResult:
    """What happened to one file."""

    path: Path
    layout: str | None = None
    new: int = 0
    known: int = 0
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # what was repaired or stripped, in words

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def shown(self) -> str:
        """The path as it may be printed: decoded, every control character escaped."""
        return path_text(self.path)


@dataclass(slots=True)
class Linker:
    """Links items to companies, keeping the companies learned along the way."""

    directory: CompanyDirectory
    learned: dict[str, Company] = field(default_factory=dict)

    def link(self, item: ParsedItem) -> tuple[list[dict], list[str]]:
        """(companies, tickers) of an item: tickers written in it, then the primary
        listing of each company it names."""
        linked = self.directory.link(item.mentions, "\n".join([item.title, *item.body]))
        if linked.learned:
            for company in linked.learned:
                self.learned[company.key] = company
            self.directory = self.directory.with_learned([c.to_dict() for c in linked.learned])
        tickers = list(linked.tickers)
        companies = []
        for company in linked.companies:
            ticker = next((t for t in tickers if t in company.listings), company.primary_ticker)
            if ticker and ticker not in tickers:
                tickers.append(ticker)
            companies.append({"key": company.key, "name": company.name, "ticker": ticker})
        return companies, tickers


def item_record(item: ParsedItem, document: str, companies: list[dict], tickers: list[str]) -> dict:
    """The stored record for a parsed item (no id yet: the store assigns it)."""
    return {
        "title": clean_line(item.title),
        "publisher": clean_line(item.publisher),
        "documents": [document],
        "section": clean_line(item.section),
        "authors": [author for a in item.authors if (author := clean_line(a))],
        "published": item.published,
        "body": "\n\n".join(p.strip() for p in item.body if p.strip()),
        "related": [line for r in item.related if (line := clean_line(r))],
        "companies": companies,
        "tickers": tickers,
        "date_inferred": item.date_inferred,  # `published` came from the file's date
    }


def document_record(doc: ParsedDocument, digest: str) -> dict:
    return {
        "name": doc.name,
        "layout": doc.layout,
        "publisher": clean_line(doc.publisher),
        "title": clean_line(doc.title),
        "published": doc.published,
        "preamble": "\n\n".join(p.strip() for p in doc.preamble if p.strip()),
        "sha256": digest,
    }


def _walk(root: Path, seen_dirs: set[tuple[int, int]]) -> Iterator[tuple[Path, str | None]]:
    """Files below `root` (sorted), or a reason one cannot be read; survives symlink loops
    and folders nested thousands deep (an explicit stack, not recursion)."""
    stack = [root]
    while stack:
        path = stack.pop()
        try:
            st = path.stat()
        except FileNotFoundError:
            yield path, "broken symbolic link" if path.is_symlink() else "no such file or folder"
            continue
        except OSError as exc:
            yield path, os_reason(exc)
            continue
        if not path.is_dir():
            yield path, None
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            yield path, "symbolic link loop (folder already visited)"
            continue
        seen_dirs.add(key)
        try:
            children = sorted(path.iterdir())
        except OSError as exc:
            yield path, os_reason(exc)
            continue
        names = {child.name for child in children}
        stack.extend(reversed([c for c in children if not _skipped(c, names)]))


def _skipped(child: Path, names: set[str]) -> bool:
    """Hidden files, and the images and scripts folder of a page saved "complete"."""
    if child.name.startswith("."):
        return True
    stem = child.name[:-6]
    return child.name.endswith("_files") and (f"{stem}.html" in names or f"{stem}.htm" in names)


def collect_files(paths: Iterable[Path | str]) -> list[tuple[Path, str | None]]:
    """Expand files and folders into (file, refusal reason or None), in a stable order."""
    seen_dirs: set[tuple[int, int]] = set()
    out: list[tuple[Path, str | None]] = []
    for raw in paths:
        out.extend(_walk(Path(raw), seen_dirs))
    return out


def document_name(path: Path) -> str:
    """The name a document is stored and shown under: its absolute path as readable text.

    Two files called `brief.txt` in two folders are two documents; a name that is not
    UTF-8 (GBK names from a zip made on Chinese Windows) is decoded or escaped, never stored
    raw; a control character in a name is shown as an escape, never sent to a terminal.
    """
    return path_text(os.path.abspath(path))


def read_document(path: Path, notes: list[str] | None = None) -> tuple[ParsedDocument, str]:
    """Read and parse one file; raises IngestError with a one-line reason.

    What sanitising repaired or stripped is appended to `notes`, in words.
    """
    try:
        st = path.stat()
        size = st.st_size
        if not path.is_file():
            raise IngestError("not a regular file")
        kind = NOT_DOCUMENT_SUFFIXES.get(path.suffix.lower())
        if kind:
            raise IngestError(f"a {path.suffix.lower()} file ({kind}), not a news document")
        if size > MAX_DOCUMENT_BYTES:
            raise IngestError(
                f"too large ({size / 1e6:.1f} MB; documents up to "
                f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB are read)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(os_reason(exc)) from exc
    if not data.strip():
        raise IngestError("empty file")
    digest = hashlib.sha256(data).hexdigest()
    if data.lstrip()[:5] == b"%PDF-":
        from store.intake.pdf import PdfError, pdf_text

        try:
            cleaned = sanitize(pdf_text(data))
        except PdfError as exc:
            raise IngestError(str(exc)) from exc
    elif _looks_like_html(data):
        from store.intake.pages import PageError, read_page

        try:
            doc, _url = read_page(data, document_name(path))
        except PageError as exc:
            raise IngestError(str(exc)) from exc
        except Exception as exc:  # a page-reading bug must not take the other files down
            raise IngestError(f"could not be read ({type(exc).__name__}: {exc})") from exc
        return doc, digest
    else:
        try:
            cleaned = sanitize(decode_document(data))
        except UndecodableError as exc:
            raise IngestError(str(exc)) from exc
    if notes is not None:
        notes.extend(cleaned.notes)
    try:
        doc = parse_document(cleaned.text, document_name(path), date.fromtimestamp(st.st_mtime))
    except UnknownLayoutError as exc:
        raise IngestError(str(exc)) from exc
    except Exception as exc:  # a parser bug must not take the other files down
        raise IngestError(f"could not be parsed ({type(exc).__name__}: {exc})") from exc
    return doc, digest


def _looks_like_html(data: bytes) -> bool:
    """A saved page (the feed reader's sniff, imported only for text that opens with `<`:
    a plain document does not pay for the intake modules)."""
    if data.lstrip()[:1] != b"<":
        return False
    from store.intake.feeds import looks_like_html

    return looks_like_html(data)


@dataclass(slots=True)
class _Prepared:
    """One file read, parsed and linked: ready for the store, or refused."""

    result: FileResult
    document: dict | None = None
    records: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # per item: the page it came from, or ""
    # per item: its dedupe keys, computed here so that a pool's workers, not the one
    # process writing the store, spend the time (a fifth of the writer's, at 100k items)
    keys: list[StoryKeys] = field(default_factory=list)


def _prepare(path: Path, reason: str | None, linker: Linker) -> _Prepared:
    prepared = _Prepared(FileResult(path=path, error=reason))
    if reason:
        return prepared
    try:
        doc, digest = read_document(path, prepared.result.notes)
    except IngestError as exc:
        prepared.result.error = str(exc)
        return prepared
    prepared.result.layout = doc.layout
    try:
        records = [item_record(item, doc.name, *linker.link(item)) for item in doc.items]
    except Exception as exc:  # a linking bug must not take the other files down
        prepared.result.error = f"companies could not be linked ({type(exc).__name__}: {exc})"
        return prepared
    prepared.document = document_record(doc, digest)
    prepared.records = records
    prepared.links = [item.link for item in doc.items]
    prepared.keys = [story_keys(r["title"], r["body"]) for r in records]
    return prepared


_worker_linker: Linker | None = None


def _die_with_parent(parent: int) -> None:
    """A pool worker ends when the ingest that started it does, even one SIGKILLed (Linux:
    PR_SET_PDEATHSIG; elsewhere the pool's own checks)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _init_worker(learned: list[dict], parent: int) -> None:
    global _worker_linker
    _die_with_parent(parent)
    # A worker per core leaves no core free: niced, the workers take what the one writing
    # process (the ingest's critical path) and a reader open beside it leave.
    with contextlib.suppress(AttributeError, OSError):  # no os.nice on Windows
        os.nice(WORKER_NICENESS)
    _worker_linker = Linker(CompanyDirectory.bundled().with_learned(learned))


def _prepare_in_worker(job: tuple[Path, str | None]) -> tuple[_Prepared, list[dict]]:
    assert _worker_linker is not None
    before = set(_worker_linker.learned)
    prepared = _prepare(*job, _worker_linker)
    learned = [c.to_dict() for k, c in _worker_linker.learned.items() if k not in before]
    return prepared, learned


def _prepared_files(
    jobs: list[tuple[Path, str | None]], linker: Linker, workers: int
) -> Iterator[tuple[_Prepared, list[dict]]]:
    """Read, parse and link files, in a pool of processes when there are many.

    If the pool breaks (a worker killed, e.g. out of memory), the files not done yet are
    prepared here instead: an ingest never ends in a traceback for that.
    """
    done = 0
    if workers > 1 and len(jobs) >= POOL_MIN_FILES:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        if "fork" in methods:
            # the directory's name patterns take ~0.1 s to compile, the layouts' ~40 ms:
            # compiled once here, the forked workers inherit them instead of each compiling
            CompanyDirectory.bundled().compile_text_regexes()
            compile_all()
        learned = [c.to_dict() for c in linker.directory.companies if c.learned]
        try:
            initargs = (learned, os.getpid())
            with ProcessPoolExecutor(workers, context, _init_worker, initargs) as pool:
                # A bounded window of files in flight, not `pool.map` over them all: when
                # the workers parse faster than the store takes their items (a large
                # store), at most IN_FLIGHT_FILES parsed files wait here (on their
                # futures), not every file of the ingest.
                queued = iter(jobs)
                window = deque(
                    pool.submit(_prepare_in_worker, job)
                    for job in islice(queued, max(IN_FLIGHT_FILES, workers))
                )
                try:
                    while window:
                        outcome = window.popleft().result()
                        job = next(queued, None)
                        if job is not None:
                            window.append(pool.submit(_prepare_in_worker, job))
                        done += 1
                        yield outcome
                finally:  # Ctrl-C or a failed write: the files not started are not parsed
                    for future in window:
                        future.cancel()
        except BrokenProcessPool:
            pass
    for job in jobs[done:]:
        before = set(linker.learned)
        prepared = _prepare(*job, linker)
        yield prepared, [c.to_dict() for k, c in linker.learned.items() if k not in before]


def ingest_paths(
    store,
    paths: Iterable[Path | str],
    directory: CompanyDirectory | None = None,
    *,
    workers: int | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Ingest files and folders into `store`; one FileResult per file, in order.

    Many files are read and parsed by `workers` processes (default: one per core); the
    store is written from this process only, in batches. `on_result` is given each file's
    result, in order, once it is final: when the batch holding the file is stored.
    """
    linker = Linker(directory or CompanyDirectory.for_store(store))
    workers = workers if workers is not None else (os.cpu_count() or 1)
    jobs = collect_files(paths)
    results: list[FileResult] = []
    pending: list[_Prepared] = []
    pending_items = 0
    learned: dict[str, dict] = {}
    reported = 0
    flushed = 0  # batches stored

    def report() -> None:
        nonlocal reported
        if on_result is not None:
            for result in results[reported:]:
                on_result(result)
        reported = len(results)

    def flush(*, last: bool) -> None:
        nonlocal pending_items, flushed
        if not pending:
            report()
            return
        outcomes = store.add_documents(
            [(p.document, p.records) for p in pending],
            learned_companies=list(learned.values()),
            story_keys=[p.keys for p in pending],
            more_to_come=not last,
            ends_bulk=last and flushed > 0,
        )
        flushed += 1
        links: list[tuple[str, str]] = []
        for prepared, outcome in zip(pending, outcomes, strict=True):
            prepared.result.new, prepared.result.known = outcome.new, outcome.known
            if any(prepared.links) and len(outcome.ids) == len(prepared.links):
                links.extend(
                    (i, link) for i, link in zip(outcome.ids, prepared.links, strict=True) if link
                )
        pending.clear()
        pending_items = 0
        if links:  # a saved article's URL: the link `show`, `--json` and `o` give
            _remember_links(store.root, links)
        report()  # every file so far is final: stored, known or refused

    for prepared, new_companies in _prepared_files(jobs, linker, workers):
        # a full batch is written when the next document comes: the last batch, written
        # after the loop, is never empty and compacts the index by its own rule
        full = len(pending) >= BATCH_DOCUMENTS or pending_items >= BATCH_ITEMS
        if prepared.document is not None and full:
            flush(last=False)
        results.append(prepared.result)
        for company in new_companies:
            learned.setdefault(company["key"], company)
        if prepared.document is not None:
            pending.append(prepared)
            pending_items += len(prepared.records)
    flush(last=True)
    return results


def _remember_links(root: Path, links: list[tuple[str, str]]) -> None:
    from store.intake.feedlist import ItemLinks

    known = ItemLinks.load(root)
    for item_id, link in links:
        known.add(item_id, "", "", link)
    known.save()


def ensure_seeded(store) -> list[FileResult] | None:
    """Ingest the bundled seed documents into an empty store; None if it holds items."""
    if len(store.index):
        return None
    return ingest_paths(store, [bundled_seeds_dir()])
