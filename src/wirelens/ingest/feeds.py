"""RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 feeds: one Article (or Rejected) per item.

>>> from wirelens.ingest.base import Defaults
>>> items = list(read_feed(open("news.rss", "rb").read(), "news.rss", Defaults()))  # doctest: +SKIP

Per item: ``title``; ``link`` (Atom: the alternate link) as ``url``, resolved against the feed's
URL and kept only when it is http(s); ``pubDate`` / ``dc:date`` / Atom ``published`` or
``updated`` as ``published``; the channel (feed) title as ``outlet``; the text from
``content:encoded``, Atom ``content``, ``description`` or ``summary``, in that order, with HTML
stripped by the HTML reader. A short summary is not an article: such items are rejected with a hint
to follow the links (``follow`` fetches each item's page instead).

XML is parsed with expat directly, building an ElementTree: any entity declaration (the
"billion laughs" and quadratic-blowup payloads need one) and any external entity refuse the whole
feed, and DTDs are never loaded, so nothing outside the document is read.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from xml.parsers import expat

from .article import InputError, normalize_published
from .base import Defaults, Item, Rejected, build_article
from .html import MIN_PARAGRAPH_WORDS, read_html

__all__ = [
    "Feed",
    "FeedEntry",
    "FeedError",
    "NotAFeed",
    "count_feed_items",
    "feed_items",
    "looks_like_xml",
    "parse_feed",
    "parse_xml",
    "read_feed",
]

ATOM = "{http://www.w3.org/2005/Atom}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
RSS1 = "{http://purl.org/rss/1.0/}"
RSS090 = "{http://my.netscape.com/rdf/simple/0.9/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"

_TAG = re.compile(r"<[A-Za-z!/][^>]*>")
_XML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<(?:\?xml|rss[\s>]|feed[\s>]|rdf:RDF[\s>])")
_NO_TEXT = "feed item has no article text (only a short summary; fetch its link instead)"

Follow = Callable[[str, str, Defaults], Item]
"""Fetch an item's link and read it as a page: ``follow(link, source, defaults)``."""


class FeedError(InputError):
    """A feed that cannot be read at all; ``str(error)`` is the one-line reason."""


class NotAFeed(FeedError):
    """Well-formed XML whose root is not a feed (``root`` is its local name, e.g. "html")."""

    def __init__(self, root: str) -> None:
        super().__init__(f"XML document is not an RSS or Atom feed (root element <{root}>)")
        self.root = root


@dataclass(frozen=True)
class FeedEntry:
    """One item as the feed states it (strings as found, nothing validated yet)."""

    title: str | None
    link: str | None
    published: str | None
    content: str | None
    content_is_html: bool


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its kind ("rss", "rdf" or "atom"), title, home link and entries."""

    kind: str
    title: str | None
    link: str | None
    entries: list[FeedEntry]


# --------------------------------------------------------------------------- safe XML


def _qname(name: str) -> str:
    """expat's "uri}local" (namespace_separator "}") -> ElementTree's "{uri}local"."""
    return "{" + name if "}" in name else name


def _refuse_entities(*_args: object) -> None:
    raise FeedError("refused: the XML declares entities (possible entity-expansion attack)")


def _refuse_external(*_args: object) -> int:
    raise FeedError("refused: the XML references an external entity")


def parse_xml(data: bytes | str) -> ET.Element:
    """Parse XML into an ElementTree element, refusing entity declarations and external entities.

    Bytes are decoded as the document declares (BOM, ``<?xml encoding?>``, else UTF-8); a str is
    taken as already decoded. Raises :class:`FeedError` with a one-line reason.
    """
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True

    def start(name: str, attributes: dict[str, str]) -> None:
        builder.start(_qname(name), {_qname(k): v for k, v in attributes.items()})

    def end(name: str) -> None:
        builder.end(_qname(name))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.EntityDeclHandler = _refuse_entities
    parser.UnparsedEntityDeclHandler = _refuse_entities
    parser.ExternalEntityRefHandler = _refuse_external
    # Never read the external DTD subset or parameter entities.
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
        return builder.close()
    except FeedError:  # raised by the refusing handlers above
        raise
    except expat.ExpatError as error:
        raise FeedError(f"malformed XML ({error})") from None
    except (ValueError, LookupError) as error:  # e.g. an unknown declared encoding
        raise FeedError(f"unreadable XML ({error})") from None
    except RecursionError:
        raise FeedError("XML is nested too deeply") from None
    except AssertionError:  # TreeBuilder.close() with an unclosed element
        raise FeedError("malformed XML (unclosed element)") from None


def looks_like_xml(data: bytes) -> bool:
    """Whether a body starts like an XML document or a feed (used when Content-Type is vague)."""
    return _XML_START.match(data[:512]) is not None


# --------------------------------------------------------------------------- feed structure


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: ET.Element | None) -> str | None:
    if element is None:
        return None
    value = "".join(element.itertext()).strip()
    return value or None


def _inner_markup(element: ET.Element) -> str:
    """An element's content as markup (text, children and tails), for HTML put inline."""
    parts = [element.text or ""]
    for child in element:
        parts.append(ET.tostring(child, encoding="unicode", method="html"))
    return "".join(parts)


