"""Feed parsing: the outlets' feed structures, dates with their offsets, HTML to text,
hostile and broken feeds."""

from __future__ import annotations

import pytest

from store.intake.dates import parse_date
from store.intake.feeds import FeedError, parse_feed
from store.intake.html import html_to_text
from tests.helpers import feed_fixtures as ff


def test_scmp_rss_with_cdata_and_beijing_offsets():
    feed = parse_feed(ff.scmp_tech())
    assert feed.kind == "RSS 2.0" and feed.title == "Tech - South China Morning Post"
    first = feed.entries[0]
    assert first.title == "Tencent's WeChat rolls out AI search powered by DeepSeek"
    assert first.link.endswith("/3298021/tencents-wechat-rolls-out-ai-search")
    assert first.guid == "3298021"
    assert first.published == "2025-02-16T19:30:08+08:00"
    assert first.authors == ["Ben Jiang"]
    assert first.body == [
        "Tencent Holdings is testing a search function in WeChat that uses DeepSeek's R1 model,"
        " as the AI race [1] heats up among China's Big Tech firms.",
        "[1] https://www.scmp.com/topics/artificial-intelligence",
    ]
    assert feed.entries[1].body[-1] == "[image: Huawei Mate XT on display]"
    # out of order in the feed, kept as written (the store sorts)
    assert [e.published[:10] for e in feed.entries] == ["2025-02-16", "2025-02-18", "2025-02-13"]


def test_technode_wordpress_prefers_full_content_and_keeps_utc():
    feed = parse_feed(ff.technode())
    byd, xiaomi = feed.entries
    assert byd.published == "2025-03-26T08:41:26+00:00"
    assert byd.authors == ["Cheyenne Zhang"] and byd.categories == ["Automotive", "BYD", "EV"]
    assert byd.guid == "https://technode.com/?p=190211"
    assert byd.body[0].startswith("Chinese electric vehicle maker BYD (1211.HK) is weighing")
    assert "Exports rose 40% in the first two months" in byd.body[1]
    assert "[image: BYD Seal on display in Munich]" in byd.body
    assert byd.body[-1] == (
        "[1] https://technode.com/2025/03/26/byd-to-build-third-european-plant/\n"
        "[2] https://technode.com"
    )
    assert xiaomi.title == "Xiaomi’s SU7 Ultra sells 10,000 units in two hours"


def test_36kr_chinese_with_its_own_date_style():
    feed = parse_feed(ff.kr36())
    assert feed.title == "36氪" and feed.language == "zh-cn"
    xiaomi = feed.entries[0]
    assert xiaomi.title == "小米集团2024年营收3659亿元，汽车业务首年交付超13.5万辆"
    assert xiaomi.published == "2025-03-18T18:03:21+08:00"
    assert xiaomi.guid == ""  # 36Kr gives no guid: the link identifies the item
    assert xiaomi.body == [
        "小米集团（1810.HK）发布2024年财报，全年营收3659亿元，同比增长35%。",
        "其中智能电动汽车等创新业务收入321亿元。 [image: 小米SU7]",
    ]
    assert feed.entries[1].body[-1] == "[1] https://www.tencent.com/zh-cn/investors.html"
    assert feed.entries[2].body == ["寒武纪（688256.SH）披露年报，营业收入11.74亿元。"]


def test_pandaily_dc_date_and_permalink_guid():
    feed = parse_feed(ff.pandaily())
    nio = feed.entries[0]
    assert nio.published == "2025-04-19T22:00:00+08:00"
    assert nio.guid == nio.link == "https://pandaily.com/nio-launches-firefly-brand/"


def test_krasia_rss_1_0():
    feed = parse_feed(ff.krasia())
    assert feed.kind == "RSS 1.0" and feed.title == "KrASIA"
    (entry,) = feed.entries
    assert entry.title == "Meituan takes Keeta to Brazil with USD 1 billion plan"
    assert entry.guid == "https://kr-asia.com/meituan-keeta-brazil"
    assert entry.authors == ["Ding Wenqi"] and entry.categories == ["Delivery"]
    assert entry.published == "2025-05-13T14:20:00+08:00"


def test_sixth_tone_atom_html_title_and_xhtml_content():
    feed = parse_feed(ff.sixth_tone())
    assert feed.kind == "Atom" and feed.link == "https://www.sixthtone.com/"
    gen_z, metro = feed.entries
    assert gen_z.title == "China’s Gen Z Turns to DeepSeek for Life Advice"
    assert gen_z.published == "2025-03-20T17:30:00+08:00"  # published wins over updated
    assert gen_z.body == [
        "Young people across China say DeepSeek is a patient listener.",
        "Some use it every night [1].",
        "[1] https://www.sixthtone.com/news/1016000",
    ]
    assert metro.published == "2025-03-18T09:00:00+08:00"
    assert metro.authors == ["Fan Yiying", "Ni Dandan"]


def test_json_feed_with_a_title_from_the_text():
    feed = parse_feed(ff.json_feed())
    assert feed.kind == "JSON Feed"
    ernie, jd = feed.entries
    assert ernie.categories == ["AI", "Baidu"] and ernie.authors == ["Li Na"]
    assert jd.guid == "13"
    assert jd.title == "JD.com launches food delivery."
    assert jd.body == ["JD.com launches food delivery. It waives fees for a year."]


