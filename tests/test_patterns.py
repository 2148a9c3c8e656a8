"""Lazy patterns: compiled on first use, then the compiled pattern's own methods."""

from __future__ import annotations

import re
import subprocess
import sys

from store.text.patterns import LazyPattern, compile_all, lazy_pattern


def test_a_lazy_pattern_answers_as_the_compiled_one():
    lazy = lazy_pattern(r"(?P<word>t\w+)", re.IGNORECASE)
    real = re.compile(r"(?P<word>t\w+)", re.IGNORECASE)
    assert isinstance(lazy, LazyPattern) and "compiled" not in vars(lazy)
    assert lazy.pattern == real.pattern  # without compiling: patterns are built from others
    assert "compiled" not in vars(lazy)
    text = "Tencent and TSMC talk"
    assert lazy.search(text).group("word") == real.search(text).group("word")
    assert lazy.findall(text) == real.findall(text)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in real.finditer(text)]
    assert lazy.sub("x", text) == real.sub("x", text)
    assert lazy.split(text) == real.split(text)
    assert lazy.groupindex == real.groupindex and lazy.groups == real.groups
    assert vars(lazy)["search"].__self__ is vars(lazy)["finditer"].__self__  # compiled once


def test_compile_all_compiles_every_pattern_made():
    lazy = lazy_pattern(r"a+b")
    compile_all()
    assert "search" in vars(lazy)


def test_importing_the_parsers_compiles_few_of_their_patterns():
    code = (
        "import re, store.text.patterns as p\n"
        "import store.parsers.registry\n"
        "print(len(p._MADE), sum('search' in vars(m) for m in p._MADE))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    made, compiled = map(int, out.stdout.split())
    assert made >= 40 and compiled <= 5
