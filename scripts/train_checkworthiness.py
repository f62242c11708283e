"""Train the check-worthiness model shipped in ``src/wirelens/models/claims/``.

Data: ClaimBuster 3xNCS (``../shared/data/check-worthiness/claimbuster/3xNCS.json``, 11,056 debate
sentences, 2,764 check-worthy). Split: a sentence is held out (test) when
``sha1(str(sentence_id)) mod 5 == 0`` (about 20 %); everything else trains the model. The split
function lives in ``wirelens.extract.claims.checkworthiness.is_held_out`` so the evaluator uses the
same one.

Model: TF-IDF word 1-2-grams + TF-IDF char_wb 2-5-grams (sublinear tf, both L2-normalised),
concatenated, logistic regression (C=4, class_weight="balanced", liblinear), scikit-learn
1.6.1. It is written as gzipped JSON (vocabularies, idf, coefficients), not a pickle, so
loading runs no code and does not depend on the scikit-learn version that trained it.

Usage::

    python scripts/train_checkworthiness.py [--data DIR] [--out src/wirelens/models/claims]
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support

from wirelens.extract.claims.checkworthiness import (
    CHAR_PARAMS,
    MODEL_FILE,
    MODEL_VERSION,
    WORD_PARAMS,
    is_held_out,
)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "check-worthiness" / "claimbuster"
C = 4.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=REPO / "src/wirelens/models/claims")
    args = parser.parse_args()

    rows = json.loads((args.data / "3xNCS.json").read_text(encoding="utf-8"))
    train = [r for r in rows if not is_held_out(r["sentence_id"])]
    test = [r for r in rows if is_held_out(r["sentence_id"])]
    started = time.perf_counter()
    word = TfidfVectorizer(**WORD_PARAMS, min_df=2, max_features=20000)
    char = TfidfVectorizer(**CHAR_PARAMS, min_df=3, max_features=40000)
    texts = [r["text"] for r in train]
    x_train = hstack([word.fit_transform(texts), char.fit_transform(texts)]).tocsr()
    y_train = np.array([r["label"] for r in train])
    model = LogisticRegression(C=C, class_weight="balanced", solver="liblinear", max_iter=1000)
    model.fit(x_train, y_train)

    test_texts = [r["text"] for r in test]
    x_test = hstack([word.transform(test_texts), char.transform(test_texts)]).tocsr()
    pred = model.predict(x_test)
    p, r, f, _ = precision_recall_fscore_support(
        [row["label"] for row in test], pred, average="binary"
    )
    payload = {
        "version": MODEL_VERSION,
        "data": "ClaimBuster 3xNCS; train = sha1(str(sentence_id)) % 5 != 0",
        "train_size": len(train),
        "held_out_size": len(test),
        "held_out": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)},
        "C": C,
        "word": {"vocabulary": _vocab(word), "idf": _floats(word.idf_)},
        "char": {"vocabulary": _vocab(char), "idf": _floats(char.idf_)},
        "coef": _floats(model.coef_[0]),
        "intercept": float(model.intercept_[0]),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / MODEL_FILE
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
        json.dump(payload, handle, separators=(",", ":"))
    print(
        f"train {len(train)} / held-out {len(test)}: P {p:.3f} R {r:.3f} F1 {f:.3f}; "
        f"{path} {path.stat().st_size / 1e6:.2f} MB; {time.perf_counter() - started:.1f}s"
    )


def _vocab(vectorizer: TfidfVectorizer) -> list[str]:
    """Features in column order (the index is the position)."""
    ordered = sorted(vectorizer.vocabulary_.items(), key=lambda item: item[1])
    return [term for term, _ in ordered]


def _floats(values: np.ndarray) -> list[float]:
    return [round(float(v), 5) for v in values]


if __name__ == "__main__":
    main()
