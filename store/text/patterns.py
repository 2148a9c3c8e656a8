"""Regular expressions compiled when first used.

A layout module holds dozens of patterns for parsing its documents; compiled at import they
cost every command that imports the parsers ~30 ms, though one document is parsed by one
layout. `lazy_pattern` defers each pattern's compilation to its first use; `compile_all`
compiles every one made so far (before forking workers, so they share the compiled ones).
"""

from __future__ import annotations

import re
from typing import cast

_MADE: list[LazyPattern] = []


class LazyPattern:
    """Stands in for `re.compile(pattern, flags)`: `pattern` and `flags` are there at once
    (patterns are built from others' `.pattern`); anything else compiles it, and the
    compiled pattern's methods then replace this object's lookups (no cost per call)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def compiled(self) -> re.Pattern[str]:
        compiled = re.compile(self.pattern, self.flags)
        for name in dir(compiled):
            if not name.startswith("_") and name not in ("pattern", "flags"):
                self.__dict__[name] = getattr(compiled, name)
        self.__dict__["compiled"] = lambda: compiled
        return compiled

    def __getattr__(self, name: str) -> object:  # only for what is not cached yet
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"lazy_pattern({self.pattern!r}, {self.flags})"


def lazy_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern that compiles on first use (typed as the `re.Pattern` it acts as)."""
    made = LazyPattern(pattern, flags)
    _MADE.append(made)
    return cast("re.Pattern[str]", made)


def compile_all() -> None:
    """Compile every lazy pattern made so far."""
    for made in _MADE:
        made.compiled()
