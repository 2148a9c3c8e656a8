"""One story, many documents: deciding when two items are the same story.

Stores look candidates up by `title_key` and `body_key` (both exact, so cheap at any size)
and confirm with `same_story`, which compares the bodies. The index keeps hashes of those keys
and a fingerprint of each body opening (`Keys`), which settle most candidates (`settled`)
without reading a stored body.
"""

from __future__ import annotations

import re
from typing import NamedTuple, TypedDict

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)

_BODY_KEY_CHARS = 80
_BODY_COMPARE_CHARS = 600
SHORT_BODY_CHARS = 80  # a body shorter than this never makes a story on its own


# ASCII folded at C speed: letters lowered (ASCII's casefold), digits and "_" kept (ASCII's
# \w), every other byte a space.
_ASCII_FOLD = bytes(
    (c | 0x20) if chr(c).isalpha() else c if chr(c).isalnum() or c == 0x5F else 0x20
    for c in range(128)
) + bytes([0x20] * 128)


def _normalize(text: str) -> str:
    r"""Words (`\w` runs) of the casefolded text, one space between them."""
    if text.isascii():
        return b" ".join(text.encode("ascii").translate(_ASCII_FOLD).split()).decode("ascii")
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
    from rapidfuzz import fuzz  # imported when first compared: a reader never compares

    return fuzz.ratio(body_opening(a), body_opening(b))


SAME_TITLE_LIKENESS = 50  # same headline: bodies at least this alike (body_similarity)
REPRINT_LIKENESS = 90  # another headline over nearly the same body


def alike_openings(a: str, b: str, *, same_title: bool) -> bool:
    """`same_story` for two long bodies `settled` left open, from their openings
    (`body_opening`): alike enough for a shared headline, or for a reprint under another."""
    from rapidfuzz import fuzz

    cutoff = SAME_TITLE_LIKENESS if same_title else REPRINT_LIKENESS
    return fuzz.ratio(a, b, score_cutoff=cutoff) >= cutoff


class Story(TypedDict):
    """What `same_story` compares of a record (an ItemRecord is one)."""

    title: str
    body: str


def same_story(a: Story, b: Story) -> bool:
    """Whether two records (`title`, `body`) tell the same story.

    The same headline with alike (or missing) bodies, or different headlines over nearly
    the same body — a brief reprinting yesterday's story under a new headline.
    """
    a_body, b_body = a.get("body") or "", b.get("body") or ""
    if title_key(a.get("title", "")) == title_key(b.get("title", "")):
        return not a_body or not b_body or body_similarity(a_body, b_body) >= SAME_TITLE_LIKENESS
    if len(a_body) < SHORT_BODY_CHARS or len(b_body) < SHORT_BODY_CHARS:
        return False
    return body_similarity(a_body, b_body) >= REPRINT_LIKENESS


# Hashed keys: what the index keeps of a record to find and settle its duplicates, as
# 64-bit integers (0: no key).

NO_KEY = 0


def _hash(data: bytes) -> int:
    """A non-zero 62-bit hash."""
    from hashlib import blake2b  # here, not at the top: a one-shot read never hashes

    value = int.from_bytes(blake2b(data, digest_size=8).digest(), "little")
    return (value >> 2) or 1


def key_hash(key: str) -> int:
    """A fixed-size stand-in for a dedupe key (NO_KEY for "": no key, no candidates)."""
    return _hash(key.encode()) if key else NO_KEY


def body_print(body: str) -> int:
    """A fingerprint of the body opening `same_story` compares (NO_KEY: no body).

    Its sign says whether the body is long (positive) or short (negative: under 80
    characters), which `same_story` also needs; equal prints mean equal compared openings.
    """
    if not body:
        return NO_KEY
    value = _hash(body_opening(body).encode())
    return value if len(body) >= SHORT_BODY_CHARS else -value


def settled(title_a: int, print_a: int, title_b: int, print_b: int) -> bool | None:
    """`same_story` decided from hashed title keys and body prints; None: compare bodies."""
    if title_a == title_b:  # the same headline (both NO_KEY: both fold to "")
        if NO_KEY in (print_a, print_b) or print_a == print_b:
            return True
        return None
    if print_a <= 0 or print_b <= 0:  # a short or missing body
        return False
    return True if print_a == print_b else None


class Openings:
    """Body openings (`body_opening`) by their body print, the newest `limit` used kept.

    Filed by print, a hash of the opening itself, so an entry is never stale: a writer keeps
    one across its batches, and a stored story that many new ones share a headline with is
    read and folded once, not once per comparison.
    """

    __slots__ = ("_limit", "_openings")

    def __init__(self, limit: int = 131_072) -> None:
        self._limit = limit
        self._openings: dict[int, str] = {}

    def get(self, body_print: int) -> str | None:
        opening = self._openings.pop(body_print, None)
        if opening is not None:
            self._openings[body_print] = opening  # the newest used again
        return opening

    def keep(self, body_print: int, body: str) -> str:
        """The opening of `body`, whose print is `body_print`, kept for the next `get`."""
        opening = self._openings[body_print] = body_opening(body)
        if len(self._openings) > self._limit:
            del self._openings[next(iter(self._openings))]
        return opening


class StoryKeys(NamedTuple):
    """A record's keys, computed where it was parsed (an ingest worker), so that the one
    process writing the store need not: `Keys.prime` hands them to a batch."""

    title_key: str
    title_hash: int
    body_hash: int
    body_print: int


def story_keys(title: str, body: str) -> StoryKeys:
    """The keys of a record with this title and body."""
    key = title_key(title)
    return StoryKeys(key, key_hash(key), key_hash(body_key(body)), body_print(body))


class Keys:
    """The hashed keys of records, each computed once while a batch dedupes, places and
    indexes them. One per batch: it is dropped with the batch, so no body outlives it."""

    __slots__ = ("_body_hash", "_body_print", "_title_hash", "_title_key")

    def __init__(self) -> None:
        self._title_key: dict[str, str] = {}
        self._title_hash: dict[str, int] = {}
        self._body_hash: dict[str, int] = {}
        self._body_print: dict[str, int] = {}

    def prime(self, title: str, body: str, keys: StoryKeys) -> None:
        """Take the keys of `title` and `body` as computed elsewhere (`story_keys`). They are
        filed under these strings: a record whose title or body differs computes its own."""
        self._title_key[title] = keys.title_key
        self._title_hash[title] = keys.title_hash
        self._body_hash[body] = keys.body_hash
        self._body_print[body] = keys.body_print

    def title_key(self, title: str) -> str:
        key = self._title_key.get(title)
        if key is None:
            key = self._title_key[title] = title_key(title)
        return key

    def title_hash(self, title: str) -> int:
        key = self._title_hash.get(title)
        if key is None:
            key = self._title_hash[title] = key_hash(self.title_key(title))
        return key

    def body_hash(self, body: str) -> int:
        key = self._body_hash.get(body)
        if key is None:
            key = self._body_hash[body] = key_hash(body_key(body))
        return key

    def body_print(self, body: str) -> int:
        key = self._body_print.get(body)
        if key is None:
            key = self._body_print[body] = body_print(body)
        return key
