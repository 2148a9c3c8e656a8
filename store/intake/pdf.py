"""PDF reports to text (pypdf): lines rejoined into paragraphs, pages in order.

A PDF draws lines, not paragraphs: a wider gap between lines (or a new page) starts a
paragraph, and the lines within one are joined again (with a space between Latin words,
none between Chinese characters). The result goes through the same layout detection as a
text file.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import re
import statistics

from store.text.sanitize import strip_controls

MAX_PAGES = 500
_CJK_END = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$")
_ENDS_SENTENCE = re.compile(r"[.。!！?？:：;；\"”’)）\]】]\s*$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


class PdfError(ValueError):
    """A PDF newsdesk cannot read text from; the message says why."""


def _page_lines(page) -> list[tuple[float, str, float]]:
    """(baseline y, text, font size) for each drawn line of a page, top to bottom."""
    lines: list[list] = []  # [y, text]
    current: list | None = None

    def visit(text, cm, tm, font_dict, font_size) -> None:
        nonlocal current
        if not text:
            return
        y = tm[5] * cm[3] + cm[5]
        size = abs(font_size * tm[3]) or 10.0
        for n, piece in enumerate(text.split("\n")):
            if n:
                current = None
            if not piece:
                continue
            if current is None or abs(current[0] - y) > size * 0.5:
                current = [y, piece, size]
                lines.append(current)
            else:
                current[1] += piece

    with contextlib.suppress(Exception):  # a broken content stream: keep what was read
        page.extract_text(visitor_text=visit)
    return [(y, text.rstrip(), size) for y, text, size in lines if text.strip()]


def _join(a: str, b: str) -> str:
    if not a:
        return b
    if _CJK_END.search(a) or _CJK_START.search(b):
        return a + b
    if a.endswith("-") and b[:1].islower():
        return a[:-1] + b
    return f"{a} {b}"


def _paragraphs(lines: list[tuple[float, str, float]]) -> list[str]:
    """Lines joined into paragraphs: a gap wider than the line spacing starts one."""
    if not lines:
        return []
    gaps = [a[0] - b[0] for a, b in itertools.pairwise(lines) if a[0] - b[0] > 0]
    size = statistics.median(line[2] for line in lines)
    step = min(min(gaps), 1.6 * size) if gaps else 0.0
    out: list[str] = []
    paragraph = ""
    previous_y = None
    for y, text, _size in lines:
        gap = (previous_y - y) if previous_y is not None else 0.0
        if previous_y is not None and (gap > step * 1.4 or gap < 0):
            out.append(paragraph)
            paragraph = ""
        paragraph = _join(paragraph, text.strip())
        previous_y = y
    out.append(paragraph)
    return [p for p in out if p.strip()]


def _columns(text: str) -> int:
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _runs_on(lines: list[tuple[float, str, float]]) -> bool:
    """Whether a page's last paragraph goes on over the page: its last line is as wide as
    the page's lines are, and it stops mid-sentence."""
    if not lines:
        return False
    last = lines[-1][1].strip()
    widest = max(_columns(line[1]) for line in lines)
    return _columns(last) >= 0.8 * widest and not _ENDS_SENTENCE.search(last)


def pdf_text(data: bytes) -> str:
    """The text of a PDF: paragraphs separated by blank lines; PdfError if there is none."""
    import pypdf
    from pypdf.errors import PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfError("encrypted PDF (it needs a password)")
        pages = list(reader.pages[:MAX_PAGES])
    except PdfError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise PdfError(f"not a readable PDF ({type(exc).__name__})") from None
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise PdfError(f"not a readable PDF ({type(exc).__name__})") from None
    paragraphs: list[str] = []
    runs_on = False
    for page in pages:
        lines = _page_lines(page)
        found = _paragraphs(lines)
        if runs_on and paragraphs and found:
            paragraphs[-1] = _join(paragraphs[-1], found.pop(0))
        paragraphs.extend(found)
        runs_on = _runs_on(lines)
    text = strip_controls("\n\n".join(paragraphs))
    if not text.strip():
        raise PdfError("no text in this PDF (a scan needs OCR first)")
    return text
