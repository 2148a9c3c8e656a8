"""Hostile and unlucky text: sanitising removes a control sequence and nothing around it,
repairs mojibake, strips the invisible and filler characters, keeps CJK and emoji."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.parsers.registry import parse_document
from store.text.sanitize import path_text, sanitize, strip_controls, visible
from tests.test_cli import SEEDS

CAIXIN = SEEDS / "001_ce5775964d962981.txt"

# ------------------------------------------------- string introducers never swallow text

C1_INTRODUCERS = {"DCS": "\x90", "SOS": "\x98", "OSC": "\x9d", "PM": "\x9e", "APC": "\x9f"}
ESC_INTRODUCERS = {"OSC": "\x1b]", "DCS": "\x1bP", "SOS": "\x1bX", "PM": "\x1b^", "APC": "\x1b_"}


@pytest.mark.parametrize("name", sorted(C1_INTRODUCERS))
def test_a_stray_c1_introducer_is_dropped_alone(name):
    """F4: one U+0090/0098/009D/009E/009F deleted the rest of the document."""
    text = "First paragraph ends here." + C1_INTRODUCERS[name] + "\n\nSecond paragraph.\n"
    assert strip_controls(text) == "First paragraph ends here.\n\nSecond paragraph.\n"


@pytest.mark.parametrize("name", sorted(ESC_INTRODUCERS))
def test_an_unterminated_escape_string_drops_only_its_introducer(name):
    """F4: an unterminated `ESC ]` swallowed the rest of the file."""
    text = f"line one\nline two {ESC_INTRODUCERS[name]}0;title\nline three\nline four\n"
    assert strip_controls(text) == "line one\nline two 0;title\nline three\nline four\n"


@pytest.mark.parametrize("introducer", [*C1_INTRODUCERS.values(), *ESC_INTRODUCERS.values()])
@pytest.mark.parametrize("terminator", ["\x07", "\x1b\\", "\x9c"])
def test_a_terminated_escape_string_is_removed_whole(introducer, terminator):
    assert strip_controls(f"a{introducer}0;PWNED{terminator}b") == "ab"


def test_a_terminator_on_a_later_line_does_not_join_the_lines():
    text = "keep \x1b]0;this line\nand this one\x07 too"
    assert strip_controls(text) == "keep 0;this line\nand this one too"


def test_a_stray_u0090_in_a_caixin_body_keeps_every_item():
    """F4: one U+0090 at the end of the first body paragraph got the document refused."""
    original = CAIXIN.read_text(encoding="utf-8")
    reference = parse_document(strip_controls(original), "c.txt")
    lines = original.split("\n")
    body = next(i for i, line in enumerate(lines) if len(line) > 200)
    lines[body] += "\x90"
    doc = parse_document(sanitize("\n".join(lines)).text, "c.txt")
    assert [i.title for i in doc.items] == [i.title for i in reference.items]
    assert len(doc.items) == 20


def test_an_unterminated_osc_on_line_3_keeps_the_document():
    original = CAIXIN.read_text(encoding="utf-8")
    lines = original.split("\n")
    lines[2] = "\x1b]0;" + lines[2]
    doc = parse_document(sanitize("\n".join(lines)).text, "c.txt")
    assert len(doc.items) == 20


# ------------------------------------------------------------------ mojibake repair


@pytest.mark.parametrize("codec", ["latin-1", "sloppy-windows-1252"])
def test_double_encoded_utf8_caixin_seed_gives_its_20_items(codec):
    """F4: the Caixin seed double-encoded stored 3 of its 20 items."""
    original = CAIXIN.read_text(encoding="utf-8")
    import ftfy.bad_codecs  # noqa: F401 - Windows' cp1252, which keeps bytes 0x81 0x8D 0x8F 0x90 0x9D

    mangled = original.encode("utf-8").decode(codec)
    assert "â€" in mangled or "â\x80" in mangled
    cleaned = sanitize(mangled)
    assert cleaned.repaired_lines > 0
    assert any("repaired" in note for note in cleaned.notes)
    doc = parse_document(cleaned.text, "mojibake.txt")
    reference = parse_document(strip_controls(original), "c.txt")
    assert len(doc.items) == 20
    assert [i.title for i in doc.items] == [i.title for i in reference.items]
    assert cleaned.text == strip_controls(original)  # the document back, exactly


def test_a_mixed_line_is_repaired_piece_by_piece():
    line = "He said “yes” and then â€œnoâ€\x9d."
    assert sanitize(line).text == "He said “yes” and then “no”."


@pytest.mark.parametrize(
    "text",
    [
        "Café crème brûlée, naïve façade, São Paulo, Zürich, Ærø, Ñandú",
        "Price: £5 · 10 € · ©2024 Acme™ — “quoted” ‘single’ …",
        "联想集团发布财报，营收增长。《科创板日报》记者获悉：“芯片”订单增加！",
        "Ã la carte is spelled à la carte",  # a lone Ã with a space after is not mojibake
    ],
)
def test_legitimate_text_is_not_repaired(text):
    cleaned = sanitize(text)
    assert cleaned.text == text and cleaned.repaired_lines == 0 and not cleaned.notes


def test_the_notes_say_what_was_stripped():
    cleaned = sanitize("a\x1b[31mb\x1b]0;t\x07c\u200bd\u202e")
    assert cleaned.text == "abcd"
    assert cleaned.notes == [
        "stripped 2 escape sequences",
        "stripped 2 control or invisible characters",
    ]
    assert sanitize("plain text").notes == []


# ------------------------------------------- default-ignorable, filler and separator set

STRIPPED = {
    "U+00AD soft hyphen": "\u00ad",
    "U+034F combining grapheme joiner": "\u034f",
    "U+061C arabic letter mark": "\u061c",
    "U+115F hangul choseong filler": "\u115f",
    "U+1160 hangul jungseong filler": "\u1160",
    "U+17B4 khmer vowel inherent aq": "\u17b4",
    "U+180B mongolian fvs1": "\u180b",
    "U+180E mongolian vowel separator": "\u180e",
    "U+200B zero width space": "\u200b",
    "U+200D zero width joiner": "\u200d",
    "U+200F right-to-left mark": "\u200f",
    "U+202E right-to-left override": "\u202e",
    "U+2066 left-to-right isolate": "\u2066",
    "U+2060 word joiner": "\u2060",
    "U+FE0F variation selector 16": "\ufe0f",
    "U+FEFF byte order mark": "\ufeff",
    "U+FFF9 interlinear annotation anchor": "\ufff9",
    "U+1BCA0 shorthand format letter overlap": "\U0001bca0",
    "U+1D173 musical symbol begin beam": "\U0001d173",
    "U+E0001 language tag": "\U000e0001",
    "U+E0041 tag latin capital a": "\U000e0041",
    "U+E007F cancel tag": "\U000e007f",
    "U+E0100 variation selector 17": "\U000e0100",
    "U+0085 next line (C1)": "\x85",
    "U+DC80 lone surrogate": "\udc80",
}
SPACED = {
    "U+2800 braille pattern blank": "\u2800",
    "U+3164 hangul filler": "\u3164",
    "U+FFA0 halfwidth hangul filler": "\uffa0",
}


@pytest.mark.parametrize("name", sorted(STRIPPED))
def test_each_invisible_character_is_stripped(name):
    """F21: these survived sanitising and two of them broke the pane borders."""
    ch = STRIPPED[name]
    assert strip_controls(f"Ten{ch}cent {ch * 5}Holdings{ch}") == "Tencent Holdings"


@pytest.mark.parametrize("name", sorted(SPACED))
def test_each_blank_filler_letter_becomes_a_space(name):
    ch = SPACED[name]
    assert strip_controls(f"Evil{ch}Corp") == "Evil Corp"
    assert strip_controls(f"x{ch * 3}y") == "x   y"


def test_line_and_paragraph_separators_become_newlines():
    assert strip_controls("one\u2028two\u2029three") == "one\ntwo\nthree"


@pytest.mark.parametrize(
    "text",
    [
        "腾讯控股（00700.HK）发布2024年第三季度财报，营收同比增长8%。",
        "半導體產業觀察：台積電３奈米製程良率提升",  # traditional, full-width digits
        "한국어 뉴스: 삼성전자 실적 발표",  # precomposed Hangul
        "日本語のニュース：ソフトバンクグループ",
        "Shares 🚀📈 up 😀 👍🏽 🇨🇳 🏴 ❤ 1⃣ ✅",  # emoji, skin tone, flag, keycap
        "Tab\tseparated\nand new lines\n\n  indented",
        "Markup stays literal: [bold]x[/] [@click=app.quit]q[/]",
        "Math ∑ ≤ ≥ ≠ · Arrows → ← · Box ┌─┐ · Dingbats ✓ ✗ ★",
    ],
)
def test_legitimate_cjk_emoji_and_symbols_survive(text):
    assert strip_controls(text) == text
    assert sanitize(text).text == text


def test_emoji_sequences_keep_every_visible_emoji():
    """ZWJ, VS16 and tag characters go (terminals disagree on their width); the emoji stay."""
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert strip_controls(family) == "\U0001f468\U0001f469\U0001f467"
    assert strip_controls("\u2764\ufe0f") == "\u2764"
    assert strip_controls(scotland) == "\U0001f3f4"


# --------------------------------------------------------------------- property tests

# Text with no control, invisible or filler character: what a document may hold.
_REMOVABLE = set(STRIPPED.values()) | set(SPACED.values()) | {"\r", "\u2028", "\u2029"}


def _plain(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Cs", "Zl", "Zp") and ch not in "\n\t":
        return False
    if "\U000e0000" <= ch <= "\U000e0fff":  # tags, variation selectors, reserved: ignorable
        return False
    return ch not in _REMOVABLE and not ("\u00c2" <= ch <= "\u00f4")  # no mojibake leads


plain_text = st.text(st.characters(codec="utf-8").filter(_plain), max_size=80)
sequences = st.sampled_from(
    [
        "\x1b[31m",
        "\x1b[0m",
        "\x1b[?1049h",
        "\x1b]0;PWNED\x07",
        "\x1b]52;c;cHduZWQ=\x07",
        "\x1b]8;;http://evil.example\x1b\\",
        "\x1bP+q544e\x1b\\",
        "\x9b2J",
        "\x9d0;title\x9c",
        "\x1bc",
        "\x1b]",
        "\x1bP",
        "\x90",
        "\x9d",
        "\x9f",
        "\x08",  # not BEL: an introducer, text and a BEL inserted apart form a real sequence
        "\x00",
        "\u202e",
        "\u200b",
        "\U000e0041",
        "\u061c",
    ]
)


@given(plain_text, st.lists(st.tuples(st.integers(0, 80), sequences), max_size=4))
def test_sanitising_removes_the_control_sequence_and_nothing_else(text, inserts):
    """Whatever is inserted where, the text around it comes out exactly as it was."""
    pieces, last = [], 0
    for at, sequence in sorted(inserts):
        at = min(at, len(text))
        pieces += [text[last:at], sequence]
        last = at
    hostile = "".join([*pieces, text[last:]])
    assert sanitize(hostile).text == text


@given(st.text())
def test_sanitised_text_has_no_control_or_invisible_character(text):
    out = sanitize(text).text
    for ch in out:
        category = unicodedata.category(ch)
        assert ch in "\n\t" or category not in ("Cc", "Cf", "Cs", "Zl", "Zp"), repr(ch)
        assert ch not in _REMOVABLE, repr(ch)


# --------------------------------------------------------------------- names shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("brief.txt", "brief.txt"),
        ("a\x1b]0;PWNED\x07.txt", "a\\x1b]0;PWNED\\x07.txt"),
        ("line2\nfake ok.txt", "line2\\nfake ok.txt"),
        ("tab\there.txt", "tab\\there.txt"),
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
        ("filler\u3164name", "filler\\u3164name"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("财新 科技.txt", "财新 科技.txt"),
        ("[bold]x[/].txt", "[bold]x[/].txt"),  # markup is left alone: printed as text
    ],
)
def test_visible_escapes_what_a_terminal_would_act_on(raw, shown):
    assert visible(raw) == shown


def test_a_gbk_file_name_is_decoded_and_random_bytes_are_escaped():
    """F5: GBK names from a zip made on Chinese Windows."""
    assert path_text(b"/in/\xb2\xc6\xd0\xc2\xbf\xc6\xbc\xbc.txt") == "/in/财新科技.txt"
    assert path_text(b"/in/caf\xe9.txt") == "/in/caf\\xe9.txt"
    assert path_text("/in/caf\udce9.txt") == "/in/caf\\xe9.txt"  # os.fsdecode's form


@given(st.text())
def test_a_visible_name_has_no_control_character(name):
    out = visible(name)
    shown = ("Cc", "Cf", "Cs", "Zl", "Zp", "Zs")
    assert all(ch == " " or unicodedata.category(ch) not in shown for ch in out), repr(out)
    assert not (set(out) & _REMOVABLE)
