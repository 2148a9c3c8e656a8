"""OPML 2.0 subscription lists: read (any reader's export) and write (tags kept).

Tags are written as the outline's `category` attribute (comma-separated, as OPML 2.0 has
it); on import, both `category` and the titles of enclosing folder outlines become tags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from store.intake.feedlist import Feed
from store.text.sanitize import clean_line


class OpmlError(ValueError):
    """A file that is not an OPML subscription list."""


@dataclass(slots=True)
class Subscription:
    url: str
    name: str = ""
    tags: list[str] = field(default_factory=list)


def parse_opml(data: bytes) -> list[Subscription]:
    """The feeds an OPML file lists (outlines with an `xmlUrl`), in document order."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, recover=True, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is None or not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise OpmlError("not an OPML file")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise OpmlError("refused: the file declares XML entities")
    body = root.find("body")
    if body is None:
        raise OpmlError("an OPML file without a body")
    out: list[Subscription] = []

    def walk(node, folders: list[str]) -> None:
        for outline in node:
            if not isinstance(outline.tag, str) or outline.tag.lower() != "outline":
                continue
            url = clean_line(outline.get("xmlUrl") or outline.get("xmlurl") or "")
            label = clean_line(outline.get("title") or outline.get("text") or "")
            if url:
                tags = list(folders)
                for category in (outline.get("category") or "").split(","):
                    tag = clean_line(category).strip("/")
                    if tag:
                        tags.append(tag.rsplit("/", 1)[-1])
                out.append(Subscription(url, label, list(dict.fromkeys(tags))))
            else:
                walk(outline, [*folders, label] if label else folders)

    walk(body, [])
    return out


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", " ")
    )


def export_opml(feeds: list[Feed], title: str = "newsdesk feeds") -> bytes:
    """An OPML 2.0 document of `feeds`, tags in each outline's `category`."""
    now = format_datetime(datetime.now(UTC), usegmt=True)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_escape(title)}</title>",
        f"    <dateCreated>{now}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    for feed in feeds:
        attrs = [
            ("type", "rss"),
            ("text", feed.name),
            ("title", feed.title or feed.name),
            ("xmlUrl", feed.url),
        ]
        if feed.tags:
            attrs.append(("category", ",".join(t.replace(",", " ") for t in feed.tags)))
        rendered = " ".join(f'{k}="{_escape(v)}"' for k, v in attrs)
        lines.append(f"    <outline {rendered}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines).encode("utf-8")
