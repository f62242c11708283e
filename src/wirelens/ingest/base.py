"""What every reader yields: an Article, or a Rejected saying which input failed and why."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Article
from .article import InputError, make_article
from .validate import check_text

__all__ = ["Defaults", "Item", "Rejected", "build_article"]


@dataclass(frozen=True)
class Rejected:
    """An input that produced no article.

    ``source`` is the path (with ":line N" / ":row N" / ":item N" for records inside JSONL, CSV or
    JSON files), "-" for stdin, or a URL; ``reason`` is one clear line.
    """

    source: str
    reason: str

    def __post_init__(self) -> None:
        # Reasons often come from exception messages; keep them to one line for logs and tables.
        object.__setattr__(self, "reason", " ".join(self.reason.split()) or "rejected")


Item = Article | Rejected


@dataclass(frozen=True)
class Defaults:
    """CLI-level metadata that fills in what an input lacks (the input's own value wins)."""

    published: str | None = None
    outlet: str | None = None


def build_article(
    text: str,
    source: str,
    defaults: Defaults,
    *,
    path: str | None = None,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
) -> Item:
    """Validate ``text`` and build its Article, or a Rejected with the reason; never raises."""
    try:
        check_text(text)
        return make_article(
            text,
            published=published if published is not None else defaults.published,
            title=title,
            url=url,
            outlet=outlet if outlet is not None else defaults.outlet,
            path=path,
        )
    except InputError as error:
        return Rejected(source, str(error))