def _first(element: ET.Element, *tags: str) -> ET.Element | None:
    for tag in tags:
        found = element.find(tag)
        if found is not None:
            return found
    return None


def _rss_content(item: ET.Element, ns: str) -> tuple[str | None, bool]:
    """content:encoded, else description; both may hold HTML (escaped or, wrongly, inline)."""
    for element in (item.find(CONTENT + "encoded"), item.find(ns + "description")):
        if element is None:
            continue
        raw = _inner_markup(element) if len(element) else (element.text or "")
        if raw.strip():
            return raw, _TAG.search(raw) is not None or "&" in raw
    return None, False


def _rss(root: ET.Element, kind: str) -> Feed:
    if kind == "rss":
        ns = ""
        channel = root.find("channel")
        scope = channel if channel is not None else root
        items = scope.findall("item")
    else:  # RDF: items are siblings of the channel, in the RSS 1.0 (or 0.90) namespace
        ns = RSS1 if root.find(RSS1 + "channel") is not None or root.find(RSS1 + "item") else RSS090
        channel = root.find(ns + "channel")
        items = root.findall(ns + "item")
    entries = []
    for item in items:
        content, is_html = _rss_content(item, ns)
        entries.append(
            FeedEntry(
                title=_plain(_text(item.find(ns + "title"))),
                link=_text(item.find(ns + "link")) or _permalink(item),
                published=_text(_first(item, ns + "pubDate", DC + "date")),
                content=content,
                content_is_html=is_html,
            )
        )
    title = _plain(_text(channel.find(ns + "title"))) if channel is not None else None
    link = _text(channel.find(ns + "link")) if channel is not None else None
    return Feed(kind, title, link, entries)


def _permalink(item: ET.Element) -> str | None:
    """An RSS guid that is a permalink (the default) and looks like a URL."""
    guid = item.find("guid")
    value = _text(guid)
    if guid is None or value is None or guid.get("isPermaLink", "true").lower() == "false":
        return None
    return value if value.lower().startswith(("http://", "https://")) else None


def _atom_text(element: ET.Element | None) -> tuple[str | None, bool]:
    """An Atom text construct as (value, is_html); out-of-line content (src=) is absent."""
    if element is None or element.get("src"):
        return None, False
    kind = (element.get("type") or "text").lower()
    if kind in ("xhtml", "application/xhtml+xml"):
        div = element.find(XHTML + "div")
        markup = _inner_markup(div if div is not None else element)
        return (markup if markup.strip() else None), True
    if kind in ("html", "text/html"):
        return (element.text or "").strip() or None, True
    if kind == "text" or kind.startswith("text/"):
        return _text(element), False
    return None, False  # base64 media and other types are not article text


def _atom_link(entry: ET.Element) -> str | None:
    links = [link for link in entry.findall(ATOM + "link") if link.get("href")]
    alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
    html_first = sorted(alternates, key=lambda link: link.get("type", "text/html") != "text/html")
    return html_first[0].get("href") if html_first else None


def _atom(root: ET.Element) -> Feed:
    entries = []
    for entry in root.findall(ATOM + "entry"):
        content, is_html = _atom_text(entry.find(ATOM + "content"))
        if content is None:
            content, is_html = _atom_text(entry.find(ATOM + "summary"))
        title, title_html = _atom_text(entry.find(ATOM + "title"))
        entries.append(
            FeedEntry(
                title=_plain(title) if title_html else title,
                link=_atom_link(entry),
                published=_text(_first(entry, ATOM + "published", ATOM + "updated", DC + "date")),
                content=content,
                content_is_html=is_html,
            )
        )
    title, title_html = _atom_text(root.find(ATOM + "title"))
    return Feed("atom", _plain(title) if title_html else title, _atom_link(root), entries)


