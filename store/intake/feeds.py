"""Feeds to entries: RSS 0.9x/1.0/2.0, Atom and JSON Feed.

XML is parsed by lxml with entities never expanded and nothing loaded from the network; a
feed that declares entities (billion laughs, external entities) is refused. Bad input
raises `FeedError` with a reason in words ("not a feed (HTML page)"), never a traceback.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import orjson

from store.intake.dates import BEIJING, parse_date
from store.intake.html import html_to_text, plain_text
from store.text.sanitize import clean_line, strip_controls

TITLE_CHARS = 300

_ATOM = "http://www.w3.org/2005/Atom"
_RSS1 = "http://purl.org/rss/1.0/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DC = "http://purl.org/dc/elements/1.1/"
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_XML_DECL_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>")
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
    re.IGNORECASE | re.DOTALL,
)


class FeedError(ValueError):
    """Bytes that are not a feed newsdesk reads; the message says why, in words."""


@dataclass(slots=True)
class FeedEntry:
    title: str
    link: str
    guid: str
    published: str  # ISO 8601 with the feed's offset, or ""
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)  # the summary (or content) as paragraphs


@dataclass(slots=True)
class ParsedFeed:
    kind: str  # "RSS 2.0", "RSS 1.0", "Atom", "JSON Feed"
    title: str
    link: str
    description: str
    language: str
    entries: list[FeedEntry]


# ---------------------------------------------------------------- bytes to text


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    if codec in ("gb2312", "gbk", "euc_cn", "hz"):
        return "gb18030"  # the superset: GB2312-declared feeds hold GBK characters
    return codec


def charset_of(content_type: str) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", content_type or "", re.IGNORECASE)
    return m.group(1) if m else None


def decode_markup(data: bytes, content_type: str = "") -> str:
    """Text of an XML or HTML document whose declared encoding may be wrong.

    A byte-order mark wins; then UTF-8 if the bytes are valid UTF-8 (a feed declaring
    GB2312 or ISO-8859-1 over UTF-8 bytes is common); then the encoding the document or the
    HTTP header declares; then GB18030; at last UTF-8 with bad bytes replaced.
    """
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared: list[str] = []
    m = _XML_DECL.match(data[:200])
    if m:
        declared.append(m.group(1).decode("ascii"))
    m = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", data[:4096], re.I)
    if m:
        declared.append(m.group(1).decode("ascii"))
    declared.append(charset_of(content_type) or "")
    for name in declared:
        named = _codec(name)
        if named and named not in ("utf-8", "ascii"):
            try:
                return data.decode(named)
            except UnicodeDecodeError:
                continue
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def looks_like_html(data: bytes) -> bool:
    return bool(_HTML_START.match(data[:2048]))


# ---------------------------------------------------------------- XML


def _xml_root(text: str):
    from lxml import etree

    text = _XML_DECL_TEXT.sub("", text, count=1)  # the text is decoded already
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise FeedError("not a feed (not XML)")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise FeedError("refused: the feed declares XML entities (entity expansion is not allowed)")
    return root


def _local(tag) -> str:
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""


def _ns(tag) -> str:
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


class _Node:
    """An element with its children looked up by local name (feeds repeat lookups)."""

    __slots__ = ("by_name", "element")

    def __init__(self, element) -> None:
        self.element = element
        self.by_name: dict[str, list] = {}
        for child in element:
            tag = child.tag
            if isinstance(tag, str):
                self.by_name.setdefault(tag.rpartition("}")[2].lower(), []).append(child)

    def get(self, key: str, default=None):
        return self.element.get(key, default)


def _children(node, name: str, ns: str | None = None):
    if not isinstance(node, _Node):
        node = _Node(node)
    for child in node.by_name.get(name, ()):
        if ns is None or _ns(child.tag) == ns:
            yield child


def _first(node, name: str, ns: str | None = None):
    return next(_children(node, name, ns), None)


def _text(node) -> str:
    if node is None:
        return ""
    return "".join(node.itertext())


def _child_text(node, name: str, ns: str | None = None) -> str:
    return _text(_first(node, name, ns)).strip()


def _markup(node) -> str:
    """An Atom text construct or an RSS field as markup: escaped HTML, CDATA or XHTML."""
    if node is None:
        return ""
    if (node.get("type") or "").lower() == "xhtml":
        from lxml import etree

        return "".join(
            etree.tostring(child, encoding="unicode", with_tail=True) for child in node
        ) or (node.text or "")
    return _text(node)


def _title(raw: str) -> str:
    title = plain_text(raw)
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1].rstrip() + "…"
    return title


def _title_from_body(body: list[str]) -> str:
    for paragraph in body:
        if not paragraph.startswith(("[image", "[1] ")):
            first = re.split(r"(?<=[。！？])|(?<=[.!?])\s+", paragraph, maxsplit=1)[0]
            return _title(first)
    return ""


def _authors(values: list[str]) -> list[str]:
    out: list[str] = []
    for raw in values:
        name = plain_text(raw)
        # RSS <author> is "email (Name)"
        m = re.fullmatch(r"\S+@\S+\s*\((.+)\)", name)
        if m:
            name = m.group(1).strip()
        elif re.fullmatch(r"\S+@\S+", name):
            continue
        if name and name not in out:
            out.append(clean_line(name))
    return out


def _categories(values: list[str]) -> list[str]:
    out: list[str] = []
    for raw in values:
        name = plain_text(raw)
        if name and name not in out:
            out.append(name)
    return out


def _body(summary: str, content: str, base: str) -> list[str]:
    """The longer of content and summary, as paragraphs."""
    best = content if len(content.strip()) > len(summary.strip()) else summary
    return html_to_text(best, base)


def _entry(
    title: str,
    link: str,
    guid: str,
    date: str,
    authors: list[str],
    categories: list[str],
    summary: str,
    content: str,
    offset: str | None,
) -> FeedEntry | None:
    link = _url(link)
    body = _body(summary, content, link)
    heading = _title(title) if title.strip() else _title_from_body(body)
    if not heading:
        return None
    return FeedEntry(
        title=heading,
        link=link,
        guid=clean_line(guid)[:500],
        published=parse_date(date, offset),
        authors=_authors(authors),
        categories=_categories(categories),
        body=body,
    )


def _url(raw: str) -> str:
    url = clean_line(raw)
    return url if re.match(r"https?://", url, re.IGNORECASE) and len(url) <= 2000 else ""


def _feed_offset(language: str, title: str) -> str | None:
    """Times written without an offset in a Chinese feed are Beijing time."""
    if language.lower().startswith("zh") or re.search(r"[\u4e00-\u9fff]", title):
        return BEIJING
    return None


def _rss(root, kind: str) -> ParsedFeed:
    channel = _first(root, "channel")
    if channel is None:
        raise FeedError("not a feed (RSS without a channel)")
    rss1 = kind == "RSS 1.0"
    items = list(_children(root if rss1 else channel, "item"))
    title = _title(_child_text(channel, "title"))
    language = _child_text(channel, "language") or _child_text(channel, "language", _DC)
    offset = _feed_offset(language, title)
    entries = []
    for element in items:
        item = _Node(element)
        guid_node = _first(item, "guid")
        guid = _text(guid_node).strip() or (item.get(f"{{{_RDF}}}about") or "")
        link = _child_text(item, "link")
        permalink = (guid_node.get("isPermaLink") or "true") if guid_node is not None else ""
        if not link and permalink.lower() == "true":
            link = guid
        if not link:
            enclosure = _first(item, "enclosure")
            link = enclosure.get("url", "") if enclosure is not None else ""
        authors = [_text(n) for n in _children(item, "author")]
        authors += [_text(n) for n in _children(item, "creator", _DC)]
        categories = [_text(n) for n in _children(item, "category")]
        categories += [_text(n) for n in _children(item, "subject", _DC)]
        date = (
            _child_text(item, "pubdate")
            or _child_text(item, "date", _DC)
            or _child_text(item, "published")
            or _child_text(item, "updated")
        )
        entry = _entry(
            _markup(_first(item, "title")),
            link,
            guid,
            date,
            authors,
            categories,
            _markup(_first(item, "description")),
            _markup(_first(item, "encoded", _CONTENT)),
            offset,
        )
        if entry is not None:
            entries.append(entry)
    return ParsedFeed(
        kind=kind,
        title=title,
        link=_url(_child_text(channel, "link")),
        description=plain_text(_child_text(channel, "description"))[:1000],
        language=clean_line(language)[:20],
        entries=entries,
    )


def _atom_link(node) -> str:
    links = list(_children(node, "link"))
    for link in links:
        if (link.get("rel") or "alternate") == "alternate" and link.get("href"):
            return link.get("href", "")
    return links[0].get("href", "") if links else ""


def _atom(root) -> ParsedFeed:
    title = _title(_markup(_first(root, "title")))
    language = root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    offset = _feed_offset(language, title)
    entries = []
    for element in _children(root, "entry"):
        node = _Node(element)
        authors = [_child_text(a, "name") for a in _children(node, "author")]
        categories = [c.get("label") or c.get("term") or "" for c in _children(node, "category")]
        entry = _entry(
            _markup(_first(node, "title")),
            _atom_link(node),
            _child_text(node, "id"),
            _child_text(node, "published") or _child_text(node, "updated"),
            authors,
            categories,
            _markup(_first(node, "summary")),
            _markup(_first(node, "content")),
            offset,
        )
        if entry is not None:
            entries.append(entry)
    return ParsedFeed(
        kind="Atom",
        title=title,
        link=_url(_atom_link(root)),
        description=plain_text(_markup(_first(root, "subtitle")))[:1000],
        language=clean_line(language)[:20],
        entries=entries,
    )


# ---------------------------------------------------------------- JSON Feed


def _str(value) -> str:
    return value if isinstance(value, str) else ""


def _json_feed(data: bytes) -> ParsedFeed:
    try:
        feed = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise FeedError("not a feed (bad JSON)") from None
    if not isinstance(feed, dict) or "jsonfeed.org" not in _str(feed.get("version")):
        raise FeedError("not a feed (JSON, but not a JSON Feed)")
    items = feed.get("items")
    if not isinstance(items, list):
        raise FeedError("not a feed (a JSON Feed without items)")
    title = _title(_str(feed.get("title")))
    language = _str(feed.get("language"))
    offset = _feed_offset(language, title)

    def names(holder: dict) -> list[str]:
        people = holder.get("authors")
        if not isinstance(people, list):
            people = [holder.get("author")]
        return [_str(p.get("name")) for p in people if isinstance(p, dict)]

    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        content = _str(item.get("content_html"))
        if not content and _str(item.get("content_text")):
            content = "\n\n".join(
                f"<p>{_escape(p)}</p>" for p in _str(item.get("content_text")).split("\n\n")
            )
        tags = item.get("tags")
        entry = _entry(
            _escape(_str(item.get("title"))),
            _str(item.get("url")) or _str(item.get("external_url")),
            _str(item.get("id")) if not isinstance(item.get("id"), int) else str(item["id"]),
            _str(item.get("date_published")) or _str(item.get("date_modified")),
            names(item) or names(feed),
            [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
            _escape(_str(item.get("summary"))),
            content,
            offset,
        )
        if entry is not None:
            entries.append(entry)
    return ParsedFeed(
        kind="JSON Feed",
        title=title,
        link=_url(_str(feed.get("home_page_url"))),
        description=clean_line(_str(feed.get("description")))[:1000],
        language=clean_line(language)[:20],
        entries=entries,
    )


def _escape(text: str) -> str:
    """Plain text made safe to pass where markup is read."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------- entry point


def parse_feed(data: bytes, content_type: str = "") -> ParsedFeed:
    """Parse feed bytes; FeedError (with the reason in words) if they are not a feed."""
    if not data.strip():
        raise FeedError("empty response")
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return _json_feed(data)
    if looks_like_html(head):
        raise FeedError("not a feed (HTML page)")
    if not head.startswith(b"<"):
        if b"\x00" in data[:4096] and not data.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        ):
            raise FeedError("not a feed (binary data)")
        if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FeedError("not a feed (not XML)")
    text = strip_controls(decode_markup(data, content_type))
    root = _xml_root(text)
    name = _local(root.tag)
    if name == "rss":
        version = root.get("version") or "2.0"
        return _rss(root, f"RSS {clean_line(version)[:8]}")
    if name == "rdf":
        return _rss(root, "RSS 1.0")
    if name == "feed" and _ns(root.tag) in (_ATOM, "http://purl.org/atom/ns#", ""):
        return _atom(root)
    if name in ("html", "xhtml"):
        raise FeedError("not a feed (HTML page)")
    raise FeedError(f"not a feed (an XML document <{clean_line(name)[:40]}>)")
