"""Make untrusted text inert: decode bytes, repair mojibake, strip control and escape sequences.

Sanitising removes a control sequence and nothing around it: an escape string (OSC, DCS,
SOS, PM, APC) is removed whole only when its terminator follows on the same line; without
one only its introducer goes, so a stray C1 character can never swallow the text after it.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from pathlib import PurePath

from store.text.patterns import lazy_pattern

# Printable characters only: what an escape string's body may hold (ECMA-48 "command string").
_STRING_BODY = r"[^\x00-\x1f\x7f-\x9f]{0,4096}"
# ESC-introduced sequences and their 8-bit C1 forms. A string sequence needs its terminator
# (BEL, ST = ESC \ or U+009C) on the same line; an unterminated introducer matches the
# two-character ESC branch (or is a lone C1 character, removed with the other controls).
_ESCAPES = lazy_pattern(
    rf"""
    (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]){_STRING_BODY}(?:\x07|\x1b\\|\x9c)  # OSC DCS SOS PM APC
  | (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?                       # CSI
  | \x1b[\x20-\x2f]*[\x30-\x7e]?                                              # other ESC
    """,
    re.VERBOSE,
)
# Removed: C0 controls but tab and newline, DEL, C1 controls; lone surrogates; and Unicode's
# default-ignorable code points (invisible: bidi controls incl. U+061C, zero-width characters,
# soft hyphen, combining grapheme joiner, Hangul jamo fillers, Mongolian and other variation
# selectors, tag characters, the BOM, interlinear annotation controls...) and the rest of the
# format characters (category Cf: Arabic and Syriac number signs, hieroglyph format controls).
_INVISIBLE = lazy_pattern(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufe00-\ufe0f\ufeff\ufff0-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
# Blank "letters" that look like nothing (and that terminals and Rich disagree on the width
# of): shown as a plain space.
_FILLERS = lazy_pattern("[\u2800\u3164\uffa0]")
_LINE_SEPARATORS = lazy_pattern("[\u2028\u2029]")

# UTF-8 read as Latin-1 / Windows-1252 ("mojibake"): a lead byte Â..ô shown as a letter,
# followed by a continuation byte shown as a C1 control, a Latin-1 sign or a cp1252 sign.
_CP1252_SIGNS = "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
_CP1252_SIGNS += "\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_MOJIBAKE = lazy_pattern(f"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_SIGNS}]")


@dataclass(slots=True)
class Sanitized:
    """Clean text and what was done to it."""

    text: str
    repaired_lines: int = 0
    sequences: int = 0
    characters: int = 0
    notes: list[str] = field(default_factory=list)


def _repair_line(line: str) -> str:
    """One line of mis-decoded UTF-8 decoded again; the line as it was if it is not that."""
    # imported here: only documents with mojibake pay for it (ftfy takes ~0.1 s to import)
    import ftfy
    import ftfy.bad_codecs  # registers the sloppy-windows-1252 codec

    for codec in ("latin-1", "sloppy-windows-1252"):
        try:
            return line.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    # Mixed: some characters right, some mis-decoded. ftfy's heuristics decide, piece by piece.
    config = ftfy.TextFixerConfig(fix_c1_controls=False, explain=False)
    return ftfy.fix_encoding(line, config)


def repair_mojibake(text: str) -> tuple[str, int]:
    """Repair UTF-8 that was decoded as Latin-1 or Windows-1252 (“ shown as â€œ).

    Only lines showing the telltale pairs are touched; returns (text, lines repaired).
    """
    if not _MOJIBAKE.search(text):
        return text, 0
    lines = text.split("\n")
    repaired = 0
    for number, line in enumerate(lines):
        if _MOJIBAKE.search(line):
            fixed = _repair_line(line)
            if fixed != line:
                lines[number] = fixed
                repaired += 1
    return "\n".join(lines), repaired


# Every character some step of `sanitize` changes or removes: CR, what _INVISIBLE removes
# (it holds ESC and the C1 controls every escape sequence starts with), the fillers, the
# line separators, and the letters mojibake starts with.
_TOUCHED = lazy_pattern(
    "[\r"
    + _INVISIBLE.pattern[1:-1]
    + _FILLERS.pattern[1:-1]
    + _LINE_SEPARATORS.pattern[1:-1]
    + "\u00c2-\u00f4]"
)
# ASCII that `sanitize` changes: the C0 controls but tab and newline (CR and ESC among
# them), and DEL.
_ASCII_TOUCHED = bytes([*range(0, 9), *range(11, 32), 127])


def _nothing_to_strip(text: str) -> bool:
    """Whether `sanitize(text)` is `text` with nothing repaired or stripped, decided at C
    speed: ASCII by deleting its control bytes, other text by its distinct characters."""
    if text.isascii():
        data = text.encode("ascii")
        return len(data.translate(None, _ASCII_TOUCHED)) == len(data)
    return _TOUCHED.search("".join(set(text))) is None


def sanitize(text: str, *, repair: bool = True) -> Sanitized:
    """Repair mojibake, then remove escape sequences and invisible/control characters.

    Newlines and tabs are kept; CR/CRLF and U+2028/U+2029 become newlines; blank filler
    letters become spaces. `notes` says, in words, what was repaired or stripped.
    """
    if _nothing_to_strip(text):  # the common case: nothing below would change the text
        return Sanitized(text)
    return _sanitize_fully(text, repair)


def _sanitize_fully(text: str, repair: bool) -> Sanitized:
    repaired = 0
    if repair:
        text, repaired = repair_mojibake(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_SEPARATORS.sub("\n", text)
    text, sequences = _ESCAPES.subn("", text)
    text, characters = _INVISIBLE.subn("", text)
    text = _FILLERS.sub(" ", text)
    notes = []
    if repaired:
        notes.append(f"repaired mis-encoded UTF-8 on {repaired} line{'s' * (repaired != 1)}")
    if sequences:
        notes.append(f"stripped {sequences} escape sequence{'s' * (sequences != 1)}")
    if characters:
        notes.append(
            f"stripped {characters} control or invisible character{'s' * (characters != 1)}"
        )
    return Sanitized(text, repaired, sequences, characters, notes)


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and invisible/control characters (no repair).

    Newlines and tabs are kept; CR/CRLF become newlines.
    """
    return sanitize(text, repair=False).text


def clean_line(text: str) -> str:
    """`strip_controls` for a single-line field: whitespace runs folded to one space."""
    if text.isascii() and text.isprintable():  # nothing to strip (most fields): just fold
        return " ".join(text.split())
    return " ".join(strip_controls(text).split())


# ---------------------------------------------------------------- names shown to the user

# Whitespace but the plain space (`[^\S ]`): a title's spaces must not each cost a call to
# `_escape`, which printing thousands of rows would pay.
_NOT_SHOWN = lazy_pattern(
    f"[^\\S ]|[\u2028\u2029{_INVISIBLE.pattern[1:-1]}{_FILLERS.pattern[1:-1]}]"
    "|[\U000e0000-\U000e0fff]"
)


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (os.fsdecode's surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(ch, f"\\x{code:02x}")
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str) -> str:
    """A single line of untrusted text (a file name) made inert but recognisable.

    Every control, invisible or blank character but the plain space is shown as an escape
    (`\\x1b`, `\\n`, `\\u202e`), so a name can neither drive the terminal nor forge lines,
    and two different names never look alike.
    """
    if text.isascii() and text.isprintable():  # most names and titles: nothing to escape
        return text
    return _NOT_SHOWN.sub(_escape, text)


def path_text(path: PurePath | str | bytes) -> str:
    """A file path as text a user can read: UTF-8; else GBK/GB18030 (names from zips made
    on Chinese Windows); else the undecodable bytes as `\\xNN` — then `visible`."""
    raw = os.fsencode(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "surrogateescape")
        else:
            if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
                text = raw.decode("utf-8", "surrogateescape")
    return visible(text)


class UndecodableError(ValueError):
    """The bytes are not text in any encoding newsdesk reads."""


_BINARY_CONTROLS = bytes([*range(0, 9), *range(14, 27), *range(28, 32)])


def _looks_binary(data: bytes) -> bool:
    """Binary files are dense with control bytes; hostile text has a few, to be stripped."""
    sample = data[:65536]
    controls = len(sample) - len(sample.translate(None, _BINARY_CONTROLS))
    return controls * 20 > len(sample)


def decode_document(data: bytes) -> str:
    """Decode a document's bytes: BOM-marked UTF-8/16/32, UTF-8, then GB18030.

    Raises UndecodableError for binary data or text in no supported encoding.
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise UndecodableError(
                    f"invalid {encoding.upper()} after its byte-order mark"
                ) from exc
    if _looks_binary(data):
        raise UndecodableError("binary data, not a text document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    # GB18030 maps almost any byte string; accept it only if it reads as CJK text.
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f")
    other = sum(1 for ch in text if ord(ch) > 0x7F) - cjk
    if cjk and other <= cjk // 4:
        return text
    # UTF-8 with a stray bad byte or two: keep the document, mark the bytes as U+FFFD.
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") * 200 <= len(text):
        return text
    raise UndecodableError("not valid UTF-8 text, nor Chinese text in GB18030/GBK")
