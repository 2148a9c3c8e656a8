"""A small PDF writer for tests: text in paragraphs, word-wrapped, on A4 pages.

Glyphs are drawn through a Type0 font with Identity-H encoding (code = Unicode code point)
and a ToUnicode map, as PDF producers do for Chinese text; the font is not embedded (text
extraction needs only the map). `cmap="UniGB-UCS2-H"` writes the other common form: the
predefined Adobe-GB1 CMap and no ToUnicode map.
"""

from __future__ import annotations

import re
import zlib

LINE_CHARS = 64  # a CJK character counts as two
LINES_PER_PAGE = 50


def _width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def wrap(paragraph: str, limit: int = LINE_CHARS) -> list[str]:
    """Lines of at most `limit` columns: Latin text breaks at spaces, CJK anywhere."""
    lines: list[str] = []
    line = ""
    for token in re.findall(r"[\u2e80-\uffff]|\S+|\s+", paragraph):
        if token.isspace():
            if line:
                line += " "
            continue
        if _width(line) + _width(token) > limit and line.strip():
            lines.append(line.rstrip())
            line = ""
        while _width(token) > limit:  # a very long word
            lines.append(token[:limit])
            token = token[limit:]
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _stream(data: bytes) -> bytes:
    data = zlib.compress(data)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"


def write_pdf(paragraphs: list[str], *, title: str = "", cmap: str = "Identity-H") -> bytes:
    """A PDF showing `paragraphs` (blank line between them), wrapped and paginated."""
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(wrap(paragraph))
        lines.append("")
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    chars = sorted({ord(c) for line in lines for c in line if ord(c) < 0x10000})
    objs: dict[int, bytes] = {}
    page_ids = [10 + 2 * i for i in range(len(pages))]
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages))
    if cmap == "Identity-H":
        font, registry, ordering, supplement = b"NotoSansCJKsc-Regular", b"Adobe", b"Identity", 0
        to_unicode = b" /ToUnicode 5 0 R"
    else:
        font, registry, ordering, supplement = b"STSong-Light", b"Adobe", b"GB1", 2
        to_unicode = b""
    objs[3] = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /%s /DescendantFonts [4 0 R]%s >>"
        % (font, cmap.encode(), to_unicode)
    )
    objs[4] = (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (%s)"
        b" /Ordering (%s) /Supplement %d >> /FontDescriptor 6 0 R /DW 1000"
        b" /CIDToGIDMap /Identity >>" % (font, registry, ordering, supplement)
    )
    blocks = []
    for i in range(0, len(chars), 100):
        chunk = chars[i : i + 100]
        pairs = b"".join(b"<%04X> <%04X>\n" % (c, c) for c in chunk)
        blocks.append(b"%d beginbfchar\n%sendbfchar\n" % (len(chunk), pairs))
    objs[5] = _stream(
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + b"".join(blocks)
        + b"endcmap\n"
        b"CMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
    objs[6] = (
        b"<< /Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [0 -120 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>" % font
    )
    for number, page in zip(page_ids, pages, strict=True):
        ops = [b"BT /F1 10 Tf 14 TL 48 790 Td"]
        for line in page:
            if line:
                hexed = "".join(f"{ord(c):04X}" for c in line if ord(c) < 0x10000)
                ops.append(b"<%s> Tj" % hexed.encode())
            ops.append(b"T*")
        ops.append(b"ET")
        objs[number + 1] = _stream(b"\n".join(ops))
        objs[number] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            b" /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (number + 1)
        )
    if title:
        objs[7] = b"<< /Title <FEFF%s> >>" % title.encode("utf-16-be").hex().upper().encode()
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for n in sorted(objs):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n"
    size = max(objs) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for n in range(1, size):
        out += (b"%010d 00000 n \n" % offsets[n]) if n in offsets else b"0000000000 65535 f \n"
    info = b" /Info 7 0 R" if title else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (size, info, xref)
    return bytes(out)
