"""Saved web pages to documents.

A page is turned into text (its paragraphs, without navigation, scripts or footers) and
goes through the same layout detection as a text file: a saved Caixin listing page gives
the items of its text copy. A page of no known layout that says it is one news article
(JSON-LD NewsArticle, `og:type` article, or an `<article>` element) becomes one item of the
generic article layout: headline, byline, date and main text. Other pages are refused.
"""

from __future__ import annotations

from store.intake.extract import article_meta, main_text
from store.intake.feeds import decode_markup
from store.intake.html import html_to_text
from store.model import ParsedDocument
from store.parsers.article import parse_article
from store.parsers.registry import UnknownLayoutError, parse_document
from store.text.sanitize import clean_line, strip_controls

# Page furniture: elements, ARIA roles and class/id words never part of a story.
_FURNITURE_TAGS = ("nav", "footer", "aside", "form", "dialog")
_FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})
_FURNITURE_WORDS = frozenset(
    {
        "nav",
        "navbar",
        "menu",
        "breadcrumb",
        "breadcrumbs",
        "footer",
        "site-footer",
        "sidebar",
        "cookie",
        "cookie-banner",
        "share",
        "social",
        "subscribe",
        "newsletter",
        "comments",
    }
)
MIN_ARTICLE_CHARS = 40


class PageError(ValueError):
    """A page newsdesk will not store; the message says why."""


def _parse(markup: str):
    from lxml import etree, html

    parser = html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        return html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def _drop_furniture(root) -> None:
    doomed = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        tag = node.tag.lower()
        words = set((node.get("class") or "").lower().split())
        words.add((node.get("id") or "").lower())
        if (
            tag in _FURNITURE_TAGS
            or (node.get("role") or "").lower() in _FURNITURE_ROLES
            or (tag in ("div", "ul", "section", "header") and words & _FURNITURE_WORDS)
        ):
            doomed.append(node)
    for node in doomed:
        parent = node.getparent()
        if parent is not None:
            node.drop_tree()


def page_text(root) -> str:
    """The page's text for layout detection: paragraphs separated by blank lines."""
    from lxml import html

    body = root.find("body")
    markup = html.tostring(body if body is not None else root, encoding="unicode")
    return "\n\n".join(html_to_text(markup, links=False, images=False))


def article_text(meta, body: list[str]) -> str:
    """An article in the generic layout's text form (store/parsers/article.py)."""
    header = [f"Article: {meta.headline}"]
    if meta.authors:
        header.append(f"By: {', '.join(meta.authors)}")
    if meta.published:
        header.append(f"Published: {meta.published}")
    if meta.publisher:
        header.append(f"Publisher: {meta.publisher}")
    if meta.section:
        header.append(f"Section: {meta.section}")
    if meta.url:
        header.append(f"URL: {meta.url}")
    lines = [clean_line(line) for line in header]
    return "\n".join(lines) + "\n\n" + "\n\n".join(clean_line(p) for p in body if clean_line(p))


def read_page(data: bytes, name: str) -> tuple[ParsedDocument, str]:
    """(document, its URL or "") for a saved page; PageError with the reason if refused."""
    markup = strip_controls(decode_markup(data))
    root = _parse(markup)
    if root is None:
        raise PageError("not a readable HTML page")
    meta = article_meta(root)
    _drop_furniture(root)
    text = page_text(root)
    try:
        return parse_document(text, name), meta.url
    except UnknownLayoutError as exc:
        layout_reason = str(exc)
    if not meta.kind:
        raise PageError(
            f"{layout_reason}; nor a news article page "
            "(no JSON-LD NewsArticle, og:type article or <article>)"
        )
    body = [p for p in (meta.body.split("\n") if meta.body else []) if p.strip()]
    if sum(map(len, body)) < MIN_ARTICLE_CHARS:
        body = main_text(markup, meta.url)
    if body and clean_line(body[0]) == meta.headline:
        body = body[1:]  # the extractor keeps the page's <h1>
    if not meta.headline:
        raise PageError(f"an article page ({meta.kind}) without a headline")
    if sum(map(len, body)) < MIN_ARTICLE_CHARS:
        raise PageError(f"an article page ({meta.kind}) with no article text in it")
    document = parse_article(article_text(meta, body), name)
    if not document.items:
        raise PageError(f"an article page ({meta.kind}) with no article text in it")
    return document, meta.url
