"""Cross-validated scores of the event-type classifier on PLV (../shared/data/events/plv).

Stratified k-fold over PLV_train: each fold's model is retrained on the other folds (plus the
PLOVER gold-standard records, which share no sentence with PLV) and scored on the held-out fold.
Scored is the decision :func:`wirelens.events.classify` makes (type head, quad head, trigger-table
prior: ``EventModel.decide``; the fine-tuned encoder where that is unsure), with every
hyperparameter chosen per fold on an inner split of that fold's training data only (nested), and
the encoder's probabilities out of fold (:func:`encoder_oof`). Reported: 15-class accuracy,
macro-F1, quad accuracy (PLV's gold quad, ``gold_penta``) and per-class precision/recall/F1.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language

from ..extract.events.classifier import (
    ALPHA_GRID,
    C_GRID,
    DENSE_GRID,
    PRIOR_GRID,
    Features,
    Settings,
    choose_settings,
    featurize,
    quad_labels,
    train,
)
from ..extract.events.data import PairExample, read_gsr, read_plv
from ..extract.events.encoder import FALLBACK_BELOW, overrule, reads
from ..extract.events.lexicon import type_info
from . import CorpusError

PLV_FILE = Path("plv") / "PLV_train.tsv"
GSR_FILE = Path("plover_gsr_cameo") / "PLOVER_GSR_CAMEO.json"


# Errors listed by the report, most frequent first.
CONFUSIONS_SHOWN = 8


def _resolve(path: Path) -> tuple[Path, Path | None]:
    """PLV file and (if present) GSR file from a file path or an events/ directory."""
    if path.is_dir():
        plv = path / PLV_FILE if (path / PLV_FILE).is_file() else path / "PLV_train.tsv"
        gsr = path / GSR_FILE
        return plv, gsr if gsr.is_file() else None
    return path, None


Featurizer = Callable[[Language, Sequence[PairExample]], list[Features]]


def score_plv(
    path: Path,
    folds: int = 5,
    extra: Path | None = None,
    seed: int = 0,
    tune: bool = True,
    featurizer: Featurizer = featurize,
    encoder: bool = True,
) -> dict[str, Any]:
    """Stratified ``folds``-fold cross-validation of the classifier on a PLV-format file.

    ``path`` is PLV_train.tsv or the events/ data directory (then the PLOVER gold-standard
    records next to it are added to every fold's training set; ``extra`` names them explicitly).
    With ``tune``, each fold's :class:`Settings` (C, tok2vec scale, quad-head weight, lexicon
    prior) are chosen by :func:`choose_settings` on an inner split of that fold's training data
    only (nested), as ``scripts/train_events.py`` does on all the data; without, the defaults.
    ``featurizer`` replaces the shipped features (``scripts/events_encoder_probe.py`` adds a
    sentence encoder's vectors to them).

    Scored is the shipped decision: where a fold's logistic regression is unsure (probability
    below ``FALLBACK_BELOW``), the fine-tuned encoder's type. The encoder is not retrained here
    (that needs torch): its out-of-fold probabilities, each from an encoder fine-tuned without
    that fold on the same split, ship with wirelens (:func:`encoder_oof`). Without them for this
    file, seed and fold count, or with ``encoder=False``, the logistic regression alone is scored
    and ``scores["encoder"]["skipped"]`` says why.
    """
    from sklearn.model_selection import StratifiedKFold

    from ..pipeline import load_nlp

    plv_path, gsr_path = _resolve(path)
    if not plv_path.is_file():
        raise CorpusError(
            f"no PLV_train.tsv at {plv_path} (give the file or the events/ directory)"
        )
    gsr_path = extra if extra is not None else gsr_path
    examples = read_plv(plv_path)
    extra_examples: list[PairExample] = read_gsr(gsr_path) if gsr_path else []
    nlp = load_nlp()
    feats = featurizer(nlp, examples)
    extra_feats = featurizer(nlp, extra_examples)
    labels = [e.label for e in examples]
    quads = quad_labels(examples)
    extra_quads = quad_labels(extra_examples)
    decided: list[tuple[str, float]] = [("", 0.0)] * len(examples)
    hints: list[tuple[str, float] | None] = [None] * len(examples)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    chosen: list[Settings] = []
    for train_idx, test_idx in splitter.split(labels, labels):
        fold_feats = [feats[i] for i in train_idx] + extra_feats
        fold_labels = [labels[i] for i in train_idx] + [e.label for e in extra_examples]
        fold_quads = [quads[i] for i in train_idx] + extra_quads
        settings = (
            choose_settings(fold_feats, fold_labels, fold_quads, seed=seed) if tune else Settings()
        )
        chosen.append(settings)
        model = train(fold_feats, fold_labels, fold_quads, settings)
        for i, decision in zip(test_idx, model.decide([feats[i] for i in test_idx]), strict=True):
            decided[i] = decision
            hints[i] = model.hint(feats[i])
    alone = [label for label, _ in decided]
    encoder_probs, encoder_classes, why_not = (
        encoder_oof(plv_path, seed, folds) if encoder else ({}, [], "switched off")
    )
    encoder_probs = {i: row for i, row in encoder_probs.items() if reads(examples[i])}
    predicted = [label for label, _ in overrule(decided, encoder_probs, encoder_classes, hints)]
    scores = _scores(examples, predicted, folds, len(extra_examples))
    scores["seed"] = seed
    if encoder_probs:
        classifier = _scores(examples, alone, folds, len(extra_examples))
        scores["encoder"] = {
            "share": sum(decided[i][1] < FALLBACK_BELOW for i in encoder_probs) / len(decided),
            "classifier_accuracy": classifier["accuracy"],
            "classifier_quad_accuracy": classifier["quad_accuracy"],
        }
    else:
        scores["encoder"] = {"skipped": why_not}
    scores["tuning"] = (
        f"per fold on a fixed 80/20 stratified split of that fold's training data, best "
        f"accuracy + quad accuracy over C {list(C_GRID)} x tok2vec scale {list(DENSE_GRID)} x "
        f"alpha {list(ALPHA_GRID)} x prior {list(PRIOR_GRID)}: "
        + "; ".join(s.describe() for s in chosen)
        if tune
        else f"fixed: {Settings().describe()}"
    )
    return scores


def encoder_oof(
    plv_path: Path, seed: int, folds: int
) -> tuple[dict[int, np.ndarray], list[str], str]:
    """(pair index -> out-of-fold encoder probabilities, their classes, "") for this PLV file,
    fold seed and fold count, from ``resources/events/encoder_oof_seed{seed}.json`` (written by
    ``scripts/train_events_encoder.py``); else ({}, [], why not)."""
    name = f"encoder_oof_seed{seed}.json"
    ref = resources.files("wirelens.resources.events").joinpath(name)
    if not ref.is_file():
        return (
            {},
            [],
            (
                f"no out-of-fold encoder probabilities for fold seed {seed} "
                f"(scripts/train_events_encoder.py --seed {seed} --oof-only writes them)"
            ),
        )
    data = json.loads(ref.read_text("utf-8"))
    if int(data["folds"]) != folds:
        return {}, [], f"the encoder's out-of-fold probabilities are for {data['folds']} folds"
    if data["plv_sha256"] != hashlib.sha256(plv_path.read_bytes()).hexdigest():
        return {}, [], "the encoder's out-of-fold probabilities are for another PLV_train.tsv"
    probs = {i: np.asarray(row, dtype=np.float32) for i, row in enumerate(data["probs"])}
    return probs, list(data["classes"]), ""


def _scores(
    examples: list[PairExample], predicted: list[str], folds: int, n_extra: int
) -> dict[str, Any]:
    quads = type_info()
    gold = [e.label for e in examples]
    n = len(gold)
    classes = sorted(set(gold) | set(predicted))
    per_class: dict[str, dict[str, float]] = {}
    for c in classes:
        tp = sum(g == c and p == c for g, p in zip(gold, predicted, strict=False))
        n_pred = sum(p == c for p in predicted)
        n_gold = sum(g == c for g in gold)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_class[c] = {"precision": prec, "recall": rec, "f1": f1, "support": n_gold}
    gold_classes = [c for c in classes if per_class[c]["support"]]
    quad_pairs = [
        (e.quad, quads[p].quad) for e, p in zip(examples, predicted, strict=False) if e.quad
    ]
    return {
        "n": n,
        "folds": folds,
        "extra_training_records": n_extra,
        "accuracy": sum(g == p for g, p in zip(gold, predicted, strict=False)) / n if n else 0.0,
        "macro_f1": sum(per_class[c]["f1"] for c in gold_classes) / len(gold_classes)
        if gold_classes
        else 0.0,
        "quad_accuracy": sum(g == p for g, p in quad_pairs) / len(quad_pairs)
        if quad_pairs
        else 0.0,
        "per_class": per_class,
        # The most frequent errors, gold -> predicted: what a user of the types should expect.
        "confusions": [
            {"gold": g, "predicted": p, "count": count}
            for (g, p), count in Counter(
                (g, p) for g, p in zip(gold, predicted, strict=False) if g != p
            ).most_common(CONFUSIONS_SHOWN)
        ],
    }


def format_report(scores: dict[str, Any]) -> str:
    """A plain-text table of :func:`score_plv` results."""
    lines = [
        f"PLV event types: {scores['n']} pairs, {scores['folds']}-fold stratified CV "
        f"(seed {scores.get('seed', 0)}) "
        f"(+{scores['extra_training_records']} PLOVER gold records in each training fold)",
        f"  15-class accuracy {scores['accuracy']:.3f}   macro-F1 {scores['macro_f1']:.3f}   "
        f"quad accuracy {scores['quad_accuracy']:.3f}",
        f"  {'class':<10} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}",
    ]
    if scores.get("tuning"):
        lines.insert(2, f"  tuning (nested, training folds only): {scores['tuning']}")
    enc = scores.get("encoder", {})
    if "share" in enc:
        lines.insert(
            2,
            f"  encoder decides {enc['share']:.0%} of the pairs (with a target, classifier "
            f"probability < {FALLBACK_BELOW}); classifier alone: accuracy "
            f"{enc['classifier_accuracy']:.3f}, "
            f"quad accuracy {enc['classifier_quad_accuracy']:.3f}",
        )
    elif enc.get("skipped"):
        lines.insert(2, f"  classifier alone (encoder not scored: {enc['skipped']})")
    for name, s in sorted(scores["per_class"].items()):
        lines.append(
            f"  {name:<10} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
            f"{int(s['support']):5d}"
        )
    if scores.get("confusions"):
        lines.append("  most frequent errors (gold -> predicted): ")
        lines[-1] += ", ".join(
            f"{c['gold']} -> {c['predicted']} {c['count']}" for c in scores["confusions"]
        )
    return "\n".join(lines)