def _plain(value: str | None) -> str | None:
    """A title that may carry markup or entities, as plain text."""
    if value is None:
        return None
    cleaned = " ".join(html.unescape(_TAG.sub(" ", value)).split())
    return cleaned or None


def parse_feed(data: bytes | str) -> Feed:
    """Parse an RSS 2.0, RSS 1.0/0.90 (RDF) or Atom 1.0 document.

    Raises :class:`NotAFeed` for other well-formed XML and :class:`FeedError` for broken or
    refused XML.
    """
    root = parse_xml(data)
    if root.tag == "rss":
        return _rss(root, "rss")
    if root.tag == RDF + "RDF":
        return _rss(root, "rdf")
    if root.tag == ATOM + "feed":
        return _atom(root)
    raise NotAFeed(_local(root.tag))


# --------------------------------------------------------------------------- items


def _published(raw: str | None) -> str | None:
    """The item's date as YYYY-MM-DD; an unreadable one is dropped (defaults then apply)."""
    if raw is None:
        return None
    try:
        return normalize_published(raw)
    except InputError:
        return None


def _web_link(link: str | None, base: str | None) -> str | None:
    """An absolute http(s) link, or None: ``javascript:`` and ``file:`` links are not kept."""
    if not link:
        return None
    absolute = urljoin(base, link.strip()) if base else link.strip()
    try:
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:
        return None
    return absolute if scheme in ("http", "https") else None


def _entry_item(
    entry: FeedEntry,
    feed: Feed,
    source: str,
    path: str,
    defaults: Defaults,
    base_url: str | None,
    follow: Follow | None,
) -> Item:
    """One entry -> Article or Rejected; the feed's values fill what the item lacks."""
    link = _web_link(entry.link, base_url or feed.link)
    published = _published(entry.published)
    outlet = feed.title or defaults.outlet
    if follow is not None:
        if link is None:
            return Rejected(source, "feed item has no http(s) link to follow")
        page_defaults = Defaults(published=published or defaults.published, outlet=outlet)
        page = follow(link, source, page_defaults)
        if isinstance(page, Rejected) or page.title or not entry.title:
            return page
        return page.model_copy(update={"title": entry.title})
    if entry.content is None:
        return Rejected(source, "feed item has no text (no content, description or summary)")
    text = entry.content
    if entry.content_is_html:
        # A fragment alone can parse to an empty tree in trafilatura: give it a document.
        document = f"<html><body>{text}</body></html>"
        page = read_html(document.encode("utf-8"), source, Defaults())
        if isinstance(page, Rejected):
            reason = _NO_TEXT if "no article text" in page.reason else page.reason
            return Rejected(source, reason)
        text = page.text
    elif not any(len(line.split()) >= MIN_PARAGRAPH_WORDS for line in text.splitlines()):
        return Rejected(source, _NO_TEXT)  # the same floor the HTML reader applies
    return build_article(
        text.strip(),
        source,
        defaults,
        path=path,
        title=entry.title,
        url=link,
        outlet=outlet,
        published=published,
    )


def feed_items(
    feed: Feed,
    source: str,
    defaults: Defaults,
    *,
    base_url: str | None = None,
    follow: Follow | None = None,
) -> Iterator[Item]:
    """One Article or Rejected per entry of a parsed feed (sources ``"<source>:item N"``)."""
    if not feed.entries:
        yield Rejected(source, f"{feed.kind.upper()} feed has no items")
        return
    for number, entry in enumerate(feed.entries, start=1):
        item_source = f"{source}:item {number}"
        try:
            yield _entry_item(entry, feed, item_source, source, defaults, base_url, follow)
        except (RecursionError, ValueError) as error:  # hostile markup in one item
            yield Rejected(item_source, f"feed item could not be read ({type(error).__name__})")


def read_feed(
    data: bytes | str,
    source: str,
    defaults: Defaults,
    *,
    base_url: str | None = None,
    follow: Follow | None = None,
) -> Iterator[Item]:
    """Items of a feed document (a file's bytes or a fetched body); never raises.

    A feed that cannot be parsed (malformed, refused entities, not a feed) is one Rejected.
    """
    try:
        feed = parse_feed(data)
    except FeedError as error:
        yield Rejected(source, str(error))
        return
    yield from feed_items(feed, source, defaults, base_url=base_url, follow=follow)


def count_feed_items(data: bytes) -> int:
    """How many items :func:`read_feed` will yield for ``data`` (at least 1)."""
    try:
        return max(1, len(parse_feed(data).entries))
    except FeedError:
        return 1
