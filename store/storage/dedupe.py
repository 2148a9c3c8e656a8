"""One story, many documents: deciding when two items are the same story.

Stores look candidates up by `title_key` and `body_key` (both exact, so cheap at any size)
and confirm with `same_story`, which compares the bodies.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)

_BODY_KEY_CHARS = 80
_BODY_COMPARE_CHARS = 600
SHORT_BODY_CHARS = 80  # a body shorter than this never makes a story on its own


def _normalize(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def title_key(title: str) -> str:
    """A headline with case, punctuation and spacing folded away."""
    return _normalize(title)


def body_key(body: str) -> str:
    """The opening of a body, folded: stories that share it are candidates to compare."""
    return _normalize(body[: _BODY_KEY_CHARS * 2])[:_BODY_KEY_CHARS]


def body_opening(body: str) -> str:
    """The folded opening of a body that `body_similarity` compares."""
    return _normalize(body[: _BODY_COMPARE_CHARS * 2])[:_BODY_COMPARE_CHARS]


def body_similarity(a: str, b: str) -> float:
    """0-100: how alike the openings of two bodies are."""
    return fuzz.ratio(body_opening(a), body_opening(b))


def same_story(a: dict, b: dict) -> bool:
    """Whether two records (`title`, `body`) tell the same story.

    The same headline with alike (or missing) bodies, or different headlines over nearly
    the same body — a brief reprinting yesterday's story under a new headline.
    """
    a_body, b_body = a.get("body") or "", b.get("body") or ""
    if title_key(a.get("title", "")) == title_key(b.get("title", "")):
        return not a_body or not b_body or body_similarity(a_body, b_body) >= 50
    if len(a_body) < SHORT_BODY_CHARS or len(b_body) < SHORT_BODY_CHARS:
        return False
    return body_similarity(a_body, b_body) >= 90
