"""The event-type classifier: a multinomial logistic regression over :mod:`.features`.

Training uses scikit-learn; the saved model is plain JSON (feature names, weights, classes), and
prediction is one numpy product, so the extractor needs neither scikit-learn nor pickle at run time.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from .data import PairExample
from .features import pair_features, token_span

MODEL_FILE = "event_classifier.json"
# Regularisation strengths tried by :func:`choose_c` on a fixed inner split of the training data.
C_GRID = (0.3, 1.0, 3.0)
Features = tuple[dict[str, float], np.ndarray]


@dataclass
class EventModel:
    """Weights of a trained classifier: ``classes x (sparse features + dense features)``."""

    classes: list[str]
    vocab: dict[str, int]
    coef: np.ndarray
    intercept: np.ndarray
    dense_scale: float
    about: str = ""

    def scores(self, feats: Sequence[Features]) -> np.ndarray:
        """Class probabilities, one row per example."""
        n_sparse = len(self.vocab)
        x = np.zeros((len(feats), self.coef.shape[1]), dtype=np.float32)
        for row, (sparse, dense) in enumerate(feats):
            for name, value in sparse.items():
                col = self.vocab.get(name)
                if col is not None:
                    x[row, col] = value
            if dense.size:
                x[row, n_sparse : n_sparse + dense.size] = dense * self.dense_scale
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def predict(self, feats: Sequence[Features]) -> list[tuple[str, float]]:
        """(label, probability) of the best class for each example."""
        probs = self.scores(feats)
        return [
            (self.classes[int(i)], float(p[i]))
            for p, i in zip(probs, probs.argmax(axis=1), strict=False)
        ]

    def to_json(self) -> str:
        return json.dumps(
            {
                "about": self.about,
                "classes": self.classes,
                "dense_scale": self.dense_scale,
                "features": sorted(self.vocab, key=self.vocab.__getitem__),
                "intercept": [round(float(v), 4) for v in self.intercept],
                "coef": [[round(float(v), 4) for v in row] for row in self.coef],
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> EventModel:
        data = json.loads(text)
        return cls(
            classes=data["classes"],
            vocab={name: i for i, name in enumerate(data["features"])},
            coef=np.asarray(data["coef"], dtype=np.float32),
            intercept=np.asarray(data["intercept"], dtype=np.float32),
            dense_scale=float(data["dense_scale"]),
            about=data.get("about", ""),
        )


def featurize(nlp: Language, examples: Sequence[PairExample]) -> list[Features]:
    """Parse each example's sentence once and compute its pair features."""
    out: list[Features] = []
    docs: Iterable[Doc] = nlp.pipe((e.text for e in examples), batch_size=64)
    for doc, ex in zip(docs, examples, strict=False):
        source = token_span(doc, *ex.source)
        target = token_span(doc, *ex.target) if ex.target else None
        if target is not None and (target.start < source.end and source.start < target.end):
            target = None  # overlapping marks: treat as a one-actor event
        out.append(pair_features(doc, source, target))
    return out


def train(
    feats: Sequence[Features], labels: Sequence[str], c: float = 1.0, min_count: int = 2
) -> EventModel:
    """Fit the logistic regression on featurised examples."""
    from sklearn.linear_model import LogisticRegression

    counts = Counter(name for sparse, _ in feats for name in sparse)
    vocab = {n: i for i, n in enumerate(sorted(n for n, k in counts.items() if k >= min_count))}
    dense_width = max((d.size for _, d in feats), default=0)
    # scale the tensor features so their spread matches the 0/1 sparse features
    dense = np.stack([d for _, d in feats]) if dense_width else np.zeros((len(feats), 0))
    dense_scale = (
        float(1.0 / (dense.std() * np.sqrt(max(dense_width, 1)) / 2)) if dense_width else 1.0
    )
    model = EventModel(
        classes=[],
        vocab=vocab,
        coef=np.zeros((1, len(vocab) + dense_width)),
        intercept=np.zeros(1),
        dense_scale=dense_scale,
    )
    x = np.zeros((len(feats), len(vocab) + dense_width), dtype=np.float32)
    for row, (sparse, d) in enumerate(feats):
        for name, value in sparse.items():
            col = vocab.get(name)
            if col is not None:
                x[row, col] = value
        x[row, len(vocab) : len(vocab) + d.size] = d * dense_scale
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    clf.fit(x, list(labels))
    model.classes = [str(k) for k in clf.classes_]
    model.coef = clf.coef_.astype(np.float32)
    model.intercept = clf.intercept_.astype(np.float32)
    return model


def choose_c(
    feats: Sequence[Features],
    labels: Sequence[str],
    grid: Sequence[float] = C_GRID,
    held_out: float = 0.2,
    seed: int = 0,
) -> float:
    """The ``C`` of :func:`train` with the best accuracy on a fixed stratified inner split.

    Only ``feats``/``labels`` are seen, so an outer evaluation fold stays untouched; ties go to
    the stronger regularisation (earlier in ``grid``).
    """
    import math

    from sklearn.model_selection import train_test_split

    idx = np.arange(len(labels))
    counts = Counter(labels)
    strat = [lab if counts[lab] >= 2 else "_rare" for lab in labels]
    if math.ceil(held_out * len(labels)) < len(set(strat)) or min(Counter(strat).values()) < 2:
        return 1.0  # too few examples for a stratified inner split: the default
    fit_idx, dev_idx = train_test_split(idx, test_size=held_out, random_state=seed, stratify=strat)
    best_c, best_acc = grid[0], -1.0
    for c in grid:
        model = train([feats[i] for i in fit_idx], [labels[i] for i in fit_idx], c=c)
        pred = model.predict([feats[i] for i in dev_idx])
        acc = float(np.mean([p == labels[i] for (p, _), i in zip(pred, dev_idx, strict=True)]))
        if acc > best_acc:
            best_c, best_acc = c, acc
    return best_c


def save(model: EventModel, path: Path) -> None:
    path.write_text(model.to_json() + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def load_default() -> EventModel:
    """The shipped model (models/events/event_classifier.json), loaded once."""
    text = resources.files("wirelens.models.events").joinpath(MODEL_FILE).read_text("utf-8")
    return EventModel.from_json(text)
