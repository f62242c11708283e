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


def prime_doc_text(doc: Doc, text: str) -> None:
    """Cache ``text`` as the Doc's text when it is the text the Doc was parsed from (the
    pipeline's article text): building it from the tokens costs about 2 ms per article."""
    last = doc[-1] if len(doc) else None
    length = last.idx + len(last.text_with_ws) if last is not None else 0
    if length == len(text):
        doc.user_data[_KEY] = text
