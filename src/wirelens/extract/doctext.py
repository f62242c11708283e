"""``doc.text`` built once per Doc: spaCy 3.7 joins every token on each access, so reading it per
candidate makes an extractor quadratic in the article's length."""

from __future__ import annotations

from spacy.tokens import Doc

_KEY = "wirelens.text"


def doc_text(doc: Doc) -> str:
    """The Doc's text, cached in ``doc.user_data``."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return text  # type: ignore[no-any-return]
