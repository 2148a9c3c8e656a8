"""Saved pages and PDFs through the same layout detection as text files."""

from __future__ import annotations

import html
import json
import re

import pytest

from store.ingest import ingest_paths, read_document
from store.storage.store import Store
from store.text.sanitize import strip_controls
from tests.conftest import TEST_USER
from tests.helpers.feed_fixtures import SEED_FILES, seed_path, seed_text
from tests.helpers.tiny_pdf import write_pdf

_BYLINE = re.compile(r"^[^/\n]{0,120}/\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4}.*/")


def wrap_in_page(text: str, title: str) -> bytes:
    """A seed's lines as a saved page: head, scripts, navigation, paragraphs, footer."""
    lines = [line.strip() for line in strip_controls(text).split("\n") if line.strip()]
    parts = []
    for line in lines:
        css = "byline" if _BYLINE.match(line) else "text"
        parts.append(f'<div class="{css}"><p>{html.escape(line)}</p></div>')
    return f"""<!-- saved from url=(0038)https://www.caixinglobal.com/tech/ -->
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<link rel="stylesheet" href="page_files/site.css">
<script>window.dataLayer = []; function gtag(){{dataLayer.push(arguments)}}</script>
<style>.byline {{ color: grey }}</style></head>
<body>
<header class="site-header"><nav><ul><li><a href="/">Home</a></li><li><a href="/tech">Tech</a></li>
<li><a href="/economy">Economy</a></li></ul></nav></header>
<div class="cookie-banner">We use cookies. <button>Accept</button></div>
<main><section class="list">{"".join(parts)}</section></main>
<aside class="sidebar"><h3>Most Popular</h3>
<ol><li><a href="/x">Another story</a></li></ol></aside>
<footer><p>Copyright 2021 Caixin Global. All rights reserved.</p>
<a href="/about">About us</a></footer>
<script src="page_files/app.js"></script>
</body></html>""".encode()


def _items(doc) -> list[tuple]:
    return [(i.title, i.published, i.body, i.publisher) for i in doc.items]


@pytest.mark.parametrize("kind", sorted(SEED_FILES))
def test_a_saved_page_gives_the_items_of_its_text_copy(tmp_path, kind):
    text_doc, _ = read_document(seed_path(kind))
    page = tmp_path / f"{kind}.html"
    page.write_bytes(wrap_in_page(seed_text(kind), text_doc.title))
    page_doc, _ = read_document(page)
    assert page_doc.layout == text_doc.layout
    assert _items(page_doc) == _items(text_doc)


