"""Check-worthiness: how much a statement is worth checking, from a ClaimBuster-trained model.

The model (``models/claims/checkworthiness-v1.json.gz``, built by
``scripts/train_checkworthiness.py``) is TF-IDF word and character n-grams plus logistic
regression, stored as plain JSON so that loading it runs no code. ``score_texts`` vectorises and
predicts every text of an article in one call.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer

MODEL_VERSION = "checkworthiness-v1"
MODEL_FILE = f"{MODEL_VERSION}.json.gz"
MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "claims"

# Shared with the training script so the shipped model and the loader cannot disagree.
WORD_PARAMS: dict[str, Any] = {
    "analyzer": "word",
    "ngram_range": (1, 2),
    "lowercase": True,
    "sublinear_tf": True,
}
CHAR_PARAMS: dict[str, Any] = {
    "analyzer": "char_wb",
    "ngram_range": (2, 5),
    "lowercase": True,
    "sublinear_tf": True,
}


def is_held_out(sentence_id: int) -> bool:
    """The fixed held-out split: ``sha1(str(sentence_id)) mod 5 == 0`` (about 20 %)."""
    digest = hashlib.sha1(str(sentence_id).encode("ascii")).hexdigest()
    return int(digest, 16) % 5 == 0


@dataclass
class CheckworthinessModel:
    """Two fitted vectorisers and the logistic-regression weights over their concatenation."""

    word: TfidfVectorizer
    char: TfidfVectorizer
    coef: np.ndarray
    intercept: float
    meta: dict[str, Any]

    def score(self, texts: Sequence[str]) -> list[float]:
        """Probability that each text is a check-worthy factual claim (one batch)."""
        if not texts:
            return []
        features = hstack([self.word.transform(texts), self.char.transform(texts)]).tocsr()
        logits = features @ self.coef + self.intercept
        return [float(p) for p in 1.0 / (1.0 + np.exp(-logits))]


def _vectorizer(params: dict[str, Any], part: dict[str, Any]) -> TfidfVectorizer:
    vocabulary = {term: i for i, term in enumerate(part["vocabulary"])}
    vectorizer = TfidfVectorizer(**params, vocabulary=vocabulary)
    vectorizer.idf_ = np.asarray(part["idf"], dtype=np.float64)
    return vectorizer


@lru_cache(maxsize=2)
def load_model(path: Path | None = None) -> CheckworthinessModel:
    """The shipped model (cached per process)."""
    path = path or MODEL_DIR / MODEL_FILE
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        payload = json.load(handle)
    word, char = payload.pop("word"), payload.pop("char")
    return CheckworthinessModel(
        word=_vectorizer(WORD_PARAMS, word),
        char=_vectorizer(CHAR_PARAMS, char),
        coef=np.asarray(payload.pop("coef"), dtype=np.float64),
        intercept=float(payload.pop("intercept")),
        meta=payload,
    )


def score_texts(texts: Sequence[str]) -> list[float]:
    """Check-worthiness in [0, 1] for each text, with the shipped model."""
    return load_model().score(texts)
