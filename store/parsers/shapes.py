"""Line shapes every detector needs: prose paragraphs, and the files that are no document.

A news document is mostly prose: headlines and paragraphs. Source code, markup, markdown
notes, e-mails, chat and log files, tables and data exports are made of other line shapes;
they may quote a layout's marker lines, but a layout found inside one of them is a quotation,
not a document (`not_a_document`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from store.text.cjk import cjk_pattern
from store.text.patterns import lazy_pattern
from store.text.prose import folded_lines

# Only the opening of a text is examined: structure shows early, and detection stays fast
# however large the file.
HEAD_CHARS = 20_000

_CJK = cjk_pattern("[{cjk}]")
_CJK_RUN = cjk_pattern("[{cjk}]+")
_PROSE_START = cjk_pattern(r"[\"“‘'(\[]?[A-Z0-9{cjk}]")
_CODE_CHARS = frozenset("{}<>=|\\`$_")
TERMINAL = (".", "。", "!", "！", "?", "？", '."', ".”", "…", ")", "）", "]")


def head_lines(text: str, limit: int = HEAD_CHARS) -> list[str]:
    """The non-empty lines of the opening of `text`, whitespace folded (every detector reads
    them: the last few openings are kept, each at most `limit` characters)."""
    return list(_head_lines(text[:limit]))


@lru_cache(maxsize=8)
def _head_lines(head: str) -> tuple[str, ...]:
    return tuple(line for line in folded_lines(head) if line)


def word_count(line: str) -> int:
    """Words in a line; a run of Chinese characters counts one word per two characters."""
    if line.isascii() or not _CJK.search(line):
        return line.count(" ") + 1 if line.strip() else 0  # a folded line: one space a gap
    cjk = sum(len(run) for run in _CJK_RUN.findall(line))
    latin = len(_CJK_RUN.sub(" ", line).split())
    return latin + cjk // 2


_NOT_LETTER = lazy_pattern(r"[\W\d_]+")
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _letters(line: str) -> int:
    """How many letters `line` holds (what `_NOT_LETTER` leaves): ASCII counted at C speed."""
    if line.isascii():
        data = line.encode("ascii")
        return len(data) - len(data.translate(None, _ASCII_LETTERS))
    return len(_NOT_LETTER.sub("", line))


def is_prose(line: str, min_words: int = 8) -> bool:
    """A sentence-like (folded) paragraph: enough words, opening like a sentence, mostly
    letters, and few of the characters code and markup are made of."""
    if word_count(line) < min_words or not _PROSE_START.match(line):
        return False
    visible = len(line) - line.count(" ")
    letters = _letters(line)
    code = sum(line.count(ch) for ch in _CODE_CHARS)
    return letters >= 0.6 * visible and code <= max(1, 0.05 * visible)


# ------------------------------------------------------------------------- not a document

_CODE_LINE = lazy_pattern(
    r"(?:def|class|import|from\s+[\w.]+\s+import|return|elif|else|try|except|finally|while"
    r"|async|await|package|func|var|let|const|function|export|public|private|static"
    r"|#include|#!|using|namespace|set\s+-|echo|grep|mkdir|done|fi|then|for\s+\w+\s+in)\b"
    r"|(?://|/\*)"  # a comment
    r"|[\w.\[\]\"'$]+\s*[-+*/|&]?=\s*\S"  # an assignment
    r"|<[!/?]?[A-Za-z][^>]*>"  # a markup tag
)
_MARKDOWN_LINE = lazy_pattern(
    r"#{1,6}\s|```|~~~|>\s?|\|.*\|$|[-*+]\s+\[[ xX]\]|(?:-{3,}|\*{3,}|_{3,})$"
)
_EMAIL_HEADER = lazy_pattern(
    r"(?P<name>From|To|Cc|Bcc|Subject|Date|Sent|Reply-To|Message-ID|Content-Type"
    r"|MIME-Version|In-Reply-To|References)\s*:\s*\S",
    re.IGNORECASE,
)
_FORWARD_SEPARATOR = lazy_pattern(
    r"-{2,}\s*(?:Forwarded|Original)\s+message\s*-{2,}|Begin\s+forwarded\s+message\s*:",
    re.IGNORECASE,
)
_CHAT_LINE = lazy_pattern(
    r"\[?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?\]?\s*<?@?[\w.\- ]{1,30}>?\s*[:：]\s"
    r"|\[\d{4}-\d\d-\d\d[ T][\d:]+\]"
    r"|\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}\s*(?:[AaPp][Mm])?\s*[-–]\s*[^:]{1,30}:"
    r"|<[\w.\-]{1,30}>\s"
)
_LOG_LINE = lazy_pattern(
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?\S*\s+\S"
    r"|\[?(?:INFO|WARN(?:ING)?|ERROR|DEBUG|TRACE|FATAL)\]?\s"
)
_TABLE_GAP = lazy_pattern(r"\S(?: {2,}|\t)(?=\S)")
_NUMBER = lazy_pattern(r"(?<![\w.])[-+]?\d[\d,.]*%?(?![\w])")
_QUOTED_FIELD = lazy_pattern(r'"(?:[^"]|"")*"')
_JSON_LINE = lazy_pattern(r'\s*[\[{]?\s*"[^"]{1,60}"\s*:')

# How a line of code ends: a statement, a block, a call's arguments, a comment.
_CODE_ENDS = ("{", "}", ";", "[", "=>", "):", "*/")
_LINK = lazy_pattern(r"\[[^\]\n]+\]\([^)\s]+\)")


def _is_code(line: str) -> bool:
    return line.endswith(_CODE_ENDS) or bool(_CODE_LINE.match(line))


def _is_markdown(line: str) -> bool:
    return bool(_MARKDOWN_LINE.match(line)) or ("](" in line and bool(_LINK.search(line)))


# A string literal's delimiter on a line of its own, or ending a line that opens one.
_STRING_DELIMITER = lazy_pattern(
    r"""(?:.*(?:=|\(|return)\s*)?[rbuf]?(?:\"\"\"|'''|`)\s*[)\];,]*$"""
)
# A line-number prefix as `cat -n`, `grep -n` or a code review print it ("  12\t", "12: ").
_NUMBERED_LINE = lazy_pattern(r"(?P<number>\d{1,6})(?:\t|:(?!\d)|\|)")
# How many lines at each end of a file show that it opens and closes as source code.
_ENDS = 5

# A kind is counted when this share of the lines, and at least `_MIN_LINES`, have its shape.
_MIN_LINES = 3
_MAX_LINES = 300  # the opening's first lines are enough to tell
_MIN_SHARE = 0.15


@dataclass(frozen=True, slots=True)
class Foreign:
    """What a text is instead of a document: "source code", with the lines that show it."""

    kind: str
    lines: int
    total: int

    def __str__(self) -> str:
        return f"{self.kind} ({self.lines} of {self.total} lines)"


def _is_table_row(raw: str) -> bool:
    line = raw.strip()
    return (
        ("  " in line or "\t" in line)
        and len(line) <= 200
        and len(_TABLE_GAP.findall(line)) >= 3
        and len(_NUMBER.findall(line)) >= 2
    )


def _delimited_fields(line: str) -> int:
    unquoted = _QUOTED_FIELD.sub("", line) if '"' in line else line
    return max(unquoted.count(","), unquoted.count("\t"), unquoted.count(";"))


def not_a_document(text: str) -> Foreign | None:
    """What kind of file `text` is when it is no news document (source code, markup,
    markdown, an e-mail, a chat or log file, a table, a data export), or None.

    Judged on the opening's lines by shape, never by the words they hold.
    """
    raw_lines = [raw.rstrip() for raw in text[:HEAD_CHARS].split("\n") if raw.strip()]
    raw_lines = raw_lines[:_MAX_LINES]
    if not raw_lines:
        return None
    total = len(raw_lines)
    stripped = [raw.strip() for raw in raw_lines]

    headers = {
        match.group("name").lower()
        for line in stripped[:30]
        if (match := _EMAIL_HEADER.match(line))
    }
    forwarded = sum(
        1
        for line in stripped
        if "orward" in line or "riginal" in line
        if _FORWARD_SEPARATOR.search(line)
    )
    if len(headers) >= 3 or ({"from", "subject"} <= headers) or forwarded:
        return Foreign("an e-mail", len(headers) + forwarded, total)

    code_ends = _code_at_both_ends(text)
    if code_ends:
        return Foreign("source code with a document quoted in it", code_ends, total)
    numbered = _numbered_lines(raw_lines)
    if numbered >= _MIN_LINES and numbered >= 0.5 * total:
        return Foreign("a listing with line numbers", numbered, total)

    first = stripped[0][:1]
    json_lines = sum(bool(_JSON_LINE.match(line)) for line in stripped)
    if first in "{[" and json_lines >= min(_MIN_LINES, total):
        return Foreign("a JSON file", json_lines, total)

    counts = {
        "source code or markup": sum(_is_code(line) for line in stripped),
        "markdown": sum(_is_markdown(line) for line in stripped),
        "a chat log": sum(bool(_CHAT_LINE.match(line)) for line in stripped),
        "a log file": sum(bool(_LOG_LINE.match(line)) for line in stripped),
        "a table": sum(_is_table_row(raw) for raw in raw_lines),
    }
    header_fields = _delimited_fields(stripped[0])
    if header_fields >= 2:
        counts["a CSV export"] = sum(_delimited_fields(line) == header_fields for line in stripped)
    kind, lines = max(counts.items(), key=lambda pair: pair[1])
    # Code and markup often come mixed with markdown (a README's code blocks).
    mixed = counts["source code or markup"] + counts["markdown"]
    if lines >= _MIN_LINES and lines >= _MIN_SHARE * total:
        return Foreign(kind, lines, total)
    if mixed >= _MIN_LINES and mixed >= _MIN_SHARE * total:
        return Foreign("source code, markup or markdown", mixed, total)
    return None


def _is_code_end(line: str) -> bool:
    return bool(_CODE_LINE.match(line) or _STRING_DELIMITER.fullmatch(line))


def _code_at_both_ends(text: str) -> int:
    """How many of the first and last lines are code, when both ends of `text` are: a
    program or test that holds a whole document in a string (0 otherwise).

    A document's own opening and closing lines are headlines, bylines and prose; a quoted
    document sits between a program's first statements and its last, however long it is.
    """
    head = [line.strip() for line in text[:HEAD_CHARS].split("\n") if line.strip()][:_ENDS]
    tail = [line.strip() for line in text[-HEAD_CHARS:].split("\n") if line.strip()][-_ENDS:]
    opening = sum(_is_code_end(line) for line in head)
    closing = sum(_is_code_end(line) for line in tail)
    return opening + closing if opening and closing and opening + closing >= 3 else 0


def _numbered_lines(raw_lines: list[str]) -> int:
    """Lines that open with a line number counting up (a `cat -n` or `grep -n` print)."""
    count = 0
    last = -1
    for raw in raw_lines:
        match = _NUMBERED_LINE.match(raw.lstrip())
        if match and int(match.group("number")) > last:
            last = int(match.group("number"))
            count += 1
    return count
