"""Train the quotes models on PolNeAR train (never dev/test).

1. ``cue_lemmas.json``: for every verb lemma, how often a token with that lemma is (part of) a
   gold cue span ({lemma: {"n", "k", "p"}}, p = (k + 0.5) / (n + 1)).
2. ``cue_classifier.json``: a logistic-regression cue classifier over the sparse features of
   ``wirelens.extract.quotes.cues.cue_features`` (lemma, dependency relation, complements,
   subject type, position relative to quotation marks), stored as feature weights; the decision
   threshold is picked on the last 20% of the training articles, then the model is refit on all.

Only lemma counts and feature weights are stored: no corpus text.

    python scripts/train_quotes.py ../shared/data/polnear/data/train
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Collection
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.tokens import Doc, DocBin

from wirelens.evaluate.polnear import Attribution, read_directory
from wirelens.extract.quotes.cues import (
    MIN_NOUN_PROB,
    MODELS,
    NOUN_CUES,
    cue_features,
    hand_lexicon,
    quoted_sentences,
)
from wirelens.extract.quotes.marks import RegionIndex, find_regions
from wirelens.pipeline import load_nlp

MIN_CUES = 2  # keep lemmas seen as a cue at least this often (or in the hand lexicon)


def parsed(path: Path, cache: Path | None = None) -> list[tuple[Doc, list[Attribution]]]:
    """(parsed doc, gold attributions) per article of one PolNeAR directory.

    With ``cache`` (a DocBin file outside the repository) the parse is read from / written to it.
    """
    docs = read_directory(path)
    nlp = load_nlp()
    if cache is not None and cache.exists():
        parses = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    else:
        parses = list(nlp.pipe((text for _, text, _ in docs), batch_size=16))
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            DocBin(docs=parses).to_disk(cache)
    return [(doc, gold) for (_, _, gold), doc in zip(docs, parses, strict=True)]


def _cue_chars(doc: Doc, gold: list[Attribution]) -> bytearray:
    marks = bytearray(len(doc.text))
    for att in gold:
        for s, e in att.cue or ():
            marks[s:e] = b"\x01" * (e - s)
    return marks


def train_lemmas(
    data: list[tuple[Doc, list[Attribution]]], pos: str = "VERB"
) -> dict[str, dict[str, float]]:
    """Per-lemma cue counts of the tokens with part of speech ``pos``."""
    seen: Counter[str] = Counter()
    cued: Counter[str] = Counter()
    for doc, gold in data:
        cue_chars = _cue_chars(doc, gold)
        for tok in doc:
            if tok.pos_ != pos:
                continue
            lemma = tok.lemma_.lower()
            seen[lemma] += 1
            if cue_chars[tok.idx]:
                cued[lemma] += 1
    hand: Collection[str] = (
        hand_lexicon() if pos == "VERB" else NOUN_CUES if pos == "NOUN" else frozenset()
    )
    return {
        lemma: {"n": n, "k": cued[lemma], "p": round((cued[lemma] + 0.5) / (n + 1), 3)}
        for lemma, n in sorted(seen.items())
        if cued[lemma] >= MIN_CUES or lemma in hand
    }


def _samples(
    data: list[tuple[Doc, list[Attribution]]],
    nouns: frozenset[str] = frozenset(),
    adjectives: frozenset[str] = frozenset(),
) -> tuple[list[dict[str, int]], list[int]]:
    """Features and labels of every verb and of the nouns and adjectives whose lemma is in
    ``nouns`` / ``adjectives``."""
    xs: list[dict[str, int]] = []
    ys: list[int] = []
    for doc, gold in data:
        cue_chars = _cue_chars(doc, gold)
        regions = RegionIndex(find_regions(doc.text))
        quoted = quoted_sentences(doc, regions)
        for tok in doc:
            lemma = tok.lemma_.lower()
            if (
                tok.pos_ == "VERB"
                or (tok.pos_ == "NOUN" and lemma in nouns)
                or (tok.pos_ == "ADJ" and lemma in adjectives)
            ):
                xs.append(dict.fromkeys(cue_features(tok, regions, quoted), 1))
                ys.append(int(cue_chars[tok.idx]))
    return xs, ys


C = 0.25  # L2 strength (inverse), chosen on the train split (fit 672, score the last 168)


def _fit(
    xs: list[dict[str, int]], ys: list[int], c: float = C
) -> tuple[DictVectorizer, LogisticRegression]:
    vec = DictVectorizer()
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(vec.fit_transform(xs), ys)
    return vec, clf


def train_classifier(
    data: list[tuple[Doc, list[Attribution]]],
    nouns: frozenset[str],
    adjectives: frozenset[str] = frozenset(),
    c: float = C,
) -> dict[str, object]:
    """Fit the cue classifier; threshold by token-level F1 on a held-out 20% of ``data``."""
    cut = int(len(data) * 0.8)
    xs, ys = _samples(data[:cut], nouns, adjectives)
    hx, hy = _samples(data[cut:], nouns, adjectives)
    vec, clf = _fit(xs, ys, c)
    probs = clf.predict_proba(vec.transform(hx))[:, 1]
    gold = np.array(hy)
    best, threshold = -1.0, 0.5
    for t in np.arange(0.2, 0.8, 0.025):
        pred = probs >= t
        tp = float((pred & (gold == 1)).sum())
        f1 = 2 * tp / (pred.sum() + gold.sum()) if pred.sum() + gold.sum() else 0.0
        if f1 > best:
            best, threshold = f1, float(t)
    print(f"held-out token F1 {best:.3f} at threshold {threshold:.3f}")
    vec, clf = _fit(xs + hx, ys + hy, c)
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vec.get_feature_names_out(), clf.coef_[0], strict=True)
        if abs(w) >= 0.05  # tiny weights change no decision; keeps the file small
    }
    return {
        "about": "Cue classifier trained on PolNeAR train by scripts/train_quotes.py; "
        "feature weights only, no corpus text.",
        "intercept": round(float(clf.intercept_[0]), 4),
        "threshold": round(threshold, 3),
        "weights": dict(sorted(weights.items())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "train_dir", type=Path, help="PolNeAR train directory (text/, attributions/)"
    )
    parser.add_argument("--out", type=Path, default=MODELS / "cue_lemmas.json")
    parser.add_argument(
        "--first", type=int, default=None, help="fit on the first N articles only (dev loop)"
    )
    parser.add_argument("--cache", type=Path, default=None, help="DocBin parse cache")
    parser.add_argument("--C", type=float, default=C, help="inverse L2 strength")
    args = parser.parse_args()
    data = parsed(args.train_dir, args.cache)[: args.first]
    lemmas = train_lemmas(data)
    nouns = train_lemmas(data, "NOUN")
    adjectives = train_lemmas(data, "ADJ")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "about": "Verb-lemma cue probabilities trained on PolNeAR train by "
        "scripts/train_quotes.py; counts only, no corpus text.",
        "data": str(args.train_dir.name),
        "lemmas": lemmas,
        "nouns": nouns,
        "adjectives": adjectives,
    }
    args.out.write_text(json.dumps(payload, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(lemmas)} lemmas -> {args.out}")
    scored = frozenset(n for n, v in nouns.items() if v["p"] >= MIN_NOUN_PROB)
    scored_adjectives = frozenset(
        a for a, v in adjectives.items() if v["p"] >= MIN_NOUN_PROB and v["k"] >= MIN_CUES
    )
    model = train_classifier(data, scored, scored_adjectives, args.C)
    out = args.out.with_name("cue_classifier.json")
    out.write_text(json.dumps(model, indent=0) + "\n", encoding="utf-8")
    print(f"{len(model['weights'])} weights -> {out}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
