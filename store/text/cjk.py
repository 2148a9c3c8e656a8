"""Chinese characters: the one definition the matching code shares.

A regex class over these ranges takes ~5 ms to compile (Python builds a map of every code
point in them), which every one-shot command would pay at import: the checks here need none.
"""

from __future__ import annotations

import re
from functools import cache

# CJK Unified Ideographs Extension A and the main block; CJK Compatibility Ideographs
CJK_RANGES = "\u3400-\u9fff\uf900-\ufaff"


def is_cjk(ch: str) -> bool:
    """Whether one character is a Chinese character."""
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def has_cjk(text: str) -> bool:
    """Whether `text` holds a Chinese character (meant for names and queries, not bodies)."""
    return not text.isascii() and any(map(is_cjk, text))


@cache
def cjk_pattern(template: str) -> re.Pattern[str]:
    """`template` with `{cjk}` replaced by the CJK ranges, compiled once, when first used."""
    return re.compile(template.replace("{cjk}", CJK_RANGES))
