"""HTML to plain text: paragraphs, links numbered at the end, images as `[image: alt]`.

Used for feed summaries and for saved pages. The result is inert text: scripts, styles and
comments are dropped, control and escape characters stripped (`store.text.sanitize`).
"""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import urljoin, urlsplit

from store.text.sanitize import clean_line, strip_controls

# Elements whose end (and start) ends a paragraph.
_BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main", "menu",
    "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
))  # fmt: skip
# Elements whose content is never text.
_SKIP = frozenset((
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
    "head", "title", "canvas", "audio", "video", "source", "track", "button", "select",
    "option", "textarea", "input", "map", "area",
))  # fmt: skip
_TAG = re.compile(r"<[A-Za-z!/?]")
MAX_LINKS = 50


def looks_like_html(text: str) -> bool:
    """Whether a feed field holds markup (a tag) rather than plain text."""
    return bool(_TAG.search(text))


def plain_text(text: str) -> str:
    """One line of text from a field that may hold markup or entities ("A &amp; B")."""
    if looks_like_html(text):
        paragraphs = html_to_text(text, links=False, images=False)
        text = " ".join(paragraphs)
    else:
        text = html_lib.unescape(text)
    return clean_line(text)


def _parse_fragment(markup: str):
    from lxml import etree, html

    try:
        parser = html.HTMLParser(
            remove_comments=True,
            remove_pis=True,
            no_network=True,
            recover=True,
            default_doctype=False,
        )
        root = html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError):
        return None
    return root


def _safe_href(href: str, base: str) -> str:
    href = " ".join(href.split())
    if not href:
        return ""
    try:
        absolute = href[:8].lower().startswith(("http://", "https://"))
        url = urljoin(base, href) if base and not absolute else href
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    if scheme not in ("http", "https"):
        return ""
    return clean_line(url)


class _Writer:
    """Collects inline text into paragraphs."""

    def __init__(self, base: str, links: bool, images: bool) -> None:
        self.base = base
        self.want_links = links
        self.want_images = images
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.links: list[str] = []
        self.link_numbers: dict[str, int] = {}
        self.pre = 0

    def text(self, value: str | None) -> None:
        if value:
            self.current.append(value if self.pre else re.sub(r"\s+", " ", value))

    def newline(self) -> None:
        self.current.append("\n")

    def end_paragraph(self) -> None:
        raw = "".join(self.current)  # the markup was stripped of controls before parsing
        self.current = []
        if self.pre:
            text = "\n".join(line.rstrip() for line in raw.split("\n")).strip("\n")
        else:
            lines = (" ".join(line.split()) for line in raw.split("\n"))
            text = "\n".join(line for line in lines if line)
        if text.strip():
            self.paragraphs.append(text)

    def link(self, href: str) -> str:
        url = _safe_href(href, self.base)
        if not url or not self.want_links:
            return ""
        number = self.link_numbers.get(url)
        if number is None:
            if len(self.links) >= MAX_LINKS:
                return ""
            self.links.append(url)
            number = self.link_numbers[url] = len(self.links)
        return f"[{number}]"

    def image(self, alt: str | None) -> None:
        if not self.want_images:
            return
        alt = clean_line(alt or "")
        self.current.append(f" [image: {alt}] " if alt else " [image] ")


def _walk(node, out: _Writer) -> None:
    tag = node.tag if isinstance(node.tag, str) else ""
    tag = tag.lower().rpartition("}")[2]
    if tag in _SKIP:
        out.text(None)
        return
    if not tag:  # a comment or processing instruction that survived
        return
    block = tag in _BLOCKS
    if block:
        out.end_paragraph()
    if tag == "pre":
        out.pre += 1
    if tag == "li":
        out.text("• ")
    if tag == "br":
        out.newline()
    elif tag == "img":
        out.image(node.get("alt"))
    out.text(node.text)
    for child in node:
        _walk(child, out)
        out.text(child.tail)
    if tag == "a" and node.get("href"):
        marker = out.link(node.get("href", ""))
        if marker:
            out.text(f" {marker}" if not "".join(out.current).endswith(" ") else marker)
    if tag in ("td", "th"):
        out.text(" ")
    if tag == "pre":
        out.end_paragraph()
        out.pre -= 1
    if block:
        out.end_paragraph()


def html_to_text(
    markup: str, base_url: str = "", *, links: bool = True, images: bool = True
) -> list[str]:
    """Paragraphs of plain text for an HTML document or fragment.

    Links are numbered where they are (`36Kr [1]`) and listed at the end, one per line
    (`[1] https://…`; http(s) only, at most MAX_LINKS); images become `[image: alt]`.
    """
    if not markup or not markup.strip():
        return []
    if not looks_like_html(markup):
        text = strip_controls(html_lib.unescape(markup))
        return [clean_line(p) for p in re.split(r"\n\s*\n", text) if clean_line(p)]
    root = _parse_fragment(strip_controls(markup))
    if root is None:
        return []
    out = _Writer(base_url, links, images)
    body = root.find("body")
    _walk(body if body is not None else root, out)
    out.end_paragraph()
    paragraphs = out.paragraphs
    if out.links:
        paragraphs.append("\n".join(f"[{i}] {url}" for i, url in enumerate(out.links, 1)))
    return paragraphs
