"""wirelens: news coverage of a developing crisis turned into a sourced, structured record."""

from __future__ import annotations

from typing import Any

from .model import Analysis

__version__ = "0.1.0"
__all__ = ["Analysis", "__version__", "analyze"]


def analyze(text: str, published: str | None = None, **meta: Any) -> Analysis:
    """Analyse one article's text.

    >>> text = "NATO said on Tuesday that Russia had moved troops."
    >>> [a.name for a in analyze(text, published="2022-02-15").actors]
    ['NATO', 'Russia']
    """
    from .ingest.article import make_article
    from .pipeline import default_pipeline

    article = make_article(text, published=published, **meta)
    return default_pipeline().analyze(article)
