"""The event-type classifier: logistic regressions over :mod:`.features`.

Two heads share the features: a 15-class PLOVER type model and a quad head, the mean of a
4-class quad model and of two binary models (material vs verbal, cooperation vs conflict: each
axis learnt from all examples). The quad head sharpens the type distribution,
``P(type) = P(type | quad) * Q(quad)`` with ``Q = alpha * P_type(quad) + (1 - alpha) * P_quad``
(``P_type(quad)`` being the type model's own quad marginal), so the coded type and its quad stay
consistent. ``alpha``, ``C``, the tok2vec block's scale and the trigger-table prior are chosen
together on a fixed inner split of the training data (:func:`choose_settings`).

Training uses scikit-learn; the saved model is plain JSON (feature names, weights, classes), and
prediction is numpy products, so the extractor needs neither scikit-learn nor pickle at run time.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from .data import PairExample
from .features import pair_features, token_span
from .lexicon import type_info

MODEL_FILE = "event_classifier.json"
# Grids searched by :func:`choose_settings` on a fixed inner split of the training data: the
# regularisation C (both heads), a multiplier of the tok2vec block's scale, the weight of the type
# model's own quad marginal against the quad head (1 = quad head unused), and the prior added to
# the trigger table's type (0 = table unused at decision time). Ties go to the earlier value.
C_GRID = (0.3, 1.0, 3.0)
DENSE_GRID = (1.0, 2.0)
ALPHA_GRID = (1.0, 0.5, 0.0)
PRIOR_GRID = (0.0, 0.5)
Features = tuple[dict[str, float], np.ndarray]
# the two binary quad axes, as substrings of the quad names ("material_conflict")
AXES = ("material", "cooperation")
_EPS = 1e-12


@dataclass(frozen=True)
class Settings:
    """Hyperparameters of :func:`train` and of the decision rule."""

    c: float = 1.0
    dense_mult: float = 1.0
    alpha: float = 1.0
    lexicon_prior: float = 0.0

    def describe(self) -> str:
        return (
            f"C={self.c:g}, tok2vec x{self.dense_mult:g}, alpha={self.alpha:g}, "
            f"prior={self.lexicon_prior:g}"
        )


@dataclass
class EventModel:
    """Weights of a trained classifier: ``classes x (sparse features + dense features)``.

    ``quad_coef``/``quad_intercept`` (``quad_classes x features``) are the optional 4-class quad
    model, ``axis_coef``/``axis_intercept`` (``AXES x features``) the binary material and
    cooperation models; ``class_quad[i]`` is the index in ``quad_classes`` of ``classes[i]``'s quad.
    """

    classes: list[str]
    vocab: dict[str, int]
    coef: np.ndarray
    intercept: np.ndarray
    dense_scale: float
    about: str = ""
    quad_classes: list[str] = field(default_factory=list)
    class_quad: list[int] = field(default_factory=list)
    quad_coef: np.ndarray | None = None
    quad_intercept: np.ndarray | None = None
    axis_coef: np.ndarray | None = None
    axis_intercept: np.ndarray | None = None
    alpha: float = 1.0
    lexicon_prior: float = 0.0

    def matrix(self, feats: Sequence[Features]) -> np.ndarray:
        """The design matrix of ``feats`` in this model's columns (unknown features dropped)."""
        n_sparse = len(self.vocab)
        x = np.zeros((len(feats), self.coef.shape[1]), dtype=np.float32)
        for row, (sparse, dense) in enumerate(feats):
            for name, value in sparse.items():
                col = self.vocab.get(name)
                if col is not None:
                    x[row, col] = value
            if dense.size:
                x[row, n_sparse : n_sparse + dense.size] = dense * self.dense_scale
        return x

    def scores(self, feats: Sequence[Features]) -> np.ndarray:
        """Type probabilities (quad head folded in), one row per example."""
        x = self.matrix(feats)
        probs = _softmax(x @ self.coef.T + self.intercept)
        if self.quad_coef is None or self.alpha >= 1.0:
            return probs
        return combine(probs, self.quad_scores(x), np.asarray(self.class_quad), self.alpha)

    def quad_scores(self, x: np.ndarray) -> np.ndarray:
        """The quad head's probabilities (``quad_classes`` order) for design matrix ``x``."""
        assert self.quad_coef is not None and self.quad_intercept is not None
        head = _softmax(x @ self.quad_coef.T + self.quad_intercept)
        if self.axis_coef is None or self.axis_intercept is None:
            return head
        axis = 1.0 / (1.0 + np.exp(-(x @ self.axis_coef.T + self.axis_intercept)))
        both = np.ones_like(head)
        for k, quad in enumerate(self.quad_classes):
            for a, name in enumerate(AXES):
                both[:, k] *= axis[:, a] if name in quad else 1.0 - axis[:, a]
        return np.asarray((head + both) / 2.0)

    def decide(self, feats: Sequence[Features]) -> list[tuple[str, float]]:
        """(type, probability) per example: :meth:`scores` plus the trigger-table prior.

        The prior goes to the type that ``triggers.tsv`` gives the trigger (feature ``lexT``).
        """
        probs = self.scores(feats)
        ranked = probs.copy()
        for row, feat in enumerate(feats):
            if (hint := self.hint(feat)) is not None:
                ranked[row, self.classes.index(hint[0])] += hint[1]
        best = ranked.argmax(axis=1)
        return [(self.classes[int(i)], float(p[i])) for p, i in zip(probs, best, strict=True)]

    def hint(self, feat: Features) -> tuple[str, float] | None:
        """The trigger table's type of ``feat`` (feature ``lexT``) and the prior
        :meth:`decide` gives it, or None."""
        if not self.lexicon_prior:
            return None
        return next(
            ((name, self.lexicon_prior) for name in self.classes if f"lexT={name}" in feat[0]),
            None,
        )

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "about": self.about,
            "classes": self.classes,
            "dense_scale": self.dense_scale,
            "features": sorted(self.vocab, key=self.vocab.__getitem__),
            "intercept": _rounded(self.intercept),
            "coef": [_rounded(row) for row in self.coef],
            "alpha": self.alpha,
            "lexicon_prior": self.lexicon_prior,
        }
        if self.quad_coef is not None and self.quad_intercept is not None:
            data["quad_classes"] = self.quad_classes
            data["class_quad"] = self.class_quad
            data["quad_intercept"] = _rounded(self.quad_intercept)
            data["quad_coef"] = [_rounded(row) for row in self.quad_coef]
        if self.axis_coef is not None and self.axis_intercept is not None:
            data["axis_intercept"] = _rounded(self.axis_intercept)
            data["axis_coef"] = [_rounded(row) for row in self.axis_coef]
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> EventModel:
        data = json.loads(text)
        quad = "quad_coef" in data
        axis = "axis_coef" in data
        return cls(
            classes=data["classes"],
            vocab={name: i for i, name in enumerate(data["features"])},
            coef=np.asarray(data["coef"], dtype=np.float32),
            intercept=np.asarray(data["intercept"], dtype=np.float32),
            dense_scale=float(data["dense_scale"]),
            about=data.get("about", ""),
            quad_classes=data.get("quad_classes", []),
            class_quad=data.get("class_quad", []),
            quad_coef=np.asarray(data["quad_coef"], dtype=np.float32) if quad else None,
            quad_intercept=np.asarray(data["quad_intercept"], dtype=np.float32) if quad else None,
            axis_coef=np.asarray(data["axis_coef"], dtype=np.float32) if axis else None,
            axis_intercept=np.asarray(data["axis_intercept"], dtype=np.float32) if axis else None,
            alpha=float(data.get("alpha", 1.0)),
            lexicon_prior=float(data.get("lexicon_prior", 0.0)),
        )


