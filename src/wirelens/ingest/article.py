"""Build an :class:`~wirelens.model.Article` from text and metadata.

The article id is a content hash, so the same story read twice (from a file, a JSONL record or an
HTML page with different spacing) gets the same id and the store can write it idempotently.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

from ..model import Article

__all__ = ["InputError", "article_id", "make_article", "normalize_published"]

_WHITESPACE = re.compile(r"\s+")
# Purely numeric dates such as 02/03/2022 mean different days in the US and elsewhere.
_AMBIGUOUS_NUMERIC = re.compile(r"^\s*\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\s*$")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2[01]\d\d)(?!\d)")
_MIN_YEAR, _MAX_YEAR = 1800, 2199


class InputError(ValueError):
    """An input wirelens cannot use; ``str(error)`` is a clear, one-line, user-facing reason."""


def article_id(text: str) -> str:
    """First 16 hex digits of the SHA-256 of the normalised text.

    Normalisation (Unicode NFC, whitespace runs collapsed to one space, ends stripped) makes the
    id stable under re-wrapping and CRLF/LF differences.
    """
    normalised = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def _checked(value: date, raw: str) -> str:
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        raise InputError(f"unreadable publication date '{raw}' (year {value.year} out of range)")
    return value.isoformat()


def normalize_published(raw: str) -> str:
    """A publication date in any accepted form -> ``YYYY-MM-DD``; raises :class:`InputError`.

    Accepted: ``YYYY-MM-DD``, ISO 8601 datetimes (``2022-02-15T10:00:00Z``, with offsets), RFC 2822
    (``Tue, 15 Feb 2022 10:00:00 +0000``) and written dates with a month name and a four-digit year
    (``15 February 2022``, ``Feb. 15, 2022``). Datetimes keep their own local calendar day: the
    day the outlet dated the story is the anchor for "Tuesday" or "yesterday" in its text, so no
    conversion to UTC.
    """
    text = raw.strip()
    if not text:
        raise InputError("unreadable publication date '' (empty)")
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z")).date()
    except ValueError:
        pass
    else:  # outside the try: an out-of-range year must keep its own reason (InputError)
        return _checked(parsed, raw)
    try:
        parsed = parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    else:
        return _checked(parsed, raw)
    if _AMBIGUOUS_NUMERIC.match(text):
        raise InputError(f"ambiguous publication date '{raw}' (use YYYY-MM-DD)")
    if not _YEAR.search(text) or not re.search(r"[A-Za-z]{3}", text):
        # dateutil would fill a missing year or month from today's date: refuse instead.
        raise InputError(f"unreadable publication date '{raw}'")
    try:
        # Two different defaults expose a day the string does not state.
        first = dateutil_parser.parse(text, default=datetime(2000, 1, 1))
        second = dateutil_parser.parse(text, default=datetime(2001, 2, 2))
    except (ValueError, OverflowError) as error:
        raise InputError(f"unreadable publication date '{raw}'") from error
    if first.date() != second.date():
        raise InputError(f"unreadable publication date '{raw}' (no full day, month and year)")
    return _checked(first.date(), raw)


def make_article(
    text: str,
    *,
    published: str | None = None,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    path: str | None = None,
    language: str = "en",
    published_source: str | None = None,
) -> Article:
    """An :class:`Article` with a content-hash id and a normalised publication date.

    ``text`` is kept exactly as given (every span offset refers to it). ``published_source`` is
    "given" when a date is passed and "unknown" otherwise, unless the caller says otherwise (the
    times extractor may later infer a date and set "inferred").

    >>> make_article("NATO said ...", published="Tue, 15 Feb 2022 10:00:00 +0000").published
    '2022-02-15'
    """
    day = normalize_published(published) if published is not None else None
    if published_source is None:
        published_source = "given" if day is not None else "unknown"
    if published_source not in ("given", "inferred", "unknown"):
        raise InputError(f"unknown published_source '{published_source}'")
    return Article(
        id=article_id(text),
        title=title,
        url=url,
        outlet=outlet,
        published=day,
        published_source=published_source,  # type: ignore[arg-type]  # checked just above
        language=language,
        text=text,
        path=path,
    )