def _article_page(*, json_ld: bool = True, og: bool = False, article_tag: bool = True) -> bytes:
    paragraphs = [
        "小米集团（1810.HK）3月28日晚发布小米SU7 Ultra量产版，售价52.99万元，"
        "雷军表示预订量在两小时内突破一万台。",
        "这是小米汽车发布的第二款车型。小米集团表示，2025年全年交付目标提升至35万辆，"
        "北京亦庄工厂二期正在建设中。",
        "分析人士认为，高性能车型有助于提升品牌形象，但能否持续放量仍有待观察。",
    ]
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "36氪"},
            {
                "@type": "NewsArticle",
                "headline": "小米SU7 Ultra发布：两小时预订破万",
                "datePublished": "2025-03-28T21:30:00+08:00",
                "author": [
                    {"@type": "Person", "name": "李明"},
                    {"@type": "Person", "name": "王芳"},
                ],
                "publisher": {"@type": "Organization", "name": "36氪"},
                "articleSection": "汽车",
                "mainEntityOfPage": {"@id": "https://36kr.com/p/3225000000000001"},
            },
        ],
    }
    head = [
        "<meta charset='utf-8'><title>小米SU7 Ultra发布 - 36氪</title>",
        "<link rel='canonical' href='https://36kr.com/p/3225000000000001'>",
    ]
    if json_ld:
        head.append(
            f"<script type='application/ld+json'>{json.dumps(ld, ensure_ascii=False)}</script>"
        )
    if og:
        head += [
            "<meta property='og:type' content='article'>",
            "<meta property='og:title' content='小米SU7 Ultra发布：两小时预订破万'>",
            "<meta property='og:site_name' content='36氪'>",
            "<meta property='article:published_time' content='2025-03-28T21:30:00+08:00'>",
            "<meta name='author' content='李明'>",
        ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    main = (
        f"<article><h1>小米SU7 Ultra发布：两小时预订破万</h1>"
        f"<div class='byline'>李明 王芳 · 2025-03-28 21:30</div>{body}</article>"
        if article_tag
        else f"<div class='content'><h1>小米SU7 Ultra发布：两小时预订破万</h1>{body}</div>"
    )
    return (
        f"<!DOCTYPE html><html lang='zh-CN'><head>{''.join(head)}</head><body>"
        "<nav><a href='/'>首页</a><a href='/newsflashes'>快讯</a><a href='/login'>登录</a></nav>"
        f"{main}<div class='related'><h3>相关推荐</h3><a href='/p/2'>另一篇文章</a></div>"
        "<footer>© 2025 36氪 京ICP备12345678号</footer></body></html>"
    ).encode(), paragraphs


def test_an_article_page_with_json_ld_is_one_item(tmp_path):
    data, paragraphs = _article_page()
    page = tmp_path / "xiaomi.html"
    page.write_bytes(data)
    doc, _ = read_document(page)
    assert doc.layout == "article"
    (item,) = doc.items
    assert item.title == "小米SU7 Ultra发布：两小时预订破万"
    assert item.published == "2025-03-28T21:30:00+08:00"
    assert item.authors == ["李明", "王芳"]
    assert item.publisher == "36氪" and item.section == "汽车"
    assert item.body == paragraphs


def test_an_og_article_page_without_json_ld(tmp_path):
    data, paragraphs = _article_page(json_ld=False, og=True, article_tag=False)
    page = tmp_path / "og.html"
    page.write_bytes(data)
    (item,) = read_document(page)[0].items
    assert item.title == "小米SU7 Ultra发布：两小时预订破万"
    assert item.published == "2025-03-28T21:30:00+08:00" and item.authors == ["李明"]
    assert item.body == paragraphs


def test_an_article_element_alone_is_enough(tmp_path):
    data, paragraphs = _article_page(json_ld=False, og=False, article_tag=True)
    page = tmp_path / "bare.html"
    page.write_bytes(data)
    (item,) = read_document(page)[0].items
    assert item.title == "小米SU7 Ultra发布：两小时预订破万"
    assert item.publisher == "Web article" and item.published == ""
    assert item.body == paragraphs


def test_other_pages_are_refused_with_a_reason(tmp_path):
    shop = tmp_path / "shop.html"
    shop.write_bytes(
        b"<!DOCTYPE html><html><head><title>Buy phones</title></head><body><h1>Phones</h1>"
        b"<div class='product'><p>Mi 15 - 3999 yuan</p></div></body></html>"
    )
    results = ingest_paths(Store(tmp_path / "s", user=TEST_USER), [shop])
    from store.parsers.registry import no_known_layout

    assert results[0].error == (
        f"{no_known_layout()}; nor a news article page"
        " (no JSON-LD NewsArticle, og:type article or <article>)"
    )


def test_ingesting_pages_into_a_store_links_companies(tmp_path):
    data, _ = _article_page()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.html").write_bytes(data)
    (tmp_path / "in" / "caixin.html").write_bytes(wrap_in_page(seed_text("caixin"), "Caixin"))
    # a page saved "complete": its resources folder is not ingested
    (tmp_path / "in" / "caixin_files").mkdir()
    (tmp_path / "in" / "caixin_files" / "app.js").write_text("var x = 1;")
    store = Store(tmp_path / "s", user=TEST_USER)
    results = ingest_paths(store, [tmp_path / "in"])
    assert [(r.path.name, r.layout, r.new, r.error) for r in results] == [
        ("a.html", "article", 1, None),
        ("caixin.html", "caixin_listing", 20, None),
    ]
    xiaomi = next(r for r in store.get_many(store.index.ids) if r["title"].startswith("小米"))
    assert "1810.HK" in xiaomi["tickers"]
    assert [d.rsplit("/", 1)[-1] for d in xiaomi["documents"]] == ["a.html"]  # by its path


@pytest.mark.parametrize("cmap", ["Identity-H", "UniGB-UCS2-H"])
@pytest.mark.parametrize("kind", sorted(SEED_FILES))
def test_a_pdf_gives_the_items_of_its_text_copy(tmp_path, kind, cmap):
    text_doc, _ = read_document(seed_path(kind))
    lines = [line.strip() for line in strip_controls(seed_text(kind)).split("\n") if line.strip()]
    pdf = tmp_path / f"{kind}.pdf"
    pdf.write_bytes(write_pdf(lines, cmap=cmap))
    pdf_doc, _ = read_document(pdf)
    assert pdf_doc.layout == text_doc.layout
    assert _items(pdf_doc) == _items(text_doc)


def test_chinese_pdf_text_is_exact(tmp_path):
    from store.intake.pdf import pdf_text

    lines = [
        "科创板日报 3月26日讯",
        "【寒武纪（688256.SH）发布2024年年报】营收同比增长65.56%，净利润扭亏为盈。",
    ]
    assert pdf_text(write_pdf(lines)) == "\n\n".join(lines)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7\n garbage that is not a pdf", "not a readable PDF"),
        (write_pdf([]), "no text in this PDF (a scan needs OCR first)"),
        (write_pdf(["Just a memo about lunch on Friday."]), "no known layout"),
    ],
)
def test_bad_pdfs_are_refused_with_a_reason(tmp_path, data, reason):
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    (result,) = ingest_paths(Store(tmp_path / "s", user=TEST_USER), [path])
    assert result.error is not None and result.error.startswith(reason)