def _rounded(values: Iterable[float]) -> list[float]:
    # 4 decimals keep the JSON small; the scores move by < 1e-3
    return [round(float(v), 4) for v in values]


def _softmax(logits: np.ndarray) -> np.ndarray:
    logits = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


def combine(
    type_probs: np.ndarray, quad_probs: np.ndarray, class_quad: np.ndarray, alpha: float
) -> np.ndarray:
    """``P(type | quad) * Q(quad)``, ``Q`` mixing the type model's quad marginal and quad head."""
    onehot = np.zeros((type_probs.shape[1], quad_probs.shape[1]), dtype=type_probs.dtype)
    onehot[np.arange(len(class_quad)), class_quad] = 1.0
    marginal = type_probs @ onehot
    mixed = alpha * marginal + (1.0 - alpha) * quad_probs
    return np.asarray(type_probs / (marginal @ onehot.T + _EPS) * (mixed @ onehot.T))


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


def quad_labels(examples: Sequence[PairExample]) -> list[str]:
    """Each example's gold quad (PLV's ``gold_penta``), else its type's quad."""
    info = type_info()
    return [e.quad or info[e.label].quad for e in examples]


def _design(
    feats: Sequence[Features], min_count: int, dense_mult: float
) -> tuple[dict[str, int], float, Any]:
    """Vocabulary, tok2vec scale and the sparse (CSR) design matrix of the training features."""
    import scipy.sparse as sp

    counts = Counter(name for sparse, _ in feats for name in sparse)
    vocab = {n: i for i, n in enumerate(sorted(n for n, k in counts.items() if k >= min_count))}
    dense_width = max((d.size for _, d in feats), default=0)
    dense = np.stack([d for _, d in feats]) if dense_width else np.zeros((len(feats), 0))
    # scale the tensor block so its spread matches the 0/1 sparse features, times dense_mult
    dense_scale = (
        float(dense_mult / (dense.std() * np.sqrt(max(dense_width, 1)) / 2)) if dense_width else 1.0
    )
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for row, (sparse, _) in enumerate(feats):
        for name, value in sparse.items():
            col = vocab.get(name)
            if col is not None:
                rows.append(row)
                cols.append(col)
                vals.append(value)
    left = sp.csr_matrix((vals, (rows, cols)), shape=(len(feats), len(vocab)), dtype=np.float64)
    x = sp.hstack([left, sp.csr_matrix(dense.astype(np.float64) * dense_scale)], format="csr")
    return vocab, dense_scale, x


