"""Companies named next to a ticker in running text: `NOVOSENSE Micro (688052.SH)`, `联想(00992)`.

Shared by the STAR Market Daily and search-digest parsers. Total: never raises.
"""

from __future__ import annotations

import re

from store.entities.tickers import find_tickers
from store.model import Mention
from store.text.cjk import cjk_pattern, has_cjk

# The run of CJK characters (with the odd Latin letter or digit, e.g. "中芯国际" or "TCL科技")
# that ends right before a ticker.
_CJK_NAME_BEFORE = cjk_pattern(r"([A-Za-z0-9]{0,6}[{cjk}]+)\s*$")
_CJK_NAME_MAX = 8
# Words that may sit inside an English company name without a capital.
_NAME_CONNECTORS = frozenset({"of", "and", "&", "de", "du", "la", "le", "for", "the", "y"})
# Corporate suffixes that end in a period but do not end a sentence.
_NAME_ABBREVIATIONS = frozenset({"co.", "co.,", "ltd.", "ltd", "inc.", "inc.,", "corp.", "plc."})
# Capitalised at a sentence start, yet not the start of a company name.
_NOT_NAME_STARTS = _NAME_CONNECTORS | frozenset({
    "a", "an", "shares", "share", "stock", "stocks", "unit", "units", "subsidiary", "parent",
    "rival", "rivals", "peer", "peers", "owner", "customer", "supplier", "both", "while", "when",
    "after", "before", "as", "said", "says", "also",
})  # fmt: skip
_NAME_WORDS_MAX = 7
# Tickers are looked for in an item's first this-many characters: a real item is far shorter,
# and `find_tickers` slows down with the number of tickers in a (hostile) text.
_SCAN_CHARS = 20_000


_QUALIFIER = re.compile(r"^.*\S-(?:listed|based|backed|owned)\s+")


def company_name_before(text: str, end: int) -> str:
    """The company name written right before position `end` (a ticker), or "".

    English: the capitalised words before it ("NOVOSENSE Micro", "Wuhan Huiyi Technology
    Co., Ltd."); Chinese: the run of CJK characters ("联想").
    """
    before = text[max(0, end - 200) : end].rstrip(" \t(（")
    if not before:
        return ""
    if has_cjk(before[-1:]):
        match = _CJK_NAME_BEFORE.search(before)
        if not match:
            return ""
        name = match.group(1)
        return name[-_CJK_NAME_MAX:] if len(name) > _CJK_NAME_MAX else name
    words = before.split()
    taken: list[str] = []
    for position, word in enumerate(reversed(words)):
        if len(taken) >= _NAME_WORDS_MAX:
            break
        folded = word.casefold()
        ends_sentence = word.endswith((".", "!", "?", ";", ":", "。")) and folded not in (
            _NAME_ABBREVIATIONS
        )
        if position > 0 and ends_sentence:
            break
        core = word.strip("\"'“”‘’,")
        if not core:
            break
        camel_case = core[0].islower() and any(ch.isupper() for ch in core)  # "iFlytek"
        if core[0].isupper() or core[0].isdigit() or camel_case or folded in _NAME_ABBREVIATIONS:
            taken.append(word.strip("\"'“”‘’"))
        elif folded in _NAME_CONNECTORS and taken:
            taken.append(word)
        else:
            break
    while taken and taken[-1].casefold().strip(",") in _NOT_NAME_STARTS:
        taken.pop()  # "The Bank of China", "Shares of iFlytek": a name starts after these
    name = " ".join(reversed(taken)).strip(" ,;:")
    name = _QUALIFIER.sub("", name)  # "New York-listed TME" is TME
    return name if any(ch.isalpha() for ch in name) else ""


def mentions_in_text(text: str, fallback_name: str = "") -> list[Mention]:
    """One Mention per distinct ticker written in `text`, named by the words before it.

    A ticker with no name before it is named `fallback_name` (e.g. the headline's subject),
    or "" (the directory may still know the ticker).
    """
    mentions: list[Mention] = []
    seen: set[str] = set()
    text = text[:_SCAN_CHARS]
    for match in find_tickers(text):
        if match.ticker in seen:
            continue
        seen.add(match.ticker)
        name = company_name_before(text, match.start) or fallback_name
        mentions.append(Mention(name=name, ticker=match.ticker))
    return mentions
