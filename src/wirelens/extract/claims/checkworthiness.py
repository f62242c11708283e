"""Check-worthiness: how much a statement is worth checking, from a ClaimBuster-trained model.

The model (``models/claims/checkworthiness-v2.json.gz``, built by
``scripts/train_checkworthiness.py``) is TF-IDF over word unigrams and bigrams (lowercased, every
digit written ``0`` so that "130,000" and "4 percent" share features) plus logistic regression,
stored as plain JSON so that loading it runs no code.

Scoring does not go through scikit-learn: the vocabulary is a dict from n-gram to (idf, weight),
and one text costs one regex pass and one dict lookup per n-gram. That is the same arithmetic as
``TfidfVectorizer(analyzer=analyze, sublinear_tf=True)`` (l2 norm) followed by the linear model,
which is how the training script fits it. ``score_texts`` scores every text of an article in
one call.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

MODEL_VERSION = "checkworthiness-v2"
MODEL_FILE = f"{MODEL_VERSION}.json.gz"
MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "claims"

_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\w+")  # maximal runs of word characters


def analyze(text: str) -> list[str]:
    """The model's features of ``text``: word unigrams then bigrams, lowercased, digits as 0.

    Shared with the training script (``TfidfVectorizer(analyzer=analyze)``), so the shipped model
    and the scorer cannot disagree.
    """
    words = _WORD.findall(_DIGIT.sub("0", text.lower()))
    return words + [f"{a} {b}" for a, b in pairwise(words)]


def is_held_out(sentence_id: int) -> bool:
    """The fixed held-out split: ``sha1(str(sentence_id)) mod 5 == 0`` (about 20 %)."""
    digest = hashlib.sha1(str(sentence_id).encode("ascii")).hexdigest()
    return int(digest, 16) % 5 == 0


@dataclass
class CheckworthinessModel:
    """TF-IDF weights and logistic-regression coefficients, keyed by n-gram."""

    terms: dict[str, tuple[float, float]]  # n-gram -> (idf, coefficient)
    intercept: float
    meta: dict[str, Any]

    def logit(self, text: str) -> float:
        """Decision value of one text (sublinear tf x idf, l2-normalised, dot coefficients)."""
        dot = squares = 0.0
        terms = self.terms
        for gram, count in Counter(analyze(text)).items():
            entry = terms.get(gram)
            if entry is not None:
                weight = (1.0 + math.log(count)) * entry[0] if count > 1 else entry[0]
                squares += weight * weight
                dot += weight * entry[1]
        return self.intercept + (dot / math.sqrt(squares) if squares else 0.0)

    def score(self, texts: Sequence[str]) -> list[float]:
        """Probability that each text is a check-worthy factual claim (one batch)."""
        return [_sigmoid(self.logit(text)) for text in texts]


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)  # no overflow for very negative x
    return z / (1.0 + z)


@lru_cache(maxsize=2)
def load_model(path: Path | None = None) -> CheckworthinessModel:
    """The shipped model (cached per process)."""
    path = path or MODEL_DIR / MODEL_FILE
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        payload = json.load(handle)
    vocabulary, idf, coef = payload.pop("vocabulary"), payload.pop("idf"), payload.pop("coef")
    if not len(vocabulary) == len(idf) == len(coef):
        raise ValueError(f"{path}: vocabulary, idf and coef differ in length")
    return CheckworthinessModel(
        terms={t: (float(i), float(c)) for t, i, c in zip(vocabulary, idf, coef, strict=True)},
        intercept=float(payload.pop("intercept")),
        meta=payload,
    )


def score_texts(texts: Sequence[str]) -> list[float]:
    """Check-worthiness in [0, 1] for each text, with the shipped model."""
    return load_model().score(texts)
