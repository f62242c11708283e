"""Plain-text files (``.txt`` and any extension wirelens does not know): the file is the article."""

from __future__ import annotations

from .article import InputError
from .base import Defaults, Item, Rejected, build_article
from .validate import check_bytes

__all__ = ["read_text"]


def read_text(data: bytes, source: str, defaults: Defaults) -> Item:
    """One Article from the bytes of a text file (``article.path`` = ``source``), or a Rejected."""
    try:
        text = check_bytes(data, source)
    except InputError as error:
        return Rejected(source, str(error))
    return build_article(text, source, defaults, path=source if source != "-" else None)
