"""HTML pages: the main text and the page's own metadata, extracted with trafilatura.

Nothing in the page is executed or fetched: trafilatura parses the markup with lxml and drops
scripts, navigation, comments and boilerplate. Title, date, canonical URL and site name come from
the page metadata; a date found there is "given" (stated by the source). The date is looked up
in the metadata only (``extensive_search`` off), never guessed from dates in the body text.
"""

from __future__ import annotations

import re

from .article import InputError, normalize_published
from .base import Defaults, Item, Rejected, build_article
from .validate import MAX_TEXT_BYTES, check_bytes

__all__ = ["MAX_HTML_BYTES", "MAX_HTML_DEPTH", "MIN_PARAGRAPH_WORDS", "read_html"]

MAX_HTML_BYTES = 4 * MAX_TEXT_BYTES
"""Pages carry markup, scripts and styles around the text, so they may be larger than a text."""

MIN_PARAGRAPH_WORDS = 10
"""A page has article text only if some extracted line has at least this many words.

trafilatura falls back to whatever text a page has, so a page of menus yields "Home World Sport"
and a script-only page yields "Please enable JavaScript": neither is an article.
"""

MAX_HTML_DEPTH = 255
"""Deepest element nesting libxml2 parses (without its "huge tree" option, kept off on purpose:
it also lifts the limits that protect against hostile input); text nested deeper is dropped."""

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
# Elements with no closing tag (HTML void elements): they never nest anything.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_NO_TEXT = "HTML page has no article text"


def _decode(data: bytes, source: str) -> str:
    """UTF-8 as everywhere else, or the charset the page declares in a ``<meta>`` tag."""
    try:
        return check_bytes(data, source, limit=MAX_HTML_BYTES)
    except InputError as error:
        declared = _CHARSET.search(data[:4096])
        if not str(error).startswith("not valid UTF-8") or declared is None:
            raise
        charset = declared.group(1).decode("ascii").lower()
        if charset.replace("-", "") == "utf8":
            raise
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            raise InputError(f"{error} (and not valid {charset} as the page declares)") from None


def _nesting_depth(markup: str, limit: int = MAX_HTML_DEPTH) -> int:
    """Deepest element nesting in ``markup`` (a tag count: stops early once past ``limit``)."""
    depth = deepest = 0
    for match in _TAG.finditer(markup):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _VOID:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
        if deepest > limit:
            break
    return deepest


def _no_text_reason(markup: str) -> str:
    """Why a page gave no article text: too deep for the parser to read, or just none."""
    if _nesting_depth(markup) > MAX_HTML_DEPTH:
        return (
            f"HTML page is nested too deeply to read (more than {MAX_HTML_DEPTH} levels of "
            "elements); no article text found above that depth"
        )
    return _NO_TEXT


def _has_article_text(text: str) -> bool:
    return any(len(line.split()) >= MIN_PARAGRAPH_WORDS for line in text.splitlines())


def _clean(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _metadata_date(value: object) -> str | None:
    """The page's date as YYYY-MM-DD; one we cannot read is dropped rather than the article."""
    raw = _clean(value)
    if raw is None:
        return None
    try:
        return normalize_published(raw)
    except InputError:
        return None


def read_html(data: bytes, source: str, defaults: Defaults) -> Item:
    """One Article from an HTML page's main text and metadata, or a Rejected; never raises."""
    try:
        markup = _decode(data, source)
    except InputError as error:
        return Rejected(source, str(error))
    # Imported here: trafilatura pulls in lxml, htmldate and justext, which plain-text runs skip.
    try:
        from trafilatura import bare_extraction
    except ImportError as error:
        return Rejected(source, f"HTML reader unavailable ({error})")
    try:
        document = bare_extraction(
            markup,
            include_comments=False,
            with_metadata=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except RecursionError:
        return Rejected(source, "HTML page is nested too deeply to parse")
    except Exception as error:  # lxml and trafilatura raise many types on hostile markup
        return Rejected(source, f"HTML page could not be parsed ({type(error).__name__})")
    text = getattr(document, "text", None) if document is not None else None
    if not isinstance(text, str) or not _has_article_text(text):
        return Rejected(source, _no_text_reason(markup))
    published = _metadata_date(getattr(document, "date", None))
    return build_article(
        text,
        source,
        defaults,
        path=source,
        title=_clean(getattr(document, "title", None)),
        url=_clean(getattr(document, "url", None)),
        outlet=_clean(getattr(document, "sitename", None)),
        published=published,
    )