def test_billion_laughs_is_refused_quickly():
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(ff.BILLION_LAUGHS)


def test_external_entity_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    with pytest.raises(FeedError, match="declares XML entities") as info:
        parse_feed(ff.external_entity(str(secret)))
    assert "TOP-SECRET" not in str(info.value)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (ff.HTML_PAGE, "not a feed (HTML page)"),
        (b"<html><body>a page</body></html>", "not a feed (HTML page)"),
        (b"\x00\x01\x02binary\xff\xfe" * 100, "not a feed (binary data)"),
        (b"just some words", "not a feed (not XML)"),
        (b"", "empty response"),
        (b'{"hello": "world"}', "not a feed (JSON, but not a JSON Feed)"),
        (b"{not json", "not a feed (bad JSON)"),
        (b"<?xml version='1.0'?><svg/>", "not a feed (an XML document <svg>)"),
        (b"<rss version='2.0'></rss>", "not a feed (RSS without a channel)"),
    ],
)
def test_not_a_feed_is_named(data, reason):
    with pytest.raises(FeedError) as info:
        parse_feed(data)
    assert str(info.value) == reason


def _rss_with(title: str, encoding: str) -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>{title}</title><link>https://x.example/1</link></item></channel></rss>"
    )


@pytest.mark.parametrize(
    ("declared", "actual", "header"),
    [
        ("gb2312", "utf-8", ""),  # declares GB2312, is UTF-8
        ("utf-8", "gb18030", ""),  # declares UTF-8, is GBK
        ("utf-8", "gb18030", "text/xml; charset=utf-8"),
        ("iso-8859-1", "utf-8", "application/rss+xml; charset=iso-8859-1"),
        ("gbk", "gb18030", "text/xml"),  # declared right
        ("big5", "big5", ""),
    ],
)
def test_wrong_declared_encodings_still_read(declared, actual, header):
    title = "腾讯发布财报" if actual != "big5" else "騰訊發布財報"
    data = _rss_with(title, declared).encode(actual)
    assert parse_feed(data, header).entries[0].title == title


def test_latin1_declared_right():
    data = _rss_with("Café résumé", "iso-8859-1").encode("latin-1")
    assert parse_feed(data).entries[0].title == "Café résumé"


def test_control_and_escape_characters_are_stripped():
    data = _rss_with("Evil \x1b]8;;http://x\x07link\x1b[2J title\u202e", "utf-8").encode()
    assert parse_feed(data).entries[0].title == "Evil link title"


def test_items_without_a_title_or_text_are_dropped():
    data = (
        b"<rss version='2.0'><channel><title>t</title><item><link>https://x.example/</link>"
        b"</item><item><title>kept</title></item></channel></rss>"
    )
    feed = parse_feed(data)
    assert [e.title for e in feed.entries] == ["kept"]
    assert feed.entries[0].link == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tue, 01 Apr 2025 10:30:00 +0800", "2025-04-01T10:30:00+08:00"),
        ("Tue, 01 Apr 2025 10:30:00 CST", "2025-04-01T10:30:00+08:00"),
        ("01 Apr 2025 02:30 GMT", "2025-04-01T02:30:00+00:00"),
        ("2025-04-01T10:30:00Z", "2025-04-01T10:30:00+00:00"),
        ("2025-04-01T10:30:00.250+0800", "2025-04-01T10:30:00+08:00"),
        ("北京时间2025年4月1日10:30", "2025-04-01T10:30:00+08:00"),
        ("2025年04月01日 下午3:05", "2025-04-01T15:05:00+08:00"),
        ("2025-04-01 10:30 北京时间", "2025-04-01T10:30:00+08:00"),
        ("2025-04-01 10:30 (Beijing Time)", "2025-04-01T10:30:00+08:00"),
        ("April 1, 2025 10:30 PM +0800", "2025-04-01T22:30:00+08:00"),
        ("2025-04-01 10:30:00", "2025-04-01T10:30:00"),
        ("2025-04-01", "2025-04-01"),
        ("2025-02-30", ""),
        ("yesterday", ""),
    ],
)
def test_dates_keep_their_offset(text, expected):
    assert parse_date(text) == expected


def test_a_chinese_feed_without_offsets_is_beijing_time():
    data = (
        "<rss version='2.0'><channel><title>科技快讯</title><item><title>标题</title>"
        "<pubDate>2025-04-01 10:30:00</pubDate></item></channel></rss>"
    ).encode()
    assert parse_feed(data).entries[0].published == "2025-04-01T10:30:00+08:00"


def test_html_to_text_paragraphs_links_images_and_no_scripts():
    html = (
        "<div><h2>Heading</h2><p>One <a href='/a'>link</a> and <a href='javascript:x()'>js</a>"
        " and <a href='/a'>again</a>.</p><script>alert(1)</script><style>p{}</style>"
        "<ul><li>first</li><li>second</li></ul><p>line<br>break</p>"
        "<img src='x.png'><img alt='chart'></div>"
    )
    assert html_to_text(html, "https://site.example/news/") == [
        "Heading",
        "One link [1] and js and again [1].",
        "• first",
        "• second",
        "line\nbreak",
        "[image] [image: chart]",
        "[1] https://site.example/a",
    ]