def _fit(x: Any, labels: Sequence[object], c: float) -> Any:
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    # one BLAS thread: on a shared 2-core machine threaded BLAS made lbfgs 4-8x slower
    with threadpool_limits(limits=1):
        return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, list(labels))


def train(
    feats: Sequence[Features],
    labels: Sequence[str],
    quads: Sequence[str] | None = None,
    settings: Settings | None = None,
    min_count: int = 2,
) -> EventModel:
    """Fit the type model (and the quad head when ``quads`` is given and ``alpha < 1``)."""
    s = settings or Settings()
    vocab, dense_scale, x = _design(feats, min_count, s.dense_mult)
    clf = _fit(x, labels, s.c)
    model = EventModel(
        classes=[str(k) for k in clf.classes_],
        vocab=vocab,
        coef=clf.coef_.astype(np.float32),
        intercept=clf.intercept_.astype(np.float32),
        dense_scale=dense_scale,
        lexicon_prior=s.lexicon_prior,
    )
    if quads is not None and s.alpha < 1.0 and len(set(quads)) >= 2:
        head = _fit(x, quads, s.c)
        info = type_info()
        model.quad_classes = [str(k) for k in head.classes_]
        model.class_quad = [model.quad_classes.index(info[c].quad) for c in model.classes]
        model.quad_coef = head.coef_.astype(np.float32)
        model.quad_intercept = head.intercept_.astype(np.float32)
        sides = [[name in q for q in quads] for name in AXES]
        if all(len(set(side)) == 2 for side in sides):
            axes = [_fit(x, side, s.c) for side in sides]
            # a binary model's one row is the log-odds of True (classes_ == [False, True])
            model.axis_coef = np.vstack([m.coef_[0] for m in axes]).astype(np.float32)
            model.axis_intercept = np.array([m.intercept_[0] for m in axes], dtype=np.float32)
        model.alpha = s.alpha
    return model


def choose_settings(
    feats: Sequence[Features],
    labels: Sequence[str],
    quads: Sequence[str],
    held_out: float = 0.2,
    seed: int = 0,
) -> Settings:
    """The :class:`Settings` with the best accuracy + quad accuracy on a fixed inner split.

    Only ``feats``/``labels``/``quads`` are seen, so an outer evaluation fold stays untouched.
    Per (C, tok2vec scale) the two heads are fitted once; alpha and the prior are decision-time
    choices scored on the same fits. Ties go to the earlier grid values.
    """
    import math

    from sklearn.model_selection import train_test_split

    counts = Counter(labels)
    strat = [lab if counts[lab] >= 2 else "_rare" for lab in labels]
    if (
        len(counts) < 2
        or math.ceil(held_out * len(labels)) < len(set(strat))
        or min(Counter(strat).values()) < 2
    ):
        return Settings()  # too few examples for a stratified inner split: the defaults
    fit_idx, dev_idx = train_test_split(
        np.arange(len(labels)), test_size=held_out, random_state=seed, stratify=strat
    )
    info = type_info()
    dev_feats = [feats[i] for i in dev_idx]
    gold = np.array([labels[i] for i in dev_idx])
    gold_quad = np.array([quads[i] for i in dev_idx])
    best, best_score = Settings(), -1.0
    for c, mult in itertools.product(C_GRID, DENSE_GRID):
        full = Settings(c=c, dense_mult=mult, alpha=0.0)
        model = train(
            [feats[i] for i in fit_idx],
            [labels[i] for i in fit_idx],
            [quads[i] for i in fit_idx],
            full,
        )
        for alpha, prior in itertools.product(ALPHA_GRID, PRIOR_GRID):
            model.alpha, model.lexicon_prior = alpha, prior
            pred = [label for label, _ in model.decide(dev_feats)]
            score = float(np.mean(gold == np.array(pred))) + float(
                np.mean(gold_quad == np.array([info[p].quad for p in pred]))
            )
            if score > best_score + 1e-9:
                best = Settings(c=c, dense_mult=mult, alpha=alpha, lexicon_prior=prior)
                best_score = score
    return best


def save(model: EventModel, path: Path) -> None:
    path.write_text(model.to_json() + "\n", encoding="utf-8")


@lru_cache(maxsize=1)
def load_default() -> EventModel:
    """The shipped model (models/events/event_classifier.json), loaded once."""
    text = resources.files("wirelens.models.events").joinpath(MODEL_FILE).read_text("utf-8")
    return EventModel.from_json(text)
