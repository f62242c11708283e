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

__all__ = ["MAX_HTML_BYTES", "MIN_PARAGRAPH_WORDS", "read_html"]

MAX_HTML_BYTES = 4 * MAX_TEXT_BYTES
"""Pages carry markup, scripts and styles around the text, so they may be larger than a text."""

MIN_PARAGRAPH_WORDS = 10
"""A page has article text only if some extracted line has at least this many words.

trafilatura falls back to whatever text a page has, so a page of menus yields "Home World Sport"
and a script-only page yields "Please enable JavaScript": neither is an article.
"""

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
        return Rejected(source, _NO_TEXT)
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
