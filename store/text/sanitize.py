"""Make untrusted document text inert: decode bytes, strip control and escape sequences."""

from __future__ import annotations

import codecs
import re

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC
# (ESC P|X|^|_ ... ST) and two-byte escapes; plus their 8-bit C1 forms.
_ESCAPES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?      # CSI
  | (?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)  # OSC, DCS, SOS, PM, APC
  | \x1b[\x20-\x2f]*[\x30-\x7e]?                              # other ESC sequences
    """,
    re.VERBOSE | re.DOTALL,
)
# C0 controls but tab and newline, DEL, C1 controls; bidi embeddings, overrides and isolates;
# zero-width and other invisible format characters; the BOM.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]"
)


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and invisible/control characters.

    Newlines and tabs are kept; CR/CRLF become newlines.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    return _INVISIBLE.sub("", text)


def clean_line(text: str) -> str:
    """`strip_controls` for a single-line field: whitespace runs folded to one space."""
    return " ".join(strip_controls(text).split())


class UndecodableError(ValueError):
    """The bytes are not text in any encoding newsdesk reads."""


_BINARY_CONTROLS = bytes([*range(0, 9), *range(14, 27), *range(28, 32)])


def _looks_binary(data: bytes) -> bool:
    """Binary files are dense with control bytes; hostile text has a few, to be stripped."""
    sample = data[:65536]
    controls = sum(sample.count(byte) for byte in _BINARY_CONTROLS)
    return controls * 20 > len(sample)


def decode_document(data: bytes) -> str:
    """Decode a document's bytes: BOM-marked UTF-8/16/32, UTF-8, then GB18030.

    Raises UndecodableError for binary data or text in no supported encoding.
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise UndecodableError(
                    f"invalid {encoding.upper()} after its byte-order mark"
                ) from exc
    if _looks_binary(data):
        raise UndecodableError("binary data, not a text document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    # GB18030 maps almost any byte string; accept it only if it reads as CJK text.
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f")
    other = sum(1 for ch in text if ord(ch) > 0x7F) - cjk
    if cjk and other <= cjk // 4:
        return text
    # UTF-8 with a stray bad byte or two: keep the document, mark the bytes as U+FFFD.
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") * 200 <= len(text):
        return text
    raise UndecodableError("not valid UTF-8 text, nor Chinese text in GB18030/GBK")
