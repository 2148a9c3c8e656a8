"""Text helpers shared by the layout parsers: folding, sentences, headlines, names (dates are
in `store.text.dates`).

Every function here is total: any string in, a value out, never an exception.
"""

from __future__ import annotations

import re
from itertools import chain, groupby, islice
from operator import eq

from store.text.dates import MONTH_NAMES
from store.text.patterns import lazy_pattern

BULLETS = "•·▪●○◦‣∙*-–—"

COMPANY_SUFFIXES = frozenset({"inc", "ltd", "co", "corp", "plc", "llc", "ag", "sa", "nv"})
_TITLES = {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "gov", "rep", "sen"}
_SHORT_WORDS = {
    "no",
    "nos",
    "vs",
    "mt",
    "ft",
    "dept",
    "univ",
    "bros",
    "approx",
    "est",
    "fig",
    "vol",
}
# "Jan." abbreviates; "May." ends a sentence.
_MONTH_ABBREVIATIONS = {name[:3].lower() for name in MONTH_NAMES if name != "May"} | {"sept"}
_ABBREVIATIONS = COMPANY_SUFFIXES | _TITLES | _SHORT_WORDS | _MONTH_ABBREVIATIONS
# A sentence ends at . ! ? (closing quotes/brackets may follow) before whitespace and a capital,
# digit or opening quote; CJK sentence marks end a sentence wherever they are.
_SENTENCE_END = lazy_pattern(r"([.!?])([\"”’')\]]*)\s+(?=[\"“‘(\[]?[A-Z0-9])|([。！？])")
_WORD_BEFORE = lazy_pattern(r"([\w.&'’-]*)$")
_INITIALISM = lazy_pattern(r"^(?:[A-Za-z]\.)+[A-Za-z]$")


def fold(text: str) -> str:
    """Whitespace runs (non-breaking spaces included) folded to one space, ends trimmed."""
    return " ".join(text.split())


def folded_lines(text: str, repeats: int = 2) -> list[str]:
    """The lines of `text` with whitespace folded, empty lines kept.

    A line, or a pair of lines (a line and a blank one, a label and a separator), printed
    more than `repeats` times in a row is kept `repeats` times: a run of repeats says
    nothing more than two of them, and costs a parser nothing. Runs of blank lines stay as
    they are (gaps can matter). The runs are found at C speed, whatever their length.
    """
    lines = [" ".join(raw.split()) for raw in text.split("\n")]
    filled = [line for line in lines if line]
    if not any(map(eq, filled, filled[1:])) and not any(map(eq, filled, filled[2:])):
        return lines  # no line repeats the one or two before it (the usual case)
    paired: list[str] = []
    for pair, run in groupby(zip(lines[0::2], lines[1::2], strict=False)):
        group = run if not (pair[0] or pair[1]) else islice(run, repeats)  # noqa: B031
        paired.extend(chain.from_iterable(group))
    if len(lines) % 2:
        paired.append(lines[-1])
    kept: list[str] = []
    for line, same in groupby(paired):
        kept.extend(islice(same, repeats) if line else same)  # noqa: B031 (one, used once)
    return kept


def strip_bullet(text: str) -> tuple[str, bool]:
    """`"• headline"` → `("headline", True)`; other text unchanged with False."""
    if len(text) >= 2 and text[0] in BULLETS and text[1].isspace():
        return fold(text[1:]), True
    if len(text) >= 2 and text[0] in "•▪●◦‣∙":
        return fold(text[1:]), True
    return text, False


# A first sentence ends within this many characters, or the paragraph has none.
SENTENCE_SCAN_CHARS = 4_000


def first_sentence(paragraph: str) -> tuple[str, str]:
    """Split a folded paragraph into its first sentence and the rest.

    Abbreviations ("U.S.", "Jan.", "Co.", initials) do not end a sentence. A paragraph with
    no sentence end in its first `SENTENCE_SCAN_CHARS` is one sentence.
    """
    for match in _SENTENCE_END.finditer(paragraph, 0, SENTENCE_SCAN_CHARS):
        if match.group(3):
            end = match.end()
            return paragraph[:end].strip(), paragraph[end:].strip()
        if match.group(1) == ".":
            window = paragraph[max(0, match.start() - 40) : match.start()]
            before = _WORD_BEFORE.search(window)
            word = before.group(1).lstrip("(\"“'‘") if before else ""
            bare = word.rsplit(".", 1)[-1] if "." in word and not _INITIALISM.match(word) else word
            if (
                _INITIALISM.match(word)
                or (len(bare) == 1 and bare.isupper())
                or bare.lower() in _ABBREVIATIONS
            ):
                continue
        end = match.start() + len(match.group(1)) + len(match.group(2))
        return paragraph[:end].strip(), paragraph[end:].strip()
    return paragraph.strip(), ""


def shorten(text: str, limit: int) -> tuple[str, bool]:
    """`text` cut at a word boundary to at most `limit` characters with "…"; (text, was_cut)."""
    if len(text) <= limit:
        return text, False
    cut = text[: max(limit - 1, 1)]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    cut = cut.rstrip(" ,;:–—-")
    return (cut or text[: max(limit - 1, 1)]) + "…", True


def headline(sentence: str, limit: int) -> tuple[str, bool]:
    """A sentence as a title: final period dropped, shortened to `limit`; (title, was_cut)."""
    text = fold(sentence)
    if text.endswith((".", "。")) and not text.endswith("..."):
        text = text[:-1].rstrip() or text
    return shorten(text, limit)


def title_and_rest(paragraph: str, limit: int) -> tuple[str, str, bool]:
    """A paragraph's first sentence as a title, the rest of it, and whether the title was cut."""
    sentence, rest = first_sentence(paragraph)
    title, cut = headline(sentence or paragraph, limit)
    return title, rest, cut


_AUTHOR_SEPARATORS = lazy_pattern(r"\s*(?:,\s*and\s+|,|;|\s+and\s+|&)\s*")


def split_authors(text: str) -> list[str]:
    """ "By Qian Tong, Yuan Ruiyang and Han Wei" → ["Qian Tong", "Yuan Ruiyang", "Han Wei"]."""
    text = re.sub(r"^(?:by|authors?\s*[:：])\s+", "", fold(text), flags=re.IGNORECASE)
    return [name for name in (fold(p) for p in _AUTHOR_SEPARATORS.split(text)) if name]
