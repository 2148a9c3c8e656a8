"""An article page's main text (trafilatura) and its metadata (JSON-LD, OpenGraph, meta).

Works on HTML already in hand: nothing here touches the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import orjson

from store.intake.dates import parse_date
from store.intake.html import plain_text
from store.text.sanitize import clean_line, strip_controls

_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "blogposting",
        "liveblogposting",
        "techarticle",
        "report",
    }
)
MAX_PARAGRAPHS = 400


@dataclass(slots=True)
class ArticleMeta:
    """What a page says about itself; `kind` names the evidence that it is an article."""

    kind: str = ""  # "JSON-LD NewsArticle", "og:type article", "<article>", or ""
    headline: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""
    publisher: str = ""
    section: str = ""
    url: str = ""
    description: str = ""
    body: str = ""  # JSON-LD articleBody, when the page carries it


def main_text(html: str, url: str = "") -> list[str]:
    """The page's main text as paragraphs (navigation, bylines, footers dropped); [] if
    no main text was found."""
    import trafilatura

    try:
        text = trafilatura.extract(
            html,
            url=url or None,
            output_format="txt",
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            favor_precision=True,
            deduplicate=False,  # its cache spans calls: a page seen twice would lose its text
            with_metadata=False,
        )
    except Exception:  # an extractor bug on one page must not take a fetch down
        return []
    if not text:
        return []
    text = strip_controls(text)
    paragraphs = [clean_line(p) for p in re.split(r"\n+", text)]
    return [p for p in paragraphs if p][:MAX_PARAGRAPHS]


def _json_ld_objects(root) -> list[dict]:
    out: list[dict] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw or len(raw) > 2_000_000:
            continue
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        stack = [data]
        while stack and len(out) < 50:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(reversed(node))
            elif isinstance(node, dict):
                out.append(node)
                graph = node.get("@graph")
                if isinstance(graph, list):
                    stack.extend(reversed(graph))
    return out


def _types(node: dict) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def _names(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        name = v.get("name") if isinstance(v, dict) else v
        if isinstance(name, str) and clean_line(name):
            out.append(plain_text(name))
    return out


def _meta(root, *keys: str) -> str:
    wanted = {k.lower() for k in keys}
    for node in root.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        if key in wanted and node.get("content"):
            return node.get("content", "")
    return ""


def article_meta(root) -> ArticleMeta:
    """Metadata of a parsed page (an lxml.html root): JSON-LD first, then OpenGraph and
    `<meta>` tags; `kind` is "" when nothing says the page is one article."""
    meta = ArticleMeta()
    for node in _json_ld_objects(root):
        if _types(node) & _ARTICLE_TYPES:
            meta.kind = "JSON-LD NewsArticle"
            meta.headline = plain_text(str(node.get("headline") or node.get("name") or ""))
            meta.authors = _names(node.get("author"))
            meta.published = parse_date(str(node.get("datePublished") or ""))
            meta.publisher = (_names(node.get("publisher")) or [""])[0]
            section = node.get("articleSection")
            meta.section = plain_text(
                section[0] if isinstance(section, list) and section else str(section or "")
            )
            meta.url = clean_line(str(node.get("url") or node.get("mainEntityOfPage") or ""))
            if isinstance(node.get("mainEntityOfPage"), dict):
                meta.url = clean_line(str(node["mainEntityOfPage"].get("@id") or ""))
            meta.description = plain_text(str(node.get("description") or ""))
            body = node.get("articleBody")
            meta.body = strip_controls(body) if isinstance(body, str) else ""
            break
    og_type = _meta(root, "og:type").strip().lower()
    if not meta.kind and og_type == "article":
        meta.kind = "og:type article"
    if not meta.kind and root.find(".//article") is not None:
        meta.kind = "<article>"
    meta.headline = meta.headline or plain_text(_meta(root, "og:title", "twitter:title"))
    if not meta.headline:
        h1 = root.find(".//h1")
        meta.headline = plain_text("".join(h1.itertext())) if h1 is not None else ""
    if not meta.headline:
        title = root.find(".//title")
        meta.headline = plain_text("".join(title.itertext())) if title is not None else ""
    if not meta.authors:
        meta.authors = _names(_meta(root, "author", "article:author", "byl", "dc.creator"))
    meta.published = meta.published or parse_date(
        _meta(root, "article:published_time", "datePublished", "pubdate", "publishdate", "dc.date")
    )
    meta.publisher = meta.publisher or plain_text(_meta(root, "og:site_name", "publisher"))
    meta.section = meta.section or plain_text(_meta(root, "article:section"))
    meta.url = meta.url or clean_line(_meta(root, "og:url"))
    if not meta.url:
        for link in root.iter("link"):
            if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
                meta.url = clean_line(link.get("href", ""))
                break
    meta.description = meta.description or plain_text(_meta(root, "og:description", "description"))
    if not re.match(r"https?://", meta.url):
        meta.url = ""
    return meta
