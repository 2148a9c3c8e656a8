"""Hypothesis strategies that build documents out of real seed lines, mangled."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st


def mangled_lines(lines: Sequence[str], max_size: int = 60) -> st.SearchStrategy[str]:
    """Real lines, sometimes shuffled, duplicated or cut short, with some random ones."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        picked = draw(
            st.lists(st.one_of(st.sampled_from(lines), st.text(max_size=40)), max_size=max_size)
        )
        if draw(st.booleans()):
            picked = draw(st.permutations(picked))
        out = []
        for line in picked:
            if line and draw(st.integers(0, 4)) == 0:
                line = line[: draw(st.integers(0, len(line)))]
            out.append(line)
        return "\n".join(out)

    return build()


def seed_pieces(text: str) -> st.SearchStrategy[str]:
    """A seed document mangled every way a parser should survive: mixed lines, a slice,
    lines dropped, lines shuffled."""
    lines = text.split("\n")
    return st.one_of(
        mangled_lines(lines, max_size=80),
        st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(
            lambda ab: text[min(ab) : max(ab)]
        ),
        st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)).map(
            lambda keep: "\n".join(line for line, k in zip(lines, keep, strict=True) if k)
        ),
        st.permutations(lines).map("\n".join),
    )
