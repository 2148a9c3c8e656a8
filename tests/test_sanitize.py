"""Untrusted text: decoding and stripping control and escape sequences."""

from __future__ import annotations

import codecs
import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.text.sanitize import UndecodableError, clean_line, decode_document, strip_controls

HOSTILE = {
    "csi colour": ("red \x1b[31mALERT\x1b[0m done", "red ALERT done"),
    "osc 52 clipboard": ("a\x1b]52;c;cm0gLXJmIH4=\x07b", "ab"),
    "osc 8 link": ("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click"),
    "title change": ("\x1b]0;pwned\x07title", "title"),
    "c1 csi": ("x\x9b31my", "xy"),
    "c0": ("bell\x07 back\x08space\x00nul", "bell backspacenul"),
    "bidi override": ("abc\u202edcba\u202c", "abcdcba"),
    "zero width": ("Ten\u200bcent\u2060", "Tencent"),
    "crlf": ("one\r\ntwo\rthree", "one\ntwo\nthree"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_strip_controls(case):
    raw, expected = HOSTILE[case]
    assert strip_controls(raw) == expected


def test_markup_is_left_as_text():
    text = "[bold red]x[/] [link=file:///etc/passwd]y[/link] [@click=app.quit]q[/]"
    assert strip_controls(text) == text


def test_clean_line_folds_whitespace():
    assert clean_line("  Digital   Automation\tCloud \n") == "Digital Automation Cloud"


def test_a_stray_bad_byte_in_long_utf8_text_is_replaced():
    text = ("Tencent shares rose on Monday. " * 40).encode() + b"caf\xe9"
    assert decode_document(text).endswith("caf\ufffd")


def test_decode_encodings():
    chinese = "联想集团发布财报，营收增长。" * 3
    assert decode_document(chinese.encode("utf-8")) == chinese
    assert decode_document(codecs.BOM_UTF8 + chinese.encode("utf-8")) == chinese
    assert decode_document(chinese.encode("gb18030")) == chinese
    assert decode_document(chinese.encode("gbk")) == chinese
    assert decode_document(codecs.BOM_UTF16_LE + chinese.encode("utf-16-le")) == chinese
    assert decode_document(chinese.encode("utf-16")) == chinese


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"abc \xff\xfe\xfd caf\xe9"],
)
def test_binary_and_invalid_bytes_are_refused(data):
    with pytest.raises(UndecodableError):
        decode_document(data)


@given(st.text())
def test_stripped_text_has_no_controls(text):
    out = strip_controls(text)
    assert "\x1b" not in out and "\r" not in out
    assert all(ch in "\n\t" or not (ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F) for ch in out)


@given(st.binary())
def test_decode_never_raises_anything_else(data):
    with contextlib.suppress(UndecodableError):
        decode_document(data)


# The characters some step of sanitising changes, and their neighbours: the fast path
# (`_nothing_to_strip`) must leave exactly the texts the full path leaves unchanged.
_SANITIZE_ALPHABET = [
    *"ab c\n\t\r[]\\;0P^_",
    *(chr(c) for c in [*range(0x20), *range(0x7F, 0xA1)]),
    *"\u00ad\u034f\u061c\u180e\u2028\u2029\u2800\u3164\uffa0\u200b\u202e\u2060\ufe0f\ufeff",
    *"\u00c1\u00c2\u00e2\u00f4\u00f5\u20ac\u0153\u00a9\u4e2d\u6587\ud800\U000e0041\U0001d173",
    "\x1b]0;x\x07",
    "\x1b[31m",
    "\u00e2\u20ac\u0153",
]


@given(st.lists(st.sampled_from(_SANITIZE_ALPHABET), max_size=12).map("".join), st.booleans())
def test_sanitize_fast_path_gives_what_the_full_path_gives(text, repair):
    _same_on_both_paths(text, repair)


@pytest.mark.parametrize("text", [*_SANITIZE_ALPHABET, "plain \u4e2d\u6587 text", "a\r\nb"])
def test_sanitize_fast_path_on_each_character(text):
    for repair in (True, False):
        _same_on_both_paths(f"x {text} y", repair)


def _same_on_both_paths(text: str, repair: bool) -> None:
    from store.text.sanitize import _sanitize_fully, sanitize

    fast, full = sanitize(text, repair=repair), _sanitize_fully(text, repair)
    assert (fast.text, fast.repaired_lines, fast.sequences, fast.characters, fast.notes) == (
        full.text,
        full.repaired_lines,
        full.sequences,
        full.characters,
        full.notes,
    )


@given(st.binary(max_size=64))
def test_binary_sniffing_counts_every_control_byte(data):
    from store.text.sanitize import _BINARY_CONTROLS, _looks_binary

    controls = sum(data.count(byte) for byte in _BINARY_CONTROLS)
    assert _looks_binary(data) == (controls * 20 > len(data))


@given(st.lists(st.sampled_from(_SANITIZE_ALPHABET), max_size=12).map("".join))
def test_clean_line_fast_path_gives_what_stripping_gives(text):
    assert clean_line(text) == " ".join(strip_controls(text).split())


@pytest.mark.parametrize("code", range(128))
def test_clean_line_of_each_ascii_character(code):
    text = f"a {chr(code)}b{chr(code)}  c"
    assert clean_line(text) == " ".join(strip_controls(text).split())
