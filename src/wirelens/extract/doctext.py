"""Per-Doc views built once and shared by the extractors: ``doc.text`` and ``doc.ents`` (spaCy 3.7
joins every token, and makes every entity Span, on each access: read per candidate, that makes an
extractor quadratic in the article's length) and the token arrays behind ``token_indices``."""

from __future__ import annotations

import weakref
from collections.abc import Collection

import numpy as np
from spacy.attrs import LOWER, POS
from spacy.parts_of_speech import IDS as UNIVERSAL_POS
from spacy.tokens import Doc, Span

_KEY = "wirelens.text"
# Spans cannot go into user_data (it is serialised with the Doc): keyed weakly by the Doc instead.
_ENTS: weakref.WeakKeyDictionary[Doc, tuple[Span, ...]] = weakref.WeakKeyDictionary()
_POS_LOWER: weakref.WeakKeyDictionary[Doc, np.ndarray] = weakref.WeakKeyDictionary()


def doc_text(doc: Doc) -> str:
    """The Doc's text, cached in ``doc.user_data``."""
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return text  # type: ignore[no-any-return]


def doc_ents(doc: Doc) -> tuple[Span, ...]:
    """The Doc's entity spans, built once per Doc: spaCy makes a new Span for every entity on
    each ``doc.ents`` access, and four extractors read them."""
    ents = _ENTS.get(doc)
    if ents is None:
        ents = _ENTS[doc] = tuple(doc.ents)
    return ents


def prime_doc_text(doc: Doc, text: str) -> None:
    """Cache ``text`` as the Doc's text when it is the text the Doc was parsed from (the
    pipeline's article text): building it from the tokens costs about 2 ms per article."""
    last = doc[-1] if len(doc) else None
    length = last.idx + len(last.text_with_ws) if last is not None else 0
    if length == len(text):
        doc.user_data[_KEY] = text


def token_indices(doc: Doc, pos: Collection[str] = (), lower: Collection[str] = ()) -> list[int]:
    """Indices, ascending, of the tokens whose coarse part of speech is in ``pos`` or whose
    lower-case form is in ``lower``: read from the Doc's arrays (built once per Doc), so the
    extractors that scan for a few kinds of token make no Token objects for the rest."""
    array = _POS_LOWER.get(doc)
    if array is None:
        array = _POS_LOWER[doc] = doc.to_array([POS, LOWER])
    strings = doc.vocab.strings
    wanted = np.isin(array[:, 0], [UNIVERSAL_POS[p] for p in pos]) | np.isin(
        array[:, 1], np.array([strings[w] for w in lower], dtype=np.uint64)
    )
    return np.flatnonzero(wanted).tolist()  # type: ignore[no-any-return]
